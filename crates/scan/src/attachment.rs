//! Attachments: what goes into the dossier, with its size, pages and hash.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::hash::{Sha256, sha256};
use crate::limits::Limits;
use crate::media::{MediaType, sniff};
use crate::pdf_read;

/// What the manifest records of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    /// Its media type (always PDF for now).
    pub media_type: MediaType,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its page count.
    pub pages: u32,
    /// SHA-256 of its bytes.
    pub sha256: Sha256,
}

/// A produced attachment: its bytes and what the manifest records of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Size, pages, hash.
    pub info: AttachmentInfo,
}

/// Checks a PDF the user gave and describes it, never changing a byte: a
/// signed PDF must stay valid. Its size is checked first, then its type,
/// then its pages are counted and it is hashed.
///
/// ```
/// let pdf = std::fs::read("../../../shared/data/pdf/plain-empty-a4-page.pdf")
///     .or_else(|_| std::fs::read("/work/shared/data/pdf/plain-empty-a4-page.pdf"))?;
/// let info = motcua_scan::attach_pdf(&pdf, &motcua_scan::Limits::default())?;
/// assert_eq!(info.pages, 1);
/// assert_eq!(info.sha256, motcua_scan::sha256(&pdf));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attach_pdf(bytes: &[u8], limits: &Limits) -> Result<AttachmentInfo, Error> {
    limits.check_attachment_bytes(bytes.len() as u64)?;
    let media_type = sniff(bytes)?;
    if media_type != MediaType::Pdf {
        return Err(Error::NotAccepted {
            media_type,
            accept: vec![MediaType::Pdf],
        });
    }
    limits.check_accepts(MediaType::Pdf)?;
    let pages = pdf_read::count_pages(bytes)?;
    limits.check_pages(u64::from(pages))?;
    Ok(AttachmentInfo {
        media_type,
        bytes: bytes.len() as u64,
        pages,
        sha256: sha256(bytes),
    })
}
