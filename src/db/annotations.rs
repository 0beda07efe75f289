//! Notes and citations, which attach to every kind of record.

use sqlx::{AssertSqlSafe, SqliteConnection};

/// An aggregate over cited paragraphs `p` of sources `s`: each as `kind:number` (`full-text:7`,
/// `summary:2`), joined by commas, so a page can call each a paragraph or a point.
pub const CITED_NUMBERS: &str =
    "group_concat(s.text_kind || ':' || p.number, ',' ORDER BY s.published, s.slug, p.number)";

/// The kinds of record notes and citations attach to.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Source,
    Person,
    Organization,
    Topic,
    Event,
    Agreement,
}

impl Subject {
    fn as_str(self) -> &'static str {
        match self {
            Self::Source => "source",
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Topic => "topic",
            Self::Event => "event",
            Self::Agreement => "agreement",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitedParagraph {
    pub source_slug: String,
    pub source_title: String,
    pub source_published: String,
    pub source_published_end: Option<String>,
    pub source_published_precision: String,
    pub source_published_label: Option<String>,
    /// Whether `number` is a paragraph or a summary point (`TextKind`'s name).
    pub source_text_kind: String,
    pub number: i64,
    pub text: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub kind: String,
    pub text: String,
    pub basis: Option<String>,
    /// The paragraphs and points the note cites, as `kind:number` joined by commas (see
    /// `CITED_NUMBERS`), if any.
    pub paragraphs: Option<String>,
}

/// The paragraphs a record cites, in source and paragraph order.
#[tracing::instrument(skip(conn))]
pub async fn citations(
    conn: &mut SqliteConnection,
    subject: Subject,
    id: i64,
) -> Result<Vec<CitedParagraph>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug AS source_slug, s.title AS source_title, s.published AS source_published,
                s.published_end AS source_published_end,
                s.published_precision AS source_published_precision,
                s.published_label AS source_published_label, s.text_kind AS source_text_kind,
                p.number, p.text
           FROM citations c
           JOIN paragraphs p ON p.id = c.paragraph_id
           JOIN sources s ON s.id = p.source_id
          WHERE c.subject_type = ?1 AND c.subject_id = ?2
          ORDER BY s.published, s.slug, p.number",
    )
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

/// A record's notes in the dataset's order.
#[tracing::instrument(skip(conn))]
pub async fn notes(
    conn: &mut SqliteConnection,
    subject: Subject,
    id: i64,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT n.kind, n.text, n.basis,
                (SELECT {CITED_NUMBERS}
                   FROM citations c JOIN paragraphs p ON p.id = c.paragraph_id
                   JOIN sources s ON s.id = p.source_id
                  WHERE c.subject_type = 'note' AND c.subject_id = n.id) AS paragraphs
           FROM notes n
          WHERE n.subject_type = ?1 AND n.subject_id = ?2
          ORDER BY n.position"
    )))
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

/// A person's or organisation's aliases in the dataset's order.
#[tracing::instrument(skip(conn))]
pub async fn aliases(
    conn: &mut SqliteConnection,
    subject: Subject,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT alias FROM aliases WHERE subject_type = ?1 AND subject_id = ?2 ORDER BY position",
    )
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}
