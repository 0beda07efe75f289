//! `/datapackage.json` describes the CSV exports as they are served: the same columns in the same
//! order, allowed values taken from the server's vocabularies, every cell of the real dataset
//! within its column's type and constraints, paths that resolve against the package's address,
//! the data revision and the licence; and the `/api` page links it beside its codebook.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::{BTreeMap, HashSet};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::Value;
use tradewatch::domain::{
    AgreementKind, CommitmentStatus, EventKind, EventStatus, Precision, Slug,
};

async fn package(app: &TestApp) -> Value {
    let (status, headers, body) = app.get("/datapackage.json").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    serde_json::from_str(&body).unwrap()
}

fn resource<'a>(package: &'a Value, name: &str) -> &'a Value {
    package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name}"))
}

fn fields(resource: &Value) -> &Vec<Value> {
    resource["schema"]["fields"].as_array().unwrap()
}

fn field_names(resource: &Value) -> Vec<String> {
    fields(resource)
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The CSV at `path`: its header row and its records.
async fn csv_at(app: &TestApp, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (status, headers, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// Whether `cell` satisfies `field` as Frictionless reads it: an empty cell is missing (allowed
/// unless required); otherwise its type, then its constraints.
fn check_cell(field: &Value, cell: &str) -> Result<(), String> {
    let constraints = &field["constraints"];
    if cell.is_empty() {
        return if constraints["required"] == true {
            Err("is required".into())
        } else {
            Ok(())
        };
    }
    match field["type"].as_str().unwrap() {
        "string" => {}
        "date" => {
            time::Date::parse(
                cell,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|e| format!("is not a date: {e}"))?;
        }
        "integer" => {
            let n: i64 = cell.parse().map_err(|_| "is not an integer".to_owned())?;
            if let Some(min) = constraints["minimum"].as_i64()
                && n < min
            {
                return Err(format!("is below {min}"));
            }
        }
        other => return Err(format!("has an unexpected type {other}")),
    }
    if field["format"] == "uri" && !cell.starts_with("http://") && !cell.starts_with("https://") {
        return Err("is not an absolute URL".into());
    }
    if let Some(values) = constraints["enum"].as_array()
        && !values.iter().any(|v| v == cell)
    {
        return Err(format!("is not one of {values:?}"));
    }
    // The two patterns the package uses, checked with the parsers they describe.
    match constraints["pattern"].as_str() {
        None => {}
        Some(tradewatch::domain::exports::SLUG_PATTERN) => {
            Slug::parse(cell)?;
        }
        Some(tradewatch::domain::exports::CITATIONS_PATTERN) => {
            for citation in cell.split("; ") {
                let (source, paragraph) = citation
                    .split_once("#p")
                    .ok_or_else(|| format!("{citation:?} is not source#pN"))?;
                Slug::parse(source)?;
                let n: u32 = paragraph
                    .parse()
                    .map_err(|_| format!("{citation:?}: no paragraph number"))?;
                if n == 0 || paragraph.starts_with('0') {
                    return Err(format!("{citation:?}: paragraphs count from 1"));
                }
            }
        }
        Some(other) => return Err(format!("has an unchecked pattern {other}")),
    }
    Ok(())
}

#[tokio::test]
async fn each_export_has_the_packages_columns_in_order_and_every_cell_fits_them() {
    // With readouts, so that every export has rows.
    let app = seeded_with_readouts().await;
    let package = package(&app).await;
    let mut keys: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut exports = BTreeMap::new();
    for resource in package["resources"].as_array().unwrap() {
        let name = resource["name"].as_str().unwrap().to_owned();
        let path = format!("/{}", resource["path"].as_str().unwrap());
        let (header, rows) = csv_at(&app, &path).await;
        assert_eq!(header, field_names(resource), "{path}");
        assert!(!rows.is_empty(), "{path} is empty");
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), header.len(), "{path} row {i}");
            for (field, cell) in fields(resource).iter().zip(row) {
                check_cell(field, cell)
                    .unwrap_or_else(|e| panic!("{path} row {i}, {}: {cell:?} {e}", field["name"]));
            }
        }
        let key = resource["schema"]["primaryKey"][0].as_str().unwrap();
        let at = header.iter().position(|h| h == key).unwrap();
        let values: HashSet<String> = rows.iter().map(|r| r[at].clone()).collect();
        assert_eq!(values.len(), rows.len(), "{path}: {key} is not unique");
        keys.insert(name.clone(), values);
        exports.insert(name, (header, rows));
    }
    assert_eq!(
        exports.keys().collect::<Vec<_>>(),
        ["agreements", "events", "officials", "readouts"]
    );
    // Foreign keys: every reference names a row of the other export.
    let mut references = 0;
    for resource in package["resources"].as_array().unwrap() {
        let (header, rows) = &exports[resource["name"].as_str().unwrap()];
        for fk in resource["schema"]["foreignKeys"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let column = fk["fields"][0].as_str().unwrap();
            let target = fk["reference"]["resource"].as_str().unwrap();
            let at = header.iter().position(|h| h == column).unwrap();
            for row in rows.iter().filter(|r| !r[at].is_empty()) {
                references += 1;
                assert!(keys[target].contains(&row[at]), "{column} {}", row[at]);
            }
        }
    }
    assert!(references > 0, "no foreign key was exercised");
    // The total counts agree with the database.
    assert_eq!(
        exports["events"].1.len() as i64,
        count(&app.pool, "events").await
    );
    assert_eq!(
        exports["officials"].1.len() as i64,
        count(&app.pool, "people").await
    );
    assert_eq!(
        exports["agreements"].1.len() as i64,
        count(&app.pool, "agreements").await
    );
}

#[tokio::test]
async fn filtered_exports_keep_the_packages_columns() {
    let app = seeded().await;
    let package = package(&app).await;
    for (name, path) in [
        ("events", "/events.csv?official=li-qiang&from=2023"),
        ("events", "/events.csv?q=nothing-matches-this"),
        ("agreements", "/agreements.csv?status=agreed"),
    ] {
        let (header, _) = csv_at(&app, path).await;
        assert_eq!(header, field_names(resource(&package, name)), "{path}");
    }
}

fn enum_of(package: &Value, resource_name: &str, field: &str) -> Vec<String> {
    fields(resource(package, resource_name))
        .iter()
        .find(|f| f["name"] == field)
        .unwrap_or_else(|| panic!("no field {resource_name}.{field}"))["constraints"]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{resource_name}.{field} has no enum"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn strings<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| name(*v).to_owned()).collect()
}

#[tokio::test]
async fn enum_constraints_are_the_servers_vocabularies() {
    let app = seeded().await;
    let package = package(&app).await;
    let expected = [
        ("events", "kind", strings(EventKind::ALL, EventKind::as_str)),
        (
            "events",
            "date_precision",
            strings(Precision::ALL, Precision::as_str),
        ),
        (
            "events",
            "status",
            strings(EventStatus::ALL, EventStatus::as_str),
        ),
        (
            "agreements",
            "kind",
            strings(AgreementKind::ALL, AgreementKind::as_str),
        ),
        (
            "agreements",
            "status",
            strings(CommitmentStatus::ALL, CommitmentStatus::as_str),
        ),
    ];
    for (resource_name, field, values) in &expected {
        assert_eq!(&enum_of(&package, resource_name, field), values);
    }
    // No other column claims a closed set of values.
    let mut with_enum = Vec::new();
    for r in package["resources"].as_array().unwrap() {
        for f in fields(r) {
            if f["constraints"].get("enum").is_some() {
                with_enum.push((
                    r["name"].as_str().unwrap().to_owned(),
                    f["name"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert_eq!(with_enum.len(), expected.len(), "{with_enum:?}");
    // Every precision is a word the server's own parser reads back.
    for name in enum_of(&package, "events", "date_precision") {
        assert_eq!(name.parse::<Precision>().unwrap().as_str(), name);
    }
}

#[tokio::test]
async fn the_package_names_its_revision_and_licence_and_its_paths_resolve() {
    let app = seeded().await;
    let package = package(&app).await;
    assert_eq!(package["profile"], "tabular-data-package");
    assert_eq!(package["name"], "tradewatch");
    let revision = tradewatch::db::revisions::latest(&app.pool)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(package["version"], revision.id.to_string());
    assert_eq!(package["created"], revision.changed_at);
    let licenses = package["licenses"].as_array().unwrap();
    assert_eq!(licenses.len(), 1);
    assert_eq!(licenses[0]["name"], "MIT");
    assert!(
        licenses[0]["path"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    for resource in package["resources"].as_array().unwrap() {
        assert_eq!(resource["profile"], "tabular-data-resource");
        assert_eq!(resource["format"], "csv");
        assert_eq!(resource["encoding"], "utf-8");
        for f in fields(resource) {
            assert!(
                !f["description"].as_str().unwrap().is_empty(),
                "{} has no description",
                f["name"]
            );
        }
        // Relative to the package's address (the site's root), with nothing a client would
        // refuse as unsafe: no leading slash, no parent directory, no scheme.
        let path = resource["path"].as_str().unwrap();
        assert!(
            !path.starts_with('/') && !path.contains("..") && !path.contains(':'),
            "{path}"
        );
        let (status, _, _) = app.get(&format!("/{path}")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_package_is_cached_like_every_document_and_rejects_parameters() {
    let app = seeded().await;
    let (status, headers, _) = app.get("/datapackage.json").await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers["etag"].to_str().unwrap();
    assert!(headers.contains_key("last-modified"));
    assert_eq!(
        headers["cache-control"],
        tradewatch::web::caching::DEFAULT_CACHE_CONTROL
    );
    let (status, _, _) = app
        .request(
            Request::get("/datapackage.json")
                .header("if-none-match", etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, body) = app.get("/datapackage.json?format=v2").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["parameter"], "format", "{body}");
}

#[tokio::test]
async fn the_api_page_links_the_package_beside_a_codebook_of_every_column() {
    let app = seeded().await;
    let package = package(&app).await;
    let (status, html) = app.get_html("/api").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!attrs(&html, "a[href=\"/datapackage.json\"]", "href").is_empty());
    let codebook = html;
    for resource in package["resources"].as_array().unwrap() {
        let name = resource["name"].as_str().unwrap();
        let columns = select(
            &codebook,
            &format!("table[aria-labelledby=\"codebook-{name}\"] tbody th"),
        );
        assert_eq!(columns, field_names(resource), "{name}");
        let meanings = select(
            &codebook,
            &format!("table[aria-labelledby=\"codebook-{name}\"] tbody td:last-child"),
        );
        for (meaning, field) in meanings.iter().zip(fields(resource)) {
            let description = field["description"].as_str().unwrap();
            assert!(
                meaning.starts_with(description),
                "{meaning} / {description}"
            );
        }
    }
    // The codebook states the closed vocabularies too.
    let rules = select(&codebook, ".codebook__rule").join(" ");
    for kind in EventKind::ALL {
        assert!(rules.contains(kind.as_str()), "{rules}");
    }
}
