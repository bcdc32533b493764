//! Writes a sample slip, to look at: `cargo run -p motcua-receipt --example
//! slip -- OUT.pdf [en]`.

use motcua_protocol::{Date, Lang, LocalizedText};
use motcua_receipt::{Slip, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "slip.pdf".into());
    let lang = match args.next().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let code = "000.00.04.H01-261202-0001";
    let slip = Slip {
        dossier_code: code.parse()?,
        procedure: "1.001193".parse()?,
        procedure_name: LocalizedText::new("Đăng ký khai sinh", "Birth registration"),
        office: "00004".parse()?,
        office_name: Some(LocalizedText::new(
            "UBND phường Ba Đình, Thành phố Hà Nội",
            "Ba Dinh Ward People's Committee, Ha Noi",
        )),
        applicant_name: Some("Nguyễn Thị Hoa".into()),
        applicant_id: Some("001190000001".into()),
        received: "2026-12-01T22:45:35Z".parse()?,
        result_due: Date::new(2026, 12, 7),
        qr_text: format!(r#"{{"ma_ho_so":"{code}","ma_thu_tuc":"1.001193"}}"#),
        receipt_json: format!(r#"{{"dossier_code":"{code}"}}"#).into_bytes(),
    };
    let font = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/fonts/DejaVuSans-vi.ttf"
    ))?;
    std::fs::write(&out, render(&slip, &font, lang)?)?;
    Ok(())
}
