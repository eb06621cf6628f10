//! A profile's credentials, following its roles: `role_arn` with a
//! `source_profile` (itself resolved the same way, a cycle refused) or a
//! `credential_source` (`Environment`, `Ec2InstanceMetadata`,
//! `EcsContainer`), or with a `web_identity_token_file`; else the
//! profile's keys or its `credential_process`.

use std::collections::BTreeSet;

use super::container::ContainerEndpoint;
use super::imds::Imds;
use super::sts::Sts;
use super::{Credentials, Environment, Profile, from_environment, load_profile, process};
use crate::transport::Network;

/// The most roles one resolution follows.
const MAX_DEPTH: usize = 8;

/// Why a profile gave no credentials.
pub(crate) enum ProfileOutcome {
    /// The profile configures no way to get credentials (the chain goes on).
    NotConfigured(String),
    /// The profile configures one, and it failed (the chain stops).
    Failed(String),
}

/// The credentials the profile `name` (or `AWS_PROFILE`, or `default`) configures.
pub(crate) async fn resolve(
    env: &Environment,
    network: &Network,
    name: Option<&str>,
    region: Option<&str>,
) -> Result<Credentials, ProfileOutcome> {
    let profile = load_profile(env, name)
        .map_err(|e| ProfileOutcome::NotConfigured(e.message().to_owned()))?;
    let mut visited = BTreeSet::new();
    resolve_profile(env, network, profile, region, &mut visited).await
}

async fn resolve_profile(
    env: &Environment,
    network: &Network,
    profile: Profile,
    region: Option<&str>,
    visited: &mut BTreeSet<String>,
) -> Result<Credentials, ProfileOutcome> {
    let name = profile.name.clone();
    let failed = |why: String| ProfileOutcome::Failed(format!("profile {name:?}: {why}"));
    if !visited.insert(name.clone()) {
        let path: Vec<&str> = visited.iter().map(String::as_str).collect();
        return Err(failed(format!(
            "source_profile makes a cycle through {}",
            path.join(", ")
        )));
    }
    if visited.len() > MAX_DEPTH {
        return Err(failed(format!("more than {MAX_DEPTH} roles to follow")));
    }
    let region = profile.get("region").or(region);
    let Some(role_arn) = profile.get("role_arn") else {
        if let Some(credentials) = profile.credentials().map_err(|e| failed(e.to_string()))? {
            return Ok(credentials);
        }
        if let Some(command) = profile.get("credential_process") {
            return process::run(command)
                .await
                .map_err(|e| failed(format!("credential_process: {e}")));
        }
        if profile.get("sso_session").is_some() || profile.get("sso_start_url").is_some() {
            return super::sso::credentials(env, network, &profile)
                .await
                .map_err(|e| failed(format!("IAM Identity Center: {e}")));
        }
        return Err(ProfileOutcome::NotConfigured(format!(
            "profile {name:?}: no keys, no credential_process, no role_arn, no SSO"
        )));
    };
    let sts = Sts::new(env, network, region)
        .map_err(|e| ProfileOutcome::Failed(format!("profile {name:?}: {e}")))?;
    let session_name = profile
        .get("role_session_name")
        .map(str::to_owned)
        .unwrap_or_else(default_session_name);
    if let Some(token_file) = profile.get("web_identity_token_file") {
        return sts
            .assume_role_with_web_identity(role_arn, &session_name, token_file)
            .await
            .map_err(|e| failed(format!("web identity for {role_arn}: {e}")));
    }
    let source = if let Some(source_profile) = profile.get("source_profile") {
        if source_profile == name.as_str() {
            // A profile may name itself: its own keys are the source.
            match profile.credentials().map_err(|e| failed(e.to_string()))? {
                Some(keys) => keys,
                None => {
                    return Err(failed(
                        "source_profile is itself and has no keys".to_owned(),
                    ));
                }
            }
        } else {
            let source = load_profile(env, Some(source_profile))
                .map_err(|e| failed(format!("source_profile: {e}")))?;
            Box::pin(resolve_profile(env, network, source, region, visited))
                .await
                .map_err(|outcome| match outcome {
                    ProfileOutcome::Failed(why) | ProfileOutcome::NotConfigured(why) => {
                        failed(format!("source_profile {source_profile:?}: {why}"))
                    }
                })?
        }
    } else if let Some(source) = profile.get("credential_source") {
        credential_source(env, network, source)
            .await
            .map_err(|e| failed(format!("credential_source {source}: {e}")))?
    } else {
        return Err(failed(
            "role_arn needs source_profile, credential_source or web_identity_token_file"
                .to_owned(),
        ));
    };
    sts.assume_role(role_arn, &session_name, profile.get("external_id"), &source)
        .await
        .map_err(|e| failed(format!("assuming {role_arn}: {e}")))
}

/// The credentials a `credential_source` names.
async fn credential_source(
    env: &Environment,
    network: &Network,
    source: &str,
) -> Result<Credentials, String> {
    match source {
        "Environment" => from_environment(env)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".to_owned()),
        "Ec2InstanceMetadata" => {
            match Imds::from_env(env, load_profile(env, None).ok().as_ref(), network)? {
                Some(imds) => imds.credentials().await,
                None => Err("IMDS is disabled by AWS_EC2_METADATA_DISABLED".to_owned()),
            }
        }
        "EcsContainer" => match ContainerEndpoint::from_env(env)? {
            Some(endpoint) => endpoint.fetch(network).await,
            None => {
                Err("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set".to_owned())
            }
        },
        other => Err(format!(
            "{other:?} is not one of Environment, Ec2InstanceMetadata, EcsContainer"
        )),
    }
}

/// A session name for roles that do not set one, unique enough to tell
/// sessions apart in CloudTrail.
pub(crate) fn default_session_name() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("bedrock-rs-{millis}")
}
