//! The schema of the policy document, as data: every section and key with its type,
//! default and documentation. It is written once, by the `section!` declarations in
//! `config/document.rs`, and every other face is generated from it: `docs/POLICY.md`,
//! the TypeScript types of the Node package, the Python `TypedDict`s and the nginx /
//! Apache directive table (each with a drift check), and the readers themselves.

use std::borrow::Cow;

use serde_json::Value;

/// How a key's value is written.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Kind {
    /// `true` or `false` (directives also take `on`/`off`, `yes`/`no`, `1`/`0`).
    Bool,
    /// A number of seconds, or a duration string: `"300"`, `"5m"`, `"1d"`, `"18w"`, `"1y"`.
    Duration,
    /// A calendar date, `"YYYY-MM-DD"` (TOML's unquoted date too).
    Date,
    /// Text.
    Text,
    /// A TCP port, 1 to 65535.
    Port,
    /// One of these words, compared ignoring ASCII case; `true_means` names the word a
    /// `true` stands for (Express's `sameSite: true`), if any.
    Word {
        /// The words, in their documented spelling.
        words: &'static [&'static str],
        /// The word `true` stands for.
        true_means: Option<&'static str>,
    },
    /// One of these HTTP status codes.
    Status(&'static [u16]),
    /// A list of values (a single value counts as a list of one).
    List(&'static Kind),
    /// A table.
    Table(&'static Section),
    /// A list of tables (`[[cookies.rules]]`).
    Tables(&'static Section),
}

impl Kind {
    /// A short description for messages and docs: `"true or false"`, `"a duration"`...
    pub fn describe(&self) -> Cow<'static, str> {
        match self {
            Kind::Bool => "true or false".into(),
            Kind::Duration => "seconds or a duration such as \"1y\"".into(),
            Kind::Date => "a date \"YYYY-MM-DD\"".into(),
            Kind::Text => "a string".into(),
            Kind::Port => "a port number (1-65535)".into(),
            Kind::Word { words, .. } => {
                let q: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
                format!("one of {}", q.join(", ")).into()
            }
            Kind::Status(codes) => {
                let q: Vec<String> = codes.iter().map(u16::to_string).collect();
                format!("one of {}", q.join(", ")).into()
            }
            Kind::List(item) => format!("a list of {}", plural(&item.describe())).into(),
            Kind::Table(s) => format!("a table ({})", s.name).into(),
            Kind::Tables(s) => format!("a list of tables ({})", s.name).into(),
        }
    }
}

fn plural(one: &str) -> String {
    match one {
        "a string" => "strings".into(),
        other => format!("values ({other})"),
    }
}

/// One key of a section.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key as written in TOML and JSON documents and Python (`max_age`).
    pub name: &'static str,
    /// The JavaScript spelling when it is not the plain camelCase of `name`
    /// (`includeSubDomains`, helmet's spelling).
    pub js: Option<&'static str>,
    /// The type of the value.
    pub kind: Kind,
    /// The default, as a document value (`None`: absent by default).
    pub default: Option<fn() -> Value>,
    /// What the key means (Markdown).
    pub doc: &'static str,
}

impl Key {
    /// The key in the given spelling.
    ///
    /// ```
    /// use hstsguard::config::{Spelling, SCHEMA};
    /// let hsts = SCHEMA.key("hsts").unwrap().section().unwrap();
    /// let isd = hsts.key("include_subdomains").unwrap();
    /// assert_eq!(isd.spelled(Spelling::Camel), "includeSubDomains");
    /// assert_eq!(hsts.key("max_age").unwrap().spelled(Spelling::Camel), "maxAge");
    /// ```
    pub fn spelled(&self, spelling: Spelling) -> Cow<'static, str> {
        match spelling {
            Spelling::Snake | Spelling::Loose => self.name.into(),
            Spelling::Camel => match self.js {
                Some(js) => js.into(),
                None => camel_case(self.name).into(),
            },
        }
    }

    /// Does `word` name this key in the given spelling? [`Spelling::Loose`] ignores case,
    /// `-` and `_`.
    pub fn is_named(&self, word: &str, spelling: Spelling) -> bool {
        match spelling {
            Spelling::Snake => word == self.name,
            Spelling::Camel => match self.js {
                Some(js) => word == js,
                None => camel_eq(self.name, word),
            },
            Spelling::Loose => super::suggest::same_word(word, self.name),
        }
    }

    /// The section of a table or list-of-tables key.
    pub fn section(&self) -> Option<&'static Section> {
        match self.kind {
            Kind::Table(s) | Kind::Tables(s) => Some(s),
            _ => None,
        }
    }

    /// The first paragraph of the documentation, on one line.
    pub fn summary(&self) -> String {
        first_paragraph(self.doc)
    }
}

/// A table of the document: its keys in documentation order.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The type's name (`HstsSection`), used by the generated TypeScript and Python types.
    pub name: &'static str,
    /// What the section is for (Markdown).
    pub doc: &'static str,
    /// The keys.
    pub keys: &'static [Key],
}

impl Section {
    /// The key with this (snake_case) name.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The key named `word` in the given spelling.
    pub fn find(&self, word: &str, spelling: Spelling) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.is_named(word, spelling))
    }

    /// The key at a dotted path below this section (`"ramp.stages"`, `"rules.name"`;
    /// list indices are left out).
    pub fn lookup(&self, path: &str) -> Option<&'static Key> {
        let mut section = self;
        let mut found = None;
        for segment in path.split('.') {
            let name = segment.split('[').next().unwrap_or(segment);
            let key = section.key(name)?;
            found = Some(key);
            if let Some(s) = key.section() {
                section = s;
            }
        }
        found
    }
}

/// How keys are spelled by the user of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spelling {
    /// snake_case: TOML and JSON documents, Python, Django (`max_age`).
    #[default]
    Snake,
    /// camelCase: JavaScript options (`maxAge`, `includeSubDomains`).
    Camel,
    /// Any case, with or without `-` and `_`: nginx and Apache directive words
    /// (`httponly`, `max-age`); paths are reported in snake_case.
    Loose,
}

/// `max_age` -> `maxAge`.
pub(crate) fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `camel_case(snake) == word`, without allocating.
fn camel_eq(snake: &str, word: &str) -> bool {
    let mut w = word.chars();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
            continue;
        }
        let want = if upper { c.to_ascii_uppercase() } else { c };
        upper = false;
        if w.next() != Some(want) {
            return false;
        }
    }
    w.next().is_none()
}

fn first_paragraph(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rewrites a snake_case document path (`redirect.allowed_hosts[1]`) in a spelling
/// (`redirect.allowedHosts[1]`), looking each key up in the schema; segments the schema
/// does not know (an unknown key, already in the user's spelling) are kept.
pub fn respell(path: &str, spelling: Spelling) -> String {
    if spelling != Spelling::Camel || path.is_empty() {
        return path.to_owned();
    }
    let mut section = Some(&super::SCHEMA);
    let mut out = Vec::new();
    for segment in path.split('.') {
        let (name, index) = match segment.find('[') {
            Some(i) => segment.split_at(i),
            None => (segment, ""),
        };
        match section.and_then(|s| s.key(name)) {
            Some(key) => {
                out.push(format!("{}{index}", key.spelled(spelling)));
                section = key.section();
            }
            None => {
                out.push(segment.to_owned());
                section = None;
            }
        }
    }
    out.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel() {
        assert_eq!(camel_case("max_age"), "maxAge");
        assert_eq!(camel_case("status_get_head"), "statusGetHead");
        assert!(camel_eq("status_get_head", "statusGetHead"));
        assert!(!camel_eq("status_get_head", "statusGetHeadX"));
        assert!(!camel_eq("max_age", "maxage"));
        assert_eq!(
            respell("redirect.allowed_hosts[1]", Spelling::Camel),
            "redirect.allowedHosts[1]"
        );
        assert_eq!(
            respell("cookies.rules[0].http_only", Spelling::Camel),
            "cookies.rules[0].httpOnly"
        );
        assert_eq!(
            respell("hsts.include_subdomains", Spelling::Camel),
            "hsts.includeSubDomains"
        );
        assert_eq!(respell("hsts.bogusKey", Spelling::Camel), "hsts.bogusKey");
    }
}
