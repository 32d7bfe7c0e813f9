//! The TLS client: a rustls configuration whose certificate verifier records instead of
//! refusing, so that a scan can report an invalid chain *and* read the headers behind it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::options::{Options, ScanError};
use crate::report::TlsInfo;

/// Accepts every chain during the handshake (the real verification runs right after it,
/// with [`Tls::verify`]), but still checks the handshake signatures.
#[derive(Debug)]
struct RecordLater {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for RecordLater {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The shared TLS state of a scanner: one client configuration, one verifier.
#[derive(Debug, Clone)]
pub(crate) struct Tls {
    pub(crate) config: Arc<ClientConfig>,
    verifier: Arc<WebPkiServerVerifier>,
}

impl Tls {
    pub(crate) fn new(options: &Options) -> Result<Tls, ScanError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in options.extra_roots() {
            roots.add(cert.clone()).map_err(|e| ScanError::Tls {
                reason: format!("extra CA certificate rejected: {e}"),
            })?;
        }
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| ScanError::Tls {
                    reason: e.to_string(),
                })?;
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ScanError::Tls {
                reason: e.to_string(),
            })?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(RecordLater {
                inner: verifier.clone(),
            }))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            config: Arc::new(config),
            verifier,
        })
    }

    /// Verifies the chain presented on a finished handshake and describes it.
    pub(crate) fn describe(
        &self,
        conn: &rustls::ClientConnection,
        server_name: &ServerName<'_>,
    ) -> TlsInfo {
        let mut info = TlsInfo {
            version: conn
                .protocol_version()
                .map(|v| match v {
                    rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
                    rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
                    other => format!("{other:?}"),
                })
                .unwrap_or_default(),
            cipher: conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default(),
            ..TlsInfo::default()
        };
        let certs = conn.peer_certificates().unwrap_or(&[]);
        let Some((leaf, intermediates)) = certs.split_first() else {
            info.error = Some("invalid".into());
            return info;
        };
        let self_signed = describe_leaf(leaf, &mut info);
        let now = UnixTime::now();
        match self
            .verifier
            .verify_server_cert(leaf, intermediates, server_name, &[], now)
        {
            Ok(_) => info.verified = true,
            Err(e) => info.error = Some(reason(&e, self_signed && intermediates.is_empty()).into()),
        }
        info
    }
}

fn reason(e: &rustls::Error, self_signed: bool) -> &'static str {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "expired",
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "not_yet_valid"
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "wrong_name"
            }
            CertificateError::UnknownIssuer if self_signed => "self_signed",
            CertificateError::UnknownIssuer => "unknown_ca",
            CertificateError::BadSignature => "bad_signature",
            _ => "invalid",
        },
        _ => "invalid",
    }
}

/// Fills subject, issuer, SANs and notAfter; returns whether the leaf is self-issued.
fn describe_leaf(leaf: &CertificateDer<'_>, info: &mut TlsInfo) -> bool {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(leaf.as_ref()) else {
        return false;
    };
    info.subject = cert.subject().to_string();
    info.issuer = cert.issuer().to_string();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => info.sans.push((*d).to_owned()),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => {
                        let b: [u8; 4] = [ip[0], ip[1], ip[2], ip[3]];
                        info.sans.push(std::net::Ipv4Addr::from(b).to_string());
                    }
                    16 => {
                        let mut b = [0u8; 16];
                        b.copy_from_slice(ip);
                        info.sans.push(std::net::Ipv6Addr::from(b).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    info.not_after = Some(iso8601(cert.validity().not_after.timestamp()));
    cert.subject().as_raw() == cert.issuer().as_raw()
}

/// Seconds since the epoch of a `YYYY-MM-DDTHH:MM:SSZ` written by [`iso8601`].
pub(crate) fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix timestamp (proleptic Gregorian, UTC).
pub(crate) fn iso8601(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

// Howard Hinnant's civil-calendar algorithms.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Now, in seconds since the epoch.
pub(crate) fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for ts in [0, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_iso8601(&iso8601(ts)), Some(ts));
        }
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }
}
