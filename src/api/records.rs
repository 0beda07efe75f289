//! Officials, topics, organisations and agreements as JSON.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Serialize;

use super::ApiResult;
use super::dto::{AgreementDto, CitedParagraphDto, EventSummary, Link, NoteDto};
use crate::db::annotations::{self, Subject};
use crate::db::{agreements, events, organizations, people, topics};
use crate::domain::filter::AgreementFilter;
use crate::error::Error;
use crate::state::AppState;
use crate::web::agreements::{check_slugs, judged, matches};

#[derive(Serialize)]
pub struct Data<T> {
    pub data: T,
}

#[derive(Serialize)]
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

pub async fn officials(
    State(state): State<AppState>,
) -> ApiResult<Json<Data<Vec<OfficialSummary>>>> {
    let rows = people::all(&state.db).await?;
    Ok(Json(Data {
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
    }))
}

#[derive(Serialize)]
pub struct RoleDto {
    pub title: String,
    pub organization: Option<Link>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub basis: Option<String>,
}

#[derive(Serialize)]
pub struct CountedLink {
    #[serde(flatten)]
    pub link: Link,
    pub events: i64,
}

#[derive(Serialize)]
pub struct OfficialDetail {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country: String,
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub summary: Option<String>,
    pub roles: Vec<RoleDto>,
    pub events: Vec<EventSummary>,
    pub met_with: Vec<CountedLink>,
    pub topics: Vec<CountedLink>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
    pub html_url: String,
    pub api_url: String,
}

pub async fn official(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<OfficialDetail>> {
    let db = &state.db;
    let person = people::by_slug(db, &slug).await?.ok_or(Error::NotFound)?;
    let id = person.id;
    Ok(Json(OfficialDetail {
        aliases: annotations::aliases(db, Subject::Person, id).await?,
        roles: people::roles(db, id)
            .await?
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
        events: events::of_person(db, id)
            .await?
            .into_iter()
            .map(EventSummary::from)
            .collect(),
        met_with: people::met_with(db, id)
            .await?
            .into_iter()
            .map(|c| CountedLink {
                events: c.count,
                link: Link::official(crate::db::Named {
                    slug: c.slug,
                    name: c.name,
                }),
            })
            .collect(),
        topics: people::topics(db, id)
            .await?
            .into_iter()
            .map(|c| CountedLink {
                events: c.count,
                link: Link::topic(crate::db::Named {
                    slug: c.slug,
                    name: c.name,
                }),
            })
            .collect(),
        notes: annotations::notes(db, Subject::Person, id)
            .await?
            .into_iter()
            .map(NoteDto::from)
            .collect(),
        citations: annotations::citations(db, Subject::Person, id)
            .await?
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
        html_url: format!("/officials/{}", person.slug),
        api_url: format!("/api/v1/officials/{}", person.slug),
        slug: person.slug,
        name: person.name,
        native_name: person.native_name,
        country: person.country,
        wikidata: person.wikidata,
        summary: person.summary,
    }))
}

#[derive(Serialize)]
pub struct TopicSummary {
    #[serde(flatten)]
    pub link: Link,
    pub summary: String,
    pub events: i64,
}

pub async fn topics(State(state): State<AppState>) -> ApiResult<Json<Data<Vec<TopicSummary>>>> {
    Ok(Json(Data {
        data: topics::all(&state.db)
            .await?
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
    }))
}

#[derive(Serialize)]
pub struct TopicDetail {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub events: Vec<EventSummary>,
    pub officials: Vec<CountedLink>,
    pub agreements: Vec<AgreementDto>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
    pub html_url: String,
    pub api_url: String,
}

pub async fn topic(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<TopicDetail>> {
    let db = &state.db;
    let topic = topics::by_slug(db, &slug).await?.ok_or(Error::NotFound)?;
    let id = topic.id;
    Ok(Json(TopicDetail {
        events: events::of_topic(db, id)
            .await?
            .into_iter()
            .map(EventSummary::from)
            .collect(),
        officials: topics::officials(db, id)
            .await?
            .into_iter()
            .map(|c| CountedLink {
                events: c.count,
                link: Link::official(crate::db::Named {
                    slug: c.slug,
                    name: c.name,
                }),
            })
            .collect(),
        agreements: judged(db, agreements::on_topic(db, id).await?)
            .await?
            .into_iter()
            .map(AgreementDto::from)
            .collect(),
        notes: annotations::notes(db, Subject::Topic, id)
            .await?
            .into_iter()
            .map(NoteDto::from)
            .collect(),
        citations: annotations::citations(db, Subject::Topic, id)
            .await?
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
        html_url: format!("/topics/{}", topic.slug),
        api_url: format!("/api/v1/topics/{}", topic.slug),
        slug: topic.slug,
        name: topic.name,
        summary: topic.summary,
    }))
}

#[derive(Serialize)]
pub struct OrganizationDetail {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: String,
    pub country: Option<String>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub events: Vec<EventSummary>,
    pub agreements: Vec<AgreementDto>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
    pub html_url: String,
    pub api_url: String,
}

pub async fn organization(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<OrganizationDetail>> {
    let db = &state.db;
    let org = organizations::by_slug(db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let id = org.id;
    Ok(Json(OrganizationDetail {
        aliases: annotations::aliases(db, Subject::Organization, id).await?,
        events: events::of_organization(db, id)
            .await?
            .into_iter()
            .map(EventSummary::from)
            .collect(),
        agreements: judged(db, agreements::of_organization(db, id).await?)
            .await?
            .into_iter()
            .map(AgreementDto::from)
            .collect(),
        notes: annotations::notes(db, Subject::Organization, id)
            .await?
            .into_iter()
            .map(NoteDto::from)
            .collect(),
        citations: annotations::citations(db, Subject::Organization, id)
            .await?
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
        html_url: format!("/organizations/{}", org.slug),
        api_url: format!("/api/v1/organizations/{}", org.slug),
        slug: org.slug,
        name: org.name,
        native_name: org.native_name,
        kind: org.kind,
        country: org.country,
        summary: org.summary,
    }))
}

/// Agreements, with the agreements page's filters (`status`, `party`, `topic`).
pub async fn agreements(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Data<Vec<AgreementDto>>>> {
    let filter = AgreementFilter::from_query(query.as_deref().unwrap_or_default())?;
    check_slugs(&state.db, &filter).await?;
    let all = judged(&state.db, agreements::all(&state.db).await?).await?;
    Ok(Json(Data {
        data: all
            .into_iter()
            .filter(|v| matches(v, &filter, None))
            .map(AgreementDto::from)
            .collect(),
    }))
}

#[derive(Serialize)]
pub struct AgreementDetail {
    #[serde(flatten)]
    pub agreement: AgreementDto,
    pub officials: Vec<Link>,
    pub notes: Vec<NoteDto>,
    pub citations: Vec<CitedParagraphDto>,
}

pub async fn agreement(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<AgreementDetail>> {
    let db = &state.db;
    let row = agreements::by_slug(db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let id = row.id;
    let view = judged(db, vec![row])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)?;
    Ok(Json(AgreementDetail {
        agreement: AgreementDto::from(view),
        officials: agreements::negotiators(db, id)
            .await?
            .into_iter()
            .map(Link::official)
            .collect(),
        notes: annotations::notes(db, Subject::Agreement, id)
            .await?
            .into_iter()
            .map(NoteDto::from)
            .collect(),
        citations: annotations::citations(db, Subject::Agreement, id)
            .await?
            .into_iter()
            .map(CitedParagraphDto::from)
            .collect(),
    }))
}
