//! The value types of the schema and how each is read: from a document value
//! ([`Field::read`]), from a directive's text ([`Field::read_text`]), and written back
//! ([`Field::to_value`]).

use std::fmt;

use serde_json::Value;

use super::reader::Reader;
use super::schema::Kind;
use crate::ua::ListDate;

/// A value type of the policy document.
pub(crate) trait Field: Sized + Clone + PartialEq + fmt::Debug {
    /// How the value is written (for the generated docs and types).
    const KIND: Kind;

    /// Commas separate several values of a list of this type in a directive
    /// (`stages=5m,1d`). False for text, which may hold commas (`^/a{1,3}$`).
    const SPLIT_COMMAS: bool = true;

    /// In a list, the same value twice is an error ("listed twice") rather than dropped.
    const UNIQUE: bool = false;

    /// Reads a document value; records the problem at `path` and gives `None` when it
    /// cannot be used.
    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Self>;

    /// Reads a directive's text (`on`, `1y`, `lax`).
    fn read_text(text: &str, path: &str, r: &mut Reader) -> Option<Self> {
        Self::read(&Value::String(text.to_owned()), path, r)
    }

    /// The value as it would be written in a JSON document.
    fn to_value(&self) -> Value;

    /// Lays `over` over `slot`: a set value replaces (tables merge key by key).
    fn overlay(slot: &mut Option<Self>, over: &Option<Self>) {
        if over.is_some() {
            slot.clone_from(over);
        }
    }

    /// Sets `slot` from a directive's text at `rest` below it (empty for a plain value).
    fn set_text(
        slot: &mut Option<Self>,
        rest: &[Segment<'_>],
        index: Option<usize>,
        text: &str,
        path: &str,
        r: &mut Reader,
    ) {
        if index.is_some() || !rest.is_empty() {
            r.invalid_value(
                path,
                format!(
                    "`{path}` holds {}, not a table or list",
                    Self::KIND.describe()
                ),
            );
            return;
        }
        if let Some(v) = Self::read_text(text, path, r) {
            *slot = Some(v);
        }
    }
}

/// One segment of a dotted key: `rules[2]` is `("rules", Some(2))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment<'a> {
    pub name: &'a str,
    pub index: Option<usize>,
}

/// Splits `cookies.rules[2].secure` into segments; `None` for an empty segment or a bad index.
pub(crate) fn segments(key: &str) -> Option<Vec<Segment<'_>>> {
    key.split('.')
        .map(|seg| {
            let (name, index) = match seg.find('[') {
                Some(i) => {
                    let digits = seg[i + 1..].strip_suffix(']')?;
                    if digits.is_empty()
                        || !digits.bytes().all(|b| b.is_ascii_digit())
                        || digits.len() > 6
                    {
                        return None;
                    }
                    (&seg[..i], Some(digits.parse().ok()?))
                }
                None => (seg, None),
            };
            (!name.is_empty()).then_some(Segment { name, index })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------

impl Field for bool {
    const KIND: Kind = Kind::Bool;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                r.invalid_type(path, "true or false", other);
                None
            }
        }
    }

    fn read_text(text: &str, path: &str, r: &mut Reader) -> Option<bool> {
        const ON: [&str; 4] = ["on", "true", "yes", "1"];
        const OFF: [&str; 4] = ["off", "false", "no", "0"];
        if ON.iter().any(|w| w.eq_ignore_ascii_case(text)) {
            Some(true)
        } else if OFF.iter().any(|w| w.eq_ignore_ascii_case(text)) {
            Some(false)
        } else {
            r.invalid_value(
                path,
                format!(
                    "invalid value {}: expected on or off",
                    crate::issue::quote(text)
                ),
            );
            None
        }
    }

    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Field for String {
    const KIND: Kind = Kind::Text;
    const SPLIT_COMMAS: bool = false;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

/// A duration in seconds: an integer, or a duration string (`"300"`, `"5m"`, `"1y"`,
/// read by [`crate::parse_duration`]). Floats such as `3600.0` are refused with the
/// codes `parse_duration` gives the same text (`duration.fractional`, `duration.negative`).
///
/// ```
/// use hstsguard::config::Seconds;
/// assert_eq!(Seconds::ONE_YEAR.0, 31_536_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seconds(pub u64);

impl Seconds {
    /// One year (`"1y"`, 31,536,000 seconds).
    pub const ONE_YEAR: Seconds = Seconds(crate::ONE_YEAR);
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::format_duration(self.0))
    }
}

impl Field for Seconds {
    const KIND: Kind = Kind::Duration;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Seconds> {
        let result = match value {
            Value::String(s) => crate::parse_duration(s),
            Value::Number(n) => match n.as_u64() {
                Some(u) => crate::parse_duration(&u.to_string()),
                None => Err(crate::Error::InvalidDuration {
                    value: n.to_string(),
                    kind: if n.as_f64().is_some_and(|f| f < 0.0) {
                        crate::DurationErrorKind::Negative
                    } else {
                        crate::DurationErrorKind::Fractional
                    },
                }),
            },
            other => {
                r.invalid_type(path, "seconds or a duration such as \"1y\"", other);
                return None;
            }
        };
        match result {
            Ok(s) => Some(Seconds(s)),
            Err(e) => {
                r.error(path, e);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        if self.0 == 0 {
            Value::from(0)
        } else {
            Value::String(crate::format_duration(self.0))
        }
    }
}

impl Field for ListDate {
    const KIND: Kind = Kind::Date;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<ListDate> {
        match value {
            Value::String(s) => match s.trim().parse::<ListDate>() {
                Ok(d) => Some(d),
                Err(_) => {
                    r.invalid_value(
                        path,
                        format!(
                            "invalid date {}: expected a calendar date YYYY-MM-DD from 1970 on",
                            crate::issue::quote(s)
                        ),
                    );
                    None
                }
            },
            other => {
                r.invalid_type(path, "a date \"YYYY-MM-DD\"", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

/// A TCP port, 1 to 65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port(pub u16);

impl Field for Port {
    const KIND: Kind = Kind::Port;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Port> {
        match value.as_u64() {
            Some(n @ 1..=65535) => Some(Port(n as u16)),
            Some(n) => {
                r.invalid_value(path, format!("{n} is not a port (1-65535)"));
                None
            }
            None if value.is_number() => {
                r.invalid_value(path, format!("{value} is not a port (1-65535)"));
                None
            }
            None => {
                r.invalid_type(path, "a port number (1-65535)", value);
                None
            }
        }
    }

    fn read_text(text: &str, path: &str, r: &mut Reader) -> Option<Port> {
        match text.trim().parse::<u64>() {
            Ok(n) => Self::read(&Value::from(n), path, r),
            Err(_) => {
                r.invalid_value(
                    path,
                    format!("{} is not a port (1-65535)", crate::issue::quote(text)),
                );
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::from(self.0)
    }
}

/// Reads an HTTP status code from `value` when it is one of `allowed`.
fn read_status(value: &Value, allowed: &[u16], path: &str, r: &mut Reader) -> Option<u16> {
    let list = || {
        allowed
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match value.as_u64() {
        Some(n) if allowed.iter().any(|a| u64::from(*a) == n) => Some(n as u16),
        Some(n) => {
            r.invalid_value(
                path,
                format!("status {n} is not allowed here; expected one of {}", list()),
            );
            None
        }
        None => {
            r.invalid_type(path, &format!("one of {}", list()), value);
            None
        }
    }
}

fn read_status_text(text: &str, allowed: &[u16], path: &str, r: &mut Reader) -> Option<u16> {
    match text.trim().parse::<u64>() {
        Ok(n) => read_status(&Value::from(n), allowed, path, r),
        Err(_) => {
            r.invalid_value(
                path,
                format!("{} is not an HTTP status code", crate::issue::quote(text)),
            );
            None
        }
    }
}

macro_rules! status_type {
    ($(#[doc = $doc:literal])* $name:ident = $set:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub u16);

        impl $name {
            /// The status codes allowed.
            pub const ALLOWED: &'static [u16] = &$set;
        }

        impl Field for $name {
            const KIND: Kind = Kind::Status(Self::ALLOWED);

            fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Self> {
                read_status(value, Self::ALLOWED, path, r).map($name)
            }

            fn read_text(text: &str, path: &str, r: &mut Reader) -> Option<Self> {
                read_status_text(text, Self::ALLOWED, path, r).map($name)
            }

            fn to_value(&self) -> Value {
                Value::from(self.0)
            }
        }
    };
}

status_type! {
    /// The status of a redirect for GET and HEAD: 301, 302, 303, 307 or 308.
    RedirectStatus = [301, 302, 303, 307, 308]
}

status_type! {
    /// The status for other methods over plain HTTP: a redirect (301, 302, 303, 307,
    /// 308), or a refusal (403, or 426 Upgrade Required).
    OtherStatus = [301, 302, 303, 307, 308, 403, 426]
}

// ---------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------

/// Declares an enum of words: `FromStr` ignoring ASCII case (with a typed error),
/// `as_str`, `Display`, and its [`Field`] implementation.
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) $(true = $true_means:ident)? $(unique = $unique:literal)? {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every word, in its documented spelling.
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// The documented spelling of the word.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            /// Reads a word, ignoring ASCII case.
            fn from_str(s: &str) -> Result<$name, $crate::Error> {
                $( if s.eq_ignore_ascii_case($word) { return Ok($name::$variant); } )+
                Err($crate::Error::UnknownWord {
                    what: $what,
                    value: s.to_owned(),
                    expected: $name::WORDS,
                })
            }
        }

        impl $crate::config::field::Field for $name {
            const KIND: $crate::config::Kind = $crate::config::Kind::Word {
                words: $name::WORDS,
                true_means: words!(@true $($name::$true_means)?),
            };
            $( const UNIQUE: bool = $unique; )?

            fn read(
                value: &::serde_json::Value,
                path: &str,
                r: &mut $crate::config::reader::Reader,
            ) -> Option<$name> {
                match value {
                    ::serde_json::Value::String(s) => match s.parse() {
                        Ok(w) => Some(w),
                        Err(e) => {
                            r.error(path, e);
                            None
                        }
                    },
                    $( ::serde_json::Value::Bool(true) => Some($name::$true_means), )?
                    other => {
                        r.invalid_type(path, &<$name as $crate::config::field::Field>::KIND.describe(), other);
                        None
                    }
                }
            }

            fn to_value(&self) -> ::serde_json::Value {
                ::serde_json::Value::from(self.as_str())
            }
        }
    };
    (@true) => { None };
    (@true $v:expr) => { Some($v.as_str()) };
}
pub(crate) use words;

/// Reads a string value with `T`'s `FromStr`, recording its error at `path`.
pub(crate) fn read_parsed<T>(value: &Value, path: &str, r: &mut Reader) -> Option<T>
where
    T: std::str::FromStr<Err = crate::Error>,
{
    match value {
        Value::String(s) => s.parse().map_err(|e| r.error(path, e)).ok(),
        other => {
            r.invalid_type(path, "a string", other);
            None
        }
    }
}

/// Implements [`Field`] for a type written as text and read with its `FromStr` (a host
/// pattern, a regular expression, a glob, a pin), and for lists of it.
macro_rules! text_field {
    ($ty:ty, split_commas = $split:expr) => {
        impl $crate::config::field::Field for $ty {
            const KIND: $crate::config::Kind = $crate::config::Kind::Text;
            const SPLIT_COMMAS: bool = $split;

            fn read(
                value: &::serde_json::Value,
                path: &str,
                r: &mut $crate::config::reader::Reader,
            ) -> Option<$ty> {
                $crate::config::field::read_parsed(value, path, r)
            }

            fn to_value(&self) -> ::serde_json::Value {
                ::serde_json::Value::String(self.to_string())
            }
        }

        $crate::config::field::list_field!($ty => $crate::config::Kind::Text);
    };
}
pub(crate) use text_field;

// ---------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------

/// Reads a list of `T` (a single value counts as a list of one), each item at its own
/// path (`proxy.trusted[1]`). Items that cannot be used are left out (and reported).
pub(crate) fn read_list<T: Field>(value: &Value, path: &str, r: &mut Reader) -> Option<Vec<T>> {
    match value {
        Value::Array(items) => {
            // Every item is read (so every problem is reported); a list with an item that
            // cannot be used is unusable as a whole, so later checks never see shifted indices.
            let mut out: Vec<T> = Vec::with_capacity(items.len());
            let mut usable = true;
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                match T::read(item, &item_path, r) {
                    Some(v) => usable &= push_item(&mut out, v, &item_path, r),
                    None => usable = false,
                }
            }
            usable.then_some(out)
        }
        Value::Object(_) | Value::Null => {
            r.invalid_type(
                path,
                &format!("{} or a list of them", T::KIND.describe()),
                value,
            );
            None
        }
        single => T::read(single, path, r).map(|v| vec![v]),
    }
}

/// Appends `v` to `list`: a value already there is dropped, or reported when `T::UNIQUE`
/// (then the result is false).
fn push_item<T: Field>(list: &mut Vec<T>, v: T, path: &str, r: &mut Reader) -> bool {
    if list.contains(&v) {
        if T::UNIQUE {
            r.invalid_value(path, format!("{} is listed twice", v.to_value()));
            return false;
        }
        return true;
    }
    list.push(v);
    true
}

/// Appends a directive's text to a list (split at commas where the item type allows).
pub(crate) fn append_text<T: Field>(
    slot: &mut Option<Vec<T>>,
    rest: &[Segment<'_>],
    index: Option<usize>,
    text: &str,
    path: &str,
    r: &mut Reader,
) {
    if index.is_some() || !rest.is_empty() {
        r.invalid_value(path, format!("`{path}` is a list of values, not of tables"));
        return;
    }
    let list = slot.get_or_insert_with(Vec::new);
    let parts: Vec<&str> = if T::SPLIT_COMMAS {
        text.split(',').map(str::trim).collect()
    } else {
        vec![text]
    };
    for part in parts {
        let item_path = format!("{path}[{}]", list.len());
        if part.is_empty() {
            r.invalid_value(&item_path, "empty value in a list");
            continue;
        }
        if let Some(v) = T::read_text(part, &item_path, r) {
            let _ = push_item(list, v, &item_path, r);
        }
    }
}

macro_rules! list_field {
    ($item:ty => $kind:expr) => {
        impl $crate::config::field::Field for Vec<$item> {
            const KIND: $crate::config::Kind = $crate::config::Kind::List(&$kind);

            fn read(
                value: &::serde_json::Value,
                path: &str,
                r: &mut $crate::config::reader::Reader,
            ) -> Option<Self> {
                $crate::config::field::read_list(value, path, r)
            }

            fn read_text(
                text: &str,
                path: &str,
                r: &mut $crate::config::reader::Reader,
            ) -> Option<Self> {
                let mut slot = None;
                $crate::config::field::append_text::<$item>(&mut slot, &[], None, text, path, r);
                slot
            }

            fn to_value(&self) -> ::serde_json::Value {
                ::serde_json::Value::Array(
                    self.iter()
                        .map($crate::config::field::Field::to_value)
                        .collect(),
                )
            }

            fn set_text(
                slot: &mut Option<Self>,
                rest: &[$crate::config::field::Segment<'_>],
                index: Option<usize>,
                text: &str,
                path: &str,
                r: &mut $crate::config::reader::Reader,
            ) {
                $crate::config::field::append_text(slot, rest, index, text, path, r)
            }
        }
    };
}
pub(crate) use list_field;

list_field!(String => Kind::Text);
list_field!(Seconds => Kind::Duration);
