//! Any bytes as a query string: the timeline's, the agreements' and the search page's parsers
//! give a value or an error naming a parameter, never a panic; a parsed filter's canonical
//! query parses back to it; and search text becomes quoted terms only.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The parsers live in the crate's `domain` module, which needs nothing of the server: compiled
// here on its own, the fuzz build is a few small crates rather than the whole dependency tree.
#[allow(dead_code)]
#[path = "../../src/domain/mod.rs"]
mod domain;

use domain::filter::{AgreementFilter, SearchText, TimelineFilter};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match TimelineFilter::from_query(text) {
        Ok(filter) => {
            let canonical = filter.query_string();
            assert_eq!(TimelineFilter::from_query(&canonical).as_ref(), Ok(&filter));
        }
        Err(e) => assert!(!e.param.is_empty() && !e.message.is_empty()),
    }
    if let Err(e) = AgreementFilter::from_query(text) {
        assert!(!e.param.is_empty() && !e.message.is_empty());
    }
    if let Err(e) = domain::search::parse_query(text) {
        assert!(!e.param.is_empty() && !e.message.is_empty());
    }
    if let Ok(q) = SearchText::parse(text) {
        // Every term is quoted: an even number of quotes, and nothing outside them but spaces
        // and the final prefix star.
        let fts = q.fts_expression();
        assert_eq!(fts.matches('"').count() % 2, 0, "{fts}");
        let mut outside = String::new();
        for (i, part) in fts.split('"').enumerate() {
            if i % 2 == 0 {
                outside.push_str(part);
            }
        }
        assert!(outside.chars().all(|c| c == ' ' || c == '*'), "{fts}");
    }
});
