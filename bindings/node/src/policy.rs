//! The immutable [`Policy`] (HSTS, proxy trust, redirects, cookie rules, HPKP) and its
//! per-request decisions, over the core's `policy` module.
//!
//! Build a policy once, at start-up: from camelCase options (`new Policy({hsts: {maxAge:
//! '2y'}})`, the spelling of every JavaScript option), from a snake_case document
//! (`Policy.fromDocument`, exactly as a TOML or JSON policy file is written), or from a
//! file or text. The core reads each in its spelling and reports every problem with
//! its path in that spelling. Per request call `evaluate` (the whole decision as one
//! object).
//!
//! The Express middleware (`express.js`) uses a few lean entry points that are not part
//! of the API: their names start with `_`, they are left out of the TypeScript types,
//! and `index.js` makes them non-enumerable. They take and return only what the
//! middleware needs: `Policy._forMiddleware` (one section of options), `_decide`,
//! `_responseHeaders`, `_flagSetCookies`, `_proxyHeaders` and `_hasRamp`.

use std::collections::{BTreeMap, HashMap};

use napi::bindgen_prelude::{Either, Either3, Unknown};
use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value};

use hstsguard::config::Spelling;
use hstsguard::policy::{Action, ExistingHeader, SendHsts};
use hstsguard::{ConfigError, HeaderLookup, RequestFacts as Facts};

use crate::cookie::FlaggedCookie;
use crate::document::Converter;
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
    /// `socket.remoteAddress` gives it (`::ffff:10.0.0.1`, `[::1]` and `fe80::1%eth0` are
    /// read too). An address that does not parse throws `argument.invalid_peer`.
    #[napi(ts_type = "string | null")]
    pub peer: Option<Option<String>>,
    /// The header fields: `[name, value]` pairs, or an object such as Node's
    /// `req.headers` (a list value is joined with `, `).
    #[napi(
        ts_type = "Array<[string, string]> | Record<string, string | string[] | undefined> | null"
    )]
    pub headers: Option<Option<HeaderFields>>,
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

/// Header pairs, as the core reads pair lists.
fn pairs(headers: Option<Option<HeaderFields>>) -> Vec<(String, String)> {
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
    out
}

/// Runs `f` with core request facts built from the JavaScript object; a peer address
/// that does not parse is the core's `argument.invalid_peer` error.
fn with_facts<R>(env: &Env, request: RequestFacts, f: impl FnOnce(&Facts<'_>) -> R) -> Result<R> {
    let headers = pairs(request.headers);
    let (method, host, target) = (
        request.method.flatten(),
        request.host.flatten(),
        request.target.flatten(),
    );
    let peer = match request.peer.flatten() {
        Some(p) => Some(check(env, hstsguard::parse_peer(&p))?),
        None => None,
    };
    let facts = Facts::new(
        method.as_deref().unwrap_or("GET"),
        request.tls.flatten().unwrap_or(false),
        host.as_deref(),
        target.as_deref().unwrap_or("/"),
        &headers,
    )
    .with_peer(peer);
    Ok(f(&facts))
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
    /// The reject code: `host.missing`, `host.malformed`, `host.not_allowed`,
    /// `redirect.method_refused` or `proxy.sources_disagree`.
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

/// A redirect or reject as the Express middleware's private `_decide` returns it when it
/// is not a plain redirect (not part of the API). Absent fields are left out (not
/// `null`), to keep the middleware's path short.
#[napi(object, object_from_js = false)]
pub struct MiddlewareOutcome {
    /// 301, 302, 303, 307 or 308 for a redirect; 400, 403 or 426 for a reject.
    pub status: u32,
    /// The absolute `https://` URL of a redirect.
    pub location: Option<String>,
    /// The reject code (`host.not_allowed`, ...).
    pub code: Option<String>,
    /// Why the request was rejected, for logs.
    pub message: Option<String>,
    /// Headers the response must carry, as `[name, value, ...]`: for a 426, `Upgrade`
    /// and `Connection`; with `hsts.send = "always"`, Strict-Transport-Security.
    pub headers: Option<Vec<String>>,
}

/// A response header: name and value.
#[napi(object, object_from_js = false)]
pub struct HeaderField {
    /// The field name.
    pub name: String,
    /// The field value.
    pub value: String,
}

/// A header the policy adds to a response, as the Express middleware's private
/// `_responseHeaders` returns it (not part of the API).
#[napi(object, object_from_js = false)]
pub struct MiddlewareHeader {
    /// The field name.
    pub name: String,
    /// The field name in lower case (what Node's header methods compare).
    pub lower: String,
    /// The field value.
    pub value: String,
    /// True: replace a value the application sets (`existing = "replace"`); false:
    /// keep the application's.
    pub replace: bool,
}

/// One stage of an `hsts.ramp` schedule.
#[napi(object, object_from_js = false)]
pub struct HstsStage {
    /// When the stage starts, in seconds since the epoch (the first stage is also sent
    /// before the ramp starts).
    pub starts: f64,
    /// The max-age of the stage, in seconds.
    pub max_age: f64,
    /// The Strict-Transport-Security value sent during the stage.
    pub value: String,
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
    /// The Strict-Transport-Security value, when HSTS is enabled (with a ramp, the last
    /// stage's).
    pub hsts: Option<String>,
    /// The stages of the `hsts.ramp`, when there is one.
    pub schedule: Option<Vec<HstsStage>>,
}

/// The immutable policy: HSTS, proxy trust, redirects, cookie rules and HPKP. Build it
/// once; it is only read per request.
///
/// ```js
/// const policy = new Policy({ hsts: { maxAge: '2y', preload: true },
///                             redirect: { allowedHosts: ['.example.com'] } })
/// policy.evaluate({ method: 'POST', host: 'www.example.com', target: '/form?x=1' })
/// // { action: 'redirect', status: 308, location: 'https://www.example.com/form?x=1', ... }
/// Policy.fromDocument({ hsts: { max_age: '2y' } })   // a policy file's spelling
/// ```
///
/// Options with errors throw an `Error` whose `code` is the only error's code or
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

    /// Builds a policy from a document value, adding the problems the conversion found
    /// (`converted`) to the core's; `strip` is the section whose name is left out of
    /// the paths (a middleware's options are one section).
    fn build(
        env: &Env,
        doc: &Value,
        spelling: Spelling,
        converted: Vec<ConfigError>,
        strip: Option<&str>,
    ) -> Result<Policy> {
        let built = hstsguard::policy::Policy::from_value_spelled(doc, spelling);
        let converted_len = converted.len();
        let mut errors = converted;
        let result = match built {
            Ok(p) if errors.is_empty() => Ok(p),
            Ok(_) => Err(hstsguard::Error::Config(errors)),
            Err(hstsguard::Error::Config(list)) => {
                for e in list {
                    let e = match strip {
                        Some(section) => {
                            let path = strip_section(e.path(), section);
                            e.with_path(path)
                        }
                        None => e,
                    };
                    // The conversion reported this value already (and left it out).
                    if !errors[..converted_len].iter().any(|c| c.path() == e.path()) {
                        errors.push(e);
                    }
                }
                Err(hstsguard::Error::Config(errors))
            }
            Err(other) => Err(other),
        };
        check(env, result).map(Policy::wrap)
    }

    /// The headers this policy adds to a response to `host`.
    fn headers(&self, host: Option<&str>, secure: bool, now: Option<u64>) -> Vec<MiddlewareHeader> {
        self.inner
            .response_headers(secure, host)
            .iter()
            .map(|h| {
                let value = match (h.name, now) {
                    ("Strict-Transport-Security", Some(now)) => {
                        self.inner.hsts_value_at(now).unwrap_or(h.value)
                    }
                    _ => h.value,
                };
                MiddlewareHeader {
                    name: h.name.to_owned(),
                    lower: h.name.to_ascii_lowercase(),
                    value: value.to_owned(),
                    replace: h.existing == ExistingHeader::Replace,
                }
            })
            .collect()
    }
}

/// `hsts.max_age` -> `max_age` below the section `hsts`; other paths are kept.
fn strip_section(path: &str, section: &str) -> String {
    if path == section {
        return String::new();
    }
    match path.strip_prefix(section) {
        Some(rest) if rest.starts_with('.') => rest[1..].to_owned(),
        Some(rest) if rest.starts_with('[') => rest.to_owned(),
        _ => path.to_owned(),
    }
}

#[napi]
impl Policy {
    /// Builds a policy from options: the sections of a policy document (docs/POLICY.md)
    /// with camelCase keys, as every JavaScript option is spelled (`maxAge`,
    /// `includeSubDomains`, `allowedHosts`, `httpOnly`, `sameSite`). Errors name the
    /// options the same way, with a did-you-mean. A `RegExp` is accepted in
    /// `redirect.exempt`. Without options, the defaults: HSTS one year with
    /// includeSubDomains on secure requests, redirects (301 GET/HEAD, 308 otherwise) for
    /// any Host, no trusted proxy, every cookie Secure.
    #[napi(constructor, catch_unwind, ts_args_type = "options?: PolicyOptions")]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let mut c = Converter::new(&env, Spelling::Camel);
        let value = match &options {
            Some(o) => c.document(o)?,
            None => None,
        };
        let doc = value.unwrap_or_else(|| Value::Object(Map::new()));
        Policy::build(&env, &doc, Spelling::Camel, c.errors, None)
    }

    /// Builds a policy from a document object spelled exactly as a TOML or JSON policy
    /// file (snake_case keys: `max_age`, `include_subdomains`, `allowed_hosts`), such as
    /// `JSON.parse` of a policy file gives.
    #[napi(factory, catch_unwind, ts_args_type = "document: PolicyDocument")]
    pub fn from_document(env: Env, document: Unknown<'_>) -> Result<Self> {
        let mut c = Converter::new(&env, Spelling::Snake);
        let doc = c
            .document(&document)?
            .unwrap_or_else(|| Value::Object(Map::new()));
        Policy::build(&env, &doc, Spelling::Snake, c.errors, None)
    }

    /// The middleware's constructor: `options` (camelCase) is one section of the
    /// document (`"hsts"`, `"redirect"`, `"cookies"`), laid over `base` (other sections,
    /// camelCase); problem paths are relative to the options (`maxAge`,
    /// `rules[0].sameSite`, `proxy.trusted[1]`).
    #[napi(factory, js_name = "_forMiddleware", catch_unwind, skip_typescript)]
    pub fn for_middleware(
        env: Env,
        section: String,
        options: Unknown<'_>,
        base: Unknown<'_>,
    ) -> Result<Self> {
        // `Unknown`, not `Option`: napi reads `null` as an absent option, and `null`
        // options are for the core to refuse.
        let mut c = Converter::new(&env, Spelling::Camel);
        let mut doc = match c.document(&base)? {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let options = c.section(&section, &options)?;
        doc.insert(
            section.clone(),
            options.unwrap_or_else(|| Value::Object(Map::new())),
        );
        Policy::build(
            &env,
            &Value::Object(doc),
            Spelling::Camel,
            c.errors,
            Some(&section),
        )
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
    pub fn evaluate(&self, env: Env, request: RequestFacts) -> Result<Decision> {
        with_facts(&env, request, |f| Decision::from(&self.inner.evaluate(f)))
    }

    /// The decision as one line for logs, e.g.
    /// `redirect 308 to https://example.com/x (plain HTTP)`.
    #[napi(catch_unwind)]
    pub fn explain(&self, env: Env, request: RequestFacts) -> Result<String> {
        with_facts(&env, request, |f| self.inner.evaluate(f).explain())
    }

    /// Is the request secure: TLS, or a trusted proxy (the `proxy` section) says so?
    /// Proxy headers from any other peer are ignored.
    #[napi(catch_unwind)]
    pub fn is_secure(&self, env: Env, request: RequestFacts) -> Result<bool> {
        with_facts(&env, request, |f| self.inner.is_secure(f))
    }

    /// The middleware's decision for a request that is not secure by its transport (not
    /// TLS, not `req.secure`): `true` when a trusted proxy says it is secure, `false`
    /// when it is served as it is (exempt path, redirects off), a string for a plain
    /// redirect (the status's three digits, then the Location: `"301https://..."`, one
    /// string across the boundary), or a `MiddlewareOutcome` for anything else (a reject, a
    /// redirect with headers). `peer` is the socket's address (one that does not parse
    /// is an unknown peer, whose headers are not believed); `headers` a flat
    /// `[name, value, ...]` list of the fields the proxy sources read (`_proxyHeaders`).
    #[napi(js_name = "_decide", catch_unwind, skip_typescript)]
    pub fn decide(
        &self,
        method: String,
        host: Option<String>,
        target: String,
        peer: Option<String>,
        headers: Option<Vec<String>>,
    ) -> Either3<bool, String, MiddlewareOutcome> {
        let list = headers.unwrap_or_default();
        let flat = Flat(&list);
        let peer = peer.and_then(|p| hstsguard::parse_peer(&p).ok());
        let facts = Facts::new(&method, false, host.as_deref(), &target, &flat).with_peer(peer);
        let decision = self.inner.evaluate(&facts);
        if decision.action().is_pass() {
            return Either3::A(decision.secure());
        }
        let headers: Vec<String> = decision
            .headers()
            .flat_map(|h| [h.name.to_owned(), h.value.to_owned()])
            .collect();
        match decision.into_action() {
            Action::Pass => Either3::A(false),
            Action::Redirect { status, location } if headers.is_empty() => {
                Either3::B(format!("{status}{location}"))
            }
            Action::Redirect { status, location } => Either3::C(MiddlewareOutcome {
                status: status.into(),
                location: Some(location),
                code: None,
                message: None,
                headers: Some(headers),
            }),
            Action::Reject {
                status,
                code,
                reason,
            } => Either3::C(MiddlewareOutcome {
                status: status.into(),
                location: None,
                code: Some(code.as_str().to_owned()),
                message: Some(reason),
                headers: (!headers.is_empty()).then_some(headers),
            }),
        }
    }

    /// The headers the policy adds to a response to `host` (Strict-Transport-Security,
    /// Public-Key-Pins), for a secure request or not: the core's `response_headers`.
    /// Empty when HSTS is off, not sent for this kind of request (`send`), or skipped
    /// for an IP-literal or localhost Host (`skipIpHosts`, `skipLocalhost`). With `now`
    /// (seconds since the epoch) the ramp's value at that time. The middleware asks once
    /// per Host (and, with a ramp, at most once a minute) and remembers the answer.
    #[napi(js_name = "_responseHeaders", catch_unwind, skip_typescript)]
    pub fn response_headers(
        &self,
        host: Option<String>,
        secure: bool,
        now: Option<f64>,
    ) -> Vec<MiddlewareHeader> {
        let now = now.and_then(|n| hstsguard::duration_from_f64(n).ok());
        self.headers(host.as_deref(), secure, now)
    }

    /// Flags the `Set-Cookie` values of one response, for a request that was secure or
    /// not; `null` when none changes (the middleware then leaves the field alone).
    #[napi(js_name = "_flagSetCookies", catch_unwind, skip_typescript)]
    pub fn flag_set_cookies(&self, set_cookies: Vec<String>, secure: bool) -> Option<Vec<String>> {
        let mut changed = false;
        let out: Vec<String> = set_cookies
            .iter()
            .map(|v| {
                let f = self.inner.flag_set_cookie(v, secure);
                changed |= f.changed();
                f.into_value().into_owned()
            })
            .collect();
        changed.then_some(out)
    }

    /// The (lower-case) header names the proxy sources read, in order; empty when no
    /// proxy is trusted. The middleware passes only these fields to `_decide`.
    #[napi(getter, js_name = "_proxyHeaders", skip_typescript)]
    pub fn proxy_headers(&self) -> Vec<String> {
        self.proxy_headers.clone()
    }

    /// True when the Strict-Transport-Security value changes with time (`hsts.ramp`).
    #[napi(getter, js_name = "_hasRamp", skip_typescript)]
    pub fn has_ramp(&self) -> bool {
        let h = self.inner.hsts();
        h.enabled && h.ramp.is_some()
    }

    /// Flags one `Set-Cookie` value per the cookie rules, for a request that was secure or
    /// not (which matters with `secureWhen: 'request_secure'`).
    #[napi(catch_unwind)]
    pub fn flag_set_cookie(&self, set_cookie: String, secure: bool) -> FlaggedCookie {
        FlaggedCookie::from(&self.inner.flag_set_cookie(&set_cookie, secure))
    }

    /// The Strict-Transport-Security value when HSTS is enabled, else `null`. With an
    /// `hsts.ramp`, the last stage's value (`hstsValueAt()` follows the schedule).
    #[napi(getter)]
    pub fn hsts(&self) -> Option<String> {
        let h = self.inner.hsts();
        h.enabled.then(|| h.policy.value().to_owned())
    }

    /// The stages of the `hsts.ramp`, in order; `null` without a ramp (or with HSTS off).
    #[napi(getter)]
    pub fn hsts_schedule(&self) -> Option<Vec<HstsStage>> {
        let h = self.inner.hsts();
        let ramp = h.ramp.as_ref().filter(|_| h.enabled)?;
        Some(
            ramp.stages()
                .iter()
                .map(|s| HstsStage {
                    starts: s.starts as f64,
                    max_age: s.max_age as f64,
                    value: s.value.to_string(),
                })
                .collect(),
        )
    }

    /// The Strict-Transport-Security value sent at `now` (seconds since the epoch;
    /// default: the clock) to a secure request for an ordinary host, following the ramp
    /// when there is one; `null` when HSTS is off. A `now` that is not a whole,
    /// non-negative number throws with a `duration.*` code.
    #[napi(catch_unwind)]
    pub fn hsts_value_at(&self, env: Env, now: Option<f64>) -> Result<Option<String>> {
        let now = check(&env, crate::ua::now_or_clock(now))?;
        Ok(self.inner.hsts_value_at(now).map(str::to_owned))
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

    /// Deploy warnings found when the policy was built (`policy.*` codes), in the
    /// spirit of Django's `check --deploy`. The Express middleware logs them at start-up.
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<Issue> {
        issues(self.inner.warnings())
    }

    /// `{ok, errors, warnings, hsts, schedule}`, the shape of
    /// `hstsguard policy check --json`.
    #[napi(catch_unwind)]
    pub fn report(&self) -> PolicyReport {
        PolicyReport {
            ok: true,
            errors: Vec::new(),
            warnings: self.warnings(),
            hsts: self.hsts(),
            schedule: self.hsts_schedule(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(p, [("a".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn section_paths() {
        assert_eq!(strip_section("hsts.maxAge", "hsts"), "maxAge");
        assert_eq!(strip_section("hsts", "hsts"), "");
        assert_eq!(
            strip_section("cookies.rules[0].name", "cookies"),
            "rules[0].name"
        );
        assert_eq!(
            strip_section("proxy.trusted[0]", "redirect"),
            "proxy.trusted[0]"
        );
        assert_eq!(strip_section("hstsX", "hsts"), "hstsX");
    }
}
