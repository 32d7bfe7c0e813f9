//! One request: connect (through `--connect-to`), TLS, one HTTP/1.1 exchange with hyper,
//! and, for a landing page, the first megabyte of the body through the HTML parser.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use hstsguard::Code;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use url::Url;

use crate::mixed::MixedContent;
use crate::report::{Hop, HopError};
use crate::Scanner;

/// What the chain follower needs beyond the hop itself.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    /// The TCP connection was established (hstspreload judges www only then).
    pub(crate) tcp: bool,
    /// http:// subresources of the landing page.
    pub(crate) mixed: Vec<String>,
    /// The landing page is over the body limit.
    pub(crate) body_too_large: bool,
}

pub(crate) fn fail(hop: &mut Hop, code: Code, message: String) {
    hop.error = Some(HopError {
        code: code.as_str().to_owned(),
        message,
    });
}

/// Keeps the first bytes the server sent, to explain a parse error precisely.
struct Recorder<S> {
    inner: S,
    seen: Arc<Mutex<Vec<u8>>>,
}

const RECORD: usize = 16 * 1024;

impl<S: AsyncRead + Unpin> AsyncRead for Recorder<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = res {
            let new = &buf.filled()[before..];
            if let Ok(mut seen) = self.seen.lock() {
                let room = RECORD.saturating_sub(seen.len());
                seen.extend_from_slice(&new[..new.len().min(room)]);
            }
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorder<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Connects to `host:port` (after `--connect-to`), trying each resolved address.
async fn connect(scanner: &Scanner, host: &str, port: u16) -> Result<TcpStream, (Code, String)> {
    let (to_host, to_port) = scanner.options.route(host, port);
    let target = if to_host.contains(':') {
        format!("[{to_host}]:{to_port}")
    } else {
        format!("{to_host}:{to_port}")
    };
    let addrs = tokio::net::lookup_host((to_host.as_str(), to_port))
        .await
        .map_err(|e| {
            (
                Code::ScanConnectFailed,
                format!("cannot resolve {target}: {e}"),
            )
        })?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err((
        Code::ScanConnectFailed,
        match last {
            Some(e) => format!("cannot connect to {target}: {e}"),
            None => format!("{target} resolves to no address"),
        },
    ))
}

fn tls_failure(e: &io::Error) -> String {
    match e.get_ref().and_then(|x| x.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("the server sent the TLS alert {alert:?}")
        }
        Some(other) => format!("TLS handshake failed: {other}"),
        None => format!("TLS handshake failed: {e}"),
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Explains a hyper error with the bytes the server actually sent.
fn classify(e: &hyper::Error, seen: &[u8]) -> (Code, String) {
    // hyper exposes `is_parse_too_large` to servers only; its message and the bytes seen
    // tell the same thing to a client.
    let head_unfinished = seen.starts_with(b"HTTP/")
        && seen.len() >= RECORD
        && !seen.windows(4).any(|w| w == b"\r\n\r\n");
    if e.is_parse() && (e.to_string().contains("too large") || head_unfinished) {
        return (
            Code::ScanResponseHeaderTooLarge,
            format!("the response head is over the limit: {e}"),
        );
    }
    if e.is_incomplete_message() || (!e.is_parse() && seen.is_empty()) {
        let msg = if seen.is_empty() {
            "the server closed the connection without a response".to_owned()
        } else {
            format!(
                "the server closed the connection after {} bytes of an incomplete response",
                seen.len()
            )
        };
        return (Code::ScanResponseTruncated, msg);
    }
    if e.is_parse() {
        if !seen.starts_with(b"HTTP/") {
            let head: String = String::from_utf8_lossy(&seen[..seen.len().min(40)])
                .chars()
                .map(|c| if c.is_control() { '.' } else { c })
                .collect();
            return (
                Code::ScanResponseNotHttp,
                format!("the server did not answer in HTTP/1.x (it sent {head:?})"),
            );
        }
        // A Location field broken by a bare CR or a line fold is what a CR/LF
        // injection looks like on the wire; name it.
        let text = String::from_utf8_lossy(seen);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let mut prev_location = false;
        for line in head.split('\n') {
            let folded = line.starts_with([' ', '\t']);
            let is_location = line
                .get(..9)
                .is_some_and(|n| n.eq_ignore_ascii_case("location:"));
            if (is_location && line.trim_end_matches('\r').contains('\r'))
                || (folded && prev_location)
            {
                return (
                    Code::ScanLocationInvalid,
                    "the Location field contains a CR or LF (a header-injection attempt, or a broken redirect)".to_owned(),
                );
            }
            prev_location = is_location;
        }
        return (
            Code::ScanResponseNotHttp,
            format!("the response is not valid HTTP: {e}"),
        );
    }
    (
        Code::ScanResponseTruncated,
        format!("the connection failed during the response: {e}"),
    )
}

impl Scanner {
    /// Fetches one URL; never follows redirects. `landing`: read the body of a final
    /// HTML response for the mixed-content check.
    pub(crate) async fn fetch(
        &self,
        url: &Url,
        landing: bool,
        tcp_flag: &AtomicBool,
    ) -> (Hop, Meta) {
        let mut hop = Hop::new(url.as_str());
        let mut meta = Meta::default();
        let https = url.scheme() == "https";
        let Some(host) = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
        else {
            fail(
                &mut hop,
                Code::ScanLocationInvalid,
                "the URL has no host".into(),
            );
            return (hop, meta);
        };
        let port = url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        let timeout = self.options.connect_timeout;

        let tcp = match tokio::time::timeout(timeout, connect(self, &host, port)).await {
            Err(_) => {
                fail(
                    &mut hop,
                    Code::ScanConnectTimeout,
                    format!("no TCP connection to {host}:{port} within {timeout:?}"),
                );
                return (hop, meta);
            }
            Ok(Err((code, msg))) => {
                fail(&mut hop, code, msg);
                return (hop, meta);
            }
            Ok(Ok(s)) => s,
        };
        meta.tcp = true;
        tcp_flag.store(true, Ordering::Relaxed);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let result = if https {
            let server_name = match ServerName::try_from(host.clone()) {
                Ok(n) => n,
                Err(e) => {
                    fail(
                        &mut hop,
                        Code::ScanTlsHandshake,
                        format!("bad TLS server name {host:?}: {e}"),
                    );
                    return (hop, meta);
                }
            };
            let connector = tokio_rustls::TlsConnector::from(self.tls.config.clone());
            let tls =
                match tokio::time::timeout(timeout, connector.connect(server_name.clone(), tcp))
                    .await
                {
                    Err(_) => {
                        fail(
                            &mut hop,
                            Code::ScanConnectTimeout,
                            format!("no TLS handshake with {host}:{port} within {timeout:?}"),
                        );
                        return (hop, meta);
                    }
                    Ok(Err(e)) => {
                        fail(&mut hop, Code::ScanTlsHandshake, tls_failure(&e));
                        return (hop, meta);
                    }
                    Ok(Ok(s)) => s,
                };
            hop.tls = Some(self.tls.describe(tls.get_ref().1, &server_name));
            self.exchange(
                Recorder {
                    inner: tls,
                    seen: seen.clone(),
                },
                url,
                &host,
                landing,
                &mut hop,
                &mut meta,
            )
            .await
        } else {
            self.exchange(
                Recorder {
                    inner: tcp,
                    seen: seen.clone(),
                },
                url,
                &host,
                landing,
                &mut hop,
                &mut meta,
            )
            .await
        };
        if let Err(e) = result {
            let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
            let (code, msg) = classify(&e, &seen);
            fail(&mut hop, code, msg);
        }
        (hop, meta)
    }

    async fn exchange<S>(
        &self,
        io: S,
        url: &Url,
        host: &str,
        landing: bool,
        hop: &mut Hop,
        meta: &mut Meta,
    ) -> Result<(), hyper::Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, conn) = hyper::client::conn::http1::Builder::new()
            .max_buf_size(self.options.max_header_bytes)
            .max_headers(100)
            .handshake::<_, Empty<Bytes>>(TokioIo::new(io))
            .await?;
        let driver = tokio::spawn(conn);
        let _abort = AbortOnDrop(driver);
        let authority = match url.port() {
            Some(p) if host.contains(':') => format!("[{host}]:{p}"),
            Some(p) => format!("{host}:{p}"),
            None if host.contains(':') => format!("[{host}]"),
            None => host.to_owned(),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let Ok(request) = http::Request::builder()
            .method("GET")
            .uri(path.as_str())
            .header(http::header::HOST, authority)
            .header(http::header::USER_AGENT, self.options.user_agent.as_str())
            .header(http::header::ACCEPT, "text/html,*/*;q=0.8")
            .header(http::header::CONNECTION, "close")
            .body(Empty::<Bytes>::new())
        else {
            fail(
                hop,
                Code::ScanLocationInvalid,
                format!("cannot request the path {path:?}"),
            );
            return Ok(());
        };
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        hop.status = Some(status);
        let text = |v: &http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
        let headers = response.headers();
        hop.location = headers.get(http::header::LOCATION).map(text);
        hop.sts = headers
            .get_all(http::header::STRICT_TRANSPORT_SECURITY)
            .iter()
            .map(text)
            .collect();
        hop.set_cookie = headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .map(text)
            .collect();
        hop.public_key_pins = headers
            .get_all("public-key-pins")
            .iter()
            .chain(headers.get_all("public-key-pins-report-only").iter())
            .map(text)
            .collect();
        hop.expect_ct = headers.get_all("expect-ct").iter().map(text).collect();
        let html = headers.get(http::header::CONTENT_TYPE).is_none_or(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .to_ascii_lowercase()
                .contains("html")
        });
        let final_response = !(is_redirect(status) && hop.location.is_some());
        if !(landing && final_response && html && url.scheme() == "https") {
            return Ok(());
        }
        let mut body = response.into_body();
        let mut parser = MixedContent::new();
        let mut read = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let room = self.options.max_body_bytes - read;
            if data.len() > room {
                parser.feed(&data[..room]);
                meta.body_too_large = true;
                break;
            }
            read += data.len();
            parser.feed(&data);
        }
        meta.mixed = parser.finish();
        Ok(())
    }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
