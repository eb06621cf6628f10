//! JSON as the rest-json protocol writes it: what generated parsers share.
//!
//! This module is the interface between generated code and the runtime; it
//! is public so that every model can use what it needs, and hidden from the
//! documentation because it is not meant for applications.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::primitives::{Blob, DateTime, Document};
use crate::validation::{Path, ValidationError, Violations};

/// A JSON value that does not have the type the model gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    expected: &'static str,
    found: Cow<'static, str>,
    /// Innermost segment first.
    path: Vec<Cow<'static, str>>,
}

impl DeserializeError {
    /// `expected` (e.g. `a string`) was wanted where `found` is.
    pub fn mismatch(expected: &'static str, found: &Value) -> Self {
        DeserializeError {
            expected,
            found: Cow::Borrowed(describe(found)),
            path: Vec::new(),
        }
    }

    /// A value that has the right JSON type but an invalid content.
    pub fn invalid(expected: &'static str, found: impl Into<Cow<'static, str>>) -> Self {
        DeserializeError {
            expected,
            found: found.into(),
            path: Vec::new(),
        }
    }

    /// Adds an enclosing member name or `[index]` to the error's path.
    pub fn within(mut self, segment: impl Into<Cow<'static, str>>) -> Self {
        self.path.push(segment.into());
        self
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.path.iter().rev().enumerate() {
            if i > 0 && !segment.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        if !self.path.is_empty() {
            f.write_str(": ")?;
        }
        write!(f, "expected {}, found {}", self.expected, self.found)
    }
}

impl std::error::Error for DeserializeError {}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value a required member takes when a response omits it: Smithy's
/// error correction, so that a response is never rejected for a missing
/// member.
pub trait Fallback {
    /// The zero value.
    fn fallback() -> Self;
}

macro_rules! fallback_default {
    ($($t:ty),*) => {
        $(impl Fallback for $t {
            fn fallback() -> Self {
                Self::default()
            }
        })*
    };
}

fallback_default!(
    String, bool, i8, i16, i32, i64, f32, f64, Blob, DateTime, Document
);

impl<T> Fallback for Vec<T> {
    fn fallback() -> Self {
        Vec::new()
    }
}

impl<K, V> Fallback for HashMap<K, V> {
    fn fallback() -> Self {
        HashMap::new()
    }
}

impl<T: Fallback> Fallback for Box<T> {
    fn fallback() -> Self {
        Box::new(T::fallback())
    }
}

/// The value as an object.
pub fn object(value: &Value) -> Result<&Map<String, Value>, DeserializeError> {
    value
        .as_object()
        .ok_or_else(|| DeserializeError::mismatch("an object", value))
}

// The generic readers below are instantiated once per shape they read, so
// they keep only the generic part inline: the lookups and the error paths
// (which build the error's path) are shared functions, compiled once.

/// Member `key` of `object`, parsed by `parse`; `None` when absent or null.
pub fn optional<T>(
    object: &Map<String, Value>,
    key: &'static str,
    parse: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<Option<T>, DeserializeError> {
    match present(object, key) {
        None => Ok(None),
        Some(value) => match parse(value) {
            Ok(parsed) => Ok(Some(parsed)),
            Err(e) => Err(in_member(e, key)),
        },
    }
}

/// Member `key` of `object`, unless absent or null.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

#[cold]
#[inline(never)]
fn in_member(e: DeserializeError, key: &'static str) -> DeserializeError {
    e.within(key)
}

#[cold]
#[inline(never)]
fn in_item(e: DeserializeError, index: usize) -> DeserializeError {
    e.within(format!("[{index}]"))
}

#[cold]
#[inline(never)]
fn in_entry(e: DeserializeError, key: &str) -> DeserializeError {
    e.within(format!("[{key:?}]"))
}

/// The value as an array.
fn array(value: &Value) -> Result<&Vec<Value>, DeserializeError> {
    value
        .as_array()
        .ok_or_else(|| DeserializeError::mismatch("an array", value))
}

/// Member `key` of `object`, parsed by `parse`; its [`Fallback`] when absent.
pub fn required<T: Fallback>(
    object: &Map<String, Value>,
    key: &'static str,
    parse: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<T, DeserializeError> {
    optional(object, key, parse).map(|value| value.unwrap_or_else(T::fallback))
}

/// The union member `key`, whose value `parse` reads.
pub fn variant<T>(
    value: &Value,
    key: &'static str,
    parse: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<T, DeserializeError> {
    parse(value).map_err(|e| e.within(key))
}

/// A whole JSON document (a payload), read by `parse`.
pub fn parse_value<T>(
    value: &Value,
    parse: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<T, DeserializeError> {
    parse(value)
}

/// A string.
pub fn string(value: &Value) -> Result<String, DeserializeError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| DeserializeError::mismatch("a string", value))
}

/// A boolean.
pub fn boolean(value: &Value) -> Result<bool, DeserializeError> {
    value
        .as_bool()
        .ok_or_else(|| DeserializeError::mismatch("a boolean", value))
}

/// An integer that fits `T`.
pub fn integer<T: TryFrom<i64> + TryFrom<u64>>(value: &Value) -> Result<T, DeserializeError> {
    let Value::Number(number) = value else {
        return Err(DeserializeError::mismatch("an integer", value));
    };
    let converted = if let Some(n) = number.as_i64() {
        T::try_from(n).ok()
    } else if let Some(n) = number.as_u64() {
        T::try_from(n).ok()
    } else {
        None
    };
    converted.ok_or_else(|| DeserializeError::invalid("an integer in range", number.to_string()))
}

/// A floating-point number; `"NaN"`, `"Infinity"` and `"-Infinity"` are
/// strings in JSON.
pub fn float(value: &Value) -> Result<f64, DeserializeError> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| DeserializeError::invalid("a number", n.to_string())),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => Err(DeserializeError::invalid("a number", format!("{other:?}"))),
        },
        other => Err(DeserializeError::mismatch("a number", other)),
    }
}

/// A blob: base64 text.
pub fn blob(value: &Value) -> Result<Blob, DeserializeError> {
    let text = value
        .as_str()
        .ok_or_else(|| DeserializeError::mismatch("base64 text", value))?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Blob::new)
        .map_err(|_| DeserializeError::invalid("base64 text", "text that is not base64"))
}

/// A list whose items `parse` reads. Null items are dropped, as the AWS
/// SDKs do for dense lists (a Rust list of strings has no null).
pub fn list<T>(
    value: &Value,
    mut parse: impl FnMut(&Value) -> Result<T, DeserializeError>,
) -> Result<Vec<T>, DeserializeError> {
    let items = array(value)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if item.is_null() {
            continue;
        }
        match parse(item) {
            Ok(parsed) => out.push(parsed),
            Err(e) => return Err(in_item(e, i)),
        }
    }
    Ok(out)
}

/// A list whose items may be null.
pub fn sparse_list<T>(
    value: &Value,
    mut parse: impl FnMut(&Value) -> Result<T, DeserializeError>,
) -> Result<Vec<Option<T>>, DeserializeError> {
    let items = array(value)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(match item {
            Value::Null => None,
            other => match parse(other) {
                Ok(parsed) => Some(parsed),
                Err(e) => return Err(in_item(e, i)),
            },
        });
    }
    Ok(out)
}

/// A map with string keys, converted by `key`, and values `parse` reads.
/// Null values are dropped, as the AWS SDKs do for dense maps.
pub fn map<K: Eq + std::hash::Hash, V>(
    value: &Value,
    mut key: impl FnMut(&str) -> K,
    mut parse: impl FnMut(&Value) -> Result<V, DeserializeError>,
) -> Result<HashMap<K, V>, DeserializeError> {
    let entries = object(value)?;
    let mut out = HashMap::with_capacity(entries.len());
    for (k, v) in entries {
        if v.is_null() {
            continue;
        }
        let parsed = match parse(v) {
            Ok(parsed) => parsed,
            Err(e) => return Err(in_entry(e, k)),
        };
        out.insert(key(k), parsed);
    }
    Ok(out)
}

/// A map whose values may be null.
pub fn sparse_map<K: Eq + std::hash::Hash, V>(
    value: &Value,
    mut key: impl FnMut(&str) -> K,
    mut parse: impl FnMut(&Value) -> Result<V, DeserializeError>,
) -> Result<HashMap<K, Option<V>>, DeserializeError> {
    let entries = object(value)?;
    let mut out = HashMap::with_capacity(entries.len());
    for (k, v) in entries {
        let parsed = match v {
            Value::Null => None,
            other => match parse(other) {
                Ok(parsed) => Some(parsed),
                Err(e) => return Err(in_entry(e, k)),
            },
        };
        out.insert(key(k), parsed);
    }
    Ok(out)
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Seconds since the epoch, as a number (rest-json's default in bodies).
    EpochSeconds,
    /// ISO 8601 / RFC 3339 text.
    DateTime,
    /// HTTP date text.
    HttpDate,
}

/// A timestamp in `format`.
pub fn timestamp(value: &Value, format: TimestampFormat) -> Result<DateTime, DeserializeError> {
    match (format, value) {
        // A number's text is what the service wrote (serde_json prints an
        // f64 in the shortest form that reads back the same), so parsing it
        // as decimal keeps every digit an f64 conversion would round away.
        (TimestampFormat::EpochSeconds, Value::Number(n)) => {
            let text = n.to_string();
            DateTime::parse_epoch_seconds(&text)
                .ok_or_else(|| DeserializeError::invalid("epoch seconds", text))
        }
        (TimestampFormat::DateTime, Value::String(s)) => DateTime::parse_rfc3339(s)
            .ok_or_else(|| DeserializeError::invalid("an ISO 8601 date-time", format!("{s:?}"))),
        (TimestampFormat::HttpDate, Value::String(s)) => DateTime::parse_http_date(s)
            .ok_or_else(|| DeserializeError::invalid("an HTTP date", format!("{s:?}"))),
        (TimestampFormat::EpochSeconds, other) => {
            Err(DeserializeError::mismatch("epoch seconds", other))
        }
        (_, other) => Err(DeserializeError::mismatch("a date string", other)),
    }
}

/// A document: any JSON value.
pub fn document(value: &Value) -> Result<Document, DeserializeError> {
    Ok(value.clone())
}

/// A response body as a JSON value; an empty body is an empty object.
pub fn parse_body(body: &[u8]) -> Result<Value, DeserializeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body)
        .map_err(|e| DeserializeError::invalid("a JSON body", e.to_string()))
}

/// A value that cannot be written as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializeError {
    shape: &'static str,
}

impl SerializeError {
    /// A union of type `shape` holds its `Unknown` variant, which has no wire form.
    pub fn unknown_variant(shape: &'static str) -> Self {
        SerializeError { shape }
    }

    /// As a validation error of the input named `root`.
    pub fn into_validation_error(self, root: &'static str) -> ValidationError {
        let mut violations = Violations::default();
        violations.not_encodable(
            &Path::root(root).member(self.shape),
            "a union holds its Unknown variant, which cannot be sent",
        );
        violations.into_error()
    }
}

impl fmt::Display for SerializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} union holds its Unknown variant, which cannot be sent",
            self.shape
        )
    }
}

impl std::error::Error for SerializeError {}

/// Writes JSON, adding the commas.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    /// For each open object or array: whether nothing is in it yet.
    first: Vec<bool>,
    after_key: bool,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn value_prefix(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.buf.push(b',');
            }
            *first = false;
        }
    }

    /// `{`.
    pub fn begin_object(&mut self) {
        self.value_prefix();
        self.buf.push(b'{');
        self.first.push(true);
    }

    /// `}`.
    pub fn end_object(&mut self) {
        self.buf.push(b'}');
        self.first.pop();
    }

    /// `[`.
    pub fn begin_array(&mut self) {
        self.value_prefix();
        self.buf.push(b'[');
        self.first.push(true);
    }

    /// `]`.
    pub fn end_array(&mut self) {
        self.buf.push(b']');
        self.first.pop();
    }

    /// An object key; the next value is its value.
    pub fn key(&mut self, key: &str) {
        self.value_prefix();
        self.write_str(key);
        self.buf.push(b':');
        self.after_key = true;
    }

    fn write_str(&mut self, text: &str) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, text);
    }

    /// A string.
    pub fn string(&mut self, text: &str) {
        self.value_prefix();
        self.write_str(text);
    }

    /// A boolean.
    pub fn boolean(&mut self, value: bool) {
        self.value_prefix();
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// An integer.
    pub fn integer(&mut self, value: i64) {
        self.value_prefix();
        self.buf.extend_from_slice(value.to_string().as_bytes());
    }

    /// A float (`f32` or `f64`, or a reference to one) in its type's own
    /// shortest form; NaN and the infinities are strings, as Smithy says.
    pub fn float(&mut self, value: impl crate::protocol::AsFloat) {
        self.value_prefix();
        let text = value.float_text();
        if matches!(text.as_str(), "NaN" | "Infinity" | "-Infinity") {
            self.buf.push(b'"');
            self.buf.extend_from_slice(text.as_bytes());
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(text.as_bytes());
        }
    }

    /// Writes with `write` and returns the JSON, or the first value that
    /// could not be written.
    pub fn write(
        write: impl FnOnce(&mut Writer) -> Result<(), SerializeError>,
    ) -> Result<bytes::Bytes, SerializeError> {
        let mut json = Writer::new();
        write(&mut json)?;
        Ok(json.finish())
    }

    /// `null`.
    pub fn null(&mut self) {
        self.value_prefix();
        self.buf.extend_from_slice(b"null");
    }

    /// A blob, as base64.
    pub fn blob(&mut self, bytes: &[u8]) {
        self.value_prefix();
        self.buf.push(b'"');
        self.buf.extend_from_slice(
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .as_bytes(),
        );
        self.buf.push(b'"');
    }

    /// A timestamp in `format`.
    pub fn timestamp(&mut self, value: &DateTime, format: TimestampFormat) {
        match format {
            TimestampFormat::EpochSeconds => {
                self.value_prefix();
                self.buf
                    .extend_from_slice(value.to_epoch_seconds_text().as_bytes());
            }
            TimestampFormat::DateTime => self.string(&value.to_rfc3339()),
            TimestampFormat::HttpDate => self.string(&value.to_http_date()),
        }
    }

    /// A document, as it is.
    pub fn document(&mut self, value: &Document) {
        self.value_prefix();
        let _ = serde_json::to_writer(&mut self.buf, value);
    }

    /// The JSON written.
    pub fn finish(self) -> bytes::Bytes {
        bytes::Bytes::from(self.buf)
    }
}

/// The one member a union's JSON object sets, ignoring nulls and `__type`.
pub fn union_member(value: &Value) -> Result<(&str, &Value), DeserializeError> {
    let mut set = object(value)?
        .iter()
        .filter(|(key, value)| !value.is_null() && key.as_str() != "__type");
    match (set.next(), set.next()) {
        (Some((key, value)), None) => Ok((key.as_str(), value)),
        (None, _) => Err(DeserializeError::invalid("one member of a union", "none")),
        (Some(_), Some(_)) => Err(DeserializeError::invalid(
            "one member of a union",
            "several",
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn errors_name_the_path_to_the_value() {
        let value = json!({"items": [{"n": 1}, {"n": "two"}]});
        let object = object(&value).unwrap();
        let err = optional(object, "items", |v| {
            list(v, |item| {
                let o = super::object(item)?;
                required(o, "n", integer::<i32>)
            })
        })
        .unwrap_err()
        .within("Shape");
        assert_eq!(
            err.to_string(),
            "Shape.items[1].n: expected an integer, found a string"
        );
    }

    #[test]
    fn missing_required_members_fall_back_and_optional_ones_are_none() {
        let value = json!({"present": "x", "null": null});
        let object = object(&value).unwrap();
        assert_eq!(required(object, "absent", string).unwrap(), "");
        assert_eq!(required(object, "absent", integer::<i32>).unwrap(), 0);
        assert_eq!(optional(object, "null", string).unwrap(), None);
        assert_eq!(
            optional(object, "present", string).unwrap().as_deref(),
            Some("x")
        );
    }

    #[test]
    fn numbers_are_checked_against_their_type() {
        assert_eq!(integer::<i8>(&json!(127)).unwrap(), 127);
        assert!(integer::<i8>(&json!(128)).is_err());
        assert!(integer::<i32>(&json!(1.5)).is_err());
        assert_eq!(
            integer::<i64>(&json!(-9_223_372_036_854_775_808_i64)).unwrap(),
            i64::MIN
        );
        assert!(float(&json!("NaN")).unwrap().is_nan());
        assert_eq!(float(&json!("-Infinity")).unwrap(), f64::NEG_INFINITY);
        assert_eq!(float(&json!(2.5)).unwrap(), 2.5);
        assert!(float(&json!("2.5")).is_err());
    }

    #[test]
    fn epoch_second_timestamps_keep_every_digit_both_ways() {
        let body: Value = serde_json::from_str(r#"{"t": 1700000000.123456}"#).unwrap();
        let t = timestamp(&body["t"], TimestampFormat::EpochSeconds).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_700_000_000, 123_456_000));
        let precise = DateTime::from_secs_and_nanos(1_700_000_000, 123_456_789).unwrap();
        let mut w = Writer::new();
        w.timestamp(&precise, TimestampFormat::EpochSeconds);
        assert_eq!(&w.finish()[..], b"1700000000.123456789");
        assert!(timestamp(&json!("1700000000"), TimestampFormat::EpochSeconds).is_err());
    }

    #[test]
    fn blobs_are_base64() {
        assert_eq!(blob(&json!("aGVsbG8=")).unwrap().as_bytes(), b"hello");
        assert!(blob(&json!("not base64!")).is_err());
        assert!(blob(&json!(1)).is_err());
    }

    #[test]
    fn unions_set_exactly_one_member() {
        assert_eq!(
            union_member(&json!({"text": "hi", "other": null, "__type": "x"}))
                .unwrap()
                .0,
            "text"
        );
        assert!(union_member(&json!({})).is_err());
        assert!(union_member(&json!({"a": 1, "b": 2})).is_err());
    }

    #[test]
    fn the_writer_places_commas_and_escapes() {
        let mut w = Writer::new();
        w.begin_object();
        w.key("a\"b");
        w.string("line\nbreak");
        w.key("list");
        w.begin_array();
        w.integer(1);
        w.float(f64::NAN);
        w.begin_object();
        w.end_object();
        w.null();
        w.end_array();
        w.key("blob");
        w.blob(b"hello");
        w.key("when");
        w.timestamp(&DateTime::from_millis(1500), TimestampFormat::EpochSeconds);
        w.end_object();
        let text = String::from_utf8(w.finish().to_vec()).unwrap();
        assert_eq!(
            text,
            r#"{"a\"b":"line\nbreak","list":[1,"NaN",{},null],"blob":"aGVsbG8=","when":1.5}"#
        );
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["blob"], json!("aGVsbG8="));
    }

    #[test]
    fn timestamps_read_in_their_format() {
        assert_eq!(
            timestamp(&json!(1.5), TimestampFormat::EpochSeconds).unwrap(),
            DateTime::from_millis(1500)
        );
        assert_eq!(
            timestamp(&json!("1970-01-01T00:00:01.5Z"), TimestampFormat::DateTime).unwrap(),
            DateTime::from_millis(1500)
        );
        assert!(timestamp(&json!("1.5"), TimestampFormat::EpochSeconds).is_err());
        assert!(timestamp(&json!("soon"), TimestampFormat::HttpDate).is_err());
    }

    #[test]
    fn empty_bodies_are_empty_objects() {
        assert_eq!(parse_body(b"").unwrap(), json!({}));
        assert_eq!(parse_body(b" {\"a\":1} ").unwrap(), json!({"a": 1}));
        assert!(parse_body(b"<html>").is_err());
    }

    #[test]
    fn maps_drop_null_values_unless_sparse() {
        let value = json!({"a": 1, "b": null});
        let dense = map(&value, str::to_owned, integer::<i32>).unwrap();
        assert_eq!(dense.len(), 1);
        let sparse = sparse_map(&value, str::to_owned, integer::<i32>).unwrap();
        assert_eq!(sparse.get("b"), Some(&None));
    }

    #[test]
    fn lists_drop_null_items_unless_sparse() {
        let value = json!([1, null, 2]);
        assert_eq!(list(&value, integer::<i32>).unwrap(), [1, 2]);
        assert_eq!(
            sparse_list(&value, integer::<i32>).unwrap(),
            [Some(1), None, Some(2)]
        );
        let error = list(&json!([1, "x"]), integer::<i32>).unwrap_err();
        assert!(error.to_string().contains("[1]"), "{error}");
    }
}
