//! The slip as a one-page A4 PDF: the layout of the counter's form (office
//! and national motto on top, the title, the fields, the QR code), and the
//! signed receipt embedded as a file.

use motcua_protocol::{Lang, LocalizedText};
use pdf_writer::types::{AnnotationIcon, AnnotationType, AssociationKind, TextRenderingMode};
use pdf_writer::{Content, Date as PdfDate, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::error::Error;
use crate::font::{Font, FontRefs};
use crate::qr::Qr;
use crate::slip::{Slip, date_words, moment_words};

/// A4 in points (ISO 216: 210 × 297 mm).
const PAGE: (f32, f32) = (595.276, 841.89);
/// 20 mm.
const MARGIN: f32 = 56.69;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE.0 - MARGIN;
const WIDTH: f32 = RIGHT - LEFT;

/// The fields' label column.
const LABEL_WIDTH: f32 = 132.0;
const VALUE_X: f32 = LEFT + LABEL_WIDTH + 8.0;
const TEXT_SIZE: f32 = 11.0;
const LINE: f32 = 15.0;
/// A value longer than this many lines ends in "…" (the embedded receipt
/// keeps every word; a page must stay one page).
const MAX_VALUE_LINES: usize = 6;

/// The QR code's side: 46 mm, readable by any phone at arm's length.
const QR_SIZE: f32 = 130.0;

/// Who made the file (the document information dictionary).
const PRODUCER: &str = "motcua";

/// The slip as PDF bytes, with `font` (a TrueType font with Vietnamese
/// letters) embedded and the receipt record embedded as a file. Labels are
/// in `lang`; the national motto and the title are always Vietnamese, as on
/// the counter's form. The same slip and font always give the same bytes.
pub fn render(slip: &Slip, font: &[u8], lang: Lang) -> Result<Vec<u8>, Error> {
    let qr = Qr::new(&slip.qr_text)?;
    let mut page = Page {
        font: Font::parse(font)?,
        content: Content::new(),
    };
    let json_name = slip.json_file_name();

    let mut y = header(&mut page, slip);
    y = title(&mut page, slip, lang, y - 34.0);
    y = fields(&mut page, slip, lang, y - 22.0);
    y = qr_block(&mut page, &qr, lang, y - 16.0);
    let attachment_at = footer(&mut page, lang, &json_name, y);

    let refs = Refs::new();
    let mut pdf = Pdf::new();

    let mut catalog = pdf.catalog(refs.catalog);
    catalog.pages(refs.pages);
    catalog.lang(TextStr("vi"));
    catalog.viewer_preferences().display_doc_title(true);
    catalog
        .names()
        .embedded_files()
        .names()
        .insert(Str(json_name.as_bytes()), refs.file_spec);
    // PDF 2.0 §14.13 / PDF/A-3: the document was made from this file.
    catalog.insert(Name(b"AF")).array().item(refs.file_spec);
    catalog.finish();

    pdf.pages(refs.pages).kids([refs.page]).count(1);
    let mut p = pdf.page(refs.page);
    p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
        .parent(refs.pages)
        .contents(refs.content);
    p.resources().fonts().pair(Name(b"F1"), refs.font.type0);
    p.annotations([refs.annotation]);
    p.finish();

    let content = page.content.finish();
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 9);
    pdf.stream(refs.content, &packed)
        .filter(Filter::FlateDecode);
    page.font.write(&mut pdf, refs.font);

    let received = pdf_date(slip);
    let description = text(
        lang,
        "Giấy tiếp nhận điện tử có chữ ký của cơ quan tiếp nhận",
        "The receiving office's signed electronic receipt",
    );
    pdf.file_spec(refs.file_spec)
        .path(Str(json_name.as_bytes()))
        .unic_file(TextStr(&json_name))
        .description(TextStr(&description))
        .association_kind(AssociationKind::Source)
        .embedded_file_with_unicode(refs.embedded);
    // Not compressed: the signed bytes stay readable in the file as they are.
    let mut embedded = pdf.embedded_file(refs.embedded, &slip.receipt_json);
    embedded.subtype(Name(b"application/json"));
    embedded
        .params()
        .size(slip.receipt_json.len() as i32)
        .modification_date(received);
    embedded.finish();

    pdf.annotation(refs.annotation)
        .subtype(AnnotationType::FileAttachment)
        .rect(attachment_at)
        .contents(TextStr(&description))
        .icon(AnnotationIcon::Paperclip)
        .pair(Name(b"FS"), refs.file_spec);

    let title = format!("Giấy tiếp nhận hồ sơ {}", slip.dossier_code);
    pdf.document_info(refs.info)
        .title(TextStr(&title))
        .producer(TextStr(PRODUCER))
        .creation_date(received);
    Ok(pdf.finish())
}

/// Object numbers.
struct Refs {
    catalog: Ref,
    pages: Ref,
    page: Ref,
    content: Ref,
    font: FontRefs,
    file_spec: Ref,
    embedded: Ref,
    annotation: Ref,
    info: Ref,
}

impl Refs {
    fn new() -> Self {
        Self {
            catalog: Ref::new(1),
            pages: Ref::new(2),
            page: Ref::new(3),
            content: Ref::new(4),
            font: FontRefs {
                type0: Ref::new(5),
                cid: Ref::new(6),
                descriptor: Ref::new(7),
                to_unicode: Ref::new(8),
                file: Ref::new(9),
            },
            file_spec: Ref::new(10),
            embedded: Ref::new(11),
            annotation: Ref::new(12),
            info: Ref::new(13),
        }
    }
}

/// The time of receipt, in Vietnam time, for the file's dates.
fn pdf_date(slip: &Slip) -> PdfDate {
    let date = motcua_protocol::Date::in_vietnam_at(slip.received.unix());
    let secs = (slip.received.unix() + 7 * 3600).rem_euclid(86_400);
    let (y, m, d) = date.map_or((1970, 1, 1), |d| (d.year(), d.month(), d.day()));
    PdfDate::new(u16::try_from(y).unwrap_or(1970))
        .month(m as u8)
        .day(d as u8)
        .hour((secs / 3600) as u8)
        .minute((secs / 60 % 60) as u8)
        .second((secs % 60) as u8)
        .utc_offset_hour(7)
        .utc_offset_minute(0)
}

fn text(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// How a run of text is drawn.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Regular,
    /// Filled and stroked: bold without a second font to download.
    Bold,
    /// Gray, for notes.
    Muted,
}

/// The page being drawn.
struct Page<'a> {
    font: Font<'a>,
    content: Content,
}

impl Page<'_> {
    /// Draws `s` with its baseline starting at (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, size: f32, style: Style, s: &str) {
        let glyphs = self.font.encode(s);
        let c = &mut self.content;
        c.save_state();
        let gray = if style == Style::Muted { 0.35 } else { 0.0 };
        c.set_fill_gray(gray);
        if style == Style::Bold {
            c.set_stroke_gray(gray);
            c.set_line_width(size * 0.04);
        }
        c.begin_text();
        c.set_font(Name(b"F1"), size);
        if style == Style::Bold {
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        c.next_line(x, y);
        c.show(Str(&glyphs));
        c.end_text();
        c.restore_state();
    }

    /// Draws `s` centred on `cx`.
    fn centred(&mut self, cx: f32, y: f32, size: f32, style: Style, s: &str) {
        let w = self.font.width(s, size);
        self.text(cx - w / 2.0, y, size, style, s);
    }

    /// A horizontal line.
    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        let c = &mut self.content;
        c.save_state();
        c.set_line_width(0.6);
        c.set_stroke_gray(0.0);
        c.move_to(x1, y);
        c.line_to(x2, y);
        c.stroke();
        c.restore_state();
    }

    /// `s` broken into lines no wider than `width` at `size`: at spaces,
    /// and inside a word only when the word alone is too wide.
    fn wrap(&self, s: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in s.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.font.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if self.font.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The largest size up to `size` at which `s` fits `width`.
    fn fitting(&self, s: &str, size: f32, width: f32) -> f32 {
        let w = self.font.width(s, size);
        if w <= width { size } else { size * width / w }
    }
}

/// The office (left) and the national motto (right); returns the lowest
/// baseline used.
fn header(page: &mut Page<'_>, slip: &Slip) -> f32 {
    let top = PAGE.1 - MARGIN;
    let column = (WIDTH - 24.0) / 2.0;
    let left_cx = LEFT + column / 2.0;
    let right_cx = RIGHT - column / 2.0;

    let office = slip
        .office_name
        .as_ref()
        .map_or_else(|| slip.office.to_string(), |n| upper_vi(&n.vi));
    let mut y = top;
    for line in page.wrap(&office, 10.5, column).into_iter().take(3) {
        page.centred(left_cx, y, 10.5, Style::Bold, &line);
        y -= 13.0;
    }
    page.rule(left_cx - 30.0, left_cx + 30.0, y + 6.0);
    let left_bottom = y;

    let nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let size = page.fitting(nation, 10.5, column);
    page.centred(right_cx, top, size, Style::Bold, nation);
    let motto = "Độc lập - Tự do - Hạnh phúc";
    page.centred(right_cx, top - 14.0, 11.0, Style::Bold, motto);
    let w = page.font.width(motto, 11.0);
    page.rule(right_cx - w / 2.0, right_cx + w / 2.0, top - 18.0);

    left_bottom.min(top - 18.0)
}

/// `s` in capitals, as the form heads the office's name: ASCII, Latin-1
/// and the Vietnamese letters; other characters stay as they are. Not
/// `str::to_uppercase`, whose Unicode tables would weigh on the worker's
/// wasm for letters the font does not have anyway.
fn upper_vi(s: &str) -> String {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let upper = match u {
                0x61..=0x7A => u - 0x20,
                0xE0..=0xFE if u != 0xF7 => u - 0x20,
                // ă đ ĩ ũ ơ ư
                0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 => u - 1,
                0x1B0 => 0x1AF,
                // Ạ ạ … Ỹ ỹ: capitals at even code points.
                0x1EA0..=0x1EF9 => u & !1,
                _ => u,
            };
            char::from_u32(upper).unwrap_or(c)
        })
        .collect()
}

/// The title and the dossier code; returns the last baseline.
fn title(page: &mut Page<'_>, slip: &Slip, lang: Lang, mut y: f32) -> f32 {
    let cx = LEFT + WIDTH / 2.0;
    let (vi, en) = if slip.result_due.is_some() {
        (
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Dossier receipt and appointment for the result",
        )
    } else {
        ("GIẤY TIẾP NHẬN HỒ SƠ", "Dossier receipt")
    };
    for line in page.wrap(vi, 15.0, WIDTH) {
        page.centred(cx, y, 15.0, Style::Bold, &line);
        y -= 19.0;
    }
    if lang == Lang::En {
        page.centred(cx, y, 10.0, Style::Muted, en);
        y -= 16.0;
    }
    y -= 8.0;
    page.centred(
        cx,
        y,
        10.0,
        Style::Muted,
        &text(lang, "Mã hồ sơ", "Dossier code"),
    );
    y -= 20.0;
    let code = slip.dossier_code.to_string();
    let size = page.fitting(&code, 17.0, WIDTH);
    page.centred(cx, y, size, Style::Bold, &code);
    y
}

/// The fields, one row each; returns the last baseline.
fn fields(page: &mut Page<'_>, slip: &Slip, lang: Lang, mut y: f32) -> f32 {
    let mut rows: Vec<(LocalizedText, String)> = Vec::new();
    let row = |vi: &str, en: &str, value: String| (LocalizedText::new(vi, en), value);
    rows.push(row(
        "Thủ tục",
        "Procedure",
        format!("{} ({})", slip.procedure_name.get(lang), slip.procedure),
    ));
    if let Some(name) = &slip.applicant_name {
        rows.push(row("Người nộp hồ sơ", "Applicant", name.clone()));
    }
    if let Some(id) = &slip.applicant_id {
        rows.push(row(
            "Số định danh cá nhân",
            "Personal ID number",
            id.clone(),
        ));
    }
    let office = match &slip.office_name {
        Some(name) => format!("{} ({})", name.get(lang), slip.office),
        None => slip.office.to_string(),
    };
    rows.push(row("Nơi tiếp nhận", "Receiving office", office));
    rows.push(row(
        "Thời gian tiếp nhận",
        "Received",
        format!(
            "{} {}",
            moment_words(slip.received, lang),
            text(lang, "(giờ Việt Nam)", "(Vietnam time, UTC+7)")
        ),
    ));
    if let Some(due) = slip.result_due {
        rows.push(row(
            "Ngày hẹn trả kết quả",
            "Result due",
            date_words(due, lang),
        ));
    }
    rows.push(row(
        "Hình thức nộp",
        "Filed",
        text(
            lang,
            "Trực tuyến, qua ứng dụng motcua",
            "Online, with the motcua app",
        ),
    ));

    let value_width = RIGHT - VALUE_X;
    for (label, value) in rows {
        let labels = page.wrap(label.get(lang), TEXT_SIZE, LABEL_WIDTH);
        let mut values = page.wrap(&value, TEXT_SIZE, value_width);
        if values.len() > MAX_VALUE_LINES {
            values.truncate(MAX_VALUE_LINES);
            if let Some(last) = values.last_mut() {
                while !last.is_empty()
                    && page.font.width(&format!("{last}…"), TEXT_SIZE) > value_width
                {
                    last.pop();
                }
                last.push('…');
            }
        }
        for (i, line) in labels.iter().enumerate() {
            page.text(LEFT, y - i as f32 * LINE, TEXT_SIZE, Style::Muted, line);
        }
        for (i, line) in values.iter().enumerate() {
            page.text(
                VALUE_X,
                y - i as f32 * LINE,
                TEXT_SIZE,
                Style::Regular,
                line,
            );
        }
        y -= labels.len().max(values.len()) as f32 * LINE + 6.0;
    }
    y
}

/// A rule, the QR code and what it is for; returns the lowest point used.
fn qr_block(page: &mut Page<'_>, qr: &Qr, lang: Lang, y: f32) -> f32 {
    page.rule(LEFT, RIGHT, y);
    let top = y - 18.0;
    qr.draw(&mut page.content, LEFT, top, QR_SIZE);
    let x = LEFT + QR_SIZE + 24.0;
    let width = RIGHT - x;
    let mut line_y = top - 12.0;
    page.text(
        x,
        line_y,
        TEXT_SIZE,
        Style::Bold,
        &text(lang, "Mã QR của hồ sơ", "The dossier's QR code"),
    );
    line_y -= LINE + 2.0;
    let note = text(
        lang,
        "Xuất trình mã này khi tra cứu hoặc nhận kết quả.",
        "Show this code to look the dossier up or to collect the result.",
    );
    for line in page.wrap(&note, 10.0, width) {
        page.text(x, line_y, 10.0, Style::Regular, &line);
        line_y -= 13.5;
    }
    (top - QR_SIZE).min(line_y)
}

/// The note on the embedded receipt, at the foot of the page; returns where
/// the paperclip (the file attachment annotation) goes.
fn footer(page: &mut Page<'_>, lang: Lang, json_name: &str, above: f32) -> Rect {
    let note = match lang {
        Lang::Vi => format!(
            "Giấy tiếp nhận điện tử có chữ ký của cơ quan tiếp nhận được đính kèm trong tệp PDF này (tệp {json_name}). Bản in này do ứng dụng motcua lập từ giấy đó."
        ),
        Lang::En => format!(
            "The receiving office's signed electronic receipt is attached to this PDF (file {json_name}). This printout was made from it by the motcua app."
        ),
    };
    let x = LEFT + 22.0;
    let lines = page.wrap(&note, 8.5, RIGHT - x);
    let first = (MARGIN + 11.0 * lines.len() as f32).min(above - 24.0);
    page.rule(LEFT, RIGHT, first + 14.0);
    for (i, line) in lines.iter().enumerate() {
        page.text(x, first - i as f32 * 11.0, 8.5, Style::Muted, line);
    }
    Rect::new(LEFT, first - 4.0, LEFT + 14.0, first + 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_of_vietnamese_names_as_unicode_gives_them() {
        let name = "UBND phường Ba Đình, thành phố Hà Nội; xã Ư Minh, đảo Cồn Cỏ, tỉnh Thừa Thiên Huế; ăn ỹ ữ ợ ẫ ằ ý ñ ÷ ß";
        let ours = upper_vi(name);
        assert_eq!(
            ours,
            "UBND PHƯỜNG BA ĐÌNH, THÀNH PHỐ HÀ NỘI; XÃ Ư MINH, ĐẢO CỒN CỎ, TỈNH THỪA THIÊN HUẾ; ĂN Ỹ Ữ Ợ Ẫ Ằ Ý Ñ ÷ ß"
        );
        // Agrees with Unicode wherever it changes a letter (ß has no
        // one-letter capital and stays).
        for (a, b) in ours.chars().zip(name.chars()) {
            if a != b {
                assert_eq!(b.to_uppercase().collect::<String>(), a.to_string());
            }
        }
    }
}
