//! The full-text indexes (FTS5) and their terms, rebuilt from the tables inside every import's
//! transaction so they never disagree with them.

use sqlx::SqliteConnection;

/// Rebuilds the full-text indexes from the tables, so they always agree with them.
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM events_fts",
        // An event is found by its own words and by the names around it: participants (with
        // aliases), organisations, topics, location and the quotes said at it.
        "INSERT INTO events_fts (rowid, title, summary, context)
         SELECT e.id, e.title, e.summary,
                concat_ws(' ', e.location, e.date_phrase,
                  (SELECT group_concat(p.name || ' ' || coalesce(p.native_name, ''), ' ')
                     FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id),
                  (SELECT group_concat(a.alias, ' ') FROM event_people ep
                     JOIN aliases a ON a.subject_type = 'person' AND a.subject_id = ep.person_id WHERE ep.event_id = e.id),
                  (SELECT group_concat(o.name, ' ') FROM event_organizations eo
                     JOIN organizations o ON o.id = eo.organization_id WHERE eo.event_id = e.id),
                  (SELECT group_concat(t.name, ' ') FROM event_topics et
                     JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id),
                  (SELECT group_concat(q.text, ' ') FROM quotes q WHERE q.event_id = e.id))
           FROM events e",
        "DELETE FROM people_fts",
        "INSERT INTO people_fts (rowid, name, aliases, roles)
         SELECT p.id, p.name || ' ' || coalesce(p.native_name, ''),
                (SELECT group_concat(alias, ' ') FROM aliases WHERE subject_type = 'person' AND subject_id = p.id),
                (SELECT group_concat(title, ' ') FROM roles WHERE person_id = p.id)
           FROM people p",
        "DELETE FROM quotes_fts",
        "INSERT INTO quotes_fts (rowid, text, speaker)
         SELECT q.id, q.text, p.name FROM quotes q JOIN people p ON p.id = q.person_id",
        // Migration 0003 fills these three once with the same statements; keep them in step.
        "DELETE FROM organizations_fts",
        "INSERT INTO organizations_fts (rowid, name, aliases, summary)
         SELECT o.id, o.name || ' ' || coalesce(o.native_name, ''),
                (SELECT group_concat(alias, ' ') FROM aliases WHERE subject_type = 'organization' AND subject_id = o.id),
                coalesce(o.summary, '')
           FROM organizations o",
        "DELETE FROM agreements_fts",
        // An agreement is found by its words and by its parties, topics and cadence.
        "INSERT INTO agreements_fts (rowid, title, terms, context)
         SELECT a.id, a.title, a.terms,
                concat_ws(' ', a.cadence,
                  (SELECT group_concat(coalesce(o.name, c.name), ' ') FROM agreement_parties ap
                     LEFT JOIN organizations o ON o.id = ap.organization_id
                     LEFT JOIN countries c ON c.id = ap.country_id WHERE ap.agreement_id = a.id),
                  (SELECT group_concat(t.name, ' ') FROM agreement_topics at
                     JOIN topics t ON t.id = at.topic_id WHERE at.agreement_id = a.id))
           FROM agreements a",
        "DELETE FROM paragraphs_fts",
        "INSERT INTO paragraphs_fts (rowid, text) SELECT id, text FROM paragraphs",
        // What each side's account of an event says, item by item (migration 0012 fills it
        // once with the same statement).
        "DELETE FROM account_items_fts",
        "INSERT INTO account_items_fts (rowid, text) SELECT id, text FROM account_items",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    // The indexes' terms, each with a word that stands for it (`db::search::expression`): the
    // migration that added them is written to be run again, and is, so it is written once.
    sqlx::raw_sql(include_str!("../../migrations/0015_search_terms.sql"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Merges each full-text index into one segment: quicker queries after a bulk load.
pub async fn optimize(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for table in [
        "events_fts",
        "people_fts",
        "quotes_fts",
        "organizations_fts",
        "agreements_fts",
        "paragraphs_fts",
        "account_items_fts",
    ] {
        // `table` is one of the fixed names above, never input.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} ({table}) VALUES ('optimize')"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
