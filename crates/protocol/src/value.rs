//! Small typed values of the protocol: ids, codes, names and digests.
//! Each has one wire spelling, checked when read.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use ring::rand::SecureRandom;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{RandomnessUnavailable, ValueError};

/// Implements `Display`, `Serialize` and `Deserialize` through the type's
/// `FromStr` and `Display` spelling.
macro_rules! string_wire {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// The random id of a dossier, chosen by the applicant's device when the
/// manifest is made. It is also the idempotency key of the submission: an
/// office that receives the same id twice keeps one dossier.
///
/// 122 random bits written as a lowercase UUID version 4 (RFC 9562 §5.4),
/// e.g. `0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierId([u8; 16]);

impl DossierId {
    /// A new random id from the system's secure random source.
    pub fn generate() -> Result<Self, RandomnessUnavailable> {
        let mut bytes = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| RandomnessUnavailable)?;
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Ok(Self(bytes))
    }

    /// The 16 bytes of the id.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for DossierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for DossierId {
    type Err = ValueError;

    /// Reads the lowercase hyphenated form (8-4-4-4-12 hex digits).
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let bad = || ValueError::DossierId(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
            return Err(bad());
        }
        let hex: Vec<u8> = b.iter().copied().filter(|c| *c != b'-').collect();
        let mut out = [0u8; 16];
        decode_hex(&hex, &mut out).ok_or_else(bad)?;
        Ok(Self(out))
    }
}

string_wire!(DossierId);

/// A SHA-256 digest (FIPS 180-4), written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256([u8; 32]);

impl Sha256 {
    /// The digest of `bytes`.
    pub fn digest(bytes: &[u8]) -> Self {
        let d = ring::digest::digest(&ring::digest::SHA256, bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }

    /// Reads `reader` to its end in fixed-size chunks and returns the
    /// digest and the number of bytes read. Memory use does not grow with
    /// the input.
    pub fn of_reader<R: Read>(mut reader: R) -> std::io::Result<(Self, u64)> {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            ctx.update(&buf[..n]);
            total += n as u64;
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        Ok((Self(out), total))
    }

    /// Wraps 32 digest bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 lowercase hex digits, as `sha256sum` prints them.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl From<[u8; 32]> for Sha256 {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({self})")
    }
}

impl FromStr for Sha256 {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        let mut out = [0u8; 32];
        if s.len() != 64 {
            return Err(ValueError::Digest(s.to_owned()));
        }
        decode_hex(s.as_bytes(), &mut out).ok_or_else(|| ValueError::Digest(s.to_owned()))?;
        Ok(Self(out))
    }
}

string_wire!(Sha256);

/// Lowercase hex only, so that each value has one spelling.
fn decode_hex(hex: &[u8], out: &mut [u8]) -> Option<()> {
    if hex.len() != out.len() * 2 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(())
}

/// Defines a string newtype whose characters and length are checked.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $variant:ident, $max:expr, $ok:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The value as written in the manifest.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ValueError;

            fn from_str(s: &str) -> Result<Self, ValueError> {
                let ok: fn(&str) -> bool = $ok;
                if !s.is_empty() && s.len() <= $max && ok(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(ValueError::$variant(s.to_owned()))
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        string_wire!($name);
    };
}

checked_string!(
    /// The code of the office chosen to receive the dossier, as listed in the
    /// backend directory: 1 to 64 ASCII letters, digits, `.`, `_`, `-` or
    /// `:`. For a commune-level office this is usually the 5-digit commune
    /// code of Decision 19/2025/QĐ-TTg, e.g. `00004`.
    OfficeCode,
    OfficeCode,
    64,
    |s| s.bytes().all(|c| c.is_ascii_alphanumeric() || b"._-:".contains(&c))
);

checked_string!(
    /// The id of a dossier component (thành phần hồ sơ) in the procedure
    /// schema, e.g. `birth_certificate`: 1 to 64 of `a-z`, `0-9`, `_`.
    ComponentId,
    ComponentId,
    64,
    |s| s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
);

checked_string!(
    /// A media type `type/subtype` (RFC 6838 §4.2) in lowercase without
    /// parameters, e.g. `application/pdf`.
    MediaType,
    MediaType,
    127,
    |s| {
        let token = |t: &str| {
            !t.is_empty()
                && t.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"!#$&-^_.+".contains(&c))
        };
        s.split_once('/').is_some_and(|(a, b)| token(a) && token(b))
    }
);

impl MediaType {
    /// `application/pdf`.
    pub fn pdf() -> Self {
        Self("application/pdf".to_owned())
    }

    /// `image/jpeg`.
    pub fn jpeg() -> Self {
        Self("image/jpeg".to_owned())
    }

    /// `image/png`.
    pub fn png() -> Self {
        Self("image/png".to_owned())
    }

    /// `application/octet-stream`, for bytes of unknown kind.
    pub fn octet_stream() -> Self {
        Self("application/octet-stream".to_owned())
    }
}

checked_string!(
    /// The file name of an attachment, also its name in the folder beside a
    /// sealed dossier: 1 to 255 bytes of UTF-8 without `/`, `\`, control
    /// characters or a leading `.`, so it can never leave that folder.
    FileName,
    FileName,
    255,
    |s| !s.starts_with('.') && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control())
);

checked_string!(
    /// The schema version of a procedure, as in its schema file, e.g.
    /// `2025.1`: 1 to 32 printable ASCII characters.
    SchemaVersion,
    SchemaVersion,
    32,
    |s| s.bytes().all(|c| c.is_ascii_graphic())
);

checked_string!(
    /// The program that made the manifest, e.g. `motcua-app/0.1.0`: 1 to 64
    /// printable ASCII characters.
    ClientVersion,
    ClientVersion,
    64,
    |s| s.bytes().all(|c| c.is_ascii_graphic())
);

checked_string!(
    /// The code an office gives a dossier it received (mã hồ sơ), e.g.
    /// `000.00.00.H01-261125-000123`: 1 to 128 printable ASCII characters
    /// without spaces. Its layout is the office's choice (DOMAIN.md: the
    /// national format is unconfirmed); the reference server's is documented
    /// in docs/intake-protocol.md.
    DossierCode,
    DossierCode,
    128,
    |s| s.bytes().all(|c| c.is_ascii_graphic())
);

checked_string!(
    /// A national procedure code (mã thủ tục), `d.dddddd`, e.g. `1.001193`.
    ProcedureCode,
    ProcedureCode,
    8,
    |s| {
        let b = s.as_bytes();
        b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
    }
);

/// The procedure a dossier is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureRef {
    /// National procedure code, e.g. `1.001193`.
    pub code: ProcedureCode,
    /// Version of the procedure schema the form was filled with.
    pub version: SchemaVersion,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossier_ids() {
        let id = DossierId::generate().unwrap();
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert_eq!(text.parse::<DossierId>().unwrap(), id);
        assert_ne!(DossierId::generate().unwrap(), id);
        for bad in [
            "",
            "0B6F6C2E-3F35-4D7A-9C8E-5C8C2B1F0A11",
            "0b6f6c2e3f354d7a9c8e5c8c2b1f0a11",
            "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a1",
            "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a1g",
            "0b6f6c2e-3f354-d7a-9c8e-5c8c2b1f0a11",
        ] {
            assert!(bad.parse::<DossierId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn digests() {
        let d = Sha256::digest(b"abc");
        assert_eq!(
            d.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.to_string().parse::<Sha256>().unwrap(), d);
        assert_eq!(Sha256::of_reader(&b"abc"[..]).unwrap(), (d, 3));
        assert!(d.to_string().to_uppercase().parse::<Sha256>().is_err());
    }

    #[test]
    fn checked_strings() {
        assert!("00004".parse::<OfficeCode>().is_ok());
        assert!("a b".parse::<OfficeCode>().is_err());
        assert!("birth_certificate".parse::<ComponentId>().is_ok());
        assert!("Birth".parse::<ComponentId>().is_err());
        assert!("application/pdf".parse::<MediaType>().is_ok());
        assert!("application/pdf; x=1".parse::<MediaType>().is_err());
        assert!("1.001193".parse::<ProcedureCode>().is_ok());
        for bad in [
            "",
            "1001193",
            "1.00119",
            "1.0011930",
            "a.001193",
            "1-001193",
        ] {
            assert!(bad.parse::<ProcedureCode>().is_err(), "{bad:?} accepted");
        }
        assert!("000.00.00.H01-261125-000123".parse::<DossierCode>().is_ok());
        assert!("a b".parse::<DossierCode>().is_err());
        assert!("giấy chứng sinh.pdf".parse::<FileName>().is_ok());
        for bad in [
            "", ".", "..", "../x.pdf", "a/b.pdf", "a\\b", "a\nb", ".hidden",
        ] {
            assert!(bad.parse::<FileName>().is_err(), "{bad:?} accepted");
        }
    }
}
