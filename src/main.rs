use std::process::ExitCode;

use clap::Parser;
use tradewatch::cli::{Cli, run};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Held to the end: dropping it writes out the log lines still queued.
    let _log = tradewatch::telemetry::init(cli.log_format());
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
