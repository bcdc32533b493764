//! `motcua example`: print the example form data a procedure ships.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// National procedure code, e.g. 1.001193.
    #[arg(long)]
    procedure: String,
    /// A procedure catalog directory instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let procedure = crate::catalog::procedure(args.catalog.as_deref(), &args.procedure)?;
    let example = procedure
        .example
        .as_ref()
        .with_context(|| format!("procedure {} ships no example", procedure.code))?;
    println!("{}", serde_json::to_string_pretty(example)?);
    Ok(ExitCode::SUCCESS)
}
