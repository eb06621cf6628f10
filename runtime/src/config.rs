//! Configuration: [`SdkConfig`], shared by every client of a program
//! (region, credentials with one cache, the HTTP client with one connection
//! pool, retries, timeouts, validation), and each service's [`Config`],
//! which starts from a shared one and may override it for that service.
//!
//! Settings are read as every AWS SDK reads them: code first, then the
//! environment, then the profile in the shared `config` and `credentials`
//! files. Building a configuration checks it; nothing here panics.

mod sdk;
mod service;
pub(crate) mod settings;

pub use sdk::{SdkConfig, SdkConfigBuilder};
pub use service::{Config, ConfigBuilder, Service, ServiceConfig};

use std::fmt;
use std::time::Duration;

use crate::credentials::{self, Environment};
use crate::error::ConfigError;
use crate::transport::{Network, ProxyConfig, TlsConfig};

/// How long the client waits, and for what. Model calls can take minutes, so
/// only connecting has a default bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Option<Duration>,
    first_byte: Option<Duration>,
    operation: Option<Duration>,
    idle: Option<Duration>,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        TimeoutConfig {
            connect: Some(Duration::from_millis(3100)),
            first_byte: None,
            operation: None,
            idle: None,
        }
    }
}

impl TimeoutConfig {
    /// The defaults: a 3.1 s connect timeout and nothing else.
    pub fn new() -> Self {
        Self::default()
    }

    /// No timeouts at all.
    pub fn disabled() -> Self {
        TimeoutConfig {
            connect: None,
            first_byte: None,
            operation: None,
            idle: None,
        }
    }

    /// Bounds establishing a connection (TCP).
    pub fn with_connect(mut self, timeout: Option<Duration>) -> Self {
        self.connect = timeout;
        self
    }

    /// Bounds the wait for response headers after sending each attempt.
    pub fn with_first_byte(mut self, timeout: Option<Duration>) -> Self {
        self.first_byte = timeout;
        self
    }

    /// Bounds the whole operation: every attempt, every backoff, the body,
    /// and for event streams every event until the end.
    pub fn with_operation(mut self, timeout: Option<Duration>) -> Self {
        self.operation = timeout;
        self
    }

    /// Bounds the wait between two events of a response stream.
    pub fn with_idle(mut self, timeout: Option<Duration>) -> Self {
        self.idle = timeout;
        self
    }

    /// The connect timeout.
    pub fn connect(&self) -> Option<Duration> {
        self.connect
    }

    /// The time-to-first-byte timeout.
    pub fn first_byte(&self) -> Option<Duration> {
        self.first_byte
    }

    /// The operation timeout.
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }

    /// The stream idle timeout.
    pub fn idle(&self) -> Option<Duration> {
        self.idle
    }

    fn check(&self) -> Result<(), ConfigError> {
        for (name, value) in [
            ("connect", self.connect),
            ("first byte", self.first_byte),
            ("operation", self.operation),
            ("idle", self.idle),
        ] {
            if value == Some(Duration::ZERO) {
                return Err(ConfigError::new(format!(
                    "the {name} timeout is zero; use None to disable it"
                )));
            }
        }
        Ok(())
    }
}

/// A bearer token (a Bedrock API key): sent as `Authorization: Bearer ...`
/// instead of a SigV4 signature, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }

    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(*** Sensitive Data Redacted ***)")
    }
}

/// Whether requests go to account-based endpoints where the service has
/// them (`AWS_ACCOUNT_ID_ENDPOINT_MODE`, the profile's
/// `account_id_endpoint_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountIdEndpointMode {
    /// Use the account id when it is known (the default).
    #[default]
    Preferred,
    /// Never use it.
    Disabled,
    /// Fail when it is not known.
    Required,
}

impl AccountIdEndpointMode {
    /// The value the endpoint rules' `AWS::Auth::AccountIdEndpointMode` takes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AccountIdEndpointMode::Preferred => "preferred",
            AccountIdEndpointMode::Disabled => "disabled",
            AccountIdEndpointMode::Required => "required",
        }
    }
}

/// The shared-config profile of one configuration, read when first
/// needed and then kept: the CA bundle, the region and the credentials all
/// look in it.
pub(crate) struct ProfileOnce<'a> {
    env: &'a Environment,
    name: Option<&'a str>,
    loaded: std::cell::OnceCell<Result<credentials::Profile, crate::error::CredentialsError>>,
}

impl<'a> ProfileOnce<'a> {
    pub(crate) fn new(env: &'a Environment, name: Option<&'a str>) -> Self {
        ProfileOnce {
            env,
            name,
            loaded: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &Result<credentials::Profile, crate::error::CredentialsError> {
        self.loaded
            .get_or_init(|| credentials::load_profile(self.env, self.name))
    }
}

/// The proxies and roots: those given, else the environment's (when it
/// is read), else none and Mozilla's.
pub(crate) fn network(
    profile: Option<&ProfileOnce<'_>>,
    proxy: Option<ProxyConfig>,
    tls: Option<TlsConfig>,
) -> Result<Network, ConfigError> {
    let proxy = match (proxy, profile) {
        (Some(proxy), _) => proxy,
        (None, Some(profile)) => ProxyConfig::from_environment(profile.env)?,
        (None, None) => ProxyConfig::disabled(),
    };
    let tls = match (tls, profile) {
        (Some(tls), _) => tls,
        (None, Some(profile)) => {
            // A profile that cannot be read has no `ca_bundle`; reading
            // its other settings reports why.
            TlsConfig::from_environment(profile.env, profile.get().as_ref().ok())?
        }
        (None, None) => TlsConfig::new(),
    };
    Network::new(&proxy, &tls)
}

/// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
pub(crate) fn environment_region(env: &Environment) -> Option<String> {
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
}

/// The region the environment or the profile names, if any.
fn configured_region(env: &Environment, profile: Option<&str>) -> Option<String> {
    environment_region(env).or_else(|| {
        credentials::load_profile(env, profile)
            .ok()?
            .get("region")
            .map(str::to_owned)
    })
}

#[cfg(test)]
mod tests;
