//! What a call can end with when it does not succeed.
//!
//! [`SdkError`] says which stage failed: the input (nothing was sent),
//! credentials, the connection, a timeout, the service's answer, or reading
//! that answer. Service errors keep everything the response said.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::validation::ValidationError;

/// A boxed error from a lower layer (hyper, rustls, a credentials provider).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error of an operation, generic over the operation's own error `E`.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The input violated the model's constraints or could not be encoded;
    /// nothing was sent.
    InvalidInput(ValidationError),
    /// Credentials could not be obtained; nothing was sent.
    Credentials(CredentialsError),
    /// The request could not be sent, or the response not received.
    Transport(TransportError),
    /// A configured timeout fired.
    Timeout(TimeoutError),
    /// The service answered with an error.
    Service(ServiceError<E>),
    /// The service answered, but the answer could not be understood.
    Response(ResponseError),
    /// The operation needs something this version does not support yet;
    /// nothing was sent.
    Unsupported(UnsupportedError),
    /// The configuration cannot serve this operation: the endpoint rules
    /// give no endpoint for it; nothing was sent.
    Config(ConfigError),
}

impl<E> SdkError<E> {
    /// The service's error, if the service answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service(e) => Some(&e.error),
            _ => None,
        }
    }

    /// The service's error, if the service answered with one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            SdkError::Service(e) => Some(e.error),
            _ => None,
        }
    }

    /// The error code the service sent, e.g. `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.meta.code(),
            _ => None,
        }
    }

    /// The message the service sent with its error.
    pub fn message(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.meta.message(),
            _ => None,
        }
    }

    /// The request id of the response (`x-amzn-RequestId`), if one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.meta.request_id(),
            SdkError::Response(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the response, if one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            SdkError::Service(e) => Some(e.meta.status()),
            SdkError::Response(e) => e.status,
            _ => None,
        }
    }

    /// Whether retrying the same call could succeed: throttling, server
    /// faults, connection failures. Validation errors never are.
    pub fn is_retryable(&self) -> bool {
        match self {
            SdkError::Service(e) => e.meta.is_retryable(),
            SdkError::Transport(e) => e.kind.is_transient(),
            SdkError::Timeout(_) => true,
            SdkError::InvalidInput(_)
            | SdkError::Credentials(_)
            | SdkError::Response(_)
            | SdkError::Unsupported(_)
            | SdkError::Config(_) => false,
        }
    }

    /// Maps the operation error type, keeping everything else.
    pub fn map_service_error<F>(self, map: impl FnOnce(E) -> F) -> SdkError<F> {
        match self {
            SdkError::InvalidInput(e) => SdkError::InvalidInput(e),
            SdkError::Credentials(e) => SdkError::Credentials(e),
            SdkError::Transport(e) => SdkError::Transport(e),
            SdkError::Timeout(e) => SdkError::Timeout(e),
            SdkError::Response(e) => SdkError::Response(e),
            SdkError::Unsupported(e) => SdkError::Unsupported(e),
            SdkError::Config(e) => SdkError::Config(e),
            SdkError::Service(ServiceError { error, meta }) => SdkError::Service(ServiceError {
                error: map(error),
                meta,
            }),
        }
    }
}

impl<E> From<ValidationError> for SdkError<E> {
    fn from(err: ValidationError) -> Self {
        SdkError::InvalidInput(err)
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::InvalidInput(e) => write!(f, "invalid input, nothing was sent: {e}"),
            SdkError::Credentials(e) => write!(f, "{e}"),
            SdkError::Transport(e) => write!(f, "{e}"),
            SdkError::Timeout(e) => write!(f, "{e}"),
            SdkError::Service(e) => write!(f, "{e}"),
            SdkError::Response(e) => write!(f, "{e}"),
            SdkError::Unsupported(e) => write!(f, "{e}"),
            SdkError::Config(e) => write!(f, "{e}, nothing was sent"),
        }
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SdkError::InvalidInput(e) => Some(e),
            SdkError::Credentials(e) => Some(e),
            SdkError::Transport(e) => Some(e),
            SdkError::Timeout(e) => Some(e),
            SdkError::Service(e) => Some(&e.error),
            SdkError::Response(e) => Some(e),
            SdkError::Unsupported(e) => Some(e),
            SdkError::Config(e) => Some(e),
        }
    }
}

/// An error response from the service: the operation's typed error and
/// what the response said about it.
#[derive(Debug)]
pub struct ServiceError<E> {
    error: E,
    meta: ErrorMetadata,
}

impl<E> ServiceError<E> {
    pub(crate) fn new(error: E, meta: ErrorMetadata) -> Self {
        ServiceError { error, meta }
    }

    /// The operation's typed error.
    pub fn err(&self) -> &E {
        &self.error
    }

    /// The operation's typed error.
    pub fn into_err(self) -> E {
        self.error
    }

    /// Code, message, request id and status of the response.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }

    /// The error code, e.g. `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        self.meta.code()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.meta.message()
    }

    /// The request id (`x-amzn-RequestId`).
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.meta.status()
    }

    /// Whether the error is one that a retry could cure.
    pub fn is_retryable(&self) -> bool {
        self.meta.is_retryable()
    }
}

/// `ThrottlingException (HTTP 429, request id 1234): Too many requests`.
impl<E> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.meta)
    }
}

/// What an error response said, whatever the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: u16,
    retryable: bool,
}

impl ErrorMetadata {
    pub(crate) fn new(
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        status: u16,
        retryable: bool,
    ) -> Self {
        ErrorMetadata {
            code,
            message,
            request_id,
            status,
            retryable,
        }
    }

    /// The error code, without namespace, e.g. `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id (`x-amzn-RequestId`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the error is one that a retry could cure.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}",
            self.code().unwrap_or("UnknownError"),
            self.status
        )?;
        if let Some(id) = self.request_id() {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// An error the model does not describe: an unknown code, or a response
/// that is not JSON. Keeps the whole response body.
#[derive(Clone, PartialEq, Eq)]
pub struct Unhandled {
    code: Option<String>,
    message: Option<String>,
    status: u16,
    body: Bytes,
}

impl Unhandled {
    pub(crate) fn new(
        code: Option<String>,
        message: Option<String>,
        status: u16,
        body: Bytes,
    ) -> Self {
        Unhandled {
            code,
            message,
            status,
            body,
        }
    }

    /// The error code, if the response had one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The message, if the response had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response body, as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unhandled")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unhandled error {} (HTTP {})",
            self.code().unwrap_or("without a code"),
            self.status
        )?;
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl StdError for Unhandled {}

/// Credentials could not be obtained.
#[derive(Debug)]
pub struct CredentialsError {
    message: String,
    source: Option<BoxError>,
}

impl CredentialsError {
    pub(crate) fn new(message: impl Into<String>, source: Option<BoxError>) -> Self {
        CredentialsError {
            message: message.into(),
            source,
        }
    }

    /// What went wrong, without the words every credentials error starts with.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials, nothing was sent: {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for CredentialsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The connection failed: refused, reset, TLS, DNS, or the body was cut.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: BoxError,
}

/// Which part of the exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The connection failed while the request or response was in flight.
    Io,
    /// The operation streams both ways and needs HTTP/2, which the endpoint
    /// or the configured HTTP client does not speak. Not retried.
    Http2Required,
    /// The proxy could not be reached. Retried as a refused connection is.
    ProxyUnreachable,
    /// The proxy refused the tunnel (`407`, `403`, ...). Not retried.
    ProxyRefused,
    /// The proxy closed the connection, or answered something other than
    /// HTTP, while the tunnel was being set up. Retried as a refused
    /// connection is.
    ProxyTunnel,
    /// The endpoint's certificate did not verify: an unknown issuer (a CA
    /// bundle may be missing), a wrong name, expired. Not retried.
    Certificate,
}

impl TransportErrorKind {
    /// Whether another attempt could succeed where this one failed.
    pub(crate) fn is_transient(self) -> bool {
        !matches!(
            self,
            TransportErrorKind::Http2Required
                | TransportErrorKind::ProxyRefused
                | TransportErrorKind::Certificate
        )
    }
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        TransportError {
            kind,
            source: source.into(),
        }
    }

    /// Which part of the exchange failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Io => "the connection failed",
            TransportErrorKind::Http2Required => {
                "the operation needs HTTP/2 in both directions at once, which failed"
            }
            TransportErrorKind::ProxyUnreachable => "the proxy could not be reached",
            TransportErrorKind::ProxyRefused => "the proxy refused the connection",
            TransportErrorKind::ProxyTunnel => "the proxy's tunnel failed",
            TransportErrorKind::Certificate => "the server's certificate did not verify",
        };
        write!(f, "{what}: {}", self.source)?;
        let mut source = self.source.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}

/// A configured timeout fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    kind: TimeoutKind,
    after: Duration,
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (TCP and TLS).
    Connect,
    /// Waiting for the response headers after sending the request.
    FirstByte,
    /// Waiting for the next event of a stream.
    Idle,
    /// The whole operation, retries and body included.
    Operation,
}

impl TimeoutError {
    pub(crate) fn new(kind: TimeoutKind, after: Duration) -> Self {
        TimeoutError { kind, after }
    }

    /// Which timeout fired.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The configured duration.
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::FirstByte => "no response (time to first byte)",
            TimeoutKind::Idle => "no event (idle timeout)",
            TimeoutKind::Operation => "operation timeout",
        };
        write!(f, "{what} after {:?}", self.after)
    }
}

impl StdError for TimeoutError {}

/// A response that could not be understood: malformed JSON, a header that
/// does not parse as its type.
#[derive(Debug)]
pub struct ResponseError {
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    source: Option<BoxError>,
}

impl ResponseError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ResponseError {
            message: message.into(),
            status: None,
            request_id: None,
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn with_response(mut self, status: u16, request_id: Option<String>) -> Self {
        self.status = Some(status);
        self.request_id = request_id;
        self
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response could not be read: {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for ResponseError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl From<crate::json::DeserializeError> for ResponseError {
    fn from(err: crate::json::DeserializeError) -> Self {
        ResponseError::new("a value does not match the model").with_source(err)
    }
}

/// What an operation needs that this version does not support yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedError {
    reason: &'static str,
    auth_schemes: Option<&'static str>,
}

impl UnsupportedError {
    /// Why the operation cannot be sent.
    pub fn new(reason: &'static str) -> Self {
        UnsupportedError {
            reason,
            auth_schemes: None,
        }
    }

    /// The operation offers only auth schemes this client does not
    /// implement, named in `offered` (e.g. `aws.auth#sigv4a`).
    pub fn auth_schemes(offered: &'static str) -> Self {
        UnsupportedError {
            reason: "the operation offers only auth schemes this client does not implement",
            auth_schemes: Some(offered),
        }
    }

    /// For an unsupported auth scheme: the schemes the model offers.
    pub fn unsupported_auth_schemes(&self) -> Option<&'static str> {
        self.auth_schemes
    }
}

impl fmt::Display for UnsupportedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not supported yet, nothing was sent: {}", self.reason)?;
        if let Some(offered) = self.auth_schemes {
            write!(f, " ({offered})")?;
        }
        Ok(())
    }
}

impl StdError for UnsupportedError {}

/// A configuration that cannot work: missing region or credentials, an
/// endpoint that is not a URL, a TLS setup that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    message: String,
}

/// What kind of setting is missing or wrong, for programs that explain it
/// in their own words (the CLI names its options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// No region is configured anywhere.
    NoRegion,
    /// Anything else; the message says what.
    Other,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            kind: ConfigErrorKind::Other,
            message: message.into(),
        }
    }

    pub(crate) fn no_region(message: impl Into<String>) -> Self {
        ConfigError {
            kind: ConfigErrorKind::NoRegion,
            message: message.into(),
        }
    }

    /// What kind of setting is missing or wrong.
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// What is wrong, without the `invalid configuration:` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.message)
    }
}

impl StdError for ConfigError {}
