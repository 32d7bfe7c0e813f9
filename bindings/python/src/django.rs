//! The per-request path of `hstsguard.django.SecurityMiddleware`, in one native call on
//! the way in (`check`) and one on the way out (`finish`).
//!
//! The decisions are the core's; Django's own work stays Django's: the Host is
//! `request.get_host()` (ALLOWED_HOSTS), the target `request.get_full_path()`, the
//! redirect an instance of Django's redirect class for its status (`redirects`; made
//! without the constructor's re-checks when they can neither change nor refuse the
//! core's Location), and headers are added through the response's public mapping
//! (`response.headers[name] = value`, which validates them as Django does). What can be
//! made at start-up is: the core `Policy`, and every header name and value as a Python
//! string. Django's objects are read only as far as the request needs: `request.META`,
//! `request.method` and `request.path` always; `get_host()` and `get_full_path()` only on
//! the way to a redirect.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use hstsguard::cookies::CookieAttributes;
use hstsguard::policy::{Action, ExistingHeader, Policy, ResponseHeaders};
use hstsguard::{Code, RequestFacts};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::policy::PyPolicy;

/// `check` flags: the request is secure.
const SECURE: u32 = 1;
/// `check` flags: add Strict-Transport-Security (its value is `hsts[flags >> HSTS_SHIFT]`).
const HSTS: u32 = 2;
/// `check` flags: add the HPKP header.
const HPKP: u32 = 4;
/// `check` flags: the response is the redirect or refusal `check` made, whose only
/// headers are Content-Type and Location (so none of ours is there yet).
const FRESH: u32 = 8;
/// `check` flags: the index of the HSTS value (a ramp has one per stage) from this bit.
const HSTS_SHIFT: u32 = 8;

/// A response header made once, as Python strings.
struct Header {
    name: Py<PyString>,
    /// The name as text, to find it among the response's headers (any case).
    name_text: Box<str>,
    value: Py<PyString>,
    /// The value as text, to find the one the core chose.
    value_text: Box<str>,
}

impl Header {
    fn new(py: Python<'_>, name: &str, value: &str) -> Header {
        Header {
            name: PyString::new(py, name).unbind(),
            name_text: name.into(),
            value: PyString::new(py, value).unbind(),
            value_text: value.into(),
        }
    }
}

/// Where the proxy sources of the policy are found in `request.META`.
struct Proxy {
    /// `(header name as the core knows it, META key)` for every source.
    sources: Vec<(String, Py<PyString>)>,
    /// Django's SECURE_PROXY_SSL_HEADER without trusted proxies: any peer is believed,
    /// even one whose address is unknown (a Unix socket).
    any_peer: bool,
    /// The META key of SECURE_PROXY_SSL_HEADER, removed from requests of untrusted peers
    /// so that Django's own `request.is_secure()` cannot be spoofed either.
    strip: Option<Py<PyString>>,
}

/// The native half of the Django middleware. Built once by `SecurityMiddleware.__init__`.
#[pyclass(frozen, module = "hstsguard._native", name = "DjangoGuard")]
pub(crate) struct DjangoGuard {
    policy: Arc<Policy>,
    /// Every Strict-Transport-Security value the policy can send: one, or one per stage
    /// of an `[hsts.ramp]`.
    hsts: Vec<Header>,
    hsts_replace: bool,
    hpkp: Option<Header>,
    defaults: Vec<Header>,
    exempt: Vec<Py<PyAny>>,
    canonical: bool,
    proxy: Option<Proxy>,
    cookies: bool,
    /// The Python callables that make a redirect response of each status: Django's
    /// constructor, and the same response made without the constructor's re-checks of
    /// the Location, for a Location they leave as it is (see [`django_keeps`]).
    redirects: Vec<(u16, Py<PyAny>, Py<PyAny>)>,
    /// Django's longest redirect URL (`django.utils.http.MAX_URL_REDIRECT_LENGTH`), when
    /// this Django release has one: its constructor refuses a longer Location.
    location_limit: Option<usize>,
    reject_response: Py<PyAny>,
    disallowed_host: Py<PyAny>,
}

/// The META key Django stores a request header under: `X-Forwarded-Proto` ->
/// `HTTP_X_FORWARDED_PROTO`.
fn meta_key(header: &str) -> String {
    let mut key = String::with_capacity(header.len() + 5);
    key.push_str("HTTP_");
    for c in header.chars() {
        key.push(if c == '-' {
            '_'
        } else {
            c.to_ascii_uppercase()
        });
    }
    key
}

/// The bytes Django's `iri_to_uri` leaves as they are: `quote()`'s letters, digits and
/// `_.-~`, and the `safe` characters Django passes it (`/#%[]=:;$&()+,!?*@'~`).
/// Everything else it percent-encodes: controls, space, `"`, `<`, `>`, `\`, `^`, `` ` ``,
/// `{`, `|`, `}`, DEL and every non-ASCII character.
/// The unit test below pins the table; `tests/test_django_middleware.py` checks the same
/// set against Django's own function.
static IRI_KEEPS: [bool; 256] = {
    const SAFE: &[u8] = b"_.-~/#%[]=:;$&()+,!?*@'";
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < SAFE.len() {
        t[SAFE[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether Django's redirect constructor would store `location` as it is and accept it:
/// an `https://` URL (a scheme Django allows) of bytes `iri_to_uri` keeps, no longer
/// than Django's limit. Then the constructor's steps (`iri_to_uri`, the length and
/// scheme checks that raise `DisallowedRedirect`, and `urlsplit`, which raises on a
/// malformed bracketed host, one the core never writes: its hosts are validated) change
/// nothing, and the response can be made without them. The core's Locations always are,
/// from `get_full_path()`'s target, up to the length limit; anything else goes through
/// the constructor.
fn django_keeps(location: &str, limit: Option<usize>) -> bool {
    location.starts_with("https://")
        && limit.is_none_or(|n| location.len() <= n)
        && location.bytes().all(|b| IRI_KEEPS[usize::from(b)])
}

/// Text of a Python object (`str()` of it).
fn text(obj: &Bound<'_, PyAny>) -> PyResult<PyBackedStr> {
    obj.str()?.try_into()
}

impl DjangoGuard {
    /// The flags for the headers the core adds to this response.
    fn flags_of(&self, secure: bool, headers: &ResponseHeaders<'_>) -> u32 {
        let mut flags = if secure { SECURE } else { 0 };
        if let Some(h) = headers.hsts() {
            if let Some(i) = self.hsts.iter().position(|x| *x.value_text == *h.value) {
                flags |= HSTS | ((i as u32) << HSTS_SHIFT);
            }
        }
        if headers.hpkp().is_some() && self.hpkp.is_some() {
            flags |= HPKP;
        }
        flags
    }
}

#[pymethods]
impl DjangoGuard {
    #[new]
    #[pyo3(signature = (policy, *, defaults, exempt, proxy_meta, any_peer, strip_meta_key, redirects, location_limit, reject_response, disallowed_host))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        policy: &PyPolicy,
        defaults: Vec<(String, String)>,
        exempt: Vec<Py<PyAny>>,
        proxy_meta: Vec<(String, String)>,
        any_peer: bool,
        strip_meta_key: Option<String>,
        redirects: HashMap<u16, (Py<PyAny>, Py<PyAny>)>,
        location_limit: Option<usize>,
        reject_response: Py<PyAny>,
        disallowed_host: Py<PyAny>,
    ) -> PyResult<Self> {
        let p = Arc::clone(&policy.inner);
        let h = p.hsts();
        let hsts = match (&h.ramp, h.enabled) {
            (_, false) => Vec::new(),
            (Some(ramp), true) => ramp
                .stages()
                .iter()
                .map(|s| Header::new(py, "Strict-Transport-Security", &s.value))
                .collect(),
            (None, true) => vec![Header::new(
                py,
                "Strict-Transport-Security",
                h.policy.value(),
            )],
        };
        let hpkp = p.hpkp().map(|x| Header::new(py, x.name(), x.value()));
        let defaults = defaults
            .iter()
            .map(|(n, v)| Header::new(py, n, v))
            .collect();
        let proxy = if p.proxy().networks().is_empty() {
            None
        } else {
            let sources = p
                .proxy()
                .sources()
                .iter()
                .map(|s| {
                    let header = s.header().to_owned();
                    let key = proxy_meta
                        .iter()
                        .find(|(h, _)| h.eq_ignore_ascii_case(&header))
                        .map_or_else(|| meta_key(&header), |(_, k)| k.clone());
                    (header, PyString::new(py, &key).unbind())
                })
                .collect();
            Some(Proxy {
                sources,
                any_peer,
                strip: strip_meta_key.map(|k| PyString::new(py, &k).unbind()),
            })
        };
        Ok(DjangoGuard {
            canonical: p.redirect().canonical_host().is_some(),
            hsts_replace: h.existing == ExistingHeader::Replace,
            cookies: p.cookies_enabled(),
            policy: p,
            hsts,
            hpkp,
            defaults,
            exempt,
            proxy,
            redirects: redirects
                .into_iter()
                .map(|(status, (checked, kept))| (status, checked, kept))
                .collect(),
            location_limit,
            reject_response,
            disallowed_host,
        })
    }

    /// The way in: `(flags, None)` to go on to the view, or `(flags, response)` for a
    /// redirect or refusal. Raises Django's `DisallowedHost` (from `request.get_host()`,
    /// or for a Host the core finds malformed) as Django's middleware does.
    fn check<'py>(
        &self,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<(u32, Option<Bound<'py, PyAny>>)> {
        let py = request.py();
        let meta_obj = request.getattr(intern!(py, "META"))?;
        let meta = meta_obj.cast::<PyDict>()?;
        // The connection's own scheme: WSGI's url_scheme, or what an ASGI request's
        // scope says (Django's request.scheme would apply SECURE_PROXY_SSL_HEADER, which
        // the core decides with the trusted proxies).
        let tls = match meta.get_item(intern!(py, "wsgi.url_scheme"))? {
            Some(scheme) => scheme.eq(intern!(py, "https"))?,
            None => request
                .call_method0(intern!(py, "_get_scheme"))?
                .eq(intern!(py, "https"))?,
        };

        let mut headers: Vec<(String, String)> = Vec::new();
        let mut peer: Option<IpAddr> = None;
        if let Some(proxy) = &self.proxy {
            peer = match meta.get_item(intern!(py, "REMOTE_ADDR"))? {
                // The core's peer reader; an address it cannot read (a Unix socket's
                // empty REMOTE_ADDR) is an unknown peer, never a trusted one.
                Some(addr) => hstsguard::parse_peer(addr.str()?.to_cow()?.trim()).ok(),
                None => None,
            };
            if proxy.any_peer && peer.is_none() {
                peer = Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            }
            if peer.is_some_and(|p| self.policy.proxy().trusts(p)) {
                if !tls {
                    for (name, key) in &proxy.sources {
                        if let Some(v) = meta.get_item(key.bind(py))? {
                            headers.push((name.clone(), text(&v)?.to_string()));
                        }
                    }
                }
            } else if let Some(key) = &proxy.strip {
                if meta.contains(key.bind(py))? {
                    meta.del_item(key.bind(py))?;
                }
            }
        }

        let raw_host = match meta.get_item(intern!(py, "HTTP_HOST"))? {
            Some(h) => Some(text(&h)?),
            None => None,
        };
        let method = text(&request.getattr(intern!(py, "method"))?)?;
        let path = request.getattr(intern!(py, "path"))?;
        let path_text = text(&path)?;
        let facts = RequestFacts::new(&method, tls, raw_host.as_deref(), &path_text, &headers)
            .with_peer(peer);
        let secure = self.policy.is_secure(&facts);
        let pass = || {
            Ok((
                self.flags_of(
                    secure,
                    &self.policy.response_headers(secure, raw_host.as_deref()),
                ),
                None,
            ))
        };
        if secure || !self.policy.redirect().enabled() {
            return pass();
        }

        // Plain HTTP and redirects on. Django's SECURE_REDIRECT_EXEMPT first, with
        // Django's meaning: re.search on request.path without its leading slashes.
        if !self.exempt.is_empty() {
            let stripped = path.call_method1(intern!(py, "lstrip"), ("/",))?;
            for pattern in &self.exempt {
                let m = pattern
                    .bind(py)
                    .call_method1(intern!(py, "search"), (&stripped,))?;
                if !m.is_none() {
                    return pass();
                }
            }
        }
        // The host as Django sees it, validated against ALLOWED_HOSTS by Django itself
        // (DisallowedHost propagates); with SECURE_SSL_HOST Django does not ask, and
        // neither do we.
        let asked;
        let host = if self.canonical {
            raw_host.as_deref()
        } else {
            asked = text(&request.call_method0(intern!(py, "get_host"))?)?;
            Some(&*asked)
        };
        let target = text(&request.call_method0(intern!(py, "get_full_path"))?)?;
        let facts = RequestFacts::new(&method, tls, host, &target, &headers).with_peer(peer);
        let d = self.policy.evaluate(&facts);
        let flags = self.flags_of(d.secure(), &self.policy.response_headers(d.secure(), host));
        match d.into_action() {
            Action::Redirect { status, location } => {
                let Some((_, checked, kept)) = self.redirects.iter().find(|(s, _, _)| *s == status)
                else {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                        "no redirect response class for status {status}"
                    )));
                };
                let make = if django_keeps(&location, self.location_limit) {
                    kept
                } else {
                    checked
                };
                let r = make.bind(py).call1((location,))?;
                Ok((flags | FRESH, Some(r)))
            }
            Action::Reject {
                code: code @ (Code::HostMissing | Code::HostMalformed | Code::HostNotAllowed),
                reason,
                ..
            } => {
                // Django's own 400 for a bad Host: the callable raises DisallowedHost.
                self.disallowed_host
                    .bind(py)
                    .call1((code.as_str(), reason))?;
                Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "disallowed_host returned instead of raising DisallowedHost",
                ))
            }
            Action::Reject {
                status,
                code,
                reason,
            } => {
                // redirect.method_refused (403 or 426), proxy.sources_disagree (400).
                let r = self
                    .reject_response
                    .bind(py)
                    .call1((status, code.as_str(), reason))?;
                Ok((flags | FRESH, Some(r)))
            }
            _ => Ok((flags, None)),
        }
    }

    /// The way out: adds the headers `flags` calls for (never replacing one the response
    /// has, unless the policy says `existing = "replace"` for HSTS), Django's nosniff,
    /// Referrer-Policy and Cross-Origin-Opener-Policy defaults, and flags every cookie.
    fn finish<'py>(&self, response: Bound<'py, PyAny>, flags: u32) -> PyResult<Bound<'py, PyAny>> {
        let py = response.py();
        let headers = response.getattr(intern!(py, "headers"))?;
        // The headers to add, in order: HSTS, HPKP, the defaults.
        let mut wanted: Vec<(&Header, bool)> = Vec::with_capacity(2 + self.defaults.len());
        if flags & HSTS != 0 {
            if let Some(h) = self.hsts.get((flags >> HSTS_SHIFT) as usize) {
                wanted.push((h, self.hsts_replace));
            }
        }
        if flags & HPKP != 0 {
            if let Some(h) = &self.hpkp {
                wanted.push((h, false));
            }
        }
        wanted.extend(self.defaults.iter().map(|h| (h, false)));
        // One pass over the response's header names (a mapping that ignores case, such
        // as Django's, or any other): which of ours are there, and a raw Set-Cookie.
        let mut present = vec![false; wanted.len()];
        let mut raw_set_cookie = false;
        if flags & FRESH == 0 && (!wanted.is_empty() || self.cookies) {
            for name in headers.try_iter()? {
                let name = name?;
                let name = name.str()?;
                let name = name.to_cow()?;
                for (i, (h, _)) in wanted.iter().enumerate() {
                    if h.name_text.eq_ignore_ascii_case(&name) {
                        present[i] = true;
                    }
                }
                if name.eq_ignore_ascii_case("set-cookie") {
                    raw_set_cookie = true;
                }
            }
        }
        for ((h, replace), here) in wanted.iter().zip(present) {
            if *replace || !here {
                headers.set_item(h.name.bind(py), h.value.bind(py))?;
            }
        }
        if self.cookies {
            self.flag_cookies(&response, &headers, flags & SECURE != 0, raw_set_cookie)?;
        }
        Ok(response)
    }

    /// `check`, the view (`get_response(request)`) unless `check` answered, and
    /// `finish`: the synchronous middleware in one call.
    fn handle<'py>(
        &self,
        request: &Bound<'py, PyAny>,
        get_response: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (flags, response) = self.check(request)?;
        let response = match response {
            Some(r) => r,
            None => get_response.call1((request,))?,
        };
        self.finish(response, flags)
    }

    /// The flags `check` would give a request that arrived securely or not, for
    /// `process_response` when `process_request` was not called.
    fn flags_for(&self, secure: bool, host: Option<String>) -> u32 {
        self.flags_of(
            secure,
            &self.policy.response_headers(secure, host.as_deref()),
        )
    }
}

impl DjangoGuard {
    fn flag_cookies(
        &self,
        response: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        secure: bool,
        raw_set_cookie: bool,
    ) -> PyResult<()> {
        let py = response.py();
        let cookies = response.getattr(intern!(py, "cookies"))?;
        if cookies.len()? > 0 {
            for morsel in cookies.call_method0(intern!(py, "values"))?.try_iter()? {
                let morsel = morsel?;
                let text = morsel.call_method0(intern!(py, "OutputString"))?;
                let text = text.str()?;
                let text = text.to_cow()?;
                let flagged = self.policy.flag_set_cookie(&text, secure);
                if flagged.changed() {
                    set_morsel(&morsel, &flagged.attributes(), &CookieAttributes::of(&text))?;
                }
            }
        }
        // A Set-Cookie set as a plain header (Django's header map holds one at most).
        if raw_set_cookie {
            let name = intern!(py, "Set-Cookie");
            let value = headers.get_item(name)?;
            let value = value.str()?;
            let value = value.to_cow()?;
            let flagged = self.policy.flag_set_cookie(&value, secure);
            if flagged.changed() {
                headers.set_item(name, flagged.value())?;
            }
        }
        Ok(())
    }
}

/// Sets the owned attributes of a Morsel to what the core decided (the attributes of
/// the flagged value, as user agents read them), touching only those that changed.
fn set_morsel(
    morsel: &Bound<'_, PyAny>,
    new: &CookieAttributes<'_>,
    old: &CookieAttributes<'_>,
) -> PyResult<()> {
    let py = morsel.py();
    let flag = |b: bool| -> Bound<'_, PyAny> {
        if b {
            PyBool::new(py, true).to_owned().into_any()
        } else {
            PyString::new(py, "").into_any()
        }
    };
    if new.secure != old.secure {
        morsel.set_item("secure", flag(new.secure))?;
    }
    if new.http_only != old.http_only {
        morsel.set_item("httponly", flag(new.http_only))?;
    }
    if new.same_site != old.same_site {
        morsel.set_item("samesite", new.same_site.map_or("", |s| s.as_str()))?;
    }
    if new.path != old.path {
        morsel.set_item("path", new.path.unwrap_or(""))?;
    }
    if new.domain != old.domain && !new.domain {
        morsel.set_item("domain", "")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_keys() {
        assert_eq!(meta_key("X-Forwarded-Proto"), "HTTP_X_FORWARDED_PROTO");
        assert_eq!(meta_key("forwarded"), "HTTP_FORWARDED");
    }

    /// The characters `iri_to_uri` keeps, as `tests/test_django_middleware.py` finds
    /// them in Django (the same literal there).
    const DJANGO_KEEPS: &str = "!#$%&'()*+,-./0123456789:;=?@\
                                ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~";

    #[test]
    fn iri_keeps_is_djangos_set() {
        let kept: String = (0..=255u8)
            .filter(|&b| IRI_KEEPS[usize::from(b)])
            .map(char::from)
            .collect();
        assert_eq!(kept, DJANGO_KEEPS);
    }

    #[test]
    fn kept_locations() {
        assert!(django_keeps("https://example.com/a?b=%20", None));
        assert!(django_keeps("https://example.com/abc", Some(23)));
        // One byte over Django's limit: the constructor refuses it.
        assert!(!django_keeps("https://example.com/abcd", Some(23)));
        // Other schemes, and bytes iri_to_uri encodes.
        assert!(!django_keeps("http://example.com/", None));
        assert!(!django_keeps("https://example.com/a|b", None));
        assert!(!django_keeps("https://example.com/a^b", None));
        assert!(!django_keeps("https://example.com/\u{e9}", None));
    }
}
