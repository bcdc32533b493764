//! `motcua`: the command line over motcua's crates, for offices, scripts and tests.
//!
//! Each subcommand lives in its own module under `cmd/`, prints a readable
//! report (or JSON with `--json`) and returns its exit status.

use std::process::ExitCode;

use clap::Parser;

mod catalog;
mod cmd;

/// File Vietnamese administrative procedures: forms, attachments, sealed dossiers.
#[derive(Debug, Parser)]
#[command(name = "motcua", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.run() {
        Ok(code) => code,
        Err(err) => {
            // Print the whole chain: the outer context says what was being done,
            // the inner causes say why it failed.
            eprintln!("motcua: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(cmd::EXIT_UNUSABLE)
        }
    }
}
