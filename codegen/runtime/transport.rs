//! Sending HTTP requests: hyper 1 with hyper-util's pooled client, rustls
//! (the `ring` provider, Mozilla's roots), HTTP/1.1 and HTTP/2 chosen by
//! ALPN. Anything else can be plugged in through [`HttpClient`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client as PooledClient;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::sdk_error::{BoxError, ConfigError};

/// The body of a request: fully buffered, so that it can be replayed on retry.
pub type RequestBody = http_body_util::Full<Bytes>;

/// The body of a response, streamed.
pub type ResponseBody = http_body_util::combinators::BoxBody<Bytes, BoxError>;

/// What [`HttpClient::send`] returns.
pub type HttpFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseBody>, HttpError>> + Send>>;

/// Sends one HTTP request and returns the response once its headers arrive.
///
/// Implement this to use another HTTP stack, a proxy or a test double; the
/// client signs requests before they reach it.
pub trait HttpClient: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`.
    fn send(&self, request: http::Request<RequestBody>) -> HttpFuture;
}

/// A failure of an [`HttpClient`].
#[derive(Debug)]
pub struct HttpError {
    kind: HttpErrorKind,
    source: BoxError,
}

/// How an [`HttpClient`] failed; it decides whether a retry may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// No connection could be made; nothing was sent.
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The connection failed after the request started.
    Io,
}

impl HttpError {
    /// An error of `kind` caused by `source`.
    pub fn new(kind: HttpErrorKind, source: impl Into<BoxError>) -> Self {
        HttpError {
            kind,
            source: source.into(),
        }
    }

    /// How the client failed.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    pub(crate) fn into_source(self) -> BoxError {
        self.source
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.source)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// The default [`HttpClient`]: a pooled hyper client over any connector.
pub struct HyperClient<C = hyper_rustls::HttpsConnector<HttpConnector>> {
    inner: PooledClient<C, RequestBody>,
}

impl<C> fmt::Debug for HyperClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl HyperClient {
    /// HTTPS (and plain HTTP, for local endpoints) over rustls with `ring`
    /// and Mozilla's root certificates; TCP_NODELAY; idle connections kept
    /// for 90 s. `connect_timeout` bounds TCP connection establishment.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, ConfigError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| ConfigError::new(format!("TLS setup failed: {e}")))?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(Self::tcp_connector(connect_timeout));
        Ok(Self::with_connector(connector))
    }

    fn tcp_connector(connect_timeout: Option<Duration>) -> HttpConnector {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(connect_timeout);
        tcp
    }
}

impl<C> HyperClient<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    /// A pooled client over a connector of your own (a proxy, custom TLS).
    pub fn with_connector(connector: C) -> Self {
        let inner = PooledClient::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        HyperClient { inner }
    }
}

impl<C> HttpClient for HyperClient<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    fn send(&self, request: http::Request<RequestBody>) -> HttpFuture {
        let response = self.inner.request(request);
        Box::pin(async move {
            match response.await {
                Ok(response) => {
                    Ok(response.map(|body| body.map_err(|e| Box::new(e) as BoxError).boxed()))
                }
                Err(err) => Err(classify(err)),
            }
        })
    }
}

fn classify(err: hyper_util::client::legacy::Error) -> HttpError {
    if err.is_connect() {
        let timed_out = chain_has(&err, |e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        });
        let kind = if timed_out {
            HttpErrorKind::ConnectTimeout
        } else {
            HttpErrorKind::Connect
        };
        return HttpError::new(kind, err);
    }
    HttpError::new(HttpErrorKind::Io, err)
}

fn chain_has(
    err: &(dyn std::error::Error + 'static),
    test: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if test(e) {
            return true;
        }
        current = e.source();
    }
    false
}
