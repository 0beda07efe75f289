//! The oracle: the timeline filter's meaning written as plain SQL over the tables, with no
//! index, bound or shortcut, and the check that the event index (the one engine the site
//! answers with) agrees with it. An event matches a date range when any day it may have fallen
//! on lies within the range, or, with `range=within`, when every day it may have fallen on
//! does; the chart counts an event in a period when it is known to lie within that period and
//! within the range.
#![allow(dead_code)]

use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use tradewatch::db::Counted;
use tradewatch::db::charts::{self, Extent, Period, PeriodCount, SpanCount, Stack};
use tradewatch::db::events::{self, Conditions, Cursor, EventQuery, Facet, Side};
use tradewatch::db::index::{Link, SharedIndex};
use tradewatch::domain::TimelineFilter;
use tradewatch::domain::filter::{RangeMatch, Sort};

fn push_ids(qb: &mut QueryBuilder<Sqlite>, ids: &[i64]) {
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// ` WHERE …`: the query's conditions on events aliased `e`, leaving out `except`'s.
pub fn push_conditions(qb: &mut QueryBuilder<Sqlite>, q: &Conditions, except: Option<Facet>) {
    qb.push(" WHERE 1 = 1");
    for (facet, table, column, ids) in [
        (Facet::Officials, "event_people", "person_id", &q.officials),
        (Facet::Topics, "event_topics", "topic_id", &q.topics),
        (
            Facet::Countries,
            "event_countries",
            "country_id",
            &q.countries,
        ),
    ] {
        if except == Some(facet) || ids.is_empty() {
            continue;
        }
        qb.push(format!(
            " AND e.id IN (SELECT event_id FROM {table} WHERE {column} IN ("
        ));
        push_ids(qb, ids);
        qb.push("))");
    }
    if except != Some(Facet::Kinds) && !q.kinds.is_empty() {
        qb.push(" AND e.kind IN (");
        let mut list = qb.separated(", ");
        for kind in &q.kinds {
            list.push_bind(*kind);
        }
        qb.push(")");
    }
    let (from_column, to_column) = match q.range {
        RangeMatch::Overlaps => ("e.date_end", "e.date_start"),
        RangeMatch::Within => ("e.date_start", "e.date_end"),
    };
    if let Some(from) = &q.from {
        qb.push(format!(" AND {from_column} >= "))
            .push_bind(from.clone());
    }
    if let Some(to) = &q.to {
        qb.push(format!(" AND {to_column} <= "))
            .push_bind(to.clone());
    }
    if let Some(fts) = &q.fts {
        qb.push(" AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ")
            .push_bind(fts.clone())
            .push(")");
    }
    if let Some(day) = &q.in_force {
        qb.push(" AND e.id IN (SELECT event_id FROM event_in_force WHERE from_day <= ")
            .push_bind(day.clone())
            .push(" AND (until_day IS NULL OR until_day > ")
            .push_bind(day.clone())
            .push("))");
    }
}

/// The matching events' slugs in the query's order.
pub async fn ordered(pool: &SqlitePool, q: &Conditions) -> Vec<String> {
    let mut qb = QueryBuilder::new("SELECT e.slug FROM events e");
    push_conditions(&mut qb, q, None);
    qb.push(match q.sort {
        Sort::Asc => " ORDER BY e.date_start, e.date_end, e.slug",
        Sort::Desc => " ORDER BY e.date_start DESC, e.date_end DESC, e.slug DESC",
    });
    qb.build_query_scalar().fetch_all(pool).await.unwrap()
}

/// Every value of a facet that has any event, with how many events match it and the other
/// conditions, in the facets' order (kinds by name; the others by name, then slug).
pub async fn facet_counts(pool: &SqlitePool, q: &Conditions, facet: Facet) -> Vec<Counted> {
    let mut qb = QueryBuilder::new("WITH matched(id) AS (SELECT e.id FROM events e");
    push_conditions(&mut qb, q, Some(facet));
    qb.push(") ");
    // `counted` yields (key, n) over the matching events; each value with any event is listed.
    let values = match facet {
        Facet::Officials => {
            "SELECT p.slug, p.name, coalesce(c.n, 0) AS count FROM people p
               LEFT JOIN (SELECT x.person_id AS key, COUNT(*) AS n FROM matched m JOIN event_people x ON x.event_id = m.id GROUP BY 1) c ON c.key = p.id
              WHERE p.id IN (SELECT person_id FROM event_people) ORDER BY p.name, p.slug"
        }
        Facet::Topics => {
            "SELECT t.slug, t.name, coalesce(c.n, 0) AS count FROM topics t
               LEFT JOIN (SELECT x.topic_id AS key, COUNT(*) AS n FROM matched m JOIN event_topics x ON x.event_id = m.id GROUP BY 1) c ON c.key = t.id
              WHERE t.id IN (SELECT topic_id FROM event_topics) ORDER BY t.name, t.slug"
        }
        Facet::Countries => {
            "SELECT k.slug, k.name, coalesce(c.n, 0) AS count FROM countries k
               LEFT JOIN (SELECT x.country_id AS key, COUNT(*) AS n FROM matched m JOIN event_countries x ON x.event_id = m.id GROUP BY 1) c ON c.key = k.id
              WHERE k.id IN (SELECT country_id FROM event_countries) ORDER BY k.name, k.slug"
        }
        Facet::Kinds => {
            "SELECT k.kind AS slug, k.kind AS name, coalesce(c.n, 0) AS count FROM (SELECT DISTINCT kind FROM events) k
               LEFT JOIN (SELECT e.kind AS key, COUNT(*) AS n FROM matched m JOIN events e ON e.id = m.id GROUP BY 1) c ON c.key = k.kind
              ORDER BY k.kind"
        }
    };
    qb.push(values);
    qb.build_query_as().fetch_all(pool).await.unwrap()
}

pub async fn extent(pool: &SqlitePool, q: &Conditions) -> Extent {
    let mut qb = QueryBuilder::new(
        "SELECT min(e.date_start) AS first, max(e.date_end) AS last, COUNT(*) AS total FROM events e",
    );
    push_conditions(&mut qb, q, None);
    qb.build_query_as().fetch_one(pool).await.unwrap()
}

fn prefix(period: Period) -> usize {
    match period {
        Period::Month => 7,
        Period::Year => 4,
    }
}

/// " AND …": known to lie within one period, and within the query's range.
fn push_within_one_period(qb: &mut QueryBuilder<Sqlite>, q: &Conditions, period: Period) {
    let n = prefix(period);
    qb.push(format!(
        " AND substr(e.date_start, 1, {n}) = substr(e.date_end, 1, {n})"
    ));
    if let Some(from) = &q.from {
        qb.push(" AND e.date_start >= ").push_bind(from.clone());
    }
    if let Some(to) = &q.to {
        qb.push(" AND e.date_end <= ").push_bind(to.clone());
    }
}

pub async fn per_period(
    pool: &SqlitePool,
    q: &Conditions,
    period: Period,
    stack: Stack,
) -> Vec<PeriodCount> {
    let n = prefix(period);
    let series = match stack {
        Stack::Class => "e.class",
        Stack::Kind => "e.kind",
    };
    let mut qb = QueryBuilder::new(format!(
        "SELECT substr(e.date_start, 1, {n}) AS period, {series} AS series, COUNT(*) AS count FROM events e"
    ));
    push_conditions(&mut qb, q, None);
    push_within_one_period(&mut qb, q, period);
    qb.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    qb.build_query_as().fetch_all(pool).await.unwrap()
}

pub async fn spans(
    pool: &SqlitePool,
    q: &Conditions,
    period: Period,
    limit: i64,
) -> Vec<SpanCount> {
    let mut qb = QueryBuilder::new(
        "SELECT e.date_start, e.date_end, min(e.date_label) AS label, COUNT(*) AS count FROM events e",
    );
    push_conditions(&mut qb, q, None);
    qb.push(" AND NOT (1 = 1");
    push_within_one_period(&mut qb, q, period);
    qb.push(
        ") GROUP BY e.date_start, e.date_end ORDER BY count DESC, e.date_start, e.date_end LIMIT ",
    )
    .push_bind(limit);
    qb.build_query_as().fetch_all(pool).await.unwrap()
}

/// A record's latest events (at most `limit`) in date order, and how many it has.
pub async fn of_record(pool: &SqlitePool, link: Link, id: i64, limit: i64) -> (Vec<String>, i64) {
    let (table, column) = match link {
        Link::Person => ("event_people", "person_id"),
        Link::Topic => ("event_topics", "topic_id"),
        Link::Organization => ("event_organizations", "organization_id"),
    };
    let mut latest: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT e.slug FROM events e WHERE e.id IN (SELECT event_id FROM {table} WHERE {column} = ?1)
          ORDER BY e.date_start DESC, e.date_end DESC, e.slug DESC LIMIT ?2"
    )))
    .bind(id)
    .bind(limit)
    .fetch_all(pool)
    .await
    .unwrap();
    latest.reverse();
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {table} WHERE {column} = ?1"
    )))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap();
    (latest, count)
}

fn same_counts(what: &str, engine: &[Counted], oracle: &[Counted]) {
    let e: Vec<_> = engine.iter().map(|c| (&c.slug, &c.name, c.count)).collect();
    let o: Vec<_> = oracle.iter().map(|c| (&c.slug, &c.name, c.count)).collect();
    assert_eq!(e, o, "{what}");
}

/// The engine's answer to a timeline query string (with `stack`, which only the chart reads)
/// checked against the oracle: the total, the pages reached by following cursors both ways,
/// every facet's counts, and the chart's extent, periods and spans by month and year. Returns
/// how many answers were compared; `None` when the filter is refused (a bad value).
pub async fn check(pool: &SqlitePool, index: &SharedIndex, query: &str) -> Option<usize> {
    let filter_query: String = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "stack")
        .fold(
            form_urlencoded::Serializer::new(String::new()),
            |mut s, (k, v)| {
                s.append_pair(&k, &v);
                s
            },
        )
        .finish();
    let filter = TimelineFilter::from_query(&filter_query).ok()?;
    let mut snapshot = index.snapshot(pool).await.unwrap();
    let q: EventQuery =
        match events::resolve(&mut snapshot.tx, snapshot.index.clone(), &filter).await {
            Ok(q) => q,
            Err(_) => return None,
        };
    let c = &q.conditions;
    let mut compared = 0;
    let expected = ordered(pool, c).await;
    assert_eq!(
        events::count_matching(&q),
        expected.len() as i64,
        "{query}: total"
    );
    compared += 1;

    // Pages of 7 forwards from the start, then back from the third page.
    let limit = 7;
    let mut at: Option<Cursor> = None;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let rows = events::page(
            &mut snapshot.tx,
            &q,
            at.as_ref().map(|c| (c, Side::After)),
            limit,
        )
        .await
        .unwrap();
        let slugs: Vec<String> = rows.iter().map(|r| r.slug.clone()).collect();
        let from = seen.len();
        let want: Vec<String> = expected
            .iter()
            .skip(from)
            .take(limit as usize)
            .cloned()
            .collect();
        assert_eq!(slugs, want, "{query}: the page after {at:?}");
        compared += 1;
        seen.extend(slugs);
        match rows.last() {
            Some(last) => at = Some(Cursor::after(last)),
            None => break,
        }
    }
    if let Some(last) = &at {
        let rows = events::page(&mut snapshot.tx, &q, Some((last, Side::Before)), limit)
            .await
            .unwrap();
        let slugs: Vec<String> = rows.iter().map(|r| r.slug.clone()).collect();
        let end = seen.len() - 1;
        let want: Vec<String> = expected[end.saturating_sub(limit as usize)..end].to_vec();
        assert_eq!(slugs, want, "{query}: the page before {last:?}");
        compared += 1;
    }

    for facet in [
        Facet::Officials,
        Facet::Topics,
        Facet::Kinds,
        Facet::Countries,
    ] {
        same_counts(
            &format!("{query}: {facet:?}"),
            &events::facet_counts(&q, facet),
            &facet_counts(pool, c, facet).await,
        );
        compared += 1;
    }

    let (engine, oracle) = (charts::extent(&q), extent(pool, c).await);
    assert_eq!(
        (engine.first, engine.last, engine.total),
        (oracle.first, oracle.last, oracle.total),
        "{query}: extent"
    );
    for period in [Period::Month, Period::Year] {
        for stack in [Stack::Class, Stack::Kind] {
            assert_eq!(
                charts::per_period(&q, period, stack),
                per_period(pool, c, period, stack).await,
                "{query}: per {period:?} by {stack:?}"
            );
        }
        assert_eq!(
            charts::spans(&q, period, 30),
            spans(pool, c, period, 30).await,
            "{query}: spans by {period:?}"
        );
        compared += 3;
    }
    Some(compared)
}

/// A record's events as the engine lists them, checked against the oracle.
pub async fn check_record(pool: &SqlitePool, index: &SharedIndex, link: Link, id: i64) {
    let mut snapshot = index.snapshot(pool).await.unwrap();
    let rows = events::of_record(&mut snapshot.tx, &snapshot.index, link, id)
        .await
        .unwrap();
    let slugs: Vec<String> = rows.into_iter().map(|r| r.slug).collect();
    let count = events::count_of_record(&snapshot.index, link, id);
    assert_eq!(
        (slugs, count),
        of_record(pool, link, id, events::RECORD_EVENTS).await,
        "{link:?} {id}"
    );
}
