//! The curators' list of warnings: what a valid dataset still lacks. Unlike validation errors
//! they never stop an import; `tradewatch check` lists them (and fails on them with
//! `--deny-warnings`).
//!
//! The warnings judge the checked files on their own: records already in a database do not
//! count, so check the whole dataset directory.

use std::collections::HashSet;
use std::fmt;

use time::Date;

use super::{Dataset, Slug};
use crate::domain::commitment;
use crate::domain::{AccountSide, CommitmentStatus, EventKind};

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// An agreement's due date has passed with no follow-up recorded and no search noted.
    OverdueUnexplained,
    /// A source no record cites.
    UncitedSource,
    /// A paragraph or summary point of a cited source that no record cites.
    UncitedText,
    /// A bilateral meeting with one side's account only, where the other side is known to
    /// publish readouts, and no search for the missing one noted.
    OneSidedAccount,
}

/// One warning, naming its file, record and field as validation errors do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    pub file: String,
    /// The record, as people read it: `agreement "tourism-meeting-early-2024"`.
    pub record: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.file, self.record, self.field, self.message
        )
    }
}

/// The warnings of a validated dataset on `today`, grouped by file (in the dataset's file
/// order), each file's in the order of the checks below.
pub fn warnings(data: &Dataset, today: Date) -> Vec<Warning> {
    let mut out = Vec::new();
    let warn = |out: &mut Vec<Warning>,
                kind: WarningKind,
                record_type: &'static str,
                slug: &Slug,
                field: String,
                message: String| {
        out.push(Warning {
            kind,
            file: data.file_of(record_type, slug).unwrap_or("").to_owned(),
            record: format!("{record_type} \"{slug}\""),
            field,
            message,
        });
    };

    // An agreement overdue by the status rules that nobody has followed up or looked for.
    let followed_up: HashSet<&str> = data
        .events
        .iter()
        .flat_map(|e| &e.follows_up)
        .map(|f| f.agreement.as_str())
        .collect();
    for a in &data.agreements {
        let Some(due) = &a.due else { continue };
        let overdue = commitment::judge(&[], Some((due.start(), due.end())), today)
            == CommitmentStatus::Overdue;
        if overdue && a.searched.is_none() && !followed_up.contains(a.slug.as_str()) {
            warn(
                &mut out,
                WarningKind::OverdueUnexplained,
                "agreement",
                &a.slug,
                "due".into(),
                format!(
                    "its due date ({}) has passed with no follow-up recorded: add the event that followed it up (its follows_up), or say when the curators looked for one and found none (searched)",
                    due.label()
                ),
            );
        }
    }

    // A bilateral meeting (a meeting, visit or talks whose sides are both countries) with one
    // side's account only, where the other side is known to publish readouts: the dataset
    // holds its account of another event. Answered by that account, or by `accounts_searched`.
    let publishing: HashSet<AccountSide> = data
        .events
        .iter()
        .flat_map(|e| &e.accounts)
        .map(|a| a.side)
        .collect();
    for e in &data.events {
        let bilateral = matches!(
            e.kind,
            EventKind::Meeting | EventKind::Visit | EventKind::Talks
        ) && AccountSide::ALL
            .iter()
            .all(|side| e.sides.iter().any(|s| s.as_str() == side.as_str()));
        if !bilateral || e.accounts.is_empty() || e.accounts_searched.is_some() {
            continue;
        }
        for missing in AccountSide::ALL {
            if e.accounts.iter().any(|a| a.side == *missing) || !publishing.contains(missing) {
                continue;
            }
            warn(
                &mut out,
                WarningKind::OneSidedAccount,
                "event",
                &e.slug,
                "accounts".into(),
                format!(
                    "gives only one side's account, and the {} side publishes readouts (it gives accounts of other events): add its account of this one, or say when the curators looked for it and found none (accounts_searched)",
                    missing.label()
                ),
            );
        }
    }

    // Sources and their numbered texts that no record cites. A source's own notes citing it
    // do not count: they are not a record resting on it.
    let cited: HashSet<(&str, u32)> = data
        .citations()
        .into_iter()
        .filter(|c| !(c.record_type == "source" && c.slug == &c.citation.source))
        .map(|c| (c.citation.source.as_str(), c.citation.paragraph))
        .collect();
    let cited_sources: HashSet<&str> = cited.iter().map(|(source, _)| *source).collect();
    for s in &data.sources {
        let field = s.text_kind.units();
        if !cited_sources.contains(s.slug.as_str()) {
            warn(
                &mut out,
                WarningKind::UncitedSource,
                "source",
                &s.slug,
                field.into(),
                format!(
                    "no record cites this source: cite its {field} from the records they support, or remove it"
                ),
            );
            continue;
        }
        for number in 1..=u32::try_from(s.texts.len()).unwrap_or(u32::MAX) {
            if !cited.contains(&(s.slug.as_str(), number)) {
                warn(
                    &mut out,
                    WarningKind::UncitedText,
                    "source",
                    &s.slug,
                    field.into(),
                    format!("no record cites {} {number}", s.text_kind.unit()),
                );
            }
        }
    }

    // Grouped by file for the curators; the sort is stable, so each file keeps the order above.
    out.sort_by_key(|w| {
        data.files
            .iter()
            .position(|f| *f == w.file)
            .unwrap_or(usize::MAX)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Existing, parse_and_validate};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 30);

    /// A small valid dataset: one full-text source of three paragraphs, one summary source of
    /// two points, and one agreement due in early 2024.
    const BASE: &str = r#"
[[countries]]
slug = "united-states"
name = "United States"

[[sources]]
slug = "article"
title = "An article"
voice = "independent-press"
language = "en"
published = "2023-08-29"
paragraphs = ["One.", "Two.", "Three."]

[[sources]]
slug = "readout"
title = "A readout"
voice = "us-government"
language = "en"
published = "2023-08-28"
url = "https://example.com/readout"
points = ["First point.", "Second point."]

[[topics]]
slug = "trade"
name = "Trade"
summary = "Trade."
cites = [{ source = "article", paragraphs = [1] }]

[[agreements]]
slug = "meet-again"
title = "Meet again"
kind = "agreement"
parties = ["united-states"]
terms = "Meet again."
due = "early 2024"
cites = [{ source = "article", paragraphs = [2] }]
"#;

    /// `BASE` with `extra` records appended.
    fn dataset(extra: &str) -> Dataset {
        parse(format!("{BASE}{extra}"))
    }

    fn parse(text: String) -> Dataset {
        parse_and_validate(&[("test.toml".into(), text)], &Existing::default())
            .expect("a valid dataset")
    }

    fn of_kind(warnings: &[Warning], kind: WarningKind) -> Vec<String> {
        warnings
            .iter()
            .filter(|w| w.kind == kind)
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn an_overdue_agreement_without_follow_up_or_search_is_warned_of() {
        let data = dataset("");
        assert_eq!(
            of_kind(&warnings(&data, TODAY), WarningKind::OverdueUnexplained),
            [
                "test.toml: agreement \"meet-again\": due: its due date (Early 2024) has passed with no follow-up recorded: add the event that followed it up (its follows_up), or say when the curators looked for one and found none (searched)"
            ]
        );
        // Not while it is still due: the last day of early 2024 is 30 April.
        assert!(
            of_kind(
                &warnings(&data, date!(2024 - 04 - 30)),
                WarningKind::OverdueUnexplained
            )
            .is_empty()
        );
        assert_eq!(
            of_kind(
                &warnings(&data, date!(2024 - 05 - 01)),
                WarningKind::OverdueUnexplained
            )
            .len(),
            1
        );
    }

    #[test]
    fn a_follow_up_or_a_search_answers_an_overdue_agreement() {
        let followed = dataset(
            r#"
[[events]]
slug = "met-again"
title = "Met again"
kind = "meeting"
date = "2024-06"
status = "occurred"
sides = ["united-states"]
class = "verbal-cooperation"
summary = "They met again."
follows_up = [{ agreement = "meet-again", effect = "breaks" }]
cites = [{ source = "article", paragraphs = [3] }]
"#,
        );
        assert!(of_kind(&warnings(&followed, TODAY), WarningKind::OverdueUnexplained).is_empty());
        let searched = parse(BASE.replace(
            "due = \"early 2024\"",
            "due = \"early 2024\"\nsearched = { on = \"2026-11-30\", for = \"a second meeting\" }",
        ));
        assert!(searched.agreements[0].searched.is_some());
        assert!(of_kind(&warnings(&searched, TODAY), WarningKind::OverdueUnexplained).is_empty());
    }

    #[test]
    fn an_uncited_source_is_warned_of_once_and_its_uncited_texts_one_by_one() {
        let all = warnings(&dataset(""), TODAY);
        assert_eq!(
            of_kind(&all, WarningKind::UncitedSource),
            [
                "test.toml: source \"readout\": points: no record cites this source: cite its points from the records they support, or remove it"
            ]
        );
        assert_eq!(
            of_kind(&all, WarningKind::UncitedText),
            ["test.toml: source \"article\": paragraphs: no record cites paragraph 3"]
        );
    }

    #[test]
    fn a_note_citing_counts_as_citing_but_a_source_citing_itself_does_not() {
        // The readout's point 1 is cited by a note of the topic, point 2 by a note of the
        // article; the article's paragraph 3 only by the article's own note.
        let data = dataset(
            r#"
[[people]]
slug = "someone"
name = "Someone"
country = "united-states"
cites = [{ source = "article", paragraphs = [1] }]
notes = [{ kind = "editor", text = "Also in the readout.", cites = [{ source = "readout", points = [1] }] }]

[[sources]]
slug = "commentary"
title = "A commentary"
voice = "other"
language = "en"
published = "2023-09-01"
paragraphs = ["Commentary."]
notes = [
  { kind = "editor", text = "Cites the readout.", cites = [{ source = "readout", points = [2] }] },
  { kind = "editor", text = "Cites itself.", cites = [{ source = "commentary", paragraphs = [1] }] },
]
"#,
        );
        let all = warnings(&data, TODAY);
        assert!(
            of_kind(&all, WarningKind::UncitedText)
                .iter()
                .all(|w| !w.contains("\"readout\"")),
            "{all:?}"
        );
        assert_eq!(
            of_kind(&all, WarningKind::UncitedSource),
            [
                "test.toml: source \"commentary\": paragraphs: no record cites this source: cite its paragraphs from the records they support, or remove it"
            ]
        );
    }

    #[test]
    fn every_citation_is_listed_with_its_record_and_field() {
        let data = dataset("");
        let listed: Vec<String> = data
            .citations()
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {}:{}",
                    c.record_type, c.slug, c.field, c.citation.source, c.citation.paragraph
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                "topic trade cites article:1",
                "agreement meet-again cites article:2"
            ]
        );
    }
}
