//! `tradewatch check` lists the curators' warnings on stderr after the valid line: each names
//! file, record and field; they do not fail the check unless `--deny-warnings` is given.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tradewatch::dataset::{self, warnings};

/// Sources: a full-text article of three paragraphs and a readout of two summary points.
const SOURCES: &str = r#"
[[countries]]
slug = "united-states"
name = "United States"

[[sources]]
slug = "article"
title = "An article"
voice = "independent-press"
language = "en"
published = "2023-08-29"
paragraphs = ["One.", "Two.", "Three."]

[[sources]]
slug = "readout"
title = "A readout"
voice = "us-government"
language = "en"
published = "2023-08-28"
url = "https://example.com/readout"
points = ["First point.", "Second point."]
"#;

/// Records citing every text of both sources, and an agreement due in 2020 that an event
/// follows up: a dataset with no warnings.
const RECORDS: &str = r#"
[[topics]]
slug = "trade"
name = "Trade"
summary = "Trade."
cites = [{ source = "article", paragraphs = [1] }]
notes = [{ kind = "editor", text = "The readout says so too.", cites = [{ source = "readout", points = [1] }] }]

[[agreements]]
slug = "meet-again"
title = "Meet again"
kind = "agreement"
parties = ["united-states"]
terms = "Meet again."
due = "2020"
cites = [{ source = "article", paragraphs = [2] }]

[[events]]
slug = "met-again"
title = "Met again"
kind = "meeting"
date = "2021-06"
status = "occurred"
sides = ["united-states"]
class = "verbal-cooperation"
summary = "They met again."
follows_up = [{ agreement = "meet-again", effect = "fulfils" }]
cites = [{ source = "article", paragraphs = [3] }, { source = "readout", points = [2] }]
"#;

struct Checked {
    dir: tempfile::TempDir,
    output: Output,
}

impl Checked {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// The `warning:` lines of stderr.
    fn warnings(&self) -> Vec<String> {
        self.stderr()
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .map(str::to_owned)
            .collect()
    }

    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// Runs `tradewatch check [flags] DIR` over a data directory holding `sources.toml` and
/// `records.toml` with the given texts.
fn check(sources: &str, records: &str, flags: &[&str]) -> Checked {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("sources.toml"), sources).expect("sources written");
    std::fs::write(dir.path().join("records.toml"), records).expect("records written");
    let output = run_check(dir.path(), flags);
    Checked { dir, output }
}

fn run_check(dir: &Path, flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .arg("check")
        .args(flags)
        .arg(dir)
        .output()
        .expect("the binary runs")
}

/// `text` with its one occurrence of `from` replaced by `to`.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    text.replace(from, to)
}

#[test]
fn a_dataset_that_lacks_nothing_checks_with_no_warnings() {
    let checked = check(SOURCES, RECORDS, &["--deny-warnings"]);
    assert!(checked.output.status.success(), "{}", checked.stderr());
    assert!(
        checked
            .stdout()
            .starts_with("2 file(s) are valid: 2 sources")
    );
    assert!(checked.warnings().is_empty(), "{}", checked.stderr());
    assert_eq!(checked.stderr().trim(), "0 warnings");
}

#[test]
fn an_agreement_past_due_with_no_follow_up_and_no_search_is_warned_of() {
    let unfollowed = replaced(
        RECORDS,
        "follows_up = [{ agreement = \"meet-again\", effect = \"fulfils\" }]\n",
        "",
    );
    let checked = check(SOURCES, &unfollowed, &[]);
    assert!(checked.output.status.success(), "{}", checked.stderr());
    assert!(checked.stdout().starts_with("2 file(s) are valid"));
    assert_eq!(
        checked.warnings(),
        [format!(
            "warning: {}: agreement \"meet-again\": due: its due date (2020) has passed with no follow-up recorded: add the event that followed it up (its follows_up), or say when the curators looked for one and found none (searched)",
            checked.file("records.toml")
        )]
    );
    assert!(
        checked.stderr().ends_with("1 warning\n"),
        "{}",
        checked.stderr()
    );

    // The curators' dated search answers it as a follow-up does.
    let searched = replaced(
        &unfollowed,
        "due = \"2020\"",
        "due = \"2020\"\nsearched = { on = \"2026-11-30\", for = \"a second meeting\" }",
    );
    assert!(check(SOURCES, &searched, &[]).warnings().is_empty());
    // And nothing is overdue before its due date has passed.
    let not_yet = replaced(&unfollowed, "due = \"2020\"", "due = \"2999\"");
    assert!(check(SOURCES, &not_yet, &[]).warnings().is_empty());
}

#[test]
fn a_source_no_record_cites_is_warned_of_once() {
    let uncited = format!(
        "{SOURCES}{}",
        r#"
[[sources]]
slug = "commentary"
title = "A commentary"
voice = "other"
language = "en"
published = "2023-09-01"
paragraphs = ["Commentary.", "More commentary."]
notes = [{ kind = "editor", text = "Cites itself, which does not count.", cites = [{ source = "commentary", paragraphs = [1] }] }]
"#
    );
    let checked = check(&uncited, RECORDS, &[]);
    assert!(checked.output.status.success(), "{}", checked.stderr());
    assert_eq!(
        checked.warnings(),
        [format!(
            "warning: {}: source \"commentary\": paragraphs: no record cites this source: cite its paragraphs from the records they support, or remove it",
            checked.file("sources.toml")
        )]
    );

    // Cited by another source's note, it is cited, and so are both its paragraphs.
    let cited_by_a_note = replaced(
        &uncited,
        "published = \"2023-08-29\"",
        "published = \"2023-08-29\"\nnotes = [{ kind = \"editor\", text = \"A commentary on it.\", cites = [{ source = \"commentary\", paragraphs = [1, 2] }] }]",
    );
    let checked = check(&cited_by_a_note, RECORDS, &[]);
    assert!(checked.warnings().is_empty(), "{}", checked.stderr());
}

#[test]
fn a_summary_point_or_paragraph_no_record_cites_is_warned_of() {
    // Point 1 is cited only by the topic's note: without it, point 1 is uncited.
    let records = replaced(
        RECORDS,
        ", cites = [{ source = \"readout\", points = [1] }]",
        "",
    );
    // Paragraph 3 is cited only by the event.
    let records = replaced(
        &records,
        "cites = [{ source = \"article\", paragraphs = [3] }, { source = \"readout\", points = [2] }]",
        "cites = [{ source = \"readout\", points = [2] }]",
    );
    let checked = check(SOURCES, &records, &[]);
    assert!(checked.output.status.success(), "{}", checked.stderr());
    let sources = checked.file("sources.toml");
    assert_eq!(
        checked.warnings(),
        [
            format!(
                "warning: {sources}: source \"article\": paragraphs: no record cites paragraph 3"
            ),
            format!("warning: {sources}: source \"readout\": points: no record cites point 1"),
        ]
    );
    assert!(
        checked.stderr().ends_with("2 warnings\n"),
        "{}",
        checked.stderr()
    );
}

#[test]
fn deny_warnings_makes_warnings_fail_the_check() {
    let records = replaced(
        RECORDS,
        ", cites = [{ source = \"readout\", points = [1] }]",
        "",
    );
    let checked = check(SOURCES, &records, &["--deny-warnings"]);
    assert_eq!(
        checked.output.status.code(),
        Some(1),
        "{}",
        checked.stderr()
    );
    // Still listed, then the failure says why.
    assert_eq!(checked.warnings().len(), 1, "{}", checked.stderr());
    assert!(
        checked
            .stderr()
            .contains("error: 1 warning, and --deny-warnings makes them fail the check"),
        "{}",
        checked.stderr()
    );
    // Errors still come first: an invalid dataset fails as before, listing no warnings.
    let invalid = replaced(&records, "kind = \"meeting\"", "kind = \"meting\"");
    let checked = check(SOURCES, &invalid, &["--deny-warnings"]);
    assert!(!checked.output.status.success());
    assert!(checked.warnings().is_empty(), "{}", checked.stderr());
}

#[test]
fn the_bundled_dataset_has_no_warnings() {
    // Judged on a fixed day so that the passing of time alone never fails this test; the
    // command below judges on the real day.
    let data =
        dataset::parse_and_validate(&dataset::bundled_files(), &dataset::Existing::default())
            .expect("valid");
    let listed: Vec<String> = warnings::warnings(&data, time::macros::date!(2026 - 11 - 30))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(listed.is_empty(), "{listed:#?}");

    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let output = run_check(&data_dir, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.ends_with("warnings") || l == "1 warning"),
        "{stderr}"
    );
}

/// Both countries, a US readout of two meetings and a Chinese state-media account of the first.
const READOUT_SOURCES: &str = r#"
[[countries]]
slug = "united-states"
name = "United States"

[[countries]]
slug = "china"
name = "China"

[[sources]]
slug = "us-readout"
title = "A US readout"
voice = "us-government"
language = "en"
published = "2024-01-11"
url = "https://example.com/us"
points = ["They met.", "They spoke again."]

[[sources]]
slug = "cn-report"
title = "A Chinese report"
voice = "state-media"
language = "en"
published = "2024-01-11"
url = "https://example.com/cn"
points = ["They met."]
"#;

/// Two bilateral meetings: the first with both sides' accounts, the second with the US's only.
const READOUT_RECORDS: &str = r#"
[[topics]]
slug = "dialogue"
name = "Dialogue"
summary = "Talking."
cites = [{ source = "us-readout", points = [1] }]

[[events]]
slug = "first-meeting"
title = "First meeting"
kind = "meeting"
date = "2024-01-10"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "They met."
accounts = [
  { source = "us-readout", side = "united-states", items = [{ kind = "stated", text = "They met.", topics = ["dialogue"], points = [1] }] },
  { source = "cn-report", side = "china", items = [{ kind = "stated", text = "They met.", topics = ["dialogue"], points = [1] }] },
]
cites = [{ source = "us-readout", points = [1] }]

[[events]]
slug = "second-call"
title = "Second call"
kind = "talks"
date = "2024-02-10"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "They spoke again."
accounts = [
  { source = "us-readout", side = "united-states", items = [{ kind = "stated", text = "They spoke.", topics = ["dialogue"], points = [2] }] },
]
cites = [{ source = "us-readout", points = [2] }]
"#;

#[test]
fn a_bilateral_meeting_with_one_side_s_account_where_the_other_publishes_is_warned_of() {
    let checked = check(READOUT_SOURCES, READOUT_RECORDS, &[]);
    assert!(checked.output.status.success(), "{}", checked.stderr());
    assert_eq!(
        checked.warnings(),
        [format!(
            "warning: {}: event \"second-call\": accounts: gives only one side's account, and the China side publishes readouts (it gives accounts of other events): add its account of this one, or say when the curators looked for it and found none (accounts_searched)",
            checked.file("records.toml")
        )]
    );

    // The curators' dated search for the missing account answers it.
    let searched = replaced(
        READOUT_RECORDS,
        "summary = \"They spoke again.\"",
        "summary = \"They spoke again.\"\naccounts_searched = { on = \"2026-11-30\", for = \"the ministry's statement\" }",
    );
    let checked = check(READOUT_SOURCES, &searched, &["--deny-warnings"]);
    assert!(checked.output.status.success(), "{}", checked.stderr());

    // A side that gives no account of any event is not known to publish readouts: nothing to
    // ask for. (The Chinese report then needs another citation to stay cited.)
    let china_silent = replaced(
        READOUT_RECORDS,
        "  { source = \"cn-report\", side = \"china\", items = [{ kind = \"stated\", text = \"They met.\", topics = [\"dialogue\"], points = [1] }] },\n",
        "",
    );
    let china_silent = replaced(
        &china_silent,
        "cites = [{ source = \"us-readout\", points = [1] }]\n\n[[events]]\nslug = \"second-call\"",
        "cites = [{ source = \"us-readout\", points = [1] }, { source = \"cn-report\", points = [1] }]\n\n[[events]]\nslug = \"second-call\"",
    );
    let checked = check(READOUT_SOURCES, &china_silent, &["--deny-warnings"]);
    assert!(checked.output.status.success(), "{}", checked.stderr());

    // An event only one country took part in is not bilateral.
    let one_sided = replaced(
        READOUT_RECORDS,
        "kind = \"talks\"\ndate = \"2024-02-10\"\nstatus = \"occurred\"\nsides = [\"united-states\", \"china\"]",
        "kind = \"talks\"\ndate = \"2024-02-10\"\nstatus = \"occurred\"\nsides = [\"united-states\"]",
    );
    let checked = check(READOUT_SOURCES, &one_sided, &["--deny-warnings"]);
    assert!(checked.output.status.success(), "{}", checked.stderr());

    // A day that is not one is an error naming the field.
    let bad_day = replaced(
        READOUT_RECORDS,
        "summary = \"They spoke again.\"",
        "summary = \"They spoke again.\"\naccounts_searched = { on = \"30 November 2026\", for = \"it\" }",
    );
    let checked = check(READOUT_SOURCES, &bad_day, &[]);
    assert!(!checked.output.status.success());
    assert!(
        checked
            .stderr()
            .contains("event \"second-call\": accounts_searched.on:"),
        "{}",
        checked.stderr()
    );
}
