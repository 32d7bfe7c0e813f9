//! Durations for max-age, shared by every binding and configuration format.

use crate::error::{truncate, DurationErrorKind, Error};
use crate::sts::MAX_AGE_CAP;

const UNITS: &[(char, u64)] = &[
    ('s', 1),
    ('m', 60),
    ('h', 3_600),
    ('d', 86_400),
    ('w', 604_800),
    ('y', crate::ONE_YEAR),
];

fn err(value: &str, kind: DurationErrorKind) -> Error {
    Error::InvalidDuration {
        value: truncate(value),
        kind,
    }
}

/// Parses a max-age duration into seconds.
///
/// Accepts a whole number of seconds (`300`) or a whole number with one unit suffix:
/// `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks (604800 s), `y` years of 365
/// days (31536000 s). Surrounding whitespace is ignored; the unit is case-insensitive.
/// Refuses negative, fractional, NaN-like, unit-less garbage and anything above
/// [`MAX_AGE_CAP`], with an error naming the value.
///
/// ```
/// use hstsguard::parse_duration;
/// assert_eq!(parse_duration("300").unwrap(), 300);
/// assert_eq!(parse_duration("18w").unwrap(), 10_886_400);
/// assert_eq!(parse_duration("2y").unwrap(), 63_072_000);
/// assert_eq!(parse_duration("-1").unwrap_err().code(), "duration.negative");
/// assert_eq!(parse_duration("3600.0").unwrap_err().code(), "duration.fractional");
/// ```
pub fn parse_duration(input: &str) -> Result<u64, Error> {
    let s = input.trim();
    if s.is_empty() {
        return Err(err(input, DurationErrorKind::Empty));
    }
    let lower = s.to_ascii_lowercase();
    if s.starts_with('-') {
        // "-0" is as wrong as "-1": a sign has no place in a max-age.
        return Err(err(input, DurationErrorKind::Negative));
    }
    if matches!(
        lower.trim_start_matches('+'),
        "nan" | "inf" | "infinity" | "+inf"
    ) {
        return Err(err(input, DurationErrorKind::NotANumber));
    }
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, rest) = s.split_at(digits_end);
    if digits.is_empty() {
        return Err(err(input, DurationErrorKind::NotANumber));
    }
    let multiplier = match rest {
        "" => 1,
        _ if rest.starts_with('.') || rest.starts_with(['e', 'E']) => {
            // "3600.0", "1.5y", "1e6", "2E+3": a number, but not a whole one.
            let tail = rest[1..].trim_start_matches(['+', '-']);
            let after_digits = tail.trim_start_matches(|c: char| c.is_ascii_digit());
            let numeric = after_digits.len() < tail.len()
                && (after_digits.is_empty()
                    || (after_digits.len() == 1
                        && UNITS
                            .iter()
                            .any(|(u, _)| after_digits.eq_ignore_ascii_case(&u.to_string()))));
            return Err(err(
                input,
                if numeric {
                    DurationErrorKind::Fractional
                } else {
                    DurationErrorKind::NotANumber
                },
            ));
        }
        _ => {
            let mut chars = rest.chars();
            let unit = chars.next().map(|c| c.to_ascii_lowercase());
            match (unit, chars.next()) {
                (Some(u), None) => match UNITS.iter().find(|(c, _)| *c == u) {
                    Some((_, m)) => *m,
                    None => return Err(err(input, DurationErrorKind::UnknownUnit)),
                },
                _ => return Err(err(input, DurationErrorKind::UnknownUnit)),
            }
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| err(input, DurationErrorKind::Overflow))?;
    match n.checked_mul(multiplier) {
        Some(v) if v <= MAX_AGE_CAP => Ok(v),
        _ => Err(err(input, DurationErrorKind::Overflow)),
    }
}

/// True when a max-age in seconds looks like it was written in milliseconds: more than
/// 100 years, a whole number of thousands, and its thousandth at least one day.
pub(crate) fn looks_like_milliseconds(seconds: u64) -> bool {
    seconds > 100 * crate::ONE_YEAR && seconds.is_multiple_of(1000) && seconds / 1000 >= 86_400
}

/// Unit words people write instead of the one-letter suffixes.
const UNIT_WORDS: &[(&str, char)] = &[
    ("second", 's'),
    ("seconds", 's'),
    ("sec", 's'),
    ("secs", 's'),
    ("minute", 'm'),
    ("minutes", 'm'),
    ("min", 'm'),
    ("mins", 'm'),
    ("hour", 'h'),
    ("hours", 'h'),
    ("hr", 'h'),
    ("hrs", 'h'),
    ("day", 'd'),
    ("days", 'd'),
    ("week", 'w'),
    ("weeks", 'w'),
    ("wk", 'w'),
    ("year", 'y'),
    ("years", 'y'),
    ("yr", 'y'),
    ("yrs", 'y'),
];

/// A did-you-mean for a duration written with a unit word (`"1 year"`, `"30days"`):
/// `"; did you mean \"1y\"?"`, or an empty string.
pub(crate) fn unit_word_hint(value: &str) -> String {
    let s = value.trim();
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, rest) = s.split_at(digits_end);
    let word = rest.trim().to_ascii_lowercase();
    if digits.is_empty() || word.is_empty() {
        return String::new();
    }
    match UNIT_WORDS.iter().find(|(w, _)| *w == word) {
        Some((_, unit)) => format!("; did you mean \"{digits}{unit}\"?"),
        None => String::new(),
    }
}

/// Converts a number of seconds given as a float (JavaScript numbers, Python floats,
/// JSON) into whole seconds, with the same refusals as [`parse_duration`].
///
/// ```
/// use hstsguard::duration_from_f64;
/// assert_eq!(duration_from_f64(31536000.0).unwrap(), 31_536_000);
/// assert_eq!(duration_from_f64(f64::NAN).unwrap_err().code(), "duration.not_a_number");
/// assert_eq!(duration_from_f64(1.5).unwrap_err().code(), "duration.fractional");
/// ```
pub fn duration_from_f64(value: f64) -> Result<u64, Error> {
    let text = || value.to_string();
    if value.is_nan() || value.is_infinite() {
        return Err(err(&text(), DurationErrorKind::NotANumber));
    }
    if value < 0.0 || (value == 0.0 && value.is_sign_negative()) {
        return Err(err(&text(), DurationErrorKind::Negative));
    }
    if value.fract() != 0.0 {
        return Err(err(&text(), DurationErrorKind::Fractional));
    }
    if value > MAX_AGE_CAP as f64 {
        return Err(err(&text(), DurationErrorKind::Overflow));
    }
    Ok(value as u64)
}

/// Formats seconds for humans with the largest exact unit: `31536000` -> `"1y"`,
/// `10886400` -> `"18w"`, `301` -> `"301s"`. [`parse_duration`] reads it back.
///
/// ```
/// assert_eq!(hstsguard::format_duration(63_072_000), "2y");
/// assert_eq!(hstsguard::format_duration(0), "0s");
/// ```
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    for &(unit, size) in UNITS.iter().rev() {
        if seconds.is_multiple_of(size) {
            return format!("{}{}", seconds / size, unit);
        }
    }
    unreachable!("every number is a multiple of 1 second")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_words_get_a_did_you_mean() {
        let e = parse_duration("1 year").unwrap_err();
        assert_eq!(e.code().as_str(), "duration.unknown_unit");
        assert!(e.to_string().ends_with("; did you mean \"1y\"?"), "{e}");
        let e = parse_duration("30days").unwrap_err();
        assert!(e.to_string().contains("did you mean \"30d\"?"), "{e}");
        assert!(!parse_duration("5x")
            .unwrap_err()
            .to_string()
            .contains("did you mean"));
        assert!(!parse_duration("year")
            .unwrap_err()
            .to_string()
            .contains("did you mean"));
    }

    #[test]
    fn milliseconds_look() {
        assert!(looks_like_milliseconds(31_536_000_000));
        assert!(looks_like_milliseconds(63_072_000_000));
        assert!(!looks_like_milliseconds(63_072_000));
        assert!(!looks_like_milliseconds(100 * crate::ONE_YEAR));
        assert!(!looks_like_milliseconds(31_536_000_001));
    }

    #[test]
    fn accepts() {
        for (s, v) in [
            ("0", 0),
            ("300", 300),
            ("300s", 300),
            (" 5m ", 300),
            ("1h", 3600),
            ("1d", 86400),
            ("18w", 10_886_400),
            ("1y", 31_536_000),
            ("2Y", 63_072_000),
            ("9007199254740991", MAX_AGE_CAP),
        ] {
            assert_eq!(parse_duration(s).unwrap(), v, "{s}");
        }
    }

    #[test]
    fn refuses() {
        for (s, code) in [
            ("", "duration.empty"),
            ("  ", "duration.empty"),
            ("-1", "duration.negative"),
            ("-0", "duration.negative"),
            ("3600.0", "duration.fractional"),
            ("1e6", "duration.fractional"),
            ("NaN", "duration.not_a_number"),
            ("inf", "duration.not_a_number"),
            ("abc", "duration.not_a_number"),
            ("+5", "duration.not_a_number"),
            ("5x", "duration.unknown_unit"),
            ("5yy", "duration.unknown_unit"),
            ("1 y", "duration.unknown_unit"),
            ("9007199254740992", "duration.overflow"),
            ("99999999999999999999999", "duration.overflow"),
            ("999999999999y", "duration.overflow"),
        ] {
            let e = parse_duration(s).unwrap_err();
            assert_eq!(e.code().as_str(), code, "{s}");
            assert!(e.to_string().contains(&format!("{:?}", truncate(s))), "{e}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(duration_from_f64(0.0).unwrap(), 0);
        assert_eq!(
            duration_from_f64(-0.0).unwrap_err().code(),
            "duration.negative"
        );
        assert_eq!(
            duration_from_f64(-1.0).unwrap_err().code(),
            "duration.negative"
        );
        assert_eq!(
            duration_from_f64(f64::INFINITY).unwrap_err().code(),
            "duration.not_a_number"
        );
        assert_eq!(
            duration_from_f64(1e300).unwrap_err().code(),
            "duration.overflow"
        );
    }

    #[test]
    fn format_round_trips() {
        for v in [
            0, 1, 59, 60, 3600, 86400, 604_800, 31_536_000, 10_886_400, 12345678,
        ] {
            assert_eq!(parse_duration(&format_duration(v)).unwrap(), v);
        }
    }
}
