//! `motcua schema`: print the JSON Schema of a procedure's form data.

use std::path::PathBuf;
use std::process::ExitCode;

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
    println!(
        "{}",
        serde_json::to_string_pretty(&procedure.json_schema())?
    );
    Ok(ExitCode::SUCCESS)
}
