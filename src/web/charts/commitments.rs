//! Agreements on a time axis: from when each was reached to when it falls due, coloured (and
//! patterned) by status. The day an agreement was reached is drawn as the whole span its source
//! allows (a month-wide box for "August 2023"), never as a guessed day.

use time::{Date, Month};

use super::Num;
use crate::catalog::agreements::JudgedAgreement;
use crate::domain::date::{month_name, parse_day};

/// Title lines are wrapped to this many characters, so they fit 360 px at 13 px.
const WRAP: usize = 38;
const LINE: f64 = 17.0;

#[derive(Debug, Clone)]
pub struct CommitmentRow {
    pub slug: String,
    pub title: String,
    pub agreed_label: String,
    pub due_label: Option<String>,
    pub title_lines: Vec<(String, Num)>,
    pub status: &'static str,
    pub status_label: &'static str,
    /// "Overdue · agreed August 2023 · due within a year of 28 August 2023", wrapped.
    pub detail_lines: Vec<(String, Num)>,
    pub agreed_x: Num,
    pub agreed_width: Num,
    /// From the end of the agreed span to the end of the due window, when there is one.
    pub due: Option<(Num, Num)>,
    pub bar_y: Num,
    pub top: Num,
    pub height: Num,
    pub pattern: u8,
}

#[derive(Debug, Clone)]
pub struct Tick {
    pub x: Num,
    pub label: String,
    pub anchor: &'static str,
}

#[derive(Debug, Clone)]
pub struct CommitmentChart {
    pub title: String,
    pub desc: String,
    pub height: Num,
    pub axis_y: Num,
    pub rows: Vec<CommitmentRow>,
    pub ticks: Vec<Tick>,
    /// Which agreements it draws, when not all that match: a sentence for its note.
    pub scope: Option<String>,
}

/// Words into lines of at most `width` characters (a longer word stands alone).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn status_pattern(status: &str) -> u8 {
    match status {
        "due" | "fulfilled-late" => 1,
        "in-progress" => 2,
        "overdue" | "broken" => 3,
        _ => 0,
    }
}

fn first_of_month(date: Date) -> Date {
    date.replace_day(1).unwrap_or(date)
}

fn next_month(date: Date) -> Date {
    let (year, month) = match date.month() {
        Month::December => (date.year() + 1, Month::January),
        m => (date.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1).unwrap_or(date)
}

/// Lays out the agreements that have a known date, in the order given.
pub fn lay_out(agreements: &[JudgedAgreement]) -> Option<CommitmentChart> {
    struct Dated<'a> {
        view: &'a JudgedAgreement,
        agreed: (Date, Date),
        due: Option<(Date, Date)>,
    }
    let dated: Vec<Dated<'_>> = agreements
        .iter()
        .filter_map(|view| {
            let start = parse_day(view.row.event_date_start.as_deref()?).ok()?;
            let end = parse_day(view.row.event_date_end.as_deref()?).ok()?;
            let due = match (&view.row.due_start, &view.row.due_end) {
                (Some(s), Some(e)) => Some((parse_day(s).ok()?, parse_day(e).ok()?)),
                _ => None,
            };
            Some(Dated {
                view,
                agreed: (start, end),
                due,
            })
        })
        .collect();
    let first = first_of_month(dated.iter().map(|d| d.agreed.0).min()?);
    let last = dated
        .iter()
        .map(|d| d.due.map_or(d.agreed.1, |due| due.1.max(d.agreed.1)))
        .max()?;
    let end = next_month(last);
    let days = (end - first).whole_days().max(1) as f64;
    // Positions leave 1% each side so a mark at either end stays whole.
    let x = |date: Date| 1.0 + 98.0 * (date - first).whole_days() as f64 / days;

    let mut top = 0.0;
    let rows: Vec<CommitmentRow> = dated
        .iter()
        .map(|d| {
            let view = d.view;
            let lines = wrap(&view.row.title, WRAP);
            let title_lines: Vec<(String, Num)> = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| (line, Num(top + 14.0 + LINE * i as f64)))
                .collect();
            let bar_y = top + 6.0 + LINE * title_lines.len() as f64;
            let after_agreed = d.agreed.1.next_day().unwrap_or(d.agreed.1);
            let agreed_x = x(d.agreed.0);
            let agreed_width = (x(after_agreed) - agreed_x).max(0.8);
            let due = d.due.map(|(_, due_end)| {
                let from = agreed_x + agreed_width;
                let to = x(due_end.next_day().unwrap_or(due_end));
                (Num(from), Num((to - from).max(0.8)))
            });
            let mut detail = format!(
                "{} · agreed {}",
                view.status_label(),
                view.row.event_date_label.as_deref().unwrap_or("")
            );
            match &view.row.due_label {
                Some(due) if d.due.is_some() => detail.push_str(&format!(" · due {due}")),
                _ => detail.push_str(" · no due date"),
            }
            let detail_lines: Vec<(String, Num)> = wrap(&detail, WRAP + 6)
                .into_iter()
                .enumerate()
                .map(|(i, line)| (line, Num(bar_y + 27.0 + LINE * i as f64)))
                .collect();
            let height = bar_y + 16.0 + LINE * detail_lines.len() as f64 - top;
            let row = CommitmentRow {
                slug: view.row.slug.clone(),
                title: view.row.title.clone(),
                agreed_label: view.row.event_date_label.clone().unwrap_or_default(),
                due_label: d.due.and(view.row.due_label.clone()),
                title_lines,
                status: view.status_key(),
                status_label: view.status_label(),
                detail_lines,
                agreed_x: Num(agreed_x),
                agreed_width: Num(agreed_width),
                due,
                bar_y: Num(bar_y),
                top: Num(top),
                height: Num(height),
                pattern: status_pattern(view.status_key()),
            };
            top += height + 10.0;
            row
        })
        .collect();

    // Ticks on round months: every quarter, half-year or year, at most five.
    let months = (end.year() - first.year()) * 12 + end.month() as i32 - first.month() as i32;
    let step = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|s| months / s <= 4)
        .unwrap_or(120);
    let mut ticks = Vec::new();
    let mut at = first;
    while at <= end {
        let index = at.year() * 12 + at.month() as i32 - 1;
        if index % step == 0 {
            let px = x(at);
            ticks.push(Tick {
                x: Num(px),
                label: if step >= 12 {
                    at.year().to_string()
                } else {
                    format!("{} {}", &month_name(at.month())[..3], at.year())
                },
                anchor: if px < 12.0 {
                    "start"
                } else if px > 88.0 {
                    "end"
                } else {
                    "middle"
                },
            });
        }
        at = next_month(at);
    }
    let axis_y = top + 4.0;
    let without_due = rows.iter().filter(|r| r.due.is_none()).count();
    let desc = format!(
        "{} agreements on a time axis from {} {} to {} {}: each drawn from the span in which it was reached to the end of the window in which it falls due, in the colour and pattern of its status, which is also written beside it; {} have no due date and are drawn as the span in which they were reached.",
        rows.len(),
        month_name(first.month()),
        first.year(),
        month_name(last.month()),
        last.year(),
        without_due
    );
    Some(CommitmentChart {
        title: "Agreements from when they were reached to when they fall due".into(),
        desc,
        height: Num(axis_y + 24.0),
        axis_y: Num(axis_y),
        rows,
        ticks,
        scope: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_on_words() {
        assert_eq!(
            wrap(
                "Annual meeting of the US Commerce Secretary and China's Commerce Minister",
                38
            ),
            [
                "Annual meeting of the US Commerce",
                "Secretary and China's Commerce",
                "Minister"
            ]
        );
        assert_eq!(wrap("short", 38), ["short"]);
    }

    #[test]
    fn statuses_have_distinct_patterns_where_colours_are_close() {
        assert_ne!(status_pattern("overdue"), status_pattern("due"));
        assert_ne!(status_pattern("in-progress"), status_pattern("agreed"));
        assert_ne!(
            status_pattern("fulfilled-late"),
            status_pattern("fulfilled")
        );
        assert_eq!(
            next_month(time::macros::date!(2023 - 12 - 15)),
            time::macros::date!(2024 - 01 - 01)
        );
    }
}
