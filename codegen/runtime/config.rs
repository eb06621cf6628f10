//! Client configuration: region, credentials, endpoint, retries, timeouts,
//! validation. Building a configuration checks it; nothing here panics.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::credentials::{
    self, CredentialsCache, Environment, ProvideCredentials, SharedCredentialsProvider,
};
use crate::endpoint::{Endpoint, is_valid_region};
use crate::endpoint_rules::{RuleError, RuleSet, Value};
use crate::retry::RetryConfig;
use crate::sdk_error::ConfigError;
use crate::transport::{HttpClient, Network, ProxyConfig, TlsConfig};
use crate::validation::ValidationMode;

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

/// A checked client configuration; cheap to clone.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    region: String,
    endpoint: Endpoint,
    endpoint_url: Option<String>,
    credentials: Option<Arc<CredentialsCache>>,
    bearer_token: Option<BearerToken>,
    http: Arc<dyn HttpClient>,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    validation: ValidationMode,
    inject_host_prefix: bool,
    /// The built-in endpoint parameters, kept when the service has rules,
    /// to resolve the endpoints of operations that fix parameters of their
    /// own.
    endpoint_built_ins: Option<BuiltIns>,
    /// Endpoints resolved for such operations, by operation name.
    operation_endpoints: Mutex<BTreeMap<&'static str, Endpoint>>,
}

impl Config {
    /// A builder that takes nothing from the environment.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A builder that fills what it is not given from the environment:
    /// region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile;
    /// credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN`, or the profile's keys, else from the
    /// [`DefaultChain`](crate::credentials::DefaultChain) when first needed
    /// (the profile's `credential_process`, the container endpoint, EC2
    /// instance metadata). The profile is `AWS_PROFILE` (or
    /// [`ConfigBuilder::profile_name`], or `default`) in the shared files
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` (by default
    /// `~/.aws/config` and `~/.aws/credentials`).
    pub fn env_builder() -> ConfigBuilder {
        ConfigBuilder {
            environment: Some(Environment::process()),
            ..ConfigBuilder::default()
        }
    }

    /// [`Config::env_builder`] reading the given variables instead of the
    /// process environment (`AWS_REGION`, `AWS_CONFIG_FILE`, `HTTPS_PROXY`,
    /// ...): for tests, and for programs that keep such settings elsewhere.
    pub fn env_builder_from<'a>(
        variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> ConfigBuilder {
        ConfigBuilder {
            environment: Some(Environment::from_vars(variables)),
            ..ConfigBuilder::default()
        }
    }

    /// [`Config::env_builder`], built.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::env_builder().build()
    }

    /// [`Config::env_builder`], loaded: as [`Config::from_env`], and on EC2
    /// with no region configured, the instance's region from its metadata
    /// (as `aws_config::load_defaults` does).
    pub async fn load_from_env() -> Result<Config, ConfigError> {
        Self::env_builder().load().await
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint URL given by the user, if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint_url.as_deref()
    }

    /// Where requests go: the user's endpoint URL, or the region's endpoint.
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.to_string()
    }

    /// How failed attempts are retried.
    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &TimeoutConfig {
        &self.inner.timeouts
    }

    /// What happens to inputs that violate the model's constraints.
    pub fn validation_mode(&self) -> ValidationMode {
        self.inner.validation
    }

    /// Whether operations with a host prefix (the model's endpoint trait,
    /// e.g. `data.`) send it before the endpoint's host.
    pub fn inject_host_prefix(&self) -> bool {
        self.inner.inject_host_prefix
    }

    /// The endpoint of `op`: the configuration's, unless the operation
    /// fixes endpoint parameters of its own (`staticContextParams`), whose
    /// endpoint is resolved once and kept.
    pub(crate) fn endpoint_for(
        &self,
        op: &crate::dispatch::OperationInfo,
    ) -> Result<Cow<'_, Endpoint>, ConfigError> {
        let (Some(built_ins), Some((rules, partitions))) = (
            &self.inner.endpoint_built_ins,
            crate::SERVICE.endpoint_rules,
        ) else {
            return Ok(Cow::Borrowed(&self.inner.endpoint));
        };
        if op.endpoint_params.is_empty() || op.endpoint_params == crate::SERVICE.endpoint_params {
            return Ok(Cow::Borrowed(&self.inner.endpoint));
        }
        let mut cache = self
            .inner
            .operation_endpoints
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(endpoint) = cache.get(op.name) {
            return Ok(Cow::Owned(endpoint.clone()));
        }
        let url = rule_set(rules, partitions)?
            .resolve_built_ins(built_ins, op.endpoint_params)
            .map_err(|e| ConfigError::new(format!("no endpoint for {}: {e}", op.name)))?;
        let endpoint = Endpoint::parse(&url)?;
        cache.insert(op.name, endpoint.clone());
        Ok(Cow::Owned(endpoint))
    }

    /// The credentials requests are signed with; `None` with a bearer token.
    pub(crate) fn credentials(&self) -> Option<&CredentialsCache> {
        self.inner.credentials.as_deref()
    }

    /// The bearer token requests are sent with, when one is configured.
    pub(crate) fn bearer_token(&self) -> Option<&BearerToken> {
        self.inner.bearer_token.as_ref()
    }

    /// Whether requests carry a bearer token rather than a SigV4 signature.
    pub fn uses_bearer_token(&self) -> bool {
        self.inner.bearer_token.is_some()
    }

    pub(crate) fn http_client(&self) -> &dyn HttpClient {
        self.inner.http.as_ref()
    }
}

/// Shows the settings, never credentials.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("bearer_token", &self.inner.bearer_token)
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .field("validation", &self.inner.validation)
            .field("inject_host_prefix", &self.inner.inject_host_prefix)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Config`]; see [`Config::builder`] and [`Config::env_builder`].
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    endpoint_url: Option<String>,
    http: Option<Arc<dyn HttpClient>>,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    validation: Option<ValidationMode>,
    inject_host_prefix: Option<bool>,
    profile: Option<String>,
    environment: Option<Environment>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    bearer_token: Option<BearerToken>,
    proxy: Option<ProxyConfig>,
    tls: Option<TlsConfig>,
}

impl ConfigBuilder {
    /// Authenticates with a bearer token (a Bedrock API key) instead of
    /// SigV4; the environment's `AWS_BEARER_TOKEN_BEDROCK` does the same
    /// for [`Config::env_builder`]. The token is only ever sent over HTTPS
    /// or to a loopback address.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(BearerToken::new(token));
        self
    }

    /// Sends requests to the FIPS endpoint of the region (environment:
    /// `AWS_USE_FIPS_ENDPOINT`; profile: `use_fips_endpoint`).
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = Some(use_fips);
        self
    }

    /// Sends requests to the dual-stack (IPv6) endpoint of the region
    /// (environment: `AWS_USE_DUALSTACK_ENDPOINT`; profile:
    /// `use_dualstack_endpoint`).
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = Some(use_dual_stack);
        self
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Any credentials provider, e.g. `aws-config`'s default chain. Its
    /// credentials are cached and refreshed before they expire.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Fixed credentials.
    pub fn credentials(self, credentials: credentials::Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Sends requests here instead of the region's endpoint; plain
    /// `http://` is allowed, for local servers such as `bedrock-mock`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The proxies requests go through, instead of those the environment
    /// names (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`);
    /// [`ProxyConfig::disabled`] connects directly. The credential
    /// providers' calls go the same way, except to EC2 instance metadata.
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// The certificates servers are verified against, instead of Mozilla's
    /// roots plus the environment's CA bundle (`AWS_CA_BUNDLE`, the
    /// profile's `ca_bundle`).
    pub fn tls_config(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sends requests through this HTTP client instead of the default one
    /// (whose proxies and roots [`ConfigBuilder::proxy`] and
    /// [`ConfigBuilder::tls_config`] set; they still apply to the
    /// credential providers' calls).
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http = Some(Arc::new(client));
        self
    }

    /// How failed attempts are retried (standard mode by default).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The timeouts (by default only connecting is bounded).
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// What to do with inputs that violate the model's constraints (strict
    /// by default).
    pub fn validation_mode(mut self, mode: ValidationMode) -> Self {
        self.validation = Some(mode);
        self
    }

    /// Whether operations with a host prefix (the model's endpoint trait,
    /// e.g. `data.`) send it before the endpoint's host; on by default, as
    /// in botocore. Turn it off for an endpoint URL that cannot take a
    /// prefix, such as a local server at an IP address.
    pub fn inject_host_prefix(mut self, inject: bool) -> Self {
        self.inject_host_prefix = Some(inject);
        self
    }

    /// The shared-config profile to read, instead of `AWS_PROFILE`; implies
    /// reading the environment as [`Config::env_builder`] does.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        if self.environment.is_none() {
            self.environment = Some(Environment::process());
        }
        self
    }

    #[cfg(test)]
    pub(crate) fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// [`ConfigBuilder::build`], after asking EC2 instance metadata for the
    /// region when the environment is read and names none (not with
    /// `AWS_EC2_METADATA_DISABLED=true`; IMDS has 1 s to answer).
    pub async fn load(mut self) -> Result<Config, ConfigError> {
        if self.region.is_none()
            && let Some(env) = &self.environment
            && configured_region(env, self.profile.as_deref()).is_none()
        {
            let direct = Network::new(&ProxyConfig::disabled(), &TlsConfig::new())?;
            if let Some(imds) = credentials::Imds::from_env(env, &direct) {
                match imds.region().await {
                    Ok(region) => self.region = Some(region),
                    Err(why) => tracing::debug!(%why, "no region from instance metadata"),
                }
            }
        }
        self.build()
    }

    /// Checks the configuration: a region and credentials are required, the
    /// endpoint must be a URL, retry and timeout settings must make sense.
    pub fn build(self) -> Result<Config, ConfigError> {
        let mut region = self.region;
        let mut credentials = self.credentials;
        let mut bearer_token = self.bearer_token;
        if let (None, Some(env), Some(variable)) = (
            &bearer_token,
            &self.environment,
            crate::SERVICE.bearer_token_env,
        ) {
            bearer_token = env.get(variable).map(BearerToken::new);
        }
        if bearer_token.is_some() && crate::SERVICE.bearer_token_env.is_none() {
            return Err(ConfigError::new(
                "this service does not accept bearer tokens",
            ));
        }
        let mut flags = EndpointFlags {
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
        };
        let profile = self
            .environment
            .as_ref()
            .map(|env| ProfileOnce::new(env, self.profile.as_deref()));
        let network = network(profile.as_ref(), self.proxy, self.tls)?;
        if let (Some(env), Some(profile)) = (&self.environment, &profile) {
            fill_from_environment(
                env,
                profile,
                &network,
                &mut region,
                &mut credentials,
                &mut flags,
            )?;
        }
        let region = region.ok_or_else(|| {
            ConfigError::new(
                "no region: set one with `region(..)`, AWS_REGION, or the profile's `region` (on EC2, `load().await` asks instance metadata)",
            )
        })?;
        if credentials.is_none() && bearer_token.is_none() {
            return Err(ConfigError::new(
                "no credentials: pass credentials or a provider, or use `Config::env_builder()` for the default chain",
            ));
        }
        let (endpoint, endpoint_built_ins) =
            resolve_endpoint(&region, self.endpoint_url.as_deref(), &flags)?;
        if bearer_token.is_some() && !endpoint.is_https() && !endpoint.is_loopback() {
            return Err(ConfigError::new(format!(
                "a bearer token is only sent over HTTPS or to a loopback address, not to {endpoint}"
            )));
        }
        let retry = self.retry.unwrap_or_default();
        retry.check().map_err(ConfigError::new)?;
        let timeouts = self.timeouts.unwrap_or_default();
        timeouts.check()?;
        let http = match self.http {
            Some(http) => http,
            None => Arc::new(network.client(timeouts.connect())?),
        };
        Ok(Config {
            inner: Arc::new(Inner {
                region,
                endpoint,
                endpoint_url: self.endpoint_url,
                credentials: credentials.map(|provider| Arc::new(CredentialsCache::new(provider))),
                bearer_token,
                http,
                retry,
                timeouts,
                validation: self.validation.unwrap_or_default(),
                inject_host_prefix: self.inject_host_prefix.unwrap_or(true),
                endpoint_built_ins,
                operation_endpoints: Mutex::new(BTreeMap::new()),
            }),
        })
    }
}

/// Shows what is set, never credentials.
impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("credentials", &self.credentials.as_ref().map(|_| "set"))
            .field("endpoint_url", &self.endpoint_url)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// FIPS and dual-stack choices, where set.
struct EndpointFlags {
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
}

/// The rule set of the service, parsed once.
fn rule_set(
    rules: &'static str,
    partitions: &'static str,
) -> Result<&'static RuleSet, ConfigError> {
    static PARSED: std::sync::OnceLock<Result<RuleSet, RuleError>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| RuleSet::parse(rules, partitions))
        .as_ref()
        .map_err(|e| ConfigError::new(format!("the endpoint rules cannot be read: {e}")))
}

/// The values of the endpoint rules' built-in parameters, by built-in name
/// (`AWS::Region`, ...).
type BuiltIns = BTreeMap<&'static str, Value>;

/// The endpoint by the service's rules (the user's endpoint URL included),
/// with the built-in parameters it was resolved with, or by the region's
/// partition for models without rules.
fn resolve_endpoint(
    region: &str,
    endpoint_url: Option<&str>,
    flags: &EndpointFlags,
) -> Result<(Endpoint, Option<BuiltIns>), ConfigError> {
    if !is_valid_region(region) {
        return Err(ConfigError::new(format!(
            "region {region:?} is not a valid region name (lowercase letters, digits and '-')"
        )));
    }
    let use_fips = flags.use_fips.unwrap_or(false);
    let use_dual_stack = flags.use_dual_stack.unwrap_or(false);
    let Some((rules, partitions)) = crate::SERVICE.endpoint_rules else {
        if use_fips || use_dual_stack {
            return Err(ConfigError::new(
                "FIPS and dual-stack endpoints need the service's endpoint rules",
            ));
        }
        let endpoint = match endpoint_url {
            Some(url) => Endpoint::parse(url)?,
            None => Endpoint::for_region(crate::SERVICE.endpoint_prefix, region)?,
        };
        return Ok((endpoint, None));
    };
    let mut built_ins = BTreeMap::new();
    built_ins.insert("AWS::Region", Value::String(region.to_owned()));
    built_ins.insert("AWS::UseFIPS", Value::Bool(use_fips));
    built_ins.insert("AWS::UseDualStack", Value::Bool(use_dual_stack));
    if let Some(url) = endpoint_url {
        // Checked first: the rules pass a custom endpoint through as given.
        Endpoint::parse(url)?;
        built_ins.insert("SDK::Endpoint", Value::String(url.to_owned()));
    }
    let url = rule_set(rules, partitions)?
        .resolve_built_ins(&built_ins, crate::SERVICE.endpoint_params)
        .map_err(|e| ConfigError::new(format!("no endpoint: {e}")))?;
    Ok((Endpoint::parse(&url)?, Some(built_ins)))
}

/// The shared-config profile of one configuration, read when first
/// needed and then kept: the CA bundle, the region and the credentials all
/// look in it.
pub(crate) struct ProfileOnce<'a> {
    env: &'a Environment,
    name: Option<&'a str>,
    loaded: std::cell::OnceCell<Result<credentials::Profile, crate::sdk_error::CredentialsError>>,
}

impl<'a> ProfileOnce<'a> {
    pub(crate) fn new(env: &'a Environment, name: Option<&'a str>) -> Self {
        ProfileOnce {
            env,
            name,
            loaded: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &Result<credentials::Profile, crate::sdk_error::CredentialsError> {
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

fn fill_from_environment(
    env: &Environment,
    profile: &ProfileOnce<'_>,
    network: &Network,
    region: &mut Option<String>,
    credentials: &mut Option<SharedCredentialsProvider>,
    flags: &mut EndpointFlags,
) -> Result<(), ConfigError> {
    let flag = |name: &str| env.get(name).map(|v| v.trim().eq_ignore_ascii_case("true"));
    if flags.use_fips.is_none() {
        flags.use_fips = flag("AWS_USE_FIPS_ENDPOINT");
    }
    if flags.use_dual_stack.is_none() {
        flags.use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT");
    }
    if region.is_none() {
        *region = environment_region(env);
    }
    if credentials.is_none() {
        let from_env =
            credentials::from_environment(env).map_err(|e| ConfigError::new(e.to_string()))?;
        *credentials = from_env.map(SharedCredentialsProvider::new);
    }
    if region.is_some() && credentials.is_some() {
        return Ok(());
    }
    let profile_name = profile.name;
    let profile = profile
        .get()
        .as_ref()
        .map_err(|e| ConfigError::new(e.to_string()))?;
    if region.is_none() {
        *region = profile.get("region").map(str::to_owned);
    }
    let profile_flag = |key: &str| {
        profile
            .get(key)
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
    };
    if flags.use_fips.is_none() {
        flags.use_fips = profile_flag("use_fips_endpoint");
    }
    if flags.use_dual_stack.is_none() {
        flags.use_dual_stack = profile_flag("use_dualstack_endpoint");
    }
    if credentials.is_none() {
        let from_profile = profile
            .credentials()
            .map_err(|e| ConfigError::new(e.to_string()))?;
        *credentials = from_profile.map(SharedCredentialsProvider::new);
    }
    if credentials.is_none() {
        // Resolved on first use: credential_process, the container
        // endpoint and IMDS are asked then, not while configuring.
        *credentials = Some(SharedCredentialsProvider::new(
            credentials::DefaultChain::with_settings(
                env.clone(),
                profile_name.map(str::to_owned),
                Ok(network.clone()),
                region.clone(),
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    fn creds() -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        )
    }

    #[test]
    fn region_and_credentials_are_required() {
        let err = Config::builder().credentials(creds()).build().unwrap_err();
        assert!(err.to_string().contains("no region"), "{err}");
        let err = Config::builder().region("us-east-1").build().unwrap_err();
        assert!(err.to_string().contains("no credentials"), "{err}");
        assert!(
            Config::builder()
                .region("us-east-1")
                .credentials(creds())
                .build()
                .is_ok()
        );
    }

    #[test]
    fn nonsensical_settings_are_errors_not_panics() {
        let base = || Config::builder().region("us-east-1").credentials(creds());
        assert!(base().region("us east 1").build().is_err());
        assert!(base().endpoint_url("not a url").build().is_err());
        assert!(
            base()
                .retry_config(RetryConfig::standard().with_max_attempts(0))
                .build()
                .is_err()
        );
        assert!(
            base()
                .timeout_config(TimeoutConfig::new().with_operation(Some(Duration::ZERO)))
                .build()
                .is_err()
        );
    }

    #[test]
    fn the_environment_fills_what_is_not_given() {
        let env = Environment::from_vars([
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ]);
        let config = Config::builder().environment(env.clone()).build().unwrap();
        assert_eq!(config.region(), "eu-west-1");
        let config = Config::builder()
            .environment(env)
            .region("us-west-2")
            .build()
            .unwrap();
        assert_eq!(config.region(), "us-west-2", "explicit settings win");
        let err = Config::builder()
            .environment(Environment::from_vars([]))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("no region"), "{err}");
    }

    #[test]
    fn debug_shows_no_credentials() {
        let config = Config::builder()
            .region("us-east-1")
            .credentials(creds())
            .build()
            .unwrap();
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("wJalrXUtnFEMI") && !debug.contains("AKIDEXAMPLE"),
            "{debug}"
        );
        let builder = format!("{:?}", Config::builder().credentials(creds()));
        assert!(
            !builder.contains("wJalrXUtnFEMI") && !builder.contains("AKIDEXAMPLE"),
            "{builder}"
        );
    }
}
