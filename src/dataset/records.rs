//! The dataset's TOML records exactly as written by hand. Fields stay strings here; `validate`
//! turns them into typed records and reports every mistake with its file, record and field.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetFile {
    #[serde(default)]
    pub countries: Vec<RawCountry>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub people: Vec<RawPerson>,
    #[serde(default)]
    pub organizations: Vec<RawOrganization>,
    #[serde(default)]
    pub topics: Vec<RawTopic>,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    #[serde(default)]
    pub agreements: Vec<RawAgreement>,
    #[serde(default)]
    pub quotes: Vec<RawQuote>,
    /// When each record's content last changed (`changed.toml`, written by `tradewatch stamp`).
    #[serde(default)]
    pub changed: Vec<RawStamp>,
}

/// One record's stamp: `{ record = "event/x", digest = "…", at = "2026-11-30T09:45:00Z" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStamp {
    pub record: String,
    pub digest: String,
    pub at: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCitation {
    pub source: String,
    /// Paragraphs of a full-text source; a citation names these or `points`, never both.
    pub paragraphs: Option<Vec<u32>>,
    /// Summary points of a summary source.
    pub points: Option<Vec<u32>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    pub kind: String,
    pub text: String,
    pub basis: Option<String>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
}

/// A date as a string (`2023-08`, `early 2024`) or as explicit parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawDate {
    Text(String),
    Parts {
        from: String,
        to: String,
        precision: String,
        label: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountry {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    /// Required: optional here only so that its absence is reported with the record's name.
    pub voice: Option<String>,
    /// Required, a BCP 47 tag; optional here for the same reason as `voice`.
    pub language: Option<String>,
    pub published: RawDate,
    pub url: Option<String>,
    /// The full text, one string per paragraph; a source has these or `points`, not both.
    #[serde(default)]
    pub paragraphs: Vec<String>,
    /// The editors' own numbered summary points of the source, in place of its text.
    #[serde(default)]
    pub points: Vec<String>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub title: String,
    pub organization: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerson {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub roles: Vec<RawRole>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganization {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: String,
    pub country: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub slug: String,
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPersonRef {
    pub person: String,
    pub role: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganizationRef {
    pub organization: String,
    pub role: String,
}

/// A later event's bearing on an agreement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFollowUp {
    pub agreement: String,
    pub effect: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date: RawDate,
    pub date_phrase: Option<String>,
    pub location: Option<String>,
    pub status: String,
    #[serde(default)]
    pub sides: Vec<String>,
    pub class: String,
    pub summary: String,
    #[serde(default)]
    pub participants: Vec<RawPersonRef>,
    #[serde(default)]
    pub organizations: Vec<RawOrganizationRef>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub follows_up: Vec<RawFollowUp>,
    /// Each side's account of the event, from a source that reports it.
    #[serde(default)]
    pub accounts: Vec<RawAccount>,
    /// When the curators last looked for the account of the side that has none, and what
    /// they looked for.
    pub accounts_searched: Option<RawSearched>,
    /// The phases of a policy action, oldest first.
    #[serde(default)]
    pub phases: Vec<RawPhase>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

/// One side's account of an event: `{ source = "…", side = "china", items = [..] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    pub source: String,
    pub side: String,
    #[serde(default)]
    pub items: Vec<RawAccountItem>,
}

/// What an account says was raised, asked, agreed or stated, in the editors' words, citing the
/// account's source by `points` (or `paragraphs` of a full text).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccountItem {
    pub kind: String,
    pub by: Option<String>,
    pub text: String,
    #[serde(default)]
    pub topics: Vec<String>,
    pub paragraphs: Option<Vec<u32>>,
    pub points: Option<Vec<u32>>,
}

/// One phase of a policy action: `{ phase = "in-force", date = "2023-08-01", cites = [..] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub phase: String,
    pub date: RawDate,
    pub date_phrase: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgreement {
    pub slug: String,
    /// When the curators last looked for a follow-up and found none, and what they looked for.
    pub searched: Option<RawSearched>,
    pub title: String,
    pub kind: String,
    #[serde(default)]
    pub parties: Vec<String>,
    pub terms: String,
    pub cadence: Option<String>,
    pub due: Option<RawDate>,
    /// The paragraphs or points that give `due`, where other sources give other windows.
    #[serde(default)]
    pub due_cites: Vec<RawCitation>,
    /// Why the status follows `due` rather than the windows in `other_due`.
    pub due_reason: Option<String>,
    /// Other windows that other sources give for when it falls due.
    #[serde(default)]
    pub other_due: Vec<RawDueWindow>,
    pub event: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}

/// `{ date = "2024-01/2024-06", date_phrase = "the first half of 2024", cites = [..] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDueWindow {
    pub date: RawDate,
    pub date_phrase: Option<String>,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
}

/// `searched = { on = "2026-11-30", for = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearched {
    pub on: String,
    #[serde(rename = "for")]
    pub looked_for: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuote {
    pub slug: String,
    pub speaker: String,
    pub event: Option<String>,
    pub text: String,
    #[serde(default)]
    pub cites: Vec<RawCitation>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
}
