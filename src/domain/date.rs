//! Dates known to a precision: a day, a month, a season or a year.
//!
//! A `FuzzyDate` is the range of days it may denote (`start..=end`), the precision its bounds are
//! known to, and a label for people ("early 2024"). A multi-day span known to the day
//! ("27–30 August 2023") has day precision and a range longer than a day.

use std::fmt;
use std::str::FromStr;

use time::{Date, Month};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    Day,
    Month,
    Season,
    Year,
}

impl Precision {
    /// Every precision, finest first.
    pub const ALL: &'static [Precision] = &[Self::Day, Self::Month, Self::Season, Self::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
            Self::Season => "season",
            Self::Year => "year",
        }
    }

    /// How the precision reads in a sentence: "known to the month".
    pub fn description(self) -> &'static str {
        match self {
            Self::Day => "known to the day",
            Self::Month => "known to the month",
            Self::Season => "known to a part of the year",
            Self::Year => "known to the year",
        }
    }
}

impl FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Self::Day),
            "month" => Ok(Self::Month),
            "season" => Ok(Self::Season),
            "year" => Ok(Self::Year),
            other => Err(format!(
                "\"{other}\" is not a precision: expected day, month, season or year"
            )),
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzyDate {
    start: Date,
    end: Date,
    precision: Precision,
    label: String,
}

const ISO: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses a calendar day written `YYYY-MM-DD`.
/// Today, in UTC: the day agreements' statuses and policy actions' phases are judged against,
/// and the day a kept page depends on.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

pub fn parse_day(input: &str) -> Result<Date, String> {
    let well_formed = input.len() == 10
        && input.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(format!("\"{input}\" is not a date like 2023-08-29"));
    }
    Date::parse(input, ISO).map_err(|_| format!("\"{input}\" is not a real date"))
}

/// Formats a day as `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn parse_year(input: &str) -> Result<i32, String> {
    if input.len() == 4 && input.bytes().all(|b| b.is_ascii_digit()) {
        input
            .parse()
            .map_err(|_| format!("\"{input}\" is not a year"))
    } else {
        Err(format!("\"{input}\" is not a four-digit year"))
    }
}

fn day(year: i32, month: Month, day: u8) -> Result<Date, String> {
    Date::from_calendar_date(year, month, day).map_err(|e| format!("no such day: {e}"))
}

fn month_end(year: i32, month: Month) -> Result<Date, String> {
    day(year, month, month.length(year))
}

pub fn month_name(month: Month) -> &'static str {
    match month {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

/// A stored `YYYY-MM-DD` day in words ("28 August 2023"); text that is not such a day is
/// returned as it is.
pub fn stored_day_label(text: &str) -> String {
    parse_day(text).map_or_else(|_| text.to_owned(), day_label)
}

/// "28 August 2023".
pub fn day_label(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name(date.month()),
        date.year()
    )
}

fn span_label(start: Date, end: Date) -> String {
    if start == end {
        day_label(start)
    } else if start.year() == end.year() && start.month() == end.month() {
        format!(
            "{}–{} {} {}",
            start.day(),
            end.day(),
            month_name(end.month()),
            end.year()
        )
    } else if start.year() == end.year() {
        format!(
            "{} {} – {} {} {}",
            start.day(),
            month_name(start.month()),
            end.day(),
            month_name(end.month()),
            end.year()
        )
    } else {
        format!("{} – {}", day_label(start), day_label(end))
    }
}

impl FuzzyDate {
    /// Parses the dataset's date strings: `2023-08-28`, `2023-08-27/2023-08-30`, `2023-08`,
    /// `early 2024` (also `mid`, `late`, `spring`, `summer`, `autumn`/`fall`, `winter`), `2023`.
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if let Some((from, to)) = input.split_once('/') {
            let (start, end) = (parse_day(from.trim())?, parse_day(to.trim())?);
            return Self::new(start, end, Precision::Day, None);
        }
        if let Some((part, year)) = input.split_once(' ') {
            let year = parse_year(year.trim())?;
            let (start, end) = match part.to_ascii_lowercase().as_str() {
                "early" => (
                    day(year, Month::January, 1)?,
                    month_end(year, Month::April)?,
                ),
                "mid" => (day(year, Month::May, 1)?, month_end(year, Month::August)?),
                "late" => (
                    day(year, Month::September, 1)?,
                    month_end(year, Month::December)?,
                ),
                "spring" => (day(year, Month::March, 1)?, month_end(year, Month::May)?),
                "summer" => (day(year, Month::June, 1)?, month_end(year, Month::August)?),
                "autumn" | "fall" => (
                    day(year, Month::September, 1)?,
                    month_end(year, Month::November)?,
                ),
                "winter" => (
                    day(year, Month::December, 1)?,
                    month_end(year + 1, Month::February)?,
                ),
                other => {
                    return Err(format!(
                        "\"{other}\" is not a part of the year: expected early, mid, late, spring, summer, autumn, fall or winter"
                    ));
                }
            };
            let mut label = part.to_ascii_lowercase();
            label[..1].make_ascii_uppercase();
            let label = if part.eq_ignore_ascii_case("winter") {
                format!("Winter {year}–{}", year + 1)
            } else {
                format!("{label} {year}")
            };
            return Self::new(start, end, Precision::Season, Some(label));
        }
        match input.len() {
            10 => {
                let date = parse_day(input)?;
                Self::new(date, date, Precision::Day, None)
            }
            7 => {
                let (year, month) = input.split_at(4);
                let year = parse_year(year)?;
                let month = month
                    .strip_prefix('-')
                    .filter(|m| m.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|m| m.parse::<u8>().ok())
                    .and_then(|m| Month::try_from(m).ok())
                    .ok_or_else(|| format!("\"{input}\" is not a month like 2023-08"))?;
                Self::new(
                    day(year, month, 1)?,
                    month_end(year, month)?,
                    Precision::Month,
                    None,
                )
            }
            4 => {
                let year = parse_year(input)?;
                Self::new(
                    day(year, Month::January, 1)?,
                    day(year, Month::December, 31)?,
                    Precision::Year,
                    None,
                )
            }
            _ => Err(format!(
                "\"{input}\" is not a date: expected 2023-08-28, 2023-08-27/2023-08-30, 2023-08, early 2024 or 2023"
            )),
        }
    }

    /// A date from explicit parts; without a label one is derived from the range and precision.
    pub fn new(
        start: Date,
        end: Date,
        precision: Precision,
        label: Option<String>,
    ) -> Result<Self, String> {
        if end < start {
            return Err(format!(
                "ends ({}) before it starts ({})",
                iso(end),
                iso(start)
            ));
        }
        let label = match label {
            Some(label) if !label.trim().is_empty() => label.trim().to_owned(),
            _ => Self::derive_label(start, end, precision),
        };
        Ok(Self {
            start,
            end,
            precision,
            label,
        })
    }

    fn derive_label(start: Date, end: Date, precision: Precision) -> String {
        let whole_month = start.day() == 1
            && start.year() == end.year()
            && start.month() == end.month()
            && end.day() == end.month().length(end.year());
        let whole_year = start.year() == end.year()
            && (start.month(), start.day()) == (Month::January, 1)
            && (end.month(), end.day()) == (Month::December, 31);
        match precision {
            Precision::Day => span_label(start, end),
            Precision::Month if whole_month => {
                format!("{} {}", month_name(start.month()), start.year())
            }
            Precision::Year if whole_year => start.year().to_string(),
            _ => format!("between {} and {}", day_label(start), day_label(end)),
        }
    }

    pub fn start(&self) -> Date {
        self.start
    }
    pub fn end(&self) -> Date {
        self.end
    }
    pub fn precision(&self) -> Precision {
        self.precision
    }
    pub fn label(&self) -> &str {
        &self.label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_stored_day_reads_in_words_and_other_text_is_kept() {
        assert_eq!(stored_day_label("2023-08-28"), "28 August 2023");
        assert_eq!(stored_day_label("2023-08"), "2023-08");
        assert_eq!(stored_day_label("2023-02-30"), "2023-02-30");
    }

    fn parsed(input: &str) -> FuzzyDate {
        FuzzyDate::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn a_day_is_a_one_day_range_known_to_the_day() {
        let d = parsed("2023-08-28");
        assert_eq!(
            (d.start(), d.end(), d.precision()),
            (date!(2023 - 08 - 28), date!(2023 - 08 - 28), Precision::Day)
        );
        assert_eq!(d.label(), "28 August 2023");
    }

    #[test]
    fn a_span_of_days_keeps_day_precision_and_reads_as_a_span() {
        let d = parsed("2023-08-27/2023-08-30");
        assert_eq!(
            (d.start(), d.end(), d.precision()),
            (date!(2023 - 08 - 27), date!(2023 - 08 - 30), Precision::Day)
        );
        assert_eq!(d.label(), "27–30 August 2023");
        assert_eq!(
            parsed("2023-07-30/2023-08-02").label(),
            "30 July – 2 August 2023"
        );
        assert_eq!(
            parsed("2023-12-30/2024-01-02").label(),
            "30 December 2023 – 2 January 2024"
        );
    }

    #[test]
    fn a_month_covers_all_its_days() {
        let d = parsed("2022-11");
        assert_eq!(
            (d.start(), d.end(), d.precision()),
            (
                date!(2022 - 11 - 01),
                date!(2022 - 11 - 30),
                Precision::Month
            )
        );
        assert_eq!(d.label(), "November 2022");
        assert_eq!(parsed("2024-02").end(), date!(2024 - 02 - 29), "leap year");
    }

    #[test]
    fn parts_of_the_year_are_seasons() {
        let d = parsed("early 2024");
        assert_eq!(
            (d.start(), d.end(), d.precision()),
            (
                date!(2024 - 01 - 01),
                date!(2024 - 04 - 30),
                Precision::Season
            )
        );
        assert_eq!(d.label(), "Early 2024");
        assert_eq!(parsed("late 2023").start(), date!(2023 - 09 - 01));
        assert_eq!(parsed("summer 2023").end(), date!(2023 - 08 - 31));
        let winter = parsed("winter 2023");
        assert_eq!(
            (winter.start(), winter.end()),
            (date!(2023 - 12 - 01), date!(2024 - 02 - 29))
        );
        assert_eq!(winter.label(), "Winter 2023–2024");
    }

    #[test]
    fn a_year_covers_the_whole_year() {
        let d = parsed("2023");
        assert_eq!(
            (d.start(), d.end(), d.precision()),
            (
                date!(2023 - 01 - 01),
                date!(2023 - 12 - 31),
                Precision::Year
            )
        );
        assert_eq!(d.label(), "2023");
    }

    #[test]
    fn explicit_parts_keep_their_label_or_derive_one() {
        let d = FuzzyDate::new(
            date!(2023 - 05 - 29),
            date!(2023 - 08 - 29),
            Precision::Season,
            None,
        )
        .unwrap();
        assert_eq!(d.label(), "between 29 May 2023 and 29 August 2023");
        let d = FuzzyDate::new(
            date!(2023 - 05 - 29),
            date!(2023 - 08 - 29),
            Precision::Season,
            Some("summer".into()),
        );
        assert_eq!(d.unwrap().label(), "summer");
    }

    #[test]
    fn impossible_and_malformed_dates_are_rejected_with_a_reason() {
        for bad in [
            "2023-02-30",
            "2023-13",
            "2023-8-1",
            "23",
            "someday 2023",
            "early",
            "2023-08-30/2023-08-27",
            "",
            "２０２３",
        ] {
            assert!(FuzzyDate::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            parse_day("2023-02-30"),
            Err("\"2023-02-30\" is not a real date".into())
        );
        assert_eq!(
            parse_day("29/08/2023"),
            Err("\"29/08/2023\" is not a date like 2023-08-29".into())
        );
    }
}
