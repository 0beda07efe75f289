//! A source's language as a BCP 47 tag (`en`, `zh`, `zh-Hans`), checked for its shape and shown
//! in words where the tag is a common one.

use std::fmt;

/// A well-formed BCP 47 language tag: a primary language subtag of 2–3 letters (the ISO 639
/// codes; the grammar's longer reserved forms are not used), then subtags of 1–8 letters or
/// digits, joined by hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        let mut subtags = input.split('-');
        let primary = subtags.next().unwrap_or_default();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        if input.is_empty() || !primary_ok || !rest_ok {
            return Err(format!(
                "\"{input}\" is not a BCP 47 language tag like en, zh or zh-Hans"
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language in words ("Chinese (simplified script)"), or the tag itself when it is not
    /// one of the common ones.
    pub fn name(&self) -> String {
        language_name(&self.0)
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored tag in words; tags compare case-insensitively, as BCP 47 says.
pub fn language_name(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let name = match lower.as_str() {
        "en" | "en-us" | "en-gb" => "English",
        "zh" | "zh-cn" => "Chinese",
        "zh-hans" | "zh-hans-cn" => "Chinese (simplified script)",
        "zh-hant" | "zh-hant-tw" | "zh-tw" => "Chinese (traditional script)",
        "ja" => "Japanese",
        "ko" => "Korean",
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        "ru" => "Russian",
        _ => return tag.to_owned(),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_tags_parse_and_read_in_words() {
        assert_eq!(
            LanguageTag::parse("en").map(|t| t.name()),
            Ok("English".into())
        );
        assert_eq!(
            LanguageTag::parse("zh-Hans").map(|t| t.name()),
            Ok("Chinese (simplified script)".into())
        );
        assert_eq!(
            LanguageTag::parse("gsw").map(|t| t.name()),
            Ok("gsw".into())
        );
    }

    #[test]
    fn malformed_tags_are_refused() {
        for bad in ["", "english", "e", "en_US", "zh-", "en-toolongsubtag", "e1"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
    }
}
