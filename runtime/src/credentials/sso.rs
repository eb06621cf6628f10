//! IAM Identity Center (SSO): the role credentials `GetRoleCredentials`
//! gives for the access token `aws sso login` cached (see [`super::sso_token`]
//! for the cache and the token's renewal).

use std::time::Duration;

use bytes::Bytes;

use super::http::ProviderHttp;
use super::sso_token::{TokenSource, access_token};
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
    let session = profile.get("sso_session");
    let (cache_key, region, login) = match session {
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
    let source = TokenSource {
        cache_key: &cache_key,
        // Only a session's token can be renewed (legacy ones have no
        // refresh token).
        refresh_region: session.map(|_| region.as_str()),
        login: &login,
    };
    let token = access_token(env, network, &source).await?;

    let endpoint = env
        .get("AWS_ENDPOINT_URL_SSO")
        .or_else(|| env.get("AWS_ENDPOINT_URL"))
        .map_or_else(|| crate::endpoint::regional_url("portal.sso", &region), Ok)?;
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
