//! The figures a time chart is drawn from (periods, stacking, counts, spans, extent): what the
//! event index produces and the charts draw, depending on neither.

/// The period a time chart counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Year,
}

/// What the segments of a time chart's columns are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stack {
    /// Cooperation or conflict, in words or in deeds.
    #[default]
    Class,
    /// The kind of event.
    Kind,
}

/// The first and last day the matching events may have fallen on, and how many match.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Extent {
    pub first: Option<String>,
    pub last: Option<String>,
    pub total: i64,
}

/// Events of one period and series.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PeriodCount {
    /// `2023-08` or `2023`.
    pub period: String,
    pub series: String,
    pub count: i64,
}

/// Matching events that share one span of possible dates wider than a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SpanCount {
    pub date_start: String,
    pub date_end: String,
    /// How the dataset states the span ("Spring 2023", "2019 to 2023").
    pub label: String,
    pub count: i64,
}
