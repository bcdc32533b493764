//! `motcua serve`: the reference intake server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use motcua_dossier::{Signer, Timestamp};
use motcua_intake::{Config, PublishedDirectory, Server};
use motcua_submit::{Backend, Directory, Endpoint, Publisher};
use tracing_subscriber::EnvFilter;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", env = "MOTCUA_ADDR")]
    addr: SocketAddr,
    /// Directory for the database and stored files; created on first start.
    #[arg(long, default_value = "data", env = "MOTCUA_DATA_DIR")]
    data_dir: PathBuf,
    /// The built app (Trunk's output).
    #[arg(long, default_value = "dist", env = "MOTCUA_DIST")]
    dist: PathBuf,
    /// A procedure catalog directory to serve instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// Keep records in PostgreSQL (`postgres://user:password@host/db`)
    /// instead of the SQLite file in the data directory. Attachment bytes
    /// stay in the data directory either way.
    #[arg(long, env = "MOTCUA_DATABASE")]
    database: Option<String>,
    /// An office whose dossiers this server receives (repeat for several);
    /// none: every office.
    #[arg(long = "office", value_name = "CODE")]
    offices: Vec<motcua_dossier::OfficeCode>,
    /// How dossier codes are made (docs/intake-protocol.md), e.g.
    /// `{office}-{yymmdd}-{seq:06}`.
    #[arg(long, default_value = motcua_intake::CodeFormat::DEFAULT)]
    dossier_code: motcua_intake::CodeFormat,
    /// Uploads and submissions a client may make per second (0: no limit).
    #[arg(long, default_value_t = motcua_intake::RateLimit::PROTOCOL.per_second)]
    rate_limit: f64,
    /// Requests a client may make at once before the rate applies.
    #[arg(long, default_value_t = motcua_intake::RateLimit::PROTOCOL.burst)]
    rate_burst: u32,
    /// Status look-ups a client may make per second (0: no limit).
    #[arg(long, default_value_t = motcua_intake::RateLimit::LOOKUP.per_second)]
    lookup_rate_limit: f64,
    /// Look-ups a client may make at once.
    #[arg(long, default_value_t = motcua_intake::RateLimit::LOOKUP.burst)]
    lookup_burst: u32,
    /// An app origin allowed to call this server from the browser (CORS),
    /// e.g. `https://portal.example.vn` (repeat for several; `*` for any).
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    cors_origins: Vec<String>,
    /// A signed office directory to publish at
    /// /.well-known/motcua-directory; the server refuses to start if it does
    /// not verify against --directory-publisher or has expired.
    #[arg(long, value_name = "SIGNED.json", requires = "directory_publisher")]
    directory: Option<PathBuf>,
    /// The directory publisher's key (repeatable): a JWK or JWK Set file,
    /// or an RFC 7638 thumbprint.
    #[arg(long, value_name = "PUBKEY", requires = "directory")]
    directory_publisher: Vec<String>,
    /// Seconds a client has, from a request's first byte, to send its
    /// headers before the connection is closed (0: no limit).
    #[arg(long, value_name = "SECONDS", default_value_t = motcua_intake::ConnectionLimits::DEFAULT.headers.as_secs())]
    header_timeout: u64,
    /// Seconds a connection may stay idle between requests (0: no limit).
    #[arg(long, value_name = "SECONDS", default_value_t = motcua_intake::ConnectionLimits::DEFAULT.idle.as_secs())]
    idle_timeout: u64,
    /// Bytes a second a request body must arrive at, over each
    /// --body-rate-window; slower bodies are answered 408 (0: no minimum).
    #[arg(long, value_name = "BYTES", default_value_t = motcua_intake::ConnectionLimits::DEFAULT.min_body_rate)]
    min_body_rate: u32,
    /// Seconds the body rate is measured over.
    #[arg(long, value_name = "SECONDS", default_value_t = motcua_intake::ConnectionLimits::DEFAULT.body_rate_window.as_secs())]
    body_rate_window: u64,
    /// Connections one client address (IPv4 address, IPv6 /64) may hold at
    /// once (0: no limit; behind a reverse proxy every client has the
    /// proxy's address, so turn it off there and let the proxy limit).
    #[arg(long, value_name = "N", default_value_t = motcua_intake::ConnectionLimits::DEFAULT.per_address)]
    max_connections_per_address: usize,
    /// Publish no office directory. Without --directory, the server
    /// otherwise publishes its default one: an office for every commune and
    /// province of the unit table (or each --office), all of them this
    /// server, signed with a key made in the data directory.
    #[arg(long, conflicts_with = "directory")]
    no_default_directory: bool,
    /// The origin people reach this server at, e.g.
    /// `https://motcua.example.vn`: where the default directory's offices
    /// are. Default: `http://` and the address it listens on.
    #[arg(long, value_name = "URL", env = "MOTCUA_PUBLIC_URL")]
    public_url: Option<Endpoint>,
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
}

fn parse_origin(s: &str) -> Result<String, String> {
    if s == "*" {
        return Ok(s.to_owned());
    }
    motcua_intake::normalize_origin(s).map_err(|e| e.to_string())
}

/// The signed directory to publish, checked as the app will check it.
fn published_directory(
    args: &Args,
) -> anyhow::Result<Result<Option<PublishedDirectory>, ExitCode>> {
    let Some(path) = &args.directory else {
        return Ok(Ok(None));
    };
    let pins = crate::cmd::directory::pins(&args.directory_publisher)?;
    let verified = match crate::cmd::directory::read_verified(path, &pins, Timestamp::now())? {
        Ok(verified) => verified,
        Err(e) => {
            eprintln!("motcua: not starting: {}: {e}", path.display());
            eprintln!("  {}", e.message().en);
            return Ok(Err(ExitCode::from(crate::cmd::EXIT_UNUSABLE)));
        }
    };
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let d = verified.directory();
    tracing::info!(
        offices = d.offices.len(),
        publisher = verified.publisher_kid(),
        expires = %d.expires,
        "publishing the office directory"
    );
    // The app may connect to these offices' backends (CSP connect-src).
    let origins = d
        .offices
        .iter()
        .filter_map(|office| office.backend.url())
        .map(|url| {
            url.parse::<Endpoint>()
                .map(|e| e.as_str().to_owned())
                .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let published = PublishedDirectory::new(bytes, d.expires.unix())
        .with_backend_origins(origins.iter().map(String::as_str))?;
    Ok(Ok(Some(published)))
}

/// How long the default directory is valid. It is signed anew at each
/// start, and every office in it is this server, so nothing in it goes
/// stale while the server's keys stay.
const DEFAULT_DIRECTORY_DAYS: i64 = 365;

/// The default directory (docs/directory.md §6): every commune and
/// province of the unit table (or only `--office`), each reached at this
/// server, signed with the publisher key in the data directory, and that
/// key added to the pins of the app this server serves.
fn default_directory(
    args: &Args,
    units: &motcua_forms::AdminUnits,
    local: SocketAddr,
) -> anyhow::Result<Option<PublishedDirectory>> {
    let url = match &args.public_url {
        Some(url) => url.clone(),
        None => listening_url(local).parse()?,
    };
    let receipt = motcua_intake::receipt_key(&args.data_dir)?;
    let key = motcua_intake::directory_publisher_key(&args.data_dir)?;
    let backend = Backend::MotcuaV1 {
        url: url.clone(),
        receipt_kid: receipt.kid(),
    };
    let publisher = Publisher {
        name: motcua_forms::LocalizedText::new(
            "Máy chủ motcua này (danh bạ mặc định)",
            "This motcua server (default directory)",
        ),
        url: Some(url.as_str().to_owned()),
    };
    let issued = Timestamp::now();
    let expires = Timestamp::from_unix(issued.unix() + DEFAULT_DIRECTORY_DAYS * 86_400)?;
    let directory =
        Directory::for_units(units, &backend, publisher, (issued, expires), &args.offices);
    if directory.offices.is_empty() {
        tracing::warn!("no --office is in the unit table: publishing no office directory");
        return Ok(None);
    }
    let signed = Directory::sign(&serde_json::to_vec(&directory)?, &key)
        .map_err(|e| anyhow::anyhow!("signing the default office directory: {e}"))?;
    let pins = app_pins_with(
        &args.dist.join("directory-publishers.json"),
        key.public_key().to_jwk(),
    );
    tracing::info!(
        offices = directory.offices.len(),
        publisher = key.kid(),
        url = url.as_str(),
        "publishing the default office directory"
    );
    let published = PublishedDirectory::new(signed, expires.unix())
        .with_backend_origins([url.as_str()])?
        .with_app_pins(pins);
    Ok(Some(published))
}

/// `http://` and the listening address; an unspecified one (`0.0.0.0`)
/// reads as `localhost`, which only this machine reaches (hence
/// --public-url).
fn listening_url(local: SocketAddr) -> String {
    if local.ip().is_unspecified() {
        tracing::warn!(
            "listening on every interface: the default directory names http://localhost:{}; pass --public-url for other machines",
            local.port()
        );
        format!("http://localhost:{}", local.port())
    } else {
        format!("http://{local}")
    }
}

/// The built app's JWK Set of pinned publishers with `jwk` added: the app
/// keeps trusting whom its deployer pinned, and trusts this server's
/// default directory too. A missing or unreadable file counts as empty.
fn app_pins_with(
    file: &std::path::Path,
    jwk: serde_json::Map<String, serde_json::Value>,
) -> Vec<u8> {
    let mut keys = std::fs::read(file)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|set| set.get("keys").and_then(|k| k.as_array()).cloned())
        .unwrap_or_default();
    let jwk = serde_json::Value::Object(jwk);
    if !keys.contains(&jwk) {
        keys.push(jwk);
    }
    let mut out =
        serde_json::to_vec_pretty(&serde_json::json!({ "keys": keys })).unwrap_or_default();
    out.push(b'\n');
    out
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logs(&args.log_format);
    let directory = match published_directory(&args)? {
        Ok(directory) => directory,
        Err(code) => return Ok(code),
    };
    let catalog = crate::catalog::load(args.catalog.as_deref())?;
    let mut config = Config::new(args.addr, args.data_dir.clone(), args.dist.clone());
    config.database = args.database.clone();
    config.offices = args.offices.clone();
    config.dossier_code = args.dossier_code.clone();
    config.rate_limit = motcua_intake::RateLimit {
        per_second: args.rate_limit,
        burst: args.rate_burst,
    };
    config.lookup_rate_limit = motcua_intake::RateLimit {
        per_second: args.lookup_rate_limit,
        burst: args.lookup_burst,
    };
    let units = std::sync::Arc::new(crate::catalog::units(None)?);
    config.units = Some(std::sync::Arc::clone(&units));
    config.cors_origins = args.cors_origins.clone();
    config.directory = directory;
    config.connections = motcua_intake::ConnectionLimits {
        headers: Duration::from_secs(args.header_timeout),
        idle: Duration::from_secs(args.idle_timeout),
        min_body_rate: args.min_body_rate,
        body_rate_window: Duration::from_secs(args.body_rate_window),
        per_address: args.max_connections_per_address,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|source| motcua_intake::Error::Listen {
                addr: args.addr,
                source,
            })
            .context("starting the intake server")?;
        // The default directory names this server, so it is made once the
        // address is known (port 0); not for a server that cannot start
        // anyway (no app), which must leave no keys behind.
        let has_app = args.dist.join("index.html").is_file();
        if config.directory.is_none() && !args.no_default_directory && has_app {
            config.directory = default_directory(&args, &units, listener.local_addr()?)?;
        }
        let server = Server::with_listener(listener, config, catalog)
            .await
            .context("starting the intake server")?;
        // Scripts and tests read this line to learn the port.
        say(&format!("serving on http://{}/", server.local_addr()));
        say(&format!(
            "data in {}, app from {}; press Ctrl-C to stop",
            args.data_dir.display(),
            args.dist.display()
        ));
        server.run(shutdown_signal()).await.context("serving")?;
        say("stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A line for the operator on stdout. A server must outlive whoever read its
/// first line, so a closed stdout is not an error (`println!` would panic).
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "motcua: {line}");
    let _ = out.flush();
}

fn init_logs(format: &str) {
    let filter = EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.compact().init();
    }
}

/// Completes on Ctrl-C or SIGTERM, so that both a terminal and a service
/// manager stop the server cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("motcua: shutting down, finishing requests in flight");
}
