//! The `[proxy]` section of a policy document: trusted networks, sources, the custom header; and the builder.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::Value;

use super::source::{trim, ListRule, ProxySource};
use super::{default_sources, ProxyTrust};
use crate::config::field::Field;
use crate::config::reader::Reader;
use crate::config::{join, Kind, ProxySection};
use crate::error::{ConfigError, Error};

/// Builds a [`ProxyTrust`]; every bad value is collected and reported by
/// [`ProxyTrustBuilder::build`].
#[derive(Debug, Clone)]
pub struct ProxyTrustBuilder {
    pub(crate) trust: ProxyTrust,
    pub(crate) sources_set: bool,
    /// How many times `trust` was called, for the error paths.
    pub(crate) trusted_calls: usize,
    pub(crate) errors: Vec<ConfigError>,
}

impl ProxyTrustBuilder {
    /// Trusts a network (`10.0.0.0/8`, `2001:db8::/32`) or a single address
    /// (`127.0.0.1`, `::1`). Host bits after the prefix are ignored (`10.1.2.3/8` is
    /// `10.0.0.0/8`).
    pub fn trust(mut self, network: &str) -> Self {
        let path = format!("proxy.trusted[{}]", self.trusted_calls);
        self.trusted_calls += 1;
        match parse_network(network) {
            Ok(net) => self.trust_network_inner(net),
            Err(e) => self.errors.extend(e.at(&path)),
        }
        self
    }

    /// Trusts a network.
    pub fn trust_network(mut self, network: IpNet) -> Self {
        self.trust_network_inner(unmap(network.trunc()));
        self
    }

    pub(crate) fn trust_network_inner(&mut self, network: IpNet) {
        if !self.trust.networks.contains(&network) {
            self.trust.networks.push(network);
        }
    }

    /// Adds a source, read along with those added before. The first call replaces the
    /// default source (`x-forwarded-proto`).
    pub fn source(mut self, source: ProxySource) -> Self {
        if !self.sources_set {
            self.trust.sources.clear();
            self.sources_set = true;
            self.trust.sources_configured = true;
        }
        if !self.trust.sources.contains(&source) {
            self.trust.sources.push(source);
        }
        self
    }

    /// Which element of a comma list counts.
    pub fn list_rule(mut self, list: ListRule) -> Self {
        self.trust.list = list;
        self
    }

    /// The trust settings, or [`Error::Config`] listing every bad network.
    pub fn build(self) -> Result<ProxyTrust, Error> {
        if self.errors.is_empty() {
            Ok(self.trust)
        } else {
            Err(Error::Config(self.errors))
        }
    }
}

/// Reads a trusted-proxy network: a CIDR network (`10.0.0.0/8`, `2001:db8::/32`) or a
/// single address (`127.0.0.1`). Host bits after the prefix are ignored. An IPv4-mapped
/// IPv6 network (`::ffff:10.0.0.0/104`) is stored as the IPv4 network it maps
/// (`10.0.0.0/8`), so it matches IPv4 and mapped peers alike.
///
/// ```
/// use hstsguard::proxy::parse_network;
/// assert_eq!(parse_network("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
/// assert_eq!(parse_network("::ffff:10.0.0.0/104").unwrap().to_string(), "10.0.0.0/8");
/// assert_eq!(parse_network("ten").unwrap_err().code(), hstsguard::Code::ConfigInvalidValue);
/// ```
pub fn parse_network(text: &str) -> Result<IpNet, Error> {
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(unmap(net.trunc()));
    }
    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(unmap(IpNet::from(addr)));
    }
    Err(Error::InvalidValue {
        what: "trusted proxy network",
        value: text.to_owned(),
        reason: "not an IP address or CIDR network (such as \"10.0.0.0/8\", \"2001:db8::/32\" or \"127.0.0.1\")".to_owned(),
    })
}

impl Field for IpNet {
    const KIND: Kind = Kind::Text;
    const SPLIT_COMMAS: bool = true;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<IpNet> {
        match value {
            Value::String(s) => match parse_network(s) {
                Ok(net) => Some(net),
                Err(e) => {
                    r.error(path, e);
                    None
                }
            },
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

crate::config::field::list_field!(IpNet => Kind::Text);

pub(crate) fn unmap(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(net),
            None => net,
        },
        _ => net,
    }
}

/// An RFC 9110 token.
pub(crate) fn check_header_name(name: &str) -> Result<(), Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "header name",
        value: name.to_owned(),
        reason: reason.to_owned(),
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if !name.bytes().all(crate::directive::is_tchar) {
        return Err(invalid("not an RFC 9110 token"));
    }
    Ok(())
}

/// Non-empty after trimming, no control characters (CR, LF, NUL, ...), no comma.
pub(crate) fn check_header_value(value: &str) -> Result<&str, Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "header value",
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid("it contains a control character"));
    }
    let trimmed = trim(value);
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    if trimmed.contains(',') {
        return Err(invalid(
            "it contains a comma; only one list element is compared, so it could never match",
        ));
    }
    Ok(trimmed)
}

/// Builds the proxy trust from the `[proxy]` section of a policy document
/// (docs/POLICY.md): `trusted`, `sources`, `custom_header`, `list`. Every bad value is
/// recorded with its path.
///
/// `custom_header = {name, value}` adds a [`ProxySource::Custom`]: where `"custom"`
/// appears in `sources`, else after the listed sources, and as the only source when
/// `sources` is absent (Django's `SECURE_PROXY_SSL_HEADER` is the only header Django
/// reads).
pub(crate) fn from_section(s: &ProxySection, path: &str, r: &mut Reader) -> ProxyTrust {
    let at = |key: &str| join(path, key);
    let mut out = ProxyTrust::none();
    out.networks = s.trusted();

    let custom = s.custom_header.as_ref().and_then(|c| {
        let cpath = at("custom_header");
        let part = |key: &str, v: &Option<String>, r: &mut Reader| {
            let p = join(&cpath, key);
            if v.is_none() && !r.errors.iter().any(|e| e.path() == p) {
                r.invalid_value(&p, format!("missing: custom_header needs `{key}`"));
            }
            v.clone()
        };
        let name = part("name", &c.name, r);
        let value = part("value", &c.value, r);
        let name = name?;
        let value = value?;
        let checked_name = check_header_name(&name);
        let checked_value = check_header_value(&value);
        if let Err(e) = &checked_name {
            r.error(&join(&cpath, "name"), e.clone());
        }
        match checked_value {
            Err(e) => {
                r.error(&join(&cpath, "value"), e);
                None
            }
            Ok(v) => checked_name.ok().map(|()| ProxySource::Custom {
                header: name.clone(),
                value: v.to_owned(),
            }),
        }
    });

    let mut sources = Vec::new();
    let mut custom_placed = false;
    if let Some(names) = &s.sources {
        for (i, name) in names.iter().enumerate() {
            match name.preset() {
                Some(preset) => sources.push(preset),
                None if s.custom_header.is_none() => r.invalid_value(
                    &format!("{}[{i}]", at("sources")),
                    "\"custom\" needs a custom_header = {name, value} table",
                ),
                None => {
                    custom_placed = true;
                    sources.extend(custom.clone());
                }
            }
        }
    }
    if !custom_placed {
        sources.extend(custom);
    }
    out.sources_configured = s.sources.is_some() || s.custom_header.is_some();
    out.sources = if out.sources_configured {
        sources
    } else {
        default_sources()
    };
    out.list = s.list();
    out
}
