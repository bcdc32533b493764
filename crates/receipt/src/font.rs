//! The slip's one font, embedded whole as a CIDFontType2 font under a Type0
//! font with the Identity-H encoding: two-byte glyph ids in the content
//! stream, `CIDToGIDMap /Identity`, and a ToUnicode CMap so that the text
//! can be copied and searched (ISO 32000-1 §9.7, §9.10.3).
//!
//! Vietnamese needs no shaping when its text is precomposed (NFC, what
//! phones type): every letter with its marks is one glyph in the font.
//! Combining marks (U+0300…), typed by some keyboards, are zero-width
//! glyphs drawn over the letter before them, close enough without GPOS.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use ttf_parser::{Face, GlyphId};

use crate::error::Error;

/// `MOTCUA+`: the six-letter tag of a subset font (ISO 32000-1 §9.6.4).
const BASE_FONT: &[u8] = b"MOTCUA+DejaVuSans";

/// Drawn for a character the font lacks.
const REPLACEMENT: char = '?';

/// The font, and the glyphs the page used (for the widths and the
/// ToUnicode CMap).
pub(crate) struct Font<'a> {
    data: &'a [u8],
    face: Face<'a>,
    /// Glyph space to text space: 1000 / units per em.
    scale: f32,
    used: BTreeMap<u16, char>,
}

impl<'a> Font<'a> {
    /// Reads a TrueType font.
    pub(crate) fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let face = Face::parse(data, 0).map_err(Error::Font)?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        Ok(Self {
            data,
            face,
            scale,
            used: BTreeMap::new(),
        })
    }

    /// The glyph of `c`, of the replacement character where the font has
    /// none, else `.notdef`.
    fn glyph(&self, c: char) -> (GlyphId, char) {
        match self.face.glyph_index(c) {
            Some(g) => (g, c),
            None => (
                self.face.glyph_index(REPLACEMENT).unwrap_or(GlyphId(0)),
                REPLACEMENT,
            ),
        }
    }

    /// The advance of glyph `g` in text space units (1/1000 em).
    fn advance(&self, g: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * self.scale
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c).0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// `text` as the content stream shows it: big-endian glyph ids.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 * text.len());
        for c in text.chars() {
            let (g, shown) = self.glyph(c);
            self.used.entry(g.0).or_insert(shown);
            out.extend_from_slice(&g.0.to_be_bytes());
        }
        out
    }

    /// Writes the font's objects; `ids` are five free object numbers.
    pub(crate) fn write(&self, pdf: &mut Pdf, ids: FontRefs) {
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(ids.type0)
            .base_font(Name(BASE_FONT))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(ids.cid)
            .to_unicode(ids.to_unicode);

        let mut cid = pdf.cid_font(ids.cid);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(BASE_FONT))
            .system_info(system_info)
            .font_descriptor(ids.descriptor)
            .default_width(self.advance(GlyphId(0)))
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = cid.widths();
        for &g in self.used.keys() {
            widths.consecutive(g, [self.advance(GlyphId(g))]);
        }
        widths.finish();
        cid.finish();

        let bbox = self.face.global_bounding_box();
        let s = self.scale;
        pdf.font_descriptor(ids.descriptor)
            .name(Name(BASE_FONT))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * s,
                f32::from(bbox.y_min) * s,
                f32::from(bbox.x_max) * s,
                f32::from(bbox.y_max) * s,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * s)
            .descent(f32::from(self.face.descender()) * s)
            .cap_height(f32::from(self.face.capital_height().unwrap_or(self.face.ascender())) * s)
            .stem_v(80.0)
            .font_file2(ids.file);

        let mut cmap = UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), system_info);
        for (&g, &c) in &self.used {
            cmap.pair(g, c);
        }
        pdf.cmap(ids.to_unicode, &cmap.finish());

        // TrueType outlines compress to about half.
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(self.data, 9);
        pdf.stream(ids.file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), self.data.len() as i32);
    }
}

/// The object numbers of the font's five objects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FontRefs {
    pub(crate) type0: Ref,
    pub(crate) cid: Ref,
    pub(crate) descriptor: Ref,
    pub(crate) to_unicode: Ref,
    pub(crate) file: Ref,
}
