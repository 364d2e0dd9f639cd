//! UTC instants as the AWS tools write and read them.
//!
//! Written: `YYYY-MM-DDTHH:MM:SSZ`, sub-seconds truncated (Python `strftime('%Y-%m-%dT%H:%M:%SZ')`,
//! spec §1.2). Read leniently, like botocore's dateutil (spec §1.4): `Z`, `+HH:MM`/`-HH:MM`/`+HHMM`
//! offsets, the legacy `UTC` suffix, a space instead of `T`, and fractional seconds.
//!
//! No dependency: a timestamp type of our own keeps the wasm small and the arithmetic obvious.

use std::fmt;

/// An instant in whole seconds since the Unix epoch, UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UtcTime(i64);

/// Why a timestamp string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a timestamp like 2024-05-01T20:00:00Z ({reason})")]
pub struct TimeParseError {
    input: String,
    reason: &'static str,
}

impl UtcTime {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: UtcTime = UtcTime(0);

    /// From seconds since the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        UtcTime(seconds)
    }

    /// From epoch milliseconds (the portal's `expiration`), truncating like the CLI's `/ 1000`.
    pub const fn from_unix_millis(millis: i64) -> Self {
        UtcTime(millis.div_euclid(1000))
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// `seconds` later (earlier when negative), saturating at the ends of `i64`.
    pub const fn plus_seconds(self, seconds: i64) -> Self {
        UtcTime(self.0.saturating_add(seconds))
    }

    /// Seconds from `self` until `later` (negative when `later` is in the past).
    pub const fn seconds_until(self, later: UtcTime) -> i64 {
        later.0.saturating_sub(self.0)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the CLI's cache-file format.
    pub fn to_cli_string(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// `YYYY-MM-DDTHH:MM:SS+00:00`, Python's `datetime.isoformat()` of an aware UTC datetime, which
    /// `aws configure export-credentials` prints (spec §9.4).
    pub fn to_isoformat_utc(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
    }

    /// Read a timestamp the way botocore does (lenient; see the module docs).
    pub fn parse_lenient(input: &str) -> Result<Self, TimeParseError> {
        let err = |reason| TimeParseError { input: input.chars().take(64).collect(), reason };
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() < 19 {
            return Err(err("too short"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimeParseError> {
            let part = s.get(range).ok_or_else(|| err("unexpected character"))?;
            digits_value(part).ok_or_else(|| err("expected digits"))
        };
        if !s.is_char_boundary(19) {
            return Err(err("unexpected character"));
        }
        if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return Err(err("expected YYYY-MM-DD and HH:MM:SS"));
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return Err(err("expected 'T' between date and time"));
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(err("field out of range"));
        }
        let mut rest = s.get(19..).unwrap_or_default();
        if let Some(frac) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(',')) {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err("empty fraction"));
            }
            rest = frac.get(digits..).unwrap_or_default();
        }
        let offset_seconds = match rest {
            "" | "Z" | "z" | "UTC" | "GMT" | " UTC" => 0,
            _ => {
                let (sign, hm) = match rest.as_bytes()[0] {
                    b'+' => (1, rest.get(1..).unwrap_or_default()),
                    b'-' => (-1, rest.get(1..).unwrap_or_default()),
                    _ => return Err(err("unexpected text after the time")),
                };
                // `get`, not indexing: a non-ASCII character may straddle the split (`+aé1`).
                let (h, m) = match (hm.len(), hm.get(0..2)) {
                    (5, Some(h)) if hm.as_bytes()[2] == b':' => (h, hm.get(3..5).unwrap_or_default()),
                    (4, Some(h)) => (h, hm.get(2..4).unwrap_or_default()),
                    (2, _) => (hm, "00"),
                    _ => return Err(err("bad UTC offset")),
                };
                let parse2 = |x: &str| digits_value(x).ok_or_else(|| err("bad UTC offset"));
                let (h, m) = (parse2(h)?, parse2(m)?);
                if h > 23 || m > 59 {
                    return Err(err("bad UTC offset"));
                }
                sign * (h * 3600 + m * 60)
            }
        };
        let days = days_from_civil(year, month, day);
        let local = days * 86_400 + hour * 3600 + minute * 60 + second.min(59);
        Ok(UtcTime(local - offset_seconds))
    }

    fn civil(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// The value of a short run of ASCII digits (at most four here); `None` for an empty run or any
/// other character, a sign included (which `str::parse` alone would take).
fn digits_value(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Debug for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UtcTime({})", self.to_cli_string())
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_cli_string())
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_ascii_utc_offset_is_an_error_not_a_panic() {
        for text in [
            "2020-01-01T00:00:00+aé1",
            "2020-01-01T00:00:00+é:00",
            "2020-01-01T00:00:00-€0",
            "2020-01-01T00:00:00+é",
        ] {
            assert!(UtcTime::parse_lenient(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formats_like_the_cli() {
        // Vector from smithy-rs save_cached_token: epoch + 50,000,000 s.
        assert_eq!(UtcTime::from_unix_seconds(50_000_000).to_cli_string(), "1971-08-02T16:53:20Z");
        assert_eq!(UtcTime::from_unix_seconds(100_000_000).to_cli_string(), "1973-03-03T09:46:40Z");
        assert_eq!(UtcTime::from_unix_seconds(1_222_172_800).to_cli_string(), "2008-09-23T12:26:40Z");
        assert_eq!(UtcTime::UNIX_EPOCH.to_cli_string(), "1970-01-01T00:00:00Z");
        assert_eq!(UtcTime::from_unix_seconds(1_714_572_000).to_isoformat_utc(), "2024-05-01T14:00:00+00:00");
    }

    #[test]
    fn millis_truncate() {
        assert_eq!(UtcTime::from_unix_millis(1_651_516_560_999).unix_seconds(), 1_651_516_560);
    }

    #[test]
    fn parses_every_form_botocore_accepts() {
        let t = UtcTime::from_unix_seconds(1_714_593_600); // 2024-05-01T20:00:00Z
        for s in [
            "2024-05-01T20:00:00Z",
            "2024-05-01T20:00:00z",
            "2024-05-01T20:00:00UTC",
            "2024-05-01T20:00:00+00:00",
            "2024-05-01T22:00:00+02:00",
            "2024-05-01T15:00:00-0500",
            "2024-05-01T20:00:00.999Z",
            "2024-05-01 20:00:00Z",
            "2024-05-01T20:00:00",
            " 2024-05-01T20:00:00Z ",
        ] {
            assert_eq!(UtcTime::parse_lenient(s), Ok(t), "{s}");
        }
        assert_eq!(
            UtcTime::parse_lenient("2002-10-18T03:52:38UTC").unwrap().to_cli_string(),
            "2002-10-18T03:52:38Z"
        );
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for s in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-05-01X20:00:00Z",
            "2024-05-01T20:00:00+25:00",
            "2024-05-01T20:00:00 tomorrow",
            "2024-05-01T20:00:00.",
            "２０２４-05-01T20:00:00Z",
            "2024-05-01T20:00:0é",
            "-024-05-01T20:00:00Z",
        ] {
            assert!(UtcTime::parse_lenient(s).is_err(), "{s}");
        }
    }

    #[test]
    fn round_trips_across_centuries() {
        for secs in [-86_400 * 366, 0, 951_782_400, 4_102_444_800, 253_402_300_799] {
            let t = UtcTime::from_unix_seconds(secs);
            assert_eq!(UtcTime::parse_lenient(&t.to_cli_string()), Ok(t));
        }
    }
}
