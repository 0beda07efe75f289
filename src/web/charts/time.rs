//! Events over time: one column per month (or per year when the range is long), stacked by
//! class or by kind. An event is drawn in a column only when it is known to lie within that
//! period; events dated more coarsely are drawn as spans under the axis, never on a guessed day.

use time::{Date, Month};

use super::{LegendItem, Num, Scale, compact, events_phrase};
use crate::db::charts::{self, Period, PeriodCount, SpanCount, Stack};
use crate::db::events::EventQuery;
use crate::domain::date::{month_name, parse_day};
use crate::domain::filter::RangeMatch;
use crate::domain::{EventClass, EventKind, FilterError, TimelineFilter};
use crate::error::Result;

/// Ranges of at most this many months are counted by month; longer ones by year.
pub const MAX_MONTHS: i32 = 48;
/// Span groups drawn under the axis; the rest are counted in a note.
pub const MAX_SPANS: i64 = 6;

/// Where the y labels go: the plot starts this far in, as a percentage of the width.
const GUTTER: f64 = 7.0;
const PLOT_TOP: f64 = 30.0;
const PLOT_HEIGHT: f64 = 150.0;
const SPAN_ROW: f64 = 30.0;

impl Stack {
    /// Reads the HTML pages' `stack` parameter (`class`, the default, or `kind`).
    pub fn parse(value: &str) -> Result<Self, FilterError> {
        match value {
            "" | "class" => Ok(Stack::Class),
            "kind" => Ok(Stack::Kind),
            other => Err(FilterError::new(
                "stack",
                format!("expected class or kind, got \"{other}\""),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stack::Class => "class",
            Stack::Kind => "kind",
        }
    }
}

/// One month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodKey {
    pub year: i32,
    /// `None` for a whole year.
    pub month: Option<Month>,
}

impl PeriodKey {
    fn of(date: Date, period: Period) -> Self {
        Self {
            year: date.year(),
            month: (period == Period::Month).then_some(date.month()),
        }
    }

    fn next(self) -> Self {
        match self.month {
            Some(Month::December) => Self {
                year: self.year + 1,
                month: Some(Month::January),
            },
            Some(m) => Self {
                year: self.year,
                month: Some(m.next()),
            },
            None => Self {
                year: self.year + 1,
                month: None,
            },
        }
    }

    /// How the database names it: `2023-08` or `2023`.
    pub fn key(self) -> String {
        match self.month {
            Some(m) => format!("{:04}-{:02}", self.year, m as u8),
            None => format!("{:04}", self.year),
        }
    }

    /// "August 2023" or "2023".
    pub fn label(self) -> String {
        match self.month {
            Some(m) => format!("{} {}", month_name(m), self.year),
            None => self.year.to_string(),
        }
    }

    /// "Aug 2023" or "2023", for the axis.
    fn short_label(self) -> String {
        match self.month {
            Some(m) => format!("{} {}", &month_name(m)[..3], self.year),
            None => self.year.to_string(),
        }
    }

    /// A number that grows by one per period, for alignment and positions.
    fn ordinal(self) -> i64 {
        match self.month {
            Some(m) => i64::from(self.year) * 12 + i64::from(m as u8) - 1,
            None => i64::from(self.year),
        }
    }

    fn first_day(self) -> Date {
        Date::from_calendar_date(self.year, self.month.unwrap_or(Month::January), 1)
            .unwrap_or(Date::MIN)
    }

    fn last_day(self) -> Date {
        let month = self.month.unwrap_or(Month::December);
        Date::from_calendar_date(self.year, month, month.length(self.year)).unwrap_or(Date::MAX)
    }
}

/// By month when the range is short enough to read month by month, else by year.
pub fn period_for(first: Date, last: Date) -> Period {
    let months = (last.year() - first.year()) * 12 + (last.month() as i32 - first.month() as i32);
    if months < MAX_MONTHS {
        Period::Month
    } else {
        Period::Year
    }
}

/// Every period from the one holding `first` to the one holding `last`.
pub fn periods(first: Date, last: Date, period: Period) -> Vec<PeriodKey> {
    let end = PeriodKey::of(last, period);
    let mut key = PeriodKey::of(first, period);
    let mut all = vec![key];
    while key.ordinal() < end.ordinal() {
        key = key.next();
        all.push(key);
    }
    all
}

/// The series a stack draws, in stacking order (bottom first), with their patterns.
pub fn series(stack: Stack, present: &[&str]) -> Vec<LegendItem> {
    match stack {
        // Cooperation plain or dotted, conflict striped or cross-hatched.
        Stack::Class => EventClass::ALL
            .iter()
            .zip([0, 2, 1, 3])
            .map(|(class, pattern)| LegendItem {
                slug: class.as_str().to_owned(),
                label: class.label().to_owned(),
                pattern,
            })
            .collect(),
        Stack::Kind => EventKind::ALL
            .iter()
            .filter(|kind| present.contains(&kind.as_str()))
            .zip((0..4).cycle())
            .map(|(kind, pattern)| LegendItem {
                slug: kind.as_str().to_owned(),
                label: kind.label().to_owned(),
                pattern,
            })
            .collect(),
    }
}

#[derive(Debug, Clone)]
pub struct GridLine {
    pub y: Num,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct AxisLabel {
    pub x: Num,
    pub anchor: &'static str,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub slug: String,
    pub label: String,
    pub count: i64,
    pub pattern: u8,
    pub y: Num,
    pub height: Num,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub total: i64,
    /// The timeline narrowed to this period with the other filters kept; none for an empty one.
    pub href: Option<String>,
    pub x: Num,
    pub width: Num,
    pub centre: Num,
    /// Where the count above the column sits.
    pub total_y: Num,
    pub segments: Vec<Segment>,
    /// The count of every series, in legend order, for the data table.
    pub cells: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct SpanBar {
    pub label: String,
    pub count: i64,
    pub x: Num,
    pub width: Num,
    pub y: Num,
    pub text_x: Num,
    pub text_y: Num,
    pub anchor: &'static str,
    /// The span reaches beyond the chart's range on that side.
    pub cut_start: bool,
    pub cut_end: bool,
}

/// A time chart ready to render.
#[derive(Debug, Clone)]
pub struct TimeChart {
    /// Prefix of the SVG's ids, unique on the page.
    pub id: String,
    pub title: String,
    pub desc: String,
    pub period_noun: &'static str,
    /// What the events under the axis are: "dated only to a season, a year or longer".
    pub coarse: &'static str,
    pub stack: Stack,
    pub height: Num,
    pub plot_top: Num,
    pub plot_bottom: Num,
    pub gutter: Num,
    pub axis_label_y: Num,
    pub grid: Vec<GridLine>,
    pub columns: Vec<Column>,
    pub axis_labels: Vec<AxisLabel>,
    pub show_totals: bool,
    pub legend: Vec<LegendItem>,
    pub spans_heading_y: Num,
    pub spans: Vec<SpanBar>,
    /// Events not drawn in a column, and how many of them the spans leave out.
    pub unplaced: i64,
    pub unplaced_not_drawn: i64,
    pub total: i64,
    /// `?…&stack=` links switching the stack, keeping everything else.
    pub stack_links: Vec<(Stack, String)>,
}

/// What a time chart is drawn from.
pub struct TimeInput<'a> {
    pub id: &'a str,
    /// What is counted, for the title: "Events", "Events with Gina Raimondo".
    pub subject: &'a str,
    pub first: Date,
    pub last: Date,
    pub period: Period,
    pub stack: Stack,
    pub counts: &'a [PeriodCount],
    pub spans: &'a [SpanCount],
    pub total: i64,
    /// The href of the timeline narrowed to `(first day, last day)` of a period.
    pub link: &'a dyn Fn(Date, Date) -> String,
    /// The href of this chart with another stack.
    pub stack_link: &'a dyn Fn(Stack) -> String,
}

/// Lays out the columns, axes and spans. Pure: the same counts always give the same chart.
pub fn lay_out(input: &TimeInput<'_>) -> TimeChart {
    let keys = periods(input.first, input.last, input.period);
    let n = keys.len() as f64;
    let plot_width = 100.0 - GUTTER - 1.0;
    let slot = plot_width / n;
    let present: Vec<&str> = input.counts.iter().map(|c| c.series.as_str()).collect();
    let legend = series(input.stack, &present);
    let cells_of = |key: &str| -> Vec<i64> {
        legend
            .iter()
            .map(|s| {
                input
                    .counts
                    .iter()
                    .filter(|c| c.period == key && c.series == s.slug)
                    .map(|c| c.count)
                    .sum()
            })
            .collect()
    };
    let all_cells: Vec<Vec<i64>> = keys.iter().map(|k| cells_of(&k.key())).collect();
    let max = all_cells
        .iter()
        .map(|c| c.iter().sum::<i64>())
        .max()
        .unwrap_or(0);
    let scale = Scale::zero_based(max, 4);
    let y_of = |value: i64| PLOT_TOP + PLOT_HEIGHT * (1.0 - scale.fraction(value));
    let plot_bottom = PLOT_TOP + PLOT_HEIGHT;

    let columns: Vec<Column> = keys
        .iter()
        .zip(all_cells)
        .enumerate()
        .map(|(i, (key, cells))| {
            let total: i64 = cells.iter().sum();
            let mut below = 0;
            let segments = legend
                .iter()
                .zip(&cells)
                .filter(|(_, count)| **count > 0)
                .map(|(s, &count)| {
                    let top = y_of(below + count);
                    let bottom = y_of(below);
                    below += count;
                    Segment {
                        slug: s.slug.clone(),
                        label: s.label.clone(),
                        count,
                        pattern: s.pattern,
                        y: Num(top),
                        height: Num(bottom - top),
                    }
                })
                .collect();
            let x = GUTTER + slot * i as f64;
            Column {
                key: key.key(),
                label: key.label(),
                total,
                href: (total > 0).then(|| {
                    (input.link)(
                        key.first_day().max(input.first),
                        key.last_day().min(input.last),
                    )
                }),
                x: Num(x + slot * 0.14),
                width: Num(slot * 0.72),
                centre: Num(x + slot / 2.0),
                total_y: Num(y_of(total) - 5.0),
                segments,
                cells,
            }
        })
        .collect();

    let axis_labels = axis_labels(&keys, input.period, slot);
    let grid = scale
        .ticks
        .iter()
        .map(|&t| GridLine {
            y: Num(y_of(t)),
            label: compact(t),
        })
        .collect();

    let spans_top = plot_bottom + 56.0;
    let position = |date: Date| -> f64 {
        // Fraction of the axis at the start of `date`, so a span ends at its last day + 1.
        let key = PeriodKey::of(date, input.period);
        let index = (key.ordinal() - keys[0].ordinal()) as f64;
        let (first, last) = (key.first_day(), key.last_day());
        let days = (last - first).whole_days() as f64 + 1.0;
        let within = (date - first).whole_days() as f64 / days;
        ((index + within) / n).clamp(0.0, 1.0)
    };
    let spans: Vec<SpanBar> = input
        .spans
        .iter()
        .enumerate()
        .filter_map(|(row, span)| {
            let start = parse_day(&span.date_start).ok()?;
            let end = parse_day(&span.date_end).ok()?;
            let from = position(start);
            let to = end.next_day().map(position).unwrap_or(1.0);
            let x = GUTTER + plot_width * from;
            let width = (plot_width * (to - from)).max(0.8);
            let y = spans_top + SPAN_ROW * row as f64;
            let left_half = x + width / 2.0 < 50.0;
            Some(SpanBar {
                label: span.label.clone(),
                count: span.count,
                x: Num(x),
                width: Num(width),
                y: Num(y + 8.0),
                text_x: Num(if left_half { x } else { x + width }),
                text_y: Num(y + 3.0),
                anchor: if left_half { "start" } else { "end" },
                cut_start: start < keys[0].first_day(),
                cut_end: keys.last().is_some_and(|k| end > k.last_day()),
            })
        })
        .collect();

    let placed: i64 = columns.iter().map(|c| c.total).sum();
    let unplaced = input.total - placed;
    let drawn_spans: i64 = spans.iter().map(|s| s.count).sum();
    let (period_noun, coarse) = match input.period {
        Period::Month => ("month", "dated only to a season, a year or longer"),
        Period::Year => ("year", "dated only to a span of more than a year"),
    };
    let height = if spans.is_empty() {
        plot_bottom + 30.0
    } else {
        spans_top + SPAN_ROW * spans.len() as f64
    };
    let (first_key, last_key) = (keys[0], keys[keys.len() - 1]);
    let stack_noun = match input.stack {
        Stack::Class => "class",
        Stack::Kind => "kind",
    };
    let title = format!(
        "{} per {period_noun}, {} to {}, by {stack_noun}",
        input.subject,
        first_key.label(),
        last_key.label()
    );
    let busiest = columns.iter().filter(|c| c.total > 0).max_by(|a, b| {
        a.total.cmp(&b.total).then_with(|| b.key.cmp(&a.key)) // the earliest of equals
    });
    let mut desc = format!(
        "Columns from zero, one per {period_noun}: {} known to lie within a single {period_noun}",
        events_phrase(placed)
    );
    if let Some(b) = busiest {
        desc.push_str(&format!(
            "; the most in {} ({})",
            b.label,
            events_phrase(b.total)
        ));
    }
    desc.push('.');
    if unplaced > 0 {
        desc.push_str(&format!(
            " {} {coarse} {} drawn as spans below the axis rather than in a {period_noun}.",
            events_phrase(unplaced),
            if unplaced == 1 { "is" } else { "are" }
        ));
    }
    TimeChart {
        id: input.id.to_owned(),
        title,
        desc,
        period_noun,
        coarse,
        stack: input.stack,
        height: Num(height),
        plot_top: Num(PLOT_TOP),
        plot_bottom: Num(plot_bottom),
        gutter: Num(GUTTER),
        axis_label_y: Num(plot_bottom + 18.0),
        grid,
        show_totals: columns.len() <= 16,
        columns,
        axis_labels,
        legend,
        spans_heading_y: Num(spans_top - 14.0),
        spans,
        unplaced,
        unplaced_not_drawn: unplaced - drawn_spans,
        total: input.total,
        stack_links: [Stack::Class, Stack::Kind]
            .into_iter()
            .map(|s| (s, (input.stack_link)(s)))
            .collect(),
    }
}

/// At most four month labels or seven year labels, on round periods (January, every other
/// year…), so they never collide at 360 px.
fn axis_labels(keys: &[PeriodKey], period: Period, slot: f64) -> Vec<AxisLabel> {
    let (most, steps): (usize, &[i64]) = match period {
        Period::Month => (4, &[1, 2, 3, 6, 12, 24, 36, 60, 120]),
        Period::Year => (7, &[1, 2, 5, 10, 20, 25, 50, 100]),
    };
    let step = steps
        .iter()
        .copied()
        .find(|step| keys.iter().filter(|k| k.ordinal() % step == 0).count() <= most)
        .unwrap_or(1_000);
    let mut labels: Vec<AxisLabel> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.ordinal() % step == 0)
        .map(|(i, k)| {
            let centre = GUTTER + slot * (i as f64 + 0.5);
            AxisLabel {
                x: Num(centre),
                anchor: if centre < 18.0 {
                    "start"
                } else if centre > 86.0 {
                    "end"
                } else {
                    "middle"
                },
                text: k.short_label(),
            }
        })
        .collect();
    if labels.is_empty()
        && let Some(k) = keys.first()
    {
        labels.push(AxisLabel {
            x: Num(GUTTER + slot * 0.5),
            anchor: "start",
            text: k.short_label(),
        });
    }
    labels
}

/// The timeline's address for a filter's query string, keeping a chart stacked other than by
/// the default class.
pub fn timeline_href(query: String, stack: Stack) -> String {
    let stacked = (stack != Stack::Class).then_some(("stack", stack.as_str()));
    crate::domain::links::with_pairs("/", &query, stacked)
}

/// The time chart of the events matching `resolved`; links narrow `filter` to a column's period
/// on `path` (`/`), keeping its other filters. `None` when nothing matches.
pub fn for_filter(
    filter: &TimelineFilter,
    resolved: &EventQuery,
    stack: Stack,
    id: &str,
    subject: &str,
) -> Result<Option<TimeChart>> {
    let extent = charts::extent(resolved);
    let (Some(first), Some(last)) = (extent.first, extent.last) else {
        return Ok(None);
    };
    let (Ok(first), Ok(last)) = (parse_day(&first), parse_day(&last)) else {
        return Ok(None);
    };
    let first = filter.from.map_or(first, |from| from.max(first));
    let last = filter.to.map_or(last, |to| to.min(last));
    if last < first {
        return Ok(None);
    }
    let period = period_for(first, last);
    let (counts, spans) = charts::chart(resolved, period, stack, MAX_SPANS);
    let link = |from: Date, to: Date| {
        let mut narrowed = filter.clone();
        narrowed.from = Some(from);
        narrowed.to = Some(to);
        narrowed.range = RangeMatch::Within;
        timeline_href(narrowed.query_string(), stack)
    };
    let stack_link = |other: Stack| timeline_href(filter.query_string(), other);
    Ok(Some(lay_out(&TimeInput {
        id,
        subject,
        first,
        last,
        period,
        stack,
        counts: &counts,
        spans: &spans,
        total: extent.total,
        link: &link,
        stack_link: &stack_link,
    })))
}

/// The time chart of one record's events, stacked by class, its columns linking to the
/// timeline of that record narrowed to the period.
pub fn for_record(
    activity: &crate::catalog::records::Activity,
    id: &str,
    subject: &str,
) -> Result<Option<TimeChart>> {
    let mut chart = for_filter(
        &activity.filter,
        &activity.events,
        Stack::Class,
        id,
        subject,
    )?;
    // The toggle belongs to the timeline; a record's page keeps its chart by class.
    if let Some(c) = chart.as_mut() {
        c.stack_links.clear();
    }
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn count(period: &str, series: &str, count: i64) -> PeriodCount {
        PeriodCount {
            period: period.into(),
            series: series.into(),
            count,
        }
    }

    #[test]
    fn short_ranges_go_by_month_and_long_ones_by_year() {
        assert_eq!(
            period_for(date!(2023 - 01 - 01), date!(2023 - 12 - 31)),
            Period::Month
        );
        assert_eq!(
            period_for(date!(2020 - 01 - 01), date!(2023 - 12 - 31)),
            Period::Month
        );
        assert_eq!(
            period_for(date!(2018 - 01 - 01), date!(2024 - 04 - 30)),
            Period::Year
        );
    }

    #[test]
    fn periods_run_from_first_to_last_across_years() {
        let keys: Vec<String> =
            periods(date!(2022 - 11 - 15), date!(2023 - 02 - 01), Period::Month)
                .into_iter()
                .map(PeriodKey::key)
                .collect();
        assert_eq!(keys, ["2022-11", "2022-12", "2023-01", "2023-02"]);
        assert_eq!(
            periods(date!(2018 - 05 - 01), date!(2020 - 01 - 01), Period::Year).len(),
            3
        );
        let feb = PeriodKey {
            year: 2024,
            month: Some(Month::February),
        };
        assert_eq!(feb.last_day(), date!(2024 - 02 - 29));
        assert_eq!(feb.label(), "February 2024");
    }

    fn chart(counts: &[PeriodCount], spans: &[SpanCount], total: i64) -> TimeChart {
        lay_out(&TimeInput {
            id: "t",
            subject: "Events",
            first: date!(2023 - 01 - 01),
            last: date!(2023 - 12 - 31),
            period: Period::Month,
            stack: Stack::Class,
            counts,
            spans,
            total,
            link: &|from, to| format!("/?from={from}&to={to}"),
            stack_link: &|s| format!("/?stack={}", s.as_str()),
        })
    }

    #[test]
    fn columns_stack_from_zero_in_legend_order_with_heights_in_proportion() {
        let c = chart(
            &[
                count("2023-08", "verbal-cooperation", 6),
                count("2023-08", "material-conflict", 2),
                count("2023-07", "material-conflict", 1),
            ],
            &[],
            9,
        );
        assert_eq!(c.columns.len(), 12);
        let aug = &c.columns[7];
        assert_eq!((aug.key.as_str(), aug.total), ("2023-08", 8));
        assert_eq!(aug.cells, vec![6, 0, 0, 2]);
        // Scale 0..8 over 150 px: 6 events are 112.5 px, sitting on the axis at 180.
        let coop = &aug.segments[0];
        assert_eq!(coop.slug, "verbal-cooperation");
        assert_eq!((coop.y.0 + coop.height.0, coop.height.0), (180.0, 112.5));
        assert_eq!(aug.segments[1].height.0, 37.5);
        assert_eq!(aug.segments[1].y.0, PLOT_TOP);
        assert_eq!(aug.href.as_deref(), Some("/?from=2023-08-01&to=2023-08-31"));
        assert!(c.columns[0].href.is_none(), "an empty month links nowhere");
        assert_eq!(c.unplaced, 0);
        assert!(c.desc.contains("the most in August 2023 (8 events)"));
    }

    #[test]
    fn coarse_events_are_spans_not_columns() {
        let c = chart(
            &[count("2023-08", "verbal-cooperation", 1)],
            &[
                SpanCount {
                    date_start: "2023-01-01".into(),
                    date_end: "2023-12-31".into(),
                    label: "2023".into(),
                    count: 3,
                },
                SpanCount {
                    date_start: "2019-05-16".into(),
                    date_end: "2023-08-29".into(),
                    label: "2019 to 2023".into(),
                    count: 1,
                },
            ],
            5,
        );
        assert_eq!(c.unplaced, 4);
        assert_eq!(c.unplaced_not_drawn, 0);
        let year = &c.spans[0];
        assert_eq!((year.x.0, year.x.0 + year.width.0), (GUTTER, 99.0));
        assert!(!year.cut_start && !year.cut_end);
        let long = &c.spans[1];
        assert!(long.cut_start && !long.cut_end);
        assert_eq!(long.x.0, GUTTER);
        assert!(c.desc.contains("4 events dated only to a season"));
    }

    #[test]
    fn axis_labels_are_few_and_on_round_periods() {
        let c = chart(&[], &[], 0);
        let texts: Vec<&str> = c.axis_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Jan 2023", "Apr 2023", "Jul 2023", "Oct 2023"]);
        let years = periods(date!(2000 - 01 - 01), date!(2030 - 01 - 01), Period::Year);
        let labels = axis_labels(&years, Period::Year, 3.0);
        assert!(labels.len() <= 7);
        assert!(
            labels
                .iter()
                .all(|l| l.text.parse::<i32>().unwrap() % 5 == 0)
        );
    }

    #[test]
    fn kinds_stack_in_vocabulary_order_with_rotating_patterns() {
        let s = series(Stack::Kind, &["visit", "meeting", "policy"]);
        let slugs: Vec<(&str, u8)> = s.iter().map(|l| (l.slug.as_str(), l.pattern)).collect();
        assert_eq!(slugs, [("meeting", 0), ("visit", 1), ("policy", 2)]);
        assert_eq!(Stack::parse("kind"), Ok(Stack::Kind));
        assert_eq!(Stack::parse("").ok(), Some(Stack::Class));
        assert_eq!(Stack::parse("colour").unwrap_err().param, "stack");
    }
}
