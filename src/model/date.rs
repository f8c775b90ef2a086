//! Dates at the precision the sources give them.
//!
//! "FY2001" is a Japanese fiscal year (1 April 2001 to 31 March 2002), "July 2021" a month,
//! "1 April 2024" a day. Rounding any of these to a calendar date would invent precision, so
//! a [`PartialDate`] keeps what was said and answers range questions through its earliest and
//! latest possible days.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar day, ordered chronologically.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Day { year, month, day }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How precisely a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Precision {
    Year,
    FiscalYear,
    Month,
    Day,
}

/// A date known to the year, the Japanese fiscal year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PartialDate {
    Year(i32),
    /// A Japanese government fiscal year, from 1 April of `.0` to 31 March of the next year.
    FiscalYear(i32),
    Month(i32, u8),
    Day(Day),
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month of a year (`month` in 1..=12).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn parse_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_2(s: &str) -> Option<u8> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl PartialDate {
    /// Parses `YYYY`, `FYYYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(s: &str) -> Result<Self, String> {
        let shape = "expected YYYY, FYYYYY (Japanese fiscal year), YYYY-MM or YYYY-MM-DD";
        if let Some(fy) = s.strip_prefix("FY") {
            return parse_year(fy)
                .map(PartialDate::FiscalYear)
                .ok_or_else(|| format!("`{s}` is not a date: {shape}"));
        }
        let parts: Vec<&str> = s.split('-').collect();
        let year = parts
            .first()
            .and_then(|y| parse_year(y))
            .ok_or_else(|| format!("`{s}` is not a date: {shape}"))?;
        let month = match parts.get(1) {
            None => return Ok(PartialDate::Year(year)),
            Some(m) => parse_2(m).ok_or_else(|| format!("`{s}` is not a date: {shape}"))?,
        };
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}: months run from 01 to 12"));
        }
        let day = match parts.get(2) {
            None => return Ok(PartialDate::Month(year, month)),
            Some(d) => parse_2(d).ok_or_else(|| format!("`{s}` is not a date: {shape}"))?,
        };
        if parts.len() > 3 {
            return Err(format!("`{s}` is not a date: {shape}"));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(format!(
                "`{s}` is an impossible date: {year}-{month:02} has days 01 to {last}"
            ));
        }
        Ok(PartialDate::Day(Day::new(year, month, day)))
    }

    pub fn precision(&self) -> Precision {
        match self {
            PartialDate::Year(_) => Precision::Year,
            PartialDate::FiscalYear(_) => Precision::FiscalYear,
            PartialDate::Month(..) => Precision::Month,
            PartialDate::Day(_) => Precision::Day,
        }
    }

    /// The first day this date can mean.
    pub fn earliest(&self) -> Day {
        match *self {
            PartialDate::Year(y) => Day::new(y, 1, 1),
            PartialDate::FiscalYear(y) => Day::new(y, 4, 1),
            PartialDate::Month(y, m) => Day::new(y, m, 1),
            PartialDate::Day(d) => d,
        }
    }

    /// The last day this date can mean.
    pub fn latest(&self) -> Day {
        match *self {
            PartialDate::Year(y) => Day::new(y, 12, 31),
            PartialDate::FiscalYear(y) => Day::new(y + 1, 3, 31),
            PartialDate::Month(y, m) => Day::new(y, m, days_in_month(y, m)),
            PartialDate::Day(d) => d,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::FiscalYear(y) => write!(f, "FY{y:04}"),
            PartialDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Day(d) => d.fmt(f),
        }
    }
}

/// A span of time as the source states it; either end may be unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    /// The source's own wording, e.g. "FY 2001 ~ 2004".
    pub text: Option<String>,
}

impl Period {
    /// Whether this period can overlap the days `from..=to` (either bound open).
    ///
    /// An unknown start or end is open on that side, so a project "launched in July 2021"
    /// counts as active in 2022 unless the source says it ended.
    pub fn overlaps(&self, from: Option<Day>, to: Option<Day>) -> bool {
        if self.start.is_none() && self.end.is_none() {
            return false;
        }
        let starts_after_range = matches!((self.start, to), (Some(s), Some(t)) if s.earliest() > t);
        let ends_before_range = matches!((self.end, from), (Some(e), Some(f)) if e.latest() < f);
        !starts_after_range && !ends_before_range
    }
}

/// `time` as RFC 3339 in UTC, to the second: `2026-11-22T19:35:22Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        let at = |s: u64| rfc3339(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        // `date -u -d @1795203322`
        assert_eq!(at(1_795_203_322), "2026-11-20T19:35:22Z");
    }

    #[test]
    fn parses_each_precision_and_keeps_it() {
        for (text, precision, earliest, latest) in [
            ("2021", Precision::Year, "2021-01-01", "2021-12-31"),
            ("FY2001", Precision::FiscalYear, "2001-04-01", "2002-03-31"),
            ("2021-07", Precision::Month, "2021-07-01", "2021-07-31"),
            ("2024-02", Precision::Month, "2024-02-01", "2024-02-29"),
            ("2026-03-31", Precision::Day, "2026-03-31", "2026-03-31"),
        ] {
            let d = PartialDate::parse(text).unwrap();
            assert_eq!(d.precision(), precision, "{text}");
            assert_eq!(d.to_string(), text);
            assert_eq!(d.earliest().to_string(), earliest, "{text}");
            assert_eq!(d.latest().to_string(), latest, "{text}");
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for (text, message) in [
            ("2021-02-29", "impossible date: 2021-02 has days 01 to 28"),
            ("2021-13", "month 13"),
            ("2021-00-10", "month 0"),
            ("21-07", "not a date"),
            ("FY01", "not a date"),
            ("July 2021", "not a date"),
            ("2021-07-01-02", "not a date"),
        ] {
            let err = PartialDate::parse(text).unwrap_err();
            assert!(err.contains(message), "{text}: {err}");
        }
    }

    #[test]
    fn periods_overlap_with_open_ends() {
        let fy = Period {
            start: Some(PartialDate::FiscalYear(2001)),
            end: Some(PartialDate::FiscalYear(2004)),
            text: None,
        };
        // FY2004 ends on 31 March 2005, so the project was still running in early 2005.
        assert!(fy.overlaps(Some(Day::new(2005, 1, 1)), Some(Day::new(2005, 12, 31))));
        assert!(!fy.overlaps(Some(Day::new(2005, 4, 1)), None));
        assert!(!fy.overlaps(None, Some(Day::new(2001, 3, 31))));
        let launched = Period {
            start: Some(PartialDate::Month(2021, 7)),
            end: None,
            text: None,
        };
        assert!(launched.overlaps(Some(Day::new(2023, 1, 1)), Some(Day::new(2023, 12, 31))));
        assert!(!launched.overlaps(Some(Day::new(2021, 1, 1)), Some(Day::new(2021, 6, 30))));
        assert!(!Period::default().overlaps(None, None));
    }
}
