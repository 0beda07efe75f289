//! Ranked bars: one row per record, its name and count written above a bar from zero.

use super::{Num, events_phrase};
use crate::db::Counted;

/// Rows drawn; a longer list is cut to the first ones, and the chart says so.
pub const MAX_ROWS: usize = 12;
const ROW: f64 = 36.0;

#[derive(Debug, Clone)]
pub struct RankedRow {
    pub slug: String,
    pub name: String,
    pub count: i64,
    pub href: String,
    pub width: Num,
    pub text_y: Num,
    pub bar_y: Num,
}

#[derive(Debug, Clone)]
pub struct RankedChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    /// What a count counts, for the table's header: "Shared events".
    pub measure: String,
    pub height: Num,
    pub rows: Vec<RankedRow>,
    /// Records left out of the drawing (they are in the list beside it).
    pub left_out: usize,
}

/// Lays the rows out, largest first as given; `href` makes each row's link.
pub fn lay_out(
    id: &str,
    title: String,
    measure: &str,
    counted: &[Counted],
    href: impl Fn(&Counted) -> String,
) -> Option<RankedChart> {
    let max = counted.iter().map(|c| c.count).max()?.max(1);
    let rows: Vec<RankedRow> = counted
        .iter()
        .take(MAX_ROWS)
        .enumerate()
        .map(|(i, c)| {
            let top = ROW * i as f64;
            RankedRow {
                slug: c.slug.clone(),
                name: c.name.clone(),
                count: c.count,
                href: href(c),
                // Zero-based: a bar's length is its count over the largest.
                width: Num(100.0 * c.count as f64 / max as f64),
                text_y: Num(top + 14.0),
                bar_y: Num(top + 20.0),
            }
        })
        .collect();
    let mut desc = format!(
        "Bars from zero, one per row, longest first: {}",
        rows.iter()
            .map(|r| format!("{} {}", r.name, events_phrase(r.count)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    desc.push('.');
    Some(RankedChart {
        id: id.to_owned(),
        title,
        desc,
        measure: measure.to_owned(),
        height: Num(ROW * rows.len() as f64),
        left_out: counted.len() - rows.len(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(slug: &str, count: i64) -> Counted {
        Counted {
            slug: slug.into(),
            name: slug.to_uppercase(),
            count,
        }
    }

    #[test]
    fn bars_are_proportional_to_the_largest_from_zero() {
        let chart = lay_out(
            "m",
            "Met".into(),
            "Shared events",
            &[counted("a", 4), counted("b", 1)],
            |c| format!("/officials/{}", c.slug),
        )
        .unwrap();
        assert_eq!(chart.rows[0].width.0, 100.0);
        assert_eq!(chart.rows[1].width.0, 25.0);
        assert_eq!(chart.rows[1].href, "/officials/b");
        assert_eq!(chart.height.0, 72.0);
        assert!(chart.desc.contains("A 4 events, B 1 event"));
    }

    #[test]
    fn nothing_to_rank_draws_nothing_and_long_lists_are_cut() {
        assert!(lay_out("m", "t".into(), "x", &[], |_| String::new()).is_none());
        let many: Vec<Counted> = (0..20).map(|i| counted(&format!("p{i}"), 20 - i)).collect();
        let chart = lay_out("m", "t".into(), "x", &many, |_| String::new()).unwrap();
        assert_eq!((chart.rows.len(), chart.left_out), (MAX_ROWS, 8));
    }
}
