//! Writes a validated dataset in one transaction: every record is upserted by slug and its child
//! rows replaced, then the full-text indexes are rebuilt and a revision recorded. Either all of
//! it lands or none of it does.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, Row, SqliteConnection, SqlitePool};

use super::stamps::{Changed, RecordKey, fnv1a, utc_text};
use super::{Account, Citation, Dataset, DatasetError, Existing, Note, SourceTexts};
use crate::domain::date::iso;
use crate::domain::{FuzzyDate, Slug, SourceVoice, TextKind};
use crate::progress::Progress;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub revision: i64,
    /// Records new in this import, and records whose content changed.
    pub added: usize,
    pub updated: usize,
    pub sources: usize,
    pub people: usize,
    pub organizations: usize,
    pub topics: usize,
    pub events: usize,
    pub agreements: usize,
    pub quotes: usize,
}

/// The slugs (and source texts) the database holds, for validating a new import against.
pub async fn existing_records(pool: &SqlitePool) -> Result<Existing, sqlx::Error> {
    async fn slugs(
        pool: &SqlitePool,
        sql: &'static str,
    ) -> Result<std::collections::HashSet<String>, sqlx::Error> {
        Ok(sqlx::query_scalar::<_, String>(sql)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect())
    }
    let mut existing = Existing {
        countries: slugs(pool, "SELECT slug FROM countries").await?,
        people: slugs(pool, "SELECT slug FROM people").await?,
        organizations: slugs(pool, "SELECT slug FROM organizations").await?,
        topics: slugs(pool, "SELECT slug FROM topics").await?,
        events: slugs(pool, "SELECT slug FROM events").await?,
        agreements: slugs(pool, "SELECT slug FROM agreements").await?,
        sources: HashMap::new(),
    };
    let rows = sqlx::query(
        "SELECT s.slug, s.text_kind, s.voice, p.text FROM paragraphs p JOIN sources s ON s.id = p.source_id
          ORDER BY s.slug, p.number",
    )
    .fetch_all(pool)
    .await?;
    for row in rows {
        let kind: String = row.try_get("text_kind")?;
        let voice: String = row.try_get("voice")?;
        existing
            .sources
            .entry(row.try_get("slug")?)
            .or_insert_with(|| SourceTexts {
                kind: TextKind::from_stored(&kind),
                texts: Vec::new(),
                voice: voice.parse().unwrap_or(SourceVoice::Other),
            })
            .texts
            .push(row.try_get("text")?);
    }
    Ok(existing)
}

/// Looks up ids by slug once per table and remembers them for the rest of the import.
#[derive(Default)]
struct Ids {
    cache: HashMap<(&'static str, String), i64>,
    paragraphs: HashMap<(String, u32), i64>,
}

impl Ids {
    /// `table` is always one of the fixed table names below, never input.
    async fn of(
        &mut self,
        conn: &mut SqliteConnection,
        table: &'static str,
        slug: &(impl AsRef<str> + ?Sized),
    ) -> Result<i64, sqlx::Error> {
        let slug = slug.as_ref();
        let key = (table, slug.to_owned());
        if let Some(id) = self.cache.get(&key) {
            return Ok(*id);
        }
        let sql = format!("SELECT id FROM {table} WHERE slug = ?1");
        let id: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(slug)
            .fetch_one(&mut *conn)
            .await?;
        self.cache.insert(key, id);
        Ok(id)
    }

    async fn paragraph(
        &mut self,
        conn: &mut SqliteConnection,
        cite: &Citation,
    ) -> Result<i64, sqlx::Error> {
        let key = (cite.source.to_string(), cite.paragraph);
        if let Some(id) = self.paragraphs.get(&key) {
            return Ok(*id);
        }
        let id: i64 = sqlx::query_scalar(
            "SELECT p.id FROM paragraphs p JOIN sources s ON s.id = p.source_id WHERE s.slug = ?1 AND p.number = ?2",
        )
        .bind(cite.source.as_str())
        .bind(cite.paragraph)
        .fetch_one(&mut *conn)
        .await?;
        self.paragraphs.insert(key, id);
        Ok(id)
    }

    /// An agreement party is an organisation or a country.
    async fn party(
        &mut self,
        conn: &mut SqliteConnection,
        slug: &Slug,
    ) -> Result<(Option<i64>, Option<i64>), sqlx::Error> {
        let org: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE slug = ?1")
            .bind(slug.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        match org {
            Some(id) => Ok((Some(id), None)),
            None => Ok((None, Some(self.of(conn, "countries", slug).await?))),
        }
    }
}

async fn replace_citations(
    conn: &mut SqliteConnection,
    ids: &mut Ids,
    subject_type: &str,
    subject_id: i64,
    cites: &[Citation],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM citations WHERE subject_type = ?1 AND subject_id = ?2")
        .bind(subject_type)
        .bind(subject_id)
        .execute(&mut *conn)
        .await?;
    for cite in cites {
        let paragraph = ids.paragraph(conn, cite).await?;
        sqlx::query(
            "INSERT INTO citations (subject_type, subject_id, paragraph_id) VALUES (?1, ?2, ?3)",
        )
        .bind(subject_type)
        .bind(subject_id)
        .bind(paragraph)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces a record's citations, notes (with the notes' own citations) and aliases.
async fn replace_annotations(
    conn: &mut SqliteConnection,
    ids: &mut Ids,
    subject_type: &str,
    subject_id: i64,
    cites: &[Citation],
    notes: &[Note],
) -> Result<(), sqlx::Error> {
    if subject_type != "source" {
        replace_citations(conn, ids, subject_type, subject_id, cites).await?;
    }
    sqlx::query(
        "DELETE FROM citations WHERE subject_type = 'note'
           AND subject_id IN (SELECT id FROM notes WHERE subject_type = ?1 AND subject_id = ?2)",
    )
    .bind(subject_type)
    .bind(subject_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM notes WHERE subject_type = ?1 AND subject_id = ?2")
        .bind(subject_type)
        .bind(subject_id)
        .execute(&mut *conn)
        .await?;
    for (position, note) in notes.iter().enumerate() {
        let note_id: i64 = sqlx::query_scalar(
            "INSERT INTO notes (subject_type, subject_id, position, kind, text, basis)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )
        .bind(subject_type)
        .bind(subject_id)
        .bind(position as i64)
        .bind(note.kind.as_str())
        .bind(&note.text)
        .bind(&note.basis)
        .fetch_one(&mut *conn)
        .await?;
        replace_citations(conn, ids, "note", note_id, &note.cites).await?;
    }
    Ok(())
}

async fn replace_aliases(
    conn: &mut SqliteConnection,
    subject_type: &str,
    subject_id: i64,
    aliases: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM aliases WHERE subject_type = ?1 AND subject_id = ?2")
        .bind(subject_type)
        .bind(subject_id)
        .execute(&mut *conn)
        .await?;
    for (position, alias) in aliases.iter().enumerate() {
        sqlx::query("INSERT INTO aliases (subject_type, subject_id, position, alias) VALUES (?1, ?2, ?3, ?4)")
            .bind(subject_type)
            .bind(subject_id)
            .bind(position as i64)
            .bind(alias)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces an event's accounts and their items. Each item's citations are also recorded as
/// citations of the event: an account's source reports the event.
async fn replace_accounts(
    conn: &mut SqliteConnection,
    ids: &mut Ids,
    event_id: i64,
    accounts: &[Account],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM event_accounts WHERE event_id = ?1")
        .bind(event_id)
        .execute(&mut *conn)
        .await?;
    for (position, account) in accounts.iter().enumerate() {
        let source = ids.of(conn, "sources", &account.source).await?;
        let side = ids.of(conn, "countries", account.side.as_str()).await?;
        let account_id: i64 = sqlx::query_scalar(
            "INSERT INTO event_accounts (event_id, position, source_id, side_id) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
        )
        .bind(event_id)
        .bind(position as i64)
        .bind(source)
        .bind(side)
        .fetch_one(&mut *conn)
        .await?;
        for (position, item) in account.items.iter().enumerate() {
            let by = match &item.by {
                Some(slug) => Some(ids.of(conn, "countries", slug).await?),
                None => None,
            };
            let item_id: i64 = sqlx::query_scalar(
                "INSERT INTO account_items (account_id, position, kind, by_id, text) VALUES (?1, ?2, ?3, ?4, ?5)
                 RETURNING id",
            )
            .bind(account_id)
            .bind(position as i64)
            .bind(item.kind.as_str())
            .bind(by)
            .bind(&item.text)
            .fetch_one(&mut *conn)
            .await?;
            for topic in &item.topics {
                let topic = ids.of(conn, "topics", topic).await?;
                sqlx::query("INSERT INTO account_item_topics (item_id, topic_id) VALUES (?1, ?2)")
                    .bind(item_id)
                    .bind(topic)
                    .execute(&mut *conn)
                    .await?;
            }
            for cite in &item.cites {
                let paragraph = ids.paragraph(conn, cite).await?;
                sqlx::query(
                    "INSERT INTO account_item_citations (item_id, paragraph_id) VALUES (?1, ?2)",
                )
                .bind(item_id)
                .bind(paragraph)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT OR IGNORE INTO citations (subject_type, subject_id, paragraph_id)
                     VALUES ('event', ?1, ?2)",
                )
                .bind(event_id)
                .bind(paragraph)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// Replaces an agreement's due windows and their citations: none when its sources agree on
/// one; else its own due date (position 0, the one its status follows) and the others.
async fn replace_due_windows(
    conn: &mut SqliteConnection,
    ids: &mut Ids,
    agreement_id: i64,
    agreement: &super::Agreement,
) -> Result<(), sqlx::Error> {
    // Their citations go with them (ON DELETE CASCADE).
    sqlx::query("DELETE FROM agreement_due_windows WHERE agreement_id = ?1")
        .bind(agreement_id)
        .execute(&mut *conn)
        .await?;
    let Some(due) = agreement
        .due
        .as_ref()
        .filter(|_| !agreement.other_due.is_empty())
    else {
        return Ok(());
    };
    let followed = (due, None, &agreement.due_cites);
    let others = agreement
        .other_due
        .iter()
        .map(|w| (&w.date, w.date_phrase.as_deref(), &w.cites));
    for (position, (date, phrase, cites)) in std::iter::once(followed).chain(others).enumerate() {
        let window_id: i64 = sqlx::query_scalar(
            "INSERT INTO agreement_due_windows (agreement_id, position, date_start, date_end,
                                                date_precision, date_label, date_phrase)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )
        .bind(agreement_id)
        .bind(position as i64)
        .bind(iso(date.start()))
        .bind(iso(date.end()))
        .bind(date.precision().as_str())
        .bind(date.label())
        .bind(phrase)
        .fetch_one(&mut *conn)
        .await?;
        for cite in cites {
            let paragraph = ids.paragraph(conn, cite).await?;
            sqlx::query(
                "INSERT OR IGNORE INTO agreement_due_window_citations (window_id, paragraph_id) VALUES (?1, ?2)",
            )
            .bind(window_id)
            .bind(paragraph)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Replaces an event's phases, their citations and the days it is in force.
async fn replace_phases(
    conn: &mut SqliteConnection,
    ids: &mut Ids,
    event_id: i64,
    event: &super::Event,
) -> Result<(), sqlx::Error> {
    // The phases' citations go with them (ON DELETE CASCADE).
    for table in ["event_phases", "event_in_force"] {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE event_id = ?1"
        )))
        .bind(event_id)
        .execute(&mut *conn)
        .await?;
    }
    for (position, phase) in event.phases.iter().enumerate() {
        let phase_id: i64 = sqlx::query_scalar(
            "INSERT INTO event_phases (event_id, position, phase, date_start, date_end, date_precision,
                                       date_label, date_phrase, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        )
        .bind(event_id)
        .bind(position as i64)
        .bind(phase.phase.as_str())
        .bind(iso(phase.date.start()))
        .bind(iso(phase.date.end()))
        .bind(phase.date.precision().as_str())
        .bind(phase.date.label())
        .bind(&phase.date_phrase)
        .bind(&phase.note)
        .fetch_one(&mut *conn)
        .await?;
        for cite in &phase.cites {
            let paragraph = ids.paragraph(conn, cite).await?;
            sqlx::query(
                "INSERT OR IGNORE INTO event_phase_citations (phase_id, paragraph_id) VALUES (?1, ?2)",
            )
            .bind(phase_id)
            .bind(paragraph)
            .execute(&mut *conn)
            .await?;
        }
    }
    for stretch in crate::domain::phase::in_force(&event.dated_phases()) {
        sqlx::query(
            "INSERT INTO event_in_force (event_id, from_day, until_day) VALUES (?1, ?2, ?3)",
        )
        .bind(event_id)
        .bind(iso(stretch.from))
        .bind(stretch.until.map(iso))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn date_parts(
    date: Option<&FuzzyDate>,
) -> (
    Option<String>,
    Option<String>,
    Option<&'static str>,
    Option<String>,
) {
    match date {
        Some(d) => (
            Some(iso(d.start())),
            Some(iso(d.end())),
            Some(d.precision().as_str()),
            Some(d.label().to_owned()),
        ),
        None => (None, None, None, None),
    }
}

/// A fingerprint of the files' names and contents: what an import read.
fn digest(files: &[(String, String)]) -> String {
    fnv1a(
        files
            .iter()
            .flat_map(|(name, text)| name.bytes().chain([0]).chain(text.bytes()).chain([0])),
    )
}

/// Records, for one import's revision, which records are new and which changed, and when
/// the latest of those changes was made.
struct Changes<'a> {
    revision: i64,
    added: usize,
    updated: usize,
    /// Each record's digest and stamp, from the dataset.
    stamps: &'a HashMap<RecordKey, Changed>,
    /// When an unstamped record changed: now, the import's time.
    now: &'a str,
    /// The latest change this import makes.
    latest: Option<String>,
    /// Counts every record written.
    progress: &'a Progress,
}

impl Changes<'_> {
    /// Compares a record with its fingerprint from the last import (its digest as written in
    /// the data), and notes it as added or updated unless it is unchanged, with the time of the
    /// change its stamp gives. `table` is one of the fixed table names of the import, never
    /// input.
    async fn track(
        &mut self,
        conn: &mut SqliteConnection,
        record_type: &'static str,
        table: &'static str,
        slug: &Slug,
    ) -> Result<(), sqlx::Error> {
        self.progress.add(1);
        let key = RecordKey {
            record_type,
            slug: slug.as_str().to_owned(),
        };
        let (digest, at) = match self.stamps.get(&key) {
            Some(changed) => (
                changed.digest.clone(),
                changed.at.map_or_else(|| self.now.to_owned(), utc_text),
            ),
            // Not reached: `parse_and_validate` digests every record it returns. Were one
            // missing, it would count as changed, never as unchanged.
            None => (String::new(), self.now.to_owned()),
        };
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT digest FROM record_digests WHERE record_type = ?1 AND slug = ?2",
        )
        .bind(record_type)
        .bind(slug.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let change = match previous {
            Some(previous) if previous == digest => return Ok(()),
            Some(_) => "updated",
            None => {
                let sql = AssertSqlSafe(format!("SELECT 1 FROM {table} WHERE slug = ?1"));
                let exists: Option<i64> = sqlx::query_scalar(sql)
                    .bind(slug.as_str())
                    .fetch_optional(&mut *conn)
                    .await?;
                if exists.is_some() { "updated" } else { "added" }
            }
        };
        if change == "added" {
            self.added += 1;
        } else {
            self.updated += 1;
        }
        sqlx::query("INSERT INTO revision_changes (revision_id, record_type, slug, change) VALUES (?1, ?2, ?3, ?4)")
            .bind(self.revision)
            .bind(record_type)
            .bind(slug.as_str())
            .bind(change)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO record_digests (record_type, slug, digest, changed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (record_type, slug) DO UPDATE SET digest = excluded.digest, changed_at = excluded.changed_at",
        )
        .bind(record_type)
        .bind(slug.as_str())
        .bind(digest)
        .bind(&at)
        .execute(&mut *conn)
        .await?;
        // RFC 3339 times in UTC with whole seconds order as text.
        if self.latest.as_ref().is_none_or(|latest| *latest < at) {
            self.latest = Some(at);
        }
        Ok(())
    }
}

/// Imports a validated dataset in one transaction; `files` are the texts it was read from.
pub async fn import(
    pool: &SqlitePool,
    data: &Dataset,
    files: &[(String, String)],
) -> Result<ImportSummary, DatasetError> {
    import_with_progress(pool, data, files, &Progress::hidden()).await
}

/// `import`, showing on `progress` the records written, then the indexes rebuilt.
#[tracing::instrument(skip_all, fields(files = data.files.len()))]
pub async fn import_with_progress(
    pool: &SqlitePool,
    data: &Dataset,
    files: &[(String, String)],
    progress: &Progress,
) -> Result<ImportSummary, DatasetError> {
    let mut tx = pool.begin().await?;
    let conn: &mut SqliteConnection = &mut tx;
    let mut ids = Ids::default();

    let now = utc_text(time::OffsetDateTime::now_utc());
    let revision: i64 = sqlx::query_scalar(
        "INSERT INTO revisions (imported_at, files, digest) VALUES (?1, ?2, ?3) RETURNING id",
    )
    .bind(&now)
    .bind(data.files.join("\n"))
    .bind(digest(files))
    .fetch_one(&mut *conn)
    .await?;
    let mut changes = Changes {
        revision,
        added: 0,
        updated: 0,
        stamps: &data.changed,
        now: &now,
        latest: None,
        progress,
    };
    progress.stage(
        "import: writing",
        "records",
        [
            data.countries.len(),
            data.sources.len(),
            data.topics.len(),
            data.organizations.len(),
            data.people.len(),
            data.events.len(),
            data.agreements.len(),
            data.quotes.len(),
        ]
        .iter()
        .sum::<usize>() as u64,
    );

    for country in &data.countries {
        changes
            .track(conn, "country", "countries", &country.slug)
            .await?;
        sqlx::query("INSERT INTO countries (slug, name) VALUES (?1, ?2) ON CONFLICT (slug) DO UPDATE SET name = excluded.name")
            .bind(country.slug.as_str())
            .bind(&country.name)
            .execute(&mut *conn)
            .await?;
    }

    for source in &data.sources {
        changes
            .track(conn, "source", "sources", &source.slug)
            .await?;
        let source_id: i64 = sqlx::query_scalar(
            "INSERT INTO sources (slug, title, publisher, published, published_end, published_precision,
                                  published_label, url, voice, language, text_kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
               published = excluded.published, published_end = excluded.published_end,
               published_precision = excluded.published_precision,
               published_label = excluded.published_label, url = excluded.url,
               voice = excluded.voice, language = excluded.language, text_kind = excluded.text_kind
             RETURNING id",
        )
        .bind(source.slug.as_str())
        .bind(&source.title)
        .bind(&source.publisher)
        .bind(iso(source.published.start()))
        .bind(iso(source.published.end()))
        .bind(source.published.precision().as_str())
        .bind(source.published.label())
        .bind(&source.url)
        .bind(source.voice.as_str())
        .bind(source.language.as_str())
        .bind(source.text_kind.as_str())
        .fetch_one(&mut *conn)
        .await?;
        // Points live where paragraphs live, numbered the same way, so every citation is a
        // citation of a paragraph row whatever the source's kind.
        for (i, text) in source.texts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO paragraphs (source_id, number, text) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source_id, number) DO UPDATE SET text = excluded.text",
            )
            .bind(source_id)
            .bind(i as i64 + 1)
            .bind(text)
            .execute(&mut *conn)
            .await?;
        }
        // A shorter text drops its last paragraphs; a citation still pointing at one makes the
        // foreign key fail and the whole import roll back.
        sqlx::query("DELETE FROM paragraphs WHERE source_id = ?1 AND number > ?2")
            .bind(source_id)
            .bind(source.texts.len() as i64)
            .execute(&mut *conn)
            .await?;
        replace_annotations(conn, &mut ids, "source", source_id, &[], &source.notes).await?;
    }

    for topic in &data.topics {
        changes.track(conn, "topic", "topics", &topic.slug).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO topics (slug, name, summary) VALUES (?1, ?2, ?3)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, summary = excluded.summary RETURNING id",
        )
        .bind(topic.slug.as_str())
        .bind(&topic.name)
        .bind(&topic.summary)
        .fetch_one(&mut *conn)
        .await?;
        replace_annotations(conn, &mut ids, "topic", id, &topic.cites, &topic.notes).await?;
    }

    for org in &data.organizations {
        changes
            .track(conn, "organization", "organizations", &org.slug)
            .await?;
        let country = match &org.country {
            Some(slug) => Some(ids.of(conn, "countries", slug).await?),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (slug, name, native_name, kind, country_id, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, native_name = excluded.native_name,
               kind = excluded.kind, country_id = excluded.country_id, summary = excluded.summary
             RETURNING id",
        )
        .bind(org.slug.as_str())
        .bind(&org.name)
        .bind(&org.native_name)
        .bind(org.kind.as_str())
        .bind(country)
        .bind(&org.summary)
        .fetch_one(&mut *conn)
        .await?;
        replace_aliases(conn, "organization", id, &org.aliases).await?;
        replace_annotations(conn, &mut ids, "organization", id, &org.cites, &org.notes).await?;
    }

    for person in &data.people {
        changes
            .track(conn, "person", "people", &person.slug)
            .await?;
        let country = ids.of(conn, "countries", &person.country).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (slug, name, native_name, country_id, wikidata, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, native_name = excluded.native_name,
               country_id = excluded.country_id, wikidata = excluded.wikidata, summary = excluded.summary
             RETURNING id",
        )
        .bind(person.slug.as_str())
        .bind(&person.name)
        .bind(&person.native_name)
        .bind(country)
        .bind(&person.wikidata)
        .bind(&person.summary)
        .fetch_one(&mut *conn)
        .await?;
        replace_aliases(conn, "person", id, &person.aliases).await?;
        sqlx::query("DELETE FROM roles WHERE person_id = ?1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (position, role) in person.roles.iter().enumerate() {
            let organization = match &role.organization {
                Some(slug) => Some(ids.of(conn, "organizations", slug).await?),
                None => None,
            };
            sqlx::query(
                "INSERT INTO roles (person_id, position, title, organization_id, start_date, end_date, basis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&role.title)
            .bind(organization)
            .bind(role.from.map(iso))
            .bind(role.to.map(iso))
            .bind(&role.basis)
            .execute(&mut *conn)
            .await?;
        }
        replace_annotations(conn, &mut ids, "person", id, &person.cites, &person.notes).await?;
    }

    for event in &data.events {
        changes.track(conn, "event", "events", &event.slug).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (slug, title, kind, date_start, date_end, date_precision, date_label, date_phrase,
                                 location, status, class, summary, accounts_searched_on, accounts_searched_for)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, kind = excluded.kind,
               date_start = excluded.date_start, date_end = excluded.date_end,
               date_precision = excluded.date_precision, date_label = excluded.date_label,
               date_phrase = excluded.date_phrase, location = excluded.location, status = excluded.status,
               class = excluded.class, summary = excluded.summary,
               accounts_searched_on = excluded.accounts_searched_on,
               accounts_searched_for = excluded.accounts_searched_for
             RETURNING id",
        )
        .bind(event.slug.as_str())
        .bind(&event.title)
        .bind(event.kind.as_str())
        .bind(iso(event.date.start()))
        .bind(iso(event.date.end()))
        .bind(event.date.precision().as_str())
        .bind(event.date.label())
        .bind(&event.date_phrase)
        .bind(&event.location)
        .bind(event.status.as_str())
        .bind(event.class.as_str())
        .bind(&event.summary)
        .bind(event.accounts_searched.as_ref().map(|s| iso(s.on)))
        .bind(event.accounts_searched.as_ref().map(|s| s.looked_for.as_str()))
        .fetch_one(&mut *conn)
        .await?;
        for table in [
            "event_sides",
            "event_people",
            "event_organizations",
            "event_topics",
            "event_countries",
        ] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE event_id = ?1"
            )))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        for side in &event.sides {
            let country = ids.of(conn, "countries", side).await?;
            sqlx::query("INSERT INTO event_sides (event_id, country_id) VALUES (?1, ?2)")
                .bind(id)
                .bind(country)
                .execute(&mut *conn)
                .await?;
        }
        for (position, (person, role)) in event.participants.iter().enumerate() {
            let person = ids.of(conn, "people", person).await?;
            sqlx::query("INSERT INTO event_people (event_id, person_id, role, position) VALUES (?1, ?2, ?3, ?4)")
                .bind(id)
                .bind(person)
                .bind(role.as_str())
                .bind(position as i64)
                .execute(&mut *conn)
                .await?;
        }
        for (position, (org, role)) in event.organizations.iter().enumerate() {
            let org = ids.of(conn, "organizations", org).await?;
            sqlx::query("INSERT INTO event_organizations (event_id, organization_id, role, position) VALUES (?1, ?2, ?3, ?4)")
                .bind(id)
                .bind(org)
                .bind(role.as_str())
                .bind(position as i64)
                .execute(&mut *conn)
                .await?;
        }
        for topic in &event.topics {
            let topic = ids.of(conn, "topics", topic).await?;
            sqlx::query("INSERT INTO event_topics (event_id, topic_id) VALUES (?1, ?2)")
                .bind(id)
                .bind(topic)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(
            "INSERT OR IGNORE INTO event_countries (event_id, country_id)
             SELECT ?1, country_id FROM event_sides WHERE event_id = ?1
             UNION SELECT ?1, p.country_id FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = ?1
             UNION SELECT ?1, o.country_id FROM event_organizations eo JOIN organizations o ON o.id = eo.organization_id
                   WHERE eo.event_id = ?1 AND o.country_id IS NOT NULL",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        // A phase's citations support the event too: they join its own, once each.
        let mut cites = event.cites.clone();
        for cite in event.phases.iter().flat_map(|p| &p.cites) {
            if !cites.contains(cite) {
                cites.push(cite.clone());
            }
        }
        replace_annotations(conn, &mut ids, "event", id, &cites, &event.notes).await?;
        replace_accounts(conn, &mut ids, id, &event.accounts).await?;
        replace_phases(conn, &mut ids, id, event).await?;
    }

    for agreement in &data.agreements {
        changes
            .track(conn, "agreement", "agreements", &agreement.slug)
            .await?;
        let event = match &agreement.event {
            Some(slug) => Some(ids.of(conn, "events", slug).await?),
            None => None,
        };
        let (due_start, due_end, due_precision, due_label) = date_parts(agreement.due.as_ref());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agreements (slug, title, kind, terms, cadence, due_start, due_end, due_precision, due_label,
                                     event_id, searched_on, searched_for, due_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, kind = excluded.kind, terms = excluded.terms,
               cadence = excluded.cadence, due_start = excluded.due_start, due_end = excluded.due_end,
               due_precision = excluded.due_precision, due_label = excluded.due_label,
               event_id = excluded.event_id, searched_on = excluded.searched_on,
               searched_for = excluded.searched_for, due_reason = excluded.due_reason
             RETURNING id",
        )
        .bind(agreement.slug.as_str())
        .bind(&agreement.title)
        .bind(agreement.kind.as_str())
        .bind(&agreement.terms)
        .bind(&agreement.cadence)
        .bind(due_start)
        .bind(due_end)
        .bind(due_precision)
        .bind(due_label)
        .bind(event)
        .bind(agreement.searched.as_ref().map(|s| iso(s.on)))
        .bind(agreement.searched.as_ref().map(|s| s.looked_for.as_str()))
        .bind(&agreement.due_reason)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM agreement_parties WHERE agreement_id = ?1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM agreement_topics WHERE agreement_id = ?1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (position, party) in agreement.parties.iter().enumerate() {
            let (organization, country) = ids.party(conn, party).await?;
            sqlx::query(
                "INSERT INTO agreement_parties (agreement_id, position, organization_id, country_id) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(organization)
            .bind(country)
            .execute(&mut *conn)
            .await?;
        }
        for topic in &agreement.topics {
            let topic = ids.of(conn, "topics", topic).await?;
            sqlx::query("INSERT INTO agreement_topics (agreement_id, topic_id) VALUES (?1, ?2)")
                .bind(id)
                .bind(topic)
                .execute(&mut *conn)
                .await?;
        }
        // The windows' citations support the agreement too: they join its own, once each.
        let mut cites = agreement.cites.clone();
        for cite in agreement
            .due_cites
            .iter()
            .chain(agreement.other_due.iter().flat_map(|w| &w.cites))
        {
            if !cites.contains(cite) {
                cites.push(cite.clone());
            }
        }
        replace_annotations(conn, &mut ids, "agreement", id, &cites, &agreement.notes).await?;
        replace_due_windows(conn, &mut ids, id, agreement).await?;
    }

    // Follow-ups belong to their event and point at agreements, which now all exist.
    for event in &data.events {
        let event_id = ids.of(conn, "events", &event.slug).await?;
        sqlx::query("DELETE FROM agreement_followups WHERE event_id = ?1")
            .bind(event_id)
            .execute(&mut *conn)
            .await?;
        for followup in &event.follows_up {
            let agreement = ids.of(conn, "agreements", &followup.agreement).await?;
            sqlx::query(
                "INSERT INTO agreement_followups (agreement_id, event_id, effect, note) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(agreement)
            .bind(event_id)
            .bind(followup.effect.as_str())
            .bind(&followup.note)
            .execute(&mut *conn)
            .await?;
        }
    }

    for quote in &data.quotes {
        changes.track(conn, "quote", "quotes", &quote.slug).await?;
        let speaker = ids.of(conn, "people", &quote.speaker).await?;
        let event = match &quote.event {
            Some(slug) => Some(ids.of(conn, "events", slug).await?),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO quotes (slug, person_id, event_id, text) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (slug) DO UPDATE SET person_id = excluded.person_id, event_id = excluded.event_id,
               text = excluded.text
             RETURNING id",
        )
        .bind(quote.slug.as_str())
        .bind(speaker)
        .bind(event)
        .bind(&quote.text)
        .fetch_one(&mut *conn)
        .await?;
        replace_annotations(conn, &mut ids, "quote", id, &quote.cites, &quote.notes).await?;
    }
    // Quotes and agreements keep their events' dates, for a record's latest of them; set after
    // all are written, so a moved event moves its quotes and agreements too.
    crate::db::people::date_quotes(conn).await?;
    crate::db::agreements::date_agreements(conn).await?;

    // The revision's time is its latest change as the data dates it, and never goes back: the
    // same data imported on any machine, at any time, gives the same time.
    sqlx::query(
        "UPDATE revisions SET changed_at = (
             SELECT MAX(t) FROM (
                 SELECT ?1 AS t
                 UNION ALL SELECT changed_at FROM revisions WHERE id < ?2)
             WHERE t IS NOT NULL)
          WHERE id = ?2",
    )
    .bind(changes.latest.as_deref())
    .bind(revision)
    .execute(&mut *conn)
    .await?;

    progress.stage("import: indexing", "steps", 4);
    super::search_index::rebuild(conn).await?;
    progress.add(1);
    super::counts::rebuild(conn).await?;
    progress.add(1);
    super::list_links::rebuild(conn).await?;
    progress.add(1);
    // The event index of the rows just written, stored with them.
    crate::db::index::rebuild(conn).await?;
    progress.add(1);
    tx.commit().await?;
    // Servers in this process read the latest revision again before their next page.
    crate::db::revisions::data_changed(pool);

    Ok(ImportSummary {
        revision,
        added: changes.added,
        updated: changes.updated,
        sources: data.sources.len(),
        people: data.people.len(),
        organizations: data.organizations.len(),
        topics: data.topics.len(),
        events: data.events.len(),
        agreements: data.agreements.len(),
        quotes: data.quotes.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::digest;

    #[test]
    fn the_digest_changes_with_any_byte_of_names_or_contents() {
        let a = digest(&[("a.toml".into(), "x = 1".into())]);
        assert_eq!(a, digest(&[("a.toml".into(), "x = 1".into())]));
        assert_ne!(a, digest(&[("a.toml".into(), "x = 2".into())]));
        assert_ne!(a, digest(&[("b.toml".into(), "x = 1".into())]));
    }
}
