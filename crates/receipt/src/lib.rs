//! The printable receipt slip (giấy tiếp nhận hồ sơ): what a one-stop
//! counter hands the citizen, made on the citizen's own device from the
//! office's signed receipt, as a one-page A4 PDF that any phone opens and
//! prints.
//!
//! A [`Slip`] holds the fields (dossier code, procedure, applicant, office,
//! time of receipt in Vietnam time, promised result date, QR code text, and
//! the signed receipt record); [`render`] lays them out as the counter's
//! form does (Circular 01/2018/TT-VPCP, form 01), draws the QR code as
//! vector rectangles, and embeds:
//!
//! - a TrueType font with the Vietnamese letters, as a Type0 font with
//!   Identity-H and a ToUnicode CMap, so the text can be copied and searched;
//! - the signed receipt record, byte for byte, as an embedded file (the
//!   catalog's `EmbeddedFiles` and `AF`, and a file attachment annotation),
//!   so the PDF carries the proof, not only its picture.
//!
//! Pure Rust, no I/O: the app runs it in its web worker, with the font it
//! fetched (`web/fonts/`), and the tests natively.
//!
//! ```
//! use motcua_protocol::{Lang, LocalizedText};
//! use motcua_receipt::{render, Slip};
//!
//! let font = include_bytes!("../../../web/fonts/DejaVuSans-vi.ttf");
//! let slip = Slip {
//!     dossier_code: "000.00.04.H01-261202-0001".parse()?,
//!     procedure: "1.001193".parse()?,
//!     procedure_name: LocalizedText::new("Đăng ký khai sinh", "Birth registration"),
//!     office: "00004".parse()?,
//!     office_name: Some(LocalizedText::new("UBND phường Ba Đình", "Ba Dinh Ward People's Committee")),
//!     applicant_name: Some("Nguyễn Thị Hoa".into()),
//!     applicant_id: Some("001190000001".into()),
//!     received: "2026-12-01T22:45:35Z".parse()?,
//!     result_due: None,
//!     qr_text: "000.00.04.H01-261202-0001".into(),
//!     receipt_json: br#"{"receipt":"..."}"#.to_vec(),
//! };
//! let pdf = render(&slip, font, Lang::Vi)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! assert_eq!(slip.pdf_file_name(), "giay-tiep-nhan-000.00.04.H01-261202-0001.pdf");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod font;
mod qr;
mod render;
mod slip;

pub use error::Error;
pub use render::render;
pub use slip::Slip;
