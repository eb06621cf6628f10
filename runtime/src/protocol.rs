//! Pieces of the rest-json protocol that generated serializers and parsers
//! share: URI labels and query strings, headers, and error responses.
//!
//! This module is the interface between generated code and the runtime; it
//! is public so that every model can use what it needs, and hidden from the
//! documentation because it is not meant for applications.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Unhandled;
use crate::json::DeserializeError;
use crate::validation::{Path, ValidationError, Violations};

/// Everything but RFC 3986's unreserved characters is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// As [`UNRESERVED`], keeping `/` for greedy labels (`{Key+}`).
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Appends a URI label's value, percent-encoded: a non-greedy label encodes
/// `/` and `:`, a greedy one keeps `/`.
pub fn push_label(path: &mut String, value: &str, greedy: bool) {
    let set = if greedy {
        UNRESERVED_AND_SLASH
    } else {
        UNRESERVED
    };
    path.extend(utf8_percent_encode(value, set));
}

/// Appends `key=value` to a query string, with `?` or `&` before it.
pub fn push_query(uri: &mut String, key: &str, value: Option<&str>) {
    uri.push(if uri.contains('?') { '&' } else { '?' });
    uri.extend(utf8_percent_encode(key, UNRESERVED));
    if let Some(value) = value {
        uri.push('=');
        uri.extend(utf8_percent_encode(value, UNRESERVED));
    }
}

/// Whether the query of `uri` already has `key`: a query-parameter map
/// entry gives way to an explicitly bound parameter of the same name.
pub fn query_has_key(uri: &str, key: &str) -> bool {
    let Some((_, query)) = uri.split_once('?') else {
        return false;
    };
    let encoded: String = utf8_percent_encode(key, UNRESERVED).collect();
    query
        .split('&')
        .any(|pair| pair.split('=').next() == Some(encoded.as_str()))
}

/// A float, or a reference to one: generated code passes members by value
/// and list items by reference.
pub trait AsFloat {
    /// The value as a label, query value or header writes it.
    fn float_text(self) -> String;
}

macro_rules! as_float {
    ($($t:ty),*) => {$(
        impl AsFloat for $t {
            fn float_text(self) -> String {
                if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if self > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
                } else {
                    // The type's own shortest form: `1.1f32` is `1.1`, not
                    // the `1.100000023841858` of its widening to f64.
                    self.to_string()
                }
            }
        }
    )*};
}

as_float!(f32, f64);

impl<T: AsFloat + Copy> AsFloat for &T {
    fn float_text(self) -> String {
        (*self).float_text()
    }
}

/// A float as a label, query value or header: `NaN`, `Infinity` and
/// `-Infinity` spelled as JSON-based protocols spell them.
pub fn float_text(value: impl AsFloat) -> String {
    value.float_text()
}

/// Collects problems found while encoding an input that validation cannot
/// see, such as a header value with a line break.
pub struct Encoder {
    root: &'static str,
    violations: Violations,
    failed: bool,
}

impl Encoder {
    /// An encoder for the input type named `root`.
    pub fn new(root: &'static str) -> Self {
        Encoder {
            root,
            violations: Violations::default(),
            failed: false,
        }
    }

    /// Sets header `name` to `value`, or records why it cannot be sent.
    pub fn header(
        &mut self,
        headers: &mut HeaderMap,
        name: &'static str,
        member: &'static str,
        value: &str,
    ) {
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.insert(HeaderName::from_static(name), value);
            }
            Err(_) => {
                let root = Path::root(self.root);
                self.violations.not_encodable(
                    &root.member(member),
                    "the value contains characters that cannot be sent in an HTTP header",
                );
                self.failed = true;
            }
        }
    }

    /// Sets header `prefix` + `suffix` (a prefix-headers map entry), or
    /// records why it cannot be sent.
    pub fn prefixed_header(
        &mut self,
        headers: &mut HeaderMap,
        prefix: &'static str,
        suffix: &str,
        member: &'static str,
        value: &str,
    ) {
        let name = format!("{prefix}{suffix}").to_ascii_lowercase();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.insert(name, value);
            }
            _ => {
                let root = Path::root(self.root);
                self.violations.not_encodable(
                    &root.member(member).key(suffix),
                    "the entry cannot be sent as an HTTP header",
                );
                self.failed = true;
            }
        }
    }

    /// Records that a label's value is empty, which would change the path.
    pub fn label(&mut self, path: &mut String, member: &'static str, value: &str, greedy: bool) {
        if value.is_empty() {
            let root = Path::root(self.root);
            self.violations
                .not_encodable(&root.member(member), "a URI label cannot be empty");
            self.failed = true;
        }
        push_label(path, value, greedy);
    }

    /// Appends a host label's value to `prefix`, or records why it cannot
    /// stand in a host name (Smithy's rule: 1 to 63 letters, digits and
    /// `-`, not starting with `-`).
    pub fn host_label(&mut self, prefix: &mut String, member: &'static str, value: &str) {
        let valid = !value.is_empty()
            && value.len() <= 63
            && !value.starts_with('-')
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            let root = Path::root(self.root);
            self.violations.not_encodable(
                &root.member(member),
                "a host label must be 1 to 63 letters, digits or '-', not starting with '-'",
            );
            self.failed = true;
        }
        prefix.push_str(value);
    }

    /// `Ok` when everything could be encoded.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.failed {
            Err(self.violations.into_error())
        } else {
            Ok(())
        }
    }
}

/// A response header as text; `None` when absent.
pub fn header_string(
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<String>, DeserializeError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(|text| Some(text.to_owned()))
            .map_err(|_| DeserializeError::invalid("text", "bytes that are not text").within(name)),
    }
}

/// A response header parsed as `T` (a number or a boolean).
pub fn header_parsed<T: std::str::FromStr>(
    headers: &HeaderMap,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, DeserializeError> {
    let Some(text) = header_string(headers, name)? else {
        return Ok(None);
    };
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| DeserializeError::invalid(expected, format!("{text:?}")).within(name))
}

/// A response header holding a timestamp in `format`.
pub fn header_timestamp(
    headers: &HeaderMap,
    name: &'static str,
    format: crate::json::TimestampFormat,
) -> Result<Option<crate::primitives::DateTime>, DeserializeError> {
    let Some(text) = header_string(headers, name)? else {
        return Ok(None);
    };
    timestamp_text(name, text, format).map(Some)
}

/// One timestamp of header `name`, in `format`.
fn timestamp_text(
    name: &'static str,
    text: String,
    format: crate::json::TimestampFormat,
) -> Result<crate::primitives::DateTime, DeserializeError> {
    let value = match format {
        crate::json::TimestampFormat::EpochSeconds => {
            serde_json::Value::from(text.trim().parse::<f64>().map_err(|_| {
                DeserializeError::invalid("epoch seconds", format!("{text:?}")).within(name)
            })?)
        }
        _ => serde_json::Value::String(text),
    };
    crate::json::timestamp(&value, format).map_err(|e| e.within(name))
}

/// A response header holding a list: comma-separated items, each of which
/// may be a quoted string.
pub fn header_list(
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<Vec<String>>, DeserializeError> {
    let mut items = Vec::new();
    let mut any = false;
    for value in headers.get_all(name) {
        any = true;
        let text = value.to_str().map_err(|_| {
            DeserializeError::invalid("text", "bytes that are not text").within(name)
        })?;
        split_header_list(text, &mut items);
    }
    Ok(any.then_some(items))
}

/// A header list whose items parse with `FromStr` (numbers, booleans);
/// `expected` names the item type in errors.
pub fn header_list_parsed<T: std::str::FromStr>(
    headers: &HeaderMap,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<Vec<T>>, DeserializeError> {
    let Some(items) = header_list(headers, name)? else {
        return Ok(None);
    };
    items
        .iter()
        .map(|item| {
            item.parse::<T>()
                .map_err(|_| DeserializeError::invalid(expected, format!("{item:?}")).within(name))
        })
        .collect::<Result<Vec<T>, _>>()
        .map(Some)
}

/// A header list of timestamps. An HTTP date holds a comma of its own
/// (`Mon, 16 Dec 2019 23:48:18 GMT`), so a weekday item joins the next.
pub fn header_timestamp_list(
    headers: &HeaderMap,
    name: &'static str,
    format: crate::json::TimestampFormat,
) -> Result<Option<Vec<crate::primitives::DateTime>>, DeserializeError> {
    let Some(items) = header_list(headers, name)? else {
        return Ok(None);
    };
    let mut joined: Vec<String> = Vec::with_capacity(items.len());
    let mut pending: Option<String> = None;
    for item in items {
        match pending.take() {
            Some(weekday) => joined.push(format!("{weekday}, {item}")),
            None if matches!(format, crate::json::TimestampFormat::HttpDate)
                && !item.is_empty()
                && item.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                pending = Some(item);
            }
            None => joined.push(item),
        }
    }
    joined.extend(pending);
    joined
        .into_iter()
        .map(|text| timestamp_text(name, text, format))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn split_header_list(text: &str, items: &mut Vec<String>) {
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut escaped = false;
            let mut end = quoted.len();
            for (i, c) in quoted.char_indices() {
                if escaped {
                    value.push(c);
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    end = i + 1;
                    break;
                } else {
                    value.push(c);
                }
            }
            items.push(value);
            // Whatever follows the closing quote up to the comma is not part of the item.
            rest = match quoted[end..].find(',') {
                Some(comma) => quoted[end + comma + 1..].trim_start(),
                None => "",
            };
        } else {
            match rest.find(',') {
                Some(comma) => {
                    items.push(rest[..comma].trim().to_owned());
                    rest = rest[comma + 1..].trim_start();
                }
                None => {
                    items.push(rest.trim().to_owned());
                    rest = "";
                }
            }
        }
    }
}

/// An item of a header list, quoted when it holds a comma or a quote.
pub fn quote_header_item(item: &str) -> std::borrow::Cow<'_, str> {
    if item.contains([',', '"']) {
        std::borrow::Cow::Owned(format!(
            "\"{}\"",
            item.replace('\\', "\\\\").replace('"', "\\\"")
        ))
    } else {
        std::borrow::Cow::Borrowed(item)
    }
}

/// The headers whose names start with `prefix`, by the rest of their names.
pub fn prefixed_headers(
    headers: &HeaderMap,
    prefix: &'static str,
) -> Result<std::collections::HashMap<String, String>, DeserializeError> {
    let prefix = prefix.to_ascii_lowercase();
    let mut out = std::collections::HashMap::new();
    for (name, value) in headers {
        if let Some(suffix) = name.as_str().strip_prefix(prefix.as_str()) {
            let text = value.to_str().map_err(|_| {
                DeserializeError::invalid("text", "bytes that are not text")
                    .within(name.to_string())
            })?;
            out.insert(suffix.to_owned(), text.to_owned());
        }
    }
    Ok(out)
}

/// Checks that a successful response is an event stream before decoding it.
pub fn expect_event_stream(headers: &HeaderMap) -> Result<(), DeserializeError> {
    const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";
    match header_string(headers, "content-type")? {
        Some(content_type)
            if content_type
                .split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(EVENT_STREAM)) =>
        {
            Ok(())
        }
        other => Err(DeserializeError::invalid(
            "Content-Type application/vnd.amazon.eventstream",
            other.unwrap_or_else(|| "no Content-Type".to_owned()),
        )),
    }
}

/// A payload that the model says is text.
pub fn utf8_payload(body: Bytes) -> Result<String, DeserializeError> {
    String::from_utf8(body.to_vec())
        .map_err(|_| DeserializeError::invalid("UTF-8 text", "bytes that are not UTF-8"))
}

/// The request id a response carries (`x-amzn-RequestId`, or S3's `x-amz-request-id`).
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// An error response, with what every error has already extracted.
pub struct ErrorResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    code: Option<String>,
    /// The shape's name from `X-Amzn-ErrorType` or `__type`, when a query
    /// code took its place in `code`.
    type_code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    json: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ErrorResponse {
    /// Reads the error code (the `X-Amzn-ErrorType` header, else `__type`
    /// or `code` in a JSON body), the message and the request id. A body
    /// that is empty or not JSON is kept as it is.
    pub fn new(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        let json = match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        };
        let from_header = headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(sanitize_error_code);
        let from_body = || {
            let map = json.as_ref()?;
            ["__type", "code", "Code"]
                .iter()
                .find_map(|key| map.get(*key)?.as_str())
                .map(sanitize_error_code)
        };
        let code = from_header.or_else(from_body).filter(|c| !c.is_empty());
        let message = json.as_ref().and_then(|map| {
            ["message", "Message", "errorMessage"]
                .iter()
                .find_map(|key| map.get(*key)?.as_str().map(str::to_owned))
        });
        let request_id = request_id(&headers);
        ErrorResponse {
            status,
            headers,
            body,
            code,
            type_code: None,
            message,
            request_id,
            json,
        }
    }

    /// For services that moved from the query protocol: the error code is
    /// the query one, `Code` in `x-amzn-query-error: Code;Fault`, when the
    /// header is there and well formed (as botocore reads it).
    pub fn with_query_error_code(mut self) -> Self {
        let query_code = self
            .headers
            .get("x-amzn-query-error")
            .and_then(|v| v.to_str().ok())
            .and_then(
                |text| match text.split(';').collect::<Vec<_>>().as_slice() {
                    [code, _fault] if !code.is_empty() => Some((*code).to_owned()),
                    _ => None,
                },
            );
        if let Some(code) = query_code {
            self.type_code = self.code.replace(code);
        }
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The error code without namespace or suffix, e.g. `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The codes a modeled error may be known by, in order: [`code`](Self::code),
    /// then, for a query-compatible service whose query code took its
    /// place, the shape name from `__type` (SQS answers a missing queue
    /// with the query code `AWS.SimpleQueueService.NonExistentQueue` and
    /// `__type` `QueueDoesNotExist`, the shape its model names).
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.code
            .as_deref()
            .into_iter()
            .chain(self.type_code.as_deref())
    }

    /// The message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The JSON body, if it is a JSON object.
    pub fn json(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.json.as_ref()
    }

    /// `x-amz-retry-after`, in milliseconds.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        let millis: u64 = self
            .headers
            .get("x-amz-retry-after")?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some(std::time::Duration::from_millis(millis))
    }

    /// The error as one the model does not describe.
    pub fn unhandled(&self) -> Unhandled {
        Unhandled::new(
            self.code.clone(),
            self.message.clone(),
            self.status,
            self.body.clone(),
        )
    }
}

/// The operation error for a response whose code the model lists: the
/// modeled error when its body parses, else `Unhandled` (keeping the body).
pub fn modeled_error<T, E>(
    response: &ErrorResponse,
    parse: fn(&ErrorResponse) -> Result<T, DeserializeError>,
    modeled: fn(T) -> E,
    unhandled: fn(Unhandled) -> E,
) -> E {
    match parse(response) {
        Ok(error) => modeled(error),
        Err(err) => unhandled(unmatched(response, err)),
    }
}

/// The generic part of [`modeled_error`] stays small: this is compiled once.
#[cold]
#[inline(never)]
fn unmatched(response: &ErrorResponse, err: DeserializeError) -> Unhandled {
    tracing::debug!(error = %err, "an error response does not match its model");
    response.unhandled()
}

/// `aws.protocoltests#FooError:http://internal.amazon.com/` becomes `FooError`.
fn sanitize_error_code(raw: &str) -> String {
    let without_suffix = raw.split(':').next().unwrap_or(raw);
    let without_namespace = without_suffix.rsplit('#').next().unwrap_or(without_suffix);
    without_namespace.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_floats_are_spelled_out() {
        assert_eq!(float_text(f32::NAN), "NaN");
        assert_eq!(float_text(f64::INFINITY), "Infinity");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float_text(1.5f64), "1.5");
        let items = [2.5f32];
        assert_eq!(items.iter().map(float_text).collect::<Vec<_>>(), ["2.5"]);
        assert_eq!(float_text(1.1f32), "1.1");
    }

    #[test]
    fn explicit_query_parameters_are_found() {
        assert!(query_has_key("/a?b=1&c%20d=2", "c d"));
        assert!(query_has_key("/a?flag", "flag"));
        assert!(!query_has_key("/a?bb=1", "b"));
        assert!(!query_has_key("/a", "b"));
    }

    #[test]
    fn labels_leave_only_unreserved_characters_bare() {
        let mut path = String::from("/model/");
        push_label(
            &mut path,
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
            false,
        );
        assert_eq!(
            path,
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fanthropic.claude-v2%3A1"
        );
        let mut greedy = String::from("/");
        push_label(&mut greedy, "a b/c~d", true);
        assert_eq!(greedy, "/a%20b/c~d");
        let mut unicode = String::new();
        push_label(&mut unicode, "é", false);
        assert_eq!(unicode, "%C3%A9");
    }

    #[test]
    fn query_strings_are_encoded_and_joined() {
        let mut uri = String::from("/x?uploads");
        push_query(&mut uri, "max results", Some("a&b"));
        push_query(&mut uri, "flag", None);
        assert_eq!(uri, "/x?uploads&max%20results=a%26b&flag");
        let mut fresh = String::from("/x");
        push_query(&mut fresh, "k", Some("v"));
        assert_eq!(fresh, "/x?k=v");
    }

    #[test]
    fn unencodable_values_are_violations() {
        let mut headers = HeaderMap::new();
        let mut encoder = Encoder::new("InvokeModelInput");
        encoder.header(
            &mut headers,
            "content-type",
            "contentType",
            "text/plain\r\nx-evil: 1",
        );
        let mut path = String::new();
        encoder.label(&mut path, "modelId", "", false);
        let err = encoder.finish().unwrap_err().to_string();
        assert!(
            err.contains("InvokeModelInput.contentType: value cannot be sent"),
            "{err}"
        );
        assert!(
            err.contains(
                "InvokeModelInput.modelId: value cannot be sent: a URI label cannot be empty"
            ),
            "{err}"
        );
        assert!(headers.is_empty());
    }

    #[test]
    fn query_compatible_errors_take_the_query_code() {
        let body = r#"{"__type":"aws.protocoltests.json10#CustomCodeError","message":"Hi"}"#;
        let with_header = error(&[("x-amzn-query-error", "Customized;Sender")], body);
        assert_eq!(with_header.code(), Some("CustomCodeError"));
        assert_eq!(
            with_header.with_query_error_code().code(),
            Some("Customized")
        );
        let with_query_code =
            error(&[("x-amzn-query-error", "Customized;Sender")], body).with_query_error_code();
        assert_eq!(
            with_query_code.codes().collect::<Vec<_>>(),
            ["Customized", "CustomCodeError"]
        );
        for malformed in ["Customized", ";Sender", "a;b;c"] {
            let response = error(&[("x-amzn-query-error", malformed)], body);
            assert_eq!(
                response.with_query_error_code().code(),
                Some("CustomCodeError"),
                "{malformed}"
            );
        }
    }

    fn error(headers: &[(&str, &str)], body: &str) -> ErrorResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        ErrorResponse::new(400, map, Bytes::from(body.to_owned()))
    }

    #[test]
    fn error_codes_come_from_the_header_then_the_body() {
        let e = error(
            &[(
                "X-Amzn-ErrorType",
                "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            )],
            r#"{"__type":"Other","message":"bad"}"#,
        );
        assert_eq!(e.code(), Some("ValidationException"));
        assert_eq!(e.message(), Some("bad"));
        let e = error(
            &[],
            r#"{"__type":"com.amazon.coral.service#ThrottlingException","Message":"slow"}"#,
        );
        assert_eq!(e.code(), Some("ThrottlingException"));
        assert_eq!(e.message(), Some("slow"));
        let e = error(&[], r#"{"code":"AccessDeniedException"}"#);
        assert_eq!(e.code(), Some("AccessDeniedException"));
        assert_eq!(e.message(), None);
    }

    #[test]
    fn empty_and_non_json_bodies_are_kept() {
        let e = error(&[("x-amzn-RequestId", "req-1")], "<html>Bad Gateway</html>");
        assert_eq!(e.code(), None);
        assert_eq!(e.request_id(), Some("req-1"));
        let unhandled = e.unhandled();
        assert_eq!(unhandled.body().as_ref(), b"<html>Bad Gateway</html>");
        let empty = error(&[], "");
        assert!(empty.code().is_none() && empty.json().is_none());
    }

    #[test]
    fn header_lists_split_on_commas_outside_quotes() {
        let mut items = Vec::new();
        split_header_list(r#"a, "b,c", "d\"e" ,f"#, &mut items);
        assert_eq!(items, ["a", "b,c", "d\"e", "f"]);
        assert_eq!(quote_header_item("b,c"), "\"b,c\"");
        assert_eq!(quote_header_item("plain"), "plain");
    }

    #[test]
    fn response_headers_parse_as_their_type() {
        let e = error(&[("x-count", " 42 "), ("x-flag", "maybe")], "");
        assert_eq!(
            header_parsed::<i32>(e.headers(), "x-count", "an integer").unwrap(),
            Some(42)
        );
        let err = header_parsed::<bool>(e.headers(), "x-flag", "a boolean").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x-flag: expected a boolean, found \"maybe\""
        );
        assert_eq!(header_string(e.headers(), "x-absent").unwrap(), None);
    }

    #[test]
    fn retry_after_is_read_in_milliseconds() {
        let e = error(&[("x-amz-retry-after", "1500")], "");
        assert_eq!(
            e.retry_after(),
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(
            error(&[("x-amz-retry-after", "soon")], "").retry_after(),
            None
        );
    }
}
