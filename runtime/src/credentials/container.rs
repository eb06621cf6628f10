//! Container credentials (ECS tasks, EKS Pod Identity): a GET to the
//! endpoint that `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` names, with the authorization token
//! from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every call, as it
//! rotates) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.

use std::net::IpAddr;
use std::time::Duration;

use super::http::{ProviderHttp, parse_credentials_json};
use super::{Credentials, Environment};
use crate::transport::{Network, RequestBody};

/// The ECS agent's address for relative URIs.
const ECS_HOST: &str = "http://169.254.170.2";

/// The link-local addresses AWS documents for container endpoints (ECS,
/// EKS Pod Identity over IPv4 and IPv6); other full URIs must be loopback.
const ALLOWED_LINK_LOCAL: [&str; 3] = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"];

/// How long the endpoint has to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Where the container's credentials are, if the environment says.
#[derive(Debug, Clone)]
pub(crate) struct ContainerEndpoint {
    uri: http::Uri,
    token: Option<TokenSource>,
}

#[derive(Debug, Clone)]
enum TokenSource {
    File(String),
    Value(String),
}

impl ContainerEndpoint {
    /// The endpoint the environment configures: `Ok(None)` when neither
    /// variable is set; an error for a full URI to a host that is neither
    /// loopback nor one of the documented link-local addresses.
    pub(crate) fn from_env(env: &Environment) -> Result<Option<Self>, String> {
        let uri = if let Some(relative) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            format!("{ECS_HOST}{relative}")
        } else if let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            let uri: http::Uri = full
                .parse()
                .map_err(|_| format!("AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} is not a URI"))?;
            if uri.scheme_str() != Some("http") {
                return Err(format!(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: only http:// container endpoints are supported"
                ));
            }
            let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
            if !allowed_host(host) {
                return Err(format!(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: the host must be loopback or {}",
                    ALLOWED_LINK_LOCAL.join(", ")
                ));
            }
            full
        } else {
            return Ok(None);
        };
        let uri = uri
            .parse()
            .map_err(|_| format!("the container credentials URI {uri:?} is not a URI"))?;
        let token = env
            .get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            .map(TokenSource::File)
            .or_else(|| {
                env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
                    .map(TokenSource::Value)
            });
        Ok(Some(ContainerEndpoint { uri, token }))
    }

    /// Asks the endpoint for credentials.
    pub(crate) async fn fetch(&self, network: &Network) -> Result<Credentials, String> {
        let mut request = http::Request::builder().method("GET").uri(self.uri.clone());
        if let Some(token) = &self.token {
            let value = match token {
                TokenSource::File(path) => std::fs::read_to_string(path).map_err(|e| {
                    format!("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {e}")
                })?,
                TokenSource::Value(value) => value.clone(),
            };
            let mut header = http::HeaderValue::from_str(value.trim()).map_err(|_| {
                "the container authorization token is not a header value".to_owned()
            })?;
            header.set_sensitive(true);
            request = request.header(http::header::AUTHORIZATION, header);
        }
        let request = request
            .body(RequestBody::from(bytes::Bytes::new()))
            .map_err(|e| e.to_string())?;
        let (status, body) = ProviderHttp::new(network, TIMEOUT)?.call(request).await?;
        if !status.is_success() {
            return Err(format!(
                "{} answered HTTP {status}: {}",
                self.uri,
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ));
        }
        parse_credentials_json(&body, "container")
    }
}

fn allowed_host(host: &str) -> bool {
    if host == "localhost" || ALLOWED_LINK_LOCAL.contains(&host) {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
