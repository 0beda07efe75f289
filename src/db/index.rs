//! The event index: every event's place in the timeline's order (its rank), its dates, kind,
//! class and date label, and for every filter value the set of its events as a compressed
//! bitmap of ranks. It is the one engine behind the timeline's filters, totals, facets, charts
//! and record lists: they are answered in memory, so their cost follows the size of the answer
//! (a page of rows, a few hundred counts) rather than of the archive. The rows of a page are
//! read from SQLite by id.
//!
//! The import (and `generate`) builds the index from the rows inside its write transaction and
//! stores it in `event_index` (`rebuild`), so the stored index and the rows it describes commit
//! together. A server loads the stored index at start-up and, after an import, when a request
//! first reads the new revision (`SharedIndex`). A request reads its revision, its index and its
//! rows in one read transaction (`SharedIndex::snapshot`): they cannot come from two revisions.
//! Each page asks one such question (`catalog`), so a page is of one revision by construction.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use roaring::RoaringBitmap;
use sqlx::{SqliteConnection, SqlitePool};

use super::Counted;
use super::conditions::{Conditions, Cursor, Facet};
use super::series::{Extent, Period, PeriodCount, SpanCount, Stack};
use crate::domain::filter::RangeMatch;

/// Events read per statement, in the timeline's order: about 150 KB of JSON.
const EVENT_SLICE: i64 = 1024;

/// An event as the index reads it: id, start, end, kind, class, date label and slug.
type EventFacts = (i64, String, String, String, String, String, String);

/// Event ids read per statement when reading a link table: about 4,000 links, 50 KB of text.
const LINK_SLICE: i64 = 1024;

/// Ids spread wider than this per event are looked up by binary search rather than in a dense
/// table.
const MAX_ID_SPREAD: u64 = 16;

/// Ranks by event id: a dense table when ids are close to as many as the events (as the import
/// and `generate` write them), else the ids sorted beside their ranks.
enum RankOf {
    Dense(Vec<u32>),
    Sparse(Vec<(u32, u32)>),
}

impl RankOf {
    fn of(ids: &[u32]) -> Self {
        let max = ids.iter().copied().max().map_or(0, u64::from);
        if max <= MAX_ID_SPREAD * (ids.len() as u64 + 65_536) {
            let mut dense = vec![u32::MAX; max as usize + 1];
            for (rank, id) in ids.iter().enumerate() {
                dense[*id as usize] = rank as u32;
            }
            Self::Dense(dense)
        } else {
            let mut pairs: Vec<(u32, u32)> = ids
                .iter()
                .enumerate()
                .map(|(rank, id)| (*id, rank as u32))
                .collect();
            pairs.sort_unstable();
            Self::Sparse(pairs)
        }
    }

    fn rank(&self, id: i64) -> Option<u32> {
        let id = u32::try_from(id).ok()?;
        match self {
            Self::Dense(ranks) => ranks.get(id as usize).copied().filter(|r| *r != u32::MAX),
            Self::Sparse(pairs) => pairs
                .binary_search_by_key(&id, |(id, _)| *id)
                .ok()
                .map(|at| pairs[at].1),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Self::Dense(ranks) => ranks.capacity() * 4,
            Self::Sparse(pairs) => pairs.capacity() * 8,
        }
    }
}

/// Each event's last possible day, by rank. Every precision from a day to a year spans far
/// fewer than 65,536 days, so ends are kept as days after the event's start, in half the
/// memory; an archive with a longer span keeps them whole.
enum Ends {
    Offsets(Vec<u16>),
    Days(Vec<i32>),
}

impl Ends {
    fn of(start: &[i32], end: Vec<i32>) -> Self {
        let offsets: Option<Vec<u16>> = start
            .iter()
            .zip(&end)
            .map(|(s, e)| u16::try_from(e - s).ok())
            .collect();
        match offsets {
            Some(offsets) => Self::Offsets(offsets),
            None => Self::Days(end),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Self::Offsets(offsets) => offsets.capacity() * 2,
            Self::Days(days) => days.capacity() * 4,
        }
    }
}

/// The index's columns, by rank, and the names their codes stand for.
#[derive(Default)]
struct Columns {
    ids: Vec<u32>,
    start: Vec<i32>,
    end: Vec<i32>,
    kind: Vec<u8>,
    class: Vec<u8>,
    label: Vec<u16>,
    kinds: Vec<String>,
    classes: Vec<String>,
    labels: Vec<String>,
}

/// Little-endian bytes of a column.
fn bytes_of<const N: usize>(values: impl Iterator<Item = [u8; N]>) -> Vec<u8> {
    values.flatten().collect()
}

/// Values per stored row of a column: a row is read (and copied) whole, so rows stay small and
/// loading holds little besides the index itself.
const COLUMN_CHUNK: usize = 16_384;

/// Appends a column's values from their little-endian bytes.
fn append<T, const N: usize>(
    out: &mut Vec<T>,
    data: &[u8],
    from: fn([u8; N]) -> T,
) -> Result<(), BuildError> {
    if !data.len().is_multiple_of(N) {
        return Err(BuildError::Shape);
    }
    for chunk in data.chunks_exact(N) {
        let bytes = <[u8; N]>::try_from(chunk).map_err(|_| BuildError::Shape)?;
        out.push(from(bytes));
    }
    Ok(())
}

fn bitmap_bytes(set: &RoaringBitmap) -> Result<Vec<u8>, BuildError> {
    let mut bytes = Vec::with_capacity(set.serialized_size());
    set.serialize_into(&mut bytes)
        .map_err(|_| BuildError::Shape)?;
    Ok(bytes)
}

fn bitmap_of(data: &[u8]) -> Result<RoaringBitmap, BuildError> {
    RoaringBitmap::deserialize_from(data).map_err(|_| BuildError::Shape)
}

async fn insert_part(
    conn: &mut SqliteConnection,
    revision: i64,
    part: &str,
    value: i64,
    data: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO event_index (revision, part, value, data) VALUES (?1, ?2, ?3, ?4)")
        .bind(revision)
        .bind(part)
        .bind(value)
        .bind(data)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The Julian day number of 1970-01-01: the index counts days from there.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// A day as a count of days from 1970-01-01 (negative before), from `YYYY-MM-DD`, read by the
/// domain's one rule for a stored day.
fn day_number(iso: &str) -> Option<i32> {
    crate::domain::date::parse_day(iso)
        .ok()
        .map(|date| date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY)
}

/// The date of a day number.
fn date_of(day: i32) -> time::Date {
    time::Date::from_julian_day(day.saturating_add(UNIX_EPOCH_JULIAN_DAY))
        .unwrap_or(time::Date::MIN)
}

/// `YYYY-MM-DD` of a day number.
fn iso_of(day: i32) -> String {
    crate::domain::date::iso(date_of(day))
}

impl Period {
    /// A number per period, in date order.
    fn key(self, day: i32) -> i32 {
        let (y, m, _) = date_of(day).to_calendar_date();
        match self {
            Period::Month => y * 12 + (i32::from(u8::from(m)) - 1),
            Period::Year => y,
        }
    }

    fn name_of(self, key: i32) -> String {
        match self {
            Period::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            Period::Year => format!("{key:04}"),
        }
    }
}

/// The period of the day last asked, with its first and last day: the events of a set are
/// walked in timeline order, so most fall in the period of the one before and cost two
/// comparisons rather than a calendar conversion (at a million events, a busy official's
/// chart walks 60,000 of them on every first view).
struct PeriodCursor {
    period: Period,
    key: i32,
    /// The period's first and last day; `first > last` before the first day is asked.
    first: i32,
    last: i32,
}

impl PeriodCursor {
    fn new(period: Period) -> Self {
        PeriodCursor {
            period,
            key: 0,
            first: 1,
            last: 0,
        }
    }

    /// The key of the period `day` falls in (`Period::key`) and that period's last day.
    fn at(&mut self, day: i32) -> (i32, i32) {
        if !(self.first..=self.last).contains(&day) {
            let date = date_of(day);
            let (into, length) = match self.period {
                Period::Month => (
                    u16::from(date.day()),
                    u16::from(date.month().length(date.year())),
                ),
                Period::Year => (date.ordinal(), time::util::days_in_year(date.year())),
            };
            self.key = self.period.key(day);
            self.first = day - i32::from(into) + 1;
            self.last = self.first + i32::from(length) - 1;
        }
        (self.key, self.last)
    }

    /// Whether the span `start..=end` lies within one period, and if so that period's key.
    fn one_period(&mut self, start: i32, end: i32) -> Option<i32> {
        let (key, last) = self.at(start);
        (end <= last).then_some(key)
    }
}

/// A span of possible dates, as day numbers, with how many events share it and their least
/// label.
type SpanGroup<'a> = ((i32, i32), (i64, &'a str));

/// A query's date range as day numbers.
type Bounds = (Option<i32>, Option<i32>);

fn bounds(q: &Conditions) -> Bounds {
    (
        q.from.as_deref().and_then(day_number),
        q.to.as_deref().and_then(day_number),
    )
}

/// Strings interned to small codes (kinds, classes, date labels).
#[derive(Default)]
struct Interner {
    names: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Interner {
    fn code(&mut self, name: String) -> u32 {
        if let Some(code) = self.codes.get(&name) {
            return *code;
        }
        let code = self.names.len() as u32;
        self.codes.insert(name.clone(), code);
        self.names.push(name);
        code
    }
}

/// One option of a facet: its slug and name as the maintained counts list them, and its events.
struct FacetValue {
    slug: String,
    name: String,
    events: Arc<RoaringBitmap>,
}

/// Which link table a record's events come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Person,
    Topic,
    Organization,
}

pub struct EventIndex {
    /// The data revision the index was read at.
    pub revision: i64,
    /// Event ids by rank: the timeline's order, `(date_start, date_end, slug)` ascending.
    ids: Vec<u32>,
    rank_of: RankOf,
    start: Vec<i32>,
    ends: Ends,
    kind: Vec<u8>,
    class: Vec<u8>,
    label: Vec<u16>,
    kinds: Vec<String>,
    classes: Vec<String>,
    labels: Vec<String>,
    /// No event's possible dates span more days than this.
    max_span: i32,
    /// The last day any event may have fallen on.
    last_end: Option<i32>,
    people: HashMap<i64, Arc<RoaringBitmap>>,
    topics: HashMap<i64, Arc<RoaringBitmap>>,
    organizations: HashMap<i64, Arc<RoaringBitmap>>,
    countries: HashMap<i64, Arc<RoaringBitmap>>,
    /// By kind code.
    kind_events: Vec<Arc<RoaringBitmap>>,
    facet_officials: Vec<FacetValue>,
    facet_topics: Vec<FacetValue>,
    facet_kinds: Vec<FacetValue>,
    facet_countries: Vec<FacetValue>,
    /// What recent text filters matched.
    texts: Mutex<TextCache>,
    /// The chart of the whole archive, worked out once per index.
    whole: Whole,
}

/// The unfiltered chart's figures, by period (month, year) and stacking (class, kind): what
/// the timeline's first page draws, worked out once rather than over every event per request.
#[derive(Default)]
struct Whole {
    per_period: [OnceLock<Vec<PeriodCount>>; 4],
    spans: [OnceLock<Vec<SpanCount>>; 2],
}

/// The events matched by the latest `TEXTS` full-text expressions, oldest dropped first, up to
/// `TEXT_BYTES` of bitmaps.
#[derive(Default)]
struct TextCache {
    entries: std::collections::VecDeque<(String, Arc<RoaringBitmap>)>,
    bytes: usize,
}

const TEXTS: usize = 64;
const TEXT_BYTES: usize = 4 * 1024 * 1024;

impl TextCache {
    fn get(&self, fts: &str) -> Option<Arc<RoaringBitmap>> {
        self.entries
            .iter()
            .find(|(key, _)| key == fts)
            .map(|(_, set)| set.clone())
    }

    fn insert(&mut self, fts: &str, set: Arc<RoaringBitmap>) {
        let size = set.serialized_size();
        if size > TEXT_BYTES || self.get(fts).is_some() {
            return;
        }
        while self.entries.len() >= TEXTS || self.bytes + size > TEXT_BYTES {
            let Some((_, old)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= old.serialized_size();
        }
        self.bytes += size;
        self.entries.push_back((fts.to_owned(), set));
    }
}

impl fmt::Debug for EventIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventIndex")
            .field("revision", &self.revision)
            .field("events", &self.ids.len())
            .finish_non_exhaustive()
    }
}

/// An index could not be read: the database failed, or holds what the index cannot represent.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("event {id} has a date that is not YYYY-MM-DD")]
    Date { id: i64 },
    #[error("event id {id} is beyond what the index holds (2^32)")]
    LargeId { id: i64 },
    #[error("more than 255 kinds or classes of event, or 65,536 date labels")]
    TooManyCodes,
    #[error("the database answered in an unexpected shape")]
    Shape,
}

/// A bitmap of sorted, distinct ranks, holding no more memory than its contents need: built
/// container by container it keeps each container's spare capacity (up to half of it), so it
/// is written out and read back at its exact size. (Run containers would save about 1 MiB at a
/// million events but made a first view of `/?kind=meeting` three times slower: 85 ms.)
fn compact(ranks: impl IntoIterator<Item = u32>) -> RoaringBitmap {
    let grown = RoaringBitmap::from_sorted_iter(ranks).unwrap_or_default();
    let mut bytes = Vec::with_capacity(grown.serialized_size());
    if grown.serialize_into(&mut bytes).is_err() {
        return grown;
    }
    drop(grown);
    RoaringBitmap::deserialize_unchecked_from(bytes.as_slice()).unwrap_or_default()
}

/// Parses `group_concat`'s comma-separated ids.
fn ids_in(list: &str) -> impl Iterator<Item = i64> + '_ {
    list.split(',').filter_map(|s| s.parse().ok())
}

impl EventIndex {
    /// Reads the index of the latest revision from the rows, on `conn` (inside the caller's
    /// transaction: the import's, so the index it stores is of the rows it wrote).
    pub async fn build(conn: &mut SqliteConnection) -> Result<Self, BuildError> {
        let revision = latest_revision(conn).await?;
        let max_id: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM events")
            .fetch_one(&mut *conn)
            .await?;
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&mut *conn)
            .await?;
        // Sized once: vectors grown by doubling would leave the allocator holding the halves.
        let n = usize::try_from(events).unwrap_or(0);
        let (mut ids, mut start, mut end, mut kind, mut class, mut label) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut kinds, mut classes, mut labels) = (
            Interner::default(),
            Interner::default(),
            Interner::default(),
        );
        // The events in the timeline's order, a slice at a time by keyset, each slice one JSON
        // text (rows one by one through sqlx cost about a microsecond each: most of the build).
        let mut after: Option<(String, String, String)> = None;
        loop {
            // Both forms walk the date index from where the last slice ended.
            let slice: Option<String> = match &after {
                None => sqlx::query_scalar(
                    "SELECT json_group_array(json_array(id, date_start, date_end, kind, class, date_label, slug))
                       FROM (SELECT id, date_start, date_end, kind, class, date_label, slug FROM events
                              ORDER BY date_start, date_end, slug LIMIT ?1)",
                )
                .bind(EVENT_SLICE)
                .fetch_one(&mut *conn)
                .await?,
                Some((s, e, slug)) => sqlx::query_scalar(
                    "SELECT json_group_array(json_array(id, date_start, date_end, kind, class, date_label, slug))
                       FROM (SELECT id, date_start, date_end, kind, class, date_label, slug FROM events
                              WHERE (date_start, date_end, slug) > (?1, ?2, ?3)
                              ORDER BY date_start, date_end, slug LIMIT ?4)",
                )
                .bind(s)
                .bind(e)
                .bind(slug)
                .bind(EVENT_SLICE)
                .fetch_one(&mut *conn)
                .await?,
            };
            let rows: Vec<EventFacts> = slice
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| BuildError::Shape)?
                .unwrap_or_default();
            let Some(last) = rows.last() else {
                break;
            };
            after = Some((last.1.clone(), last.2.clone(), last.6.clone()));
            for (id, s, e, k, c, l, _) in rows {
                let (Some(s), Some(e)) = (day_number(&s), day_number(&e)) else {
                    return Err(BuildError::Date { id });
                };
                let Ok(id) = u32::try_from(id) else {
                    return Err(BuildError::LargeId { id: max_id });
                };
                ids.push(id);
                start.push(s);
                end.push(e);
                let k = kinds.code(k);
                let c = classes.code(c);
                kind.push(u8::try_from(k).map_err(|_| BuildError::TooManyCodes)?);
                class.push(u8::try_from(c).map_err(|_| BuildError::TooManyCodes)?);
                label.push(u16::try_from(labels.code(l)).map_err(|_| BuildError::TooManyCodes)?);
            }
        }
        let mut index = Self::from_columns(
            revision,
            Columns {
                ids,
                start,
                end,
                kind,
                class,
                label,
                kinds: kinds.names,
                classes: classes.names,
                labels: labels.names,
            },
        );
        index.people = index.read_links(conn, "event_people", "person_id").await?;
        index.topics = index.read_links(conn, "event_topics", "topic_id").await?;
        index.organizations = index
            .read_links(conn, "event_organizations", "organization_id")
            .await?;
        index.countries = index
            .read_links(conn, "event_countries", "country_id")
            .await?;
        let mut by_kind = vec![Vec::new(); index.kinds.len()];
        for (rank, code) in index.kind.iter().enumerate() {
            by_kind[usize::from(*code)].push(rank as u32);
        }
        index.kind_events = by_kind
            .into_iter()
            .map(|ranks| Arc::new(compact(ranks)))
            .collect();
        index.read_facets(conn).await?;
        Ok(index)
    }

    /// An index of these columns, with no record's events yet.
    fn from_columns(revision: i64, columns: Columns) -> Self {
        let Columns {
            ids,
            start,
            end,
            kind,
            class,
            label,
            kinds,
            classes,
            labels,
        } = columns;
        let rank_of = RankOf::of(&ids);
        let max_span = start
            .iter()
            .zip(&end)
            .map(|(s, e)| e - s)
            .max()
            .unwrap_or(0);
        let last_end = end.iter().copied().max();
        let ends = Ends::of(&start, end);
        Self {
            revision,
            ids,
            rank_of,
            start,
            ends,
            kind,
            class,
            label,
            kinds,
            classes,
            labels,
            max_span,
            last_end,
            people: HashMap::new(),
            topics: HashMap::new(),
            organizations: HashMap::new(),
            countries: HashMap::new(),
            kind_events: Vec::new(),
            facet_officials: Vec::new(),
            facet_topics: Vec::new(),
            facet_kinds: Vec::new(),
            facet_countries: Vec::new(),
            texts: Mutex::default(),
            whole: Whole::default(),
        }
    }

    /// The facets' options, in the maintained counts' order, each with its events.
    async fn read_facets(&mut self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        let values: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT facet, slug, value_id, name FROM event_value_counts
              WHERE facet IN ('official', 'topic', 'kind', 'country') ORDER BY facet, name, slug",
        )
        .fetch_all(&mut *conn)
        .await?;
        let empty = Arc::new(RoaringBitmap::new());
        for (facet, slug, value_id, name) in values {
            let events = match facet.as_str() {
                "official" => self.people.get(&value_id),
                "topic" => self.topics.get(&value_id),
                "country" => self.countries.get(&value_id),
                _ => self
                    .kinds
                    .iter()
                    .position(|k| *k == slug)
                    .and_then(|code| self.kind_events.get(code)),
            }
            .cloned()
            .unwrap_or_else(|| empty.clone());
            let list = match facet.as_str() {
                "official" => &mut self.facet_officials,
                "topic" => &mut self.facet_topics,
                "country" => &mut self.facet_countries,
                _ => &mut self.facet_kinds,
            };
            list.push(FacetValue { slug, name, events });
        }
        Ok(())
    }

    /// Writes the index into `event_index` in place of whatever was stored, on `conn` (inside
    /// the import's transaction, with the rows it was read from).
    pub async fn store(&self, conn: &mut SqliteConnection) -> Result<(), BuildError> {
        sqlx::query("DELETE FROM event_index")
            .execute(&mut *conn)
            .await?;
        let names = serde_json::to_vec(&(&self.kinds, &self.classes, &self.labels, self.len()))
            .map_err(|_| BuildError::Shape)?;
        insert_part(conn, self.revision, "names", 0, &names).await?;
        for at in (0..self.len()).step_by(COLUMN_CHUNK) {
            let range = at..(at + COLUMN_CHUNK).min(self.len());
            let chunk = (at / COLUMN_CHUNK) as i64;
            let columns: [(&str, Vec<u8>); 6] = [
                (
                    "ids",
                    bytes_of(self.ids[range.clone()].iter().map(|v| v.to_le_bytes())),
                ),
                (
                    "start",
                    bytes_of(self.start[range.clone()].iter().map(|v| v.to_le_bytes())),
                ),
                (
                    "end",
                    bytes_of(range.clone().map(|rank| self.end(rank).to_le_bytes())),
                ),
                ("kind_codes", self.kind[range.clone()].to_vec()),
                ("class", self.class[range.clone()].to_vec()),
                (
                    "label",
                    bytes_of(self.label[range].iter().map(|v| v.to_le_bytes())),
                ),
            ];
            for (part, data) in columns {
                insert_part(conn, self.revision, part, chunk, &data).await?;
            }
        }
        for (part, map) in [
            ("person", &self.people),
            ("topic", &self.topics),
            ("organization", &self.organizations),
            ("country", &self.countries),
        ] {
            for (value, set) in map {
                insert_part(conn, self.revision, part, *value, &bitmap_bytes(set)?).await?;
            }
        }
        for (code, set) in self.kind_events.iter().enumerate() {
            insert_part(
                conn,
                self.revision,
                "kind_events",
                code as i64,
                &bitmap_bytes(set)?,
            )
            .await?;
        }
        Ok(())
    }

    /// Reads the index stored for `revision`, on `conn`; `None` when none is stored for it.
    /// Parts are read one row at a time, so no more than one part's bytes are held besides the
    /// index itself.
    pub async fn load(
        conn: &mut SqliteConnection,
        revision: i64,
    ) -> Result<Option<Self>, BuildError> {
        use futures_util::TryStreamExt as _;
        let names: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT data FROM event_index WHERE revision = ?1 AND part = 'names' AND value = 0",
        )
        .bind(revision)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(names) = names else {
            return Ok(None);
        };
        let (kinds, classes, labels, n): (Vec<String>, Vec<String>, Vec<String>, usize) =
            serde_json::from_slice(&names).map_err(|_| BuildError::Shape)?;
        // Sized once: vectors grown by doubling would leave the allocator holding the halves.
        let mut columns = Columns {
            ids: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            class: Vec::with_capacity(n),
            label: Vec::with_capacity(n),
            kinds,
            classes,
            labels,
        };
        let mut people = HashMap::new();
        let mut topics = HashMap::new();
        let mut organizations = HashMap::new();
        let mut countries = HashMap::new();
        let mut kind_events: Vec<(i64, Arc<RoaringBitmap>)> = Vec::new();
        {
            let mut rows = sqlx::query_as::<_, (String, i64, Vec<u8>)>(
                "SELECT part, value, data FROM event_index WHERE revision = ?1 AND part <> 'names'
                  ORDER BY part, value",
            )
            .bind(revision)
            .fetch(&mut *conn);
            while let Some((part, value, data)) = rows.try_next().await? {
                let bitmap = || bitmap_of(&data).map(Arc::new);
                match part.as_str() {
                    "ids" => append(&mut columns.ids, &data, u32::from_le_bytes)?,
                    "start" => append(&mut columns.start, &data, i32::from_le_bytes)?,
                    "end" => append(&mut columns.end, &data, i32::from_le_bytes)?,
                    "label" => append(&mut columns.label, &data, u16::from_le_bytes)?,
                    "kind_codes" => columns.kind.extend_from_slice(&data),
                    "class" => columns.class.extend_from_slice(&data),
                    "person" => drop(people.insert(value, bitmap()?)),
                    "topic" => drop(topics.insert(value, bitmap()?)),
                    "organization" => drop(organizations.insert(value, bitmap()?)),
                    "country" => drop(countries.insert(value, bitmap()?)),
                    "kind_events" => kind_events.push((value, bitmap()?)),
                    _ => return Err(BuildError::Shape),
                }
            }
        }
        if [
            columns.ids.len(),
            columns.start.len(),
            columns.end.len(),
            columns.kind.len(),
            columns.class.len(),
            columns.label.len(),
        ]
        .iter()
        .any(|len| *len != n)
        {
            return Err(BuildError::Shape);
        }
        let mut index = Self::from_columns(revision, columns);
        index.people = people;
        index.topics = topics;
        index.organizations = organizations;
        index.countries = countries;
        kind_events.sort_by_key(|(code, _)| *code);
        index.kind_events = kind_events.into_iter().map(|(_, set)| set).collect();
        if index.kind_events.len() != index.kinds.len() {
            return Err(BuildError::Shape);
        }
        index.read_facets(conn).await?;
        Ok(Some(index))
    }

    /// One bitmap of ranks per value of a link table, read a value at a time.
    async fn read_links(
        &self,
        conn: &mut SqliteConnection,
        table: &'static str,
        column: &'static str,
    ) -> Result<HashMap<i64, Arc<RoaringBitmap>>, sqlx::Error> {
        // `table` and `column` are fixed names from `build`, never input. The links are read a
        // slice of event ids at a time along the table's primary key, each slice's pairs joined
        // into one short text: a row at a time through sqlx costs about a microsecond, three
        // times the whole build, and one text per record would be megabytes long, which the
        // allocator then keeps. Each bitmap grows in place and is compacted at the end.
        let sql = format!(
            "SELECT group_concat(event_id || ',' || {column}, ';') FROM {table}
              WHERE event_id >= ?1 AND event_id < ?2"
        );
        let mut sets: HashMap<i64, RoaringBitmap> = HashMap::new();
        // The slices follow the ids there are, so sparse ids cost no more statements.
        let mut sorted = self.ids.clone();
        sorted.sort_unstable();
        let slice = usize::try_from(LINK_SLICE).unwrap_or(1024);
        for ids in sorted.chunks(slice) {
            let (Some(low), Some(high)) = (ids.first(), ids.last()) else {
                continue;
            };
            let pairs: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(i64::from(*low))
                .bind(i64::from(*high) + 1)
                .fetch_one(&mut *conn)
                .await?;
            for pair in pairs.as_deref().unwrap_or_default().split(';') {
                let Some((event, value)) = pair.split_once(',') else {
                    continue;
                };
                let (Ok(event), Ok(value)) = (event.parse::<i64>(), value.parse::<i64>()) else {
                    continue;
                };
                if let Some(rank) = self.rank(event) {
                    sets.entry(value).or_default().insert(rank);
                }
            }
        }
        let map = sets
            .into_iter()
            .map(|(value, set)| (value, Arc::new(compact(set))))
            .collect();
        Ok(map)
    }

    fn rank(&self, id: i64) -> Option<u32> {
        self.rank_of.rank(id)
    }

    /// The last day the event at `rank` may have fallen on.
    fn end(&self, rank: usize) -> i32 {
        match &self.ends {
            Ends::Offsets(offsets) => self.start[rank] + i32::from(offsets[rank]),
            Ends::Days(days) => days[rank],
        }
    }

    /// The ranks of these event ids (an id with no event is left out).
    pub fn ranks_of(&self, ids: impl IntoIterator<Item = i64>) -> RoaringBitmap {
        ids.into_iter().filter_map(|id| self.rank(id)).collect()
    }

    /// About how many bytes the index holds in memory.
    pub fn heap_bytes(&self) -> usize {
        let bitmaps = |map: &HashMap<i64, Arc<RoaringBitmap>>| {
            map.values().map(|b| b.serialized_size()).sum::<usize>()
        };
        self.ids.capacity() * 4
            + self.rank_of.heap_bytes()
            + self.start.capacity() * 4
            + self.ends.heap_bytes()
            + self.kind.capacity()
            + self.class.capacity()
            + self.label.capacity() * 2
            + self.labels.iter().map(|l| l.capacity() + 24).sum::<usize>()
            + bitmaps(&self.people)
            + bitmaps(&self.topics)
            + bitmaps(&self.organizations)
            + bitmaps(&self.countries)
            + self
                .kind_events
                .iter()
                .map(|b| b.serialized_size())
                .sum::<usize>()
    }

    /// How many events the index holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The events whose text matches an FTS5 expression. The latest few expressions' answers
    /// are kept with the index (so for its revision only): a popular search is read once.
    pub async fn text_matches(
        &self,
        conn: &mut SqliteConnection,
        fts: &str,
    ) -> Result<Arc<RoaringBitmap>, sqlx::Error> {
        if let Some(hit) = self.texts().get(fts) {
            return Ok(hit);
        }
        // The same rows, read without the prefix's whole list where its terms can be named.
        let quick = super::search::expression(conn, fts).await?;
        let list: Option<String> = sqlx::query_scalar(
            "SELECT group_concat(rowid) FROM events_fts WHERE events_fts MATCH ?1",
        )
        .bind(&quick)
        .fetch_one(&mut *conn)
        .await?;
        let set: RoaringBitmap = list
            .as_deref()
            .map(|l| ids_in(l).filter_map(|id| self.rank(id)).collect())
            .unwrap_or_default();
        let set = Arc::new(set);
        self.texts().insert(fts, set.clone());
        Ok(set)
    }

    /// The events in force on `day` (`YYYY-MM-DD`), read from the stretches the import stored:
    /// few events are policy actions, so the answer is small and read per request.
    pub async fn in_force_on(
        &self,
        conn: &mut SqliteConnection,
        day: &str,
    ) -> Result<RoaringBitmap, sqlx::Error> {
        let mut qb = sqlx::QueryBuilder::new("SELECT group_concat(event_id) FROM (");
        super::conditions::push_in_force(&mut qb, day);
        qb.push(")");
        let list: Option<String> = qb.build_query_scalar().fetch_one(&mut *conn).await?;
        Ok(list
            .as_deref()
            .map(|l| ids_in(l).filter_map(|id| self.rank(id)).collect())
            .unwrap_or_default())
    }

    fn texts(&self) -> std::sync::MutexGuard<'_, TextCache> {
        self.texts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The first rank whose start is on or after `day`.
    fn first_starting(&self, day: i32) -> u32 {
        self.start.partition_point(|s| *s < day) as u32
    }

    /// The events whose possible dates meet the query's range.
    fn in_range(&self, q: &Conditions) -> RoaringBitmap {
        let n = self.ids.len() as u32;
        let (from, to) = bounds(q);
        let mut set = RoaringBitmap::new();
        // Ranks are in start order: `to` bounds the starts from above, and since no event spans
        // more than `max_span` days, only events starting that long before `from` (or before
        // `to`) need their end checked one by one.
        let upper = to.map_or(n, |t| self.first_starting(t.saturating_add(1)));
        match q.range {
            RangeMatch::Overlaps => {
                let sure = from.map_or(0, |f| self.first_starting(f));
                set.insert_range(sure.min(upper)..upper);
                if let Some(f) = from {
                    let earliest = self.first_starting(f.saturating_sub(self.max_span));
                    for rank in earliest..sure.min(upper) {
                        if self.end(rank as usize) >= f {
                            set.insert(rank);
                        }
                    }
                }
            }
            RangeMatch::Within => {
                let lower = from.map_or(0, |f| self.first_starting(f));
                match to {
                    None => {
                        set.insert_range(lower..upper);
                    }
                    Some(t) => {
                        let unsure = self
                            .first_starting(t.saturating_sub(self.max_span))
                            .clamp(lower, upper.max(lower));
                        set.insert_range(lower..unsure);
                        for rank in unsure..upper {
                            if self.end(rank as usize) <= t {
                                set.insert(rank);
                            }
                        }
                    }
                }
            }
        }
        set
    }

    /// The events matching the query, leaving out `except`'s condition; `text` holds the
    /// events matching the query's text, when it has one.
    pub fn matching(
        &self,
        q: &Conditions,
        except: Option<Facet>,
        text: Option<&RoaringBitmap>,
        in_force: Option<&RoaringBitmap>,
    ) -> RoaringBitmap {
        let mut set = self.in_range(q);
        let any_of = |map: &HashMap<i64, Arc<RoaringBitmap>>, ids: &[i64]| {
            let mut union = RoaringBitmap::new();
            for id in ids {
                if let Some(events) = map.get(id) {
                    union |= events.as_ref();
                }
            }
            union
        };
        for (facet, map, ids) in [
            (Facet::Officials, &self.people, &q.officials),
            (Facet::Topics, &self.topics, &q.topics),
            (Facet::Countries, &self.countries, &q.countries),
        ] {
            if except != Some(facet) && !ids.is_empty() {
                set &= any_of(map, ids);
            }
        }
        if except != Some(Facet::Kinds) && !q.kinds.is_empty() {
            let mut union = RoaringBitmap::new();
            for kind in &q.kinds {
                if let Some(code) = self.kinds.iter().position(|k| k.as_str() == *kind) {
                    union |= self.kind_events[code].as_ref();
                }
            }
            set &= union;
        }
        if q.fts.is_some() {
            match text {
                Some(text) => set &= text,
                None => set.clear(),
            }
        }
        if q.in_force.is_some() {
            match in_force {
                Some(in_force) => set &= in_force,
                None => set.clear(),
            }
        }
        set
    }

    /// The ids of up to `limit` events of `set` in the query's walk: ascending from rank
    /// `from`, or descending from below rank `below`.
    pub fn walk(
        &self,
        set: &RoaringBitmap,
        ascending: bool,
        bound: Option<u32>,
        limit: usize,
    ) -> Vec<i64> {
        let ranks: Vec<u32> = if ascending {
            set.range(bound.unwrap_or(0)..).take(limit).collect()
        } else {
            match bound {
                Some(below) => set.range(..below).rev().take(limit).collect(),
                None => set.iter().rev().take(limit).collect(),
            }
        };
        ranks
            .into_iter()
            .map(|r| i64::from(self.ids[r as usize]))
            .collect()
    }

    /// Where a cursor falls among the ranks: how many events sort before it, and how many sort
    /// before or at it. The ranks with its dates are found here; the slugs of that (small) group
    /// are compared in SQLite through the date index.
    pub async fn position(
        &self,
        conn: &mut SqliteConnection,
        cursor: &Cursor,
    ) -> Result<(u32, u32), sqlx::Error> {
        let (Some(s), Some(e)) = (day_number(&cursor.date_start), day_number(&cursor.date_end))
        else {
            return Ok((0, 0));
        };
        let (mut first, mut past) = (0, self.ids.len());
        while first < past {
            let mid = first + (past - first) / 2;
            if (self.start[mid], self.end(mid)) < (s, e) {
                first = mid + 1;
            } else {
                past = mid;
            }
        }
        let first = first as u32;
        let (before, at): (i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(slug < ?3), 0), coalesce(sum(slug = ?3), 0) FROM events
              WHERE date_start = ?1 AND date_end = ?2",
        )
        .bind(&cursor.date_start)
        .bind(&cursor.date_end)
        .bind(&cursor.slug)
        .fetch_one(&mut *conn)
        .await?;
        let lt = first + before as u32;
        Ok((lt, lt + at as u32))
    }

    /// The options of a facet with how many of `set` each has (of every event without one), in
    /// the maintained counts' order.
    pub fn facet_counts(&self, facet: Facet, set: Option<&RoaringBitmap>) -> Vec<Counted> {
        let values = match facet {
            Facet::Officials => &self.facet_officials,
            Facet::Topics => &self.facet_topics,
            Facet::Kinds => &self.facet_kinds,
            Facet::Countries => &self.facet_countries,
        };
        values
            .iter()
            .map(|v| Counted {
                slug: v.slug.clone(),
                name: v.name.clone(),
                count: set.map_or(v.events.len(), |set| set.intersection_len(&v.events)) as i64,
            })
            .collect()
    }

    /// The events of one record, through one of the link tables.
    pub fn events_of(&self, link: Link, id: i64) -> Option<&RoaringBitmap> {
        let map = match link {
            Link::Person => &self.people,
            Link::Topic => &self.topics,
            Link::Organization => &self.organizations,
        };
        map.get(&id).map(AsRef::as_ref)
    }

    /// The first and last day the events of `set` may have fallen on, and how many there are.
    pub fn extent(&self, set: &RoaringBitmap) -> Extent {
        Extent {
            first: set.min().map(|r| iso_of(self.start[r as usize])),
            last: self.last_end_of(set).map(iso_of),
            total: set.len() as i64,
        }
    }

    /// The last day any event of `set` may have fallen on: walked from the latest start down,
    /// only as far as an event could still end later (no event spans more than `max_span`).
    fn last_end_of(&self, set: &RoaringBitmap) -> Option<i32> {
        let mut last: Option<i32> = None;
        for rank in set.iter().rev() {
            let rank = rank as usize;
            if last.is_some_and(|l| self.start[rank].saturating_add(self.max_span) < l) {
                break;
            }
            last = last.max(Some(self.end(rank)));
        }
        last
    }

    /// Every event of the index.
    pub fn all(&self) -> RoaringBitmap {
        let mut set = RoaringBitmap::new();
        set.insert_range(0..self.ids.len() as u32);
        set
    }

    /// The extent of the whole archive.
    pub fn whole_extent(&self) -> Extent {
        Extent {
            first: self.start.first().map(|s| iso_of(*s)),
            last: self.last_end.map(iso_of),
            total: self.ids.len() as i64,
        }
    }

    /// `per_period` of the whole archive, worked out once.
    pub fn whole_per_period(&self, period: Period, stack: Stack) -> &[PeriodCount] {
        let at = match period {
            Period::Month => 0,
            Period::Year => 2,
        } + match stack {
            Stack::Class => 0,
            Stack::Kind => 1,
        };
        self.whole.per_period[at]
            .get_or_init(|| self.per_period(&self.all(), &Conditions::default(), period, stack))
    }

    /// `spans` of the whole archive, worked out once; the first `limit`.
    pub fn whole_spans(&self, period: Period, limit: usize) -> &[SpanCount] {
        let at = match period {
            Period::Month => 0,
            Period::Year => 1,
        };
        let all = self.whole.spans[at]
            .get_or_init(|| self.spans(&self.all(), &Conditions::default(), period, usize::MAX));
        &all[..limit.min(all.len())]
    }

    /// Works out the whole archive's chart now, so no first request waits for it.
    pub fn warm(&self) {
        for period in [Period::Month, Period::Year] {
            for stack in [Stack::Class, Stack::Kind] {
                self.whole_per_period(period, stack);
            }
            self.whole_spans(period, 0);
        }
    }

    /// The period an event is known to lie within, if it lies within the range `bounds` too.
    fn within_one_period(
        &self,
        rank: usize,
        bounds: Bounds,
        periods: &mut PeriodCursor,
    ) -> Option<i32> {
        let (s, e) = (self.start[rank], self.end(rank));
        if bounds.0.is_some_and(|f| s < f) || bounds.1.is_some_and(|t| e > t) {
            return None;
        }
        periods.one_period(s, e)
    }

    /// The events of `set` known to lie within one period, counted per period and series, in
    /// the order of period then series.
    pub fn per_period(
        &self,
        set: &RoaringBitmap,
        q: &Conditions,
        period: Period,
        stack: Stack,
    ) -> Vec<PeriodCount> {
        self.chart(set, q, period, stack, 0).0
    }

    /// The events of `set` not known to lie within one period, grouped by their span of
    /// possible dates, the most numerous first.
    pub fn spans(
        &self,
        set: &RoaringBitmap,
        q: &Conditions,
        period: Period,
        limit: usize,
    ) -> Vec<SpanCount> {
        self.chart(set, q, period, Stack::Class, limit).1
    }

    /// A chart's two parts in one walk of `set`: its events known to lie within one period,
    /// counted per period and series (`per_period`), and the others grouped by their span of
    /// possible dates, the `limit` most numerous (`spans`). A busy record's set is walked once
    /// for both (60,000 events, each a read of its dates out of 1M: the walk is the cost).
    pub fn chart(
        &self,
        set: &RoaringBitmap,
        q: &Conditions,
        period: Period,
        stack: Stack,
        limit: usize,
    ) -> (Vec<PeriodCount>, Vec<SpanCount>) {
        let bounds = bounds(q);
        let mut periods = PeriodCursor::new(period);
        let (series_of, names) = match stack {
            Stack::Class => (&self.class, &self.classes),
            Stack::Kind => (&self.kind, &self.kinds),
        };
        // Ranks are in (start, end) order, so the events of one period come together, and
        // those of one span: each period's counts are kept per series until the next period
        // begins, and a span's group is the run of its events (no hashing per event).
        let mut rows: Vec<PeriodCount> = Vec::new();
        let mut current: Option<i32> = None;
        let mut counts = vec![0i64; names.len()];
        let flush = |key: i32, counts: &mut [i64], rows: &mut Vec<PeriodCount>| {
            for (series, count) in counts.iter_mut().enumerate() {
                if *count > 0 {
                    rows.push(PeriodCount {
                        period: period.name_of(key),
                        series: names[series].clone(),
                        count: std::mem::take(count),
                    });
                }
            }
        };
        let mut groups: Vec<SpanGroup> = Vec::new();
        for rank in set {
            let rank = rank as usize;
            match self.within_one_period(rank, bounds, &mut periods) {
                Some(key) => {
                    if current != Some(key) {
                        if let Some(done) = current {
                            flush(done, &mut counts, &mut rows);
                        }
                        current = Some(key);
                    }
                    if let Some(count) = counts.get_mut(usize::from(series_of[rank])) {
                        *count += 1;
                    }
                }
                None => {
                    let span = (self.start[rank], self.end(rank));
                    let label = self.labels[self.label[rank] as usize].as_str();
                    match groups.last_mut() {
                        Some((last, group)) if *last == span => {
                            group.0 += 1;
                            if label < group.1 {
                                group.1 = label;
                            }
                        }
                        _ => groups.push((span, (1, label))),
                    }
                }
            }
        }
        if let Some(done) = current {
            flush(done, &mut counts, &mut rows);
        }
        rows.sort_by(|a, b| (&a.period, &a.series).cmp(&(&b.period, &b.series)));
        // A period or a span met twice (never, in rank order) is one row or group.
        rows.dedup_by(|later, kept| {
            let same = later.period == kept.period && later.series == kept.series;
            if same {
                kept.count += later.count;
            }
            same
        });
        groups.sort_by_key(|(span, _)| *span);
        groups.dedup_by(|(later_span, later), (kept_span, kept)| {
            let same = later_span == kept_span;
            if same {
                kept.0 += later.0;
                kept.1 = kept.1.min(later.1);
            }
            same
        });
        groups.sort_by(|(a_span, (a_n, _)), (b_span, (b_n, _))| {
            b_n.cmp(a_n).then(a_span.cmp(b_span))
        });
        let spans = groups
            .into_iter()
            .take(limit)
            .map(|((s, e), (count, label))| SpanCount {
                date_start: iso_of(s),
                date_end: iso_of(e),
                label: label.to_owned(),
                count,
            })
            .collect();
        (rows, spans)
    }
}

/// The revision a connection reads: the latest, or 0 before any import.
pub async fn latest_revision(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM revisions")
        .fetch_one(&mut *conn)
        .await
}

/// Builds the index of the rows as they stand on `conn` and stores it in place of the previous
/// revision's: what an import (and `generate`) does inside its write transaction, so the stored
/// index and the rows commit, or fail, together.
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), BuildError> {
    EventIndex::build(conn).await?.store(conn).await
}

/// A read transaction and the event index of the revision it reads: a request's rows and its
/// index come from one data revision by construction.
pub struct Snapshot {
    pub tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    pub index: Arc<EventIndex>,
    /// The revision the transaction sees, and when it last changed (`None` before any import).
    pub stamp: Option<super::revisions::Stamp>,
}

/// Every state `SharedIndex::status` reports, as `/healthz` and `/metrics` name them.
pub const STATES: [&str; 2] = ["ready", "loading"];

/// The event index shared by every request: the latest revision's, kept in memory, loaded from
/// what the import stored (`event_index`) when a request first reads a newer revision.
#[derive(Default)]
pub struct SharedIndex {
    current: Mutex<Option<Arc<EventIndex>>>,
    /// Held while an index is loaded, so a new revision is loaded once, not by every request
    /// that meets it.
    loading: tokio::sync::Mutex<()>,
}

impl fmt::Debug for SharedIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedIndex")
            .field("revision", &self.current().map(|i| i.revision))
            .finish_non_exhaustive()
    }
}

impl SharedIndex {
    /// The index in memory, of whichever revision was last loaded.
    pub fn current(&self) -> Option<Arc<EventIndex>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Begins a read transaction and finds the index of the revision it reads.
    pub async fn snapshot(&self, pool: &SqlitePool) -> Result<Snapshot, BuildError> {
        let mut tx = pool.begin().await?;
        // The transaction's first read fixes what it sees: the revision, then every row.
        let stamp = super::revisions::latest_stamp(&mut *tx).await?;
        let index = self
            .of_revision(&mut tx, stamp.map_or(0, |(id, _)| id))
            .await?;
        Ok(Snapshot { tx, index, stamp })
    }

    /// The index of `revision`, which `conn` reads: from memory, else from what the import
    /// stored, else (a database written before indexes were stored) built from the rows.
    pub async fn of_revision(
        &self,
        conn: &mut SqliteConnection,
        revision: i64,
    ) -> Result<Arc<EventIndex>, BuildError> {
        if let Some(index) = self.current().filter(|i| i.revision == revision) {
            return Ok(index);
        }
        let _loading = self.loading.lock().await;
        let current = self.current();
        if let Some(index) = current.as_ref().filter(|i| i.revision == revision) {
            return Ok(index.clone());
        }
        let started = std::time::Instant::now();
        let (index, how) = match EventIndex::load(conn, revision).await? {
            Some(index) => (index, "loaded"),
            None => (EventIndex::build(conn).await?, "built from the rows"),
        };
        index.log(how, started);
        let index = Arc::new(index);
        // A request that began before an import may still read the revision before it: it gets
        // its own index, but the newer one stays.
        if current.is_none_or(|c| c.revision < revision) {
            *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(index.clone());
        }
        Ok(index)
    }

    /// At start-up, before serving: stores the latest revision's index if the database holds
    /// none for it (a database from before indexes were stored), then loads it.
    pub async fn prepare(&self, pool: &SqlitePool) -> Result<Arc<EventIndex>, BuildError> {
        let started = std::time::Instant::now();
        let mut tx = pool.begin().await?;
        let revision = latest_revision(&mut tx).await?;
        let stored: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM event_index WHERE revision = ?1 AND part = 'names')",
        )
        .bind(revision)
        .fetch_one(&mut *tx)
        .await?;
        if stored || revision == 0 {
            drop(tx);
            match self.snapshot(pool).await {
                Ok(snapshot) => return Ok(snapshot.index),
                // Stored in a shape this version does not read: stored again below.
                Err(BuildError::Shape) => {
                    tracing::warn!("the stored event index is of another shape; storing it again");
                    tx = pool.begin().await?;
                }
                Err(error) => return Err(error),
            }
        }
        let index = EventIndex::build(&mut tx).await?;
        match index.store(&mut tx).await {
            Ok(()) => tx.commit().await?,
            Err(error) => {
                tracing::warn!(%error, "cannot store the event index (a read-only database?); it is built at every start");
            }
        }
        index.log("built and stored", started);
        let index = Arc::new(index);
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(index.clone());
        Ok(index)
    }

    /// `ready` when the index in memory is of the latest revision as last read, `loading` while a
    /// newer one is still to be loaded (by the next request that reads it): one of `STATES`.
    pub fn status(&self, latest: Option<i64>) -> &'static str {
        match (self.current(), latest) {
            (Some(index), Some(latest)) if index.revision >= latest => STATES[0],
            (Some(_), None) => STATES[0],
            _ => STATES[1],
        }
    }
}

impl EventIndex {
    fn log(&self, how: &str, started: std::time::Instant) {
        tracing::info!(
            revision = self.revision,
            events = self.len(),
            mib = self.heap_bytes() / (1024 * 1024),
            ms = started.elapsed().as_millis() as u64,
            "event index {how}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_eras() {
        for iso in [
            "1970-01-01",
            "1969-12-31",
            "2000-02-29",
            "2023-08-29",
            "1900-03-01",
            "0001-01-01",
            "9999-12-31",
        ] {
            let day = day_number(iso).unwrap();
            assert_eq!(iso_of(day), iso);
        }
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2023-08-29"), Some(19_598));
        assert_eq!(day_number("2023-8-29"), None);
        assert_eq!(day_number("2023-13-01"), None);
    }

    #[test]
    fn the_period_cursor_agrees_with_the_calendar_in_any_order() {
        let first = day_number("1999-11-15").unwrap();
        let last = day_number("2001-03-10").unwrap();
        // Forwards, backwards and jumping about, as timeline order and ties walk.
        let days: Vec<i32> = (first..=last)
            .chain((first..=last).rev())
            .chain((first..=last).step_by(37))
            .collect();
        for period in [Period::Month, Period::Year] {
            let mut cursor = PeriodCursor::new(period);
            for (i, &start) in days.iter().enumerate() {
                let end = start + i32::try_from(i % 400).unwrap();
                let one = period.key(start) == period.key(end);
                assert_eq!(
                    cursor.one_period(start, end),
                    one.then(|| period.key(start)),
                    "{period:?} {} to {}",
                    iso_of(start),
                    iso_of(end)
                );
            }
        }
    }

    #[test]
    fn ends_are_kept_as_offsets_when_every_span_fits_and_whole_otherwise() {
        let columns = |start: Vec<i32>, end: Vec<i32>| Columns {
            ids: (1..=start.len() as u32).collect(),
            start,
            end,
            ..Columns::default()
        };
        let short = EventIndex::from_columns(1, columns(vec![-5, 0, 10], vec![-5, 65_535, 375]));
        assert!(matches!(short.ends, Ends::Offsets(_)));
        assert_eq!(
            (0..3).map(|r| short.end(r)).collect::<Vec<_>>(),
            [-5, 65_535, 375]
        );
        let long = EventIndex::from_columns(1, columns(vec![0, 3], vec![65_536, 3]));
        assert!(matches!(long.ends, Ends::Days(_)));
        assert_eq!((0..2).map(|r| long.end(r)).collect::<Vec<_>>(), [65_536, 3]);
        assert_eq!(long.max_span, 65_536);
        assert_eq!(long.last_end, Some(65_536));
    }

    #[test]
    fn periods_key_and_name_in_date_order() {
        let aug = Period::Month.key(day_number("2023-08-31").unwrap());
        let sep = Period::Month.key(day_number("2023-09-01").unwrap());
        assert_eq!(sep, aug + 1);
        assert_eq!(Period::Month.name_of(aug), "2023-08");
        assert_eq!(
            Period::Year.name_of(Period::Year.key(day_number("1999-12-31").unwrap())),
            "1999"
        );
        assert_eq!(iso_of(day_number("2024-02-29").unwrap()), "2024-02-29");
    }
}
