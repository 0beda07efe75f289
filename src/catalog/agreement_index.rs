//! Every agreement judged once per data revision and day, kept in memory: what `/agreements`,
//! its JSON and its CSV filter, count and page by, so that no request reads or judges every
//! agreement. A status depends on the follow-ups (which change only with the data) and on today
//! (`domain::commitment`): the follow-ups' verdict is read once per revision, and the statuses
//! are judged again from it, without the database, when the day changes.
//!
//! Only the latest revision is kept. Its size follows the number of agreements (some 150 bytes
//! each, about 5 MB for 30,000) and the parties and topics they name.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};
use time::Date;

use crate::db::Named;
use crate::db::agreements::{self, EveryFact, Vocable};
use crate::db::events::Side;
use crate::db::index::latest_revision;
use crate::domain::commitment::{self, FollowUp};
use crate::domain::date::parse_day;
use crate::domain::filter::AgreementFilter;
use crate::domain::{CommitmentStatus, Slug};

/// A place in the agreements list, which is ordered by the day each was reached (else the day
/// it falls due; agreements with neither come first) and then by slug.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub date: Option<Date>,
    pub slug: String,
}

impl Cursor {
    /// `2023-08-28.annual-commerce-ministers-meeting`, or the slug alone for an agreement with
    /// no date: readable, URL-safe, and unambiguous because slugs contain no dots.
    pub fn encode(&self) -> String {
        match self.date {
            Some(date) => format!("{}.{}", crate::domain::date::iso(date), self.slug),
            None => self.slug.clone(),
        }
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (date, slug) = match text.split_once('.') {
            Some((date, slug)) => (Some(parse_day(date).ok()?), slug),
            None => (None, text),
        };
        Slug::parse(slug).ok()?;
        Some(Self {
            date,
            slug: slug.to_owned(),
        })
    }
}

/// What the list needs of one agreement. Parties and topics are positions in the vocabularies.
#[derive(Debug)]
struct Entry {
    id: i64,
    place: Cursor,
    /// What the latest follow-up decided, whatever the day.
    settled: Option<commitment::Settled>,
    due: Option<(Date, Date)>,
    parties: Box<[u32]>,
    topics: Box<[u32]>,
}

/// The parties or topics named by any agreement, in the order first met.
#[derive(Debug, Default)]
struct Vocabulary {
    values: Vec<Named>,
    by_slug: HashMap<String, u32>,
}

impl Vocabulary {
    fn position(&mut self, slug: &str, name: &str) -> u32 {
        if let Some(position) = self.by_slug.get(slug) {
            return *position;
        }
        let position = self.values.len() as u32;
        self.values.push(Named {
            slug: slug.to_owned(),
            name: name.to_owned(),
        });
        self.by_slug.insert(slug.to_owned(), position);
        position
    }

    /// The positions of the slugs chosen, or `None` when none is chosen (any matches). A slug
    /// no agreement names matches none.
    fn chosen(&self, slugs: &[Slug]) -> Option<Vec<u32>> {
        (!slugs.is_empty()).then(|| {
            slugs
                .iter()
                .filter_map(|s| self.by_slug.get(s.as_str()).copied())
                .collect()
        })
    }
}

/// Every agreement of one revision, in list order: what does not change with the day.
#[derive(Debug, Default)]
pub struct Facts {
    pub revision: i64,
    entries: Vec<Entry>,
    parties: Vocabulary,
    topics: Vocabulary,
}

impl Facts {
    /// Builds the list from the rows read at one revision.
    pub fn new(every: EveryFact) -> Self {
        let mut facts = Facts {
            revision: every.revision,
            ..Facts::default()
        };
        let named = |rows: &[Vocable]| -> HashMap<i64, (String, String)> {
            rows.iter()
                .map(|v| (v.id, (v.slug.clone(), v.name.clone())))
                .collect()
        };
        let (organizations, countries) = (named(&every.organizations), named(&every.countries));
        let topic_names = named(&every.topic_names);
        let mut parties = Runs::new(&every.parties, |p| p.agreement_id);
        let mut topics = Runs::new(&every.topics, |t| t.agreement_id);
        let mut followups = Runs::new(&every.followups, |f| f.agreement_id);
        let day = |text: &Option<String>| text.as_deref().and_then(|d| parse_day(d).ok());
        let mut entries = Vec::with_capacity(every.agreements.len());
        for a in every.agreements {
            let parties: Box<[u32]> = parties
                .of(a.id)
                .iter()
                .filter_map(|p| match (p.organization_id, p.country_id) {
                    (Some(id), _) => organizations.get(&id),
                    (None, Some(id)) => countries.get(&id),
                    (None, None) => None,
                })
                .map(|(slug, name)| facts.parties.position(slug, name))
                .collect();
            let topics: Box<[u32]> = topics
                .of(a.id)
                .iter()
                .filter_map(|t| topic_names.get(&t.topic_id))
                .map(|(slug, name)| facts.topics.position(slug, name))
                .collect();
            let followups: Vec<FollowUp> = followups
                .of(a.id)
                .iter()
                .filter_map(|f| FollowUp::parse(&f.effect, &f.event_date_start, &f.event_date_end))
                .collect();
            entries.push(Entry {
                id: a.id,
                settled: commitment::settled_by(&followups),
                due: day(&a.due_start).zip(day(&a.due_end)),
                parties,
                topics,
                place: Cursor {
                    date: day(&a.list_date),
                    slug: a.slug,
                },
            });
        }
        entries.sort_by(|a, b| a.place.cmp(&b.place));
        facts.entries = entries;
        facts
    }
}

/// The rows of a list sorted by agreement id that belong to each agreement, asked for in
/// ascending order of id: a merge, with no map from id to rows.
struct Runs<'a, T> {
    rows: &'a [T],
    at: usize,
    id: fn(&T) -> i64,
}

impl<'a, T> Runs<'a, T> {
    fn new(rows: &'a [T], id: fn(&T) -> i64) -> Self {
        Self { rows, at: 0, id }
    }

    fn of(&mut self, agreement: i64) -> &'a [T] {
        let id = self.id;
        while self.rows.get(self.at).is_some_and(|r| id(r) < agreement) {
            self.at += 1;
        }
        let start = self.at;
        while self.rows.get(self.at).is_some_and(|r| id(r) == agreement) {
            self.at += 1;
        }
        &self.rows[start..self.at]
    }
}

/// Every agreement with its status as of one day.
#[derive(Debug)]
pub struct Judged {
    facts: Arc<Facts>,
    pub day: Date,
    statuses: Vec<CommitmentStatus>,
}

impl Judged {
    pub fn new(facts: Arc<Facts>, day: Date) -> Self {
        let statuses = facts
            .entries
            .iter()
            .map(|e| commitment::judge_settled(e.settled, e.due, day))
            .collect();
        Self {
            facts,
            day,
            statuses,
        }
    }

    pub fn revision(&self) -> i64 {
        self.facts.revision
    }

    /// The agreements matching `filter`, in list order, and how many each filter value would
    /// match together with the other filters: one pass over the list in memory.
    pub fn select(&self, filter: &AgreementFilter) -> Selection<'_> {
        let facts = &*self.facts;
        let parties = facts.parties.chosen(&filter.parties);
        let topics = facts.topics.chosen(&filter.topics);
        let any_of = |chosen: &Option<Vec<u32>>, values: &[u32]| {
            chosen
                .as_ref()
                .is_none_or(|c| values.iter().any(|v| c.contains(v)))
        };
        let mut selection = Selection {
            judged: self,
            matched: Vec::new(),
            statuses: [0; STATUSES],
            parties: vec![0; facts.parties.values.len()],
            topics: vec![0; facts.topics.values.len()],
        };
        for (i, (entry, status)) in facts.entries.iter().zip(&self.statuses).enumerate() {
            let by_status = filter.statuses.is_empty() || filter.statuses.contains(status);
            let by_party = any_of(&parties, &entry.parties);
            let by_topic = any_of(&topics, &entry.topics);
            if by_party && by_topic {
                selection.statuses[*status as usize] += 1;
            }
            if by_status && by_topic {
                for p in &entry.parties {
                    selection.parties[*p as usize] += 1;
                }
            }
            if by_status && by_party {
                for t in &entry.topics {
                    selection.topics[*t as usize] += 1;
                }
                if by_topic {
                    selection.matched.push(i as u32);
                }
            }
        }
        selection
    }
}

const STATUSES: usize = CommitmentStatus::ALL.len();

/// The agreements matching a filter, with the counts of its facets.
#[derive(Debug)]
pub struct Selection<'a> {
    judged: &'a Judged,
    /// Positions in the list, in its order.
    matched: Vec<u32>,
    statuses: [i64; STATUSES],
    parties: Vec<i64>,
    topics: Vec<i64>,
}

/// One page of a selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// How many matching agreements come before the page.
    pub offset: usize,
    pub ids: Vec<i64>,
    /// The places of its first and last agreements, for the links to the pages either side
    /// (`None` when there is nothing on that side).
    pub before: Option<Cursor>,
    pub after: Option<Cursor>,
}

impl Selection<'_> {
    pub fn total(&self) -> usize {
        self.matched.len()
    }

    /// Every status with how many agreements have it under the other filters, in the rules'
    /// order.
    pub fn status_counts(&self) -> Vec<(CommitmentStatus, i64)> {
        CommitmentStatus::ALL
            .iter()
            .map(|s| (*s, self.statuses[*s as usize]))
            .collect()
    }

    /// Every party named by an agreement, with how many match under the other filters.
    pub fn party_counts(&self) -> Vec<(&Named, i64)> {
        let values = &self.judged.facts.parties.values;
        values.iter().zip(self.parties.iter().copied()).collect()
    }

    /// Every topic of an agreement, with how many match under the other filters.
    pub fn topic_counts(&self) -> Vec<(&Named, i64)> {
        let values = &self.judged.facts.topics.values;
        values.iter().zip(self.topics.iter().copied()).collect()
    }

    fn place(&self, position: u32) -> &Cursor {
        &self.judged.facts.entries[position as usize].place
    }

    /// The ids of every matching agreement, in list order.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.matched
            .iter()
            .map(|p| self.judged.facts.entries[*p as usize].id)
    }

    /// At most `limit` agreements after (or before) a place, by keyset: a place need not be an
    /// agreement that still exists.
    pub fn page(&self, at: Option<(&Cursor, Side)>, limit: usize) -> Page {
        let (start, end) = match at {
            None => (0, limit.min(self.matched.len())),
            Some((cursor, Side::After)) => {
                let start = self.matched.partition_point(|p| self.place(*p) <= cursor);
                (start, (start + limit).min(self.matched.len()))
            }
            Some((cursor, Side::Before)) => {
                let end = self.matched.partition_point(|p| self.place(*p) < cursor);
                (end.saturating_sub(limit), end)
            }
        };
        let shown = &self.matched[start..end];
        Page {
            offset: start,
            ids: shown
                .iter()
                .map(|p| self.judged.facts.entries[*p as usize].id)
                .collect(),
            before: shown
                .first()
                .filter(|_| start > 0)
                .map(|p| self.place(*p).clone()),
            after: shown
                .last()
                .filter(|_| end < self.matched.len())
                .map(|p| self.place(*p).clone()),
        }
    }
}

/// The judged agreements of the latest revision, shared by every request.
#[derive(Debug, Default)]
pub struct AgreementIndex {
    current: tokio::sync::Mutex<Option<Arc<Judged>>>,
}

impl AgreementIndex {
    /// The agreements judged as of `day`, at `revision`: the revision `conn`'s read
    /// transaction sees, from which they are read when they are not kept (by one request while
    /// others wait for it), or judged again in memory when only the day has changed. A request
    /// reading an older revision than the one kept gets its own, and the newer stays.
    pub async fn judged(
        &self,
        conn: &mut SqliteConnection,
        revision: i64,
        day: Date,
    ) -> Result<Arc<Judged>, sqlx::Error> {
        let mut current = self.current.lock().await;
        let facts = match current.as_ref() {
            Some(judged) if judged.revision() == revision && judged.day == day => {
                return Ok(judged.clone());
            }
            Some(judged) if judged.revision() == revision => judged.facts.clone(),
            _ => Arc::new(Facts::new(agreements::every_fact(conn).await?)),
        };
        let judged = Arc::new(Judged::new(facts, day));
        if current.as_ref().is_none_or(|c| c.revision() <= revision) {
            *current = Some(judged.clone());
        }
        Ok(judged)
    }

    /// Judges the latest revision's agreements now, ahead of the first request that asks.
    pub async fn warm(&self, pool: &SqlitePool, day: Date) -> Result<(), sqlx::Error> {
        let mut tx = pool.begin().await?;
        let revision = latest_revision(&mut tx).await?;
        self.judged(&mut tx, revision, day).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::agreements::{AgreementFacts, FollowUpFact, PartyLink, TopicLink};
    use time::macros::date;

    fn vocable(id: i64, slug: &str) -> Vocable {
        Vocable {
            id,
            slug: slug.to_owned(),
            name: slug.to_uppercase(),
        }
    }

    /// Five agreements: 1 undated; 2-5 reached in 2023, 3 due through 2024, 4 fulfilled,
    /// 5 broken after being partly fulfilled.
    fn facts() -> Arc<Facts> {
        let agreement =
            |id: i64, slug: &str, date: Option<&str>, due: Option<(&str, &str)>| AgreementFacts {
                id,
                slug: slug.to_owned(),
                list_date: date.map(str::to_owned),
                due_start: due.map(|d| d.0.to_owned()),
                due_end: due.map(|d| d.1.to_owned()),
            };
        let country = |agreement_id: i64, id: i64| PartyLink {
            agreement_id,
            organization_id: None,
            country_id: Some(id),
        };
        let topic = |agreement_id: i64, topic_id: i64| TopicLink {
            agreement_id,
            topic_id,
        };
        let followup = |agreement_id: i64, effect: &str, day: &str| FollowUpFact {
            agreement_id,
            effect: effect.to_owned(),
            event_date_start: day.to_owned(),
            event_date_end: day.to_owned(),
        };
        Arc::new(Facts::new(EveryFact {
            revision: 3,
            agreements: vec![
                agreement(1, "a", None, None),
                agreement(2, "b", Some("2022-12-31"), None),
                agreement(
                    3,
                    "c",
                    Some("2023-01-01"),
                    Some(("2024-01-01", "2024-12-31")),
                ),
                agreement(
                    4,
                    "d",
                    Some("2023-01-01"),
                    Some(("2023-06-01", "2023-06-30")),
                ),
                agreement(5, "e", Some("2023-05-01"), None),
            ],
            parties: vec![country(3, 1), country(4, 1), country(4, 2)],
            topics: vec![topic(1, 7), topic(3, 7), topic(5, 8)],
            followups: vec![
                followup(4, "fulfils", "2023-06-20"),
                followup(5, "partly-fulfils", "2023-07-01"),
                followup(5, "breaks", "2024-02-01"),
            ],
            organizations: Vec::new(),
            countries: vec![vocable(1, "china"), vocable(2, "us")],
            topic_names: vec![vocable(7, "tourism"), vocable(8, "chips")],
        }))
    }

    fn slugs(judged: &Judged, page: &Page) -> Vec<String> {
        page.ids
            .iter()
            .map(|id| {
                let e = judged.facts.entries.iter().find(|e| e.id == *id).unwrap();
                e.place.slug.clone()
            })
            .collect()
    }

    #[test]
    fn the_list_is_ordered_by_date_then_slug_with_undated_agreements_first() {
        let judged = Judged::new(facts(), date!(2024 - 06 - 01));
        let all = judged.select(&AgreementFilter::default());
        assert_eq!(
            slugs(&judged, &all.page(None, 10)),
            ["a", "b", "c", "d", "e"]
        );
    }

    #[test]
    fn statuses_are_judged_again_when_the_day_changes() {
        let facts = facts();
        let status = |day: Date, slug: &str| {
            let judged = Judged::new(facts.clone(), day);
            let i = facts.entries.iter().position(|e| e.place.slug == slug);
            judged.statuses[i.unwrap()]
        };
        assert_eq!(status(date!(2023 - 12 - 31), "c"), CommitmentStatus::Agreed);
        assert_eq!(status(date!(2024 - 06 - 01), "c"), CommitmentStatus::Due);
        assert_eq!(
            status(date!(2025 - 01 - 01), "c"),
            CommitmentStatus::Overdue
        );
        assert_eq!(
            status(date!(2025 - 01 - 01), "d"),
            CommitmentStatus::Fulfilled
        );
        assert_eq!(status(date!(2025 - 01 - 01), "e"), CommitmentStatus::Broken);
    }

    #[test]
    fn a_fulfilment_after_the_due_window_is_listed_and_filtered_as_fulfilled_late() {
        let agreement = |id: i64, slug: &str| AgreementFacts {
            id,
            slug: slug.to_owned(),
            list_date: Some("2023-08-28".to_owned()),
            // "Early 2024".
            due_start: Some("2024-01-01".to_owned()),
            due_end: Some("2024-04-30".to_owned()),
        };
        // One met in April; one met in "May 2024", which cannot have been on time.
        let followup = |agreement_id: i64, start: &str, end: &str| FollowUpFact {
            agreement_id,
            effect: "fulfils".to_owned(),
            event_date_start: start.to_owned(),
            event_date_end: end.to_owned(),
        };
        let facts = Arc::new(Facts::new(EveryFact {
            revision: 1,
            agreements: vec![agreement(1, "on-time"), agreement(2, "late")],
            followups: vec![
                followup(1, "2024-04-04", "2024-04-04"),
                followup(2, "2024-05-01", "2024-05-31"),
            ],
            ..EveryFact::default()
        }));
        let judged = Judged::new(facts, date!(2026 - 11 - 30));
        // In list order: same date, so by slug.
        assert_eq!(
            judged.statuses,
            [CommitmentStatus::FulfilledLate, CommitmentStatus::Fulfilled]
        );
        let late = judged.select(&AgreementFilter::from_query("status=fulfilled-late").unwrap());
        assert_eq!(slugs(&judged, &late.page(None, 10)), ["late"]);
        let counts = late.status_counts();
        assert!(counts.contains(&(CommitmentStatus::Fulfilled, 1)));
        assert!(counts.contains(&(CommitmentStatus::FulfilledLate, 1)));
    }

    #[test]
    fn facet_counts_leave_out_their_own_filter() {
        let judged = Judged::new(facts(), date!(2024 - 06 - 01));
        let filter = AgreementFilter::from_query("status=due&party=china").unwrap();
        let selection = judged.select(&filter);
        assert_eq!(selection.ids().collect::<Vec<_>>(), [3]);
        let statuses = selection.status_counts();
        // Under party=china: c (due) and d (fulfilled).
        assert!(statuses.contains(&(CommitmentStatus::Due, 1)));
        assert!(statuses.contains(&(CommitmentStatus::Fulfilled, 1)));
        assert_eq!(statuses.iter().map(|(_, n)| n).sum::<i64>(), 2);
        // Under status=due: only c, a party of china.
        let parties: Vec<(String, i64)> = selection
            .party_counts()
            .into_iter()
            .map(|(v, n)| (v.slug.clone(), n))
            .collect();
        assert_eq!(parties, [("china".to_owned(), 1), ("us".to_owned(), 0)]);
        // A party no agreement names matches nothing.
        let nobody = AgreementFilter::from_query("party=atlantis").unwrap();
        assert_eq!(judged.select(&nobody).total(), 0);
    }

    #[test]
    fn pages_walk_both_ways_by_place() {
        let judged = Judged::new(facts(), date!(2024 - 06 - 01));
        let all = judged.select(&AgreementFilter::default());
        let first = all.page(None, 2);
        assert_eq!((first.offset, first.before.is_none()), (0, true));
        let next = all.page(Some((first.after.as_ref().unwrap(), Side::After)), 2);
        assert_eq!(slugs(&judged, &next), ["c", "d"]);
        assert_eq!(next.offset, 2);
        let last = all.page(Some((next.after.as_ref().unwrap(), Side::After)), 2);
        assert_eq!(slugs(&judged, &last), ["e"]);
        assert!(last.after.is_none());
        let back = all.page(Some((last.before.as_ref().unwrap(), Side::Before)), 2);
        assert_eq!(back, next);
        // A place between agreements (one since removed) still pages from where it was.
        let gone = Cursor::decode("2023-01-01.cc").unwrap();
        assert_eq!(
            slugs(&judged, &all.page(Some((&gone, Side::After)), 9)),
            ["d", "e"]
        );
        assert_eq!(
            slugs(&judged, &all.page(Some((&gone, Side::Before)), 9)),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn cursors_round_trip_and_reject_other_text() {
        for text in [
            "2023-08-28.annual-commerce-ministers-meeting",
            "agreement-12",
        ] {
            assert_eq!(Cursor::decode(text).unwrap().encode(), text);
        }
        for bad in [
            "",
            "2023-02-30.a",
            "2023-08-28.",
            "x.y",
            "Not A Slug",
            "2023-08-28.a.b",
        ] {
            assert!(Cursor::decode(bad).is_none(), "{bad}");
        }
    }
}
