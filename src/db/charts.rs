//! Aggregates the charts draw: events counted per period and class or kind, the spans of events
//! dated too coarsely for a period, and the who-met-whom graph. Every query groups in SQL over
//! plain columns, so no chart loads events one by one.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::conditions::push_conditions;
use super::events::EventQuery;
pub use super::series::{Extent, Period, PeriodCount, SpanCount, Stack};

#[tracing::instrument(skip(pool))]
pub async fn extent(pool: &SqlitePool, q: &EventQuery) -> Result<Extent, sqlx::Error> {
    // With no conditions at all (the whole archive) the chart's figures are maintained at
    // import (`event_period_counts`, `event_span_counts`, `event_date_bounds`) and read rather
    // than counted, so the unfiltered timeline costs the same at any size.
    if q.is_unfiltered_except(None) {
        let maintained = sqlx::query_as(
            "SELECT b.first_day AS first, b.last_day AS last,
                    coalesce((SELECT count FROM event_value_counts WHERE facet = 'all' AND slug = 'all'), 0) AS total
               FROM event_date_bounds b WHERE b.id = 1",
        )
        .fetch_optional(pool)
        .await?;
        return Ok(maintained.unwrap_or_default());
    }
    if let Some(indexed) = &q.index {
        return Ok(indexed.index.extent(&indexed.matching(q, None)));
    }
    let mut qb = QueryBuilder::new(
        "SELECT min(e.date_start) AS first, max(e.date_end) AS last, COUNT(*) AS total FROM events e",
    );
    push_conditions(&mut qb, q, None);
    qb.build_query_as().fetch_one(pool).await
}

/// Appends the condition "known to lie within one period, and within the filter's range".
/// `from`/`to` are already bound by the query's own conditions; the extra bounds make an event
/// that only overlaps the range (an August event for a range starting on 15 August) fall outside
/// every period rather than be drawn where it may not belong.
fn push_within_one_period(qb: &mut QueryBuilder<Sqlite>, q: &EventQuery, period: Period) {
    let n = period.prefix();
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

/// The matching events known to lie within one period, counted per period and series.
#[tracing::instrument(skip(pool))]
pub async fn per_period(
    pool: &SqlitePool,
    q: &EventQuery,
    period: Period,
    stack: Stack,
) -> Result<Vec<PeriodCount>, sqlx::Error> {
    if q.is_unfiltered_except(None) {
        return sqlx::query_as(
            "SELECT period, series, count FROM event_period_counts
              WHERE bin = ?1 AND stack = ?2 ORDER BY period, series",
        )
        .bind(period.bin())
        .bind(stack.name())
        .fetch_all(pool)
        .await;
    }
    if let Some(indexed) = &q.index {
        return Ok(indexed
            .index
            .per_period(&indexed.matching(q, None), q, period, stack));
    }
    let n = period.prefix();
    let series = stack.column();
    let mut qb = QueryBuilder::new(format!(
        "SELECT substr(e.date_start, 1, {n}) AS period, {series} AS series, COUNT(*) AS count FROM events e"
    ));
    push_conditions(&mut qb, q, None);
    push_within_one_period(&mut qb, q, period);
    qb.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    qb.build_query_as().fetch_all(pool).await
}

/// The matching events not known to lie within one period, grouped by their span of possible
/// dates, the most numerous first.
#[tracing::instrument(skip(pool))]
pub async fn spans(
    pool: &SqlitePool,
    q: &EventQuery,
    period: Period,
    limit: i64,
) -> Result<Vec<SpanCount>, sqlx::Error> {
    if q.is_unfiltered_except(None) {
        return sqlx::query_as(
            "SELECT date_start, date_end, label, count FROM event_span_counts
              WHERE bin = ?1 ORDER BY count DESC, date_start, date_end LIMIT ?2",
        )
        .bind(period.bin())
        .bind(limit)
        .fetch_all(pool)
        .await;
    }
    if let Some(indexed) = &q.index {
        let limit = usize::try_from(limit).unwrap_or(0);
        return Ok(indexed
            .index
            .spans(&indexed.matching(q, None), q, period, limit));
    }
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
    qb.build_query_as().fetch_all(pool).await
}

/// An official in the who-met-whom graph.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GraphNode {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub country_slug: String,
    pub country: String,
    pub events: i64,
}

/// Two officials who took part in the same events, and how many.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GraphEdge {
    pub a: i64,
    pub b: i64,
    pub shared: i64,
}

/// The `limit` officials with the most events, with their countries, read from the maintained
/// counts; and how many officials took part in any event.
#[tracing::instrument(skip(pool))]
pub async fn graph_nodes(
    pool: &SqlitePool,
    limit: i64,
) -> Result<(Vec<GraphNode>, i64), sqlx::Error> {
    let mut nodes: Vec<GraphNode> = sqlx::query_as(
        "SELECT p.id, p.slug, p.name, c.slug AS country_slug, c.name AS country, v.count AS events
           FROM event_value_counts v JOIN people p ON p.id = v.value_id JOIN countries c ON c.id = p.country_id
          WHERE v.facet = 'official'
          ORDER BY v.count DESC, p.name LIMIT ?1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    nodes.sort_by(|a, b| (&a.country, -a.events, &a.name).cmp(&(&b.country, -b.events, &b.name)));
    let all: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM event_value_counts WHERE facet = 'official'")
            .fetch_one(pool)
            .await?;
    Ok((nodes, all))
}

/// The `limit` pairs among `nodes` who shared the most events, read from the maintained pair
/// counts (one index range per official).
#[tracing::instrument(skip(pool, nodes))]
pub async fn graph_edges(
    pool: &SqlitePool,
    nodes: &[GraphNode],
    limit: i64,
) -> Result<Vec<GraphEdge>, sqlx::Error> {
    if nodes.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT pa.id AS a, pb.id AS b, x.count AS shared
           FROM event_pair_counts x JOIN people pa ON pa.slug = x.slug JOIN people pb ON pb.slug = x.other_slug
          WHERE x.facet = 'official' AND x.other_facet = 'official' AND pa.id < pb.id AND x.slug IN (",
    );
    let mut list = qb.separated(", ");
    for node in nodes {
        list.push_bind(node.slug.clone());
    }
    qb.push(") AND x.other_slug IN (");
    let mut list = qb.separated(", ");
    for node in nodes {
        list.push_bind(node.slug.clone());
    }
    qb.push(") ORDER BY shared DESC, a, b LIMIT ")
        .push_bind(limit);
    qb.build_query_as().fetch_all(pool).await
}
