//! `Config::from_env()` against the real process environment and shared
//! files. One test in its own binary: it changes the process environment.

use bedrock_runtime::{Client, Config};
use integration_tests::mock;

const VARS: &[&str] = &[
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "HOME",
];

fn set(vars: &[(&str, &str)]) {
    // SAFETY: this binary has one test and it runs these calls before
    // starting any thread that reads the environment.
    unsafe {
        for name in VARS {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
    }
}

#[test]
fn credentials_and_region_come_from_the_environment_or_the_profile_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty_home = dir.path().join("home");
    std::fs::create_dir(&empty_home).unwrap();
    let home = empty_home.to_str().unwrap();

    // Nothing configured: clear errors, no panic.
    set(&[("HOME", home)]);
    let err = Config::from_env().unwrap_err().to_string();
    assert!(err.contains("no region"), "{err}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(mock());

    // No credentials anywhere: the default chain is asked at the first
    // call, which fails before sending and says what each provider lacked.
    // (IMDS is disabled: this machine's own must not answer.)
    set(&[
        ("HOME", home),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let config = Config::env_builder()
        .endpoint_url(server.url())
        .build()
        .expect("credentials are resolved when first needed");
    let err = runtime
        .block_on(
            Client::from_conf(config)
                .invoke_model()
                .model_id("mock.echo")
                .body("{}")
                .send(),
        )
        .unwrap_err();
    assert!(
        matches!(err, bedrock_runtime::error::SdkError::Credentials(_)),
        "{err:?}"
    );
    let text = err.to_string();
    for provider in [
        "environment:",
        "profile \"default\"",
        "container:",
        "IMDS: disabled",
    ] {
        assert!(text.contains(provider), "{provider} in {text}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");

    // From environment variables.
    set(&[
        ("HOME", home),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", bedrock_mock::DEFAULT_ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", bedrock_mock::DEFAULT_SECRET_KEY),
        ("AWS_SESSION_TOKEN", "env-token"),
    ]);
    let config = Config::env_builder()
        .endpoint_url(server.url())
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("eu-west-1"));
    runtime
        .block_on(
            Client::from_conf(config)
                .invoke_model()
                .model_id("mock.echo")
                .body("{}")
                .send(),
        )
        .expect("environment credentials sign a valid request");
    let request = server.requests().pop().unwrap();
    assert_eq!(request.signature, Ok(()));
    assert_eq!(request.header("x-amz-security-token"), Some("env-token"));
    assert!(
        request
            .header("authorization")
            .unwrap()
            .contains("/eu-west-1/bedrock/")
    );

    // From a temporary profile file, chosen by AWS_PROFILE.
    let config_file = dir.path().join("config");
    let credentials_file = dir.path().join("credentials");
    std::fs::write(
        &config_file,
        "[default]\nregion = us-west-2\n\n[profile mock]\nregion = ap-southeast-2\n",
    )
    .unwrap();
    std::fs::write(
        &credentials_file,
        format!(
            "[mock]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            bedrock_mock::DEFAULT_ACCESS_KEY,
            bedrock_mock::DEFAULT_SECRET_KEY
        ),
    )
    .unwrap();
    set(&[
        ("HOME", home),
        ("AWS_CONFIG_FILE", config_file.to_str().unwrap()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            credentials_file.to_str().unwrap(),
        ),
        ("AWS_PROFILE", "mock"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    let config = Config::env_builder()
        .endpoint_url(server.url())
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("ap-southeast-2"));
    runtime
        .block_on(
            Client::from_conf(config)
                .invoke_model()
                .model_id("mock.echo")
                .body("{}")
                .send(),
        )
        .expect("profile credentials sign a valid request");
    let request = server.requests().pop().unwrap();
    assert_eq!(request.signature, Ok(()));
    assert_eq!(request.header("x-amz-security-token"), None);

    // An explicit profile name wins over AWS_PROFILE; a missing one is an error.
    let err = Config::env_builder()
        .profile_name("absent")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"absent\""), "{err}");
    let default = Config::env_builder()
        .profile_name("default")
        .endpoint_url(server.url())
        .build()
        .expect("the chain resolves when first needed");
    let err = runtime
        .block_on(
            Client::from_conf(default)
                .invoke_model()
                .model_id("mock.echo")
                .body("{}")
                .send(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profile \"default\": no keys"),
        "the default profile has a region but no keys: {err}"
    );

    // AWS_BEARER_TOKEN_BEDROCK is used in preference to SigV4.
    set(&[
        ("HOME", home),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", bedrock_mock::DEFAULT_ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", bedrock_mock::DEFAULT_SECRET_KEY),
        (
            "AWS_BEARER_TOKEN_BEDROCK",
            bedrock_mock::DEFAULT_BEARER_TOKEN,
        ),
    ]);
    let config = Config::env_builder()
        .endpoint_url(server.url())
        .build()
        .unwrap();
    assert!(config.uses_bearer_token());
    runtime
        .block_on(
            Client::from_conf(config)
                .invoke_model()
                .model_id("mock.echo")
                .body("{}")
                .send(),
        )
        .expect("the API key is accepted");
    let request = server.requests().pop().unwrap();
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ")
    );
    assert_eq!(request.header("x-amz-date"), None);

    // ~/.aws is used when no file is named.
    let aws = empty_home.join(".aws");
    std::fs::create_dir(&aws).unwrap();
    std::fs::copy(&config_file, aws.join("config")).unwrap();
    std::fs::copy(&credentials_file, aws.join("credentials")).unwrap();
    set(&[("HOME", home), ("AWS_PROFILE", "mock")]);
    let config = Config::from_env().unwrap();
    assert_eq!(config.region(), Some("ap-southeast-2"));
}
