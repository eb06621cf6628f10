//! Where requests go: `https://{endpointPrefix}.{region}.{dnsSuffix}` in the
//! region's partition, unless the user gives an endpoint URL.

use http::Uri;

use crate::error::ConfigError;

/// A resolved endpoint: scheme, authority and an optional base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// Prefix for every request path, without a trailing `/` (often empty).
    base_path: String,
}

impl Endpoint {
    /// Parses a user-given endpoint URL such as `http://127.0.0.1:4010`.
    pub(crate) fn parse(url: &str) -> Result<Self, ConfigError> {
        let uri: Uri = url
            .parse()
            .map_err(|e| ConfigError::new(format!("endpoint URL {url:?} is not a URL: {e}")))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| {
            ConfigError::new(format!(
                "endpoint URL {url:?} has no scheme (http:// or https://)"
            ))
        })?;
        if scheme != http::uri::Scheme::HTTP && scheme != http::uri::Scheme::HTTPS {
            return Err(ConfigError::new(format!(
                "endpoint URL {url:?} must use http or https, not {scheme}"
            )));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| ConfigError::new(format!("endpoint URL {url:?} has no host")))?;
        if uri.query().is_some() {
            return Err(ConfigError::new(format!(
                "endpoint URL {url:?} must not have a query"
            )));
        }
        Ok(Endpoint {
            scheme,
            authority,
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The endpoint of a service in a region, by the region's partition.
    pub(crate) fn for_region(endpoint_prefix: &str, region: &str) -> Result<Self, ConfigError> {
        if !is_valid_region(region) {
            return Err(ConfigError::new(format!(
                "region {region:?} is not a valid region name (letters, digits and '-')"
            )));
        }
        let suffix = partition_dns_suffix(region);
        let url = format!("https://{endpoint_prefix}.{region}.{suffix}");
        Self::parse(&url)
    }

    /// The full URI of a request whose path and query are already encoded.
    pub(crate) fn uri(&self, path_and_query: &str) -> Result<Uri, http::Error> {
        let mut full = String::with_capacity(self.base_path.len() + path_and_query.len());
        full.push_str(&self.base_path);
        full.push_str(path_and_query);
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(full)
            .build()
    }

    /// This endpoint with `prefix` (e.g. `data.`) put before its host.
    pub(crate) fn with_host_prefix(&self, prefix: &str) -> Result<Self, http::Error> {
        let authority = format!("{prefix}{}", self.authority).parse()?;
        Ok(Endpoint {
            scheme: self.scheme.clone(),
            authority,
            base_path: self.base_path.clone(),
        })
    }

    /// Whether requests stay on this machine (`localhost` or a loopback IP).
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self
            .authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether the endpoint uses TLS.
    pub(crate) fn is_https(&self) -> bool {
        self.scheme == http::uri::Scheme::HTTPS
    }

    /// The `Host` header value.
    pub(crate) fn authority(&self) -> &http::uri::Authority {
        &self.authority
    }
}

/// `https://bedrock-runtime.us-east-1.amazonaws.com`, with any base path.
impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.base_path)
    }
}

/// A region is one DNS label of lowercase letters, digits and hyphens.
pub(crate) fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 63
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `https://{prefix}.{region}.{dnsSuffix}`, checked: the endpoints of the
/// credential providers' services (STS, SSO, SSO OIDC) in the region's
/// partition.
pub(crate) fn regional_url(prefix: &str, region: &str) -> Result<String, String> {
    Endpoint::for_region(prefix, region)
        .map(|endpoint| endpoint.to_string())
        .map_err(|e| e.to_string())
}

/// The DNS suffix of the region's partition (`amazonaws.com`,
/// `amazonaws.com.cn`, `c2s.ic.gov`, ...), from the runtime's partition
/// table; regions of no known partition use `aws`'s.
pub(crate) fn partition_dns_suffix(region: &str) -> String {
    crate::endpoint_rules::Partitions::aws()
        .output(region, "dnsSuffix")
        .unwrap_or_else(|| "amazonaws.com".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(prefix: &str, region: &str) -> String {
        Endpoint::for_region(prefix, region)
            .unwrap()
            .uri("/")
            .unwrap()
            .to_string()
    }

    #[test]
    fn partitions_have_their_dns_suffix() {
        assert_eq!(
            url("bedrock-runtime", "us-east-1"),
            "https://bedrock-runtime.us-east-1.amazonaws.com/"
        );
        assert_eq!(
            url("bedrock-runtime", "eu-central-1"),
            "https://bedrock-runtime.eu-central-1.amazonaws.com/"
        );
        assert_eq!(
            url("bedrock-runtime", "cn-north-1"),
            "https://bedrock-runtime.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            url("bedrock-runtime", "us-gov-west-1"),
            "https://bedrock-runtime.us-gov-west-1.amazonaws.com/"
        );
        assert_eq!(
            url("bedrock-runtime", "us-iso-east-1"),
            "https://bedrock-runtime.us-iso-east-1.c2s.ic.gov/"
        );
        assert_eq!(
            url("bedrock-runtime", "us-isob-east-1"),
            "https://bedrock-runtime.us-isob-east-1.sc2s.sgov.gov/"
        );
    }

    #[test]
    fn regions_that_would_change_the_host_are_rejected() {
        for bad in [
            "",
            "us-east-1.evil.com",
            "us east",
            "US-EAST-1",
            "-x",
            "a/b",
        ] {
            assert!(
                Endpoint::for_region("bedrock-runtime", bad).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn endpoint_urls_keep_their_base_path() {
        let endpoint = Endpoint::parse("http://127.0.0.1:4010/prefix/").unwrap();
        assert_eq!(
            endpoint.uri("/model/x/invoke").unwrap().to_string(),
            "http://127.0.0.1:4010/prefix/model/x/invoke"
        );
    }

    #[test]
    fn loopback_and_tls_are_recognised() {
        assert!(
            Endpoint::parse("http://127.0.0.1:4010")
                .unwrap()
                .is_loopback()
        );
        assert!(Endpoint::parse("http://localhost:1").unwrap().is_loopback());
        assert!(Endpoint::parse("http://[::1]:1").unwrap().is_loopback());
        assert!(!Endpoint::parse("http://10.0.0.1").unwrap().is_loopback());
        assert!(Endpoint::parse("https://example.com").unwrap().is_https());
        assert!(!Endpoint::parse("http://example.com").unwrap().is_https());
    }

    #[test]
    fn bad_endpoint_urls_are_configuration_errors() {
        for bad in [
            "localhost:4010",
            "ftp://x",
            "http://",
            "not a url",
            "http://h/?q=1",
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid configuration: endpoint URL"),
                "{bad}: {err}"
            );
        }
    }
}
