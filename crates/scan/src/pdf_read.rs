//! Counting the pages of a PDF the user gave, without changing it.
//!
//! A small reader of the PDF file structure (ISO 32000-1 §7.3 objects, §7.5
//! file structure): it follows `startxref` through cross-reference tables and
//! streams (incremental updates, as in signed PDFs, and hybrid files),
//! object streams, and the page tree, counting its leaves. Where offsets are
//! wrong it rebuilds the object index by scanning for `N G obj`, as qpdf and
//! pdf.js do. Every loop is bounded, recursion is depth-limited and inflating
//! is capped, so garbage gives an error, never a panic or a hang.
//!
//! Its parts, by job: [`lexer`] (tokens and direct objects), [`objects`]
//! (indirect objects, streams, object streams), [`xref`] (the index of
//! where objects are: read, or rebuilt by scanning) and [`pages`] (the
//! page tree). This file holds the limits and the document they share.

use std::collections::HashMap;

use crate::error::Error;
use crate::media::MediaType;

mod lexer;
mod objects;
mod pages;
mod xref;

use lexer::Value;
use xref::Entry;

/// Nesting of arrays and dictionaries deeper than this is refused.
const MAX_DEPTH: usize = 64;
/// Most cross-reference sections followed through `/Prev`.
const MAX_SECTIONS: usize = 256;
/// Most bytes one stream may inflate to.
const MAX_STREAM: usize = 64 << 20;
/// Most bytes all inflated streams together may take.
const MAX_INFLATED: usize = 256 << 20;
/// Most page-tree nodes visited.
const MAX_NODES: usize = 1_000_000;

/// The page count of a PDF, from its page tree.
pub(crate) fn count_pages(data: &[u8]) -> Result<u32, Error> {
    let mut doc = Doc::new(data);
    doc.load_xref();
    let mut roots = doc.trailer_roots.clone();
    let mut count = doc.count_from(&roots);
    if count.is_none() {
        // The cross-reference data is damaged: rebuild the index by scanning.
        doc.scan();
        roots.extend(doc.scanned_roots());
        count = doc.count_from(&roots);
    }
    match count {
        Some(n) => u32::try_from(n).map_err(|_| malformed("page count out of range")),
        None if doc.encrypted => Err(Error::Unsupported {
            media_type: MediaType::Pdf,
            detail: "encrypted PDF whose page tree cannot be read".into(),
        }),
        None => Err(malformed("no readable page tree")),
    }
}

fn malformed(detail: &str) -> Error {
    Error::Malformed {
        media_type: MediaType::Pdf,
        detail: detail.to_owned(),
    }
}

/// One document being read: its bytes, the index built so far, and the
/// budgets the limits above are counted against.
struct Doc<'a> {
    data: &'a [u8],
    xref: HashMap<u32, Entry>,
    trailer_roots: Vec<u32>,
    encrypted: bool,
    scanned: Option<HashMap<u32, usize>>,
    object_streams: HashMap<u32, Option<HashMap<u32, Value>>>,
    inflated: usize,
    resolving: usize,
}

impl<'a> Doc<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            xref: HashMap::new(),
            trailer_roots: Vec::new(),
            encrypted: false,
            scanned: None,
            object_streams: HashMap::new(),
            inflated: 0,
            resolving: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media;

    fn pdf_with_pages(n: usize) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i)).collect();
        let mut objs = vec![
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")),
        ];
        for _ in 0..n {
            objs.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".into());
        }
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .bytes(),
        );
        out
    }

    #[test]
    fn counts_a_classic_file() {
        assert_eq!(count_pages(&pdf_with_pages(3)), Ok(3));
    }

    #[test]
    fn survives_a_wrong_xref_offset() {
        let mut pdf = pdf_with_pages(2);
        let at = media::rfind(&pdf, b"startxref").unwrap_or(0) + 10;
        pdf[at] = b'9';
        assert_eq!(count_pages(&pdf), Ok(2));
    }

    #[test]
    fn refuses_cycles_and_garbage() {
        let cyclic = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [2 0 R] >> endobj\ntrailer << /Root 1 0 R >>\n";
        assert!(count_pages(cyclic).is_err());
        let deep = [b"%PDF-1.4\n1 0 obj ".as_slice(), &[b'['; 10_000]].concat();
        assert!(count_pages(&deep).is_err());
        assert!(count_pages(b"%PDF-1.4\ngarbage").is_err());
        let pdf = pdf_with_pages(2);
        for cut in (0..pdf.len()).step_by(7) {
            let _ = count_pages(&pdf[..cut]);
        }
    }
}
