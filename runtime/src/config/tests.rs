//! The configuration as users meet it: built in code, from the
//! environment, from a profile, shared by several services.

use std::time::Duration;

use super::*;
use crate::credentials::Credentials;
use crate::dispatch::{EndpointRules, ServiceInfo};
use crate::retry::{RetryConfig, RetryMode};

/// A service with endpoint rules, as a generated crate describes one.
struct Runtime;

static RUNTIME: ServiceInfo = ServiceInfo {
    sdk_id: "Bedrock Runtime",
    crate_name: "bedrock-runtime",
    crate_version: "0.1.0",
    endpoint_prefix: "bedrock-runtime",
    signing_name: "bedrock",
    endpoint_rules: Some(EndpointRules::new(RULES)),
    bearer_token_env: Some("AWS_BEARER_TOKEN_BEDROCK"),
    query_compatible: false,
    endpoint_params: &[],
};

impl Service for Runtime {
    const INFO: &'static ServiceInfo = &RUNTIME;
}

/// A second service, without rules or bearer tokens.
struct Agent;

static AGENT: ServiceInfo = ServiceInfo {
    sdk_id: "Bedrock Agent",
    crate_name: "bedrock-agent",
    crate_version: "0.1.0",
    endpoint_prefix: "bedrock-agent",
    signing_name: "bedrock",
    endpoint_rules: None,
    bearer_token_env: None,
    query_compatible: false,
    endpoint_params: &[],
};

impl Service for Agent {
    const INFO: &'static ServiceInfo = &AGENT;
}

/// The usual regional rules, cut down: a custom endpoint passes through,
/// FIPS picks the `-fips` host, else the partition's suffix.
const RULES: &str = r#"{"version":"1.0","parameters":{
  "Region":{"builtIn":"AWS::Region","type":"String","required":false},
  "UseFIPS":{"builtIn":"AWS::UseFIPS","type":"Boolean","required":true,"default":false},
  "UseDualStack":{"builtIn":"AWS::UseDualStack","type":"Boolean","required":true,"default":false},
  "Endpoint":{"builtIn":"SDK::Endpoint","type":"String","required":false}},
 "rules":[
  {"conditions":[{"fn":"isSet","argv":[{"ref":"Endpoint"}]}],"endpoint":{"url":{"ref":"Endpoint"}},"type":"endpoint"},
  {"conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"},{"fn":"booleanEquals","argv":[{"ref":"UseFIPS"},true]}],
   "endpoint":{"url":"https://bedrock-runtime-fips.{Region}.{P#dnsSuffix}"},"type":"endpoint"},
  {"conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],
   "endpoint":{"url":"https://bedrock-runtime.{Region}.{P#dnsSuffix}"},"type":"endpoint"}]}"#;

fn creds() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    )
}

const KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDENV"),
    ("AWS_SECRET_ACCESS_KEY", "SECRET"),
];

fn env<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut vars = vec![("AWS_REGION", "us-west-2"), KEYS[0], KEYS[1]];
    vars.extend_from_slice(extra);
    // Keep the machine's own files out of the tests.
    vars.push(("HOME", "/nonexistent-home-for-tests"));
    vars
}

/// A config file in a fresh directory, and the variables that point at it.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), config).unwrap();
        Files { dir }
    }

    fn config(&self) -> String {
        self.dir.path().join("config").display().to_string()
    }
}

#[test]
fn region_and_credentials_are_required() {
    let err = Config::<Runtime>::builder()
        .credentials(creds())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no region"), "{err}");
    let err = Config::<Runtime>::builder()
        .region("us-east-1")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no credentials"), "{err}");
    let config = Config::<Runtime>::builder()
        .region("us-east-1")
        .credentials(creds())
        .build()
        .unwrap();
    assert_eq!(
        config.endpoint().unwrap(),
        "https://bedrock-runtime.us-east-1.amazonaws.com"
    );
}

#[test]
fn nonsensical_settings_are_errors_not_panics() {
    let base = || {
        Config::<Runtime>::builder()
            .region("us-east-1")
            .credentials(creds())
    };
    assert!(base().region("us east 1").build().is_err());
    assert!(base().endpoint_url("not a url").build().is_err());
    assert!(
        base()
            .retry_config(RetryConfig::standard().with_max_attempts(0))
            .build()
            .is_err()
    );
    assert!(
        base()
            .timeout_config(TimeoutConfig::new().with_operation(Some(Duration::ZERO)))
            .build()
            .is_err()
    );
    assert!(base().app_id("new\nline").build().is_err());
    // Overriding a shared configuration checks it the same way.
    let shared = SdkConfig::builder()
        .region("us-east-1")
        .credentials(creds())
        .build()
        .unwrap();
    assert!(
        ConfigBuilder::<Runtime>::from(&shared)
            .app_id("new\nline")
            .build()
            .is_err()
    );
    let err = Config::<Agent>::builder()
        .region("us-east-1")
        .bearer_token("token")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("does not accept bearer tokens"),
        "{err}"
    );
}

#[test]
fn the_environment_fills_what_is_not_given_and_code_wins() {
    let vars = env(&[]);
    let config = Config::<Runtime>::env_builder_from(vars.clone())
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("us-west-2"));
    let config = Config::<Runtime>::env_builder_from(vars)
        .region("eu-west-1")
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("eu-west-1"), "explicit settings win");
    let err = Config::<Runtime>::env_builder_from([("HOME", "/nonexistent-home-for-tests")])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no region"), "{err}");
}

#[test]
fn one_sdk_config_serves_every_service_with_one_cache_and_one_pool() {
    let shared = SdkConfig::builder()
        .region("us-east-1")
        .credentials(creds())
        .build()
        .unwrap();
    let runtime = Config::<Runtime>::from(&shared);
    let agent = Config::<Agent>::from(&shared);
    let (a, b) = (runtime.resolved(), agent.resolved());
    assert!(std::ptr::eq(
        a.credentials().unwrap(),
        b.credentials().unwrap()
    ));
    assert!(std::ptr::addr_eq(a.http_client(), b.http_client()));
    assert_eq!(
        agent.endpoint().unwrap(),
        "https://bedrock-agent.us-east-1.amazonaws.com"
    );
    // An override for one service leaves the shared parts shared.
    let overridden = ConfigBuilder::<Agent>::from(&shared)
        .retry_config(RetryConfig::disabled())
        .endpoint_url("http://127.0.0.1:4010")
        .build()
        .unwrap();
    assert_eq!(overridden.retry().max_attempts(), 1);
    assert_eq!(shared.retry().max_attempts(), 3);
    assert_eq!(overridden.endpoint().unwrap(), "http://127.0.0.1:4010");
    assert!(std::ptr::eq(
        overridden.resolved().credentials().unwrap(),
        a.credentials().unwrap()
    ));
    assert!(std::ptr::addr_eq(
        overridden.resolved().http_client(),
        a.http_client()
    ));
    // The shared configuration's profile cannot be changed per service.
    assert!(
        ConfigBuilder::<Agent>::from(&shared)
            .profile_name("other")
            .build()
            .is_err()
    );
}

#[test]
fn a_service_without_a_region_reports_it_when_it_sends() {
    let shared = SdkConfig::builder().credentials(creds()).build().unwrap();
    let config = Config::<Runtime>::from(&shared);
    let err = config.endpoint().unwrap_err();
    assert!(err.to_string().contains("no region"), "{err}");
}

#[test]
fn endpoint_urls_follow_the_sdks_precedence() {
    let files = Files::new(
        "[default]\nendpoint_url = http://127.0.0.1:1004\nservices = local\n\
         [services local]\nbedrock_runtime =\n  endpoint_url = http://127.0.0.1:1003\n",
    );
    let config_file = files.config();
    let with = |extra: &[(&str, &str)]| {
        let mut vars = env(&[("AWS_CONFIG_FILE", config_file.as_str())]);
        vars.extend_from_slice(extra);
        let shared = SdkConfig::env_builder_from(vars).build().unwrap();
        (
            Config::<Runtime>::from(&shared).endpoint().unwrap(),
            Config::<Agent>::from(&shared).endpoint().unwrap(),
        )
    };
    // The profile: the service's own section, else the global key.
    assert_eq!(
        with(&[]),
        (
            "http://127.0.0.1:1003".to_owned(),
            "http://127.0.0.1:1004".to_owned()
        )
    );
    // The environment's global variable wins over the profile.
    assert_eq!(
        with(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:1002")]).0,
        "http://127.0.0.1:1002"
    );
    // The service's own variable wins over the global one.
    let (runtime, agent) = with(&[
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:1002"),
        ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:1001"),
    ]);
    assert_eq!(runtime, "http://127.0.0.1:1001");
    assert_eq!(agent, "http://127.0.0.1:1002");
    // Ignoring configured endpoints leaves the rules' endpoint.
    assert_eq!(
        with(&[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1002"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ])
        .0,
        "https://bedrock-runtime.us-west-2.amazonaws.com"
    );
    // So does the profile's key.
    let ignoring = Files::new(
        "[default]\nendpoint_url = http://127.0.0.1:1004\nignore_configured_endpoint_urls = true\n",
    );
    let ignoring_file = ignoring.config();
    let shared = SdkConfig::env_builder_from(env(&[("AWS_CONFIG_FILE", ignoring_file.as_str())]))
        .build()
        .unwrap();
    assert_eq!(
        Config::<Agent>::from(&shared).endpoint().unwrap(),
        "https://bedrock-agent.us-west-2.amazonaws.com"
    );
    // Code wins over all of them.
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:1001"),
    ]))
    .endpoint_url("http://127.0.0.1:1000")
    .build()
    .unwrap();
    assert_eq!(
        Config::<Runtime>::from(&shared).endpoint().unwrap(),
        "http://127.0.0.1:1000"
    );
}

#[test]
fn malformed_endpoint_urls_name_their_variable_or_profile_key() {
    let err = SdkConfig::env_builder_from(env(&[("AWS_ENDPOINT_URL", "localhost:4010")]))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("AWS_ENDPOINT_URL = \"localhost:4010\""),
        "{err}"
    );
    let files = Files::new("[default]\nendpoint_url = ftp://nowhere\n");
    let config_file = files.config();
    let err = SdkConfig::env_builder_from(env(&[("AWS_CONFIG_FILE", config_file.as_str())]))
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`endpoint_url` in profile \"default\"") && text.contains(&config_file),
        "{text}"
    );
    // A service's own variable is checked when that service is configured.
    let shared =
        SdkConfig::env_builder_from(env(&[("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "not a url")]))
            .build()
            .unwrap();
    let err = Config::<Runtime>::from(&shared).endpoint().unwrap_err();
    assert!(
        err.to_string().contains("AWS_ENDPOINT_URL_BEDROCK_RUNTIME"),
        "{err}"
    );
    let err = ConfigBuilder::<Runtime>::from(&shared).build().unwrap_err();
    assert!(
        err.to_string().contains("AWS_ENDPOINT_URL_BEDROCK_RUNTIME"),
        "{err}"
    );
}

#[test]
fn the_validation_mode_is_read_from_the_environment_and_the_profile() {
    use crate::validation::ValidationMode;
    let default = SdkConfig::env_builder_from(env(&[])).build().unwrap();
    assert_eq!(default.validation_mode(), ValidationMode::Standard);
    let strict = SdkConfig::env_builder_from(env(&[("SDK_RS_VALIDATION_MODE", "Strict")]))
        .build()
        .unwrap();
    assert_eq!(strict.validation_mode(), ValidationMode::Strict);
    let files = Files::new("[profile dev]\nsdk_rs_validation_mode = off\n");
    let config_file = files.config();
    let off = SdkConfig::env_builder_from(env(&[
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_PROFILE", "dev"),
    ]))
    .build()
    .unwrap();
    assert_eq!(off.validation_mode(), ValidationMode::Off);
    let code_wins = SdkConfig::env_builder_from(env(&[("SDK_RS_VALIDATION_MODE", "off")]))
        .validation_mode(ValidationMode::Strict)
        .build()
        .unwrap();
    assert_eq!(code_wins.validation_mode(), ValidationMode::Strict);
    let err = SdkConfig::env_builder_from(env(&[("SDK_RS_VALIDATION_MODE", "lenient")]))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("SDK_RS_VALIDATION_MODE = \"lenient\" is not standard, strict, warn or off"),
        "{err}"
    );
}

#[test]
fn retries_are_read_from_the_environment_and_the_profile() {
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_MAX_ATTEMPTS", "7"),
        ("AWS_RETRY_MODE", "adaptive"),
    ]))
    .build()
    .unwrap();
    assert_eq!(shared.retry().max_attempts(), 7);
    assert_eq!(shared.retry().mode(), RetryMode::Adaptive);

    let files = Files::new("[profile dev]\nmax_attempts = 5\nretry_mode = standard\n");
    let config_file = files.config();
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_PROFILE", "dev"),
    ]))
    .build()
    .unwrap();
    assert_eq!(shared.retry().max_attempts(), 5);
    assert_eq!(shared.retry().mode(), RetryMode::Standard);

    // The environment wins over the profile, code over both.
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_PROFILE", "dev"),
        ("AWS_MAX_ATTEMPTS", "2"),
    ]))
    .build()
    .unwrap();
    assert_eq!(shared.retry().max_attempts(), 2);
    let shared = SdkConfig::env_builder_from(env(&[("AWS_MAX_ATTEMPTS", "2")]))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    assert_eq!(shared.retry().max_attempts(), 1);
}

#[test]
fn malformed_retry_settings_name_their_variable_or_profile_key() {
    for (variable, value, expected) in [
        (
            "AWS_MAX_ATTEMPTS",
            "abc",
            "AWS_MAX_ATTEMPTS = \"abc\" is not a whole number of at least 1",
        ),
        (
            "AWS_MAX_ATTEMPTS",
            "0",
            "AWS_MAX_ATTEMPTS = \"0\" is not a whole number of at least 1",
        ),
        (
            "AWS_RETRY_MODE",
            "turbo",
            "AWS_RETRY_MODE = \"turbo\" is not a retry mode",
        ),
        (
            "AWS_USE_FIPS_ENDPOINT",
            "yes",
            "AWS_USE_FIPS_ENDPOINT = \"yes\" is not true or false",
        ),
    ] {
        let err = SdkConfig::env_builder_from(env(&[(variable, value)]))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let files = Files::new("[default]\nretry_mode = turbo\n");
    let config_file = files.config();
    let err = SdkConfig::env_builder_from(env(&[("AWS_CONFIG_FILE", config_file.as_str())]))
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`retry_mode` in profile \"default\" of ")
            && text.contains(&config_file)
            && text.contains("\"turbo\" is not a retry mode"),
        "{text}"
    );
}

#[test]
fn fips_dual_stack_and_the_app_id_are_read_from_both_places() {
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_USE_FIPS_ENDPOINT", "true"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
        ("AWS_SDK_UA_APP_ID", "my-app"),
    ]))
    .build()
    .unwrap();
    assert!(shared.use_fips() && !shared.use_dual_stack());
    let dual = SdkConfig::env_builder_from(env(&[("AWS_USE_DUALSTACK_ENDPOINT", "true")]))
        .build()
        .unwrap();
    assert!(dual.use_dual_stack() && !dual.use_fips());
    assert_eq!(shared.app_id(), Some("my-app"));
    let config = Config::<Runtime>::from(&shared);
    assert_eq!(
        config.endpoint().unwrap(),
        "https://bedrock-runtime-fips.us-west-2.amazonaws.com"
    );
    let agent = String::from_utf8(config.resolved().user_agent().as_bytes().to_vec()).unwrap();
    assert!(
        agent.starts_with("bedrock-runtime/0.1.0 md/sdk-runtime#")
            && agent.ends_with(" app/my-app"),
        "{agent}"
    );

    let files = Files::new(
        "[default]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = false\nsdk_ua_app_id = from-profile\n\
         aws_account_id = 123456789012\naccount_id_endpoint_mode = disabled\n",
    );
    let config_file = files.config();
    let shared = SdkConfig::env_builder_from(env(&[("AWS_CONFIG_FILE", config_file.as_str())]))
        .build()
        .unwrap();
    assert!(shared.use_dual_stack() && !shared.use_fips());
    assert_eq!(shared.app_id(), Some("from-profile"));
    assert_eq!(shared.account_id(), Some("123456789012"));
    assert_eq!(
        shared.account_id_endpoint_mode(),
        AccountIdEndpointMode::Disabled
    );
    let shared = SdkConfig::env_builder_from(env(&[
        ("AWS_ACCOUNT_ID", "210987654321"),
        ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "required"),
    ]))
    .build()
    .unwrap();
    assert_eq!(shared.account_id(), Some("210987654321"));
    assert_eq!(
        shared.account_id_endpoint_mode(),
        AccountIdEndpointMode::Required
    );
    let err = SdkConfig::env_builder_from(env(&[("AWS_ACCOUNT_ID_ENDPOINT_MODE", "sometimes")]))
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("AWS_ACCOUNT_ID_ENDPOINT_MODE"),
        "{err}"
    );
}

#[test]
fn bearer_tokens_reach_only_the_services_that_accept_them() {
    let shared = SdkConfig::env_builder_from(env(&[("AWS_BEARER_TOKEN_BEDROCK", "token")]))
        .build()
        .unwrap();
    assert!(Config::<Runtime>::from(&shared).uses_bearer_token());
    assert!(!Config::<Agent>::from(&shared).uses_bearer_token());
    // Never over plain HTTP to another host.
    let err = ConfigBuilder::<Runtime>::from(&shared)
        .endpoint_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("only sent over HTTPS"), "{err}");
}

#[test]
fn debug_shows_no_credentials() {
    let config = Config::<Runtime>::builder()
        .region("us-east-1")
        .credentials(creds())
        .bearer_token("very-secret-token")
        .build()
        .unwrap();
    let debug = format!("{config:?}");
    for secret in ["wJalrXUtnFEMI", "AKIDEXAMPLE", "very-secret-token"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    let builder = format!("{:?}", Config::<Runtime>::builder().credentials(creds()));
    assert!(
        !builder.contains("wJalrXUtnFEMI") && !builder.contains("AKIDEXAMPLE"),
        "{builder}"
    );
    let shared = SdkConfig::builder().credentials(creds()).build().unwrap();
    assert!(!format!("{shared:?}").contains("wJalrXUtnFEMI"));
}

#[test]
fn services_resolve_partition_endpoints() {
    let shared = SdkConfig::builder()
        .region("cn-north-1")
        .credentials(creds())
        .build()
        .unwrap();
    assert_eq!(
        Config::<Runtime>::from(&shared).endpoint().unwrap(),
        "https://bedrock-runtime.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        Config::<Agent>::from(&shared).endpoint().unwrap(),
        "https://bedrock-agent.cn-north-1.amazonaws.com.cn"
    );
}

/// A service whose rules send requests to account-based endpoints, as
/// DynamoDB's do.
struct AccountBased;

static ACCOUNT_BASED: ServiceInfo = ServiceInfo {
    sdk_id: "DynamoDB",
    crate_name: "dynamodb",
    crate_version: "0.1.0",
    endpoint_prefix: "dynamodb",
    signing_name: "dynamodb",
    endpoint_rules: Some(EndpointRules::new(ACCOUNT_RULES)),
    bearer_token_env: None,
    query_compatible: false,
    endpoint_params: &[],
};

impl Service for AccountBased {
    const INFO: &'static ServiceInfo = &ACCOUNT_BASED;
}

const ACCOUNT_RULES: &str = r#"{"version":"1.0","parameters":{
  "Region":{"builtIn":"AWS::Region","type":"String","required":false},
  "AccountId":{"builtIn":"AWS::Auth::AccountId","type":"String","required":false},
  "AccountIdEndpointMode":{"builtIn":"AWS::Auth::AccountIdEndpointMode","type":"String","required":false}},
 "rules":[
  {"conditions":[{"fn":"isSet","argv":[{"ref":"AccountIdEndpointMode"}]},
                 {"fn":"stringEquals","argv":[{"ref":"AccountIdEndpointMode"},"required"]},
                 {"fn":"not","argv":[{"fn":"isSet","argv":[{"ref":"AccountId"}]}]}],
   "error":"AccountIdEndpointMode is required but no AccountID was provided or able to be loaded","type":"error"},
  {"conditions":[{"fn":"isSet","argv":[{"ref":"AccountId"}]},
                 {"fn":"not","argv":[{"fn":"stringEquals","argv":[{"ref":"AccountIdEndpointMode"},"disabled"]}]}],
   "endpoint":{"url":"https://{AccountId}.ddb.{Region}.amazonaws.com"},"type":"endpoint"},
  {"conditions":[],"endpoint":{"url":"https://dynamodb.{Region}.amazonaws.com"},"type":"endpoint"}]}"#;

#[test]
fn a_configured_account_id_reaches_account_based_endpoints() {
    let endpoint = |extra: &[(&str, &str)]| {
        let shared = SdkConfig::env_builder_from(env(extra)).build().unwrap();
        Config::<AccountBased>::from(&shared)
            .endpoint()
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        endpoint(&[]).unwrap(),
        "https://dynamodb.us-west-2.amazonaws.com"
    );
    assert_eq!(
        endpoint(&[("AWS_ACCOUNT_ID", "123456789012")]).unwrap(),
        "https://123456789012.ddb.us-west-2.amazonaws.com"
    );
    assert_eq!(
        endpoint(&[
            ("AWS_ACCOUNT_ID", "123456789012"),
            ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
        ])
        .unwrap(),
        "https://dynamodb.us-west-2.amazonaws.com"
    );
    let err = endpoint(&[("AWS_ACCOUNT_ID_ENDPOINT_MODE", "required")]).unwrap_err();
    assert!(err.contains("AccountIdEndpointMode is required"), "{err}");
}
