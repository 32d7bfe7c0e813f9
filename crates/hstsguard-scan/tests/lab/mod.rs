//! A test lab on 127.0.0.1: a CA made here, one TLS server that picks its certificate by
//! SNI (generated on demand, with deliberately broken ones for some names), one plain
//! HTTP server, both routing by Host with real hyper, and raw TCP servers for the answers
//! no HTTP server would give. Names are pointed at it with `--connect-to` rules.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const PRELOAD: &str = "max-age=63072000; includeSubDomains; preload";

pub struct Lab {
    pub tls: u16,
    pub http: u16,
    pub raw: HashMap<&'static str, u16>,
    pub closed: u16,
    pub ca_pem: String,
}

struct Sni {
    ca: Issuer<'static, KeyPair>,
    cache: Mutex<HashMap<String, Arc<CertifiedKey>>>,
}

impl std::fmt::Debug for Sni {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sni")
    }
}

fn ymd_in(days: i64) -> (i32, u8, u8) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let z = (now / 86_400 + days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        (yoe + era * 400 + i64::from(m <= 2)) as i32,
        m as u8,
        d as u8,
    )
}

impl Sni {
    fn make(&self, name: &str) -> Option<Arc<CertifiedKey>> {
        if name == "www.wwwnotls.test" {
            return None; // the handshake fails: no certificate for this name
        }
        let key = KeyPair::generate().unwrap();
        let san = if name == "wrongname.test" {
            "other.test"
        } else {
            name
        };
        let mut params = CertificateParams::new(vec![san.to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, san);
        let (y, m, d) = ymd_in(-30);
        params.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = match name {
            "expired.test" => ymd_in(-2),
            "soon.test" | "www.soon.test" => ymd_in(10),
            _ => ymd_in(365),
        };
        params.not_after = rcgen::date_time_ymd(y, m, d);
        let cert = if name == "selfsigned.test" {
            params.self_signed(&key).unwrap()
        } else {
            params.signed_by(&key, &self.ca).unwrap()
        };
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing = rustls::crypto::ring::sign::any_supported_type(&der).unwrap();
        Some(Arc::new(CertifiedKey::new(
            vec![cert.der().clone()],
            signing,
        )))
    }
}

impl ResolvesServerCert for Sni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello.server_name()?.to_ascii_lowercase();
        let mut cache = self.cache.lock().unwrap();
        if let Some(k) = cache.get(&name) {
            return Some(k.clone());
        }
        let k = self.make(&name)?;
        cache.insert(name, k.clone());
        Some(k)
    }
}

type Resp = (u16, Vec<(&'static str, String)>, Vec<u8>);

fn redirect(to: String) -> Resp {
    (301, vec![("location", to)], Vec::new())
}

fn page(sts: &[&str], extra: Vec<(&'static str, String)>, body: &str) -> Resp {
    let mut h: Vec<(&'static str, String)> = sts
        .iter()
        .map(|s| ("strict-transport-security", (*s).to_owned()))
        .collect();
    h.push(("content-type", "text/html; charset=utf-8".into()));
    h.extend(extra);
    (200, h, body.as_bytes().to_vec())
}

/// What every name serves. Unknown names are a well-behaved preloadable site.
fn route(https: bool, host: &str, path: &str) -> Resp {
    let apex = host.strip_prefix("www.").unwrap_or(host);
    let www = host.starts_with("www.");
    if !https {
        return match (apex, www, path) {
            ("noredirect.test", false, _) => page(&[], vec![], "plain"),
            ("otherhost.test", false, _) => redirect("https://elsewhere.test/".into()),
            ("wwwfirst.test", false, _) => redirect("https://www.wwwfirst.test/".into()),
            ("loop.test", false, "/") => redirect("/a".into()),
            ("loop.test", false, _) => redirect("http://loop.test/".into()),
            ("scheme.test", false, _) => redirect("ftp://scheme.test/file".into()),
            ("endless.test", false, p) => {
                let n: u32 = p.trim_start_matches('/').parse().unwrap_or(0);
                redirect(format!("/{}", n + 1))
            }
            ("httpsts.test", false, _) => (
                301,
                vec![
                    ("location", "https://httpsts.test/".into()),
                    ("strict-transport-security", PRELOAD.into()),
                ],
                vec![],
            ),
            _ => redirect(format!("https://{host}{path}")),
        };
    }
    match (apex, www) {
        ("noheader.test", false) => page(&[], vec![], "ok"),
        ("twoheaders.test", false) => page(&[PRELOAD, "max-age=300"], vec![], "ok"),
        ("weak.test", false) => page(&["max-age=300; includeSubDomains; preload"], vec![], "ok"),
        ("wwwdiff.test", true) => page(&["max-age=300"], vec![], "ok"),
        ("cookies.test", _) => page(
            &[PRELOAD],
            vec![
                ("set-cookie", "sid=1; Path=/; HttpOnly".into()),
                (
                    "set-cookie",
                    "__Host-id=2; Secure; Path=/; Domain=cookies.test".into(),
                ),
                ("set-cookie", "ok=3; Secure; HttpOnly; SameSite=Lax".into()),
            ],
            "ok",
        ),
        ("mixed.test", false) => page(
            &[PRELOAD],
            vec![],
            r#"<!doctype html><html><head><script src="http://cdn.mixed.test/app.js"></script>
               <link rel="stylesheet" href="https://cdn.mixed.test/ok.css"></head>
               <body><img src="http://cdn.mixed.test/a.png"><a href="http://x.test/">link</a></body></html>"#,
        ),
        ("legacy.test", false) => page(
            &[PRELOAD],
            vec![
                ("public-key-pins", "pin-sha256=\"x\"; max-age=10".into()),
                ("expect-ct", "max-age=86400, enforce".into()),
            ],
            "ok",
        ),
        ("bigbody.test", false) => {
            let mut body = String::from("<html><body>");
            while body.len() < 3_000_000 {
                body.push_str("<p>padding padding padding padding padding padding</p>\n");
            }
            body.push_str(r#"<script src="http://late.test/x.js"></script></body></html>"#);
            page(&[PRELOAD], vec![], &body)
        }
        _ => page(&[PRELOAD], vec![], "<html><body>ok</body></html>"),
    }
}

async fn serve_http<S>(io: S, https: bool)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(
        move |req: hyper::Request<hyper::body::Incoming>| async move {
            let host = req
                .headers()
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let (status, headers, body) = route(https, &host, req.uri().path());
            let mut resp = hyper::Response::builder().status(status);
            for (k, v) in headers {
                resp = resp.header(k, v);
            }
            Ok::<_, Infallible>(resp.body(Full::new(Bytes::from(body))).unwrap())
        },
    );
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), svc)
        .await;
}

async fn read_head(s: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return,
        }
    }
}

/// Raw behaviours, by name.
async fn raw(kind: &'static str, mut s: TcpStream) {
    match kind {
        "silent" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        "nothttp" => {
            read_head(&mut s).await;
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n").await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        "alert" => {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf).await;
            // A TLS 1.2 record: fatal alert, handshake_failure (40).
            let _ = s
                .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
                .await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        "truncated" => {
            read_head(&mut s).await;
            let _ = s
                .write_all(b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://trunc")
                .await;
            let _ = s.shutdown().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        "bighead" => {
            read_head(&mut s).await;
            let mut r = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
            r.extend(std::iter::repeat_n(b'a', 300_000));
            r.extend_from_slice(b"\r\n\r\n");
            let _ = s.write_all(&r).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        "crlf" => {
            read_head(&mut s).await;
            let _ = s
                .write_all(b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://crlf.test/\rSet-Cookie: evil=1\r\nContent-Length: 0\r\n\r\n")
                .await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        _ => {}
    }
}

pub const RAW: &[&str] = &["silent", "nothttp", "alert", "truncated", "bighead", "crlf"];

fn start() -> Lab {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "hstsguard test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let ca_pem = ca_cert.pem();
    let sni = Arc::new(Sni {
        ca: Issuer::new(ca_params, ca_key),
        cache: Mutex::new(HashMap::new()),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let tls_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let http_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let closed_port = closed.local_addr().unwrap().port();
            drop(closed);
            let mut raw_ports = HashMap::new();
            for &kind in RAW {
                let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
                raw_ports.insert(kind, l.local_addr().unwrap().port());
                tokio::spawn(async move {
                    while let Ok((s, _)) = l.accept().await {
                        tokio::spawn(raw(kind, s));
                    }
                });
            }
            let port = |l: &TcpListener| l.local_addr().map(|a: SocketAddr| a.port()).unwrap();
            tx.send((port(&tls_l), port(&http_l), raw_ports, closed_port))
                .unwrap();
            let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_cert_resolver(sni);
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
            tokio::spawn(async move {
                while let Ok((s, _)) = http_l.accept().await {
                    tokio::spawn(serve_http(s, false));
                }
            });
            while let Ok((s, _)) = tls_l.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(s).await {
                        serve_http(tls, true).await;
                    }
                });
            }
        });
    });
    let (tls, http, raw, closed) = rx.recv().unwrap();
    Lab {
        tls,
        http,
        raw,
        closed,
        ca_pem,
    }
}

pub fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(start)
}

impl Lab {
    /// `--connect-to` rules: the raw names first, then every other name to the lab.
    pub fn connect_to(&self) -> Vec<String> {
        let mut rules = vec![
            format!("silent.test::127.0.0.1:{}", self.raw["silent"]),
            format!("nothttp.test:80:127.0.0.1:{}", self.raw["nothttp"]),
            format!("alert.test:443:127.0.0.1:{}", self.raw["alert"]),
            format!("truncated.test:80:127.0.0.1:{}", self.raw["truncated"]),
            format!("bighead.test:80:127.0.0.1:{}", self.raw["bighead"]),
            format!("crlf.test:80:127.0.0.1:{}", self.raw["crlf"]),
            format!("www.nowww.test::127.0.0.1:{}", self.closed),
        ];
        rules.push(format!(":80:127.0.0.1:{}", self.http));
        rules.push(format!(":443:127.0.0.1:{}", self.tls));
        rules
    }

    pub fn options(&self) -> hstsguard_scan::Options {
        let mut o = hstsguard_scan::Options::default();
        for r in self.connect_to() {
            o.connect_to.push(r.parse().unwrap());
        }
        o.add_ca_pem(self.ca_pem.as_bytes()).unwrap();
        o.connect_timeout = Duration::from_secs(3);
        o.domain_timeout = Duration::from_secs(10);
        o
    }
}
