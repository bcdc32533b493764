//! Per-client rate limits: a token bucket per client address.
//!
//! Each client (an IPv4 address, or an IPv6 /64 network, since one host
//! commonly holds a whole /64) has a bucket of `burst` tokens that refills
//! at `per_second` tokens a second; a request takes one token, and a
//! request that finds the bucket empty is answered 429 with `Retry-After`.
//! Uploads and submissions share one bucket; status look-ups have their own,
//! smaller one, since each look-up is a guess at a code and an ID number.
//! The address is the TCP peer's: behind a reverse proxy, the proxy must
//! limit instead.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// Buckets kept before idle ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// A rate: `per_second` requests a second on average, up to `burst` at once.
/// `per_second` of 0 (or less, or not a number) turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Tokens added a second.
    pub per_second: f64,
    /// Size of the bucket: the most requests at once.
    pub burst: u32,
}

impl RateLimit {
    /// No limit.
    pub const OFF: Self = Self {
        per_second: 0.0,
        burst: 0,
    };

    /// The default for protocol requests (uploads in chunks, submissions):
    /// 50 a second, bursts of 200. A phone sends a few a second; a business
    /// filing in bulk from one address is slowed, not stopped.
    pub const PROTOCOL: Self = Self {
        per_second: 50.0,
        burst: 200,
    };

    /// The default for status look-ups: one a second, bursts of 10.
    pub const LOOKUP: Self = Self {
        per_second: 1.0,
        burst: 10,
    };

    /// Whether the limit is off.
    pub fn is_off(&self) -> bool {
        self.per_second.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || self.burst == 0
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The buckets of one rate limit.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// The bucket a client address falls in.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `ip` at `now`, or says how long until one is there.
    pub(crate) fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.limit.is_off() {
            return Ok(());
        }
        let RateLimit { per_second, burst } = self.limit;
        let burst = f64::from(burst);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            Self::prune_locked(&mut buckets, &self.limit, now);
        }
        let bucket = buckets.entry(client_key(ip)).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }

    /// Drops the buckets that have refilled: their clients are idle.
    pub(crate) fn prune(&self, now: Instant) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::prune_locked(&mut buckets, &self.limit, now);
    }

    fn prune_locked(buckets: &mut HashMap<IpAddr, Bucket>, limit: &RateLimit, now: Instant) {
        let burst = f64::from(limit.burst);
        buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.updated).as_secs_f64();
            b.tokens + elapsed * limit.per_second < burst
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

/// The client's address; requests served without a socket (tests) share
/// the unspecified address.
fn client_ip(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Runs the request if the client's bucket has a token, else answers 429.
async fn limited(limiter: &Limiter, request: Request, next: Next) -> Response {
    match limiter.take(client_ip(&request), Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            // Retry-After is whole seconds (RFC 9110 §10.2.3); round up.
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::RateLimited {
                retry_after: retry_after.max(1),
            }
            .into_response()
        }
    }
}

/// Middleware: the protocol bucket.
pub(crate) async fn protocol(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    limited(state.protocol_limiter(), request, next).await
}

/// Middleware: the look-up bucket.
pub(crate) async fn lookup(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    limited(state.lookup_limiter(), request, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_fill_drain_and_refill() {
        let limiter = Limiter::new(RateLimit {
            per_second: 2.0,
            burst: 3,
        });
        let start = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.take(a, start), Ok(()));
        }
        let wait = limiter.take(a, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(limiter.take(b, start), Ok(()), "another client");
        assert!(limiter.take(a, start + Duration::from_millis(499)).is_err());
        assert_eq!(limiter.take(a, start + Duration::from_millis(1000)), Ok(()));
        // Idle for long: the bucket is full again, not fuller.
        let later = start + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.take(a, later), Ok(()));
        }
        assert!(limiter.take(a, later).is_err());
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let limiter = Limiter::new(RateLimit {
            per_second: 1.0,
            burst: 1,
        });
        let now = Instant::now();
        assert!(
            limiter
                .take("2001:db8:1:2::1".parse().unwrap(), now)
                .is_ok()
        );
        assert!(
            limiter
                .take("2001:db8:1:2:ffff::9".parse().unwrap(), now)
                .is_err(),
            "same /64"
        );
        assert!(
            limiter
                .take("2001:db8:1:3::1".parse().unwrap(), now)
                .is_ok()
        );
        assert!(
            limiter
                .take("::ffff:192.0.2.7".parse().unwrap(), now)
                .is_ok()
        );
        assert!(
            limiter.take("192.0.2.7".parse().unwrap(), now).is_err(),
            "a mapped IPv4 address is that address"
        );
    }

    #[test]
    fn off_means_off_and_idle_buckets_go() {
        let off = Limiter::new(RateLimit::OFF);
        let now = Instant::now();
        for _ in 0..10_000 {
            assert!(off.take("192.0.2.1".parse().unwrap(), now).is_ok());
        }
        assert_eq!(off.len(), 0);
        assert!(
            RateLimit {
                per_second: f64::NAN,
                burst: 5
            }
            .is_off()
        );

        let limiter = Limiter::new(RateLimit {
            per_second: 1.0,
            burst: 2,
        });
        limiter.take("192.0.2.1".parse().unwrap(), now).unwrap();
        limiter.take("192.0.2.2".parse().unwrap(), now).unwrap();
        limiter.prune(now);
        assert_eq!(limiter.len(), 2);
        limiter.prune(now + Duration::from_secs(2));
        assert_eq!(limiter.len(), 0);
    }
}
