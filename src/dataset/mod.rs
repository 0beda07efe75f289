//! The curated dataset: reading TOML files, validating them into typed records, and importing
//! them into the database in one transaction.

mod counts;
mod import;
mod list_links;
pub mod records;
mod search_index;
pub mod stamps;
pub mod synthetic;
mod validate;
pub mod warnings;

use std::path::{Path, PathBuf};

use time::Date;

use crate::domain::FollowUpEffect;

use crate::domain::{
    AccountItemKind, AccountSide, AgreementKind, EventClass, EventKind, EventStatus, FuzzyDate,
    LanguageTag, NoteKind, OrganizationKind, ParticipantRole, PolicyPhase, Slug, SourceVoice,
    TextKind,
};
pub use import::{ImportSummary, existing_records, import, import_with_progress};
use validate::validate;
pub use validate::{Existing, SourceTexts, ValidationError};

/// The dataset bundled into the binary at build time: `(path, contents)` of every `data/*.toml`.
pub const BUNDLED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_dataset.rs"));

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: no dataset files (*.toml) found")]
    Empty { path: String },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ValidationError>),
    #[error("the database refused the import: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot index the imported events: {0}")]
    Index(#[from] crate::db::index::BuildError),
}

/// A citation of one numbered text of a source. Every field of a record that holds citations
/// is listed in `Dataset::citations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub source: Slug,
    pub paragraph: u32,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
    pub basis: Option<String>,
    pub cites: Vec<Citation>,
}

#[derive(Debug, Clone)]
pub struct Country {
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub slug: Slug,
    pub title: String,
    pub publisher: Option<String>,
    pub voice: SourceVoice,
    pub language: LanguageTag,
    pub published: FuzzyDate,
    pub url: Option<String>,
    /// Whether `texts` are the source's paragraphs or the editors' summary points.
    pub text_kind: TextKind,
    /// The numbered texts citations point at: paragraphs or points, by `text_kind`.
    pub texts: Vec<String>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub title: String,
    pub organization: Option<Slug>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub basis: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub slug: Slug,
    pub name: String,
    pub native_name: Option<String>,
    pub country: Slug,
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub summary: Option<String>,
    pub roles: Vec<Role>,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub struct Organization {
    pub slug: Slug,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: OrganizationKind,
    pub country: Option<Slug>,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub slug: Slug,
    pub name: String,
    pub summary: String,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub slug: Slug,
    pub title: String,
    pub kind: EventKind,
    pub date: FuzzyDate,
    pub date_phrase: Option<String>,
    pub location: Option<String>,
    pub status: EventStatus,
    pub sides: Vec<Slug>,
    pub class: EventClass,
    pub summary: String,
    pub participants: Vec<(Slug, ParticipantRole)>,
    pub organizations: Vec<(Slug, ParticipantRole)>,
    pub topics: Vec<Slug>,
    pub follows_up: Vec<FollowUp>,
    pub accounts: Vec<Account>,
    /// The curators' last search for the missing side's account, which found none.
    pub accounts_searched: Option<Searched>,
    /// The phases of a policy action, oldest first (empty for other events).
    pub phases: Vec<Phase>,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

/// One side's account of an event, as a source gives it.
#[derive(Debug, Clone)]
pub struct Account {
    pub source: Slug,
    pub side: AccountSide,
    pub items: Vec<AccountItem>,
}

/// One thing an account reports, in the editors' words, with the source's texts it rests on.
#[derive(Debug, Clone)]
pub struct AccountItem {
    pub kind: AccountItemKind,
    /// The side that raised or asked it, where the account says.
    pub by: Option<Slug>,
    pub text: String,
    pub topics: Vec<Slug>,
    pub cites: Vec<Citation>,
}

/// One dated phase of a policy action, with the citations that date it.
#[derive(Debug, Clone)]
pub struct Phase {
    pub phase: PolicyPhase,
    pub date: FuzzyDate,
    pub date_phrase: Option<String>,
    pub note: Option<String>,
    pub cites: Vec<Citation>,
}

impl Event {
    /// The phases as the in-force rule reads them (`domain::phase`).
    pub fn dated_phases(&self) -> Vec<(PolicyPhase, &FuzzyDate)> {
        self.phases.iter().map(|p| (p.phase, &p.date)).collect()
    }
}

/// An event's bearing on an agreement made earlier.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub agreement: Slug,
    pub effect: FollowUpEffect,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Agreement {
    pub slug: Slug,
    /// The curators' last search for a follow-up that found none.
    pub searched: Option<Searched>,
    pub title: String,
    pub kind: AgreementKind,
    pub parties: Vec<Slug>,
    pub terms: String,
    pub cadence: Option<String>,
    pub due: Option<FuzzyDate>,
    /// Where sources give different windows: the citations of `due`, why the status follows
    /// it, and the other windows. Empty and `None` when the sources agree.
    pub due_cites: Vec<Citation>,
    pub due_reason: Option<String>,
    pub other_due: Vec<DueWindow>,
    pub event: Option<Slug>,
    pub topics: Vec<Slug>,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

/// A window for when an agreement falls due that a source gives, other than the one its status
/// follows.
#[derive(Debug, Clone)]
pub struct DueWindow {
    pub date: FuzzyDate,
    pub date_phrase: Option<String>,
    pub cites: Vec<Citation>,
}

/// When the curators last looked for a record of an agreement's outcome and found none, and
/// what they looked for.
#[derive(Debug, Clone)]
pub struct Searched {
    pub on: Date,
    pub looked_for: String,
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub slug: Slug,
    pub speaker: Slug,
    pub event: Option<Slug>,
    pub text: String,
    pub cites: Vec<Citation>,
    pub notes: Vec<Note>,
}

/// A validated dataset, ready to import.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub files: Vec<String>,
    pub countries: Vec<Country>,
    pub sources: Vec<Source>,
    pub people: Vec<Person>,
    pub organizations: Vec<Organization>,
    pub topics: Vec<Topic>,
    pub events: Vec<Event>,
    pub agreements: Vec<Agreement>,
    pub quotes: Vec<Quote>,
    /// Every record's digest and, where the data stamps it, when its content last changed.
    pub changed: std::collections::HashMap<stamps::RecordKey, stamps::Changed>,
    /// The file each record is declared in.
    pub record_files: std::collections::HashMap<stamps::RecordKey, String>,
}

/// One citation of the dataset and where it is: the citing record and its field.
#[derive(Debug, Clone)]
pub struct Cited<'a> {
    /// The citing record's type, as stamps name it: `event`, `source`, …
    pub record_type: &'static str,
    pub slug: &'a Slug,
    /// The field within the record, as errors name it: `cites`, `notes[0].cites`.
    pub field: String,
    pub citation: &'a Citation,
}

impl Dataset {
    /// Every citation of the dataset, with the record and field it is in.
    ///
    /// This is the one list of the places that cite: a new field that holds citations (an
    /// event's account items, a policy action's phases, …) MUST be added here, or the
    /// warnings of `tradewatch check` will call what it cites uncited.
    pub fn citations(&self) -> Vec<Cited<'_>> {
        fn record<'a>(
            out: &mut Vec<Cited<'a>>,
            record_type: &'static str,
            slug: &'a Slug,
            cites: &'a [Citation],
            notes: &'a [Note],
        ) {
            let cited = |field: String, citation| Cited {
                record_type,
                slug,
                field,
                citation,
            };
            out.extend(cites.iter().map(|c| cited("cites".into(), c)));
            for (i, note) in notes.iter().enumerate() {
                out.extend(
                    note.cites
                        .iter()
                        .map(|c| cited(format!("notes[{i}].cites"), c)),
                );
            }
        }
        let mut out = Vec::new();
        for s in &self.sources {
            record(&mut out, "source", &s.slug, &[], &s.notes);
        }
        for p in &self.people {
            record(&mut out, "person", &p.slug, &p.cites, &p.notes);
        }
        for o in &self.organizations {
            record(&mut out, "organization", &o.slug, &o.cites, &o.notes);
        }
        for t in &self.topics {
            record(&mut out, "topic", &t.slug, &t.cites, &t.notes);
        }
        for e in &self.events {
            record(&mut out, "event", &e.slug, &e.cites, &e.notes);
            for (p, phase) in e.phases.iter().enumerate() {
                out.extend(phase.cites.iter().map(|citation| Cited {
                    record_type: "event",
                    slug: &e.slug,
                    field: format!("phases[{p}].cites"),
                    citation,
                }));
            }
            for (a, account) in e.accounts.iter().enumerate() {
                for (i, item) in account.items.iter().enumerate() {
                    out.extend(item.cites.iter().map(|citation| Cited {
                        record_type: "event",
                        slug: &e.slug,
                        field: format!("accounts[{a}].items[{i}]"),
                        citation,
                    }));
                }
            }
        }
        for a in &self.agreements {
            record(&mut out, "agreement", &a.slug, &a.cites, &a.notes);
            let window = |field: String, citation| Cited {
                record_type: "agreement",
                slug: &a.slug,
                field,
                citation,
            };
            out.extend(a.due_cites.iter().map(|c| window("due_cites".into(), c)));
            for (w, other) in a.other_due.iter().enumerate() {
                out.extend(
                    other
                        .cites
                        .iter()
                        .map(|c| window(format!("other_due[{w}].cites"), c)),
                );
            }
        }
        for q in &self.quotes {
            record(&mut out, "quote", &q.slug, &q.cites, &q.notes);
        }
        out
    }

    /// The file a record of this dataset is declared in.
    pub fn file_of(&self, record_type: &'static str, slug: &Slug) -> Option<&str> {
        self.record_files
            .get(&stamps::RecordKey {
                record_type,
                slug: slug.as_str().to_owned(),
            })
            .map(String::as_str)
    }
}

/// The dataset files named by `paths`: files as given, directories searched for `*.toml`
/// (recursively, in name order).
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<(String, String)>, DatasetError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DatasetError> {
        let read_err = |source| DatasetError::Read {
            path: dir.display().to_string(),
            source,
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read_err)?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(DatasetError::Empty {
                    path: path.display().to_string(),
                });
            }
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            std::fs::read_to_string(&path)
                .map(|text| (name.clone(), text))
                .map_err(|source| DatasetError::Read { path: name, source })
        })
        .collect()
}

/// Parses named file contents, reporting the first file that is not valid TOML of the format.
fn parse_files(
    files: &[(String, String)],
) -> Result<Vec<(String, records::DatasetFile)>, DatasetError> {
    files
        .iter()
        .map(|(name, text)| {
            toml::from_str::<records::DatasetFile>(text)
                .map(|file| (name.clone(), file))
                .map_err(|e| DatasetError::Syntax {
                    file: name.clone(),
                    message: e.to_string().trim_end().to_owned(),
                })
        })
        .collect()
}

/// Parses and validates named file contents against what the database already holds.
pub fn parse_and_validate(
    files: &[(String, String)],
    existing: &Existing,
) -> Result<Dataset, DatasetError> {
    let parsed = parse_files(files)?;
    let digests = stamps::digests(files);
    let changed = stamps::resolve(&parsed, &digests);
    match (validate(&parsed, existing), changed) {
        (Ok(mut data), Ok(changed)) => {
            data.changed = changed;
            data.record_files = digests
                .into_iter()
                .map(|(file, key, _)| (key, file))
                .collect();
            Ok(data)
        }
        (Ok(_), Err(errors)) => Err(DatasetError::Invalid(errors)),
        (Err(mut errors), changed) => {
            errors.extend(changed.err().unwrap_or_default());
            Err(DatasetError::Invalid(errors))
        }
    }
}

/// Parses `files` and stamps every record (see `stamps`), returning the stamps file's new
/// text. Only the files' syntax must be right: stamping is how a changed dataset becomes
/// valid again.
pub fn stamp(
    files: &[(String, String)],
    now: time::OffsetDateTime,
) -> Result<stamps::Stamped, DatasetError> {
    let parsed = parse_files(files)?;
    Ok(stamps::stamp(&parsed, &stamps::digests(files), now))
}

/// The bundled dataset, as named files.
pub fn bundled_files() -> Vec<(String, String)> {
    BUNDLED
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect()
}
