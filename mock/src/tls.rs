//! HTTPS for the mock: a certificate authority made at start-up, a server
//! certificate it signs, and rustls offering HTTP/2 and HTTP/1.1 by ALPN.
//! Clients trust the authority through its PEM file (`AWS_CA_BUNDLE`,
//! `--ca-bundle`), so TLS, ALPN and CA bundles can be tried offline.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A test certificate authority and a server certificate it signed.
#[derive(Clone)]
pub struct TlsIdentity {
    ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").finish_non_exhaustive()
    }
}

/// How the server certificate is made.
#[derive(Debug, Clone)]
pub struct CertificateOptions {
    /// The names (DNS names or IP addresses) the certificate is valid for.
    pub names: Vec<String>,
    /// Makes a certificate whose validity ended in 2001, to test that
    /// clients refuse it.
    pub expired: bool,
}

impl Default for CertificateOptions {
    fn default() -> Self {
        CertificateOptions {
            names: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            expired: false,
        }
    }
}

impl TlsIdentity {
    /// A new authority and a certificate for `localhost` and `127.0.0.1`.
    pub fn generate() -> Result<Self, String> {
        Self::generate_with(&CertificateOptions::default())
    }

    /// A new authority and a certificate made as `options` say.
    pub fn generate_with(options: &CertificateOptions) -> Result<Self, String> {
        let failed = |what: &str, e: rcgen::Error| format!("cannot make the {what}: {e}");
        let ca_key = KeyPair::generate().map_err(|e| failed("CA key", e))?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| failed("CA", e))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "bedrock-mock test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_certificate = ca.self_signed(&ca_key).map_err(|e| failed("CA", e))?;
        let issuer = Issuer::new(ca, ca_key);

        let server_key = KeyPair::generate().map_err(|e| failed("server key", e))?;
        let mut server =
            CertificateParams::new(options.names.clone()).map_err(|e| failed("certificate", e))?;
        server
            .distinguished_name
            .push(DnType::CommonName, "bedrock-mock");
        if options.expired {
            server.not_before = rcgen::date_time_ymd(2000, 1, 1);
            server.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let server_certificate = server
            .signed_by(&server_key, &issuer)
            .map_err(|e| failed("certificate", e))?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let mut config = rustls::ServerConfig::builder_with_provider(ring_provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .with_no_client_auth()
            .with_single_cert(vec![server_certificate.der().clone()], key)
            .map_err(|e| format!("cannot use the certificate: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsIdentity {
            ca_pem: ca_certificate.pem(),
            server: Arc::new(config),
        })
    }

    /// The authority's certificate, PEM: what clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.server.clone())
    }
}

/// rustls with *ring*, as the clients use it (rustls 0.23.48 deprecates it
/// for lacking post-quantum key exchange; the mock needs none).
#[allow(deprecated)]
fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
