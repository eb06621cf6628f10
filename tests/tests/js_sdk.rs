//! The AWS SDK for JavaScript v3 against bedrock-mock: its default client
//! for Bedrock Runtime speaks HTTP/2 and signs `:authority` in place of
//! `host`, which the service accepts, so the mock must too. Converse,
//! ConverseStream, InvokeModel, a modeled error and a two-way stream, from
//! `tests/js/drive.mjs`.
//!
//! Needs Node.js and `npm ci` in `tests/js`; skipped with a message when
//! they are missing, unless `BEDROCK_RS_REQUIRE_NODE=1` (set by CI, which
//! installs them).

use std::path::PathBuf;
use std::process::Command;

use integration_tests::mock;

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// Whether node and the SDK are installed; panics when they must be.
fn node_with_sdk() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let sdk = js_dir()
        .join("node_modules/@aws-sdk/client-bedrock-runtime")
        .is_dir();
    if !(node && sdk) {
        assert!(
            std::env::var("BEDROCK_RS_REQUIRE_NODE").as_deref() != Ok("1"),
            "node and the AWS SDK for JavaScript are required (cd tests/js && npm ci)"
        );
        eprintln!("skipped: node or tests/js/node_modules is missing (cd tests/js && npm ci)");
    }
    node && sdk
}

#[tokio::test(flavor = "multi_thread")]
async fn the_javascript_sdk_over_http2_is_accepted() {
    if !node_with_sdk() {
        return;
    }
    let server = mock().await;
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("drive.mjs")
            .arg(&url)
            .current_dir(js_dir())
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for call in [
        "Converse",
        "ConverseStream",
        "InvokeModel",
        "a modeled error",
        "InvokeModelWithBidirectionalStream",
    ] {
        assert!(stdout.contains(&format!("ok: {call}\n")), "{stdout}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    for request in &requests {
        assert_eq!(request.version, "HTTP/2.0", "{}", request.path);
        assert_eq!(request.signature, Ok(()), "{}", request.path);
        let authorization = request.header("authorization").unwrap_or_default();
        assert!(
            authorization.contains("SignedHeaders=:authority;"),
            "{authorization}"
        );
    }
}
