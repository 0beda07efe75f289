//! `/datapackage.json`: a Frictionless Data Package (v1, tabular) of the CSV exports, serialised
//! from their description in `domain::exports`, with the latest revision and the licence.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::JsonAt;
use crate::catalog;
use crate::db::revisions::RevisionRow;
use crate::domain::exports::*;
use crate::state::AppState;

// The package as serialised: Frictionless Data Package v1, the tabular profile.

#[derive(Debug, Serialize)]
pub struct DataPackage {
    pub profile: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub homepage: String,
    /// The data revision the exports are read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When that revision was made (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    pub keywords: [&'static str; 4],
    pub licenses: [License; 1],
    pub sources: [PackageSource; 1],
    pub resources: Vec<Resource>,
}

#[derive(Debug, Serialize)]
pub struct PackageSource {
    pub title: &'static str,
    pub path: String,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    pub profile: &'static str,
    pub name: &'static str,
    pub path: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub format: &'static str,
    pub mediatype: &'static str,
    pub encoding: &'static str,
    pub schema: Schema,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub fields: Vec<Field>,
    pub primary_key: [&'static str; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// An empty cell is a missing value (never an empty string).
    pub missing_values: [&'static str; 1],
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub description: &'static str,
    pub constraints: Constraints,
}

#[derive(Debug, Default, Serialize)]
pub struct Constraints {
    pub required: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<&'static str>>,
}

#[derive(Debug, Serialize)]
pub struct ForeignKey {
    pub fields: [&'static str; 1],
    pub reference: KeyReference,
}

#[derive(Debug, Serialize)]
pub struct KeyReference {
    pub resource: &'static str,
    pub fields: [&'static str; 1],
}

impl Field {
    fn of(column: &Column, key: &str) -> Self {
        let mut constraints = Constraints {
            required: column.required,
            unique: column.name == key,
            ..Constraints::default()
        };
        let mut format = None;
        match column.values {
            Values::Any => {}
            Values::Slug => constraints.pattern = Some(SLUG_PATTERN),
            Values::Count => constraints.minimum = Some(0),
            Values::Url => format = Some("uri"),
            Values::Citations => constraints.pattern = Some(CITATIONS_PATTERN),
            Values::OneOf(names) => constraints.one_of = Some(names()),
        }
        Self {
            name: column.name,
            field_type: column.field_type,
            format,
            description: column.description,
            constraints,
        }
    }
}

impl Resource {
    fn of(table: &Table) -> Self {
        Self {
            profile: "tabular-data-resource",
            name: table.name,
            path: table.path,
            title: table.title,
            description: table.description,
            format: "csv",
            mediatype: "text/csv",
            encoding: "utf-8",
            schema: Schema {
                fields: table
                    .columns
                    .iter()
                    .map(|c| Field::of(c, table.key))
                    .collect(),
                primary_key: [table.key],
                foreign_keys: table
                    .references
                    .iter()
                    .map(|r| ForeignKey {
                        fields: [r.column],
                        reference: KeyReference {
                            resource: r.table,
                            fields: [r.key],
                        },
                    })
                    .collect(),
                missing_values: [""],
            },
        }
    }
}

impl DataPackage {
    /// The package of the exports as served from `public_url`, read from `revision`.
    pub fn new(public_url: &str, revision: Option<&RevisionRow>) -> Self {
        Self {
            profile: "tabular-data-package",
            name: "tradewatch",
            title: "tradewatch: events of US–China trade relations",
            description: "The CSV exports of tradewatch: the events of US–China trade relations (meetings, visits, agreements, requests and policy actions), the officials behind them and the agreements and commitments they reached, each record citing the numbered paragraphs of its source. Resource paths are relative to this document's address, the site's root. The exports take filters (see the site's API page); this package describes the unfiltered files, and every filtered file has the same columns.",
            homepage: format!("{public_url}/"),
            version: revision.map(|r| r.id.to_string()),
            created: revision.map(|r| r.changed_at.clone()),
            keywords: ["United States", "China", "trade", "diplomacy"],
            licenses: [LICENSE],
            sources: [PackageSource {
                title: "The sources every record cites, paragraph by paragraph",
                path: format!("{public_url}/sources"),
            }],
            resources: TABLES.iter().map(|t| Resource::of(t)).collect(),
        }
    }
}

/// `/datapackage.json`: the package of the latest revision's exports.
pub async fn document(State(state): State<AppState>) -> JsonAt<DataPackage> {
    let (revision, latest) = catalog::overview::latest_revision(&state.db)
        .await?
        .into_parts();
    Ok((
        revision,
        Json(DataPackage::new(&state.public_url, latest.as_ref())),
    ))
}
