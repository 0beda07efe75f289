//! The OpenAPI 3.1 document, generated from the handlers' and records' own types so it cannot
//! drift from what the API serves. Every constraint the parsers enforce is stated in it: ranges,
//! vocabularies, lengths and patterns come from the parsers' own constants, and the slugs a
//! filter accepts are the dataset's, listed when the document is served.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use super::JsonAt;
use super::{ErrorBody, MAX_LIMIT};
use crate::db::slugs::KnownSlugs;
use crate::domain::filter::{MAX_QUERY_CHARS, MAX_VALUES};
use crate::domain::slug::MAX_SLUG_LEN;
use crate::domain::{CommitmentStatus, EventKind, SourceVoice, TextKind};
use crate::error::RETRY_AFTER_SECONDS;

/// A slug: lower-case ASCII letters and digits in runs joined by single hyphens (`Slug::parse`).
const SLUG: &str = "[a-z0-9]+(?:-[a-z0-9]+)*";

/// A real calendar day written `YYYY-MM-DD` (`date::parse_day`): months have their lengths and
/// 29 February is in leap years only (every fourth year, not centuries but every fourth century).
const DAY: &str = concat!(
    "(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)",
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
);

/// An empty value, or one of spaces only: the parsers read it as "any" (an empty form field).
const BLANK: &str = "^\\s*$";

/// `YYYY-MM-DD` is a day; a day's length in characters.
const DAY_LEN: usize = 10;

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// `^\s*(?:body)?\s*$`: the parsers trim a value and take an empty one as "any".
fn trimmed(body: &str) -> String {
    format!("^\\s*(?:{body})?\\s*$")
}

/// The pattern of a `from` or `to` bound (`filter::parse_bound`): a year, a month or a day.
pub fn date_bound_pattern() -> String {
    trimmed(&format!("{DAY}|[0-9]{{4}}-(?:0[1-9]|1[0-2])|[0-9]{{4}}"))
}

/// The pattern of an event cursor (`db::events::Cursor`): `start.end.slug`.
pub fn event_cursor_pattern() -> String {
    format!("^(?:{DAY}\\.{DAY}\\.{SLUG})?$")
}

/// The pattern of a slug, whole.
pub fn slug_pattern() -> String {
    format!("^{SLUG}$")
}

/// A record's slug in a path.
fn path_slug() -> Schema {
    string()
        .pattern(Some(slug_pattern()))
        .min_length(Some(1))
        .max_length(Some(MAX_SLUG_LEN))
        .into()
}

/// A multi-valued filter of slugs: the dataset's are filled in when the document is served
/// (`with_known_slugs`); until then, any slug. Blank values mean any.
fn slug_filter() -> Schema {
    ArrayBuilder::new()
        .items(
            string()
                .pattern(Some(trimmed(SLUG)))
                .max_length(Some(MAX_SLUG_LEN)),
        )
        .into()
}

/// A source's voice, as the API returns it.
pub fn voice_schema() -> Schema {
    string()
        .enum_values(Some(SourceVoice::ALL.iter().map(|v| v.as_str())))
        .description(Some("Whose account the source gives"))
        .into()
}

/// What a source's numbered texts are, as the API returns it.
pub fn text_kind_schema() -> Schema {
    string()
        .enum_values(Some(TextKind::ALL.iter().map(|k| k.as_str())))
        .description(Some(
            "full-text: the numbered texts are the source's paragraphs; summary: they are the editors' numbered summary points, not the source's words",
        ))
        .into()
}

fn vocabulary(names: impl IntoIterator<Item = &'static str>) -> Schema {
    ArrayBuilder::new()
        .items(string().enum_values(Some(names.into_iter().chain([""]))))
        .into()
}

fn date_bound_schema() -> Schema {
    string()
        .pattern(Some(date_bound_pattern()))
        .examples([json!("2023-08"), json!("2023-08-29"), json!("2023")])
        .into()
}

/// A whole day (`in_force`), or blank for any.
fn day_schema() -> Schema {
    string()
        .pattern(Some(trimmed(DAY)))
        .examples([json!("2024-01-01")])
        .into()
}

fn range_schema() -> Schema {
    string()
        .enum_values(Some(["overlaps", "within", ""]))
        .default(Some(json!("overlaps")))
        .into()
}

fn sort_schema() -> Schema {
    string()
        .enum_values(Some(["asc", "desc", ""]))
        .default(Some(json!("asc")))
        .into()
}

/// Every letter and digit as `SearchText` splits words (`char::is_alphanumeric`: Unicode's
/// Alphabetic and Number), spelt out as a class of ranges: clients read `\p{…}` classes each in
/// their own way (some as Latin letters only), but a range of characters alike.
fn alphanumeric_class() -> &'static str {
    static CLASS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CLASS.get_or_init(|| {
        let mut class = String::from("[");
        let mut run: Option<(char, char)> = None;
        fn close(class: &mut String, (first, last): (char, char)) {
            class.push(first);
            if last != first {
                if u32::from(last) > u32::from(first) + 1 {
                    class.push('-');
                }
                class.push(last);
            }
        }
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if !c.is_alphanumeric() {
                continue;
            }
            run = match run {
                Some((first, last)) if u32::from(last) + 1 == u32::from(c) => Some((first, c)),
                Some(done) => {
                    close(&mut class, done);
                    Some((c, c))
                }
                None => Some((c, c)),
            };
        }
        if let Some(done) = run {
            close(&mut class, done);
        }
        class.push(']');
        class
    })
}

/// Search text (`SearchText::parse`): at most `MAX_QUERY_CHARS` characters once trimmed, with a
/// letter or digit somewhere. `required` when blank text is an error rather than "any".
fn search_text(required: bool) -> Schema {
    let words = alphanumeric_class();
    let text = string()
        .max_length(Some(MAX_QUERY_CHARS))
        .examples([json!("export controls")]);
    if required {
        text.pattern(Some(words)).min_length(Some(1)).into()
    } else {
        text.pattern(Some(format!("{BLANK}|{words}"))).into()
    }
}

fn limit_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT))
        .default(Some(json!(super::DEFAULT_LIMIT)))
        .into()
}

fn event_cursor_schema() -> Schema {
    string()
        .pattern(Some(event_cursor_pattern()))
        .max_length(Some(2 * DAY_LEN + 2 + MAX_SLUG_LEN))
        .examples([json!(
            "2023-08-28.2023-08-28.raimondo-wang-wentao-lunch-meeting"
        )])
        .into()
}

/// An agreement cursor (`agreement_index::Cursor`): `day.slug`, or the slug alone for an
/// agreement with no date.
fn agreement_cursor_schema() -> Schema {
    AnyOfBuilder::new()
        .item(
            string()
                .pattern(Some(format!("^{DAY}\\.{SLUG}$")))
                .max_length(Some(DAY_LEN + 1 + MAX_SLUG_LEN)),
        )
        .item(
            string()
                .pattern(Some(format!("^(?:{SLUG})?$")))
                .max_length(Some(MAX_SLUG_LEN)),
        )
        .examples([json!("2023-08-28.annual-commerce-ministers-meeting")])
        .into()
}

/// What the parsers accept for the query parameter `name` of the operation `operation_id`, or
/// `None` for a parameter no parser reads (a unit test checks every documented one has a schema).
fn query_schema(operation_id: &str, name: &str) -> Option<Schema> {
    Some(match name {
        "official" | "topic" | "country" | "party" => slug_filter(),
        "kind" => vocabulary(EventKind::ALL.iter().map(|k| k.as_str())),
        "status" => vocabulary(CommitmentStatus::ALL.iter().map(|s| s.as_str())),
        "from" | "to" => date_bound_schema(),
        "in_force" => day_schema(),
        "range" => range_schema(),
        "sort" => sort_schema(),
        // `/api/v1/search` needs the text; the timeline reads blank text as "any".
        "q" => search_text(operation_id == "search"),
        "limit" => limit_schema(),
        "cursor" if operation_id == "listAgreements" => agreement_cursor_schema(),
        // The readouts list pages by the timeline's cursor, newest first.
        "cursor" if operation_id == "listEvents" || operation_id == "listReadouts" => {
            event_cursor_schema()
        }
        _ => return None,
    })
}

/// The timeline's filters, as the API documents them (the parser is `TimelineFilter`; a unit
/// test checks the two name the same parameters). A parameter given empty means any.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Official (person) slugs, as `/api/v1/officials` lists them; several match any of them.
    #[param(example = json!(["gina-raimondo"]))]
    pub official: Option<Vec<String>>,
    /// Topic slugs, as `/api/v1/topics` lists them; several match any of them.
    #[param(example = json!(["export-controls"]))]
    pub topic: Option<Vec<String>>,
    /// Event kinds; several match any of them.
    #[param(example = json!(["meeting"]))]
    pub kind: Option<Vec<String>>,
    /// Country slugs: events involving that country.
    #[param(example = json!(["china"]))]
    pub country: Option<Vec<String>>,
    /// Earliest day: `2023`, `2023-08` or `2023-08-29` (a real date). Events that may fall in
    /// the range match. Not after `to`.
    pub from: Option<String>,
    /// Latest day: `2023`, `2023-08` or `2023-08-29` (a real date). Not before `from`: a range
    /// that ends before it starts is answered 400.
    pub to: Option<String>,
    /// `overlaps` (the default: events that may fall in the range) or `within` (only events
    /// known to lie wholly within `from` and `to`).
    pub range: Option<String>,
    /// A day, `2024-01-01` (a real date): only policy actions in force that day. A phase dated
    /// to a month or longer counts from the last day its taking effect may denote until the
    /// first day its suspension or revocation may denote, that day excluded.
    pub in_force: Option<String>,
    /// Text; words are ANDed, the last matches as a prefix. At most 500 characters, with at
    /// least one letter or digit; spaces alone mean no text filter.
    pub q: Option<String>,
    /// `asc` (oldest first, the default) or `desc`.
    pub sort: Option<String>,
}

/// Pagination of `/api/v1/events`.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventPageParams {
    /// Records per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a `next` link (`start.end.slug` of the last event
    /// of the page before).
    pub cursor: Option<String>,
}

/// Pagination of `/api/v1/agreements`.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementPageParams {
    /// Records per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a `next` link (`day.slug` of the last agreement
    /// of the page before, or its slug alone when it has no date).
    pub cursor: Option<String>,
}

/// The agreements list's filters.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementParams {
    /// Statuses, judged today; several match any of them.
    #[param(example = json!(["overdue"]))]
    pub status: Option<Vec<String>>,
    /// Organisation or country slugs bound by the agreement.
    #[param(example = json!(["china"]))]
    pub party: Option<Vec<String>>,
    /// Topic slugs.
    #[param(example = json!(["tourism"]))]
    pub topic: Option<Vec<String>>,
}

/// The readouts list's filters: the timeline's `official` and `topic`, read by its parser
/// (`ReadoutFilter`). A topic matches an event tagged with it or an item of its accounts.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadoutParams {
    /// Official (person) slugs: events they took part in; several match any of them.
    #[param(example = json!(["gina-raimondo"]))]
    pub official: Option<Vec<String>>,
    /// Topic slugs: events tagged with one, or whose accounts mention one.
    #[param(example = json!(["export-controls"]))]
    pub topic: Option<Vec<String>>,
}

/// `/api/v1/search`'s one parameter.
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to search for; all must match, the last also as a prefix. At most 500
    /// characters, with at least one letter or digit.
    pub q: String,
}

/// What every operation may answer besides its own responses, and the shape of its slug.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let Some(operation) = item.get.as_mut() else {
                continue;
            };
            let id = operation.operation_id.clone().unwrap_or_default();
            for parameter in operation.parameters.iter_mut().flatten() {
                let schema = match parameter.parameter_in {
                    ParameterIn::Path if parameter.name == "slug" => Some(path_slug()),
                    ParameterIn::Query => query_schema(&id, &parameter.name),
                    _ => None,
                };
                if let Some(schema) = schema {
                    parameter.schema = Some(schema.into());
                }
            }
            let takes_parameters = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| p.parameter_in == ParameterIn::Query);
            let responses = &mut operation.responses.responses;
            if !responses.contains_key("400") {
                let description = if takes_parameters {
                    "A parameter is malformed, unknown or given twice"
                } else {
                    "A query parameter was given: this operation takes none"
                };
                responses.insert("400".into(), error_response(description).into());
            }
            responses.insert(
                "503".into(),
                ResponseBuilder::new()
                    .description(
                        "The server is answering as many requests as it can (or took too long): try again after `Retry-After` seconds",
                    )
                    .header(
                        "Retry-After",
                        HeaderBuilder::new()
                            .schema(
                                ObjectBuilder::new()
                                    .schema_type(Type::String)
                                    .pattern(Some("^[0-9]+$"))
                                    .examples([json!(RETRY_AFTER_SECONDS)]),
                            )
                            .description(Some("Seconds to wait before trying again"))
                            .build(),
                    )
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(error_ref())).build(),
                    )
                    .content(
                        "text/plain",
                        ContentBuilder::new()
                            .schema(Some(Schema::from(string().build())))
                            .build(),
                    )
                    .build()
                    .into(),
            );
        }
    }
}

fn error_ref() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(ErrorBody::name()))
}

fn error_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new().schema(Some(error_ref())).build(),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tradewatch API",
        description = "US–China trade relations: events, officials, topics, organisations and agreements, each record citing the source paragraphs that support it. Read-only; CORS is open for GET. Every parameter is checked: a value outside what this document allows, an unknown parameter or one given twice is answered 400 with a JSON error naming it. A filter parameter given empty means any.",
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
        super::readouts::list,
        super::records::agreement,
        super::sources::source,
        super::sources::search,
        openapi_json,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Conventions),
    tags((name = "events"), (name = "records"), (name = "meta"))
)]
pub struct ApiDoc;

/// The document without the dataset's slugs, as JSON: what the API's human page (`/api`) lists.
pub fn description() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

/// The document as served: `ApiDoc` with the slugs each filter accepts, which are the
/// dataset's (an unknown slug is answered 400).
pub fn document(known: &KnownSlugs) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for item in doc.paths.paths.values_mut() {
        if let Some(operation) = item.get.as_mut() {
            with_known_slugs(operation, known);
        }
    }
    doc
}

/// Lists the accepted slugs in each slug filter of `operation`: `party` takes organisations and
/// countries, `topic` on agreements any topic, like the timeline's.
fn with_known_slugs(operation: &mut Operation, known: &KnownSlugs) {
    for parameter in operation.parameters.iter_mut().flatten() {
        let slugs: Vec<&str> = match parameter.name.as_str() {
            "official" => known.officials.iter().map(String::as_str).collect(),
            "topic" => known.topics.iter().map(String::as_str).collect(),
            "country" => known.countries.iter().map(String::as_str).collect(),
            "party" => known
                .organizations
                .iter()
                .chain(&known.countries)
                .map(String::as_str)
                .collect(),
            _ => continue,
        };
        // Repeated values count once, so only a vocabulary longer than the limit can exceed it.
        let max_items = (slugs.len() > MAX_VALUES).then_some(MAX_VALUES);
        parameter.schema = Some(
            ArrayBuilder::new()
                .items(string().enum_values(Some(slugs.into_iter().chain([""]))))
                .max_items(max_items)
                .into(),
        );
    }
}

/// `doc` as JSON. utoipa 5 writes a link's fields in snake case (`operation_id`); OpenAPI
/// names them in camel case (`operationId`), which is what clients read.
pub fn to_json(doc: &utoipa::openapi::OpenApi) -> Result<Value, serde_json::Error> {
    let mut json = serde_json::to_value(doc)?;
    let operations = json["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut());
    for operation in operations {
        let links = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|responses| responses.values_mut())
            .filter_map(|response| response.get_mut("links")?.as_object_mut())
            .flat_map(|links| links.values_mut())
            .filter_map(Value::as_object_mut);
        for link in links {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(value) = link.remove(snake) {
                    link.insert(camel.to_owned(), value);
                }
            }
        }
    }
    Ok(json)
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json(State(state): State<crate::AppState>) -> JsonAt<Value> {
    let known = crate::catalog::overview::known_slugs(&state.db).await?;
    let doc = to_json(&document(&known.value))
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    Ok((known.revision, Json(doc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::filter::SearchText;
    use crate::domain::{Slug, TimelineFilter};

    /// The document's reading of values: JSON Schema, as clients validate it.
    fn validator(schema: &Schema) -> jsonschema::Validator {
        jsonschema::validator_for(&serde_json::to_value(schema).unwrap()).unwrap()
    }

    fn parameter_schema(operation_id: &str, name: &str) -> Schema {
        query_schema(operation_id, name).unwrap()
    }

    fn agree(schema: &Schema, parser: impl Fn(&str) -> bool, values: &[String]) {
        let validator = validator(schema);
        for value in values {
            assert_eq!(
                validator.is_valid(&json!(value)),
                parser(value),
                "the document and the parser disagree on {value:?}"
            );
        }
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    /// Years with every kind of leap rule, and every month and day number up to 39.
    fn date_like_values() -> Vec<String> {
        let mut values = Vec::new();
        for year in ["0000", "1900", "2000", "2023", "2024", "2100", "9999"] {
            values.push(year.to_owned());
            for month in 0..=13 {
                values.push(format!("{year}-{month:02}"));
                for day in 0..=39 {
                    values.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
        }
        values
    }

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
        let names: Vec<String> = ReadoutParams::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, crate::domain::filter::READOUT_PARAMETERS);
        let names: Vec<String> = SearchParams::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, crate::domain::search::PARAMETERS);
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
            "/api/v1/readouts",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path}");
        }
    }

    #[test]
    fn every_documented_parameter_states_its_constraints() {
        let doc = ApiDoc::openapi();
        for (path, item) in &doc.paths.paths {
            let operation = item.get.as_ref().unwrap();
            let id = operation.operation_id.as_deref().unwrap();
            for parameter in operation.parameters.iter().flatten() {
                if parameter.parameter_in == ParameterIn::Query {
                    assert!(
                        query_schema(id, &parameter.name).is_some(),
                        "{path} ?{}",
                        parameter.name
                    );
                }
                assert!(
                    parameter.description.is_some(),
                    "{path} {} has no description",
                    parameter.name
                );
            }
            for status in ["400", "503"] {
                assert!(
                    operation.responses.responses.contains_key(status),
                    "{path} documents no {status}"
                );
            }
        }
    }

    #[test]
    fn the_documented_limit_bounds_are_the_parsers() {
        let schema = serde_json::to_value(parameter_schema("listEvents", "limit")).unwrap();
        let (min, max) = (schema["minimum"].as_i64(), schema["maximum"].as_i64());
        assert_eq!((min, max), (Some(1), Some(MAX_LIMIT)));
        let limit = |n: i64| super::super::page_limit(&[("limit".into(), n.to_string())]).is_ok();
        assert!(limit(1) && limit(MAX_LIMIT));
        assert!(!limit(0) && !limit(MAX_LIMIT + 1));
    }

    #[test]
    fn the_documented_date_bounds_are_the_parsers() {
        let mut values = date_like_values();
        values.extend(strings(&[
            "",
            "  ",
            " 2023-08 ",
            "2023-8",
            "23",
            "2023-08-29T00",
            "x",
        ]));
        for name in ["from", "to", "in_force"] {
            agree(
                &parameter_schema("listEvents", name),
                |v| TimelineFilter::from_query(&format!("{name}={v}")).is_ok(),
                &values,
            );
        }
    }

    #[test]
    fn the_documented_slugs_are_the_parsers() {
        let long = "a".repeat(MAX_SLUG_LEN);
        let values = strings(&[
            "gina-raimondo",
            "g20-2022",
            "",
            "Gina",
            "gina--raimondo",
            "-gina",
            "gina-",
            "gina raimondo",
            "gína",
            "a/b",
            &long,
            &format!("{long}a"),
        ]);
        agree(&path_slug(), |v| Slug::parse(v).is_ok(), &values);
    }

    #[test]
    fn the_documented_cursors_are_the_parsers() {
        let slug = "a".repeat(MAX_SLUG_LEN);
        let values = strings(&[
            "2023-08-28.2023-08-28.raimondo-wang-wentao-lunch-meeting",
            "2023-08-28.2023-08-29.x",
            "2023-02-29.2023-03-01.x",
            "2024-02-29.2024-03-01.x",
            "2023-08-28.x",
            "2023-08-28.2023-08-28.",
            "2023-08-28.2023-08-28.x.y",
            "2023-08-28.2023-08-28.X",
            &format!("2023-08-28.2023-08-28.{slug}"),
            &format!("2023-08-28.2023-08-28.{slug}a"),
            "raimondo",
        ]);
        // An empty cursor is no cursor.
        let event = |v: &str| v.is_empty() || crate::db::events::Cursor::decode(v).is_some();
        agree(&parameter_schema("listEvents", "cursor"), event, &values);
        let mut values = values;
        values.extend(strings(&[
            "2023-08-28.annual-commerce-ministers-meeting",
            "2023-02-30.x",
            "annual-commerce-ministers-meeting",
            "x.y",
            &format!("2023-08-28.{slug}"),
            &format!("2023-08-28.{slug}a"),
            &slug,
            &format!("{slug}a"),
        ]));
        let agreement =
            |v: &str| v.is_empty() || crate::catalog::agreement_index::Cursor::decode(v).is_some();
        agree(
            &parameter_schema("listAgreements", "cursor"),
            agreement,
            &values,
        );
    }

    #[test]
    fn the_documented_search_text_is_the_parsers() {
        let long = "a".repeat(MAX_QUERY_CHARS);
        let values = strings(&[
            "export controls",
            "李强",
            "2023",
            "Ωμέγα",
            "",
            "   ",
            "***",
            "-- \"\" --",
            "🙂",
            "पन्ह",
            "\u{903}",
            "\u{300}",
            "Ⅻ",
            "\u{1D7D8}",
            &long,
            &format!("{long}a"),
        ]);
        // The timeline reads blank text as no filter; search needs words.
        let filter = |v: &str| v.trim().is_empty() || SearchText::parse(v).is_ok();
        agree(&parameter_schema("listEvents", "q"), filter, &values);
        agree(
            &parameter_schema("search", "q"),
            |v| SearchText::parse(v).is_ok(),
            &values,
        );
    }

    #[test]
    fn the_documented_vocabularies_are_the_parsers() {
        for (name, accepted) in [
            (
                "kind",
                EventKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ),
            ("range", vec!["overlaps", "within"]),
            ("sort", vec!["asc", "desc"]),
        ] {
            let schema = serde_json::to_value(parameter_schema("listEvents", name)).unwrap();
            let listed = schema["items"]["enum"]
                .as_array()
                .or(schema["enum"].as_array())
                .unwrap();
            let mut expected: Vec<Value> = accepted.iter().map(|v| json!(v)).collect();
            expected.push(json!(""));
            assert_eq!(listed, &expected, "{name}");
            for value in accepted {
                assert!(TimelineFilter::from_query(&format!("{name}={value}")).is_ok());
            }
            assert!(TimelineFilter::from_query(&format!("{name}=other")).is_err());
        }
        let statuses = serde_json::to_value(parameter_schema("listAgreements", "status")).unwrap();
        let listed = statuses["items"]["enum"].as_array().unwrap();
        assert_eq!(listed.len(), CommitmentStatus::ALL.len() + 1);
        for status in CommitmentStatus::ALL {
            assert!(listed.contains(&json!(status.as_str())));
        }
    }

    #[test]
    fn a_sources_voice_and_text_kind_are_documented_as_their_vocabularies() {
        let doc = to_json(&document(&KnownSlugs::default())).unwrap();
        let source = &doc["components"]["schemas"]["SourceDetail"]["properties"];
        let names = |v: &Value| -> Vec<String> {
            v["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("an enum: {v}"))
                .iter()
                .map(|n| n.as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(
            names(&source["voice"]),
            SourceVoice::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        );
        let kinds: Vec<&str> = TextKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names(&source["text_kind"]), kinds);
        let cited = &doc["components"]["schemas"]["CitedParagraphDto"]["properties"];
        assert_eq!(names(&cited["text_kind"]), kinds);
        // An agreement's last search names its fields as the data does: `on` and `for`.
        let searched = &doc["components"]["schemas"]["SearchedDto"]["properties"];
        assert!(
            searched["on"].is_object() && searched["for"].is_object(),
            "{searched}"
        );
    }

    #[test]
    fn slug_filters_list_the_known_slugs_and_links_use_camel_case() {
        let known = KnownSlugs {
            officials: vec!["gina-raimondo".into()],
            topics: vec!["tourism".into()],
            countries: vec!["china".into()],
            organizations: vec!["huawei".into()],
        };
        let doc = to_json(&document(&known)).unwrap();
        let parameter = |path: &str, name: &str| {
            doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap()["schema"]["items"]["enum"]
                .clone()
        };
        assert_eq!(
            parameter("/api/v1/events", "official"),
            json!(["gina-raimondo", ""])
        );
        assert_eq!(
            parameter("/api/v1/agreements", "party"),
            json!(["huawei", "china", ""])
        );
        assert_eq!(
            parameter("/api/v1/agreements", "topic"),
            json!(["tourism", ""])
        );
        let link = &doc["paths"]["/api/v1/events"]["get"]["responses"]["200"]["links"]["event"];
        assert_eq!(link["operationId"], "getEvent");
        assert!(link.get("operation_id").is_none());
    }
}
