//! Connections: the accept loop and the limits that keep slow or greedy
//! clients from holding the server, for when nothing stands in front of it.
//!
//! Without these, an idle connection, a request line sent in part
//! (`GET /hea`) or a body trickled a byte at a time is held for ever, and a
//! few hundred such clients take every file descriptor. So each connection
//! is watched:
//!
//! - between requests it may stay quiet for [`ConnectionLimits::idle`], then
//!   it is closed;
//! - once the first byte of a request has come, the whole head (request line
//!   and headers) must follow within [`ConnectionLimits::headers`], or the
//!   connection is closed;
//! - a request body must keep a minimum rate: at least
//!   [`ConnectionLimits::min_body_rate`] bytes a second over every
//!   [`ConnectionLimits::body_rate_window`] (or what is left of the body, if
//!   less), or its reading fails and the handler answers 408;
//! - one client address (an IPv4 address, an IPv6 /64) holds at most
//!   [`ConnectionLimits::per_address`] connections at once; the next is
//!   answered 429 and closed without being read.
//!
//! The rules are those of Apache's mod_reqtimeout and nginx's
//! `client_header_timeout`, `keepalive_timeout` and `limit_conn`; behind such
//! a proxy they may be relaxed here (docs/running.md).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use crate::rate_limit::client_key;

/// How long and how slowly a client may hold a connection. A zero duration,
/// rate or count turns that limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time from a request's first byte to the end of its headers.
    pub headers: Duration,
    /// Time a connection may stay quiet between requests (keep-alive).
    pub idle: Duration,
    /// Bytes a second a request body must arrive at, on average over each
    /// [`Self::body_rate_window`].
    pub min_body_rate: u32,
    /// The window the body rate is measured over: short stalls of a mobile
    /// network pass, a trickle does not.
    pub body_rate_window: Duration,
    /// Connections one client address may hold at once.
    pub per_address: usize,
}

impl ConnectionLimits {
    /// The defaults: 20 s for headers, 60 s idle, 500 bytes a second over
    /// 30 s windows (Apache's `RequestReadTimeout` minimum rate), and 128
    /// connections an address (a browser opens at most six; the rest leaves
    /// room for people behind one carrier NAT).
    pub const DEFAULT: Self = Self {
        headers: Duration::from_secs(20),
        idle: Duration::from_secs(60),
        min_body_rate: 500,
        body_rate_window: Duration::from_secs(30),
        per_address: 128,
    };

    /// No limits at all (for a server behind a proxy that enforces them).
    pub const OFF: Self = Self {
        headers: Duration::ZERO,
        idle: Duration::ZERO,
        min_body_rate: 0,
        body_rate_window: Duration::ZERO,
        per_address: 0,
    };

    /// The bytes a body must bring in one window; 0: no minimum.
    fn bytes_per_window(&self) -> u64 {
        (f64::from(self.min_body_rate) * self.body_rate_window.as_secs_f64()) as u64
    }
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The answer to a connection over the per-address limit, written without
/// reading the request: the connection is closed right after.
fn too_many_connections() -> Vec<u8> {
    let body = r#"{"type":"/problems/too-many-connections","title":"Too many connections","status":429,"detail":"too many open connections from this address; retry when some have closed"}"#;
    format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/problem+json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    // Dropping `stop_tx` tells connections to finish; `done_rx` clones
    // dropped by every connection tell us they have.
    let (stop_tx, stop_rx) = watch::channel(());
    let (done_tx, done_rx) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                // A client gone before we took it is nothing; anything else
                // (out of file descriptors) passes with time.
                if !matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) {
                    tracing::warn!(%err, "cannot accept connections; retrying in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                continue;
            }
        };
        let Some(slot) = Slot::take(&counts, peer.ip(), limits.per_address) else {
            tracing::debug!(%peer, "too many connections from this address");
            // A fresh socket's send buffer has room: no waiting on the client.
            let _ = stream.try_write(&too_many_connections());
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stop = stop_rx.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            connection(stream, peer, router, limits, stop).await;
            drop(slot);
            drop(done);
        });
    }
    drop(listener);
    drop(stop_tx);
    drop(done_rx);
    done_tx.closed().await;
}

/// A connection counted against its client address; dropping it frees it.
struct Slot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    key: IpAddr,
}

impl Slot {
    /// Counts a connection from `ip`, unless it already holds `limit`
    /// (0: no limit).
    fn take(counts: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, limit: usize) -> Option<Self> {
        let key = client_key(ip);
        let mut map = counts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = map.entry(key).or_insert(0);
        if limit != 0 && *count >= limit {
            return None;
        }
        *count += 1;
        Some(Self {
            counts: Arc::clone(counts),
            key,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = map.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                map.remove(&self.key);
            }
        }
    }
}

/// What a connection is doing, as the watchdog needs to know it.
#[derive(Debug)]
struct Phase {
    /// Requests handed to the router whose answer is not yet sent.
    in_flight: usize,
    /// Since when no request is in flight.
    quiet_since: Instant,
    /// When the first byte of the next request came, while none is in flight.
    head_started: Option<Instant>,
}

/// The state shared by a connection's socket, its requests and its watchdog.
#[derive(Debug)]
struct Activity {
    phase: Mutex<Phase>,
    /// Woken when a deadline may have moved earlier.
    changed: Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            phase: Mutex::new(Phase {
                in_flight: 0,
                quiet_since: Instant::now(),
                head_started: None,
            }),
            changed: Notify::new(),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes came from the client.
    fn read(&self) {
        let mut phase = self.phase();
        if phase.in_flight == 0 && phase.head_started.is_none() {
            phase.head_started = Some(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request goes to the router; the guard marks its answer sent.
    fn begin(self: &Arc<Self>) -> InFlight {
        let mut phase = self.phase();
        phase.in_flight += 1;
        phase.head_started = None;
        InFlight(Arc::clone(self))
    }

    /// When the connection must be closed, and why; `None` while a request
    /// is in flight (its body has its own rate, its handler is ours).
    fn deadline(&self, limits: &ConnectionLimits) -> Option<(Instant, &'static str)> {
        let phase = self.phase();
        if phase.in_flight > 0 {
            return None;
        }
        match phase.head_started {
            Some(start) if !limits.headers.is_zero() => Some((
                start + limits.headers,
                "request headers not received in time",
            )),
            Some(_) => None,
            None if !limits.idle.is_zero() => {
                Some((phase.quiet_since + limits.idle, "idle connection"))
            }
            None => None,
        }
    }
}

/// A request in flight; dropped when its answer has been sent (or dropped).
#[derive(Debug)]
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut phase = self.0.phase();
        phase.in_flight -= 1;
        if phase.in_flight == 0 {
            phase.quiet_since = Instant::now();
            phase.head_started = None;
        }
        drop(phase);
        self.0.changed.notify_one();
    }
}

/// Serves one connection, closing it when the watchdog says so.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<()>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: Arc::clone(&activity),
    });
    let service = {
        let activity = Arc::clone(&activity);
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let in_flight = activity.begin();
            let mut request = request.map(|body| MinRate::new(body, &limits));
            // The peer address keys the per-client rate limits.
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await?;
                Ok::<_, Infallible>(response.map(|body| Tracked {
                    inner: body,
                    _in_flight: in_flight,
                }))
            }
        })
    };
    let mut conn = pin!(
        hyper::server::conn::http1::Builder::new()
            // The watchdog below times headers, so that idle and header
            // times are told apart.
            .header_read_timeout(None)
            .serve_connection(io, service)
    );
    let mut stopping = false;
    loop {
        let deadline = activity.deadline(&limits);
        if let Some((at, why)) = deadline
            && at <= Instant::now()
        {
            tracing::debug!(%peer, why, "closing connection");
            return;
        }
        let sleep = async {
            match deadline {
                Some((at, _)) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(%peer, %err, "connection ended");
                }
                return;
            }
            () = sleep => {}
            () = activity.changed.notified() => {}
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The client's socket, telling [`Activity`] when bytes come in.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            self.activity.read();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A response body that keeps its request in flight until it is sent, so
/// that a long download is not taken for an idle connection.
struct Tracked<B> {
    inner: B,
    _in_flight: InFlight,
}

impl<B: Body + Unpin> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that arrived too slowly: fewer than the minimum bytes in
/// one window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the request body arrived slower than {rate} bytes a second over {window} s \
     ({received} bytes in the last window)"
)]
pub(crate) struct BodyTooSlow {
    /// The minimum rate, in bytes a second.
    pub(crate) rate: u32,
    /// The window, in seconds.
    pub(crate) window: u64,
    /// Bytes received in the window that failed.
    pub(crate) received: u64,
}

/// A request body held to a minimum rate: each window must bring the
/// minimum, or what is left of the body if that is less.
pub(crate) struct MinRate<B> {
    inner: B,
    /// `None`: no minimum.
    clock: Option<Pin<Box<Sleep>>>,
    need: u64,
    rate: u32,
    window: Duration,
    in_window: u64,
    /// Bytes still to come, when the length is known.
    left: Option<u64>,
}

impl<B: Body> MinRate<B> {
    pub(crate) fn new(inner: B, limits: &ConnectionLimits) -> Self {
        let need = limits.bytes_per_window();
        let clock = (need > 0 && !inner.is_end_stream())
            .then(|| Box::pin(tokio::time::sleep(limits.body_rate_window)));
        let left = inner.size_hint().exact();
        Self {
            inner,
            clock,
            need,
            rate: limits.min_body_rate,
            window: limits.body_rate_window,
            in_window: 0,
            left,
        }
    }

    /// Judges the window that just ended and starts the next.
    fn judge(&mut self) -> Result<(), BodyTooSlow> {
        let need = self.left.map_or(self.need, |left| left.min(self.need));
        if self.in_window < need {
            return Err(BodyTooSlow {
                rate: self.rate,
                window: self.window.as_secs(),
                received: self.in_window,
            });
        }
        self.in_window = 0;
        if let Some(clock) = self.clock.as_mut() {
            clock.as_mut().reset(Instant::now() + self.window);
        }
        Ok(())
    }
}

impl<B> Body for MinRate<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let n = data.len() as u64;
                    this.in_window += n;
                    this.left = this.left.map(|left| left.saturating_sub(n));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err.into()))),
            Poll::Ready(None) => {
                this.clock = None;
                Poll::Ready(None)
            }
            // Only time spent waiting on the client is judged: a handler
            // that reads late finds the bytes waiting.
            Poll::Pending => {
                while let Some(clock) = this.clock.as_mut() {
                    if clock.as_mut().poll(cx).is_pending() {
                        break;
                    }
                    if let Err(slow) = this.judge() {
                        this.clock = None;
                        return Poll::Ready(Some(Err(slow.into())));
                    }
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests;
