//! The receipt (giấy tiếp nhận): the dossier code the office gave, the
//! office, the time, a QR code (Circular 01/2023/TT-VPCP: dossier code,
//! procedure code, applicant's identifier), and the signed receipt to keep.

use motcua_forms::LocalizedText;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::status::Loading;
use crate::dom_files::download;
use crate::format;
use crate::route::Route;
use crate::services;
use crate::services::outbox::{self, Delivery, OutboxEntry};
use crate::state::use_lang;
use crate::text::tr;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ReceiptPageProps {
    /// The dossier id.
    pub(crate) id: String,
}

/// One dossier's receipt.
#[component]
pub(crate) fn ReceiptPage(props: &ReceiptPageProps) -> Html {
    let lang = use_lang();
    let entry = use_state(|| None::<Option<OutboxEntry>>);
    let making = use_state(|| false);
    let pdf_error = use_state(|| None::<LocalizedText>);
    {
        let entry = entry.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                entry.set(Some(outbox::get(&id).await.ok().flatten()));
            });
        });
    }
    let back = html! { <Link<Route> to={Route::Outbox} classes="mc-back">{ tr(lang, "Hộp thư đi", "Outbox") }</Link<Route>> };
    let Some(found) = &*entry else {
        return html! { <>{ back }<Loading /></> };
    };
    let Some((entry, sent)) = found.as_ref().and_then(|e| match e.delivery() {
        Delivery::Sent(sent) => Some((e, sent)),
        _ => None,
    }) else {
        return html! {
            <>{ back }<div class="mc-notice mc-notice-error" role="alert"><p>{ tr(lang,
                "Chưa có giấy tiếp nhận cho hồ sơ này.", "There is no receipt for this dossier yet.") }</p></div></>
        };
    };
    let save_json = {
        let record = services::receipt::record(entry, sent);
        let name = format!("giay-tiep-nhan-{}.json", sent.code);
        Callback::from(move |_: MouseEvent| download(&name, "application/json", &record))
    };
    let save_pdf = {
        let slip = services::receipt::slip(entry, sent);
        let (making, pdf_error) = (making.clone(), pdf_error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(slip) = slip.clone() else {
                pdf_error.set(Some(LocalizedText::new(
                    "Giấy tiếp nhận lưu trên máy bị hỏng.",
                    "The receipt stored on this device is damaged.",
                )));
                return;
            };
            let (making, pdf_error) = (making.clone(), pdf_error.clone());
            making.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let name = slip.pdf_file_name();
                match services::receipt::pdf(slip, lang).await {
                    Ok(bytes) => {
                        pdf_error.set(None);
                        download(&name, "application/pdf", &bytes);
                    }
                    Err(message) => pdf_error.set(Some(message)),
                }
                making.set(false);
            });
        })
    };
    let qr = format!(
        "data:image/svg+xml;base64,{}",
        base64_encode(sent.qr_svg.as_bytes())
    );
    html! {
        <>
            { back }
            <div class="mc-panel" role="status">
                <h1 class="mc-panel-title">{ tr(lang, "Hồ sơ đã được tiếp nhận", "Dossier received") }</h1>
                <p class="mc-panel-body">{ tr(lang, "Mã hồ sơ", "Dossier code") }<br />
                    <strong class="mc-dossier-code" id="mc-receipt-code">{ sent.code.clone() }</strong></p>
            </div>
            <dl class="mc-summary">
                <div class="mc-summary-row">
                    <dt class="mc-summary-key">{ tr(lang, "Thủ tục", "Procedure") }</dt>
                    <dd class="mc-summary-value">{ format!("{} ({})", entry.procedure_name.get(lang), entry.procedure) }</dd>
                </div>
                <div class="mc-summary-row">
                    <dt class="mc-summary-key">{ tr(lang, "Nơi tiếp nhận", "Receiving office") }</dt>
                    <dd class="mc-summary-value" id="mc-receipt-office">
                        { entry.office_name.as_ref().map_or_else(
                            || entry.office.clone(),
                            |n| format!("{} ({})",
                                format::office_line(n.get(lang), entry.office_place.as_deref()),
                                entry.office),
                        ) }
                    </dd>
                </div>
                <div class="mc-summary-row">
                    <dt class="mc-summary-key">{ tr(lang, "Thời điểm tiếp nhận", "Received") }</dt>
                    <dd class="mc-summary-value" id="mc-receipt-time" title={sent.received.clone()}>
                        { format::time_vn_of(&sent.received).map_or_else(
                            || sent.received.clone(),
                            |t| format!("{t} {}", tr(lang, "(giờ Việt Nam)", "(Vietnam time)")),
                        ) }
                    </dd>
                </div>
            </dl>
            <details class="mc-tech">
                <summary>{ tr(lang, "Chi tiết kỹ thuật", "Technical details") }</summary>
                <dl class="mc-summary">
                    <div class="mc-summary-row">
                        <dt class="mc-summary-key">{ tr(lang, "Mã băm hồ sơ (SHA-256)", "Dossier hash (SHA-256)") }</dt>
                        <dd class="mc-summary-value mc-code mc-digest">{ entry.digest.clone() }</dd>
                    </div>
                </dl>
            </details>
            <figure class="mc-qr">
                <img src={qr} width="200" height="200" id="mc-receipt-qr"
                    alt={tr(lang, "Mã QR của hồ sơ: mã hồ sơ, mã thủ tục, số định danh", "QR code: dossier code, procedure code, ID number")} />
                <figcaption class="mc-hint">{ tr(lang,
                    "Xuất trình mã này khi tra cứu hoặc nhận kết quả.",
                    "Show this code to look the dossier up or to collect the result.") }</figcaption>
            </figure>
            if let Some(message) = &*pdf_error {
                <p class="mc-error-message" role="alert" id="mc-receipt-pdf-error">{ message.get(lang) }</p>
            }
            <div class="mc-button-group">
                <button type="button" class="mc-button" id="mc-receipt-pdf" onclick={save_pdf} disabled={*making}>
                    { if *making { tr(lang, "Đang tạo giấy tiếp nhận…", "Making the receipt…") }
                      else { tr(lang, "Tải giấy tiếp nhận (PDF)", "Download the receipt (PDF)") } }
                </button>
                <button type="button" class="mc-button mc-button-secondary" id="mc-receipt-json" onclick={save_json}>
                    { tr(lang, "Bản có chữ ký số (JSON)", "Signed copy (JSON)") }
                </button>
            </div>
        </>
    }
}

/// Standard base64, for a `data:` URL.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
