//! A bounded load test of dossier intake on loopback (BENCHMARKS.md,
//! "Intake load").
//!
//! Seals N small dossiers first (a birth registration, one 2 KiB PDF), then
//! starts an intake server in this process (SQLite in a temporary
//! directory, rate limits off) or uses `--url`, and fires the dossiers at
//! `POST /api/v1/dossiers` from `--concurrency` HTTP/1.1 keep-alive
//! connections. Every request must be answered 201; afterwards every
//! receipt is verified with the published key (outside the timing) and the
//! stored count checked. Server and load generator share the machine.
//!
//! ```text
//! cargo bench -p motcua-intake --bench intake_load -- \
//!     [--dossiers 20000] [--concurrency 32] [--files shared|unique] \
//!     [--database postgres://…] [--url http://host:port] [--json]
//! ```
//!
//! `--files shared`: all dossiers refer to one PDF, uploaded for each
//! dossier (tus metadata `dossier`: a server takes only the files uploaded
//! for the dossier) before the timing; one blob is stored (measures the
//! dossier check, store and receipt). `--files
//! unique`: each dossier has its own PDF, uploaded (tus creation with
//! upload) inside the timing, before its dossier.

#![expect(clippy::unwrap_used, reason = "a benchmark stops on any fault")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use motcua_dossier::{
    Attachment, MediaType, PublicKey, Receipt, SealedDossier, Sha256, SigningKey, Timestamp,
};
use motcua_intake::{Catalog, Config, RateLimit, Server};
use motcua_testkit::pdf::OnePagePdf;
use motcua_testkit::procedures;
use serde_json::{Value, json};

struct Options {
    dossiers: usize,
    concurrency: usize,
    unique_files: bool,
    database: Option<String>,
    url: Option<String>,
    json: bool,
}

fn options() -> Options {
    let mut o = Options {
        dossiers: 20_000,
        concurrency: 32,
        unique_files: false,
        database: None,
        url: None,
        json: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--dossiers" => o.dossiers = value().parse().unwrap(),
            "--concurrency" => o.concurrency = value().parse().unwrap(),
            "--files" => o.unique_files = value() == "unique",
            "--database" => o.database = Some(value()),
            "--url" => o.url = Some(value()),
            "--json" => o.json = true,
            "--help" | "-h" => {
                println!(
                    "intake_load [--dossiers N] [--concurrency N] [--files shared|unique] \
                     [--database URL] [--url http://host:port] [--json]"
                );
                std::process::exit(0);
            }
            // cargo bench passes --bench.
            _ => {}
        }
    }
    o
}

/// A well-formed one-page PDF of 2 KiB, distinct per `seed` (the server
/// sniffs attachments and counts their pages).
fn pdf(seed: u64) -> Vec<u8> {
    OnePagePdf::new(seed).len(2048).build()
}

struct Prepared {
    sealed: Vec<Bytes>,
    /// Each dossier's id, which its uploads name (tus metadata `dossier`).
    ids: Vec<String>,
    files: Vec<Vec<u8>>,
    manifests: Vec<Sha256>,
}

/// Seals `n` dossiers on all cores; each of 16 device keys signs a share.
fn prepare(n: usize, unique_files: bool) -> Prepared {
    let threads = std::thread::available_parallelism().map_or(2, |p| p.get());
    let shared = pdf(0);
    let per_thread = n.div_ceil(threads);
    let example = procedures::birth_form(None);
    let parts: Vec<_> = (0..threads)
        .map(|t| {
            let (shared, example) = (shared.clone(), example.clone());
            std::thread::spawn(move || {
                let keys: Vec<SigningKey> = (0..16)
                    .map(|_| SigningKey::generate_device_key().unwrap())
                    .collect();
                let now = Timestamp::now();
                let mut out = Vec::new();
                for i in (t * per_thread)..((t + 1) * per_thread).min(n) {
                    let file = if unique_files {
                        pdf(i as u64 + 1)
                    } else {
                        shared.clone()
                    };
                    let mut form = example.clone();
                    form.insert(
                        "requester_personal_id".into(),
                        format!("001093{:06}", i % 1_000_000).into(),
                    );
                    let attachment = Attachment::from_bytes(
                        "birth_certificate".parse().unwrap(),
                        "giay-chung-sinh.pdf".parse().unwrap(),
                        MediaType::pdf(),
                        Some(1),
                        &file,
                    );
                    let manifest = procedures::birth_manifest(
                        "00004",
                        form,
                        vec![attachment],
                        now,
                        "motcua-loadgen/1",
                    );
                    let digest = manifest.digest().unwrap();
                    let id = manifest.id.to_string();
                    let sealed = SealedDossier::seal(manifest, &keys[i % keys.len()], now).unwrap();
                    out.push((Bytes::from(sealed.to_json()), id, file, digest));
                }
                out
            })
        })
        .collect();
    let mut prepared = Prepared {
        sealed: Vec::with_capacity(n),
        ids: Vec::with_capacity(n),
        files: Vec::with_capacity(n),
        manifests: Vec::with_capacity(n),
    };
    for part in parts {
        for (sealed, id, file, digest) in part.join().unwrap() {
            prepared.sealed.push(sealed);
            prepared.ids.push(id);
            prepared.files.push(file);
            prepared.manifests.push(digest);
        }
    }
    prepared
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(authority: &str) -> Sender {
    let stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

async fn send(
    sender: &mut Sender,
    authority: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Bytes,
) -> (u16, Bytes) {
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", authority);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    sender.ready().await.unwrap();
    let response = sender
        .send_request(request.body(Full::new(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body)
}

/// Uploads `file` for the dossier `id`: a server takes in a dossier only
/// the files uploaded for it.
async fn upload(sender: &mut Sender, authority: &str, file: &[u8], id: &str) {
    use base64::Engine as _;
    let metadata = format!(
        "dossier {}",
        base64::engine::general_purpose::STANDARD.encode(id)
    );
    let (status, body) = send(
        sender,
        authority,
        "POST",
        "/api/v1/uploads",
        &[
            ("tus-resumable", "1.0.0".into()),
            ("upload-length", file.len().to_string()),
            ("upload-metadata", metadata),
            ("content-type", "application/offset+octet-stream".into()),
        ],
        Bytes::copy_from_slice(file),
    )
    .await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn main() {
    let o = options();
    eprintln!("sealing {} dossiers…", o.dossiers);
    let prepared = Arc::new(prepare(o.dossiers, o.unique_files));

    // The server: in this process, unless --url points elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let authority = match &o.url {
        Some(url) => url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
        None => {
            let dist = dir.path().join("dist");
            std::fs::create_dir_all(&dist).unwrap();
            std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
            let catalog = Catalog::from_dir(&procedures::dir()).unwrap();
            let mut config = Config::new(([127, 0, 0, 1], 0).into(), dir.path().join("data"), dist);
            config.rate_limit = RateLimit::OFF;
            config.lookup_rate_limit = RateLimit::OFF;
            config.database = o.database.clone();
            let server = server_runtime
                .block_on(Server::bind(config, catalog))
                .unwrap();
            let addr = server.local_addr();
            server_runtime.spawn(server.run(std::future::pending()));
            addr.to_string()
        }
    };

    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = client.block_on(async {
        let mut first = connect(&authority).await;
        if !o.unique_files {
            // The one file, uploaded for every dossier before the timing.
            let next = Arc::new(AtomicUsize::new(0));
            let mut uploaders = Vec::new();
            for _ in 0..o.concurrency {
                let (next, prepared, authority) =
                    (Arc::clone(&next), Arc::clone(&prepared), authority.clone());
                uploaders.push(tokio::spawn(async move {
                    let mut sender = connect(&authority).await;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= prepared.ids.len() {
                            break;
                        }
                        upload(
                            &mut sender,
                            &authority,
                            &prepared.files[0],
                            &prepared.ids[i],
                        )
                        .await;
                    }
                }));
            }
            for u in uploaders {
                u.await.unwrap();
            }
        }
        let unique_files = o.unique_files;
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..o.concurrency {
            let (next, prepared, authority) =
                (Arc::clone(&next), Arc::clone(&prepared), authority.clone());
            workers.push(tokio::spawn(async move {
                let mut sender = connect(&authority).await;
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= prepared.sealed.len() {
                        break;
                    }
                    let began = Instant::now();
                    if unique_files {
                        upload(
                            &mut sender,
                            &authority,
                            &prepared.files[i],
                            &prepared.ids[i],
                        )
                        .await;
                    }
                    let (status, body) = send(
                        &mut sender,
                        &authority,
                        "POST",
                        "/api/v1/dossiers",
                        &[("content-type", "application/json".into())],
                        prepared.sealed[i].clone(),
                    )
                    .await;
                    let latency = began.elapsed();
                    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
                    done.push((i, latency, body));
                }
                done
            }));
        }
        let mut results = Vec::new();
        for w in workers {
            results.extend(w.await.unwrap());
        }
        let elapsed = start.elapsed();
        let (status, caps) = send(
            &mut first,
            &authority,
            "GET",
            "/.well-known/motcua",
            &[],
            Bytes::new(),
        )
        .await;
        assert_eq!(status, 200);
        (results, elapsed, caps)
    });
    let (results, elapsed, caps) = results;

    // Outside the timing: every receipt verifies and is for its dossier.
    let caps: Value = serde_json::from_slice(&caps).unwrap();
    let key = PublicKey::from_jwk(caps["receipt_key"].as_object().unwrap()).unwrap();
    let mut codes = std::collections::HashSet::new();
    for (i, _, body) in &results {
        let body: Value = serde_json::from_slice(body).unwrap();
        let receipt = Receipt::verify(body["receipt"].as_str().unwrap(), &key).unwrap();
        assert_eq!(receipt.claims().manifest_sha256, prepared.manifests[*i]);
        assert!(codes.insert(receipt.claims().dossier_code.clone()));
    }
    assert_eq!(results.len(), o.dossiers);

    let mut latencies: Vec<Duration> = results.iter().map(|r| r.1).collect();
    latencies.sort();
    let rate = o.dossiers as f64 / elapsed.as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = json!({
        "dossiers": o.dossiers,
        "concurrency": o.concurrency,
        "files": if o.unique_files { "unique" } else { "shared" },
        "storage": if o.database.is_some() { "postgres" } else if o.url.is_some() { "external" } else { "sqlite" },
        "seconds": elapsed.as_secs_f64(),
        "dossiers_per_second": rate,
        "latency_ms": {
            "p50": ms(percentile(&latencies, 0.50)),
            "p90": ms(percentile(&latencies, 0.90)),
            "p99": ms(percentile(&latencies, 0.99)),
            "max": ms(percentile(&latencies, 1.0)),
        },
        "receipts_verified": results.len(),
    });
    if o.json {
        println!("{report}");
    } else {
        println!(
            "{} dossiers ({} files) in {:.2} s: {:.0} dossiers/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} receipts verified",
            o.dossiers,
            report["files"].as_str().unwrap_or_default(),
            elapsed.as_secs_f64(),
            rate,
            report["latency_ms"]["p50"].as_f64().unwrap_or_default(),
            report["latency_ms"]["p90"].as_f64().unwrap_or_default(),
            report["latency_ms"]["p99"].as_f64().unwrap_or_default(),
            report["latency_ms"]["max"].as_f64().unwrap_or_default(),
            results.len(),
        );
    }
    server_runtime.shutdown_timeout(Duration::from_secs(1));
}
