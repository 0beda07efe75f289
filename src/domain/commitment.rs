//! How an agreement's status is judged: from the follow-up events recorded for it and its due
//! date, against today's date. Never typed by hand.

use time::Date;

use super::{CommitmentStatus, FollowUpEffect};

/// A follow-up event as far as the status rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub effect: FollowUpEffect,
    /// The first day the event may have fallen on: a fulfilment is late only if even this day
    /// is after the due window.
    pub date_start: Date,
    /// The last day the event may have fallen on: follow-ups are ordered by it.
    pub date_end: Date,
}

impl FollowUp {
    /// A follow-up as the database stores it: its effect's name and its event's first and last
    /// possible days (`YYYY-MM-DD`); `None` when any does not parse.
    pub fn parse(effect: &str, date_start: &str, date_end: &str) -> Option<Self> {
        use crate::domain::date::parse_day;
        Some(Self {
            effect: effect.parse().ok()?,
            date_start: parse_day(date_start).ok()?,
            date_end: parse_day(date_end).ok()?,
        })
    }
}

/// What the follow-ups decide, whatever the day: the deciding (latest) follow-up's effect, and
/// the first day it may have fallen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub effect: FollowUpEffect,
    pub earliest: Date,
}

/// The rules, in the order they apply; the about and agreements pages show this text.
pub const RULES: &[(&str, &str)] = &[
    (
        "Fulfilled, in progress or broken",
        "The latest follow-up event decides: one that fulfils it makes it fulfilled, one that partly fulfils it in progress, one that breaks it broken.",
    ),
    (
        "Fulfilled late",
        "The latest follow-up fulfils it, but even the earliest day that follow-up may have fallen on is after the last day of its due date. A follow-up whose date may still fall within the due date counts as on time.",
    ),
    (
        "Overdue",
        "No follow-up is recorded and its due date has passed (the latest day the due date may denote is before today).",
    ),
    (
        "Due",
        "No follow-up is recorded and today falls within its due date.",
    ),
    (
        "Agreed",
        "No follow-up is recorded and nothing is due yet, or it has no due date.",
    ),
];

/// Judges an agreement's status. `due` is the range of days its due date may denote.
pub fn judge(followups: &[FollowUp], due: Option<(Date, Date)>, today: Date) -> CommitmentStatus {
    judge_settled(settled_by(followups), due, today)
}

/// What the follow-ups decide, whatever the day: the latest one (by the last day it may have
/// fallen on; of two ending the same day, the later in the list), or none.
pub fn settled_by(followups: &[FollowUp]) -> Option<Settled> {
    followups
        .iter()
        .max_by_key(|f| f.date_end)
        .map(|f| Settled {
            effect: f.effect,
            earliest: f.date_start,
        })
}

/// The status from what the follow-ups settled (`settled_by`) and the due date: the part of
/// the judgement that changes with the day, so a judged record can be judged again tomorrow
/// without reading its follow-ups.
pub fn judge_settled(
    settled: Option<Settled>,
    due: Option<(Date, Date)>,
    today: Date,
) -> CommitmentStatus {
    if let Some(Settled { effect, earliest }) = settled {
        return match effect {
            FollowUpEffect::Fulfils if due.is_some_and(|(_, end)| earliest > end) => {
                CommitmentStatus::FulfilledLate
            }
            FollowUpEffect::Fulfils => CommitmentStatus::Fulfilled,
            FollowUpEffect::PartlyFulfils => CommitmentStatus::InProgress,
            FollowUpEffect::Breaks => CommitmentStatus::Broken,
        };
    }
    match due {
        Some((_, end)) if end < today => CommitmentStatus::Overdue,
        Some((start, _)) if start <= today => CommitmentStatus::Due,
        _ => CommitmentStatus::Agreed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    /// A follow-up known to the day.
    fn follow(effect: FollowUpEffect, date: Date) -> FollowUp {
        span(effect, date, date)
    }

    /// A follow-up known only to lie between two days.
    fn span(effect: FollowUpEffect, date_start: Date, date_end: Date) -> FollowUp {
        FollowUp {
            effect,
            date_start,
            date_end,
        }
    }

    #[test]
    fn without_follow_ups_the_due_date_decides() {
        assert_eq!(judge(&[], None, TODAY), CommitmentStatus::Agreed);
        let future = (date!(2027 - 01 - 01), date!(2027 - 04 - 30));
        assert_eq!(judge(&[], Some(future), TODAY), CommitmentStatus::Agreed);
        let now = (date!(2026 - 09 - 01), date!(2026 - 12 - 31));
        assert_eq!(judge(&[], Some(now), TODAY), CommitmentStatus::Due);
        let past = (date!(2024 - 01 - 01), date!(2024 - 04 - 30));
        assert_eq!(judge(&[], Some(past), TODAY), CommitmentStatus::Overdue);
    }

    #[test]
    fn the_latest_follow_up_decides_whatever_the_due_date() {
        let past = Some((date!(2024 - 01 - 01), date!(2024 - 04 - 30)));
        let fulfilled = [follow(FollowUpEffect::Fulfils, date!(2024 - 04 - 04))];
        assert_eq!(judge(&fulfilled, past, TODAY), CommitmentStatus::Fulfilled);
        let partly = [follow(FollowUpEffect::PartlyFulfils, date!(2023 - 07 - 09))];
        assert_eq!(judge(&partly, None, TODAY), CommitmentStatus::InProgress);
        let broken_after_progress = [
            follow(FollowUpEffect::PartlyFulfils, date!(2023 - 07 - 09)),
            follow(FollowUpEffect::Breaks, date!(2024 - 02 - 01)),
        ];
        assert_eq!(
            judge(&broken_after_progress, None, TODAY),
            CommitmentStatus::Broken
        );
        let mended = [
            follow(FollowUpEffect::Breaks, date!(2024 - 02 - 01)),
            follow(FollowUpEffect::Fulfils, date!(2025 - 02 - 01)),
        ];
        assert_eq!(judge(&mended, past, TODAY), CommitmentStatus::FulfilledLate);
    }

    #[test]
    fn a_fulfilment_on_time_is_fulfilled_and_one_after_the_due_window_fulfilled_late() {
        // "Early 2024": 1 January to 30 April 2024.
        let early_2024 = Some((date!(2024 - 01 - 01), date!(2024 - 04 - 30)));
        let on = |day: Date| judge(&[follow(FollowUpEffect::Fulfils, day)], early_2024, TODAY);
        assert_eq!(on(date!(2024 - 01 - 01)), CommitmentStatus::Fulfilled);
        assert_eq!(on(date!(2024 - 04 - 30)), CommitmentStatus::Fulfilled);
        assert_eq!(on(date!(2024 - 05 - 01)), CommitmentStatus::FulfilledLate);
        assert_eq!(on(date!(2024 - 05 - 23)), CommitmentStatus::FulfilledLate);
        // Early is not late: fulfilled before the window opens is fulfilled.
        assert_eq!(on(date!(2023 - 11 - 15)), CommitmentStatus::Fulfilled);
        // Without a due date nothing can be late.
        let late_but_undated = [follow(FollowUpEffect::Fulfils, date!(2030 - 01 - 01))];
        assert_eq!(
            judge(&late_but_undated, None, TODAY),
            CommitmentStatus::Fulfilled
        );
        // Only fulfilment can be late: a late partial fulfilment is in progress.
        let partly = [follow(FollowUpEffect::PartlyFulfils, date!(2024 - 09 - 07))];
        assert_eq!(
            judge(&partly, early_2024, TODAY),
            CommitmentStatus::InProgress
        );
    }

    #[test]
    fn a_fuzzy_follow_up_is_late_only_if_its_earliest_day_is_after_the_due_window() {
        let early_2024 = Some((date!(2024 - 01 - 01), date!(2024 - 04 - 30)));
        let fulfils = |start: Date, end: Date| {
            judge(
                &[span(FollowUpEffect::Fulfils, start, end)],
                early_2024,
                TODAY,
            )
        };
        // "April 2024" may have been on time.
        assert_eq!(
            fulfils(date!(2024 - 04 - 01), date!(2024 - 04 - 30)),
            CommitmentStatus::Fulfilled
        );
        // "30 April – 2 May 2024" may still have started on the last day.
        assert_eq!(
            fulfils(date!(2024 - 04 - 30), date!(2024 - 05 - 02)),
            CommitmentStatus::Fulfilled
        );
        // "May 2024" and "mid 2024" cannot have been on time.
        assert_eq!(
            fulfils(date!(2024 - 05 - 01), date!(2024 - 05 - 31)),
            CommitmentStatus::FulfilledLate
        );
        assert_eq!(
            fulfils(date!(2024 - 05 - 01), date!(2024 - 08 - 31)),
            CommitmentStatus::FulfilledLate
        );
        // A fuzzy due window: "2024-03" (1–31 March); a fulfilment on 1 April is late.
        let march = Some((date!(2024 - 03 - 01), date!(2024 - 03 - 31)));
        let on_1_april = [follow(FollowUpEffect::Fulfils, date!(2024 - 04 - 01))];
        assert_eq!(
            judge(&on_1_april, march, TODAY),
            CommitmentStatus::FulfilledLate
        );
        // The latest follow-up decides, and its own earliest day says whether it was late.
        let late_then_on_time_again = [
            follow(FollowUpEffect::Fulfils, date!(2024 - 03 - 15)),
            span(
                FollowUpEffect::Fulfils,
                date!(2024 - 04 - 20),
                date!(2024 - 06 - 30),
            ),
        ];
        assert_eq!(
            judge(&late_then_on_time_again, early_2024, TODAY),
            CommitmentStatus::Fulfilled
        );
    }
}
