//! Which certificate authorities are trusted, and a verifier that remembers which
//! certificate it rejected so that the error can name it.
//!
//! Every source is **added** to one trusted set: the roots bundled with vbshare (Mozilla's,
//! through `webpki-roots`), the operating system's store, `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` as OpenSSL-based tools read them, and `--ca-cert`. (OpenSSL lets
//! `SSL_CERT_FILE` replace the store; here it never takes anything away, so pointing it at
//! a corporate CA does not break every public host.)

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::api::ApiError;

/// Where trusted CAs come from, as resolved by the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// The operating system's store (on by default; tests may leave it out).
    pub system: bool,
    /// `SSL_CERT_FILE`: a PEM bundle.
    pub cert_file: Option<PathBuf>,
    /// `SSL_CERT_DIR`: directories of PEM files (`:`-separated in the variable).
    pub cert_dirs: Vec<PathBuf>,
    /// `--ca-cert` (or `ca_cert` in the profile): the PEM text, read by the settings.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Accept any certificate. Dangerous; every front end says so loudly.
    pub insecure: bool,
}

/// The bundle files of the usual Linux and BSD distributions, as Go and OpenSSL probe them.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/etc/ssl/cert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
];

/// The operating system's trusted CAs.
#[cfg(all(unix, not(target_os = "macos")))]
fn system_roots() -> Vec<CertificateDer<'static>> {
    // Read the distribution's bundle directly: `rustls-native-certs` would let
    // `SSL_CERT_FILE` replace it, and here that variable only adds.
    SYSTEM_BUNDLES
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .map(|p| rustls_native_certs::load_certs_from_paths(Some(p), None).certs)
        .unwrap_or_default()
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn system_roots() -> Vec<CertificateDer<'static>> {
    let _ = SYSTEM_BUNDLES;
    rustls_native_certs::load_native_certs().certs
}

/// The certificates of a PEM text; an error when it holds none (a file that is not PEM
/// would otherwise be accepted and trust nothing).
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    match certs {
        Err(e) => Err(format!("it is not valid PEM ({e})")),
        Ok(c) if c.is_empty() => Err("it holds no PEM certificate".to_owned()),
        Ok(c) => Ok(c),
    }
}

impl Trust {
    /// The trusted set: every source added, bad entries skipped (a store often holds a few
    /// certificates rustls cannot parse). Only `--ca-cert` is checked strictly, since the
    /// user named that file for this very purpose.
    pub fn roots(&self) -> Result<RootCertStore, ApiError> {
        let mut store = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut add = |certs: Vec<CertificateDer<'static>>, from: &str| {
            let (ok, bad) = store.add_parsable_certificates(certs);
            tracing::debug!(from, ok, bad, "trusted CAs added");
        };
        if self.system {
            add(system_roots(), "the system store");
        }
        if self.cert_file.is_some() || !self.cert_dirs.is_empty() {
            let mut certs = Vec::new();
            if let Some(file) = &self.cert_file {
                certs.extend(rustls_native_certs::load_certs_from_paths(Some(file), None).certs);
            }
            for dir in &self.cert_dirs {
                certs.extend(rustls_native_certs::load_certs_from_paths(None, Some(dir)).certs);
            }
            add(certs, "SSL_CERT_FILE/SSL_CERT_DIR");
        }
        if let Some(pem) = &self.ca_cert_pem {
            let certs = pem_certificates(pem).map_err(|why| ca_cert_error(&why))?;
            add(certs, "--ca-cert");
        }
        Ok(store)
    }

    /// The rustls configuration: the trusted set behind a [`NamingVerifier`], or no
    /// verification at all when insecure. ALPN offers HTTP/2 and HTTP/1.1.
    ///
    /// The trusted set is gathered at the first handshake, not here: reading the system's
    /// store and `SSL_CERT_DIR` costs milliseconds that a run against `http://` (the demo,
    /// a local server) never needs. `--ca-cert` is still checked here, so a bad file is
    /// refused before anything is sent.
    pub fn client_config(&self, rejected: Rejections) -> Result<rustls::ClientConfig, ApiError> {
        if let Some(pem) = &self.ca_cert_pem {
            pem_certificates(pem).map_err(|why| ca_cert_error(&why))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| ApiError::Config(format!("cannot set up TLS: {e}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = if self.insecure {
            Arc::new(AcceptAnything(provider))
        } else {
            Arc::new(NamingVerifier {
                trust: self.clone(),
                provider,
                inner: OnceLock::new(),
                rejected,
            })
        };
        let mut config = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn ca_cert_error(why: &str) -> ApiError {
    ApiError::Config(format!(
        "the CA certificate (--ca-cert) is not usable: {why}; give a PEM file with \
         -----BEGIN CERTIFICATE----- blocks"
    ))
}

/// The last certificate each host's verifier rejected, described for people.
#[derive(Clone, Debug, Default)]
pub struct Rejections(Arc<Mutex<Vec<(String, String)>>>);

impl Rejections {
    fn record(&self, host: String, description: String) {
        if let Ok(mut v) = self.0.lock() {
            v.retain(|(h, _)| *h != host);
            v.push((host, description));
        }
    }

    /// What was rejected for `host` (`host` without a port), if anything.
    pub fn for_host(&self, host: &str) -> Option<String> {
        let v = self.0.lock().ok()?;
        v.iter().find(|(h, _)| h == host).map(|(_, d)| d.clone())
    }
}

/// The webpki verifier over the trusted set (gathered at first use), which on a rejection
/// records whose certificate it was.
#[derive(Debug)]
struct NamingVerifier {
    trust: Trust,
    provider: Arc<rustls::crypto::CryptoProvider>,
    inner: OnceLock<Result<Arc<WebPkiServerVerifier>, String>>,
    rejected: Rejections,
}

impl NamingVerifier {
    fn inner(&self) -> Result<&Arc<WebPkiServerVerifier>, rustls::Error> {
        self.inner
            .get_or_init(|| {
                let roots = self.trust.roots().map_err(|e| e.to_string())?;
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }
}

impl ServerCertVerifier for NamingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result =
            self.inner()?
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if result.is_err() {
            let host = match server_name {
                ServerName::DnsName(d) => d.as_ref().to_owned(),
                ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
                _ => String::new(),
            };
            self.rejected.record(host, describe(end_entity));
        }
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `--insecure`: every certificate is accepted (signatures are still checked, so the
/// connection is at least made with the key the certificate names).
#[derive(Debug)]
struct AcceptAnything(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `certificate for "CN=vbs.test" (issuer "CN=Corp Inspection CA, O=Corp")`, or as much
/// of it as can be read.
pub fn describe(cert: &[u8]) -> String {
    match names(cert) {
        Some((issuer, subject)) => {
            let show = |n: String| {
                if n.is_empty() {
                    "(no name)".to_owned()
                } else {
                    crate::text::sanitize(&n).into_owned()
                }
            };
            format!(
                "certificate for \"{}\" (issuer \"{}\")",
                show(subject),
                show(issuer)
            )
        }
        None => "a certificate that could not be read".to_owned(),
    }
}

/// One DER element: (tag, contents, the rest after it).
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The issuer's and the subject's names of a DER certificate.
fn names(cert: &[u8]) -> Option<(String, String)> {
    let (_, cert, _) = element(cert)?;
    let (_, tbs, _) = element(cert)?;
    let mut rest = tbs;
    let (tag, _, r) = element(rest)?;
    if tag == 0xa0 {
        rest = r; // version
    }
    let (_, _, rest) = element(rest)?; // serial number
    let (_, _, rest) = element(rest)?; // signature algorithm
    let (_, issuer, rest) = element(rest)?;
    let (_, _, rest) = element(rest)?; // validity
    let (_, subject, _) = element(rest)?;
    Some((name(issuer), name(subject)))
}

/// `CN=…, O=…` of a distinguished name (only the attributes people recognise).
fn name(mut rdns: &[u8]) -> String {
    let mut parts = Vec::new();
    while let Some((_, set, rest)) = element(rdns) {
        rdns = rest;
        let mut attrs = set;
        while let Some((_, attr, rest)) = element(attrs) {
            attrs = rest;
            let Some((0x06, oid, value)) = element(attr) else {
                continue;
            };
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x0b] => "OU",
                _ => continue,
            };
            if let Some((tag, text, _)) = element(value) {
                let text = match tag {
                    // BMPString: UTF-16BE.
                    0x1e => String::from_utf16_lossy(
                        &text
                            .chunks_exact(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect::<Vec<_>>(),
                    ),
                    _ => String::from_utf8_lossy(text).into_owned(),
                };
                parts.push(format!("{label}={text}"));
            }
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(cn: &str, issuer: Option<&rcgen::Issuer<'_, rcgen::KeyPair>>) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(vec![cn.to_owned()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Corp");
        let key = rcgen::KeyPair::generate().unwrap();
        match issuer {
            None => params.self_signed(&key).unwrap().der().to_vec(),
            Some(issuer) => params.signed_by(&key, issuer).unwrap().der().to_vec(),
        }
    }

    #[test]
    fn a_rejected_certificate_is_named_with_its_issuer() {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Corp Inspection CA");
        let issuer = rcgen::Issuer::new(ca_params, rcgen::KeyPair::generate().unwrap());
        let leaf = cert("vbs.test", Some(&issuer));
        assert_eq!(
            describe(&leaf),
            "certificate for \"CN=vbs.test, O=Corp\" (issuer \"CN=Corp Inspection CA\")"
        );
        let own = cert("self.test", None);
        assert!(describe(&own).contains("(issuer \"CN=self.test, O=Corp\")"));
    }

    #[test]
    fn garbage_is_never_a_panic() {
        assert_eq!(describe(b""), "a certificate that could not be read");
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37) ^ n).collect();
            let _ = describe(&junk);
        }
        let mut leaf = cert("x.test", None);
        leaf.truncate(leaf.len() / 2);
        let _ = describe(&leaf);
    }

    #[test]
    fn pem_without_certificates_is_refused() {
        assert!(pem_certificates(b"hello").is_err());
        assert!(pem_certificates(b"").is_err());
    }

    #[test]
    fn every_source_adds_to_the_bundled_roots() {
        let bundled = webpki_roots::TLS_SERVER_ROOTS.len();
        let ca = rcgen::CertificateParams::new(vec!["x".to_owned()])
            .unwrap()
            .self_signed(&rcgen::KeyPair::generate().unwrap())
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("corp.pem");
        std::fs::write(&file, ca.pem()).unwrap();
        let trust = Trust {
            cert_file: Some(file),
            ca_cert_pem: Some(ca.pem().into_bytes()),
            ..Trust::default()
        };
        assert_eq!(trust.roots().unwrap().len(), bundled + 2);
        let bad = Trust {
            ca_cert_pem: Some(b"nope".to_vec()),
            ..Trust::default()
        };
        assert!(bad.roots().unwrap_err().to_string().contains("--ca-cert"));
    }
}
