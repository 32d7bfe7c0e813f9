//! The immutable [`Policy`] (HSTS, proxy trust, redirects, cookie rules, HPKP) and its
//! per-request decisions, over the core's `policy` module.
//!
//! Build a policy once, at start-up (from a document object, a TOML or JSON file or
//! text); per request call `evaluate` (the whole decision as one object) or, from
//! middleware, the lean entry points `decide`, `responseHeaders` and `flagSetCookieValue`, which
//! take and return only what the middleware needs.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use napi::bindgen_prelude::{Either, Unknown};
use napi::Env;
use napi_derive::napi;

use hstsguard::policy::{Action, ExistingHeader, SendHsts};
use hstsguard::{HeaderLookup, NoHeaders, RequestFacts as Facts};

use crate::cookie::FlaggedCookie;
use crate::document;
use crate::error::{check, ConfigProblem};
use crate::issue::{issues, Issue};
use napi::Result;

/// One header value of an object such as Node's `req.headers`.
type HeaderValue = Option<Either<String, Vec<String>>>;

/// Header fields: `[name, value]` pairs or an object of values.
type HeaderFields = Either<Vec<Vec<String>>, HashMap<String, HeaderValue>>;

/// What a server knows about one request. Every field is optional.
#[napi(object, object_to_js = false)]
pub struct RequestFacts {
    /// The method as sent (default `GET`).
    #[napi(ts_type = "string | null")]
    pub method: Option<Option<String>>,
    /// True when the connection to this server is TLS (default false).
    #[napi(ts_type = "boolean | null")]
    pub tls: Option<Option<bool>>,
    /// The Host header (or the authority of an absolute-form target); `null` when absent.
    #[napi(ts_type = "string | null")]
    pub host: Option<Option<String>>,
    /// The raw path and query as received, not decoded (default `/`).
    #[napi(ts_type = "string | null")]
    pub target: Option<Option<String>>,
    /// The address of the peer that connected (a proxy, when there is one), as Node's
    /// `socket.remoteAddress` gives it. An address that does not parse counts as unknown
    /// (so its proxy headers are not believed).
    #[napi(ts_type = "string | null")]
    pub peer: Option<Option<String>>,
    /// The header fields: `[name, value]` pairs, or an object such as Node's
    /// `req.headers` (a list value is joined with `, `).
    #[napi(
        ts_type = "Array<[string, string]> | Record<string, string | string[] | undefined> | null"
    )]
    pub headers: Option<Option<HeaderFields>>,
}

/// Header pairs, as the core reads pair lists: a name that occurs several times gives
/// the first value to `get` and every value, in order, to `for_each_value`.
struct Pairs(Vec<(String, String)>);

impl HeaderLookup for Pairs {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        self.0.for_each_value(name, f)
    }
}

/// Header fields as a flat `[name, value, name, value, ...]` list (the middleware's form).
struct Flat<'a>(&'a [String]);

impl HeaderLookup for Flat<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .chunks_exact(2)
            .find(|kv| kv[0].eq_ignore_ascii_case(name))
            .map(|kv| kv[1].as_str())
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        for kv in self.0.chunks_exact(2) {
            if kv[0].eq_ignore_ascii_case(name) {
                f(&kv[1]);
            }
        }
    }
}

fn pairs(headers: Option<Option<HeaderFields>>) -> Pairs {
    let mut out = Vec::new();
    match headers.flatten() {
        None => {}
        Some(Either::A(list)) => {
            for mut pair in list {
                if pair.len() >= 2 {
                    let value = pair.swap_remove(1);
                    let name = pair.swap_remove(0);
                    out.push((name, value));
                }
            }
        }
        Some(Either::B(map)) => {
            for (name, value) in map {
                let value = match value {
                    None => continue,
                    Some(Either::A(s)) => s,
                    Some(Either::B(list)) => list.join(", "),
                };
                out.push((name, value));
            }
        }
    }
    Pairs(out)
}

/// Parses a peer address as Node gives it (`::ffff:10.0.0.1`, `fe80::1%eth0`).
fn peer_addr(peer: Option<&str>) -> Option<IpAddr> {
    let p = peer?;
    let p = p.split_once('%').map_or(p, |(addr, _zone)| addr);
    let p = p
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(p);
    p.parse().ok()
}

/// Runs `f` with core request facts built from the JavaScript object.
fn with_facts<R>(request: RequestFacts, f: impl FnOnce(&Facts<'_>) -> R) -> R {
    let headers = pairs(request.headers);
    let (method, host, target, peer) = (
        request.method.flatten(),
        request.host.flatten(),
        request.target.flatten(),
        request.peer.flatten(),
    );
    let facts = Facts::new(
        method.as_deref().unwrap_or("GET"),
        request.tls.flatten().unwrap_or(false),
        host.as_deref(),
        target.as_deref().unwrap_or("/"),
        &headers,
    )
    .with_peer(peer_addr(peer.as_deref()));
    f(&facts)
}

/// The outcome of `policy.evaluate()` for one request.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Decision {
    /// `pass`: serve the request; `redirect`: send `status` with `Location: location`;
    /// `reject`: send `status` (400 bad Host, 403 / 426 method refused over HTTP).
    #[napi(ts_type = "'pass' | 'redirect' | 'reject'")]
    pub action: String,
    /// The status of a redirect or a reject.
    pub status: Option<u32>,
    /// The absolute `https://` URL of a redirect.
    pub location: Option<String>,
    /// True when the request arrived over TLS or through a trusted proxy that says so.
    pub secure: bool,
    /// The headers to add to the response (Strict-Transport-Security, Public-Key-Pins).
    pub headers: BTreeMap<String, String>,
    /// The reject code: `host.missing`, `host.malformed`, `host.not_allowed` or
    /// `redirect.method_refused`.
    pub code: Option<String>,
    /// Why the request was rejected, for logs (names the offending value, escaped).
    pub message: Option<String>,
}

impl From<&hstsguard::policy::Decision<'_>> for Decision {
    fn from(d: &hstsguard::policy::Decision<'_>) -> Self {
        let (location, code, message) = match d.action() {
            Action::Pass => (None, None, None),
            Action::Redirect { location, .. } => (Some(location.clone()), None, None),
            Action::Reject { code, reason, .. } => {
                (None, Some(code.as_str().to_owned()), Some(reason.clone()))
            }
        };
        Decision {
            action: d.action().as_str().to_owned(),
            status: d.action().status().map(u32::from),
            location,
            secure: d.secure(),
            headers: d
                .headers()
                .map(|h| (h.name.to_owned(), h.value.to_owned()))
                .collect(),
            code,
            message,
        }
    }
}

/// A redirect or reject, as `policy.decide()` returns it. Absent fields are left out (not
/// `null`), to keep the middleware's path short.
#[napi(object, object_from_js = false)]
pub struct RedirectOutcome {
    /// `redirect` or `reject`.
    #[napi(ts_type = "'redirect' | 'reject'")]
    pub action: String,
    /// 301, 302, 303, 307 or 308 for a redirect; 400, 403 or 426 for a reject.
    pub status: u32,
    /// The absolute `https://` URL of a redirect.
    pub location: Option<String>,
    /// The reject code (`host.not_allowed`, ...).
    pub code: Option<String>,
    /// Why the request was rejected, for logs.
    pub message: Option<String>,
    /// Headers the response must carry, when there are any: for a 426, `Upgrade` and
    /// `Connection`; with `hsts.send = "always"`, Strict-Transport-Security.
    pub headers: Option<BTreeMap<String, String>>,
}

/// A response header: name and value.
#[napi(object, object_from_js = false)]
pub struct HeaderField {
    /// The field name.
    pub name: String,
    /// The field value.
    pub value: String,
}

/// A header the policy adds to a response.
#[napi(object, object_from_js = false)]
pub struct ResponseHeader {
    /// The field name.
    pub name: String,
    /// The field value.
    pub value: String,
    /// When the response already has the field (set by the application): `"keep"` it or
    /// `"replace"` it with this value.
    #[napi(ts_type = "'keep' | 'replace'")]
    pub existing: &'static str,
}

/// `policy.report()`: the shape of `hstsguard policy check --json`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PolicyReport {
    /// Always true for a built policy (a bad one throws instead).
    pub ok: bool,
    /// Always empty for a built policy.
    pub errors: Vec<ConfigProblem>,
    /// Deploy warnings (`policy.*` codes).
    pub warnings: Vec<Issue>,
    /// The Strict-Transport-Security value, when HSTS is enabled.
    pub hsts: Option<String>,
}

/// The immutable policy: HSTS, proxy trust, redirects, cookie rules and HPKP. Build it
/// once; it is only read per request.
///
/// ```js
/// const policy = new Policy({ hsts: { max_age: '2y', preload: true },
///                             redirect: { allowed_hosts: ['.example.com'] } })
/// policy.evaluate({ method: 'POST', host: 'www.example.com', target: '/form?x=1' })
/// // { action: 'redirect', status: 308, location: 'https://www.example.com/form?x=1', ... }
/// ```
///
/// A document with errors throws an `Error` whose `code` is the only error's code or
/// `config.invalid`, with every problem in `err.errors` (`[{path, code, message}]`).
#[napi]
pub struct Policy {
    inner: hstsguard::policy::Policy,
    proxy_headers: Vec<String>,
}

impl Policy {
    fn wrap(inner: hstsguard::policy::Policy) -> Policy {
        let proxy_headers = if inner.proxy().networks().is_empty() {
            Vec::new()
        } else {
            inner
                .proxy()
                .sources()
                .iter()
                .map(|s| s.header().to_ascii_lowercase())
                .collect()
        };
        Policy {
            inner,
            proxy_headers,
        }
    }

    /// The core policy.
    pub fn core(&self) -> &hstsguard::policy::Policy {
        &self.inner
    }
}

#[napi]
impl Policy {
    /// Builds a policy from a document object (docs/POLICY.md keys, snake_case as in a
    /// policy file); without one, the defaults: HSTS one year with includeSubDomains on
    /// secure requests, redirects (301 GET/HEAD, 308 otherwise) for any Host, no trusted
    /// proxy, every cookie Secure.
    #[napi(constructor, catch_unwind, ts_args_type = "document?: PolicyDocument")]
    pub fn new(env: Env, document: Option<Unknown<'_>>) -> Result<Self> {
        let mut errors = Vec::new();
        let value = match &document {
            Some(d) => document::to_value(d, &mut errors)?,
            None => None,
        };
        let doc = value.unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        let built = match hstsguard::policy::Policy::from_value(&doc) {
            Ok(p) if errors.is_empty() => Ok(p),
            Ok(_) => Err(hstsguard::Error::Config(errors)),
            Err(e) => {
                errors.extend(e.config_errors().iter().cloned());
                Err(if errors.is_empty() {
                    e
                } else {
                    hstsguard::Error::Config(errors)
                })
            }
        };
        check(&env, built).map(Policy::wrap)
    }

    /// Reads a policy file: JSON when the name ends in `.json` or the text starts with
    /// `{`, TOML otherwise. Throws `io` when the file cannot be read.
    #[napi(factory, catch_unwind)]
    pub fn from_file(env: Env, path: String) -> Result<Self> {
        check(&env, hstsguard::policy::Policy::from_file(&path)).map(Policy::wrap)
    }

    /// Builds a policy from TOML text (`config.syntax` when it is not TOML).
    #[napi(factory, catch_unwind)]
    pub fn from_toml(env: Env, text: String) -> Result<Self> {
        check(&env, hstsguard::policy::Policy::from_toml(&text)).map(Policy::wrap)
    }

    /// Builds a policy from JSON text (`config.syntax` when it is not JSON).
    #[napi(factory, catch_unwind)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        check(&env, hstsguard::policy::Policy::from_json(&text)).map(Policy::wrap)
    }

    /// Decides what to do with one request: pass, redirect to HTTPS or reject, whether it
    /// is secure, and which headers to add.
    #[napi(catch_unwind)]
    pub fn evaluate(&self, request: RequestFacts) -> Decision {
        with_facts(request, |f| Decision::from(&self.inner.evaluate(f)))
    }

    /// The decision as one line for logs, e.g.
    /// `redirect 308 to https://example.com/x (plain HTTP)`.
    #[napi(catch_unwind)]
    pub fn explain(&self, request: RequestFacts) -> String {
        with_facts(request, |f| self.inner.evaluate(f).explain())
    }

    /// Is the request secure: TLS, or a trusted proxy (the `proxy` section) says so?
    /// Proxy headers from any other peer are ignored.
    #[napi(catch_unwind)]
    pub fn is_secure(&self, request: RequestFacts) -> bool {
        with_facts(request, |f| self.inner.is_secure(f))
    }

    /// The middleware's entry point: `evaluate` with positional arguments and a lean
    /// result. `headers` is a flat `[name, value, ...]` list of the fields the proxy
    /// sources read (see `proxyHeaders`); `peer` is the socket's remote address.
    ///
    /// Returns `true` for a secure request (pass), `false` for an insecure request that
    /// passes (exempt path, redirects disabled), or the redirect or reject to send.
    #[napi(catch_unwind, ts_return_type = "boolean | RedirectOutcome")]
    pub fn decide(
        &self,
        method: String,
        host: Option<String>,
        target: String,
        tls: bool,
        peer: Option<String>,
        headers: Option<Vec<String>>,
    ) -> Either<bool, RedirectOutcome> {
        let list = headers.unwrap_or_default();
        let flat = Flat(&list);
        let facts = Facts::new(&method, tls, host.as_deref(), &target, &flat)
            .with_peer(peer_addr(peer.as_deref()));
        let decision = self.inner.evaluate(&facts);
        let secure = decision.secure();
        if decision.action().is_pass() {
            return Either::A(secure);
        }
        let headers: BTreeMap<String, String> = decision
            .headers()
            .map(|h| (h.name.to_owned(), h.value.to_owned()))
            .collect();
        let headers = (!headers.is_empty()).then_some(headers);
        match decision.into_action() {
            Action::Pass => Either::A(secure),
            Action::Redirect { status, location } => Either::B(RedirectOutcome {
                action: "redirect".into(),
                status: status.into(),
                location: Some(location),
                code: None,
                message: None,
                headers,
            }),
            Action::Reject {
                status,
                code,
                reason,
            } => Either::B(RedirectOutcome {
                action: "reject".into(),
                status: status.into(),
                location: None,
                code: Some(code.as_str().to_owned()),
                message: Some(reason),
                headers,
            }),
        }
    }

    /// The headers the policy adds to a response to `host` (Strict-Transport-Security,
    /// Public-Key-Pins), for a secure request or not: the answer of `evaluate` for a GET
    /// of `/`, which depends on nothing else. Empty when HSTS is off, not sent for this
    /// kind of request (`send`), or skipped for an IP-literal or localhost Host. The
    /// middleware asks once per Host and remembers the answer.
    #[napi(catch_unwind)]
    pub fn response_headers(&self, host: Option<String>, secure: bool) -> Vec<ResponseHeader> {
        let facts = Facts::new("GET", secure, host.as_deref(), "/", &NoHeaders);
        self.inner
            .evaluate(&facts)
            .headers()
            .map(|h| ResponseHeader {
                name: h.name.to_owned(),
                value: h.value.to_owned(),
                existing: h.existing.as_str(),
            })
            .collect()
    }

    /// Flags one `Set-Cookie` value per the cookie rules, for a request that was secure or
    /// not (which matters with `secure_when = "request_secure"`).
    #[napi(catch_unwind)]
    pub fn flag_set_cookie(&self, set_cookie: String, secure: bool) -> FlaggedCookie {
        FlaggedCookie::from(&self.inner.flag_set_cookie(&set_cookie, secure))
    }

    /// `flagSetCookie(value, secure).setCookie`, for middleware.
    #[napi(catch_unwind)]
    pub fn flag_set_cookie_value(&self, set_cookie: String, secure: bool) -> String {
        self.inner
            .flag_set_cookie(&set_cookie, secure)
            .into_value()
            .into_owned()
    }

    /// Flags several `Set-Cookie` values (one response's) in one call.
    #[napi(catch_unwind)]
    pub fn flag_set_cookies(&self, set_cookies: Vec<String>, secure: bool) -> Vec<String> {
        set_cookies
            .iter()
            .map(|v| {
                self.inner
                    .flag_set_cookie(v, secure)
                    .into_value()
                    .into_owned()
            })
            .collect()
    }

    /// The Strict-Transport-Security value when HSTS is enabled, else `null`.
    #[napi(getter)]
    pub fn hsts(&self) -> Option<String> {
        let h = self.inner.hsts();
        h.enabled.then(|| h.policy.value().to_owned())
    }

    /// When HSTS is sent: `"secure"` (secure requests only) or `"always"`.
    #[napi(getter, ts_return_type = "'secure' | 'always'")]
    pub fn hsts_send(&self) -> &'static str {
        match self.inner.hsts().send {
            SendHsts::Secure => "secure",
            SendHsts::Always => "always",
        }
    }

    /// What to do when the response already has the header: `"keep"` or `"replace"`.
    #[napi(getter, ts_return_type = "'keep' | 'replace'")]
    pub fn hsts_existing(&self) -> &'static str {
        match self.inner.hsts().existing {
            ExistingHeader::Keep => "keep",
            ExistingHeader::Replace => "replace",
        }
    }

    /// The HPKP header sent on secure requests, when configured (deprecated).
    #[napi(getter)]
    pub fn hpkp(&self) -> Option<HeaderField> {
        self.inner.hpkp().map(|h| HeaderField {
            name: h.name().to_owned(),
            value: h.value().to_owned(),
        })
    }

    /// True when plain-HTTP requests are redirected (or refused).
    #[napi(getter)]
    pub fn redirect_enabled(&self) -> bool {
        self.inner.redirect().enabled()
    }

    /// True when Set-Cookie values are flagged.
    #[napi(getter)]
    pub fn cookies_enabled(&self) -> bool {
        self.inner.cookies_enabled()
    }

    /// True when some proxy is trusted (the `proxy.trusted` list is not empty).
    #[napi(getter)]
    pub fn trusts_proxies(&self) -> bool {
        !self.proxy_headers.is_empty()
    }

    /// The (lower-case) header names the proxy sources read, in order; empty when no
    /// proxy is trusted. The middleware passes only these fields to `decide`.
    #[napi(getter)]
    pub fn proxy_headers(&self) -> Vec<String> {
        self.proxy_headers.clone()
    }

    /// Deploy warnings found when the policy was built (`policy.*` codes).
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<Issue> {
        issues(self.inner.warnings())
    }

    /// `{ok, errors, warnings, hsts}`, the shape of `hstsguard policy check --json`.
    #[napi(catch_unwind)]
    pub fn report(&self) -> PolicyReport {
        PolicyReport {
            ok: true,
            errors: Vec::new(),
            warnings: self.warnings(),
            hsts: self.hsts(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_addresses_as_node_gives_them() {
        assert_eq!(peer_addr(Some("127.0.0.1")), "127.0.0.1".parse().ok());
        assert_eq!(
            peer_addr(Some("::ffff:10.0.0.1")),
            "::ffff:10.0.0.1".parse().ok()
        );
        assert_eq!(peer_addr(Some("fe80::1%eth0")), "fe80::1".parse().ok());
        assert_eq!(peer_addr(Some("[::1]")), "::1".parse().ok());
        assert_eq!(peer_addr(Some("not an address")), None);
        assert_eq!(peer_addr(None), None);
    }

    #[test]
    fn flat_header_lists() {
        let list: Vec<String> = ["x-forwarded-proto", "https", "forwarded", "proto=http"]
            .map(String::from)
            .into();
        let flat = Flat(&list);
        assert_eq!(flat.get("X-Forwarded-Proto"), Some("https"));
        assert_eq!(flat.get("Forwarded"), Some("proto=http"));
        assert_eq!(flat.get("host"), None);
        let twice: Vec<String> = ["X-Forwarded-Proto", "http", "x-forwarded-proto", "https"]
            .map(String::from)
            .into();
        let twice = Flat(&twice);
        let mut seen = Vec::new();
        twice.for_each_value("x-forwarded-proto", &mut |v| seen.push(v));
        assert_eq!(seen, ["http", "https"]);
        // An odd trailing name has no value and is ignored.
        let odd: Vec<String> = vec!["x-forwarded-proto".into()];
        assert_eq!(Flat(&odd).get("x-forwarded-proto"), None);
    }

    #[test]
    fn header_objects_join_lists() {
        let mut map = HashMap::new();
        map.insert(
            "x-forwarded-proto".to_owned(),
            Some(Either::B(vec!["https".to_owned(), "http".to_owned()])),
        );
        let p = pairs(Some(Some(Either::B(map))));
        assert_eq!(p.get("X-Forwarded-Proto"), Some("https, http"));
        let p = pairs(Some(Some(Either::A(vec![
            vec!["Host".into()],
            vec!["a".into(), "b".into()],
        ]))));
        assert_eq!(p.0, [("a".to_owned(), "b".to_owned())]);
    }
}
