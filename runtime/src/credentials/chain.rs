//! The default credentials chain, in the official SDKs' order: the
//! environment, the profile (roles through STS, keys, `credential_process`),
//! web identity from the environment (EKS IRSA), the container endpoint,
//! then EC2 instance metadata. The first
//! that applies answers; when none does, the error lists each provider and
//! why it did not apply, in order.

use std::fmt;

use aws_credential_types::provider::error::CredentialsError as ProviderError;
use aws_credential_types::provider::{self, ProvideCredentials};

use super::container::ContainerEndpoint;
use super::imds::Imds;
use super::profile_chain::{self, ProfileOutcome};
use super::sts::Sts;
use super::{Credentials, Environment, from_environment};
use crate::transport::Network;

/// The default chain. Each call reads the environment and the shared files
/// again, so that rotated files and tokens are picked up on refresh.
pub struct DefaultChain {
    env: Environment,
    profile: Option<String>,
    /// The region STS is called in, when one is configured.
    region: Option<String>,
    /// The proxies and roots the providers' calls use; an error when the
    /// environment's cannot be used (reported when credentials are asked).
    network: Result<Network, String>,
    /// Instance metadata as the environment and profile configure it:
    /// `None` when disabled, an error when a setting cannot be read.
    imds: Result<Option<Imds>, String>,
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChain")
            .field("profile", &self.profile)
            .field("imds", &self.imds.as_ref().map(Option::is_some))
            .finish()
    }
}

impl DefaultChain {
    /// The chain of the process environment, with `profile` instead of
    /// `AWS_PROFILE` when given.
    pub fn new(profile: Option<String>) -> Self {
        Self::with_environment(Environment::process(), profile)
    }

    /// The chain of the given variables instead of the process environment
    /// (`AWS_CONFIG_FILE`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`, ...): for
    /// tests, and for programs that keep such settings elsewhere.
    pub fn with_variables<'a>(
        profile: Option<String>,
        variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Self::with_environment(Environment::from_vars(variables), profile)
    }

    /// Calls STS in `region` instead of `AWS_REGION`'s (or
    /// `AWS_DEFAULT_REGION`'s, or us-east-1); a role profile's own
    /// `region` still wins, as in the AWS CLI.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    pub(crate) fn with_environment(env: Environment, profile: Option<String>) -> Self {
        let shared = crate::config::ProfileOnce::new(&env, profile.as_deref());
        let network = crate::config::network(Some(&shared), None, None).map_err(|e| e.to_string());
        let region = crate::config::environment_region(&env);
        Self::with_settings(env, profile, network, region)
    }

    /// The chain of a client's configuration: its proxies and roots, and
    /// its region for STS (a profile's own `region` still wins there).
    pub(crate) fn with_settings(
        env: Environment,
        profile: Option<String>,
        network: Result<Network, String>,
        region: Option<String>,
    ) -> Self {
        // A profile that cannot be read has no metadata settings; the
        // chain reports why when it reads the profile for credentials.
        let profile_settings = super::load_profile(&env, profile.as_deref()).ok();
        let imds = match &network {
            Ok(network) => Imds::from_env(&env, profile_settings.as_ref(), network),
            Err(e) => Err(e.clone()),
        };
        DefaultChain {
            env,
            profile,
            region,
            network,
            imds,
        }
    }

    async fn resolve(&self) -> Result<Credentials, ProviderError> {
        let mut tried: Vec<Skipped> = Vec::new();
        let network = match &self.network {
            Ok(network) => network,
            Err(e) => {
                return Err(invalid_configuration(format!(
                    "the proxy or CA bundle settings cannot be used: {e}"
                )));
            }
        };

        match from_environment(&self.env) {
            Ok(Some(credentials)) => return Ok(credentials),
            Ok(None) => tried.push(Skipped::new(
                "environment",
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set",
            )),
            Err(e) => return Err(invalid_configuration(e.to_string())),
        }

        match profile_chain::resolve(
            &self.env,
            network,
            self.profile.as_deref(),
            self.region.as_deref(),
        )
        .await
        {
            Ok(credentials) => return Ok(credentials),
            Err(ProfileOutcome::Failed(why)) => return Err(provider_error(why)),
            Err(ProfileOutcome::NotConfigured(why)) => tried.push(Skipped::new("profile", why)),
        }

        match (
            self.env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
            self.env.get("AWS_ROLE_ARN"),
        ) {
            (Some(token_file), Some(role_arn)) => {
                let session_name = self
                    .env
                    .get("AWS_ROLE_SESSION_NAME")
                    .unwrap_or_else(profile_chain::default_session_name);
                let sts = Sts::new(&self.env, network, self.region.as_deref())
                    .map_err(|e| invalid_configuration(format!("web identity: {e}")))?;
                return sts
                    .assume_role_with_web_identity(&role_arn, &session_name, &token_file)
                    .await
                    .map_err(|e| provider_error(format!("web identity for {role_arn}: {e}")));
            }
            (Some(_), None) => {
                return Err(invalid_configuration(
                    "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN"
                        .to_owned(),
                ));
            }
            _ => tried.push(Skipped::new(
                "web identity",
                "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set",
            )),
        }

        match ContainerEndpoint::from_env(&self.env) {
            Err(e) => {
                return Err(invalid_configuration(format!("container: {e}")));
            }
            Ok(Some(endpoint)) => {
                return endpoint
                    .fetch(network)
                    .await
                    .map_err(|e| provider_error(format!("container: {e}")));
            }
            Ok(None) => tried.push(Skipped::new(
                "container",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set",
            )),
        }

        match &self.imds {
            Err(e) => return Err(invalid_configuration(format!("IMDS: {e}"))),
            Ok(None) => tried.push(Skipped::new(
                "IMDS",
                "disabled by AWS_EC2_METADATA_DISABLED",
            )),
            Ok(Some(imds)) => match imds.credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e) => tried.push(Skipped::new("IMDS", e.to_string())),
            },
        }
        Err(ProviderError::not_loaded(NoCredentialsFound { tried }))
    }
}

// Built outside the async resolver: the error constructors' generic
// conversions do not type-check inside its future.
fn invalid_configuration(message: String) -> ProviderError {
    ProviderError::invalid_configuration(message)
}

fn provider_error(message: String) -> ProviderError {
    ProviderError::provider_error(message)
}

/// No source of the default chain gave credentials: each source, in the
/// order tried, and why it gave nothing. The source of the
/// [`CredentialsError`](crate::error::CredentialsError) a call ends with,
/// for programs (and the CLI) that explain it in their own words.
#[derive(Debug, Clone)]
pub struct NoCredentialsFound {
    tried: Vec<Skipped>,
}

/// A source of the default chain that gave no credentials, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    source: &'static str,
    why: String,
}

impl Skipped {
    fn new(source: &'static str, why: impl Into<String>) -> Self {
        Skipped {
            source,
            why: why.into(),
        }
    }

    /// The source: `environment`, `profile`, `web identity`, `container`
    /// or `IMDS`.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Why it gave nothing.
    pub fn why(&self) -> &str {
        &self.why
    }
}

impl NoCredentialsFound {
    /// The sources in the order they were tried.
    pub fn tried(&self) -> &[Skipped] {
        &self.tried
    }
}

impl fmt::Display for NoCredentialsFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, skipped) in self.tried.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", skipped.source, skipped.why)?;
        }
        Ok(())
    }
}

impl std::error::Error for NoCredentialsFound {}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.resolve())
    }
}
