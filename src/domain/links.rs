//! Where each kind of record lives on the site: the permanent addresses that the HTML pages link
//! to and the JSON gives as `html_url`, written once.

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
}
