//! The default credentials chain against local fakes on 127.0.0.1: the
//! container endpoint with its authorization token, EC2 instance metadata
//! (IMDSv2) with a stale token, `credential_process` printing valid JSON,
//! invalid JSON, or failing; the chain's order, and the error that lists
//! every provider tried when none applies.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bedrock_mock::{ProxyBehaviour, TestProxy};
use bedrock_runtime::credentials::{DefaultChain, ProvideCredentials};
use integration_tests::{Seen, fake};
use tokio::net::TcpListener;

fn credentials_json(key: &str) -> String {
    format!(
        r#"{{"AccessKeyId":"{key}","SecretAccessKey":"secret","Token":"session","Expiration":"2099-01-01T00:00:00Z"}}"#
    )
}

/// Variables that keep the chain away from this machine's own files and
/// metadata service.
fn isolated(dir: &std::path::Path, imds: &str) -> Vec<(String, String)> {
    vec![
        ("HOME".into(), dir.display().to_string()),
        (
            "AWS_CONFIG_FILE".into(),
            dir.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("credentials").display().to_string(),
        ),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), imds.to_owned()),
    ]
}

fn chain(vars: &[(String, String)], profile: Option<&str>) -> DefaultChain {
    DefaultChain::with_variables(
        profile.map(str::to_owned),
        vars.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// An address nothing listens on: connecting fails at once.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn the_container_endpoint_gets_the_authorization_token() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = fake(Box::new(|_| (200, credentials_json("AKIDCONTAINER")))).await;
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "pod-identity-token\n").unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{url}/v1/credentials"),
    ));
    vars.push((
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE".into(),
        token_file.display().to_string(),
    ));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDCONTAINER");
    assert_eq!(credentials.session_token(), Some("session"));
    assert!(credentials.expiry().unwrap() > SystemTime::now() + Duration::from_secs(3600));
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].path, "/v1/credentials");
    assert_eq!(seen[0].header("authorization"), Some("pod-identity-token"));
}

#[tokio::test]
async fn a_container_uri_to_another_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        "http://example.com/creds".into(),
    ));
    let err = chain(&vars, None).provide_credentials().await.unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("must be loopback"), "{text}");
}

#[tokio::test]
async fn imds_v2_takes_a_token_first_and_renews_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(Mutex::new(0u32));
    let issued = tokens.clone();
    let (url, seen) = fake(Box::new(move |request| {
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                let mut n = issued.lock().unwrap();
                *n += 1;
                (200, format!("token-{n}"))
            }
            // The first token is refused, as after an instance restart.
            (_, _) if request.header("x-aws-ec2-metadata-token") == Some("token-1") => {
                (401, String::new())
            }
            ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "my-role\n".into()),
            ("GET", "/latest/meta-data/iam/security-credentials/my-role") => (
                200,
                format!(
                    r#"{{"Code":"Success",{}"#,
                    &credentials_json("AKIDIMDS")[1..]
                ),
            ),
            _ => (404, String::new()),
        }
    }))
    .await;
    let vars = isolated(dir.path(), &url);
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDIMDS");
    let seen = seen.lock().unwrap();
    let puts: Vec<&Seen> = seen.iter().filter(|s| s.method == "PUT").collect();
    assert_eq!(puts.len(), 2, "a fresh token after the 401: {seen:?}");
    assert_eq!(
        puts[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert!(
        seen.iter()
            .filter(|s| s.method == "GET")
            .all(|s| s.header("x-aws-ec2-metadata-token").is_some())
    );
}

/// The providers' calls follow the proxy settings, except instance
/// metadata's, which is link-local and never proxied.
#[tokio::test]
async fn provider_calls_go_through_the_proxy_but_imds_never_does() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = TestProxy::start(ProxyBehaviour::Forward).await.unwrap();
    let proxy_url = proxy.url_with_credentials("erin", "pw");
    let (container, _) = fake(Box::new(|_| (200, credentials_json("AKIDVIAPROXY")))).await;
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("HTTP_PROXY".into(), proxy_url.clone()));
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{container}/creds"),
    ));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDVIAPROXY");
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].line, format!("GET {container}/creds HTTP/1.1"));
    assert!(seen[0].authorization.is_some());

    let (imds, imds_seen) = fake(Box::new(|request| match request.method.as_str() {
        "PUT" => (200, "token".into()),
        _ if request.path.ends_with('/') => (200, "role".into()),
        _ => (200, credentials_json("AKIDIMDSDIRECT")),
    }))
    .await;
    let mut vars = isolated(dir.path(), &imds);
    vars.push(("HTTP_PROXY".into(), proxy_url));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDIMDSDIRECT");
    assert_eq!(
        proxy.requests().len(),
        1,
        "IMDS was not asked through the proxy"
    );
    assert_eq!(imds_seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn credential_process_output_becomes_credentials() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile tool]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDPROCESS\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let credentials = chain(&vars, Some("tool"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDPROCESS");
    assert_eq!(credentials.session_token(), Some("t"));
}

#[tokio::test]
async fn credential_process_failures_name_the_profile_and_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile garbled]\ncredential_process = echo not json\n\n\
         [profile failing]\ncredential_process = sh -c 'echo token expired >&2; exit 3'\n",
    )
    .unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let err = chain(&vars, Some("garbled"))
        .provide_credentials()
        .await
        .unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("\"garbled\""), "{text}");
    assert!(text.contains("invalid JSON"), "{text}");
    let err = chain(&vars, Some("failing"))
        .provide_credentials()
        .await
        .unwrap_err();
    let text = chain_text(&err);
    assert!(text.contains("\"failing\""), "{text}");
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(text.contains("token expired"), "{text}");
}

#[tokio::test]
async fn the_environment_comes_before_the_container() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = fake(Box::new(|_| (200, credentials_json("AKIDCONTAINER")))).await;
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ACCESS_KEY_ID".into(), "AKIDENV".into()));
    vars.push(("AWS_SECRET_ACCESS_KEY".into(), "secret".into()));
    vars.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{url}/creds"),
    ));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");
    assert!(
        seen.lock().unwrap().is_empty(),
        "the container was not asked"
    );
}

#[tokio::test]
async fn when_nothing_applies_the_error_lists_each_provider_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let vars = isolated(dir.path(), &closed_port().await);
    let err = chain(&vars, None).provide_credentials().await.unwrap_err();
    let text = chain_text(&err);
    let order = [
        "environment:",
        "profile",
        "web identity:",
        "container:",
        "IMDS:",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|p| {
            text.find(p)
                .unwrap_or_else(|| panic!("{p} missing from {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("unreachable"), "{text}");

    let mut disabled = vars.clone();
    disabled.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
    let text = chain_text(
        &chain(&disabled, None)
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("IMDS: disabled"), "{text}");
}

/// STS's XML answer to `action` with credentials whose key is `key`.
fn sts_answer(action: &str, key: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-of-{key}</SecretAccessKey>\
         <SessionToken>token&amp;{key}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
         </{action}Result></{action}Response>"
    )
}

/// A fake STS: each role's credentials are named after the role.
async fn fake_sts() -> (String, Arc<Mutex<Vec<Seen>>>) {
    fake(Box::new(|request| {
        let form: Vec<(String, String)> = request
            .body
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), percent_decode(v)))
            .collect();
        let get = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let action = get("Action").unwrap_or_default();
        let role = get("RoleArn").unwrap_or_default();
        if role.ends_with("/denied") {
            return (
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>Not authorized to perform sts:AssumeRole &amp; more</Message></Error>\
                 <RequestId>r-1</RequestId></ErrorResponse>"
                    .to_owned(),
            );
        }
        let key = format!("AKID-{}", role.rsplit('/').next().unwrap_or("none"));
        (200, sts_answer(&action, &key))
    }))
    .await
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn web_identity_from_the_environment_asks_sts_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (sts, seen) = fake_sts().await;
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "eyJ.web.token\n").unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push((
        "AWS_WEB_IDENTITY_TOKEN_FILE".into(),
        token_file.display().to_string(),
    ));
    vars.push((
        "AWS_ROLE_ARN".into(),
        "arn:aws:iam::123456789012:role/irsa".into(),
    ));
    vars.push(("AWS_ROLE_SESSION_NAME".into(), "pod-1".into()));
    vars.push(("AWS_ENDPOINT_URL_STS".into(), sts));
    let credentials = chain(&vars, None).provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "AKID-irsa");
    assert_eq!(credentials.session_token(), Some("token&AKID-irsa"));
    let seen = seen.lock().unwrap();
    let body = &seen[0].body;
    assert!(body.contains("Action=AssumeRoleWithWebIdentity"), "{body}");
    assert!(body.contains("WebIdentityToken=eyJ.web.token"), "{body}");
    assert!(body.contains("RoleSessionName=pod-1"), "{body}");
    assert_eq!(seen[0].header("authorization"), None, "unsigned");
}

#[tokio::test]
async fn roles_chain_through_source_profiles_two_deep() {
    let dir = tempfile::tempdir().unwrap();
    let (sts, seen) = fake_sts().await;
    std::fs::write(
        dir.path().join("config"),
        "[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = hop\n\n\
         [profile hop]\nrole_arn = arn:aws:iam::1:role/hop\nsource_profile = base\nrole_session_name = s\n\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n\
         [profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n\n\
         [profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n\n\
         [profile denied]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n\n\
         [profile from-container]\nrole_arn = arn:aws:iam::1:role/ecsrole\ncredential_source = EcsContainer\n",
    )
    .unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ENDPOINT_URL_STS".into(), sts));
    let credentials = chain(&vars, Some("app"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKID-app");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "hop first, then app: {seen:?}");
        let signer = |i: usize| {
            seen[i]
                .header("authorization")
                .unwrap_or_default()
                .to_owned()
        };
        assert!(signer(0).contains("Credential=AKIDBASE/"), "{}", signer(0));
        assert!(signer(0).contains("/sts/aws4_request"), "{}", signer(0));
        assert!(signer(1).contains("Credential=AKID-hop/"), "{}", signer(1));
        assert!(
            seen[0].body.contains("RoleSessionName=s"),
            "{}",
            seen[0].body
        );
    }

    let text = chain_text(
        &chain(&vars, Some("loop-a"))
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("cycle"), "{text}");

    let text = chain_text(
        &chain(&vars, Some("denied"))
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("\"denied\""), "{text}");
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(text.contains("sts:AssumeRole & more"), "{text}");

    // credential_source: the container's credentials sign AssumeRole.
    let (container, _) = fake(Box::new(|_| (200, credentials_json("AKIDCONTAINER")))).await;
    let mut with_container = vars.clone();
    with_container.push((
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        format!("{container}/c"),
    ));
    let credentials = chain(&with_container, Some("from-container"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKID-ecsrole");
    let seen = seen.lock().unwrap();
    let last = seen.last().unwrap();
    let authorization = last.header("authorization").unwrap_or_default();
    assert!(
        authorization.contains("Credential=AKIDCONTAINER/"),
        "{authorization}"
    );
    assert_eq!(last.header("x-amz-security-token"), Some("session"));
}

/// SHA-1 of `my-sso` and of the legacy start URL (`hashlib.sha1`): the
/// cache file names `aws sso login` writes.
const MY_SSO_CACHE: &str = "0ad374308c5a4e22f723adf10145eafad7c4031c";
const LEGACY_CACHE: &str = "79e435d7a515078e81c9dffc35f38d5687ebd3a7";

#[tokio::test]
async fn sso_profiles_use_the_cached_token_and_say_when_to_log_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let (portal, seen) = fake(Box::new(|request| {
        if request.header("x-amz-sso_bearer_token") != Some("valid-token") {
            return (401, "{}".into());
        }
        (
            200,
            r#"{"roleCredentials":{"accessKeyId":"AKIDSSO","secretAccessKey":"s","sessionToken":"t","expiration":4070908800000}}"#.into(),
        )
    }))
    .await;
    std::fs::write(
        dir.path().join("config"),
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Reader\n\n\
         [sso-session my-sso]\nsso_region = eu-west-1\nsso_start_url = https://my.awsapps.com/start\n\n\
         [profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = Reader\n",
    )
    .unwrap();
    let cache = dir.path().join(".aws").join("sso").join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{MY_SSO_CACHE}.json")),
        r#"{"accessToken":"valid-token","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    std::fs::write(
        cache.join(format!("{LEGACY_CACHE}.json")),
        r#"{"accessToken":"old-token","expiresAt":"2020-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ENDPOINT_URL_SSO".into(), portal));
    let credentials = chain(&vars, Some("dev"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDSSO");
    assert_eq!(credentials.session_token(), Some("t"));
    assert_eq!(
        seen.lock().unwrap()[0].path,
        "/federation/credentials?account_id=111122223333&role_name=Reader"
    );

    let text = chain_text(
        &chain(&vars, Some("legacy"))
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("\"legacy\""), "{text}");
    assert!(text.contains("expired"), "{text}");
    assert!(text.contains("aws sso login --profile legacy"), "{text}");
}

/// An error with its sources, as a caller would print it.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A fake instance metadata service for an instance in `region` whose
/// role is `role`.
async fn fake_imds(region: &'static str) -> (String, Arc<Mutex<Vec<Seen>>>) {
    fake(Box::new(move |request| {
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => (200, "token".into()),
            ("GET", "/latest/meta-data/placement/region") => (200, region.into()),
            ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "role".into()),
            ("GET", _) => (200, credentials_json("AKIDIMDS")),
            _ => (404, String::new()),
        }
    }))
    .await
}

#[tokio::test]
async fn load_asks_instance_metadata_for_the_region_only_when_none_is_configured() {
    use bedrock_runtime::Config;
    let dir = tempfile::tempdir().unwrap();
    let (imds, seen) = fake_imds("ap-southeast-2").await;
    let vars = isolated(dir.path(), &imds);
    let variables = || vars.iter().map(|(k, v)| (k.as_str(), v.as_str()));

    let err = Config::env_builder_from(variables()).build().unwrap_err();
    assert!(err.to_string().contains("load().await"), "{err}");
    let config = Config::env_builder_from(variables()).load().await.unwrap();
    assert_eq!(config.region(), Some("ap-southeast-2"));
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|s| s.path == "/latest/meta-data/placement/region")
    );

    seen.lock().unwrap().clear();
    let with_region = variables().chain([("AWS_REGION", "eu-west-3")]);
    let config = Config::env_builder_from(with_region).load().await.unwrap();
    assert_eq!(config.region(), Some("eu-west-3"));
    std::fs::write(dir.path().join("config"), "[default]\nregion = sa-east-1\n").unwrap();
    let config = Config::env_builder_from(variables()).load().await.unwrap();
    assert_eq!(config.region(), Some("sa-east-1"));
    let explicit = Config::env_builder_from(variables())
        .region("us-west-1")
        .load()
        .await
        .unwrap();
    assert_eq!(explicit.region(), Some("us-west-1"));
    assert!(seen.lock().unwrap().is_empty(), "IMDS was not asked");

    let mut disabled = vars.clone();
    disabled.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
    std::fs::remove_file(dir.path().join("config")).unwrap();
    let err = Config::env_builder_from(disabled.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .load()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no region"), "{err}");
}

#[tokio::test]
async fn sts_is_called_in_the_region_the_client_is_configured_for() {
    use bedrock_runtime::Config;
    let dir = tempfile::tempdir().unwrap();
    let (sts, seen) = fake_sts().await;
    std::fs::write(
        dir.path().join("config"),
        "[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = base\n\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ENDPOINT_URL_STS".into(), sts));
    vars.push(("AWS_PROFILE".into(), "app".into()));
    let server = integration_tests::mock().await;
    let config = Config::env_builder_from(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .region("eu-central-1")
        .endpoint_url(server.url())
        .build()
        .unwrap();
    // The mock refuses the role's made-up keys; what matters is how STS
    // was asked for them.
    let _ = bedrock_runtime::Client::from_conf(config)
        .invoke_model()
        .model_id("mock.echo")
        .body(b"{}".to_vec())
        .send()
        .await;
    let seen = seen.lock().unwrap();
    let authorization = seen[0].header("authorization").unwrap_or_default();
    assert!(
        authorization.contains("/eu-central-1/sts/aws4_request"),
        "{authorization}"
    );
    assert!(
        server.requests()[0]
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=AKID-app/"))
    );
}

#[tokio::test]
async fn an_expired_sso_session_token_is_renewed_through_sso_oidc() {
    let dir = tempfile::tempdir().unwrap();
    let (portal, _) = fake(Box::new(|request| {
        match request.header("x-amz-sso_bearer_token") {
            Some("renewed-token" | "still-valid") => (
                200,
                r#"{"roleCredentials":{"accessKeyId":"AKIDSSO","secretAccessKey":"s","sessionToken":"t","expiration":4070908800000}}"#.into(),
            ),
            _ => (401, "{}".into()),
        }
    }))
    .await;
    let (oidc, oidc_seen) = fake(Box::new(|request| {
        if request.body.contains(r#""refreshToken":"refresh-1""#)
            && request.body.contains(r#""grantType":"refresh_token""#)
            && request.body.contains(r#""clientSecret":"client-secret""#)
        {
            (
                200,
                r#"{"accessToken":"renewed-token","expiresIn":3600,"refreshToken":"refresh-2","tokenType":"Bearer"}"#.into(),
            )
        } else {
            (
                400,
                r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#.into(),
            )
        }
    }))
    .await;
    std::fs::write(
        dir.path().join("config"),
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Reader\n\n\
         [sso-session my-sso]\nsso_region = eu-west-1\nsso_start_url = https://my.awsapps.com/start\n",
    )
    .unwrap();
    let cache = dir.path().join(".aws").join("sso").join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let entry = cache.join(format!("{MY_SSO_CACHE}.json"));
    let write_entry = |token: &str, expires: &str, refresh: &str| {
        std::fs::write(
            &entry,
            format!(
                r#"{{"accessToken":"{token}","expiresAt":"{expires}","refreshToken":"{refresh}","clientId":"client-id","clientSecret":"client-secret","registrationExpiresAt":"2099-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://my.awsapps.com/start"}}"#
            ),
        )
        .unwrap();
    };
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ENDPOINT_URL_SSO".into(), portal));
    vars.push(("AWS_ENDPOINT_URL_SSO_OIDC".into(), oidc));

    // Expired, with a refresh token: renewed, and the cache rewritten.
    write_entry("stale-token", "2020-01-01T00:00:00Z", "refresh-1");
    let credentials = chain(&vars, Some("dev"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDSSO");
    assert_eq!(oidc_seen.lock().unwrap()[0].path, "/token");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    assert_eq!(cached["accessToken"], "renewed-token");
    assert_eq!(cached["refreshToken"], "refresh-2");
    assert_eq!(cached["clientId"], "client-id", "other fields are kept");
    assert!(cached["expiresAt"].as_str().unwrap() > "2026-01-01");

    // Expired, and the refresh token is refused: log in again.
    write_entry("stale-token", "2020-01-01T00:00:00Z", "revoked");
    let text = chain_text(
        &chain(&vars, Some("dev"))
            .provide_credentials()
            .await
            .unwrap_err(),
    );
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(
        text.contains("aws sso login --sso-session my-sso"),
        "{text}"
    );

    // Near expiry but still valid: a failed renewal keeps the token.
    let soon = std::time::SystemTime::now() + Duration::from_secs(120);
    let soon = bedrock_runtime::primitives::DateTime::from(soon).to_rfc3339();
    write_entry("still-valid", &soon, "revoked");
    let credentials = chain(&vars, Some("dev"))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDSSO");
}

#[tokio::test]
async fn a_chain_built_by_hand_calls_sts_in_the_region_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let (sts, seen) = fake_sts().await;
    std::fs::write(
        dir.path().join("config"),
        "[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = base\n\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    let mut vars = isolated(dir.path(), &closed_port().await);
    vars.push(("AWS_ENDPOINT_URL_STS".into(), sts));
    vars.push(("AWS_REGION".into(), "us-west-2".into()));
    let credentials = chain(&vars, Some("app"))
        .with_region("ap-south-1")
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKID-app");
    let seen = seen.lock().unwrap();
    let authorization = seen[0].header("authorization").unwrap_or_default();
    assert!(
        authorization.contains("/ap-south-1/sts/aws4_request"),
        "{authorization}"
    );
}
