//! Which certificate authorities the client trusts: Mozilla's roots, built
//! in (the default), or the operating system's store; plus the extra roots
//! of a PEM bundle (`AWS_CA_BUNDLE`, the profile's `ca_bundle`), as a
//! company's TLS-inspecting gateway needs.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, RootCertStore};

use crate::credentials::{Environment, Profile};
use crate::error::ConfigError;

/// Where the client's root certificates come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustStore {
    /// Mozilla's roots, compiled in (`webpki-roots`): the same on every
    /// machine, and independent of what the machine trusts.
    #[default]
    Bundled,
    /// The operating system's store (`rustls-native-certs`: the files
    /// OpenSSL would read on Linux, `SSL_CERT_FILE` and `SSL_CERT_DIR`
    /// included; the keychain on macOS; the system store on Windows), read
    /// when the client is built.
    Os,
}

/// The certificates a TLS connection is verified against. Certificate
/// verification cannot be turned off.
#[derive(Clone, Default)]
pub struct TlsConfig {
    trust_store: TrustStore,
    extra_roots: Vec<CertificateDer<'static>>,
    /// Where the extra roots came from, for messages.
    bundles: Vec<String>,
}

impl TlsConfig {
    /// Mozilla's roots, nothing else.
    pub fn new() -> Self {
        TlsConfig::default()
    }

    /// Trusts `store` (with any extra roots added).
    pub fn with_trust_store(mut self, store: TrustStore) -> Self {
        self.trust_store = store;
        self
    }

    /// Also trusts the certificates of the PEM file at `path` (what
    /// `AWS_CA_BUNDLE` names).
    pub fn with_ca_bundle_file(self, path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            ConfigError::new(format!(
                "the CA bundle {} cannot be read: {e}",
                path.display()
            ))
        })?;
        self.add_bundle(&pem, path.display().to_string())
    }

    /// Also trusts the certificates of `pem`.
    pub fn with_ca_bundle_pem(self, pem: &[u8]) -> Result<Self, ConfigError> {
        self.add_bundle(pem, "the PEM CA bundle".to_owned())
    }

    /// `AWS_CA_BUNDLE`, else the profile's `ca_bundle`, as botocore reads
    /// them, added to the bundled roots.
    pub(crate) fn from_environment(
        env: &Environment,
        profile: Option<&Profile>,
    ) -> Result<Self, ConfigError> {
        let bundle = env
            .get("AWS_CA_BUNDLE")
            .or_else(|| profile.and_then(|p| p.get("ca_bundle")).map(str::to_owned));
        match bundle {
            Some(path) => TlsConfig::new().with_ca_bundle_file(path.trim()),
            None => Ok(TlsConfig::new()),
        }
    }

    fn add_bundle(mut self, pem: &[u8], source: String) -> Result<Self, ConfigError> {
        let mut found = 0;
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate = certificate.map_err(|e| {
                ConfigError::new(format!("the CA bundle {source} is not valid PEM: {e}"))
            })?;
            // Checked now, so that a bad bundle fails the configuration
            // rather than every connection.
            RootCertStore::empty()
                .add(certificate.clone())
                .map_err(|e| {
                    ConfigError::new(format!(
                        "certificate {} of the CA bundle {source} cannot be a root: {e}",
                        found + 1
                    ))
                })?;
            self.extra_roots.push(certificate);
            found += 1;
        }
        if found == 0 {
            return Err(ConfigError::new(format!(
                "the CA bundle {source} holds no PEM certificate"
            )));
        }
        self.bundles.push(source);
        Ok(self)
    }

    /// The roots to verify servers against.
    pub(crate) fn root_store(&self) -> Result<Arc<RootCertStore>, ConfigError> {
        let mut roots = RootCertStore::empty();
        match self.trust_store {
            TrustStore::Bundled => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            TrustStore::Os => {
                let native = rustls_native_certs::load_native_certs();
                let (added, _) = roots.add_parsable_certificates(native.certs);
                if added == 0 {
                    let errors: Vec<String> =
                        native.errors.iter().map(ToString::to_string).collect();
                    return Err(ConfigError::new(format!(
                        "the operating system's trust store gave no usable certificate{}",
                        if errors.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", errors.join("; "))
                        }
                    )));
                }
            }
        }
        for root in &self.extra_roots {
            // Each was checked when its bundle was read.
            roots
                .add(root.clone())
                .map_err(|e| ConfigError::new(format!("a CA bundle root was refused: {e}")))?;
        }
        Ok(Arc::new(roots))
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("trust_store", &self.trust_store)
            .field("ca_bundles", &self.bundles)
            .finish()
    }
}

/// A rustls client configuration over `roots`, offering `alpn` (most
/// preferred first).
pub(crate) fn client_config(
    roots: Arc<RootCertStore>,
    alpn: &[&[u8]],
) -> Result<Arc<rustls::ClientConfig>, ConfigError> {
    let mut config = rustls::ClientConfig::builder_with_provider(ring_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::new(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(config))
}

/// rustls with *ring*, named rather than taken from the process default:
/// a program that also links rustls' other provider (as the official SDK
/// does) would otherwise have no default, and rustls would panic.
///
/// rustls 0.23.48 deprecates this provider because *ring* has no
/// post-quantum key exchange. The alternative, aws-lc-rs, compiles C with
/// cmake and would several-fold the crate's clean build time, which is a
/// feature we compete on; the deprecation is accepted here, and only here.
#[allow(deprecated)]
fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What is wrong with `host`'s certificate, when `err` is a verification
/// failure, in words that say what to do about it.
pub(crate) fn certificate_problem(err: &rustls::Error, host: &str) -> Option<String> {
    let rustls::Error::InvalidCertificate(problem) = err else {
        return None;
    };
    Some(match problem {
        CertificateError::UnknownIssuer => format!(
            "the certificate of {host} is issued by an authority this client does not trust (add its CA with AWS_CA_BUNDLE, the profile's ca_bundle or TlsConfig::with_ca_bundle_file)"
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("the certificate {host} presented is not valid for the name {host}: {err}")
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            format!("the certificate of {host} has expired: {err}")
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            format!("the certificate of {host} is not valid yet: {err}")
        }
        _ => format!("the certificate of {host} does not verify: {err}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_that_is_not_pem_is_refused_with_its_name() {
        let dir = std::env::temp_dir().join(format!("tls-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bundle.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = TlsConfig::new()
            .with_ca_bundle_file(&path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bundle.pem") && err.contains("no PEM certificate"),
            "{err}"
        );
        let missing = dir.join("missing.pem");
        let err = TlsConfig::new()
            .with_ca_bundle_file(&missing)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("missing.pem") && err.contains("cannot be read"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_environment_names_the_bundle() {
        let env = Environment::from_vars([("AWS_CA_BUNDLE", "/nonexistent/corp-ca.pem")]);
        let err = TlsConfig::from_environment(&env, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/corp-ca.pem"), "{err}");
        let none = TlsConfig::from_environment(&Environment::from_vars([]), None).unwrap();
        assert_eq!(
            none.root_store().unwrap().len(),
            webpki_roots::TLS_SERVER_ROOTS.len()
        );
    }

    #[test]
    fn certificate_problems_name_the_host() {
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let text = certificate_problem(&unknown, "bedrock.example").unwrap();
        assert!(
            text.contains("bedrock.example") && text.contains("AWS_CA_BUNDLE"),
            "{text}"
        );
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert!(
            certificate_problem(&expired, "h")
                .unwrap()
                .contains("expired")
        );
        assert!(certificate_problem(&rustls::Error::DecryptError, "h").is_none());
    }
}
