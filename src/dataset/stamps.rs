//! When each record's content last changed, kept in the data itself so that every server
//! built from the same data tells the same history, whenever and wherever it starts.
//!
//! A record's digest is taken from the record as written (its TOML table, keys in order):
//! reformatting a file, moving a record to another file or adding a field to the code changes
//! nothing, while any change to what the record says changes it. A stamp pairs a record with
//! its digest and the time its content last changed; `tradewatch stamp` writes them into
//! `changed.toml`, and `check` and `import` refuse a dataset whose stamps no longer match it.
//! Files without any stamp (a one-off import) are dated by the import itself.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ValidationError;
use super::records::{DatasetFile, RawStamp};

/// The file `tradewatch stamp` writes into a dataset directory.
pub const STAMPS_FILE: &str = "changed.toml";

/// Each record array of a dataset file, and the record type its entries are.
pub const RECORD_ARRAYS: [(&str, &str); 8] = [
    ("countries", "country"),
    ("sources", "source"),
    ("people", "person"),
    ("organizations", "organization"),
    ("topics", "topic"),
    ("events", "event"),
    ("agreements", "agreement"),
    ("quotes", "quote"),
];

/// A record as stamps name it: `event/raimondo-meets-wang-wentao`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub record_type: &'static str,
    pub slug: String,
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.record_type, self.slug)
    }
}

impl RecordKey {
    fn parse(text: &str) -> Option<Self> {
        let (kind, slug) = text.split_once('/')?;
        let record_type = RECORD_ARRAYS.iter().map(|(_, t)| *t).find(|t| *t == kind)?;
        (!slug.is_empty()).then(|| Self {
            record_type,
            slug: slug.to_owned(),
        })
    }
}

/// A record's digest and, where the data stamps it, when its content last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub digest: String,
    pub at: Option<OffsetDateTime>,
}

/// FNV-1a: a short, stable fingerprint (not a security measure: it only detects change).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The digest of every record in `files`, with the file it is in. A file that is not valid
/// TOML is passed over here: parsing it reports the mistake.
pub fn digests(files: &[(String, String)]) -> Vec<(String, RecordKey, String)> {
    let mut out = Vec::new();
    for (name, text) in files {
        let Ok(table) = toml::from_str::<toml::Table>(text) else {
            continue;
        };
        for (array, record_type) in RECORD_ARRAYS {
            let Some(toml::Value::Array(records)) = table.get(array) else {
                continue;
            };
            for record in records {
                let Some(slug) = record.get("slug").and_then(toml::Value::as_str) else {
                    continue;
                };
                // The table's keys are kept in order, so the text is the same however the
                // record is laid out in its file.
                let canonical = serde_json::to_string(record).unwrap_or_default();
                out.push((
                    name.clone(),
                    RecordKey {
                        record_type,
                        slug: slug.to_owned(),
                    },
                    fnv1a(canonical.into_bytes()),
                ));
            }
        }
    }
    out
}

/// A time as stamps and revisions write it: RFC 3339 in UTC, whole seconds, so that such
/// times order as text.
pub fn utc_text(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    utc.replace_nanosecond(0)
        .unwrap_or(utc)
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .filter(|t| t.offset().is_utc())
}

/// Holds the records to their stamps: every record of a dataset that has stamps must be
/// stamped with its current digest, and every stamp must name a record of the dataset.
pub fn resolve(
    parsed: &[(String, DatasetFile)],
    digests: &[(String, RecordKey, String)],
) -> Result<HashMap<RecordKey, Changed>, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let error = |file: &str, record: String, field: &str, message: String| ValidationError {
        file: file.to_owned(),
        record,
        field: field.to_owned(),
        message,
    };
    let mut stamps: HashMap<RecordKey, (&str, &RawStamp, OffsetDateTime)> = HashMap::new();
    for (file, f) in parsed {
        for stamp in &f.changed {
            let record = format!("stamp \"{}\"", stamp.record);
            let Some(key) = RecordKey::parse(&stamp.record) else {
                errors.push(error(
                    file,
                    record,
                    "record",
                    "expected TYPE/SLUG, TYPE one of country, source, person, organization, topic, event, agreement, quote".into(),
                ));
                continue;
            };
            let Some(at) = parse_time(&stamp.at) else {
                errors.push(error(
                    file,
                    record,
                    "at",
                    format!(
                        "expected a UTC time such as 2026-11-30T09:45:00Z, got \"{}\"",
                        stamp.at
                    ),
                ));
                continue;
            };
            if let Some((other, _, _)) = stamps.get(&key) {
                errors.push(error(
                    file,
                    record,
                    "record",
                    format!("is stamped twice (also in {other})"),
                ));
                continue;
            }
            stamps.insert(key, (file.as_str(), stamp, at));
        }
    }
    let stamped = !stamps.is_empty();
    let mut out = HashMap::new();
    for (file, key, digest) in digests {
        let record = format!("{} \"{}\"", key.record_type, key.slug);
        let at = match stamps.remove(key) {
            Some((_, stamp, at)) if stamp.digest == *digest => Some(at),
            Some((stamp_file, _, _)) => {
                errors.push(error(
                    file,
                    record,
                    "(content)",
                    format!(
                        "has changed since {stamp_file} stamped it: run `tradewatch stamp` on the dataset's directory to date the change"
                    ),
                ));
                continue;
            }
            None if stamped => {
                errors.push(error(
                    file,
                    record,
                    "(content)",
                    format!(
                        "has no stamp in {STAMPS_FILE}: run `tradewatch stamp` on the dataset's directory to date it"
                    ),
                ));
                continue;
            }
            None => None,
        };
        out.insert(
            key.clone(),
            Changed {
                digest: digest.clone(),
                at,
            },
        );
    }
    for (key, (file, _, _)) in stamps {
        errors.push(error(
            file,
            format!("stamp \"{key}\""),
            "record",
            "names no record of the dataset: run `tradewatch stamp` to drop it".into(),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by(|a, b| (&a.file, &a.record).cmp(&(&b.file, &b.record)));
        Err(errors)
    }
}

/// What stamping a dataset did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stamped {
    pub kept: usize,
    pub dated: usize,
    pub dropped: usize,
    /// The stamps file's new text.
    pub text: String,
}

/// Stamps every record of `files`: an unchanged record keeps its time, a new or changed one
/// is dated `now`, and stamps of records no longer in the data are dropped.
pub fn stamp(
    parsed: &[(String, DatasetFile)],
    digests: &[(String, RecordKey, String)],
    now: OffsetDateTime,
) -> Stamped {
    let mut previous: HashMap<String, &RawStamp> = parsed
        .iter()
        .flat_map(|(_, f)| f.changed.iter().map(|s| (s.record.clone(), s)))
        .collect();
    let now = utc_text(now);
    let mut result = Stamped::default();
    let mut lines = BTreeMap::new();
    for (_, key, digest) in digests {
        let name = key.to_string();
        let at = match previous.remove(&name) {
            Some(old) if old.digest == *digest && parse_time(&old.at).is_some() => {
                result.kept += 1;
                old.at.clone()
            }
            _ => {
                result.dated += 1;
                now.clone()
            }
        };
        lines.insert(
            key.clone(),
            format!("  {{ record = \"{name}\", digest = \"{digest}\", at = \"{at}\" }},\n"),
        );
    }
    result.dropped = previous.len();
    result.text = String::from(
        "# When each record's content last changed: its digest and the time of the change.\n\
         # Written by `tradewatch stamp data/` (do not edit by hand); `tradewatch check` fails\n\
         # when a record no longer matches its stamp. See data/README.md.\n\nchanged = [\n",
    );
    for line in lines.into_values() {
        result.text.push_str(&line);
    }
    result.text.push_str("]\n");
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![("a.toml".to_owned(), text.to_owned())]
    }

    #[test]
    fn a_digest_ignores_layout_and_order_but_not_content() {
        let a = digests(&files(
            "[[topics]]\nslug = \"t\"\nname = \"T\"\nsummary = \"s\"\n",
        ));
        let b = digests(&files(
            "topics = [ { summary = \"s\", name = \"T\", slug = \"t\" } ]",
        ));
        let c = digests(&files(
            "[[topics]]\nslug = \"t\"\nname = \"T.\"\nsummary = \"s\"\n",
        ));
        assert_eq!(a[0].2, b[0].2);
        assert_ne!(a[0].2, c[0].2);
        assert_eq!(a[0].1.to_string(), "topic/t");
    }

    #[test]
    fn record_keys_name_a_known_type_and_a_slug() {
        assert!(RecordKey::parse("event/x").is_some());
        assert!(RecordKey::parse("events/x").is_none());
        assert!(RecordKey::parse("event/").is_none());
        assert!(RecordKey::parse("event").is_none());
    }
}
