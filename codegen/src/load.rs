//! Reading a model file into [`crate::model`] types.
//!
//! botocore's published models contain raw control characters (newlines in
//! documentation) inside JSON strings, which strict JSON forbids. We escape
//! them before handing the text to `serde_json`, and map any error position
//! back to the original file so that a malformed model is reported where the
//! user will look for it.

use std::borrow::Cow;
use std::fmt;

use crate::model::ServiceModel;

/// A model file that could not be read as a botocore model.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not JSON, even allowing raw control characters in strings.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON does not have the shape of a botocore model.
    #[error("{file}:{line}:{column}: {path}: {message}")]
    Structure {
        file: String,
        line: usize,
        column: usize,
        /// Dotted path to the offending value, e.g. `shapes.Foo`.
        path: String,
        message: String,
    },
}

/// Parses `text` (the contents of `file`, named only for error messages).
pub fn parse_model(file: &str, text: &str) -> Result<ServiceModel, LoadError> {
    parse_file(file, text)
}

/// Parses any JSON file of the model's family (paginators, endpoint rules)
/// into `T`, with the same tolerance and error positions as the model.
pub fn parse_file<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    let relaxed = RelaxedJson::new(text);
    let mut de = serde_json::Deserializer::from_str(&relaxed.text);
    let (path, result) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(model) => (String::new(), de.end().map(|()| model)),
        Err(err) => (err.path().to_string(), Err(err.into_inner())),
    };
    result.map_err(|err| {
        let (line, column) = relaxed.original_position(err.line(), err.column());
        let message = strip_position(&err);
        if err.is_data() {
            LoadError::Structure {
                file: file.to_owned(),
                line,
                column,
                path,
                message,
            }
        } else {
            LoadError::Syntax {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        }
    })
}

/// serde_json appends " at line L column C" to its messages; we report the
/// original position ourselves.
fn strip_position(err: &serde_json::Error) -> String {
    let full = err.to_string();
    match full.rfind(" at line ") {
        Some(at) => full[..at].to_owned(),
        None => full,
    }
}

/// JSON text with raw control characters inside strings escaped, and a map
/// from positions in the escaped text back to the original.
struct RelaxedJson<'a> {
    original: &'a str,
    text: Cow<'a, str>,
    /// For each inserted escape: (offset in `text` just after it, bytes added so far).
    shifts: Vec<(usize, usize)>,
}

impl<'a> RelaxedJson<'a> {
    fn new(original: &'a str) -> Self {
        let bytes = original.as_bytes();
        let mut out: Option<String> = None;
        let mut shifts = Vec::new();
        let mut copied_up_to = 0;
        let mut in_string = false;
        let mut escaped = false;
        for (i, &b) in bytes.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                } else if b < 0x20 {
                    let buf =
                        out.get_or_insert_with(|| String::with_capacity(original.len() + 1024));
                    buf.push_str(&original[copied_up_to..i]);
                    push_escape(buf, b);
                    copied_up_to = i + 1;
                    let added = shifts.last().map_or(0, |&(_, added)| added);
                    let escape_len = escape_len(b);
                    shifts.push((buf.len(), added + escape_len - 1));
                }
            } else if b == b'"' {
                in_string = true;
            }
        }
        let text = match out {
            Some(mut buf) => {
                buf.push_str(&original[copied_up_to..]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(original),
        };
        RelaxedJson {
            original,
            text,
            shifts,
        }
    }

    /// Maps serde_json's 1-based (line, column) in the escaped text to a
    /// 1-based (line, column) in the original, columns counted in characters.
    fn original_position(&self, line: usize, column: usize) -> (usize, usize) {
        if line == 0 {
            return (0, 0);
        }
        let escaped_offset = offset_of(&self.text, line, column);
        let idx = self
            .shifts
            .partition_point(|&(end, _)| end <= escaped_offset);
        let added = if idx == 0 { 0 } else { self.shifts[idx - 1].1 };
        let offset = escaped_offset
            .saturating_sub(added)
            .min(self.original.len());
        position_of(self.original, offset)
    }
}

fn escape_len(b: u8) -> usize {
    match b {
        b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
        _ => 6,
    }
}

fn push_escape(buf: &mut String, b: u8) {
    use fmt::Write as _;
    match b {
        b'\n' => buf.push_str("\\n"),
        b'\r' => buf.push_str("\\r"),
        b'\t' => buf.push_str("\\t"),
        0x08 => buf.push_str("\\b"),
        0x0c => buf.push_str("\\f"),
        _ => {
            // Writing to a String cannot fail.
            let _ = write!(buf, "\\u{b:04x}");
        }
    }
}

/// Byte offset of serde_json's (line, column); its column counts bytes from 1
/// and points at the last byte it read.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// 1-based (line, column in characters) of a byte offset.
fn position_of(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"metadata":{"apiVersion":"1","endpointPrefix":"x","protocol":"rest-json","serviceFullName":"X"},"operations":{},"shapes":{}}"#;

    #[test]
    fn accepts_raw_control_characters_inside_strings() {
        let text = MINIMAL.replace(
            r#""serviceFullName":"X""#,
            "\"serviceFullName\":\"X\nY\tZ\u{1}\"",
        );
        let model = parse_model("m.json", &text).expect("raw newlines inside strings are accepted");
        assert_eq!(model.metadata.service_full_name, "X\nY\tZ\u{1}");
    }

    #[test]
    fn escaped_sequences_and_quotes_are_left_alone() {
        let text = MINIMAL.replace(r#""serviceFullName":"X""#, r#""serviceFullName":"a\"b\\""#);
        let model = parse_model("m.json", &text).expect("valid escapes");
        assert_eq!(model.metadata.service_full_name, "a\"b\\");
    }

    #[test]
    fn syntax_errors_report_the_original_line_and_column() {
        // Two raw newlines inside a string shift the escaped text; the error
        // (a missing comma on line 4) must still be reported on line 4.
        let text = "{\"metadata\": {\"apiVersion\": \"a\nb\nc\",\n  \"endpointPrefix\": \"x\" \"protocol\": \"rest-json\"}}";
        let err = parse_model("models/m.json", text).unwrap_err();
        match &err {
            LoadError::Syntax { line, column, .. } => {
                assert_eq!((*line, *column), (4, 25), "{err}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("models/m.json:4:25: expected `,` or `}`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_shape_type_names_the_shape() {
        let text = MINIMAL.replace(
            r#""shapes":{}"#,
            r#""shapes":{"Foo":{"type":"quaternion"}}"#,
        );
        let err = parse_model("m.json", &text).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("shapes.Foo.type: unknown variant `quaternion`"),
            "{message}"
        );
        assert!(matches!(err, LoadError::Structure { .. }));
    }

    #[test]
    fn missing_required_keys_are_reported_with_their_path() {
        let text = MINIMAL.replace(r#""shapes":{}"#, r#""shapes":{"L":{"type":"list"}}"#);
        let err = parse_model("m.json", &text).unwrap_err().to_string();
        assert!(err.contains("shapes.L: missing field `member`"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        let err = parse_model("m.json", &format!("{MINIMAL} x")).unwrap_err();
        assert!(matches!(err, LoadError::Syntax { line: 1, .. }), "{err:?}");
    }

    #[test]
    fn unknown_keys_are_tolerated() {
        let text = MINIMAL.replace(
            r#""shapes":{}"#,
            r#""shapes":{"S":{"type":"string","futureTrait":{"x":1}}},"extra":true"#,
        );
        assert!(parse_model("m.json", &text).is_ok());
    }
}
