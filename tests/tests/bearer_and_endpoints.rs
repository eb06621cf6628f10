//! Bedrock API keys (bearer tokens) on the wire, and endpoints from the
//! service's rule set.

use bedrock_runtime::{Client, Config};
use integration_tests::{credentials, mock};

#[tokio::test]
async fn a_bearer_token_replaces_sigv4() {
    let server = mock().await;
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .bearer_token(bedrock_mock::DEFAULT_BEARER_TOKEN)
        .build()
        .expect("no credentials are needed with a token");
    assert!(config.uses_bearer_token());
    Client::from_conf(config)
        .invoke_model()
        .model_id("mock.echo")
        .body("{}")
        .send()
        .await
        .expect("accepted");
    let request = &server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", bedrock_mock::DEFAULT_BEARER_TOKEN).as_str())
    );
    for sigv4 in ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"] {
        assert_eq!(
            request.header(sigv4),
            None,
            "no {sigv4} with a bearer token"
        );
    }
    assert_eq!(request.signature, Ok(()));
}

#[tokio::test]
async fn a_bearer_token_wins_over_credentials_and_a_wrong_one_is_refused() {
    let server = mock().await;
    let both = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(credentials())
        .bearer_token("not-a-known-key")
        .build()
        .unwrap();
    let err = Client::from_conf(both)
        .invoke_model()
        .model_id("mock.echo")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    assert!(
        server.requests()[0]
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ")
    );
}

#[test]
fn a_bearer_token_is_never_sent_over_plain_http_to_another_host() {
    let err = Config::builder()
        .region("us-east-1")
        .endpoint_url("http://bedrock.example.com")
        .bearer_token("secret-api-key")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("only sent over HTTPS or to a loopback address"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret-api-key"));
    for fine in [
        "https://bedrock.example.com",
        "http://127.0.0.1:4010",
        "http://localhost:4010",
        "http://[::1]:4010",
    ] {
        assert!(
            Config::builder()
                .region("us-east-1")
                .endpoint_url(fine)
                .bearer_token("k")
                .build()
                .is_ok(),
            "{fine}"
        );
    }
    let config = Config::builder()
        .region("us-east-1")
        .bearer_token("secret-api-key")
        .build()
        .unwrap();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("secret-api-key") && debug.contains("Redacted"),
        "{debug}"
    );
}

#[test]
fn endpoints_come_from_the_rule_set() {
    let build = |region: &str, fips: bool, dual_stack: bool| {
        Config::builder()
            .region(region)
            .credentials(credentials())
            .use_fips(fips)
            .use_dual_stack(dual_stack)
            .build()
            .and_then(|c| c.endpoint())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        build("us-east-1", false, false).unwrap(),
        "https://bedrock-runtime.us-east-1.amazonaws.com"
    );
    assert_eq!(
        build("us-east-1", true, false).unwrap(),
        "https://bedrock-runtime-fips.us-east-1.amazonaws.com"
    );
    assert_eq!(
        build("us-east-1", true, true).unwrap(),
        "https://bedrock-runtime-fips.us-east-1.api.aws"
    );
    assert_eq!(
        build("cn-north-1", false, true).unwrap(),
        "https://bedrock-runtime.cn-north-1.api.amazonwebservices.com.cn"
    );
    assert_eq!(
        build("us-gov-west-1", true, false).unwrap(),
        "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com"
    );
    let err = Config::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url("https://example.com")
        .use_fips(true)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("FIPS and custom endpoint are not supported"),
        "{err}"
    );
}
