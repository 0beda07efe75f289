//! Logging, set up once: `RUST_LOG` filters, defaulting to tradewatch's and tower-http's info,
//! as text for a person or as JSON lines for a log pipeline.
//!
//! Lines are handed to a writer thread through a bounded queue, so a stalled reader of the log
//! (a full pipe, a slow collector) never stalls a request: past the queue's bound, lines are
//! dropped and counted, and `/metrics` reports the count.

use std::io::IsTerminal;
use std::sync::OnceLock;

use tracing_appender::non_blocking::{ErrorCounter, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text per event, coloured at a terminal.
    #[default]
    Text,
    /// One JSON object per line, with the event's fields and its spans' (the request's route,
    /// method and address).
    Json,
}

/// Lines waiting for the writer thread before further lines are dropped.
pub const QUEUED_LINES: usize = 16 * 1024;

static DROPPED: OnceLock<ErrorCounter> = OnceLock::new();

/// Log lines dropped because the writer could not keep up.
pub fn dropped_lines() -> u64 {
    DROPPED
        .get()
        .map_or(0, |counter| counter.dropped_lines() as u64)
}

/// Sets up logging to stderr. Keep the guard until the program ends: dropping it flushes the
/// lines still queued. A second call (as in tests) keeps the first set-up and returns `None`.
pub fn init(format: LogFormat) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("tradewatch=info,tower_http=info"));
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .lossy(true)
        .thread_name("tradewatch-log")
        .finish(std::io::stderr());
    let counter = writer.error_counter();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let installed = match format {
        // Colours only for a person at a terminal, never in files or container logs.
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .try_init(),
    };
    if installed.is_err() {
        return None;
    }
    let _ = DROPPED.set(counter);
    Some(guard)
}
