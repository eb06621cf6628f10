//! What the generated protocol tests share: reading a case from its fixture,
//! comparing a serialized request with the case's `serialized`, and turning
//! the case's `response` into what the parsers take. Copied only into the
//! protocol-test crate, and compiled only for its tests.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use bytes::Bytes;
use serde_json::Value;

use crate::dispatch::PreparedRequest;

/// A fixture file, parsed once.
pub struct Fixture {
    pub name: &'static str,
    pub text: &'static str,
    pub parsed: OnceLock<Value>,
}

impl Fixture {
    /// The fixture `name`, whose contents are `text`.
    pub const fn new(name: &'static str, text: &'static str) -> Self {
        Fixture {
            name,
            text,
            parsed: OnceLock::new(),
        }
    }

    /// Case `case` of suite `suite`.
    pub fn case(&self, suite: usize, case: usize) -> &Value {
        let parsed = self.parsed.get_or_init(|| {
            serde_json::from_str(self.text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", self.name))
        });
        &parsed[suite]["cases"][case]
    }
}

/// Compares `request` with a case's `serialized`: method, path, query (as a
/// multiset of decoded pairs), the headers it lists (and the absence of those
/// it forbids), the host when the case names one, and the body when the
/// case has one (as JSON values when the expected body is JSON, else as
/// bytes).
pub fn assert_request(request: &PreparedRequest, expected: &Value) {
    // Older suites leave the method out where the operation's is meant.
    if let Some(method) = expected["method"].as_str() {
        assert_eq!(request.method.as_str(), method, "method");
    }

    let uri = expected["uri"].as_str().unwrap_or("/");
    let (expected_path, expected_query) = split_uri(uri);
    let (path, query) = split_uri(&request.path_and_query);
    assert_eq!(path, expected_path, "path of {}", request.path_and_query);
    assert_eq!(
        query_pairs(query),
        query_pairs(expected_query),
        "query of {} (expected {uri})",
        request.path_and_query
    );

    if let Some(headers) = expected["headers"].as_object() {
        for (name, value) in headers {
            // Content-Length is set by the dispatcher from the body, which
            // is compared below.
            if name.eq_ignore_ascii_case("content-length") {
                continue;
            }
            let expected_value = value.as_str().unwrap_or_default();
            let actual = request
                .headers
                .get_all(name.as_str())
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            // List items may be separated by `,` or `, ` (RFC 9110).
            let normalize =
                |text: &str| text.split(',').map(str::trim).collect::<Vec<_>>().join(",");
            assert_eq!(
                normalize(&actual),
                normalize(expected_value),
                "header {name}: {actual:?}"
            );
        }
    }
    if let Some(forbidden) = expected["forbidHeaders"].as_array() {
        for name in forbidden.iter().filter_map(Value::as_str) {
            assert!(
                !request.headers.contains_key(name),
                "header {name} must not be sent"
            );
        }
    }

    if let Some(host) = expected["host"].as_str() {
        // The suites' endpoints: whatever is left of the host once the
        // prefix the request asks for is removed must be one of them.
        let base = [
            "example.com",
            "service.region.amazonaws.com",
            "rest-json-test.amazonaws.com",
        ]
        .into_iter()
        .find(|base| format!("{}{base}", request.host_prefix) == host)
        .unwrap_or_else(|| {
            panic!(
                "host {host:?} is not host prefix {:?} before a suite endpoint",
                request.host_prefix
            )
        });
        let endpoint = crate::endpoint::Endpoint::parse(&format!("https://{base}"))
            .expect("the suites' endpoint parses");
        let prefixed = endpoint
            .with_host_prefix(&request.host_prefix)
            .unwrap_or_else(|e| panic!("host prefix {:?}: {e}", request.host_prefix));
        assert_eq!(prefixed.authority().as_str(), host, "host");
    }

    // A case without a body does not say what it should be (botocore
    // compares bodies only where the case has one).
    let Some(expected_body) = expected["body"].as_str() else {
        return;
    };
    let body = request.body.as_ref();
    match serde_json::from_str::<Value>(expected_body) {
        Ok(expected_json) if !expected_body.trim().is_empty() => {
            let actual: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
                panic!(
                    "the body is not JSON ({e}): {}",
                    String::from_utf8_lossy(body)
                )
            });
            assert_eq!(actual, expected_json, "body");
        }
        _ => assert_eq!(
            String::from_utf8_lossy(body),
            expected_body,
            "body (as bytes)"
        ),
    }
}

fn split_uri(uri: &str) -> (&str, &str) {
    uri.split_once('?').unwrap_or((uri, ""))
}

/// Query pairs, percent-decoded, counted.
fn query_pairs(query: &str) -> BTreeMap<(String, String), usize> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut pairs = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        *pairs.entry((decode(key), decode(value))).or_insert(0) += 1;
    }
    pairs
}

/// A case's `response` as the response parsers take it.
pub fn response(case: &Value) -> (http::response::Parts, Bytes) {
    let response = &case["response"];
    let status = response["status_code"].as_u64().unwrap_or(200);
    let mut builder = http::Response::builder().status(u16::try_from(status).unwrap_or(200));
    if let Some(headers) = response["headers"].as_object() {
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str().unwrap_or_default());
        }
    }
    let body = Bytes::from(response["body"].as_str().unwrap_or_default().to_owned());
    let (parts, ()) = builder
        .body(())
        .unwrap_or_else(|e| panic!("the case's response is not HTTP: {e}"))
        .into_parts();
    (parts, body)
}

/// A case's `response` as `service`'s error parsers take it.
pub fn error_response(
    service: &crate::dispatch::ServiceInfo,
    case: &Value,
) -> crate::protocol::ErrorResponse {
    let (parts, body) = response(case);
    crate::dispatch::error_response(service, parts.status.as_u16(), parts.headers, body)
}
