//! `/api/v1/sources/{slug}` and `/api/v1/search`: the source reader and search as JSON.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::JsonAt;
use crate::catalog;
use crate::catalog::search::{self, Segment};
use crate::domain::SourceVoice;
use crate::domain::links::{paragraph_href, record_href};
use crate::domain::search::parse_query;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CitingRecord {
    /// event, quote, agreement, person, organization, topic or note
    pub kind: String,
    pub label: String,
    pub html_url: Option<String>,
}

/// A paragraph of a full-text source, or a summary point of a summary source.
#[derive(Serialize, ToSchema)]
pub struct ParagraphDto {
    pub number: i64,
    pub text: String,
    pub html_url: String,
    /// The records that cite this paragraph; empty for a paragraph not yet cited.
    pub cited_by: Vec<CitingRecord>,
}

#[derive(Serialize, ToSchema)]
pub struct SourceDetail {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    #[schema(schema_with = super::openapi::voice_schema)]
    pub voice: String,
    /// The voice in words: "US government".
    pub voice_label: String,
    /// The original's language, a BCP 47 tag (`en`, `zh-Hans`).
    pub language: String,
    /// The first day the publication date may denote (`YYYY-MM-DD`).
    pub published: String,
    /// The publication date as people read it: "29 August 2023", "August 2023".
    pub published_label: String,
    /// The original's address; always given for a summary source.
    pub url: Option<String>,
    #[schema(schema_with = super::openapi::text_kind_schema)]
    pub text_kind: String,
    /// How many of `paragraphs` some record cites.
    pub cited_paragraphs: usize,
    /// The numbered texts: the source's paragraphs, or, when `text_kind` is `summary`, the
    /// editors' summary points (cited and anchored exactly like paragraphs).
    pub paragraphs: Vec<ParagraphDto>,
    pub html_url: String,
    pub api_url: String,
}

/// A source's full text paragraph by paragraph (or the editors' summary, point by point), with
/// what cites each.
#[utoipa::path(get, path = "/api/v1/sources/{slug}", tag = "records", operation_id = "getSource",
    params(("slug" = String, Path, description = "The source's slug", example = "raimondo-beijing-2023-08-29")),
    responses(
        (status = 200, description = "The source's text", body = SourceDetail),
        (status = 404, description = "No source has this slug", body = super::ErrorBody)))]
pub async fn source(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> JsonAt<SourceDetail> {
    let (revision, record) = catalog::sources::source(&state.db, &slug)
        .await?
        .found()?
        .into_parts();
    let (source, citing) = (record.source, record.citing);
    let paragraphs: Vec<ParagraphDto> = record
        .paragraphs
        .into_iter()
        .map(|p| ParagraphDto {
            html_url: paragraph_href(&source.slug, p.number),
            cited_by: citing
                .iter()
                .filter(|c| c.number == p.number)
                .map(|c| CitingRecord {
                    kind: c.kind.clone(),
                    label: c.label.clone(),
                    html_url: c
                        .link_type
                        .as_deref()
                        .zip(c.link_slug.as_deref())
                        .and_then(|(t, s)| record_href(t, s)),
                })
                .collect(),
            number: p.number,
            text: p.text,
        })
        .collect();
    let voice_label = source
        .voice
        .parse::<SourceVoice>()
        .map(|v| v.label().to_owned())
        .unwrap_or_else(|_| source.voice.clone());
    // Every import stores the label; a source stored before labels were has its day.
    let published_label = source
        .published_label
        .clone()
        .unwrap_or_else(|| source.published.clone());
    let body = SourceDetail {
        cited_paragraphs: paragraphs.iter().filter(|p| !p.cited_by.is_empty()).count(),
        paragraphs,
        html_url: format!("/sources/{}", source.slug),
        api_url: format!("/api/v1/sources/{}", source.slug),
        slug: source.slug,
        title: source.title,
        publisher: source.publisher,
        voice: source.voice,
        voice_label,
        language: source.language,
        published: source.published,
        published_label,
        url: source.url,
        text_kind: source.text_kind,
    };
    Ok((revision, Json(body)))
}

/// A run of a hit's text; `highlighted` where it matched the query.
#[derive(Serialize, ToSchema)]
pub struct SegmentDto {
    pub text: String,
    pub highlighted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub title: Vec<SegmentDto>,
    pub snippet: Vec<SegmentDto>,
    pub detail: Option<String>,
    pub html_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct HitGroup {
    /// event, account (an item of a government's account of an event, linking to the event),
    /// quote, agreement, person, organization or paragraph
    pub kind: String,
    /// How many hits of this kind there are in all (the group lists the best of them).
    pub count: i64,
    /// More than `count` match: only the latest 200 matches of a kind
    /// (`db::search::CANDIDATES`) are counted and ranked.
    pub more: bool,
    pub hits: Vec<HitDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub q: String,
    pub total: i64,
    pub groups: Vec<HitGroup>,
}

fn segments(list: Vec<Segment>) -> Vec<SegmentDto> {
    list.into_iter()
        .map(|s| SegmentDto {
            text: s.text,
            highlighted: s.highlighted,
        })
        .collect()
}

/// Full-text search across events, the items of governments' accounts of them, quotes,
/// agreements, people, organisations and paragraphs,
/// best first within each kind: by where and how often the words match among the latest
/// matches (events, quotes, paragraphs), else by bm25.
#[utoipa::path(get, path = "/api/v1/search", tag = "records", operation_id = "search",
    params(super::openapi::SearchParams),
    responses(
        (status = 200, description = "The hits, grouped by kind", body = SearchResults),
        (status = 400, description = "`q` is missing, blank, too long or has no letter or digit, or another parameter was given", body = super::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> JsonAt<SearchResults> {
    let text = parse_query(query.as_deref().unwrap_or_default())?.ok_or_else(|| {
        crate::domain::FilterError::new("q", "is missing: give the words to search for")
    })?;
    let (revision, value) = search::search(&state.db, &text).await?.into_parts();
    let groups: Vec<HitGroup> = value
        .into_iter()
        .map(|group| HitGroup {
            kind: group.kind.as_str().to_owned(),
            count: group.count,
            more: group.more,
            hits: group
                .hits
                .into_iter()
                .map(|h| HitDto {
                    title: segments(h.title),
                    snippet: segments(h.snippet),
                    detail: h.detail,
                    html_url: h.href,
                })
                .collect(),
        })
        .collect();
    let body = SearchResults {
        q: text.text().to_owned(),
        total: groups.iter().map(|g| g.count).sum(),
        groups,
    };
    Ok((revision, Json(body)))
}
