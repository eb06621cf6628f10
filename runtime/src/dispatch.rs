//! Sending an operation: for each attempt, sign, send, time and classify;
//! retry what can be retried; hand the response to generated parsers.
//!
//! This module is the interface between generated operations and the
//! runtime; it is public so that every model can use what it needs, and
//! hidden from the documentation because it is not meant for applications.

use std::fmt;
use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use http::header::{CONTENT_LENGTH, HOST, USER_AGENT};
use http_body_util::BodyExt;

use crate::config::ServiceConfig as Config;
use crate::endpoint_rules::{RuleError, RuleSet};
use crate::error::{
    ConfigError, CredentialsError, ErrorMetadata, ResponseError, SdkError, ServiceError,
    TimeoutError, TimeoutKind, TransportError, TransportErrorKind, UnsupportedError,
};
#[cfg(feature = "event-stream")]
use crate::event_stream::{EventSender, EventSigner, EventSource, Marshal, StreamTimeouts};
use crate::protocol::ErrorResponse;
use crate::retry::{
    Failure, Modeled, RateLimiter, RetryMode, RetryQuota, RetryState, classify_response,
};
use crate::signing::Payload;
use crate::transport::{HttpErrorKind, RequestBody, ResponseBody};
use crate::validation::ValidationError;

/// What the generator knows about the service: everything the runtime
/// does differently for it, handed over as data.
#[derive(Debug)]
pub struct ServiceInfo {
    /// The model's SDK id (`serviceId`), e.g. `Bedrock Runtime`: the name
    /// in `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and the profile's `services`
    /// section.
    pub sdk_id: &'static str,
    /// The generated crate's name, for the User-Agent.
    pub crate_name: &'static str,
    /// The generated crate's version, for the User-Agent.
    pub crate_version: &'static str,
    /// The first label of the service's host names, e.g. `bedrock-runtime`.
    pub endpoint_prefix: &'static str,
    /// The SigV4 signing name, e.g. `bedrock`.
    pub signing_name: &'static str,
    /// The endpoint rule set, when the model has one; otherwise endpoints
    /// follow the region's partition.
    pub endpoint_rules: Option<EndpointRules>,
    /// When the service accepts bearer tokens (API keys): the environment
    /// variable that holds one, e.g. `AWS_BEARER_TOKEN_BEDROCK`.
    pub bearer_token_env: Option<&'static str>,
    /// The service moved from the query protocol: error codes are read from
    /// `x-amzn-query-error` when it is there.
    pub query_compatible: bool,
    /// Endpoint rule parameters every operation fixes, as the first one
    /// does: the configuration's own endpoint is resolved with them.
    pub endpoint_params: &'static [(&'static str, EndpointParam)],
}

/// A service's endpoint rule set: the model's JSON, parsed on first use and
/// kept with the service's [`ServiceInfo`] (so once per service, whatever
/// the number of clients).
pub struct EndpointRules {
    text: &'static str,
    parsed: OnceLock<Result<RuleSet, RuleError>>,
}

impl EndpointRules {
    /// The rule set `text` (`endpoint-rule-set-1.json`).
    pub const fn new(text: &'static str) -> Self {
        EndpointRules {
            text,
            parsed: OnceLock::new(),
        }
    }

    /// The parsed rule set, or why it cannot be read.
    pub(crate) fn parsed(&self) -> Result<&RuleSet, ConfigError> {
        self.parsed
            .get_or_init(|| RuleSet::parse(self.text))
            .as_ref()
            .map_err(|e| ConfigError::new(format!("the endpoint rules cannot be read: {e}")))
    }
}

impl fmt::Debug for EndpointRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointRules")
            .field("parsed", &self.parsed.get().map(Result::is_ok))
            .finish_non_exhaustive()
    }
}

/// The value an operation gives an endpoint rule parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointParam {
    /// A string parameter.
    String(&'static str),
    /// A boolean parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    StringList(&'static [&'static str]),
}

/// An error response as `service`'s errors are read.
pub fn error_response(
    service: &ServiceInfo,
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
) -> ErrorResponse {
    let response = ErrorResponse::new(status, headers, body);
    if service.query_compatible {
        response.with_query_error_code()
    } else {
        response
    }
}

/// What the generator knows about an operation.
#[derive(Debug)]
pub struct OperationInfo {
    /// The operation's name, e.g. `InvokeModel`.
    pub name: &'static str,
    /// Whether the model marks the operation idempotent.
    pub idempotent: bool,
    /// Error codes the model marks retryable.
    pub retryable_errors: &'static [(&'static str, Modeled)],
    /// How requests are authenticated.
    pub auth: OperationAuth,
    /// Endpoint rule parameters the operation fixes (`staticContextParams`).
    pub endpoint_params: &'static [(&'static str, EndpointParam)],
}

/// The auth schemes an operation offers.
#[derive(Debug)]
pub enum OperationAuth {
    /// Schemes this runtime implements, in the model's order of preference.
    Schemes(&'static [AuthScheme]),
    /// The model offers only schemes this runtime lacks, named here
    /// (e.g. `aws.auth#sigv4a`): every call fails before sending.
    Unsupported(&'static str),
}

/// An auth scheme this runtime implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// AWS Signature Version 4.
    SigV4,
    /// `Authorization: Bearer` with the configured token.
    Bearer,
    /// No authentication (`smithy.api#noAuth`).
    Anonymous,
}

/// The scheme a request is sent with.
enum Identity<'a> {
    Bearer(&'a crate::config::BearerToken),
    SigV4(crate::credentials::Credentials),
    Anonymous,
}

/// A serialized request, before endpoint, standard headers and signature.
pub struct PreparedRequest {
    /// The method.
    pub method: http::Method,
    /// Path and query, already percent-encoded.
    pub path_and_query: String,
    /// Headers bound by the model.
    pub headers: http::HeaderMap,
    /// The payload, replayed on each attempt.
    pub body: Bytes,
    /// Put before the endpoint's host (the operation's endpoint trait, e.g.
    /// `data.`); empty for most operations.
    pub host_prefix: String,
}

/// The input events an attempt sends, for operations with an input event
/// stream.
#[cfg(feature = "event-stream")]
type Events<'a> = Option<&'a EventSource>;

/// Without event streams no attempt sends events.
#[cfg(not(feature = "event-stream"))]
type Events<'a> = Option<&'a NoEvents>;

/// No value: what an attempt sends when event streams are not compiled in.
#[cfg(not(feature = "event-stream"))]
enum NoEvents {}

#[cfg(not(feature = "event-stream"))]
impl NoEvents {
    fn replayable(&self) -> bool {
        match *self {}
    }
}

/// What a client shares between its calls.
pub struct Handle {
    config: Config,
    quota: RetryQuota,
    /// Adaptive mode's client-side rate limiter (idle in standard mode).
    rate_limiter: RateLimiter,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// A handle for a client with `config`.
    pub fn new(config: Config) -> Self {
        Handle {
            config,
            quota: RetryQuota::default(),
            rate_limiter: RateLimiter::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// A fresh idempotency token (a UUID v4) for a member the caller left empty.
pub fn idempotency_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Sends `request` for `op`, retrying as configured, and parses a
/// successful response (body fully read) with `parse_ok` or the final error
/// response with `parse_err`.
pub async fn send<O, E>(
    handle: &Handle,
    op: &'static OperationInfo,
    request: PreparedRequest,
    parse_ok: impl FnOnce(http::response::Parts, Bytes) -> Result<O, ResponseError>,
    parse_err: impl FnOnce(&ErrorResponse) -> E,
) -> Result<O, SdkError<E>> {
    let exchange = async {
        let (parts, body) = exchange(handle, op, &request, None).await?;
        let status = parts.status.as_u16();
        let request_id = crate::protocol::request_id(&parts.headers);
        let bytes = read_body(body).await.map_err(Failed::Transport)?;
        parse_ok(parts, bytes).map_err(|e| Failed::Response(e.with_response(status, request_id)))
    };
    match with_deadline(handle.config.timeouts().operation(), exchange).await {
        Ok(output) => Ok(output),
        Err(failed) => Err(failed.into_sdk_error(parse_err)),
    }
}

#[cfg(feature = "event-stream")]
/// Like [`send`], but hands over the successful response with its body
/// still streaming, for event-stream outputs, with the timeouts that go on
/// applying while it streams.
pub async fn send_streaming<O, E>(
    handle: &Handle,
    op: &'static OperationInfo,
    request: PreparedRequest,
    parse_ok: impl FnOnce(
        http::response::Parts,
        ResponseBody,
        StreamTimeouts,
    ) -> Result<O, ResponseError>,
    parse_err: impl FnOnce(&ErrorResponse) -> E,
) -> Result<O, SdkError<E>> {
    let timeouts = handle.config.timeouts();
    let stream_timeouts = stream_timeouts(&handle.config);
    let exchange = async {
        let (parts, body) = exchange(handle, op, &request, None).await?;
        let status = parts.status.as_u16();
        let request_id = crate::protocol::request_id(&parts.headers);
        parse_ok(parts, body, stream_timeouts)
            .map_err(|e| Failed::Response(e.with_response(status, request_id)))
    };
    match with_deadline(timeouts.operation(), exchange).await {
        Ok(output) => Ok(output),
        Err(failed) => Err(failed.into_sdk_error(parse_err)),
    }
}

#[cfg(feature = "event-stream")]
/// Sends `request` for `op` with an input event stream, over HTTP/2: the
/// events given with the input first, then those of the returned sender,
/// while the response streams back (full duplex). Retries only while the
/// service has not accepted the stream and every event sent can be sent
/// again.
pub async fn send_duplex<T: Marshal, O, E>(
    handle: &Handle,
    op: &'static OperationInfo,
    request: PreparedRequest,
    events: Vec<T>,
    parse_ok: impl FnOnce(
        http::response::Parts,
        ResponseBody,
        StreamTimeouts,
    ) -> Result<O, ResponseError>,
    parse_err: impl FnOnce(&ErrorResponse) -> E,
) -> Result<(EventSender<T>, O), SdkError<E>> {
    let mode = handle.config.validation_mode();
    let queued = events
        .iter()
        .map(|event| event.marshal(mode))
        .collect::<Result<Vec<_>, _>>()
        .map_err(SdkError::InvalidInput)?;
    let (sender, source) = crate::event_stream::channel(queued, mode);
    let timeouts = handle.config.timeouts();
    let stream_timeouts = stream_timeouts(&handle.config);
    let exchange = async {
        let (parts, body) = exchange(handle, op, &request, Some(&source)).await?;
        let status = parts.status.as_u16();
        let request_id = crate::protocol::request_id(&parts.headers);
        parse_ok(parts, source.establish(body), stream_timeouts)
            .map_err(|e| Failed::Response(e.with_response(status, request_id)))
    };
    match with_deadline(timeouts.operation(), exchange).await {
        Ok(output) => Ok((sender, output)),
        Err(failed) => Err(failed.into_sdk_error(parse_err)),
    }
}

#[cfg(feature = "event-stream")]
/// The timeouts that go on applying while a response streams.
fn stream_timeouts(config: &Config) -> StreamTimeouts {
    let timeouts = config.timeouts();
    StreamTimeouts {
        idle: timeouts.idle(),
        deadline: timeouts
            .operation()
            .map(|limit| (tokio::time::Instant::now() + limit, limit)),
    }
}

/// Runs `future` within `deadline`, if there is one.
async fn with_deadline<T>(
    deadline: Option<Duration>,
    future: impl Future<Output = Result<T, Failed>>,
) -> Result<T, Failed> {
    match deadline {
        None => future.await,
        Some(limit) => match tokio::time::timeout(limit, future).await {
            Ok(result) => result,
            Err(_) => Err(Failed::Timeout(TimeoutError::new(
                TimeoutKind::Operation,
                limit,
            ))),
        },
    }
}

/// Why a call failed, before the operation's error type is known.
enum Failed {
    Unsupported(UnsupportedError),
    Config(ConfigError),
    Credentials(CredentialsError),
    Encode(ValidationError),
    Transport(TransportError),
    Timeout(TimeoutError),
    Response(ResponseError),
    Service {
        response: ErrorResponse,
        retryable: bool,
    },
}

impl Failed {
    fn into_sdk_error<E>(self, parse_err: impl FnOnce(&ErrorResponse) -> E) -> SdkError<E> {
        match self {
            Failed::Unsupported(e) => SdkError::Unsupported(e),
            Failed::Config(e) => SdkError::Config(e),
            Failed::Credentials(e) => SdkError::Credentials(e),
            Failed::Encode(e) => SdkError::InvalidInput(e),
            Failed::Transport(e) => SdkError::Transport(e),
            Failed::Timeout(e) => SdkError::Timeout(e),
            Failed::Response(e) => SdkError::Response(e),
            Failed::Service {
                response,
                retryable,
            } => {
                let error = parse_err(&response);
                let meta = ErrorMetadata::new(
                    response.code().map(str::to_owned),
                    response.message().map(str::to_owned),
                    response.request_id().map(str::to_owned),
                    response.status(),
                    retryable,
                );
                SdkError::Service(ServiceError::new(error, meta))
            }
        }
    }
}

/// Attempts until one succeeds (a 2xx response) or retrying is over. With
/// `events`, each attempt's body reads them, and a failed attempt is
/// retried only if what it sent can be replayed.
async fn exchange(
    handle: &Handle,
    op: &'static OperationInfo,
    request: &PreparedRequest,
    events: Events<'_>,
) -> Result<(http::response::Parts, ResponseBody), Failed> {
    let config = &handle.config;
    let invocation_id = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
        .map_err(|_| Failed::Response(ResponseError::new("invocation id is not a header value")))?;
    let schemes = match op.auth {
        OperationAuth::Schemes(schemes) => schemes,
        OperationAuth::Unsupported(offered) => {
            return Err(Failed::Unsupported(UnsupportedError::auth_schemes(offered)));
        }
    };
    // Once per call, not per attempt: the endpoint and its host prefix.
    let endpoint = config.endpoint_for(op).map_err(Failed::Config)?;
    let endpoint = if request.host_prefix.is_empty() || !config.inject_host_prefix() {
        endpoint
    } else {
        let prefixed = endpoint
            .with_host_prefix(&request.host_prefix)
            .map_err(|e| {
                tracing::debug!(error = %e, "the prefixed host is invalid");
                Failed::Encode(encoding_error("the host prefix makes an invalid host"))
            })?;
        std::borrow::Cow::Owned(prefixed)
    };
    let mut retry = RetryState::new(config.retry(), &handle.quota, op.idempotent);
    let adaptive = config.retry().mode() == RetryMode::Adaptive;
    loop {
        let attempt = retry.attempt();
        if adaptive {
            handle.rate_limiter.acquire().await;
        }
        tracing::debug!(operation = op.name, attempt, "sending");
        let sent = attempt_once(
            handle,
            &endpoint,
            schemes,
            request,
            events,
            &invocation_id,
            &retry,
        );
        let (failure, retry_after, last) = match sent.await {
            Ok(response) if response.status().is_success() => {
                if adaptive {
                    handle.rate_limiter.record(false);
                }
                retry.succeeded();
                return Ok(response.into_parts());
            }
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let body = read_body(body).await.map_err(Failed::Transport)?;
                let response =
                    error_response(config.service(), parts.status.as_u16(), parts.headers, body);
                let modeled = response.code().and_then(|code| {
                    op.retryable_errors
                        .iter()
                        .find(|(name, _)| *name == code)
                        .map(|(_, kind)| *kind)
                });
                let failure = classify_response(response.status(), response.code(), modeled);
                let retry_after = response.retry_after();
                let retryable = failure != Failure::Permanent;
                (
                    failure,
                    retry_after,
                    Failed::Service {
                        response,
                        retryable,
                    },
                )
            }
            Err(Failed::Transport(e)) if !e.kind().is_transient() => {
                return Err(Failed::Transport(e));
            }
            Err(Failed::Transport(e)) => (Failure::Transient, None, Failed::Transport(e)),
            Err(Failed::Timeout(e)) if e.kind() == TimeoutKind::Connect => {
                // Nothing was sent: as safe to retry as a refused connection.
                (Failure::Transient, None, Failed::Timeout(e))
            }
            Err(Failed::Timeout(e)) => (Failure::TimedOut, None, Failed::Timeout(e)),
            Err(other) => return Err(other),
        };
        if adaptive {
            handle.rate_limiter.record(failure == Failure::Throttling);
        }
        if events.is_some_and(|source| !source.replayable()) {
            tracing::debug!(
                operation = op.name,
                attempt,
                "not retried: the events sent cannot be replayed"
            );
            return Err(last);
        }
        match retry.next_delay(failure, retry_after) {
            Some(delay) => {
                tracing::debug!(operation = op.name, attempt, ?failure, ?delay, "retrying");
                tokio::time::sleep(delay).await;
            }
            None => return Err(last),
        }
    }
}

/// The identity for the first of `schemes` the configuration can serve.
/// A configured bearer token is an explicit choice and wins wherever the
/// operation accepts one.
async fn identity<'a>(config: &'a Config, schemes: &[AuthScheme]) -> Result<Identity<'a>, Failed> {
    if schemes.contains(&AuthScheme::Bearer)
        && let Some(token) = config.bearer_token()
    {
        return Ok(Identity::Bearer(token));
    }
    for scheme in schemes {
        match scheme {
            AuthScheme::SigV4 => {
                if let Some(cache) = config.credentials() {
                    return Ok(Identity::SigV4(
                        cache.get().await.map_err(Failed::Credentials)?,
                    ));
                }
            }
            AuthScheme::Anonymous => return Ok(Identity::Anonymous),
            AuthScheme::Bearer => {}
        }
    }
    let missing = if schemes.contains(&AuthScheme::SigV4) && schemes.contains(&AuthScheme::Bearer) {
        "no credentials and no bearer token"
    } else if schemes.contains(&AuthScheme::Bearer) {
        "no bearer token"
    } else {
        "no credentials"
    };
    Err(Failed::Credentials(CredentialsError::new(missing, None)))
}

/// One signed attempt, up to the response headers.
async fn attempt_once(
    handle: &Handle,
    endpoint: &crate::endpoint::Endpoint,
    schemes: &[AuthScheme],
    request: &PreparedRequest,
    events: Events<'_>,
    invocation_id: &HeaderValue,
    retry: &RetryState<'_>,
) -> Result<http::Response<ResponseBody>, Failed> {
    let config = &handle.config;
    // Chosen before anything else, so that a credentials failure sends nothing.
    let identity = identity(config, schemes).await?;
    // A resolved endpoint implies a region; this is the same check.
    let region = config
        .region()
        .ok_or_else(|| Failed::Config(ConfigError::no_region("no region")))?;
    let uri = endpoint.uri(&request.path_and_query).map_err(|e| {
        tracing::debug!(error = %e, "the request URI is invalid");
        Failed::Encode(encoding_error("the request URI is invalid"))
    })?;
    let mut http_request = http::Request::new(RequestBody::from(request.body.clone()));
    *http_request.method_mut() = request.method.clone();
    *http_request.uri_mut() = uri;
    let headers = http_request.headers_mut();
    headers.clone_from(&request.headers);
    let host = HeaderValue::from_str(endpoint.authority().as_str())
        .map_err(|_| Failed::Encode(encoding_error("the endpoint host is not a header value")))?;
    headers.insert(HOST, host);
    headers.insert(USER_AGENT, config.user_agent().clone());
    headers.insert("x-amz-user-agent", config.user_agent().clone());
    headers.insert("amz-sdk-invocation-id", invocation_id.clone());
    let attempt = format!("attempt={}; max={}", retry.attempt(), retry.max_attempts());
    if let Ok(value) = HeaderValue::from_str(&attempt) {
        headers.insert("amz-sdk-request", value);
    }
    if events.is_none() && (!request.body.is_empty() || request.method != http::Method::GET) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(request.body.len()));
    }
    #[cfg(feature = "event-stream")]
    let mut signer = None;
    match &identity {
        Identity::Bearer(token) => {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.secret())).map_err(|_| {
                    Failed::Credentials(CredentialsError::new(
                        "the bearer token is not a header value",
                        None,
                    ))
                })?;
            value.set_sensitive(true);
            http_request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
        }
        Identity::SigV4(credentials) => {
            let payload = match events {
                None => Payload::Bytes(&request.body),
                Some(_) => Payload::SignedEvents,
            };
            let seed_signature = crate::signing::sign_request(
                &mut http_request,
                payload,
                credentials,
                region,
                config.service().signing_name,
                SystemTime::now(),
            )
            .map_err(|e| {
                Failed::Credentials(CredentialsError::new("signing the request failed", Some(e)))
            })?;
            #[cfg(feature = "event-stream")]
            if events.is_some() {
                signer = Some(EventSigner::new(
                    credentials.clone(),
                    region,
                    config.service().signing_name,
                    seed_signature,
                ));
            }
            // Only an event stream's signatures chain from the request's.
            #[cfg(not(feature = "event-stream"))]
            let _ = seed_signature;
        }
        Identity::Anonymous => {}
    }

    let response = match events {
        None => config.http_client().send(http_request),
        #[cfg(feature = "event-stream")]
        Some(source) => {
            // Signed (with SigV4) or plain events; a bearer token covers
            // the whole stream through the request's header.
            *http_request.body_mut() = RequestBody::from_body(source.next_body(signer));
            config.http_client().send_duplex(http_request)
        }
        #[cfg(not(feature = "event-stream"))]
        Some(never) => match *never {},
    };
    let response = match config.timeouts().first_byte() {
        None => response.await,
        Some(limit) => match tokio::time::timeout(limit, response).await {
            Ok(result) => result,
            Err(_) => {
                return Err(Failed::Timeout(TimeoutError::new(
                    TimeoutKind::FirstByte,
                    limit,
                )));
            }
        },
    };
    response.map_err(|err| match err.kind() {
        HttpErrorKind::ConnectTimeout => Failed::Timeout(TimeoutError::new(
            TimeoutKind::Connect,
            config.timeouts().connect().unwrap_or_default(),
        )),
        HttpErrorKind::Connect => Failed::Transport(TransportError::new(
            TransportErrorKind::Connect,
            err.into_source(),
        )),
        kind => {
            let kind = match kind {
                HttpErrorKind::Http2Unavailable => TransportErrorKind::Http2Required,
                HttpErrorKind::ProxyUnreachable => TransportErrorKind::ProxyUnreachable,
                HttpErrorKind::ProxyRefused => TransportErrorKind::ProxyRefused,
                HttpErrorKind::ProxyTunnel => TransportErrorKind::ProxyTunnel,
                HttpErrorKind::Certificate => TransportErrorKind::Certificate,
                _ => TransportErrorKind::Io,
            };
            Failed::Transport(TransportError::new(kind, err.into_source()))
        }
    })
}

async fn read_body(body: ResponseBody) -> Result<Bytes, TransportError> {
    body.collect()
        .await
        .map(|collected| collected.to_bytes())
        .map_err(|e| TransportError::new(TransportErrorKind::Io, e))
}

fn encoding_error(reason: &'static str) -> ValidationError {
    let mut violations = crate::validation::Violations::default();
    violations.not_encodable(&crate::validation::Path::root("request"), reason);
    violations.into_error()
}
