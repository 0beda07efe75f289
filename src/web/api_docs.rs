//! `/api`: the API's human page, built from the same OpenAPI document the API serves, and the
//! CSV exports' codebook, built from the same description as `/datapackage.json`.

use askama::Template;
use axum::response::Html;
use serde_json::Value;

use crate::domain::exports::{LICENSE, TABLES, Table};
use crate::error::Result;

pub struct ParamDoc {
    pub name: String,
    pub place: String,
    pub description: String,
}

pub struct EndpointDoc {
    pub path: String,
    pub summary: String,
    pub params: Vec<ParamDoc>,
    pub statuses: Vec<String>,
}

#[derive(Template)]
#[template(path = "api.html")]
pub struct ApiPage {
    pub title: String,
    pub section: &'static str,
    pub endpoints: Vec<EndpointDoc>,
    /// The CSV exports' codebook: the data package's own description.
    pub tables: [&'static Table; TABLES.len()],
    pub license: &'static str,
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().trim().to_owned()
}

/// The page, from the API's OpenAPI document (the router passes `api::openapi::document()`).
pub fn show(doc: &Value) -> Result<Html<String>> {
    let endpoints = doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .map(|(path, item)| {
                    let get = &item["get"];
                    let summary = [text(&get["summary"]), text(&get["description"])]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    EndpointDoc {
                        path: path.clone(),
                        summary,
                        params: get["parameters"]
                            .as_array()
                            .map(|ps| {
                                ps.iter()
                                    .map(|p| ParamDoc {
                                        name: text(&p["name"]),
                                        place: text(&p["in"]),
                                        description: text(&p["description"]),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        statuses: get["responses"]
                            .as_object()
                            .map(|r| r.keys().cloned().collect())
                            .unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let page = ApiPage {
        title: "API and data formats".into(),
        section: "api",
        endpoints,
        tables: TABLES,
        license: LICENSE.title,
    };
    Ok(Html(page.render()?))
}
