//! The event index: every event's place in the timeline's order (its rank), its dates, kind,
//! class and date label, and for every filter value the set of its events as a compressed
//! bitmap of ranks. It is read from the database in one transaction for one data revision and
//! then answers the timeline's filters, counts, facets and charts in memory, so their cost
//! follows the size of the answer (a page of rows, a few hundred counts) rather than of the
//! archive. The rows themselves are still read from SQLite, by id.
//!
//! The index of a revision is only used while that revision is the latest: a page built while
//! an import commits is built again by the caching middleware, so a page never mixes the index
//! of one revision with the rows of another.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use roaring::RoaringBitmap;
use sqlx::SqlitePool;

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

/// An archive this large in ids per event is not indexed (ids are looked up in a dense table).
const MAX_ID_SPREAD: i64 = 16;

/// A day as a count of days from 1970-01-01 (negative before), from `YYYY-MM-DD`.
fn day_number(iso: &str) -> Option<i32> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &c in &b[range] {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// The `(year, month, day)` of a day number (Howard Hinnant's civil_from_days).
fn civil(day: i32) -> (i32, u32, u32) {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u32, d as u32)
}

/// `YYYY-MM-DD` of a day number.
fn iso_of(day: i32) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Period {
    /// A number per period, in date order.
    fn key(self, day: i32) -> i32 {
        let (y, m, _) = civil(day);
        match self {
            Period::Month => y * 12 + (m as i32 - 1),
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
    /// Ranks by event id; `u32::MAX` for an id with no event.
    rank_of: Vec<u32>,
    start: Vec<i32>,
    end: Vec<i32>,
    kind: Vec<u8>,
    class: Vec<u8>,
    label: Vec<u32>,
    kinds: Vec<String>,
    classes: Vec<String>,
    labels: Vec<String>,
    /// No event's possible dates span more days than this.
    max_span: i32,
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
    #[error("event ids are too sparse to index ({events} events, ids up to {max_id})")]
    SparseIds { events: usize, max_id: i64 },
    #[error("more than 255 kinds or classes of event")]
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
    /// Reads the index of the latest revision, in one read transaction.
    pub async fn build(pool: &SqlitePool) -> Result<Self, BuildError> {
        let mut tx = pool.begin().await?;
        let revision: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM revisions")
            .fetch_one(&mut *tx)
            .await?;
        let max_id: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM events")
            .fetch_one(&mut *tx)
            .await?;
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&mut *tx)
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
                .fetch_one(&mut *tx)
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
                .fetch_one(&mut *tx)
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
                    return Err(BuildError::SparseIds {
                        events: ids.len(),
                        max_id,
                    });
                };
                ids.push(id);
                start.push(s);
                end.push(e);
                let k = kinds.code(k);
                let c = classes.code(c);
                kind.push(u8::try_from(k).map_err(|_| BuildError::TooManyCodes)?);
                class.push(u8::try_from(c).map_err(|_| BuildError::TooManyCodes)?);
                label.push(labels.code(l));
            }
        }
        if max_id > MAX_ID_SPREAD * (ids.len() as i64 + 65_536) || max_id >= i64::from(u32::MAX) {
            return Err(BuildError::SparseIds {
                events: ids.len(),
                max_id,
            });
        }
        let mut rank_of = vec![u32::MAX; usize::try_from(max_id).unwrap_or(0) + 1];
        for (rank, id) in ids.iter().enumerate() {
            if let Some(slot) = rank_of.get_mut(*id as usize) {
                *slot = rank as u32;
            }
        }
        let max_span = start
            .iter()
            .zip(&end)
            .map(|(s, e)| e - s)
            .max()
            .unwrap_or(0);

        let mut index = Self {
            revision,
            ids,
            rank_of,
            start,
            end,
            kind,
            class,
            label,
            kinds: kinds.names,
            classes: classes.names,
            labels: labels.names,
            max_span,
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
        };
        index.people = index
            .read_links(&mut tx, "event_people", "person_id")
            .await?;
        index.topics = index
            .read_links(&mut tx, "event_topics", "topic_id")
            .await?;
        index.organizations = index
            .read_links(&mut tx, "event_organizations", "organization_id")
            .await?;
        index.countries = index
            .read_links(&mut tx, "event_countries", "country_id")
            .await?;
        let mut by_kind = vec![Vec::new(); index.kinds.len()];
        for (rank, code) in index.kind.iter().enumerate() {
            by_kind[usize::from(*code)].push(rank as u32);
        }
        index.kind_events = by_kind
            .into_iter()
            .map(|ranks| Arc::new(compact(ranks)))
            .collect();

        let values: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT facet, slug, value_id, name FROM event_value_counts
              WHERE facet IN ('official', 'topic', 'kind', 'country') ORDER BY facet, name, slug",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let empty = Arc::new(RoaringBitmap::new());
        for (facet, slug, value_id, name) in values {
            let events = match facet.as_str() {
                "official" => index.people.get(&value_id),
                "topic" => index.topics.get(&value_id),
                "country" => index.countries.get(&value_id),
                _ => index
                    .kinds
                    .iter()
                    .position(|k| *k == slug)
                    .and_then(|code| index.kind_events.get(code)),
            }
            .cloned()
            .unwrap_or_else(|| empty.clone());
            let list = match facet.as_str() {
                "official" => &mut index.facet_officials,
                "topic" => &mut index.facet_topics,
                "country" => &mut index.facet_countries,
                _ => &mut index.facet_kinds,
            };
            list.push(FacetValue { slug, name, events });
        }
        Ok(index)
    }

    /// One bitmap of ranks per value of a link table, read a value at a time.
    async fn read_links(
        &self,
        conn: &mut sqlx::SqliteConnection,
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
        let max_id = self.rank_of.len() as i64;
        let mut low = 0;
        while low < max_id {
            let high = low + LINK_SLICE;
            let pairs: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(low)
                .bind(high)
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
            low = high;
        }
        let map = sets
            .into_iter()
            .map(|(value, set)| (value, Arc::new(compact(set))))
            .collect();
        Ok(map)
    }

    fn rank(&self, id: i64) -> Option<u32> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.rank_of.get(i))
            .copied()
            .filter(|r| *r != u32::MAX)
    }

    /// About how many bytes the index holds in memory.
    pub fn heap_bytes(&self) -> usize {
        let bitmaps = |map: &HashMap<i64, Arc<RoaringBitmap>>| {
            map.values().map(|b| b.serialized_size()).sum::<usize>()
        };
        self.ids.capacity() * 4
            + self.rank_of.capacity() * 4
            + (self.start.capacity() + self.end.capacity()) * 4
            + self.kind.capacity()
            + self.class.capacity()
            + self.label.capacity() * 4
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
        pool: &SqlitePool,
        fts: &str,
    ) -> Result<Arc<RoaringBitmap>, sqlx::Error> {
        if let Some(hit) = self.texts().get(fts) {
            return Ok(hit);
        }
        let list: Option<String> = sqlx::query_scalar(
            "SELECT group_concat(rowid) FROM events_fts WHERE events_fts MATCH ?1",
        )
        .bind(fts)
        .fetch_one(pool)
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
        pool: &SqlitePool,
        day: &str,
    ) -> Result<RoaringBitmap, sqlx::Error> {
        let mut qb = sqlx::QueryBuilder::new("SELECT group_concat(event_id) FROM (");
        super::conditions::push_in_force(&mut qb, day);
        qb.push(")");
        let list: Option<String> = qb.build_query_scalar().fetch_one(pool).await?;
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
                        if self.end[rank as usize] >= f {
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
                            if self.end[rank as usize] <= t {
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
        pool: &SqlitePool,
        cursor: &Cursor,
    ) -> Result<(u32, u32), sqlx::Error> {
        let (Some(s), Some(e)) = (day_number(&cursor.date_start), day_number(&cursor.date_end))
        else {
            return Ok((0, 0));
        };
        let (mut first, mut past) = (0, self.ids.len());
        while first < past {
            let mid = first + (past - first) / 2;
            if (self.start[mid], self.end[mid]) < (s, e) {
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
        .fetch_one(pool)
        .await?;
        let lt = first + before as u32;
        Ok((lt, lt + at as u32))
    }

    /// The options of a facet with how many of `set` each has, in the maintained counts' order.
    pub fn facet_counts(&self, facet: Facet, set: &RoaringBitmap) -> Vec<Counted> {
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
                count: set.intersection_len(&v.events) as i64,
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
            last: set.iter().map(|r| self.end[r as usize]).max().map(iso_of),
            total: set.len() as i64,
        }
    }

    /// Whether an event is known to lie within one period, and within the range `bounds`.
    fn within_one_period(&self, rank: usize, bounds: Bounds, period: Period) -> bool {
        let (s, e) = (self.start[rank], self.end[rank]);
        period.key(s) == period.key(e)
            && bounds.0.is_none_or(|f| s >= f)
            && bounds.1.is_none_or(|t| e <= t)
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
        let bounds = bounds(q);
        let mut counts: HashMap<(i32, u8), i64> = HashMap::new();
        for rank in set {
            let rank = rank as usize;
            if self.within_one_period(rank, bounds, period) {
                let series = match stack {
                    Stack::Class => self.class[rank],
                    Stack::Kind => self.kind[rank],
                };
                *counts
                    .entry((period.key(self.start[rank]), series))
                    .or_default() += 1;
            }
        }
        let names = match stack {
            Stack::Class => &self.classes,
            Stack::Kind => &self.kinds,
        };
        let mut rows: Vec<PeriodCount> = counts
            .into_iter()
            .map(|((key, series), count)| PeriodCount {
                period: period.name_of(key),
                series: names[usize::from(series)].clone(),
                count,
            })
            .collect();
        rows.sort_by(|a, b| (&a.period, &a.series).cmp(&(&b.period, &b.series)));
        rows
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
        let bounds = bounds(q);
        let mut groups: HashMap<(i32, i32), (i64, &str)> = HashMap::new();
        for rank in set {
            let rank = rank as usize;
            if self.within_one_period(rank, bounds, period) {
                continue;
            }
            let label = self.labels[self.label[rank] as usize].as_str();
            let group = groups
                .entry((self.start[rank], self.end[rank]))
                .or_insert((0, label));
            group.0 += 1;
            if label < group.1 {
                group.1 = label;
            }
        }
        let mut rows: Vec<SpanGroup> = groups.into_iter().collect();
        rows.sort_by(|(a_span, (a_n, _)), (b_span, (b_n, _))| {
            b_n.cmp(a_n).then(a_span.cmp(b_span))
        });
        rows.into_iter()
            .take(limit)
            .map(|((s, e), (count, label))| SpanCount {
                date_start: iso_of(s),
                date_end: iso_of(e),
                label: label.to_owned(),
                count,
            })
            .collect()
    }
}

/// The index of the data as it stands, shared by every request: built in the background when
/// the revision changes, and used only once it has caught up with the latest revision.
#[derive(Default)]
pub struct SharedIndex {
    disabled: bool,
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    current: Option<Arc<EventIndex>>,
    /// The revision being built, so one build runs at a time.
    building: Option<i64>,
    /// A revision whose build failed: not tried again until the data changes.
    failed: Option<i64>,
}

impl fmt::Debug for SharedIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedIndex")
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl SharedIndex {
    /// A holder that never builds: every query is answered by SQLite alone.
    pub fn disabled() -> Self {
        Self {
            disabled: true,
            slot: Mutex::default(),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The index of the latest revision, if it is built. Otherwise starts building it in the
    /// background (once) and returns `None`: the caller answers from SQLite meanwhile.
    pub async fn for_latest(self: &Arc<Self>, pool: &SqlitePool) -> Option<Arc<EventIndex>> {
        if self.disabled {
            return None;
        }
        let revision = super::revisions::current_id(pool).await.ok()?;
        {
            let mut slot = self.slot();
            if let Some(index) = slot.current.as_ref().filter(|i| i.revision == revision) {
                return Some(index.clone());
            }
            if slot.building.is_some() || slot.failed == Some(revision) {
                return None;
            }
            // A stale index is of no further use: let its memory go before the next is read.
            slot.current = None;
            slot.building = Some(revision);
        }
        let shared = Arc::clone(self);
        let pool = pool.clone();
        tokio::spawn(async move {
            shared.build(&pool, Some(revision)).await;
        });
        None
    }

    /// `ready` when the index has caught up with the latest revision, `building` while it is
    /// read (starting a build if none runs), `failed` when reading it failed, `off` without one.
    pub async fn status(self: &Arc<Self>, pool: &SqlitePool) -> &'static str {
        if self.disabled {
            return "off";
        }
        if self.for_latest(pool).await.is_some() {
            return "ready";
        }
        let slot = self.slot();
        if slot.building.is_none() && slot.failed.is_some() {
            "failed"
        } else {
            "building"
        }
    }

    /// Builds the index of the latest revision now (start-up and tests).
    pub async fn build_now(self: &Arc<Self>, pool: &SqlitePool) -> Option<Arc<EventIndex>> {
        if self.disabled {
            return None;
        }
        let revision = super::revisions::current_id(pool).await.ok();
        self.build(pool, revision).await;
        self.slot().current.clone()
    }

    async fn build(&self, pool: &SqlitePool, wanted: Option<i64>) {
        let started = std::time::Instant::now();
        let built = EventIndex::build(pool).await;
        let mut slot = self.slot();
        slot.building = None;
        match built {
            Ok(index) => {
                tracing::info!(
                    revision = index.revision,
                    events = index.len(),
                    mib = index.heap_bytes() / (1024 * 1024),
                    ms = started.elapsed().as_millis() as u64,
                    "event index built"
                );
                slot.failed = None;
                slot.current = Some(Arc::new(index));
            }
            Err(error) => {
                tracing::warn!(%error, "cannot build the event index; queries run in SQLite alone");
                slot.failed = wanted;
            }
        }
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
    fn periods_key_and_name_in_date_order() {
        let aug = Period::Month.key(day_number("2023-08-31").unwrap());
        let sep = Period::Month.key(day_number("2023-09-01").unwrap());
        assert_eq!(sep, aug + 1);
        assert_eq!(Period::Month.name_of(aug), "2023-08");
        assert_eq!(
            Period::Year.name_of(Period::Year.key(day_number("1999-12-31").unwrap())),
            "1999"
        );
        assert_eq!(civil(day_number("2024-02-29").unwrap()), (2024, 2, 29));
    }
}
