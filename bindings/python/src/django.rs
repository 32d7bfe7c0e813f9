//! The per-request path of `hstsguard.django.SecurityMiddleware`, in one native call on
//! the way in (`check`) and one on the way out (`finish`).
//!
//! Everything that can be decided at start-up is: the core `Policy` is built once, and
//! every header the middleware may add is a Python `(name, value)` tuple made once, so
//! adding it is one dict store. Django's own objects are read only as far as the request
//! needs: `request.META` always; `request.path`, `request.method` and
//! `request.get_host()` only on the way to a redirect.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use hstsguard::policy::{Action, Decision, ExistingHeader, Policy};
use hstsguard::RequestFacts;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::policy::PyPolicy;

/// `check` flags: the request is secure.
const SECURE: u8 = 1;
/// `check` flags: add Strict-Transport-Security.
const HSTS: u8 = 2;
/// `check` flags: add the HPKP header.
const HPKP: u8 = 4;

/// A response header made once: the lower-case key of Django's header store, and the
/// `(name, value)` item stored under it.
struct Header {
    key: Py<PyString>,
    name: Py<PyString>,
    value: Py<PyString>,
    item: Py<PyTuple>,
}

impl Header {
    fn new(py: Python<'_>, name: &str, value: &str) -> PyResult<Header> {
        let n = PyString::new(py, name);
        let v = PyString::new(py, value);
        Ok(Header {
            key: PyString::new(py, &name.to_ascii_lowercase()).unbind(),
            item: PyTuple::new(py, [&n, &v])?.unbind(),
            name: n.unbind(),
            value: v.unbind(),
        })
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
    hsts: Option<Header>,
    hsts_replace: bool,
    hpkp: Option<Header>,
    defaults: Vec<Header>,
    exempt: Vec<Py<PyAny>>,
    canonical: bool,
    proxy: Option<Proxy>,
    cookies: bool,
    direct_store: bool,
    redirect_response: Py<PyAny>,
    reject_response: Py<PyAny>,
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

/// Django's `urllib.parse.quote(text, safe)`: UTF-8, every byte outside the letters,
/// digits, `_.-~` and `safe` percent-encoded with upper-case hex.
fn quote(text: &str, safe: &[u8], out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// The characters `iri_to_uri` keeps (besides letters, digits and `_.-~`).
const IRI_SAFE: &[u8] = b"/#%[]=:;$&()+,!?*@'~";

/// Django's `request.get_full_path()`: `escape_uri_path(path)` and, when there is a
/// query string, `"?" + iri_to_uri(query)`.
fn full_path(path: &str, query: &str) -> String {
    let mut out = String::with_capacity(path.len() + query.len() + 8);
    quote(path, b"/:@&+$,-_.!~*'()", &mut out);
    if !query.is_empty() {
        out.push('?');
        quote(query, IRI_SAFE, &mut out);
    }
    out
}

/// Facts for a request that goes on to the view whatever the core would say of its
/// method and target: a secure request or redirects off (the core's redirect step 1), or
/// a path Django's SECURE_REDIRECT_EXEMPT lets through. Only the headers of the decision
/// (HSTS, HPKP) are used.
fn pass_facts<'a>(
    tls: bool,
    host: Option<&'a str>,
    headers: &'a Vec<(String, String)>,
    peer: Option<IpAddr>,
) -> RequestFacts<'a> {
    RequestFacts::new("GET", tls, host, "/", headers).with_peer(peer)
}

fn flags_of(d: &Decision<'_>) -> u8 {
    let mut flags = 0;
    if d.secure() {
        flags |= SECURE;
    }
    for h in d.headers() {
        if h.name == "Strict-Transport-Security" {
            flags |= HSTS;
        } else if h.name.starts_with("Public-Key-Pins") {
            flags |= HPKP;
        }
        // A 426 refusal's Upgrade and Connection are hop-by-hop headers, which WSGI
        // forbids applications to send (PEP 3333): the server's business, not Django's.
    }
    flags
}

/// The owned attributes of a flagged `Set-Cookie` value, to set on Django's Morsel.
#[derive(Default, Debug, PartialEq, Eq)]
struct CookieFlags {
    secure: bool,
    http_only: bool,
    same_site: Option<String>,
    path: Option<String>,
    domain: bool,
}

fn cookie_flags(set_cookie: &str) -> CookieFlags {
    let mut f = CookieFlags::default();
    for attr in set_cookie.split(';').skip(1) {
        let (name, value) = match attr.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (attr.trim(), None),
        };
        if name.eq_ignore_ascii_case("secure") {
            f.secure = true;
        } else if name.eq_ignore_ascii_case("httponly") {
            f.http_only = true;
        } else if name.eq_ignore_ascii_case("samesite") {
            f.same_site = value.map(str::to_owned);
        } else if name.eq_ignore_ascii_case("path") {
            f.path = value.map(str::to_owned);
        } else if name.eq_ignore_ascii_case("domain") {
            f.domain = true;
        }
    }
    f
}

#[pymethods]
impl DjangoGuard {
    #[new]
    #[pyo3(signature = (policy, *, defaults, exempt, proxy_meta, any_peer, strip_meta_key, redirect_response, reject_response, direct_store))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        policy: &PyPolicy,
        defaults: Vec<(String, String)>,
        exempt: Vec<Py<PyAny>>,
        proxy_meta: Vec<(String, String)>,
        any_peer: bool,
        strip_meta_key: Option<String>,
        redirect_response: Py<PyAny>,
        reject_response: Py<PyAny>,
        direct_store: bool,
    ) -> PyResult<Self> {
        let p = Arc::clone(&policy.inner);
        let h = p.hsts();
        let hsts = if h.enabled {
            Some(Header::new(
                py,
                "Strict-Transport-Security",
                h.policy.value(),
            )?)
        } else {
            None
        };
        let hpkp = match p.hpkp() {
            Some(x) => Some(Header::new(py, x.name(), x.value())?),
            None => None,
        };
        let defaults = defaults
            .iter()
            .map(|(n, v)| Header::new(py, n, v))
            .collect::<PyResult<Vec<_>>>()?;
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
            cookies: cookie_flagging_on(&p),
            policy: p,
            hsts,
            hpkp,
            defaults,
            exempt,
            proxy,
            direct_store,
            redirect_response,
            reject_response,
        })
    }

    /// The way in: `(flags, None)` to go on to the view, or `(flags, response)` for a
    /// redirect or refusal. Raises Django's `DisallowedHost` (from `request.get_host()`)
    /// exactly as Django's middleware does.
    fn check<'py>(&self, request: &Bound<'py, PyAny>) -> PyResult<(u8, Option<Bound<'py, PyAny>>)> {
        let py = request.py();
        let meta_obj = request.getattr(intern!(py, "META"))?;
        let meta = meta_obj.cast::<PyDict>()?;
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
                Some(addr) => addr.str()?.to_cow()?.trim().parse().ok(),
                None => None,
            };
            if proxy.any_peer && peer.is_none() {
                peer = Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            }
            if peer.is_some_and(|p| self.policy.proxy().trusts(p)) {
                if !tls {
                    for (name, key) in &proxy.sources {
                        if let Some(v) = meta.get_item(key.bind(py))? {
                            headers.push((name.clone(), v.str()?.to_cow()?.into_owned()));
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
            Some(h) => Some(h.str()?.to_cow()?.into_owned()),
            None => None,
        };
        let secure = self
            .policy
            .is_secure(&pass_facts(tls, None, &headers, peer));
        if secure || !self.policy.redirect().enabled() {
            let d = self
                .policy
                .evaluate(&pass_facts(tls, raw_host.as_deref(), &headers, peer));
            return Ok((flags_of(&d), None));
        }

        // Plain HTTP and redirects on. Django's SECURE_REDIRECT_EXEMPT first, with
        // Django's meaning: re.search on request.path without its leading slashes.
        let path = request.getattr(intern!(py, "path"))?;
        if !self.exempt.is_empty() {
            let stripped = path.call_method1(intern!(py, "lstrip"), ("/",))?;
            for pattern in &self.exempt {
                let m = pattern
                    .bind(py)
                    .call_method1(intern!(py, "search"), (&stripped,))?;
                if !m.is_none() {
                    let d =
                        self.policy
                            .evaluate(&pass_facts(tls, raw_host.as_deref(), &headers, peer));
                    return Ok((flags_of(&d), None));
                }
            }
        }
        // The host as Django sees it, validated against ALLOWED_HOSTS by Django itself
        // (DisallowedHost propagates); with SECURE_SSL_HOST Django does not ask, and
        // neither do we.
        let host = if self.canonical {
            raw_host
        } else {
            Some(
                request
                    .call_method0(intern!(py, "get_host"))?
                    .str()?
                    .to_cow()?
                    .into_owned(),
            )
        };
        let method = request.getattr(intern!(py, "method"))?;
        let method = method.str()?;
        let method = method.to_cow()?;
        let query = match meta.get_item(intern!(py, "QUERY_STRING"))? {
            Some(q) => q.str()?.to_cow()?.into_owned(),
            None => String::new(),
        };
        let target = full_path(&path.str()?.to_cow()?, &query);
        let facts =
            RequestFacts::new(&method, tls, host.as_deref(), &target, &headers).with_peer(peer);
        let d = self.policy.evaluate(&facts);
        let flags = flags_of(&d);
        match d.into_action() {
            Action::Redirect { status, location } => {
                // What Django's HttpResponseRedirect stores: iri_to_uri(location). The
                // core's Location is ASCII already; this only keeps Django's spelling.
                let mut uri = String::with_capacity(location.len());
                quote(&location, IRI_SAFE, &mut uri);
                let r = self.redirect_response.bind(py).call1((status, uri))?;
                Ok((flags, Some(r)))
            }
            Action::Reject {
                status,
                code,
                reason,
            } => {
                let r = self
                    .reject_response
                    .bind(py)
                    .call1((status, code.as_str(), reason))?;
                Ok((flags, Some(r)))
            }
            _ => Ok((flags, None)),
        }
    }

    /// The way out: adds the headers `flags` calls for (never replacing one the view set,
    /// unless the policy says `existing = "replace"` for HSTS), Django's nosniff,
    /// Referrer-Policy and Cross-Origin-Opener-Policy defaults, and flags every cookie.
    fn finish<'py>(&self, response: Bound<'py, PyAny>, flags: u8) -> PyResult<Bound<'py, PyAny>> {
        let py = response.py();
        let headers = response.getattr(intern!(py, "headers"))?;
        // Django's header store, when it is the dict the start-up probe found (a response
        // object of another kind goes through the public API).
        let store = if self.direct_store {
            headers
                .getattr(intern!(py, "_store"))
                .ok()
                .and_then(|s| s.cast_into::<PyDict>().ok())
        } else {
            None
        };
        if let Some(store) = store {
            if flags & HSTS != 0 {
                if let Some(h) = &self.hsts {
                    let key = h.key.bind(py);
                    if self.hsts_replace || !store.contains(key)? {
                        store.set_item(key, h.item.bind(py))?;
                    }
                }
            }
            if flags & HPKP != 0 {
                if let Some(h) = &self.hpkp {
                    let key = h.key.bind(py);
                    if !store.contains(key)? {
                        store.set_item(key, h.item.bind(py))?;
                    }
                }
            }
            for h in &self.defaults {
                let key = h.key.bind(py);
                if !store.contains(key)? {
                    store.set_item(key, h.item.bind(py))?;
                }
            }
        } else {
            let set = |h: &Header, replace: bool| -> PyResult<()> {
                let name = h.name.bind(py);
                if replace || !headers.contains(name)? {
                    headers.set_item(name, h.value.bind(py))?;
                }
                Ok(())
            };
            if flags & HSTS != 0 {
                if let Some(h) = &self.hsts {
                    set(h, self.hsts_replace)?;
                }
            }
            if flags & HPKP != 0 {
                if let Some(h) = &self.hpkp {
                    set(h, false)?;
                }
            }
            for h in &self.defaults {
                set(h, false)?;
            }
        }
        if self.cookies {
            self.flag_cookies(&response, &headers, flags & SECURE != 0)?;
        }
        Ok(response)
    }

    /// The flags `check` would give a request that arrived securely or not, for
    /// `process_response` when `process_request` was not called.
    fn flags_for(&self, secure: bool, host: Option<String>) -> u8 {
        let facts = RequestFacts::new("GET", secure, host.as_deref(), "/", &hstsguard::NoHeaders);
        flags_of(&self.policy.evaluate(&facts))
    }
}

impl DjangoGuard {
    fn flag_cookies(
        &self,
        response: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        secure: bool,
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
                    set_morsel(
                        &morsel,
                        &cookie_flags(flagged.value()),
                        &cookie_flags(&text),
                    )?;
                }
            }
        }
        // A Set-Cookie set as a plain header (Django's header map holds one at most).
        let name = intern!(py, "Set-Cookie");
        if headers.contains(name)? {
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

/// Is cookie flagging on? The core has no getter for it; a disabled cookie policy returns
/// every value unchanged and without issues, while an enabled one always checks the
/// `__Host-` prefix rules (repairing or reporting), so one probe tells.
fn cookie_flagging_on(policy: &Policy) -> bool {
    let probe = policy.flag_set_cookie("__Host-hstsguard-probe=1", true);
    probe.changed() || !probe.issues().is_empty()
}

/// Sets the owned attributes of a Morsel to what the core decided, touching only those
/// that changed.
fn set_morsel(morsel: &Bound<'_, PyAny>, new: &CookieFlags, old: &CookieFlags) -> PyResult<()> {
    let py = morsel.py();
    let flag = |b: bool| -> PyResult<Bound<'_, PyAny>> {
        Ok(if b {
            pyo3::types::PyBool::new(py, true).to_owned().into_any()
        } else {
            PyString::new(py, "").into_any()
        })
    };
    if new.secure != old.secure {
        morsel.set_item("secure", flag(new.secure)?)?;
    }
    if new.http_only != old.http_only {
        morsel.set_item("httponly", flag(new.http_only)?)?;
    }
    if new.same_site != old.same_site {
        morsel.set_item("samesite", new.same_site.as_deref().unwrap_or(""))?;
    }
    if new.path != old.path {
        morsel.set_item("path", new.path.as_deref().unwrap_or(""))?;
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
    fn full_path_is_djangos() {
        // Values from Django's get_full_path() (Django 5.2).
        assert_eq!(full_path("/a b/é", ""), "/a%20b/%C3%A9");
        assert_eq!(
            full_path("/x;y=z", "a=1&b=%20 c#d"),
            "/x%3By%3Dz?a=1&b=%20%20c#d"
        );
        assert_eq!(full_path("//evil.example/", "q=1"), "//evil.example/?q=1");
    }

    #[test]
    fn meta_keys() {
        assert_eq!(meta_key("X-Forwarded-Proto"), "HTTP_X_FORWARDED_PROTO");
        assert_eq!(meta_key("forwarded"), "HTTP_FORWARDED");
    }

    #[test]
    fn cookie_attributes() {
        let f =
            cookie_flags("__Host-a=1; Domain=x; secure; HttpOnly; SameSite = Lax; path=/a; Path=/");
        assert_eq!(
            f,
            CookieFlags {
                secure: true,
                http_only: true,
                same_site: Some("Lax".into()),
                path: Some("/".into()),
                domain: true,
            }
        );
        assert_eq!(cookie_flags("a=1"), CookieFlags::default());
    }
}
