//! The `bedrock` binary against bedrock-mock, as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

use bedrock_mock::{
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockConfig, MockServer, ProxyBehaviour, TestProxy,
    TlsIdentity,
};

struct Run {
    output: Output,
}

impl Run {
    fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Runs `bedrock` with the mock's key pair in its environment, as the SDK reads it.
fn bedrock(args: &[&str], home: &Path) -> Run {
    bedrock_with(args, home, &[])
}

/// [`bedrock`] with more variables in its environment.
fn bedrock_with(args: &[&str], home: &Path, variables: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_bedrock"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .envs(variables.iter().copied())
        .output()
        .expect("bedrock runs");
    Run { output }
}

async fn mock() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("mock starts")
}

fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("no panic")
}

#[tokio::test(flavor = "multi_thread")]
async fn invoke_model_writes_the_body_to_outfile_and_prints_metadata() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let outfile = dir.path().join("out.json");
    let (url, home, out) = (server.url(), dir.path().to_owned(), outfile.clone());
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model",
                "--endpoint-url",
                &url,
                "--model-id",
                "anthropic.claude-3-haiku-20240307-v1:0",
                "--content-type",
                "application/json",
                "--body",
                r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#,
                out.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let printed: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"contentType": "application/json"})
    );
    let body: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&outfile).unwrap()).unwrap();
    assert_eq!(body["content"][0]["text"], "Echo: hi");
    assert_eq!(server.requests()[0].signature, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn blobs_come_from_fileb_paths() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    std::fs::write(&input, [0u8, 159, 146, 150, 255]).unwrap();
    let (url, home, input_arg, out) = (
        server.url(),
        dir.path().to_owned(),
        format!("fileb://{}", input.display()),
        dir.path().join("out.bin"),
    );
    let out_arg = out.clone();
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model",
                "--endpoint-url",
                &url,
                "--model-id",
                "mock.echo",
                "--body",
                &input_arg,
                out_arg.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(std::fs::read(&out).unwrap(), [0u8, 159, 146, 150, 255]);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_follow_the_aws_cli() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "invoke-model",
                "--validation",
                "strict",
                "--model-id",
                "!!!",
                "--body",
                "{}",
            ],
            252,
            "Parameter validation failed: InvokeModelInput.modelId",
        ),
        (
            &["invoke-model", "--model-id", "", "--body", "{}"],
            252,
            "InvokeModelInput.modelId: length 0 is below the minimum 1",
        ),
        (
            &["invoke-model", "--validation", "lenient", "--model-id", "m"],
            252,
            "--validation: \"lenient\" is not one of standard, strict, warn, off",
        ),
        (
            &["invoke-model", "--body", "{}"],
            252,
            "the following options are required (on the line or in --cli-input-json): --model-id",
        ),
        (
            &[
                "invoke-model",
                "--model-id",
                "mock.error.ValidationException",
                "--body",
                "{}",
            ],
            254,
            "An error occurred (ValidationException) when calling the InvokeModel operation: mock ValidationException",
        ),
        (
            &["converse", "--model-id", "m.x", "--messages", "not json"],
            252,
            "--messages",
        ),
        (&["no-such-command"], 252, "unrecognized subcommand"),
    ];
    for (args, code, message) in cases {
        let url = server.url();
        let home = dir.path().to_owned();
        let out = dir.path().join("o").to_str().unwrap().to_owned();
        let mut full: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        if full[0] == "invoke-model" {
            full.push(out);
        }
        full.extend(["--endpoint-url".to_owned(), url]);
        let run =
            blocking(move || bedrock(&full.iter().map(String::as_str).collect::<Vec<_>>(), &home));
        assert_eq!(run.code(), *code, "{args:?}: {}", run.stderr());
        assert!(run.stderr().contains(message), "{args:?}: {}", run.stderr());
    }
    // Nothing invalid reached the server.
    assert_eq!(server.requests().len(), 1);

    // Outfiles go to the temporary directory, never the working one.
    let outfile = dir.path().join("o").to_str().unwrap().to_owned();
    let home = dir.path().to_owned();
    let out = outfile.clone();
    let unreachable = blocking(move || {
        bedrock(
            &[
                "invoke-model",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--model-id",
                "mock.echo",
                "--body",
                "{}",
                &out,
            ],
            &home,
        )
    });
    assert_eq!(unreachable.code(), 255, "{}", unreachable.stderr());
    let home = dir.path().to_owned();
    let no_region = blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_bedrock"))
            .args([
                "invoke-model",
                "--model-id",
                "mock.echo",
                "--body",
                "{}",
                &outfile,
            ])
            .env_clear()
            .env("HOME", &home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap()
    });
    assert_eq!(no_region.status.code(), Some(253));
    let said = String::from_utf8_lossy(&no_region.stderr);
    // In the command line's words, not the library's.
    assert!(said.contains("pass --region"), "{said}");
    assert!(said.contains("AWS_REGION"), "{said}");
    assert!(!said.contains("load().await"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn response_streams_go_to_outfile_as_they_arrive() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stream.out");
    let (url, home, out_arg) = (server.url(), dir.path().to_owned(), out.clone());
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model-with-response-stream",
                "--endpoint-url",
                &url,
                "--model-id",
                "mock.stream.3.8",
                "--body",
                "{}",
                out_arg.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "abcdefghbcdefghicdefghij"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&run.stdout()).unwrap()["contentType"],
        "application/json"
    );

    let (url, home, out_arg) = (server.url(), dir.path().to_owned(), out.clone());
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model-with-response-stream",
                "--endpoint-url",
                &url,
                "--model-id",
                "mock.stream-exception.2",
                "--body",
                "{}",
                out_arg.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 254, "{}", run.stderr());
    assert!(
        run.stderr().contains("ModelStreamErrorException"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read(&out).unwrap().len(),
        32,
        "the chunks before the exception were written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn converse_and_converse_stream_print_json() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let messages = r#"[{"role":"user","content":[{"text":"hello cli"}]}]"#;
    let (url, home) = (server.url(), dir.path().to_owned());
    let run = blocking(move || {
        bedrock(
            &[
                "converse",
                "--endpoint-url",
                &url,
                "--model-id",
                "anthropic.claude-v2",
                "--messages",
                messages,
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let printed: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(
        printed["output"]["message"]["content"][0]["text"],
        "Echo: hello cli"
    );
    assert_eq!(printed["stopReason"], "end_turn");

    let (url, home) = (server.url(), dir.path().to_owned());
    let run = blocking(move || {
        bedrock(
            &[
                "converse-stream",
                "--endpoint-url",
                &url,
                "--model-id",
                "anthropic.claude-v2",
                "--messages",
                messages,
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let events: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        events[0],
        serde_json::json!({"messageStart": {"role": "assistant"}})
    );
    assert_eq!(
        events.last().unwrap()["metadata"]["metrics"]["latencyMs"],
        42
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_async_invokes_follows_every_page_unless_told_not_to() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let (url, home) = (server.url(), dir.path().to_owned());
        let input = format!(r#"{{"i": {i}}}"#);
        let run = blocking(move || {
            bedrock(
                &[
                    "start-async-invoke",
                    "--endpoint-url",
                    &url,
                    "--model-id",
                    "amazon.nova-reel-v1:0",
                    "--model-input",
                    &input,
                    "--output-data-config",
                    r#"{"s3OutputDataConfig":{"s3Uri":"s3://bucket/k"}}"#,
                ],
                &home,
            )
        });
        assert_eq!(run.code(), 0, "{}", run.stderr());
    }
    let (url, home) = (server.url(), dir.path().to_owned());
    let run = blocking(move || {
        bedrock(
            &[
                "list-async-invokes",
                "--endpoint-url",
                &url,
                "--max-results",
                "1",
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let printed: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(
        printed["asyncInvokeSummaries"].as_array().unwrap().len(),
        3,
        "all pages"
    );
    assert!(printed.get("nextToken").is_none());

    let (url, home) = (server.url(), dir.path().to_owned());
    let run = blocking(move || {
        bedrock(
            &[
                "list-async-invokes",
                "--endpoint-url",
                &url,
                "--max-results",
                "1",
                "--no-paginate",
            ],
            &home,
        )
    });
    let printed: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(printed["asyncInvokeSummaries"].as_array().unwrap().len(), 1);
}

#[test]
fn decode_event_stream_prints_each_message_and_refuses_bad_frames() {
    let dir = tempfile::tempdir().unwrap();
    // botocore's "all header types" vector, twice.
    let message: &[u8] = b"\x00\x00\x00\x62\x00\x00\x00\x52\x03\xb5\xcb\x9c\
        \x010\x00\x011\x01\x012\x02\x02\x013\x03\x00\x03\
        \x014\x04\x00\x00\x00\x04\x015\x05\x00\x00\x00\x00\x00\x00\x00\x05\
        \x016\x06\x00\x05bytes\x017\x07\x00\x04utf8\
        \x018\x08\x00\x00\x00\x00\x00\x00\x00\x08\x019\x090123456789abcdef\
        \x63\x35\x36\x71";
    let path = dir.path().join("capture.bin");
    std::fs::write(&path, [message, message].concat()).unwrap();
    let run = bedrock(&["decode-event-stream", path.to_str().unwrap()], dir.path());
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let lines: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["headers"],
        serde_json::json!([
            {"name": "0", "type": "bool", "value": true},
            {"name": "1", "type": "bool", "value": false},
            {"name": "2", "type": "byte", "value": 2},
            {"name": "3", "type": "short", "value": 3},
            {"name": "4", "type": "int", "value": 4},
            {"name": "5", "type": "long", "value": 5},
            {"name": "6", "type": "bytes", "value": "Ynl0ZXM="},
            {"name": "7", "type": "string", "value": "utf8"},
            {"name": "8", "type": "timestamp", "value": 8},
            {"name": "9", "type": "uuid", "value": "30313233-3435-3637-3839-616263646566"}
        ])
    );
    assert_eq!(lines[0]["payload"], "");

    // A corrupt second message: the first is printed, then exit code 1.
    let mut corrupt = [message, message].concat();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    std::fs::write(&path, &corrupt).unwrap();
    let run = bedrock(&["decode-event-stream", path.to_str().unwrap()], dir.path());
    assert_eq!(run.code(), 1, "never 101: {}", run.stderr());
    assert_eq!(run.stdout().lines().count(), 1);
    assert!(run.stderr().contains("message CRC"), "{}", run.stderr());

    // Standard input, cut short.
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock"))
        .args(["decode-event-stream", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&message[..50])
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ended inside a message"));
}

/// Runs `bedrock-data-automation-runtime` as [`bedrock`] runs `bedrock`.
fn data_automation(args: &[&str], home: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_bedrock-data-automation-runtime"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .output()
        .expect("bedrock-data-automation-runtime runs");
    Run { output }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_data_automation_binary_starts_a_job_and_reads_its_status() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, home) = (server.url(), dir.path().to_owned());
    let started = blocking({
        let (url, home) = (url.clone(), home.clone());
        move || {
            data_automation(
                &[
                    "invoke-data-automation-async",
                    "--endpoint-url",
                    &url,
                    "--input-configuration",
                    r#"{"s3Uri":"s3://input-bucket/doc.pdf"}"#,
                    "--output-configuration",
                    r#"{"s3Uri":"s3://output-bucket/"}"#,
                    "--data-automation-profile-arn",
                    "arn:aws:bedrock:us-east-1:123456789012:data-automation-profile/us.data-automation-v1",
                ],
                &home,
            )
        }
    });
    assert_eq!(started.code(), 0, "{}", started.stderr());
    let printed: serde_json::Value = serde_json::from_str(&started.stdout()).unwrap();
    let arn = printed["invocationArn"]
        .as_str()
        .expect("an ARN")
        .to_owned();
    assert_eq!(
        server.requests()[0].header("x-amz-target"),
        Some("AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync")
    );
    assert_eq!(server.requests()[0].signature, Ok(()));

    let status = blocking(move || {
        data_automation(
            &[
                "get-data-automation-status",
                "--endpoint-url",
                &url,
                "--invocation-arn",
                &arn,
            ],
            &home,
        )
    });
    assert_eq!(status.code(), 0, "{}", status.stderr());
    let printed: serde_json::Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(printed["status"], "InProgress");

    // A modeled error: its code on stderr and a failing exit status.
    let dir = tempfile::tempdir().unwrap();
    let (url, home) = (server.url(), dir.path().to_owned());
    let missing = blocking(move || {
        data_automation(
            &[
                "get-data-automation-status",
                "--endpoint-url",
                &url,
                "--invocation-arn",
                "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/nope",
            ],
            &home,
        )
    });
    assert_ne!(missing.code(), 0);
    assert!(
        missing.stderr().contains("ResourceNotFoundException"),
        "{}",
        missing.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bidirectional_streams_send_lines_and_write_one_event_per_line() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let nova = [
        r#"{"event":{"sessionStart":{"inferenceConfiguration":{"maxTokens":1024}}}}"#,
        r#"{"event":{"promptStart":{"promptName":"p1"}}}"#,
        r#"{"event":{"contentStart":{"promptName":"p1","contentName":"c1","type":"TEXT","role":"USER"}}}"#,
        r#"{"event":{"textInput":{"promptName":"p1","contentName":"c1","content":"hello"}}}"#,
        r#"{"event":{"promptEnd":{"promptName":"p1"}}}"#,
        r#"{"event":{"sessionEnd":{}}}"#,
    ];
    std::fs::write(&events, nova.join("\n") + "\n").unwrap();
    let outfile = dir.path().join("out.jsonl");
    let (url, home, input, out) = (
        server.url(),
        dir.path().to_owned(),
        events.clone(),
        outfile.clone(),
    );
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model-with-bidirectional-stream",
                "--endpoint-url",
                &url,
                "--model-id",
                "amazon.nova-sonic-v1:0",
                "--input-events",
                input.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let written = std::fs::read_to_string(&outfile).unwrap();
    let names: Vec<String> = written
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["event"]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(
        names,
        [
            "completionStart",
            "contentStart",
            "textOutput",
            "contentEnd",
            "completionEnd"
        ]
    );
    assert!(written.contains("You said: hello"), "{written}");
    assert_eq!(server.requests()[0].version, "HTTP/2.0");

    // Standard input works too, and a refused start is a service error.
    let (url, home, out) = (server.url(), dir.path().to_owned(), outfile.clone());
    let run = blocking(move || {
        bedrock(
            &[
                "invoke-model-with-bidirectional-stream",
                "--endpoint-url",
                &url,
                "--model-id",
                "mock.error.AccessDeniedException",
                out.to_str().unwrap(),
            ],
            &home,
        )
    });
    assert_eq!(run.code(), 254, "{}", run.stderr());
    assert!(
        run.stderr().contains("AccessDeniedException"),
        "{}",
        run.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn https_proxy_and_ca_bundle_work_as_in_the_aws_cli() {
    let identity = TlsIdentity::generate().unwrap();
    let server = MockServer::start(MockConfig {
        tls: Some(identity.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let proxy = TestProxy::start(ProxyBehaviour::Forward).await.unwrap();
    let refusing = TestProxy::start(ProxyBehaviour::Refuse(407)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, identity.ca_pem()).unwrap();
    let ca = ca_file.display().to_string();
    let url = server.url();
    let out = dir.path().join("out.json").display().to_string();
    let home = dir.path().to_owned();
    let proxy_url = proxy.url_with_credentials("dave", "pa55");
    let refusing_url = refusing.url();
    let runs = blocking(move || {
        let call = |extra: &[&str], variables: &[(&str, &str)]| {
            let mut args = vec![
                "invoke-model",
                "--endpoint-url",
                &url,
                "--model-id",
                "mock.echo",
                "--body",
                "{}",
            ];
            args.extend_from_slice(extra);
            args.push(&out);
            bedrock_with(&args, &home, variables)
        };
        [
            call(&["--ca-bundle", &ca], &[("HTTPS_PROXY", &proxy_url)]),
            call(&[], &[("AWS_CA_BUNDLE", &ca), ("https_proxy", &proxy_url)]),
            call(&[], &[]),
            call(&["--ca-bundle", &ca], &[("HTTPS_PROXY", &refusing_url)]),
            call(
                &["--ca-bundle", &ca],
                &[("HTTPS_PROXY", &refusing_url), ("NO_PROXY", "localhost")],
            ),
        ]
    });
    let [with_flag, with_variable, untrusted, refused, bypassed] = runs;
    assert_eq!(with_flag.code(), 0, "{}", with_flag.stderr());
    assert_eq!(with_variable.code(), 0, "{}", with_variable.stderr());
    let seen = proxy.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let port = server.addr().port();
    assert!(
        seen.iter()
            .all(|r| r.line == format!("CONNECT localhost:{port} HTTP/1.1")
                && r.authorization
                    .as_deref()
                    .is_some_and(|a| a.starts_with("Basic "))),
        "{seen:?}"
    );

    assert_eq!(untrusted.code(), 255, "{}", untrusted.stderr());
    assert!(
        untrusted.stderr().contains("certificate")
            && untrusted.stderr().contains("localhost")
            && untrusted.stderr().contains("pass --ca-bundle FILE"),
        "{}",
        untrusted.stderr()
    );
    assert_eq!(refused.code(), 255, "{}", refused.stderr());
    assert!(
        refused.stderr().contains("proxy") && refused.stderr().contains("407"),
        "{}",
        refused.stderr()
    );
    assert_eq!(bypassed.code(), 0, "{}", bypassed.stderr());
    assert_eq!(refusing.requests().len(), 1, "NO_PROXY bypassed it");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_missing_ca_bundle_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem").display().to_string();
    let run = bedrock(
        &[
            "invoke-model",
            "--ca-bundle",
            &missing,
            "--model-id",
            "m",
            "--body",
            "{}",
            &dir.path().join("o").display().to_string(),
        ],
        dir.path(),
    );
    assert_eq!(run.code(), 253, "{}", run.stderr());
    assert!(run.stderr().contains("missing.pem"), "{}", run.stderr());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_way_stream_goes_through_the_proxy_over_http2() {
    let identity = TlsIdentity::generate().unwrap();
    let server = MockServer::start(MockConfig {
        tls: Some(identity.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let proxy = TestProxy::start(ProxyBehaviour::Forward).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, identity.ca_pem()).unwrap();
    let events = dir.path().join("events.jsonl");
    std::fs::write(
        &events,
        [
            r#"{"event":{"promptStart":{"promptName":"p"}}}"#,
            r#"{"event":{"textInput":{"promptName":"p","contentName":"c","content":"tunnelled"}}}"#,
            r#"{"event":{"promptEnd":{"promptName":"p"}}}"#,
            r#"{"event":{"sessionEnd":{}}}"#,
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    let outfile = dir.path().join("out.jsonl");
    let (url, home, proxy_url) = (server.url(), dir.path().to_owned(), proxy.url());
    let (ca, input, out) = (
        ca_file.display().to_string(),
        events.display().to_string(),
        outfile.display().to_string(),
    );
    let run = blocking(move || {
        bedrock_with(
            &[
                "invoke-model-with-bidirectional-stream",
                "--endpoint-url",
                &url,
                "--ca-bundle",
                &ca,
                "--model-id",
                "amazon.nova-sonic-v1:0",
                "--input-events",
                &input,
                &out,
            ],
            &home,
            &[("HTTPS_PROXY", &proxy_url)],
        )
    });
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let written = std::fs::read_to_string(&outfile).unwrap();
    assert!(written.contains("You said: tunnelled"), "{written}");
    assert_eq!(server.requests()[0].version, "HTTP/2.0");
    assert_eq!(
        proxy.requests()[0].line,
        format!("CONNECT localhost:{} HTTP/1.1", server.addr().port())
    );
}
