//! The subcommands. Each module has an `Args` struct and a `run` function.

use std::process::ExitCode;

use clap::Subcommand;

mod canonical;
mod keygen;
mod seal;
mod serve;
mod submit;
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
    /// Send a sealed dossier and its attachments to an office's intake
    /// server (resumable), and print the office's verified receipt.
    Submit(submit::Args),
}

impl Command {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Self::Serve(args) => serve::run(args),
            Self::Keygen(args) => keygen::run(args),
            Self::Seal(args) => seal::run(args),
            Self::Verify(args) => verify::run(args),
            Self::Canonical(args) => canonical::run(args),
            Self::Submit(args) => submit::run(args),
        }
    }
}
