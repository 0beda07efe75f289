//! The CSV exports, described once: each file's columns, their types, meanings and allowed
//! values, and the licence of the data. The exports write their header rows from it, the
//! `/datapackage.json` document is serialised from it, and the codebook on `/api` is rendered
//! from it. Allowed values come from the vocabularies the server parses and stores, so the
//! description cannot drift from the data.

use serde::Serialize;

use super::{AgreementKind, CommitmentStatus, EventKind, EventStatus, Precision};
use FieldType::{Date, Integer, String as Text};

/// The licence of the data, as the project states it for everything it publishes (the
/// `license` of its manifest). The texts of the cited sources are not part of the exports.
pub const LICENSE: License = License {
    name: "MIT",
    path: "https://opensource.org/licenses/MIT",
    title: "MIT License",
};

/// A column's Frictionless type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text; values may be empty unless the column is required.
    String,
    /// A whole number.
    Integer,
    /// A day, `YYYY-MM-DD`.
    Date,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Date => "date",
        }
    }
}

/// What a column's values may be, beyond their type.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Any value of the type.
    Any,
    /// A record's slug: lower-case letters and digits in runs joined by single hyphens.
    Slug,
    /// A whole number of at least zero.
    Count,
    /// An absolute URL.
    Url,
    /// Cited paragraphs, `source#pN` joined with `; `.
    Citations,
    /// One of a closed vocabulary's names.
    OneOf(fn() -> Vec<&'static str>),
}

/// The pattern of a slug (XML Schema regular expression, implicitly anchored), as
/// `domain::Slug::parse` accepts them.
pub const SLUG_PATTERN: &str = "[a-z0-9]+(-[a-z0-9]+)*";
/// One or more `source#pN` citations joined with `; `.
pub const CITATIONS_PATTERN: &str =
    "[a-z0-9]+(-[a-z0-9]+)*#p[1-9][0-9]*(; [a-z0-9]+(-[a-z0-9]+)*#p[1-9][0-9]*)*";

/// One column of an export.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub field_type: FieldType,
    /// What the column means, for the package and the codebook.
    pub description: &'static str,
    /// Whether every row has a value.
    pub required: bool,
    pub values: Values,
}

impl Column {
    /// The names a value must be one of, for a closed vocabulary.
    pub fn allowed(&self) -> Option<Vec<&'static str>> {
        match self.values {
            Values::OneOf(names) => Some(names()),
            _ => None,
        }
    }

    /// The allowed values in words, for the codebook.
    pub fn rule(&self) -> String {
        match self.values {
            Values::Any => String::new(),
            Values::Slug => "a slug: a-z, 0-9 and single hyphens".into(),
            Values::Count => "0 or more".into(),
            Values::Url => "an absolute URL".into(),
            Values::Citations => "source#pN, joined with “; ”".into(),
            Values::OneOf(names) => format!("one of {}", names().join(", ")),
        }
    }
}

/// A reference from a column to another export's key.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub column: &'static str,
    pub table: &'static str,
    pub key: &'static str,
}

/// One CSV export.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The resource's name in the package.
    pub name: &'static str,
    /// The export's path, relative to the site's root (and so to the package's address).
    pub path: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub columns: &'static [Column],
    /// The column that identifies a row.
    pub key: &'static str,
    pub references: &'static [Reference],
}

impl Table {
    /// The header row.
    pub fn header(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

const fn column(
    name: &'static str,
    field_type: FieldType,
    required: bool,
    values: Values,
    description: &'static str,
) -> Column {
    Column {
        name,
        field_type,
        description,
        required,
        values,
    }
}

pub const EVENTS: Table = Table {
    name: "events",
    path: "events.csv",
    title: "Events",
    description: "One row per event of the timeline, oldest first (ordered by the first and last day it may have fallen on, then slug). /events.csv takes the timeline's filters; unfiltered, it holds every event.",
    columns: &[
        column(
            "slug",
            Text,
            true,
            Values::Slug,
            "The event's identity; its page is /events/{slug}.",
        ),
        column(
            "title",
            Text,
            true,
            Values::Any,
            "What happened, in a line.",
        ),
        column(
            "kind",
            Text,
            true,
            Values::OneOf(|| names(EventKind::ALL, EventKind::as_str)),
            "What kind of event it was.",
        ),
        column(
            "date_start",
            Date,
            true,
            Values::Any,
            "The first day the event may have fallen on.",
        ),
        column(
            "date_end",
            Date,
            true,
            Values::Any,
            "The last day the event may have fallen on: the same as date_start for a single day known to the day.",
        ),
        column(
            "date_precision",
            Text,
            true,
            Values::OneOf(|| names(Precision::ALL, Precision::as_str)),
            "How precisely the date is known: to the day (a day or a span of known days), the month, a part of the year (season) or the year.",
        ),
        column(
            "date_label",
            Text,
            true,
            Values::Any,
            "The date as people read it: “28 August 2023”, “August 2023”, “early 2024”.",
        ),
        column(
            "status",
            Text,
            true,
            Values::OneOf(|| names(EventStatus::ALL, EventStatus::as_str)),
            "Whether the event took place or was planned, as the source tells it.",
        ),
        column(
            "location",
            Text,
            false,
            Values::Any,
            "Where it took place; empty when the source does not say.",
        ),
        column(
            "participants",
            Text,
            false,
            Values::Any,
            "The officials who took part, by name, in the dataset's order, joined with “; ”.",
        ),
        column(
            "topics",
            Text,
            false,
            Values::Any,
            "The topics it concerns, by name, alphabetically, joined with “; ”.",
        ),
        column(
            "citations",
            Text,
            true,
            Values::Citations,
            "The source paragraphs (or, of a source kept as the editors' summary, the summary points) that support it, as source#pN (the paragraph or point is /sources/{source}#pN), joined with “; ”.",
        ),
        column("url", Text, true, Values::Url, "The event's page."),
    ],
    key: "slug",
    references: &[],
};

pub const OFFICIALS: Table = Table {
    name: "officials",
    path: "officials.csv",
    title: "Officials",
    description: "One row per official (every person in the dataset), by country and then name, with the latest title the dataset knows.",
    columns: &[
        column(
            "slug",
            Text,
            true,
            Values::Slug,
            "The official's identity; their page is /officials/{slug}.",
        ),
        column(
            "name",
            Text,
            true,
            Values::Any,
            "Their name as commonly written in English.",
        ),
        column(
            "native_name",
            Text,
            false,
            Values::Any,
            "Their name in their own script (Chinese characters), where the dataset has it.",
        ),
        column(
            "country",
            Text,
            true,
            Values::Any,
            "The country they serve, by name.",
        ),
        column(
            "title",
            Text,
            false,
            Values::Any,
            "Their latest title: the one they still hold, else the one that ended last.",
        ),
        column(
            "title_from",
            Date,
            false,
            Values::Any,
            "The day they took that title, where known.",
        ),
        column(
            "title_to",
            Date,
            false,
            Values::Any,
            "The day that title ended; empty while they hold it.",
        ),
        column(
            "events",
            Integer,
            true,
            Values::Count,
            "How many events of the dataset they took part in.",
        ),
        column("url", Text, true, Values::Url, "The official's page."),
    ],
    key: "slug",
    references: &[],
};

pub const AGREEMENTS: Table = Table {
    name: "agreements",
    path: "agreements.csv",
    title: "Agreements and commitments",
    description: "One row per agreement or commitment, in the order they were reached, with its status as judged on the day the file is served. /agreements.csv takes the agreements page's filters; unfiltered, it holds every agreement.",
    columns: &[
        column(
            "slug",
            Text,
            true,
            Values::Slug,
            "The agreement's identity; its page is /agreements/{slug}.",
        ),
        column(
            "title",
            Text,
            true,
            Values::Any,
            "What was agreed, in a line.",
        ),
        column(
            "kind",
            Text,
            true,
            Values::OneOf(|| names(AgreementKind::ALL, AgreementKind::as_str)),
            "An agreement between parties, or a commitment one party made.",
        ),
        column(
            "parties",
            Text,
            true,
            Values::Any,
            "The organisations and countries bound by it, by name, in the dataset's order (“A, B and C”).",
        ),
        column(
            "terms",
            Text,
            true,
            Values::Any,
            "What the parties agreed to do.",
        ),
        column(
            "cadence",
            Text,
            false,
            Values::Any,
            "How often it is to be done (“once a year”), where the terms say.",
        ),
        column(
            "due_start",
            Date,
            false,
            Values::Any,
            "The first day of the period in which it falls due; empty when no date is set.",
        ),
        column(
            "due_end",
            Date,
            false,
            Values::Any,
            "The last day of the period in which it falls due.",
        ),
        column(
            "due_label",
            Text,
            false,
            Values::Any,
            "The due date as people read it (“early 2024”).",
        ),
        column(
            "status",
            Text,
            true,
            Values::OneOf(|| names(CommitmentStatus::ALL, CommitmentStatus::as_str)),
            "Where it stands, judged from the follow-up events in the record and the due date against the day the file is served; never written by hand.",
        ),
        column(
            "status_reason",
            Text,
            true,
            Values::Any,
            "Why it has that status, in a sentence.",
        ),
        column(
            "other_due",
            Text,
            false,
            Values::Any,
            "Where sources give other windows for when it falls due than due_label, which the status follows: each as “label (first day/last day): the status by it”, separated by “; ”. Empty when the sources agree.",
        ),
        column(
            "agreed_at",
            Text,
            false,
            Values::Slug,
            "The slug of the event at which it was reached (a row of events.csv); empty when the record does not say.",
        ),
        column("url", Text, true, Values::Url, "The agreement's page."),
    ],
    key: "slug",
    references: &[Reference {
        column: "agreed_at",
        table: "events",
        key: "slug",
    }],
};

pub const READOUTS: Table = Table {
    name: "readouts",
    path: "readouts.csv",
    title: "Readouts: both governments' accounts of one event",
    description: "One row per event that both the US and the Chinese government (or its state media) gave an account of, newest first, with how much the two accounts share by topic. A topic is shared when each side's account has an item tagged with it; an item counts as shared when any of its topics is. /readouts.csv takes the readouts page's filters (official, topic); unfiltered, it holds every such event.",
    columns: &[
        column(
            "slug",
            Text,
            true,
            Values::Slug,
            "The event's slug (a row of events.csv); its page, with both accounts side by side, is /events/{slug}.",
        ),
        column(
            "title",
            Text,
            true,
            Values::Any,
            "What happened, in a line.",
        ),
        column(
            "date_start",
            Date,
            true,
            Values::Any,
            "The first day the event may have fallen on.",
        ),
        column(
            "date_end",
            Date,
            true,
            Values::Any,
            "The last day the event may have fallen on.",
        ),
        column(
            "date_label",
            Text,
            true,
            Values::Any,
            "The date as people read it.",
        ),
        column(
            "shared_topics",
            Integer,
            true,
            Values::Count,
            "How many topics both accounts mention.",
        ),
        column(
            "united_states_only_topics",
            Integer,
            true,
            Values::Count,
            "How many topics only the US account mentions.",
        ),
        column(
            "china_only_topics",
            Integer,
            true,
            Values::Count,
            "How many topics only the Chinese account mentions.",
        ),
        column(
            "shared_items",
            Integer,
            true,
            Values::Count,
            "How many items (of either account) concern a topic both mention.",
        ),
        column(
            "united_states_only_items",
            Integer,
            true,
            Values::Count,
            "How many items of the US account concern only topics the Chinese account does not mention.",
        ),
        column(
            "china_only_items",
            Integer,
            true,
            Values::Count,
            "How many items of the Chinese account concern only topics the US account does not mention.",
        ),
        column(
            "shared_topic_slugs",
            Text,
            false,
            Values::Any,
            "The topics both accounts mention, as slugs, by name, joined with “; ”.",
        ),
        column(
            "united_states_only_topic_slugs",
            Text,
            false,
            Values::Any,
            "The topics only the US account mentions, as slugs, joined with “; ”.",
        ),
        column(
            "china_only_topic_slugs",
            Text,
            false,
            Values::Any,
            "The topics only the Chinese account mentions, as slugs, joined with “; ”.",
        ),
        column(
            "united_states_sources",
            Text,
            true,
            Values::Any,
            "The sources of the US accounts, as slugs (/sources/{slug}), joined with “; ”.",
        ),
        column(
            "china_sources",
            Text,
            true,
            Values::Any,
            "The sources of the Chinese accounts, as slugs (/sources/{slug}), joined with “; ”.",
        ),
        column("url", Text, true, Values::Url, "The event's page."),
    ],
    key: "slug",
    references: &[Reference {
        column: "slug",
        table: "events",
        key: "slug",
    }],
};

/// The exports the package describes, in its order.
pub const TABLES: [&Table; 4] = [&EVENTS, &OFFICIALS, &AGREEMENTS, &READOUTS];

#[derive(Debug, Clone, Copy, Serialize)]
pub struct License {
    pub name: &'static str,
    pub path: &'static str,
    pub title: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_names_its_key_and_references_among_its_columns() {
        for table in TABLES {
            let header = table.header();
            assert!(header.contains(&table.key), "{}", table.name);
            for r in table.references {
                assert!(header.contains(&r.column), "{}: {}", table.name, r.column);
                let target = TABLES.iter().find(|t| t.name == r.table);
                assert!(target.is_some_and(|t| t.header().contains(&r.key)));
            }
            let mut sorted = header.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                sorted.len(),
                header.len(),
                "{}: duplicate columns",
                table.name
            );
        }
    }
}
