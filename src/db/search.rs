//! Site search: one full-text query per kind of record, ranked by bm25 (events by the columns
//! they match in), with highlighted titles and snippets. Highlights are marked with the
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
    /// markers. Every query yields the columns of `HitRow`.
    fn sql(self) -> String {
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
        // Whether the query matched in column `c`: a highlight of it holds a mark.
        let matched = |table: &str, c: u8| format!("(instr({}, ?3) > 0)", hl(table, c));
        // `select` gives, in order: link_type, link_slug, anchor, anchor_kind, title, snippet
        // and detail;
        // `tie` breaks ties of `rank`, the score (lower is better): bm25, except for events.
        let (select, tie, from, rank) = match self {
            // Title words weigh most, then the summary, then the names around the event. Not
            // bm25: its weight for each word counts every event holding the word, the whole
            // archive's worth for a common one (30 ms at a million events); the columns a
            // match falls in are read from the latest matches alone, and the newest of equals
            // comes first.
            Kind::Event => (
                format!(
                    "'event', e.slug, NULL, NULL, {}, {}, e.date_label",
                    hl("events_fts", 0),
                    snippet("events_fts", Some(0), &[(1, 24), (2, 10)])
                ),
                "e.date_start DESC",
                "events_fts JOIN events e ON e.id = events_fts.rowid",
                format!(
                    "-(10 * {} + 4 * {} + {})",
                    matched("events_fts", 0),
                    matched("events_fts", 1),
                    matched("events_fts", 2)
                ),
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
                "bm25(account_items_fts)".to_owned(),
            ),
            // A quote links to the event it was said at, or else to its speaker.
            Kind::Quote => (
                format!(
                    "CASE WHEN e.slug IS NULL THEN 'person' ELSE 'event' END, coalesce(e.slug, p.slug), NULL, NULL,
                     {}, {}, e.title",
                    hl("quotes_fts", 1),
                    snippet("quotes_fts", None, &[(0, 32)])
                ),
                "q.id",
                "quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
                 JOIN people p ON p.id = q.person_id LEFT JOIN events e ON e.id = q.event_id",
                "bm25(quotes_fts, 4.0, 1.0)".to_owned(),
            ),
            Kind::Agreement => (
                format!(
                    "'agreement', a.slug, NULL, NULL, {}, {}, a.due_label",
                    hl("agreements_fts", 0),
                    snippet("agreements_fts", Some(0), &[(1, 24), (2, 10)])
                ),
                "a.slug",
                "agreements_fts JOIN agreements a ON a.id = agreements_fts.rowid",
                "bm25(agreements_fts, 10.0, 4.0, 1.0)".to_owned(),
            ),
            Kind::Person => (
                format!(
                    "'person', p.slug, NULL, NULL, {}, {}, c.name",
                    hl("people_fts", 0),
                    snippet("people_fts", Some(0), &[(2, 16), (1, 10)])
                ),
                "p.name",
                "people_fts JOIN people p ON p.id = people_fts.rowid JOIN countries c ON c.id = p.country_id",
                "bm25(people_fts, 10.0, 5.0, 1.0)".to_owned(),
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
                "bm25(organizations_fts, 10.0, 5.0, 1.0)".to_owned(),
            ),
            // A paragraph is titled by its source and links to its anchor in the reader.
            Kind::Paragraph => (
                format!(
                    "'source', s.slug, pa.number, s.text_kind, s.title, {}, s.published",
                    snippet("paragraphs_fts", None, &[(0, 32)])
                ),
                "s.published || printf('%06d', pa.number)",
                "paragraphs_fts JOIN paragraphs pa ON pa.id = paragraphs_fts.rowid
                 JOIN sources s ON s.id = pa.source_id",
                "bm25(paragraphs_fts)".to_owned(),
            ),
        };
        let table = from.split_whitespace().next().unwrap_or_default();
        // The latest `CANDIDATES` (+1, to tell "more") matches, in rowid order, which FTS5 walks
        // without reading the rest, each scored and highlighted in that one pass; the best are
        // then kept. The last word is a prefix, and FTS5 reads a prefix's whole doclist each
        // time the expression is matched, so it is matched once. FTS5's auxiliary functions
        // cannot run in a query with a window function, so the count is a step of its own.
        format!(
            "WITH candidates (link_type, link_slug, anchor, anchor_kind, title, snippet, detail, score, tie) AS MATERIALIZED (
                 SELECT {select}, {rank}, {tie_value} FROM {from} WHERE {table} MATCH ?1
                  ORDER BY {table}.rowid DESC LIMIT ?5)
             SELECT link_type, link_slug, anchor, anchor_kind, title, snippet, detail, COUNT(*) OVER () AS total
               FROM candidates ORDER BY score, tie{direction} LIMIT ?2",
            tie_value = tie.trim_end_matches(" DESC"),
            direction = if tie.ends_with(" DESC") { " DESC" } else { "" },
        )
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
    sqlx::query_as(AssertSqlSafe(kind.sql()))
        .bind(fts)
        .bind(GROUP_LIMIT)
        .bind(MARK_OPEN.to_string())
        .bind(MARK_CLOSE.to_string())
        .bind(CANDIDATES + 1)
        .fetch_all(conn)
        .await
}
