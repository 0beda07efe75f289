//! Charts drawn on the server as inline SVG: pure functions from counts to view models (scales,
//! ticks, bar geometry, the network's layout), rendered by the `_charts.html` templates.
//!
//! Bar charts place bars in percentages of the width and text in pixels, so they fill any width
//! while their text keeps its size: at 360 px wide a label is as large as on a desktop.

pub mod commitments;
pub mod network;
pub mod ranked;
pub mod time;

use std::fmt;

/// A number written into SVG with at most two decimals (`12.5`, `3`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = (self.0 * 100.0).round() / 100.0;
        if rounded.fract() == 0.0 {
            write!(f, "{}", rounded as i64)
        } else {
            write!(f, "{rounded}")
        }
    }
}

/// A value axis from zero: its top and the gridlines to draw, with at most `max_ticks` steps of
/// 1, 2 or 5 times a power of ten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub top: i64,
    pub ticks: Vec<i64>,
}

impl Scale {
    pub fn zero_based(max: i64, max_ticks: i64) -> Self {
        let max = max.max(1);
        let mut magnitude = 1_i64;
        let step = loop {
            if let Some(step) = [1, 2, 5]
                .into_iter()
                .map(|m| m * magnitude)
                .find(|step| (max + step - 1) / step <= max_ticks)
            {
                break step;
            }
            magnitude = magnitude.saturating_mul(10);
        };
        let top = (max + step - 1) / step * step;
        Self {
            top,
            ticks: (0..=top / step).map(|i| i * step).collect(),
        }
    }

    /// The fraction of the axis a value takes, 0 to 1.
    pub fn fraction(&self, value: i64) -> f64 {
        value as f64 / self.top as f64
    }
}

/// A count written short for an axis: `950`, `1.2k`, `34k`, `1.5M`.
pub fn compact(n: i64) -> String {
    match n {
        ..1_000 => n.to_string(),
        1_000..10_000 => trim_decimal(format!("{:.1}k", n as f64 / 1e3)),
        10_000..1_000_000 => format!("{}k", n / 1_000),
        _ => trim_decimal(format!("{:.1}M", n as f64 / 1e6)),
    }
}

fn trim_decimal(text: String) -> String {
    text.replace(".0", "")
}

/// "1 event", "3 events".
pub fn events_phrase(n: i64) -> String {
    if n == 1 {
        "1 event".to_owned()
    } else {
        format!("{n} events")
    }
}

/// A key entry: what a colour and its pattern stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendItem {
    /// The CSS modifier that colours it (`verbal-cooperation`, `meeting`).
    pub slug: String,
    pub label: String,
    /// 0 for a plain fill, else the pattern laid over it (1 stripes, 2 dots, 3 cross-hatch), so
    /// no series relies on colour alone.
    pub pattern: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_start_at_zero_and_step_by_one_two_or_five() {
        assert_eq!(
            Scale::zero_based(0, 4),
            Scale {
                top: 1,
                ticks: vec![0, 1]
            }
        );
        assert_eq!(Scale::zero_based(3, 4).ticks, vec![0, 1, 2, 3]);
        assert_eq!(Scale::zero_based(7, 4).ticks, vec![0, 2, 4, 6, 8]);
        assert_eq!(Scale::zero_based(20, 4).ticks, vec![0, 5, 10, 15, 20]);
        assert_eq!(Scale::zero_based(21, 4).ticks, vec![0, 10, 20, 30]);
        assert_eq!(Scale::zero_based(999_999, 4).top, 1_000_000);
        assert!((Scale::zero_based(20, 4).fraction(5) - 0.25).abs() < 1e-9);
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(Num(12.0).to_string(), "12");
        assert_eq!(Num(12.3456).to_string(), "12.35");
        assert_eq!(compact(950), "950");
        assert_eq!(compact(1_000), "1k");
        assert_eq!(compact(1_250), "1.2k");
        assert_eq!(compact(34_567), "34k");
        assert_eq!(compact(1_500_000), "1.5M");
        assert_eq!(events_phrase(1), "1 event");
        assert_eq!(events_phrase(0), "0 events");
    }
}
