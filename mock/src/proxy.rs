//! A forward proxy on 127.0.0.1 for tests of clients behind one: it
//! tunnels `CONNECT host:port` (HTTPS) and forwards absolute-form requests
//! (plain HTTP), recording each request line and `Proxy-Authorization`;
//! or it refuses, or hangs up, as a test asks.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The most a request head may hold.
const MAX_HEAD: usize = 16 * 1024;

/// How the proxy answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyBehaviour {
    /// Tunnels and forwards.
    Forward,
    /// Answers every request with this status (`407` with a
    /// `Proxy-Authenticate` challenge).
    Refuse(u16),
    /// Closes each connection once the request head has arrived.
    HangUp,
}

/// A request the proxy received: its first line and credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// `CONNECT localhost:4010 HTTP/1.1`, `POST http://127.0.0.1:4010/... HTTP/1.1`.
    pub line: String,
    /// The `Proxy-Authorization` header, if any.
    pub authorization: Option<String>,
}

/// A running proxy; stops accepting when dropped.
pub struct TestProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<ProxiedRequest>>>,
    _shutdown: oneshot::Sender<()>,
}

impl TestProxy {
    /// Starts a proxy on a free port of 127.0.0.1.
    pub async fn start(behaviour: ProxyBehaviour) -> std::io::Result<TestProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let recorder = seen.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => {
                        let Ok((client, _)) = accepted else { continue };
                        let recorder = recorder.clone();
                        tokio::spawn(async move {
                            // A client or target that goes away ends the
                            // exchange; there is nobody to tell.
                            let _ = proxy_one(client, behaviour, recorder).await;
                        });
                    }
                }
            }
        });
        Ok(TestProxy {
            addr,
            seen,
            _shutdown: shutdown,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://user:password@127.0.0.1:PORT`.
    pub fn url_with_credentials(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

async fn proxy_one(
    mut client: TcpStream,
    behaviour: ProxyBehaviour,
    seen: Arc<Mutex<Vec<ProxiedRequest>>>,
) -> std::io::Result<()> {
    let head = read_head(&mut client).await?;
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let line = lines.next().unwrap_or_default().to_owned();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, value)| value.trim().to_owned());
    seen.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(ProxiedRequest {
            line: line.clone(),
            authorization,
        });
    match behaviour {
        ProxyBehaviour::HangUp => return Ok(()),
        ProxyBehaviour::Refuse(status) => {
            let challenge = if status == 407 {
                "Proxy-Authenticate: Basic realm=\"test\"\r\n"
            } else {
                ""
            };
            let answer = format!(
                "HTTP/1.1 {status} Refused\r\n{challenge}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return client.write_all(answer.as_bytes()).await;
        }
        ProxyBehaviour::Forward => {}
    }
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method == "CONNECT" {
        let mut upstream = TcpStream::connect(target).await?;
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        return Ok(());
    }
    // Absolute form: `http://host:port/path`. The head goes on as it came
    // (the mock accepts absolute-form targets), then both ways are copied.
    let authority = target
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let mut upstream = TcpStream::connect(authority).await?;
    upstream.write_all(&head).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// The request head, up to and including the blank line, one byte at a
/// time so that nothing after it is consumed.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD || stream.read(&mut byte).await? == 0 {
            return Err(std::io::Error::other("no complete request head"));
        }
        head.push(byte[0]);
    }
    Ok(head)
}
