//! What a service's input looks like, as data a generated CLI hands over:
//! JSON option values are checked against it before anything else (each
//! unknown member and wrong type named with its path and what was
//! possible), and `--help` and `--generate-cli-skeleton` are drawn from it.

use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::primitives::DateTime;

/// The shapes a service's operations take, indexed by [`ShapeId`].
#[derive(Debug)]
pub struct Schema {
    /// Every shape an operation's input reaches, in the generator's order.
    pub shapes: &'static [Shape],
}

/// A shape's index in [`Schema::shapes`].
pub type ShapeId = usize;

/// One shape: its model name (for messages) and what values it takes.
#[derive(Debug)]
pub struct Shape {
    /// The model's name, e.g. `ContentBlock`.
    pub name: &'static str,
    /// What values it takes.
    pub kind: Kind,
}

/// What values a shape takes, as JSON.
#[derive(Debug)]
pub enum Kind {
    /// Any string.
    String,
    /// A string, normally one of these (the service may know newer ones).
    Enum(&'static [&'static str]),
    /// `true` or `false`.
    Boolean,
    /// An integer within the bounds of its Rust type.
    Integer {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// Any number.
    Float,
    /// Base64 text.
    Blob,
    /// Epoch seconds, or an ISO 8601 or HTTP date.
    Timestamp,
    /// Any JSON.
    Document,
    /// An array of the shape.
    List(ShapeId),
    /// An object of string keys to the value shape.
    Map(ShapeId),
    /// An object of these members.
    Structure(&'static [Field]),
    /// An object with exactly one of these members.
    Union(&'static [Field]),
}

/// A member of a structure or union.
#[derive(Debug)]
pub struct Field {
    /// The model's member name: an option's name and a key of
    /// `--cli-input-json`.
    pub name: &'static str,
    /// The member's key inside a JSON value (its wire name).
    pub key: &'static str,
    /// The member's shape.
    pub target: ShapeId,
    /// Whether a value must be given (idempotency tokens, filled when left
    /// out, are not).
    pub required: bool,
}

/// What checking a value found: errors refuse the command, warnings are
/// printed and the value is sent.
#[derive(Debug, Default)]
pub struct Findings {
    /// Values that cannot be sent.
    pub errors: Vec<String>,
    /// Values sent as given that the model does not list.
    pub warnings: Vec<String>,
}

/// How deep `--help`'s syntax goes before it writes `...`.
const SYNTAX_DEPTH: usize = 8;
/// How many lines `--help`'s syntax of one option may take.
const SYNTAX_LINES: usize = 400;

impl Schema {
    fn shape(&self, id: ShapeId) -> Option<&'static Shape> {
        self.shapes.get(id)
    }

    /// Checks `value` against shape `id`, adding what is wrong at `path`
    /// (such as `--messages[0].content[0]`) to `findings`.
    pub fn check(&self, id: ShapeId, value: &Value, path: &str, findings: &mut Findings) {
        let Some(shape) = self.shape(id) else {
            findings
                .errors
                .push(format!("{path}: the CLI's schema has no shape {id}"));
            return;
        };
        let mut wrong = |expected: String| {
            findings.errors.push(format!(
                "{path}: expected {expected}, got {}",
                describe_value(value)
            ));
        };
        match (&shape.kind, value) {
            (_, Value::Null) => {}
            (Kind::String, Value::String(_)) | (Kind::Document, _) => {}
            (Kind::Boolean, Value::Bool(_)) => {}
            (Kind::Enum(values), Value::String(given)) => {
                if !values.contains(&given.as_str()) {
                    findings.warnings.push(unlisted_enum(path, given, values));
                }
            }
            (Kind::Integer { min, max }, Value::Number(n)) => {
                if !n.as_i64().is_some_and(|v| (*min..=*max).contains(&v)) {
                    wrong(format!("an integer from {min} to {max}"));
                }
            }
            (Kind::Float, Value::Number(_)) => {}
            (Kind::Blob, Value::String(text)) => {
                if base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .is_err()
                {
                    findings.errors.push(format!(
                        "{path}: expected base64 text, got text that is not"
                    ));
                }
            }
            (Kind::Timestamp, Value::Number(_)) => {}
            (Kind::Timestamp, Value::String(text)) => {
                if DateTime::parse_rfc3339(text)
                    .or_else(|| DateTime::parse_http_date(text))
                    .is_none()
                {
                    findings.errors.push(format!(
                        "{path}: {text:?} is not an ISO 8601 date (such as 2024-01-31T12:00:00Z)"
                    ));
                }
            }
            (Kind::List(member), Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    self.check(*member, item, &format!("{path}[{index}]"), findings);
                }
            }
            (Kind::Map(value_shape), Value::Object(entries)) => {
                for (key, item) in entries {
                    self.check(*value_shape, item, &format!("{path}.{key}"), findings);
                }
            }
            (Kind::Structure(fields), Value::Object(members)) => {
                self.check_members(fields, members, path, Keys::Wire, findings);
                for field in fields.iter().filter(|f| f.required) {
                    if members.get(field.key).is_none_or(Value::is_null) {
                        findings
                            .errors
                            .push(format!("{path}: missing required member {:?}", field.key));
                    }
                }
            }
            (Kind::Union(fields), Value::Object(members)) => {
                self.check_members(fields, members, path, Keys::Wire, findings);
                let set: Vec<&str> = members
                    .iter()
                    .filter(|(key, value)| {
                        !value.is_null() && fields.iter().any(|f| f.key == key.as_str())
                    })
                    .map(|(key, _)| key.as_str())
                    .collect();
                match set.as_slice() {
                    [_] => {}
                    [] if members.is_empty() => findings.errors.push(format!(
                        "{path}: a {} takes exactly one of: {}; got none",
                        shape.name,
                        names(fields, Keys::Wire)
                    )),
                    [] => {}
                    several => findings.errors.push(format!(
                        "{path}: a {} takes exactly one member; got {}",
                        shape.name,
                        several.join(", ")
                    )),
                }
            }
            (kind, _) => wrong(expected(kind, shape.name)),
        }
    }

    /// Checks the keys of an object against `fields` (by `keys`), and each
    /// known member's value.
    pub(crate) fn check_members(
        &self,
        fields: &[Field],
        members: &Map<String, Value>,
        path: &str,
        keys: Keys,
        findings: &mut Findings,
    ) {
        for (key, value) in members {
            match fields.iter().find(|f| keys.of(f) == key) {
                Some(field) => self.check(field.target, value, &format!("{path}.{key}"), findings),
                None => findings.errors.push(format!(
                    "{path}: unknown member {key:?}; expected one of: {}",
                    names(fields, keys)
                )),
            }
        }
    }

    /// A JSON-like picture of the values shape `id` takes, for `--help`:
    /// strings as `"string"`, enums as their values joined by `|`, members
    /// in model order; recursion and great depth end in `...`.
    pub fn syntax(&self, id: ShapeId) -> String {
        let mut out = String::new();
        let mut stack = Vec::new();
        self.write_syntax(id, 0, &mut stack, &mut out);
        let lines = out.lines().count();
        if lines > SYNTAX_LINES {
            let mut cut: String = out
                .lines()
                .take(SYNTAX_LINES)
                .collect::<Vec<_>>()
                .join("\n");
            let _ = write!(
                cut,
                "\n... ({} more lines; see --generate-cli-skeleton)",
                lines - SYNTAX_LINES
            );
            return cut;
        }
        out
    }

    fn write_syntax(&self, id: ShapeId, depth: usize, stack: &mut Vec<ShapeId>, out: &mut String) {
        let Some(shape) = self.shape(id) else {
            out.push_str("...");
            return;
        };
        let indent = "  ".repeat(depth + 1);
        let close = "  ".repeat(depth);
        let nested = matches!(
            shape.kind,
            Kind::List(_) | Kind::Map(_) | Kind::Structure(_) | Kind::Union(_)
        );
        if nested && (stack.contains(&id) || depth >= SYNTAX_DEPTH) {
            let _ = write!(out, "{{...}} ({})", shape.name);
            return;
        }
        stack.push(id);
        match &shape.kind {
            Kind::String => out.push_str("\"string\""),
            Kind::Enum(values) => {
                let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                out.push_str(&quoted.join("|"));
            }
            Kind::Boolean => out.push_str("true|false"),
            Kind::Integer { .. } => out.push_str("integer"),
            Kind::Float => out.push_str("number"),
            Kind::Blob => out.push_str("\"base64\""),
            Kind::Timestamp => out.push_str("\"2024-01-31T12:00:00Z\""),
            Kind::Document => out.push_str("{...} (any JSON)"),
            Kind::List(member) => {
                let _ = write!(out, "[\n{indent}");
                self.write_syntax(*member, depth + 1, stack, out);
                let _ = write!(out, "\n{indent}...\n{close}]");
            }
            Kind::Map(value) => {
                let _ = write!(out, "{{\n{indent}\"string\": ");
                self.write_syntax(*value, depth + 1, stack, out);
                let _ = write!(out, "\n{indent}...\n{close}}}");
            }
            Kind::Structure(fields) | Kind::Union(fields) => {
                out.push('{');
                if matches!(shape.kind, Kind::Union(_)) {
                    out.push_str("  (exactly one of)");
                }
                for (index, field) in fields.iter().enumerate() {
                    let _ = write!(out, "\n{indent}{:?}: ", field.key);
                    self.write_syntax(field.target, depth + 1, stack, out);
                    if index + 1 < fields.len() {
                        out.push(',');
                    }
                    if field.required {
                        out.push_str("  (required)");
                    }
                }
                let _ = write!(out, "\n{close}}}");
            }
        }
        stack.pop();
    }

    /// A value of shape `id` to fill in, for `--generate-cli-skeleton`:
    /// empty strings, zeros, an enum's first value, one item per list, the
    /// first member of a union; a member that would recurse is left out.
    pub fn skeleton(&self, id: ShapeId) -> Value {
        self.skeleton_at(id, &mut Vec::new())
    }

    /// The skeleton of an operation's input, keyed by the model's member
    /// names as `--cli-input-json` takes them.
    pub fn input_skeleton(&self, fields: &[Field]) -> Value {
        let mut stack = Vec::new();
        Value::Object(
            fields
                .iter()
                .map(|f| (f.name.to_owned(), self.skeleton_at(f.target, &mut stack)))
                .collect(),
        )
    }

    fn skeleton_at(&self, id: ShapeId, stack: &mut Vec<ShapeId>) -> Value {
        let Some(shape) = self.shape(id) else {
            return Value::Null;
        };
        stack.push(id);
        let value = match &shape.kind {
            Kind::String | Kind::Blob => Value::String(String::new()),
            Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("").to_owned()),
            Kind::Boolean => Value::Bool(true),
            Kind::Integer { .. } | Kind::Float => Value::from(0),
            Kind::Timestamp => Value::String("1970-01-01T00:00:00Z".to_owned()),
            Kind::Document => Value::Object(Map::new()),
            Kind::List(member) => match stack.contains(member) {
                true => Value::Array(Vec::new()),
                false => Value::Array(vec![self.skeleton_at(*member, stack)]),
            },
            Kind::Map(value) => {
                let mut entries = Map::new();
                if !stack.contains(value) {
                    entries.insert("KeyName".to_owned(), self.skeleton_at(*value, stack));
                }
                Value::Object(entries)
            }
            Kind::Structure(fields) | Kind::Union(fields) => {
                let mut members = Map::new();
                for field in fields.iter() {
                    if stack.contains(&field.target) {
                        continue;
                    }
                    let value = self.skeleton_at(field.target, stack);
                    members.insert(field.key.to_owned(), value);
                    // A union takes one member: its first that does not recurse.
                    if matches!(shape.kind, Kind::Union(_)) {
                        break;
                    }
                }
                Value::Object(members)
            }
        };
        stack.pop();
        value
    }
}

/// Which name of a member an object's keys use.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keys {
    /// The model's member names (the top of `--cli-input-json`).
    Model,
    /// The wire names (inside JSON values).
    Wire,
}

impl Keys {
    fn of(self, field: &Field) -> &'static str {
        match self {
            Keys::Model => field.name,
            Keys::Wire => field.key,
        }
    }
}

fn names(fields: &[Field], keys: Keys) -> String {
    fields
        .iter()
        .map(|f| keys.of(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The warning for an enum value the model does not list.
pub(crate) fn unlisted_enum(path: &str, given: &str, values: &[&str]) -> String {
    format!(
        "{path}: {given:?} is not one of the values the model lists ({}); sent as given, since the service may know newer values",
        values.join(", ")
    )
}

fn expected(kind: &Kind, name: &str) -> String {
    match kind {
        Kind::String => "a string".to_owned(),
        Kind::Enum(values) => format!("a string such as {}", values.join(", ")),
        Kind::Boolean => "true or false".to_owned(),
        Kind::Integer { min, max } => format!("an integer from {min} to {max}"),
        Kind::Float => "a number".to_owned(),
        Kind::Blob => "base64 text".to_owned(),
        Kind::Timestamp => "epoch seconds or an ISO 8601 date".to_owned(),
        Kind::Document => "any JSON".to_owned(),
        Kind::List(_) => format!("an array ({name})"),
        Kind::Map(_) => format!("an object of keys to values ({name})"),
        Kind::Structure(_) => format!("an object ({name})"),
        Kind::Union(_) => format!("an object with one member ({name})"),
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `Message { role: ConversationRole (required), content: [ContentBlock] }`,
    /// `ContentBlock = text | image { format, bytes } | nested [ContentBlock]`.
    static SHAPES: &[Shape] = &[
        Shape {
            name: "Message",
            kind: Kind::Structure(&[
                Field {
                    name: "role",
                    key: "role",
                    target: 1,
                    required: true,
                },
                Field {
                    name: "content",
                    key: "content",
                    target: 2,
                    required: false,
                },
            ]),
        },
        Shape {
            name: "ConversationRole",
            kind: Kind::Enum(&["user", "assistant"]),
        },
        Shape {
            name: "ContentBlocks",
            kind: Kind::List(3),
        },
        Shape {
            name: "ContentBlock",
            kind: Kind::Union(&[
                Field {
                    name: "text",
                    key: "text",
                    target: 4,
                    required: false,
                },
                Field {
                    name: "image",
                    key: "image",
                    target: 5,
                    required: false,
                },
                Field {
                    name: "nested",
                    key: "nested",
                    target: 2,
                    required: false,
                },
            ]),
        },
        Shape {
            name: "String",
            kind: Kind::String,
        },
        Shape {
            name: "ImageBlock",
            kind: Kind::Structure(&[
                Field {
                    name: "bytes",
                    key: "bytes",
                    target: 6,
                    required: false,
                },
                Field {
                    name: "maxTokens",
                    key: "maxTokens",
                    target: 7,
                    required: false,
                },
            ]),
        },
        Shape {
            name: "Blob",
            kind: Kind::Blob,
        },
        Shape {
            name: "Integer",
            kind: Kind::Integer {
                min: i32::MIN as i64,
                max: i32::MAX as i64,
            },
        },
    ];
    static SCHEMA: Schema = Schema { shapes: SHAPES };

    fn check(value: Value) -> Findings {
        let mut findings = Findings::default();
        SCHEMA.check(0, &value, "--messages[0]", &mut findings);
        findings
    }

    #[test]
    fn an_unknown_key_names_its_path_and_the_keys_possible() {
        let found = check(json!({"role": "user", "content": [{"txt": "hi"}]}));
        assert_eq!(
            found.errors,
            [
                "--messages[0].content[0]: unknown member \"txt\"; expected one of: text, image, nested"
            ]
        );
    }

    #[test]
    fn a_wrong_type_names_its_path_and_the_type_expected() {
        let found = check(json!({"role": "user", "content": "hi"}));
        assert_eq!(
            found.errors,
            ["--messages[0].content: expected an array (ContentBlocks), got the string \"hi\""]
        );
        let found = check(
            json!({"role": "user", "content": [{"image": {"maxTokens": 1.5, "bytes": "@@"}}]}),
        );
        assert_eq!(
            found.errors,
            [
                "--messages[0].content[0].image.bytes: expected base64 text, got text that is not",
                "--messages[0].content[0].image.maxTokens: expected an integer from -2147483648 to 2147483647, got 1.5"
            ]
        );
    }

    #[test]
    fn unions_take_exactly_one_member_and_structures_their_required_ones() {
        let found = check(json!({"content": [{"text": "a", "image": {}}, {}]}));
        assert_eq!(
            found.errors,
            [
                "--messages[0].content[0]: a ContentBlock takes exactly one member; got image, text",
                "--messages[0].content[1]: a ContentBlock takes exactly one of: text, image, nested; got none",
                "--messages[0]: missing required member \"role\""
            ]
        );
    }

    #[test]
    fn an_enum_value_the_model_does_not_list_is_a_warning() {
        let found = check(json!({"role": "usr"}));
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        assert_eq!(found.warnings.len(), 1);
        assert!(
            found.warnings[0].starts_with(
                "--messages[0].role: \"usr\" is not one of the values the model lists (user, assistant)"
            ),
            "{}",
            found.warnings[0]
        );
    }

    #[test]
    fn skeletons_stop_where_shapes_recurse() {
        assert_eq!(
            SCHEMA.skeleton(0),
            json!({"role": "user", "content": [{"text": ""}]})
        );
        let syntax = SCHEMA.syntax(0);
        assert!(
            syntax.contains("\"role\": \"user\"|\"assistant\",  (required)"),
            "{syntax}"
        );
        assert!(
            syntax.contains("\"nested\": {...} (ContentBlocks)"),
            "{syntax}"
        );
    }
}
