//! The real binary: it starts from any directory on a new database, serves, and stops cleanly
//! on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn the_binary_serves_from_any_directory_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .current_dir(dir.path())
        .args(["--bind", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));

    // The log names the address it listens on.
    let mut addr = None;
    let mut line = String::new();
    while addr.is_none() && stderr.read_line(&mut line).expect("log line") > 0 {
        if let Some(rest) = line.split("serving at http://").nth(1) {
            addr = Some(rest.trim().to_owned());
        }
        line.clear();
    }
    let addr = addr.expect("the server logs its address");

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

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server did not stop within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("log");
    assert!(rest.contains("tradewatch stopped"), "{rest}");
}
