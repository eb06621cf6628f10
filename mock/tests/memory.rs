//! `bedrock-mock` left running keeps its memory flat: it keeps no request
//! once answered (it used to keep every one, about 6.8 KB each: 141 MB
//! after 20,000 InvokeModel calls). 100,000 signed calls against the
//! binary; its resident memory after them is compared with after the
//! first 10,000, once allocations have settled.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use bedrock_runtime::credentials::Credentials;
use bedrock_runtime::{Client, Config};

/// Kills the mock when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process's resident set, in KiB, from `/proc` (Linux).
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

async fn calls(client: &Arc<Client>, count: usize) {
    const CONCURRENCY: usize = 32;
    let mut workers = Vec::new();
    for worker in 0..CONCURRENCY {
        let client = client.clone();
        let share = count / CONCURRENCY + usize::from(worker < count % CONCURRENCY);
        workers.push(tokio::spawn(async move {
            for _ in 0..share {
                client
                    .invoke_model()
                    .model_id("mock.echo")
                    .body(b"{\"prompt\":\"a body of a few dozen bytes, as calls have\"}".to_vec())
                    .send()
                    .await
                    .expect("the mock answers");
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_stays_flat_over_100000_requests() {
    if resident_kib(std::process::id()).is_none() {
        eprintln!("skipped: no /proc to read resident memory from");
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-mock"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock starts");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            None,
            None,
            "test",
        ))
        .build()
        .unwrap();
    let client = Arc::new(Client::from_conf(config));
    let pid = running.0.id();

    calls(&client, 10_000).await;
    let settled = resident_kib(pid).unwrap();
    calls(&client, 90_000).await;
    let after = resident_kib(pid).unwrap();
    eprintln!(
        "bedrock-mock resident memory: {settled} KiB after 10,000 calls, {after} KiB after 100,000"
    );
    // Keeping each request would add about 600 MB here; allocator noise is
    // a few MB.
    assert!(
        after < settled + 16 * 1024,
        "grew from {settled} KiB to {after} KiB over 90,000 calls"
    );
}
