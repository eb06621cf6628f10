//! Agents for Bedrock can tag real resources: the model's
//! `TaggableResourcesArn` pattern has `/d{12}` where `\d{12}` was meant, so
//! it matches no real ARN. The generator flags it as a typo and does not
//! enforce it, in the default mode or in `Strict`.

use bedrock_agent::{Client, Config, ValidationMode};
use integration_tests::{credentials, fake};

const AGENT: &str = "arn:aws:bedrock:us-east-1:123456789012:agent/ABCDE12345";

async fn client(
    mode: ValidationMode,
) -> (
    Client,
    std::sync::Arc<std::sync::Mutex<Vec<integration_tests::Seen>>>,
) {
    let (url, seen) = fake(Box::new(|_| {
        (200, r#"{"tags":{"team":"docs"}}"#.to_owned())
    }))
    .await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(url)
        .validation_mode(mode)
        .build()
        .unwrap();
    (Client::from_conf(config), seen)
}

#[tokio::test]
async fn tags_go_through_for_a_real_agent_arn_in_every_mode() {
    for mode in [ValidationMode::Standard, ValidationMode::Strict] {
        let (client, seen) = client(mode).await;
        client
            .tag_resource()
            .resource_arn(AGENT)
            .tags("team", "docs")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        let listed = client
            .list_tags_for_resource()
            .resource_arn(AGENT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(
            listed
                .tags
                .unwrap_or_default()
                .get("team")
                .map(String::as_str),
            Some("docs")
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{mode:?}");
        assert_eq!(
            seen[0].path,
            "/tags/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aagent%2FABCDE12345"
        );
    }
}

#[tokio::test]
async fn strict_still_refuses_what_the_model_gets_right() {
    // The ARN's length bounds are not typos: an empty ARN is refused by
    // default, and nothing is sent.
    let (client, seen) = client(ValidationMode::Standard).await;
    let err = client
        .tag_resource()
        .resource_arn("")
        .tags("team", "docs")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("below the minimum"), "{err}");
    assert!(seen.lock().unwrap().is_empty());
}
