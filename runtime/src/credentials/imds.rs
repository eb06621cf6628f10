//! EC2 instance metadata (IMDSv2): a session token first (`PUT
//! /latest/api/token`), then the instance role's name and its credentials.
//! Configured as the AWS SDKs configure it, from the environment, else the
//! profile: `AWS_EC2_METADATA_DISABLED=true` turns it off;
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` (`ec2_metadata_service_endpoint`)
//! moves it; `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`
//! (`ec2_metadata_service_endpoint_mode`, `IPv4` or `IPv6`) picks the
//! default address; `AWS_METADATA_SERVICE_TIMEOUT` (`metadata_service_timeout`,
//! seconds, 1 by default) bounds each call and
//! `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (`metadata_service_num_attempts`, 1
//! by default) is how many times a call that did not get an answer is made.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::http::{ProviderHttp, parse_credentials_json};
use super::{Credentials, Environment, Profile};
use crate::config::settings::Sources;
use crate::transport::{Network, RequestBody};

/// The default endpoint over IPv4.
const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";

/// The default endpoint over IPv6.
const DEFAULT_ENDPOINT_IPV6: &str = "http://[fd00:ec2::254]";

/// Each call's default limit: a machine that is not on EC2 must not stall
/// startup.
const TIMEOUT: Duration = Duration::from_secs(1);

/// How long a session token lives (the SDKs' six hours).
const TOKEN_TTL: Duration = Duration::from_secs(21_600);

/// The instance metadata client, with its session token.
#[derive(Debug)]
pub(crate) struct Imds {
    endpoint: String,
    timeout: Duration,
    attempts: u32,
    /// Never a proxy: the endpoint is link-local to the instance.
    network: Network,
    token: Mutex<Option<(String, Instant)>>,
}

impl Imds {
    /// The client the environment and the profile configure; `None` when
    /// it is disabled; an error naming the setting that cannot be read.
    pub(crate) fn from_env(
        env: &Environment,
        profile: Option<&Profile>,
        network: &Network,
    ) -> Result<Option<Self>, String> {
        let disabled = env
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if disabled {
            return Ok(None);
        }
        let empty = Profile::default();
        let sources = Sources {
            env,
            profile: profile.unwrap_or(&empty),
        };
        let ipv6 = sources
            .parsed(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "ec2_metadata_service_endpoint_mode",
                "IPv4 or IPv6",
                |v| match v.to_ascii_lowercase().as_str() {
                    "ipv4" => Some(false),
                    "ipv6" => Some(true),
                    _ => None,
                },
            )
            .map_err(|e| e.message().to_owned())?
            .unwrap_or(false);
        let endpoint = sources
            .text(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "ec2_metadata_service_endpoint",
            )
            .unwrap_or_else(|| {
                if ipv6 {
                    DEFAULT_ENDPOINT_IPV6
                } else {
                    DEFAULT_ENDPOINT
                }
                .to_owned()
            });
        let timeout = sources
            .parsed(
                "AWS_METADATA_SERVICE_TIMEOUT",
                "metadata_service_timeout",
                "a number of seconds above zero",
                |v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                        .map(Duration::from_secs_f64)
                },
            )
            .map_err(|e| e.message().to_owned())?
            .unwrap_or(TIMEOUT);
        let attempts = sources
            .attempts(
                "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                "metadata_service_num_attempts",
            )
            .map_err(|e| e.message().to_owned())?
            .unwrap_or(1);
        Ok(Some(Imds {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            timeout,
            attempts,
            network: network.without_proxy(),
            token: Mutex::new(None),
        }))
    }

    /// The instance role's credentials.
    pub(crate) async fn credentials(&self) -> Result<Credentials, String> {
        let http = ProviderHttp::new(&self.network, self.timeout)?;
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
        let http = ProviderHttp::new(&self.network, self.timeout)?;
        let body = self
            .get(&http, "/latest/meta-data/placement/region")
            .await?;
        let region = String::from_utf8_lossy(&body).trim().to_owned();
        if region.is_empty() {
            return Err("IMDS gave an empty region".to_owned());
        }
        Ok(region)
    }

    /// The request `make` builds, made again while it gets no answer, up
    /// to the configured number of attempts.
    async fn call(
        &self,
        http: &ProviderHttp,
        make: impl Fn() -> Result<http::Request<RequestBody>, String>,
    ) -> Result<(http::StatusCode, Bytes), String> {
        let mut last = String::new();
        for _ in 0..self.attempts {
            match http.call(make()?).await {
                Ok(answer) => return Ok(answer),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// A metadata path's content, with a session token; a token the
    /// service no longer accepts (401) is replaced once.
    async fn get(&self, http: &ProviderHttp, path: &str) -> Result<Bytes, String> {
        for attempt in 0..2 {
            let token = self.token(http, attempt > 0).await?;
            let mut header = http::HeaderValue::from_str(&token)
                .map_err(|_| "the IMDS token is not a header value".to_owned())?;
            header.set_sensitive(true);
            let request = || {
                http::Request::builder()
                    .method("GET")
                    .uri(format!("{}{path}", self.endpoint))
                    .header("x-aws-ec2-metadata-token", header.clone())
                    .body(RequestBody::from(Bytes::new()))
                    .map_err(|e| e.to_string())
            };
            let (status, body) = self.call(http, request).await?;
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
        let request = || {
            http::Request::builder()
                .method("PUT")
                .uri(format!("{}/latest/api/token", self.endpoint))
                .header(
                    "x-aws-ec2-metadata-token-ttl-seconds",
                    TOKEN_TTL.as_secs().to_string(),
                )
                .body(RequestBody::from(Bytes::new()))
                .map_err(|e| e.to_string())
        };
        let (status, body) = self.call(http, request).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{ProxyConfig, TlsConfig};

    fn network() -> Network {
        Network::new(&ProxyConfig::disabled(), &TlsConfig::new()).unwrap()
    }

    fn imds(vars: &[(&str, &str)], profile: Option<&Profile>) -> Result<Option<Imds>, String> {
        Imds::from_env(
            &Environment::from_vars(vars.iter().copied()),
            profile,
            &network(),
        )
    }

    #[test]
    fn the_environment_configures_endpoint_mode_timeout_and_attempts() {
        let client = imds(&[], None).unwrap().unwrap();
        assert_eq!(
            (client.endpoint.as_str(), client.timeout, client.attempts),
            (DEFAULT_ENDPOINT, TIMEOUT, 1)
        );
        let client = imds(
            &[
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
                ("AWS_METADATA_SERVICE_TIMEOUT", "2.5"),
                ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3"),
            ],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(client.endpoint, DEFAULT_ENDPOINT_IPV6);
        assert_eq!(client.timeout, Duration::from_millis(2500));
        assert_eq!(client.attempts, 3);
        // An explicit endpoint wins over the mode.
        let client = imds(
            &[
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"),
            ],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(client.endpoint, "http://127.0.0.1:9");
        assert!(
            imds(&[("AWS_EC2_METADATA_DISABLED", "true")], None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_profile_configures_them_too_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            "[default]\nec2_metadata_service_endpoint_mode = ipv6\nmetadata_service_timeout = 4\nmetadata_service_num_attempts = 2\n\
             [profile moved]\nec2_metadata_service_endpoint = http://127.0.0.1:9\n\
             [profile bad]\nmetadata_service_num_attempts = many\n",
        )
        .unwrap();
        let path = config.display().to_string();
        let env =
            Environment::from_vars([("AWS_CONFIG_FILE", path.as_str()), ("HOME", "/nonexistent")]);
        let profile = super::super::load_profile(&env, None).unwrap();
        let client = Imds::from_env(&env, Some(&profile), &network())
            .unwrap()
            .unwrap();
        assert_eq!(client.endpoint, DEFAULT_ENDPOINT_IPV6);
        assert_eq!(client.timeout, Duration::from_secs(4));
        assert_eq!(client.attempts, 2);
        let moved = super::super::load_profile(&env, Some("moved")).unwrap();
        let client = Imds::from_env(&env, Some(&moved), &network())
            .unwrap()
            .unwrap();
        assert_eq!(client.endpoint, "http://127.0.0.1:9");
        let bad = super::super::load_profile(&env, Some("bad")).unwrap();
        let err = Imds::from_env(&env, Some(&bad), &network()).unwrap_err();
        assert!(
            err.contains("`metadata_service_num_attempts` in profile \"bad\"")
                && err.contains(&path),
            "{err}"
        );
        let err = imds(&[("AWS_METADATA_SERVICE_TIMEOUT", "0")], None).unwrap_err();
        assert!(
            err.contains("AWS_METADATA_SERVICE_TIMEOUT = \"0\""),
            "{err}"
        );
        let err = imds(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")], None).unwrap_err();
        assert!(err.contains("IPv4 or IPv6"), "{err}");
    }
}
