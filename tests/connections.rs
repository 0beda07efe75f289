//! The server's connection handling, over real loopback TCP: slow and silent clients are cut
//! off, oversized heads get 431, and shutdown lets requests in flight finish, refuses new
//! connections and returns within the grace period.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tradewatch::server::{ConnectionLimits, serve};

/// Generous: these bound a test's waiting, never a measured speed.
const PATIENCE: Duration = Duration::from_secs(10);

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

/// The server over a router with `/fast` and `/slow` (which waits until released).
async fn start(limits: ConnectionLimits) -> Server {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (e, r) = (entered.clone(), release.clone());
    let app = Router::new()
        .route("/fast", get(|| async { "fast" }))
        .route(
            "/slow",
            get(move || {
                let (e, r) = (e.clone(), r.clone());
                async move {
                    e.notify_one();
                    r.notified().await;
                    "slow but finished"
                }
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        serve(listener, app, &limits, async {
            let _ = stopped.await;
        })
        .await;
    });
    Server {
        addr,
        stop: Some(stop),
        done,
        entered,
        release,
    }
}

fn quick() -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(500),
        shutdown_grace: Duration::from_secs(5),
        ..ConnectionLimits::default()
    }
}

/// Reads until the server closes the connection; panics if it does not within `PATIENCE`.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&out).into_owned()
}

async fn request(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    read_to_close(&mut stream).await
}

#[tokio::test]
async fn slow_silent_and_idle_clients_are_cut_off() {
    let server = start(quick()).await;
    // A slowloris: a request head that never ends.
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /fast HTTP/1.1\r\nHost: test\r\nX-a: ")
        .await
        .unwrap();
    // A client that connects and says nothing.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    // A keep-alive connection left idle after its response.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /fast HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    for (name, stream) in [("slow", &mut slow), ("silent", &mut silent)] {
        eprintln!("{name}");
        let answer = read_to_close(stream).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
    }
    let answer = read_to_close(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("fast"), "{answer}");
    assert!(started.elapsed() < PATIENCE);
    // Meanwhile and afterwards the server answers others.
    assert!(
        request(server.addr, "/fast")
            .await
            .starts_with("HTTP/1.1 200")
    );
}

#[tokio::test]
async fn oversized_request_heads_get_431_and_malformed_ones_400() {
    let server = start(quick()).await;
    let limit = ConnectionLimits::default().max_header_bytes;
    for head in [
        format!(
            "GET /fast HTTP/1.1\r\nHost: test\r\nX-Big: {}\r\n\r\n",
            "a".repeat(limit)
        ),
        format!("GET /{} HTTP/1.1\r\nHost: test\r\n\r\n", "a".repeat(limit)),
        format!(
            "GET /fast HTTP/1.1\r\nHost: test\r\n{}\r\n",
            (0..150)
                .map(|i| format!("X-{i}: 1\r\n"))
                .collect::<String>()
        ),
    ] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(head.as_bytes()).await;
        let answer = read_to_close(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    }
    for head in [
        "GET\r\n\r\n".to_owned(),
        "GET /fast HTTP/9.9\r\n\r\n".to_owned(),
        "GET /fast HTTP/1.1\r\nHost: test\r\nBad Header\r\n\r\n".to_owned(),
        "GET /f\u{1}st HTTP/1.1\r\nHost: test\r\n\r\n".to_owned(),
        "\u{0}\u{0}\u{0}\r\n\r\n".to_owned(),
    ] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let _ = stream.write_all(head.as_bytes()).await;
        let answer = read_to_close(&mut stream).await;
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 505"),
            "{head:?}: {answer}"
        );
    }
    assert!(
        request(server.addr, "/fast")
            .await
            .starts_with("HTTP/1.1 200")
    );
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_and_refuses_new_connections() {
    let mut server = start(quick()).await;
    let addr = server.addr;
    let in_flight = tokio::spawn(async move { request(addr, "/slow").await });
    server.entered.notified().await;
    server.stop.take().unwrap().send(()).unwrap();
    // New connections are refused once the listener is closed.
    let deadline = Instant::now() + PATIENCE;
    loop {
        match TcpStream::connect(addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
            _ if Instant::now() > deadline => panic!("new connections are still accepted"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    assert!(!server.done.is_finished(), "a request is still in flight");
    server.release.notify_waiters();
    let answer = in_flight.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("slow but finished"), "{answer}");
    tokio::time::timeout(PATIENCE, server.done)
        .await
        .expect("the server stops once the request is done")
        .unwrap();
}

#[tokio::test]
async fn shutdown_gives_up_on_requests_that_outlast_the_grace_period() {
    let mut server = start(ConnectionLimits {
        shutdown_grace: Duration::from_millis(300),
        ..quick()
    })
    .await;
    let addr = server.addr;
    let stuck = tokio::spawn(async move { request(addr, "/slow").await });
    server.entered.notified().await;
    server.stop.take().unwrap().send(()).unwrap();
    tokio::time::timeout(PATIENCE, server.done)
        .await
        .expect("the server stops within its grace period")
        .unwrap();
    drop(stuck);
}
