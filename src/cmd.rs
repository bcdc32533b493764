//! The subcommands. Each module has an `Args` struct and a `run` function.

use std::process::ExitCode;

use clap::Subcommand;

mod bulk;
mod canonical;
mod check;
mod directory;
mod example;
mod keygen;
mod procedures;
mod scan;
mod schema;
mod seal;
mod serve;
mod submit;
mod template;
mod verify;

/// Exit status when the input could not be used at all (unreadable file,
/// malformed JSON, unknown procedure). `1` means "read fine, but invalid".
pub(crate) const EXIT_UNUSABLE: u8 = 2;

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the reference intake server, serving the app and the catalog.
    Serve(serve::Args),
    /// Make a device signing key (ES256), or import a PKCS#8 key and its
    /// certificates, into an encrypted key file.
    Keygen(keygen::Args),
    /// Build a dossier from form data and files, and seal it with a key.
    Seal(seal::Args),
    /// Check a sealed dossier: signatures, manifest and attachments.
    Verify(verify::Args),
    /// Print the RFC 8785 canonical bytes of a JSON file.
    Canonical(canonical::Args),
    /// List the procedures of the catalog.
    Procedures(procedures::Args),
    /// Validate form data against a procedure; print errors or normalized data as JSON.
    Check(check::Args),
    /// Print the JSON Schema (draft 2020-12) of a procedure's form data.
    Schema(schema::Args),
    /// Print the example form data a procedure ships.
    Example(example::Args),
    /// Write the spreadsheet (XLSX or CSV) a business fills in to file many
    /// dossiers of a procedure at once.
    Template(template::Args),
    /// Turn photos of paper documents into one A4 PDF (or check a PDF and
    /// keep it byte for byte); print its size, pages and SHA-256.
    Scan(scan::Args),
    /// File one dossier per row of a spreadsheet: check every row, seal the
    /// valid ones with one key unlock, send them, and write a per-row
    /// report (resumable).
    Bulk(bulk::Args),
    /// Send a sealed dossier and its attachments to an office's intake
    /// server (resumable), and print the office's verified receipt.
    Submit(submit::Args),
    /// Sign an office directory for publication, or verify a signed one
    /// against its publisher's key.
    Directory(directory::Args),
}

impl Command {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Self::Serve(args) => serve::run(args),
            Self::Keygen(args) => keygen::run(args),
            Self::Seal(args) => seal::run(args),
            Self::Verify(args) => verify::run(args),
            Self::Canonical(args) => canonical::run(args),
            Self::Procedures(args) => procedures::run(args),
            Self::Check(args) => check::run(args),
            Self::Schema(args) => schema::run(args),
            Self::Example(args) => example::run(args),
            Self::Template(args) => template::run(args),
            Self::Scan(args) => scan::run(args),
            Self::Submit(args) => submit::run(args),
            Self::Bulk(args) => bulk::run(args),
            Self::Directory(args) => directory::run(args),
        }
    }
}
