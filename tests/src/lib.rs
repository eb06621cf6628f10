//! Shared helpers for the end-to-end tests in `tests/tests/`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockConfig, MockServer};
use bedrock_runtime::credentials::Credentials;
use bedrock_runtime::{Client, Config, ConfigBuilder, RetryConfig};

/// A mock server on a free port, verifying the default key pair.
pub async fn mock() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts")
}

/// The key pair the mock expects.
pub fn credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, None, None, "test")
}

/// A configuration for the mock, with backoffs short enough for tests.
pub fn config(server: &MockServer) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(server.url())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

/// A client for the mock.
pub fn client(server: &MockServer) -> Client {
    Client::from_conf(config(server).build().expect("the configuration is valid"))
}

/// A string no other call in this process returns, for mock model ids whose
/// counters must start from zero.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "u{}n{}x{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A request as a fake server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

impl Seen {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How a fake server answers a request: status and body.
pub type Answer = Box<dyn Fn(&Seen) -> (u16, String) + Send + Sync>;

/// How a fake server answers when headers matter: status, headers, body.
pub type AnswerWithHeaders =
    Box<dyn Fn(&Seen) -> (u16, Vec<(String, String)>, String) + Send + Sync>;

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with
/// `answer` and records it.
pub async fn fake(answer: Answer) -> (String, Arc<Mutex<Vec<Seen>>>) {
    fake_with_headers(Box::new(move |seen| {
        let (status, body) = answer(seen);
        (status, Vec::new(), body)
    }))
    .await
}

/// [`fake`], with response headers.
pub async fn fake_with_headers(answer: AnswerWithHeaders) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let record = record.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
                let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let text = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
                let length: usize = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_owned)
                    })
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(0);
                while buffer.len() < head_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
                let body =
                    String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
                let mut lines = text.split("\r\n");
                let mut request_line = lines.next().unwrap_or_default().split(' ');
                let seen = Seen {
                    method: request_line.next().unwrap_or_default().to_owned(),
                    path: request_line.next().unwrap_or_default().to_owned(),
                    headers: lines
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(": "))
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect(),
                    body,
                };
                let (status, headers, body) = answer(&seen);
                record.lock().unwrap().push(seen);
                let headers: String = headers
                    .iter()
                    .map(|(name, value)| format!("{name}: {value}\r\n"))
                    .collect();
                let response = format!(
                    "HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// A running `moto_server`, stopped when dropped.
pub struct Moto {
    child: std::process::Child,
    /// Where it listens, e.g. `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto on a free port and waits until it answers; `None` (with a
/// message) when moto is not installed and not required.
pub async fn moto() -> Option<Moto> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = std::process::Command::new("python3")
        .args(["-m", "moto.server", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let installed = std::process::Command::new("python3")
        .args(["-c", "import moto.server, flask"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let Ok(child) = child.map_err(|e| e.to_string()).and_then(|child| {
        if installed {
            Ok(child)
        } else {
            Err("moto is not installed".to_owned())
        }
    }) else {
        assert!(
            std::env::var("BEDROCK_RS_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "moto is required (pip install 'moto[server]')"
        );
        eprintln!("skipped: moto is not installed (pip install 'moto[server]')");
        return None;
    };
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = std::time::Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto did not start listening within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(moto)
}

/// Creates an agent in moto with boto3 and returns its ARN.
pub fn boto3_agent_arn(moto: &Moto) -> String {
    let script = format!(
        "import boto3\n\
         c = boto3.client('bedrock-agent', endpoint_url='{}', region_name='us-east-1', \
         aws_access_key_id='{}', aws_secret_access_key='{}')\n\
         print(c.create_agent(agentName='tagged')['agent']['agentArn'])",
        moto.url, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY,
    );
    let output = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
