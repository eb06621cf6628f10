//! An operation's options: each member from its command-line option, or
//! else from `--cli-input-json` (options given on the line win), checked
//! against the model's shapes before anything is sent, with every problem
//! reported at once.

use std::io::Read as _;

use clap::{Arg, ArgAction, ArgMatches};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::schema::{Field, Findings, Keys, Kind, Schema};
use super::{CliError, blob, text};
use crate::primitives::Blob;

/// `--cli-input-json` and `--generate-cli-skeleton`, as every operation
/// takes them.
pub fn input_args() -> [Arg; 2] {
    [
        Arg::new("cli-input-json")
            .long("cli-input-json")
            .value_name("JSON|file://PATH|-")
            .help("The whole input as JSON (standard input with -), keyed by member name as --generate-cli-skeleton prints it; options given on the line win; blobs are base64 here"),
        Arg::new("generate-cli-skeleton")
            .long("generate-cli-skeleton")
            .action(ArgAction::SetTrue)
            .help("Print a JSON skeleton of the input for --cli-input-json, and send nothing"),
    ]
}

/// Prints the input's skeleton when `--generate-cli-skeleton` was given;
/// whether it was.
pub fn print_skeleton(
    args: &ArgMatches,
    schema: &Schema,
    fields: &[Field],
) -> Result<bool, CliError> {
    if !args.get_flag("generate-cli-skeleton") {
        return Ok(false);
    }
    super::output::print_json(&schema.input_skeleton(fields))?;
    Ok(true)
}

/// The members of one command's input, read from its options and
/// `--cli-input-json`.
pub struct Options<'a> {
    args: &'a ArgMatches,
    schema: &'static Schema,
    fields: &'static [Field],
    input: Map<String, Value>,
    /// The options of required members that were given nowhere.
    missing: Vec<String>,
    findings: Findings,
}

/// A member's value and where it came from, for messages.
struct Given {
    value: Value,
    path: String,
}

impl<'a> Options<'a> {
    /// Reads and checks `--cli-input-json`, if given.
    pub fn new(
        args: &'a ArgMatches,
        schema: &'static Schema,
        fields: &'static [Field],
    ) -> Result<Self, CliError> {
        let mut findings = Findings::default();
        let input = match args.get_one::<String>("cli-input-json") {
            None => Map::new(),
            Some(source) => {
                let input = read_input_json(source)?;
                schema.check_members(
                    fields,
                    &input,
                    "--cli-input-json",
                    Keys::Model,
                    &mut findings,
                );
                input
            }
        };
        Ok(Options {
            args,
            schema,
            fields,
            input,
            missing: Vec::new(),
            findings,
        })
    }

    /// A string member.
    pub fn string(&mut self, flag: &'static str, member: &'static str) -> Option<String> {
        self.value::<String>(flag, member)
    }

    /// A member of any other type but blob and boolean: an enum, a number,
    /// a timestamp, a structure, list, map, union or document. Its option
    /// takes the type's text (numbers, enum values, timestamps) or JSON in
    /// the wire form, as text or `file://PATH`.
    pub fn value<T: DeserializeOwned>(
        &mut self,
        flag: &'static str,
        member: &'static str,
    ) -> Option<T> {
        let given = self.given(flag, member)?;
        match serde_json::from_value(given.value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.findings.errors.push(format!("{}: {e}", given.path));
                None
            }
        }
    }

    /// A blob member: its option's text as bytes, or a file's bytes with
    /// `fileb://PATH`; base64 in `--cli-input-json`.
    pub fn blob(&mut self, flag: &'static str, member: &'static str) -> Option<Blob> {
        if let Some(raw) = self.args.get_one::<String>(flag) {
            self.input.remove(member);
            return self.record(blob(raw));
        }
        self.value::<Blob>(flag, member)
    }

    /// A boolean member: `--flag` or `--no-flag`, or `true`/`false` in
    /// `--cli-input-json`.
    pub fn boolean(
        &mut self,
        flag: &'static str,
        negated: &'static str,
        member: &'static str,
    ) -> Option<bool> {
        let on_line = if self.args.get_flag(flag) {
            Some(true)
        } else if self.args.get_flag(negated) {
            Some(false)
        } else {
            None
        };
        match on_line {
            Some(value) => {
                self.input.remove(member);
                Some(value)
            }
            None => self.value::<bool>(flag, member),
        }
    }

    /// Prints the warnings; fails with every error found, and every
    /// required member given nowhere, at once.
    pub fn finish(self) -> Result<(), CliError> {
        for warning in &self.findings.warnings {
            eprintln!("warning: {warning}");
        }
        let mut errors = self.findings.errors;
        if !self.missing.is_empty() {
            errors.push(format!(
                "the following options are required (on the line or in --cli-input-json): {}",
                self.missing.join(", ")
            ));
        }
        match errors.as_slice() {
            [] => Ok(()),
            _ => Err(CliError::parameter(format!(
                "Parameter validation failed:\n{}",
                errors.join("\n")
            ))),
        }
    }

    /// The member's value as JSON, from its option or `--cli-input-json`,
    /// checked against its shape; `None` when it is given nowhere or is
    /// wrong (then recorded).
    fn given(&mut self, flag: &'static str, member: &'static str) -> Option<Given> {
        let Some(field) = self.fields.iter().find(|f| f.name == member) else {
            self.findings.errors.push(format!(
                "--{flag}: the CLI's schema has no member {member:?}"
            ));
            return None;
        };
        let from_json = self.input.remove(member);
        let Some(raw) = self.args.get_one::<String>(flag) else {
            // Checked with the rest of --cli-input-json already.
            return match from_json {
                Some(Value::Null) | None => {
                    if field.required {
                        self.missing.push(format!("--{flag}"));
                    }
                    None
                }
                Some(value) => Some(Given {
                    value,
                    path: format!("--cli-input-json.{member}"),
                }),
            };
        };
        let path = format!("--{flag}");
        let kind = self.schema.shapes.get(field.target).map(|s| &s.kind);
        let value = self.record(option_value(kind, &path, raw))?;
        let mut findings = Findings::default();
        self.schema
            .check(field.target, &value, &path, &mut findings);
        let failed = !findings.errors.is_empty();
        self.findings.errors.extend(findings.errors);
        self.findings.warnings.extend(findings.warnings);
        (!failed).then_some(Given { value, path })
    }

    fn record<T>(&mut self, result: Result<T, CliError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.findings.errors.push(e.to_string());
                None
            }
        }
    }
}

/// An option's text as the JSON value of its member's kind.
fn option_value(kind: Option<&Kind>, path: &str, raw: &str) -> Result<Value, CliError> {
    let not_a_number = || CliError::parameter(format!("{path}: {raw:?} is not a number"));
    match kind {
        Some(Kind::String | Kind::Enum(_)) => Ok(Value::String(text(raw)?)),
        Some(Kind::Integer { .. }) => raw
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| not_a_number()),
        Some(Kind::Float) => raw
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(not_a_number),
        Some(Kind::Timestamp) => Ok(match raw.trim().parse::<f64>() {
            Ok(seconds) => serde_json::Number::from_f64(seconds)
                .map(Value::Number)
                .ok_or_else(not_a_number)?,
            Err(_) => Value::String(raw.trim().to_owned()),
        }),
        Some(Kind::Boolean) => match raw.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(CliError::parameter(format!(
                "{path}: {raw:?} is not true or false"
            ))),
        },
        _ => serde_json::from_str(&text(raw)?)
            .map_err(|e| CliError::parameter(format!("{path}: not JSON: {e}"))),
    }
}

/// `--cli-input-json`'s object: `-` is standard input, `file://PATH` a
/// file, text starting with `{` the JSON itself, anything else a path.
fn read_input_json(source: &str) -> Result<Map<String, Value>, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::parameter(format!("--cli-input-json: cannot read standard input: {e}"))
        })?;
        text
    } else if source.trim_start().starts_with('{') {
        source.to_owned()
    } else {
        let path = source.strip_prefix("file://").unwrap_or(source);
        std::fs::read_to_string(path).map_err(|e| {
            CliError::parameter(format!("--cli-input-json: cannot read {path}: {e}"))
        })?
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(input)) => Ok(input),
        Ok(_) => Err(CliError::parameter(
            "--cli-input-json: expected a JSON object of the input's members",
        )),
        Err(e) => Err(CliError::parameter(format!(
            "--cli-input-json: not JSON: {e}"
        ))),
    }
}
