//! The printable receipt (issue 11, item 8): on a phone, the receipt page
//! offers a PDF that opens anywhere — one A4 page with the dossier code as
//! text — carrying the signed JSON receipt, which stays downloadable beside
//! it; made again offline once the font is cached.

use base64::Engine as _;
use fantoccini::Client;
use serde_json::{Value, json};

use crate::harness::{Browser, Intake, eventually, recorded, set_offline, text};
use crate::steps::{click, seal_birth_registration};

/// Keeps what the page offers for download instead of saving it: each
/// `<a download>` click records the file's name and its blob.
const CAPTURE: &str = r#"
    window.__mcDownloads = [];
    const blobs = new Map();
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => { const url = create(blob); blobs.set(url, blob); return url; };
    HTMLAnchorElement.prototype.click = function () {
        window.__mcDownloads.push({ name: this.download, blob: blobs.get(this.href) });
    };
"#;

/// The next captured download: its name, media type and bytes.
async fn next_download(client: &Client) -> Option<(String, String, Vec<u8>)> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const d = window.__mcDownloads.shift();
        if (!d || !d.blob) { done(null); return; }
        d.blob.arrayBuffer().then((buffer) => {
            let s = "";
            for (const b of new Uint8Array(buffer)) s += String.fromCharCode(b);
            done({ name: d.name, type: d.blob.type, base64: btoa(s) });
        });
    "#;
    let got = client.execute_async(script, vec![]).await.ok()?;
    let field = |k: &str| got.get(k).and_then(Value::as_str).map(str::to_owned);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(field("base64")?)
        .ok()?;
    Some((field("name")?, field("type")?, bytes))
}

/// The text poppler reads from `pdf` (through its ToUnicode CMap).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_receipt_downloads_as_a_one_page_pdf_with_the_signed_receipt_inside() {
    let intake = Intake::start();
    let url = intake.url.clone();
    let browser = Browser::start(360, 780).await;
    let client = browser.client.clone();
    recorded("receipt_pdf", browser, async move {
        seal_birth_registration(&client, &url).await;
        let code = eventually("the office's dossier code", || async {
            text(&client, ".mc-outbox .mc-dossier-code").await
        })
        .await;
        click(&client, ".mc-delivery-detail a").await;
        let shown = eventually("the receipt", || async {
            text(&client, "#mc-receipt-code").await
        })
        .await;
        assert_eq!(shown, code);
        assert_eq!(
            text(&client, "#mc-receipt-pdf").await.as_deref(),
            Some("Tải giấy tiếp nhận (PDF)")
        );
        client.execute(CAPTURE, vec![]).await.unwrap();

        click(&client, "#mc-receipt-pdf").await;
        let (name, media_type, pdf) =
            eventually("the PDF download", || next_download(&client)).await;
        assert_eq!(name, format!("giay-tiep-nhan-{code}.pdf"));
        assert_eq!(media_type, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        assert_eq!(motcua_scan::pdf_page_count(&pdf).unwrap(), 1);
        let words = pdf_text(&pdf);
        assert!(
            words.contains(&code),
            "{code} not in the PDF's text:\n{words}"
        );
        assert!(words.contains("GIẤY TIẾP NHẬN HỒ SƠ"), "{words}");
        // The applicant, by name (the worked example's requester).
        assert!(words.contains("Nguyễn Văn An"), "{words}");

        // The signed JSON, still offered beside it, is inside the PDF byte
        // for byte (an embedded file, stored uncompressed).
        click(&client, "#mc-receipt-json").await;
        let (name, _, json_bytes) =
            eventually("the JSON download", || next_download(&client)).await;
        assert_eq!(name, format!("giay-tiep-nhan-{code}.json"));
        let record: Value = serde_json::from_slice(&json_bytes).unwrap();
        assert_eq!(record["dossier_code"], json!(code));
        assert!(
            pdf.windows(json_bytes.len()).any(|w| w == json_bytes),
            "the signed receipt is not embedded byte for byte"
        );

        // Offline, from the service worker's cache, the same PDF again.
        set_offline(&client, true).await;
        click(&client, "#mc-receipt-pdf").await;
        let (_, _, again) = eventually("the PDF made offline", || next_download(&client)).await;
        assert_eq!(again, pdf, "the same receipt gives the same PDF");
        set_offline(&client, false).await;
    })
    .await;
    drop(intake);
}
