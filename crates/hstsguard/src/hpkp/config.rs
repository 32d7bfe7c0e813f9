//! The `[hpkp]` section of a policy document, read into an [`HpkpHeader`].

use crate::config::reader::Reader;
use crate::config::{join, HpkpSection};

use super::{HpkpHeader, PinSha256};

pub(crate) fn from_section(s: &HpkpSection, path: &str, r: &mut Reader) -> Option<HpkpHeader> {
    let at = |key: &str| join(path, key);
    let mut ok = true;
    if !s.acknowledge_deprecation() {
        let p = at("acknowledge_deprecation");
        if !r.errors.iter().any(|e| e.path() == p) {
            r.invalid_value(
                &p,
                "HPKP is deprecated and removed from every major browser; a wrong pin can lock users out. Set acknowledge_deprecation = true to send it anyway",
            );
        }
        ok = false;
    }
    let pins: Vec<PinSha256> = s.pins.clone().unwrap_or_default();
    let Some(max_age) = s.max_age else {
        let p = at("max_age");
        if ok && !r.errors.iter().any(|e| e.path() == p) {
            r.invalid_value(&p, "HPKP needs a max-age");
        }
        return None;
    };
    if !ok || !r.errors.iter().all(|e| !e.path().starts_with(path)) {
        return None;
    }
    let header = match HpkpHeader::new(&pins, max_age.0) {
        Ok(h) => h
            .include_subdomains(s.include_subdomains())
            .report_only(s.report_only()),
        Err(e) => {
            let p = if e.code().as_str().starts_with("duration.") {
                at("max_age")
            } else {
                at("pins")
            };
            r.error(&p, e);
            return None;
        }
    };
    match &s.report_uri {
        None => Some(header),
        Some(uri) => match header.report_uri(uri) {
            Ok(h) => Some(h),
            Err(e) => {
                r.error(&at("report_uri"), e);
                None
            }
        },
    }
}
