//! Limits on attachments, checked before the work they would cost.

use motcua_protocol::AttachmentRule;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::media::MediaType;

/// Limits for making one attachment. Fill it from the dossier component's
/// rule and the office's capabilities with [`Limits::for_component`]; the
/// defaults are generous bounds that protect the device.
///
/// Each is checked as early as it can be: input bytes before reading, pixels
/// from the headers before decoding, pages before assembling, the output's
/// bytes once it exists (for a user's PDF, before anything else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// What the component accepts; photos become `application/pdf`.
    pub accept: Vec<MediaType>,
    /// Most bytes of one input photo, before it is processed.
    pub max_input_bytes: u64,
    /// Most pixels of one input photo, read from its headers.
    pub max_pixels: u64,
    /// Most pages of the attachment.
    pub max_pages: u32,
    /// Most bytes of the attachment produced (or given, for a PDF).
    pub max_attachment_bytes: u64,
    /// Most bytes of all the dossier's attachments together.
    pub max_dossier_bytes: u64,
    /// Bytes the dossier's other attachments already take.
    pub dossier_bytes_used: u64,
}

/// Default bound on one input photo: 64 MB (far above any phone JPEG).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64_000_000;
/// Default bound on pixels: 100 MP, which admits 48, 50 and 64 MP phone
/// sensors; decoding costs 3 bytes a pixel (300 MB at this bound).
pub const DEFAULT_MAX_PIXELS: u64 = 100_000_000;

impl Default for Limits {
    fn default() -> Self {
        Self {
            accept: vec![MediaType::Pdf],
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
            max_pages: 100,
            max_attachment_bytes: 50_000_000,
            max_dossier_bytes: 200_000_000,
            dossier_bytes_used: 0,
        }
    }
}

impl Limits {
    /// Limits for a dossier component: its rule (accepted types, pages,
    /// bytes) within the office's bounds, the tighter of the two winning.
    pub fn for_component(rule: &AttachmentRule, office: &motcua_protocol::Limits) -> Self {
        Self {
            accept: rule
                .accept
                .iter()
                .filter_map(|t| MediaType::from_media_type(t))
                .collect(),
            max_pages: rule.max_pages,
            max_attachment_bytes: rule.max_bytes.min(office.max_attachment_bytes),
            max_dossier_bytes: office.max_dossier_bytes,
            ..Self::default()
        }
    }

    /// With `used` bytes already taken by the dossier's other attachments.
    pub fn with_dossier_bytes_used(mut self, used: u64) -> Self {
        self.dossier_bytes_used = used;
        self
    }

    /// Refuses an attachment of a type the component does not accept.
    pub fn check_accepts(&self, media_type: MediaType) -> Result<(), Error> {
        if self.accept.contains(&media_type) {
            Ok(())
        } else {
            Err(Error::NotAccepted {
                media_type,
                accept: self.accept.clone(),
            })
        }
    }

    /// Refuses an input photo over [`Limits::max_input_bytes`].
    pub fn check_input_bytes(&self, bytes: u64) -> Result<(), Error> {
        if bytes > self.max_input_bytes {
            return Err(Error::FileTooLarge {
                bytes,
                max: self.max_input_bytes,
            });
        }
        Ok(())
    }

    /// Refuses an image whose headers declare more than [`Limits::max_pixels`].
    pub fn check_pixels(&self, width: u32, height: u32) -> Result<(), Error> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(Error::TooManyPixels {
                width,
                height,
                max: self.max_pixels,
            });
        }
        Ok(())
    }

    /// Refuses more than [`Limits::max_pages`] pages; call it before
    /// processing the photo that would be one too many.
    pub fn check_pages(&self, pages: u64) -> Result<(), Error> {
        if pages > u64::from(self.max_pages) {
            return Err(Error::TooManyPages {
                pages,
                max: self.max_pages,
            });
        }
        Ok(())
    }

    /// Refuses an attachment over [`Limits::max_attachment_bytes`], or one
    /// that would take the dossier over [`Limits::max_dossier_bytes`].
    pub fn check_attachment_bytes(&self, bytes: u64) -> Result<(), Error> {
        if bytes > self.max_attachment_bytes {
            return Err(Error::AttachmentTooLarge {
                bytes,
                max: self.max_attachment_bytes,
            });
        }
        let total = self.dossier_bytes_used.saturating_add(bytes);
        if total > self.max_dossier_bytes {
            return Err(Error::DossierTooLarge {
                total,
                max: self.max_dossier_bytes,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_and_office_combine() {
        let rule = AttachmentRule {
            accept: vec!["application/pdf".into(), "image/gif".into()],
            max_pages: 10,
            max_bytes: 5_000_000,
        };
        let office = motcua_protocol::Limits {
            max_attachment_bytes: 3_000_000,
            max_dossier_bytes: 8_000_000,
            ..motcua_protocol::Limits::UNBOUNDED
        };
        let limits = Limits::for_component(&rule, &office).with_dossier_bytes_used(6_000_000);
        assert_eq!(limits.accept, vec![MediaType::Pdf]);
        assert_eq!(limits.max_attachment_bytes, 3_000_000);
        assert!(limits.check_pages(10).is_ok());
        assert_eq!(
            limits.check_pages(11),
            Err(Error::TooManyPages { pages: 11, max: 10 })
        );
        assert!(limits.check_attachment_bytes(2_000_000).is_ok());
        assert_eq!(
            limits.check_attachment_bytes(2_500_000),
            Err(Error::DossierTooLarge {
                total: 8_500_000,
                max: 8_000_000
            })
        );
        assert_eq!(
            limits.check_attachment_bytes(3_000_001),
            Err(Error::AttachmentTooLarge {
                bytes: 3_000_001,
                max: 3_000_000
            })
        );
        assert!(limits.check_accepts(MediaType::Jpeg).is_err());
    }
}
