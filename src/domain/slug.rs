//! `Slug`: the identity of every curated record.

use std::fmt;

/// A record's identity: lower-case ASCII letters and digits in runs joined by single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

/// The longest slug accepted; longer ones are certainly mistakes.
pub const MAX_SLUG_LEN: usize = 120;

impl Slug {
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.is_empty() {
            return Err("is empty".into());
        }
        if input.len() > MAX_SLUG_LEN {
            return Err(format!("is longer than {MAX_SLUG_LEN} characters"));
        }
        let valid = input.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !valid {
            return Err(format!(
                "\"{input}\" is not a slug: use lower-case letters a-z, digits and single hyphens"
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::parse("gina-raimondo").map(|s| s.0),
            Ok("gina-raimondo".into())
        );
        assert!(Slug::parse("g20-2022").is_ok());
    }

    #[test]
    fn rejects_anything_else() {
        for bad in [
            "",
            "Gina",
            "gina--raimondo",
            "-gina",
            "gina-",
            "gina raimondo",
            "gína",
            "a/b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)).is_err());
    }
}
