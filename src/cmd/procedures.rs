//! `motcua procedures`: list the procedure catalog.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A procedure catalog directory instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// Print the catalog index as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let catalog = crate::catalog::load(args.catalog.as_deref())?;
    let index = catalog.index();
    if args.json {
        println!("{}", serde_json::to_string_pretty(index)?);
        return Ok(ExitCode::SUCCESS);
    }
    for p in &index.procedures {
        let level = p.level.label();
        println!(
            "{}  {:<8}  {:<8}  {}",
            p.code, p.version, level.en, p.name.vi
        );
        println!("{:28}{}", "", p.name.en);
    }
    println!("{} procedures", index.procedures.len());
    Ok(ExitCode::SUCCESS)
}
