//! How an agreement's status is judged: from the follow-up events recorded for it and its due
//! date, against today's date. Never typed by hand.

use time::Date;

use super::{CommitmentStatus, FollowUpEffect};

/// A follow-up event as far as the status rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub effect: FollowUpEffect,
    /// The last day the event may have fallen on: follow-ups are ordered by it.
    pub date_end: Date,
}

impl FollowUp {
    /// A follow-up as the database stores it: its effect's name and its event's last possible
    /// day (`YYYY-MM-DD`); `None` when either does not parse.
    pub fn parse(effect: &str, date_end: &str) -> Option<Self> {
        Some(Self {
            effect: effect.parse().ok()?,
            date_end: crate::domain::date::parse_day(date_end).ok()?,
        })
    }
}

/// The rules, in the order they apply; the about and agreements pages show this text.
pub const RULES: &[(&str, &str)] = &[
    (
        "Fulfilled, in progress or broken",
        "The latest follow-up event decides: one that fulfils it makes it fulfilled, one that partly fulfils it in progress, one that breaks it broken.",
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

/// What the follow-ups decide, whatever the day: the effect of the latest one (by the last day
/// it may have fallen on; of two ending the same day, the later in the list), or none.
pub fn settled_by(followups: &[FollowUp]) -> Option<FollowUpEffect> {
    followups
        .iter()
        .max_by_key(|f| f.date_end)
        .map(|f| f.effect)
}

/// The status from what the follow-ups settled (`settled_by`) and the due date: the part of
/// the judgement that changes with the day, so a judged record can be judged again tomorrow
/// without reading its follow-ups.
pub fn judge_settled(
    settled: Option<FollowUpEffect>,
    due: Option<(Date, Date)>,
    today: Date,
) -> CommitmentStatus {
    if let Some(effect) = settled {
        return match effect {
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

    fn follow(effect: FollowUpEffect, date_end: Date) -> FollowUp {
        FollowUp { effect, date_end }
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
        let fulfilled = [follow(FollowUpEffect::Fulfils, date!(2024 - 05 - 23))];
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
        assert_eq!(judge(&mended, past, TODAY), CommitmentStatus::Fulfilled);
    }
}
