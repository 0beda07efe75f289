//! "Cite this": a permalink, the data's revision, and ready-to-copy citations in plain text,
//! BibTeX and CSL-JSON.

use crate::catalog::provenance::Provenance;
use crate::domain::date::parse_day;

/// What is being cited.
pub struct Cited<'a> {
    /// "Event", "Official", "Agreement".
    pub kind: &'static str,
    /// The record type in the change history: "event", "person", "agreement".
    pub record_type: &'static str,
    pub slug: &'a str,
    /// The page's path, e.g. `/events/raimondo-meets-li-qiang`.
    pub path: String,
    pub title: &'a str,
    /// The record's own date, for events.
    pub date: Option<&'a str>,
}

pub struct CiteThis {
    pub permalink: String,
    pub revision: Option<i64>,
    pub revision_date: Option<String>,
    /// When this record last changed, if the change history knows.
    pub changed_revision: Option<i64>,
    pub changed_date: Option<String>,
    pub plain: String,
    pub bibtex: String,
    pub csl_json: String,
}

pub const SITE_TITLE: &str = "tradewatch: US–China trade relations";

/// Escapes text for a BibTeX field in braces.
fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '–' => out.push_str("--"),
            _ => out.push(c),
        }
    }
    out
}

fn date_parts(iso: &str) -> Option<serde_json::Value> {
    let d = parse_day(iso.get(..10)?).ok()?;
    Some(serde_json::json!({ "date-parts": [[d.year(), u8::from(d.month()), d.day()]] }))
}

impl CiteThis {
    /// The citation of `cited`, naming the revisions the record's answer was read from.
    pub fn build(public_url: &str, cited: Cited<'_>, provenance: &Provenance) -> Self {
        let (latest, changed) = (&provenance.latest, &provenance.changed);
        let permalink = format!("{}{}", public_url.trim_end_matches('/'), cited.path);
        let today = crate::domain::date::iso(crate::domain::date::today());
        let label = crate::domain::date::stored_day_label;
        let version = changed.as_ref().or(latest.as_ref());
        let revision_text = version
            .map(|r| format!("data revision {} of {}", r.id, label(r.day())))
            .unwrap_or_default();
        let kind_lower = cited.kind.to_lowercase();
        let plain = format!(
            "“{}.” {SITE_TITLE}, {kind_lower} record{}{}. {permalink} (accessed {}).",
            cited.title,
            cited.date.map(|d| format!(", {d}")).unwrap_or_default(),
            if revision_text.is_empty() {
                String::new()
            } else {
                format!(", {revision_text}")
            },
            label(&today),
        );
        let key = format!("tradewatch:{}:{}", cited.record_type, cited.slug);
        let year = version
            .map(|r| r.day().get(..4).unwrap_or_default().to_owned())
            .unwrap_or_else(|| today[..4].to_owned());
        let bibtex = format!(
            "@misc{{{key},\n  title        = {{{}}},\n  howpublished = {{{}, {kind_lower} record}},\n  url          = {{{permalink}}},\n  year         = {{{year}}},\n  note         = {{{}Accessed {today}}}\n}}",
            bibtex_escape(cited.title),
            bibtex_escape(SITE_TITLE),
            if revision_text.is_empty() {
                String::new()
            } else {
                format!("{}. ", bibtex_escape(&revision_text))
            },
        );
        let mut csl = serde_json::json!({
            "id": key,
            "type": "webpage",
            "title": cited.title,
            "container-title": SITE_TITLE,
            "genre": format!("{kind_lower} record"),
            "URL": permalink,
            "accessed": date_parts(&today),
        });
        if let Some(version) = version {
            csl["issued"] = date_parts(version.day()).unwrap_or_default();
            csl["version"] = serde_json::json!(version.id.to_string());
            csl["note"] = serde_json::json!(format!("tradewatch {revision_text}"));
        }
        let csl_json = serde_json::to_string(&serde_json::json!([csl])).unwrap_or_default();
        Self {
            permalink,
            revision: latest.as_ref().map(|r| r.id),
            revision_date: latest.as_ref().map(|r| label(r.day())),
            changed_revision: changed.as_ref().map(|r| r.id),
            changed_date: changed.as_ref().map(|r| label(r.day())),
            plain,
            bibtex,
            csl_json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bibtex_escape;

    #[test]
    fn bibtex_special_characters_are_escaped() {
        assert_eq!(
            bibtex_escape("50% of {R&D} #1_a $"),
            "50\\% of \\{R\\&D\\} \\#1\\_a \\$"
        );
        assert_eq!(bibtex_escape("US–China"), "US--China");
    }
}
