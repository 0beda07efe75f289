//! A synthetic archive for benchmarks: hundreds of people with dated roles, dozens of topics and
//! organisations, and any number of events spread over five decades, with participants, topics,
//! quotes, agreements, follow-ups, citations and the full-text indexes. Deterministic for a seed,
//! and written only into an empty database, so it is never mixed with the curated record.
//!
//! The loader writes batched multi-row INSERTs in large transactions with the secondary indexes
//! dropped, then rebuilds the indexes, the full-text indexes and the planner's statistics.

use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, Row, SqliteConnection, SqlitePool};

use super::search_index;
use crate::domain::date::iso;
use crate::domain::{EventClass, EventKind, FuzzyDate};
use crate::progress::Progress;

/// The largest archive `generate` writes.
pub const MAX_EVENTS: u64 = 10_000_000;

const PARAGRAPHS_PER_SOURCE: i64 = 20;
const EVENTS_PER_SOURCE: u64 = 100;
const PEOPLE: usize = 400;
/// Events per transaction: large enough to amortise the commit, small enough to keep the WAL
/// from growing to the size of the database.
const EVENTS_PER_TRANSACTION: u64 = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(
        "the database already holds data: `generate` writes only into a new, empty database (choose another --database-url)"
    )]
    NotEmpty,
    #[error("--events must be from 1 to {MAX_EVENTS}, got {0}")]
    Events(u64),
    #[error("the synthetic archive has a row in {0} whose foreign key points nowhere")]
    BrokenKey(String),
    #[error("the database refused the synthetic archive: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot index the synthetic archive: {0}")]
    Index(#[from] crate::db::index::BuildError),
}

/// What was written, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateReport {
    pub events: u64,
    pub people: usize,
    pub organizations: usize,
    pub topics: usize,
    pub sources: u64,
    pub quotes: u64,
    pub agreements: u64,
    /// A fingerprint of every value written: equal for equal seeds and sizes.
    pub digest: String,
    pub load_time: Duration,
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose whole state is one
/// `u64`, so a seed fixes every value. Not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index in `0..n` skewed towards 0, so a few records are far busier than the rest.
    pub fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powf(1.6) * n as f64) as usize).min(n - 1)
    }

    /// A value picked with the given weights.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(u64::from(total)) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}

/// A value to bind.
enum Val {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        v.map_or(Val::Null, Val::Text)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Val::Null, Val::Int)
    }
}

/// SQLite binds at most 32766 parameters per statement; batches stay well below that.
const MAX_BATCH_PARAMS: usize = 8000;

/// Rows for one table, written as multi-row INSERTs. Every full batch has the same SQL, so the
/// connection's statement cache prepares it once.
struct Batch {
    table: &'static str,
    columns: Vec<&'static str>,
    rows_per_insert: usize,
    full_sql: String,
    values: Vec<Val>,
}

impl Batch {
    /// `table` and `columns` are fixed names from this module, never input.
    fn new(table: &'static str, columns: &[&'static str]) -> Self {
        let rows_per_insert = MAX_BATCH_PARAMS / columns.len();
        Self {
            table,
            columns: columns.to_vec(),
            rows_per_insert,
            full_sql: insert_sql(table, columns, rows_per_insert),
            values: Vec::with_capacity(rows_per_insert * columns.len()),
        }
    }

    async fn push(
        &mut self,
        conn: &mut SqliteConnection,
        digest: &mut Fnv,
        row: Vec<Val>,
    ) -> Result<(), sqlx::Error> {
        debug_assert_eq!(row.len(), self.columns.len());
        for v in &row {
            digest.value(v);
        }
        self.values.extend(row);
        if self.values.len() == self.rows_per_insert * self.columns.len() {
            self.flush(conn).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        if self.values.is_empty() {
            return Ok(());
        }
        let rows = self.values.len() / self.columns.len();
        let sql = if rows == self.rows_per_insert {
            self.full_sql.clone()
        } else {
            insert_sql(self.table, &self.columns, rows)
        };
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for v in self.values.drain(..) {
            query = match v {
                Val::Int(i) => query.bind(i),
                Val::Text(s) => query.bind(s),
                Val::Null => query.bind(None::<i64>),
            };
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }
}

fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![one; rows].join(", ")
    )
}

/// FNV-1a over every value written.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn value(&mut self, v: &Val) {
        match v {
            Val::Int(i) => self.bytes(&i.to_le_bytes()),
            Val::Text(s) => self.bytes(s.as_bytes()),
            Val::Null => self.bytes(&[0xff]),
        }
        self.bytes(&[0]);
    }
}

const COUNTRIES: &[(&str, &str)] = &[
    ("united-states", "United States"),
    ("china", "China"),
    ("japan", "Japan"),
    ("european-union", "European Union"),
    ("mexico", "Mexico"),
    ("canada", "Canada"),
];
/// Most events are between the first two countries; the others join a few.
const COUNTRY_WEIGHTS: &[(usize, u32)] = &[(0, 40), (1, 40), (2, 6), (3, 6), (4, 4), (5, 4)];

const BODIES: &[(&str, &str)] = &[
    ("Ministry of Commerce", "ministry"),
    ("Foreign Ministry", "ministry"),
    ("Trade Representative Office", "agency"),
    ("Customs Administration", "agency"),
    ("Central Bank", "agency"),
    ("Legislature", "legislature"),
    ("Chamber of Commerce", "other"),
    ("Embassy", "embassy"),
];

const TOPICS: &[&str] = &[
    "Export controls",
    "Tariffs",
    "Semiconductors",
    "Rare earths",
    "Agriculture",
    "Soybeans",
    "Energy",
    "Climate",
    "Fentanyl",
    "Intellectual property",
    "Investment screening",
    "Currency",
    "Steel",
    "Aluminium",
    "Shipping",
    "Aviation",
    "Telecommunications",
    "Artificial intelligence",
    "Electric vehicles",
    "Solar panels",
    "Batteries",
    "Critical minerals",
    "Data security",
    "Financial services",
    "Market access",
    "Subsidies",
    "Sanctions",
    "Student visas",
    "Tourism",
    "Pharmaceuticals",
    "Public health",
    "Fisheries",
    "Cotton",
    "Forced labour",
    "Cybersecurity",
    "Space",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Elena", "Frank", "Grace", "Henry", "Irene", "James", "Karen",
    "Louis", "Maria", "Nathan", "Olivia", "Peter", "Rachel", "Samuel", "Tara", "Victor",
];
const LAST_NAMES: &[&str] = &[
    "Adams", "Baker", "Carter", "Dalton", "Ellis", "Fisher", "Garcia", "Hughes", "Irving",
    "Jensen", "Keller", "Lopez", "Morgan", "Nolan", "Owens", "Parker", "Quinn", "Reyes", "Sato",
    "Turner",
];
const CHINESE_GIVEN: &[(&str, &str)] = &[
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yan", "燕"),
    ("Qiang", "强"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Tao", "涛"),
    ("Hua", "华"),
];
const CHINESE_FAMILY: &[(&str, &str)] = &[
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Zhao", "赵"),
    ("Huang", "黄"),
    ("Zhou", "周"),
    ("He", "何"),
];
const TITLES: &[&str] = &[
    "Minister",
    "Vice Minister",
    "Secretary",
    "Deputy Secretary",
    "Ambassador",
    "Trade Representative",
    "Director",
    "Envoy",
];
const PLACES: &[&str] = &[
    "Washington",
    "Beijing",
    "Shanghai",
    "New York",
    "Geneva",
    "Tokyo",
    "Brussels",
    "Mexico City",
    "Ottawa",
    "San Francisco",
    "Guangzhou",
    "Bali",
    "Davos",
    "Hong Kong",
];
const VERBS: &[&str] = &[
    "discussed",
    "reviewed",
    "raised concerns about",
    "agreed to study",
    "pressed for progress on",
    "announced measures on",
    "defended the policy on",
    "called for dialogue on",
];
const QUALIFIERS: &[&str] = &[
    "bilateral",
    "new",
    "long-standing",
    "proposed",
    "disputed",
    "regional",
    "joint",
    "temporary",
];
const NOUNS: &[&str] = &[
    "rules",
    "quotas",
    "licences",
    "inspections",
    "purchases",
    "restrictions",
    "investments",
    "standards",
    "exemptions",
    "talks",
];

const KINDS: &[(EventKind, u32)] = &[
    (EventKind::Meeting, 30),
    (EventKind::Visit, 10),
    (EventKind::Talks, 10),
    (EventKind::Agreement, 6),
    (EventKind::Announcement, 12),
    (EventKind::Request, 5),
    (EventKind::Refusal, 3),
    (EventKind::Policy, 10),
    (EventKind::Enforcement, 6),
    (EventKind::Statement, 8),
];

fn class_of(kind: EventKind) -> EventClass {
    match kind {
        EventKind::Meeting | EventKind::Visit | EventKind::Talks | EventKind::Request => {
            EventClass::VerbalCooperation
        }
        EventKind::Agreement => EventClass::MaterialCooperation,
        EventKind::Refusal | EventKind::Statement | EventKind::Announcement => {
            EventClass::VerbalConflict
        }
        EventKind::Policy | EventKind::Enforcement => EventClass::MaterialConflict,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum DatePrecision {
    Day,
    Month,
    Season,
    Year,
}

const PRECISIONS: &[(DatePrecision, u32)] = &[
    (DatePrecision::Day, 75),
    (DatePrecision::Month, 15),
    (DatePrecision::Season, 5),
    (DatePrecision::Year, 5),
];

fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn sentence(rng: &mut SplitMix64, subject: &str, topic: &str) -> String {
    format!(
        "{subject} {} {} {} on {}.",
        rng.pick(VERBS),
        rng.pick(QUALIFIERS),
        rng.pick(NOUNS),
        topic.to_lowercase()
    )
}

struct Person {
    id: i64,
    name: String,
    last: String,
    country: usize,
}

/// The archive's first and last day: five decades.
const FIRST_YEAR: i32 = 1976;
const YEARS: i32 = 50;

/// Writes a synthetic archive of `events` events into the empty, migrated database `pool`.
pub async fn generate(
    pool: &SqlitePool,
    events: u64,
    seed: u64,
) -> Result<GenerateReport, GenerateError> {
    generate_with_progress(pool, events, seed, &Progress::hidden()).await
}

/// `generate`, showing its stages on `progress`: the events written, then the indexes built.
#[tracing::instrument(skip(pool, progress))]
pub async fn generate_with_progress(
    pool: &SqlitePool,
    events: u64,
    seed: u64,
    progress: &Progress,
) -> Result<GenerateReport, GenerateError> {
    if events == 0 || events > MAX_EVENTS {
        return Err(GenerateError::Events(events));
    }
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    let holds_data: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM people)
             OR EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM revisions)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if holds_data {
        return Err(GenerateError::NotEmpty);
    }
    // A crash mid-load leaves a database to delete, not a record to protect: trade durability
    // for speed, and keep the working set in memory.
    // Batches of different tables fill at different rates, so a child row may be written before
    // its parent: the keys are checked once, after the load, instead.
    for pragma in [
        "PRAGMA foreign_keys = OFF",
        "PRAGMA synchronous = OFF",
        "PRAGMA cache_size = -262144",
        "PRAGMA temp_store = MEMORY",
    ] {
        sqlx::query(pragma).execute(&mut *conn).await?;
    }
    // Secondary indexes are built once after the load rather than updated row by row.
    let indexes: Vec<(String, String)> = sqlx::query(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| Ok((row.try_get("name")?, row.try_get("sql")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (name, _) in &indexes {
        let quoted = name.replace('"', "\"\"");
        sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{quoted}\"")))
            .execute(&mut *conn)
            .await?;
    }

    let mut loader = Loader::new(seed);
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    loader.reference_data(&mut conn, events).await?;
    progress.stage("generate: writing", "events", events);
    for i in 0..events {
        loader.event(&mut conn, i, events).await?;
        progress.add(1);
        if (i + 1) % EVENTS_PER_TRANSACTION == 0 {
            loader.flush(&mut conn).await?;
            sqlx::query("COMMIT").execute(&mut *conn).await?;
            sqlx::query("BEGIN").execute(&mut *conn).await?;
        }
    }
    loader.flush(&mut conn).await?;
    crate::db::people::date_quotes(&mut conn).await?;
    crate::db::agreements::date_agreements(&mut conn).await?;
    let digest = format!("{:016x}", loader.digest.0);
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO revisions (imported_at, changed_at, files, digest) VALUES (?1, ?1, ?2, ?3)",
    )
    .bind(now)
    .bind(format!("synthetic archive: {events} events, seed {seed}"))
    .bind(&digest)
    .execute(&mut *conn)
    .await?;
    sqlx::query("COMMIT").execute(&mut *conn).await?;

    sqlx::query("BEGIN").execute(&mut *conn).await?;
    // The indexes, then the search index (built and optimised), the counts and the list links.
    progress.stage("generate: indexing", "steps", indexes.len() as u64 + 5);
    for (_, sql) in &indexes {
        sqlx::query(AssertSqlSafe(sql.clone()))
            .execute(&mut *conn)
            .await?;
        progress.add(1);
    }
    search_index::rebuild(&mut conn).await?;
    progress.add(1);
    search_index::optimize(&mut conn).await?;
    progress.add(1);
    super::counts::rebuild(&mut conn).await?;
    progress.add(1);
    super::list_links::rebuild(&mut conn).await?;
    progress.add(1);
    crate::db::index::rebuild(&mut conn).await?;
    progress.add(1);
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    crate::db::revisions::data_changed(pool);
    let broken: Option<String> =
        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(table) = broken {
        return Err(GenerateError::BrokenKey(table));
    }
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    // The planner's statistics, so plans at a million rows are the ones measured.
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await?;

    Ok(GenerateReport {
        events,
        people: PEOPLE,
        organizations: COUNTRIES.len() * BODIES.len(),
        topics: TOPICS.len(),
        sources: loader.sources,
        quotes: loader.quotes,
        agreements: loader.agreements.len() as u64,
        digest,
        load_time: started.elapsed(),
    })
}

struct Loader {
    rng: SplitMix64,
    digest: Fnv,
    people: Vec<Person>,
    /// Person indexes by country, each list in a fixed order so the first are the busiest.
    people_by_country: Vec<Vec<usize>>,
    /// Organisation ids by country.
    organizations: Vec<Vec<i64>>,
    sources: u64,
    quotes: u64,
    /// Ids of the agreements written so far, for follow-ups.
    agreements: Vec<i64>,
    event_rows: Batch,
    sides: Batch,
    event_people: Batch,
    event_organizations: Batch,
    event_topics: Batch,
    event_countries: Batch,
    /// The stretches policy actions are in force (without phases: only the filter reads them).
    in_force: Batch,
    citations: Batch,
    quote_rows: Batch,
    agreement_rows: Batch,
    agreement_parties: Batch,
    agreement_topics: Batch,
    followups: Batch,
    paragraphs: Batch,
    source_rows: Batch,
}

impl Loader {
    fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
            digest: Fnv(0xcbf2_9ce4_8422_2325),
            people: Vec::new(),
            people_by_country: vec![Vec::new(); COUNTRIES.len()],
            organizations: vec![Vec::new(); COUNTRIES.len()],
            sources: 0,
            quotes: 0,
            agreements: Vec::new(),
            event_rows: Batch::new(
                "events",
                &[
                    "id",
                    "slug",
                    "title",
                    "kind",
                    "date_start",
                    "date_end",
                    "date_precision",
                    "date_label",
                    "date_phrase",
                    "location",
                    "status",
                    "class",
                    "summary",
                ],
            ),
            sides: Batch::new("event_sides", &["event_id", "country_id"]),
            event_people: Batch::new(
                "event_people",
                &["event_id", "person_id", "role", "position"],
            ),
            event_organizations: Batch::new(
                "event_organizations",
                &["event_id", "organization_id", "role", "position"],
            ),
            event_topics: Batch::new("event_topics", &["event_id", "topic_id"]),
            event_countries: Batch::new("event_countries", &["event_id", "country_id"]),
            in_force: Batch::new("event_in_force", &["event_id", "from_day", "until_day"]),
            citations: Batch::new("citations", &["subject_type", "subject_id", "paragraph_id"]),
            quote_rows: Batch::new("quotes", &["id", "slug", "person_id", "event_id", "text"]),
            agreement_rows: Batch::new(
                "agreements",
                &[
                    "id",
                    "slug",
                    "title",
                    "kind",
                    "terms",
                    "cadence",
                    "due_start",
                    "due_end",
                    "due_precision",
                    "due_label",
                    "event_id",
                ],
            ),
            agreement_parties: Batch::new(
                "agreement_parties",
                &["agreement_id", "position", "organization_id", "country_id"],
            ),
            agreement_topics: Batch::new("agreement_topics", &["agreement_id", "topic_id"]),
            followups: Batch::new(
                "agreement_followups",
                &["agreement_id", "event_id", "effect", "note"],
            ),
            paragraphs: Batch::new("paragraphs", &["id", "source_id", "number", "text"]),
            source_rows: Batch::new(
                "sources",
                &["id", "slug", "title", "publisher", "published", "url"],
            ),
        }
    }

    async fn flush(&mut self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        // Parents before children, for the foreign keys.
        for batch in [
            &mut self.source_rows,
            &mut self.paragraphs,
            &mut self.event_rows,
            &mut self.sides,
            &mut self.event_people,
            &mut self.event_organizations,
            &mut self.event_topics,
            &mut self.event_countries,
            &mut self.in_force,
            &mut self.quote_rows,
            &mut self.agreement_rows,
            &mut self.agreement_parties,
            &mut self.agreement_topics,
            &mut self.followups,
            &mut self.citations,
        ] {
            batch.flush(conn).await?;
        }
        Ok(())
    }

    /// The paragraph id of paragraph `number` (1-based) of source `source` (0-based).
    fn paragraph_id(source: u64, number: i64) -> i64 {
        source as i64 * PARAGRAPHS_PER_SOURCE + number
    }

    async fn cite(
        &mut self,
        conn: &mut SqliteConnection,
        subject_type: &'static str,
        subject_id: i64,
        source: u64,
        count: u64,
    ) -> Result<(), sqlx::Error> {
        let mut numbers: Vec<i64> = (0..count)
            .map(|_| 1 + self.rng.below(PARAGRAPHS_PER_SOURCE as u64) as i64)
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        for number in numbers {
            self.citations
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        subject_type.into(),
                        subject_id.into(),
                        Self::paragraph_id(source, number).into(),
                    ],
                )
                .await?;
        }
        Ok(())
    }

    /// Countries, topics, organisations, people with roles and aliases, and the sources.
    async fn reference_data(
        &mut self,
        conn: &mut SqliteConnection,
        events: u64,
    ) -> Result<(), sqlx::Error> {
        let mut simple = Batch::new("countries", &["id", "slug", "name"]);
        for (i, (slug, name)) in COUNTRIES.iter().enumerate() {
            simple
                .push(
                    conn,
                    &mut self.digest,
                    vec![(i as i64 + 1).into(), (*slug).into(), (*name).into()],
                )
                .await?;
        }
        simple.flush(conn).await?;

        // Sources first: everything else cites their paragraphs.
        self.sources = events.div_ceil(EVENTS_PER_SOURCE);
        for s in 0..self.sources {
            let year = FIRST_YEAR + (s * YEARS as u64 / self.sources) as i32;
            let publisher = self
                .rng
                .pick(&["Trade Wire", "Policy Review", "The Ledger"]);
            self.source_rows
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        (s as i64 + 1).into(),
                        format!("synthetic-report-{}", s + 1).into(),
                        format!("Trade relations report no. {}", s + 1).into(),
                        (*publisher).into(),
                        format!(
                            "{year}-{:02}-{:02}",
                            1 + self.rng.below(12),
                            1 + self.rng.below(28)
                        )
                        .into(),
                        Val::Null,
                    ],
                )
                .await?;
            for number in 1..=PARAGRAPHS_PER_SOURCE {
                let topic = *self.rng.pick(TOPICS);
                let place = *self.rng.pick(PLACES);
                let text = format!(
                    "{} {} Officials in {place} said the {} {} would be reviewed again.",
                    sentence(&mut self.rng, "The delegation", topic),
                    sentence(&mut self.rng, "Negotiators", topic),
                    self.rng.pick(QUALIFIERS),
                    self.rng.pick(NOUNS),
                );
                self.paragraphs
                    .push(
                        conn,
                        &mut self.digest,
                        vec![
                            Self::paragraph_id(s, number).into(),
                            (s as i64 + 1).into(),
                            number.into(),
                            text.into(),
                        ],
                    )
                    .await?;
            }
        }
        self.source_rows.flush(conn).await?;
        self.paragraphs.flush(conn).await?;

        let mut topics = Batch::new("topics", &["id", "slug", "name", "summary"]);
        for (i, name) in TOPICS.iter().enumerate() {
            topics
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        (i as i64 + 1).into(),
                        slugify(name).into(),
                        (*name).into(),
                        format!("Events and measures concerning {}.", name.to_lowercase()).into(),
                    ],
                )
                .await?;
            self.cite(conn, "topic", i as i64 + 1, 0, 1).await?;
        }
        topics.flush(conn).await?;

        let mut organizations = Batch::new(
            "organizations",
            &[
                "id",
                "slug",
                "name",
                "native_name",
                "kind",
                "country_id",
                "summary",
            ],
        );
        let mut id = 0;
        for (c, (_, country)) in COUNTRIES.iter().enumerate() {
            for (body, kind) in BODIES {
                id += 1;
                let name = format!("{country} {body}");
                organizations
                    .push(
                        conn,
                        &mut self.digest,
                        vec![
                            id.into(),
                            slugify(&name).into(),
                            name.clone().into(),
                            Val::Null,
                            (*kind).into(),
                            (c as i64 + 1).into(),
                            format!("The {body} of {country}.").into(),
                        ],
                    )
                    .await?;
                self.organizations[c].push(id);
                self.cite(conn, "organization", id, 0, 1).await?;
            }
        }
        organizations.flush(conn).await?;

        let mut people = Batch::new(
            "people",
            &[
                "id",
                "slug",
                "name",
                "native_name",
                "country_id",
                "wikidata",
                "summary",
            ],
        );
        let mut roles = Batch::new(
            "roles",
            &[
                "person_id",
                "position",
                "title",
                "organization_id",
                "start_date",
                "end_date",
                "basis",
            ],
        );
        let mut aliases = Batch::new(
            "aliases",
            &["subject_type", "subject_id", "position", "alias"],
        );
        for i in 0..PEOPLE {
            let country = self.rng.weighted(COUNTRY_WEIGHTS);
            let (name, last, native) = if COUNTRIES[country].0 == "china" {
                let (family, family_native) = *self.rng.pick(CHINESE_FAMILY);
                let (given, given_native) = *self.rng.pick(CHINESE_GIVEN);
                (
                    format!("{family} {given}"),
                    family.to_owned(),
                    Some(format!("{family_native}{given_native}")),
                )
            } else {
                let first = *self.rng.pick(FIRST_NAMES);
                let last = *self.rng.pick(LAST_NAMES);
                (format!("{first} {last}"), last.to_owned(), None)
            };
            let id = i as i64 + 1;
            people
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        id.into(),
                        format!("{}-{}", slugify(&name), id).into(),
                        name.clone().into(),
                        native.into(),
                        (country as i64 + 1).into(),
                        Val::Null,
                        format!("An official of {}.", COUNTRIES[country].1).into(),
                    ],
                )
                .await?;
            // One to three consecutive roles; the last may still be held.
            let mut start = FIRST_YEAR + self.rng.below(YEARS as u64 - 5) as i32;
            let count = 1 + self.rng.below(3);
            for position in 0..count {
                let years = 2 + self.rng.below(6) as i32;
                let end = start + years;
                let open = position + 1 == count && end >= FIRST_YEAR + YEARS - 3;
                let organization = *self.rng.pick(&self.organizations[country]);
                roles
                    .push(
                        conn,
                        &mut self.digest,
                        vec![
                            id.into(),
                            (position as i64).into(),
                            (*self.rng.pick(TITLES)).into(),
                            organization.into(),
                            format!("{start}-01-15").into(),
                            (!open).then(|| format!("{end}-01-14")).into(),
                            Val::Null,
                        ],
                    )
                    .await?;
                start = end;
            }
            aliases
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        "person".into(),
                        id.into(),
                        0i64.into(),
                        format!("{} {last}", self.rng.pick(TITLES)).into(),
                    ],
                )
                .await?;
            self.cite(conn, "person", id, 0, 1).await?;
            self.people_by_country[country].push(i);
            self.people.push(Person {
                id,
                name,
                last,
                country,
            });
        }
        people.flush(conn).await?;
        roles.flush(conn).await?;
        aliases.flush(conn).await?;
        self.citations.flush(conn).await?;
        Ok(())
    }

    /// Event `i` of `total`: events run in date order over the five decades.
    async fn event(
        &mut self,
        conn: &mut SqliteConnection,
        i: u64,
        total: u64,
    ) -> Result<(), sqlx::Error> {
        let id = i as i64 + 1;
        let kind = self.rng.weighted(KINDS);
        let days = i64::from(YEARS) * 365;
        let offset = (i as i64 * days) / total as i64;
        let day = time::Date::from_calendar_date(FIRST_YEAR, time::Month::January, 1)
            .unwrap_or(time::Date::MIN)
            + time::Duration::days(offset);
        let (year, month) = (day.year(), day.month() as u8);
        let date = match self.rng.weighted(PRECISIONS) {
            DatePrecision::Day => FuzzyDate::parse(&iso(day)),
            DatePrecision::Month => FuzzyDate::parse(&format!("{year}-{month:02}")),
            DatePrecision::Season => FuzzyDate::parse(&format!(
                "{} {year}",
                ["early", "mid", "late"][usize::from(month - 1) / 4]
            )),
            DatePrecision::Year => FuzzyDate::parse(&year.to_string()),
        };
        // Every string above is a well-formed date; a day is the fallback all the same.
        let date = date.or_else(|_| FuzzyDate::parse(&iso(day)));
        let Ok(date) = date else {
            return Ok(());
        };

        let first_side = self.rng.weighted(COUNTRY_WEIGHTS);
        let mut sides = vec![first_side];
        if self.rng.chance(0.6) {
            let other = if first_side == 1 { 0 } else { 1 };
            sides.push(other);
        }
        sides.sort_unstable();

        // One to eight participants from the sides' countries, most events with two or three.
        let wanted = 1 + (self.rng.unit().powi(2) * 8.0) as usize;
        let mut participants: Vec<usize> = Vec::with_capacity(wanted);
        for n in 0..wanted * 2 {
            if participants.len() == wanted {
                break;
            }
            let country = sides[n % sides.len()];
            let pool = &self.people_by_country[country];
            if pool.is_empty() {
                continue;
            }
            let person = pool[self.rng.skewed(pool.len())];
            if !participants.contains(&person) {
                participants.push(person);
            }
        }
        let mut topics: Vec<usize> = Vec::new();
        for _ in 0..1 + self.rng.below(4) {
            let topic = self.rng.skewed(TOPICS.len());
            if !topics.contains(&topic) {
                topics.push(topic);
            }
        }
        let mut organizations: Vec<i64> = Vec::new();
        for _ in 0..self.rng.below(3) {
            let side = *self.rng.pick(&sides);
            let org = *self.rng.pick(&self.organizations[side]);
            if !organizations.contains(&org) {
                organizations.push(org);
            }
        }

        let topic = TOPICS[topics[0]];
        let names: Vec<&str> = participants
            .iter()
            .take(2)
            .map(|p| self.people[*p].last.as_str())
            .collect();
        let who = if names.is_empty() {
            COUNTRIES[first_side].1.to_owned()
        } else {
            names.join(" and ")
        };
        let title = format!(
            "{who}: {} on {}",
            EventKind::label(kind),
            topic.to_lowercase()
        );
        let lead = participants
            .first()
            .map_or(COUNTRIES[first_side].1, |p| self.people[*p].name.as_str())
            .to_owned();
        let summary = format!(
            "{} {}",
            sentence(&mut self.rng, &lead, topic),
            sentence(
                &mut self.rng,
                "The two sides",
                TOPICS[*topics.last().unwrap_or(&0)]
            )
        );
        let planned = date.start().year() >= FIRST_YEAR + YEARS - 1 && self.rng.chance(0.3);
        let location = self
            .rng
            .chance(0.8)
            .then(|| (*self.rng.pick(PLACES)).to_owned());
        let phrase = (date.precision().as_str() != "day" && self.rng.chance(0.5))
            .then(|| format!("reported as {}", date.label().to_lowercase()));
        self.event_rows
            .push(
                conn,
                &mut self.digest,
                vec![
                    id.into(),
                    format!("{}-{}-{id}", kind.as_str(), slugify(topic)).into(),
                    title.into(),
                    kind.as_str().into(),
                    iso(date.start()).into(),
                    iso(date.end()).into(),
                    date.precision().as_str().into(),
                    date.label().into(),
                    phrase.into(),
                    location.into(),
                    if planned { "planned" } else { "occurred" }.into(),
                    class_of(kind).as_str().into(),
                    summary.into(),
                ],
            )
            .await?;
        // A policy action is in force from its date's last day: a third still are, the others
        // for a month to over a year (by id, so the archive's other values stay as they were).
        if kind == EventKind::Policy {
            let from = date.end();
            let until = (id % 3 != 0).then(|| iso(from + time::Duration::days(30 + id % 400)));
            self.in_force
                .push(
                    conn,
                    &mut self.digest,
                    vec![id.into(), iso(from).into(), until.into()],
                )
                .await?;
        }

        let mut countries: Vec<usize> = sides.clone();
        for side in &sides {
            self.sides
                .push(
                    conn,
                    &mut self.digest,
                    vec![id.into(), (*side as i64 + 1).into()],
                )
                .await?;
        }
        let mut people_ids: Vec<(i64, usize)> = participants
            .iter()
            .enumerate()
            .map(|(position, p)| (self.people[*p].id, position))
            .collect();
        people_ids.sort_unstable();
        for (person, position) in people_ids {
            let role = if position == 0 { "host" } else { "attendee" };
            countries.push(self.people[person as usize - 1].country);
            self.event_people
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        id.into(),
                        person.into(),
                        role.into(),
                        (position as i64).into(),
                    ],
                )
                .await?;
        }
        let mut org_ids: Vec<(i64, usize)> = organizations
            .iter()
            .enumerate()
            .map(|(position, o)| (*o, position))
            .collect();
        org_ids.sort_unstable();
        for (org, position) in org_ids {
            countries.push(((org - 1) as usize) / BODIES.len());
            self.event_organizations
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        id.into(),
                        org.into(),
                        "attendee".into(),
                        (position as i64).into(),
                    ],
                )
                .await?;
        }
        let mut topic_ids: Vec<i64> = topics.iter().map(|t| *t as i64 + 1).collect();
        topic_ids.sort_unstable();
        for topic in &topic_ids {
            self.event_topics
                .push(conn, &mut self.digest, vec![id.into(), (*topic).into()])
                .await?;
        }
        countries.sort_unstable();
        countries.dedup();
        for country in countries {
            self.event_countries
                .push(
                    conn,
                    &mut self.digest,
                    vec![id.into(), (country as i64 + 1).into()],
                )
                .await?;
        }
        let source = i / EVENTS_PER_SOURCE;
        let count = 1 + self.rng.below(3);
        self.cite(conn, "event", id, source, count).await?;

        // About one event in ten carries a quote from its first participant.
        if let Some(speaker) = participants.first().filter(|_| self.rng.chance(0.1)) {
            self.quotes += 1;
            let quote_id = self.quotes as i64;
            let text = format!(
                "We will keep working on {} and the {} {}.",
                topic.to_lowercase(),
                self.rng.pick(QUALIFIERS),
                self.rng.pick(NOUNS)
            );
            let speaker = self.people[*speaker].id;
            self.quote_rows
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        quote_id.into(),
                        format!("quote-{quote_id}").into(),
                        speaker.into(),
                        id.into(),
                        text.into(),
                    ],
                )
                .await?;
            self.cite(conn, "quote", quote_id, source, 1).await?;
        }

        // Agreement events often record what was agreed; some later events follow one up.
        if kind == EventKind::Agreement && self.rng.chance(0.5) {
            let agreement_id = self.agreements.len() as i64 + 1;
            let commitment = self.rng.chance(0.5);
            let due = commitment.then(|| format!("{}-{:02}", year + 1, month));
            let due = due.and_then(|d| FuzzyDate::parse(&d).ok());
            self.agreement_rows
                .push(
                    conn,
                    &mut self.digest,
                    vec![
                        agreement_id.into(),
                        format!("agreement-{agreement_id}").into(),
                        format!("Understanding on {}", topic.to_lowercase()).into(),
                        if commitment {
                            "commitment"
                        } else {
                            "agreement"
                        }
                        .into(),
                        sentence(&mut self.rng, "Both parties", topic).into(),
                        commitment.then(|| "annually".to_owned()).into(),
                        due.as_ref().map(|d| iso(d.start())).into(),
                        due.as_ref().map(|d| iso(d.end())).into(),
                        due.as_ref()
                            .map(|d| d.precision().as_str().to_owned())
                            .into(),
                        due.as_ref().map(|d| d.label().to_owned()).into(),
                        Some(id).into(),
                    ],
                )
                .await?;
            for (position, side) in sides.iter().enumerate() {
                self.agreement_parties
                    .push(
                        conn,
                        &mut self.digest,
                        vec![
                            agreement_id.into(),
                            (position as i64).into(),
                            Val::Null,
                            (*side as i64 + 1).into(),
                        ],
                    )
                    .await?;
            }
            self.agreement_topics
                .push(
                    conn,
                    &mut self.digest,
                    vec![agreement_id.into(), topic_ids[0].into()],
                )
                .await?;
            self.cite(conn, "agreement", agreement_id, source, 1)
                .await?;
            self.agreements.push(agreement_id);
        } else if !self.agreements.is_empty() && self.rng.chance(0.01) {
            let agreement = *self.rng.pick(&self.agreements);
            let effect = *self.rng.pick(&["fulfils", "partly-fulfils", "breaks"]);
            self.followups
                .push(
                    conn,
                    &mut self.digest,
                    vec![agreement.into(), id.into(), effect.into(), Val::Null],
                )
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_fixed_by_its_seed() {
        let a: Vec<u64> = {
            let mut r = SplitMix64::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SplitMix64::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, {
            let mut r = SplitMix64::new(8);
            (0..5).map(|_| r.next_u64()).collect::<Vec<_>>()
        });
    }

    #[test]
    fn draws_stay_in_range_and_skew_towards_the_first() {
        let mut r = SplitMix64::new(1);
        let mut first = 0;
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let s = r.skewed(100);
            assert!(s < 100);
            if s == 0 {
                first += 1;
            }
        }
        // Uniform would give about 100 of 10,000; the skew gives several times that.
        assert!(first > 300, "{first}");
    }

    #[test]
    fn slugs_are_valid() {
        for name in TOPICS {
            assert!(crate::domain::Slug::parse(&slugify(name)).is_ok(), "{name}");
        }
        assert_eq!(
            slugify("United States Ministry of Commerce"),
            "united-states-ministry-of-commerce"
        );
    }
}
