//! How the HTML pages shorten and unquote text for display. Where records live on the site is
//! `domain::links`.

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
    fn shortening_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(
            shorten("Of course, I refused, Raimondo said", 22),
            "Of course, I refused…"
        );
        assert_eq!(shorten("李强李强李强", 2), "李强…");
    }
}
