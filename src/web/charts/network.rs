//! The who-met-whom graph: one column of officials per country, laid out deterministically so
//! the same record always draws the same picture. Nodes are sized by events, edges by shared
//! events; officials of one country are joined by arcs inside their column.

use std::collections::HashMap;

use super::{Num, events_phrase};
use crate::db::charts::{GraphEdge, GraphNode};

/// The drawing's coordinate width; its text is sized for it (and enlarged on narrow screens).
pub const WIDTH: f64 = 640.0;
const TOP: f64 = 56.0;
const ROW: f64 = 64.0;
const LEFT: f64 = 240.0;
const RIGHT: f64 = 400.0;

#[derive(Debug, Clone)]
pub struct NodeView {
    pub slug: String,
    pub name: String,
    pub country_slug: String,
    pub country: String,
    pub events: i64,
    pub x: Num,
    pub y: Num,
    pub r: Num,
    pub label_x: Num,
    pub label_y: Num,
    pub anchor: &'static str,
}

#[derive(Debug, Clone)]
pub struct EdgeView {
    pub a: String,
    pub b: String,
    pub a_name: String,
    pub b_name: String,
    pub shared: i64,
    /// An SVG path: a line across, or an arc within a column.
    pub d: String,
    pub width: Num,
}

#[derive(Debug, Clone)]
pub struct ColumnHead {
    pub x: Num,
    pub anchor: &'static str,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub title: String,
    pub desc: String,
    pub width: Num,
    pub height: Num,
    pub heads: Vec<ColumnHead>,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
}

/// Lays the graph out. Countries come in the order of the nodes given (by name); the first
/// column is ordered by events, each later one by the mean row of its partners (the barycentre
/// heuristic), which keeps lines across short; ties break by events, then name.
pub fn lay_out(nodes: &[GraphNode], edges: &[GraphEdge]) -> Option<Network> {
    let mut countries: Vec<(&str, &str)> = Vec::new();
    for n in nodes {
        if !countries.iter().any(|(slug, _)| *slug == n.country_slug) {
            countries.push((&n.country_slug, &n.country));
        }
    }
    if countries.is_empty() {
        return None;
    }
    // Each official's partners and the events they shared, both ways round.
    let mut partners: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for e in edges {
        partners.entry(e.a).or_default().push((e.b, e.shared));
        partners.entry(e.b).or_default().push((e.a, e.shared));
    }
    let mut row_of: HashMap<i64, f64> = HashMap::new();
    let mut columns: Vec<Vec<&GraphNode>> = Vec::new();
    for (i, (country, _)) in countries.iter().enumerate() {
        let mut members: Vec<&GraphNode> = nodes
            .iter()
            .filter(|n| n.country_slug == *country)
            .collect();
        // The mean row of the official's partners already placed, weighted by shared events;
        // computed once per official, before sorting.
        let barycentre: HashMap<i64, f64> = members
            .iter()
            .map(|n| {
                let (mut sum, mut total) = (0.0, 0.0);
                for &(other, shared) in partners.get(&n.id).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(&row) = row_of.get(&other) {
                        sum += shared as f64 * row;
                        total += shared as f64;
                    }
                }
                (n.id, if total > 0.0 { sum / total } else { f64::MAX })
            })
            .collect();
        let centre = |n: &GraphNode| barycentre.get(&n.id).copied().unwrap_or(f64::MAX);
        members.sort_by(|a, b| {
            let by_rank = b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name));
            if i == 0 {
                by_rank
            } else {
                centre(a).total_cmp(&centre(b)).then(by_rank)
            }
        });
        for (row, n) in members.iter().enumerate() {
            row_of.insert(n.id, row as f64);
        }
        columns.push(members);
    }
    let max_events = nodes.iter().map(|n| n.events).max().unwrap_or(1).max(1) as f64;
    let last = columns.len() - 1;
    let x_of = |i: usize| {
        if last == 0 {
            WIDTH / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / last as f64
        }
    };
    let mut views: Vec<NodeView> = Vec::new();
    let mut position: HashMap<i64, (f64, f64, usize)> = HashMap::new();
    for (i, members) in columns.iter().enumerate() {
        let x = x_of(i);
        for (row, n) in members.iter().enumerate() {
            let y = TOP + ROW * (row as f64 + 0.5);
            let r = 6.0 + 14.0 * (n.events as f64 / max_events).sqrt();
            position.insert(n.id, (x, y, i));
            let (label_x, label_y, anchor) = if i == 0 && last > 0 {
                (x - r - 8.0, y + 5.0, "end")
            } else if i == last && last > 0 {
                (x + r + 8.0, y + 5.0, "start")
            } else {
                (x, y + r + 16.0, "middle")
            };
            views.push(NodeView {
                slug: n.slug.clone(),
                name: n.name.clone(),
                country_slug: n.country_slug.clone(),
                country: n.country.clone(),
                events: n.events,
                x: Num(x),
                y: Num(y),
                r: Num(r),
                label_x: Num(label_x),
                label_y: Num(label_y),
                anchor,
            });
        }
    }
    let max_shared = edges.iter().map(|e| e.shared).max().unwrap_or(1).max(1) as f64;
    let by_id: HashMap<i64, &GraphNode> = nodes.iter().map(|n| (n.id, n)).collect();
    let name_of = |id: i64| by_id.get(&id).copied();
    let edge_views: Vec<EdgeView> = edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (name_of(e.a)?, name_of(e.b)?);
            let (&(ax, ay, ac), &(bx, by, bc)) = (position.get(&e.a)?, position.get(&e.b)?);
            let d = if ac == bc {
                // Within a column: bulge towards the middle of the drawing.
                let bulge = (0.45 * (ay - by).abs()).min(120.0);
                let towards = if ax <= WIDTH / 2.0 { 1.0 } else { -1.0 };
                format!(
                    "M{} {} Q{} {} {} {}",
                    Num(ax),
                    Num(ay),
                    Num(ax + towards * bulge),
                    Num((ay + by) / 2.0),
                    Num(bx),
                    Num(by)
                )
            } else {
                format!("M{} {} L{} {}", Num(ax), Num(ay), Num(bx), Num(by))
            };
            Some(EdgeView {
                a: a.slug.clone(),
                b: b.slug.clone(),
                a_name: a.name.clone(),
                b_name: b.name.clone(),
                shared: e.shared,
                d,
                width: Num(1.5 + 5.0 * (e.shared as f64 - 1.0) / (max_shared - 1.0).max(1.0)),
            })
        })
        .collect();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let heads = countries
        .iter()
        .enumerate()
        .map(|(i, (_, name))| ColumnHead {
            x: Num(x_of(i)),
            anchor: "middle",
            label: (*name).to_owned(),
        })
        .collect();
    let busiest = edge_views.iter().max_by(|a, b| {
        a.shared
            .cmp(&b.shared)
            .then_with(|| (&b.a_name, &b.b_name).cmp(&(&a.a_name, &a.b_name)))
    });
    let mut desc = format!(
        "{} officials in {} columns, one per country ({}), each circle sized by the events the official took part in; {} lines join officials who took part in the same events, thicker for more",
        nodes.len(),
        countries.len(),
        countries
            .iter()
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(" and "),
        edge_views.len()
    );
    if let Some(e) = busiest {
        desc.push_str(&format!(
            "; the most shared: {} and {}, {}",
            e.a_name,
            e.b_name,
            events_phrase(e.shared)
        ));
    }
    desc.push('.');
    Some(Network {
        title: "Who met whom: officials and the events they shared".into(),
        desc,
        width: Num(WIDTH),
        height: Num(TOP + ROW * rows as f64 + 8.0),
        heads,
        nodes: views,
        edges: edge_views,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, name: &str, country: &str, events: i64) -> GraphNode {
        GraphNode {
            id,
            slug: name.to_lowercase(),
            name: name.into(),
            country_slug: country.into(),
            country: country.to_uppercase(),
            events,
        }
    }

    fn edge(a: i64, b: i64, shared: i64) -> GraphEdge {
        GraphEdge { a, b, shared }
    }

    #[test]
    fn countries_are_columns_and_partners_line_up() {
        let nodes = [
            node(1, "Ann", "a", 5),
            node(2, "Bob", "a", 2),
            node(3, "Cy", "b", 4),
            node(4, "Di", "b", 4),
        ];
        // Di met Ann (row 0), Cy met Bob (row 1): Di goes first despite the name order.
        let edges = [edge(1, 4, 3), edge(2, 3, 1), edge(1, 2, 1)];
        let net = lay_out(&nodes, &edges).unwrap();
        let at = |slug: &str| net.nodes.iter().find(|n| n.slug == slug).unwrap();
        assert_eq!((at("ann").x.0, at("cy").x.0), (LEFT, RIGHT));
        assert!(at("ann").y < at("bob").y);
        assert!(at("di").y < at("cy").y);
        assert_eq!(at("ann").anchor, "end");
        assert_eq!(at("di").anchor, "start");
        assert!(at("ann").r > at("bob").r);
        let widest = net.edges.iter().find(|e| e.shared == 3).unwrap();
        assert_eq!(widest.width.0, 6.5);
        let same_side = net
            .edges
            .iter()
            .find(|e| e.a == "ann" && e.b == "bob")
            .unwrap();
        assert!(same_side.d.contains('Q'), "an arc within a column");
        assert!(net.desc.contains("the most shared: Ann and Di, 3 events"));
    }

    #[test]
    fn the_layout_is_deterministic() {
        let nodes = [node(1, "Ann", "a", 1), node(2, "Bo", "b", 1)];
        let edges = [edge(1, 2, 1)];
        let a = lay_out(&nodes, &edges).unwrap();
        let b = lay_out(&nodes, &edges).unwrap();
        assert_eq!(format!("{:?}", a.nodes), format!("{:?}", b.nodes));
        assert!(lay_out(&[], &[]).is_none());
    }
}
