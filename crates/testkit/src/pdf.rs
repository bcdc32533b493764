//! One-page PDFs for tests: of an exact size, different for every seed.
//!
//! The office sniffs what it receives and counts its pages, so a test file
//! must be a real PDF of one page; tests of chunking and rate limits need an
//! exact size, and tests of deduplication need files that differ. Two
//! layouts serve them:
//!
//! - [`Layout::Complete`]: what a PDF writer makes — catalog, page tree,
//!   page, a content stream of pseudo-random (incompressible) bytes, a
//!   cross-reference table and a trailer with `startxref`.
//! - [`Layout::Bare`]: three objects and a trailer without cross-reference
//!   table, padded with a comment of letters — the least the office's
//!   reader accepts, by recovering the objects without `xref`.

/// How the PDF is laid out (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Four objects, a cross-reference table, random bytes in a stream.
    Complete,
    /// Three objects, no cross-reference table, letters in a comment.
    Bare,
}

/// Builds a one-page PDF:
/// `OnePagePdf::new(7).len(90_000).build()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnePagePdf {
    seed: u64,
    len: usize,
    layout: Layout,
}

/// Filler bytes every PDF has at least, so that seeds always differ.
const MIN_FILLER: usize = 8;

impl OnePagePdf {
    /// A [`Layout::Complete`] PDF as small as it goes, its filler drawn
    /// from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            len: 0,
            layout: Layout::Complete,
        }
    }

    /// The same, in `layout`.
    pub fn layout(self, layout: Layout) -> Self {
        Self { layout, ..self }
    }

    /// Exactly `len` bytes long, or as small as the layout goes when `len`
    /// is smaller than that.
    pub fn len(self, len: usize) -> Self {
        Self { len, ..self }
    }

    /// The PDF's bytes.
    pub fn build(&self) -> Vec<u8> {
        match self.layout {
            Layout::Complete => complete(self.len, self.seed),
            Layout::Bare => bare(self.len, self.seed),
        }
    }
}

/// Pseudo-random bytes (SplitMix64): the same for the same seed.
fn filler(n: usize, seed: u64) -> impl Iterator<Item = u8> {
    let mut state = seed;
    (0..n).map(move |_| {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u8
    })
}

/// The complete layout with `n` filler bytes, up to and including the
/// cross-reference table; and where that table starts.
fn complete_body(n: usize, seed: u64) -> (Vec<u8>, usize) {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(4);
    let content = [
        format!("<< /Length {n} >>\nstream\n").into_bytes(),
        filler(n, seed).collect(),
        b"\nendstream".to_vec(),
    ]
    .concat();
    let objects: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        &content,
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        bytes.extend_from_slice(body);
        bytes.extend_from_slice(b"\nendobj\n");
    }
    let xref = bytes.len();
    bytes.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for offset in offsets {
        bytes.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    (bytes, xref)
}

/// The trailer after the table, with `pad` spaces inside its dictionary.
fn complete_trailer(xref: usize, pad: usize) -> Vec<u8> {
    let spaces = " ".repeat(pad);
    format!("trailer\n<< /Size 5 /Root 1 0 R{spaces} >>\nstartxref\n{xref}\n%%EOF\n").into_bytes()
}

fn complete(len: usize, seed: u64) -> Vec<u8> {
    let total = |n: usize| {
        let (body, xref) = complete_body(n, seed);
        body.len() + complete_trailer(xref, 0).len()
    };
    // The overhead grows with `n` only by the digits of `/Length` and of
    // the offsets, so this settles in a step or two; spaces in the trailer
    // make up what the last digit steps leave over.
    let mut n = len.saturating_sub(total(0)).max(MIN_FILLER);
    while n > MIN_FILLER && total(n) > len {
        n = n.saturating_sub(total(n) - len).max(MIN_FILLER);
    }
    let (mut bytes, xref) = complete_body(n, seed);
    let pad = len.saturating_sub(bytes.len() + complete_trailer(xref, 0).len());
    bytes.extend(complete_trailer(xref, pad));
    bytes
}

fn bare(len: usize, seed: u64) -> Vec<u8> {
    const HEAD: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n% ";
    const TAIL: &[u8] = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let n = len.saturating_sub(HEAD.len() + TAIL.len()).max(MIN_FILLER);
    let mut bytes = Vec::with_capacity(HEAD.len() + n + TAIL.len());
    bytes.extend_from_slice(HEAD);
    bytes.extend(filler(n, seed).map(|b| b'a' + b % 26));
    bytes.extend_from_slice(TAIL);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_exact_in_both_layouts() {
        for layout in [Layout::Complete, Layout::Bare] {
            for len in [600, 999, 1000, 1001, 2048, 10_000, 100_003, 256 * 1024] {
                let pdf = OnePagePdf::new(3).layout(layout).len(len).build();
                assert_eq!(pdf.len(), len, "{layout:?}");
                assert!(pdf.starts_with(b"%PDF-1.4\n"));
                assert!(pdf.ends_with(b"%%EOF\n"));
            }
        }
    }

    #[test]
    fn small_sizes_give_the_smallest_pdf_and_seeds_still_differ() {
        for layout in [Layout::Complete, Layout::Bare] {
            let a = OnePagePdf::new(1).layout(layout).len(1).build();
            let b = OnePagePdf::new(2).layout(layout).len(1).build();
            assert_eq!(a.len(), b.len());
            assert_ne!(a, b);
        }
    }

    #[test]
    fn the_cross_reference_table_points_at_the_objects() {
        let pdf = OnePagePdf::new(9).len(5000).build();
        let marker = b"startxref\n";
        let after = pdf
            .windows(marker.len())
            .rposition(|w| w == marker)
            .map(|i| i + marker.len())
            .unwrap_or_default();
        let digits: String = pdf[after..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|b| char::from(*b))
            .collect();
        let xref: usize = digits.parse().unwrap_or_default();
        assert!(pdf[xref..].starts_with(b"xref\n0 5\n0000000000 65535 f \n"));
        // Entries of 20 bytes each after the 29 bytes of the header and free entry.
        for i in 0..4 {
            let entry = xref + 29 + 20 * i;
            let offset: usize = std::str::from_utf8(&pdf[entry..entry + 10])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or_default();
            let object = format!("{} 0 obj\n", i + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{object}");
        }
    }
}
