//! [`SdkConfig`]: what every client of a program shares.

use std::fmt;
use std::sync::Arc;

use super::settings::{self, Sources};
use super::{
    AccountIdEndpointMode, BearerToken, ProfileOnce, TimeoutConfig, configured_region, network,
};
use crate::credentials::{
    self, CredentialsCache, Environment, Profile, ProvideCredentials, SharedCredentialsProvider,
};
use crate::endpoint::Endpoint;
use crate::error::ConfigError;
use crate::retry::RetryConfig;
use crate::transport::{HttpClient, Network, ProxyConfig, TlsConfig};
use crate::validation::ValidationMode;

/// The configuration every client of a program shares: made once, cloned
/// cheaply, handed to each service's `Client::new`. Clients made from one
/// `SdkConfig` share its credentials cache (one fetch for all of them), its
/// HTTP client (one connection pool, the trust store read once) and its
/// settings.
///
/// ```no_run
/// # async fn demo() -> Result<(), sdk_runtime::error::ConfigError> {
/// let shared = sdk_runtime::SdkConfig::load_from_env().await?;
/// // bedrock_runtime::Client::new(&shared), bedrock::Client::new(&shared), ...
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SdkConfig {
    inner: Arc<Inner>,
}

#[derive(Clone)]
pub(super) struct Inner {
    pub(super) region: Option<String>,
    pub(super) credentials: Option<Arc<CredentialsCache>>,
    pub(super) bearer_token: Option<BearerToken>,
    pub(super) network: Network,
    pub(super) http: Arc<dyn HttpClient>,
    pub(super) retry: RetryConfig,
    pub(super) timeouts: TimeoutConfig,
    pub(super) validation: ValidationMode,
    pub(super) inject_host_prefix: bool,
    pub(super) app_id: Option<String>,
    pub(super) use_fips: bool,
    pub(super) use_dual_stack: bool,
    /// The endpoint URL given in code; it wins over every configured one.
    pub(super) endpoint_url: Option<String>,
    pub(super) account_id: Option<String>,
    pub(super) account_id_endpoint_mode: AccountIdEndpointMode,
    /// What the environment and profile configure per service (endpoint
    /// URLs, bearer tokens), when they are read.
    pub(super) configured: Option<Configured>,
}

/// The environment and profile a configuration was read from, kept for
/// the settings each service looks up under its own name.
#[derive(Clone)]
pub(super) struct Configured {
    pub(super) env: Environment,
    pub(super) profile: Arc<Profile>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's
    /// `ignore_configured_endpoint_urls`.
    pub(super) ignore_endpoint_urls: bool,
}

impl SdkConfig {
    /// A builder that takes nothing from the environment.
    pub fn builder() -> SdkConfigBuilder {
        SdkConfigBuilder::default()
    }

    /// A builder that fills what it is not given from the environment and
    /// the profile (`AWS_PROFILE`, or [`SdkConfigBuilder::profile_name`], or
    /// `default`, in `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, by
    /// default `~/.aws/config` and `~/.aws/credentials`): the region,
    /// credentials (the environment's keys, the profile's, else the
    /// [`DefaultChain`](crate::credentials::DefaultChain) when first
    /// needed), endpoint URLs, retries, FIPS and dual-stack endpoints, the
    /// CA bundle, proxies and the application id. The README's table lists
    /// every setting with its variable and profile key.
    pub fn env_builder() -> SdkConfigBuilder {
        SdkConfigBuilder {
            environment: Some(Environment::process()),
            ..SdkConfigBuilder::default()
        }
    }

    /// [`SdkConfig::env_builder`] reading the given variables instead of the
    /// process environment: for tests, and for programs that keep such
    /// settings elsewhere.
    pub fn env_builder_from<'a>(
        variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> SdkConfigBuilder {
        SdkConfigBuilder {
            environment: Some(Environment::from_vars(variables)),
            ..SdkConfigBuilder::default()
        }
    }

    /// [`SdkConfig::env_builder`], built.
    pub fn from_env() -> Result<SdkConfig, ConfigError> {
        Self::env_builder().build()
    }

    /// [`SdkConfig::env_builder`], loaded: as [`SdkConfig::from_env`], and on
    /// EC2 with no region configured, the instance's region from its
    /// metadata (as `aws_config::load_defaults` does).
    pub async fn load_from_env() -> Result<SdkConfig, ConfigError> {
        Self::env_builder().load().await
    }

    /// The region, if one is configured.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The endpoint URL given in code, if any (those the environment and
    /// profile configure are looked up per service).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint_url.as_deref()
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

    /// The application id sent in the User-Agent (`app/<id>`).
    pub fn app_id(&self) -> Option<&str> {
        self.inner.app_id.as_deref()
    }

    /// Whether requests go to FIPS endpoints.
    pub fn use_fips(&self) -> bool {
        self.inner.use_fips
    }

    /// Whether requests go to dual-stack (IPv6) endpoints.
    pub fn use_dual_stack(&self) -> bool {
        self.inner.use_dual_stack
    }

    /// The account id configured for account-based endpoints.
    pub fn account_id(&self) -> Option<&str> {
        self.inner.account_id.as_deref()
    }

    /// Whether account-based endpoints are used.
    pub fn account_id_endpoint_mode(&self) -> AccountIdEndpointMode {
        self.inner.account_id_endpoint_mode
    }

    /// Whether credentials (a provider with its cache) are configured.
    pub fn has_credentials(&self) -> bool {
        self.inner.credentials.is_some()
    }

    pub(super) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// This configuration with what `changes` sets on top, for one
    /// service: everything it does not set stays shared (the credentials
    /// cache and the HTTP client included).
    pub(super) fn overridden(&self, changes: SdkConfigBuilder) -> Result<SdkConfig, ConfigError> {
        if changes.environment.is_some() || changes.profile.is_some() {
            return Err(ConfigError::new(
                "the environment and `profile_name` are read by the shared configuration: set them on the SdkConfig's builder",
            ));
        }
        if changes.is_empty() {
            return Ok(self.clone());
        }
        let mut inner = (*self.inner).clone();
        if let Some(region) = changes.region {
            inner.region = Some(region);
        }
        if let Some(provider) = changes.credentials {
            inner.credentials = Some(Arc::new(CredentialsCache::new(provider)));
        }
        if let Some(token) = changes.bearer_token {
            inner.bearer_token = Some(token);
        }
        if let Some(url) = changes.endpoint_url {
            Endpoint::parse(&url)?;
            inner.endpoint_url = Some(url);
        }
        if let Some(retry) = changes.retry {
            retry.check().map_err(ConfigError::new)?;
            inner.retry = retry;
        }
        let connect_changed = match changes.timeouts {
            Some(timeouts) => {
                timeouts.check()?;
                let changed = timeouts.connect() != inner.timeouts.connect();
                inner.timeouts = timeouts;
                changed
            }
            None => false,
        };
        if changes.proxy.is_some() || changes.tls.is_some() {
            inner.network = Network::new(
                &changes.proxy.unwrap_or_else(ProxyConfig::disabled),
                &changes.tls.unwrap_or_default(),
            )?;
        }
        inner.http = match changes.http {
            Some(http) => http,
            // A new connect timeout, proxy or trust store needs a client
            // of its own; otherwise the shared pool serves this service.
            None if connect_changed || changes.proxy_or_tls_set => {
                Arc::new(inner.network.client(inner.timeouts.connect())?)
            }
            None => inner.http,
        };
        if let Some(mode) = changes.validation {
            inner.validation = mode;
        }
        if let Some(inject) = changes.inject_host_prefix {
            inner.inject_host_prefix = inject;
        }
        if let Some(app_id) = changes.app_id {
            check_app_id(&app_id)?;
            inner.app_id = Some(app_id);
        }
        if let Some(use_fips) = changes.use_fips {
            inner.use_fips = use_fips;
        }
        if let Some(use_dual_stack) = changes.use_dual_stack {
            inner.use_dual_stack = use_dual_stack;
        }
        if let Some(account_id) = changes.account_id {
            inner.account_id = Some(account_id);
        }
        if let Some(mode) = changes.account_id_endpoint_mode {
            inner.account_id_endpoint_mode = mode;
        }
        Ok(SdkConfig {
            inner: Arc::new(inner),
        })
    }
}

/// Shows the settings, never credentials.
impl fmt::Debug for SdkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("SdkConfig")
            .field("region", &inner.region)
            .field("credentials", &inner.credentials.as_ref().map(|_| "set"))
            .field("bearer_token", &inner.bearer_token)
            .field("endpoint_url", &inner.endpoint_url)
            .field("retry", &inner.retry)
            .field("timeouts", &inner.timeouts)
            .field("validation", &inner.validation)
            .field("app_id", &inner.app_id)
            .field("use_fips", &inner.use_fips)
            .field("use_dual_stack", &inner.use_dual_stack)
            .finish_non_exhaustive()
    }
}

/// Builds an [`SdkConfig`]; see [`SdkConfig::builder`] and
/// [`SdkConfig::env_builder`]. A service's `ConfigBuilder` takes the same
/// settings.
#[derive(Default)]
pub struct SdkConfigBuilder {
    pub(super) region: Option<String>,
    pub(super) credentials: Option<SharedCredentialsProvider>,
    pub(super) endpoint_url: Option<String>,
    pub(super) http: Option<Arc<dyn HttpClient>>,
    pub(super) retry: Option<RetryConfig>,
    pub(super) timeouts: Option<TimeoutConfig>,
    pub(super) validation: Option<ValidationMode>,
    pub(super) inject_host_prefix: Option<bool>,
    pub(super) profile: Option<String>,
    pub(super) environment: Option<Environment>,
    pub(super) use_fips: Option<bool>,
    pub(super) use_dual_stack: Option<bool>,
    pub(super) bearer_token: Option<BearerToken>,
    pub(super) proxy: Option<ProxyConfig>,
    pub(super) tls: Option<TlsConfig>,
    pub(super) proxy_or_tls_set: bool,
    pub(super) app_id: Option<String>,
    pub(super) account_id: Option<String>,
    pub(super) account_id_endpoint_mode: Option<AccountIdEndpointMode>,
}

impl SdkConfigBuilder {
    fn is_empty(&self) -> bool {
        self.region.is_none()
            && self.credentials.is_none()
            && self.endpoint_url.is_none()
            && self.http.is_none()
            && self.retry.is_none()
            && self.timeouts.is_none()
            && self.validation.is_none()
            && self.inject_host_prefix.is_none()
            && self.use_fips.is_none()
            && self.use_dual_stack.is_none()
            && self.bearer_token.is_none()
            && !self.proxy_or_tls_set
            && self.app_id.is_none()
            && self.account_id.is_none()
            && self.account_id_endpoint_mode.is_none()
    }

    /// Authenticates with a bearer token (a Bedrock API key) instead of
    /// SigV4, for the services that accept one (others ignore it); the
    /// environment's `AWS_BEARER_TOKEN_<SIGNING NAME>` (e.g.
    /// `AWS_BEARER_TOKEN_BEDROCK`) does the same for those services. The
    /// token is only ever sent over HTTPS or to a loopback address.
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
    /// credentials are cached and refreshed before they expire, once for
    /// every client that shares the configuration.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Fixed credentials.
    pub fn credentials(self, credentials: credentials::Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Sends requests here instead of the region's endpoint (and instead of
    /// any endpoint URL the environment or profile configures); plain
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
        self.proxy_or_tls_set = true;
        self
    }

    /// The certificates servers are verified against, instead of Mozilla's
    /// roots plus the environment's CA bundle (`AWS_CA_BUNDLE`, the
    /// profile's `ca_bundle`).
    pub fn tls_config(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self.proxy_or_tls_set = true;
        self
    }

    /// Sends requests through this HTTP client instead of the default one
    /// (whose proxies and roots [`SdkConfigBuilder::proxy`] and
    /// [`SdkConfigBuilder::tls_config`] set; they still apply to the
    /// credential providers' calls).
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http = Some(Arc::new(client));
        self
    }

    /// How failed attempts are retried (environment: `AWS_RETRY_MODE`,
    /// `AWS_MAX_ATTEMPTS`; profile: `retry_mode`, `max_attempts`; standard
    /// mode with 3 attempts by default). Given here, it replaces both.
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

    /// The application id sent in the User-Agent as `app/<id>`
    /// (environment: `AWS_SDK_UA_APP_ID`; profile: `sdk_ua_app_id`).
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The account id for account-based endpoints (environment:
    /// `AWS_ACCOUNT_ID`; profile: `aws_account_id`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Whether account-based endpoints are used (environment:
    /// `AWS_ACCOUNT_ID_ENDPOINT_MODE`; profile: `account_id_endpoint_mode`).
    pub fn account_id_endpoint_mode(mut self, mode: AccountIdEndpointMode) -> Self {
        self.account_id_endpoint_mode = Some(mode);
        self
    }

    /// The shared-config profile to read, instead of `AWS_PROFILE`; implies
    /// reading the environment as [`SdkConfig::env_builder`] does.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        if self.environment.is_none() {
            self.environment = Some(Environment::process());
        }
        self
    }

    /// [`SdkConfigBuilder::build`], after asking EC2 instance metadata for
    /// the region when the environment is read and names none (not with
    /// `AWS_EC2_METADATA_DISABLED=true`; IMDS has 1 s to answer).
    pub async fn load(mut self) -> Result<SdkConfig, ConfigError> {
        if self.region.is_none()
            && let Some(env) = &self.environment
            && configured_region(env, self.profile.as_deref()).is_none()
        {
            let direct = Network::new(&ProxyConfig::disabled(), &TlsConfig::new())?;
            let profile = credentials::load_profile(env, self.profile.as_deref()).ok();
            if let Some(imds) = credentials::Imds::from_env(env, profile.as_ref(), &direct)
                .map_err(ConfigError::new)?
            {
                match imds.region().await {
                    Ok(region) => self.region = Some(region),
                    Err(why) => tracing::debug!(%why, "no region from instance metadata"),
                }
            }
        }
        self.build()
    }

    /// Checks the settings and reads what is not given from the
    /// environment and the profile (when the builder reads them). A value
    /// that cannot be read is an error naming where it was found. The
    /// region and credentials may be missing here; a client without them
    /// reports it when it is made from a service's `ConfigBuilder`, or
    /// when it sends.
    pub fn build(self) -> Result<SdkConfig, ConfigError> {
        let profile_once = self
            .environment
            .as_ref()
            .map(|env| ProfileOnce::new(env, self.profile.as_deref()));
        let network = network(profile_once.as_ref(), self.proxy, self.tls)?;
        let mut region = self.region;
        let mut credentials = self.credentials;
        let mut retry = self.retry;
        let mut use_fips = self.use_fips;
        let mut use_dual_stack = self.use_dual_stack;
        let mut app_id = self.app_id;
        let mut account_id = self.account_id;
        let mut account_id_endpoint_mode = self.account_id_endpoint_mode;
        let mut validation = self.validation;
        let mut configured = None;
        if let (Some(env), Some(profile_once)) = (&self.environment, &profile_once) {
            let profile = profile_once
                .get()
                .as_ref()
                .map_err(|e| ConfigError::new(e.message()))?;
            let sources = Sources { env, profile };
            if region.is_none() {
                region = super::environment_region(env)
                    .or_else(|| profile.get("region").map(str::to_owned));
            }
            if use_fips.is_none() {
                use_fips = sources.flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
            }
            if use_dual_stack.is_none() {
                use_dual_stack =
                    sources.flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?;
            }
            if retry.is_none() {
                let mut configured_retry = RetryConfig::standard();
                if let Some(mode) = sources.retry_mode()? {
                    configured_retry = configured_retry.with_mode(mode);
                }
                if let Some(attempts) = sources.attempts("AWS_MAX_ATTEMPTS", "max_attempts")? {
                    configured_retry = configured_retry.with_max_attempts(attempts);
                }
                retry = Some(configured_retry);
            }
            if app_id.is_none() {
                app_id = sources.text("AWS_SDK_UA_APP_ID", "sdk_ua_app_id");
            }
            if account_id.is_none() {
                account_id = sources.text("AWS_ACCOUNT_ID", "aws_account_id");
            }
            if account_id_endpoint_mode.is_none() {
                account_id_endpoint_mode = sources.account_id_endpoint_mode()?;
            }
            if validation.is_none() {
                validation = sources.validation_mode()?;
            }
            if credentials.is_none() {
                credentials = default_credentials(env, profile, &network, region.as_deref())?;
            }
            let ignore_endpoint_urls = sources
                .flag(
                    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                    "ignore_configured_endpoint_urls",
                )?
                .unwrap_or(false);
            let found = Configured {
                env: env.clone(),
                profile: Arc::new(profile.clone()),
                ignore_endpoint_urls,
            };
            // The global endpoint URLs are checked now, so that a typo is
            // reported where the configuration is made.
            found.endpoint_url(None)?;
            configured = Some(found);
        }
        if let Some(url) = &self.endpoint_url {
            Endpoint::parse(url)?;
        }
        if let Some(id) = &app_id {
            check_app_id(id)?;
        }
        let retry = retry.unwrap_or_default();
        retry.check().map_err(ConfigError::new)?;
        let timeouts = self.timeouts.unwrap_or_default();
        timeouts.check()?;
        let http = match self.http {
            Some(http) => http,
            None => Arc::new(network.client(timeouts.connect())?),
        };
        Ok(SdkConfig {
            inner: Arc::new(Inner {
                region,
                credentials: credentials.map(|provider| Arc::new(CredentialsCache::new(provider))),
                bearer_token: self.bearer_token,
                network,
                http,
                retry,
                timeouts,
                validation: validation.unwrap_or_default(),
                inject_host_prefix: self.inject_host_prefix.unwrap_or(true),
                app_id,
                use_fips: use_fips.unwrap_or(false),
                use_dual_stack: use_dual_stack.unwrap_or(false),
                endpoint_url: self.endpoint_url,
                account_id,
                account_id_endpoint_mode: account_id_endpoint_mode.unwrap_or_default(),
                configured,
            }),
        })
    }
}

/// An application id must fit in the User-Agent header; one that does not
/// is refused where it is configured, not dropped when a request is made.
fn check_app_id(id: &str) -> Result<(), ConfigError> {
    if http::HeaderValue::from_str(&format!("app/{id}")).is_err() {
        return Err(ConfigError::new(format!(
            "the application id {id:?} cannot be sent in a header"
        )));
    }
    Ok(())
}

/// The environment's keys, else the profile's, else the default chain,
/// resolved on first use (`credential_process`, the container endpoint and
/// IMDS are asked then, not while configuring).
fn default_credentials(
    env: &Environment,
    profile: &Profile,
    network: &Network,
    region: Option<&str>,
) -> Result<Option<SharedCredentialsProvider>, ConfigError> {
    if let Some(keys) =
        credentials::from_environment(env).map_err(|e| ConfigError::new(e.message()))?
    {
        return Ok(Some(SharedCredentialsProvider::new(keys)));
    }
    if let Some(keys) = profile
        .credentials()
        .map_err(|e| ConfigError::new(e.message()))?
    {
        return Ok(Some(SharedCredentialsProvider::new(keys)));
    }
    Ok(Some(SharedCredentialsProvider::new(
        credentials::DefaultChain::with_settings(
            env.clone(),
            Some(profile.name.clone()),
            Ok(network.clone()),
            region.map(str::to_owned),
        ),
    )))
}

impl Configured {
    /// The endpoint URL configured for the service whose SDK id is
    /// `sdk_id` (or for every service, with `None`), in the AWS SDKs'
    /// order: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the
    /// profile's `services` section, the profile's `endpoint_url`; none
    /// with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`. A value that is not a
    /// URL is an error naming where it was found.
    pub(super) fn endpoint_url(&self, sdk_id: Option<&str>) -> Result<Option<String>, ConfigError> {
        if self.ignore_endpoint_urls {
            return Ok(None);
        }
        let mut candidates: Vec<(Option<String>, String)> = Vec::new();
        if let Some(sdk_id) = sdk_id {
            let variable = format!(
                "AWS_ENDPOINT_URL_{}",
                settings::environment_service_id(sdk_id)
            );
            candidates.push((self.env.get(&variable), variable));
        }
        candidates.push((
            self.env.get("AWS_ENDPOINT_URL"),
            "AWS_ENDPOINT_URL".to_owned(),
        ));
        if let Some(sdk_id) = sdk_id {
            let service = settings::profile_service_id(sdk_id);
            candidates.push((
                self.profile
                    .service_setting(&service, "endpoint_url")
                    .map(str::to_owned),
                self.profile.service_origin(&service, "endpoint_url"),
            ));
        }
        candidates.push((
            self.profile.get("endpoint_url").map(str::to_owned),
            self.profile.origin("endpoint_url"),
        ));
        for (value, origin) in candidates {
            if let Some(url) = value {
                let url = url.trim().to_owned();
                return match Endpoint::parse(&url) {
                    Ok(_) => Ok(Some(url)),
                    Err(why) => Err(ConfigError::new(format!(
                        "{origin} = {url:?} is not an endpoint URL ({})",
                        why.message()
                    ))),
                };
            }
        }
        Ok(None)
    }
}
