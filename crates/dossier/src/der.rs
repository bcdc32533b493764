//! Just enough DER (ITU-T X.690) and PEM (RFC 7468) to read PKCS#8 private
//! keys, SubjectPublicKeyInfo and X.509 certificates. Parsing only; every
//! length is checked against the bytes at hand.

use zeroize::Zeroizing;

use crate::b64;
use crate::error::Error;

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
/// `[0]` constructed, explicit (certificate version).
pub(crate) const CONTEXT_0: u8 = 0xa0;

/// Object identifiers, as their DER content bytes.
pub(crate) mod oid {
    /// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 appendix C).
    pub(crate) const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-RSASSA-PSS, 1.2.840.113549.1.1.10 (RFC 8017 appendix C).
    pub(crate) const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480 §2.1.1).
    pub(crate) const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// secp256r1, 1.2.840.10045.3.1.7 (RFC 5480 §2.1.1.1).
    pub(crate) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34.
    pub(crate) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// secp521r1, 1.3.132.0.35.
    pub(crate) const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    /// id-Ed25519, 1.3.101.112 (RFC 8410 §3).
    pub(crate) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    /// id-Ed448, 1.3.101.113 (RFC 8410 §3).
    pub(crate) const ED448: &[u8] = &[0x2b, 0x65, 0x71];
    /// id-at-commonName, 2.5.4.3 (RFC 5280 appendix A).
    pub(crate) const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
}

/// A cursor over a run of DER elements.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Der<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Der<'a> {
    /// Reads `bytes`; `what` names the structure in errors.
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { rest: bytes, what }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn fail(&self, reason: &'static str) -> Error {
        Error::Der {
            what: self.what,
            reason,
        }
    }

    /// The next element: its tag, its content and its whole encoding.
    pub(crate) fn next(&mut self) -> Result<(u8, &'a [u8], &'a [u8]), Error> {
        let all = self.rest;
        let [tag, first, rest @ ..] = all else {
            return Err(self.fail("ends early"));
        };
        if tag & 0x1f == 0x1f {
            return Err(self.fail("uses a multi-byte tag"));
        }
        let (len, rest) = match *first {
            n if n < 0x80 => (usize::from(n), rest),
            0x80 => return Err(self.fail("uses an indefinite length")),
            n => {
                let count = usize::from(n & 0x7f);
                if count > 4 || rest.len() < count {
                    return Err(self.fail("has a length that does not fit"));
                }
                let (len_bytes, rest) = rest.split_at(count);
                if len_bytes[0] == 0 {
                    return Err(self.fail("has a non-minimal length"));
                }
                let len = len_bytes
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
                if len < 0x80 {
                    return Err(self.fail("has a non-minimal length"));
                }
                (len, rest)
            }
        };
        if rest.len() < len {
            return Err(self.fail("ends early"));
        }
        let (content, rest) = rest.split_at(len);
        let header = all.len() - rest.len() - len;
        let whole = &all[..header + len];
        self.rest = rest;
        Ok((*tag, content, whole))
    }

    /// The content of the next element, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<&'a [u8], Error> {
        let (found, content, _) = self.next()?;
        if found == tag {
            Ok(content)
        } else {
            Err(self.fail("has an unexpected element"))
        }
    }

    /// The whole encoding of the next element, which must have `tag`.
    pub(crate) fn expect_whole(&mut self, tag: u8) -> Result<&'a [u8], Error> {
        let (found, _, whole) = self.next()?;
        if found == tag {
            Ok(whole)
        } else {
            Err(self.fail("has an unexpected element"))
        }
    }

    /// Skips the next element if it has `tag`.
    pub(crate) fn skip_if(&mut self, tag: u8) -> Result<(), Error> {
        if self.rest.first() == Some(&tag) {
            self.next()?;
        }
        Ok(())
    }

    /// A cursor over the content of the next element, which must have `tag`.
    pub(crate) fn enter(&mut self, tag: u8) -> Result<Self, Error> {
        let content = self.expect(tag)?;
        Ok(Self::new(content, self.what))
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(self.fail("has trailing bytes"))
        }
    }

    /// The magnitude of a non-negative INTEGER, without leading zero bytes.
    pub(crate) fn unsigned_integer(&mut self) -> Result<&'a [u8], Error> {
        let content = self.expect(INTEGER)?;
        match content {
            [] => Err(self.fail("has an empty integer")),
            [first, ..] if first & 0x80 != 0 => Err(self.fail("has a negative integer")),
            _ => {
                let start = content
                    .iter()
                    .position(|b| *b != 0)
                    .unwrap_or(content.len());
                Ok(&content[start..])
            }
        }
    }
}

/// An AlgorithmIdentifier: the OID and the raw parameters (RFC 5280 §4.1.1.2).
pub(crate) fn algorithm_identifier<'a>(
    der: &mut Der<'a>,
) -> Result<(&'a [u8], Option<&'a [u8]>), Error> {
    let mut seq = der.enter(SEQUENCE)?;
    let oid = seq.expect(OID)?;
    let params = if seq.is_empty() {
        None
    } else {
        let (tag, content, _) = seq.next()?;
        if tag == NULL { None } else { Some(content) }
    };
    seq.finish()?;
    Ok((oid, params))
}

/// One PEM block (RFC 7468): its label and decoded bytes.
#[derive(Debug)]
pub(crate) struct PemBlock {
    pub(crate) label: String,
    /// Wiped on drop: a block may hold a private key.
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// Every PEM block in `text`, in order. Text outside blocks is ignored, as
/// RFC 7468 §2 allows (OpenSSL writes "Bag Attributes" there).
pub(crate) fn pem_blocks(text: &str) -> Result<Vec<PemBlock>, Error> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = Zeroizing::new(String::new());
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.contains(':') {
                return Err(Error::Pem {
                    reason: "encrypted PEM headers (Proc-Type, DEK-Info) are not supported",
                });
            }
            body.push_str(line);
        }
        if !closed {
            return Err(Error::Pem {
                reason: "a block has no END line",
            });
        }
        let der = b64::decode_std("PEM body", &body).map_err(|_| Error::Pem {
            reason: "a block is not valid base64",
        })?;
        blocks.push(PemBlock {
            label: label.to_owned(),
            der: Zeroizing::new(der),
        });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let mut d = Der::new(&[0x04, 0x81, 0x80], "t");
        assert!(d.next().is_err(), "short content accepted");
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        let mut d = Der::new(&long, "t");
        let (tag, content, whole) = d.next().unwrap();
        assert_eq!((tag, content.len(), whole.len()), (0x04, 0x80, 0x83));
        for bad in [
            &[0x04, 0x80][..],
            &[0x04, 0x81, 0x05, 1, 2, 3, 4, 5],
            &[0x04, 0x85, 1, 1, 1, 1, 1],
        ] {
            assert!(Der::new(bad, "t").next().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn unsigned_integers() {
        let mut d = Der::new(&[0x02, 0x03, 0x00, 0x80, 0x01], "t");
        assert_eq!(d.unsigned_integer().unwrap(), &[0x80, 0x01]);
        let mut d = Der::new(&[0x02, 0x01, 0x80], "t");
        assert!(d.unsigned_integer().is_err());
    }

    #[test]
    fn pem() {
        let text = "junk\n-----BEGIN X-----\nAAEC\nAw==\n-----END X-----\n";
        let blocks = pem_blocks(text).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            (blocks[0].label.as_str(), blocks[0].der.as_slice()),
            ("X", &[0, 1, 2, 3][..])
        );
        assert!(pem_blocks("-----BEGIN X-----\nAAEC\n").is_err());
    }
}
