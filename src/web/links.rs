//! Where each kind of record lives on the site, for pages that link to records of any kind
//! (the source reader, search results).

/// The page of a record of `kind` (`event`, `person`, `organization`, `topic`, `agreement`,
/// `source`) with `slug`; `None` for a kind that has no page.
pub fn record_href(kind: &str, slug: &str) -> Option<String> {
    let base = match kind {
        "event" => "/events/",
        "person" => "/officials/",
        "organization" => "/organizations/",
        "topic" => "/topics/",
        "agreement" => "/agreements/",
        "source" => "/sources/",
        _ => return None,
    };
    Some(format!("{base}{slug}"))
}

/// The anchor of a paragraph in the source reader: `/sources/{slug}#p7`.
pub fn paragraph_href(source_slug: &str, number: i64) -> String {
    format!("/sources/{source_slug}#p{number}")
}

/// `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',')
    )
}

/// A quote's text without the quotation marks around it (the page adds its own).
pub fn unquoted(text: &str) -> &str {
    text.trim()
        .trim_matches(|c| matches!(c, '"' | '“' | '”'))
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_link_to_their_pages() {
        assert_eq!(record_href("event", "x").as_deref(), Some("/events/x"));
        assert_eq!(record_href("person", "x").as_deref(), Some("/officials/x"));
        assert_eq!(
            record_href("agreement", "x").as_deref(),
            Some("/agreements/x")
        );
        assert_eq!(record_href("note", "x"), None);
        assert_eq!(paragraph_href("s", 7), "/sources/s#p7");
    }

    #[test]
    fn shortening_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(
            shorten("Of course, I refused, Raimondo said", 22),
            "Of course, I refused…"
        );
        assert_eq!(shorten("李强李强李强", 2), "李强…");
    }
}
