//! `TrustStore::Os` reads the operating system's store: with
//! `SSL_CERT_FILE` naming a test authority (as an administrator would
//! install a company CA), the TLS mock verifies under the OS store and not
//! under the bundled roots. Its own test binary, because it sets the
//! process environment, which no other test may see change.

use bedrock_mock::{MockConfig, MockServer, TlsIdentity};
use bedrock_runtime::Client;
use bedrock_runtime::error::{SdkError, TransportErrorKind};
use bedrock_runtime::transport::{TlsConfig, TrustStore};
use integration_tests::config;

#[tokio::test]
async fn the_os_store_is_read_when_chosen() {
    let identity = TlsIdentity::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("os-store.pem");
    std::fs::write(&ca_file, identity.ca_pem()).unwrap();
    // SAFETY: this binary's only test sets the variables before anything
    // reads the environment, on the runtime's single thread.
    unsafe {
        std::env::set_var("SSL_CERT_FILE", &ca_file);
        std::env::set_var("SSL_CERT_DIR", dir.path().join("no-such-dir"));
    }
    let server = MockServer::start(MockConfig {
        tls: Some(identity),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let call = |trust: TrustStore| {
        let client = Client::from_conf(
            config(&server)
                .tls_config(TlsConfig::new().with_trust_store(trust))
                .build()
                .expect("the store loads"),
        );
        async move {
            client
                .invoke_model()
                .model_id("mock.echo")
                .body(b"{}".to_vec())
                .send()
                .await
        }
    };
    call(TrustStore::Os)
        .await
        .expect("the OS store trusts the CA");
    match call(TrustStore::Bundled).await {
        Err(SdkError::Transport(e)) => assert_eq!(e.kind(), TransportErrorKind::Certificate),
        other => panic!("the bundled roots do not know the test CA: {other:?}"),
    }
}
