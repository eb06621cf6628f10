//! Company networks on loopback: the mock over TLS with a certificate
//! authority made at test time, a forward proxy that records what it sees,
//! CA bundles, `NO_PROXY`, and each way a proxy or a certificate can fail.

use std::time::Duration;

use base64::Engine as _;
use bedrock_mock::{
    CertificateOptions, MockConfig, MockServer, ProxyBehaviour, TestProxy, TlsIdentity,
};
use bedrock_runtime::error::{SdkError, TransportErrorKind};
use bedrock_runtime::operation::invoke_model::InvokeModelError;
use bedrock_runtime::transport::{ProxyConfig, TlsConfig};
use bedrock_runtime::types::{
    BidirectionalInputPayloadPart, InvokeModelWithBidirectionalStreamInput,
};
use bedrock_runtime::{Client, ConfigBuilder};
use integration_tests::config;
use tokio::time::timeout;

/// Long enough for a loaded machine, short enough that a hang fails.
const PATIENCE: Duration = Duration::from_secs(20);

async fn tls_mock(options: &CertificateOptions) -> (MockServer, TlsIdentity) {
    let identity = TlsIdentity::generate_with(options).expect("a test CA and certificate");
    let server = MockServer::start(MockConfig {
        tls: Some(identity.clone()),
        ..MockConfig::default()
    })
    .await
    .expect("the TLS mock starts");
    (server, identity)
}

async fn proxy(behaviour: ProxyBehaviour) -> TestProxy {
    TestProxy::start(behaviour).await.expect("the proxy starts")
}

fn trusting(identity: &TlsIdentity) -> TlsConfig {
    TlsConfig::new()
        .with_ca_bundle_pem(identity.ca_pem().as_bytes())
        .expect("the test CA is a valid bundle")
}

fn via(variables: &[(&str, &str)]) -> ProxyConfig {
    ProxyConfig::from_variables(variables.iter().copied()).expect("valid proxy settings")
}

async fn invoke(builder: ConfigBuilder) -> Result<(), SdkError<InvokeModelError>> {
    let client = Client::from_conf(builder.build().expect("a valid configuration"));
    timeout(
        PATIENCE,
        client
            .invoke_model()
            .model_id("mock.echo")
            .body(br#"{"prompt":"hi"}"#.to_vec())
            .send(),
    )
    .await
    .expect("the call ends in time")
    .map(|_| ())
}

fn transport_error(err: SdkError<InvokeModelError>) -> (TransportErrorKind, String) {
    match &err {
        SdkError::Transport(e) => (e.kind(), err.to_string()),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn https_through_the_proxy_with_the_ca_bundle() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::Forward).await;
    let proxy_url = proxy.url_with_credentials("alice", "s3cret");
    let proxies = via(&[("HTTPS_PROXY", &proxy_url)]);
    assert!(!format!("{proxies:?}").contains("s3cret"));
    invoke(
        config(&server)
            .proxy(proxies)
            .tls_config(trusting(&identity)),
    )
    .await
    .expect("the call goes through the tunnel");

    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let port = server.addr().port();
    assert_eq!(seen[0].line, format!("CONNECT localhost:{port} HTTP/1.1"));
    let expected = base64::engine::general_purpose::STANDARD.encode("alice:s3cret");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Basic {expected}").as_str())
    );
    let request = &server.requests()[0];
    assert_eq!(request.signature, Ok(()));
    assert_eq!(
        request.version, "HTTP/2.0",
        "h2 is chosen by ALPN in the tunnel"
    );
    assert!(request.header("proxy-authorization").is_none());
}

#[tokio::test]
async fn no_proxy_bypasses_the_proxy() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::Refuse(403)).await;
    for no_proxy in ["localhost", ".localhost", "*", "127.0.0.1,localhost"] {
        let proxies = via(&[("HTTPS_PROXY", &proxy.url()), ("NO_PROXY", no_proxy)]);
        invoke(
            config(&server)
                .proxy(proxies)
                .tls_config(trusting(&identity)),
        )
        .await
        .unwrap_or_else(|e| panic!("NO_PROXY={no_proxy}: {e}"));
    }
    assert!(proxy.requests().is_empty());
}

#[tokio::test]
async fn plain_http_goes_through_the_proxy_in_absolute_form() {
    let server = integration_tests::mock().await;
    let proxy = proxy(ProxyBehaviour::Forward).await;
    let proxies = via(&[("http_proxy", &proxy.url_with_credentials("bob", "pw"))]);
    invoke(config(&server).proxy(proxies))
        .await
        .expect("the proxy forwards the request");
    let seen = proxy.requests();
    assert_eq!(
        seen[0].line,
        format!("POST {}/model/mock.echo/invoke HTTP/1.1", server.url())
    );
    let expected = base64::engine::general_purpose::STANDARD.encode("bob:pw");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Basic {expected}").as_str())
    );
    assert_eq!(
        server.requests()[0].signature,
        Ok(()),
        "the signature survives the proxy"
    );
}

#[tokio::test]
async fn a_missing_or_wrong_ca_fails_with_the_certificate_error() {
    let (server, _) = tls_mock(&CertificateOptions::default()).await;
    let (kind, message) = transport_error(invoke(config(&server)).await.unwrap_err());
    assert_eq!(kind, TransportErrorKind::Certificate, "{message}");
    assert!(
        message.contains("localhost") && message.contains("does not trust"),
        "{message}"
    );

    let other_ca = TlsIdentity::generate().unwrap();
    let err = invoke(config(&server).tls_config(trusting(&other_ca)))
        .await
        .unwrap_err();
    assert!(!err.is_retryable(), "a certificate problem is not retried");
    let (kind, message) = transport_error(err);
    assert_eq!(kind, TransportErrorKind::Certificate, "{message}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_wrong_name_or_an_expired_certificate_says_so() {
    let only_localhost = CertificateOptions {
        names: vec!["localhost".to_owned()],
        expired: false,
    };
    let (server, identity) = tls_mock(&only_localhost).await;
    let by_address = config(&server)
        .endpoint_url(format!("https://127.0.0.1:{}", server.addr().port()))
        .tls_config(trusting(&identity));
    let (kind, message) = transport_error(invoke(by_address).await.unwrap_err());
    assert_eq!(kind, TransportErrorKind::Certificate, "{message}");
    assert!(
        message.contains("not valid for the name 127.0.0.1"),
        "{message}"
    );

    let expired = CertificateOptions {
        expired: true,
        ..CertificateOptions::default()
    };
    let (server, identity) = tls_mock(&expired).await;
    let (kind, message) = transport_error(
        invoke(config(&server).tls_config(trusting(&identity)))
            .await
            .unwrap_err(),
    );
    assert_eq!(kind, TransportErrorKind::Certificate, "{message}");
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn a_407_proxy_fails_with_the_proxy_error_once() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::Refuse(407)).await;
    let proxies = via(&[(
        "HTTPS_PROXY",
        &proxy.url_with_credentials("carol", "wrong-pw"),
    )]);
    let err = invoke(
        config(&server)
            .proxy(proxies)
            .tls_config(trusting(&identity)),
    )
    .await
    .unwrap_err();
    assert!(!err.is_retryable());
    let (kind, message) = transport_error(err);
    assert_eq!(kind, TransportErrorKind::ProxyRefused, "{message}");
    let address = proxy.url().trim_start_matches("http://").to_owned();
    assert!(
        message.contains(&address) && message.contains("407"),
        "{message}"
    );
    assert!(message.contains("refused its credentials"), "{message}");
    assert!(
        !message.contains("wrong-pw") && !message.contains("carol"),
        "{message}"
    );
    assert_eq!(proxy.requests().len(), 1, "not retried");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_proxy_that_hangs_up_or_is_not_there_is_named() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::HangUp).await;
    let proxies = via(&[("HTTPS_PROXY", &proxy.url())]);
    let (kind, message) = transport_error(
        invoke(
            config(&server)
                .proxy(proxies)
                .tls_config(trusting(&identity)),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(kind, TransportErrorKind::ProxyTunnel, "{message}");
    assert!(message.contains("closed the connection"), "{message}");

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxies = via(&[("HTTPS_PROXY", &nowhere)]);
    let (kind, message) = transport_error(
        invoke(
            config(&server)
                .proxy(proxies)
                .tls_config(trusting(&identity)),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(kind, TransportErrorKind::ProxyUnreachable, "{message}");
    assert!(
        message.contains(nowhere.trim_start_matches("http://")),
        "{message}"
    );
}

#[tokio::test]
async fn a_bidirectional_stream_speaks_http2_through_the_tunnel() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::Forward).await;
    let proxies = via(&[("HTTPS_PROXY", &proxy.url())]);
    let client = Client::from_conf(
        config(&server)
            .proxy(proxies)
            .tls_config(trusting(&identity))
            .build()
            .unwrap(),
    );
    let (sender, mut output) = timeout(
        PATIENCE,
        client
            .invoke_model_with_bidirectional_stream()
            .model_id("mock.echo")
            .send(),
    )
    .await
    .expect("the stream opens in time")
    .expect("the stream opens");
    let event = InvokeModelWithBidirectionalStreamInput::Chunk(
        BidirectionalInputPayloadPart::builder()
            .bytes(b"through the tunnel".to_vec())
            .build()
            .unwrap(),
    );
    sender.send(event).await.unwrap();
    let echo = timeout(PATIENCE, output.body.recv())
        .await
        .expect("the echo arrives in time")
        .expect("a valid event")
        .expect("an event");
    assert!(format!("{echo:?}").contains("Chunk"), "{echo:?}");
    drop(sender);
    assert_eq!(server.requests()[0].version, "HTTP/2.0");
    assert_eq!(
        proxy.requests()[0].line,
        format!("CONNECT localhost:{} HTTP/1.1", server.addr().port())
    );
}

#[tokio::test]
async fn the_environment_and_the_profile_set_proxy_and_ca_bundle() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let proxy = proxy(ProxyBehaviour::Forward).await;
    let refusing = self::proxy(ProxyBehaviour::Refuse(403)).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("corp-ca.pem");
    std::fs::write(&ca, identity.ca_pem()).unwrap();
    let config_file = dir.path().join("config");
    std::fs::write(
        &config_file,
        format!("[default]\nca_bundle = {}\n", ca.display()),
    )
    .unwrap();
    let (home, ca, config_file) = (
        dir.path().display().to_string(),
        ca.display().to_string(),
        config_file.display().to_string(),
    );
    let (proxy_url, refusing_url) = (proxy.url(), refusing.url());
    let base = [
        ("HOME", home.as_str()),
        ("AWS_ACCESS_KEY_ID", bedrock_mock::DEFAULT_ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", bedrock_mock::DEFAULT_SECRET_KEY),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
    ];
    let from = |extra: &[(&'static str, &str)]| {
        let mut vars: Vec<(&str, &str)> = base.to_vec();
        for (name, value) in extra {
            vars.retain(|(n, _)| n != name);
            vars.push((name, value));
        }
        bedrock_runtime::Config::env_builder_from(vars).endpoint_url(server.url())
    };

    // AWS_CA_BUNDLE and HTTPS_PROXY, as botocore reads them.
    invoke(from(&[("AWS_CA_BUNDLE", &ca), ("HTTPS_PROXY", &proxy_url)]))
        .await
        .expect("the environment's proxy and CA bundle");
    assert_eq!(proxy.requests().len(), 1);
    // The profile's ca_bundle.
    invoke(from(&[("AWS_CONFIG_FILE", &config_file)]))
        .await
        .expect("the profile's CA bundle");
    // Without either, the certificate does not verify.
    let (kind, _) = transport_error(invoke(from(&[])).await.unwrap_err());
    assert_eq!(kind, TransportErrorKind::Certificate);
    // An explicit ProxyConfig wins over the environment.
    invoke(
        from(&[("AWS_CA_BUNDLE", &ca), ("HTTPS_PROXY", &refusing_url)])
            .proxy(ProxyConfig::disabled()),
    )
    .await
    .expect("the explicit setting connects directly");
    assert!(refusing.requests().is_empty());
    // A bundle that cannot be read is a configuration error naming it.
    let err = from(&[("AWS_CA_BUNDLE", "/nonexistent/ca.pem")])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
}

/// A "proxy" that reads the request head and then answers `answer`, or
/// nothing at all when it is empty.
async fn raw_proxy(answer: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                if answer.is_empty() {
                    // Silent, holding the connection open.
                    tokio::time::sleep(PATIENCE).await;
                    return;
                }
                let _ = socket.write_all(&answer).await;
                tokio::time::sleep(PATIENCE).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_proxy_that_answers_garbage_endless_headers_or_nothing_fails_in_time() {
    let (server, identity) = tls_mock(&CertificateOptions::default()).await;
    let mut endless = b"HTTP/1.1 200 OK\r\n".to_vec();
    endless.extend(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1000));
    for (answer, expected) in [
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(), "other than HTTP"),
        (endless, "more than"),
        (Vec::new(), "did not answer"),
    ] {
        let proxy_url = raw_proxy(answer).await;
        let builder = config(&server)
            .proxy(via(&[("HTTPS_PROXY", &proxy_url)]))
            .tls_config(trusting(&identity))
            .timeout_config(
                bedrock_runtime::TimeoutConfig::new()
                    .with_connect(Some(Duration::from_millis(300))),
            )
            .retry_config(bedrock_runtime::RetryConfig::standard().with_max_attempts(1));
        let (kind, message) = transport_error(invoke(builder).await.unwrap_err());
        assert_eq!(kind, TransportErrorKind::ProxyTunnel, "{message}");
        assert!(message.contains(expected), "{message}");
    }
}
