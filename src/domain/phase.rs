//! The phases of a policy action and the one rule that turns them into the days it is in force.
//!
//! Phase dates are fuzzy (a day, a month, a season, a year), so "in force on a day" is decided
//! conservatively: a measure counts as in force from the **last** possible day of the phase
//! that puts it in force (`in-force` or `resumed`: by then it certainly is), until the **first**
//! possible day of the phase that ends it (`suspended` or `revoked`: from then it may no longer
//! be), that day excluded. A measure that took effect in "August 2023" is in force from 31
//! August 2023; one revoked in "November 2025" is no longer in force from 1 November 2025.
//! `announced`, `published` and `amended` do not change whether it is in force.

use time::Date;

use super::date::iso;
use super::{FuzzyDate, PolicyPhase, Precision};

/// A stretch of days on which a measure is in force: from `from`, up to but not including
/// `until` (open while the measure has not been suspended or revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    pub from: Date,
    pub until: Option<Date>,
}

impl InForce {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|until| day < until)
    }
}

impl PolicyPhase {
    /// Whether the phase puts the measure in force.
    pub fn starts_force(self) -> bool {
        matches!(self, PolicyPhase::InForce | PolicyPhase::Resumed)
    }

    /// Whether the phase ends the measure's force.
    pub fn ends_force(self) -> bool {
        matches!(self, PolicyPhase::Suspended | PolicyPhase::Revoked)
    }
}

/// The stretches of days on which a measure with these phases (in their order) is in force. A
/// stretch whose fuzzy start and end overlap so much that no day is certainly inside it is left
/// out.
pub fn in_force(phases: &[(PolicyPhase, &FuzzyDate)]) -> Vec<InForce> {
    let mut stretches = Vec::new();
    let mut open: Option<Date> = None;
    for (phase, date) in phases {
        if phase.starts_force() && open.is_none() {
            open = Some(date.end());
        } else if phase.ends_force()
            && let Some(from) = open.take()
            && from < date.start()
        {
            stretches.push(InForce {
                from,
                until: Some(date.start()),
            });
        }
    }
    if let Some(from) = open {
        stretches.push(InForce { from, until: None });
    }
    stretches
}

/// What is wrong with a list of phases, as (index of the phase, message): a phase certainly
/// earlier than the one before it, or a measure put in force again without a suspension or
/// revocation between.
pub fn sequence_errors(phases: &[(PolicyPhase, &FuzzyDate)]) -> Vec<(usize, String)> {
    let mut errors = Vec::new();
    let mut in_force_at: Option<usize> = None;
    for (i, (phase, date)) in phases.iter().enumerate() {
        if i > 0 {
            let (previous, previous_date) = phases[i - 1];
            // Fuzzy dates that may overlap are in order either way; only a phase certainly
            // earlier than the one before it is out of order.
            if date.end() < previous_date.start() {
                errors.push((
                    i,
                    format!(
                        "is out of chronological order: {} ({}) comes before the previous phase, {} ({}); list phases oldest first",
                        phase.as_str(),
                        date.label(),
                        previous.as_str(),
                        previous_date.label()
                    ),
                ));
            }
        }
        if phase.starts_force() {
            if let Some(earlier) = in_force_at {
                errors.push((
                    i,
                    format!(
                        "puts the measure in force again ({}) while phase {earlier} already did, with no suspended or revoked phase between",
                        phase.as_str()
                    ),
                ));
            }
            in_force_at = Some(i);
        } else if phase.ends_force() {
            in_force_at = None;
        }
    }
    errors
}

/// "on 1 August 2023" for a day, "in August 2023" for anything longer.
fn at(date: &FuzzyDate) -> String {
    match date.precision() {
        Precision::Day if date.start() == date.end() => format!("on {}", date.label()),
        _ => format!("in {}", date.label()),
    }
}

/// Where the measure stands on `today`, in words: "In force since 1 August 2023", "Revoked in
/// November 2025", "Announced on 3 July 2023; takes effect on 1 August 2023". `None` without
/// phases.
pub fn state_in_words(phases: &[(PolicyPhase, &FuzzyDate)], today: Date) -> Option<String> {
    let (past, future): (Vec<_>, Vec<_>) = phases.iter().partition(|(_, d)| d.start() <= today);
    let next_start = future
        .iter()
        .find(|(p, _)| p.starts_force() || p.ends_force());
    let mut state = None;
    let mut last = None;
    let mut amended = None;
    for (phase, date) in &past {
        last = Some((*phase, *date));
        if phase.starts_force() || phase.ends_force() {
            state = Some((*phase, *date));
            amended = None;
        } else if *phase == PolicyPhase::Amended {
            amended = Some(*date);
        }
    }
    let now = match (state, last) {
        (Some((PolicyPhase::InForce, date)), _) => format!("In force since {}", since(date)),
        (Some((PolicyPhase::Resumed, date)), _) => {
            format!("In force again since {}", since(date))
        }
        (Some((PolicyPhase::Suspended, date)), _) => format!("Suspended {}", at(date)),
        (Some((PolicyPhase::Revoked, date)), _) => format!("Revoked {}", at(date)),
        (_, Some((phase, date))) => format!("{} {}; not yet in force", phase.label(), at(date)),
        (_, None) => String::new(),
    };
    let now = match (state, amended) {
        (Some((p, _)), Some(date)) if p.starts_force() => format!("{now}, amended {}", at(date)),
        _ => now,
    };
    let next = next_start.map(|(phase, date)| match phase {
        PolicyPhase::InForce | PolicyPhase::Resumed => format!("takes effect {}", at(date)),
        PolicyPhase::Suspended => format!("to be suspended {}", at(date)),
        _ => format!("to be revoked {}", at(date)),
    });
    match (now.is_empty(), next) {
        (true, None) => None,
        (true, Some(next)) => {
            let mut next = next;
            next[..1].make_ascii_uppercase();
            Some(next)
        }
        (false, None) => Some(now),
        (false, Some(next)) => Some(format!("{now}; {next}")),
    }
}

/// "1 August 2023" for a day; "the end of August 2023" for a longer date, since a measure
/// counts as in force from its last possible day.
fn since(date: &FuzzyDate) -> String {
    match date.precision() {
        Precision::Day if date.start() == date.end() => date.label().to_owned(),
        _ => format!("{} (counted from {})", date.label(), iso(date.end())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn d(text: &str) -> FuzzyDate {
        FuzzyDate::parse(text).unwrap()
    }

    #[test]
    fn a_measure_is_in_force_from_the_last_day_of_taking_effect_until_the_first_day_of_its_end() {
        let (a, b, c) = (d("2023-07-03"), d("2023-08"), d("2025-11"));
        let phases = [
            (PolicyPhase::Announced, &a),
            (PolicyPhase::InForce, &b),
            (PolicyPhase::Revoked, &c),
        ];
        let stretches = in_force(&phases);
        assert_eq!(
            stretches,
            [InForce {
                from: date!(2023 - 08 - 31),
                until: Some(date!(2025 - 11 - 01)),
            }]
        );
        let s = stretches[0];
        assert!(!s.contains(date!(2023 - 08 - 30)));
        assert!(s.contains(date!(2023 - 08 - 31)));
        assert!(s.contains(date!(2025 - 10 - 31)));
        assert!(!s.contains(date!(2025 - 11 - 01)));
    }

    #[test]
    fn a_suspension_ends_a_stretch_and_a_resumption_opens_another() {
        let (a, b, c) = (d("2023-01-10"), d("2023-06-01"), d("2024"));
        let phases = [
            (PolicyPhase::InForce, &a),
            (PolicyPhase::Suspended, &b),
            (PolicyPhase::Resumed, &c),
        ];
        assert_eq!(
            in_force(&phases),
            [
                InForce {
                    from: date!(2023 - 01 - 10),
                    until: Some(date!(2023 - 06 - 01))
                },
                InForce {
                    from: date!(2024 - 12 - 31),
                    until: None
                },
            ]
        );
    }

    #[test]
    fn a_stretch_with_no_certain_day_is_left_out() {
        let (a, b) = (d("2023-08"), d("2023-08-15"));
        let phases = [(PolicyPhase::InForce, &a), (PolicyPhase::Revoked, &b)];
        assert!(in_force(&phases).is_empty());
    }

    #[test]
    fn sequences_out_of_order_or_in_force_twice_are_reported() {
        let (a, b, c) = (d("2023-08-01"), d("2023-07-03"), d("2023-08"));
        let errors = sequence_errors(&[(PolicyPhase::InForce, &a), (PolicyPhase::Announced, &b)]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, 1);
        assert!(
            errors[0].1.contains("out of chronological order"),
            "{errors:?}"
        );
        // Overlapping fuzzy dates are in order either way.
        assert!(
            sequence_errors(&[(PolicyPhase::Announced, &a), (PolicyPhase::Published, &c)])
                .is_empty()
        );
        let errors = sequence_errors(&[(PolicyPhase::InForce, &b), (PolicyPhase::InForce, &a)]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].1.contains("in force again"), "{errors:?}");
    }

    #[test]
    fn the_state_is_said_in_words() {
        let (a, b, c) = (d("2023-07-03"), d("2023-08-01"), d("2025-11"));
        let phases = [
            (PolicyPhase::Announced, &a),
            (PolicyPhase::InForce, &b),
            (PolicyPhase::Revoked, &c),
        ];
        assert_eq!(
            state_in_words(&phases, date!(2023 - 07 - 10)).as_deref(),
            Some("Announced on 3 July 2023; not yet in force; takes effect on 1 August 2023")
        );
        assert_eq!(
            state_in_words(&phases, date!(2024 - 01 - 01)).as_deref(),
            Some("In force since 1 August 2023; to be revoked in November 2025")
        );
        assert_eq!(
            state_in_words(&phases, date!(2026 - 01 - 01)).as_deref(),
            Some("Revoked in November 2025")
        );
        assert_eq!(state_in_words(&[], date!(2026 - 01 - 01)), None);
        let amended = d("2025-11-09");
        assert_eq!(
            state_in_words(
                &[(PolicyPhase::InForce, &b), (PolicyPhase::Amended, &amended)],
                date!(2026 - 01 - 01)
            )
            .as_deref(),
            Some("In force since 1 August 2023, amended on 9 November 2025")
        );
    }
}
