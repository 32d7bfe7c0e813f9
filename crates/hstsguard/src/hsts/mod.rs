//! The `[hsts]` section of a policy: when `Strict-Transport-Security` is sent, with which
//! value, and the staged max-age ramp ([`Ramp`]).

mod ramp;

pub use ramp::{Ramp, RampStage};

use crate::config::field::words;
use crate::config::reader::Reader;
use crate::config::{join, HstsSection};
use crate::sts::HstsPolicy;

words! {
    /// When to send `Strict-Transport-Security`.
    #[derive(Default)]
    pub enum SendHsts ("send value") {
        /// Only on responses to secure requests, as RFC 6797 §7.2 requires (the default).
        #[default]
        Secure = "secure",
        /// On every response (what helmet does). User agents ignore it over HTTP.
        Always = "always",
    }
}

words! {
    /// What to do when the response already carries the header (set by the application).
    #[derive(Default)]
    pub enum ExistingHeader ("existing value") {
        /// Leave the application's header alone (the default; Django does the same).
        #[default]
        Keep = "keep",
        /// Replace it with the policy's value, so there is exactly one.
        Replace = "replace",
    }
}

/// The HSTS part of a [`crate::policy::Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HstsSettings {
    /// False: never send the header.
    pub enabled: bool,
    /// The header.
    pub policy: HstsPolicy,
    /// When to send it.
    pub send: SendHsts,
    /// An existing header in the response.
    pub existing: ExistingHeader,
    /// Skip IP-literal hosts (RFC 6797 §8.1.1: UAs ignore HSTS for them).
    pub skip_ip_hosts: bool,
    /// Skip `localhost` and `*.localhost`.
    pub skip_localhost: bool,
    /// Building fails unless the header passes the hstspreload.org rules.
    pub require_preloadable: bool,
    /// A staged max-age ramp: while it is set, the header sent depends on the date and
    /// `policy` is its last stage.
    pub ramp: Option<Ramp>,
}

impl Default for HstsSettings {
    fn default() -> Self {
        HstsSettings {
            enabled: true,
            policy: HstsPolicy::including_subdomains(crate::ONE_YEAR),
            send: SendHsts::Secure,
            existing: ExistingHeader::Keep,
            skip_ip_hosts: true,
            skip_localhost: true,
            require_preloadable: false,
            ramp: None,
        }
    }
}

/// Builds the HSTS settings from the `[hsts]` section of a policy document.
pub(crate) fn from_section(s: &HstsSection, path: &str, r: &mut Reader) -> HstsSettings {
    let mut policy = HstsPolicy::new(s.max_age().0, s.include_subdomains());
    if s.preload() {
        policy = policy.with_preload();
    }
    let ramp = s
        .ramp
        .as_ref()
        .and_then(|ramp| Ramp::from_section(ramp, &policy, &join(path, "ramp"), r));
    if let Some(ramp) = &ramp {
        // The settings describe the last stage: what the policy sends in the end.
        policy = ramp.last_policy();
    }
    HstsSettings {
        enabled: s.enabled(),
        policy,
        send: s.send(),
        existing: s.existing(),
        skip_ip_hosts: s.skip_ip_hosts(),
        skip_localhost: s.skip_localhost(),
        require_preloadable: s.require_preloadable(),
        ramp,
    }
}
