//! The load-and-abuse run: the real binary on 127.0.0.1, driven over raw TCP at a fixed
//! concurrency for a fixed time with a mix of valid requests (whose bodies are checked) and
//! malformed ones (bad request lines, huge heads, invalid UTF-8, slow clients, bodies, odd
//! methods, traversal, overlong addresses, a thousand filter values). It reports what it sent
//! and got, and asserts: no 5xx but deliberate 503s, every valid answer correct, every malformed
//! one refused as it should be, bounded memory, and a healthy server afterwards.
//!
//! `ABUSE_SECONDS` (default 3) and `ABUSE_CONCURRENCY` (default 256) set the run;
//! `bench/abuse.sh` runs it longer on a release build.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Pages whose bodies are fetched once before the run and must come back identical under load.
const VALID: &[&str] = &[
    "/",
    "/?official=gina-raimondo&sort=desc",
    "/events/raimondo-meets-li-qiang",
    "/officials/li-qiang",
    "/topics/export-controls",
    "/agreements",
    "/search?q=export+controls",
    "/api/v1/events?limit=5",
    "/api/v1/events/raimondo-meets-li-qiang",
    "/api/v1/search?q=chips",
    "/events.csv",
    "/feed.atom",
    "/static/css/site.css",
    "/healthz",
];

/// What the server must do with a malformed request.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Status(u16),
    /// Closed without a response, or with a 408.
    Closed,
}

struct Probe {
    name: &'static str,
    head: Vec<u8>,
    /// Seconds to stay silent after sending `head` (a slow client).
    stall: bool,
    expect: Expect,
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n").into_bytes()
}

fn malformed() -> Vec<Probe> {
    let thousand: String = (0..1000)
        .map(|i| format!("official=p{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let probe = |name, head, expect| Probe {
        name,
        head,
        stall: false,
        expect,
    };
    let mut raw_utf8 = b"GET /search?q=".to_vec();
    raw_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    raw_utf8.extend_from_slice(b" HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n");
    vec![
        probe("bad request line", b"GARBAGE\r\n\r\n".to_vec(), Expect::Status(400)),
        probe(
            "bad version",
            b"GET / HTTP/7.0\r\nHost: abuse\r\n\r\n".to_vec(),
            Expect::Status(400),
        ),
        probe(
            "huge header",
            format!(
                "GET / HTTP/1.1\r\nHost: abuse\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
                "a".repeat(40_000)
            )
            .into_bytes(),
            Expect::Status(431),
        ),
        probe(
            "too many headers",
            format!(
                "GET / HTTP/1.1\r\nHost: abuse\r\n{}Connection: close\r\n\r\n",
                (0..120).map(|i| format!("X-{i}: 1\r\n")).collect::<String>()
            )
            .into_bytes(),
            Expect::Status(431),
        ),
        probe("raw bytes not UTF-8", raw_utf8, Expect::Status(400)),
        probe("query not UTF-8", get("/?q=caf%E9"), Expect::Status(400)),
        probe("broken escape", get("/api/v1/events?from=%zz"), Expect::Status(400)),
        probe("unknown parameter", get("/officials?oficial=x"), Expect::Status(400)),
        probe("tracking parameter", get("/officials?utm_source=x"), Expect::Status(301)),
        probe("impossible date", get("/?from=2023-02-30"), Expect::Status(400)),
        probe("thousand values", get(&format!("/?{thousand}")), Expect::Status(400)),
        probe(
            "overlong address",
            get(&format!("/?q={}", "a".repeat(20_000))),
            Expect::Status(414),
        ),
        probe("traversal", get("/static/../Cargo.toml"), Expect::Status(404)),
        probe("encoded traversal", get("/static/%2e%2e%2fCargo.toml"), Expect::Status(404)),
        probe("path not UTF-8", get("/events/%FF"), Expect::Status(404)),
        probe(
            "odd method",
            b"FROB / HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n".to_vec(),
            Expect::Status(405),
        ),
        probe(
            "delete",
            b"DELETE /api/v1/events HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n\r\n".to_vec(),
            Expect::Status(405),
        ),
        probe(
            "large body",
            b"GET / HTTP/1.1\r\nHost: abuse\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\nxxxx"
                .to_vec(),
            Expect::Status(413),
        ),
        Probe {
            name: "slowloris",
            head: b"GET / HTTP/1.1\r\nHost: abuse\r\nX-Slow: ".to_vec(),
            stall: true,
            expect: Expect::Closed,
        },
        Probe {
            name: "silent",
            head: Vec::new(),
            stall: true,
            expect: Expect::Closed,
        },
    ]
}

struct Response {
    status: Option<u16>,
    body: Vec<u8>,
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

/// Sends `head` on a new connection and reads until the server closes it. `None` when the
/// connection could not be made or the read failed (a reset counts as closed).
async fn exchange(addr: &str, head: &[u8], stall: Option<Duration>) -> Option<Response> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    // The server may answer and close before reading everything.
    let _ = stream.write_all(head).await;
    if let Some(stall) = stall {
        tokio::time::sleep(stall).await;
    }
    let mut raw = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw)).await;
    if read.is_err() {
        return Some(Response {
            status: Some(0),
            body: format!("no answer within 30 s: {raw:?}").into_bytes(),
        });
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let status = std::str::from_utf8(&raw[..split.unwrap_or(raw.len()).min(raw.len())])
        .ok()
        .and_then(|head| head.split(' ').nth(1))
        .and_then(|code| code.parse().ok());
    let body = match split {
        Some(at) => {
            let head = String::from_utf8_lossy(&raw[..at]).to_ascii_lowercase();
            let body = &raw[at + 4..];
            if head.contains("transfer-encoding: chunked") {
                dechunk(body)
            } else {
                body.to_vec()
            }
        }
        None => Vec::new(),
    };
    Some(Response { status, body })
}

#[derive(Default)]
struct Tally {
    sent: u64,
    statuses: BTreeMap<String, u64>,
    valid: u64,
    valid_correct: u64,
    valid_shed: u64,
    wrong: Vec<String>,
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse().ok())
        .unwrap()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_survives_load_and_abuse_with_every_valid_answer_correct() {
    let seconds = env_number("ABUSE_SECONDS", 3);
    let concurrency = env_number("ABUSE_CONCURRENCY", 256);
    let header_timeout = Duration::from_secs(2);
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tradewatch"));
    command
        .current_dir(dir.path())
        .args(["--bind", "127.0.0.1:0", "--header-read-timeout", "2"])
        .env("RUST_LOG", "warn,tradewatch::cli=info");
    let served = common::serve(command);
    let addr: Arc<str> = Arc::from(served.addr.as_str());
    let pid = served.child.id();

    // The reference answers, taken while the server is idle.
    let mut expected = Vec::new();
    for path in VALID {
        let response = exchange(&addr, &get(path), None).await.unwrap();
        assert_eq!(response.status, Some(200), "{path}");
        assert!(!response.body.is_empty(), "{path}");
        expected.push(response.body);
    }
    let expected = Arc::new(expected);
    let probes = Arc::new(malformed());
    let rss_before = peak_rss_kib(pid);

    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (addr, expected, probes, tally) = (
            addr.clone(),
            expected.clone(),
            probes.clone(),
            tally.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut turn = worker;
            while Instant::now() < deadline {
                turn += concurrency;
                // Two valid requests for every malformed one.
                let (label, response, check) = if turn % 3 != 0 {
                    let index = (turn as usize / 3) % VALID.len();
                    let response = exchange(&addr, &get(VALID[index]), None).await;
                    (VALID[index].to_owned(), response, Err(index))
                } else {
                    let probe = &probes[(turn as usize / 3) % probes.len()];
                    let stall = probe
                        .stall
                        .then_some(header_timeout + Duration::from_secs(1));
                    let response = exchange(&addr, &probe.head, stall).await;
                    (probe.name.to_owned(), response, Ok(probe.expect))
                };
                let mut tally = tally.lock().await;
                tally.sent += 1;
                let status = response.as_ref().and_then(|r| r.status);
                let key = status.map_or("closed".to_owned(), |s| s.to_string());
                *tally.statuses.entry(key).or_default() += 1;
                match check {
                    Err(index) => {
                        tally.valid += 1;
                        match (status, response) {
                            (Some(200), Some(r)) if r.body == expected[index] => {
                                tally.valid_correct += 1;
                            }
                            (Some(503), _) => tally.valid_shed += 1,
                            (status, _) => tally.wrong.push(format!("{label}: {status:?}")),
                        }
                    }
                    Ok(Expect::Status(want)) => {
                        if status != Some(want) && status != Some(503) {
                            tally
                                .wrong
                                .push(format!("{label}: {status:?}, expected {want}"));
                        }
                    }
                    Ok(Expect::Closed) => {
                        if status.is_some_and(|s| s != 408) {
                            tally
                                .wrong
                                .push(format!("{label}: {status:?}, expected closed"));
                        }
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let peak_rss = peak_rss_kib(pid);

    // Healthy afterwards: it answers, correctly.
    let health = exchange(&addr, &get("/healthz"), None).await.unwrap();
    let page = exchange(&addr, &get(VALID[2]), None).await.unwrap();
    let healthy =
        health.status == Some(200) && page.status == Some(200) && page.body == expected[2];

    let tally = tally.lock().await;
    let server_errors: u64 = tally
        .statuses
        .iter()
        .filter(|(s, _)| s.starts_with('5') && *s != "503")
        .map(|(_, n)| n)
        .sum();
    println!("abuse run: {concurrency} concurrent clients for {seconds} s on 127.0.0.1");
    println!(
        "  requests sent:        {} in {:.1} s ({:.0}/s)",
        tally.sent,
        elapsed.as_secs_f64(),
        tally.sent as f64 / elapsed.as_secs_f64()
    );
    println!("  status counts:        {:?}", tally.statuses);
    println!("  5xx other than 503:   {server_errors}");
    println!(
        "  valid requests:       {} — {} correct, {} shed with 503, {} wrong",
        tally.valid,
        tally.valid_correct,
        tally.valid_shed,
        tally.valid - tally.valid_correct - tally.valid_shed
    );
    println!("  wrong answers:        {}", tally.wrong.len());
    println!(
        "  peak RSS:             {} MiB (before the run {} MiB)",
        peak_rss / 1024,
        rss_before / 1024
    );
    println!("  healthy afterwards:   {healthy}");

    assert!(
        tally.wrong.is_empty(),
        "wrong answers: {:?}",
        &tally.wrong[..tally.wrong.len().min(20)]
    );
    assert_eq!(server_errors, 0);
    assert!(tally.valid_correct > 0, "no valid request was answered");
    assert!(peak_rss < 512 * 1024, "peak RSS {peak_rss} KiB");
    assert!(healthy, "the server is not healthy afterwards");
    drop(tally);
    let (exit, log) = served.stop();
    assert!(exit.success(), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
