//! Logging, set up once: `RUST_LOG` filters, defaulting to tradewatch's and tower-http's info.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("tradewatch=info,tower_http=info"));
    // A second call (as in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never in files or container logs.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
