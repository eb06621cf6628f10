//! The HTTP calls of the credential providers (the container endpoint,
//! EC2's instance metadata, STS): one request, a whole small body, within a
//! deadline.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;

use crate::transport::{HttpClient, HyperClient, Network, RequestBody};

/// The most a credentials response may hold; a larger one is refused.
const MAX_BODY: usize = 64 * 1024;

/// An HTTP client for the credential providers' endpoints. It is the crate's own
/// client type, so that no second HTTP stack is compiled for it.
#[derive(Clone)]
pub(crate) struct ProviderHttp {
    client: Arc<HyperClient>,
    timeout: Duration,
}

impl ProviderHttp {
    /// A client over `network` (the proxies and roots of the client the
    /// credentials are for) whose every call (connect, send, read) ends
    /// within `timeout`.
    pub(crate) fn new(network: &Network, timeout: Duration) -> Result<Self, String> {
        let client = network.client(Some(timeout)).map_err(|e| e.to_string())?;
        Ok(ProviderHttp {
            client: Arc::new(client),
            timeout,
        })
    }

    /// Sends `request` and reads the response's status and body.
    pub(crate) async fn call(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<(http::StatusCode, Bytes), String> {
        let uri = request.uri().clone();
        let exchange = async {
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| format!("{uri} unreachable: {}", chain(&e)))?;
            let status = response.status();
            let mut stream = response.into_body();
            let mut body = bytes::BytesMut::new();
            while let Some(frame) = stream.frame().await {
                let frame = frame.map_err(|e| format!("reading {uri} failed: {e}"))?;
                if let Ok(data) = frame.into_data() {
                    if body.len() + data.len() > MAX_BODY {
                        return Err(format!("{uri} answered more than {MAX_BODY} bytes"));
                    }
                    body.extend_from_slice(&data);
                }
            }
            let body = body.freeze();
            Ok((status, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "{uri} did not answer within {} ms",
                self.timeout.as_millis()
            )),
        }
    }
}

/// An error and its causes, on one line.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// An `Expiration` in RFC 3339, as the providers' answers give it.
pub(crate) fn expiration(when: &str) -> Result<std::time::SystemTime, String> {
    let parsed = crate::primitives::DateTime::parse_rfc3339(when)
        .ok_or_else(|| format!("Expiration {when:?} is not an RFC 3339 time"))?;
    let millis = u64::try_from(parsed.to_millis())
        .map_err(|_| format!("Expiration {when:?} is before 1970"))?;
    Ok(std::time::UNIX_EPOCH + Duration::from_millis(millis))
}

/// Temporary credentials in the JSON the container endpoint, IMDS and
/// `credential_process` answer with: `AccessKeyId`, `SecretAccessKey`,
/// `Token` or `SessionToken`, `Expiration` (RFC 3339).
pub(crate) fn parse_credentials_json(
    body: &[u8],
    provider: &'static str,
) -> Result<super::Credentials, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the response is not JSON: {e}"))?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    if let Some(code) = text("Code").filter(|code| *code != "Success") {
        return Err(format!(
            "the endpoint answered {code}: {}",
            text("Message").unwrap_or("")
        ));
    }
    let (Some(key), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
        return Err("the response lacks AccessKeyId or SecretAccessKey".to_owned());
    };
    let token = text("Token").or_else(|| text("SessionToken"));
    let expiry = text("Expiration").map(expiration).transpose()?;
    Ok(super::Credentials::new(
        key,
        secret,
        token.map(str::to_owned),
        expiry,
        provider,
    ))
}
