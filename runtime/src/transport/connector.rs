//! Making connections: TCP by hyper-util's connector (DNS, happy eyeballs,
//! the connect timeout), an HTTP `CONNECT` tunnel when a proxy is in the
//! way, then TLS with rustls, offering by ALPN what the pool speaks. Each
//! failure says which step failed and names the proxy or the host.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_service::Service;

use super::HttpErrorKind;
use super::proxy::{Proxy, ProxyConfig};
use super::tls::certificate_problem;
use crate::error::BoxError;

/// How long the proxy's answer to `CONNECT` and the TLS handshake may take
/// when no connect timeout is configured: a silent peer must not hang the
/// client.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(30);

/// The most a proxy's answer to `CONNECT` may hold.
const MAX_PROXY_RESPONSE: usize = 16 * 1024;

/// The default client's connector: direct or through a proxy, plain or TLS.
/// Made by [`HyperClient::configured`](super::HyperClient::configured).
#[derive(Clone)]
pub struct Connector {
    tcp: HttpConnector,
    tls: tokio_rustls::TlsConnector,
    proxy: Arc<ProxyConfig>,
    handshake_timeout: Duration,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl Connector {
    pub(crate) fn new(
        tls: Arc<rustls::ClientConfig>,
        proxy: Arc<ProxyConfig>,
        connect_timeout: Option<Duration>,
    ) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(connect_timeout);
        Connector {
            tcp,
            tls: tokio_rustls::TlsConnector::from(tls),
            proxy,
            handshake_timeout: connect_timeout.unwrap_or(HANDSHAKE_LIMIT),
        }
    }

    async fn connect(mut self, dst: Uri) -> Result<Stream, ConnectError> {
        let https = match dst.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => {
                return Err(ConnectError::new(
                    HttpErrorKind::Connect,
                    format!("{dst} is neither an http nor an https URL"),
                ));
            }
        };
        let host = dst
            .host()
            .ok_or_else(|| ConnectError::new(HttpErrorKind::Connect, format!("{dst} has no host")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = dst.port_u16().unwrap_or(if https { 443 } else { 80 });
        let proxy = self.proxy.proxy_for(&dst).cloned();
        let Some(proxy) = proxy else {
            let tcp = self
                .tcp
                .call(dst.clone())
                .await
                .map_err(|e| ConnectError::direct(&host, port, e))?;
            return if https {
                self.tls(tcp.into_inner(), &host).await
            } else {
                Ok(Stream::Plain {
                    io: tcp,
                    via_proxy: false,
                })
            };
        };
        tracing::debug!(proxy = ?proxy, %host, port, "connecting through a proxy");
        let tcp = self
            .tcp
            .call(proxy.uri().clone())
            .await
            .map_err(|e| ConnectError::proxy_unreachable(&proxy, e))?;
        if !https {
            // Plain http through a proxy: requests go in absolute form on
            // this connection, with `Proxy-Authorization` added per request.
            return Ok(Stream::Plain {
                io: tcp,
                via_proxy: true,
            });
        }
        let tunnel = tokio::time::timeout(
            self.handshake_timeout,
            tunnel(tcp.into_inner(), &proxy, &host, port),
        )
        .await
        .map_err(|_| {
            ConnectError::new(
                HttpErrorKind::ProxyTunnel,
                format!(
                    "proxy {} did not answer CONNECT {host}:{port} within {} ms",
                    proxy.address(),
                    self.handshake_timeout.as_millis()
                ),
            )
        })??;
        self.tls(tunnel, &host).await
    }

    /// The TLS handshake with `host` over `tcp`, bounded in time.
    async fn tls(&self, tcp: TcpStream, host: &str) -> Result<Stream, ConnectError> {
        let name = ServerName::try_from(host.to_owned()).map_err(|_| {
            ConnectError::new(
                HttpErrorKind::Connect,
                format!("{host:?} is not a valid TLS server name"),
            )
        })?;
        let handshake = self.tls.connect(name, tcp);
        match tokio::time::timeout(self.handshake_timeout, handshake).await {
            Ok(Ok(tls)) => Ok(Stream::Tls(Box::new(TokioIo::new(tls)))),
            Ok(Err(err)) => Err(ConnectError::tls(host, err)),
            Err(_) => Err(ConnectError::new(
                HttpErrorKind::ConnectTimeout,
                format!(
                    "the TLS handshake with {host} took longer than {} ms",
                    self.handshake_timeout.as_millis()
                ),
            )),
        }
    }
}

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        // hyper-util's HTTP connector is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        Box::pin(self.clone().connect(dst))
    }
}

/// Asks `proxy` for a tunnel to `host:port` over `tcp` and reads its answer
/// up to the end of its headers, no further: the TLS handshake follows.
async fn tunnel(
    mut tcp: TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<TcpStream, ConnectError> {
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n").into_bytes();
    if let Some(authorization) = proxy.authorization() {
        request.extend_from_slice(b"Proxy-Authorization: ");
        request.extend_from_slice(authorization.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let closed = |e: io::Error| {
        ConnectError::with_source(
            HttpErrorKind::ProxyTunnel,
            format!(
                "proxy {} closed the connection during CONNECT {target}",
                proxy.address()
            ),
            e,
        )
    };
    tcp.write_all(&request).await.map_err(closed)?;
    let mut answer = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    // One byte at a time: the answer is short, and nothing after its end
    // may be consumed here.
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() >= MAX_PROXY_RESPONSE {
            return Err(ConnectError::new(
                HttpErrorKind::ProxyTunnel,
                format!(
                    "proxy {} answered CONNECT {target} with more than {MAX_PROXY_RESPONSE} bytes of headers",
                    proxy.address()
                ),
            ));
        }
        if tcp.read(&mut byte).await.map_err(closed)? == 0 {
            return Err(ConnectError::new(
                HttpErrorKind::ProxyTunnel,
                format!(
                    "proxy {} closed the connection before answering CONNECT {target}",
                    proxy.address()
                ),
            ));
        }
        answer.push(byte[0]);
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let status = match response.parse(&answer) {
        Ok(httparse::Status::Complete(_)) => response.code.unwrap_or(0),
        Ok(httparse::Status::Partial) | Err(_) => {
            return Err(ConnectError::new(
                HttpErrorKind::ProxyTunnel,
                format!(
                    "proxy {} answered CONNECT {target} with something other than HTTP",
                    proxy.address()
                ),
            ));
        }
    };
    if (200..300).contains(&status) {
        return Ok(tcp);
    }
    let reason = response.reason.unwrap_or("").to_owned();
    let advice = match status {
        407 if proxy.authorization().is_some() => ": the proxy refused its credentials",
        407 => ": the proxy wants credentials (http://user:password@host:port)",
        _ => "",
    };
    Err(ConnectError::new(
        HttpErrorKind::ProxyRefused,
        format!(
            "proxy {} refused CONNECT {target}: {status} {reason}{advice}",
            proxy.address()
        ),
    ))
}

/// Why a connection could not be made.
#[derive(Debug)]
pub struct ConnectError {
    kind: HttpErrorKind,
    message: String,
    source: Option<BoxError>,
}

impl ConnectError {
    fn new(kind: HttpErrorKind, message: String) -> Self {
        ConnectError {
            kind,
            message,
            source: None,
        }
    }

    fn with_source(kind: HttpErrorKind, message: String, source: impl Into<BoxError>) -> Self {
        ConnectError {
            kind,
            message,
            source: Some(source.into()),
        }
    }

    /// A failed TCP connection to the endpoint itself.
    fn direct(host: &str, port: u16, err: impl Into<BoxError>) -> Self {
        let err = err.into();
        let kind = if super::chain_has(err.as_ref(), super::is_timeout) {
            HttpErrorKind::ConnectTimeout
        } else {
            HttpErrorKind::Connect
        };
        ConnectError::with_source(kind, format!("cannot connect to {host}:{port}"), err)
    }

    fn proxy_unreachable(proxy: &Proxy, err: impl Into<BoxError>) -> Self {
        ConnectError::with_source(
            HttpErrorKind::ProxyUnreachable,
            format!("cannot connect to proxy {}", proxy.address()),
            err,
        )
    }

    /// A failed TLS handshake: a certificate that does not verify is told
    /// apart from the rest.
    fn tls(host: &str, err: io::Error) -> Self {
        let problem = err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .and_then(|rustls| certificate_problem(rustls, host));
        match problem {
            Some(problem) => ConnectError::new(HttpErrorKind::Certificate, problem),
            None => ConnectError::with_source(
                HttpErrorKind::Connect,
                format!("the TLS handshake with {host} failed"),
                err,
            ),
        }
    }

    /// Which step failed.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A connection: plain TCP (to the endpoint, or to an http proxy that
/// forwards requests), or TLS (to the endpoint, directly or through a
/// tunnel).
pub enum Stream {
    /// Plain TCP.
    Plain {
        /// The connection.
        io: TokioIo<TcpStream>,
        /// Whether it goes to a proxy, so that requests are sent in
        /// absolute form.
        via_proxy: bool,
    },
    /// TLS over TCP (boxed: the session state is large).
    Tls(Box<TokioIo<tokio_rustls::client::TlsStream<TcpStream>>>),
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stream::Plain { via_proxy, .. } => f
                .debug_struct("Stream::Plain")
                .field("via_proxy", via_proxy)
                .finish_non_exhaustive(),
            Stream::Tls(_) => f.write_str("Stream::Tls"),
        }
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        match self {
            Stream::Plain { io, via_proxy } => io.inner().connected().proxy(*via_proxy),
            Stream::Tls(io) => {
                let (tcp, session) = io.inner().get_ref();
                let connected = tcp.connected();
                if session.alpn_protocol() == Some(b"h2") {
                    connected.negotiated_h2()
                } else {
                    connected
                }
            }
        }
    }
}

impl Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_read(cx, buf),
            Stream::Tls(io) => Pin::new(io.as_mut()).poll_read(cx, buf),
        }
    }
}

impl Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_write(cx, buf),
            Stream::Tls(io) => Pin::new(io.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_write_vectored(cx, bufs),
            Stream::Tls(io) => Pin::new(io.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain { io, .. } => io.is_write_vectored(),
            Stream::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_flush(cx),
            Stream::Tls(io) => Pin::new(io.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_shutdown(cx),
            Stream::Tls(io) => Pin::new(io.as_mut()).poll_shutdown(cx),
        }
    }
}
