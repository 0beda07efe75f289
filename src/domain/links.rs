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

/// `path?query`, or `path` alone when the query is empty.
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// `path?query&key=value…`: a canonical query string with parameters appended, encoded; how a
/// page's Previous and Next links and a list's `next` link are built.
pub fn with_pairs<'a>(
    path: &str,
    query: &str,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut serializer = form_urlencoded::Serializer::new(query.to_owned());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    with_query(path, &serializer.finish())
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
    fn parameters_are_appended_encoded_and_an_empty_query_leaves_the_path_bare() {
        assert_eq!(with_query("/", ""), "/");
        assert_eq!(with_query("/", "a=1"), "/?a=1");
        assert_eq!(with_pairs("/agreements", "", []), "/agreements");
        assert_eq!(
            with_pairs("/", "topic=x", [("after", "2023-08-28.a b")]),
            "/?topic=x&after=2023-08-28.a+b"
        );
    }
}
