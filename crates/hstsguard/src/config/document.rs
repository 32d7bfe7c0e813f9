//! The policy document, defined once.
//!
//! Every section is declared below with `section!`: a typed struct whose fields are all
//! optional (absent means "the default", which the declaration states), its schema
//! ([`Section`], from which `docs/POLICY.md`, the TypeScript types, the Python
//! `TypedDict`s and the nginx / Apache directive table are generated), and its reader.
//! Adding a key is one line here plus the rule that uses it.

use ipnet::IpNet;
use serde_json::{Map, Value};

use super::field::{Field, OtherStatus, Port, RedirectStatus, Seconds, Segment};
use super::reader::{join, Reader, Table};
use super::schema::{Key, Section, Spelling};
use crate::cookies::{NamePattern, PrefixMode, SameSite, SecureWhen};
use crate::host::{Host, HostPattern};
use crate::hpkp::PinSha256;
use crate::policy::{ExistingHeader, SendHsts};
use crate::proxy::{ListRule, SourceName};
use crate::redirect::ExemptPattern;
use crate::ua::ListDate;
use crate::Code;

/// Declares a section of the document. See the module documentation.
macro_rules! section {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(#[js = $js:literal])?
                pub $field:ident : $ty:ty $(= $default:expr)? ,
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        ///
        /// Every field is optional: `None` stands for the default (the getter of the same
        /// name returns the value or the default).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: Option<$ty>, )*
        }

        impl $name {
            /// This section's schema.
            pub const SCHEMA: Section = Section {
                name: stringify!($name),
                doc: concat!($($sdoc, "\n",)* ""),
                keys: &[ $( Key {
                    name: stringify!($field),
                    js: section!(@js $($js)?),
                    kind: <$ty as Field>::KIND,
                    default: section!(@default $ty $(, $default)?),
                    doc: concat!($($doc, "\n",)* ""),
                }, )* ],
            };

            $( section!(@getter $field $ty $(, $default)?); )*

            /// Lays `over` over this section, key by key: every key `over` sets replaces
            /// this one's (lists as a whole); tables are merged the same way.
            pub fn overlay(&mut self, over: &$name) {
                $( <$ty as Field>::overlay(&mut self.$field, &over.$field); )*
            }

            /// The section as a document value (only the keys that are set).
            pub fn to_value(&self) -> Value {
                let mut map = Map::new();
                $(
                    if let Some(v) = &self.$field {
                        map.insert(stringify!($field).to_owned(), Field::to_value(v));
                    }
                )*
                Value::Object(map)
            }

            /// Sets the key at `segments` below this section from a directive's text.
            fn set_text_at(&mut self, segments: &[Segment<'_>], text: &str, path: &str, r: &mut Reader) {
                let Some((first, rest)) = segments.split_first() else {
                    r.invalid_value(path, format!("`{path}` is a table: name one of its keys"));
                    return;
                };
                let Some(key) = $name::SCHEMA.find(first.name, Spelling::Loose) else {
                    unknown_key(&$name::SCHEMA, first.name, path, r);
                    return;
                };
                let key_path = join(path, key.name);
                match key.name {
                    $( stringify!($field) => <$ty as Field>::set_text(
                        &mut self.$field, rest, first.index, text, &key_path, r,
                    ), )*
                    _ => {}
                }
            }
        }

        impl Field for $name {
            const KIND: super::Kind = super::Kind::Table(&$name::SCHEMA);

            fn read(value: &Value, path: &str, r: &mut Reader) -> Option<$name> {
                let mut t = Table::open(value, path, &$name::SCHEMA, r)?;
                let out = $name { $( $field: t.field::<$ty>(stringify!($field), r), )* };
                t.finish(r);
                Some(out)
            }

            fn read_text(_text: &str, path: &str, r: &mut Reader) -> Option<$name> {
                r.invalid_value(path, format!("`{path}` is a table: name one of its keys"));
                None
            }

            fn to_value(&self) -> Value {
                $name::to_value(self)
            }

            fn overlay(slot: &mut Option<$name>, over: &Option<$name>) {
                match (slot.as_mut(), over) {
                    (Some(s), Some(o)) => s.overlay(o),
                    (None, Some(o)) => *slot = Some(o.clone()),
                    _ => {}
                }
            }

            fn set_text(
                slot: &mut Option<$name>,
                rest: &[Segment<'_>],
                index: Option<usize>,
                text: &str,
                path: &str,
                r: &mut Reader,
            ) {
                if index.is_some() {
                    r.invalid_value(path, format!("`{path}` is a table, not a list"));
                    return;
                }
                slot.get_or_insert_with(Default::default).set_text_at(rest, text, path, r);
            }
        }

        impl Field for Vec<$name> {
            const KIND: super::Kind = super::Kind::Tables(&$name::SCHEMA);

            fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Vec<$name>> {
                match value {
                    Value::Array(items) => Some(
                        items
                            .iter()
                            .enumerate()
                            .filter_map(|(i, item)| $name::read(item, &format!("{path}[{i}]"), r))
                            .collect(),
                    ),
                    other => {
                        r.invalid_type(path, "a list of tables", other);
                        None
                    }
                }
            }

            fn read_text(_text: &str, path: &str, r: &mut Reader) -> Option<Vec<$name>> {
                r.invalid_value(path, format!("`{path}` is a list of tables: name one, `{path}[0].key`"));
                None
            }

            fn to_value(&self) -> Value {
                Value::Array(self.iter().map($name::to_value).collect())
            }

            fn set_text(
                slot: &mut Option<Vec<$name>>,
                rest: &[Segment<'_>],
                index: Option<usize>,
                text: &str,
                path: &str,
                r: &mut Reader,
            ) {
                let list = slot.get_or_insert_with(Vec::new);
                let Some(i) = index else {
                    r.invalid_value(path, format!("`{path}` is a list of tables: name one, `{path}[{}].key`", list.len()));
                    return;
                };
                if i > list.len() {
                    r.invalid_value(path, format!("`{path}[{i}]` skips an entry: the next one is `{path}[{}]`", list.len()));
                    return;
                }
                if i == list.len() {
                    list.push($name::default());
                }
                list[i].set_text_at(rest, text, &format!("{path}[{i}]"), r);
            }
        }
    };
    (@js) => { None };
    (@js $js:literal) => { Some($js) };
    (@default $ty:ty) => { None };
    (@default $ty:ty, $default:expr) => {
        Some({
            fn default_value() -> Value {
                <$ty as Field>::to_value(&$default)
            }
            default_value as fn() -> Value
        })
    };
    (@getter $field:ident $ty:ty) => {};
    (@getter $field:ident $ty:ty, $default:expr) => {
        #[doc = concat!("`", stringify!($field), "`, or its default.")]
        pub fn $field(&self) -> $ty {
            match &self.$field {
                Some(v) => v.clone(),
                None => $default,
            }
        }
    };
}

fn unknown_key(section: &Section, word: &str, path: &str, r: &mut Reader) {
    let names = section.keys.iter().map(|k| k.name);
    let message = match super::suggest(word, names) {
        Some(s) => format!(
            "unknown key `{}`; did you mean `{s}`?",
            crate::error::truncate(word)
        ),
        None => format!(
            "unknown key `{}`; known keys here: {}",
            crate::error::truncate(word),
            section
                .keys
                .iter()
                .map(|k| k.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    r.push(&join(path, word), Code::ConfigUnknownKey, message);
}

section! {
    /// A policy document: one TOML or JSON document read by every face (the C ABI,
    /// nginx, Apache, Python and Django, Node and Express, the CLI).
    pub struct PolicyDocument {
        /// `Strict-Transport-Security`: the header, when it is sent, and a staged max-age ramp.
        pub hsts: HstsSection,
        /// Which peers are trusted proxies, and which of their headers say the request came over HTTPS.
        pub proxy: ProxySection,
        /// HTTP to HTTPS redirects: hosts, ports, exemptions, status codes.
        pub redirect: RedirectSection,
        /// Set-Cookie flagging: `Secure`, `HttpOnly`, `SameSite`, and the cookie prefixes.
        pub cookies: CookiesSection,
        /// HTTP Public Key Pinning (RFC 7469). Deprecated: every browser removed it.
        pub hpkp: HpkpSection,
    }
}

section! {
    /// The `[hsts]` section.
    pub struct HstsSection {
        /// `false`: never send Strict-Transport-Security.
        pub enabled: bool = true,
        /// The max-age: seconds (an integer) or a duration (`"300"`, `"5m"`, `"18w"`, `"1y"`,
        /// `"2y"`). A year is 31536000 seconds; `0` tells browsers to forget the host.
        pub max_age: Seconds = Seconds::ONE_YEAR,
        /// Send `includeSubDomains`.
        #[js = "includeSubDomains"]
        pub include_subdomains: bool = true,
        /// Send `preload` (hstspreload.org's opt-in).
        pub preload: bool = false,
        /// `true`: building fails unless the header passes hstspreload.org's rules.
        pub require_preloadable: bool = false,
        /// `"secure"`: only on secure requests (RFC 6797 §7.2); `"always"`: on every
        /// response (browsers ignore it over plain HTTP).
        pub send: SendHsts = SendHsts::Secure,
        /// A response that already has the header: `"keep"` it or `"replace"` it.
        pub existing: ExistingHeader = ExistingHeader::Keep,
        /// Never send HSTS for an IP-literal Host (RFC 6797 §8.1.1: browsers ignore it there).
        pub skip_ip_hosts: bool = true,
        /// Never send HSTS for `localhost` and `*.localhost` (no HSTS pinned in a developer's browser).
        pub skip_localhost: bool = true,
        /// A staged max-age ramp: start with a short max-age and raise it step by step.
        /// While it is set, `max_age` is not used.
        pub ramp: RampSection,
    }
}

section! {
    /// The `[hsts.ramp]` section: guides tell operators to start HSTS with a short
    /// max-age and raise it once nothing breaks; the ramp does it on a schedule.
    ///
    /// From `start` the first stage's max-age is sent; after each `step` the next
    /// stage's; after the last step the last stage stays (before `start`, the first).
    /// `include_subdomains` and `preload`, when set in `[hsts]`, are sent only at the
    /// last stage. The value is recomputed at most once a minute, never per request.
    pub struct RampSection {
        /// The date (UTC) the first stage starts: `"2026-12-01"`.
        pub start: ListDate,
        /// The max-age of each stage, in order, as durations: `["5m", "1d", "1w", "30d", "1y", "2y"]`.
        pub stages: Vec<Seconds>,
        /// How long each stage lasts before the next one starts.
        pub step: Seconds = Seconds(7 * 86_400),
    }
}

section! {
    /// The `[proxy]` section. A request is secure when the connection is TLS, or when
    /// the peer is in `trusted` and the configured sources present say HTTPS.
    ///
    /// **The proxy must overwrite or strip every listed header**: whatever it passes
    /// through reaches hstsguard as the client sent it. Sources that disagree on one
    /// request get a 400 (`proxy.sources_disagree`).
    pub struct ProxySection {
        /// Trusted proxies: CIDR networks or single addresses (`"10.0.0.0/8"`, `"2001:db8::/32"`,
        /// `"127.0.0.1"`). Headers from any other peer are ignored.
        pub trusted: Vec<IpNet> = Vec::new(),
        /// The headers read: `"forwarded"` (RFC 7239 `proto=`), `"x-forwarded-proto"`,
        /// `"x-forwarded-ssl"` (`on`), `"front-end-https"` (`on`), `"x-arr-ssl"` (any
        /// value), `"cloudfront-forwarded-proto"`, and `"custom"` for the place of
        /// `custom_header`. Without it: `custom_header` alone when that is set, else
        /// `x-forwarded-proto` alone.
        pub sources: Vec<SourceName> = vec![SourceName::XForwardedProto],
        /// A header and the value that means HTTPS, like Django's `SECURE_PROXY_SSL_HEADER`.
        pub custom_header: CustomHeaderSection,
        /// Which element of a comma-separated list counts: `"leftmost"` (as Django and
        /// Express read it) or `"rightmost"` (the value the nearest proxy appended).
        pub list: ListRule = ListRule::Leftmost,
    }
}

section! {
    /// `proxy.custom_header = { name = "X-Forwarded-Protocol", value = "ssl" }`.
    pub struct CustomHeaderSection {
        /// The header name (an RFC 9110 token). Required.
        pub name: String,
        /// The value that means HTTPS (compared trimmed, ignoring case). Required.
        pub value: String,
    }
}

section! {
    /// The `[redirect]` section.
    pub struct RedirectSection {
        /// `false`: serve plain-HTTP requests as they are.
        pub enabled: bool = true,
        /// Redirect every insecure request to this host (an explicit `allowed_hosts`
        /// list is still enforced on the request's Host).
        pub canonical_host: Host,
        /// Hosts a redirect may go to, with Django's semantics: `"example.com"` exactly,
        /// `".example.com"` for it and its subdomains, `"*"` for any. An empty list allows
        /// no host (every redirect is a 400).
        pub allowed_hosts: Vec<HostPattern> = vec![HostPattern::any()],
        /// The port of the `Location` (443 is left out).
        pub https_port: Port = Port(443),
        /// Keep a Host's port other than 80 as it is, instead of `https_port`.
        pub keep_port: bool = false,
        /// Regular expressions *searched* in the raw path (no query): matching requests
        /// are not redirected. Anchor them yourself: `"^/health$"`. The `regex` crate's
        /// syntax with ASCII classes (`\d`, `\w`, `(?i)`; no `\p{..}`). A path with a dot
        /// segment is never exempt.
        pub exempt: Vec<ExemptPattern> = Vec::new(),
        /// `/.well-known/acme-challenge/` is never redirected.
        pub acme_exempt: bool = true,
        /// The redirect status for GET and HEAD.
        pub status_get_head: RedirectStatus = RedirectStatus(301),
        /// The status for other methods: a redirect (308 keeps the method and body), or
        /// 403 / 426 to refuse them over plain HTTP.
        pub status_other: OtherStatus = OtherStatus(308),
    }
}

section! {
    /// The `[cookies]` section: every `Set-Cookie` of a response is flagged per the rules.
    pub struct CookiesSection {
        /// `false`: leave every Set-Cookie alone.
        pub enabled: bool = true,
        /// `"always"`, or `"request_secure"`: add `Secure` only on secure requests.
        pub secure_when: SecureWhen = SecureWhen::Always,
        /// `__Secure-` / `__Host-` rule violations: `"repair"` them or `"report"` them.
        pub prefixes: PrefixMode = PrefixMode::Repair,
        /// The rules (`[[cookies.rules]]`). Every matching rule applies; for each
        /// attribute the last one that sets it wins. Without rules: every cookie gets
        /// `Secure` (`[{name = "*", secure = true}]`); an empty list means no rules.
        pub rules: Vec<CookieRuleSection>,
    }
}

section! {
    /// One `[[cookies.rules]]` entry.
    pub struct CookieRuleSection {
        /// An exact cookie name or a glob (`*` and `?`). Required.
        pub name: NamePattern,
        /// `true`: ensure `Secure`; `false`: remove it; absent: leave it as it is.
        pub secure: bool,
        /// `true`: ensure `HttpOnly`; `false`: remove it; absent: leave it as it is.
        pub http_only: bool,
        /// `"Strict"`, `"Lax"` or `"None"` (any case; `true` means `"Strict"`, as for
        /// Express's `res.cookie`); absent: leave it as it is.
        pub same_site: SameSite,
    }
}

section! {
    /// The `[hpkp]` section (RFC 7469). Deprecated and ignored by current browsers; a
    /// wrong pin can lock out clients that still honour it.
    pub struct HpkpSection {
        /// Required: `true`, to send HPKP anyway.
        pub acknowledge_deprecation: bool = false,
        /// The `pin-sha256` values (base64 of 32 bytes): at least two distinct ones.
        pub pins: Vec<PinSha256>,
        /// The max-age (required, unless `report_only`).
        pub max_age: Seconds,
        /// Send `includeSubDomains`.
        #[js = "includeSubDomains"]
        pub include_subdomains: bool = false,
        /// An absolute `report-uri`.
        pub report_uri: String,
        /// Send `Public-Key-Pins-Report-Only` instead.
        pub report_only: bool = false,
    }
}

/// The schema of the whole document (`PolicyDocument::SCHEMA`).
pub static SCHEMA: Section = PolicyDocument::SCHEMA;

/// The syntax of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
    /// JSON when the first character that is not white space is `{`, TOML otherwise.
    Detect,
}

impl PolicyDocument {
    /// Reads a document value (a JSON object) whose keys are spelled `spelling`.
    /// Reports every problem at once, each with its path in the user's spelling.
    ///
    /// ```
    /// use hstsguard::config::{PolicyDocument, Seconds, Spelling};
    /// let doc = PolicyDocument::from_value(&serde_json::json!({"hsts": {"maxAge": "2y"}}), Spelling::Camel).unwrap();
    /// assert_eq!(doc.hsts().max_age(), Seconds(63_072_000));
    /// let err = PolicyDocument::from_value(&serde_json::json!({"hsts": {"maxage": 1}}), Spelling::Camel).unwrap_err();
    /// assert_eq!(err.config_errors()[0].path(), "hsts.maxage");
    /// assert!(err.config_errors()[0].message().contains("did you mean `maxAge`"));
    /// ```
    pub fn from_value(value: &Value, spelling: Spelling) -> Result<PolicyDocument, crate::Error> {
        let mut r = Reader::new(spelling);
        let doc = Self::read_value(value, &mut r);
        finish(r, doc)
    }

    /// Reads a value as one section of the document (`"hsts"`, `"redirect"`, ...):
    /// what a middleware's options hold. Paths of problems are relative to the value.
    pub fn from_section_value(
        section: &str,
        value: &Value,
        spelling: Spelling,
    ) -> Result<PolicyDocument, crate::Error> {
        let wrapped = Value::Object(Map::from_iter([(section.to_owned(), value.clone())]));
        let mut r = Reader::new(spelling);
        let doc = Self::read_value(&wrapped, &mut r);
        strip_section(section, finish(r, doc))
    }

    pub(crate) fn read_value(value: &Value, r: &mut Reader) -> PolicyDocument {
        PolicyDocument::read(value, "", r).unwrap_or_default()
    }

    /// Reads a document in TOML.
    pub fn from_toml(text: &str) -> Result<PolicyDocument, crate::Error> {
        Self::from_value(&toml_value(text)?, Spelling::Snake)
    }

    /// Reads a document in JSON.
    pub fn from_json(text: &str) -> Result<PolicyDocument, crate::Error> {
        Self::from_value(&json_value(text)?, Spelling::Snake)
    }

    /// Reads a document from bytes (which must be UTF-8) in a format, or detecting it.
    ///
    /// ```
    /// use hstsguard::config::{Format, PolicyDocument};
    /// let a = PolicyDocument::from_bytes(b"[hsts]\nmax_age = \"2y\"\n", Format::Detect).unwrap();
    /// let b = PolicyDocument::from_bytes(br#" {"hsts": {"max_age": "2y"}}"#, Format::Detect).unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn from_bytes(bytes: &[u8], format: Format) -> Result<PolicyDocument, crate::Error> {
        Self::from_value(&document_value(bytes, format)?, Spelling::Snake)
    }

    /// Reads a document file: JSON when the name ends in `.json` or the text starts with
    /// `{`, TOML otherwise.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<PolicyDocument, crate::Error> {
        Self::from_value(&file_value(path.as_ref())?, Spelling::Snake)
    }

    /// Sets one key from text, as a server directive does: `key` is a dotted path
    /// (`hsts.max_age`, `hsts.ramp.stages`, `cookies.rules[0].same_site`), matched
    /// ignoring case, `-` and `_`; `text` is read for the key's type (`on`/`off`, `1y`,
    /// `lax`, `308`). A list key gets the value appended (split at commas, except for
    /// text lists); a list of tables takes an index, the next one adding an entry.
    ///
    /// ```
    /// use hstsguard::config::{PolicyDocument, Seconds};
    /// let mut doc = PolicyDocument::default();
    /// doc.set_text("hsts.max-age", "2y").unwrap();
    /// doc.set_text("hsts.ramp.stages", "5m, 1d, 1w").unwrap();
    /// doc.set_text("cookies.rules[0].name", "*").unwrap();
    /// doc.set_text("cookies.rules[0].httponly", "on").unwrap();
    /// assert_eq!(doc.hsts().max_age(), Seconds(63_072_000));
    /// assert_eq!(doc.hsts().ramp().unwrap().stages().unwrap().len(), 3);
    /// let err = doc.set_text("hsts.max_agee", "1y").unwrap_err();
    /// assert!(err.to_string().contains("did you mean `max_age`"), "{err}");
    /// // A problem leaves the document as it was.
    /// let before = doc.clone();
    /// assert!(doc.set_text("proxy.sources", "forwarded, bogus").is_err());
    /// assert_eq!(doc, before);
    /// ```
    pub fn set_text(&mut self, key: &str, text: &str) -> Result<(), crate::Error> {
        let mut r = Reader::new(Spelling::Loose);
        // On a problem the document is left as it was: the change is made on a copy.
        let mut changed = self.clone();
        match super::field::segments(key) {
            Some(segs) => changed.set_text_at(&segs, text, "", &mut r),
            None => r.push(
                "",
                Code::ConfigUnknownKey,
                format!("malformed key {}: expected dotted names such as hsts.max_age or cookies.rules[0].name", crate::issue::quote(key)),
            ),
        }
        finish(r, ())?;
        *self = changed;
        Ok(())
    }

    /// The document with `over` laid over it, key by key (see [`HstsSection::overlay`]):
    /// what an inner server block or a directive over a policy file does.
    pub fn overlaid(&self, over: &PolicyDocument) -> PolicyDocument {
        let mut out = self.clone();
        out.overlay(over);
        out
    }
}

/// Accessors for sections that may be absent.
impl PolicyDocument {
    /// The `[hsts]` section (empty when absent).
    pub fn hsts(&self) -> HstsSection {
        self.hsts.clone().unwrap_or_default()
    }
}

impl HstsSection {
    /// The `[hsts.ramp]` section, if set.
    pub fn ramp(&self) -> Option<&RampSection> {
        self.ramp.as_ref()
    }
}

impl RampSection {
    /// The stages, if set.
    pub fn stages(&self) -> Option<&[Seconds]> {
        self.stages.as_deref()
    }
}

use super::reader::into_result as finish;

/// Rewrites the paths of `errors` in `spelling` and sorts them in document order.
pub(crate) fn respell_errors(
    mut errors: Vec<crate::ConfigError>,
    spelling: Spelling,
) -> Vec<crate::ConfigError> {
    errors.sort_by_cached_key(|e| document_order(e.path()));
    errors
        .into_iter()
        .map(|e| {
            let p = super::schema::respell(e.path(), spelling);
            e.with_path(p)
        })
        .collect()
}

/// Where a path comes in the document: the position of each key in its section (keys
/// the schema does not know come after the known ones), then list indices.
fn document_order(path: &str) -> Vec<(usize, usize)> {
    let mut section = Some(&SCHEMA);
    let mut order = Vec::new();
    if path.is_empty() {
        return order;
    }
    for segment in path.split('.') {
        let (name, index) = match segment.find('[') {
            Some(i) => (
                &segment[..i],
                segment[i + 1..]
                    .trim_end_matches(']')
                    .parse()
                    .unwrap_or(usize::MAX),
            ),
            None => (segment, 0),
        };
        let position = section.and_then(|s| s.keys.iter().position(|k| k.name == name));
        order.push((position.unwrap_or(usize::MAX), index));
        section = position.and_then(|_| section.and_then(|s| s.key(name)).and_then(Key::section));
    }
    order
}

fn strip_section<T>(section: &str, result: Result<T, crate::Error>) -> Result<T, crate::Error> {
    result.map_err(|e| match e {
        crate::Error::Config(errors) => crate::Error::Config(
            errors
                .into_iter()
                .map(|e| {
                    let p = e.path();
                    let stripped = if p == section {
                        String::new()
                    } else {
                        p.strip_prefix(section)
                            .and_then(|rest| rest.strip_prefix('.'))
                            .unwrap_or(p)
                            .to_owned()
                    };
                    e.with_path(stripped)
                })
                .collect(),
        ),
        other => other,
    })
}

fn syntax(message: String) -> crate::Error {
    crate::Error::Config(vec![crate::ConfigError::new(
        "",
        Code::ConfigSyntax,
        message,
    )])
}

/// A TOML document as a JSON value (dates and times become their text).
pub(crate) fn toml_value(text: &str) -> Result<Value, crate::Error> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| syntax(format!("not valid TOML: {}", e.message())))?;
    fn convert(v: toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    Ok(convert(toml::Value::Table(table)))
}

/// A JSON document as a value.
pub(crate) fn json_value(text: &str) -> Result<Value, crate::Error> {
    serde_json::from_str(text).map_err(|e| syntax(format!("not valid JSON: {e}")))
}

/// A document in bytes as a value.
pub(crate) fn document_value(bytes: &[u8], format: Format) -> Result<Value, crate::Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        syntax(format!(
            "not UTF-8: invalid byte at offset {}",
            e.valid_up_to()
        ))
    })?;
    let json = match format {
        Format::Json => true,
        Format::Toml => false,
        Format::Detect => text.trim_start().starts_with('{'),
    };
    if json {
        json_value(text)
    } else {
        toml_value(text)
    }
}

/// A document file as a value.
pub(crate) fn file_value(path: &std::path::Path) -> Result<Value, crate::Error> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    document_value(&bytes, if json { Format::Json } else { Format::Detect })
}
