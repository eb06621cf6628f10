//! Where credentials come from: explicit values, any [`ProvideCredentials`]
//! (such as `aws-config`'s), or the [`DefaultChain`]: the environment, the
//! shared `credentials` and `config` files (keys, `credential_process`), the
//! container endpoint (ECS, EKS Pod Identity) and EC2 instance metadata.
//! Credentials that expire are refreshed before they do, once for all
//! callers.

mod chain;
mod container;
mod http;
mod imds;
mod process;
mod profile_chain;
mod sso;
mod sso_token;
mod sts;

pub use chain::{DefaultChain, NoCredentialsFound, Skipped};
pub(crate) use imds::Imds;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

pub use aws_credential_types::Credentials;
pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use crate::error::CredentialsError;

/// Credentials this close to expiry are refreshed before they are used...
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// ... plus up to this much more, drawn at random for each set of
/// credentials, so that processes started together (a fleet, a batch of
/// tasks) do not all ask their provider at the same moment.
const REFRESH_JITTER: Duration = Duration::from_secs(60);

/// Environment variables, read through one place so that tests can supply
/// their own.
#[derive(Clone, Default)]
pub(crate) struct Environment {
    overrides: Option<Arc<BTreeMap<String, String>>>,
}

impl Environment {
    /// The process environment.
    pub(crate) fn process() -> Self {
        Environment { overrides: None }
    }

    /// Only the given variables.
    pub(crate) fn from_vars<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment {
            overrides: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )),
        }
    }

    /// A variable, ignoring empty values as the AWS SDKs do.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let value = match &self.overrides {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }
}

/// Static credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`; `None` when the key pair is not set.
pub(crate) fn from_environment(env: &Environment) -> Result<Option<Credentials>, CredentialsError> {
    let key = env.get("AWS_ACCESS_KEY_ID");
    let secret = env.get("AWS_SECRET_ACCESS_KEY");
    match (key, secret) {
        (Some(key), Some(secret)) => Ok(Some(Credentials::new(
            key,
            secret,
            env.get("AWS_SESSION_TOKEN"),
            None,
            "environment",
        ))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(CredentialsError::new(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            None,
        )),
        (None, Some(_)) => Err(CredentialsError::new(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            None,
        )),
    }
}

/// One profile's settings, merged from the `config` and `credentials` files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Profile {
    pub(crate) name: String,
    settings: BTreeMap<String, String>,
    /// The file each setting was read from, for messages about its value.
    origins: BTreeMap<String, PathBuf>,
    /// The `[services NAME]` section the profile's `services` names:
    /// nested settings as `service_id.setting` (`bedrock_runtime.endpoint_url`).
    services: BTreeMap<String, String>,
    /// The config file, where a `services` section is read from.
    config_path: Option<PathBuf>,
}

impl Profile {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A setting of the profile's `services` section for one service
    /// (`service` in lower snake case, e.g. `bedrock_runtime`).
    pub(crate) fn service_setting(&self, service: &str, key: &str) -> Option<&str> {
        self.services
            .get(&format!("{service}.{key}"))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Where `key` was read: `key` in profile "name" of /path/to/config.
    pub(crate) fn origin(&self, key: &str) -> String {
        match self.origins.get(key) {
            Some(path) => format!("`{key}` in profile {:?} of {}", self.name, path.display()),
            None => format!("`{key}` in profile {:?}", self.name),
        }
    }

    /// Where a `services` setting was read: `bedrock_runtime.endpoint_url`
    /// in [services NAME] of /path/to/config.
    pub(crate) fn service_origin(&self, service: &str, key: &str) -> String {
        let section = self.get("services").unwrap_or_default();
        let file = self
            .config_path
            .as_ref()
            .map(|p| format!(" of {}", p.display()))
            .unwrap_or_default();
        format!("`{service}.{key}` in [services {section}]{file}")
    }

    /// Static credentials of the profile, if it has a key pair.
    pub(crate) fn credentials(&self) -> Result<Option<Credentials>, CredentialsError> {
        match (
            self.get("aws_access_key_id"),
            self.get("aws_secret_access_key"),
        ) {
            (Some(key), Some(secret)) => Ok(Some(Credentials::new(
                key,
                secret,
                self.get("aws_session_token").map(str::to_owned),
                None,
                "profile",
            ))),
            (Some(_), None) | (None, Some(_)) => Err(CredentialsError::new(
                format!(
                    "profile {:?} has only one of aws_access_key_id and aws_secret_access_key",
                    self.name
                ),
                None,
            )),
            // Roles, `credential_process` and SSO are the default chain's.
            (None, None) => Ok(None),
        }
    }
}

/// The profile named by `explicit`, else `AWS_PROFILE`, else `default`, read
/// from the shared files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
/// else `~/.aws/config` and `~/.aws/credentials`). Missing files are empty;
/// an explicitly named profile that exists in neither file is an error.
pub(crate) fn load_profile(
    env: &Environment,
    explicit: Option<&str>,
) -> Result<Profile, CredentialsError> {
    let name = explicit
        .map(str::to_owned)
        .or_else(|| env.get("AWS_PROFILE"))
        .unwrap_or_else(|| "default".to_owned());
    let home = env
        .get("HOME")
        .or_else(|| env.get("USERPROFILE"))
        .map(PathBuf::from);
    let config_path = env
        .get("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws").join("config")));
    let credentials_path = env
        .get("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws").join("credentials")));

    let mut profile = Profile {
        name: name.clone(),
        config_path: config_path.clone(),
        ..Profile::default()
    };
    let mut found = false;
    if let Some(text) = read_optional(config_path.clone())? {
        let mut sections = parse_profile_file(&text, FileKind::Config);
        if let Some(settings) = sections.remove(&name) {
            if let (Some(section), Some(path)) = (settings.get("services"), &config_path) {
                profile.services = sections
                    .remove(&format!("services {}", section.trim()))
                    .ok_or_else(|| {
                        CredentialsError::new(
                            format!(
                                "profile {name:?} names services {section:?}, which is not a [services {section}] section of {}",
                                path.display()
                            ),
                            None,
                        )
                    })?;
            }
            profile.absorb(settings, config_path.as_ref());
            found = true;
        }
    }
    // The credentials file wins over the config file for the same key.
    if let Some(text) = read_optional(credentials_path.clone())?
        && let Some(settings) = parse_profile_file(&text, FileKind::Credentials).remove(&name)
    {
        profile.absorb(settings, credentials_path.as_ref());
        found = true;
    }
    let named = explicit.is_some() || env.get("AWS_PROFILE").is_some();
    if named && !found {
        return Err(CredentialsError::new(
            format!("profile {name:?} is not in the shared config or credentials file"),
            None,
        ));
    }
    Ok(profile)
}

impl Profile {
    fn absorb(&mut self, settings: BTreeMap<String, String>, file: Option<&PathBuf>) {
        for (key, value) in settings {
            if let Some(file) = file {
                self.origins.insert(key.clone(), file.clone());
            }
            self.settings.insert(key, value);
        }
    }
}

fn read_optional(path: Option<PathBuf>) -> Result<Option<String>, CredentialsError> {
    let Some(path) = path else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CredentialsError::new(
            format!("cannot read {}", path.display()),
            Some(Box::new(e)),
        )),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `[profile name]` (and `[default]`).
    Config,
    /// `[name]`.
    Credentials,
}

/// Profiles of a shared file by name (`sso-session NAME` and `services
/// NAME` sections under those names). Keys are lower-cased; an indented
/// line under a key with no value is a nested setting, kept as
/// `key.nested` (`bedrock_runtime.endpoint_url`); other section kinds are
/// skipped.
fn parse_profile_file(text: &str, kind: FileKind) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut profiles: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    // The key whose value is the indented lines below it.
    let mut parent: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(inner) = header.split(']').next() else {
                current = None;
                continue;
            };
            let inner = inner.trim();
            current = match kind {
                FileKind::Credentials => Some(inner.to_owned()),
                FileKind::Config if inner == "default" => Some("default".to_owned()),
                // Kept apart from profiles by the space no profile name has.
                FileKind::Config if inner.starts_with("sso-session") => inner
                    .strip_prefix("sso-session")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| format!("sso-session {}", rest.trim())),
                FileKind::Config if inner.starts_with("services") => inner
                    .strip_prefix("services")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| format!("services {}", rest.trim())),
                FileKind::Config => inner
                    .strip_prefix("profile")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| rest.trim().to_owned()),
            };
            if let Some(name) = &current {
                profiles.entry(name.clone()).or_default();
            }
            parent = None;
            continue;
        }
        let (Some(profile), Some((key, value))) = (&current, trimmed.split_once('=')) else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = strip_inline_comment(value.trim());
        let Some(settings) = profiles.get_mut(profile) else {
            continue;
        };
        if line.starts_with(char::is_whitespace) {
            if let Some(parent) = &parent {
                settings.insert(format!("{parent}.{key}"), value.to_owned());
            }
            continue;
        }
        parent = value.is_empty().then(|| key.clone());
        settings.insert(key, value.to_owned());
    }
    profiles
}

/// `value # comment` and `value ; comment` end at the whitespace before the mark.
fn strip_inline_comment(value: &str) -> &str {
    let cut = value
        .char_indices()
        .find(|&(i, c)| {
            (c == '#' || c == ';') && i > 0 && value[..i].ends_with(char::is_whitespace)
        })
        .map_or(value.len(), |(i, _)| i);
    value[..cut].trim_end()
}

/// Shares one provider between clones of a client and keeps its credentials
/// until they are about to expire.
pub(crate) struct CredentialsCache {
    provider: SharedCredentialsProvider,
    cached: RwLock<Option<Cached>>,
    refreshing: tokio::sync::Mutex<()>,
}

/// Credentials and when to refresh them (never, without an expiry).
struct Cached {
    credentials: Credentials,
    refresh_at: Option<SystemTime>,
}

/// When credentials that expire at `expiry` are refreshed: 5 to 6 minutes
/// before, at random; halfway to expiry when they arrive with less time
/// left than that, so that they are not asked for again on every call.
fn refresh_time(expiry: SystemTime, now: SystemTime) -> SystemTime {
    let jitter_ms = u64::try_from(REFRESH_JITTER.as_millis()).unwrap_or(u64::MAX);
    let jitter = Duration::from_millis(fastrand::u64(0..=jitter_ms));
    match expiry.checked_sub(REFRESH_BEFORE_EXPIRY + jitter) {
        Some(planned) if planned > now => planned,
        _ => now + expiry.duration_since(now).unwrap_or_default() / 2,
    }
}

impl CredentialsCache {
    pub(crate) fn new(provider: SharedCredentialsProvider) -> Self {
        CredentialsCache {
            provider,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// Credentials valid for at least a few more minutes, refreshed from the
    /// provider when needed. One caller refreshes; the others wait for it.
    pub(crate) async fn get(&self) -> Result<Credentials, CredentialsError> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _guard = self.refreshing.lock().await;
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        match self.provider.provide_credentials().await {
            Ok(credentials) => {
                let now = SystemTime::now();
                let refresh_at = credentials.expiry().map(|expiry| refresh_time(expiry, now));
                if let Ok(mut cached) = self.cached.write() {
                    *cached = Some(Cached {
                        credentials: credentials.clone(),
                        refresh_at,
                    });
                }
                Ok(credentials)
            }
            Err(err) => {
                // A failed refresh may still leave credentials that have not expired.
                if let Some(still_valid) = self.unexpired() {
                    tracing::warn!(error = %err, "refreshing credentials failed; using ones that have not expired yet");
                    return Ok(still_valid);
                }
                // The default chain's typed account of what it tried is
                // kept as the source; other providers put the reason in
                // their error's sources, below the error's generic words.
                if let Some(found) = std::error::Error::source(&err)
                    .and_then(|source| source.downcast_ref::<NoCredentialsFound>())
                {
                    return Err(CredentialsError::new(
                        "no source of the default chain gave credentials",
                        Some(Box::new(found.clone())),
                    ));
                }
                let reason = match std::error::Error::source(&err) {
                    Some(source) => http::chain(source),
                    None => err.to_string(),
                };
                Err(CredentialsError::new(
                    format!("the credentials provider failed: {reason}"),
                    None,
                ))
            }
        }
    }

    fn fresh(&self) -> Option<Credentials> {
        let cached = self.cached.read().ok()?;
        let cached = cached.as_ref()?;
        match cached.refresh_at {
            Some(refresh_at) if refresh_at <= SystemTime::now() => None,
            _ => Some(cached.credentials.clone()),
        }
    }

    fn unexpired(&self) -> Option<Credentials> {
        let cached = self.cached.read().ok()?;
        let credentials = &cached.as_ref()?.credentials;
        match credentials.expiry() {
            Some(expiry) if expiry <= SystemTime::now() => None,
            _ => Some(credentials.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn refreshes_are_spread_over_a_minute_before_the_five_minute_mark() {
        let now = SystemTime::now();
        let expiry = now + Duration::from_secs(3600);
        let times: std::collections::BTreeSet<SystemTime> =
            (0..64).map(|_| refresh_time(expiry, now)).collect();
        let earliest = expiry - REFRESH_BEFORE_EXPIRY - REFRESH_JITTER;
        let latest = expiry - REFRESH_BEFORE_EXPIRY;
        assert!(times.iter().all(|t| (earliest..=latest).contains(t)));
        assert!(times.len() > 1, "the refresh time is drawn at random");
        // Credentials with less than five minutes left are kept halfway.
        let soon = now + Duration::from_secs(120);
        assert_eq!(refresh_time(soon, now), now + Duration::from_secs(60));
    }

    #[test]
    fn environment_credentials_need_both_keys() {
        let env = Environment::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let creds = from_environment(&env).unwrap().unwrap();
        assert_eq!(creds.access_key_id(), "AKID");
        assert_eq!(creds.secret_access_key(), "SECRET");
        assert_eq!(creds.session_token(), Some("TOKEN"));
        assert!(
            from_environment(&Environment::from_vars([]))
                .unwrap()
                .is_none()
        );
        let half = Environment::from_vars([("AWS_ACCESS_KEY_ID", "AKID")]);
        assert!(
            from_environment(&half)
                .unwrap_err()
                .to_string()
                .contains("AWS_SECRET_ACCESS_KEY is not")
        );
    }

    #[test]
    fn profile_files_parse_like_the_aws_cli() {
        let config = "\
# comment
[default]
region = us-west-2

[profile dev]
region=eu-west-1 ; inline comment
s3 =
  max_concurrent_requests = 10
aws_access_key_id = FROM_CONFIG

[sso-session corp]
sso_region = us-east-1
[profilenot]
region = nowhere
";
        let profiles = parse_profile_file(config, FileKind::Config);
        assert_eq!(profiles["default"]["region"], "us-west-2");
        assert_eq!(profiles["dev"]["region"], "eu-west-1");
        assert_eq!(profiles["dev"]["s3"], "");
        assert!(!profiles["dev"].contains_key("max_concurrent_requests"));
        assert_eq!(profiles["dev"]["s3.max_concurrent_requests"], "10");
        assert!(!profiles.contains_key("corp") && !profiles.contains_key("not"));

        let services = "\
[profile dev]
services = local
[services local]
bedrock_runtime =
  endpoint_url = http://127.0.0.1:4010
sts =
    endpoint_url = http://127.0.0.1:4011 # comment
";
        let sections = parse_profile_file(services, FileKind::Config);
        assert_eq!(sections["dev"]["services"], "local");
        assert_eq!(
            sections["services local"]["bedrock_runtime.endpoint_url"],
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            sections["services local"]["sts.endpoint_url"],
            "http://127.0.0.1:4011"
        );

        let credentials = "[dev]\nAWS_Access_Key_ID = AKID\naws_secret_access_key = sec#ret\n";
        let profiles = parse_profile_file(credentials, FileKind::Credentials);
        assert_eq!(profiles["dev"]["aws_access_key_id"], "AKID");
        assert_eq!(profiles["dev"]["aws_secret_access_key"], "sec#ret");
    }

    #[test]
    fn profiles_merge_both_files_and_leave_roles_to_the_chain() {
        let dir = std::env::temp_dir().join(format!("profile-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config");
        let credentials = dir.join("credentials");
        std::fs::write(&config, "[profile dev]\nregion = eu-west-1\n[profile assume]\nrole_arn = arn:aws:iam::1:role/x\n").unwrap();
        std::fs::write(
            &credentials,
            "[dev]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
        )
        .unwrap();
        let env = Environment::from_vars([
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
            ("AWS_PROFILE", "dev"),
        ]);
        let profile = load_profile(&env, None).unwrap();
        assert_eq!(profile.get("region"), Some("eu-west-1"));
        assert_eq!(
            profile.credentials().unwrap().unwrap().access_key_id(),
            "AKID"
        );

        // A role is the default chain's to assume: the profile has no keys.
        let assume = load_profile(&env, Some("assume")).unwrap();
        assert_eq!(assume.get("role_arn"), Some("arn:aws:iam::1:role/x"));
        assert!(assume.credentials().unwrap().is_none());
        assert!(
            load_profile(&env, Some("missing"))
                .unwrap_err()
                .to_string()
                .contains("\"missing\"")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(
            &'a self,
        ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(Credentials::new(
                format!("AKID{n}"),
                "SECRET",
                None,
                Some(SystemTime::now() + self.lifetime),
                "counting",
            )))
        }
    }

    #[tokio::test]
    async fn credentials_are_cached_until_they_near_expiry() {
        let long = Arc::new(AtomicUsize::new(0));
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Counting {
            calls: long.clone(),
            lifetime: Duration::from_secs(3600),
        }));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(long.load(Ordering::SeqCst), 1);

        // Credentials that arrive inside the refresh window are kept until
        // halfway to their expiry, not fetched again on every call...
        let short = Arc::new(AtomicUsize::new(0));
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Counting {
            calls: short.clone(),
            lifetime: Duration::from_secs(60),
        }));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(short.load(Ordering::SeqCst), 1);

        // ... and ones already expired are fetched again.
        let expired = Arc::new(AtomicUsize::new(0));
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Counting {
            calls: expired.clone(),
            lifetime: Duration::ZERO,
        }));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
    }
}
