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
