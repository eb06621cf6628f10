//! The SSO token `aws sso login` caches in
//! `~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json`, and
//! its refresh: within five minutes of expiry, a token of an `sso_session`
//! whose cache entry holds a refresh token and a client registration is
//! renewed through SSO OIDC `CreateToken` (as the AWS CLI and the SDKs
//! do), and the cache file is rewritten. A legacy token, or one that
//! cannot be renewed, is used until it expires; then the error says which
//! `aws sso login` to run.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::Environment;
use super::http::ProviderHttp;
use crate::primitives::DateTime;
use crate::transport::{Network, RequestBody};

/// How long SSO OIDC has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Tokens this close to expiry are renewed when they can be.
const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Where a token comes from and how to get a new one.
pub(crate) struct TokenSource<'a> {
    /// The session name (`sso_session`) or the legacy start URL.
    pub(crate) cache_key: &'a str,
    /// The region of SSO OIDC, for a session's token; `None` for a legacy
    /// token, which has no refresh token.
    pub(crate) refresh_region: Option<&'a str>,
    /// The command that logs in again.
    pub(crate) login: &'a str,
}

/// The cached access token, renewed first when it is about to expire and
/// can be.
pub(crate) async fn access_token(
    env: &Environment,
    network: &Network,
    source: &TokenSource<'_>,
) -> Result<String, String> {
    let path = cache_path(env, source.cache_key)?;
    let login = source.login;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no cached SSO token at {} ({e}); run `{login}`",
            path.display()
        )
    })?;
    let mut cached: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
        .map_err(|e| {
            format!(
                "the SSO token cache {} is not a JSON object: {e}",
                path.display()
            )
        })?;
    let token = text_field(&cached, "accessToken")
        .ok_or_else(|| format!("the SSO token cache {} has no accessToken", path.display()))?
        .to_owned();
    let expires = time_field(&cached, "expiresAt").ok_or_else(|| {
        format!(
            "the SSO token cache {} has no valid expiresAt",
            path.display()
        )
    })?;
    let now = SystemTime::now();
    if expires > now + REFRESH_WINDOW {
        return Ok(token);
    }
    let expired = expires <= now;
    let refresh = match (source.refresh_region, Refresh::from_cache(&cached, now)) {
        (Some(region), Some(refresh)) => refresh.create_token(env, network, region).await,
        _ if expired => {
            return Err(format!(
                "the cached SSO token expired at {}; run `{login}`",
                DateTime::from(expires).to_rfc3339()
            ));
        }
        _ => return Ok(token),
    };
    match refresh {
        Ok(renewed) => {
            renewed.store(&mut cached, now);
            if let Err(e) = write_atomically(&path, &serde_json::Value::Object(cached)) {
                tracing::warn!(path = %path.display(), error = %e, "the renewed SSO token could not be cached");
            }
            Ok(renewed.access_token)
        }
        Err(why) if !expired => {
            tracing::warn!(%why, "renewing the SSO token failed; using it until it expires");
            Ok(token)
        }
        Err(why) => Err(format!(
            "the cached SSO token expired at {} and renewing it failed ({why}); run `{login}`",
            DateTime::from(expires).to_rfc3339()
        )),
    }
}

/// What a cache entry needs for `CreateToken` with a refresh token.
struct Refresh {
    client_id: String,
    client_secret: String,
    refresh_token: String,
}

/// A new token from SSO OIDC.
struct Renewed {
    access_token: String,
    expires_in: Duration,
    refresh_token: Option<String>,
}

impl Refresh {
    /// The refresh inputs, when the entry has them and its client
    /// registration has not expired.
    fn from_cache(
        cached: &serde_json::Map<String, serde_json::Value>,
        now: SystemTime,
    ) -> Option<Self> {
        if time_field(cached, "registrationExpiresAt").is_some_and(|at| at <= now) {
            return None;
        }
        Some(Refresh {
            client_id: text_field(cached, "clientId")?.to_owned(),
            client_secret: text_field(cached, "clientSecret")?.to_owned(),
            refresh_token: text_field(cached, "refreshToken")?.to_owned(),
        })
    }

    /// SSO OIDC `CreateToken` with the `refresh_token` grant (unsigned), at
    /// `AWS_ENDPOINT_URL_SSO_OIDC`, else `AWS_ENDPOINT_URL`, else the
    /// region's endpoint.
    async fn create_token(
        &self,
        env: &Environment,
        network: &Network,
        region: &str,
    ) -> Result<Renewed, String> {
        let endpoint = env
            .get("AWS_ENDPOINT_URL_SSO_OIDC")
            .or_else(|| env.get("AWS_ENDPOINT_URL"))
            .map_or_else(|| crate::endpoint::regional_url("oidc", region), Ok)?;
        let body = serde_json::json!({
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "grantType": "refresh_token",
            "refreshToken": self.refresh_token,
        })
        .to_string();
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("{}/token", endpoint.trim_end_matches('/')))
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::CONTENT_LENGTH, body.len())
            .body(RequestBody::from(body))
            .map_err(|e| e.to_string())?;
        let (status, body) = ProviderHttp::new(network, TIMEOUT)?.call(request).await?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
            format!("SSO OIDC answered HTTP {status} with something other than JSON: {e}")
        })?;
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        if !status.is_success() {
            return Err(format!(
                "SSO OIDC answered HTTP {status}: {} {}",
                text("error").unwrap_or("(no error code)"),
                text("error_description").unwrap_or("")
            ));
        }
        let access_token = text("accessToken").ok_or("SSO OIDC's answer has no accessToken")?;
        let expires_in = value
            .get("expiresIn")
            .and_then(serde_json::Value::as_u64)
            .ok_or("SSO OIDC's answer has no expiresIn")?;
        Ok(Renewed {
            access_token: access_token.to_owned(),
            expires_in: Duration::from_secs(expires_in),
            refresh_token: text("refreshToken").map(str::to_owned),
        })
    }
}

impl Renewed {
    /// Puts the new token into the cache entry, keeping its other fields.
    fn store(&self, cached: &mut serde_json::Map<String, serde_json::Value>, now: SystemTime) {
        let expires = DateTime::from(now + self.expires_in).to_rfc3339();
        cached.insert("accessToken".into(), self.access_token.clone().into());
        cached.insert("expiresAt".into(), expires.into());
        if let Some(refresh_token) = &self.refresh_token {
            cached.insert("refreshToken".into(), refresh_token.clone().into());
        }
    }
}

fn text_field<'a>(
    cached: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a str> {
    cached.get(key).and_then(serde_json::Value::as_str)
}

fn time_field(
    cached: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<SystemTime> {
    let parsed = DateTime::parse_rfc3339(text_field(cached, key)?)?;
    let millis = u64::try_from(parsed.to_millis()).ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_millis(millis))
}

/// `~/.aws/sso/cache/<hex SHA-1 of key>.json`.
fn cache_path(env: &Environment, key: &str) -> Result<PathBuf, String> {
    let home = env
        .get("HOME")
        .or_else(|| env.get("USERPROFILE"))
        .ok_or("no home directory for the SSO token cache")?;
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let name: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok([
        home.as_str(),
        ".aws",
        "sso",
        "cache",
        &format!("{name}.json"),
    ]
    .iter()
    .collect())
}

/// Writes `value` beside `path` and renames it over `path`, so that a
/// reader (another process, the AWS CLI) never sees half a file.
fn write_atomically(path: &std::path::Path, value: &serde_json::Value) -> std::io::Result<()> {
    let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&temporary, value.to_string())?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
