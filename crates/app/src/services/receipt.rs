//! The receipt to keep: the signed record (JSON) and the printable slip
//! (PDF, laid out by motcua-receipt in the worker) that carries the same
//! record as an embedded file.

use gloo::net::http::Request;
use motcua_forms::{Lang, LocalizedText};
use motcua_receipt::Slip;

use crate::services::outbox::{OutboxEntry, Sent};
use crate::services::worker;

/// The slip's font (`web/fonts/`): fetched on the first download only, and
/// precached by the service worker, so that later ones work offline.
pub(crate) const FONT_URL: &str = "/fonts/DejaVuSans-vi.ttf";

/// The signed receipt record, as the JSON download and the PDF's embedded
/// file both hold it.
pub(crate) fn record(entry: &OutboxEntry, sent: &Sent) -> Vec<u8> {
    serde_json::json!({
        "dossier_code": sent.code,
        "dossier_id": entry.id,
        "procedure": entry.procedure,
        "office": entry.office,
        "received": sent.received,
        "manifest_sha256": entry.digest,
        "qr": sent.qr_text,
        "receipt": sent.receipt,
    })
    .to_string()
    .into_bytes()
}

/// The slip's fields, from the outbox entry and the office's verified
/// receipt; `None` when a stored value no longer parses.
pub(crate) fn slip(entry: &OutboxEntry, sent: &Sent) -> Option<Slip> {
    Some(Slip {
        dossier_code: sent.code.parse().ok()?,
        procedure: entry.procedure.parse().ok()?,
        procedure_name: entry.procedure_name.clone(),
        office: entry.office.parse().ok()?,
        office_name: entry.office_name.clone(),
        applicant_name: entry.applicant_name.clone(),
        applicant_id: entry.applicant_id.clone(),
        received: sent.received.parse().ok()?,
        // Receipts (format 1) promise no result date.
        result_due: None,
        qr_text: sent.qr_text.clone(),
        receipt_json: record(entry, sent),
    })
}

/// The slip as PDF bytes.
pub(crate) async fn pdf(slip: Slip, lang: Lang) -> Result<Vec<u8>, LocalizedText> {
    let font = font().await?;
    worker::receipt_pdf(slip, font, lang)
        .await
        .map_err(|err| err.message)
}

async fn font() -> Result<Vec<u8>, LocalizedText> {
    let unreachable = || {
        LocalizedText::new(
            "Không tải được phông chữ của giấy tiếp nhận. Hãy kết nối mạng rồi thử lại.",
            "The receipt's font could not be loaded. Connect to the network and try again.",
        )
    };
    let response = Request::get(FONT_URL)
        .send()
        .await
        .map_err(|_| unreachable())?;
    if !response.ok() {
        return Err(unreachable());
    }
    response.binary().await.map_err(|_| unreachable())
}
