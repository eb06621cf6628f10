//! Shared helpers for the end-to-end tests in `tests/tests/`.

use std::time::Duration;

use bedrock_mock::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, MockConfig, MockServer};
use bedrock_runtime::credentials::Credentials;
use bedrock_runtime::{Client, Config, ConfigBuilder, RetryConfig};

/// A mock server on a free port, verifying the default key pair.
pub async fn mock() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts")
}

/// The key pair the mock expects.
pub fn credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, None, None, "test")
}

/// A configuration for the mock, with backoffs short enough for tests.
pub fn config(server: &MockServer) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials(credentials())
        .endpoint_url(server.url())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

/// A client for the mock.
pub fn client(server: &MockServer) -> Client {
    Client::from_conf(config(server).build().expect("the configuration is valid"))
}

/// A string no other call in this process returns, for mock model ids whose
/// counters must start from zero.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "u{}n{}x{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
