//! Rust names for model names: one place, used everywhere.
//!
//! Members and functions are `snake_case`, types and variants
//! `UpperCamelCase` (made with `heck`); Rust keywords are escaped as raw
//! identifiers, except the four that cannot be raw (`self`, `Self`, `super`,
//! `crate`), which get a trailing underscore.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves in every edition we target.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// A `snake_case` identifier for a member, function or module.
pub fn snake(name: &str) -> String {
    escape(&identifier_safe(&name.to_snake_case(), "value"))
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn camel(name: &str) -> String {
    escape(&identifier_safe(&name.to_upper_camel_case(), "Value"))
}

/// A `SHOUTY_SNAKE_CASE` identifier for a static, e.g. a pattern's.
pub fn constant(name: &str) -> String {
    escape(&identifier_safe(&name.to_shouty_snake_case(), "VALUE"))
}

/// The name of an enum variant for a string enum value such as
/// `application/json`, `us-east-1` or `2.0`: what is not an identifier
/// character separates words.
pub fn variant(value: &str) -> String {
    let words: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = words.to_upper_camel_case();
    let camel = if camel.is_empty() {
        "Value".to_owned()
    } else {
        camel
    };
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        escape(&camel)
    }
}

/// The name without a raw-identifier prefix, for composing other names
/// (`set_type` from `r#type`).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Keeps only characters valid in an identifier and makes sure the result
/// does not start with a digit.
fn identifier_safe(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        fallback.to_owned()
    } else if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}{cleaned}", &fallback[..1])
    } else {
        cleaned
    }
}

fn escape(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Hands out names that are unique within one scope, in the order asked,
/// by appending a number to any name already taken. Callers ask in a
/// deterministic (sorted or model) order, so the outcome is reproducible.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Scope {
            taken: reserved.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... if it is taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        // A raw identifier keeps its prefix only when bare: `r#type2` is not a keyword.
        let base = bare(wanted).trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_snake_case() {
        assert_eq!(snake("modelId"), "model_id");
        assert_eq!(snake("originalStatusCode"), "original_status_code");
        assert_eq!(snake("HTTPStatus"), "http_status");
        assert_eq!(snake("SSEKMSKeyId"), "ssekms_key_id");
        assert_eq!(snake("nextToken"), "next_token");
    }

    #[test]
    fn types_are_upper_camel_case() {
        assert_eq!(camel("InvokeModelRequest"), "InvokeModelRequest");
        assert_eq!(camel("HTTPStatus"), "HttpStatus");
        assert_eq!(camel("payloadPart"), "PayloadPart");
        assert_eq!(camel("S3Location"), "S3Location");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("match"), "r#match");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(bare("r#type"), "type");
    }

    #[test]
    fn names_that_are_not_identifiers_are_made_into_ones() {
        assert_eq!(snake("2fa"), "v2fa");
        assert_eq!(camel("3d"), "V3d");
        assert_eq!(snake("$"), "value");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant("application/json"), "ApplicationJson");
        assert_eq!(variant("us-east-1"), "UsEast1");
        assert_eq!(variant("2.0"), "V20");
        assert_eq!(variant("tool_use"), "ToolUse");
        assert_eq!(variant("ASSISTANT"), "Assistant");
        assert_eq!(variant("*"), "Value");
        assert_eq!(variant("Self"), "Self_");
    }

    #[test]
    fn scope_resolves_collisions_deterministically() {
        let mut scope = Scope::with_reserved(["Unknown"]);
        assert_eq!(scope.claim("Unknown"), "Unknown2");
        assert_eq!(scope.claim("FooBar"), "FooBar");
        assert_eq!(scope.claim("FooBar"), "FooBar2");
        assert_eq!(scope.claim("FooBar"), "FooBar3");
        let mut members = Scope::default();
        assert_eq!(members.claim("r#type"), "r#type");
        assert_eq!(members.claim("r#type"), "type2");
        assert_eq!(members.claim("self_"), "self_");
        assert_eq!(members.claim("self_"), "self2");
    }
}
