//! `bedrock-mock`: a local Amazon Bedrock Runtime on 127.0.0.1, which also
//! serves Bedrock Data Automation Runtime (awsJson 1.1; see
//! [`data_automation`]).
//!
//! It verifies every request's SigV4 signature (answering a bad one with
//! HTTP 403 `InvalidSignatureException`, as AWS does), records requests for
//! tests, and answers by model id: an echo model, each modeled error,
//! server faults, throttling, slow responses, dropped connections, and
//! plausible replies for real model families, so that any client (this
//! crate's, boto3, the official Rust SDK) can be tested or developed
//! against it offline. See [`behaviour`] for the model ids. With a
//! [`TlsIdentity`] it serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a
//! certificate from an authority made at start-up.

mod async_invoke;
pub mod behaviour;
mod converse;
pub mod data_automation;
pub mod duplex;
mod families;
pub mod proxy;
pub mod sigv4;
pub mod stream;
mod tls;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use behaviour::Reply;
pub use proxy::{ProxiedRequest, ProxyBehaviour, TestProxy};
pub use sigv4::{Rejection, Verifier};
pub use tls::{CertificateOptions, TlsIdentity};

/// The key pair of AWS's documentation examples, which the peers use too.
pub const DEFAULT_ACCESS_KEY: &str = "AKIDEXAMPLE";
/// See [`DEFAULT_ACCESS_KEY`].
pub const DEFAULT_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The bearer token (API key) the mock accepts by default.
pub const DEFAULT_BEARER_TOKEN: &str = "mock-bedrock-api-key";

/// A response body: bytes at once, or a stream that may fail mid-way.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The key pair requests must be signed with.
    pub access_key: String,
    /// See [`MockConfig::access_key`].
    pub secret_key: String,
    /// Bearer tokens (Bedrock API keys) accepted instead of a signature.
    pub bearer_tokens: Vec<String>,
    /// Print a line per request on stderr.
    pub verbose: bool,
    /// Serve HTTPS with this identity instead of plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// Which requests [`MockServer::requests`] keeps.
    pub recording: Recording,
}

/// Which requests the server keeps for [`MockServer::requests`]. Each
/// costs a few kilobytes (headers and body), so a long-running mock keeps
/// none or a bounded number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Every request: for tests, which read them (the default of
    /// [`MockConfig`]).
    All,
    /// The last N requests.
    Last(usize),
    /// None (the standalone binary's default).
    Off,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            port: 0,
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            bearer_tokens: vec![DEFAULT_BEARER_TOKEN.to_owned()],
            verbose: false,
            tls: None,
            recording: Recording::All,
        }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as sent, still percent-encoded.
    pub path: String,
    /// The query as sent, without `?`.
    pub query: String,
    /// Headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// Whether the signature verified, and if not, why.
    pub signature: Result<(), Rejection>,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// State shared by the connections of one server.
pub(crate) struct State {
    verifier: Verifier,
    verbose: bool,
    recording: Recording,
    recorded: Mutex<std::collections::VecDeque<RecordedRequest>>,
    /// Per model id: how many requests have been seen, for "fail N times".
    counters: Mutex<HashMap<String, u32>>,
    /// Asynchronous invocations.
    pub(crate) jobs: async_invoke::Jobs,
    /// Bedrock Data Automation Runtime's jobs and tags.
    pub(crate) data_automation: data_automation::DataAutomation,
    /// Bearer tokens (API keys) the server accepts instead of SigV4.
    bearer_tokens: Vec<String>,
    /// Streams whose client went away before the end.
    pub(crate) abandoned: Arc<std::sync::atomic::AtomicU64>,
    next_request_id: AtomicU64,
}

impl State {
    /// Counts a request for `key` and returns how many came before it.
    pub(crate) fn count(&self, key: &str) -> u32 {
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = counters.entry(key.to_owned()).or_insert(0);
        let before = *seen;
        *seen += 1;
        before
    }
}

/// A running server; stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    tls: bool,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockServer {
    /// Binds 127.0.0.1 and serves HTTP/1.1 and HTTP/2 (prior knowledge,
    /// or by ALPN over TLS) in the background.
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let acceptor = config.tls.as_ref().map(TlsIdentity::acceptor);
        let state = Arc::new(State {
            verifier: Verifier {
                access_key: config.access_key,
                secret_key: config.secret_key,
                service: "bedrock".to_owned(),
            },
            verbose: config.verbose,
            recording: config.recording,
            recorded: Mutex::new(std::collections::VecDeque::new()),
            counters: Mutex::new(HashMap::new()),
            jobs: async_invoke::Jobs::default(),
            data_automation: data_automation::DataAutomation::default(),
            bearer_tokens: config.bearer_tokens,
            abandoned: Arc::new(AtomicU64::new(0)),
            next_request_id: AtomicU64::new(1),
        });
        let (shutdown, mut stop) = oneshot::channel();
        let accept_state = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let state = accept_state.clone();
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            match acceptor {
                                None => serve(state, stream).await,
                                Some(acceptor) => {
                                    // A client that does not trust the
                                    // certificate ends the handshake here.
                                    if let Ok(tls) = acceptor.accept(stream).await {
                                        serve(state, tls).await;
                                    }
                                }
                            }
                        });
                    }
                }
            }
        });
        Ok(MockServer {
            addr,
            tls: config.tls.is_some(),
            state,
            shutdown: Some(shutdown),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` over TLS (the
    /// name the default certificate is for).
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// The requests received so far that [`MockConfig::recording`] keeps,
    /// in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .recorded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// How many response streams the client dropped before their end.
    pub fn abandoned_streams(&self) -> u64 {
        self.state.abandoned.load(Ordering::Relaxed)
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.state
            .recorded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Serves one connection, HTTP/1.1 or HTTP/2 as the client speaks.
async fn serve<S>(state: Arc<State>, stream: S)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| handle(state.clone(), request));
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // A connection ends with an error when a behaviour drops it on purpose.
    let _ = builder
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Returned by the service to make hyper drop the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    state: Arc<State>,
    request: http::Request<Incoming>,
) -> Result<http::Response<Body>, DropConnection> {
    let (parts, body) = request.into_parts();
    if parts.method == http::Method::POST
        && parts.uri.path().starts_with("/model/")
        && parts
            .uri
            .path()
            .ends_with("/invoke-with-bidirectional-stream")
    {
        return bidirectional(state, parts, body).await;
    }
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(DropConnection),
    };
    let signature = authenticate(&state, &parts, &body, |signed| {
        state.verifier.verify(signed, SystemTime::now())
    })
    .map(drop);
    let recorded = record(&state, &parts, body, signature.clone(), "");
    let request_id = next_request_id(&state);
    let reply = match signature {
        Err(rejection) => Reply::error(403, rejection.code(), &rejection.message()),
        Ok(()) => behaviour::route(&state, &recorded).await,
    };
    reply.into_response(&request_id)
}

/// Checks a bearer token, or else the SigV4 signature with `verify`:
/// `Ok(None)` for a known token, `Ok(Some(_))` for what `verify` gives.
fn authenticate<T>(
    state: &State,
    parts: &http::request::Parts,
    body: &[u8],
    verify: impl FnOnce(&sigv4::SignedRequest<'_>) -> Result<T, Rejection>,
) -> Result<Option<T>, Rejection> {
    let bearer = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        Some(token) if state.bearer_tokens.iter().any(|t| t == token) => Ok(None),
        Some(_) => Err(Rejection::UnknownBearerToken),
        None => {
            let host = parts
                .uri
                .authority()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let signed = sigv4::SignedRequest {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query: parts.uri.query().unwrap_or(""),
                host: &host,
                headers: &parts.headers,
                body,
            };
            verify(&signed).map(Some)
        }
    }
}

/// Records a request (and prints it in verbose mode, `note` before the verdict).
fn record(
    state: &State,
    parts: &http::request::Parts,
    body: Bytes,
    signature: Result<(), Rejection>,
    note: &str,
) -> RecordedRequest {
    let recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        signature,
        version: format!("{:?}", parts.version),
    };
    if state.verbose {
        let verdict = match &recorded.signature {
            Ok(()) => "signature ok".to_owned(),
            Err(rejection) => format!("signature refused: {rejection:?}"),
        };
        eprintln!("{} {} ({note}{verdict})", recorded.method, recorded.path);
    }
    let keep = match state.recording {
        Recording::All => usize::MAX,
        Recording::Last(n) => n,
        Recording::Off => 0,
    };
    if keep > 0 {
        let mut kept = state
            .recorded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= keep {
            kept.pop_front();
        }
        kept.push_back(recorded.clone());
    }
    recorded
}

fn next_request_id(state: &State) -> String {
    format!(
        "mock-{:012}",
        state.next_request_id.fetch_add(1, Ordering::Relaxed)
    )
}

/// InvokeModelWithBidirectionalStream: authenticated by its headers alone
/// (the events carry their own signatures), then answered while its body
/// is still arriving (see [`duplex`]).
async fn bidirectional(
    state: Arc<State>,
    parts: http::request::Parts,
    body: Incoming,
) -> Result<http::Response<Body>, DropConnection> {
    // The payload hash is `STREAMING-AWS4-HMAC-SHA256-EVENTS` in
    // `X-Amz-Content-Sha256` (as this crate and the JavaScript SDK send
    // it) or, without that header, the hash of an empty body (as the
    // official Rust SDK signs it); the events carry their own signatures
    // either way.
    let payload_hash = parts.headers.get("x-amz-content-sha256");
    let chain = if payload_hash.is_some_and(|v| v.as_bytes() != sigv4::SIGNED_EVENTS.as_bytes()) {
        Err(Rejection::Malformed(format!(
            "X-Amz-Content-Sha256: {} or none",
            sigv4::SIGNED_EVENTS
        )))
    } else {
        authenticate(&state, &parts, b"", |signed| {
            state.verifier.verify_chain(signed, SystemTime::now())
        })
    };
    let signature = chain.as_ref().map(drop).map_err(Clone::clone);
    record(&state, &parts, Bytes::new(), signature, "bidirectional, ");
    let request_id = next_request_id(&state);
    let model_id = parts
        .uri
        .path()
        .trim_start_matches("/model/")
        .trim_end_matches("/invoke-with-bidirectional-stream");
    let model_id = percent_encoding::percent_decode_str(model_id)
        .decode_utf8_lossy()
        .into_owned();
    let reply = match chain {
        Err(rejection) => Reply::error(403, rejection.code(), &rejection.message()),
        Ok(chain) => match behaviour::mock_behaviour(&state, &model_id).await {
            Some(reply) => reply,
            None => Reply::stream(
                200,
                "application/vnd.amazon.eventstream",
                duplex::answer(&state, body, chain, duplex::Script::for_model(&model_id)),
            ),
        },
    };
    reply.into_response(&request_id)
}

/// A complete body.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}
