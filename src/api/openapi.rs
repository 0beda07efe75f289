//! The OpenAPI 3.1 document, generated from the handlers' and records' own types so it cannot
//! drift from what the API serves.

use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

/// The timeline's filters, as the API documents them (the parser is `TimelineFilter`; a unit
/// test checks the two name the same parameters).
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Official (person) slugs; several match any of them.
    pub official: Option<Vec<String>>,
    /// Topic slugs; several match any of them.
    pub topic: Option<Vec<String>>,
    /// Event kinds: meeting, visit, talks, agreement, announcement, request, refusal, policy,
    /// enforcement, statement.
    pub kind: Option<Vec<String>>,
    /// Country slugs (united-states, china, …): events involving that country.
    pub country: Option<Vec<String>>,
    /// Earliest day: `2023`, `2023-08` or `2023-08-29`. Events that may fall in the range match.
    pub from: Option<String>,
    /// Latest day: `2023`, `2023-08` or `2023-08-29`.
    pub to: Option<String>,
    /// `overlaps` (the default: events that may fall in the range) or `within` (only events
    /// known to lie wholly within `from` and `to`).
    pub range: Option<String>,
    /// Text; words are ANDed, the last matches as a prefix.
    pub q: Option<String>,
    /// `asc` (oldest first, the default) or `desc`.
    pub sort: Option<String>,
}

/// Pagination of `/api/v1/events` and `/api/v1/agreements`.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Records per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a `next` link.
    pub cursor: Option<String>,
}

/// The agreements list's filters.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementParams {
    /// Statuses: agreed, due, overdue, in-progress, fulfilled, broken.
    pub status: Option<Vec<String>>,
    /// Organisation or country slugs bound by the agreement.
    pub party: Option<Vec<String>>,
    /// Topic slugs.
    pub topic: Option<Vec<String>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tradewatch API",
        description = "US–China trade relations: events, officials, topics, organisations and agreements, each record citing the source paragraphs that support it. Read-only; CORS is open for GET.",
        version = "1"
    ),
    paths(
        super::events::list,
        super::events::facets,
        super::events::show,
        super::records::officials,
        super::records::official,
        super::records::topics,
        super::records::topic,
        super::records::organization,
        super::records::agreements,
        super::records::agreement,
        super::sources::source,
        super::sources::search,
        openapi_json,
    ),
    tags((name = "events"), (name = "records"), (name = "meta"))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI 3.1 document")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::ParameterIn;

    #[test]
    fn the_documented_timeline_parameters_are_the_parsers() {
        let names: Vec<String> = TimelineParams::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, crate::domain::filter::PARAMETERS);
        let names: Vec<String> = AgreementParams::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, crate::domain::filter::AGREEMENT_PARAMETERS);
    }

    #[test]
    fn the_document_is_openapi_3_1_with_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in [
            "/api/v1/events",
            "/api/v1/events/{slug}",
            "/api/v1/agreements/{slug}",
            "/api/v1/officials",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path}");
        }
    }
}
