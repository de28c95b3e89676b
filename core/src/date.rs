//! Calendar dates without a time zone (`YYYY-MM-DD`), enough for needed-by dates, lead times
//! and working days. Days are counted with the proleptic Gregorian calendar.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Days off besides weekends: national holidays and *cuti bersama*, which the government sets
/// each year (SKB 3 Menteri). Read from a plain list: one `YYYY-MM-DD` per line, a name after
/// it, `#` for comments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holidays(BTreeMap<Date, String>);

impl Holidays {
    /// Parses the list; a bad line is named by its number.
    pub fn parse(text: &str) -> Result<Holidays, String> {
        let mut days = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (first, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let day = Date::parse(first)
                .ok_or_else(|| format!("line {}: {first:?} is not a date (YYYY-MM-DD)", n + 1))?;
            days.insert(day, name.trim().to_owned());
        }
        Ok(Holidays(days))
    }

    pub fn from_dates(dates: impl IntoIterator<Item = Date>) -> Holidays {
        Holidays(dates.into_iter().map(|d| (d, String::new())).collect())
    }

    pub fn from_entries(entries: impl IntoIterator<Item = (Date, String)>) -> Holidays {
        Holidays(entries.into_iter().collect())
    }

    /// Each day off with its name, in date order.
    pub fn entries(&self) -> impl Iterator<Item = (Date, &str)> {
        self.0.iter().map(|(d, n)| (*d, n.as_str()))
    }

    pub fn contains(&self, day: Date) -> bool {
        self.0.contains_key(&day)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last day on the list, to warn when the list runs out.
    pub fn last(&self) -> Option<Date> {
        self.0.keys().next_back().copied()
    }
}

/// How far ahead the list of days off must reach before someone is asked to extend it.
pub const HOLIDAYS_WARN_DAYS: i64 = 60;

/// Whether a list of days off whose last day is `last` needs next year's days soon (or has
/// none at all) — the server's log and the admin's tab say so on the same rule.
pub fn holidays_end_soon(last: Option<Date>, today: Date) -> bool {
    last.is_none_or(|last| last < today.add_days(HOLIDAYS_WARN_DAYS))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// `2026-03-01`; anything else, or a day that does not exist, is `None`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        if !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return None;
        }
        let year = s[0..4].parse().ok()?;
        let month = s[5..7].parse().ok()?;
        let day = s[8..10].parse().ok()?;
        Date::new(year, month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    pub fn days_until(self, later: Date) -> i64 {
        later.to_days() - self.to_days()
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.to_days() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// Monday to Friday, and not a holiday.
    pub fn is_working_day(self, holidays: &Holidays) -> bool {
        !matches!(self.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(self)
    }

    /// The date `n` working days after this one: weekends and `holidays` are skipped.
    pub fn add_working_days(self, n: u32, holidays: &Holidays) -> Date {
        let mut d = self;
        let mut left = n;
        while left > 0 {
            d = d.add_days(1);
            if d.is_working_day(holidays) {
                left -= 1;
            }
        }
        d
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Date, String> {
        Date::parse(&s).ok_or_else(|| format!("not a date written YYYY-MM-DD: {s:?}"))
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(d("2026-11-28").to_string(), "2026-11-28");
        assert!(Date::parse("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "26-01-01",
            "2026/01/01",
            "",
            "2026-1-01",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(d("2000-03-01").to_days(), 11_017);
        for days in [-1000, -1, 0, 1, 59, 365, 10_957, 20_000, 30_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
        assert_eq!(d("2028-02-28").add_days(1), d("2028-02-29"));
        assert_eq!(d("2026-11-28").days_until(d("2027-01-27")), 60);
    }

    #[test]
    fn weekdays_and_working_days() {
        assert_eq!(d("2026-11-28").weekday(), Weekday::Saturday);
        assert_eq!(d("2026-11-30").weekday(), Weekday::Monday);
        let none = Holidays::default();
        // Friday + 3 working days = Wednesday.
        assert_eq!(d("2026-11-27").add_working_days(3, &none), d("2026-12-02"));
        // Saturday + 1 working day = Monday.
        assert_eq!(d("2026-11-28").add_working_days(1, &none), d("2026-11-30"));
        assert_eq!(d("2026-11-30").add_working_days(0, &none), d("2026-11-30"));
    }

    #[test]
    fn holidays_are_not_working_days() {
        let christmas = Holidays::parse(
            "# Natal\n2026-12-24 Cuti bersama Natal\n\n2026-12-25   Hari Raya Natal\n",
        )
        .unwrap();
        assert_eq!(christmas.len(), 2);
        assert_eq!(
            christmas.entries().nth(1),
            Some((d("2026-12-25"), "Hari Raya Natal"))
        );
        assert!(!d("2026-12-24").is_working_day(&christmas));
        assert!(d("2026-12-23").is_working_day(&christmas));
        // Tuesday 22 Dec + 3 working days skips Thu 24, Fri 25 and the weekend: Tuesday 29.
        assert_eq!(
            d("2026-12-22").add_working_days(3, &christmas),
            d("2026-12-29")
        );
        assert_eq!(
            d("2026-12-22").add_working_days(3, &Holidays::default()),
            d("2026-12-25")
        );
    }

    #[test]
    fn a_list_ending_within_sixty_days_asks_for_more() {
        let today = d("2026-11-29");
        assert!(holidays_end_soon(None, today));
        assert!(holidays_end_soon(Some(d("2026-12-25")), today));
        assert!(!holidays_end_soon(Some(d("2027-12-25")), today));
    }

    #[test]
    fn a_bad_holiday_line_is_named() {
        let err = Holidays::parse("2026-12-25 Natal\n25-12-2026 Natal\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        assert!(Holidays::parse("2026-02-30 Tidak ada\n").is_err());
    }

    #[test]
    fn serde_checks_the_date() {
        assert_eq!(
            serde_json::to_string(&d("2026-03-01")).unwrap(),
            "\"2026-03-01\""
        );
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }
}
