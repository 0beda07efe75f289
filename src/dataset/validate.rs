//! Turns the hand-written records into typed ones, checking every field and reference. Every
//! mistake is reported, each naming its file, record and field; nothing is written unless there
//! are none.

use std::collections::{HashMap, HashSet};
use std::fmt;

use time::Date;

use super::records::*;
use super::*;
use crate::domain::date::parse_day;
use crate::domain::{
    AccountItemKind, AccountSide, AgreementKind, EventClass, EventKind, EventStatus,
    FollowUpEffect, FuzzyDate, LanguageTag, NoteKind, OrganizationKind, ParticipantRole,
    PolicyPhase, Precision, Slug, SourceVoice, TextKind,
};

/// One mistake in a dataset file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub file: String,
    /// The record, as people read it: `event "li-qiang-meeting"`.
    pub record: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.file, self.record, self.field, self.message
        )
    }
}

/// What the database already holds, so a new file may refer to records imported before.
#[derive(Debug, Default)]
pub struct Existing {
    pub countries: HashSet<String>,
    pub people: HashSet<String>,
    pub organizations: HashSet<String>,
    pub topics: HashSet<String>,
    pub events: HashSet<String>,
    pub agreements: HashSet<String>,
    /// Each source's numbered texts and what they are, by slug.
    pub sources: HashMap<String, SourceTexts>,
}

/// A source's numbered texts: its paragraphs, or the editors' summary points.
#[derive(Debug, Clone)]
pub struct SourceTexts {
    pub kind: TextKind,
    pub texts: Vec<String>,
    /// Whose account the source gives.
    pub voice: SourceVoice,
}

/// The slugs every reference may point at: the files' records and the database's.
struct Known<'a> {
    existing: &'a Existing,
    countries: HashSet<&'a str>,
    people: HashSet<&'a str>,
    organizations: HashSet<&'a str>,
    topics: HashSet<&'a str>,
    events: HashSet<&'a str>,
    agreements: HashSet<&'a str>,
    sources: HashMap<&'a str, (TextKind, &'a [String])>,
    /// The voices of the files' sources, where they name a valid one.
    voices: HashMap<&'a str, SourceVoice>,
}

impl Known<'_> {
    /// A source's numbered texts (paragraphs or points) and which they are.
    fn texts(&self, source: &str) -> Option<(TextKind, &[String])> {
        self.sources.get(source).copied().or_else(|| {
            self.existing
                .sources
                .get(source)
                .map(|s| (s.kind, s.texts.as_slice()))
        })
    }

    /// A source's voice, when the source is known and names a valid one.
    fn voice(&self, source: &str) -> Option<SourceVoice> {
        if self.sources.contains_key(source) {
            return self.voices.get(source).copied();
        }
        self.existing.sources.get(source).map(|s| s.voice)
    }
}

struct Checker<'a> {
    errors: Vec<ValidationError>,
    file: &'a str,
    record: String,
}

impl<'a> Checker<'a> {
    fn at(&mut self, file: &'a str, kind: &str, slug: &str) {
        self.file = file;
        self.record = format!("{kind} \"{slug}\"");
    }

    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            file: self.file.to_owned(),
            record: self.record.clone(),
            field: field.into(),
            message: message.into(),
        });
    }

    fn slug(&mut self, field: &str, value: &str) -> Option<Slug> {
        Slug::parse(value).map_err(|m| self.error(field, m)).ok()
    }

    fn text(&mut self, field: &str, value: &str) -> String {
        if value.trim().is_empty() {
            self.error(field, "is empty");
        }
        value.trim().to_owned()
    }

    fn optional_text(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        value.as_ref().map(|v| self.text(field, v))
    }

    fn parse<T: std::str::FromStr<Err = String>>(&mut self, field: &str, value: &str) -> Option<T> {
        value.parse().map_err(|m| self.error(field, m)).ok()
    }

    fn day(&mut self, field: &str, value: &str) -> Option<Date> {
        parse_day(value).map_err(|m| self.error(field, m)).ok()
    }

    fn date(&mut self, field: &str, value: &RawDate) -> Option<FuzzyDate> {
        let parsed = match value {
            RawDate::Text(text) => FuzzyDate::parse(text),
            RawDate::Parts {
                from,
                to,
                precision,
                label,
            } => {
                let (start, end) = (
                    self.day(&format!("{field}.from"), from)?,
                    self.day(&format!("{field}.to"), to)?,
                );
                let precision: Precision = self.parse(&format!("{field}.precision"), precision)?;
                FuzzyDate::new(start, end, precision, label.clone())
            }
        };
        parsed.map_err(|m| self.error(field, m)).ok()
    }

    /// A reference to another record: well formed and known.
    fn reference(
        &mut self,
        field: &str,
        value: &str,
        known: &HashSet<&str>,
        what: &str,
    ) -> Option<Slug> {
        let slug = self.slug(field, value)?;
        if known.contains(value) {
            Some(slug)
        } else {
            self.error(field, format!("\"{value}\" is not a known {what}"));
            None
        }
    }

    fn references(
        &mut self,
        field: &str,
        values: &[String],
        known: &HashSet<&str>,
        what: &str,
    ) -> Vec<Slug> {
        let mut slugs: Vec<Slug> = Vec::new();
        for value in values {
            if let Some(slug) = self.reference(field, value, known, what) {
                if slugs.contains(&slug) {
                    self.error(field, format!("\"{value}\" is listed twice"));
                } else {
                    slugs.push(slug);
                }
            }
        }
        slugs
    }

    fn citations(
        &mut self,
        field: &str,
        cites: &[RawCitation],
        known: &Known,
        required: bool,
    ) -> Vec<Citation> {
        if required && cites.is_empty() {
            self.error(
                field,
                "is missing: every record cites the source paragraphs that support it",
            );
        }
        let mut out = Vec::new();
        for cite in cites {
            let Some(source) = self.slug(&format!("{field}.source"), &cite.source) else {
                continue;
            };
            let Some((kind, texts)) = known.texts(&cite.source) else {
                self.error(
                    format!("{field}.source"),
                    format!("\"{}\" is not a known source", cite.source),
                );
                continue;
            };
            // A citation names the source's own kind of numbered text: paragraphs of a full
            // text, points of a summary.
            let wrong = match kind {
                TextKind::FullText => ("points", &cite.points),
                TextKind::Summary => ("paragraphs", &cite.paragraphs),
            };
            if wrong.1.is_some() {
                self.error(
                    format!("{field}.{}", wrong.0),
                    format!(
                        "source \"{source}\" has no {}: it is {}, cite its {} instead",
                        wrong.0,
                        match kind {
                            TextKind::FullText => "a full text",
                            TextKind::Summary => "the editors' summary",
                        },
                        kind.units()
                    ),
                );
                continue;
            }
            let numbers = match kind {
                TextKind::FullText => cite.paragraphs.as_deref(),
                TextKind::Summary => cite.points.as_deref(),
            };
            let unit_field = format!("{field}.{}", kind.units());
            let numbers = match numbers {
                None => {
                    self.error(
                        unit_field,
                        format!(
                            "is missing: name the {} of \"{source}\" cited",
                            kind.units()
                        ),
                    );
                    continue;
                }
                Some([]) => {
                    self.error(
                        unit_field,
                        format!("is empty: name at least one {}", kind.unit()),
                    );
                    continue;
                }
                Some(numbers) => numbers,
            };
            for &number in numbers {
                if number == 0 || number as usize > texts.len() {
                    self.error(
                        unit_field.clone(),
                        format!(
                            "source \"{source}\" has no {} {number} (it has 1 to {})",
                            kind.unit(),
                            texts.len()
                        ),
                    );
                } else if !out
                    .iter()
                    .any(|c: &Citation| c.source == source && c.paragraph == number)
                {
                    out.push(Citation {
                        source: source.clone(),
                        paragraph: number,
                    });
                }
            }
        }
        out
    }

    fn notes(&mut self, notes: &[RawNote], known: &Known) -> Vec<Note> {
        let mut out = Vec::new();
        for (i, note) in notes.iter().enumerate() {
            let field = format!("notes[{i}]");
            let Some(kind) = self.parse::<NoteKind>(&format!("{field}.kind"), &note.kind) else {
                continue;
            };
            let text = self.text(&format!("{field}.text"), &note.text);
            let basis = self.optional_text(&format!("{field}.basis"), &note.basis);
            if basis.is_none() && kind != NoteKind::Editor {
                self.error(
                    format!("{field}.basis"),
                    format!(
                        "is missing: a {} note says where its facts come from",
                        kind.as_str()
                    ),
                );
            }
            let cites = self.citations(&format!("{field}.cites"), &note.cites, known, false);
            out.push(Note {
                kind,
                text,
                basis,
                cites,
            });
        }
        out
    }

    /// An event's accounts: each from a known source whose voice fits its side, each item of a
    /// known kind, tagged with known topics and citing the account's own source.
    fn accounts(&mut self, accounts: &[RawAccount], known: &Known) -> Vec<Account> {
        let mut out: Vec<Account> = Vec::new();
        for (i, account) in accounts.iter().enumerate() {
            let field = format!("accounts[{i}]");
            let side = self.parse::<AccountSide>(&format!("{field}.side"), &account.side);
            if side.is_some() && !known.countries.contains(account.side.as_str()) {
                self.error(
                    format!("{field}.side"),
                    format!("\"{}\" is not a known country", account.side),
                );
            }
            let source_field = format!("{field}.source");
            let source = self.slug(&source_field, &account.source);
            let source_known = known.texts(&account.source).is_some();
            if source.is_some() && !source_known {
                self.error(
                    source_field.clone(),
                    format!("\"{}\" is not a known source", account.source),
                );
            }
            if let (Some(side), Some(voice)) = (side, known.voice(&account.source))
                && !side.is_voiced_by(voice)
            {
                self.error(
                    source_field.clone(),
                    format!(
                        "source \"{}\" is voiced by {}: the {} side's account comes from a {} source",
                        account.source,
                        voice.as_str(),
                        side.label(),
                        side.voices()
                    ),
                );
            }
            if let Some(source) = &source
                && out.iter().any(|a| a.source == *source)
            {
                self.error(
                    source_field.clone(),
                    format!("\"{source}\" is listed twice: give each source's account once"),
                );
            }
            if account.items.is_empty() {
                self.error(
                    format!("{field}.items"),
                    "is empty: list what the account says was raised, asked, agreed or stated",
                );
            }
            let mut items = Vec::new();
            for (j, item) in account.items.iter().enumerate() {
                let item_field = format!("{field}.items[{j}]");
                let kind = self.parse::<AccountItemKind>(&format!("{item_field}.kind"), &item.kind);
                let by = item.by.as_ref().and_then(|by| {
                    self.reference(&format!("{item_field}.by"), by, &known.countries, "country")
                });
                let text = self.text(&format!("{item_field}.text"), &item.text);
                let topics_field = format!("{item_field}.topics");
                if item.topics.is_empty() {
                    self.error(
                        topics_field.clone(),
                        "is empty: tag the item with at least one topic",
                    );
                }
                let topics = self.references(&topics_field, &item.topics, &known.topics, "topic");
                // The item cites its account's source; an unknown source is reported once, above.
                let cites = if source_known {
                    let cite = RawCitation {
                        source: account.source.clone(),
                        paragraphs: item.paragraphs.clone(),
                        points: item.points.clone(),
                    };
                    self.citations(&item_field, &[cite], known, false)
                } else {
                    Vec::new()
                };
                if let Some(kind) = kind {
                    items.push(AccountItem {
                        kind,
                        by,
                        text,
                        topics,
                        cites,
                    });
                }
            }
            if let (Some(source), Some(side)) = (source, side) {
                out.push(Account {
                    source,
                    side,
                    items,
                });
            }
        }
        out
    }

    fn aliases(&mut self, aliases: &[String]) -> Vec<String> {
        aliases.iter().map(|a| self.text("aliases", a)).collect()
    }
}

/// Collapses the differences a transcription may introduce: quotation-mark style and spacing.
fn normalise_quotation(text: &str) -> String {
    let straightened: String = text
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' | '«' | '»' => '"',
            '‘' | '’' | '‚' => '\'',
            other => other,
        })
        .collect();
    straightened
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Slugs declared more than once across the files of one import.
fn duplicates<'a>(
    checker: &mut Checker<'a>,
    kind: &str,
    records: impl Iterator<Item = (&'a str, &'a str)>,
) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (file, slug) in records {
        if let Some(previous) = first.insert(slug, file) {
            checker.at(file, kind, slug);
            checker.error(
                "slug",
                format!("is also declared in {previous}; each record is declared once"),
            );
        }
    }
}

/// A source's numbered texts as written: its points if it has any, else its paragraphs.
fn source_texts(source: &RawSource) -> (TextKind, &[String]) {
    if source.points.is_empty() {
        (TextKind::FullText, source.paragraphs.as_slice())
    } else {
        (TextKind::Summary, source.points.as_slice())
    }
}

fn with<'a>(mut set: HashSet<&'a str>, db: &'a HashSet<String>) -> HashSet<&'a str> {
    set.extend(db.iter().map(String::as_str));
    set
}

/// Validates parsed files (named by path) against themselves and what the database holds.
pub fn validate(
    files: &[(String, DatasetFile)],
    existing: &Existing,
) -> Result<Dataset, Vec<ValidationError>> {
    let mut c = Checker {
        errors: Vec::new(),
        file: "",
        record: String::new(),
    };
    let all = || files.iter().map(|(name, file)| (name.as_str(), file));

    macro_rules! slugs_of {
        ($field:ident, $kind:literal) => {{
            duplicates(
                &mut c,
                $kind,
                all().flat_map(|(name, f)| f.$field.iter().map(move |r| (name, r.slug.as_str()))),
            );
            all()
                .flat_map(|(_, f)| f.$field.iter().map(|r| r.slug.as_str()))
                .collect::<HashSet<&str>>()
        }};
    }
    let countries = slugs_of!(countries, "country");
    let people = slugs_of!(people, "person");
    let organizations = slugs_of!(organizations, "organization");
    let topics = slugs_of!(topics, "topic");
    let events = slugs_of!(events, "event");
    let agreements = slugs_of!(agreements, "agreement");
    let _ = slugs_of!(quotes, "quote");
    let _ = slugs_of!(sources, "source");
    let known = Known {
        existing,
        countries: with(countries, &existing.countries),
        people: with(people, &existing.people),
        organizations: with(organizations, &existing.organizations),
        topics: with(topics, &existing.topics),
        events: with(events, &existing.events),
        agreements: with(agreements, &existing.agreements),
        sources: all()
            .flat_map(|(_, f)| f.sources.iter().map(|s| (s.slug.as_str(), source_texts(s))))
            .collect(),
        voices: all()
            .flat_map(|(_, f)| {
                f.sources.iter().filter_map(|s| {
                    let voice = s.voice.as_deref()?.parse::<SourceVoice>().ok()?;
                    Some((s.slug.as_str(), voice))
                })
            })
            .collect(),
    };
    let mut parties = known.organizations.clone();
    parties.extend(known.countries.iter().copied());

    let mut data = Dataset {
        files: files.iter().map(|(name, _)| name.clone()).collect(),
        ..Dataset::default()
    };
    for (file, f) in all() {
        for r in &f.countries {
            c.at(file, "country", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let name = c.text("name", &r.name);
            if let Some(slug) = slug {
                data.countries.push(Country { slug, name });
            }
        }
        for r in &f.sources {
            c.at(file, "source", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let title = c.text("title", &r.title);
            let publisher = c.optional_text("publisher", &r.publisher);
            let voice = match &r.voice {
                Some(voice) => c.parse::<SourceVoice>("voice", voice),
                None => {
                    c.error(
                        "voice",
                        format!(
                            "is missing: say whose account the source gives, one of {}",
                            SourceVoice::expected()
                        ),
                    );
                    None
                }
            };
            let language = match &r.language {
                Some(tag) => LanguageTag::parse(tag)
                    .map_err(|m| c.error("language", m))
                    .ok(),
                None => {
                    c.error(
                        "language",
                        "is missing: give the original's language as a BCP 47 tag (en, zh, zh-Hans)",
                    );
                    None
                }
            };
            let published = c.date("published", &r.published);
            let url = c.optional_text("url", &r.url);
            if let Some(url) = &url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                c.error("url", format!("\"{url}\" is not an http(s) URL"));
            }
            let text_kind = match (r.paragraphs.is_empty(), r.points.is_empty()) {
                (false, true) => Some(TextKind::FullText),
                (true, false) => Some(TextKind::Summary),
                (true, true) => {
                    c.error(
                        "paragraphs",
                        "is empty: a source needs its text (paragraphs) or the editors' summary of it (points)",
                    );
                    None
                }
                (false, false) => {
                    c.error(
                        "points",
                        "a source has its full text (paragraphs) or the editors' summary points, not both",
                    );
                    None
                }
            };
            for (field, texts) in [("paragraphs", &r.paragraphs), ("points", &r.points)] {
                let unit = &field[..field.len() - 1];
                for (i, p) in texts.iter().enumerate() {
                    if p.trim().is_empty() {
                        c.error(field, format!("{unit} {} is empty", i + 1));
                    }
                }
            }
            if text_kind == Some(TextKind::Summary) && url.is_none() {
                c.error(
                    "url",
                    "is missing: a source given as summary points links to the original",
                );
            }
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(voice), Some(language), Some(published), Some(text_kind)) =
                (slug, voice, language, published, text_kind)
            {
                data.sources.push(Source {
                    slug,
                    title,
                    publisher,
                    voice,
                    language,
                    published,
                    url,
                    text_kind,
                    texts: source_texts(r).1.to_vec(),
                    notes,
                });
            }
        }
        for r in &f.topics {
            c.at(file, "topic", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let name = c.text("name", &r.name);
            let summary = c.text("summary", &r.summary);
            let cites = c.citations("cites", &r.cites, &known, true);
            let notes = c.notes(&r.notes, &known);
            if let Some(slug) = slug {
                data.topics.push(Topic {
                    slug,
                    name,
                    summary,
                    cites,
                    notes,
                });
            }
        }
        for r in &f.organizations {
            c.at(file, "organization", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let name = c.text("name", &r.name);
            let native_name = c.optional_text("native_name", &r.native_name);
            let kind = c.parse::<OrganizationKind>("kind", &r.kind);
            let country = r
                .country
                .as_ref()
                .and_then(|v| c.reference("country", v, &known.countries, "country"));
            let aliases = c.aliases(&r.aliases);
            let summary = c.optional_text("summary", &r.summary);
            let cites = c.citations("cites", &r.cites, &known, true);
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(kind)) = (slug, kind) {
                data.organizations.push(Organization {
                    slug,
                    name,
                    native_name,
                    kind,
                    country,
                    aliases,
                    summary,
                    cites,
                    notes,
                });
            }
        }
        for r in &f.people {
            c.at(file, "person", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let name = c.text("name", &r.name);
            let native_name = c.optional_text("native_name", &r.native_name);
            let country = c.reference("country", &r.country, &known.countries, "country");
            let aliases = c.aliases(&r.aliases);
            let wikidata = c.optional_text("wikidata", &r.wikidata);
            if let Some(id) = &wikidata {
                let valid = id.len() > 1
                    && id.starts_with('Q')
                    && id[1..].bytes().all(|b| b.is_ascii_digit());
                if !valid {
                    c.error(
                        "wikidata",
                        format!("\"{id}\" is not a Wikidata ID like Q6279"),
                    );
                }
            }
            let summary = c.optional_text("summary", &r.summary);
            let mut roles = Vec::new();
            for (i, role) in r.roles.iter().enumerate() {
                let field = format!("roles[{i}]");
                let title = c.text(&format!("{field}.title"), &role.title);
                let organization = role.organization.as_ref().and_then(|o| {
                    c.reference(
                        &format!("{field}.organization"),
                        o,
                        &known.organizations,
                        "organization",
                    )
                });
                let from = role
                    .from
                    .as_ref()
                    .and_then(|d| c.day(&format!("{field}.from"), d));
                let to = role
                    .to
                    .as_ref()
                    .and_then(|d| c.day(&format!("{field}.to"), d));
                if let (Some(from), Some(to)) = (from, to)
                    && to < from
                {
                    c.error(format!("{field}.to"), "is before the role's start (from)");
                }
                let basis = c.optional_text(&format!("{field}.basis"), &role.basis);
                roles.push(Role {
                    title,
                    organization,
                    from,
                    to,
                    basis,
                });
            }
            let cites = c.citations("cites", &r.cites, &known, true);
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(country)) = (slug, country) {
                data.people.push(Person {
                    slug,
                    name,
                    native_name,
                    country,
                    aliases,
                    wikidata,
                    summary,
                    roles,
                    cites,
                    notes,
                });
            }
        }
        for r in &f.events {
            c.at(file, "event", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let title = c.text("title", &r.title);
            let kind = c.parse::<EventKind>("kind", &r.kind);
            let date = c.date("date", &r.date);
            let date_phrase = c.optional_text("date_phrase", &r.date_phrase);
            let location = c.optional_text("location", &r.location);
            let status = c.parse::<EventStatus>("status", &r.status);
            if r.sides.is_empty() {
                c.error(
                    "sides",
                    "is empty: name the country or countries that acted",
                );
            }
            let sides = c.references("sides", &r.sides, &known.countries, "country");
            let class = c.parse::<EventClass>("class", &r.class);
            let summary = c.text("summary", &r.summary);
            let mut participants: Vec<(Slug, ParticipantRole)> = Vec::new();
            for p in &r.participants {
                let person = c.reference("participants", &p.person, &known.people, "person");
                let role = c.parse::<ParticipantRole>("participants.role", &p.role);
                if let (Some(person), Some(role)) = (person, role) {
                    if participants.iter().any(|(s, _)| *s == person) {
                        c.error("participants", format!("\"{person}\" is listed twice"));
                    } else {
                        participants.push((person, role));
                    }
                }
            }
            let mut organizations: Vec<(Slug, ParticipantRole)> = Vec::new();
            for o in &r.organizations {
                let org = c.reference(
                    "organizations",
                    &o.organization,
                    &known.organizations,
                    "organization",
                );
                let role = c.parse::<ParticipantRole>("organizations.role", &o.role);
                if let (Some(org), Some(role)) = (org, role) {
                    if organizations.iter().any(|(s, _)| *s == org) {
                        c.error("organizations", format!("\"{org}\" is listed twice"));
                    } else {
                        organizations.push((org, role));
                    }
                }
            }
            let topics = c.references("topics", &r.topics, &known.topics, "topic");
            let mut follows_up: Vec<FollowUp> = Vec::new();
            for (i, f) in r.follows_up.iter().enumerate() {
                let field = format!("follows_up[{i}]");
                let agreement = c.reference(
                    &format!("{field}.agreement"),
                    &f.agreement,
                    &known.agreements,
                    "agreement",
                );
                let effect = c.parse::<FollowUpEffect>(&format!("{field}.effect"), &f.effect);
                let note = c.optional_text(&format!("{field}.note"), &f.note);
                if let (Some(agreement), Some(effect)) = (agreement, effect) {
                    if follows_up.iter().any(|f| f.agreement == agreement) {
                        c.error(field, format!("\"{agreement}\" is listed twice"));
                    } else {
                        follows_up.push(FollowUp {
                            agreement,
                            effect,
                            note,
                        });
                    }
                }
            }
            let accounts = c.accounts(&r.accounts, &known);
            let accounts_searched = r.accounts_searched.as_ref().and_then(|s| {
                let on = c.day("accounts_searched.on", &s.on);
                let looked_for = c.text("accounts_searched.for", &s.looked_for);
                on.map(|on| Searched { on, looked_for })
            });
            let mut phases: Vec<Phase> = Vec::new();
            let mut phases_complete = true;
            for (i, p) in r.phases.iter().enumerate() {
                let field = format!("phases[{i}]");
                let phase = c.parse::<PolicyPhase>(&format!("{field}.phase"), &p.phase);
                let date = c.date(&format!("{field}.date"), &p.date);
                let date_phrase = c.optional_text(&format!("{field}.date_phrase"), &p.date_phrase);
                let note = c.optional_text(&format!("{field}.note"), &p.note);
                let cites = c.citations(&format!("{field}.cites"), &p.cites, &known, true);
                match (phase, date) {
                    (Some(phase), Some(date)) => phases.push(Phase {
                        phase,
                        date,
                        date_phrase,
                        note,
                        cites,
                    }),
                    _ => phases_complete = false,
                }
            }
            if phases_complete {
                let dated: Vec<(PolicyPhase, &FuzzyDate)> =
                    phases.iter().map(|p| (p.phase, &p.date)).collect();
                for (i, message) in crate::domain::phase::sequence_errors(&dated) {
                    c.error(format!("phases[{i}]"), message);
                }
            }
            let cites = c.citations("cites", &r.cites, &known, true);
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(kind), Some(date), Some(status), Some(class)) =
                (slug, kind, date, status, class)
            {
                data.events.push(Event {
                    slug,
                    title,
                    kind,
                    date,
                    date_phrase,
                    location,
                    status,
                    sides,
                    class,
                    summary,
                    participants,
                    organizations,
                    topics,
                    follows_up,
                    accounts,
                    accounts_searched,
                    phases,
                    cites,
                    notes,
                });
            }
        }
        for r in &f.agreements {
            c.at(file, "agreement", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let title = c.text("title", &r.title);
            let kind = c.parse::<AgreementKind>("kind", &r.kind);
            if r.parties.is_empty() {
                c.error(
                    "parties",
                    "is empty: name the organisations or countries bound by it",
                );
            }
            let parties = c.references("parties", &r.parties, &parties, "organization or country");
            let terms = c.text("terms", &r.terms);
            let cadence = c.optional_text("cadence", &r.cadence);
            let due = r.due.as_ref().and_then(|d| c.date("due", d));
            let due_cites = c.citations("due_cites", &r.due_cites, &known, false);
            let due_reason = c.optional_text("due_reason", &r.due_reason);
            let mut other_due = Vec::new();
            for (i, w) in r.other_due.iter().enumerate() {
                let field = format!("other_due[{i}]");
                let date = c.date(&format!("{field}.date"), &w.date);
                let date_phrase = c.optional_text(&format!("{field}.date_phrase"), &w.date_phrase);
                let cites = c.citations(&format!("{field}.cites"), &w.cites, &known, true);
                if let Some(date) = date {
                    other_due.push(DueWindow {
                        date,
                        date_phrase,
                        cites,
                    });
                }
            }
            // Two windows are shown side by side, each with its source, and the status says
            // which it follows: so each needs its citations, and the choice its reason.
            if !r.other_due.is_empty() {
                if r.due.is_none() {
                    c.error(
                        "other_due",
                        "is given without due: give the window the status follows in due",
                    );
                }
                if r.due_cites.is_empty() {
                    c.error(
                        "due_cites",
                        "is missing: with other_due, cite the source that gives due",
                    );
                }
                if r.due_reason.is_none() {
                    c.error(
                        "due_reason",
                        "is missing: with other_due, say why the status follows due",
                    );
                }
            } else if !r.due_cites.is_empty() || r.due_reason.is_some() {
                c.error(
                    if r.due_reason.is_some() { "due_reason" } else { "due_cites" },
                    "is given without other_due: it explains a choice between windows, so give the other window, or cite the due date in cites",
                );
            }
            let event = r
                .event
                .as_ref()
                .and_then(|e| c.reference("event", e, &known.events, "event"));
            let topics = c.references("topics", &r.topics, &known.topics, "topic");
            let searched = r.searched.as_ref().and_then(|s| {
                let on = c.day("searched.on", &s.on);
                let looked_for = c.text("searched.for", &s.looked_for);
                on.map(|on| Searched { on, looked_for })
            });
            let cites = c.citations("cites", &r.cites, &known, true);
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(kind)) = (slug, kind) {
                data.agreements.push(Agreement {
                    slug,
                    searched,
                    title,
                    kind,
                    parties,
                    terms,
                    cadence,
                    due,
                    due_cites,
                    due_reason,
                    other_due,
                    event,
                    topics,
                    cites,
                    notes,
                });
            }
        }
        for r in &f.quotes {
            c.at(file, "quote", &r.slug);
            let slug = c.slug("slug", &r.slug);
            let speaker = c.reference("speaker", &r.speaker, &known.people, "person");
            let event = r
                .event
                .as_ref()
                .and_then(|e| c.reference("event", e, &known.events, "event"));
            let text = c.text("text", &r.text);
            let cites = c.citations("cites", &r.cites, &known, true);
            let wanted = normalise_quotation(&text);
            let verbatim = cites.iter().any(|cite| {
                known
                    .texts(cite.source.as_str())
                    .and_then(|(_, ps)| ps.get(cite.paragraph as usize - 1))
                    .is_some_and(|p| normalise_quotation(p).contains(&wanted))
            });
            if !cites.is_empty() && !verbatim {
                c.error(
                    "text",
                    "does not appear verbatim in any of the cited paragraphs",
                );
            }
            let notes = c.notes(&r.notes, &known);
            if let (Some(slug), Some(speaker)) = (slug, speaker) {
                data.quotes.push(Quote {
                    slug,
                    speaker,
                    event,
                    text,
                    cites,
                    notes,
                });
            }
        }
    }
    if c.errors.is_empty() {
        Ok(data)
    } else {
        Err(c.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotation_marks_and_spacing_do_not_matter_when_matching_quotes() {
        assert_eq!(
            normalise_quotation("“Of course,  I refused,”\n"),
            "\"Of course, I refused,\""
        );
        assert_eq!(normalise_quotation("It’s"), "It's");
    }
}
