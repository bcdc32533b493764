//! Assembling page images into one PDF (ISO 32000-1) with pdf-writer.

use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};
use serde::{Deserialize, Serialize};

use crate::attachment::{Attachment, AttachmentInfo};
use crate::error::Error;
use crate::hash::{Sha256Hasher, sha256};
use crate::limits::Limits;
use crate::media::MediaType;
use crate::page::PageImage;

/// A4 in PostScript points (ISO 216: 210 × 297 mm, 72 points an inch).
pub const A4_POINTS: (f32, f32) = (595.276, 841.89);

/// What the PDF says about itself. Nothing time-dependent is written unless
/// given here, so that the same pages and metadata give the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfMeta {
    /// Document title (`/Title`), e.g. the dossier component's name.
    pub title: Option<String>,
    /// Creation time (`/CreationDate`), in UTC.
    pub created: Option<PdfDate>,
}

/// A moment in UTC for the PDF's `/CreationDate` (ISO 32000-1 §7.9.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfDate {
    /// Year, 0–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
}

/// The `/Producer` written in every PDF made here.
pub const PRODUCER: &str = "motcua";

/// Puts the pages, in order, into one PDF and hashes it.
///
/// Each page is an A4 page (landscape for a wider-than-tall image) with the
/// image scaled to fit and centred. The JPEG bytes are embedded as they are
/// (`/DCTDecode`), so nothing is encoded twice. The file identifier (`/ID`)
/// is derived from the content. Limits: the page count and the accepted type
/// before assembling, the size of the pages' JPEGs before assembling, and the
/// PDF's size after.
pub fn assemble_pdf(
    pages: &[PageImage],
    meta: &PdfMeta,
    limits: &Limits,
) -> Result<Attachment, Error> {
    if pages.is_empty() {
        return Err(Error::NoPages);
    }
    limits.check_accepts(MediaType::Pdf)?;
    limits.check_pages(pages.len() as u64)?;
    // The PDF is larger than its images: refuse before copying them.
    limits.check_attachment_bytes(pages.iter().map(|p| p.jpeg().len() as u64).sum())?;

    let mut pdf = Pdf::with_capacity(pages.iter().map(|p| p.jpeg().len()).sum::<usize>() + 4096);
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(4 + 3 * i as i32))
        .collect();

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id);
    if meta.title.is_some() {
        catalog.viewer_preferences().display_doc_title(true);
    }
    catalog.finish();
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);

    for (page, &page_id) in pages.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let image_id = Ref::new(page_id.get() + 2);
        let (pw, ph) = if page.width() > page.height() {
            (A4_POINTS.1, A4_POINTS.0)
        } else {
            A4_POINTS
        };
        let (w, h) = (page.width() as f32, page.height() as f32);
        let scale = (pw / w).min(ph / h);
        let (dw, dh) = (w * scale, h * scale);
        let (x, y) = ((pw - dw) / 2.0, (ph - dh) / 2.0);

        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, pw, ph));
        p.parent(tree_id);
        p.contents(content_id);
        p.resources().x_objects().pair(Name(b"Im0"), image_id);
        p.finish();

        let mut content = Content::new();
        content.save_state();
        content.transform([dw, 0.0, 0.0, dh, x, y]);
        content.x_object(Name(b"Im0"));
        content.restore_state();
        pdf.stream(content_id, &content.finish());

        let mut image = pdf.image_xobject(image_id, page.jpeg());
        image.filter(Filter::DctDecode);
        image.width(page.width() as i32);
        image.height(page.height() as i32);
        if page.gray() {
            image.color_space().device_gray();
        } else {
            image.color_space().device_rgb();
        }
        image.bits_per_component(8);
        image.finish();
    }

    let mut info = pdf.document_info(info_id);
    if let Some(title) = &meta.title {
        info.title(TextStr(title));
    }
    info.producer(TextStr(PRODUCER));
    if let Some(d) = meta.created {
        info.creation_date(
            Date::new(d.year)
                .month(d.month)
                .day(d.day)
                .hour(d.hour)
                .minute(d.minute)
                .second(d.second)
                .utc_offset_hour(0),
        );
    }
    info.finish();

    let id = file_id(pages, meta);
    pdf.set_file_id((id.clone(), id));
    let bytes = pdf.finish();
    limits.check_attachment_bytes(bytes.len() as u64)?;
    let info = AttachmentInfo {
        media_type: MediaType::Pdf,
        bytes: bytes.len() as u64,
        pages: pages.len() as u32,
        sha256: sha256(&bytes),
    };
    Ok(Attachment { bytes, info })
}

/// The file identifier (ISO 32000-1 §14.4): the first 16 bytes of a SHA-256
/// over the metadata and every page, so that it is unique to the content yet
/// the same each time the same content is assembled.
fn file_id(pages: &[PageImage], meta: &PdfMeta) -> Vec<u8> {
    let mut h = Sha256Hasher::new();
    h.update(b"motcua-scan pdf id v1\0");
    if let Some(title) = &meta.title {
        h.update(&(title.len() as u64).to_be_bytes());
        h.update(title.as_bytes());
    }
    if let Some(d) = meta.created {
        h.update(&[
            b'D',
            (d.year >> 8) as u8,
            d.year as u8,
            d.month,
            d.day,
            d.hour,
            d.minute,
            d.second,
        ]);
    }
    for page in pages {
        h.update(&page.width().to_be_bytes());
        h.update(&page.height().to_be_bytes());
        h.update(&(page.jpeg().len() as u64).to_be_bytes());
        h.update(page.jpeg());
    }
    h.finish().as_bytes()[..16].to_vec()
}
