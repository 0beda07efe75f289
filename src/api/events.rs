//! `/api/v1/events`: the timeline's filters with keyset pagination, facet counts, and one event.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::JsonAt;
use super::dto::{
    AgreementDto, CitedParagraphDto, DateDto, EventSummary, Link, ListLinks, ListMeta, NoteDto,
};
use super::readouts::{AccountDto, ComparisonDto, accounts_and_comparison};
use super::{next_link, page_cursor, page_limit, split_query, with_query};
use crate::catalog::timeline::{self, Ask, Timeline};
use crate::catalog::{self, Answer};
use crate::db::Counted;
use crate::db::events::{Cursor, Neighbour, PhaseRow, QuoteRow, Side};
use crate::domain::TimelineFilter;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub data: Vec<EventSummary>,
    pub meta: ListMeta,
    pub links: ListLinks,
}

/// A page of the events matching the timeline's filters, in timeline order.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", operation_id = "listEvents",
    params(super::openapi::TimelineParams, super::openapi::EventPageParams),
    responses(
        (status = 200, description = "A page of the matching events", body = EventList, links(
            ("event" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/data/0/slug")), description = "The page's first event")),
            ("participant" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/data/0/participants/0/slug")), description = "An official who took part in it")),
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/data/0/topics/0/slug")), description = "A topic of it")),
            ("source" = (operation_id = "getSource", parameters(("slug" = "$response.body#/data/0/citations/0/source")), description = "A source it cites")),
        )),
        (status = 400, description = "A parameter is malformed, unknown, given twice, or names no record", body = super::ErrorBody)))]
pub async fn list(State(state): State<AppState>, RawQuery(query): RawQuery) -> JsonAt<EventList> {
    let (own, rest) = split_query(query.as_deref().unwrap_or_default(), &["cursor", "limit"])?;
    let limit = page_limit(&own)?;
    let cursor = page_cursor(&own, Cursor::decode)?;
    let filter = TimelineFilter::parse(rest)?;
    let ask = Ask {
        page: Some((
            cursor.as_ref().map(|c| (c, Side::After)),
            usize::try_from(limit).unwrap_or(1),
        )),
        facets: false,
        unfiltered_if_rejected: false,
    };
    let Answer {
        revision,
        value: Timeline { total, page, .. },
    } = timeline::timeline(&state.db, &state.index, &filter, ask).await?;
    let next = page.rows.last().filter(|_| page.more_after).map(|last| {
        next_link(
            "/api/v1/events",
            &filter.query_string(),
            &Cursor::after(last).encode(),
            limit,
        )
    });
    let rows = page.rows;
    let canonical = filter.query_string();
    let body = EventList {
        data: rows.into_iter().map(EventSummary::from).collect(),
        meta: ListMeta { total, limit },
        links: ListLinks {
            this: with_query("/api/v1/events", query.as_deref().unwrap_or_default()),
            next,
            html: with_query("/", &canonical),
        },
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub name: String,
    /// Events matching this value together with the other filters.
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Facets {
    pub total: i64,
    pub official: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    pub country: Vec<FacetCount>,
}

fn counts(rows: Vec<Counted>) -> Vec<FacetCount> {
    rows.into_iter()
        .map(|c| FacetCount {
            value: c.slug,
            name: c.name,
            count: c.count,
        })
        .collect()
}

/// How many events each filter value would match together with the other filters.
#[utoipa::path(get, path = "/api/v1/events/facets", tag = "events", operation_id = "eventFacets",
    params(super::openapi::TimelineParams),
    responses(
        (status = 200, description = "The counts of each filter value", body = Facets, links(
            ("official" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/official/0/value")), description = "The official with the most matching events")),
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/topic/0/value")), description = "The topic with the most matching events")),
        )),
        (status = 400, description = "A parameter is malformed, unknown, given twice, or names no record", body = super::ErrorBody)))]
pub async fn facets(State(state): State<AppState>, RawQuery(query): RawQuery) -> JsonAt<Facets> {
    let filter = TimelineFilter::from_query(query.as_deref().unwrap_or_default())?;
    let ask = Ask {
        page: None,
        facets: true,
        unfiltered_if_rejected: false,
    };
    let Answer {
        revision,
        value: Timeline { total, facets, .. },
    } = timeline::timeline(&state.db, &state.index, &filter, ask).await?;
    let body = Facets {
        total,
        official: counts(facets.officials),
        topic: counts(facets.topics),
        kind: counts(facets.kinds),
        country: counts(facets.countries),
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantDto {
    #[serde(flatten)]
    pub link: Link,
    pub role: String,
    /// The title held on the event's date, where known.
    pub title: Option<String>,
    pub country: String,
}

#[derive(Serialize, ToSchema)]
pub struct QuoteDto {
    pub slug: String,
    pub text: String,
    pub speaker: Link,
}

impl From<QuoteRow> for QuoteDto {
    fn from(q: QuoteRow) -> Self {
        Self {
            slug: q.slug,
            text: q.text,
            speaker: Link::official(crate::db::Named {
                slug: q.speaker_slug,
                name: q.speaker_name,
            }),
        }
    }
}

/// A phase of a policy action: announced, published, in force, amended, suspended, resumed or
/// revoked, with its own date and citations.
#[derive(Serialize, ToSchema)]
pub struct PhaseDto {
    /// `announced`, `published`, `in-force`, `amended`, `suspended`, `resumed` or `revoked`.
    pub phase: String,
    pub date: DateDto,
    /// The source's own words for the date, where they are vaguer or relative.
    pub date_phrase: Option<String>,
    pub note: Option<String>,
    pub citations: Vec<PhaseCitationDto>,
}

/// A paragraph (or summary point) a phase cites.
#[derive(Serialize, ToSchema)]
pub struct PhaseCitationDto {
    pub source: String,
    /// The paragraph's number, or the summary point's.
    pub paragraph: i64,
    #[schema(schema_with = super::openapi::text_kind_schema)]
    pub text_kind: String,
    pub html_url: String,
}

impl From<PhaseRow> for PhaseDto {
    fn from(row: PhaseRow) -> Self {
        Self {
            citations: row
                .citations()
                .into_iter()
                .map(|c| PhaseCitationDto {
                    html_url: crate::domain::links::paragraph_href(&c.source, c.number),
                    source: c.source,
                    paragraph: c.number,
                    text_kind: c.text_kind,
                })
                .collect(),
            phase: row.phase,
            date: DateDto {
                start: row.date_start,
                end: row.date_end,
                precision: row.date_precision,
                label: row.date_label,
            },
            date_phrase: row.date_phrase,
            note: row.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventDetail {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date: DateDto,
    pub date_phrase: Option<String>,
    pub location: Option<String>,
    pub status: String,
    pub class: String,
    pub sides: Vec<String>,
    pub summary: String,
    pub participants: Vec<ParticipantDto>,
    pub organizations: Vec<Link>,
    pub topics: Vec<Link>,
    /// A policy action's phases, oldest first; empty for other events.
    pub phases: Vec<PhaseDto>,
    /// Where the policy action stands today, in words ("In force since 1 August 2023"); null
    /// without phases.
    pub phase_state: Option<String>,
    pub quotes: Vec<QuoteDto>,
    pub agreements: Vec<AgreementDto>,
    pub follows_up: Vec<AgreementDto>,
    /// Each side's account of the event, in the dataset's order (empty when none is recorded).
    pub accounts: Vec<AccountDto>,
    /// The accounts compared by topic.
    pub comparison: ComparisonDto,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub html_url: String,
    pub api_url: String,
}

fn event_link(n: Neighbour) -> Link {
    Link::event(n.slug, n.title)
}

/// Everything known about one event.
#[utoipa::path(get, path = "/api/v1/events/{slug}", tag = "events", operation_id = "getEvent",
    params(("slug" = String, Path, description = "The event's slug", example = "raimondo-wang-wentao-lunch-meeting")),
    responses(
        (status = 200, description = "The event", body = EventDetail, links(
            ("participant" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/participants/0/slug")), description = "An official who took part")),
            ("organization" = (operation_id = "getOrganization", parameters(("slug" = "$response.body#/organizations/0/slug")), description = "An organisation involved")),
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/topics/0/slug")), description = "A topic of the event")),
            ("agreement" = (operation_id = "getAgreement", parameters(("slug" = "$response.body#/agreements/0/slug")), description = "An agreement reached at the event")),
            ("source" = (operation_id = "getSource", parameters(("slug" = "$response.body#/citations/0/source")), description = "A source the event cites")),
            ("next" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/next/slug")), description = "The next event of the timeline")),
        )),
        (status = 404, description = "No event has this slug", body = super::ErrorBody)))]
pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> JsonAt<EventDetail> {
    let (revision, r) = catalog::events::event(&state.db, &slug)
        .await?
        .found()?
        .into_parts();
    let (accounts, comparison) = accounts_and_comparison(&r.accounts);
    let body = EventDetail {
        accounts,
        comparison,
        phase_state: r.phase_state,
        phases: r.phases.into_iter().map(PhaseDto::from).collect(),
        participants: r
            .participants
            .into_iter()
            .map(|p| ParticipantDto {
                link: Link::official(crate::db::Named {
                    slug: p.slug,
                    name: p.name,
                }),
                role: p.role,
                title: p.title,
                country: p.country,
            })
            .collect(),
        organizations: r
            .organizations
            .into_iter()
            .map(|o| Link::organization(o.slug, o.name))
            .collect(),
        topics: r.topics.into_iter().map(Link::topic).collect(),
        sides: r.sides.into_iter().map(|s| s.slug).collect(),
        quotes: r.quotes.into_iter().map(QuoteDto::from).collect(),
        agreements: r.agreements.into_iter().map(AgreementDto::from).collect(),
        follows_up: r.follows_up.into_iter().map(AgreementDto::from).collect(),
        notes: r.notes.into_iter().map(NoteDto::from).collect(),
        citations: r
            .citations
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
        previous: r.previous.map(event_link),
        next: r.next.map(event_link),
        html_url: format!("/events/{}", r.event.slug),
        api_url: format!("/api/v1/events/{}", r.event.slug),
        date: DateDto {
            start: r.event.date_start,
            end: r.event.date_end,
            precision: r.event.date_precision,
            label: r.event.date_label,
        },
        slug: r.event.slug,
        title: r.event.title,
        kind: r.event.kind,
        date_phrase: r.event.date_phrase,
        location: r.event.location,
        status: r.event.status,
        class: r.event.class,
        summary: r.event.summary,
    };
    Ok((revision, Json(body)))
}
