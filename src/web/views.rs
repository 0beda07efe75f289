//! What pages render, built from database rows: display strings are made here so templates
//! hold nothing but loops and conditionals.

use crate::db::Named;
use crate::db::annotations::{CitedParagraph, NoteRow};
use crate::db::events::{EventListRow, QuoteRow};
use crate::domain::date::{month_name, parse_day, stored_day_label};
use crate::domain::{EventKind, NoteKind, Precision, TextKind};

/// The label of a stored vocabulary value, or the value itself if it is not one we know.
pub fn kind_label(kind: &str) -> String {
    kind.parse::<EventKind>()
        .map(|k| k.label().to_owned())
        .unwrap_or_else(|_| kind.to_owned())
}

/// The `datetime` attribute for a date range, where HTML can express it (a day, month or year).
pub fn datetime(start: &str, end: &str, precision: &str) -> Option<String> {
    match precision.parse::<Precision>().ok()? {
        Precision::Day if start == end => Some(start.to_owned()),
        Precision::Month if start.get(..7) == end.get(..7) => start.get(..7).map(str::to_owned),
        Precision::Year if start.get(..4) == end.get(..4) => start.get(..4).map(str::to_owned),
        _ => None,
    }
}

/// A source's publication date as stored (first day, last day, precision, label): its label
/// ("29 August 2023", "August 2023") and the `datetime` attribute where HTML can say it.
pub fn published(
    start: &str,
    end: Option<&str>,
    precision: &str,
    label: Option<&str>,
) -> (String, Option<String>) {
    let label = match label {
        Some(label) => label.to_owned(),
        None => stored_day_label(start),
    };
    (label, datetime(start, end.unwrap_or(start), precision))
}

/// The paragraphs and points a quote or note cites, stored as `kind:number` joined by commas
/// (`full-text:6,summary:2`), as people read them: "¶ 6, point 2".
pub fn cited_labels(stored: &str) -> String {
    stored
        .split(',')
        .filter_map(|item| {
            let (kind, number) = item.split_once(':')?;
            Some(TextKind::from_stored(kind).cite_label(number.trim().parse().ok()?))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "known to the month", for a stored precision.
pub fn precision_description(precision: &str) -> String {
    precision
        .parse::<Precision>()
        .map(|p| p.description().to_owned())
        .unwrap_or_default()
}

/// "3 March 2021 – 20 January 2025", "since 11 March 2023": when a role was held.
pub fn role_period(start: Option<&str>, end: Option<&str>) -> String {
    let label = stored_day_label;
    match (start, end) {
        (Some(s), Some(e)) => format!("{} – {}", label(s), label(e)),
        (Some(s), None) => format!("since {}", label(s)),
        (None, Some(e)) => format!("until {}", label(e)),
        (None, None) => String::new(),
    }
}

/// A person's title as a headline: a role that has ended reads "Former … (2021–2025)".
pub fn role_headline(
    title: &str,
    start: Option<&str>,
    end: Option<&str>,
    today: time::Date,
) -> String {
    let ended = end
        .and_then(|e| parse_day(e).ok())
        .is_some_and(|e| e < today);
    if !ended {
        return title.to_owned();
    }
    let year = |d: Option<&str>| d.and_then(|d| d.get(..4)).unwrap_or("?").to_owned();
    format!("Former {title} ({}–{})", year(start), year(end))
}

/// An event in a list.
#[derive(Debug, Clone)]
pub struct EventCard {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    pub date_label: String,
    pub datetime: Option<String>,
    pub precision: String,
    pub planned: bool,
    pub location: Option<String>,
    pub participants: Vec<Named>,
    pub topics: Vec<Named>,
    /// The countries that acted, shown with each side's accent.
    pub sides: Vec<Named>,
    year: String,
    period: String,
}

impl From<EventListRow> for EventCard {
    fn from(row: EventListRow) -> Self {
        let same_month = row.date_start.get(..7) == row.date_end.get(..7);
        let year = row.date_start.get(..4).unwrap_or_default().to_owned();
        // Events known to the day or month sit under their month; coarser ones under their label.
        let period = if row.date_precision == "day" || (row.date_precision == "month" && same_month)
        {
            let month = row
                .date_start
                .get(5..7)
                .and_then(|m| m.parse::<u8>().ok())
                .and_then(|m| time::Month::try_from(m).ok());
            month
                .map(|m| format!("{} {year}", month_name(m)))
                .unwrap_or_else(|| year.clone())
        } else if row.date_precision == "year" && row.date_start.get(..4) == row.date_end.get(..4) {
            format!("{year}, month not known")
        } else {
            row.date_label.clone()
        };
        Self {
            participants: row.participants(),
            topics: row.topics(),
            sides: row.sides(),
            kind_label: kind_label(&row.kind),
            datetime: datetime(&row.date_start, &row.date_end, &row.date_precision),
            precision: precision_description(&row.date_precision),
            planned: row.status == "planned",
            slug: row.slug,
            title: row.title,
            kind: row.kind,
            date_label: row.date_label,
            location: row.location,
            year,
            period,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PeriodGroup {
    pub heading: String,
    pub events: Vec<EventCard>,
}

#[derive(Debug, Clone)]
pub struct YearGroup {
    pub year: String,
    pub periods: Vec<PeriodGroup>,
}

/// Groups events (already in timeline order) by year and then by month or period.
pub fn group_by_period(rows: Vec<EventListRow>) -> Vec<YearGroup> {
    let mut years: Vec<YearGroup> = Vec::new();
    for card in rows.into_iter().map(EventCard::from) {
        if years.last().is_none_or(|y| y.year != card.year) {
            years.push(YearGroup {
                year: card.year.clone(),
                periods: Vec::new(),
            });
        }
        let Some(year) = years.last_mut() else {
            continue;
        };
        match year.periods.last_mut() {
            Some(period) if period.heading == card.period => period.events.push(card),
            _ => year.periods.push(PeriodGroup {
                heading: card.period.clone(),
                events: vec![card],
            }),
        }
    }
    years
}

#[derive(Debug, Clone)]
pub struct NoteView {
    pub kind: String,
    pub label: String,
    pub text: String,
    pub basis: Option<String>,
    pub paragraphs: Option<String>,
}

impl From<NoteRow> for NoteView {
    fn from(row: NoteRow) -> Self {
        let label = row
            .kind
            .parse::<NoteKind>()
            .map(|k| k.label().to_owned())
            .unwrap_or_else(|_| row.kind.clone());
        Self {
            kind: row.kind,
            label,
            text: row.text,
            basis: row.basis,
            paragraphs: row.paragraphs.as_deref().map(cited_labels),
        }
    }
}

pub fn notes(rows: Vec<NoteRow>) -> Vec<NoteView> {
    rows.into_iter().map(NoteView::from).collect()
}

/// One cited paragraph or summary point.
#[derive(Debug, Clone)]
pub struct CitedText {
    pub number: i64,
    /// "¶ 3" or "point 3".
    pub label: String,
    pub text: String,
}

/// The paragraphs (or summary points) a record cites, grouped by source.
#[derive(Debug, Clone)]
pub struct SourceCitations {
    pub slug: String,
    pub title: String,
    /// "29 August 2023"
    pub published: String,
    pub published_datetime: Option<String>,
    /// The texts are the editors' summary points, not the source's words.
    pub summary: bool,
    pub paragraphs: Vec<CitedText>,
}

pub fn citations(rows: Vec<CitedParagraph>) -> Vec<SourceCitations> {
    let mut sources: Vec<SourceCitations> = Vec::new();
    for row in rows {
        let kind = TextKind::from_stored(&row.source_text_kind);
        let cited = CitedText {
            number: row.number,
            label: kind.cite_label(row.number),
            text: row.text,
        };
        match sources.last_mut() {
            Some(source) if source.slug == row.source_slug => source.paragraphs.push(cited),
            _ => {
                let (published, published_datetime) = published(
                    &row.source_published,
                    row.source_published_end.as_deref(),
                    &row.source_published_precision,
                    row.source_published_label.as_deref(),
                );
                sources.push(SourceCitations {
                    slug: row.source_slug,
                    title: row.source_title,
                    published,
                    published_datetime,
                    summary: kind == TextKind::Summary,
                    paragraphs: vec![cited],
                })
            }
        }
    }
    sources
}

/// Quotes as rendered: the text without the quotation marks the page adds around it.
pub fn quotes(rows: Vec<QuoteRow>) -> Vec<QuoteRow> {
    rows.into_iter()
        .map(|mut q| {
            q.text = super::links::unquoted(&q.text).to_owned();
            q.paragraphs = q.paragraphs.as_deref().map(cited_labels);
            q
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(slug: &str, start: &str, end: &str, precision: &str, label: &str) -> EventListRow {
        EventListRow {
            slug: slug.into(),
            title: slug.into(),
            kind: "meeting".into(),
            date_start: start.into(),
            date_end: end.into(),
            date_precision: precision.into(),
            date_label: label.into(),
            status: "occurred".into(),
            location: None,
            summary: String::new(),
            participants: "[]".into(),
            topics: "[]".into(),
            citations: "[]".into(),
            sides: "[]".into(),
        }
    }

    #[test]
    fn events_group_by_year_then_month_or_their_coarser_period() {
        let groups = group_by_period(vec![
            row("a", "2022-11-01", "2022-11-30", "month", "November 2022"),
            row("b", "2023-01-01", "2023-12-31", "year", "2023"),
            row("c", "2023-08-27", "2023-08-30", "day", "27–30 August 2023"),
            row("d", "2023-08-28", "2023-08-28", "day", "28 August 2023"),
            row("e", "2024-01-01", "2024-04-30", "season", "Early 2024"),
        ]);
        let shape: Vec<(String, Vec<(String, usize)>)> = groups
            .iter()
            .map(|y| {
                (
                    y.year.clone(),
                    y.periods
                        .iter()
                        .map(|p| (p.heading.clone(), p.events.len()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("2022".to_owned(), vec![("November 2022".to_owned(), 1)]),
                (
                    "2023".to_owned(),
                    vec![
                        ("2023, month not known".to_owned(), 1),
                        ("August 2023".to_owned(), 2)
                    ]
                ),
                ("2024".to_owned(), vec![("Early 2024".to_owned(), 1)]),
            ]
        );
    }

    #[test]
    fn roles_read_as_periods_and_ended_ones_as_former() {
        use time::macros::date;
        assert_eq!(
            role_period(Some("2021-03-03"), Some("2025-01-20")),
            "3 March 2021 – 20 January 2025"
        );
        assert_eq!(role_period(Some("2023-03-11"), None), "since 11 March 2023");
        let today = date!(2026 - 11 - 28);
        assert_eq!(
            role_headline(
                "US Secretary of Commerce",
                Some("2021-03-03"),
                Some("2025-01-20"),
                today
            ),
            "Former US Secretary of Commerce (2021–2025)"
        );
        assert_eq!(
            role_headline("Premier", Some("2023-03-11"), None, today),
            "Premier"
        );
        assert_eq!(
            role_headline("Premier", Some("2023-03-11"), Some("2030-01-01"), today),
            "Premier"
        );
    }

    #[test]
    fn cited_numbers_read_as_paragraphs_or_points() {
        assert_eq!(cited_labels("full-text:6"), "¶ 6");
        assert_eq!(
            cited_labels("full-text:6,full-text:7,summary:2"),
            "¶ 6, ¶ 7, point 2"
        );
        assert_eq!(cited_labels(""), "");
    }

    #[test]
    fn publication_dates_read_as_their_label_or_their_day() {
        assert_eq!(
            published("2023-08-29", Some("2023-08-29"), "day", None),
            ("29 August 2023".to_owned(), Some("2023-08-29".to_owned()))
        );
        assert_eq!(
            published(
                "2023-08-01",
                Some("2023-08-31"),
                "month",
                Some("August 2023")
            ),
            ("August 2023".to_owned(), Some("2023-08".to_owned()))
        );
    }

    #[test]
    fn datetime_attributes_are_given_only_where_html_can_say_the_precision() {
        assert_eq!(
            datetime("2023-08-28", "2023-08-28", "day").as_deref(),
            Some("2023-08-28")
        );
        assert_eq!(
            datetime("2022-11-01", "2022-11-30", "month").as_deref(),
            Some("2022-11")
        );
        assert_eq!(
            datetime("2023-01-01", "2023-12-31", "year").as_deref(),
            Some("2023")
        );
        assert_eq!(datetime("2023-08-27", "2023-08-30", "day"), None);
        assert_eq!(datetime("2024-01-01", "2024-04-30", "season"), None);
    }
}
