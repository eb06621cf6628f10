//! IAM Identity Center (SSO): the role credentials `GetRoleCredentials`
//! gives for the access token `aws sso login` cached in
//! `~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json`. An
//! expired token is not refreshed here: the error says to log in again.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::http::ProviderHttp;
use super::{Credentials, Environment, Profile, load_profile};
use crate::transport::{Network, RequestBody};

/// How long the portal has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The role credentials of an SSO profile.
pub(crate) async fn credentials(
    env: &Environment,
    network: &Network,
    profile: &Profile,
) -> Result<Credentials, String> {
    let (cache_key, region, login) = match profile.get("sso_session") {
        Some(session) => {
            let section =
                load_profile(env, Some(&format!("sso-session {session}"))).map_err(|_| {
                    format!("sso_session {session:?} has no [sso-session {session}] section")
                })?;
            let region = section
                .get("sso_region")
                .ok_or_else(|| format!("[sso-session {session}] has no sso_region"))?
                .to_owned();
            (
                session.to_owned(),
                region,
                format!("aws sso login --sso-session {session}"),
            )
        }
        None => {
            let start_url = profile.get("sso_start_url").ok_or("no sso_start_url")?;
            let region = profile.get("sso_region").ok_or("no sso_region")?.to_owned();
            (
                start_url.to_owned(),
                region,
                format!("aws sso login --profile {}", profile.name),
            )
        }
    };
    let account = profile.get("sso_account_id").ok_or("no sso_account_id")?;
    let role = profile.get("sso_role_name").ok_or("no sso_role_name")?;
    let token = cached_token(env, &cache_key, &login)?;

    let endpoint = env
        .get("AWS_ENDPOINT_URL_SSO")
        .or_else(|| env.get("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    let query = |v: &str| {
        percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let uri = format!(
        "{}/federation/credentials?account_id={}&role_name={}",
        endpoint.trim_end_matches('/'),
        query(account),
        query(role)
    );
    let mut header = http::HeaderValue::from_str(&token)
        .map_err(|_| "the cached SSO token is not a header value".to_owned())?;
    header.set_sensitive(true);
    let request = http::Request::builder()
        .method("GET")
        .uri(uri)
        .header("x-amz-sso_bearer_token", header)
        .body(RequestBody::from(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let (status, body) = ProviderHttp::new(network, TIMEOUT)?.call(request).await?;
    if status == http::StatusCode::UNAUTHORIZED || status == http::StatusCode::FORBIDDEN {
        return Err(format!(
            "the SSO portal refused the cached token (HTTP {status}); run `{login}`"
        ));
    }
    if !status.is_success() {
        return Err(format!(
            "GetRoleCredentials answered HTTP {status}: {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| format!("GetRoleCredentials's answer is not JSON: {e}"))?;
    let role_credentials = &value["roleCredentials"];
    let text = |key: &str| {
        role_credentials
            .get(key)
            .and_then(serde_json::Value::as_str)
    };
    let (Some(key), Some(secret)) = (text("accessKeyId"), text("secretAccessKey")) else {
        return Err("GetRoleCredentials's answer lacks accessKeyId or secretAccessKey".to_owned());
    };
    let expiry = role_credentials
        .get("expiration")
        .and_then(serde_json::Value::as_u64)
        .map(|millis| std::time::UNIX_EPOCH + Duration::from_millis(millis));
    Ok(Credentials::new(
        key,
        secret,
        text("sessionToken").map(str::to_owned),
        expiry,
        "sso",
    ))
}

/// The access token cached for `key`, unless it has expired.
fn cached_token(env: &Environment, key: &str, login: &str) -> Result<String, String> {
    let home = env
        .get("HOME")
        .or_else(|| env.get("USERPROFILE"))
        .ok_or("no home directory for the SSO token cache")?;
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let name: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let path: PathBuf = [
        home.as_str(),
        ".aws",
        "sso",
        "cache",
        &format!("{name}.json"),
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no cached SSO token at {} ({e}); run `{login}`",
            path.display()
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("the SSO token cache {} is not JSON: {e}", path.display()))?;
    let token = value
        .get("accessToken")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("the SSO token cache {} has no accessToken", path.display()))?;
    let expires = value
        .get("expiresAt")
        .and_then(serde_json::Value::as_str)
        .and_then(crate::primitives::DateTime::parse_rfc3339)
        .ok_or_else(|| {
            format!(
                "the SSO token cache {} has no valid expiresAt",
                path.display()
            )
        })?;
    let now_millis = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    if expires.to_millis() <= now_millis {
        return Err(format!(
            "the cached SSO token expired at {}; run `{login}` (refreshing it is not done here)",
            expires.to_rfc3339()
        ));
    }
    Ok(token.to_owned())
}
