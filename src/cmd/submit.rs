//! `motcua submit --to URL DOSSIER.json`: send a sealed dossier and its
//! attachments (`DOSSIER.files/NAME`) to an office's intake server, with
//! the same protocol client as the app (motcua-submit), and print the
//! office's verified receipt.
//!
//! `motcua submit --directory SIGNED.json --publisher PUB.jwk [--office
//! CODE] DOSSIER.json` routes through a signed office directory instead,
//! as the app does: the directory is verified against the publisher key,
//! and the office's entry decides the adapter (`motcua-v1` with its
//! receipt key pinned, or `multipart`, which gives an unsigned delivery
//! record instead of a receipt).
//!
//! Progress is kept in `DOSSIER.outbox` beside the dossier after every
//! step, so an interrupted run (network down, server restarted, Ctrl-C)
//! resumes where it stopped: the uploads continue from the server's offset.
//! Once acknowledged, running the command again asks the office again and
//! prints the same receipt; the office stores nothing new.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use motcua_dossier::{OfficeCode, SealedDossier, Timestamp, VerifyOptions};
use motcua_submit::{
    Attachments, Client, Endpoint, Error, Event, FileRef, Method, NetworkError, NetworkErrorKind,
    OutboxEntry, Policy, Request, Response, Transport,
};
use serde_json::json;

use crate::cmd::EXIT_UNUSABLE;
use crate::cmd::keygen::write_new;
use crate::cmd::seal::files_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    route: RouteArgs,
    /// The office of the directory to file at (default: the office the
    /// dossier is sealed for).
    #[arg(long, value_name = "CODE", requires = "directory")]
    office: Option<OfficeCode>,
    /// The sealed dossier; its attachments are read from DOSSIER.files/.
    #[arg(value_name = "DOSSIER.json")]
    dossier: PathBuf,
    /// Bytes per upload request.
    #[arg(long, value_name = "BYTES", default_value_t = 512 * 1024)]
    chunk_size: usize,
    /// Upload at most this many bytes a second.
    #[arg(long, value_name = "BYTES")]
    limit_rate: Option<u64>,
    /// Failed attempts in a row before giving up (the next run resumes).
    #[arg(long, value_name = "N", default_value_t = 10)]
    max_attempts: u32,
    /// Longest wait between attempts, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    max_retry_delay: u64,
    /// Seconds before a request without an answer counts as lost.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Where dossiers are sent: one intake server, or each office's entry in
/// a signed directory (`motcua submit` and `motcua bulk`).
#[derive(Debug, clap::Args)]
pub(crate) struct RouteArgs {
    /// The office's intake server, e.g. `https://motcua.example.vn`.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "directory",
        conflicts_with = "directory"
    )]
    pub(crate) to: Option<String>,
    /// Route through this signed office directory instead of --to.
    #[arg(long, value_name = "SIGNED.json", requires = "publisher")]
    pub(crate) directory: Option<PathBuf>,
    /// The directory publisher's key (repeatable): a JWK or JWK Set file,
    /// or an RFC 7638 thumbprint.
    #[arg(long, value_name = "PUBKEY", requires = "directory")]
    pub(crate) publisher: Vec<String>,
}

/// Where the progress of `dossier` is kept: `x.json` → `x.outbox`.
pub(crate) fn state_path(dossier: &Path) -> PathBuf {
    dossier.with_extension("outbox")
}

/// Reports a refusal before anything is sent, and gives the exit status.
fn refuse(json_out: bool, code: &str, message: &str) -> ExitCode {
    if json_out {
        let out = json!({ "ok": false, "error": code, "message": message });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        eprintln!("motcua: {message}");
    }
    ExitCode::FAILURE
}

/// Reports a refusal by the protocol client (both languages) before
/// anything is sent, and gives the exit status.
fn refuse_error(json_out: bool, what: &Path, e: &Error) -> ExitCode {
    if json_out {
        let out = json!({ "ok": false, "error": e, "fault": e.fault(), "message": e.message() });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        eprintln!("motcua: {}: {e}", what.display());
        eprintln!("  {}", e.message().vi);
        eprintln!("  {}", e.message().en);
    }
    ExitCode::FAILURE
}

/// The entry for this dossier: for `--to` the office's intake server, for
/// `--directory` the office's entry in the verified directory.
fn new_entry(
    args: &Args,
    bytes: &[u8],
    sealed: &SealedDossier,
) -> anyhow::Result<Result<OutboxEntry, ExitCode>> {
    if let Some(to) = &args.route.to {
        let endpoint: Endpoint = match to.parse() {
            Ok(e) => e,
            Err(e) => {
                eprintln!("motcua: {e}");
                return Ok(Err(ExitCode::from(EXIT_UNUSABLE)));
            }
        };
        return Ok(match OutboxEntry::new(endpoint, bytes) {
            Ok(entry) => Ok(entry),
            Err(e) => Err(refuse(args.json, "invalid_dossier", &e.to_string())),
        });
    }
    let Some(path) = &args.route.directory else {
        eprintln!("motcua: give --to URL or --directory SIGNED.json");
        return Ok(Err(ExitCode::from(EXIT_UNUSABLE)));
    };
    let pins = match crate::cmd::directory::pins(&args.route.publisher) {
        Ok(pins) => pins,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            return Ok(Err(ExitCode::from(EXIT_UNUSABLE)));
        }
    };
    let verified = match crate::cmd::directory::read_verified(path, &pins, Timestamp::now())? {
        Ok(verified) => verified,
        Err(e) => return Ok(Err(refuse_error(args.json, path, &e))),
    };
    let office = args
        .office
        .clone()
        .unwrap_or_else(|| sealed.manifest().office.clone());
    Ok(match verified.directory().outbox_entry(&office, bytes) {
        Ok(entry) => Ok(entry),
        Err(e) => Err(refuse_error(args.json, &args.dossier, &e)),
    })
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = match std::fs::read(&args.dossier) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("motcua: cannot read {}: {e}", args.dossier.display());
            return Ok(ExitCode::from(EXIT_UNUSABLE));
        }
    };
    let sealed = match SealedDossier::from_json(&bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("motcua: {}: {e}", args.dossier.display());
            return Ok(ExitCode::from(EXIT_UNUSABLE));
        }
    };
    // The same checks as `motcua verify`, so that nothing broken is sent.
    if let Err(e) = sealed.verify(&VerifyOptions::default()).into_result() {
        return Ok(refuse(
            args.json,
            e.code(),
            &format!("{}: the seal does not verify: {e}", args.dossier.display()),
        ));
    }
    let dir = files_dir(&args.dossier);
    for a in &sealed.manifest().attachments {
        let path = dir.join(a.name.as_str());
        let checked = std::fs::File::open(&path)
            .map_err(|source| motcua_dossier::Error::Io {
                name: a.name.to_string(),
                source,
            })
            .and_then(|file| a.check(file));
        if let Err(e) = checked {
            return Ok(refuse(
                args.json,
                e.code(),
                &format!("{}: {e}", path.display()),
            ));
        }
    }

    let fresh = match new_entry(&args, &bytes, &sealed)? {
        Ok(entry) => entry,
        Err(code) => return Ok(code),
    };
    let state_file = state_path(&args.dossier);
    let entry = resume(&state_file, &fresh)?.unwrap_or(fresh);

    let policy = Policy {
        chunk_bytes: args.chunk_size.max(1),
        max_attempts: args.max_attempts.max(1),
        max_retry_ms: args.max_retry_delay.saturating_mul(1000).max(1),
        max_bytes_per_second: args.limit_rate,
        ..Policy::default()
    };
    let transport = Http::new(Duration::from_secs(args.timeout.max(1)))?;
    // Progress goes to stderr in both modes; with --json, stdout holds
    // only the result.
    let client = Client::new(transport, Files { dir })
        .with_policy(policy)
        .on_event(report);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut save_error = None;
    let done = runtime.block_on(client.run(entry, |state| {
        let saved = serde_json::to_vec_pretty(state)
            .map_err(anyhow::Error::from)
            .and_then(|json| write_new(&state_file, &json));
        if let Err(e) = saved {
            save_error.get_or_insert(e);
        }
    }));
    if let Some(e) = save_error {
        return Err(e.context(format!("saving progress to {}", state_file.display())));
    }
    Ok(outcome(&done, &args))
}

/// The saved entry of this dossier for this office and route (`fresh` is
/// the new one), if any; an acknowledged or delivered one asks the office
/// again.
pub(crate) fn resume(
    state_file: &Path,
    fresh: &OutboxEntry,
) -> anyhow::Result<Option<OutboxEntry>> {
    let Ok(saved) = std::fs::read(state_file) else {
        return Ok(None);
    };
    let Ok(entry) = serde_json::from_slice::<OutboxEntry>(&saved) else {
        eprintln!(
            "motcua: ignoring unreadable progress file {}",
            state_file.display()
        );
        return Ok(None);
    };
    let (job, new) = (entry.job(), fresh.job());
    let same = job.endpoint() == new.endpoint()
        && job.adapter() == new.adapter()
        && job.pinned_receipt_kid() == new.pinned_receipt_kid()
        && job.dossier_id() == new.dossier_id()
        && job.manifest_sha256() == new.manifest_sha256();
    if !same {
        return Ok(None);
    }
    Ok(Some(match entry {
        OutboxEntry::Acknowledged(ack) => ack.resend(),
        OutboxEntry::Delivered(delivered) => delivered.resend(),
        OutboxEntry::Failed(failed) => failed.retry(),
        other => other,
    }))
}

/// Progress lines on stderr.
fn report(event: &Event) {
    match event {
        Event::Discovered { server, .. } => eprintln!("motcua: office server {server}"),
        Event::Progress { sent, total, .. } => {
            let percent = if *total == 0 { 100 } else { sent * 100 / total };
            eprintln!("motcua: uploaded {sent} of {total} bytes ({percent}%)");
        }
        Event::Retrying {
            attempt,
            delay_ms,
            error,
            ..
        } => eprintln!(
            "motcua: attempt {attempt} failed ({error}); retrying in {:.1} s",
            *delay_ms as f64 / 1000.0
        ),
        Event::Acknowledged { code, .. } => eprintln!("motcua: acknowledged as {code}"),
        Event::Delivered { reference, .. } => {
            eprintln!("motcua: delivered, reference {reference} (no signed receipt)");
        }
        _ => {}
    }
}

/// Prints the receipt or the failure, and gives the exit status.
fn outcome(done: &OutboxEntry, args: &Args) -> ExitCode {
    let endpoint = done.job().endpoint();
    match done {
        OutboxEntry::Acknowledged(ack) => {
            let c = ack.claims();
            let kid = ack
                .job()
                .server()
                .map(|s| s.receipt_kid.clone())
                .unwrap_or_default();
            if args.json {
                let out = json!({
                    "ok": true,
                    "office_server": endpoint.as_str(),
                    "dossier_code": c.dossier_code,
                    "dossier_id": c.dossier_id,
                    "office": c.office,
                    "procedure": c.procedure,
                    "received": c.received,
                    "manifest_sha256": c.manifest_sha256,
                    "receipt_kid": kid,
                    "receipt": ack.receipt(),
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                println!("motcua: dossier received by office {}", c.office);
                println!("  dossier code   {}", c.dossier_code);
                println!("  dossier id     {}", c.dossier_id);
                println!(
                    "  procedure      {} (schema {})",
                    c.procedure.code, c.procedure.version
                );
                println!("  received       {}", c.received);
                println!("  manifest hash  {}", c.manifest_sha256);
                println!("  receipt signed by office key {kid}, verified");
                println!("  receipt        {}", ack.receipt());
            }
            ExitCode::SUCCESS
        }
        OutboxEntry::Delivered(delivered) => {
            let r = delivered.record();
            let job = delivered.job();
            let office = SealedDossier::from_json(job.sealed().as_bytes())
                .map(|s| s.manifest().office.to_string())
                .unwrap_or_default();
            if args.json {
                let out = json!({
                    "ok": true,
                    "adapter": r.adapter,
                    "signed_receipt": false,
                    "office_server": r.url,
                    "office": office,
                    "reference": r.reference,
                    "status": r.status,
                    "dossier_id": job.dossier_id(),
                    "manifest_sha256": job.manifest_sha256(),
                    "idempotency_key": r.idempotency_key,
                    "answer_sha256": r.answer_sha256,
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                println!("motcua: dossier delivered to office {office} ({})", r.url);
                println!("  reference      {}", r.reference);
                println!("  dossier id     {}", job.dossier_id());
                println!("  manifest hash  {}", job.manifest_sha256());
                println!(
                    "  NOT a signed receipt: the office's backend answered HTTP {} with this reference",
                    r.status
                );
            }
            ExitCode::SUCCESS
        }
        OutboxEntry::Failed(failed) => {
            let e = failed.error();
            if args.json {
                let out = json!({
                    "ok": false,
                    "state": "failed",
                    "office_server": endpoint.as_str(),
                    "error": e,
                    "fault": e.fault(),
                    "retryable": failed.is_retryable(),
                    "message": e.message(),
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                eprintln!("motcua: not submitted: {e}");
                eprintln!("  {}", e.message().en);
                if let Error::Refused { errors, .. } = e {
                    for p in errors {
                        eprintln!("  {}: {}", p.path, p.message.en);
                    }
                }
                if failed.is_retryable() {
                    eprintln!(
                        "  progress is kept in {}; run the same command again to resume",
                        state_path(&args.dossier).display()
                    );
                }
            }
            ExitCode::FAILURE
        }
        other => {
            eprintln!(
                "motcua: stopped while {} (progress kept in {})",
                other.state_name(),
                state_path(&args.dossier).display()
            );
            ExitCode::FAILURE
        }
    }
}

/// HTTP over reqwest (rustls), with the system clock and tokio's timer.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
}

impl Http {
    pub(crate) fn new(timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("motcua-cli/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            // The protocol has no redirects; a redirected POST would lose its body.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("making the HTTP client")?;
        Ok(Self { client })
    }
}

fn network_error(e: &reqwest::Error) -> NetworkError {
    let kind = if e.is_timeout() {
        NetworkErrorKind::Timeout
    } else if e.is_connect() {
        NetworkErrorKind::Connect
    } else if e.is_request() || e.is_body() {
        NetworkErrorKind::Interrupted
    } else {
        NetworkErrorKind::Other
    };
    // The chain holds the OS's reason (connection refused, reset).
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    NetworkError::new(kind, detail)
}

impl Transport for Http {
    async fn send(&self, request: Request) -> Result<Response, NetworkError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .body(request.body)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.to_string(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = response.bytes().await.map_err(|e| network_error(&e))?;
        Ok(Response {
            status,
            headers,
            body: body.to_vec(),
        })
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}

/// Attachments from the folder beside the dossier.
pub(crate) struct Files {
    pub(crate) dir: PathBuf,
}

impl Attachments for Files {
    async fn read(&self, file: &FileRef<'_>, offset: u64, len: usize) -> Result<Vec<u8>, Error> {
        let path = self.dir.join(file.name.as_str());
        let unreadable = |e: std::io::Error| Error::AttachmentUnreadable {
            name: file.name.to_string(),
            reason: format!("{}: {e}", path.display()),
        };
        let mut f = std::fs::File::open(&path).map_err(unreadable)?;
        f.seek(SeekFrom::Start(offset)).map_err(unreadable)?;
        let mut buffer = Vec::with_capacity(len);
        f.take(len as u64)
            .read_to_end(&mut buffer)
            .map_err(unreadable)?;
        Ok(buffer)
    }
}
