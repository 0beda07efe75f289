//! Site search: one full-text query per kind of record, ranked by where and how often the words
//! match among the latest matches (bm25 for agreements, people, organisations and account
//! items), with highlighted titles and snippets. Highlights are marked with the
//! private-use characters `MARK_OPEN` and `MARK_CLOSE`, never HTML: the web layer splits the
//! text on them and the template escapes every piece.

use sqlx::{AssertSqlSafe, SqliteConnection};

use crate::domain::search::{MARK_CLOSE, MARK_OPEN};

/// At most this many hits of each kind are listed; the count covers them all.
pub const GROUP_LIMIT: i64 = 20;

/// Of each kind, the latest this many matches (by record id) are ranked and counted: a word
/// found in a hundred thousand events costs as much as one found in a thousand. A count above
/// it is shown as "200+". Each of them is scored and highlighted in the one pass that finds it
/// (`Kind::sql`), so the window is kept short: 200 cost some 4 ms of events at a million.
pub const CANDIDATES: i64 = 200;

/// The kinds of record searched, in the order results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Event,
    /// An item of a government's account of an event.
    AccountItem,
    Quote,
    Agreement,
    Person,
    Organization,
    Paragraph,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Event,
        Kind::AccountItem,
        Kind::Quote,
        Kind::Agreement,
        Kind::Person,
        Kind::Organization,
        Kind::Paragraph,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::AccountItem => "account",
            Kind::Quote => "quote",
            Kind::Agreement => "agreement",
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Paragraph => "paragraph",
        }
    }

    /// The query for this kind: `?1` is the FTS5 expression, `?2` the limit, `?3`/`?4` the
    /// markers, `?5` the candidates. Every query yields the columns of `HitRow`. `expanded`:
    /// the expression names whole terms only (no prefix).
    fn sql(self, expanded: bool) -> String {
        // The first of `columns` whose snippet has a match, else the first column's snippet.
        // A snippet of the first of `columns` (index, tokens) that matched, else of the first
        // column. When the title matched, the first (prose) column is shown as it is rather
        // than a later column that is only a list of names. Prose columns get longer snippets.
        let snippet = |table: &str, title: Option<u8>, columns: &[(u8, u8)]| {
            let one =
                |(c, tokens): (u8, u8)| format!("snippet({table}, {c}, ?3, ?4, '…', {tokens})");
            let first = one(columns[0]);
            let mut cases = vec![format!("WHEN instr({first}, ?3) > 0 THEN {first}")];
            if let Some(t) = title {
                cases.push(format!(
                    "WHEN instr(highlight({table}, {t}, ?3, ?4), ?3) > 0 THEN {first}"
                ));
            }
            for c in &columns[1..] {
                cases.push(format!("WHEN instr({0}, ?3) > 0 THEN {0}", one(*c)));
            }
            format!("CASE {} ELSE {first} END", cases.join(" "))
        };
        let hl = |table: &str, c: u8| format!("highlight({table}, {c}, ?3, ?4)");
        // Whether the query matched in a column, from the score's input `i` (`inputs`) holding
        // its highlight: the highlight holds a mark.
        let matched = |i: u8| format!("(instr(i{i}, ?3) > 0)");
        // How many times the query matched in a column: the marks its highlight `i` holds.
        let times = |i: u8| format!("(length(i{i}) - length(replace(i{i}, ?3, '')))");
        // `select` gives, in order: link_type, link_slug, anchor, anchor_kind, title, snippet
        // and detail;
        // `tie` breaks ties of `rank`, the score (lower is better), then the record id does.
        // Events, quotes and paragraphs are not ranked by bm25: its weight for each word counts
        // every row holding the word, the whole table's worth for a common one (30 ms of events
        // at a million, 8 of quotes and 8 of paragraphs); they are scored from the latest
        // matches alone, and the newest of equals comes first.
        // `inputs` are read for each candidate, as `i0`, `i1`…; `rank` is written over them.
        let (select, tie, from, inputs, rank) = match self {
            // Title words weigh most, then the summary, then the names around the event: by the
            // columns a match falls in.
            Kind::Event => (
                format!(
                    "'event', e.slug, NULL, NULL, {}, {}, e.date_label",
                    hl("events_fts", 0),
                    snippet("events_fts", Some(0), &[(1, 24), (2, 10)])
                ),
                "e.date_start DESC",
                "events_fts JOIN events e ON e.id = events_fts.rowid",
                vec![hl("events_fts", 0), hl("events_fts", 1), hl("events_fts", 2)],
                format!("-(10 * {} + 4 * {} + {})", matched(0), matched(1), matched(2)),
            ),
            // An item of a government's account links to its event, titled by the event and
            // detailed by the side whose account it is.
            Kind::AccountItem => (
                format!(
                    "'event', e.slug, NULL, NULL, e.title, {}, c.name || '''s account, ' || e.date_label",
                    snippet("account_items_fts", None, &[(0, 32)])
                ),
                "e.date_start",
                "account_items_fts JOIN account_items ai ON ai.id = account_items_fts.rowid
                 JOIN event_accounts ea ON ea.id = ai.account_id JOIN events e ON e.id = ea.event_id
                 JOIN countries c ON c.id = ea.side_id",
                vec!["bm25(account_items_fts)".to_owned()],
                "i0".to_owned(),
            ),
            // A quote links to the event it was said at, or else to its speaker. Ranked by how
            // often the words match, in its text four times what they weigh in its speaker's
            // name; the latest (by its event's day) of equals first.
            Kind::Quote => (
                format!(
                    "CASE WHEN e.slug IS NULL THEN 'person' ELSE 'event' END, coalesce(e.slug, p.slug), NULL, NULL,
                     {}, {}, e.title",
                    hl("quotes_fts", 1),
                    snippet("quotes_fts", None, &[(0, 32)])
                ),
                "q.date DESC",
                "quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
                 JOIN people p ON p.id = q.person_id LEFT JOIN events e ON e.id = q.event_id",
                vec![hl("quotes_fts", 0), hl("quotes_fts", 1)],
                format!("-(4 * {} + {})", times(0), times(1)),
            ),
            Kind::Agreement => (
                format!(
                    "'agreement', a.slug, NULL, NULL, {}, {}, a.due_label",
                    hl("agreements_fts", 0),
                    snippet("agreements_fts", Some(0), &[(1, 24), (2, 10)])
                ),
                "a.slug",
                "agreements_fts JOIN agreements a ON a.id = agreements_fts.rowid",
                vec!["bm25(agreements_fts, 10.0, 4.0, 1.0)".to_owned()],
                "i0".to_owned(),
            ),
            Kind::Person => (
                format!(
                    "'person', p.slug, NULL, NULL, {}, {}, c.name",
                    hl("people_fts", 0),
                    snippet("people_fts", Some(0), &[(2, 16), (1, 10)])
                ),
                "p.name",
                "people_fts JOIN people p ON p.id = people_fts.rowid JOIN countries c ON c.id = p.country_id",
                vec!["bm25(people_fts, 10.0, 5.0, 1.0)".to_owned()],
                "i0".to_owned(),
            ),
            Kind::Organization => (
                format!(
                    "'organization', o.slug, NULL, NULL, {}, {}, c.name",
                    hl("organizations_fts", 0),
                    snippet("organizations_fts", Some(0), &[(2, 24), (1, 10)])
                ),
                "o.name",
                "organizations_fts JOIN organizations o ON o.id = organizations_fts.rowid
                 LEFT JOIN countries c ON c.id = o.country_id",
                vec!["bm25(organizations_fts, 10.0, 5.0, 1.0)".to_owned()],
                "i0".to_owned(),
            ),
            // A paragraph is titled by its source and links to its anchor in the reader. Ranked by
            // how often the words match in it; of equals, the latest source's first.
            Kind::Paragraph => (
                format!(
                    "'source', s.slug, pa.number, s.text_kind, s.title, {}, s.published",
                    snippet("paragraphs_fts", None, &[(0, 32)])
                ),
                "s.published DESC",
                "paragraphs_fts JOIN paragraphs pa ON pa.id = paragraphs_fts.rowid
                 JOIN sources s ON s.id = pa.source_id",
                vec![hl("paragraphs_fts", 0)],
                format!("-{}", times(0)),
            ),
        };
        let table = from.split_whitespace().next().unwrap_or_default();
        let named: Vec<String> = (0..inputs.len()).map(|i| format!("i{i}")).collect();
        let named = named.join(", ");
        let inputs = inputs.join(", ");
        let tie_value = tie.trim_end_matches(" DESC");
        let direction = if tie.ends_with(" DESC") { " DESC" } else { "" };
        // The latest `CANDIDATES` (+1, to tell "more") matches, in rowid order, which FTS5 walks
        // without reading the rest, each scored in that one pass. FTS5's auxiliary functions
        // cannot run in a query with a window function, so the count is a step of its own.
        if expanded {
            // Whole terms: only the best `GROUP_LIMIT` are then highlighted, in a second walk of
            // the candidates' rowids (a highlight or snippet of every candidate cost more than
            // the match; matching each chosen one by its rowid, more than the walk).
            format!(
                "WITH candidates (id, {named}, tie) AS MATERIALIZED (
                     SELECT {table}.rowid, {inputs}, {tie_value} FROM {from} WHERE {table} MATCH ?1
                      ORDER BY {table}.rowid DESC LIMIT ?5),
                 chosen AS MATERIALIZED (
                     SELECT id, {rank} AS score, tie, COUNT(*) OVER () AS total FROM candidates
                      ORDER BY score, tie{direction}, id LIMIT ?2),
                 shown (link_type, link_slug, anchor, anchor_kind, title, snippet, detail, total, score, tie, id) AS (
                     SELECT {select}, chosen.total, chosen.score, chosen.tie, chosen.id
                       FROM {from} CROSS JOIN chosen
                      WHERE {table} MATCH ?1 AND {table}.rowid >= (SELECT min(id) FROM chosen)
                        AND chosen.id = {table}.rowid)
                 SELECT link_type, link_slug, anchor, anchor_kind, title, snippet, detail, total
                   FROM shown ORDER BY score, tie{direction}, id"
            )
        } else {
            // A prefix: FTS5 reads its whole doclist each time the expression is matched, so it
            // is matched once, every candidate highlighted in that pass.
            format!(
                "WITH candidates (link_type, link_slug, anchor, anchor_kind, title, snippet, detail, {named}, tie, id) AS MATERIALIZED (
                     SELECT {select}, {inputs}, {tie_value}, {table}.rowid FROM {from} WHERE {table} MATCH ?1
                      ORDER BY {table}.rowid DESC LIMIT ?5)
                 SELECT link_type, link_slug, anchor, anchor_kind, title, snippet, detail, COUNT(*) OVER () AS total
                   FROM candidates ORDER BY {rank}, tie{direction}, id LIMIT ?2"
            )
        }
    }
}

/// One hit. `title` and `snippet` carry `MARK_OPEN`/`MARK_CLOSE` around matched words.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HitRow {
    /// The kind of page the hit links to: event, person, organization, agreement or source.
    pub link_type: String,
    pub link_slug: String,
    /// For a paragraph, its number (the reader's anchor).
    pub anchor: Option<i64>,
    /// For a paragraph, what its source's numbered texts are: `full-text` or `summary`.
    pub anchor_kind: Option<String>,
    pub title: String,
    pub snippet: String,
    /// A date, country or event title, by kind.
    pub detail: Option<String>,
    /// How many hits of this kind there are in all, up to `CANDIDATES` + 1.
    pub total: i64,
}

/// How many hits a group's rows say there are, and whether there are more than that (only the
/// latest `CANDIDATES` matches are counted).
pub fn count(rows: &[HitRow]) -> (i64, bool) {
    let total = rows.first().map_or(0, |r| r.total);
    (total.min(CANDIDATES), total > CANDIDATES)
}

/// The best hits of one kind for an FTS5 expression (built by `SearchText`, never raw input).
#[tracing::instrument(skip(conn))]
pub async fn hits(
    conn: &mut SqliteConnection,
    kind: Kind,
    fts: &str,
) -> Result<Vec<HitRow>, sqlx::Error> {
    let expanded = !fts.ends_with('*');
    sqlx::query_as(AssertSqlSafe(kind.sql(expanded)))
        .bind(fts)
        .bind(GROUP_LIMIT)
        .bind(MARK_OPEN.to_string())
        .bind(MARK_CLOSE.to_string())
        .bind(CANDIDATES + 1)
        .fetch_all(conn)
        .await
}

/// At most this many whole terms stand in for the last word's prefix; with more, FTS5 reads
/// the prefix itself (`expression`).
pub const PREFIX_TERMS: usize = 50;

/// `fts` (built by `SearchText`: quoted words, the last one a prefix, `"export" "controls"*`)
/// as FTS5 answers it quickest, matching the same rows: the prefix as the OR of the whole terms
/// of the full-text indexes it stands for (`"export" AND ("control" OR "controlled")`), named
/// by `search_terms` (migration 0015). FTS5 reads a prefix's whole list of rows before its
/// first match (20 ms for `control*` at a million events) and a whole term's as it goes (0.2).
/// The prefix is kept when it is not one token, stands for no term or more than
/// `PREFIX_TERMS`, or for a term no word was found to stand for.
pub async fn expression(conn: &mut SqliteConnection, fts: &str) -> Result<String, sqlx::Error> {
    let Some((rest, last)) = split_last(fts) else {
        return Ok(fts.to_owned());
    };
    // The prefix as the indexes hold it (folded and stemmed: `controls` is `control`), read
    // through a scratch index of this connection with the indexes' tokenizer.
    for statement in [
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_query USING fts5 (
             word, tokenize = 'porter unicode61 remove_diacritics 2')",
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_query_terms
             USING fts5vocab (temp, search_query, instance)",
        "DELETE FROM temp.search_query",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    sqlx::query("INSERT INTO temp.search_query (rowid, word) VALUES (1, ?1)")
        .bind(last)
        .execute(&mut *conn)
        .await?;
    let stems: Vec<String> = sqlx::query_scalar("SELECT term FROM temp.search_query_terms")
        .fetch_all(&mut *conn)
        .await?;
    let [stem] = stems.as_slice() else {
        return Ok(fts.to_owned());
    };
    // Every term that begins with the stem sorts from it to the stem followed by the last
    // character there is.
    let words: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT word FROM search_terms WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3",
    )
    .bind(stem)
    .bind(format!("{stem}{}", char::MAX))
    .bind(PREFIX_TERMS as i64 + 1)
    .fetch_all(&mut *conn)
    .await?;
    if words.is_empty() || words.len() > PREFIX_TERMS {
        return Ok(fts.to_owned());
    }
    let Some(words) = words.into_iter().collect::<Option<Vec<String>>>() else {
        return Ok(fts.to_owned());
    };
    let any = words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" OR ");
    Ok(if rest.is_empty() {
        format!("({any})")
    } else {
        format!("{rest} AND ({any})")
    })
}

/// The words before the last and the last, a prefix, of an expression `SearchText` built.
fn split_last(fts: &str) -> Option<(&str, &str)> {
    let quoted = fts.strip_suffix("\"*")?;
    let start = quoted.rfind('"')?;
    Some((quoted[..start].trim_end(), &quoted[start + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_word_is_split_from_the_rest() {
        assert_eq!(
            split_last("\"export\" \"controls\"*"),
            Some(("\"export\"", "controls"))
        );
        assert_eq!(split_last("\"expo\"*"), Some(("", "expo")));
        assert_eq!(split_last("\"export\""), None);
    }
}
