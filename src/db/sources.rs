//! Sources: one source's text, and which records cite each of its paragraphs.

use sqlx::{AssertSqlSafe, SqliteConnection};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    /// The first day the publication date may denote (`YYYY-MM-DD`).
    pub published: String,
    pub published_end: Option<String>,
    pub published_precision: String,
    /// "29 August 2023", "August 2023"; `None` for a source stored before labels were.
    pub published_label: Option<String>,
    pub url: Option<String>,
    /// A `SourceVoice` name.
    pub voice: String,
    /// A BCP 47 tag.
    pub language: String,
    /// A `TextKind` name: whether the numbered texts are paragraphs or summary points.
    pub text_kind: String,
}

/// The columns of `SourceRow`, from `sources s`.
pub const SOURCE_COLUMNS: &str = "s.id, s.slug, s.title, s.publisher, s.published, s.published_end,
        s.published_precision, s.published_label, s.url, s.voice, s.language, s.text_kind";

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<SourceRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.slug = ?1"
    )))
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceSummary {
    #[sqlx(flatten)]
    pub source: SourceRow,
    /// How many numbered texts (paragraphs or points) it has, and how many of them are cited.
    pub paragraphs: i64,
    pub cited: i64,
}

/// Every source with how many of its paragraphs (or points) the dataset cites, latest first.
#[tracing::instrument(skip(conn))]
pub async fn summaries(conn: &mut SqliteConnection) -> Result<Vec<SourceSummary>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {SOURCE_COLUMNS},
                (SELECT COUNT(*) FROM paragraphs WHERE source_id = s.id) AS paragraphs,
                (SELECT COUNT(DISTINCT c.paragraph_id) FROM citations c
                   JOIN paragraphs p ON p.id = c.paragraph_id WHERE p.source_id = s.id) AS cited
           FROM sources s ORDER BY s.published DESC, s.slug"
    )))
    .fetch_all(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParagraphRow {
    pub number: i64,
    pub text: String,
}

/// A source's paragraphs in order.
#[tracing::instrument(skip(conn))]
pub async fn paragraphs(
    conn: &mut SqliteConnection,
    source_id: i64,
) -> Result<Vec<ParagraphRow>, sqlx::Error> {
    sqlx::query_as("SELECT number, text FROM paragraphs WHERE source_id = ?1 ORDER BY number")
        .bind(source_id)
        .fetch_all(&mut *conn)
        .await
}

/// One record citing one paragraph. `link_type`/`link_slug` name the page to link to, which
/// is not always the record's own: a quote links to its event (or its speaker), a note to the
/// record it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitingRow {
    pub number: i64,
    /// event, quote, agreement, person, organization, topic or note
    pub kind: String,
    pub label: String,
    /// For a quote, its speaker; for a note, its kind and what it belongs to.
    pub detail: Option<String>,
    pub link_type: Option<String>,
    pub link_slug: Option<String>,
}

/// Every record citing any paragraph of a source, in one query: the citations of the source's
/// paragraphs, joined to each kind of record they may point at (the pair
/// `subject_type`/`subject_id` is polymorphic, so each kind is a LEFT JOIN guarded by its type).
#[tracing::instrument(skip(conn))]
pub async fn citing_records(
    conn: &mut SqliteConnection,
    source_id: i64,
) -> Result<Vec<CitingRow>, sqlx::Error> {
    sqlx::query_as(
        "WITH cited AS (
             SELECT p.number, c.subject_type, c.subject_id
               FROM paragraphs p JOIN citations c ON c.paragraph_id = p.id
              WHERE p.source_id = ?1),
         -- What a note belongs to, as (type, slug, label) of the page to link to.
         note_owner AS (
             SELECT n.id, n.kind,
                    n.subject_type AS owner_type,
                    CASE n.subject_type
                      WHEN 'event' THEN ne.slug WHEN 'person' THEN np.slug
                      WHEN 'organization' THEN no.slug WHEN 'topic' THEN nt.slug
                      WHEN 'agreement' THEN na.slug WHEN 'source' THEN ns.slug
                      WHEN 'quote' THEN coalesce(nqe.slug, nqp.slug) END AS owner_slug,
                    CASE n.subject_type
                      WHEN 'event' THEN ne.title WHEN 'person' THEN np.name
                      WHEN 'organization' THEN no.name WHEN 'topic' THEN nt.name
                      WHEN 'agreement' THEN na.title WHEN 'source' THEN ns.title
                      WHEN 'quote' THEN 'a quote of ' || nqp.name END AS owner_label,
                    CASE WHEN n.subject_type = 'quote'
                         THEN CASE WHEN nqe.slug IS NULL THEN 'person' ELSE 'event' END
                         ELSE n.subject_type END AS link_type
               FROM notes n
               LEFT JOIN events ne ON n.subject_type = 'event' AND ne.id = n.subject_id
               LEFT JOIN people np ON n.subject_type = 'person' AND np.id = n.subject_id
               LEFT JOIN organizations no ON n.subject_type = 'organization' AND no.id = n.subject_id
               LEFT JOIN topics nt ON n.subject_type = 'topic' AND nt.id = n.subject_id
               LEFT JOIN agreements na ON n.subject_type = 'agreement' AND na.id = n.subject_id
               LEFT JOIN sources ns ON n.subject_type = 'source' AND ns.id = n.subject_id
               LEFT JOIN quotes nq ON n.subject_type = 'quote' AND nq.id = n.subject_id
               LEFT JOIN events nqe ON nqe.id = nq.event_id
               LEFT JOIN people nqp ON nqp.id = nq.person_id
              WHERE n.id IN (SELECT subject_id FROM cited WHERE subject_type = 'note'))
         SELECT c.number, c.subject_type AS kind,
                coalesce(e.title, q.text, a.title, pe.name, o.name, t.name, n.owner_label) AS label,
                CASE c.subject_type
                  WHEN 'quote' THEN qp.name
                  WHEN 'note' THEN n.kind || ':' || n.owner_type END AS detail,
                CASE c.subject_type
                  WHEN 'quote' THEN CASE WHEN qe.slug IS NULL THEN 'person' ELSE 'event' END
                  WHEN 'note' THEN n.link_type
                  ELSE c.subject_type END AS link_type,
                coalesce(e.slug, qe.slug, qp.slug, a.slug, pe.slug, o.slug, t.slug, n.owner_slug) AS link_slug
           FROM cited c
           LEFT JOIN events e ON c.subject_type = 'event' AND e.id = c.subject_id
           LEFT JOIN quotes q ON c.subject_type = 'quote' AND q.id = c.subject_id
           LEFT JOIN events qe ON qe.id = q.event_id
           LEFT JOIN people qp ON qp.id = q.person_id
           LEFT JOIN agreements a ON c.subject_type = 'agreement' AND a.id = c.subject_id
           LEFT JOIN people pe ON c.subject_type = 'person' AND pe.id = c.subject_id
           LEFT JOIN organizations o ON c.subject_type = 'organization' AND o.id = c.subject_id
           LEFT JOIN topics t ON c.subject_type = 'topic' AND t.id = c.subject_id
           LEFT JOIN note_owner n ON c.subject_type = 'note' AND n.id = c.subject_id
          ORDER BY c.number, label",
    )
    .bind(source_id)
    .fetch_all(&mut *conn)
    .await
}
