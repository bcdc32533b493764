//! The connection limits, against a real socket with short limits.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::ConnectionLimits;
use crate::{Catalog, Config, RateLimit, Server};

/// A running server; dropping it stops it.
struct Running {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(limits: ConnectionLimits) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    let catalog_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let catalog = Catalog::from_dir(&catalog_dir).unwrap();
    let mut config = Config::new(([127, 0, 0, 1], 0).into(), dir.path().join("data"), dist);
    config.rate_limit = RateLimit::OFF;
    config.lookup_rate_limit = RateLimit::OFF;
    config.connections = limits;
    let server = Server::bind(config, catalog).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        _dir: dir,
        _stop: stop,
    }
}

/// Limits short enough for tests; the body rate is 100 bytes a second
/// over 300 ms windows (30 bytes a window).
fn short() -> ConnectionLimits {
    ConnectionLimits {
        headers: Duration::from_millis(300),
        idle: Duration::from_millis(600),
        min_body_rate: 100,
        body_rate_window: Duration::from_millis(300),
        per_address: 0,
    }
}

/// Reads until the server closes the connection or `wait` passes; says
/// what came and whether the connection was closed.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Whether the connection was closed within `wait`, and how long it took.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> (bool, Duration) {
    let start = Instant::now();
    let (_, closed) = read_until_closed(stream, wait).await;
    (closed, start.elapsed())
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

#[tokio::test]
async fn a_partial_request_line_or_unterminated_headers_are_closed() {
    let server = start(ConnectionLimits {
        idle: Duration::from_secs(30),
        ..short()
    })
    .await;
    for partial in [&b"GET /hea"[..], b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"] {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(partial).await.unwrap();
        let (closed, took) = closed_within(&mut s, Duration::from_secs(5)).await;
        assert!(closed, "{:?} still open", String::from_utf8_lossy(partial));
        assert!(took >= Duration::from_millis(250), "{took:?}");
    }
    // Headers sent bit by bit, each bit in time, still must end in time.
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    let start = Instant::now();
    let mut closed = false;
    for _ in 0..20 {
        if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
            closed = true;
            break;
        }
        let (_, c) = read_until_closed(&mut s, Duration::from_millis(100)).await;
        if c {
            closed = true;
            break;
        }
    }
    assert!(
        closed,
        "a head trickled for {:?} is still open",
        start.elapsed()
    );
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_time_not_the_header_time() {
    let server = start(ConnectionLimits {
        headers: Duration::from_millis(200),
        idle: Duration::from_millis(900),
        ..short()
    })
    .await;
    // A connection that never sends: open past the header time, closed
    // after the idle time.
    let mut quiet = TcpStream::connect(server.addr).await.unwrap();
    let (closed, _) = closed_within(&mut quiet, Duration::from_millis(500)).await;
    assert!(!closed, "closed before the idle time");
    let (closed, _) = closed_within(&mut quiet, Duration::from_secs(5)).await;
    assert!(closed, "an idle connection is still open");
    // Keep-alive: after an answer, the connection may wait, then serves the
    // next request, then is closed when idle.
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(HEALTH).await.unwrap();
    let (first, closed) = read_until_closed(&mut s, Duration::from_millis(400)).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert!(!closed);
    s.write_all(HEALTH).await.unwrap();
    let (second, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert!(closed, "an idle keep-alive connection is still open");
}

#[tokio::test]
async fn a_trickled_body_is_cut_with_408_and_a_steady_one_passes() {
    let server = start(short()).await;
    let head = |length: usize| {
        format!(
            "POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(head(1000).as_bytes()).await.unwrap();
    let start = Instant::now();
    let mut answer = String::new();
    // One byte every 100 ms: 3 bytes a window, 30 needed.
    for _ in 0..40 {
        if s.write_all(b" ").await.is_err() {
            break;
        }
        let (got, closed) = read_until_closed(&mut s, Duration::from_millis(100)).await;
        answer.push_str(&got);
        if closed || !answer.is_empty() {
            break;
        }
    }
    let (rest, _) = read_until_closed(&mut s, Duration::from_millis(500)).await;
    answer.push_str(&rest);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.contains("/problems/body-too-slow"), "{answer}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // 500 bytes a second (150 a window, five times the minimum) is read
    // whole: the answer is about the (blank) content, not the pace.
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(head(750).as_bytes()).await.unwrap();
    for _ in 0..15 {
        s.write_all(&[b' '; 50]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (answer, _) = read_until_closed(&mut s, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("/problems/bad-dossier"), "{answer}");
}

#[tokio::test]
async fn a_body_shorter_than_a_window_needs_only_to_arrive() {
    let server = start(ConnectionLimits {
        min_body_rate: 10_000,
        ..short()
    })
    .await;
    // 3000 bytes a window are asked; this body has 10, sent in two parts.
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        b"POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/json\r\nContent-Length: 10\r\n\r\n12345",
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.write_all(b"67890").await.unwrap();
    let (answer, _) = read_until_closed(&mut s, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[tokio::test]
async fn one_address_holds_at_most_its_share_of_connections() {
    let server = start(ConnectionLimits {
        idle: Duration::from_secs(30),
        per_address: 2,
        ..short()
    })
    .await;
    let first = TcpStream::connect(server.addr).await.unwrap();
    let mut second = TcpStream::connect(server.addr).await.unwrap();
    // Let the server count both before the third comes.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    let (answer, closed) = read_until_closed(&mut third, Duration::from_secs(2)).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer:?}");
    assert!(
        answer.contains("/problems/too-many-connections"),
        "{answer}"
    );
    let length = answer
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap();
    assert_eq!(answer.split("\r\n\r\n").nth(1).unwrap().len(), length);
    assert!(closed);
    // The two held still work.
    second.write_all(HEALTH).await.unwrap();
    let (ok, _) = read_until_closed(&mut second, Duration::from_millis(300)).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    // One closed frees a place.
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = TcpStream::connect(server.addr).await.unwrap();
    again.write_all(HEALTH).await.unwrap();
    let (ok, _) = read_until_closed(&mut again, Duration::from_millis(300)).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

#[test]
fn defaults_are_on_and_off_is_off() {
    let d = ConnectionLimits::default();
    assert_eq!(d, ConnectionLimits::DEFAULT);
    assert_eq!(d.bytes_per_window(), 15_000);
    assert!(!d.headers.is_zero() && !d.idle.is_zero() && d.per_address > 0);
    assert_eq!(ConnectionLimits::OFF.bytes_per_window(), 0);
}
