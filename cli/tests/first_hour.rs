//! What a newcomer meets first, as the AWS CLI has it: `--version`,
//! `--help` that puts the operation first and shows JSON syntax, skeletons
//! and `--cli-input-json`, JSON values checked with their paths, `--query`
//! and `--output`, the region from instance metadata, and errors phrased
//! for the command line.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockConfig, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

/// Runs `bedrock` in an empty environment plus `variables`, feeding `stdin`.
fn bedrock(args: &[&str], home: &Path, variables: &[(&str, &str)], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .envs(variables.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bedrock runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    Run(child.wait_with_output().unwrap())
}

const KEYS: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY),
    ("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY),
    ("AWS_REGION", "us-east-1"),
];

/// Runs `bedrock` with the mock's keys and a region, off the thread the
/// mock runs on.
async fn call(args: Vec<String>, home: &Path) -> Run {
    call_with(args, home, "").await
}

async fn call_with(args: Vec<String>, home: &Path, stdin: &'static str) -> Run {
    let home = home.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        bedrock(&args, &home, &KEYS, stdin)
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

async fn mock() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("mock starts")
}

#[test]
fn version_names_the_service_crate_and_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let run = bedrock(&["--version"], dir.path(), &[], "");
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        run.stdout()
            .starts_with(&format!("bedrock {version} (bedrock-runtime/")),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains(" sdk-runtime/"), "{}", run.stdout());
}

#[test]
fn help_lists_the_operation_first_marks_required_options_and_shows_json_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let run = bedrock(&["converse", "--help"], dir.path(), &[], "");
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let help = run.stdout();
    let own = help.find("--model-id").expect("own option listed");
    let global = help.find("Global options:").expect("global heading");
    assert!(own < global, "{help}");
    assert!(
        help.find("--region").unwrap() > global,
        "--region is among the global options: {help}"
    );
    let model_id = &help[own..help[own..].find("--messages").unwrap() + own];
    assert!(model_id.contains("[required]"), "{model_id}");
    let messages = &help[help.find("--messages").unwrap()..];
    assert!(messages.contains("JSON syntax:"), "{messages}");
    assert!(
        messages.contains("\"role\": \"user\"|\"assistant\"|\"system\",  (required)"),
        "{messages}"
    );
    assert!(messages.contains("\"text\": \"string\""), "{messages}");

    // -h stays short.
    let short = bedrock(&["converse", "-h"], dir.path(), &[], "").stdout();
    assert!(!short.contains("JSON syntax:"), "{short}");
}

#[test]
fn a_skeleton_needs_no_configuration_and_lists_every_member() {
    let dir = tempfile::tempdir().unwrap();
    let run = bedrock(
        &["converse", "--generate-cli-skeleton"],
        dir.path(),
        &[("AWS_EC2_METADATA_DISABLED", "true")],
        "",
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let skeleton: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(skeleton["modelId"], "");
    assert_eq!(skeleton["messages"][0]["role"], "user");
    assert_eq!(
        skeleton["messages"][0]["content"][0],
        serde_json::json!({"text": ""})
    );
    assert_eq!(skeleton["inferenceConfig"]["maxTokens"], 0);
    let invoke = bedrock(
        &["invoke-model", "--generate-cli-skeleton"],
        dir.path(),
        &[],
        "",
    );
    assert_eq!(
        invoke.code(),
        0,
        "OUTFILE is not needed: {}",
        invoke.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_input_json_gives_the_input_and_options_on_the_line_win() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(
        &input,
        r#"{"modelId": "from.file", "messages": [{"role": "user", "content": [{"text": "from the file"}]}]}"#,
    )
    .unwrap();
    let from_file = format!("file://{}", input.display());
    let run = call(
        strings(&[
            "converse",
            "--endpoint-url",
            &server.url(),
            "--cli-input-json",
            &from_file,
            "--model-id",
            "from.line",
        ]),
        dir.path(),
    )
    .await;
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let printed: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(
        printed["output"]["message"]["content"][0]["text"],
        "Echo: from the file"
    );
    assert_eq!(server.requests()[0].path, "/model/from.line/converse");

    let run = call_with(
        strings(&[
            "converse",
            "--endpoint-url",
            &server.url(),
            "--cli-input-json",
            "-",
        ]),
        dir.path(),
        r#"{"modelId": "from.stdin", "messages": [{"role": "user", "content": [{"text": "piped"}]}]}"#,
    )
    .await;
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(server.requests()[1].path, "/model/from.stdin/converse");

    let run = call(
        strings(&[
            "converse",
            "--endpoint-url",
            &server.url(),
            "--cli-input-json",
            r#"{"modelID": "x", "messages": [{"role": "user", "content": [{"text": 1}]}]}"#,
        ]),
        dir.path(),
    )
    .await;
    assert_eq!(run.code(), 252, "{}", run.stderr());
    let said = run.stderr();
    assert!(
        said.contains(
            "--cli-input-json: unknown member \"modelID\"; expected one of: modelId, messages,"
        ),
        "{said}"
    );
    assert!(
        said.contains("--cli-input-json.messages[0].content[0].text: expected a string, got 1"),
        "{said}"
    );
    assert_eq!(server.requests().len(), 2, "nothing invalid was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_values_are_checked_against_the_model_with_their_paths() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let converse = |messages: &str| {
        strings(&[
            "converse",
            "--endpoint-url",
            &server.url(),
            "--model-id",
            "m.x",
            "--messages",
            messages,
        ])
    };
    let misspelled = call(
        converse(r#"[{"role":"user","content":[{"txt":"hi"}]}]"#),
        dir.path(),
    )
    .await;
    assert_eq!(misspelled.code(), 252, "{}", misspelled.stderr());
    assert!(
        misspelled.stderr().contains(
            "--messages[0].content[0]: unknown member \"txt\"; expected one of: text, image, document,"
        ),
        "{}",
        misspelled.stderr()
    );
    let wrong_type = call(converse(r#"[{"role":"user","content":"hi"}]"#), dir.path()).await;
    assert_eq!(wrong_type.code(), 252, "{}", wrong_type.stderr());
    assert!(
        wrong_type.stderr().contains(
            "--messages[0].content: expected an array (ContentBlocks), got the string \"hi\""
        ),
        "{}",
        wrong_type.stderr()
    );
    // Every problem at once.
    let both = call(
        converse(r#"[{"role":"user","content":[{"txt":"hi"}]},{"content":[]}]"#),
        dir.path(),
    )
    .await;
    assert!(
        both.stderr().contains("--messages[0].content[0]"),
        "{}",
        both.stderr()
    );
    assert!(
        both.stderr()
            .contains("--messages[1]: missing required member \"role\""),
        "{}",
        both.stderr()
    );
    assert!(server.requests().is_empty(), "nothing invalid was sent");

    // An enum value the model does not list is sent, with a warning.
    let newer = call(
        converse(r#"[{"role":"usr","content":[{"text":"hi"}]}]"#),
        dir.path(),
    )
    .await;
    assert!(
        newer.stderr().contains(
            "warning: --messages[0].role: \"usr\" is not one of the values the model lists (user, assistant, system)"
        ),
        "{}",
        newer.stderr()
    );
    assert_eq!(server.requests().len(), 1, "{}", newer.stderr());
}

#[tokio::test(flavor = "multi_thread")]
async fn query_and_output_pick_and_shape_what_is_printed() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let converse = |extra: &[&str]| {
        let mut args = strings(&[
            "converse",
            "--endpoint-url",
            &server.url(),
            "--model-id",
            "m.x",
            "--messages",
            r#"[{"role":"user","content":[{"text":"hi"}]}]"#,
        ]);
        args.extend(strings(extra));
        args
    };
    let text = call(
        converse(&[
            "--query",
            "output.message.content[0].text",
            "--output",
            "text",
        ]),
        dir.path(),
    )
    .await;
    assert_eq!(text.code(), 0, "{}", text.stderr());
    assert_eq!(text.stdout(), "Echo: hi\n");
    let json = call(converse(&["--query", "usage"]), dir.path()).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json.stdout()).unwrap(),
        serde_json::json!({"inputTokens": 1, "outputTokens": 2, "totalTokens": 3})
    );
    let table = call(
        converse(&["--query", "usage", "--output", "table"]),
        dir.path(),
    )
    .await;
    assert!(
        table.stdout().contains("| inputTokens  | 1 |"),
        "{}",
        table.stdout()
    );
    let bad = call(
        converse(&["--query", "usage[", "--output", "json"]),
        dir.path(),
    )
    .await;
    assert_eq!(bad.code(), 252, "{}", bad.stderr());
    assert!(bad.stderr().contains("--query"), "{}", bad.stderr());
    let format = call(converse(&["--output", "yaml"]), dir.path()).await;
    assert_eq!(format.code(), 252, "{}", format.stderr());
    assert_eq!(
        server.requests().len(),
        3,
        "bad output options send nothing"
    );
}

/// A fake instance metadata service (IMDSv2) for an instance in `region`.
async fn fake_imds(region: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let line = head.lines().next().unwrap_or_default().to_owned();
                log.lock().unwrap().push(line.clone());
                let (status, body) = if line.starts_with("PUT /latest/api/token") {
                    ("200 OK", "token")
                } else if line.starts_with("GET /latest/meta-data/placement/region") {
                    ("200 OK", region)
                } else {
                    ("404 Not Found", "")
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn on_ec2_with_no_region_configured_the_instance_region_is_used() {
    let server = mock().await;
    let (imds, seen) = fake_imds("ap-southeast-2").await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_owned();
    let url = server.url();
    let run = tokio::task::spawn_blocking(move || {
        bedrock(
            &[
                "converse",
                "--endpoint-url",
                &url,
                "--model-id",
                "m.x",
                "--messages",
                r#"[{"role":"user","content":[{"text":"hi"}]}]"#,
            ],
            &home,
            &[
                ("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY),
                ("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds),
            ],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|line| line.starts_with("GET /latest/meta-data/placement/region")),
        "{:?}",
        seen.lock().unwrap()
    );
    let request = &server.requests()[0];
    let authorization = request
        .headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    assert!(
        authorization.contains("/ap-southeast-2/bedrock/aws4_request"),
        "{authorization}"
    );
}

#[test]
fn the_credentials_error_lists_each_source_once_and_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = bedrock(
        &[
            "converse",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--model-id",
            "m.x",
        ],
        dir.path(),
        &[
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
        "",
    );
    assert_eq!(run.code(), 253, "{}", run.stderr());
    let said = run.stderr();
    assert!(
        said.starts_with("Unable to locate credentials. Tried, in order:\n  environment: "),
        "{said}"
    );
    for source in [
        "environment:",
        "profile:",
        "web identity:",
        "container:",
        "IMDS:",
    ] {
        assert_eq!(said.matches(source).count(), 1, "{source} once: {said}");
    }
    assert!(!said.contains("not enabled"), "{said}");
    assert!(said.contains("To fix it: set AWS_ACCESS_KEY_ID"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pattern_only_the_service_can_judge_is_warned_about_and_sent() {
    let server = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json").display().to_string();
    let run = call(
        strings(&[
            "invoke-model",
            "--endpoint-url",
            &server.url(),
            "--model-id",
            "!!!",
            "--body",
            "{}",
            &out,
        ]),
        dir.path(),
    )
    .await;
    assert!(
        run.stderr()
            .contains("warning: InvokeModelInput.modelId: value does not match the pattern"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("(sent; the service decides)"),
        "{}",
        run.stderr()
    );
    assert_eq!(server.requests().len(), 1, "sent: {}", run.stderr());
    let strict = call(
        strings(&[
            "invoke-model",
            "--validation",
            "strict",
            "--endpoint-url",
            &server.url(),
            "--model-id",
            "!!!",
            "--body",
            "{}",
            &out,
        ]),
        dir.path(),
    )
    .await;
    assert_eq!(strict.code(), 252, "{}", strict.stderr());
    assert_eq!(server.requests().len(), 1, "strict sent nothing");
}
