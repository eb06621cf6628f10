//! What the mock answers, chosen by the model id in the request path.
//!
//! Routes: InvokeModel, InvokeModelWithResponseStream (see [`crate::stream`]),
//! Converse, ConverseStream and CountTokens (echo-style replies, tool use
//! included), and StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes
//! (in memory); requests naming a Bedrock Data Automation Runtime operation
//! in `X-Amz-Target` go to [`crate::data_automation`]. Requests are
//! authenticated by SigV4 or by a bearer token.
//! The `mock.*` model ids below work for every operation that takes one.
//!
//! | model id | InvokeModel answers |
//! |---|---|
//! | `mock.echo` | 200 with the request body, `Content-Type` from `Accept` or the request |
//! | `mock.error.<Code>` | the modeled error `<Code>` with its status and members (`x-amzn-ErrorType` header) |
//! | `mock.error-body.<Code>` | the same, with the code only in the body's `__type` |
//! | `mock.unknown-error` | HTTP 400 with a code no model lists |
//! | `mock.status.<NNN>` | HTTP NNN with an HTML body and no error code |
//! | `mock.throttle.<N>[.<key>]` | `ThrottlingException` for the first N requests, then echo |
//! | `mock.unavailable.<N>[.<key>]` | HTTP 503 for the first N requests, then echo |
//! | `mock.retry-after.<ms>[.<key>]` | one `ThrottlingException` with `x-amz-retry-after: <ms>`, then echo |
//! | `mock.slow.<ms>` | echo after `<ms>` milliseconds |
//! | `mock.reset` / `mock.reset.<N>[.<key>]` | drops the connection (always, or for the first N requests) |
//! | `anthropic.*`, `amazon.titan-*`, `meta.llama*`, `mistral.*`, `cohere.*` | a reply shaped like that family's (also inside ARNs and inference profiles) |
//!
//! Counters (`throttle`, `unavailable`, `reset`) are kept per model id, so a
//! test picks a fresh `<key>` to start from zero.

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::{Body, DropConnection, RecordedRequest, State, families, full};

/// An answer, not yet a response.
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: ReplyBody,
}

enum ReplyBody {
    Bytes(Bytes),
    Stream(Body),
    DropConnection,
}

impl Reply {
    /// A JSON body.
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::bytes(status, "application/json", Bytes::from(value.to_string()))
    }

    /// Any body with its content type.
    pub fn bytes(status: u16, content_type: &str, body: Bytes) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: ReplyBody::Bytes(body),
        }
    }

    /// A streamed body.
    pub fn stream(status: u16, content_type: &str, body: Body) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: ReplyBody::Stream(body),
        }
    }

    /// An AWS error: `x-amzn-ErrorType` and `{"message": ...}`.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(status, &json!({ "message": message })).with_header(
            "x-amzn-errortype",
            &format!("{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        )
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Reply {
        Reply {
            status: 0,
            headers: Vec::new(),
            body: ReplyBody::DropConnection,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn into_response(
        self,
        request_id: &str,
    ) -> Result<http::Response<Body>, DropConnection> {
        let body = match self.body {
            ReplyBody::DropConnection => return Err(DropConnection),
            ReplyBody::Bytes(bytes) => full(bytes),
            ReplyBody::Stream(body) => body,
        };
        let mut response = http::Response::new(body);
        *response.status_mut() = http::StatusCode::from_u16(self.status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        if let Ok(value) = http::HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-requestid", value);
        }
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        Ok(response)
    }
}

/// Status codes and extra members of the errors Bedrock Runtime models.
pub fn modeled_error(code: &str) -> Option<(u16, Value)> {
    Some(match code {
        "AccessDeniedException" => (403, json!({})),
        "InternalServerException" => (500, json!({})),
        "ModelErrorException" => (
            424,
            json!({"originalStatusCode": 500, "resourceName": "mock-model-runner"}),
        ),
        "ModelNotReadyException" => (429, json!({})),
        "ModelTimeoutException" => (408, json!({})),
        "ModelStreamErrorException" => (
            424,
            json!({"originalStatusCode": 500, "originalMessage": "the model stopped"}),
        ),
        "ResourceNotFoundException" => (404, json!({})),
        "ServiceQuotaExceededException" => (400, json!({})),
        "ServiceUnavailableException" => (503, json!({})),
        "ThrottlingException" => (429, json!({})),
        "ValidationException" => (400, json!({})),
        "ConflictException" => (409, json!({})),
        _ => return None,
    })
}

/// The modeled error `code`, with its members; `in_header` says whether the
/// code travels in `x-amzn-ErrorType` or only in the body's `__type`.
pub fn modeled_error_reply(code: &str, in_header: bool) -> Reply {
    let Some((status, mut body)) = modeled_error(code) else {
        return Reply::error(
            400,
            "ValidationException",
            &format!("mock: no modeled error named {code}"),
        );
    };
    body["message"] = json!(format!("mock {code}"));
    if in_header {
        Reply::json(status, &body).with_header(
            "x-amzn-errortype",
            &format!("{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        )
    } else {
        body["__type"] = json!(format!("com.amazon.bedrock#{code}"));
        Reply::json(status, &body)
    }
}

/// Answers a verified request.
pub(crate) async fn route(state: &State, request: &RecordedRequest) -> Reply {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let decoded = |label: &str| percent_decode_str(label).decode_utf8_lossy().into_owned();
    // awsJson services name the operation in a header, on `POST /`.
    if let Some(operation) = request
        .header("x-amz-target")
        .and_then(|target| target.strip_prefix(crate::data_automation::TARGET_PREFIX))
        .and_then(|rest| rest.strip_prefix('.'))
    {
        return state.data_automation.handle(operation, request);
    }
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["model", model_id, operation]) => {
            let model_id = decoded(model_id);
            match *operation {
                "invoke" => invoke(state, &model_id, request).await,
                "invoke-with-response-stream" => {
                    crate::stream::invoke_with_response_stream(state, &model_id, request).await
                }
                "converse" => crate::converse::converse(state, &model_id, request).await,
                "converse-stream" => {
                    crate::converse::converse_stream(state, &model_id, request).await
                }
                "count-tokens" => crate::converse::count_tokens(state, &model_id, request).await,
                _ => unknown_operation(request),
            }
        }
        ("POST", ["async-invoke"]) => state.jobs.start(request),
        ("GET", ["async-invoke"]) => state.jobs.list(&request.query),
        ("GET", ["async-invoke", arn]) => state.jobs.get(arn),
        _ => unknown_operation(request),
    }
}

fn unknown_operation(request: &RecordedRequest) -> Reply {
    Reply::error(
        404,
        "UnknownOperationException",
        &format!("mock: no operation at {} {}", request.method, request.path),
    )
}

/// The `mock.*` behaviours shared by every operation that takes a model id,
/// or `None` when the model id is not one of them.
pub(crate) async fn mock_behaviour(state: &State, model_id: &str) -> Option<Reply> {
    let mut parts = model_id.split('.');
    if parts.next() != Some("mock") {
        return None;
    }
    let kind = parts.next().unwrap_or_default();
    let arg = parts.next();
    let first_n = |n: Option<&str>| -> bool {
        let limit: u32 = n.and_then(|n| n.parse().ok()).unwrap_or(u32::MAX);
        state.count(model_id) < limit
    };
    match kind {
        "error" => Some(modeled_error_reply(arg.unwrap_or_default(), true)),
        "error-body" => Some(modeled_error_reply(arg.unwrap_or_default(), false)),
        "unknown-error" => Some(Reply::error(
            400,
            "SomethingNewException",
            "mock: an error no model lists",
        )),
        "status" => {
            let status = arg
                .and_then(|s| s.parse().ok())
                .filter(|s| (400..=599).contains(s))
                .unwrap_or(500);
            Some(Reply::bytes(
                status,
                "text/html",
                Bytes::from_static(b"<html><body>mock gateway error</body></html>"),
            ))
        }
        "throttle" if first_n(arg) => Some(modeled_error_reply("ThrottlingException", true)),
        "unavailable" if first_n(arg) => {
            Some(modeled_error_reply("ServiceUnavailableException", true))
        }
        "retry-after" if state.count(model_id) == 0 => Some(
            modeled_error_reply("ThrottlingException", true)
                .with_header("x-amz-retry-after", arg.unwrap_or("0")),
        ),
        "slow" => {
            let millis = arg.and_then(|ms| ms.parse().ok()).unwrap_or(1000);
            tokio::time::sleep(Duration::from_millis(millis)).await;
            None
        }
        "reset" if first_n(arg) => Some(Reply::drop_connection()),
        _ => None,
    }
}

async fn invoke(state: &State, model_id: &str, request: &RecordedRequest) -> Reply {
    if let Some(reply) = mock_behaviour(state, model_id).await {
        return reply;
    }
    if model_id.starts_with("mock.") {
        let content_type = request
            .header("accept")
            .filter(|a| *a != "*/*")
            .or_else(|| request.header("content-type"))
            .unwrap_or("application/json");
        return Reply::bytes(200, content_type, request.body.clone());
    }
    families::invoke(model_id, &request.body)
}
