//! Aggregates the charts draw: events counted per period and class or kind, the spans of events
//! dated too coarsely for a period, and the who-met-whom graph. The time chart's figures are
//! the event index's (`super::index`): the whole archive's worked out once per revision, a
//! filter's counted over its matching events; the graph reads the maintained counts.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::events::EventQuery;
pub use super::series::{Extent, Period, PeriodCount, SpanCount, Stack};

/// The first and last day the matching events may have fallen on, and how many there are.
pub fn extent(q: &EventQuery) -> Extent {
    let index = &q.index.index;
    if q.is_unfiltered_except(None) {
        return index.whole_extent();
    }
    index.extent(&q.index.matching(q, None))
}

/// The matching events known to lie within one period (and within the filter's range: an event
/// that only overlaps the range falls outside every period rather than be drawn where it may not
/// belong), counted per period and series.
pub fn per_period(q: &EventQuery, period: Period, stack: Stack) -> Vec<PeriodCount> {
    let index = &q.index.index;
    if q.is_unfiltered_except(None) {
        return index.whole_per_period(period, stack).to_vec();
    }
    index.per_period(&q.index.matching(q, None), q, period, stack)
}

/// The matching events not known to lie within one period, grouped by their span of possible
/// dates, the most numerous first.
pub fn spans(q: &EventQuery, period: Period, limit: i64) -> Vec<SpanCount> {
    let index = &q.index.index;
    let limit = usize::try_from(limit).unwrap_or(0);
    if q.is_unfiltered_except(None) {
        return index.whole_spans(period, limit).to_vec();
    }
    index.spans(&q.index.matching(q, None), q, period, limit)
}

/// `per_period` and `spans` of the matching events together, in one walk of them.
pub fn chart(
    q: &EventQuery,
    period: Period,
    stack: Stack,
    limit: i64,
) -> (Vec<PeriodCount>, Vec<SpanCount>) {
    let index = &q.index.index;
    let limit = usize::try_from(limit).unwrap_or(0);
    if q.is_unfiltered_except(None) {
        return (
            index.whole_per_period(period, stack).to_vec(),
            index.whole_spans(period, limit).to_vec(),
        );
    }
    index.chart(&q.index.matching(q, None), q, period, stack, limit)
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
#[tracing::instrument(skip(conn))]
pub async fn graph_nodes(
    conn: &mut SqliteConnection,
    limit: i64,
) -> Result<(Vec<GraphNode>, i64), sqlx::Error> {
    let mut nodes: Vec<GraphNode> = sqlx::query_as(
        "SELECT p.id, p.slug, p.name, c.slug AS country_slug, c.name AS country, v.count AS events
           FROM event_value_counts v JOIN people p ON p.id = v.value_id JOIN countries c ON c.id = p.country_id
          WHERE v.facet = 'official'
          ORDER BY v.count DESC, p.name LIMIT ?1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    nodes.sort_by(|a, b| (&a.country, -a.events, &a.name).cmp(&(&b.country, -b.events, &b.name)));
    let all: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM event_value_counts WHERE facet = 'official'")
            .fetch_one(&mut *conn)
            .await?;
    Ok((nodes, all))
}

/// The `limit` pairs among `nodes` who shared the most events, read from the maintained pair
/// counts (one index range per official).
#[tracing::instrument(skip(conn, nodes))]
pub async fn graph_edges(
    conn: &mut SqliteConnection,
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
    qb.build_query_as().fetch_all(&mut *conn).await
}
