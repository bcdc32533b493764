//! The pieces every end-to-end test needs: an intake server, a browser, and
//! a way to keep a screenshot when a test fails.

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use tempfile::TempDir;

/// The built app: `MOTCUA_DIST`, else `dist/` of the workspace.
pub(crate) fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("MOTCUA_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "no built app in {}: run the end-to-end tests with `cargo xtask test`",
        dist.display()
    );
    dist
}

/// A running `motcua serve` with its own data directory.
pub(crate) struct Intake {
    child: Child,
    /// Base URL, with a trailing slash.
    pub(crate) url: String,
    data: TempDir,
    dist: PathBuf,
    extra: Vec<String>,
}

fn spawn_serve(addr: &str, data: &Path, dist: &Path, extra: &[String]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--addr", addr, "--data-dir"])
        .arg(data)
        .arg("--dist")
        .arg(dist)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start motcua serve");
    let stdout = child.stdout.take().expect("server stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .expect("read server output");
        if let Some(url) = line.strip_prefix("motcua: serving on ") {
            break url.to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url)
}

impl Intake {
    /// Starts a server on a free port and waits until it listens.
    pub(crate) fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with extra `motcua serve` flags.
    pub(crate) fn start_with(extra: &[&str]) -> Self {
        Self::start_at("127.0.0.1:0", &dist_dir(), extra)
    }

    /// Starts a server on `addr` serving the app in `dist` (a copy with
    /// other deployment files, say), with extra `motcua serve` flags.
    pub(crate) fn start_at(addr: &str, dist: &Path, extra: &[&str]) -> Self {
        let data = tempfile::tempdir().expect("temporary data directory");
        let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        let (child, url) = spawn_serve(addr, data.path(), dist, &extra);
        Self {
            child,
            url,
            data,
            dist: dist.to_owned(),
            extra,
        }
    }

    /// `host:port` of the server.
    pub(crate) fn authority(&self) -> &str {
        self.url.trim_start_matches("http://").trim_end_matches('/')
    }

    /// Kills the server at once (SIGKILL), as a crash or a power cut would.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same address with the same data.
    pub(crate) fn restart(&mut self) {
        let addr = self.authority().to_owned();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The port may be held for a moment after the kill.
            if TcpListener::bind(&addr).is_ok() || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let (child, url) = spawn_serve(&addr, self.data.path(), &self.dist, &self.extra);
        assert_eq!(url, self.url, "restarted on another address");
        self.child = child;
    }

    /// Stops the server (SIGTERM) and starts it again on the same address
    /// with the same data, serving `dist` with these flags instead of the
    /// old ones: a redeployment.
    pub(crate) fn restart_with(&mut self, dist: &Path, extra: &[&str]) {
        self.stop();
        self.dist = dist.to_owned();
        self.extra = extra.iter().map(|s| (*s).to_owned()).collect();
        self.restart();
    }

    /// Stops the server as a service manager would: SIGTERM, then SIGKILL
    /// if it has not exited within five seconds.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    /// The server's data directory.
    pub(crate) fn data_dir(&self) -> &Path {
        self.data.path()
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        // SIGTERM first, so shutdown is exercised.
        self.stop();
    }
}

/// A response read off the wire.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    /// A header's value (names compared case-insensitively).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 GET, so tests see exactly what the server sends.
pub(crate) fn http_get(authority: &str, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    let mut stream = TcpStream::connect(authority).expect("connect to server");
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..line_end])
                .expect("chunk size is text")
                .trim(),
            16,
        )
        .expect("chunk size in hex");
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// A chromedriver process and a headless Chromium session with a fresh profile.
pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    _profile: TempDir,
}

/// A loopback port free at the time of asking.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and opens a session, window `width` × `height`.
    pub(crate) async fn start(width: u32, height: u32) -> Self {
        // Two TLS providers are linked in; pick one (the WebDriver link is
        // plain HTTP on loopback anyway).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e} (cargo xtask setup)"));
        let profile = tempfile::tempdir().expect("browser profile directory");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            // A phone-sized viewport needs emulation: desktop windows have a
            // minimum width larger than a phone's.
            "mobileEmulation": { "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": if width < 600 { 3.0 } else { 1.0 },
                "mobile": width < 600, "touch": width < 600,
            }},
            }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let attempt = ClientBuilder::rustls()
                .expect("TLS roots")
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("no WebDriver session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Ends the session and the driver.
    pub(crate) async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Runs `body` against a fresh server and browser. If it fails, a screenshot
/// and the page's HTML are saved as `tests/artifacts/<name>.{png,html}`.
pub(crate) async fn with_app<F, Fut>(name: &str, width: u32, height: u32, body: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let intake = Intake::start();
    let browser = Browser::start(width, height).await;
    let test = body(browser.client.clone(), intake.url.clone());
    recorded(name, browser, test).await;
    drop(intake);
}

/// Runs `test` in `browser`, then closes it. If the test fails, a
/// screenshot and the page's HTML are saved as
/// `tests/artifacts/<name>.{png,html}` and the failure goes on.
pub(crate) async fn recorded<Fut>(name: &str, browser: Browser, test: Fut)
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    let outcome = tokio::spawn(test).await;
    if let Err(failure) = outcome {
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = browser.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        if let Ok(html) = browser.client.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        }
        eprintln!("screenshot and page saved in {}", dir.display());
        browser.close().await;
        match failure.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
    if std::env::var_os("MOTCUA_E2E_SCREENSHOTS").is_some() {
        // On request, keep the last screen of passing tests too, to look at.
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = browser.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}-last.png")), png);
        }
    }
    browser.close().await;
}

/// Waits (at most ten seconds) until `probe` returns `Some`.
pub(crate) async fn eventually<T, Fut>(what: &str, probe: impl FnMut() -> Fut) -> T
where
    Fut: Future<Output = Option<T>>,
{
    eventually_within(10, what, probe).await
}

/// Waits at most `seconds` until `probe` returns `Some`.
pub(crate) async fn eventually_within<T, Fut>(
    seconds: u64,
    what: &str,
    mut probe: impl FnMut() -> Fut,
) -> T
where
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the first element matching `css`, if there is one.
pub(crate) async fn text(client: &Client, css: &str) -> Option<String> {
    let element = client.find(fantoccini::Locator::Css(css)).await.ok()?;
    element.text().await.ok()
}

/// How many elements match `css`.
pub(crate) async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// A file of the shared test data (`motcua_testkit::data`), as WebDriver
/// wants it for uploads: a canonical path.
pub(crate) fn test_data(relative: &str) -> PathBuf {
    let path = motcua_testkit::data::path(relative);
    path.canonicalize().unwrap_or(path)
}

/// Opens the app, seeds the draft of procedure `code` with `values`, and
/// goes to `page` of that procedure (`form/requester`, `attachments`,
/// `review`): a citizen coming back to a form already filled in.
pub(crate) async fn open_with_draft(
    client: &Client,
    url: &str,
    code: &str,
    values: &serde_json::Value,
    page: &str,
) {
    client.goto(url).await.unwrap();
    seed_draft(client, code, values).await;
    client
        .goto(&format!("{url}procedure/{code}/{page}"))
        .await
        .unwrap();
}

/// Puts a draft for `code` into the app's device storage, as if the citizen
/// had filled the form: `values` are the answers as typed.
pub(crate) async fn seed_draft(client: &Client, code: &str, values: &serde_json::Value) {
    let draft = json!({ "version": "seeded", "values": values, "saved_at": 0.0 });
    let script = r#"
        const [code, draft, done] = arguments;
        const open = indexedDB.open("motcua", 1);
        open.onupgradeneeded = () => {
            for (const name of ["drafts", "keys", "outbox", "files"]) {
                if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name);
            }
        };
        open.onsuccess = () => {
            const tx = open.result.transaction("drafts", "readwrite");
            tx.objectStore("drafts").put(draft, code);
            tx.oncomplete = () => { open.result.close(); done(true); };
            tx.onerror = () => done(String(tx.error));
        };
        open.onerror = () => done(String(open.error));
    "#;
    let result = client
        .execute_async(script, vec![json!(code), json!(draft.to_string())])
        .await
        .expect("seed the draft");
    assert_eq!(result, json!(true), "seeding the draft failed: {result}");
}

/// Turns the browser's network off or on (Chrome's network emulation).
pub(crate) async fn set_offline(client: &Client, offline: bool) {
    #[derive(Debug)]
    struct NetworkConditions(bool);
    impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
        fn endpoint(
            &self,
            base: &url::Url,
            session: Option<&str>,
        ) -> Result<url::Url, url::ParseError> {
            base.join(&format!(
                "session/{}/chromium/network_conditions",
                session.unwrap_or("")
            ))
        }
        fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
            let body = json!({ "network_conditions": {
                "offline": self.0, "latency": 0,
                "download_throughput": -1, "upload_throughput": -1,
            }});
            (http::Method::POST, Some(body.to_string()))
        }
    }
    client
        .issue_cmd(NetworkConditions(offline))
        .await
        .expect("set network conditions");
}
