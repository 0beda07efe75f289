//! Notes and citations, which attach to every kind of record.

use sqlx::SqlitePool;

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
    pub number: i64,
    pub text: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub kind: String,
    pub text: String,
    pub basis: Option<String>,
    /// The paragraph numbers the note cites, comma-separated, if any.
    pub paragraphs: Option<String>,
}

/// The paragraphs a record cites, in source and paragraph order.
#[tracing::instrument(skip(pool))]
pub async fn citations(
    pool: &SqlitePool,
    subject: Subject,
    id: i64,
) -> Result<Vec<CitedParagraph>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug AS source_slug, s.title AS source_title, s.published AS source_published, p.number, p.text
           FROM citations c
           JOIN paragraphs p ON p.id = c.paragraph_id
           JOIN sources s ON s.id = p.source_id
          WHERE c.subject_type = ?1 AND c.subject_id = ?2
          ORDER BY s.published, s.slug, p.number",
    )
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(pool)
    .await
}

/// A record's notes in the dataset's order.
#[tracing::instrument(skip(pool))]
pub async fn notes(
    pool: &SqlitePool,
    subject: Subject,
    id: i64,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.kind, n.text, n.basis,
                (SELECT group_concat(p.number, ', ' ORDER BY p.number)
                   FROM citations c JOIN paragraphs p ON p.id = c.paragraph_id
                  WHERE c.subject_type = 'note' AND c.subject_id = n.id) AS paragraphs
           FROM notes n
          WHERE n.subject_type = ?1 AND n.subject_id = ?2
          ORDER BY n.position",
    )
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(pool)
    .await
}

/// A person's or organisation's aliases in the dataset's order.
#[tracing::instrument(skip(pool))]
pub async fn aliases(
    pool: &SqlitePool,
    subject: Subject,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT alias FROM aliases WHERE subject_type = ?1 AND subject_id = ?2 ORDER BY position",
    )
    .bind(subject.as_str())
    .bind(id)
    .fetch_all(pool)
    .await
}
