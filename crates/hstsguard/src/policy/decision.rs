//! What [`super::Policy::evaluate`] answers for one request: the action and the headers to set.

use std::fmt;

use serde_json::Value;

use crate::hsts::ExistingHeader;
use crate::redirect::{Action, Outcome};

/// A header the server should add to the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderToSet<'p> {
    /// The field name.
    pub name: &'static str,
    /// The field value, borrowed from the policy.
    pub value: &'p str,
    /// What to do when the response already has this field.
    pub existing: ExistingHeader,
}

/// The outcome of [`Policy::evaluate`] for one request. Borrows header values from the
/// policy; allocates only for a redirect's Location or a reject's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'p> {
    pub(crate) action: Action,
    pub(crate) secure: bool,
    pub(crate) hsts: Option<HeaderToSet<'p>>,
    pub(crate) hpkp: Option<HeaderToSet<'p>>,
    /// A 426 answer names the protocol to switch to (RFC 9110 §15.5.22).
    pub(crate) upgrade: bool,
}

/// The headers of a response, from [`super::Policy::response_headers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseHeaders<'p> {
    pub(crate) hsts: Option<HeaderToSet<'p>>,
    pub(crate) hpkp: Option<HeaderToSet<'p>>,
}

impl<'p> ResponseHeaders<'p> {
    /// Strict-Transport-Security, when it is sent.
    pub fn hsts(&self) -> Option<HeaderToSet<'p>> {
        self.hsts
    }

    /// Public-Key-Pins (or its report-only form), when it is sent.
    pub fn hpkp(&self) -> Option<HeaderToSet<'p>> {
        self.hpkp
    }

    /// Both, in that order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = HeaderToSet<'p>> {
        self.hsts.into_iter().chain(self.hpkp)
    }
}

/// The outcome of [`Policy::evaluation`]: a [`Decision`] whose redirect `Location` is
/// not yet written. Borrows from the policy (`'p`) and the request (`'f`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation<'p, 'f> {
    pub(crate) outcome: Outcome<'f>,
    pub(crate) secure: bool,
    pub(crate) hsts: Option<HeaderToSet<'p>>,
    pub(crate) hpkp: Option<HeaderToSet<'p>>,
    pub(crate) upgrade: bool,
}

impl<'p> Evaluation<'p, '_> {
    /// Pass, redirect (with its [`crate::redirect::Location`]) or reject.
    pub fn outcome(&self) -> &Outcome<'_> {
        &self.outcome
    }

    /// True when the request arrived over TLS or through a trusted proxy that says so.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Strict-Transport-Security, when it is sent (the first of [`Evaluation::headers`]).
    #[inline]
    pub fn hsts_header(&self) -> Option<HeaderToSet<'p>> {
        self.hsts
    }

    /// Public-Key-Pins (or its report-only form), when it is sent (the second).
    #[inline]
    pub fn hpkp_header(&self) -> Option<HeaderToSet<'p>> {
        self.hpkp
    }

    /// True for a 426 answer, whose headers end with `Upgrade` and `Connection`
    /// ([`Evaluation::upgrade_headers`]).
    #[inline]
    pub fn upgrade(&self) -> bool {
        self.upgrade
    }

    /// `Upgrade: TLS/1.2, HTTP/1.1` and `Connection: Upgrade`, the last headers of a 426
    /// answer.
    pub fn upgrade_headers(&self) -> impl Iterator<Item = HeaderToSet<'static>> {
        UPGRADE_HEADERS.into_iter()
    }

    /// The headers to add to the response, as [`Decision::headers`].
    pub fn headers(&self) -> impl Iterator<Item = HeaderToSet<'p>> + '_ {
        header_list(self.hsts, self.hpkp, self.upgrade)
    }

    /// The [`Decision`] that [`Policy::evaluate`] gives for the same request.
    pub fn into_decision(self) -> Decision<'p> {
        Decision {
            action: self.outcome.into_action(),
            secure: self.secure,
            hsts: self.hsts,
            hpkp: self.hpkp,
            upgrade: self.upgrade,
        }
    }
}

/// HSTS, HPKP, then the 426 answer's upgrade headers: the order of every header list.
fn header_list<'p>(
    hsts: Option<HeaderToSet<'p>>,
    hpkp: Option<HeaderToSet<'p>>,
    upgrade: bool,
) -> impl Iterator<Item = HeaderToSet<'p>> {
    let upgrade: &[HeaderToSet<'static>] = if upgrade { &UPGRADE_HEADERS } else { &[] };
    hsts.into_iter().chain(hpkp).chain(upgrade.iter().copied())
}

/// `Upgrade` and `Connection` for a 426 answer (RFC 9110 §15.5.22, RFC 2817).
pub(crate) const UPGRADE_HEADERS: [HeaderToSet<'static>; 2] = [
    HeaderToSet {
        name: "Upgrade",
        value: "TLS/1.2, HTTP/1.1",
        existing: ExistingHeader::Replace,
    },
    HeaderToSet {
        name: "Connection",
        value: "Upgrade",
        existing: ExistingHeader::Replace,
    },
];

impl<'p> Decision<'p> {
    /// Pass, redirect or reject.
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// Consumes the decision, returning the action.
    pub fn into_action(self) -> Action {
        self.action
    }

    /// True when the request arrived over TLS or through a trusted proxy that says so.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The Strict-Transport-Security value to send, if any.
    pub fn hsts(&self) -> Option<&'p str> {
        self.hsts.map(|h| h.value)
    }

    /// The headers to add to the response, in order: HSTS, HPKP, and for a 426 answer
    /// `Upgrade: TLS/1.2, HTTP/1.1` with `Connection: Upgrade`.
    pub fn headers(&self) -> impl Iterator<Item = HeaderToSet<'p>> + '_ {
        header_list(self.hsts, self.hpkp, self.upgrade)
    }

    /// One line for logs, e.g. `redirect 308 to https://example.com/x (plain HTTP)`.
    pub fn explain(&self) -> String {
        let transport = if self.secure {
            "secure request"
        } else {
            "plain HTTP"
        };
        let mut line = match &self.action {
            Action::Pass => format!("pass ({transport})"),
            Action::Redirect { status, location } => {
                format!("redirect {status} to {location} ({transport})")
            }
            Action::Reject {
                status,
                code,
                reason,
            } => {
                format!("reject {status} [{code}]: {reason} ({transport})")
            }
        };
        for h in self.headers() {
            line.push_str(&format!("; set {}: {}", h.name, h.value));
        }
        line
    }

    /// `{"action", "status", "location", "secure", "headers": {name: value}, "reason"}`,
    /// the shape of `hstsguard redirect --json`. `reason` is the reject code.
    pub fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers()
            .map(|h| (h.name.to_owned(), Value::from(h.value)))
            .collect();
        let (location, reason) = match &self.action {
            Action::Pass => (Value::Null, Value::Null),
            Action::Redirect { location, .. } => (Value::from(location.as_str()), Value::Null),
            Action::Reject { code, .. } => (Value::Null, Value::from(code.as_str())),
        };
        serde_json::json!({
            "action": self.action.as_str(),
            "status": self.action.status(),
            "location": location,
            "secure": self.secure,
            "headers": headers,
            "reason": reason,
        })
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}
