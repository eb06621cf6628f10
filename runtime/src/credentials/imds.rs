//! EC2 instance metadata (IMDSv2): a session token first (`PUT
//! /latest/api/token`), then the instance role's name and its credentials,
//! each call within a second. `AWS_EC2_METADATA_DISABLED=true` turns it
//! off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it (tests, IPv6).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::http::{ProviderHttp, parse_credentials_json};
use super::{Credentials, Environment};
use crate::transport::{Network, RequestBody};

/// The default endpoint.
const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";

/// Each call's limit: a machine that is not on EC2 must not stall startup.
const TIMEOUT: Duration = Duration::from_secs(1);

/// How long a session token lives (the SDKs' six hours).
const TOKEN_TTL: Duration = Duration::from_secs(21_600);

/// The instance metadata client, with its session token.
#[derive(Debug)]
pub(crate) struct Imds {
    endpoint: String,
    /// Never a proxy: the endpoint is link-local to the instance.
    network: Network,
    token: Mutex<Option<(String, Instant)>>,
}

impl Imds {
    /// The client the environment configures; `None` when it is disabled.
    pub(crate) fn from_env(env: &Environment, network: &Network) -> Option<Self> {
        let disabled = env
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if disabled {
            return None;
        }
        let endpoint = env
            .get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        Some(Imds {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            network: network.without_proxy(),
            token: Mutex::new(None),
        })
    }

    /// The instance role's credentials.
    pub(crate) async fn credentials(&self) -> Result<Credentials, String> {
        let http = ProviderHttp::new(&self.network, TIMEOUT)?;
        let roles = self
            .get(&http, "/latest/meta-data/iam/security-credentials/")
            .await?;
        let role = String::from_utf8_lossy(&roles)
            .lines()
            .next()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .ok_or("the instance has no IAM role")?;
        let body = self
            .get(
                &http,
                &format!("/latest/meta-data/iam/security-credentials/{role}"),
            )
            .await?;
        parse_credentials_json(&body, "imds")
    }

    /// The region the instance runs in.
    pub(crate) async fn region(&self) -> Result<String, String> {
        let http = ProviderHttp::new(&self.network, TIMEOUT)?;
        let body = self
            .get(&http, "/latest/meta-data/placement/region")
            .await?;
        let region = String::from_utf8_lossy(&body).trim().to_owned();
        if region.is_empty() {
            return Err("IMDS gave an empty region".to_owned());
        }
        Ok(region)
    }

    /// A metadata path's content, with a session token; a token the
    /// service no longer accepts (401) is replaced once.
    async fn get(&self, http: &ProviderHttp, path: &str) -> Result<Bytes, String> {
        for attempt in 0..2 {
            let token = self.token(http, attempt > 0).await?;
            let mut header = http::HeaderValue::from_str(&token)
                .map_err(|_| "the IMDS token is not a header value".to_owned())?;
            header.set_sensitive(true);
            let request = http::Request::builder()
                .method("GET")
                .uri(format!("{}{path}", self.endpoint))
                .header("x-aws-ec2-metadata-token", header)
                .body(RequestBody::from(Bytes::new()))
                .map_err(|e| e.to_string())?;
            let (status, body) = http.call(request).await?;
            match status.as_u16() {
                200 => return Ok(body),
                401 if attempt == 0 => continue,
                404 => return Err(format!("IMDS has no {path} (no instance role?)")),
                other => return Err(format!("IMDS answered HTTP {other} for {path}")),
            }
        }
        Err("IMDS refused a fresh token".to_owned())
    }

    /// The session token, fetched when there is none, it is about to
    /// expire, or `renew` says the service refused it.
    async fn token(&self, http: &ProviderHttp, renew: bool) -> Result<String, String> {
        if !renew
            && let Ok(cached) = self.token.lock()
            && let Some((token, expires)) = cached.as_ref()
            && *expires > Instant::now() + Duration::from_secs(60)
        {
            return Ok(token.clone());
        }
        let request = http::Request::builder()
            .method("PUT")
            .uri(format!("{}/latest/api/token", self.endpoint))
            .header(
                "x-aws-ec2-metadata-token-ttl-seconds",
                TOKEN_TTL.as_secs().to_string(),
            )
            .body(RequestBody::from(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let (status, body) = http.call(request).await?;
        if !status.is_success() {
            return Err(format!("IMDS refused a session token: HTTP {status}"));
        }
        let token = String::from_utf8(body.to_vec())
            .map_err(|_| "the IMDS token is not text".to_owned())?;
        if let Ok(mut cached) = self.token.lock() {
            *cached = Some((token.clone(), Instant::now() + TOKEN_TTL));
        }
        Ok(token)
    }
}
