//! One `SdkConfig` for three services: one credentials fetch, one
//! endpoint setting, each client naming its own crate.

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use bedrock_runtime::SdkConfig;
use bedrock_runtime::primitives::Blob;
use integration_tests::{fake, mock};

/// The container endpoint's answer: the key pair the mock verifies.
fn container_credentials() -> String {
    format!(
        r#"{{"AccessKeyId":"{DEFAULT_ACCESS_KEY}","SecretAccessKey":"{DEFAULT_SECRET_KEY}","Expiration":"2099-01-01T00:00:00Z"}}"#
    )
}

#[tokio::test]
async fn three_clients_from_one_sdk_config_fetch_credentials_once() {
    let server = mock().await;
    let (container, fetches) = fake(Box::new(|_| (200, container_credentials()))).await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let config_file = dir.path().join("config").display().to_string();
    let credentials_uri = format!("{container}/v1/credentials");
    let mock_url = server.url();
    let shared = SdkConfig::env_builder_from([
        ("HOME", home.as_str()),
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", config_file.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", "us-east-1"),
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            credentials_uri.as_str(),
        ),
        // Every service's endpoint, from one variable.
        ("AWS_ENDPOINT_URL", mock_url.as_str()),
        ("AWS_SDK_UA_APP_ID", "three-services"),
    ])
    .build()
    .expect("the configuration is valid");

    let runtime = bedrock_runtime::Client::new(&shared);
    let automation = bedrock_data_automation_runtime::Client::new(&shared);
    let agents = bedrock_agent_runtime::Client::new(&shared);

    runtime
        .invoke_model()
        .model_id("mock.echo")
        .body(Blob::new(&b"{}"[..]))
        .send()
        .await
        .expect("Bedrock Runtime answers");
    let err = automation
        .get_data_automation_status()
        .invocation_arn("arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/none")
        .send()
        .await
        .expect_err("the mock knows no such invocation");
    assert!(
        err.to_string().contains("ResourceNotFound"),
        "a service error, so the request was signed and accepted: {err}"
    );
    // The mock serves no Agents Runtime operation; the call is still
    // signed with the shared credentials before it is sent.
    let _ = agents
        .retrieve()
        .knowledge_base_id("KB12345678")
        .retrieval_query(
            bedrock_agent_runtime::types::KnowledgeBaseQuery::builder()
                .text("hello")
                .build()
                .unwrap(),
        )
        .send()
        .await;

    assert_eq!(
        fetches.lock().unwrap().len(),
        1,
        "one credentials fetch for three clients"
    );
    let requests = server.requests();
    assert!(requests.len() >= 3, "{} requests", requests.len());
    let agents_seen: Vec<String> = requests
        .iter()
        .filter_map(|r| r.header("user-agent").map(str::to_owned))
        .collect();
    for crate_name in [
        "bedrock-runtime/",
        "bedrock-data-automation-runtime/",
        "bedrock-agent-runtime/",
    ] {
        assert!(
            agents_seen
                .iter()
                .any(|ua| ua.starts_with(crate_name) && ua.ends_with(" app/three-services")),
            "no request from {crate_name}: {agents_seen:?}"
        );
    }
}
