//! A service's [`Config`]: a shared [`SdkConfig`] and what one service
//! resolves from it (its endpoint, its bearer token, its User-Agent).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use http::HeaderValue;

use super::sdk::{SdkConfig, SdkConfigBuilder};
use super::{AccountIdEndpointMode, BearerToken, TimeoutConfig};
use crate::credentials::{self, CredentialsCache, ProvideCredentials};
use crate::dispatch::{OperationInfo, ServiceInfo};
use crate::endpoint::{Endpoint, is_valid_region};
use crate::endpoint_rules::Value;
use crate::error::ConfigError;
use crate::retry::RetryConfig;
use crate::transport::{HttpClient, ProxyConfig, TlsConfig};
use crate::validation::ValidationMode;

/// A generated service crate: what the runtime needs to know about it.
/// Each crate defines one (`bedrock_runtime::config::Service`), so that
/// its `Config` is `sdk_runtime::config::Config<Service>`.
pub trait Service: 'static {
    /// The service's names, signing and endpoint rules.
    const INFO: &'static ServiceInfo;
}

/// The configuration of one service's clients: a shared [`SdkConfig`]
/// with this service's overrides, and what the service resolves from it.
/// Cheap to clone.
///
/// Made from a shared configuration with `Config::from(&sdk_config)` (or
/// [`ConfigBuilder::from`] to override settings for this service), or on
/// its own with [`Config::builder`], [`Config::env_builder`] and
/// [`Config::from_env`].
pub struct Config<S> {
    resolved: ServiceConfig,
    service: PhantomData<fn() -> S>,
}

impl<S> Clone for Config<S> {
    fn clone(&self) -> Self {
        Config {
            resolved: self.resolved.clone(),
            service: PhantomData,
        }
    }
}

impl<S> fmt::Debug for Config<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.resolved.fmt(f)
    }
}

impl<S: Service> Config<S> {
    /// A builder that takes nothing from the environment.
    pub fn builder() -> ConfigBuilder<S> {
        ConfigBuilder::new(None, SdkConfig::builder())
    }

    /// A builder that fills what it is not given from the environment and
    /// the profile, as [`SdkConfig::env_builder`] does.
    pub fn env_builder() -> ConfigBuilder<S> {
        ConfigBuilder::new(None, SdkConfig::env_builder())
    }

    /// [`Config::env_builder`] reading the given variables instead of the
    /// process environment (`AWS_REGION`, `AWS_CONFIG_FILE`, `HTTPS_PROXY`,
    /// ...): for tests, and for programs that keep such settings elsewhere.
    pub fn env_builder_from<'a>(
        variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> ConfigBuilder<S> {
        ConfigBuilder::new(None, SdkConfig::env_builder_from(variables))
    }

    /// [`Config::env_builder`], built.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::env_builder().build()
    }

    /// [`Config::env_builder`], loaded: as [`Config::from_env`], and on EC2
    /// with no region configured, the instance's region from its metadata.
    pub async fn load_from_env() -> Result<Self, ConfigError> {
        Self::env_builder().load().await
    }

    /// A builder that starts from this configuration's shared settings
    /// (not from what it resolved: the endpoint is resolved again).
    pub fn to_builder(&self) -> ConfigBuilder<S> {
        ConfigBuilder::new(Some(self.resolved.inner.sdk.clone()), SdkConfig::builder())
    }
}

impl<S> Config<S> {
    /// What the runtime's dispatcher uses.
    #[doc(hidden)]
    pub fn resolved(&self) -> &ServiceConfig {
        &self.resolved
    }

    /// The shared configuration this one starts from, with this service's
    /// overrides.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.resolved.inner.sdk
    }

    /// The region requests are signed for, if one is configured.
    pub fn region(&self) -> Option<&str> {
        self.resolved.region()
    }

    /// The endpoint URL configured for this service (in code, the
    /// environment or the profile), if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.resolved.inner.endpoint_url.as_deref()
    }

    /// Where requests go: the configured endpoint URL, or the one the
    /// service's endpoint rules give for the region; or why there is none.
    pub fn endpoint(&self) -> Result<String, ConfigError> {
        self.resolved
            .inner
            .endpoint
            .as_ref()
            .map(Endpoint::to_string)
            .map_err(Clone::clone)
    }

    /// How failed attempts are retried.
    pub fn retry(&self) -> &RetryConfig {
        self.resolved.retry()
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &TimeoutConfig {
        self.resolved.timeouts()
    }

    /// What happens to inputs that violate the model's constraints.
    pub fn validation_mode(&self) -> ValidationMode {
        self.resolved.validation_mode()
    }

    /// Whether operations with a host prefix send it before the host.
    pub fn inject_host_prefix(&self) -> bool {
        self.resolved.inject_host_prefix()
    }

    /// Whether requests carry a bearer token rather than a SigV4 signature.
    pub fn uses_bearer_token(&self) -> bool {
        self.resolved.inner.bearer_token.is_some()
    }
}

/// Clients made from one `SdkConfig` share its credentials cache and
/// connection pool. Never fails: what this service cannot resolve (no
/// region, no endpoint for it) is reported by each call, as a
/// configuration error, before anything is sent.
impl<S: Service> From<&SdkConfig> for Config<S> {
    fn from(sdk: &SdkConfig) -> Self {
        Config {
            resolved: ServiceConfig::new(S::INFO, sdk.clone()),
            service: PhantomData,
        }
    }
}

/// Builds a service's [`Config`]: from the environment, from nothing, or
/// from a shared [`SdkConfig`] (`ConfigBuilder::from(&sdk_config)`) whose
/// settings it overrides for this service. It takes every setting
/// [`SdkConfigBuilder`] takes.
pub struct ConfigBuilder<S> {
    base: Option<SdkConfig>,
    settings: SdkConfigBuilder,
    service: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for ConfigBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("shared", &self.base)
            .field("region", &self.settings.region)
            .field(
                "credentials",
                &self.settings.credentials.as_ref().map(|_| "set"),
            )
            .field("endpoint_url", &self.settings.endpoint_url)
            .field("profile", &self.settings.profile)
            .finish_non_exhaustive()
    }
}

impl<S: Service> From<&SdkConfig> for ConfigBuilder<S> {
    fn from(sdk: &SdkConfig) -> Self {
        ConfigBuilder::new(Some(sdk.clone()), SdkConfig::builder())
    }
}

/// Each setter sets the same setting of [`SdkConfigBuilder`], for this
/// service only.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $($arg: $ty),*) -> Self {
                self.settings = self.settings.$name($($arg),*);
                self
            }
        )*
    };
}

impl<S: Service> ConfigBuilder<S> {
    fn new(base: Option<SdkConfig>, settings: SdkConfigBuilder) -> Self {
        ConfigBuilder {
            base,
            settings,
            service: PhantomData,
        }
    }

    setters! {
        /// See [`SdkConfigBuilder::bearer_token`]; an error for a service
        /// that accepts none.
        bearer_token(token: impl Into<String>);
        /// See [`SdkConfigBuilder::use_fips`].
        use_fips(use_fips: bool);
        /// See [`SdkConfigBuilder::use_dual_stack`].
        use_dual_stack(use_dual_stack: bool);
        /// See [`SdkConfigBuilder::region`].
        region(region: impl Into<String>);
        /// See [`SdkConfigBuilder::credentials_provider`]; for this service
        /// only, with a cache of its own.
        credentials_provider(provider: impl ProvideCredentials + 'static);
        /// See [`SdkConfigBuilder::credentials`].
        credentials(credentials: credentials::Credentials);
        /// See [`SdkConfigBuilder::endpoint_url`]; wins over any endpoint
        /// URL the shared configuration, the environment or the profile has.
        endpoint_url(url: impl Into<String>);
        /// See [`SdkConfigBuilder::proxy`]; from a shared configuration,
        /// this service gets an HTTP client of its own.
        proxy(proxy: ProxyConfig);
        /// See [`SdkConfigBuilder::tls_config`]; from a shared
        /// configuration, this service gets an HTTP client of its own.
        tls_config(tls: TlsConfig);
        /// See [`SdkConfigBuilder::http_client`].
        http_client(client: impl HttpClient);
        /// See [`SdkConfigBuilder::retry_config`].
        retry_config(retry: RetryConfig);
        /// See [`SdkConfigBuilder::timeout_config`].
        timeout_config(timeouts: TimeoutConfig);
        /// See [`SdkConfigBuilder::validation_mode`].
        validation_mode(mode: ValidationMode);
        /// See [`SdkConfigBuilder::inject_host_prefix`].
        inject_host_prefix(inject: bool);
        /// See [`SdkConfigBuilder::app_id`].
        app_id(app_id: impl Into<String>);
        /// See [`SdkConfigBuilder::account_id`].
        account_id(account_id: impl Into<String>);
        /// See [`SdkConfigBuilder::account_id_endpoint_mode`].
        account_id_endpoint_mode(mode: AccountIdEndpointMode);
        /// See [`SdkConfigBuilder::profile_name`]; an error on a builder
        /// made from a shared configuration, which has read its profile.
        profile_name(profile: impl Into<String>);
    }

    /// [`ConfigBuilder::build`], after asking EC2 instance metadata for the
    /// region when the environment is read and names none.
    pub async fn load(self) -> Result<Config<S>, ConfigError> {
        let sdk = match self.base {
            None => self.settings.load().await?,
            Some(base) => base.overridden(self.settings)?,
        };
        Self::finish(sdk, None)
    }

    /// Checks the configuration for this service: a region and
    /// credentials (or a bearer token the service accepts) are required,
    /// and the service's endpoint must resolve.
    pub fn build(self) -> Result<Config<S>, ConfigError> {
        let explicit_bearer = self.settings.bearer_token.is_some();
        let sdk = match self.base {
            None => self.settings.build()?,
            Some(base) => base.overridden(self.settings)?,
        };
        Self::finish(sdk, Some(explicit_bearer))
    }

    fn finish(sdk: SdkConfig, explicit_bearer: Option<bool>) -> Result<Config<S>, ConfigError> {
        if explicit_bearer == Some(true) && S::INFO.bearer_token_env.is_none() {
            return Err(ConfigError::new(
                "this service does not accept bearer tokens",
            ));
        }
        let resolved = ServiceConfig::new(S::INFO, sdk);
        if let Err(e) = &resolved.inner.endpoint {
            return Err(e.clone());
        }
        if resolved.inner.sdk.inner().credentials.is_none() && resolved.inner.bearer_token.is_none()
        {
            return Err(ConfigError::new(
                "no credentials: pass credentials or a provider, or use `Config::env_builder()` for the default chain",
            ));
        }
        Ok(Config {
            resolved,
            service: PhantomData,
        })
    }
}

fn no_region() -> ConfigError {
    ConfigError::no_region(
        "no region: set one with `region(..)`, AWS_REGION, or the profile's `region` (on EC2, `load().await` asks instance metadata)",
    )
}

/// A service's configuration as the dispatcher uses it: the shared
/// settings, and what this service resolved from them.
#[derive(Clone)]
pub struct ServiceConfig {
    inner: Arc<Resolved>,
}

struct Resolved {
    service: &'static ServiceInfo,
    sdk: SdkConfig,
    /// The endpoint URL configured for this service, if any.
    endpoint_url: Option<String>,
    /// The service's endpoint, or why it has none (reported by each call).
    endpoint: Result<Endpoint, ConfigError>,
    bearer_token: Option<BearerToken>,
    user_agent: HeaderValue,
    /// The built-in endpoint parameters, kept when the service has rules,
    /// to resolve the endpoints of operations that fix parameters of their
    /// own.
    endpoint_built_ins: Option<BuiltIns>,
    /// Endpoints resolved for such operations, by operation name.
    operation_endpoints: Mutex<BTreeMap<&'static str, Endpoint>>,
}

/// The values of the endpoint rules' built-in parameters, by built-in name
/// (`AWS::Region`, ...).
type BuiltIns = BTreeMap<&'static str, Value>;

impl ServiceConfig {
    /// `service`'s configuration from a shared one.
    pub(crate) fn new(service: &'static ServiceInfo, sdk: SdkConfig) -> Self {
        let shared = sdk.inner();
        let configured_url = match (&shared.endpoint_url, &shared.configured) {
            (Some(url), _) => Ok(Some(url.clone())),
            (None, Some(configured)) => configured.endpoint_url(Some(service.sdk_id)),
            (None, None) => Ok(None),
        };
        let bearer_token = match service.bearer_token_env {
            None => None,
            Some(variable) => shared.bearer_token.clone().or_else(|| {
                shared
                    .configured
                    .as_ref()
                    .and_then(|c| c.env.get(variable))
                    .map(BearerToken::new)
            }),
        };
        let (endpoint_url, resolved) = match configured_url {
            Ok(url) => {
                let resolved = match shared.region.as_deref() {
                    Some(region) => resolve_endpoint(service, &sdk, region, url.as_deref()),
                    None => Err(no_region()),
                };
                (url, resolved)
            }
            Err(e) => (None, Err(e)),
        };
        let (endpoint, endpoint_built_ins) = match resolved {
            Ok((endpoint, built_ins)) => (Ok(endpoint), built_ins),
            Err(e) => (Err(e), None),
        };
        let endpoint = endpoint.and_then(|endpoint| {
            if bearer_token.is_some() && !endpoint.is_https() && !endpoint.is_loopback() {
                Err(ConfigError::new(format!(
                    "a bearer token is only sent over HTTPS or to a loopback address, not to {endpoint}"
                )))
            } else {
                Ok(endpoint)
            }
        });
        ServiceConfig {
            inner: Arc::new(Resolved {
                service,
                user_agent: user_agent(service, shared.app_id.as_deref()),
                sdk,
                endpoint_url,
                endpoint,
                bearer_token,
                endpoint_built_ins,
                operation_endpoints: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// The service.
    pub(crate) fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The region requests are signed for, if one is configured.
    pub fn region(&self) -> Option<&str> {
        self.inner.sdk.region()
    }

    /// How failed attempts are retried.
    pub fn retry(&self) -> &RetryConfig {
        self.inner.sdk.retry()
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &TimeoutConfig {
        self.inner.sdk.timeouts()
    }

    /// What happens to inputs that violate the model's constraints.
    pub fn validation_mode(&self) -> ValidationMode {
        self.inner.sdk.validation_mode()
    }

    /// Whether operations with a host prefix send it before the host.
    pub fn inject_host_prefix(&self) -> bool {
        self.inner.sdk.inner().inject_host_prefix
    }

    /// `User-Agent` and `x-amz-user-agent`.
    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.inner.user_agent
    }

    /// The credentials requests are signed with.
    pub(crate) fn credentials(&self) -> Option<&CredentialsCache> {
        self.inner.sdk.inner().credentials.as_deref()
    }

    /// The bearer token requests are sent with, when one is configured.
    pub(crate) fn bearer_token(&self) -> Option<&BearerToken> {
        self.inner.bearer_token.as_ref()
    }

    pub(crate) fn http_client(&self) -> &dyn HttpClient {
        self.inner.sdk.inner().http.as_ref()
    }

    /// The endpoint of `op`: the configuration's, unless the operation
    /// fixes endpoint parameters of its own (`staticContextParams`), whose
    /// endpoint is resolved once and kept.
    pub(crate) fn endpoint_for(
        &self,
        op: &OperationInfo,
    ) -> Result<Cow<'_, Endpoint>, ConfigError> {
        let endpoint = self.inner.endpoint.as_ref().map_err(Clone::clone)?;
        let service = self.inner.service;
        let (Some(built_ins), Some(rules)) =
            (&self.inner.endpoint_built_ins, &service.endpoint_rules)
        else {
            return Ok(Cow::Borrowed(endpoint));
        };
        if op.endpoint_params.is_empty() || op.endpoint_params == service.endpoint_params {
            return Ok(Cow::Borrowed(endpoint));
        }
        let mut cache = self
            .inner
            .operation_endpoints
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(endpoint) = cache.get(op.name) {
            return Ok(Cow::Owned(endpoint.clone()));
        }
        let url = rules
            .parsed()?
            .resolve_built_ins(built_ins, op.endpoint_params)
            .map_err(|e| ConfigError::new(format!("no endpoint for {}: {e}", op.name)))?;
        let endpoint = Endpoint::parse(&url)?;
        cache.insert(op.name, endpoint.clone());
        Ok(Cow::Owned(endpoint))
    }
}

/// Shows the settings, never credentials.
impl fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("service", &self.inner.service.sdk_id)
            .field("endpoint", &self.inner.endpoint)
            .field("bearer_token", &self.inner.bearer_token)
            .field("shared", &self.inner.sdk)
            .finish_non_exhaustive()
    }
}

/// `bedrock-runtime/0.1.0 md/sdk-runtime#0.1.0 os/linux lang/rust app/ID`:
/// the service crate and its version, this runtime, the platform, and the
/// application id when one is configured.
fn user_agent(service: &ServiceInfo, app_id: Option<&str>) -> HeaderValue {
    let mut text = format!(
        "{}/{} md/{}#{} os/{} lang/rust",
        service.crate_name,
        service.crate_version,
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    if let Some(id) = app_id {
        text.push_str(" app/");
        text.push_str(id);
    }
    // The parts are checked when configured; a value that still is not a
    // header falls back to the crate alone rather than failing every call.
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("aws-sdk-rust"))
}

/// The endpoint by the service's rules (the configured endpoint URL
/// included), with the built-in parameters it was resolved with, or by the
/// region's partition for models without rules.
fn resolve_endpoint(
    service: &ServiceInfo,
    sdk: &SdkConfig,
    region: &str,
    endpoint_url: Option<&str>,
) -> Result<(Endpoint, Option<BuiltIns>), ConfigError> {
    if !is_valid_region(region) {
        return Err(ConfigError::new(format!(
            "region {region:?} is not a valid region name (lowercase letters, digits and '-')"
        )));
    }
    let use_fips = sdk.use_fips();
    let use_dual_stack = sdk.use_dual_stack();
    let Some(rules) = &service.endpoint_rules else {
        if use_fips || use_dual_stack {
            return Err(ConfigError::new(
                "FIPS and dual-stack endpoints need the service's endpoint rules",
            ));
        }
        let endpoint = match endpoint_url {
            Some(url) => Endpoint::parse(url)?,
            None => Endpoint::for_region(service.endpoint_prefix, region)?,
        };
        return Ok((endpoint, None));
    };
    let mut built_ins = BTreeMap::new();
    built_ins.insert("AWS::Region", Value::String(region.to_owned()));
    built_ins.insert("AWS::UseFIPS", Value::Bool(use_fips));
    built_ins.insert("AWS::UseDualStack", Value::Bool(use_dual_stack));
    let mode = sdk.account_id_endpoint_mode();
    built_ins.insert(
        "AWS::Auth::AccountIdEndpointMode",
        Value::String(mode.as_str().to_owned()),
    );
    if mode != AccountIdEndpointMode::Disabled
        && let Some(account_id) = sdk.account_id()
    {
        built_ins.insert("AWS::Auth::AccountId", Value::String(account_id.to_owned()));
    }
    if let Some(url) = endpoint_url {
        // Checked first: the rules pass a custom endpoint through as given.
        Endpoint::parse(url)?;
        built_ins.insert("SDK::Endpoint", Value::String(url.to_owned()));
    }
    let url = rules
        .parsed()?
        .resolve_built_ins(&built_ins, service.endpoint_params)
        .map_err(|e| ConfigError::new(format!("no endpoint: {e}")))?;
    Ok((Endpoint::parse(&url)?, Some(built_ins)))
}
