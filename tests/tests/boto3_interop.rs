//! boto3 and botocore as independent peers: boto3's requests pass the
//! mock's verifier, and botocore's signer recomputes our client's signature.
//!
//! These tests need `python3` with boto3. Without it they say so and pass,
//! unless `BEDROCK_RS_REQUIRE_PYTHON=1` (set by CI, which installs boto3).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use integration_tests::{client, mock};

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(name)
}

/// Whether python3 with boto3 is there; panics when it must be.
fn python_with_boto3() -> bool {
    let available = Command::new("python3")
        .args(["-c", "import boto3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        assert!(
            std::env::var("BEDROCK_RS_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "python3 with boto3 is required (pip install boto3)"
        );
        eprintln!("skipped: python3 with boto3 is not installed");
    }
    available
}

#[tokio::test]
async fn boto3_requests_pass_the_mock_verifier() {
    if !python_with_boto3() {
        return;
    }
    let server = mock().await;
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script("boto3_invoke.py"))
            .arg(url)
            .output()
    })
    .await
    .unwrap()
    .expect("python3 runs");
    assert!(
        output.status.success(),
        "boto3 failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");

    assert!(
        result["echo"]
            .as_str()
            .unwrap()
            .contains("hello from boto3")
    );
    assert_eq!(result["anthropic"]["type"], "message");
    assert_eq!(
        result["anthropic"]["content"][0]["text"],
        "Echo: hello from boto3"
    );
    assert_eq!(result["error"]["code"], "ModelErrorException");
    assert_eq!(result["error"]["status"], 424);
    assert_eq!(result["error"]["originalStatusCode"], 500);
    assert_eq!(result["chunks"], serde_json::json!([16, 16, 16]));

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(
            request.signature,
            Ok(()),
            "boto3's signature on {} verifies",
            request.path
        );
        assert!(
            request
                .header("user-agent")
                .unwrap_or_default()
                .contains("Boto3")
        );
    }
    assert_eq!(
        requests[1].path,
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fanthropic.claude-3-haiku-20240307-v1%3A0/invoke",
        "boto3 encodes labels as we do"
    );
}

#[tokio::test]
async fn botocore_recomputes_our_signature() {
    if !python_with_boto3() {
        return;
    }
    let server = mock().await;
    let client = client(&server);
    for model in [
        "mock.echo",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
    ] {
        client
            .invoke_model()
            .model_id(model)
            .content_type("application/json")
            .body(r#"{"prompt":"\n\nHuman: hi\n\nAssistant:"}"#)
            .send()
            .await
            .unwrap();
    }
    for request in server.requests() {
        let ours = request
            .header("authorization")
            .and_then(|a| a.split("Signature=").nth(1))
            .expect("a signature")
            .to_owned();
        let input = serde_json::json!({
            "method": request.method,
            "url": format!("{}{}", server.url(), request.path),
            "headers": request.headers,
            "body": base64::engine::general_purpose::STANDARD.encode(&request.body),
            "access_key": bedrock_mock::DEFAULT_ACCESS_KEY,
            "secret_key": bedrock_mock::DEFAULT_SECRET_KEY,
        });
        let mut child = Command::new("python3")
            .arg(script("botocore_verify.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.to_string().as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "botocore failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let theirs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            theirs["signature"].as_str(),
            Some(ours.as_str()),
            "botocore's canonical request:\n{}",
            theirs["canonical_request"]
        );
    }
}
