//! Sending HTTP requests: hyper 1 with hyper-util's pooled client, rustls
//! (the `ring` provider; Mozilla's roots, the operating system's, or a CA
//! bundle), HTTP/1.1 and HTTP/2 chosen by ALPN, HTTP/2 only for
//! full-duplex event streams, and proxies from the environment or the
//! configuration. Anything else can be plugged in through [`HttpClient`].

mod connector;
mod proxy;
mod tls;

pub use connector::Connector;
pub use proxy::ProxyConfig;
pub use tls::{TlsConfig, TrustStore};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client as PooledClient;
use hyper_util::client::legacy::connect::Connect;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error::{BoxError, ConfigError};

/// The body of a request: fully buffered bytes (replayed on retry), or the
/// frames of an input event stream, produced while the response streams.
pub struct RequestBody {
    inner: BodyKind,
}

enum BodyKind {
    Buffered(http_body_util::Full<Bytes>),
    Streaming(http_body_util::combinators::BoxBody<Bytes, BoxError>),
}

impl RequestBody {
    /// A body that streams the frames `body` produces (for HTTP clients
    /// that wrap the bodies they send).
    pub fn from_body(
        body: impl http_body::Body<Data = Bytes, Error = BoxError> + Send + Sync + 'static,
    ) -> Self {
        RequestBody {
            inner: BodyKind::Streaming(body.boxed()),
        }
    }
}

impl<T: Into<Bytes>> From<T> for RequestBody {
    fn from(bytes: T) -> Self {
        RequestBody {
            inner: BodyKind::Buffered(http_body_util::Full::new(bytes.into())),
        }
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            BodyKind::Buffered(_) => f.write_str("RequestBody::Buffered"),
            BodyKind::Streaming(_) => f.write_str("RequestBody::Streaming"),
        }
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().inner {
            BodyKind::Buffered(full) => Pin::new(full)
                .poll_frame(cx)
                .map_err(|never| match never {}),
            BodyKind::Streaming(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            BodyKind::Buffered(full) => full.is_end_stream(),
            BodyKind::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            BodyKind::Buffered(full) => full.size_hint(),
            BodyKind::Streaming(body) => body.size_hint(),
        }
    }
}

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

    /// Sends `request` over HTTP/2, whose body streams while the response
    /// streams back (an input event stream). A client that cannot must fail
    /// with [`HttpErrorKind::Http2Unavailable`] without sending anything, as
    /// this default does.
    fn send_duplex(&self, request: http::Request<RequestBody>) -> HttpFuture {
        drop(request);
        Box::pin(async {
            Err(HttpError::new(
                HttpErrorKind::Http2Unavailable,
                "this HttpClient does not implement send_duplex (HTTP/2 full duplex)",
            ))
        })
    }
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
    /// HTTP/2 could not be used: the client lacks it, or the endpoint did not
    /// speak it (a failed HTTP/2 handshake).
    Http2Unavailable,
    /// The proxy could not be reached; nothing was sent.
    ProxyUnreachable,
    /// The proxy refused the tunnel (`407`, `403`, ...); nothing was sent.
    ProxyRefused,
    /// The proxy closed the connection, or answered something other than
    /// HTTP, while the tunnel was being set up; nothing was sent.
    ProxyTunnel,
    /// The endpoint's certificate did not verify (unknown issuer, wrong
    /// name, expired); nothing was sent.
    Certificate,
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

/// The proxies and roots the default client is built with, kept so that
/// the credential providers' clients are built the same way (and the
/// operating system's store is read once).
#[derive(Clone, Debug)]
pub(crate) struct Network {
    proxy: Arc<ProxyConfig>,
    roots: Arc<rustls::RootCertStore>,
}

impl Network {
    pub(crate) fn new(proxy: &ProxyConfig, tls: &TlsConfig) -> Result<Self, ConfigError> {
        Ok(Network {
            proxy: Arc::new(proxy.clone()),
            roots: tls.root_store()?,
        })
    }

    /// The same roots, connecting directly (for EC2 instance metadata,
    /// which is never reached through a proxy).
    pub(crate) fn without_proxy(&self) -> Self {
        Network {
            proxy: Arc::new(ProxyConfig::disabled()),
            roots: self.roots.clone(),
        }
    }

    /// A client over these settings.
    pub(crate) fn client(
        &self,
        connect_timeout: Option<Duration>,
    ) -> Result<HyperClient, ConfigError> {
        HyperClient::with_network(self, connect_timeout)
    }
}

/// The default [`HttpClient`]: a pooled hyper client over any connector,
/// and a second pool that speaks only HTTP/2 (by ALPN over TLS, by prior
/// knowledge over plain HTTP) for full-duplex calls.
pub struct HyperClient<C = Connector> {
    inner: PooledClient<C, RequestBody>,
    duplex: PooledClient<C, RequestBody>,
    /// The proxies of [`HyperClient::configured`], whose credentials plain
    /// http requests through a proxy carry.
    proxy: Option<Arc<ProxyConfig>>,
}

impl<C> fmt::Debug for HyperClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl HyperClient {
    /// HTTPS (and plain HTTP, for local endpoints) over rustls with `ring`
    /// and Mozilla's root certificates, connecting directly; TCP_NODELAY;
    /// idle connections kept for 90 s. `connect_timeout` bounds each step
    /// of establishing a connection (TCP, the TLS handshake).
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, ConfigError> {
        Self::configured(connect_timeout, &ProxyConfig::disabled(), &TlsConfig::new())
    }

    /// [`HyperClient::new`] through the proxies of `proxy`, trusting the
    /// roots of `tls`. `connect_timeout` also bounds the proxy's answer to
    /// `CONNECT`.
    pub fn configured(
        connect_timeout: Option<Duration>,
        proxy: &ProxyConfig,
        tls: &TlsConfig,
    ) -> Result<Self, ConfigError> {
        Network::new(proxy, tls)?.client(connect_timeout)
    }

    fn with_network(
        network: &Network,
        connect_timeout: Option<Duration>,
    ) -> Result<Self, ConfigError> {
        let roots = network.roots.clone();
        let proxy = network.proxy.clone();
        let connector = Connector::new(
            tls::client_config(roots.clone(), &[b"h2", b"http/1.1"])?,
            proxy.clone(),
            connect_timeout,
        );
        // Offers only `h2` by ALPN, so that a server cannot pick HTTP/1.1.
        let h2_connector = Connector::new(
            tls::client_config(roots, &[b"h2"])?,
            proxy.clone(),
            connect_timeout,
        );
        Ok(HyperClient {
            inner: Self::pool(connector, false),
            duplex: Self::pool(h2_connector, true),
            proxy: proxy.is_enabled().then_some(proxy),
        })
    }
}

impl<C> HyperClient<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    /// A pooled client over a connector of your own (a proxy, custom TLS).
    /// Full-duplex calls use it too, speaking HTTP/2 whatever its ALPN says.
    pub fn with_connector(connector: C) -> Self {
        HyperClient {
            inner: Self::pool(connector.clone(), false),
            duplex: Self::pool(connector, true),
            proxy: None,
        }
    }

    /// Adds the proxy's credentials to a plain http request that goes
    /// through it (https requests carry them in the tunnel's `CONNECT`).
    fn authorize_for_proxy(&self, request: &mut http::Request<RequestBody>) {
        if request.uri().scheme_str() != Some("http") {
            return;
        }
        let authorization = self
            .proxy
            .as_deref()
            .and_then(|proxy| proxy.proxy_for(request.uri()))
            .and_then(|proxy| proxy.authorization());
        if let Some(authorization) = authorization {
            request
                .headers_mut()
                .insert(http::header::PROXY_AUTHORIZATION, authorization.clone());
        }
    }

    fn pool(connector: C, http2_only: bool) -> PooledClient<C, RequestBody> {
        let mut builder = PooledClient::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90));
        if http2_only {
            // Keeps a silent peer from holding a stream open forever.
            builder
                .http2_only(true)
                .http2_keep_alive_interval(Duration::from_secs(30))
                .http2_keep_alive_while_idle(false);
        }
        builder.build(connector)
    }
}

impl<C> HttpClient for HyperClient<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    fn send(&self, mut request: http::Request<RequestBody>) -> HttpFuture {
        self.authorize_for_proxy(&mut request);
        let response = self.inner.request(request);
        Box::pin(async move {
            match response.await {
                Ok(response) => Ok(boxed(response)),
                Err(err) => Err(classify(err)),
            }
        })
    }

    fn send_duplex(&self, mut request: http::Request<RequestBody>) -> HttpFuture {
        self.authorize_for_proxy(&mut request);
        let response = self.duplex.request(request);
        Box::pin(async move {
            match response.await {
                Ok(response) => Ok(boxed(response)),
                Err(err) => Err(classify_duplex(err)),
            }
        })
    }
}

fn boxed(response: http::Response<hyper::body::Incoming>) -> http::Response<ResponseBody> {
    response.map(|body| body.map_err(|e| Box::new(e) as BoxError).boxed())
}

/// A connection that was made but did not speak HTTP/2 (an HTTP/1.1-only
/// endpoint answers the preface with text, which the HTTP/2 client reads
/// as a malformed frame, or refuses with `HTTP_1_1_REQUIRED`) is reported
/// as HTTP/2 being unavailable, not as a transient failure.
fn classify_duplex(err: hyper_util::client::legacy::Error) -> HttpError {
    let not_http2 = !err.is_connect()
        && chain_has(&err, |e| {
            e.downcast_ref::<h2::Error>().is_some_and(|h2| {
                let reason = h2.reason();
                reason == Some(h2::Reason::HTTP_1_1_REQUIRED)
                    || (h2.is_library()
                        && matches!(
                            reason,
                            Some(h2::Reason::FRAME_SIZE_ERROR | h2::Reason::PROTOCOL_ERROR)
                        ))
            })
        });
    if not_http2 {
        return HttpError::new(HttpErrorKind::Http2Unavailable, err);
    }
    classify(err)
}

fn classify(err: hyper_util::client::legacy::Error) -> HttpError {
    if err.is_connect() {
        // Our connector says which step failed; another connector's
        // timeout is recognised by its I/O error.
        let kind = chain_find(&err, |e| {
            e.downcast_ref::<connector::ConnectError>()
                .map(connector::ConnectError::kind)
                .or_else(|| is_timeout(e).then_some(HttpErrorKind::ConnectTimeout))
        })
        .unwrap_or(HttpErrorKind::Connect);
        return HttpError::new(kind, err);
    }
    HttpError::new(HttpErrorKind::Io, err)
}

/// Whether `err` is an I/O error of kind `TimedOut`.
fn is_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
}

/// The first answer `find` gives for `err` or one of its sources.
fn chain_find<T>(
    err: &(dyn std::error::Error + 'static),
    find: impl Fn(&(dyn std::error::Error + 'static)) -> Option<T>,
) -> Option<T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = find(e) {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn chain_has(
    err: &(dyn std::error::Error + 'static),
    test: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> bool {
    chain_find(err, |e| test(e).then_some(())).is_some()
}
