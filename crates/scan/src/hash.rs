//! SHA-256 of attachments (FIPS 180-4), streamed through ring in constant memory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many bytes [`sha256`] feeds the hasher at a time, and so how often
/// [`sha256_with_progress`] reports.
pub const HASH_CHUNK: usize = 1 << 20;

/// A SHA-256 digest. Written as 64 lower-case hex digits, as `sha256sum`
/// prints it and as the manifest records it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256([u8; 32]);

impl Sha256 {
    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl From<[u8; 32]> for Sha256 {
    fn from(b: [u8; 32]) -> Self {
        Self(b)
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({})", self.to_hex())
    }
}

/// Why a text is not a SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid SHA-256 {0:?}: expected 64 hex digits")]
pub struct ParseSha256Error(pub String);

impl FromStr for Sha256 {
    type Err = ParseSha256Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseSha256Error(s.to_owned());
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(out))
    }
}

impl Serialize for Sha256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

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
        Sha256(out)
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
