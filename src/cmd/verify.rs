//! `motcua verify`: check a sealed dossier — every signature, the header
//! rules, the manifest and, when they are at hand, the attachments.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use motcua_dossier::{Error, MAX_SEALED_BYTES, SealedDossier, SignerInfo, VerifyOptions};
use serde_json::{Value, json};

use crate::cmd::EXIT_UNUSABLE;
use crate::cmd::keygen::error_json;
use crate::cmd::seal::files_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A sealed dossier file (its attachments, if any, in DOSSIER.files/
    /// beside it), or a folder holding one sealed dossier `.json` file
    /// (`dossier.json` if there are several) with the attachments beside it
    /// or in its DOSSIER.files/; in a folder, attachments are required.
    path: PathBuf,
    /// Require every signature to be by one of these keys (RFC 7638
    /// thumbprint, the `kid`); repeatable.
    #[arg(long, value_name = "KID")]
    expect_kid: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Where the sealed dossier and its attachments are.
struct Layout {
    dossier: PathBuf,
    /// The attachments' folder, or `None` when they are not at hand.
    files: Option<PathBuf>,
}

fn layout(path: &Path) -> anyhow::Result<Layout> {
    if path.is_dir() {
        let preferred = path.join("dossier.json");
        let dossier = if preferred.is_file() {
            preferred
        } else {
            let mut found = Vec::new();
            for entry in
                std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?
            {
                let p = entry?.path();
                if p.is_file() && p.extension().is_some_and(|e| e == "json") {
                    found.push(p);
                }
            }
            match found.len() {
                1 => found.remove(0),
                0 => bail!("{} holds no sealed dossier (.json file)", path.display()),
                _ => bail!(
                    "{} holds several .json files; name one, or call it dossier.json",
                    path.display()
                ),
            }
        };
        // The layout `motcua seal` writes (DOSSIER.files/), or the files
        // right beside the dossier.
        let nested = files_dir(&dossier);
        let files = if nested.is_dir() {
            nested
        } else {
            path.to_path_buf()
        };
        Ok(Layout {
            dossier,
            files: Some(files),
        })
    } else {
        let dir = files_dir(path);
        Ok(Layout {
            dossier: path.to_path_buf(),
            files: dir.is_dir().then_some(dir),
        })
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let layout = layout(&args.path)?;
    let size = std::fs::metadata(&layout.dossier)
        .with_context(|| format!("reading {}", layout.dossier.display()))?
        .len();
    if size > MAX_SEALED_BYTES as u64 {
        let err = Error::Limit {
            what: "sealed dossier bytes",
            limit: MAX_SEALED_BYTES as u64,
            found: size,
        };
        return Ok(unreadable(&layout.dossier, &err, args.json));
    }
    let bytes = std::fs::read(&layout.dossier)
        .with_context(|| format!("reading {}", layout.dossier.display()))?;
    let sealed = match SealedDossier::from_json(&bytes) {
        Ok(s) => s,
        Err(err) => return Ok(unreadable(&layout.dossier, &err, args.json)),
    };
    let options = VerifyOptions {
        expected_kids: args.expect_kid.clone(),
    };
    let verification = sealed.verify(&options);
    let mut valid = verification.is_valid();
    let no_signatures = verification
        .signatures
        .is_empty()
        .then_some(Error::NoSignatures);

    let manifest = sealed.manifest();
    let attachments: Vec<(usize, Result<(), Error>)> = match &layout.files {
        None => Vec::new(),
        Some(dir) => manifest
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let path = dir.join(a.name.as_str());
                let result = match File::open(&path) {
                    Ok(file) => a.check(std::io::BufReader::new(file)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        Err(Error::AttachmentMissing {
                            name: a.name.to_string(),
                        })
                    }
                    Err(source) => Err(Error::Io {
                        name: a.name.to_string(),
                        source,
                    }),
                };
                (i, result)
            })
            .collect(),
    };
    valid &= attachments.iter().all(|(_, r)| r.is_ok());

    if args.json {
        let signatures: Vec<Value> = verification
            .signatures
            .iter()
            .map(|c| match &c.outcome {
                Ok(s) => {
                    let mut v = signer_json(s);
                    v["index"] = json!(c.index);
                    v["ok"] = json!(true);
                    v
                }
                Err(e) => json!({ "index": c.index, "ok": false, "error": error_json(e) }),
            })
            .collect();
        let items: Vec<Value> = attachments
            .iter()
            .map(|(i, r)| {
                let a = &manifest.attachments[*i];
                let mut v = json!({
                    "name": a.name, "component": a.component, "size": a.size,
                    "sha256": a.sha256, "ok": r.is_ok(),
                });
                if let Err(e) = r {
                    v["error"] = error_json(e);
                }
                v
            })
            .collect();
        let out = json!({
            "valid": valid,
            "file": layout.dossier,
            "manifest": {
                "id": manifest.id,
                "procedure": manifest.procedure,
                "office": manifest.office,
                "created": manifest.created,
                "client": manifest.client,
                "sha256": verification.manifest_digest,
                "attachments": manifest.attachments.len(),
            },
            "signatures": signatures,
            "error": no_signatures.as_ref().map(error_json),
            "attachments": {
                "checked": layout.files.is_some(),
                "dir": layout.files,
                "items": items,
            },
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
        println!("dossier  {}", layout.dossier.display());
        println!(
            "  id {}  procedure {} (schema {})  office {}",
            manifest.id, manifest.procedure.code, manifest.procedure.version, manifest.office
        );
        println!("  created {} by {}", manifest.created, manifest.client);
        println!("  manifest SHA-256 {}", verification.manifest_digest);
        if let Some(e) = &no_signatures {
            print_error("FAIL signatures", e);
        }
        for c in &verification.signatures {
            match &c.outcome {
                Ok(s) => {
                    println!(
                        "{} signature {}: {} by {} at {}",
                        mark(true),
                        c.index + 1,
                        s.alg,
                        s.kid,
                        s.signed_at
                    );
                    if let Some(leaf) = s.certificates.first() {
                        println!(
                            "       certificate {} (x5t#S256 {}), chain of {}; chain not validated to a CA",
                            leaf.common_name().unwrap_or("(no common name)"),
                            leaf.thumbprint(),
                            s.certificates.len()
                        );
                    }
                }
                Err(e) => print_error(&format!("{} signature {}", mark(false), c.index + 1), e),
            }
        }
        match &layout.files {
            None if manifest.attachments.is_empty() => println!("  no attachments"),
            None => println!(
                "  {} attachments not checked: {} not found",
                manifest.attachments.len(),
                files_dir(&layout.dossier).display()
            ),
            Some(dir) => {
                for (i, r) in &attachments {
                    let a = &manifest.attachments[*i];
                    match r {
                        Ok(()) => println!(
                            "{} attachment {} ({}, {} bytes, {})",
                            mark(true),
                            a.name,
                            a.component,
                            a.size,
                            a.media_type
                        ),
                        Err(e) => print_error(&format!("{} attachment {}", mark(false), a.name), e),
                    }
                }
                if attachments.is_empty() {
                    println!("  no attachments (folder {})", dir.display());
                }
            }
        }
        println!("{}", if valid { "VALID" } else { "INVALID" });
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn signer_json(s: &SignerInfo) -> Value {
    json!({
        "alg": s.alg.name(),
        "kid": s.kid,
        "signed_at": s.signed_at,
        "key": s.key.to_jwk(),
        "certificate": s.certificates.first().map(|leaf| json!({
            "subject_cn": leaf.common_name(),
            "x5t#S256": leaf.thumbprint(),
            "chain_length": s.certificates.len(),
        })),
    })
}

fn print_error(what: &str, e: &Error) {
    println!("{what}: {e}");
    println!("       {}", e.message().vi);
}

/// A file that could not be read as a sealed dossier: exit 2 for malformed
/// JSON, 1 for a well-formed file that breaks the format's rules.
fn unreadable(path: &Path, err: &Error, json: bool) -> ExitCode {
    if json {
        let out = json!({ "valid": false, "file": path, "error": error_json(err) });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("dossier  {}", path.display());
        print_error("FAIL reading", err);
        println!("INVALID");
    }
    match err {
        Error::Json { .. } | Error::Truncated { .. } => ExitCode::from(EXIT_UNUSABLE),
        _ => ExitCode::FAILURE,
    }
}
