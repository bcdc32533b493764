//! `motcua directory sign|verify`: for publishers of the office directory
//! (docs/directory.md).
//!
//! `sign` checks a directory document — the format's rules, no unknown
//! members, province and commune codes in the built-in unit table — and
//! signs it with an encrypted key file (ES256 or EdDSA). `verify` checks a
//! signed directory against pinned publisher keys, as the app does, and
//! lists its offices.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use motcua_dossier::{KeyFile, Signer, Timestamp};
use motcua_submit::{Directory, Error, PublisherPins, VerifiedDirectory};
use serde_json::json;

use crate::cmd::EXIT_UNUSABLE;
use crate::cmd::keygen::{passphrase, write_new};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Check a directory document and sign it with a publisher key.
    Sign(SignArgs),
    /// Check a signed directory against the publisher's key and list its
    /// offices.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
struct SignArgs {
    /// The publisher's encrypted key file (from `motcua keygen`; ES256 or
    /// EdDSA). The passphrase is read from MOTCUA_PASSPHRASE or asked.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The directory document (JSON, docs/directory.md).
    #[arg(value_name = "DIRECTORY.json")]
    directory: PathBuf,
    /// Where to write the signed directory.
    #[arg(short, long, value_name = "SIGNED.json")]
    output: PathBuf,
    /// Also write the publisher's public key (a JWK) here, for apps and
    /// servers to pin.
    #[arg(long, value_name = "PUB.jwk")]
    public_key: Option<PathBuf>,
    /// Replace SIGNED.json if it exists.
    #[arg(long)]
    force: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// A trusted publisher key (repeatable): a JWK or JWK Set file, or an
    /// RFC 7638 thumbprint.
    #[arg(long, value_name = "PUBKEY", required = true)]
    publisher: Vec<String>,
    /// The signed directory.
    #[arg(value_name = "SIGNED.json")]
    signed: PathBuf,
    /// Check validity at this time (YYYY-MM-DDTHH:MM:SSZ) instead of now.
    #[arg(long, value_name = "TIME")]
    at: Option<Timestamp>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Sub::Sign(args) => sign(&args),
        Sub::Verify(args) => verify(&args),
    }
}

/// The publisher keys to trust: each value a JWK or JWK Set file, or a
/// thumbprint.
pub(crate) fn pins(values: &[String]) -> anyhow::Result<PublisherPins> {
    let mut pins = PublisherPins::new();
    for value in values {
        let path = Path::new(value);
        pins = if path.is_file() {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            pins.with_json(&bytes)
                .with_context(|| format!("publisher key {}", path.display()))?
        } else {
            pins.with_thumbprint(value).with_context(|| {
                format!("{value:?} is neither a key file nor an RFC 7638 thumbprint")
            })?
        };
    }
    Ok(pins)
}

/// Reads and verifies a signed directory at `path` now. The outer error
/// means the file could not be read; the inner that it was refused.
pub(crate) fn read_verified(
    path: &Path,
    pins: &PublisherPins,
    at: Timestamp,
) -> anyhow::Result<Result<VerifiedDirectory, Error>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Directory::verify(&bytes, pins, at))
}

/// Prints a refusal of the directory (both languages) and gives status 1.
pub(crate) fn refuse(path: &Path, error: &Error, json_out: bool) -> ExitCode {
    if json_out {
        let out = json!({
            "ok": false,
            "file": path,
            "error": error,
            "message": error.message(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        eprintln!("motcua: {}: refused: {error}", path.display());
        eprintln!("  {}", error.message().vi);
        eprintln!("  {}", error.message().en);
    }
    ExitCode::FAILURE
}

/// Checks province and commune codes against the built-in unit table.
fn check_units(directory: &Directory) -> anyhow::Result<Vec<String>> {
    let units = crate::catalog::units(None)?;
    let mut problems = Vec::new();
    for office in &directory.offices {
        if units.province(office.province.as_str()).is_none() {
            problems.push(format!(
                "office {}: no province {} in the unit table",
                office.code,
                office.province.as_str()
            ));
        }
        if let Some(commune) = &office.commune {
            match units.commune(commune.as_str()) {
                None => problems.push(format!(
                    "office {}: no commune {} in the unit table",
                    office.code,
                    commune.as_str()
                )),
                Some(c) if c.province != office.province => problems.push(format!(
                    "office {}: commune {} is in province {}, not {}",
                    office.code,
                    commune.as_str(),
                    c.province.as_str(),
                    office.province.as_str()
                )),
                Some(_) => {}
            }
        }
    }
    Ok(problems)
}

fn sign(args: &SignArgs) -> anyhow::Result<ExitCode> {
    if args.output.exists() && !args.force {
        bail!(
            "{} exists; pass --force to replace it",
            args.output.display()
        );
    }
    let json = std::fs::read(&args.directory)
        .with_context(|| format!("reading {}", args.directory.display()))?;
    let directory = match Directory::from_json(&json) {
        Ok(d) => d,
        Err(e) => return Ok(refuse(&args.directory, &e, args.json)),
    };
    let problems = check_units(&directory)?;
    if !problems.is_empty() {
        let e = Error::DirectoryMalformed {
            detail: problems.join("; "),
        };
        return Ok(refuse(&args.directory, &e, args.json));
    }
    if directory.expires <= Timestamp::now() {
        let e = Error::DirectoryExpired {
            expires: directory.expires,
        };
        return Ok(refuse(&args.directory, &e, args.json));
    }
    let key_bytes =
        std::fs::read(&args.key).with_context(|| format!("reading {}", args.key.display()))?;
    let key_file = KeyFile::from_json(&key_bytes)
        .with_context(|| format!("reading key file {}", args.key.display()))?;
    let key = key_file
        .decrypt(&passphrase(false)?)
        .with_context(|| format!("unlocking {}", args.key.display()))?;
    let signed = match Directory::sign(&json, &key) {
        Ok(signed) => signed,
        Err(e) => return Ok(refuse(&args.directory, &e, args.json)),
    };
    write_new(&args.output, &signed)?;
    let jwk = serde_json::Value::Object(key.public_key().to_jwk());
    if let Some(path) = &args.public_key {
        let mut text = serde_json::to_vec_pretty(&jwk)?;
        text.push(b'\n');
        write_new(path, &text)?;
    }
    if args.json {
        let out = json!({
            "ok": true,
            "file": args.output,
            "alg": key.algorithm().name(),
            "publisher_kid": key.kid(),
            "public_key": jwk,
            "issued": directory.issued,
            "expires": directory.expires,
            "offices": directory.offices.len(),
            "adapters": directory.adapters(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "motcua: signed the directory ({} offices) into {}",
            directory.offices.len(),
            args.output.display()
        );
        println!("  publisher key   {} ({})", key.kid(), key.algorithm());
        println!(
            "  valid           {} to {}",
            directory.issued, directory.expires
        );
        for (adapter, n) in directory.adapters() {
            println!("  adapter         {adapter}: {n} offices");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let pins = match pins(&args.publisher) {
        Ok(pins) => pins,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            return Ok(ExitCode::from(EXIT_UNUSABLE));
        }
    };
    let at = args.at.unwrap_or_else(Timestamp::now);
    let verified = match read_verified(&args.signed, &pins, at) {
        Ok(Ok(verified)) => verified,
        Ok(Err(e)) => return Ok(refuse(&args.signed, &e, args.json)),
        Err(e) => {
            eprintln!("motcua: {e:#}");
            return Ok(ExitCode::from(EXIT_UNUSABLE));
        }
    };
    let d = verified.directory();
    if args.json {
        let offices: Vec<serde_json::Value> = d
            .offices
            .iter()
            .map(|o| {
                json!({
                    "code": o.code,
                    "name": o.name,
                    "level": o.level,
                    "province": o.province,
                    "commune": o.commune,
                    "adapter": o.backend.adapter(),
                    "url": o.backend.url(),
                    "reachable": o.is_reachable(),
                })
            })
            .collect();
        let out = json!({
            "ok": true,
            "publisher": d.publisher,
            "publisher_kid": verified.publisher_kid(),
            "alg": verified.algorithm().name(),
            "issued": d.issued,
            "expires": d.expires,
            "offices": offices,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "motcua: {}: signed by {} ({}), key {}",
            args.signed.display(),
            d.publisher.name.vi,
            d.publisher.name.en,
            verified.publisher_kid()
        );
        println!("  valid {} to {}", d.issued, d.expires);
        for o in &d.offices {
            println!(
                "  {:<12} {:<9} {:<10} {} — {}",
                o.code.as_str(),
                o.level.as_str(),
                o.backend.adapter(),
                o.name.vi,
                o.backend.url().unwrap_or("(adapter not supported here)")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
