//! Two governments' accounts of one event, compared by topic: the topics both sides mention,
//! and those only one side does, each with every item of each side that mentions it.

use std::collections::BTreeMap;

use super::AccountSide;

/// A topic as the comparison orders it: by name, then slug.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TopicKey {
    pub name: String,
    pub slug: String,
}

/// One topic with the items of each side that mention it, in the accounts' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedTopic<T> {
    pub topic: TopicKey,
    pub united_states: Vec<T>,
    pub china: Vec<T>,
}

/// The accounts of one event by topic. Every topic an item mentions is in exactly one group:
/// `both` when each side has an item tagged with it, else the group of the side that has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison<T> {
    pub both: Vec<ComparedTopic<T>>,
    pub united_states_only: Vec<ComparedTopic<T>>,
    pub china_only: Vec<ComparedTopic<T>>,
}

/// How much of the two accounts overlaps: topics, and items (an item counts as shared when any
/// of its topics is shared, and once however many topics it has).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComparisonCounts {
    pub shared_topics: usize,
    pub united_states_only_topics: usize,
    pub china_only_topics: usize,
    pub shared_items: usize,
    pub united_states_only_items: usize,
    pub china_only_items: usize,
}

impl<T: Clone + PartialEq> Comparison<T> {
    /// Compares items given as (side, topics, item), in the accounts' order.
    pub fn of<'a>(items: impl IntoIterator<Item = (AccountSide, &'a [TopicKey], T)>) -> Self {
        let mut by_topic: BTreeMap<TopicKey, ComparedTopic<T>> = BTreeMap::new();
        for (side, topics, item) in items {
            for topic in topics {
                let entry = by_topic
                    .entry(topic.clone())
                    .or_insert_with(|| ComparedTopic {
                        topic: topic.clone(),
                        united_states: Vec::new(),
                        china: Vec::new(),
                    });
                let list = match side {
                    AccountSide::UnitedStates => &mut entry.united_states,
                    AccountSide::China => &mut entry.china,
                };
                if !list.contains(&item) {
                    list.push(item.clone());
                }
            }
        }
        let mut comparison = Comparison {
            both: Vec::new(),
            united_states_only: Vec::new(),
            china_only: Vec::new(),
        };
        for compared in by_topic.into_values() {
            match (compared.united_states.is_empty(), compared.china.is_empty()) {
                (false, false) => comparison.both.push(compared),
                (false, true) => comparison.united_states_only.push(compared),
                (true, false) => comparison.china_only.push(compared),
                (true, true) => {}
            }
        }
        comparison
    }

    pub fn is_empty(&self) -> bool {
        self.both.is_empty() && self.united_states_only.is_empty() && self.china_only.is_empty()
    }

    pub fn counts(&self) -> ComparisonCounts {
        fn distinct<'a, T: PartialEq + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<&'a T> {
            let mut out: Vec<&T> = Vec::new();
            for item in items {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            out
        }
        let shared_us = distinct(self.both.iter().flat_map(|t| &t.united_states));
        let shared_china = distinct(self.both.iter().flat_map(|t| &t.china));
        let us_only = distinct(
            self.united_states_only
                .iter()
                .flat_map(|t| &t.united_states)
                .filter(|i| !shared_us.contains(i)),
        );
        let china_only = distinct(
            self.china_only
                .iter()
                .flat_map(|t| &t.china)
                .filter(|i| !shared_china.contains(i)),
        );
        ComparisonCounts {
            shared_topics: self.both.len(),
            united_states_only_topics: self.united_states_only.len(),
            china_only_topics: self.china_only.len(),
            shared_items: shared_us.len() + shared_china.len(),
            united_states_only_items: us_only.len(),
            china_only_items: china_only.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountSide::{China, UnitedStates};

    fn topic(slug: &str) -> TopicKey {
        TopicKey {
            name: slug.replace('-', " "),
            slug: slug.to_owned(),
        }
    }

    #[test]
    fn a_topic_both_sides_tag_is_shared_and_the_rest_go_to_their_side() {
        let (dialogue, tariffs, business) = (
            topic("dialogue"),
            topic("tariffs"),
            topic("business-climate"),
        );
        let us_agreed = [dialogue.clone()];
        let us_raised = [business.clone()];
        let cn_agreed = [dialogue.clone()];
        let cn_raised = [tariffs.clone(), business.clone()];
        let compared = Comparison::of([
            (UnitedStates, &us_agreed[..], "us-agreed"),
            (UnitedStates, &us_raised[..], "us-raised"),
            (China, &cn_agreed[..], "cn-agreed"),
            (China, &cn_raised[..], "cn-raised"),
        ]);
        let names = |group: &[ComparedTopic<&str>]| -> Vec<String> {
            group.iter().map(|t| t.topic.slug.clone()).collect()
        };
        assert_eq!(names(&compared.both), ["business-climate", "dialogue"]);
        assert_eq!(compared.both[1].united_states, ["us-agreed"]);
        assert_eq!(compared.both[1].china, ["cn-agreed"]);
        assert!(compared.united_states_only.is_empty());
        assert_eq!(names(&compared.china_only), ["tariffs"]);
        assert_eq!(compared.china_only[0].china, ["cn-raised"]);
        assert_eq!(
            compared.counts(),
            ComparisonCounts {
                shared_topics: 2,
                united_states_only_topics: 0,
                china_only_topics: 1,
                // cn-raised counts once, as shared (business climate), not also as one-sided.
                shared_items: 4,
                united_states_only_items: 0,
                china_only_items: 0,
            }
        );
    }

    #[test]
    fn one_sided_accounts_share_nothing() {
        let export = [topic("export-controls")];
        let compared = Comparison::of([
            (UnitedStates, &export[..], 1),
            (UnitedStates, &export[..], 2),
        ]);
        assert!(compared.both.is_empty() && compared.china_only.is_empty());
        assert_eq!(compared.united_states_only[0].united_states, [1, 2]);
        let counts = compared.counts();
        assert_eq!(
            (
                counts.united_states_only_topics,
                counts.united_states_only_items
            ),
            (1, 2)
        );
        assert!(Comparison::<u8>::of([]).is_empty());
    }
}
