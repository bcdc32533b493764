//! `motcua canonical FILE`: print the RFC 8785 canonical bytes of a JSON file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use motcua_dossier::Error;

use crate::cmd::EXIT_UNUSABLE;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The JSON file; `-` reads standard input.
    file: PathBuf,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .context("reading standard input")?;
        buf
    } else {
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?
    };
    match motcua_dossier::canonicalize(&bytes) {
        Ok(out) => {
            // Exactly the canonical bytes: no trailing newline.
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&out).context("writing standard output")?;
            stdout.flush().context("writing standard output")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("motcua: {}: {err}", args.file.display());
            eprintln!("  {}", err.message().vi);
            // Malformed JSON cannot be used at all; well-formed JSON that
            // breaks I-JSON (a repeated key) is refused.
            Ok(match err {
                Error::Json { .. } | Error::Truncated { .. } => ExitCode::from(EXIT_UNUSABLE),
                _ => ExitCode::FAILURE,
            })
        }
    }
}
