//! `bedrock-mock --tls` as a user starts it: it names the CA file it
//! wrote and the HTTPS URL it serves, and a client that trusts that file
//! gets through (HTTP/2 by ALPN is checked in-process, in
//! `tests/tests/proxies_and_certificates.rs`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use bedrock_runtime::credentials::Credentials;
use bedrock_runtime::transport::TlsConfig;
use bedrock_runtime::{Client, Config};

/// Kills the mock when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_https_with_the_ca_it_writes() {
    let dir = std::env::temp_dir().join(format!("mock-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-mock"))
        .args(["--tls", "--port", "0", "--ca-file"])
        .arg(&ca_file)
        .stdout(Stdio::piped())
        .spawn()
        .expect("bedrock-mock starts");
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let ca_line = lines.next().unwrap().unwrap();
    assert!(
        ca_line.contains(&ca_file.display().to_string()),
        "{ca_line}"
    );
    let listening = lines.next().unwrap().unwrap();
    let url = listening
        .split_whitespace()
        .find(|word| word.starts_with("https://localhost:"))
        .unwrap_or_else(|| panic!("no https URL in {listening:?}"))
        .to_owned();

    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            bedrock_mock::DEFAULT_ACCESS_KEY,
            bedrock_mock::DEFAULT_SECRET_KEY,
            None,
            None,
            "test",
        ))
        .endpoint_url(&url)
        .tls_config(TlsConfig::new().with_ca_bundle_file(&ca_file).unwrap())
        .build()
        .unwrap();
    let output = Client::from_conf(config)
        .invoke_model()
        .model_id("mock.echo")
        .body(br#"{"prompt":"over TLS"}"#.to_vec())
        .send()
        .await
        .expect("the call verifies the mock's certificate");
    assert!(!output.body.as_bytes().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
