//! `/`: the timeline, its filter form with facet counts, and its active-filter summary.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::charts::time::{self as time_chart, TimeChart};
use super::views::{YearGroup, group_by_period, kind_label};
use crate::catalog::Answer;
use crate::catalog::timeline::{self, Ask, Timeline};
use crate::db::Counted;
use crate::db::charts::Stack;
use crate::db::events::{Cursor, TIMELINE_PAGE};
use crate::domain::date::{iso, parse_day};
use crate::domain::filter::Sort;
use crate::domain::links::{with_pairs, with_query};
use crate::domain::{FilterError, TimelineFilter};
use crate::error::Result;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: i64,
    pub checked: bool,
}

#[derive(Debug, Clone)]
pub struct FacetView {
    pub param: &'static str,
    pub legend: &'static str,
    pub options: Vec<FacetOption>,
}

impl FacetView {
    /// How many options are ticked, for the summary line of a collapsed facet.
    pub fn checked_count(&self) -> usize {
        self.options.iter().filter(|o| o.checked).count()
    }
}

#[derive(Debug, Clone)]
pub struct ActiveFilter {
    pub label: String,
    pub remove_href: String,
}

/// The text fields of the form as the person typed them, so a rejected value can be corrected.
/// The date fields are the exception: a date input holds only a whole `YYYY-MM-DD` date, so
/// they show the dates the filter resolved to (see [`TypedValues::dates_from`]).
#[derive(Debug, Clone, Default)]
pub struct TypedValues {
    pub from: String,
    pub to: String,
    pub in_force: String,
    pub q: String,
    pub desc: bool,
    pub within: bool,
}

impl TypedValues {
    /// The values of a query string decoded strictly; one that could not be is read
    /// leniently (bad escapes become U+FFFD), only to refill the form beside its error.
    fn of(query: &str, decoded: Option<&[(String, String)]>) -> Self {
        match decoded {
            Some(pairs) => Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            None => Self::from_pairs(
                form_urlencoded::parse(query.as_bytes())
                    .collect::<Vec<_>>()
                    .iter()
                    .map(|(k, v)| (k.as_ref(), v.as_ref())),
            ),
        }
    }

    fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut typed = Self::default();
        for (key, value) in pairs {
            let slot = match key {
                "from" => &mut typed.from,
                "to" => &mut typed.to,
                "in_force" => &mut typed.in_force,
                "q" => &mut typed.q,
                "sort" => {
                    typed.desc = value == "desc";
                    continue;
                }
                "range" => {
                    typed.within = value == "within";
                    continue;
                }
                _ => continue,
            };
            if slot.is_empty() {
                *slot = value.chars().take(500).collect();
            }
        }
        typed
    }

    /// The date fields as a date input can hold them: the first and last day the filter
    /// resolved `2023` or `2023-08` to, as the canonical address spells them. A filter that
    /// was rejected keeps each typed whole date, and clears anything else, which a browser
    /// would clear anyway.
    fn dates_from(mut self, filter: Option<&TimelineFilter>) -> Self {
        match filter {
            Some(filter) => {
                self.from = filter.from.map(iso).unwrap_or_default();
                self.to = filter.to.map(iso).unwrap_or_default();
                self.in_force = filter.in_force.map(iso).unwrap_or_default();
            }
            None => {
                for typed in [&mut self.from, &mut self.to, &mut self.in_force] {
                    if parse_day(typed).is_err() {
                        typed.clear();
                    }
                }
            }
        }
        self
    }
}

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub title: String,
    pub section: &'static str,
    pub error: Option<FilterError>,
    pub typed: TypedValues,
    pub facets: Vec<FacetView>,
    pub active: Vec<ActiveFilter>,
    pub filtered: bool,
    pub total: i64,
    pub shown: usize,
    pub years: Vec<YearGroup>,
    pub sort_desc: bool,
    pub sort_toggle_href: String,
    pub this_href: String,
    /// The pages before and after this one, by keyset.
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    /// The current view's query string, for its CSV and JSON equivalents.
    pub query: String,
    pub chart: Option<TimeChart>,
    pub stack: Stack,
}

/// The page's own `stack` parameter: how the chart is stacked, which the shared timeline
/// filter does not know.
fn page_stack(own: &[(String, String)]) -> std::result::Result<Stack, FilterError> {
    match crate::domain::query::single(own, "stack")? {
        Some(value) => Stack::parse(value.trim()),
        None => Ok(Stack::default()),
    }
}

fn facet(
    param: &'static str,
    legend: &'static str,
    rows: Vec<Counted>,
    selected: &[String],
) -> FacetView {
    let options = rows
        .into_iter()
        .map(|row| FacetOption {
            checked: selected.contains(&row.slug),
            label: if param == "kind" {
                kind_label(&row.name)
            } else {
                row.name
            },
            value: row.slug,
            count: row.count,
        })
        .collect();
    FacetView {
        param,
        legend,
        options,
    }
}

/// The timeline. A bad filter renders the same page with status 400 and the error beside the
/// form, so the reader can correct it where they typed it.
pub async fn show(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response> {
    let query = query.unwrap_or_default();
    let decoded = crate::domain::query::pairs(&query);
    let typed = TypedValues::of(&query, decoded.as_deref().ok());
    let own_and_filter = decoded
        .map(|pairs| crate::domain::query::split(pairs, &["after", "before", "stack"]))
        .and_then(|(own, rest)| {
            Ok((
                TimelineFilter::parse(rest)?,
                super::page_position(&own, Cursor::decode, "a position on this timeline")?,
                page_stack(&own)?,
            ))
        });
    // A bad filter is shown beside the form, over the unfiltered facets: one that does not
    // parse is asked as no filter; one naming no record is answered so by the catalog.
    let (filter, cursor, stack, malformed) = match own_and_filter {
        Ok((filter, cursor, stack)) => (filter, cursor, stack, None),
        Err(e) => (TimelineFilter::default(), None, Stack::default(), Some(e)),
    };
    let ask = Ask {
        page: malformed.is_none().then(|| {
            (
                cursor.as_ref().map(|(c, side)| (c, *side)),
                usize::try_from(TIMELINE_PAGE).unwrap_or(50),
            )
        }),
        facets: true,
        unfiltered_if_rejected: true,
    };
    let mut answer = timeline::timeline(&state.db, &state.index, &filter, ask).await?;
    let (filter, stack, error) = match (malformed, answer.value.rejected.take()) {
        (Some(e), _) | (None, Some(e)) => (TimelineFilter::default(), Stack::default(), Some(e)),
        (None, None) => (filter, stack, None),
    };
    let Answer {
        revision,
        value:
            Timeline {
                resolved,
                total,
                page,
                facets: counts,
                ..
            },
    } = answer;
    let total = if error.is_some() { 0 } else { total };
    let rows = page.rows;
    // Links that change the page or the filters keep the chart's stacking; the canonical
    // address does not.
    let mut paged = filter.query_string();
    if stack != Stack::Class {
        paged = form_urlencoded::Serializer::new(paged)
            .append_pair("stack", stack.as_str())
            .finish();
    }
    let previous_href = rows.first().filter(|_| page.more_before).map(|row| {
        with_pairs(
            "/",
            &paged,
            [("before", Cursor::after(row).encode().as_str())],
        )
    });
    let next_href = rows.last().filter(|_| page.more_after).map(|row| {
        with_pairs(
            "/",
            &paged,
            [("after", Cursor::after(row).encode().as_str())],
        )
    });
    let slugs =
        |list: &[crate::domain::Slug]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    let kinds: Vec<String> = filter.kinds.iter().map(|k| k.as_str().to_owned()).collect();
    let facets = vec![
        facet(
            "official",
            "Officials",
            counts.officials,
            &slugs(&filter.officials),
        ),
        facet("topic", "Topics", counts.topics, &slugs(&filter.topics)),
        facet("kind", "Kind of event", counts.kinds, &kinds),
        facet(
            "country",
            "Country involved",
            counts.countries,
            &slugs(&filter.countries),
        ),
    ];

    let name_of = |param: &str, value: &str| {
        facets
            .iter()
            .find(|f| f.param == param)
            .and_then(|f| f.options.iter().find(|o| o.value == value))
            .map(|o| o.label.clone())
            .unwrap_or_else(|| value.to_owned())
    };
    let active = filter
        .pairs()
        .into_iter()
        .filter(|(param, _)| *param != "sort")
        .map(|(param, value)| {
            let label = match param {
                "official" => format!("Official: {}", name_of(param, &value)),
                "topic" => format!("Topic: {}", name_of(param, &value)),
                "kind" => format!("Kind: {}", name_of(param, &value)),
                "country" => format!("Country: {}", name_of(param, &value)),
                "from" => format!("From {value}"),
                "to" => format!("To {value}"),
                "range" => "Only events wholly within the dates".to_owned(),
                "in_force" => format!("In force on {value}"),
                _ => format!("Text: “{value}”"),
            };
            ActiveFilter {
                label,
                remove_href: time_chart::timeline_href(filter.query_without(param, &value), stack),
            }
        })
        .collect();

    let chart = if error.is_some() {
        None
    } else {
        time_chart::for_filter(&filter, &resolved, stack, "timeline-chart", "Events")?
    };
    let sort_desc = filter.sort == Sort::Desc;
    let page = TimelinePage {
        title: if filter.is_filtered() {
            "Filtered timeline".into()
        } else {
            "Timeline".into()
        },
        section: "timeline",
        typed: typed.dates_from(error.is_none().then_some(&filter)),
        facets,
        active,
        filtered: filter.is_filtered(),
        total,
        shown: rows.len(),
        years: group_by_period(rows),
        sort_desc,
        sort_toggle_href: time_chart::timeline_href(
            filter.query_with_sort(if sort_desc { Sort::Asc } else { Sort::Desc }),
            stack,
        ),
        this_href: with_query("/", &filter.query_string()),
        previous_href,
        next_href,
        query: filter.query_string(),
        chart,
        stack,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, revision, Html(page.render()?)).into_response())
}
