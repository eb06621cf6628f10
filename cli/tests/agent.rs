//! `bedrock-agent` against moto: tagging a real agent works with the
//! default validation (the model's `TaggableResourcesArn` pattern is a
//! typo that matches no real ARN, so it is not enforced), and `--validation
//! strict` does not block it either.

use std::process::Command;

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use integration_tests::{boto3_agent_arn, moto};

fn agent_cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bedrock-agent"))
        .args(args)
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .output()
        .expect("bedrock-agent runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn tagging_an_agent_works_from_the_command_line() {
    let Some(moto) = moto().await else { return };
    let arn = boto3_agent_arn(&moto);
    let url = moto.url.clone();
    let runs = tokio::task::spawn_blocking(move || {
        let tag = agent_cli(&[
            "tag-resource",
            "--endpoint-url",
            &url,
            "--resource-arn",
            &arn,
            "--tags",
            r#"{"team":"search"}"#,
        ]);
        let strict = agent_cli(&[
            "tag-resource",
            "--validation",
            "strict",
            "--endpoint-url",
            &url,
            "--resource-arn",
            &arn,
            "--tags",
            r#"{"stage":"prod"}"#,
        ]);
        let list = agent_cli(&[
            "list-tags-for-resource",
            "--endpoint-url",
            &url,
            "--resource-arn",
            &arn,
            "--query",
            "tags",
        ]);
        [tag, strict, list]
    })
    .await
    .unwrap();
    for run in &runs {
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let tags: serde_json::Value = serde_json::from_slice(&runs[2].stdout).unwrap();
    assert_eq!(tags, serde_json::json!({"team": "search", "stage": "prod"}));
}
