//! Agreements and commitments, with the follow-up events their status is judged from.

use sqlx::{AssertSqlSafe, SqliteConnection};

use super::Named;

/// The latest `RECORD_AGREEMENTS` agreements matching `condition` (as for `matching`), in date
/// order. They are chosen first and only then read whole: `COLUMNS` reads each one's parties,
/// topics and due windows, which for every match of a topic in a million events cost 30 ms.
async fn latest(
    conn: &mut SqliteConnection,
    condition: &'static str,
    id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let mut rows: Vec<AgreementRow> = sqlx::query_as(AssertSqlSafe(format!(
        "{COLUMNS} WHERE a.id IN (
             SELECT a.id FROM agreements a WHERE {condition} ORDER BY a.date DESC, a.title DESC, a.id DESC LIMIT ?2)
          ORDER BY a.date DESC, a.title DESC, a.id DESC"
    )))
    .bind(id)
    .bind(RECORD_AGREEMENTS)
    .fetch_all(&mut *conn)
    .await?;
    rows.reverse();
    Ok(rows)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub terms: String,
    pub cadence: Option<String>,
    pub due_start: Option<String>,
    pub due_end: Option<String>,
    pub due_label: Option<String>,
    pub due_precision: Option<String>,
    pub event_slug: Option<String>,
    pub event_title: Option<String>,
    pub event_date_label: Option<String>,
    /// The days the agreement may have been reached on (its event's date range).
    pub event_date_start: Option<String>,
    pub event_date_end: Option<String>,
    /// When the curators last looked for a follow-up and found none (`YYYY-MM-DD`), and what
    /// they looked for.
    pub searched_on: Option<String>,
    pub searched_for: Option<String>,
    /// Why the status follows its due date rather than another window a source gives.
    pub due_reason: Option<String>,
    /// JSON array of `DueWindow`s: empty when the sources agree on one window.
    pub due_windows: String,
    /// JSON array of `{slug, name, kind}` where kind is `organization` or `country`.
    pub parties: String,
    /// JSON array of `{slug, name}`.
    pub topics: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Party {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

/// A window a source gives for when an agreement falls due. The first is the agreement's own
/// due date, which its status follows.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DueWindow {
    pub position: i64,
    pub start: String,
    pub end: String,
    pub precision: String,
    pub label: String,
    /// The source's own words, where they differ from the label.
    pub phrase: Option<String>,
    pub sources: Vec<WindowSource>,
}

/// A source that gives a due window, with the paragraphs or points cited for it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct WindowSource {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    /// `full-text` or `summary`.
    pub kind: String,
    pub numbers: Vec<i64>,
}

impl WindowSource {
    /// "point 1" or "¶ 35, ¶ 36".
    pub fn cited(&self) -> String {
        let kind = crate::domain::TextKind::from_stored(&self.kind);
        let labels: Vec<String> = self.numbers.iter().map(|n| kind.cite_label(*n)).collect();
        labels.join(", ")
    }
}

/// A due window with the status the agreement would have by it.
#[derive(Debug, Clone)]
pub struct JudgedWindow {
    pub window: DueWindow,
    /// The status follows this window (the agreement's own due date).
    pub followed: bool,
    pub status: crate::domain::CommitmentStatus,
}

impl JudgedWindow {
    pub fn status_key(&self) -> &'static str {
        self.status.as_str()
    }
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

impl AgreementRow {
    /// Each due window the sources give, judged by the same rules from the same follow-ups
    /// as of `day`: what the status is by the window it follows, and would be by the others.
    /// Empty when the sources agree on one window.
    pub fn judged_windows(
        &self,
        followups: &[crate::domain::commitment::FollowUp],
        day: time::Date,
    ) -> Vec<JudgedWindow> {
        use crate::domain::date::parse_day;
        let windows: Vec<DueWindow> = serde_json::from_str(&self.due_windows).unwrap_or_default();
        let settled = crate::domain::commitment::settled_by(followups);
        windows
            .into_iter()
            .filter_map(|window| {
                let range = (parse_day(&window.start).ok()?, parse_day(&window.end).ok()?);
                Some(JudgedWindow {
                    followed: window.position == 0,
                    status: crate::domain::commitment::judge_settled(settled, Some(range), day),
                    window,
                })
            })
            .collect()
    }
    pub fn parties(&self) -> Vec<Party> {
        serde_json::from_str(&self.parties).unwrap_or_default()
    }
    pub fn topics(&self) -> Vec<Named> {
        serde_json::from_str(&self.topics).unwrap_or_default()
    }
}

const COLUMNS: &str = "SELECT a.id, a.slug, a.title, a.kind, a.terms, a.cadence, a.due_start, a.due_end, a.due_label, a.due_precision,
        e.slug AS event_slug, e.title AS event_title, e.date_label AS event_date_label,
        e.date_start AS event_date_start, e.date_end AS event_date_end, a.searched_on, a.searched_for,
        a.due_reason,
        (SELECT json_group_array(json_object(
                  'position', w.position, 'start', w.date_start, 'end', w.date_end,
                  'precision', w.date_precision, 'label', w.date_label, 'phrase', w.date_phrase,
                  'sources', json(coalesce(
                    (SELECT json_group_array(json_object('slug', s.slug, 'title', s.title,
                                                         'publisher', s.publisher, 'kind', s.text_kind,
                                                         'numbers', json(g.numbers))
                                             ORDER BY s.published, s.slug)
                       FROM (SELECT p.source_id, json_group_array(p.number ORDER BY p.number) AS numbers
                               FROM agreement_due_window_citations wc JOIN paragraphs p ON p.id = wc.paragraph_id
                              WHERE wc.window_id = w.id GROUP BY p.source_id) g
                       JOIN sources s ON s.id = g.source_id), '[]')))
                 ORDER BY w.position)
           FROM agreement_due_windows w WHERE w.agreement_id = a.id) AS due_windows,
        (SELECT json_group_array(json_object('slug', coalesce(o.slug, c.slug), 'name', coalesce(o.name, c.name),
                                             'kind', CASE WHEN o.id IS NULL THEN 'country' ELSE 'organization' END)
                                 ORDER BY ap.position)
           FROM agreement_parties ap
           LEFT JOIN organizations o ON o.id = ap.organization_id LEFT JOIN countries c ON c.id = ap.country_id
          WHERE ap.agreement_id = a.id) AS parties,
        (SELECT json_group_array(json_object('slug', t.slug, 'name', t.name) ORDER BY t.name)
           FROM agreement_topics at JOIN topics t ON t.id = at.topic_id WHERE at.agreement_id = a.id) AS topics
   FROM agreements a LEFT JOIN events e ON e.id = a.event_id";

const ORDER: &str = " ORDER BY coalesce(e.date_start, a.due_start), a.title";

/// Every agreement, in the order they were agreed.
#[tracing::instrument(skip(conn))]
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<AgreementRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!("{COLUMNS}{ORDER}")))
        .fetch_all(&mut *conn)
        .await
}

/// The agreements with these ids, in no particular order (a page chosen elsewhere).
#[tracing::instrument(skip(conn))]
pub async fn by_ids(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = sqlx::QueryBuilder::new(COLUMNS);
    qb.push(" WHERE a.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    qb.build_query_as().fetch_all(conn).await
}

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<AgreementRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!("{COLUMNS} WHERE a.slug = ?1")))
        .bind(slug)
        .fetch_optional(conn)
        .await
}

/// The agreements reached at an event.
#[tracing::instrument(skip(conn))]
pub async fn reached_at(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    matching(&mut *conn, "a.event_id = ?1", event_id).await
}

/// The agreements an event follows up.
#[tracing::instrument(skip(conn))]
pub async fn followed_up_by(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    matching(
        &mut *conn,
        "a.id IN (SELECT agreement_id FROM agreement_followups WHERE event_id = ?1)",
        event_id,
    )
    .await
}

/// The most agreements a record's page (an official, topic or organisation) lists: the latest.
pub const RECORD_AGREEMENTS: i64 = 20;

/// The latest `RECORD_AGREEMENTS` agreements about a topic, in date order.
#[tracing::instrument(skip(conn))]
pub async fn on_topic(
    conn: &mut SqliteConnection,
    topic_id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    walked_or_listed(
        &mut *conn,
        "EXISTS (SELECT 1 FROM agreement_topics x WHERE x.agreement_id = a.id AND x.topic_id = ?1)",
        "a.id IN (SELECT agreement_id FROM agreement_topics WHERE topic_id = ?1)",
        topic_id,
    )
    .await
}

/// The latest `RECORD_AGREEMENTS` agreements an organisation is a party to, in date order.
#[tracing::instrument(skip(conn))]
pub async fn of_organization(
    conn: &mut SqliteConnection,
    organization_id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    walked_or_listed(
        &mut *conn,
        "EXISTS (SELECT 1 FROM agreement_parties x WHERE x.agreement_id = a.id AND x.organization_id = ?1)",
        "a.id IN (SELECT agreement_id FROM agreement_parties WHERE organization_id = ?1)",
        organization_id,
    )
    .await
}

/// How many of the latest agreements a record's page walks at most, probing each for the
/// record, before it lists the record's agreements instead: a record in one agreement in a
/// hundred has its latest `RECORD_AGREEMENTS` among the latest 2,000 (the busiest official, in
/// one in seventeen, among the latest 350 or so: 0.3 ms at a million events; a topic in a
/// quarter of them, among the latest hundred).
const RECORD_WALK: i64 = 2000;

/// The latest `RECORD_AGREEMENTS` agreements reached at events a person took part in, in date
/// order.
#[tracing::instrument(skip(conn))]
pub async fn of_person(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    walked_or_listed(
        &mut *conn,
        "EXISTS (SELECT 1 FROM event_people ep WHERE ep.event_id = a.event_id AND ep.person_id = ?1)",
        "a.event_id IN (SELECT event_id FROM event_people WHERE person_id = ?1)",
        person_id,
    )
    .await
}

/// The latest `RECORD_AGREEMENTS` agreements of a record, in date order, by whichever read
/// is short for it. A record in many agreements is found by walking the latest
/// `RECORD_WALK` agreements (`agreements_date`) and testing each with `probe`; one in few,
/// whose latest agreements that walk does not reach, by listing its agreements (`listed`),
/// which are then few, and sorting them. Listing a busy record's instead would read and sort
/// thousands of rows (a topic in 7,000 agreements: 5 ms), and walking a rare one's would read
/// every agreement. Both fragments are fixed SQL from the functions above, binding `?1`.
async fn walked_or_listed(
    conn: &mut SqliteConnection,
    probe: &'static str,
    listed: &'static str,
    id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let mut rows: Vec<AgreementRow> = sqlx::query_as(AssertSqlSafe(format!(
        "{COLUMNS} WHERE a.date >= coalesce(
               (SELECT date FROM agreements ORDER BY date DESC, title DESC LIMIT 1 OFFSET ?3 - 1), '')
            AND {probe}
          ORDER BY a.date DESC, a.title DESC, a.id DESC LIMIT ?2"
    )))
    .bind(id)
    .bind(RECORD_AGREEMENTS)
    .bind(RECORD_WALK)
    .fetch_all(&mut *conn)
    .await?;
    if rows.len() < usize::try_from(RECORD_AGREEMENTS).unwrap_or(usize::MAX) {
        return latest(&mut *conn, listed, id).await;
    }
    rows.reverse();
    Ok(rows)
}

/// Sets each agreement's list date, the day its event started or else the day it falls due,
/// where it differs: run by the import and `generate` after the events and agreements are
/// written, in their transaction (migration 0014 filled older databases the same way).
pub async fn date_agreements(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agreements SET date = coalesce((SELECT date_start FROM events WHERE id = agreements.event_id), due_start)
          WHERE date IS NOT coalesce((SELECT date_start FROM events WHERE id = agreements.event_id), due_start)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Agreements matching `condition`, a fixed SQL fragment from the functions above binding `?1`.
async fn matching(
    conn: &mut SqliteConnection,
    condition: &'static str,
    id: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!("{COLUMNS} WHERE {condition}{ORDER}")))
        .bind(id)
        .fetch_all(&mut *conn)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowUpRow {
    pub agreement_id: i64,
    pub event_slug: String,
    pub event_title: String,
    pub event_date_label: String,
    pub event_date_start: String,
    pub event_date_end: String,
    pub effect: String,
    pub note: Option<String>,
    /// The sources the follow-up event cites, its evidence: a JSON array of `{slug, title,
    /// publisher}`, oldest first.
    pub evidence: String,
}

/// Every follow-up of the given agreements, in date order.
#[tracing::instrument(skip(conn))]
pub async fn followups(
    conn: &mut SqliteConnection,
    agreement_ids: &[i64],
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    if agreement_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = sqlx::QueryBuilder::new(
        "SELECT f.agreement_id, e.slug AS event_slug, e.title AS event_title, e.date_label AS event_date_label,
                e.date_start AS event_date_start, e.date_end AS event_date_end, f.effect, f.note,
                (SELECT json_group_array(json_object('slug', slug, 'title', title, 'publisher', publisher))
                   FROM (SELECT DISTINCT s.slug, s.title, s.publisher, s.published
                           FROM citations c JOIN paragraphs p ON p.id = c.paragraph_id
                           JOIN sources s ON s.id = p.source_id
                          WHERE c.subject_type = 'event' AND c.subject_id = e.id
                          ORDER BY s.published, s.slug)) AS evidence
           FROM agreement_followups f JOIN events e ON e.id = f.event_id
          WHERE f.agreement_id IN (",
    );
    let mut ids = qb.separated(", ");
    for id in agreement_ids {
        ids.push_bind(*id);
    }
    qb.push(") ORDER BY e.date_start, e.date_end, e.slug");
    qb.build_query_as().fetch_all(&mut *conn).await
}

/// The people who took part in the event where an agreement was reached.
#[tracing::instrument(skip(conn))]
pub async fn negotiators(
    conn: &mut SqliteConnection,
    agreement_id: i64,
) -> Result<Vec<Named>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name FROM agreements a
           JOIN event_people ep ON ep.event_id = a.event_id JOIN people p ON p.id = ep.person_id
          WHERE a.id = ?1 ORDER BY ep.position",
    )
    .bind(agreement_id)
    .fetch_all(conn)
    .await
}

/// Whether an organisation or a country has this slug.
#[tracing::instrument(skip(conn))]
pub async fn party_exists(conn: &mut SqliteConnection, slug: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM organizations WHERE slug = ?1 UNION ALL SELECT 1 FROM countries WHERE slug = ?1 LIMIT 1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Opens each statement that reads every agreement. Only the agreement index runs them, once per
/// data revision (`catalog::agreement_index`); tests/query_plans.rs tells them apart by this mark.
pub const ONCE_PER_REVISION: &str = "/* once per data revision */";

/// What the status and the list's filters need of one agreement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgreementFacts {
    pub id: i64,
    pub slug: String,
    /// The first day it may have been reached on, else the first day it falls due: the list's
    /// order.
    pub list_date: Option<String>,
    pub due_start: Option<String>,
    pub due_end: Option<String>,
}

/// One party of one agreement: an organisation or a country.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartyLink {
    pub agreement_id: i64,
    pub organization_id: Option<i64>,
    pub country_id: Option<i64>,
}

/// One topic of one agreement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicLink {
    pub agreement_id: i64,
    pub topic_id: i64,
}

/// A record a filter names, by id.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Vocable {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// One follow-up as the status rules need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowUpFact {
    pub agreement_id: i64,
    pub effect: String,
    pub event_date_start: String,
    pub event_date_end: String,
}

/// Every agreement's facts, as of one revision. Each list is in the order of agreement ids.
#[derive(Debug, Clone, Default)]
pub struct EveryFact {
    pub revision: i64,
    pub agreements: Vec<AgreementFacts>,
    /// Each agreement's in its order of parties.
    pub parties: Vec<PartyLink>,
    pub topics: Vec<TopicLink>,
    /// Each agreement's in date order, as `followups` lists them.
    pub followups: Vec<FollowUpFact>,
    pub organizations: Vec<Vocable>,
    pub countries: Vec<Vocable>,
    pub topic_names: Vec<Vocable>,
}

/// Every agreement's facts, parties, topics and follow-ups. Run inside a transaction, they agree
/// with each other and with the revision returned.
#[tracing::instrument(skip(conn))]
pub async fn every_fact(conn: &mut SqliteConnection) -> Result<EveryFact, sqlx::Error> {
    let mark = ONCE_PER_REVISION;
    let revision: i64 = sqlx::query_scalar("SELECT coalesce(MAX(id), 0) FROM revisions")
        .fetch_one(&mut *conn)
        .await?;
    let agreements = sqlx::query_as(AssertSqlSafe(format!(
        "{mark} SELECT a.id, a.slug, coalesce(e.date_start, a.due_start) AS list_date, a.due_start, a.due_end
           FROM agreements a LEFT JOIN events e ON e.id = a.event_id ORDER BY a.id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let parties = sqlx::query_as(AssertSqlSafe(format!(
        "{mark} SELECT agreement_id, organization_id, country_id FROM agreement_parties
          ORDER BY agreement_id, position"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let topics = sqlx::query_as(AssertSqlSafe(format!(
        "{mark} SELECT agreement_id, topic_id FROM agreement_topics ORDER BY agreement_id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    // In the order `followups` gives them, so that the latest is chosen the same way.
    let followups = sqlx::query_as(AssertSqlSafe(format!(
        "{mark} SELECT f.agreement_id, f.effect, e.date_start AS event_date_start,
                e.date_end AS event_date_end
           FROM agreement_followups f JOIN events e ON e.id = f.event_id
          ORDER BY f.agreement_id, e.date_start, e.date_end, e.slug"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let vocabulary = |table: &str| format!("{mark} SELECT id, slug, name FROM {table}");
    Ok(EveryFact {
        revision,
        agreements,
        parties,
        topics,
        followups,
        organizations: sqlx::query_as(AssertSqlSafe(vocabulary("organizations")))
            .fetch_all(&mut *conn)
            .await?,
        countries: sqlx::query_as(AssertSqlSafe(vocabulary("countries")))
            .fetch_all(&mut *conn)
            .await?,
        topic_names: sqlx::query_as(AssertSqlSafe(vocabulary("topics")))
            .fetch_all(&mut *conn)
            .await?,
    })
}
