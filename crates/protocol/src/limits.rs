//! What an office accepts: the one limits type the server announces, the
//! directory states and the client checks before doing work.

use serde::{Deserialize, Serialize};

/// Limits on the dossiers an office accepts.
///
/// The intake server announces all four in its capabilities
/// (`GET /.well-known/motcua`); an office directory may state any of them.
/// A limit that is absent on the wire means the office states none, and is
/// read as unbounded ([`Limits::UNBOUNDED`]), so each value is checked the
/// same way wherever it came from. All four are always written: the app's
/// worker messages (bincode) need every field in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limits {
    /// Most bytes of one attachment.
    #[serde(default = "unbounded")]
    pub max_attachment_bytes: u64,
    /// Most attachments in one dossier.
    #[serde(default = "unbounded_count")]
    pub max_attachments: u32,
    /// Most bytes of all attachments of one dossier.
    #[serde(default = "unbounded")]
    pub max_dossier_bytes: u64,
    /// Most bytes of a sealed dossier file (the manifest with its seal).
    #[serde(default = "unbounded")]
    pub max_manifest_bytes: u64,
}

fn unbounded() -> u64 {
    u64::MAX
}

fn unbounded_count() -> u32 {
    u32::MAX
}

/// The reference intake server's limits: 20 MiB an attachment, 30
/// attachments and 100 MiB a dossier, 1 MiB of sealed manifest. Clients
/// that know nothing of an office also plan with these.
impl Default for Limits {
    fn default() -> Self {
        Self {
            max_attachment_bytes: 20 * 1024 * 1024,
            max_attachments: 30,
            max_dossier_bytes: 100 * 1024 * 1024,
            max_manifest_bytes: 1024 * 1024,
        }
    }
}

impl Limits {
    /// No limit at all.
    pub const UNBOUNDED: Self = Self {
        max_attachment_bytes: u64::MAX,
        max_attachments: u32::MAX,
        max_dossier_bytes: u64::MAX,
        max_manifest_bytes: u64::MAX,
    };

    /// Whether no limit is set.
    pub fn is_unbounded(&self) -> bool {
        *self == Self::UNBOUNDED
    }

    /// Both sets of limits at once: the tighter of each pair.
    #[must_use]
    pub fn tightest(self, other: Self) -> Self {
        Self {
            max_attachment_bytes: self.max_attachment_bytes.min(other.max_attachment_bytes),
            max_attachments: self.max_attachments.min(other.max_attachments),
            max_dossier_bytes: self.max_dossier_bytes.min(other.max_dossier_bytes),
            max_manifest_bytes: self.max_manifest_bytes.min(other.max_manifest_bytes),
        }
    }
}

/// A limit that a dossier goes over, as [`Limits::first_exceeded`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    /// What was counted, in English: `sealed dossier bytes`, `attachments`,
    /// `bytes of one attachment` or `bytes of all attachments`.
    pub what: &'static str,
    /// The limit.
    pub limit: u64,
    /// What the dossier has.
    pub found: u64,
}

impl Limits {
    /// The first limit a sealed dossier of `sealed_bytes` with attachments
    /// of `sizes` bytes goes over, in the order the client reports them:
    /// the sealed file, the number of attachments, the largest attachment,
    /// their total.
    pub fn first_exceeded(&self, sealed_bytes: u64, sizes: &[u64]) -> Option<Exceeded> {
        let total = sizes.iter().fold(0u64, |sum, s| sum.saturating_add(*s));
        let largest = sizes.iter().copied().max().unwrap_or(0);
        [
            (
                "sealed dossier bytes",
                self.max_manifest_bytes,
                sealed_bytes,
            ),
            (
                "attachments",
                u64::from(self.max_attachments),
                sizes.len() as u64,
            ),
            (
                "bytes of one attachment",
                self.max_attachment_bytes,
                largest,
            ),
            ("bytes of all attachments", self.max_dossier_bytes, total),
        ]
        .into_iter()
        .find(|(_, limit, found)| found > limit)
        .map(|(what, limit, found)| Exceeded { what, limit, found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_limits_are_unbounded() {
        let stated: Limits = serde_json::from_str(r#"{"max_attachments":4}"#).unwrap();
        assert_eq!(stated.max_attachments, 4);
        assert_eq!(stated.max_attachment_bytes, u64::MAX);
        let again: Limits = serde_json::from_str(&serde_json::to_string(&stated).unwrap()).unwrap();
        assert_eq!(again, stated);
        let none: Limits = serde_json::from_str("{}").unwrap();
        assert!(none.is_unbounded());
    }

    #[test]
    fn the_defaults_are_written_in_full() {
        let json = serde_json::to_value(Limits::default()).unwrap();
        assert_eq!(json["max_attachment_bytes"], 20 * 1024 * 1024);
        assert_eq!(json["max_attachments"], 30);
        assert_eq!(json["max_dossier_bytes"], 100 * 1024 * 1024);
        assert_eq!(json["max_manifest_bytes"], 1024 * 1024);
    }

    #[test]
    fn the_first_limit_exceeded_is_reported() {
        let limits = Limits {
            max_attachments: 2,
            max_attachment_bytes: 100,
            max_dossier_bytes: 150,
            max_manifest_bytes: 10,
        };
        assert_eq!(limits.first_exceeded(10, &[100, 50]), None);
        let over = |sealed, sizes: &[u64]| limits.first_exceeded(sealed, sizes).map(|e| e.what);
        assert_eq!(over(11, &[]), Some("sealed dossier bytes"));
        assert_eq!(over(1, &[1, 1, 1]), Some("attachments"));
        assert_eq!(over(1, &[101]), Some("bytes of one attachment"));
        assert_eq!(over(1, &[100, 51]), Some("bytes of all attachments"));
        assert_eq!(
            Limits::UNBOUNDED.first_exceeded(u64::MAX, &[u64::MAX; 3]),
            None
        );
    }

    #[test]
    fn the_tighter_limit_wins() {
        let office = Limits {
            max_attachments: 4,
            ..Limits::UNBOUNDED
        };
        let both = Limits::default().tightest(office);
        assert_eq!(both.max_attachments, 4);
        assert_eq!(both.max_attachment_bytes, 20 * 1024 * 1024);
    }
}
