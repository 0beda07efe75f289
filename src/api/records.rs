//! Officials, topics, organisations and agreements as JSON.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::JsonAt;
use super::dto::{
    AgreementDto, CitedParagraphDto, EventSummary, Link, ListLinks, ListMeta, NoteDto,
};
use super::events::QuoteDto;
use super::{next_link, page_cursor, page_limit, split_query, with_query};
use crate::catalog;
use crate::catalog::agreement_index::Cursor;
use crate::catalog::records::Involvement;
use crate::db::events::Side;
use crate::db::{Counted, Named};
use crate::domain::filter::AgreementFilter;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct OfficialList {
    pub data: Vec<OfficialSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct TopicList {
    pub data: Vec<TopicSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementList {
    pub data: Vec<AgreementDto>,
    pub meta: ListMeta,
    pub links: ListLinks,
}

#[derive(Serialize, ToSchema)]
pub struct OfficialSummary {
    #[serde(flatten)]
    pub link: Link,
    pub native_name: Option<String>,
    pub country: String,
    /// The latest title the record knows, and when it was held.
    pub title: Option<String>,
    pub title_from: Option<String>,
    pub title_to: Option<String>,
    pub events: i64,
}

/// Every official, by country and name.
#[utoipa::path(get, path = "/api/v1/officials", tag = "records", operation_id = "listOfficials",
    responses((status = 200, description = "Every official", body = OfficialList, links(
            ("official" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/data/0/slug")), description = "The first official")),
    ))))]
pub async fn officials(State(state): State<AppState>) -> JsonAt<OfficialList> {
    let (revision, rows) = catalog::lists::officials(&state.db).await?.into_parts();
    let body = OfficialList {
        data: rows
            .into_iter()
            .map(|r| OfficialSummary {
                link: Link::official(crate::db::Named {
                    slug: r.slug,
                    name: r.name,
                }),
                native_name: r.native_name,
                country: r.country,
                title: r.title,
                title_from: r.title_from,
                title_to: r.title_to,
                events: r.events,
            })
            .collect(),
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct RoleDto {
    pub title: String,
    pub organization: Option<Link>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub basis: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CountedLink {
    #[serde(flatten)]
    pub link: Link,
    pub events: i64,
}

impl CountedLink {
    fn official(c: Counted) -> Self {
        Self {
            events: c.count,
            link: Link::official(Named {
                slug: c.slug,
                name: c.name,
            }),
        }
    }
    fn topic(c: Counted) -> Self {
        Self {
            events: c.count,
            link: Link::topic(Named {
                slug: c.slug,
                name: c.name,
            }),
        }
    }
}

/// What an official's, a topic's and an organisation's JSON give besides their own fields.
#[derive(Serialize, ToSchema)]
pub struct InvolvementDto {
    /// The latest events (at most 100), in timeline order; `events_total` counts them all.
    pub events: Vec<EventSummary>,
    pub events_total: i64,
    /// The agreements, judged today.
    pub agreements: Vec<AgreementDto>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
}

impl From<Involvement> for InvolvementDto {
    fn from(involved: Involvement) -> Self {
        Self {
            events: involved
                .events
                .into_iter()
                .map(EventSummary::from)
                .collect(),
            events_total: involved.events_total,
            agreements: involved
                .agreements
                .into_iter()
                .map(AgreementDto::from)
                .collect(),
            notes: involved.notes.into_iter().map(NoteDto::from).collect(),
            citations: involved
                .citations
                .into_iter()
                .map(CitedParagraphDto::from)
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OfficialDetail {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country: String,
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub summary: Option<String>,
    pub roles: Vec<RoleDto>,
    /// Their latest quotes (at most 20), in date order.
    pub quotes: Vec<QuoteDto>,
    pub met_with: Vec<CountedLink>,
    pub topics: Vec<CountedLink>,
    /// Their events, and the agreements of the events they took part in.
    #[serde(flatten)]
    pub involvement: InvolvementDto,
    pub html_url: String,
    pub api_url: String,
}

/// One official: roles, events, whom they met, topics.
#[utoipa::path(get, path = "/api/v1/officials/{slug}", tag = "records", operation_id = "getOfficial",
    params(("slug" = String, Path, description = "The official's slug", example = "gina-raimondo")),
    responses(
        (status = 200, description = "The official", body = OfficialDetail, links(
            ("event" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/events/0/slug")), description = "The official's first event")),
            ("met_with" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/met_with/0/slug")), description = "The official they met most")),
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/topics/0/slug")), description = "Their main topic")),
        )),
        (status = 404, description = "No official has this slug", body = super::ErrorBody)))]
pub async fn official(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> JsonAt<OfficialDetail> {
    let (revision, record) = catalog::records::official(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let person = record.person;
    let involved = record.involvement;
    let body = OfficialDetail {
        aliases: record.aliases,
        roles: record
            .roles
            .into_iter()
            .map(|r| RoleDto {
                organization: r
                    .organization_slug
                    .zip(r.organization)
                    .map(|(s, n)| Link::organization(s, n)),
                title: r.title,
                from: r.start_date,
                to: r.end_date,
                basis: r.basis,
            })
            .collect(),
        involvement: InvolvementDto::from(involved),
        quotes: record.quotes.into_iter().map(QuoteDto::from).collect(),
        met_with: record
            .met_with
            .into_iter()
            .map(CountedLink::official)
            .collect(),
        topics: record.topics.into_iter().map(CountedLink::topic).collect(),
        html_url: format!("/officials/{}", person.slug),
        api_url: format!("/api/v1/officials/{}", person.slug),
        slug: person.slug,
        name: person.name,
        native_name: person.native_name,
        country: person.country,
        wikidata: person.wikidata,
        summary: person.summary,
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct TopicSummary {
    #[serde(flatten)]
    pub link: Link,
    pub summary: String,
    pub events: i64,
}

/// Every topic with its event count.
#[utoipa::path(get, path = "/api/v1/topics", tag = "records", operation_id = "listTopics",
    responses((status = 200, description = "Every topic", body = TopicList, links(
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/data/0/slug")), description = "The first topic")),
    ))))]
pub async fn topics(State(state): State<AppState>) -> JsonAt<TopicList> {
    let (revision, value) = catalog::lists::topics(&state.db).await?.into_parts();
    let body = TopicList {
        data: value
            .into_iter()
            .map(|t| TopicSummary {
                link: Link::topic(crate::db::Named {
                    slug: t.slug,
                    name: t.name,
                }),
                summary: t.summary,
                events: t.events,
            })
            .collect(),
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct TopicDetail {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub officials: Vec<CountedLink>,
    #[serde(flatten)]
    pub involvement: InvolvementDto,
    pub html_url: String,
    pub api_url: String,
}

/// One topic: its events, officials and agreements.
#[utoipa::path(get, path = "/api/v1/topics/{slug}", tag = "records", operation_id = "getTopic",
    params(("slug" = String, Path, description = "The topic's slug", example = "export-controls")),
    responses(
        (status = 200, description = "The topic", body = TopicDetail, links(
            ("event" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/events/0/slug")), description = "The topic's first event")),
            ("official" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/officials/0/slug")), description = "The official most involved")),
            ("agreement" = (operation_id = "getAgreement", parameters(("slug" = "$response.body#/agreements/0/slug")), description = "An agreement on the topic")),
        )),
        (status = 404, description = "No topic has this slug", body = super::ErrorBody)))]
pub async fn topic(State(state): State<AppState>, Path(slug): Path<String>) -> JsonAt<TopicDetail> {
    let (revision, record) = catalog::records::topic(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let topic = record.topic;
    let involved = record.involvement;
    let body = TopicDetail {
        involvement: InvolvementDto::from(involved),
        officials: record
            .officials
            .into_iter()
            .map(CountedLink::official)
            .collect(),
        html_url: format!("/topics/{}", topic.slug),
        api_url: format!("/api/v1/topics/{}", topic.slug),
        slug: topic.slug,
        name: topic.name,
        summary: topic.summary,
    };
    Ok((revision, Json(body)))
}

/// A person who held a title in an organisation, and when.
#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    #[serde(flatten)]
    pub link: Link,
    pub title: String,
    /// `YYYY-MM-DD`, where known.
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationDetail {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: String,
    pub country: Option<String>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    /// The people who held a title in it.
    pub members: Vec<MemberDto>,
    #[serde(flatten)]
    pub involvement: InvolvementDto,
    pub html_url: String,
    pub api_url: String,
}

/// One organisation: its events and agreements.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}", tag = "records", operation_id = "getOrganization",
    params(("slug" = String, Path, description = "The organisation's slug", example = "us-department-of-commerce")),
    responses(
        (status = 200, description = "The organisation", body = OrganizationDetail, links(
            ("event" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/events/0/slug")), description = "The organisation's first event")),
            ("agreement" = (operation_id = "getAgreement", parameters(("slug" = "$response.body#/agreements/0/slug")), description = "An agreement binding it")),
        )),
        (status = 404, description = "No organisation has this slug", body = super::ErrorBody)))]
pub async fn organization(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> JsonAt<OrganizationDetail> {
    let (revision, record) = catalog::records::organization(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let org = record.organization;
    let involved = record.involvement;
    let body = OrganizationDetail {
        aliases: record.aliases,
        members: record
            .members
            .into_iter()
            .map(|m| MemberDto {
                link: Link::official(Named {
                    slug: m.slug,
                    name: m.name,
                }),
                title: m.title,
                from: m.start_date,
                to: m.end_date,
            })
            .collect(),
        involvement: InvolvementDto::from(involved),
        html_url: format!("/organizations/{}", org.slug),
        api_url: format!("/api/v1/organizations/{}", org.slug),
        slug: org.slug,
        name: org.name,
        native_name: org.native_name,
        kind: org.kind,
        country: org.country,
        summary: org.summary,
    };
    Ok((revision, Json(body)))
}

/// A page of the agreements matching the agreements page's filters (`status`, `party`,
/// `topic`), in the list's order: by the day each was reached, then by slug.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "records", operation_id = "listAgreements",
    params(super::openapi::AgreementParams, super::openapi::AgreementPageParams),
    responses(
        (status = 200, description = "A page of the matching agreements", body = AgreementList, links(
            ("agreement" = (operation_id = "getAgreement", parameters(("slug" = "$response.body#/data/0/slug")), description = "The page's first agreement")),
            ("agreed_at" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/data/0/agreed_at/slug")), description = "The event where it was reached")),
            ("topic" = (operation_id = "getTopic", parameters(("slug" = "$response.body#/data/0/topics/0/slug")), description = "A topic of it")),
        )),
        (status = 400, description = "A parameter is malformed, unknown, given twice, or names no record", body = super::ErrorBody)))]
pub async fn agreements(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> JsonAt<AgreementList> {
    let query = query.unwrap_or_default();
    let (own, rest) = split_query(&query, &["cursor", "limit"])?;
    let limit = page_limit(&own)?;
    let cursor = page_cursor(&own, Cursor::decode)?;
    let filter = AgreementFilter::from_pairs(rest)?;
    let (revision, list) = catalog::agreements::list(
        &state.agreements,
        &state.db,
        &filter,
        cursor.as_ref().map(|c| (c, Side::After)),
        usize::try_from(limit).unwrap_or(1),
        false,
    )
    .await?
    .into_parts();
    let canonical = filter.query_string();
    let next = list
        .after
        .as_ref()
        .map(|after| next_link("/api/v1/agreements", &canonical, &after.encode(), limit));
    let total = list.total as i64;
    let data = list.agreements;
    let body = AgreementList {
        data: data.into_iter().map(AgreementDto::from).collect(),
        meta: ListMeta { total, limit },
        links: ListLinks {
            this: with_query("/api/v1/agreements", &query),
            next,
            html: with_query("/agreements", &canonical),
        },
    };
    Ok((revision, Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct AgreementDetail {
    #[serde(flatten)]
    pub agreement: AgreementDto,
    pub officials: Vec<Link>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
}

/// One agreement, with its status judged today and the evidence for it.
#[utoipa::path(get, path = "/api/v1/agreements/{slug}", tag = "records", operation_id = "getAgreement",
    params(("slug" = String, Path, description = "The agreement's slug", example = "biden-xi-bali-understanding")),
    responses(
        (status = 200, description = "The agreement", body = AgreementDetail, links(
            ("agreed_at" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/agreed_at/slug")), description = "The event where it was reached")),
            ("official" = (operation_id = "getOfficial", parameters(("slug" = "$response.body#/officials/0/slug")), description = "An official who negotiated it")),
            ("source" = (operation_id = "getSource", parameters(("slug" = "$response.body#/citations/0/source")), description = "A source it cites")),
        )),
        (status = 404, description = "No agreement has this slug", body = super::ErrorBody)))]
pub async fn agreement(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> JsonAt<AgreementDetail> {
    let (revision, record) = catalog::agreements::record(&state.db, &slug)
        .await?
        .found()?
        .into_parts();
    let body = AgreementDetail {
        agreement: AgreementDto::from(record.agreement),
        officials: record.negotiators.into_iter().map(Link::official).collect(),
        notes: record.notes.into_iter().map(NoteDto::from).collect(),
        citations: record
            .citations
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
    };
    Ok((revision, Json(body)))
}
