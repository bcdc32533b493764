//! `motcua keygen`: make a device key (ES256), or import a PKCS#8 key with
//! its certificates, and write it as an encrypted key file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use motcua_dossier::{Algorithm, Certificate, KeyFile, Signer, SigningKey};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Where to write the encrypted key file (JSON; docs/dossier-format.md).
    #[arg(short, long, value_name = "KEY")]
    output: PathBuf,
    /// Import this PKCS#8 private key (PEM or DER; a PEM file may also hold
    /// the certificate chain) instead of making a new ES256 device key.
    #[arg(long, value_name = "PKCS8")]
    import: Option<PathBuf>,
    /// PEM certificate chain of the imported key, leaf first.
    #[arg(long, value_name = "CHAIN.pem", requires = "import")]
    cert: Option<PathBuf>,
    /// Signature algorithm of the imported key: ES256, EdDSA, RS256 or PS256
    /// (default by key type: ES256, EdDSA, RS256).
    #[arg(long, value_parser = parse_alg, requires = "import")]
    alg: Option<Algorithm>,
    /// A name for the key, shown when choosing one.
    #[arg(long)]
    label: Option<String>,
    /// Replace KEY if it exists.
    #[arg(long)]
    force: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn parse_alg(s: &str) -> Result<Algorithm, String> {
    Algorithm::from_name(s)
        .ok_or_else(|| format!("unknown algorithm {s:?}: expected ES256, EdDSA, RS256 or PS256"))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.output.exists() && !args.force {
        bail!(
            "{} exists; pass --force to replace it",
            args.output.display()
        );
    }
    let key = match &args.import {
        None => SigningKey::generate_device_key().context("making a device key")?,
        Some(path) => match import(path, args.cert.as_deref(), args.alg)? {
            Ok(key) => key,
            Err(err) => return Ok(refuse(&err, args.json)),
        },
    };
    let passphrase = passphrase(true)?;
    let file = match KeyFile::encrypt(&key, &passphrase, args.label.clone()) {
        Ok(file) => file,
        Err(err) => return Ok(refuse(&err, args.json)),
    };
    write_new(&args.output, &file.to_json())?;
    if args.json {
        let out = serde_json::json!({
            "ok": true,
            "file": args.output,
            "alg": key.algorithm().name(),
            "kid": key.kid(),
            "public_key": key.public_key().to_jwk(),
            "certificates": key.certificates().len(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "motcua: wrote {} key {}",
            key.algorithm(),
            args.output.display()
        );
        println!("  kid (RFC 7638 thumbprint): {}", key.kid());
        println!(
            "  public key: {}",
            serde_json::to_string(&key.public_key().to_jwk())?
        );
        if let Some(leaf) = key.certificates().first() {
            println!(
                "  certificate: {} (x5t#S256 {}), chain of {}",
                leaf.common_name().unwrap_or("(no common name)"),
                leaf.thumbprint(),
                key.certificates().len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the key to import. The outer error means the files could not be
/// read; the inner one that they were read but refused.
fn import(
    path: &Path,
    cert: Option<&Path>,
    alg: Option<Algorithm>,
) -> anyhow::Result<Result<SigningKey, motcua_dossier::Error>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let key = match std::str::from_utf8(&bytes) {
        Ok(text) if text.contains("-----BEGIN") => SigningKey::from_pem(text, alg),
        _ => SigningKey::from_pkcs8_der(&bytes, alg),
    };
    let Some(cert) = cert else { return Ok(key) };
    let text =
        std::fs::read_to_string(cert).with_context(|| format!("reading {}", cert.display()))?;
    Ok(key.and_then(|key| key.with_certificates(Certificate::from_pem_chain(&text)?)))
}

/// Prints a refusal from the dossier crate and gives exit status 1.
pub(crate) fn refuse(err: &motcua_dossier::Error, json: bool) -> ExitCode {
    if json {
        let out = serde_json::json!({ "ok": false, "error": error_json(err) });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        eprintln!("motcua: refused: {err}");
        eprintln!("  {}", err.message().vi);
    }
    ExitCode::FAILURE
}

/// An error for `--json` output: stable code, detail, localized message.
pub(crate) fn error_json(err: &motcua_dossier::Error) -> serde_json::Value {
    serde_json::json!({ "code": err.code(), "detail": err.to_string(), "message": err.message() })
}

/// The passphrase: `MOTCUA_PASSPHRASE`, else asked on the terminal without
/// echo (twice when `confirm`).
pub(crate) fn passphrase(confirm: bool) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("MOTCUA_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase: set MOTCUA_PASSPHRASE or run in a terminal");
    }
    let first =
        rpassword::prompt_password("Passphrase (mật khẩu): ").context("reading the passphrase")?;
    if confirm {
        let again =
            rpassword::prompt_password("Again (nhập lại): ").context("reading the passphrase")?;
        if again != first {
            bail!("the passphrases differ");
        }
    }
    Ok(first)
}

/// Writes `bytes` to `path` through a temporary file beside it, so a
/// crash never leaves half a file.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}
