//! The layers import only downwards: the HTML side (`web`) and the JSON side (`api`) are
//! siblings that ask the query layer (`catalog`) and never import each other; the query layer,
//! the database layer and the domain never reach up into a renderer; `state.rs` and `error.rs`
//! import neither renderer. Read from the sources, as a reviewer would.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("a source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every line of the files under `src/{module}` (or the file `src/{module}`) whose code, outside
/// comments, `matches`.
fn lines_where(module: &str, matches: impl Fn(&str) -> bool) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(module);
    let files = if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root]
    };
    assert!(!files.is_empty(), "no sources under src/{module}");
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("a readable source file");
        for (number, line) in text.lines().enumerate() {
            if matches(line.split("//").next().unwrap_or_default()) {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

/// Every line of the files under `src/{module}` (or the file `src/{module}`) that names one of
/// `forbidden` as a crate module, outside comments.
fn crossings(module: &str, forbidden: &[&str]) -> Vec<String> {
    lines_where(module, |code| {
        forbidden.iter().any(|name| {
            code.contains(&format!("crate::{name}::"))
                || code.contains(&format!("crate::{name};"))
                || code.contains(&format!("crate::{{{name}"))
        })
    })
}

#[test]
fn the_api_never_imports_the_html_side() {
    assert_eq!(crossings("api", &["web"]), Vec::<String>::new());
}

#[test]
fn the_html_side_never_imports_the_api() {
    assert_eq!(crossings("web", &["api"]), Vec::<String>::new());
}

#[test]
fn the_query_layer_and_below_never_import_a_renderer() {
    for module in ["catalog", "db", "domain", "dataset"] {
        assert_eq!(
            crossings(module, &["web", "api", "http"]),
            Vec::<String>::new(),
            "src/{module}"
        );
    }
}

#[test]
fn state_and_error_import_neither_renderer() {
    for file in ["state.rs", "error.rs"] {
        assert_eq!(
            crossings(file, &["web", "api"]),
            Vec::<String>::new(),
            "{file}"
        );
    }
}

#[test]
fn the_check_finds_a_crossing() {
    // The rule above would pass on an empty scan: it must see an import that is there.
    assert!(
        !crossings("web", &["catalog"]).is_empty(),
        "web asks the catalog, and the scan must see it"
    );
}

/// The modules of `src/db` each module names (`super::x` or `crate::db::x`), outside comments.
fn data_layer_imports() -> Vec<(String, Vec<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db");
    let modules: Vec<String> = rust_files(&dir)
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|m| m != "mod")
        .collect();
    modules
        .iter()
        .map(|module| {
            let text = fs::read_to_string(dir.join(format!("{module}.rs"))).expect("a source");
            let code: String = text
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            let named = modules
                .iter()
                .filter(|other| *other != module)
                .filter(|other| {
                    [format!("super::{other}"), format!("crate::db::{other}")]
                        .iter()
                        .any(|path| {
                            code.match_indices(path.as_str()).any(|(at, _)| {
                                !code[at + path.len()..]
                                    .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                            })
                        })
                })
                .cloned()
                .collect();
            (module.clone(), named)
        })
        .collect()
}

#[test]
fn the_data_layer_has_no_import_cycle() {
    let graph = data_layer_imports();
    assert!(
        graph
            .iter()
            .any(|(m, named)| m == "events" && named.iter().any(|n| n == "index")),
        "the scan must see that the timeline's queries use the event index"
    );
    // Depth-first search from each module, failing on a way back to a module on the path.
    fn visit(
        graph: &[(String, Vec<String>)],
        module: &str,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        path.push(module.to_owned());
        let named = graph
            .iter()
            .find(|(m, _)| m == module)
            .map(|(_, n)| n.clone());
        for next in named.unwrap_or_default() {
            if let Some(cycle) = visit(graph, &next, path) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    for (module, _) in &graph {
        let cycle = visit(&graph, module, &mut Vec::new());
        assert_eq!(cycle, None, "an import cycle in src/db");
    }
}

/// Every line of the files under `src/{module}` that reads the database itself rather than
/// asking the query layer, outside comments: `sqlx`, a connection, transaction or snapshot
/// opened, or a module of `src/db` named for its functions (imported whole, or one of its
/// functions called). Its types (rows, cursors) may be named.
fn database_reads(module: &str) -> Vec<String> {
    lines_where(module, |code| {
        ["sqlx", ".acquire(", ".begin(", ".snapshot("]
            .iter()
            .any(|s| code.contains(s))
            || names_a_database_function(code)
    })
}

/// Whether `code` names a function of `src/db` or one of its modules whole: after
/// `crate::db::`, a lower-case name followed by `(` or `;` (a function, or a module imported
/// whole), or by `::` and a lower-case name or `{self`.
fn names_a_database_function(code: &str) -> bool {
    let lower = |s: &str| s.starts_with(|c: char| c.is_ascii_lowercase());
    code.match_indices("crate::db::").any(|(at, path)| {
        let rest = &code[at + path.len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let list = list.split('}').next().unwrap_or_default();
            return list.split(',').map(str::trim).any(lower);
        }
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        if !lower(name) {
            return false;
        }
        match after.strip_prefix("::") {
            None => after.starts_with('(') || after.starts_with(';') || after.is_empty(),
            Some(next) => lower(next) || next.starts_with("{self"),
        }
    })
}

#[test]
fn the_renderers_read_the_data_only_through_the_query_layer() {
    // The time chart computes its figures in memory from the resolved filter the catalog's
    // answer carries (its event index), reading nothing.
    let in_memory = "src/web/charts/time.rs";
    let mut reads: Vec<String> = database_reads("web")
        .into_iter()
        .filter(|line| !line.contains(in_memory))
        .collect();
    reads.extend(database_reads("api"));
    assert_eq!(reads, Vec::<String>::new());
}

#[test]
fn the_database_read_check_finds_a_read() {
    // The rule above would pass on a check that sees nothing.
    assert!(names_a_database_function(
        "let rows = crate::db::people::all(&state.db).await?;"
    ));
    assert!(names_a_database_function(
        "use crate::db::{people, topics};"
    ));
    assert!(names_a_database_function(
        "use crate::db::events::{self, Cursor};"
    ));
    assert!(names_a_database_function("crate::db::ping(&state.db)"));
    assert!(!names_a_database_function(
        "use crate::db::{Counted, Named};"
    ));
    assert!(!names_a_database_function(
        "use crate::db::events::{Cursor, Side};"
    ));
    assert!(!names_a_database_function(
        "link: Link::official(crate::db::Named {"
    ));
    assert!(
        !database_reads("web/charts").is_empty(),
        "the time chart names db::charts"
    );
}
