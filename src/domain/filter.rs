//! `TimelineFilter`: the one parser of the timeline's query string, shared by every route that
//! lists events. Parse, don't validate: a handler gets a filter whose values are well formed, or
//! a `FilterError` naming the parameter and what was expected.

use std::fmt;

use time::{Date, Month};

use super::date::{iso, parse_day};
use super::{EventKind, Slug};

/// At most this many values for one multi-valued parameter.
pub const MAX_VALUES: usize = 50;
/// The longest text search accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub param: String,
    pub message: String,
}

impl FilterError {
    pub fn new(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for FilterError {}

/// How `from` and `to` select events: by overlap (an event that may have fallen on any day of the
/// range) or by containment (an event known to lie wholly within the range).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RangeMatch {
    #[default]
    Overlaps,
    Within,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Asc,
    Desc,
}

/// Free text typed by a person, with the FTS5 expression that searches it as plain terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    text: String,
    fts: String,
}

impl SearchText {
    /// Every run of letters and digits becomes a quoted FTS5 term, so no character a person
    /// types can be read as FTS5 syntax (`AND`, `*`, `"`, `col:`). Terms are ANDed; the last
    /// one also matches as a prefix, as if still being typed (`expo` finds "export").
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("is longer than {MAX_QUERY_CHARS} characters"));
        }
        let terms: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        let Some((last, rest)) = terms.split_last() else {
            return Err(
                "expected some words to search for, with at least one letter or digit".into(),
            );
        };
        let mut fts: Vec<String> = rest.iter().map(|t| format!("\"{t}\"")).collect();
        fts.push(format!("\"{last}\"*"));
        Ok(Self {
            text: text.to_owned(),
            fts: fts.join(" "),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn fts_expression(&self) -> &str {
        &self.fts
    }
}

/// What the timeline shows: OR within a parameter, AND across parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    pub officials: Vec<Slug>,
    pub topics: Vec<Slug>,
    pub kinds: Vec<EventKind>,
    pub countries: Vec<Slug>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub q: Option<SearchText>,
    pub range: RangeMatch,
    /// Policy actions in force on this day (see `domain::phase` for the rule).
    pub in_force: Option<Date>,
    pub sort: Sort,
}

/// The parameters the timeline understands, in the order links write them.
pub const PARAMETERS: &[&str] = &[
    "official", "topic", "kind", "country", "from", "to", "range", "in_force", "q", "sort",
];

#[derive(Clone, Copy)]
enum Bound {
    From,
    To,
}

/// `2023`, `2023-08` or `2023-08-29`; a `from` bound takes the first day, a `to` bound the last.
fn parse_bound(value: &str, bound: Bound) -> Result<Date, String> {
    let expected = || format!("expected a date like 2023-08-29, got \"{value}\"");
    let first_or_last = |year: i32, month: Month| -> Result<Date, String> {
        let day = match bound {
            Bound::From => 1,
            Bound::To => month.length(year),
        };
        Date::from_calendar_date(year, month, day).map_err(|_| expected())
    };
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // Checked byte by byte: the value may hold any text, and slicing it as a string would
    // split a multi-byte character. Once the shape matches, it is all ASCII.
    let bytes = value.as_bytes();
    match value.len() {
        10 => parse_day(value).map_err(|e| {
            if e.contains("real date") {
                e
            } else {
                expected()
            }
        }),
        7 if digits(&bytes[..4]) && bytes[4] == b'-' && digits(&bytes[5..]) => {
            let year = value[..4].parse().map_err(|_| expected())?;
            let month = value[5..]
                .parse::<u8>()
                .ok()
                .and_then(|m| Month::try_from(m).ok());
            first_or_last(
                year,
                month.ok_or_else(|| format!("\"{value}\" is not a real month"))?,
            )
        }
        4 if digits(bytes) => {
            let year = value.parse().map_err(|_| expected())?;
            first_or_last(
                year,
                match bound {
                    Bound::From => Month::January,
                    Bound::To => Month::December,
                },
            )
        }
        _ => Err(expected()),
    }
}

/// The parameters whose value is one of a list (slugs, kinds, statuses, `range`, `sort`), as the
/// API document enumerates them.
const LISTED: &[&str] = &[
    "official", "topic", "kind", "country", "range", "sort", "status", "party",
];

/// A value as the parsers read it: trimmed, and `None` when empty (an empty form field means
/// any). A parameter that takes one of a list of values refuses a value of spaces only: the list
/// holds no such value, and no form sends one.
fn given<'v>(param: &str, raw: &'v str) -> Result<Option<&'v str>, FilterError> {
    let value = raw.trim();
    if !value.is_empty() {
        return Ok(Some(value));
    }
    if !raw.is_empty() && LISTED.contains(&param) {
        return Err(FilterError::new(
            param,
            "is blank (spaces only): leave it empty for any, or give one of its values",
        ));
    }
    Ok(None)
}

impl TimelineFilter {
    /// Parses decoded query pairs. Empty values are ignored (an empty form field means "any");
    /// unknown parameters, malformed values and repeated single-valued parameters are errors.
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, FilterError> {
        let mut filter = Self::default();
        let mut once = super::query::Once::default();
        for (key, value) in pairs {
            let key = key.as_ref();
            let Some(&param) = PARAMETERS.iter().find(|p| **p == key) else {
                return Err(FilterError::new(
                    key,
                    format!(
                        "is not a timeline parameter: expected one of {}",
                        PARAMETERS.join(", ")
                    ),
                ));
            };
            let Some(value) = given(param, value.as_ref())? else {
                continue;
            };
            let err = |message: String| FilterError::new(param, message);
            match param {
                "official" | "topic" | "country" => {
                    let slug = Slug::parse(value).map_err(&err)?;
                    let list = match param {
                        "official" => &mut filter.officials,
                        "topic" => &mut filter.topics,
                        _ => &mut filter.countries,
                    };
                    if !list.contains(&slug) {
                        list.push(slug);
                    }
                    if list.len() > MAX_VALUES {
                        return Err(err(format!("at most {MAX_VALUES} values are allowed")));
                    }
                }
                "kind" => {
                    let kind = value.parse::<EventKind>().map_err(err)?;
                    if !filter.kinds.contains(&kind) {
                        filter.kinds.push(kind);
                    }
                }
                single => {
                    once.see(single)?;
                    match single {
                        "from" => filter.from = Some(parse_bound(value, Bound::From).map_err(err)?),
                        "to" => filter.to = Some(parse_bound(value, Bound::To).map_err(err)?),
                        "q" => filter.q = Some(SearchText::parse(value).map_err(err)?),
                        "in_force" => {
                            filter.in_force = Some(parse_day(value).map_err(|e| {
                                if e.contains("real date") {
                                    err(e)
                                } else {
                                    err(format!("expected a day like 2024-01-01, got \"{value}\""))
                                }
                            })?)
                        }
                        "range" => {
                            filter.range = match value {
                                "overlaps" => RangeMatch::Overlaps,
                                "within" => RangeMatch::Within,
                                other => {
                                    return Err(err(format!(
                                        "expected overlaps or within, got \"{other}\""
                                    )));
                                }
                            }
                        }
                        _ => {
                            filter.sort = match value {
                                "asc" => Sort::Asc,
                                "desc" => Sort::Desc,
                                other => {
                                    return Err(err(format!(
                                        "expected asc or desc, got \"{other}\""
                                    )));
                                }
                            }
                        }
                    }
                }
            }
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to < from
        {
            return Err(FilterError::new(
                "to",
                format!(
                    "the range ends ({}) before it starts ({}); choose a later end date",
                    iso(to),
                    iso(from)
                ),
            ));
        }
        Ok(filter)
    }

    /// Parses a raw (percent-encoded) query string.
    pub fn from_query(query: &str) -> Result<Self, FilterError> {
        Self::parse(super::query::pairs(query)?)
    }

    /// Whether any filter (not the sort order) narrows the timeline.
    pub fn is_filtered(&self) -> bool {
        !(self.officials.is_empty()
            && self.topics.is_empty()
            && self.kinds.is_empty()
            && self.countries.is_empty()
            && self.from.is_none()
            && self.to.is_none()
            && self.in_force.is_none()
            && self.q.is_none())
    }

    /// The canonical query pairs of this filter, in `PARAMETERS` order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        pairs.extend(self.officials.iter().map(|s| ("official", s.to_string())));
        pairs.extend(self.topics.iter().map(|s| ("topic", s.to_string())));
        pairs.extend(self.kinds.iter().map(|k| ("kind", k.as_str().to_owned())));
        pairs.extend(self.countries.iter().map(|s| ("country", s.to_string())));
        pairs.extend(self.from.map(|d| ("from", iso(d))));
        pairs.extend(self.to.map(|d| ("to", iso(d))));
        if self.range == RangeMatch::Within {
            pairs.push(("range", "within".into()));
        }
        pairs.extend(self.in_force.map(|d| ("in_force", iso(d))));
        pairs.extend(self.q.as_ref().map(|q| ("q", q.text().to_owned())));
        if self.sort == Sort::Desc {
            pairs.push(("sort", "desc".into()));
        }
        pairs
    }

    /// The canonical query string, without the leading `?`.
    pub fn query_string(&self) -> String {
        encode(self.pairs())
    }

    /// The query string of this filter without one parameter value (for "remove" links).
    pub fn query_without(&self, param: &str, value: &str) -> String {
        encode(
            self.pairs()
                .into_iter()
                .filter(|(p, v)| !(*p == param && v == value)),
        )
    }

    /// The query string of this filter in the other sort order.
    pub fn query_with_sort(&self, sort: Sort) -> String {
        let mut other = self.clone();
        other.sort = sort;
        other.query_string()
    }
}

/// What the agreements list shows: OR within a parameter, AND across parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementFilter {
    pub statuses: Vec<super::CommitmentStatus>,
    pub parties: Vec<Slug>,
    pub topics: Vec<Slug>,
}

/// The parameters the agreements list understands.
pub const AGREEMENT_PARAMETERS: &[&str] = &["status", "party", "topic"];

impl AgreementFilter {
    /// Parses a raw query string; the same rules as the timeline's (empty values mean any,
    /// unknown parameters and malformed values are errors naming the parameter).
    pub fn from_query(query: &str) -> Result<Self, FilterError> {
        Self::from_pairs(super::query::pairs(query)?)
    }

    /// Parses decoded query pairs, by the same rules.
    pub fn from_pairs(pairs: super::query::Pairs) -> Result<Self, FilterError> {
        let mut filter = Self::default();
        for (key, value) in pairs {
            let param = AGREEMENT_PARAMETERS
                .iter()
                .find(|p| **p == key)
                .ok_or_else(|| {
                    FilterError::new(
                        key.as_str(),
                        format!(
                            "is not an agreements parameter: expected one of {}",
                            AGREEMENT_PARAMETERS.join(", ")
                        ),
                    )
                })?;
            let Some(value) = given(param, &value)? else {
                continue;
            };
            let err = |message: String| FilterError::new(*param, message);
            match *param {
                "status" => {
                    let status = value.parse::<super::CommitmentStatus>().map_err(err)?;
                    if !filter.statuses.contains(&status) {
                        filter.statuses.push(status);
                    }
                }
                other => {
                    let slug = Slug::parse(value).map_err(err)?;
                    let list = if other == "party" {
                        &mut filter.parties
                    } else {
                        &mut filter.topics
                    };
                    if !list.contains(&slug) {
                        list.push(slug);
                    }
                    if list.len() > MAX_VALUES {
                        return Err(err(format!("at most {MAX_VALUES} values are allowed")));
                    }
                }
            }
        }
        Ok(filter)
    }

    pub fn is_filtered(&self) -> bool {
        !(self.statuses.is_empty() && self.parties.is_empty() && self.topics.is_empty())
    }

    /// The canonical query string, without the leading `?`, in `AGREEMENT_PARAMETERS` order.
    pub fn query_string(&self) -> String {
        let statuses = self
            .statuses
            .iter()
            .map(|s| ("status", s.as_str().to_owned()));
        let parties = self.parties.iter().map(|s| ("party", s.to_string()));
        let topics = self.topics.iter().map(|s| ("topic", s.to_string()));
        encode(statuses.chain(parties).chain(topics))
    }
}

/// What the readouts list shows: meetings with accounts from both sides, narrowed by the
/// officials who took part and the topics the event or its accounts concern (OR within a
/// parameter, AND across them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadoutFilter {
    pub officials: Vec<Slug>,
    pub topics: Vec<Slug>,
}

/// The parameters the readouts list understands: the timeline's, by the timeline's rules.
pub const READOUT_PARAMETERS: &[&str] = &["official", "topic"];

impl ReadoutFilter {
    /// Parses a raw query string with the timeline's own parser, so a value is read and refused
    /// exactly as the timeline reads and refuses it; a timeline parameter the readouts do not
    /// take is refused by name.
    pub fn from_query(query: &str) -> Result<Self, FilterError> {
        Self::from_pairs(super::query::pairs(query)?)
    }

    /// Parses decoded query pairs, by the same rules.
    pub fn from_pairs(pairs: super::query::Pairs) -> Result<Self, FilterError> {
        if let Some((key, _)) = pairs
            .iter()
            .find(|(key, _)| !READOUT_PARAMETERS.contains(&key.as_str()))
        {
            return Err(FilterError::new(
                key.as_str(),
                format!(
                    "is not a readouts parameter: expected one of {}",
                    READOUT_PARAMETERS.join(", ")
                ),
            ));
        }
        let timeline = TimelineFilter::parse(pairs)?;
        Ok(Self {
            officials: timeline.officials,
            topics: timeline.topics,
        })
    }

    pub fn is_filtered(&self) -> bool {
        !(self.officials.is_empty() && self.topics.is_empty())
    }

    /// The canonical query string, without the leading `?`, in `READOUT_PARAMETERS` order.
    pub fn query_string(&self) -> String {
        let officials = self.officials.iter().map(|s| ("official", s.to_string()));
        let topics = self.topics.iter().map(|s| ("topic", s.to_string()));
        encode(officials.chain(topics))
    }

    /// The same filter as the timeline's, to resolve its slugs by the timeline's rules.
    pub fn as_timeline(&self) -> TimelineFilter {
        TimelineFilter {
            officials: self.officials.clone(),
            topics: self.topics.clone(),
            ..TimelineFilter::default()
        }
    }
}

fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, &value);
    }
    serializer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(query: &str) -> Result<TimelineFilter, FilterError> {
        TimelineFilter::from_query(query)
    }

    #[test]
    fn an_empty_query_is_the_unfiltered_timeline() {
        let filter = parse("").unwrap();
        assert_eq!(filter, TimelineFilter::default());
        assert!(!filter.is_filtered());
    }

    #[test]
    fn repeated_multi_valued_parameters_collect_in_order_without_duplicates() {
        let filter = parse("official=gina-raimondo&official=wang-wentao&official=gina-raimondo&kind=meeting&kind=visit").unwrap();
        let officials: Vec<&str> = filter.officials.iter().map(Slug::as_str).collect();
        assert_eq!(officials, ["gina-raimondo", "wang-wentao"]);
        assert_eq!(filter.kinds, [EventKind::Meeting, EventKind::Visit]);
    }

    #[test]
    fn dates_with_multi_byte_characters_are_rejected_not_split() {
        // Seven and four bytes long, the lengths of "2023-08" and "2023", with a character
        // that a byte slice would cut in two (found by the property tests).
        for value in ["2023%E6%9D%8E", "202%E6%9D%8Ex", "2%E6%9D%8E"] {
            for param in ["from", "to"] {
                let error = parse(&format!("{param}={value}")).unwrap_err();
                assert_eq!(error.param, param, "{param}={value}");
            }
        }
    }

    #[test]
    fn empty_form_fields_mean_any() {
        let filter = parse("official=&topic=&from=&to=&q=&sort=").unwrap();
        assert!(!filter.is_filtered());
        // A text or a date of spaces only is an empty field too.
        let filter = parse("q=%20%20&from=%09&in_force=%20").unwrap();
        assert!(!filter.is_filtered());
    }

    #[test]
    fn a_listed_parameter_of_spaces_only_is_refused() {
        // No slug, kind or order is blank, and no form sends one: the API document's lists hold
        // only their values and the empty one.
        for param in ["official", "topic", "kind", "country", "range", "sort"] {
            let error = parse(&format!("{param}=%09")).unwrap_err();
            assert_eq!(error.param, param);
            assert!(error.message.contains("blank"), "{}", error.message);
        }
        for param in ["status", "party", "topic"] {
            let error = AgreementFilter::from_query(&format!("{param}=%20")).unwrap_err();
            assert_eq!(error.param, param);
        }
        assert!(AgreementFilter::from_query("status=&party=&topic=").is_ok());
    }

    #[test]
    fn date_bounds_take_days_months_or_years() {
        let filter = parse("from=2023-08&to=2023").unwrap();
        assert_eq!(
            (filter.from, filter.to),
            (Some(date!(2023 - 08 - 01)), Some(date!(2023 - 12 - 31)))
        );
        let filter = parse("from=2024&to=2024-02").unwrap();
        assert_eq!(
            (filter.from, filter.to),
            (Some(date!(2024 - 01 - 01)), Some(date!(2024 - 02 - 29)))
        );
        assert_eq!(
            parse("from=2023-08-29").unwrap().from,
            Some(date!(2023 - 08 - 29))
        );
    }

    #[test]
    fn bad_values_name_the_parameter_and_what_was_expected() {
        let err = parse("from=yesterday").unwrap_err();
        assert_eq!(
            err.to_string(),
            "from: expected a date like 2023-08-29, got \"yesterday\""
        );
        assert_eq!(
            parse("to=2023-02-30").unwrap_err().to_string(),
            "to: \"2023-02-30\" is not a real date"
        );
        assert_eq!(parse("from=2023-13").unwrap_err().param, "from");
        assert_eq!(
            parse("official=Gina%20Raimondo").unwrap_err().param,
            "official"
        );
        assert_eq!(parse("kind=party").unwrap_err().param, "kind");
        assert_eq!(
            parse("sort=sideways").unwrap_err().to_string(),
            "sort: expected asc or desc, got \"sideways\""
        );
        assert_eq!(parse("oficial=gina-raimondo").unwrap_err().param, "oficial");
        assert_eq!(parse("from=2023&from=2024").unwrap_err().param, "from");
    }

    #[test]
    fn in_force_takes_one_real_day() {
        assert_eq!(
            parse("in_force=2024-01-01").unwrap().in_force,
            Some(date!(2024 - 01 - 01))
        );
        assert!(parse("in_force=2024-01-01").unwrap().is_filtered());
        assert_eq!(
            parse("in_force=2024-01").unwrap_err().to_string(),
            "in_force: expected a day like 2024-01-01, got \"2024-01\""
        );
        assert_eq!(
            parse("in_force=2023-02-29").unwrap_err().to_string(),
            "in_force: \"2023-02-29\" is not a real date"
        );
        assert_eq!(
            parse("in_force=2024-01-01&in_force=2024-01-02")
                .unwrap_err()
                .param,
            "in_force"
        );
        assert_eq!(
            parse("q=chips&in_force=2024-01-01&kind=policy")
                .unwrap()
                .query_string(),
            "kind=policy&in_force=2024-01-01&q=chips"
        );
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_rejected() {
        let err = parse("from=2023-09-01&to=2023-08-01").unwrap_err();
        assert_eq!(err.param, "to");
        assert!(
            err.message
                .contains("ends (2023-08-01) before it starts (2023-09-01)"),
            "{}",
            err.message
        );
        assert!(parse("from=2023-08-01&to=2023-08-01").is_ok());
    }

    #[test]
    fn too_many_values_are_rejected() {
        let query: Vec<String> = (0..=MAX_VALUES).map(|i| format!("topic=t{i}")).collect();
        assert_eq!(parse(&query.join("&")).unwrap_err().param, "topic");
    }

    #[test]
    fn search_text_becomes_quoted_terms_with_a_prefix_on_the_last() {
        let q = SearchText::parse("export controls").unwrap();
        assert_eq!(q.fts_expression(), "\"export\" \"controls\"*");
        assert_eq!(
            SearchText::parse("expo").unwrap().fts_expression(),
            "\"expo\"*"
        );
        assert_eq!(
            SearchText::parse(" chips ").unwrap().fts_expression(),
            "\"chips\"*"
        );
    }

    #[test]
    fn search_syntax_typed_by_a_person_is_neutralised() {
        for input in [
            "\"unbalanced",
            "a AND OR NOT b",
            "title:chips",
            "-x*",
            "NEAR(a b)",
            "李强 🙂",
        ] {
            let q = SearchText::parse(input).unwrap();
            assert!(
                !q.fts_expression().contains(':') && !q.fts_expression().contains('('),
                "{input}"
            );
            assert_eq!(q.fts_expression().matches('"').count() % 2, 0, "{input}");
        }
        assert!(SearchText::parse("*** ---").is_err());
        assert!(SearchText::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn agreement_filters_parse_statuses_parties_and_topics() {
        let filter = AgreementFilter::from_query(
            "status=overdue&status=agreed&party=china&topic=tourism&topic=",
        )
        .unwrap();
        assert_eq!(
            filter.statuses,
            [
                crate::domain::CommitmentStatus::Overdue,
                crate::domain::CommitmentStatus::Agreed
            ]
        );
        assert_eq!(filter.parties, [Slug::parse("china").unwrap()]);
        assert_eq!(
            AgreementFilter::from_query("status=late")
                .unwrap_err()
                .param,
            "status"
        );
        assert_eq!(
            AgreementFilter::from_query("kind=meeting")
                .unwrap_err()
                .param,
            "kind"
        );
        assert!(!AgreementFilter::from_query("").unwrap().is_filtered());
        assert_eq!(
            AgreementFilter::from_query("topic=tourism&status=due&party=china&status=due")
                .unwrap()
                .query_string(),
            "status=due&party=china&topic=tourism"
        );
    }

    #[test]
    fn readout_filters_read_officials_and_topics_as_the_timeline_does() {
        let filter = ReadoutFilter::from_query(
            "topic=tariffs&official=wang-wentao&official=&topic=tariffs&official=gina-raimondo",
        )
        .unwrap();
        assert_eq!(
            filter.query_string(),
            "official=wang-wentao&official=gina-raimondo&topic=tariffs"
        );
        assert!(!ReadoutFilter::from_query("").unwrap().is_filtered());
        let err = ReadoutFilter::from_query("official=Gina+Raimondo").unwrap_err();
        assert_eq!(
            err,
            parse("official=Gina+Raimondo").unwrap_err(),
            "the same message as the timeline's"
        );
        let err = ReadoutFilter::from_query("from=2023").unwrap_err();
        assert_eq!(err.param, "from");
        assert!(err.message.contains("official, topic"), "{}", err.message);
        assert_eq!(
            ReadoutFilter::from_query("topic=%zz").unwrap_err().param,
            "topic"
        );
    }

    #[test]
    fn query_strings_are_canonical_and_round_trip() {
        let filter =
            parse("to=2023-12-31&official=li-qiang&q=export+controls&sort=desc&from=2023-01-01")
                .unwrap();
        let query = filter.query_string();
        assert_eq!(
            query,
            "official=li-qiang&from=2023-01-01&to=2023-12-31&q=export+controls&sort=desc"
        );
        assert_eq!(parse(&query).unwrap(), filter);
        assert_eq!(
            filter.query_without("official", "li-qiang"),
            "from=2023-01-01&to=2023-12-31&q=export+controls&sort=desc"
        );
        assert_eq!(
            filter.query_with_sort(Sort::Asc),
            "official=li-qiang&from=2023-01-01&to=2023-12-31&q=export+controls"
        );
    }
}
