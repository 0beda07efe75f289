use std::process::ExitCode;

use clap::Parser;
use tradewatch::cli::{Cli, run};

#[tokio::main]
async fn main() -> ExitCode {
    tradewatch::telemetry::init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
