//! Calendar dates as written in claim files (`YYYY-MM-DD`) and in the code-set data (`YYYYMMDD`).

use std::fmt;

/// A real calendar date, stored as the number `YYYYMMDD` so that ordering is plain integer ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(u32);

/// Why a piece of text is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    Format,
    /// The form is right but no such day exists (e.g. `2026-02-30`).
    NoSuchDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => write!(f, "a date is written YYYY-MM-DD, e.g. 2026-03-02"),
            DateError::NoSuchDay => write!(f, "there is no such day in the calendar"),
        }
    }
}

impl Date {
    /// Builds a date from its parts, if that day exists.
    pub fn from_ymd(year: u32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(year * 10_000 + month * 100 + day))
    }

    /// Parses the claim-file form `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(DateError::Format);
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        Date::from_ymd(number(0..4), number(5..7), number(8..10)).ok_or(DateError::NoSuchDay)
    }

    /// Parses the data-file form `YYYYMMDD`.
    pub fn parse_compact(text: &str) -> Option<Date> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Eight digits: a `u32` without the general parse (asked for every date of a file).
        let n = text.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        Date::from_ymd(n / 10_000, n / 100 % 100, n % 100)
    }

    pub fn year(self) -> u32 {
        self.0 / 10_000
    }
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    pub fn day(self) -> u32 {
        self.0 % 100
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((seconds / 86_400) as i64)
    }

    /// Converts a count of days since 1970-01-01 to a date (Howard Hinnant's civil-from-days).
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        Date(year * 10_000 + month * 100 + day)
    }

    /// Whole years from `self` (a date of birth) to `on`; `None` when `on` is before `self`.
    pub fn age_on(self, on: Date) -> Option<u32> {
        if on < self {
            return None;
        }
        let mut years = on.year() - self.year();
        if (on.month(), on.day()) < (self.month(), self.day()) {
            years -= 1;
        }
        Some(years)
    }

    /// The day before this one.
    pub fn previous_day(self) -> Date {
        if self.day() > 1 {
            return Date(self.0 - 1);
        }
        let (year, month) =
            if self.month() == 1 { (self.year() - 1, 12) } else { (self.year(), self.month() - 1) };
        Date(year * 10_000 + month * 100 + days_in_month(year, month))
    }

    /// The US federal fiscal year the date falls in (FY2026 runs 2025-10-01 to 2026-09-30),
    /// which is how ICD-10 code sets are versioned.
    pub fn fiscal_year(self) -> u32 {
        if self.month() >= 10 { self.year() + 1 } else { self.year() }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2026-03-02").unwrap().to_string(), "2026-03-02");
        assert_eq!(Date::parse("2024-02-29").unwrap().day(), 29);
        assert_eq!(Date::parse("2026-02-29"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("2026-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("2026-3-2"), Err(DateError::Format));
        assert_eq!(Date::parse("２０２６-03-02"), Err(DateError::Format));
        assert_eq!(Date::parse_compact("20151001").unwrap().to_string(), "2015-10-01");
    }

    #[test]
    fn ages_and_fiscal_years() {
        let dob = Date::parse("1980-04-12").unwrap();
        assert_eq!(dob.age_on(Date::parse("2026-04-11").unwrap()), Some(45));
        assert_eq!(dob.age_on(Date::parse("2026-04-12").unwrap()), Some(46));
        assert_eq!(dob.age_on(Date::parse("1979-01-01").unwrap()), None);
        assert_eq!(Date::parse("2025-10-01").unwrap().fiscal_year(), 2026);
        assert_eq!(Date::parse("2026-09-30").unwrap().fiscal_year(), 2026);
        assert_eq!(Date::parse("2026-03-01").unwrap().previous_day().to_string(), "2026-02-28");
        assert_eq!(Date::parse("2026-01-01").unwrap().previous_day().to_string(), "2025-12-31");
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(20_415).to_string(), "2025-11-23");
    }
}
