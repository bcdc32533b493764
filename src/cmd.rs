//! The subcommands. Each module has an `Args` struct and a `run` function.

use std::process::ExitCode;

use clap::Subcommand;

mod scan;
mod serve;

/// Exit status when the input could not be used at all (unreadable file,
/// malformed JSON, unknown procedure). `1` means "read fine, but invalid".
pub(crate) const EXIT_UNUSABLE: u8 = 2;

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the reference intake server, serving the app and the catalog.
    Serve(serve::Args),
    /// Turn photos of paper documents into one A4 PDF (or check a PDF and
    /// keep it byte for byte); print its size, pages and SHA-256.
    Scan(scan::Args),
}

impl Command {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Self::Serve(args) => serve::run(args),
            Self::Scan(args) => scan::run(args),
        }
    }
}
