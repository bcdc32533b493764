//! SHA-256 of attachments (FIPS 180-4), streamed through ring in constant memory.

use std::fmt;

pub use motcua_protocol::Sha256;

/// How many bytes [`sha256`] feeds the hasher at a time, and so how often
/// [`sha256_with_progress`] reports.
pub const HASH_CHUNK: usize = 1 << 20;

/// An incremental SHA-256: feed it the bytes as they come (file chunks,
/// upload chunks), then finish. Holds a few hundred bytes whatever the input.
///
/// ```
/// use motcua_scan::{sha256, Sha256Hasher};
///
/// let mut h = Sha256Hasher::new();
/// h.update(b"hello ");
/// h.update(b"world");
/// assert_eq!(h.finish(), sha256(b"hello world"));
/// ```
pub struct Sha256Hasher {
    context: ring::digest::Context,
    len: u64,
}

impl Sha256Hasher {
    /// A hasher that has seen nothing.
    pub fn new() -> Self {
        Self {
            context: ring::digest::Context::new(&ring::digest::SHA256),
            len: 0,
        }
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.context.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// How many bytes were fed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was fed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Sha256 {
        let digest = self.context.finish();
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        Sha256::from(out)
    }
}

impl Default for Sha256Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Sha256Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sha256Hasher")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of a byte slice, fed in chunks of [`HASH_CHUNK`] bytes.
pub fn sha256(bytes: &[u8]) -> Sha256 {
    sha256_with_progress(bytes, HASH_CHUNK, |_| {})
}

/// SHA-256 of a byte slice fed in chunks of `chunk` bytes (at least 1),
/// calling `progress` with the bytes done after each chunk, so a worker can
/// report progress on a large file.
pub fn sha256_with_progress(bytes: &[u8], chunk: usize, mut progress: impl FnMut(u64)) -> Sha256 {
    let mut hasher = Sha256Hasher::new();
    for part in bytes.chunks(chunk.max(1)) {
        hasher.update(part);
        progress(hasher.len());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // FIPS 180-4 examples (NIST CSRC, SHA256.pdf).
        assert_eq!(
            sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn chunking_does_not_change_the_digest() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = sha256(&data);
        let mut calls = 0;
        for chunk in [1, 63, 64, 65, 4096, 1 << 20] {
            assert_eq!(sha256_with_progress(&data, chunk, |_| calls += 1), whole);
        }
        assert!(calls > 100_000);
        assert_eq!(whole.to_hex().parse::<Sha256>(), Ok(whole));
        assert!("xyz".parse::<Sha256>().is_err());
    }
}
