//! The real binary: it starts from any directory on a new database, serves, and stops cleanly
//! on SIGTERM.

mod common;

use std::process::Command;

use common::{http_get, serve};

#[test]
fn the_binary_serves_from_any_directory_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tradewatch"));
    command
        .current_dir(dir.path())
        .args(["--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL");
    let server = serve(command);
    let addr = server.addr.clone();

    // The default database was created in the working directory and seeded.
    assert!(dir.path().join("tradewatch.db").exists());
    let page = http_get(&addr, "/events/raimondo-meets-li-qiang");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Raimondo meets Premier Li Qiang"));
    let css = http_get(&addr, "/static/css/site.css");
    assert!(
        css.starts_with("HTTP/1.1 200") && css.contains("text/css"),
        "the bundled stylesheet is served"
    );

    let (exit, rest) = server.stop();
    assert!(exit.success(), "{exit:?}");
    assert!(rest.contains("tradewatch stopped"), "{rest}");
}

#[test]
fn help_lists_every_limit_with_its_default() {
    let output = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    let help = String::from_utf8_lossy(&output.stdout);
    for (flag, default) in [
        ("--max-connections", "1024"),
        ("--max-in-flight", "64"),
        ("--request-timeout", "10"),
        ("--header-read-timeout", "10"),
        ("--max-header-bytes", "32768"),
        ("--max-uri-bytes", "16384"),
        ("--max-body-bytes", "1024"),
        ("--shutdown-grace", "10"),
    ] {
        let line = help
            .split("\n  -")
            .find(|entry| entry.contains(flag))
            .unwrap_or_else(|| panic!("{flag} is not in --help: {help}"));
        assert!(
            line.contains(&format!("[default: {default}]")),
            "{flag}: {line}"
        );
    }
}
