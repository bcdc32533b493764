//! The subcommands. Each module has an `Args` struct and a `run` function.

use std::process::ExitCode;

use clap::Subcommand;

mod check;
mod example;
mod procedures;
mod schema;
mod serve;

/// Exit status when the input could not be used at all (unreadable file,
/// malformed JSON, unknown procedure). `1` means "read fine, but invalid".
pub(crate) const EXIT_UNUSABLE: u8 = 2;

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the reference intake server, serving the app and the catalog.
    Serve(serve::Args),
    /// List the procedures of the catalog.
    Procedures(procedures::Args),
    /// Validate form data against a procedure; print errors or normalized data as JSON.
    Check(check::Args),
    /// Print the JSON Schema (draft 2020-12) of a procedure's form data.
    Schema(schema::Args),
    /// Print the example form data a procedure ships.
    Example(example::Args),
}

impl Command {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Self::Serve(args) => serve::run(args),
            Self::Procedures(args) => procedures::run(args),
            Self::Check(args) => check::run(args),
            Self::Schema(args) => schema::run(args),
            Self::Example(args) => example::run(args),
        }
    }
}
