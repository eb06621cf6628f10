//! The default credentials chain against local fakes on 127.0.0.1: the
//! container endpoint with its authorization token, EC2 instance metadata
//! (IMDSv2) with a stale token, `credential_process` printing valid JSON,
//! invalid JSON, or failing; the chain's order, and the error that lists
//! every provider tried when none applies.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bedrock_runtime::credentials::{DefaultChain, ProvideCredentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as a fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Answer = Box<dyn Fn(&Seen) -> (u16, String) + Send + Sync>;

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with
/// `answer` and records it.
async fn fake(answer: Answer) -> (String, Arc<Mutex<Vec<Seen>>>) {
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
                let text = String::from_utf8_lossy(&buffer).into_owned();
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
                };
                let (status, body) = answer(&seen);
                record.lock().unwrap().push(seen);
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

fn credentials_json(key: &str) -> String {
    format!(
        r#"{{"AccessKeyId":"{key}","SecretAccessKey":"secret","Token":"session","Expiration":"2099-01-01T00:00:00Z"}}"#
    )
}

/// Variables that keep the chain away from this machine's own files and
/// metadata service.
fn isolated(dir: &std::path::Path, imds: &str) -> Vec<(String, String)> {
    vec![
        ("HOME".into(), dir.display().to_string()),
        (
            "AWS_CONFIG_FILE".into(),
            dir.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("credentials").display().to_string(),
        ),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), imds.to_owned()),
    ]
}

fn chain(vars: &[(String, String)], profile: Option<&str>) -> DefaultChain {
    DefaultChain::with_variables(
        profile.map(str::to_owned),
        vars.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// An address nothing listens on: connecting fails at once.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn the_container_endpoint_gets_the_authorization_token() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = fake(Box::new(|_| (200, credentials_json("AKIDCONTAINER")))).await;
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "pod-identity-token\n").unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{url}/v1/credentials"),
    ));
    vars.push((
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE".into(),
        token_file.display().to_string(),
    ));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDCONTAINER");
    assert_eq!(credentials.session_token(), Some("session"));
    assert!(credentials.expiry().unwrap() > SystemTime::now() + Duration::from_secs(3600));
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].path, "/v1/credentials");
    assert_eq!(seen[0].header("authorization"), Some("pod-identity-token"));
}

#[tokio::test]
async fn a_container_uri_to_another_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        "http://example.com/creds".into(),
    ));
    let err = chain(&vars, None).provide_credentials().await.unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("must be loopback"), "{text}");
}

#[tokio::test]
async fn imds_v2_takes_a_token_first_and_renews_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(Mutex::new(0u32));
    let issued = tokens.clone();
    let (url, seen) = fake(Box::new(move |request| {
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                let mut n = issued.lock().unwrap();
                *n += 1;
                (200, format!("token-{n}"))
            }
            // The first token is refused, as after an instance restart.
            (_, _) if request.header("x-aws-ec2-metadata-token") == Some("token-1") => {
                (401, String::new())
            }
            ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "my-role\n".into()),
            ("GET", "/latest/meta-data/iam/security-credentials/my-role") => (
                200,
                format!(
                    r#"{{"Code":"Success",{}"#,
                    &credentials_json("AKIDIMDS")[1..]
                ),
            ),
            _ => (404, String::new()),
        }
    }))
    .await;
    let vars = isolated(dir.path(), &url);
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDIMDS");
    let seen = seen.lock().unwrap();
    let puts: Vec<&Seen> = seen.iter().filter(|s| s.method == "PUT").collect();
    assert_eq!(puts.len(), 2, "a fresh token after the 401: {seen:?}");
    assert_eq!(
        puts[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert!(
        seen.iter()
            .filter(|s| s.method == "GET")
            .all(|s| s.header("x-aws-ec2-metadata-token").is_some())
    );
}

#[tokio::test]
async fn credential_process_output_becomes_credentials() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile tool]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDPROCESS\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let credentials = chain(&vars, Some("tool"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDPROCESS");
    assert_eq!(credentials.session_token(), Some("t"));
}

#[tokio::test]
async fn credential_process_failures_name_the_profile_and_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile garbled]\ncredential_process = echo not json\n\n\
         [profile failing]\ncredential_process = sh -c 'echo token expired >&2; exit 3'\n",
    )
    .unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let err = chain(&vars, Some("garbled"))
        .provide_credentials()
        .await
        .unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("\"garbled\""), "{text}");
    assert!(text.contains("invalid JSON"), "{text}");
    let err = chain(&vars, Some("failing"))
        .provide_credentials()
        .await
        .unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("\"failing\""), "{text}");
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(text.contains("token expired"), "{text}");
}

#[tokio::test]
async fn the_environment_comes_before_the_container() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = fake(Box::new(|_| (200, credentials_json("AKIDCONTAINER")))).await;
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ACCESS_KEY_ID".into(), "AKIDENV".into()));
    vars.push(("AWS_SECRET_ACCESS_KEY".into(), "secret".into()));
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{url}/creds"),
    ));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");
    assert!(
        seen.lock().unwrap().is_empty(),
        "the container was not asked"
    );
}

#[tokio::test]
async fn when_nothing_applies_the_error_lists_each_provider_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let err = chain(&vars, None).provide_credentials().await.unwrap_err();
    let text = chain_text(&err);
    let order = [
        "environment:",
        "profile",
        "web identity:",
        "container:",
        "IMDS:",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|p| {
            text.find(p)
                .unwrap_or_else(|| panic!("{p} missing from {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("unreachable"), "{text}");

    let mut disabled = vars.clone();
    disabled.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
    let text = chain_text(
        &chain(&disabled, None)
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("IMDS: disabled"), "{text}");
}

/// An error with its sources, as a caller would print it.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
