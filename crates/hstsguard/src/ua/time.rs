//! Calendar arithmetic in UTC for curl's `"YYYYMMDD HH:MM:SS"` expiry stamps and the
//! preload list's date. No clock here: every time comes from the caller.

use std::fmt;
use std::str::FromStr;

#[cfg(test)]
use super::compile::days_from_civil;
use super::compile::{ascii_number, epoch_days, parse_iso_date};

/// The latest expiry hstsguard stores: 9999-12-31 23:59:59 UTC, the last second curl's
/// eight-digit date can spell. Longer max-age values are capped to it.
pub const MAX_EXPIRES: u64 = 253_402_300_799;

/// (year, month, day) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats seconds since the epoch as curl's `YYYYMMDD HH:MM:SS` (UTC).
pub(crate) fn format_stamp(secs: u64) -> String {
    let secs = secs.min(MAX_EXPIRES);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Formats seconds since the epoch as RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_rfc3339(secs: u64) -> String {
    let stamp = format_stamp(secs);
    format!(
        "{}-{}-{}T{}Z",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..]
    )
}

/// Parses curl's `YYYYMMDD HH:MM:SS` (UTC, exactly that shape) into seconds since the
/// epoch. Dates before 1970 are refused.
pub(crate) fn parse_stamp(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 17 || b[8] != b' ' || b[11] != b':' || b[14] != b':' {
        return None;
    }
    let num = ascii_number;
    let (y, mo, d) = (num(&b[..4])?, num(&b[4..6])?, num(&b[6..8])?);
    let (h, mi, s) = (num(&b[9..11])?, num(&b[12..14])?, num(&b[15..17])?);
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = epoch_days(y, mo, d)?;
    u64::try_from(days)
        .ok()
        .map(|days| days * 86_400 + u64::from(h) * 3600 + u64::from(mi) * 60 + u64::from(s))
}

/// A calendar date (UTC), such as the date of a preload list.
///
/// `Display` writes `YYYY-MM-DD`, which `FromStr` reads back.
///
/// ```
/// use hstsguard::ua::ListDate;
/// let d: ListDate = "2025-01-01".parse().unwrap();
/// assert_eq!(d.to_string(), "2025-01-01");
/// assert_eq!(d.epoch_seconds(), 1_735_689_600);
/// assert!("2025-02-30".parse::<ListDate>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListDate {
    days: u32,
}

impl ListDate {
    /// The date `days` days after 1970-01-01.
    pub const fn from_epoch_days(days: u32) -> ListDate {
        ListDate { days }
    }

    /// The date of a time in seconds since the epoch (UTC).
    pub const fn from_epoch_seconds(secs: u64) -> ListDate {
        let days = secs / 86_400;
        ListDate {
            days: if days > u32::MAX as u64 {
                u32::MAX
            } else {
                days as u32
            },
        }
    }

    /// Days since 1970-01-01.
    pub const fn epoch_days(self) -> u32 {
        self.days
    }

    /// Midnight UTC of the date, in seconds since the epoch.
    pub const fn epoch_seconds(self) -> u64 {
        self.days as u64 * 86_400
    }

    /// (year, month, day).
    pub fn ymd(self) -> (u32, u32, u32) {
        let (y, m, d) = civil_from_days(i64::from(self.days));
        (y as u32, m, d)
    }
}

impl fmt::Display for ListDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A `YYYY-MM-DD` text that is not a calendar date from 1970 on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a YYYY-MM-DD date from 1970 on: {0:?}")]
pub struct ListDateError(pub String);

impl FromStr for ListDate {
    type Err = ListDateError;

    fn from_str(s: &str) -> Result<ListDate, ListDateError> {
        parse_iso_date(s)
            .map(ListDate::from_epoch_days)
            .ok_or_else(|| ListDateError(crate::error::truncate(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip() {
        for secs in [0, 1, 951_782_400, 1_735_689_600, 4_102_444_799, MAX_EXPIRES] {
            assert_eq!(parse_stamp(&format_stamp(secs)), Some(secs), "{secs}");
        }
        assert_eq!(format_stamp(1_735_689_600), "20250101 00:00:00");
        assert_eq!(format_stamp(951_782_400 + 86_399), "20000229 23:59:59");
        assert_eq!(parse_stamp("20230229 00:00:00"), None);
        assert_eq!(parse_stamp("20231301 00:00:00"), None);
        assert_eq!(parse_stamp("20230101 24:00:00"), None);
        assert_eq!(parse_stamp("2023-01-01 00:00:00"), None);
        assert_eq!(parse_stamp("19691231 23:59:59"), None);
        assert_eq!(format_stamp(u64::MAX), "99991231 23:59:59");
    }

    #[test]
    fn civil_days_agree() {
        for days in (0..200_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
