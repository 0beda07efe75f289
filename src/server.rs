//! The HTTP server: accepting connections with limits on their number, on header sizes and on
//! slow clients, and stopping gracefully within a bounded time.
//!
//! hyper answers what never reaches the application itself: a request line and headers over
//! `max_header_bytes` get `431` (an over-long address included), more than 100 headers `431`,
//! a malformed request `400`, and a client that has not sent a whole request head within
//! `header_read_timeout` of connecting or of its previous response (a slowloris, or an idle
//! keep-alive connection) has its connection closed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// How long a client has to send a whole request head; also how long an idle keep-alive
    /// connection stays open.
    pub header_read_timeout: Duration,
    /// The largest request line and headers, in bytes (at least `MIN_HEADER_BYTES`).
    pub max_header_bytes: usize,
    /// How long requests in flight may take to finish once shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 32 * 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The most headers one request may carry; browsers send about 20.
pub const MAX_HEADERS: usize = 100;

/// The smallest limit on a request head accepted: room for any browser's.
pub const MIN_HEADER_BYTES: usize = 8192;

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting (new
/// connections are refused), lets requests in flight finish, closes idle connections, and
/// returns once all are done or `shutdown_grace` has passed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in front terminates,
    // and detecting cleartext HTTP/2 would wait for a silent client's first bytes with no
    // timeout at all.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(limits.max_header_bytes.max(MIN_HEADER_BYTES))
        .max_headers(MAX_HEADERS)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, _remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    // Closing the listener refuses new connections from here on.
    drop(listener);
    tracing::info!(
        connections = graceful.count(),
        "shutting down: finishing requests in flight"
    );
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(
                grace = ?limits.shutdown_grace,
                "requests still in flight at the end of the shutdown grace period were cut off"
            );
        }
    }
}
