//! A staged max-age ramp (`[hsts.ramp]`): guides tell operators to start HSTS with a
//! short max-age and raise it once nothing breaks. The ramp does it on a schedule.
//!
//! From `start` (a date, UTC midnight) the first stage's max-age is sent; after each
//! `step` the next stage's; after the last step the last stage stays; before `start`
//! the first stage is sent. `includeSubDomains` and `preload`, when the `[hsts]`
//! section sets them, are sent only at the last stage: they are the commitments that are
//! hard to take back. Every stage's header value is computed when the policy is built;
//! which stage applies is worked out at most once a minute (and at each stage change),
//! never per request.
//!
//! ```
//! use hstsguard::config::PolicyDocument;
//! use hstsguard::policy::Policy;
//!
//! let policy = Policy::from_toml(r#"
//!     [hsts]
//!     include_subdomains = true
//!     [hsts.ramp]
//!     start = 2026-12-01
//!     stages = ["5m", "1d", "1y"]
//!     step = "1w"
//! "#).unwrap();
//! let ramp = policy.hsts().ramp.as_ref().unwrap();
//! let dec_1 = 1_796_083_200; // 2026-12-01T00:00:00Z
//! assert_eq!(ramp.value_at(dec_1 - 1), "max-age=300");
//! assert_eq!(ramp.value_at(dec_1 + 7 * 86_400), "max-age=86400");
//! assert_eq!(ramp.value_at(dec_1 + 14 * 86_400), "max-age=31536000; includeSubDomains");
//! assert_eq!(ramp.stages()[1].starts, dec_1 + 7 * 86_400);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::reader::Reader;
use crate::config::{join, RampSection};
use crate::sts::HstsPolicy;
use crate::ua::ListDate;

/// The most stages a ramp may have.
pub const MAX_STAGES: usize = 64;

/// How long a computed stage is used before the clock is compared with the schedule
/// again (at most; a stage change ends it sooner).
const RECHECK_SECONDS: u64 = 60;

/// One stage of a [`Ramp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RampStage {
    /// When the stage starts, in seconds since the epoch (the first stage is also sent
    /// before the ramp starts).
    pub starts: u64,
    /// The max-age of the stage.
    pub max_age: u64,
    /// The header value sent during the stage.
    pub value: Box<str>,
}

impl RampStage {
    /// When the stage starts, as RFC 3339 UTC (`2026-12-08T00:00:00Z`).
    pub fn starts_rfc3339(&self) -> String {
        crate::ua::time::format_rfc3339(self.starts)
    }
}

/// A staged max-age ramp: see the [module documentation](self).
#[derive(Debug)]
pub struct Ramp {
    start: u64,
    step: u64,
    stages: Vec<RampStage>,
    last: HstsPolicy,
    /// The stage in use and the window it was computed for: bits 0-7 the stage, bits
    /// 8-13 the window's length in seconds, bits 14-63 its start (0: nothing yet).
    cache: AtomicU64,
}

impl Clone for Ramp {
    fn clone(&self) -> Self {
        Ramp {
            start: self.start,
            step: self.step,
            stages: self.stages.clone(),
            last: self.last,
            cache: AtomicU64::new(0),
        }
    }
}

impl PartialEq for Ramp {
    fn eq(&self, other: &Self) -> bool {
        (self.start, self.step, &self.stages) == (other.start, other.step, &other.stages)
    }
}

impl Eq for Ramp {}

impl Ramp {
    /// A ramp starting at `start`, one stage each `step`, with these max-ages; `last`
    /// gives `includeSubDomains` and `preload` for the last stage. `None` when there
    /// are no stages, more than [`MAX_STAGES`], or `step` is 0.
    pub fn new(start: ListDate, step: u64, max_ages: &[u64], last: &HstsPolicy) -> Option<Ramp> {
        if max_ages.is_empty() || max_ages.len() > MAX_STAGES || step == 0 {
            return None;
        }
        let start = start.epoch_seconds();
        let n = max_ages.len();
        let stages = max_ages
            .iter()
            .enumerate()
            .map(|(i, &max_age)| {
                let policy = if i + 1 == n {
                    let mut p = HstsPolicy::new(max_age, last.include_subdomains());
                    if last.preload() {
                        p = p.with_preload();
                    }
                    p
                } else {
                    HstsPolicy::excluding_subdomains(max_age)
                };
                RampStage {
                    starts: start.saturating_add(step.saturating_mul(i as u64)),
                    max_age,
                    value: policy.value().into(),
                }
            })
            .collect();
        let mut last_policy = HstsPolicy::new(max_ages[n - 1], last.include_subdomains());
        if last.preload() {
            last_policy = last_policy.with_preload();
        }
        Some(Ramp {
            start,
            step,
            stages,
            last: last_policy,
            cache: AtomicU64::new(0),
        })
    }

    pub(crate) fn from_section(
        s: &RampSection,
        last: &HstsPolicy,
        path: &str,
        r: &mut Reader,
    ) -> Option<Ramp> {
        let missing = |key: &str, what: &str, r: &mut Reader| {
            let p = join(path, key);
            if !r.errors.iter().any(|e| e.path().starts_with(&p)) {
                r.invalid_value(&p, format!("missing: a ramp needs {what}"));
            }
        };
        if s.start.is_none() {
            missing("start", "a start date (\"YYYY-MM-DD\")", r);
        }
        match &s.stages {
            None => missing(
                "stages",
                "its stages ([\"5m\", \"1d\", \"1w\", \"30d\", \"1y\"])",
                r,
            ),
            Some(v) if v.is_empty() => {
                r.invalid_value(&join(path, "stages"), "a ramp needs at least one stage")
            }
            Some(v) if v.len() > MAX_STAGES => r.invalid_value(
                &join(path, "stages"),
                format!("{} stages; a ramp has at most {MAX_STAGES}", v.len()),
            ),
            Some(_) => {}
        }
        if s.step().0 == 0 {
            r.invalid_value(
                &join(path, "step"),
                "a step of 0 would skip every stage but the last",
            );
        }
        let max_ages: Vec<u64> = s.stages.iter().flatten().map(|d| d.0).collect();
        Ramp::new(s.start?, s.step().0, &max_ages, last)
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[RampStage] {
        &self.stages
    }

    /// When the first stage starts (seconds since the epoch).
    pub fn start(&self) -> u64 {
        self.start
    }

    /// How long each stage lasts, in seconds.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The header of the last stage.
    pub fn last_policy(&self) -> HstsPolicy {
        self.last
    }

    /// The index of the stage in force at `now` (seconds since the epoch), and the time
    /// the next stage starts (`None` during the last).
    pub fn stage_index_at(&self, now: u64) -> (usize, Option<u64>) {
        let last = self.stages.len() - 1;
        let i = if now < self.start {
            0
        } else {
            usize::try_from((now - self.start) / self.step).map_or(last, |i| i.min(last))
        };
        (i, self.stages.get(i + 1).map(|s| s.starts))
    }

    /// The header value in force at `now` (seconds since the epoch). A pure function of
    /// the schedule; [`Ramp::current_value`] is the cached form for the request path.
    pub fn value_at(&self, now: u64) -> &str {
        &self.stages[self.stage_index_at(now).0].value
    }

    /// The header value at `now`, computing the stage at most once a minute (and at a
    /// stage change): an atomic load and two comparisons per call.
    pub fn current_value(&self, now: u64) -> &str {
        let c = self.cache.load(Ordering::Relaxed);
        let from = c >> 14;
        let len = (c >> 8) & 0x3f;
        if c != 0 && now >= from && now < from + len {
            return &self.stages[(c & 0xff) as usize].value;
        }
        let (i, next) = self.stage_index_at(now);
        let until = next
            .map_or(u64::MAX, |n| n.max(now))
            .min(now + RECHECK_SECONDS);
        let len = (until - now).min(0x3f);
        if now < (1 << 50) {
            self.cache
                .store((now << 14) | (len << 8) | i as u64, Ordering::Relaxed);
        }
        &self.stages[i].value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(stages: &[u64]) -> Ramp {
        Ramp::new(
            "2026-12-01".parse().unwrap(),
            7 * 86_400,
            stages,
            &HstsPolicy::including_subdomains(crate::ONE_YEAR).with_preload(),
        )
        .unwrap()
    }

    #[test]
    fn stages_follow_the_calendar() {
        let r = ramp(&[300, 86_400, 604_800, 2_592_000, 31_536_000, 63_072_000]);
        let start = 1_796_083_200;
        let week = 7 * 86_400;
        assert_eq!(r.value_at(0), "max-age=300");
        assert_eq!(r.value_at(start - 1), "max-age=300");
        assert_eq!(r.value_at(start), "max-age=300");
        assert_eq!(r.value_at(start + week - 1), "max-age=300");
        assert_eq!(r.value_at(start + week), "max-age=86400");
        assert_eq!(r.value_at(start + 4 * week), "max-age=31536000");
        let last = "max-age=63072000; includeSubDomains; preload";
        assert_eq!(r.value_at(start + 5 * week), last);
        assert_eq!(r.value_at(u64::MAX), last);
        assert_eq!(r.stage_index_at(start + 5 * week), (5, None));
        assert_eq!(r.stage_index_at(start), (0, Some(start + week)));
    }

    #[test]
    fn the_cached_value_agrees_with_the_schedule_at_every_second_near_a_change() {
        let r = ramp(&[300, 86_400, 604_800]);
        let change = 1_796_083_200 + 7 * 86_400;
        for now in (change - 200..change + 200).chain([0, u64::MAX / 2, change + 7 * 86_400]) {
            assert_eq!(r.current_value(now), r.value_at(now), "at {now}");
        }
        // Going back in time (a clock set back) is seen at once.
        assert_eq!(r.current_value(change + 10), "max-age=86400");
        assert_eq!(r.current_value(change - 10), "max-age=300");
    }

    #[test]
    fn a_single_stage_is_the_last() {
        let r = ramp(&[31_536_000]);
        assert_eq!(
            r.value_at(0),
            "max-age=31536000; includeSubDomains; preload"
        );
    }
}
