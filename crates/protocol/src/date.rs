//! Calendar dates as citizens type them (dd/mm/yyyy) and as data stores
//! them (ISO 8601 `yyyy-mm-dd`), and the date in Vietnam at a moment: the
//! "today" of the form rules, the receipt and the office's checks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ValueError;

/// A day of the proleptic Gregorian calendar, years 1000–9999.
///
/// Parsed from `dd/mm/yyyy` (the form Vietnamese papers use; `d/m/yyyy`,
/// `.` and `-` separators accepted) or from ISO 8601 `yyyy-mm-dd`, the
/// canonical form in normalized data and manifests. `Display` writes
/// `dd/mm/yyyy`; [`Date::iso`] writes `yyyy-mm-dd`.
///
/// ```
/// use motcua_protocol::Date;
/// let d: Date = "5/11/2026".parse()?;
/// assert_eq!(d.iso(), "2026-11-05");
/// assert_eq!(d.to_string(), "05/11/2026");
/// assert!("31/02/2026".parse::<Date>().is_err());
/// # Ok::<(), motcua_protocol::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date in Vietnam (UTC+7, no daylight saving) at `unix` seconds
    /// since 1970-01-01T00:00:00Z; `None` outside years 1000–9999. The
    /// caller reads the clock: `SystemTime` natively, `Date.now()` in the
    /// browser.
    pub fn in_vietnam_at(unix: i64) -> Option<Self> {
        const VIETNAM_OFFSET: i64 = 7 * 3600;
        Self::from_days_since_epoch(unix.checked_add(VIETNAM_OFFSET)?.div_euclid(86_400))
    }

    /// The date with these parts, if it exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// ISO 8601 `yyyy-mm-dd`, the canonical form in normalized data.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if its year is within 1000–9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        // Howard Hinnant's civil_from_days.
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Self::new(
            i32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        )
    }

    /// Full years from `self` (a birth date) to `on`; negative if `on` is earlier.
    pub fn years_until(self, on: Self) -> i32 {
        let mut years = on.year() - self.year();
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn number(part: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if part.len() < min_len || part.len() > max_len || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl FromStr for Date {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let bad = || ValueError::Date(s.to_owned());
        let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(bad());
        };
        let (y, m, d) = if a.len() == 4 && t.as_bytes().get(4) == Some(&b'-') {
            // ISO 8601: exactly yyyy-mm-dd.
            (number(a, 4, 4), number(b, 2, 2), number(c, 2, 2))
        } else {
            (number(c, 4, 4), number(b, 1, 2), number(a, 1, 2))
        };
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(bad());
        };
        Self::new(i32::try_from(y).map_err(|_| bad())?, m, d).ok_or_else(bad)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_vietnamese_and_iso_forms() {
        assert_eq!(d("25/11/2026"), Date::new(2026, 11, 25).unwrap());
        assert_eq!(d("1/2/2000"), Date::new(2000, 2, 1).unwrap());
        assert_eq!(d("01.02.2000"), d("2000-02-01"));
        assert_eq!(d(" 29/02/2024 ").iso(), "2024-02-29");
    }

    #[test]
    fn refuses_impossible_or_ambiguous_dates() {
        for bad in [
            "",
            "29/02/2025",
            "31/04/2026",
            "00/01/2026",
            "1/13/2026",
            "1/1/26",
            "2026/01/01",
            "2026-1-01",
            "1/1/2026/1",
            "a/b/cccc",
            "+1/1/2026",
            "１/1/2026",
            "1/1/0999",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        for days in [-300_000_i64, -1, 0, 1, 20_000, 2_000_000] {
            let date = Date::from_days_since_epoch(days).unwrap();
            assert_eq!(date.days_since_epoch(), days);
        }
        assert_eq!(Date::from_days_since_epoch(i64::MAX), None);
    }

    #[test]
    fn the_date_in_vietnam_is_utc_plus_seven() {
        // 2026-11-25T16:59:59Z is 23:59:59 in Hanoi; a second later, the 26th.
        assert_eq!(Date::in_vietnam_at(1_795_625_999), Date::new(2026, 11, 25));
        assert_eq!(Date::in_vietnam_at(1_795_626_000), Date::new(2026, 11, 26));
        // Before 1970 the day still turns at midnight in Hanoi: truncating
        // division would give 1970-01-01 for the evening of 31 December 1969.
        assert_eq!(Date::in_vietnam_at(-7 * 3600 - 1), Date::new(1969, 12, 31));
        assert_eq!(Date::in_vietnam_at(-7 * 3600), Date::new(1970, 1, 1));
        assert_eq!(Date::in_vietnam_at(-86_400 * 365), Date::new(1969, 1, 1));
        assert_eq!(Date::in_vietnam_at(i64::MAX), None);
    }

    #[test]
    fn full_years() {
        assert_eq!(d("2000-05-10").years_until(d("2026-05-09")), 25);
        assert_eq!(d("2000-05-10").years_until(d("2026-05-10")), 26);
    }
}
