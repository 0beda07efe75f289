//! Readouts: each side's account of an event, item by item, and the events with accounts from
//! both sides. One place reads them for the event page, the readouts list, the API and the CSV.

use std::collections::HashMap;

use roaring::RoaringBitmap;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::Named;
use super::events::{Conditions, Cursor, Side};
use super::index::EventIndex;
use crate::domain::readout::{Comparison, ComparisonCounts, TopicKey};
use crate::domain::{AccountSide, TextKind};

/// One side's account of an event, with its source.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub event_id: i64,
    /// An `AccountSide` name (a country slug), and the country's name.
    pub side: String,
    pub side_name: String,
    pub source_slug: String,
    pub source_title: String,
    pub publisher: Option<String>,
    /// The first day the publication date may denote, and its label.
    pub published: String,
    pub published_label: Option<String>,
    /// A `SourceVoice` name.
    pub voice: String,
    pub url: Option<String>,
    /// A `TextKind` name: whether items cite paragraphs or summary points.
    pub text_kind: String,
}

/// One item of an account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountItemRow {
    pub id: i64,
    pub account_id: i64,
    /// An `AccountItemKind` name.
    pub kind: String,
    pub by_slug: Option<String>,
    pub by_name: Option<String>,
    pub text: String,
    /// JSON array of `{slug, name}`, by name.
    pub topics: String,
    /// The cited paragraph or point numbers of the account's source, joined by commas.
    pub numbers: Option<String>,
}

impl AccountItemRow {
    pub fn topics(&self) -> Vec<Named> {
        serde_json::from_str(&self.topics).unwrap_or_default()
    }

    pub fn numbers(&self) -> Vec<i64> {
        self.numbers
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|n| n.parse().ok())
            .collect()
    }
}

/// An account with its items, in the dataset's order.
#[derive(Debug, Clone)]
pub struct Account {
    pub row: AccountRow,
    pub side: AccountSide,
    pub text_kind: TextKind,
    pub items: Vec<AccountItemRow>,
}

/// An item as the comparison lists it: with the account (and side) it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedItem {
    pub item: AccountItemRow,
    pub side: AccountSide,
    pub source_slug: String,
    pub text_kind: TextKind,
}

/// Everything an event's accounts show: the accounts, and their comparison by topic.
#[derive(Debug, Clone)]
pub struct EventAccounts {
    pub accounts: Vec<Account>,
    pub comparison: Comparison<ComparedItem>,
}

impl EventAccounts {
    fn new(accounts: Vec<Account>) -> Self {
        let items: Vec<(AccountSide, Vec<TopicKey>, ComparedItem)> = accounts
            .iter()
            .flat_map(|account| {
                account.items.iter().map(|item| {
                    let topics = item
                        .topics()
                        .into_iter()
                        .map(|t| TopicKey {
                            name: t.name,
                            slug: t.slug,
                        })
                        .collect();
                    let compared = ComparedItem {
                        item: item.clone(),
                        side: account.side,
                        source_slug: account.row.source_slug.clone(),
                        text_kind: account.text_kind,
                    };
                    (account.side, topics, compared)
                })
            })
            .collect();
        let comparison = Comparison::of(
            items
                .iter()
                .map(|(side, topics, item)| (*side, topics.as_slice(), item.clone())),
        );
        Self {
            accounts,
            comparison,
        }
    }

    /// The accounts of one side, in the dataset's order.
    pub fn of_side(&self, side: AccountSide) -> impl Iterator<Item = &Account> {
        self.accounts.iter().filter(move |a| a.side == side)
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    pub fn counts(&self) -> ComparisonCounts {
        self.comparison.counts()
    }
}

fn push_ids(qb: &mut QueryBuilder<Sqlite>, ids: &[i64]) {
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// The accounts of these events, with their items and comparisons, by event id. An event
/// without accounts is absent.
#[tracing::instrument(skip(conn))]
pub async fn of_events(
    conn: &mut SqliteConnection,
    event_ids: &[i64],
) -> Result<HashMap<i64, EventAccounts>, sqlx::Error> {
    if event_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT a.id, a.event_id, c.slug AS side, c.name AS side_name, s.slug AS source_slug,
                s.title AS source_title, s.publisher, s.published, s.published_label, s.voice, s.url,
                s.text_kind
           FROM event_accounts a
           JOIN countries c ON c.id = a.side_id
           JOIN sources s ON s.id = a.source_id
          WHERE a.event_id IN (",
    );
    push_ids(&mut qb, event_ids);
    qb.push(") ORDER BY a.event_id, a.position");
    let rows: Vec<AccountRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let account_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT i.id, i.account_id, i.kind, b.slug AS by_slug, b.name AS by_name, i.text,
                (SELECT json_group_array(json_object('slug', t.slug, 'name', t.name) ORDER BY t.name, t.slug)
                   FROM account_item_topics it JOIN topics t ON t.id = it.topic_id
                  WHERE it.item_id = i.id) AS topics,
                (SELECT group_concat(p.number, ',' ORDER BY p.number)
                   FROM account_item_citations ic JOIN paragraphs p ON p.id = ic.paragraph_id
                  WHERE ic.item_id = i.id) AS numbers
           FROM account_items i
           LEFT JOIN countries b ON b.id = i.by_id
          WHERE i.account_id IN (",
    );
    push_ids(&mut qb, &account_ids);
    qb.push(") ORDER BY i.account_id, i.position");
    let items: Vec<AccountItemRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut items_of: HashMap<i64, Vec<AccountItemRow>> = HashMap::new();
    for item in items {
        items_of.entry(item.account_id).or_default().push(item);
    }
    let mut by_event: HashMap<i64, Vec<Account>> = HashMap::new();
    for row in rows {
        // Only the two sides the dataset accepts are ever stored.
        let Ok(side) = row.side.parse::<AccountSide>() else {
            continue;
        };
        by_event.entry(row.event_id).or_default().push(Account {
            items: items_of.remove(&row.id).unwrap_or_default(),
            text_kind: TextKind::from_stored(&row.text_kind),
            side,
            row,
        });
    }
    Ok(by_event
        .into_iter()
        .map(|(event, accounts)| (event, EventAccounts::new(accounts)))
        .collect())
}

/// One event's accounts (empty when it has none).
pub async fn of_event(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<EventAccounts, sqlx::Error> {
    Ok(of_events(&mut *conn, &[event_id])
        .await?
        .remove(&event_id)
        .unwrap_or_else(|| EventAccounts::new(Vec::new())))
}

/// An event of the readouts list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReadoutEventRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date_start: String,
    pub date_end: String,
    pub date_precision: String,
    pub date_label: String,
}

/// A row of the readouts list: an event with accounts from both sides.
#[derive(Debug, Clone)]
pub struct Readout {
    pub event: ReadoutEventRow,
    pub accounts: EventAccounts,
}

/// The events with accounts from both sides matching the query's officials (who took part)
/// and topics (of the event or of an item of its accounts), as the index's ranks. The officials
/// and the events' own topics are filtered by the event index, as the timeline's are; which
/// events have both sides' accounts, and which accounts' items name a topic, are read on `conn`
/// (the index's revision).
async fn both_sides_set(
    conn: &mut SqliteConnection,
    index: &EventIndex,
    q: &Conditions,
) -> Result<RoaringBitmap, sqlx::Error> {
    let both: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(event_id) FROM (
           SELECT a.event_id FROM event_accounts a JOIN countries c ON c.id = a.side_id
            WHERE c.slug = 'united-states'
           INTERSECT
           SELECT a.event_id FROM event_accounts a JOIN countries c ON c.id = a.side_id
            WHERE c.slug = 'china')",
    )
    .fetch_one(&mut *conn)
    .await?;
    let mut set = index.ranks_of(ids_in(both.as_deref()));
    if !q.officials.is_empty() {
        let officials = Conditions {
            officials: q.officials.clone(),
            ..Conditions::default()
        };
        set &= index.matching(&officials, None, None, None);
    }
    if !q.topics.is_empty() {
        let topics = Conditions {
            topics: q.topics.clone(),
            ..Conditions::default()
        };
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT group_concat(DISTINCT a.event_id) FROM event_accounts a
               JOIN account_items i ON i.account_id = a.id
               JOIN account_item_topics it ON it.item_id = i.id WHERE it.topic_id IN (",
        );
        push_ids(&mut qb, &q.topics);
        qb.push(")");
        let items: Option<String> = qb.build_query_scalar().fetch_one(&mut *conn).await?;
        let mut on_topic = index.matching(&topics, None, None, None);
        on_topic |= index.ranks_of(ids_in(items.as_deref()));
        set &= on_topic;
    }
    Ok(set)
}

/// Ids from `group_concat`'s comma-separated list.
fn ids_in(list: Option<&str>) -> impl Iterator<Item = i64> + '_ {
    list.unwrap_or_default()
        .split(',')
        .filter_map(|s| s.parse().ok())
}

const READOUT_COLUMNS: &str = "SELECT e.id, e.slug, e.title, e.kind, e.date_start, e.date_end, e.date_precision, e.date_label FROM events e";

/// These events with their accounts, in the order of `ids`.
async fn with_accounts(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<Vec<Readout>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(READOUT_COLUMNS);
    qb.push(" WHERE e.id IN (");
    push_ids(&mut qb, ids);
    qb.push(")");
    let rows: Vec<ReadoutEventRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut events: HashMap<i64, ReadoutEventRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let mut accounts = of_events(&mut *conn, ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            let event = events.remove(id)?;
            let accounts = accounts.remove(id)?;
            Some(Readout { event, accounts })
        })
        .collect())
}

/// Every event with accounts from both sides matching the query's officials (who took part)
/// and topics (of the event or of an item of its accounts), newest first, read on `conn` (the
/// revision of `index`).
#[tracing::instrument(skip(conn, index))]
pub async fn both_sides(
    conn: &mut SqliteConnection,
    index: &EventIndex,
    q: &Conditions,
) -> Result<Vec<Readout>, sqlx::Error> {
    let set = both_sides_set(conn, index, q).await?;
    let ids = index.walk(&set, false, None, usize::MAX);
    with_accounts(conn, &ids).await
}

impl Readout {
    /// Its place in the readouts list (newest first), as the timeline's cursors write it.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            date_start: self.event.date_start.clone(),
            date_end: self.event.date_end.clone(),
            slug: self.event.slug.clone(),
        }
    }
}

/// One page of the readouts list, and whether there are pages before and after it.
#[derive(Debug, Clone)]
pub struct PageOfReadouts {
    pub readouts: Vec<Readout>,
    /// Every readout matching the query, on any page.
    pub total: i64,
    pub more_before: bool,
    pub more_after: bool,
}

impl PageOfReadouts {
    /// The cursor a link to the page before starts from (`before=`), when there is one.
    pub fn previous(&self) -> Option<Cursor> {
        self.readouts
            .first()
            .filter(|_| self.more_before)
            .map(Readout::cursor)
    }
    /// The cursor a link to the page after starts from (`after=` or `cursor=`), when there is
    /// one.
    pub fn next(&self) -> Option<Cursor> {
        self.readouts
            .last()
            .filter(|_| self.more_after)
            .map(Readout::cursor)
    }
}

/// One page of at most `limit` readouts (newest first) after or before `cursor`, by keyset
/// (never OFFSET), as `both_sides` orders them: walked in `index`, read on `conn`.
#[tracing::instrument(skip(conn, index))]
pub async fn both_sides_page(
    conn: &mut SqliteConnection,
    index: &EventIndex,
    q: &Conditions,
    cursor: Option<(&Cursor, Side)>,
    limit: i64,
) -> Result<PageOfReadouts, sqlx::Error> {
    let set = both_sides_set(conn, index, q).await?;
    let total = set.len() as i64;
    // After the cursor is older (further down the list); a page before it is walked from the
    // cursor upwards, then turned round.
    let backwards = matches!(cursor, Some((_, Side::Before)));
    let bound = match cursor {
        Some((c, _)) => {
            let (before, through) = index.position(conn, c).await?;
            Some(if backwards { through } else { before })
        }
        None => None,
    };
    let wanted = usize::try_from(limit).unwrap_or(0);
    // One extra event says whether there is a page beyond this one.
    let mut ids = index.walk(&set, backwards, bound, wanted.saturating_add(1));
    let beyond = ids.len() > wanted;
    ids.truncate(wanted);
    if backwards {
        ids.reverse();
    }
    let (more_before, more_after) = match cursor.map(|(_, side)| side) {
        None => (false, beyond),
        Some(Side::After) => (true, beyond),
        Some(Side::Before) => (beyond, true),
    };
    Ok(PageOfReadouts {
        readouts: with_accounts(conn, &ids).await?,
        total,
        more_before,
        more_after,
    })
}
