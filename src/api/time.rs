//! Timestamps as VBS sends them: ISO 8601 without a zone (UTC), any precision.
//!
//! VBS writes `2017-08-10T12:25:40.480424` and `2017-08-08T04:03:27.000000`; other layers
//! write `…Z` or `…+00:00`. All of them parse to one [`Timestamp`]; no date crate needed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant in UTC, kept to the nanosecond, plus the text it was parsed from.
///
/// Equality and order compare the instant only, not the text.
#[derive(Clone, Debug)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// The text exactly as received, so output can echo it unchanged.
    pub raw: Box<str>,
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        (self.secs, self.nanos) == (other.secs, other.nanos)
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

/// Why a timestamp did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {0:?} (expected YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM])")]
pub struct TimestampError(pub String);

impl Timestamp {
    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.f…][Z|±HH:MM|±HHMM]`; no zone means UTC.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError(text.to_owned());
        let b = text.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return Err(err());
        }
        if b[10] != b'T' && b[10] != b't' && b[10] != b' ' {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let s = &b[r];
            if s.iter().all(u8::is_ascii_digit) {
                Ok(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
            } else {
                Err(err())
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(err());
        }
        let mut i = 19;
        let mut nanos: u32 = 0;
        if i < b.len() && (b[i] == b'.' || b[i] == b',') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return Err(err());
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset_secs = match &b[i..] {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), rest @ ..] => {
                let (h, m) = match rest {
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        let digits = [*h1, *h2, *m1, *m2];
                        if !digits.iter().all(u8::is_ascii_digit) {
                            return Err(err());
                        }
                        (
                            i64::from((h1 - b'0') * 10 + (h2 - b'0')),
                            i64::from((m1 - b'0') * 10 + (m2 - b'0')),
                        )
                    }
                    [h1, h2] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
                        (i64::from((h1 - b'0') * 10 + (h2 - b'0')), 0)
                    }
                    _ => return Err(err()),
                };
                if h > 23 || m > 59 {
                    return Err(err());
                }
                let off = h * 3600 + m * 60;
                if *sign == b'+' { off } else { -off }
            }
            _ => return Err(err()),
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
        Ok(Self {
            secs,
            nanos,
            raw: text.into(),
        })
    }

    /// Builds a timestamp from Unix seconds; its text is the VBS form with microseconds.
    pub fn from_unix(secs: i64, nanos: u32) -> Self {
        let mut t = Self {
            secs,
            nanos,
            raw: "".into(),
        };
        t.raw = t.to_vbs_string().into();
        t
    }

    /// The instant as `YYYY-MM-DD HH:MM:SS` in UTC (what tables show).
    pub fn display_utc(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }

    /// The VBS wire form: `YYYY-MM-DDTHH:MM:SS.ffffff`, no zone.
    pub fn to_vbs_string(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}",
            self.nanos / 1000
        )
    }

    /// The RFC 3339 form with a `Z`, as IAM writes `expires_at`.
    pub fn to_rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}Z",
            self.nanos / 1000
        )
    }

    fn civil(&self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

/// A compact age such as `3d`, `5h`, `2y`, for the span from `then` to `now` (Unix seconds).
pub fn relative_age(then: i64, now: i64) -> String {
    let delta = now - then;
    let (future, d) = if delta < 0 {
        (true, -delta)
    } else {
        (false, delta)
    };
    let text = match d {
        0..60 => format!("{d}s"),
        60..3_600 => format!("{}m", d / 60),
        3_600..86_400 => format!("{}h", d / 3_600),
        86_400..2_592_000 => format!("{}d", d / 86_400),
        2_592_000..31_536_000 => format!("{}mo", d / 2_592_000),
        _ => format!("{}y", d / 31_536_000),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
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
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// The current time as Unix seconds (used for ages and for `X-Sdk-Date`).
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Formats Unix seconds as the `X-Sdk-Date` form `YYYYMMDDTHHMMSSZ`.
pub fn sdk_date(secs: i64) -> String {
    let t = Timestamp {
        secs,
        nanos: 0,
        raw: "".into(),
    };
    let (y, mo, d, h, mi, s) = t.civil();
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Parses the `X-Sdk-Date` form back to Unix seconds.
pub fn parse_sdk_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    Timestamp::parse(&iso).ok().map(|t| t.secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_precision_as_utc() {
        let micro = Timestamp::parse("2017-08-10T12:25:40.480424").unwrap();
        assert_eq!(micro.secs, 1_502_367_940);
        assert_eq!(micro.nanos, 480_424_000);
        let zero = Timestamp::parse("2017-08-08T04:03:27.000000").unwrap();
        let none = Timestamp::parse("2017-08-08T04:03:27").unwrap();
        assert_eq!(zero, none);
        let one = Timestamp::parse("2017-08-08T04:03:27.5").unwrap();
        assert_eq!(one.nanos, 500_000_000);
        let ns9 = Timestamp::parse("2017-08-08T04:03:27.123456789").unwrap();
        assert_eq!(ns9.nanos, 123_456_789);
        let twelve = Timestamp::parse("2017-08-08T04:03:27.123456789999").unwrap();
        assert_eq!(twelve.nanos, 123_456_789);
    }

    #[test]
    fn zone_forms_agree() {
        let plain = Timestamp::parse("2024-02-29T23:59:59").unwrap();
        for form in [
            "2024-02-29T23:59:59Z",
            "2024-02-29T23:59:59+00:00",
            "2024-03-01T01:59:59+02:00",
        ] {
            assert_eq!(Timestamp::parse(form).unwrap(), plain, "{form}");
        }
        assert_eq!(
            Timestamp::parse("2024-02-29T22:59:59-01:00").unwrap(),
            plain
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2017-13-01T00:00:00",
            "2017-02-30T00:00:00",
            "2017-08-08T04:03:27.",
            "2017-08-08T04:03:27+5",
            "2017-08-08T04:03:27 UTC",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        let t = Timestamp::parse("1999-12-31T23:59:59.25").unwrap();
        assert_eq!(t.display_utc(), "1999-12-31 23:59:59");
        assert_eq!(t.to_vbs_string(), "1999-12-31T23:59:59.250000");
        assert_eq!(Timestamp::parse(&t.to_rfc3339()).unwrap(), t);
        assert_eq!(sdk_date(1_573_788_215), "20191115T032335Z");
        assert_eq!(parse_sdk_date("20191115T032335Z"), Some(1_573_788_215));
        assert_eq!(parse_sdk_date("2019-11-15"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(relative_age(0, 59), "59s ago");
        assert_eq!(relative_age(0, 3 * 86_400), "3d ago");
        assert_eq!(relative_age(0, 3 * 31_536_000 + 5), "3y ago");
        assert_eq!(relative_age(100, 0), "in 1m");
    }
}
