//! Following one redirect chain, hop by hop, with every bound applied.

use std::sync::atomic::{AtomicBool, Ordering};

use hstsguard::Code;
use tokio::time::Instant;
use url::Url;

use crate::fetch::fail;
use crate::report::Hop;
use crate::Scanner;

/// A followed chain.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    pub(crate) hops: Vec<Hop>,
    /// TCP to the first hop's server connected.
    pub(crate) first_tcp: bool,
    pub(crate) mixed: Vec<String>,
    pub(crate) body_too_large: bool,
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Resolves a `Location` value against the URL that sent it.
fn next_url(base: &Url, location: &str) -> Result<Url, (Code, String)> {
    if location.chars().any(|c| c.is_control()) {
        return Err((
            Code::ScanLocationInvalid,
            format!(
                "the Location value {location:?} contains a control character (CR/LF injection?)"
            ),
        ));
    }
    let next = base.join(location.trim()).map_err(|e| {
        (
            Code::ScanLocationInvalid,
            format!("the Location value {location:?} is not a URL: {e}"),
        )
    })?;
    match next.scheme() {
        "http" | "https" if next.host_str().is_some() => Ok(next),
        "http" | "https" => Err((
            Code::ScanLocationInvalid,
            format!("the Location value {location:?} has no host"),
        )),
        other => Err((
            Code::ScanLocationNotHttp,
            format!("the Location value {location:?} points at the non-HTTP scheme `{other}:`"),
        )),
    }
}

fn without_fragment(u: &Url) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    u
}

impl Scanner {
    /// Follows the chain from `start` until a non-redirect, an error, a loop, the hop
    /// limit or the deadline.
    pub(crate) async fn follow(&self, start: Url, landing: bool, deadline: Instant) -> Chain {
        let mut chain = Chain::default();
        let mut url = start;
        let mut visited = vec![without_fragment(&url)];
        loop {
            let tcp = AtomicBool::new(false);
            let (hop, meta) =
                match tokio::time::timeout_at(deadline, self.fetch(&url, landing, &tcp)).await {
                    Ok(r) => r,
                    Err(_) => {
                        let mut hop = Hop::new(url.as_str());
                        fail(
                            &mut hop,
                            Code::ScanTimeout,
                            format!(
                                "no answer from {url} within the domain's time budget ({:?})",
                                self.options.domain_timeout
                            ),
                        );
                        if chain.hops.is_empty() {
                            chain.first_tcp = tcp.load(Ordering::Relaxed);
                        }
                        chain.hops.push(hop);
                        return chain;
                    }
                };
            if chain.hops.is_empty() {
                chain.first_tcp = meta.tcp;
            }
            chain.mixed = meta.mixed;
            chain.body_too_large = meta.body_too_large;
            chain.hops.push(hop);
            let count = chain.hops.len();
            let hop = chain.hops.last_mut().expect("just pushed");
            if hop.error.is_some() {
                return chain;
            }
            let (Some(status), Some(location)) = (hop.status, hop.location.clone()) else {
                return chain;
            };
            if !is_redirect(status) {
                return chain;
            }
            let next = match next_url(&url, &location) {
                Ok(n) => n,
                Err((code, msg)) => {
                    fail(hop, code, msg);
                    return chain;
                }
            };
            let key = without_fragment(&next);
            if visited.contains(&key) {
                fail(
                    hop,
                    Code::ScanRedirectsLoop,
                    format!(
                        "{} redirects back to {next}, which this chain already visited",
                        hop.url
                    ),
                );
                return chain;
            }
            if count >= self.options.max_hops {
                fail(
                    hop,
                    Code::ScanRedirectsLimit,
                    format!(
                        "still redirecting after {} requests (to {next}); the scanner stops there",
                        self.options.max_hops
                    ),
                );
                return chain;
            }
            visited.push(key);
            url = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_hop() {
        let base = Url::parse("http://example.com/a/b").unwrap();
        assert_eq!(
            next_url(&base, "/c").unwrap().as_str(),
            "http://example.com/c"
        );
        assert_eq!(
            next_url(&base, "c?x=1").unwrap().as_str(),
            "http://example.com/a/c?x=1"
        );
        assert_eq!(
            next_url(&base, "//www.example.com/").unwrap().as_str(),
            "http://www.example.com/"
        );
        assert_eq!(
            next_url(&base, "https://example.com").unwrap().as_str(),
            "https://example.com/"
        );
        assert_eq!(
            next_url(&base, "javascript:alert(1)").unwrap_err().0,
            Code::ScanLocationNotHttp
        );
        assert_eq!(
            next_url(&base, "ftp://example.com/").unwrap_err().0,
            Code::ScanLocationNotHttp
        );
        assert_eq!(
            next_url(&base, "https://a/\r\nX: y").unwrap_err().0,
            Code::ScanLocationInvalid
        );
        assert_eq!(
            next_url(&base, "http://[::1").unwrap_err().0,
            Code::ScanLocationInvalid
        );
    }
}
