//! Decoding a query string strictly: every route reads its parameters through `pairs`, so a
//! malformed escape, text that is not UTF-8 once decoded, or a parameter a route does not take
//! is a `400` naming the parameter rather than a value silently altered or ignored.

use super::FilterError;

/// Decodes `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte). Unlike a
/// lenient decoder, which would turn bad bytes into U+FFFD and keep going, a `%` not followed by
/// two hex digits or a value that is not UTF-8 is an error naming its parameter.
pub fn pairs(query: &str) -> Result<Vec<(String, String)>, FilterError> {
    let mut out = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = decode(raw_key).map_err(|problem| {
            // The name itself is unreadable: name it by its raw, still-encoded text.
            FilterError::new(shorten(raw_key), format!("this parameter's name {problem}"))
        })?;
        if key.is_empty() {
            return Err(FilterError::new(
                shorten(piece),
                "has no parameter name before its =",
            ));
        }
        let value = decode(raw_value)
            .map_err(|problem| FilterError::new(shorten(&key), format!("the value {problem}")))?;
        out.push((key, value));
    }
    Ok(out)
}

/// For routes that take no parameters: any parameter at all is reported.
pub fn none(query: &str) -> Result<(), FilterError> {
    match pairs(query)?.into_iter().next() {
        None => Ok(()),
        Some((key, _)) => Err(FilterError::new(
            shorten(&key),
            "is not a parameter of this address: it takes none",
        )),
    }
}

/// Whether a path's `%` escapes are well formed and decode to UTF-8; no page has any other
/// address.
pub fn is_readable_path(path: &str) -> bool {
    decode(path).is_ok()
}

/// A parameter name as quoted back in a message: long names are cut, so an error page cannot
/// be made to repeat kilobytes of text.
fn shorten(name: &str) -> String {
    const MAX: usize = 40;
    if name.chars().count() <= MAX {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(MAX).collect();
        short.push('…');
        short
    }
}

fn decode(raw: &str) -> Result<String, &'static str> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or(BAD_ESCAPE)?;
                let high = hex_digit(hex[0]).ok_or(BAD_ESCAPE)?;
                let low = hex_digit(hex[1]).ok_or(BAD_ESCAPE)?;
                out.push((high << 4) | low);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "is not valid UTF-8 text once %-decoded")
}

const BAD_ESCAPE: &str = "has a % that is not followed by two hexadecimal digits";

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// A query string decoded: its pairs, in order.
pub type Pairs = Vec<(String, String)>;

/// Splits a route's own parameters (`own_names`: the API's `cursor` and `limit`, a page's
/// `after` and `before`) from the filter's, each kept decoded, in order: a query string is
/// decoded once per request.
pub fn split_query(query: &str, own_names: &[&str]) -> Result<(Pairs, Pairs), FilterError> {
    Ok(split(pairs(query)?, own_names))
}

/// Splits decoded pairs as `split_query` does.
pub fn split(pairs: Pairs, own_names: &[&str]) -> (Pairs, Pairs) {
    pairs
        .into_iter()
        .partition(|(key, _)| own_names.contains(&key.as_str()))
}

/// The single-valued parameters met so far: where the rule that such a parameter is given at
/// most once is written, for every parser.
#[derive(Debug, Default)]
pub struct Once(Vec<String>);

impl Once {
    /// Notes that `name` was given; a second time is an error naming it.
    pub fn see(&mut self, name: &str) -> Result<(), FilterError> {
        if self.0.iter().any(|seen| seen == name) {
            return Err(FilterError::new(
                name,
                "was given more than once; give it once",
            ));
        }
        self.0.push(name.to_owned());
        Ok(())
    }
}

/// The value of a single-valued parameter, `None` when it is absent; given twice (even empty)
/// is an error naming it.
pub fn single<'a>(
    pairs: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, FilterError> {
    let mut once = Once::default();
    let mut value = None;
    for (key, v) in pairs.iter().filter(|(key, _)| key == name) {
        once.see(key)?;
        value = Some(v.as_str());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(query: &str) -> Vec<(String, String)> {
        pairs(query).expect("valid query")
    }

    #[test]
    fn decodes_like_a_form() {
        assert_eq!(
            decoded("q=export+controls&official=li-qiang&q=%E6%9D%8E%E5%BC%BA&empty=&flag"),
            [
                ("q".into(), "export controls".into()),
                ("official".into(), "li-qiang".into()),
                ("q".into(), "李强".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
        assert!(decoded("").is_empty());
        assert!(decoded("&&").is_empty());
        assert_eq!(decoded("a=%2B%25%26"), [("a".into(), "+%&".into())]);
    }

    #[test]
    fn invalid_utf8_and_bad_escapes_name_the_parameter() {
        let err = pairs("official=li-qiang&q=abc%FF").unwrap_err();
        assert_eq!(err.param, "q");
        assert!(err.message.contains("UTF-8"), "{}", err.message);
        // Overlong encoding of '/' and a lone continuation byte are not UTF-8 either.
        assert_eq!(pairs("from=%C0%AF").unwrap_err().param, "from");
        assert_eq!(pairs("to=%80").unwrap_err().param, "to");
        for bad in ["q=%", "q=%4", "q=%zz", "q=100%", "q=%%41"] {
            let err = pairs(bad).unwrap_err();
            assert_eq!(err.param, "q", "{bad}");
            assert!(
                err.message.contains("hexadecimal"),
                "{bad}: {}",
                err.message
            );
        }
        assert_eq!(pairs("%FFkey=1").unwrap_err().param, "%FFkey");
        for nameless in ["=", "=x", "q=a&=b"] {
            let err = pairs(nameless).unwrap_err();
            assert!(err.param.starts_with('='), "{nameless}: {err:?}");
            assert!(err.message.contains("no parameter name"), "{nameless}");
        }
    }

    #[test]
    fn routes_without_parameters_reject_any() {
        assert!(none("").is_ok());
        assert!(none("&").is_ok());
        let err = none("utm_source=x").unwrap_err();
        assert_eq!(err.param, "utm_source");
        let long = "k".repeat(1000);
        assert!(is_readable_path("/officials/li-qiang"));
        assert!(is_readable_path("/search/%E6%9D%8E"));
        assert!(!is_readable_path("/static/%c0%ae%c0%ae/x"));
        assert!(!is_readable_path("/events/%zz"));
        assert_eq!(none(&long).unwrap_err().param.chars().count(), 41);
    }
}
