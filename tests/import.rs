//! Importing datasets: validation errors name file, record and field; a failed import writes
//! nothing; re-importing changes nothing.

mod common;

use std::process::Command;

use common::*;
use sqlx::SqlitePool;
use tradewatch::dataset::{self, DatasetError};

const TABLES: &[&str] = &[
    "countries",
    "sources",
    "paragraphs",
    "topics",
    "organizations",
    "people",
    "aliases",
    "roles",
    "events",
    "event_sides",
    "event_people",
    "event_organizations",
    "event_topics",
    "event_countries",
    "event_list_links",
    "agreements",
    "agreement_parties",
    "agreement_topics",
    "quotes",
    "notes",
    "citations",
    "agreement_followups",
    "event_accounts",
    "account_items",
    "account_item_topics",
    "account_item_citations",
    "event_phases",
    "event_phase_citations",
    "event_in_force",
    "revision_changes",
    "record_digests",
    "events_fts",
    "people_fts",
    "quotes_fts",
];

/// Every row of every data table, as text, in a stable order. Child rows that are replaced
/// whole on import (aliases, roles, notes, accounts and their items, phases) are compared without
/// their surrogate ids, and a note's or phase's citations and an item's topics and citations by
/// the place of the note, phase or item instead of its id.
async fn snapshot(pool: &SqlitePool) -> Vec<String> {
    let mut rows = Vec::new();
    for table in TABLES {
        let mut columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(pool)
        .await
        .expect("columns");
        if ["aliases", "roles", "notes", "event_phases"].contains(table) {
            columns.retain(|c| c != "id");
        }
        // An event's accounts are replaced whole too: an account is compared by its event and
        // place, an item by its account's and its own place.
        const ACCOUNT: &str = "(SELECT a.event_id || ':' || a.position FROM event_accounts a WHERE a.id = account_id)";
        const ITEM: &str = "(SELECT a.event_id || ':' || a.position || ':' || i.position FROM account_items i \
             JOIN event_accounts a ON a.id = i.account_id WHERE i.id = item_id)";
        match *table {
            "event_accounts" => columns.retain(|c| c != "id"),
            "account_items" => {
                columns.retain(|c| c != "id");
                for c in columns.iter_mut().filter(|c| *c == "account_id") {
                    *c = ACCOUNT.into();
                }
            }
            "account_item_topics" | "account_item_citations" => {
                for c in columns.iter_mut().filter(|c| *c == "item_id") {
                    *c = ITEM.into();
                }
            }
            "event_phase_citations" => {
                columns = vec![
                    "(SELECT p.event_id || ':' || p.position FROM event_phases p WHERE p.id = event_phase_citations.phase_id)".into(),
                    "paragraph_id".into(),
                ];
            }
            _ => {}
        }
        if *table == "citations" {
            columns = vec![
                "subject_type".into(),
                "CASE WHEN subject_type = 'note' THEN (SELECT n.subject_type || ':' || n.subject_id || ':' || n.position FROM notes n WHERE n.id = citations.subject_id) ELSE citations.subject_id END".into(),
                "paragraph_id".into(),
            ];
        }
        let sql = format!(
            "SELECT '{table}: ' || json_array({}) AS row FROM {table} ORDER BY row",
            columns.join(", ")
        );
        rows.extend(
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .expect("rows"),
        );
    }
    rows
}

/// The bundled dataset with one text replaced in one file.
fn bundled_with(file: &str, from: &str, to: &str) -> Vec<(String, String)> {
    with_replaced(common::bundled_unstamped(), file, from, to)
}

fn errors_of(files: &[(String, String)]) -> String {
    match dataset::parse_and_validate(files, &dataset::Existing::default()) {
        Ok(_) => panic!("the dataset should be rejected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_bundled_dataset_is_valid_and_complete() {
    let data =
        dataset::parse_and_validate(&dataset::bundled_files(), &dataset::Existing::default())
            .expect("valid");
    assert!(data.events.len() >= 15, "events: {}", data.events.len());
    assert!(data.people.len() >= 9 && data.topics.len() >= 8 && data.agreements.len() >= 5);
    assert!(!data.quotes.is_empty());
    let people: Vec<&str> = data.people.iter().map(|p| p.slug.as_str()).collect();
    for slug in [
        "gina-raimondo",
        "wang-wentao",
        "li-qiang",
        "he-lifeng",
        "xi-jinping",
        "janet-yellen",
        "joe-biden",
        "donald-trump",
        "nancy-pelosi",
    ] {
        assert!(people.contains(&slug), "{slug}");
    }
    assert!(
        data.topics
            .iter()
            .any(|t| t.slug.as_str() == "export-controls")
    );
    // Every paragraph or summary point of every source is cited by something: a record, a
    // note, an account item, a phase or a due window.
    let mut cited = std::collections::BTreeSet::new();
    for c in data.citations() {
        if c.record_type == "source" && c.slug == &c.citation.source {
            continue;
        }
        cited.insert((c.citation.source.as_str().to_owned(), c.citation.paragraph));
    }
    for source in &data.sources {
        let uncited: Vec<usize> = (1..=source.texts.len())
            .filter(|n| !cited.contains(&(source.slug.as_str().to_owned(), *n as u32)))
            .collect();
        assert!(uncited.is_empty(), "{}: {uncited:?}", source.slug.as_str());
    }
}

#[test]
fn each_kind_of_mistake_gets_an_error_naming_file_record_and_field() {
    let cases = [
        (
            bundled_with(
                "data/events.toml",
                "person = \"wang-wentao\"",
                "person = \"li-qiang2\"",
            ),
            "data/events.toml: event \"raimondo-visit-to-china-2023-08\": participants: \"li-qiang2\" is not a known person",
        ),
        (
            bundled_with(
                "data/events.toml",
                "kind = \"meeting\"",
                "kind = \"meating\"",
            ),
            "data/events.toml: event \"raimondo-wang-wentao-lunch-meeting\": kind: \"meating\" is not an event kind",
        ),
        (
            bundled_with(
                "data/events.toml",
                "date = \"2023-08-28\"",
                "date = \"2023-02-30\"",
            ),
            "data/events.toml: event \"raimondo-wang-wentao-lunch-meeting\": date: \"2023-02-30\" is not a real date",
        ),
        (
            bundled_with("data/events.toml", "paragraphs = [32]", "paragraphs = [99]"),
            "data/events.toml: event \"raimondo-wang-wentao-lunch-meeting\": cites.paragraphs: source \"raimondo-beijing-2023-08-29\" has no paragraph 99 (it has 1 to 36)",
        ),
        (
            bundled_with(
                "data/events.toml",
                "source = \"raimondo-beijing-2023-08-29\", paragraphs = [32]",
                "source = \"elsewhere\", paragraphs = [32]",
            ),
            "data/events.toml: event \"raimondo-wang-wentao-lunch-meeting\": cites.source: \"elsewhere\" is not a known source",
        ),
        (
            bundled_with(
                "data/events.toml",
                "slug = \"raimondo-wang-wentao-lunch-meeting\"",
                "slug = \"Raimondo Lunch\"",
            ),
            "data/events.toml: event \"Raimondo Lunch\": slug: \"Raimondo Lunch\" is not a slug",
        ),
        (
            bundled_with(
                "data/events.toml",
                "slug = \"raimondo-wang-wentao-lunch-meeting\"",
                "slug = \"raimondo-meets-li-qiang\"",
            ),
            "data/events.toml: event \"raimondo-meets-li-qiang\": slug: is also declared in data/events.toml",
        ),
        (
            bundled_with(
                "data/events.toml",
                "topics = [\"dialogue\"",
                "topics = [\"dialog\"",
            ),
            "topics: \"dialog\" is not a known topic",
        ),
        (
            bundled_with(
                "data/events.toml",
                "sides = [\"united-states\", \"china\"]",
                "sides = [\"united-states\", \"prc\"]",
            ),
            "sides: \"prc\" is not a known country",
        ),
        (
            bundled_with(
                "data/quotes.toml",
                "Of course, I refused",
                "Of course, I agreed",
            ),
            "data/quotes.toml: quote \"raimondo-of-course-i-refused\": text: does not appear verbatim in any of the cited paragraphs",
        ),
        (
            bundled_with(
                "data/people.toml",
                "country = \"united-states\"",
                "country = \"usa\"",
            ),
            "data/people.toml: person \"gina-raimondo\": country: \"usa\" is not a known country",
        ),
        (
            bundled_with(
                "data/people.toml",
                "from = \"2021-03-03\"",
                "from = \"March 2021\"",
            ),
            "data/people.toml: person \"gina-raimondo\": roles[0].from: \"March 2021\" is not a date like 2023-08-29",
        ),
        (
            bundled_with(
                "data/agreements.toml",
                "kind = \"agreement\"",
                "kind = \"treaty\"",
            ),
            "data/agreements.toml: agreement \"export-control-information-exchange\": kind: \"treaty\" is not an agreement kind",
        ),
        (
            bundled_with(
                "data/events.toml",
                "effect = \"partly-fulfils\"",
                "effect = \"fulfills\"",
            ),
            "data/events.toml: event \"raimondo-visit-to-china-2023-08\": follows_up[0].effect: \"fulfills\" is not a follow-up effect",
        ),
        (
            bundled_with(
                "data/events.toml",
                "agreement = \"biden-xi-bali-understanding\"",
                "agreement = \"bali\"",
            ),
            "data/events.toml: event \"raimondo-visit-to-china-2023-08\": follows_up[0].agreement: \"bali\" is not a known agreement",
        ),
        (
            bundled_with(
                "data/events.toml",
                "location = \"Beijing\"",
                "locaton = \"Beijing\"",
            ),
            "data/events.toml: TOML parse error",
        ),
        (
            bundled_with("data/events.toml", "[[events]]", "[[events]\n"),
            "data/events.toml: TOML parse error",
        ),
    ];
    for (files, expected) in cases {
        let errors = errors_of(&files);
        assert!(
            errors.contains(expected),
            "expected {expected:?} in:\n{errors}"
        );
    }
}

#[test]
fn a_second_due_window_needs_the_first_cited_and_a_reason_for_following_it() {
    let cases = [
        (
            bundled_with(
                "data/agreements.toml",
                "due_reason = \"it is the only window a government gave",
                "# due_reason = \"it is the only window a government gave",
            ),
            "data/agreements.toml: agreement \"tourism-meeting-early-2024\": due_reason: is missing: with other_due, say why the status follows due",
        ),
        (
            bundled_with(
                "data/agreements.toml",
                "due_cites = [\n  { source = \"shine-hu-heping-raimondo-2023-08-30\", points = [1] },\n  { source = \"cri-hu-heping-raimondo-2023-08-30\", points = [1] },\n]\n",
                "",
            ),
            "data/agreements.toml: agreement \"tourism-meeting-early-2024\": due_cites: is missing: with other_due, cite the source that gives due",
        ),
        (
            bundled_with(
                "data/agreements.toml",
                "  { date = \"early 2024\", cites = [{ source = \"raimondo-beijing-2023-08-29\", paragraphs = [35] }] },",
                "  { date = \"early 2024\", cites = [] },",
            ),
            "data/agreements.toml: agreement \"tourism-meeting-early-2024\": other_due[0].cites: is missing",
        ),
        (
            bundled_with(
                "data/agreements.toml",
                "  { date = \"early 2024\", cites",
                "  { date = \"early 20244\", cites",
            ),
            "data/agreements.toml: agreement \"tourism-meeting-early-2024\": other_due[0].date:",
        ),
    ];
    for (files, expected) in cases {
        let errors = errors_of(&files);
        assert!(
            errors.contains(expected),
            "expected {expected:?} in:\n{errors}"
        );
    }
    // A reason with no other window to choose between.
    let mut files = common::bundled_unstamped();
    files.push((
        "data/extra.toml".to_owned(),
        "[[agreements]]\nslug = \"one-window\"\ntitle = \"One\"\nkind = \"commitment\"\nparties = [\"china\"]\n\
         terms = \"Something.\"\ndue = \"2024\"\ndue_reason = \"no choice.\"\n\
         cites = [{ source = \"raimondo-beijing-2023-08-29\", paragraphs = [36] }]\n"
            .to_owned(),
    ));
    let errors = errors_of(&files);
    assert!(
        errors.contains(
            "data/extra.toml: agreement \"one-window\": due_reason: is given without other_due"
        ),
        "{errors}"
    );
}

#[test]
fn a_correction_without_its_basis_and_a_record_without_citations_are_rejected() {
    let files = vec![
        (
            "data/countries.toml".to_owned(),
            "[[countries]]\nslug = \"japan\"\nname = \"Japan\"\n".to_owned(),
        ),
        (
            "data/new.toml".to_owned(),
            "[[topics]]\nslug = \"rare-earths\"\nname = \"Rare earths\"\nsummary = \"Minerals.\"\n\
             notes = [{ kind = \"correction\", text = \"Wrong.\" }]\n"
                .to_owned(),
        ),
    ];
    let errors = errors_of(&files);
    assert!(
        errors.contains("data/new.toml: topic \"rare-earths\": cites: is missing"),
        "{errors}"
    );
    assert!(
        errors.contains("data/new.toml: topic \"rare-earths\": notes[0].basis: is missing"),
        "{errors}"
    );
}

#[tokio::test]
async fn a_new_file_may_refer_to_records_already_in_the_database() {
    let app = seeded().await;
    let files = vec![(
        "more.toml".to_owned(),
        r#"
[[events]]
slug = "raimondo-follow-up-call"
title = "Raimondo and Wang speak again"
kind = "talks"
date = "2023-09"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "A follow-up."
participants = [{ person = "gina-raimondo", role = "host" }, { person = "wang-wentao", role = "attendee" }]
topics = ["dialogue"]
cites = [{ source = "raimondo-beijing-2023-08-29", paragraphs = [32] }]
"#
        .to_owned(),
    )];
    // Alone, the references are unknown...
    assert!(errors_of(&files).contains("\"gina-raimondo\" is not a known person"));
    // ...but against the database they resolve, and the import adds the event.
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).expect("valid against the database");
    let before = count(&app.pool, "events").await;
    dataset::import(&app.pool, &data, &files)
        .await
        .expect("imported");
    assert_eq!(count(&app.pool, "events").await, before + 1);
    let (_, html) = app
        .get_html("/?official=wang-wentao&from=2023-09&to=2023-09")
        .await;
    assert_eq!(event_slugs(&html), ["raimondo-follow-up-call"]);
}

#[tokio::test]
async fn reimporting_the_same_dataset_changes_nothing() {
    let app = seeded().await;
    let before = snapshot(&app.pool).await;
    let files = dataset::bundled_files();
    let data =
        dataset::parse_and_validate(&files, &dataset::existing_records(&app.pool).await.unwrap())
            .unwrap();
    let summary = dataset::import(&app.pool, &data, &files).await.unwrap();
    assert_eq!(summary.revision, 2);
    let after = snapshot(&app.pool).await;
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .take(3)
        .collect();
    assert!(
        changed.is_empty() && before.len() == after.len(),
        "{changed:#?}"
    );
}

#[tokio::test]
async fn reimporting_an_edited_record_updates_it_in_place() {
    let app = seeded().await;
    let files = bundled_with(
        "data/events.toml",
        "title = \"Raimondo meets Premier Li Qiang\"",
        "title = \"Raimondo meets Li Qiang, Premier of China\"",
    );
    let events = count(&app.pool, "events").await;
    let data =
        dataset::parse_and_validate(&files, &dataset::existing_records(&app.pool).await.unwrap())
            .unwrap();
    dataset::import(&app.pool, &data, &files).await.unwrap();
    assert_eq!(count(&app.pool, "events").await, events);
    let (_, html) = app.get_html("/events/raimondo-meets-li-qiang").await;
    assert_eq!(
        select(&html, "h1"),
        ["Raimondo meets Li Qiang, Premier of China"]
    );
    let (_, html) = app.get_html("/?q=Premier%20of%20China").await;
    assert!(
        event_slugs(&html).contains(&"raimondo-meets-li-qiang".to_owned()),
        "the search index follows the edit"
    );
}

#[tokio::test]
async fn an_edit_to_an_official_or_an_event_s_topics_shows_in_every_list_row_at_once() {
    let app = seeded().await;
    let rows = |body: serde_json::Value| -> Vec<(String, Vec<String>, Vec<String>)> {
        body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|e| {
                let names = |key: &str| {
                    e[key]
                        .as_array()
                        .expect(key)
                        .iter()
                        .map(|n| n["name"].as_str().expect("name").to_owned())
                        .collect::<Vec<_>>()
                };
                (
                    e["slug"].as_str().expect("slug").to_owned(),
                    names("participants"),
                    names("topics"),
                )
            })
            .collect()
    };
    let json = |body: String| serde_json::from_str::<serde_json::Value>(&body).expect("JSON");
    let (_, _, before) = app.get("/api/v1/events?official=gina-raimondo").await;
    let before = rows(json(before));
    assert!(before.len() > 1, "Raimondo has several events");
    let files = with_replaced(
        bundled_unstamped(),
        "data/people.toml",
        "name = \"Gina Raimondo\"",
        "name = \"Gina M. Raimondo\"",
    );
    let files = with_replaced(
        files,
        "data/events.toml",
        "topics = [\"dialogue\", \"taiwan\", \"export-controls\", \"economy\", \"clean-energy\", \"tourism\"]",
        "topics = [\"dialogue\", \"taiwan\"]",
    );
    let data =
        dataset::parse_and_validate(&files, &dataset::existing_records(&app.pool).await.unwrap())
            .unwrap();
    dataset::import(&app.pool, &data, &files).await.unwrap();
    let (_, _, after) = app.get("/api/v1/events?official=gina-raimondo").await;
    let after = rows(json(after));
    assert_eq!(after.len(), before.len());
    for ((slug, people_before, topics_before), (same, people, topics)) in before.iter().zip(&after)
    {
        assert_eq!(slug, same);
        let renamed: Vec<String> = people_before
            .iter()
            .map(|n| n.replace("Gina Raimondo", "Gina M. Raimondo"))
            .collect();
        assert_eq!(people, &renamed, "{slug}: the new name, in the same order");
        if slug == "raimondo-meets-li-qiang" {
            assert_eq!(topics, &["Dialogue", "Taiwan"].map(String::from), "{slug}");
        } else {
            assert_eq!(topics, topics_before, "{slug}");
        }
    }
    // The stored rows agree with the link tables, row for row, read the long way.
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT e.slug FROM events e JOIN event_list_links l ON l.event_id = e.id
          WHERE l.participants IS NOT (SELECT json_group_array(json_object('slug', p.slug, 'name', p.name))
                  FROM (SELECT p.slug, p.name FROM event_people ep JOIN people p ON p.id = ep.person_id
                         WHERE ep.event_id = e.id ORDER BY ep.position) p)
             OR l.topics IS NOT (SELECT json_group_array(json_object('slug', t.slug, 'name', t.name))
                  FROM (SELECT t.slug, t.name FROM event_topics et JOIN topics t ON t.id = et.topic_id
                         WHERE et.event_id = e.id ORDER BY t.name) t)
             OR l.citations IS NOT (SELECT json_group_array(json_object('source', c.slug, 'paragraph', c.number))
                  FROM (SELECT s.slug, pa.number FROM citations c JOIN paragraphs pa ON pa.id = c.paragraph_id
                          JOIN sources s ON s.id = pa.source_id
                         WHERE c.subject_type = 'event' AND c.subject_id = e.id ORDER BY s.slug, pa.number) c)
             OR l.sides IS NOT (SELECT json_group_array(json_object('slug', c.slug, 'name', c.name))
                  FROM (SELECT c.slug, c.name FROM event_sides es JOIN countries c ON c.id = es.country_id
                         WHERE es.event_id = e.id ORDER BY c.name) c)",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(stale.is_empty(), "{stale:?}");
    assert_eq!(
        count(&app.pool, "event_list_links").await,
        count(&app.pool, "events").await
    );
}

#[tokio::test]
async fn a_failing_import_leaves_the_database_exactly_as_it_was() {
    let app = seeded().await;
    let before = snapshot(&app.pool).await;
    let revisions = count(&app.pool, "revisions").await;
    // Valid as a file, but dropping paragraphs the database's records still cite: the database
    // refuses it part-way, after other records were already written in the transaction.
    let files = vec![(
        "shorter.toml".to_owned(),
        r#"
[[topics]]
slug = "export-controls"
name = "Renamed by a failed import"
summary = "Should never be seen."
cites = [{ source = "raimondo-beijing-2023-08-29", paragraphs = [1] }]

[[sources]]
slug = "raimondo-beijing-2023-08-29"
title = "Shortened"
voice = "independent-press"
language = "en"
published = "2023-08-29"
paragraphs = ["Only one paragraph."]
"#
        .to_owned(),
    )];
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).expect("valid as files");
    let err = dataset::import(&app.pool, &data, &files)
        .await
        .expect_err("the database refuses it");
    assert!(matches!(err, DatasetError::Database(_)), "{err}");
    assert_eq!(snapshot(&app.pool).await, before);
    assert_eq!(count(&app.pool, "revisions").await, revisions);
}

#[tokio::test]
async fn the_import_command_reports_every_error_and_writes_nothing() {
    let (pool, dir) = empty().await;
    let data_dir = dir.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    for (name, text) in bundled_with(
        "data/events.toml",
        "person = \"wang-wentao\"",
        "person = \"li-qiang2\"",
    ) {
        std::fs::write(data_dir.join(name.trim_start_matches("data/")), text).unwrap();
    }
    let url = format!("sqlite:{}", dir.path().join("tradewatch.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .args(["import", "--database-url", &url])
        .arg(&data_dir)
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "{}: event \"raimondo-visit-to-china-2023-08\": participants: \"li-qiang2\" is not a known person",
        data_dir.join("events.toml").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(count(&pool, "events").await, 0);
    assert_eq!(count(&pool, "revisions").await, 0);

    // Corrected, it imports, and `check` agrees.
    std::fs::write(
        data_dir.join("events.toml"),
        dataset::BUNDLED
            .iter()
            .find(|(n, _)| *n == "data/events.toml")
            .unwrap()
            .1,
    )
    .unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .arg("check")
        .arg(&data_dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let import = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .args(["import", "--database-url", &url])
        .arg(&data_dir)
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert!(String::from_utf8_lossy(&import.stdout).contains("as revision 1"));
    assert!(count(&pool, "events").await >= 15);
    // Its progress, on stderr (a pipe here, so plain lines rather than a bar): each stage
    // announced, and its last tenth reached.
    let progress = String::from_utf8_lossy(&import.stderr);
    assert!(progress.contains("import: writing: "), "{progress}");
    assert!(
        progress
            .lines()
            .any(|l| l.starts_with("import: writing: ") && l.ends_with("records (100%)")),
        "{progress}"
    );
    assert!(
        progress.contains("import: indexing: 4 of 4 steps (100%)"),
        "{progress}"
    );
}

#[tokio::test]
async fn the_import_command_names_a_missing_path() {
    let output = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .args(["check", "no/such/file.toml"])
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/file.toml: cannot read"));
}

/// A source given as the editors' summary points, cited by a topic and by a note's citation.
const SUMMARY_SOURCE: &str = r#"
[[sources]]
slug = "doc-readout-test-2023-08-28"
title = "Readout of a test meeting"
publisher = "US Department of Commerce"
voice = "us-government"
language = "en"
published = "2023-08"
url = "https://example.com/readout"
points = [
  "Frames the meeting as candid and productive.",
  "Lists export controls among the topics raised.",
  "Says both sides will meet again.",
]

[[topics]]
slug = "readout-test-topic"
name = "Readout test topic"
summary = "A topic made up for the tests."
cites = [{ source = "doc-readout-test-2023-08-28", points = [1, 2] }]
notes = [{ kind = "editor", text = "Checked against the article too.", cites = [{ source = "raimondo-beijing-2023-08-29", paragraphs = [7] }] }]
"#;

/// The bundled dataset plus `SUMMARY_SOURCE`, with one text of the latter replaced.
fn with_summary(from: &str, to: &str) -> Vec<(String, String)> {
    let mut files = common::bundled_unstamped();
    files.push((
        "data/summary.toml".into(),
        SUMMARY_SOURCE.replacen(from, to, 1),
    ));
    assert!(SUMMARY_SOURCE.contains(from), "{from:?}");
    files
}

#[tokio::test]
async fn a_summary_source_imports_with_its_voice_language_and_points() {
    let (pool, _dir) = empty().await;
    let files = with_summary("", "");
    let data = dataset::parse_and_validate(&files, &dataset::Existing::default()).expect("valid");
    dataset::import(&pool, &data, &files)
        .await
        .expect("imported");
    let (voice, language, kind, published, end, precision, label): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT voice, language, text_kind, published, published_end, published_precision, published_label
           FROM sources WHERE slug = 'doc-readout-test-2023-08-28'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (voice.as_str(), language.as_str(), kind.as_str()),
        ("us-government", "en", "summary")
    );
    assert_eq!(
        (
            published.as_str(),
            end.as_str(),
            precision.as_str(),
            label.as_str()
        ),
        ("2023-08-01", "2023-08-31", "month", "August 2023")
    );
    let cited: Vec<i64> = sqlx::query_scalar(
        "SELECT p.number FROM citations c JOIN paragraphs p ON p.id = c.paragraph_id
           JOIN sources s ON s.id = p.source_id
          WHERE s.slug = 'doc-readout-test-2023-08-28' ORDER BY p.number",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(cited, [1, 2]);
    let article: (String, String, String) = sqlx::query_as(
        "SELECT voice, language, text_kind FROM sources WHERE slug = 'raimondo-beijing-2023-08-29'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        article,
        ("independent-press".into(), "en".into(), "full-text".into())
    );

    // A later file cites the summary's points through what the database already holds, and a
    // point the database does not have is refused.
    let more = |points: &str| {
        vec![(
            "more.toml".to_owned(),
            format!(
                "[[topics]]\nslug = \"later-topic\"\nname = \"Later\"\nsummary = \"Later.\"\n\
                 cites = [{{ source = \"doc-readout-test-2023-08-28\", points = [{points}] }}]\n"
            ),
        )]
    };
    let existing = dataset::existing_records(&pool).await.unwrap();
    dataset::parse_and_validate(&more("3"), &existing).expect("point 3 exists");
    let err = dataset::parse_and_validate(&more("4"), &existing)
        .expect_err("no point 4")
        .to_string();
    assert!(
        err.contains("more.toml: topic \"later-topic\": cites.points: source \"doc-readout-test-2023-08-28\" has no point 4 (it has 1 to 3)"),
        "{err}"
    );
}

#[test]
fn each_mistake_in_a_source_of_either_kind_names_file_record_and_field() {
    const RECORD: &str = "data/summary.toml: source \"doc-readout-test-2023-08-28\"";
    const TOPIC: &str = "data/summary.toml: topic \"readout-test-topic\"";
    let cases = [
        (
            with_summary("voice = \"us-government\"\n", ""),
            format!("{RECORD}: voice: is missing"),
        ),
        (
            with_summary("voice = \"us-government\"", "voice = \"government\""),
            format!(
                "{RECORD}: voice: \"government\" is not a source voice: expected one of us-government, chinese-government, state-media, independent-press, other"
            ),
        ),
        (
            with_summary("language = \"en\"\n", ""),
            format!("{RECORD}: language: is missing"),
        ),
        (
            with_summary("language = \"en\"", "language = \"English\""),
            format!("{RECORD}: language: \"English\" is not a BCP 47 language tag"),
        ),
        (
            with_summary("published = \"2023-08\"", "published = \"August 2023\""),
            format!("{RECORD}: published: "),
        ),
        (
            with_summary("url = \"https://example.com/readout\"\n", ""),
            format!(
                "{RECORD}: url: is missing: a source given as summary points links to the original"
            ),
        ),
        (
            with_summary("points = [", "paragraphs = [\"A paragraph.\"]\npoints = ["),
            format!(
                "{RECORD}: points: a source has its full text (paragraphs) or the editors' summary points, not both"
            ),
        ),
        (
            with_summary(
                "points = [\n  \"Frames the meeting as candid and productive.\",\n  \"Lists export controls among the topics raised.\",\n  \"Says both sides will meet again.\",\n]",
                "points = []",
            ),
            format!("{RECORD}: paragraphs: is empty"),
        ),
        (
            with_summary("\"Says both sides will meet again.\"", "\"  \""),
            format!("{RECORD}: points: point 3 is empty"),
        ),
        (
            with_summary("points = [1, 2]", "paragraphs = [1, 2]"),
            format!(
                "{TOPIC}: cites.paragraphs: source \"doc-readout-test-2023-08-28\" has no paragraphs: it is the editors' summary, cite its points instead"
            ),
        ),
        (
            with_summary("points = [1, 2]", "points = [1, 2], paragraphs = [1]"),
            format!(
                "{TOPIC}: cites.paragraphs: source \"doc-readout-test-2023-08-28\" has no paragraphs"
            ),
        ),
        (
            with_summary("points = [1, 2]", "points = [9]"),
            format!(
                "{TOPIC}: cites.points: source \"doc-readout-test-2023-08-28\" has no point 9 (it has 1 to 3)"
            ),
        ),
        (
            with_summary(", points = [1, 2]", ""),
            format!("{TOPIC}: cites.points: is missing"),
        ),
        (
            with_summary("points = [1, 2]", "points = []"),
            format!("{TOPIC}: cites.points: is empty: name at least one point"),
        ),
        (
            with_summary("paragraphs = [7]", "points = [7]"),
            format!(
                "{TOPIC}: notes[0].cites.points: source \"raimondo-beijing-2023-08-29\" has no points: it is a full text, cite its paragraphs instead"
            ),
        ),
    ];
    for (files, expected) in cases {
        let errors = errors_of(&files);
        assert!(
            errors.contains(&expected),
            "expected {expected:?} in:\n{errors}"
        );
    }
}

#[tokio::test]
async fn an_event_s_accounts_import_with_their_items_topics_and_citations() {
    let (pool, _dir) = empty().await;
    let files = with_readouts("", "");
    let data = dataset::parse_and_validate(&files, &dataset::Existing::default()).expect("valid");
    dataset::import(&pool, &data, &files)
        .await
        .expect("imported");
    let accounts: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT e.slug, s.slug, c.slug FROM event_accounts a JOIN events e ON e.id = a.event_id
           JOIN sources s ON s.id = a.source_id JOIN countries c ON c.id = a.side_id
          WHERE e.slug LIKE 'readout-test-%'
          ORDER BY e.slug, a.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(accounts.len(), 5, "{accounts:?}");
    assert_eq!(
        accounts[2],
        (
            "readout-test-lunch".into(),
            "test-us-readout-lunch".into(),
            "united-states".into()
        )
    );
    let items: Vec<(String, Option<String>, String, String, String)> = sqlx::query_as(
        "SELECT i.kind, b.slug, i.text,
                (SELECT group_concat(t.slug, ' ' ORDER BY t.slug) FROM account_item_topics it
                   JOIN topics t ON t.id = it.topic_id WHERE it.item_id = i.id),
                (SELECT group_concat(p.number, ' ' ORDER BY p.number) FROM account_item_citations ic
                   JOIN paragraphs p ON p.id = ic.paragraph_id WHERE ic.item_id = i.id)
           FROM account_items i JOIN event_accounts a ON a.id = i.account_id
           JOIN sources s ON s.id = a.source_id LEFT JOIN countries b ON b.id = i.by_id
          WHERE s.slug = 'test-cn-readout-lunch' ORDER BY i.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        items,
        [
            (
                "agreed".into(),
                None,
                "A working group at vice-minister level.".into(),
                "dialogue".into(),
                "1".into()
            ),
            (
                "raised".into(),
                Some("china".into()),
                "Concerns about tariffs and chip export controls.".into(),
                "export-controls trade-war".into(),
                "2 3".into()
            ),
        ]
    );
    // An account's source reports the event: its cited points are citations of the event too.
    let cited: Vec<String> = sqlx::query_scalar(
        "SELECT s.slug || '#' || p.number FROM citations c JOIN paragraphs p ON p.id = c.paragraph_id
           JOIN sources s ON s.id = p.source_id JOIN events e ON e.id = c.subject_id
          WHERE c.subject_type = 'event' AND e.slug = 'readout-test-lunch' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        cited,
        [
            "test-cn-readout-lunch#1",
            "test-cn-readout-lunch#2",
            "test-cn-readout-lunch#3",
            "test-press-report#1",
            "test-us-readout-lunch#1",
            "test-us-readout-lunch#2",
        ]
    );

    // Re-importing replaces the accounts rather than adding to them.
    let edited = with_readouts(
        "      { kind = \"agreed\", text = \"A working group at vice-minister level.\", topics = [\"dialogue\"], points = [1] },\n",
        "",
    );
    let data = dataset::parse_and_validate(&edited, &dataset::Existing::default()).expect("valid");
    dataset::import(&pool, &data, &edited)
        .await
        .expect("re-imported");
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_items i JOIN event_accounts a ON a.id = i.account_id
           JOIN sources s ON s.id = a.source_id WHERE s.slug = 'test-cn-readout-lunch'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn each_mistake_in_an_account_names_file_record_and_field() {
    const LUNCH: &str = "data/readouts.toml: event \"readout-test-lunch\"";
    const US_SOURCE: &str = "source = \"test-us-readout-lunch\", side = \"united-states\"";
    let cases = [
        (
            with_readouts(
                US_SOURCE,
                "source = \"test-press-report\", side = \"united-states\"",
            ),
            format!(
                "{LUNCH}: accounts[0].source: source \"test-press-report\" is voiced by independent-press: the United States side's account comes from a us-government source"
            ),
        ),
        (
            with_readouts(
                "source = \"test-cn-readout-lunch\", side = \"china\"",
                "source = \"test-us-readout-he\", side = \"china\"",
            ),
            format!(
                "{LUNCH}: accounts[1].source: source \"test-us-readout-he\" is voiced by us-government: the China side's account comes from a chinese-government or state-media source"
            ),
        ),
        (
            with_readouts(
                US_SOURCE,
                "source = \"test-us-readout-lunch\", side = \"taiwan\"",
            ),
            format!(
                "{LUNCH}: accounts[0].side: \"taiwan\" is not an account side: expected one of united-states, china"
            ),
        ),
        (
            with_readouts(
                US_SOURCE,
                "source = \"no-such-source\", side = \"united-states\"",
            ),
            format!("{LUNCH}: accounts[0].source: \"no-such-source\" is not a known source"),
        ),
        (
            with_readouts(
                "source = \"test-cn-readout-lunch\", side = \"china\"",
                "source = \"test-us-readout-lunch\", side = \"united-states\"",
            ),
            format!("{LUNCH}: accounts[1].source: \"test-us-readout-lunch\" is listed twice"),
        ),
        (
            with_readouts(
                "{ kind = \"agreed\", text = \"A working group meeting",
                "{ kind = \"promised\", text = \"A working group meeting",
            ),
            format!(
                "{LUNCH}: accounts[0].items[0].kind: \"promised\" is not an account item kind: expected one of raised, asked, agreed, stated"
            ),
        ),
        (
            with_readouts("by = \"united-states\"", "by = \"france\""),
            format!("{LUNCH}: accounts[0].items[1].by: \"france\" is not a known country"),
        ),
        (
            with_readouts(
                "text = \"Fair treatment of US companies in China.\"",
                "text = \" \"",
            ),
            format!("{LUNCH}: accounts[0].items[1].text: is empty"),
        ),
        (
            with_readouts("topics = [\"business-climate\"]", "topics = []"),
            format!(
                "{LUNCH}: accounts[0].items[1].topics: is empty: tag the item with at least one topic"
            ),
        ),
        (
            with_readouts(
                "topics = [\"business-climate\"]",
                "topics = [\"no-such-topic\"]",
            ),
            format!("{LUNCH}: accounts[0].items[1].topics: \"no-such-topic\" is not a known topic"),
        ),
        (
            with_readouts("points = [2] }", "points = [9] }"),
            format!(
                "{LUNCH}: accounts[0].items[1].points: source \"test-us-readout-lunch\" has no point 9 (it has 1 to 2)"
            ),
        ),
        (
            with_readouts(", points = [2] }", " }"),
            format!(
                "{LUNCH}: accounts[0].items[1].points: is missing: name the points of \"test-us-readout-lunch\" cited"
            ),
        ),
        (
            with_readouts("points = [2] }", "paragraphs = [2] }"),
            format!(
                "{LUNCH}: accounts[0].items[1].paragraphs: source \"test-us-readout-lunch\" has no paragraphs: it is the editors' summary, cite its points instead"
            ),
        ),
    ];
    for (files, expected) in cases {
        let errors = errors_of(&files);
        assert!(
            errors.contains(&expected),
            "expected {expected:?} in:\n{errors}"
        );
    }
    // An account with no items, and a misspelt field, are refused too.
    let empty_items = with_readouts(
        "{ source = \"test-us-readout-he\", side = \"united-states\", items = [\n      { kind = \"stated\", text = \"The call was constructive.\", topics = [\"dialogue\"], points = [1] },\n  ] },",
        "{ source = \"test-us-readout-he\", side = \"united-states\", items = [] },",
    );
    assert!(
        errors_of(&empty_items).contains(
            "data/readouts.toml: event \"readout-test-one-sided\": accounts[0].items: is empty"
        ),
        "{}",
        errors_of(&empty_items)
    );
    let misspelt = with_readouts("side = \"china\"", "side = \"china\", itmes = []");
    assert!(errors_of(&misspelt).contains("itmes"));
}
