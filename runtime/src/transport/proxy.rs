//! Which proxy a request goes through: `HTTPS_PROXY` for https endpoints,
//! `HTTP_PROXY` for plain http ones, none for hosts `NO_PROXY` names, as
//! botocore, curl and the AWS CLI read them; or an explicit [`ProxyConfig`].

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use http::{HeaderValue, Uri};

use crate::credentials::Environment;
use crate::error::ConfigError;

/// The proxies requests go through. With [`SdkConfig::env_builder`](crate::SdkConfig::env_builder)
/// they come from the environment; [`SdkConfigBuilder::proxy`](crate::SdkConfigBuilder::proxy) sets
/// them instead, and [`ProxyConfig::disabled`] connects directly whatever
/// the environment says.
///
/// `ProxyConfig::disabled().with_https("http://user:secret@proxy:3128")?`
/// sends https requests through that proxy with `Proxy-Authorization`;
/// `Debug` shows it as `http://***@proxy:3128`.
#[derive(Clone, Default)]
pub struct ProxyConfig {
    https: Option<Proxy>,
    http: Option<Proxy>,
    no_proxy: NoProxy,
}

impl ProxyConfig {
    /// No proxy: every connection is direct.
    pub fn disabled() -> Self {
        ProxyConfig::default()
    }

    /// The proxies of the process environment: `https_proxy` or
    /// `HTTPS_PROXY`, `http_proxy` or `HTTP_PROXY`, `no_proxy` or
    /// `NO_PROXY` (the lower-case name wins, as in botocore).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_environment(&Environment::process())
    }

    /// The proxies the given variables name, read as [`ProxyConfig::from_env`]
    /// reads the process environment.
    pub fn from_variables<'a>(
        variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        Self::from_environment(&Environment::from_vars(variables))
    }

    pub(crate) fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let read = |name: &str| {
            env.get(&name.to_ascii_lowercase())
                .or_else(|| env.get(name))
                .map(|value| (name.to_owned(), value))
        };
        let mut config = ProxyConfig::disabled();
        if let Some((name, url)) = read("HTTPS_PROXY") {
            config.https = Some(Proxy::parse(&url, &name)?);
        }
        if let Some((name, url)) = read("HTTP_PROXY") {
            config.http = Some(Proxy::parse(&url, &name)?);
        }
        if let Some((_, list)) = read("NO_PROXY") {
            config.no_proxy = NoProxy::parse(&list);
        }
        Ok(config)
    }

    /// Sends requests to https endpoints through `url`, an `http://` proxy
    /// (`http://user:password@host:port` adds `Proxy-Authorization`), by an
    /// HTTP `CONNECT` tunnel.
    pub fn with_https(mut self, url: &str) -> Result<Self, ConfigError> {
        self.https = Some(Proxy::parse(url, "the https proxy")?);
        Ok(self)
    }

    /// Sends requests to plain http endpoints through `url`.
    pub fn with_http(mut self, url: &str) -> Result<Self, ConfigError> {
        self.http = Some(Proxy::parse(url, "the http proxy")?);
        Ok(self)
    }

    /// Connects directly to the hosts `list` names: comma-separated host
    /// names (which also match their subdomains, with or without a leading
    /// dot), IP addresses, CIDR blocks such as `10.0.0.0/8`, or `*` for all.
    pub fn with_no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// The proxy for a request to `uri`, if it goes through one.
    pub(crate) fn proxy_for(&self, uri: &Uri) -> Option<&Proxy> {
        let proxy = match uri.scheme_str() {
            Some("https") => self.https.as_ref(),
            Some("http") => self.http.as_ref(),
            _ => None,
        }?;
        let host = uri.host()?;
        (!self.no_proxy.matches(host)).then_some(proxy)
    }

    /// Whether any request could go through a proxy.
    pub(crate) fn is_enabled(&self) -> bool {
        self.https.is_some() || self.http.is_some()
    }
}

/// Shows the proxies without their credentials.
impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("https", &self.https)
            .field("http", &self.http)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// One proxy: where it is, and the `Proxy-Authorization` its URL's
/// credentials make.
#[derive(Clone)]
pub(crate) struct Proxy {
    /// `http://host:port`, without credentials: what connections go to and
    /// what messages name.
    uri: Uri,
    /// `Basic ...`, marked sensitive so that hyper never logs it.
    authorization: Option<HeaderValue>,
}

impl Proxy {
    /// Reads a proxy URL as botocore does: `http://` is assumed when no
    /// scheme is given, the port defaults to 80. `name` says where the URL
    /// came from, for the error; the error never repeats credentials.
    fn parse(url: &str, name: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let invalid = |why: &str| {
            ConfigError::new(format!(
                "{name} ({}) is not a usable proxy URL: {why}",
                redact_userinfo(&with_scheme)
            ))
        };
        let uri: Uri = with_scheme
            .parse()
            .map_err(|_| invalid("it does not parse as a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(invalid(
                    "TLS to the proxy itself is not supported; use an http:// proxy URL (requests to https endpoints are still encrypted end to end through its tunnel)",
                ));
            }
            _ => return Err(invalid("the scheme must be http")),
        }
        let authority = uri.authority().ok_or_else(|| invalid("it has no host"))?;
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("it has no host"));
        }
        let port = authority.port_u16().unwrap_or(80);
        let authorization = match authority.as_str().rsplit_once('@') {
            None => None,
            Some((userinfo, _)) => Some(basic_authorization(userinfo).map_err(&invalid)?),
        };
        let uri = Uri::builder()
            .scheme("http")
            .authority(format!("{host}:{port}"))
            .path_and_query("/")
            .build()
            .map_err(|_| invalid("its host is not valid"))?;
        Ok(Proxy { uri, authorization })
    }

    /// `http://host:port` of the proxy, without credentials.
    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }

    /// `host:port` of the proxy, for messages.
    pub(crate) fn address(&self) -> &str {
        self.uri.authority().map_or("", |a| a.as_str())
    }

    /// The `Proxy-Authorization` value, when the URL had credentials.
    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        self.authorization.as_ref()
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = if self.authorization.is_some() {
            "***@"
        } else {
            ""
        };
        write!(f, "http://{credentials}{}", self.address())
    }
}

/// `Basic base64(user:password)` from a URL's percent-encoded userinfo.
fn basic_authorization(userinfo: &str) -> Result<HeaderValue, &'static str> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .map(|decoded| decoded.into_owned())
            .map_err(|_| "its credentials are not UTF-8 once percent-decoded")
    };
    let pair = format!("{}:{}", decode(user)?, decode(password)?);
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| "its credentials cannot form a header")?;
    value.set_sensitive(true);
    Ok(value)
}

/// `scheme://***@host...` for a URL with userinfo; the URL otherwise.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// The hosts reached without a proxy.
#[derive(Clone, Debug, Default)]
struct NoProxy {
    entries: Vec<NoProxyEntry>,
}

#[derive(Clone, Debug)]
enum NoProxyEntry {
    /// `*`: every host.
    Everything,
    /// An address, or a block of them (`10.0.0.0/8`, `::1/128`).
    Addresses { network: IpAddr, prefix: u8 },
    /// A host name and its subdomains, lower-cased, without a leading dot.
    Domain(String),
}

impl NoProxy {
    fn parse(list: &str) -> Self {
        let entries = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                if entry == "*" {
                    return NoProxyEntry::Everything;
                }
                if let Some((address, prefix)) = parse_cidr(entry) {
                    return NoProxyEntry::Addresses {
                        network: address,
                        prefix,
                    };
                }
                let bare = entry.trim_start_matches("*.").trim_start_matches('.');
                let bare = bare.trim_start_matches('[').trim_end_matches(']');
                match bare.parse::<IpAddr>() {
                    Ok(address) => NoProxyEntry::Addresses {
                        network: address,
                        prefix: if address.is_ipv4() { 32 } else { 128 },
                    },
                    Err(_) => NoProxyEntry::Domain(strip_port(bare).to_ascii_lowercase()),
                }
            })
            .collect();
        NoProxy { entries }
    }

    /// Whether `host` (a URI's host: a name, an IPv4 address or a
    /// bracketed IPv6 address) is reached directly.
    fn matches(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let address = host.parse::<IpAddr>().ok();
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.entries.iter().any(|entry| match entry {
            NoProxyEntry::Everything => true,
            NoProxyEntry::Addresses { network, prefix } => {
                address.is_some_and(|address| in_block(address, *network, *prefix))
            }
            NoProxyEntry::Domain(domain) => {
                host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }
        })
    }
}

/// `host:port` without the port (a `NO_PROXY` entry may carry one; it
/// matches the host on every port, as in curl).
fn strip_port(entry: &str) -> &str {
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.parse::<u16>().is_ok() => host,
        _ => entry,
    }
}

fn parse_cidr(entry: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = entry.split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    (prefix <= bits).then_some((address, prefix))
}

fn in_block(address: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> ProxyConfig {
        ProxyConfig::from_variables(vars.iter().copied()).unwrap()
    }

    fn proxied(config: &ProxyConfig, url: &str) -> Option<String> {
        config
            .proxy_for(&url.parse().unwrap())
            .map(|p| p.address().to_owned())
    }

    #[test]
    fn https_and_http_endpoints_use_their_own_variable() {
        let config = config(&[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("HTTP_PROXY", "plain-proxy"),
        ]);
        assert_eq!(
            proxied(&config, "https://bedrock-runtime.us-east-1.amazonaws.com/"),
            Some("secure-proxy:3128".into())
        );
        assert_eq!(
            proxied(&config, "http://127.0.0.1:4010/"),
            Some("plain-proxy:80".into())
        );
    }

    #[test]
    fn lower_case_names_win() {
        let config = config(&[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
        ]);
        assert_eq!(
            proxied(&config, "https://example.com/"),
            Some("lower:2".into())
        );
    }

    #[test]
    fn no_proxy_matches_hosts_suffixes_addresses_and_everything() {
        let config = config(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            (
                "NO_PROXY",
                "localhost, .internal.example, amazonaws.com,10.0.0.0/8,::1,192.168.1.7:8080",
            ),
        ]);
        for direct in [
            "https://localhost:4010/",
            "https://a.internal.example/",
            "https://internal.example/",
            "https://bedrock-runtime.us-east-1.amazonaws.com/",
            "https://10.1.2.3/",
            "https://[::1]:443/",
            "https://192.168.1.7/",
        ] {
            assert_eq!(proxied(&config, direct), None, "{direct}");
        }
        for via_proxy in [
            "https://localhost.evil/",
            "https://notamazonaws.com/",
            "https://11.0.0.1/",
            "https://192.168.1.8/",
        ] {
            assert!(proxied(&config, via_proxy).is_some(), "{via_proxy}");
        }
        let everything = self::config(&[("HTTPS_PROXY", "proxy:1"), ("no_proxy", "*")]);
        assert_eq!(proxied(&everything, "https://example.com/"), None);
    }

    #[test]
    fn credentials_become_basic_authorization_and_are_never_shown() {
        let config = config(&[("HTTPS_PROXY", "http://alice:s%40cret@proxy:3128")]);
        let proxy = config
            .proxy_for(&"https://example.com/".parse().unwrap())
            .unwrap();
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("alice:s@cret")
        );
        assert_eq!(proxy.authorization().unwrap(), expected.as_str());
        assert!(proxy.authorization().unwrap().is_sensitive());
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("alice") && !debug.contains("cret"),
            "{debug}"
        );
        assert!(debug.contains("proxy:3128"), "{debug}");
    }

    #[test]
    fn bad_urls_are_errors_that_hide_credentials() {
        let err = ProxyConfig::from_variables([("HTTPS_PROXY", "https://bob:hunter2@proxy:443")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTTPS_PROXY") && err.contains("TLS"), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("bob"), "{err}");
        let err = ProxyConfig::disabled()
            .with_http("socks5://proxy:1080")
            .unwrap_err()
            .to_string();
        assert!(err.contains("scheme"), "{err}");
    }
}
