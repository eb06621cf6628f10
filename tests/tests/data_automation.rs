//! Bedrock Data Automation Runtime (awsJson 1.1) against bedrock-mock: the
//! bytes on the wire, each operation, a modeled error, validation before
//! sending, and the signature the mock verifies.

use bedrock_data_automation_runtime::credentials::Credentials;
use bedrock_data_automation_runtime::error::SdkError;
use bedrock_data_automation_runtime::operation::get_data_automation_status::GetDataAutomationStatusError;
use bedrock_data_automation_runtime::operation::invoke_data_automation::InvokeDataAutomationError;
use bedrock_data_automation_runtime::types::{
    AutomationJobStatus, InputConfiguration, OutputConfiguration, SemanticModality,
    SyncInputConfiguration, Tag,
};
use bedrock_data_automation_runtime::{Client, Config};
use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockServer};
use integration_tests::mock;
use serde_json::{Value, json};

const PROFILE: &str =
    "arn:aws:bedrock:us-east-1:123456789012:data-automation-profile/us.data-automation-v1";

fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            None,
            None,
            "test",
        ))
        .endpoint_url(server.url())
        .build()
        .expect("the configuration is valid");
    Client::from_conf(config)
}

fn input(uri: &str) -> InputConfiguration {
    InputConfiguration::builder()
        .s3_uri(uri)
        .build()
        .expect("valid input configuration")
}

fn output(uri: &str) -> OutputConfiguration {
    OutputConfiguration::builder()
        .s3_uri(uri)
        .build()
        .expect("valid output configuration")
}

#[tokio::test]
async fn an_async_invocation_on_the_wire_and_its_status() {
    let server = mock().await;
    let client = client(&server);
    let started = client
        .invoke_data_automation_async()
        .input_configuration(input("s3://input-bucket/doc.pdf"))
        .output_configuration(output("s3://output-bucket/results/"))
        .data_automation_profile_arn(PROFILE)
        .client_token("token-1")
        .send()
        .await
        .expect("the job starts");
    assert!(
        started
            .invocation_arn
            .ends_with(":data-automation-invocation/mock-00000001"),
        "{}",
        started.invocation_arn
    );

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/");
    assert_eq!(request.query, "");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(
        request.header("x-amz-target"),
        Some("AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync")
    );
    assert_eq!(request.signature, Ok(()), "the mock verified the signature");
    assert!(
        request
            .header("authorization")
            .is_some_and(|auth| auth.contains("/us-east-1/bedrock/aws4_request")),
        "signed for the `bedrock` signing name"
    );
    let body: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({
            "clientToken": "token-1",
            "inputConfiguration": {"s3Uri": "s3://input-bucket/doc.pdf"},
            "outputConfiguration": {"s3Uri": "s3://output-bucket/results/"},
            "dataAutomationProfileArn": PROFILE,
        })
    );

    // The same client token starts nothing new.
    let again = client
        .invoke_data_automation_async()
        .input_configuration(input("s3://input-bucket/doc.pdf"))
        .output_configuration(output("s3://output-bucket/results/"))
        .data_automation_profile_arn(PROFILE)
        .client_token("token-1")
        .send()
        .await
        .expect("the retry is accepted");
    assert_eq!(again.invocation_arn, started.invocation_arn);

    let first = client
        .get_data_automation_status()
        .invocation_arn(&started.invocation_arn)
        .send()
        .await
        .expect("the status is read");
    assert_eq!(first.status, Some(AutomationJobStatus::InProgress));
    assert!(first.job_submission_time.is_some());
    assert!(first.job_completion_time.is_none());
    let second = client
        .get_data_automation_status()
        .invocation_arn(&started.invocation_arn)
        .send()
        .await
        .expect("the status is read");
    assert_eq!(second.status, Some(AutomationJobStatus::Success));
    assert_eq!(
        second.output_configuration.map(|o| o.s3_uri),
        Some("s3://output-bucket/results/".to_owned())
    );
    assert_eq!(second.job_duration_in_seconds, Some(1));
}

#[tokio::test]
async fn an_idempotency_token_is_filled_in_when_left_out() {
    let server = mock().await;
    client(&server)
        .invoke_data_automation_async()
        .input_configuration(input("s3://input-bucket/a.png"))
        .output_configuration(output("s3://output-bucket/"))
        .data_automation_profile_arn(PROFILE)
        .send()
        .await
        .expect("the job starts");
    let body: Value = serde_json::from_slice(&server.requests()[0].body).expect("JSON");
    let token = body["clientToken"].as_str().expect("a token is sent");
    assert_eq!(token.len(), 36, "a UUID: {token}");
}

#[tokio::test]
async fn a_modeled_error_comes_back_typed() {
    let server = mock().await;
    let client = client(&server);
    let err = client
        .get_data_automation_status()
        .invocation_arn("arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/nope")
        .send()
        .await
        .expect_err("no such invocation");
    let SdkError::Service(service) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(service.code(), Some("ResourceNotFoundException"));
    assert_eq!(service.status(), 400);
    match service.err() {
        GetDataAutomationStatusError::ResourceNotFoundException(e) => {
            assert!(
                e.message.as_deref().is_some_and(|m| m.contains("nope")),
                "{e:?}"
            );
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }

    // The error an input asks the mock for, with its namespace stripped.
    let err = client
        .invoke_data_automation()
        .input_configuration(
            SyncInputConfiguration::builder()
                .bytes(b"%PDF-1.7".to_vec())
                .build()
                .expect("valid"),
        )
        .data_automation_profile_arn(
            "arn:aws:bedrock:us-east-1:123456789012:data-automation-profile/mock.error.ValidationException",
        )
        .send()
        .await
        .expect_err("the mock refuses");
    match &err {
        SdkError::Service(service) => assert!(
            matches!(
                service.err(),
                InvokeDataAutomationError::ValidationException(_)
            ),
            "{err:?}"
        ),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_synchronous_invocation_sends_bytes_as_base64() {
    let server = mock().await;
    let out = client(&server)
        .invoke_data_automation()
        .input_configuration(
            SyncInputConfiguration::builder()
                .bytes(b"%PDF-1.7".to_vec())
                .build()
                .expect("valid"),
        )
        .data_automation_profile_arn(PROFILE)
        .send()
        .await
        .expect("the invocation succeeds");
    assert_eq!(out.semantic_modality, SemanticModality::Document);
    let segments = out.output_segments.expect("segments");
    assert_eq!(segments.len(), 1);
    assert!(
        segments[0]
            .standard_output
            .as_deref()
            .is_some_and(|s| s.contains("inline bytes"))
    );
    let body: Value = serde_json::from_slice(&server.requests()[0].body).expect("JSON");
    assert_eq!(body["inputConfiguration"]["bytes"], "JVBERi0xLjc=");
}

#[tokio::test]
async fn tags_are_added_listed_and_removed() {
    let server = mock().await;
    let client = client(&server);
    let arn = "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/tagged";
    let tag = |key: &str, value: &str| {
        Tag::builder()
            .key(key)
            .value(value)
            .build()
            .expect("valid tag")
    };
    client
        .tag_resource()
        .resource_arn(arn)
        .tags(tag("team", "docs"))
        .tags(tag("stage", "test"))
        .send()
        .await
        .expect("tagged");
    client
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("stage")
        .send()
        .await
        .expect("untagged");
    let listed = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .expect("listed");
    let tags: Vec<(String, String)> = listed
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    assert_eq!(tags, [("team".to_owned(), "docs".to_owned())]);
    let targets: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("x-amz-target").map(str::to_owned))
        .collect();
    assert_eq!(
        targets,
        [
            "AmazonBedrockKeystoneRuntimeService.TagResource",
            "AmazonBedrockKeystoneRuntimeService.UntagResource",
            "AmazonBedrockKeystoneRuntimeService.ListTagsForResource",
        ]
    );
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = mock().await;
    // A pattern is refused in Strict mode only.
    let strict = Client::from_conf(
        client(&server)
            .config()
            .to_builder()
            .validation_mode(bedrock_data_automation_runtime::ValidationMode::Strict)
            .build()
            .unwrap(),
    );
    let err = strict
        .get_data_automation_status()
        .invocation_arn("not-an-arn")
        .send()
        .await
        .expect_err("the ARN does not match the model's pattern");
    assert!(matches!(err, SdkError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("invocationArn"), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
    // What is surely wrong is refused by default too: an empty ARN is
    // below its minimum length.
    let err = client(&server)
        .get_data_automation_status()
        .invocation_arn("")
        .send()
        .await
        .expect_err("an empty ARN is below the minimum length");
    assert!(err.to_string().contains("below the minimum"), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
}
