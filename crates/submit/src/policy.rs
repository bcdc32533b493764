//! How hard and how fast the client tries: chunk size, backoff, pacing.

use serde::{Deserialize, Serialize};

/// Settings of a [`Client`](crate::Client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Bytes sent per upload request. Smaller chunks lose less on a flaky
    /// network and cost more requests.
    pub chunk_bytes: usize,
    /// The first wait after a failure, in milliseconds; it doubles with
    /// each further failure in a row.
    pub first_retry_ms: u64,
    /// The longest wait between attempts, in milliseconds.
    pub max_retry_ms: u64,
    /// Failures in a row after which [`Client::run`](crate::Client::run)
    /// stops and hands back the failed entry (the app schedules it again,
    /// e.g. when the device comes back online).
    pub max_attempts: u32,
    /// At most this many upload bytes a second, if set (to share a slow
    /// link, like curl's `--limit-rate`).
    pub max_bytes_per_second: Option<u64>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            chunk_bytes: 512 * 1024,
            first_retry_ms: 1_000,
            max_retry_ms: 5 * 60 * 1_000,
            max_attempts: 10,
            max_bytes_per_second: None,
        }
    }
}

/// A small pseudo-random generator (SplitMix64) for jitter: spreading
/// retries needs no secrecy, and the platform gives no randomness here.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Policy {
    /// The wait before attempt `attempt` (1 for the first retry):
    /// exponential, capped, with "equal jitter" (between half and all of
    /// the exponential value) so that many clients do not retry in step.
    pub fn backoff_ms(&self, attempt: u32, seed: u64) -> u64 {
        let exponent = attempt.saturating_sub(1).min(32);
        let full = self
            .first_retry_ms
            .saturating_mul(1u64 << exponent)
            .min(self.max_retry_ms);
        let half = full / 2;
        half + splitmix64(seed ^ u64::from(attempt)) % (full - half + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let policy = Policy {
            first_retry_ms: 1000,
            max_retry_ms: 8000,
            ..Policy::default()
        };
        for seed in 0..200 {
            let waits: Vec<u64> = (1..=6).map(|a| policy.backoff_ms(a, seed)).collect();
            assert!((500..=1000).contains(&waits[0]), "{waits:?}");
            assert!((1000..=2000).contains(&waits[1]), "{waits:?}");
            assert!((2000..=4000).contains(&waits[2]), "{waits:?}");
            for w in &waits[3..] {
                assert!((4000..=8000).contains(w), "{waits:?}");
            }
        }
        let spread: std::collections::BTreeSet<u64> =
            (0..50).map(|seed| policy.backoff_ms(3, seed)).collect();
        assert!(spread.len() > 40, "jitter spreads retries");
        assert!(policy.backoff_ms(u32::MAX, 1) <= 8000);
    }
}
