//! The outbox (hộp thư đi): every sealed dossier on this device and where it
//! stands — waiting, being sent (with progress), stopped (with the reason
//! and "try again"), or received by the office (with its dossier code).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::status::Loading;
use crate::format;
use crate::route::Route;
use crate::services::outbox::{self, Delivery, OutboxEntry};
use crate::services::sender::{SendingContext, send_due};
use crate::state::use_lang;
use crate::text::{self, tr};

/// The list of sealed dossiers.
#[component]
pub(crate) fn Outbox() -> Html {
    let lang = use_lang();
    let sending = use_context::<SendingContext>();
    let entries = use_state(|| None::<Vec<OutboxEntry>>);
    let revision = sending.as_ref().map_or(0, |s| s.revision);
    {
        let entries = entries.clone();
        use_effect_with(revision, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                entries.set(Some(outbox::list().await.unwrap_or_default()));
            });
        });
    }
    let online = gloo::utils::window().navigator().on_line();
    let body = match &*entries {
        None => html! { <Loading /> },
        Some(list) if list.is_empty() => html! {
            <p class="mc-empty">{ tr(lang, "Hộp thư đi trống.", "The outbox is empty.") }</p>
        },
        Some(list) => html! {
            <ul class="mc-list mc-outbox">
                { for list.iter().map(|entry| {
                    let progress = sending.as_ref().and_then(|s| s.progress.get(&entry.id).copied());
                    view_entry(entry, progress, sending.clone(), lang)
                }) }
            </ul>
        },
    };
    html! {
        <>
            <h1 class="mc-title">{ tr(lang, "Hộp thư đi", "Outbox") }</h1>
            <p class="mc-lead">{ tr(lang,
                "Hồ sơ đã ký được giữ trên thiết bị này cho đến khi bộ phận một cửa xác nhận đã nhận.",
                "Sealed dossiers stay on this device until the office confirms it received them.") }</p>
            if !online {
                <div class="mc-notice" role="status"><p>{ tr(lang,
                    "Thiết bị đang ngoại tuyến. Hồ sơ sẽ được gửi khi có mạng trở lại.",
                    "This device is offline. Dossiers will be sent when the network is back.") }</p></div>
            }
            { body }
        </>
    }
}

fn view_entry(
    entry: &OutboxEntry,
    progress: Option<(u64, u64)>,
    sending: Option<SendingContext>,
    lang: motcua_forms::Lang,
) -> Html {
    // Live progress from the worker, else the last stored progress.
    let stored = match entry.delivery() {
        Delivery::Sending { sent, total } => Some((*sent, *total)),
        _ => None,
    };
    let progress = progress.or(stored);
    let (tag, detail) = match (entry.delivery(), progress) {
        (Delivery::Sent(sent), _) => (
            html! { <span class="mc-tag mc-tag-ok">{ tr(lang, "Đã gửi", "Sent") }</span> },
            html! {
                <p class="mc-delivery-detail">
                    { tr(lang, "Mã hồ sơ: ", "Dossier code: ") }<strong class="mc-dossier-code">{ sent.code.clone() }</strong>
                    { " · " }
                    <Link<Route> to={Route::Receipt { id: entry.id.clone() }}>{ tr(lang, "Xem giấy tiếp nhận", "See the receipt") }</Link<Route>>
                </p>
            },
        ),
        // Before the first byte is counted there is nothing to say in bytes.
        (Delivery::Waiting | Delivery::Sending { .. }, Some((_, 0))) => (
            html! { <span class="mc-tag mc-delivery">{ tr(lang, "Đang gửi", "Sending") }</span> },
            html! {
                <p class="mc-delivery-detail">
                    <progress aria-label={tr(lang, "Tiến độ gửi", "Sending progress")} />
                    { tr(lang, " Đang chuẩn bị gửi…", " Getting ready to send…") }
                </p>
            },
        ),
        (Delivery::Waiting | Delivery::Sending { .. }, Some((sent, total))) => (
            html! { <span class="mc-tag mc-delivery">{ tr(lang, "Đang gửi", "Sending") }</span> },
            html! {
                <p class="mc-delivery-detail">
                    <progress max={total.to_string()} value={sent.to_string()}
                        aria-label={tr(lang, "Tiến độ gửi", "Sending progress")} />
                    { format!(" {} / {}", text::bytes(lang, sent), text::bytes(lang, total)) }
                </p>
            },
        ),
        (Delivery::Delivered { reference }, _) => (
            html! { <span class="mc-tag mc-tag-ok">{ tr(lang, "Đã gửi", "Sent") }</span> },
            html! {
                <p class="mc-delivery-detail">
                    { tr(lang, "Số tham chiếu của cơ quan: ", "The office's reference: ") }
                    <strong class="mc-delivery-reference">{ reference.clone() }</strong>
                    <br />
                    <span class="mc-hint">{ tr(lang,
                        "Hệ thống của cơ quan này không cấp giấy tiếp nhận có ký số; hãy giữ số tham chiếu.",
                        "This office's system issues no signed receipt; keep the reference.") }</span>
                </p>
            },
        ),
        (
            Delivery::Failed {
                message,
                retryable,
                next_attempt_at,
            },
            _,
        ) => {
            let retry = sending.map(|sending| {
                let id = entry.id.clone();
                Callback::from(move |_: MouseEvent| send_due(sending.clone(), Some(id.clone())))
            });
            (
                html! { <span class="mc-tag mc-tag-required">{ tr(lang, "Chưa gửi được", "Not sent") }</span> },
                html! {
                    <div class="mc-delivery-detail">
                        <p class="mc-error-message" role="alert">{ message.get(lang) }</p>
                        if let (true, Some(at)) = (*retryable, next_attempt_at) {
                            <p class="mc-hint">{ tr(lang, "Tự thử lại lúc ", "Trying again at ") }{ text::time_vn(*at) }</p>
                        }
                        if *retryable {
                            <button type="button" class="mc-button mc-button-secondary mc-retry" onclick={retry}>
                                { tr(lang, "Thử gửi lại ngay", "Try again now") }
                            </button>
                        }
                    </div>
                },
            )
        }
        _ => (
            html! { <span class="mc-tag mc-delivery">{ tr(lang, "Đang chờ gửi", "Waiting to be sent") }</span> },
            Html::default(),
        ),
    };
    html! {
        <li class="mc-card" key={entry.id.clone()} id={format!("dossier-{}", entry.id)}>
            <span class="mc-card-title">{ entry.procedure_name.get(lang) }</span>
            if let Some(subject) = &entry.subject {
                <span class="mc-dossier-subject">{ subject.clone() }</span>
            }
            <span class="mc-hint mc-office-name">
                { entry.office_name.as_ref().map_or_else(
                    || entry.office.clone(),
                    |n| format::office_line(n.get(lang), entry.office_place.as_deref()),
                ) }
            </span>
            <span class="mc-card-meta">
                { tag }
                <span class="mc-hint">{ text::time_vn(entry.sealed_at) }</span>
            </span>
            { detail }
            <details class="mc-tech">
                <summary>{ tr(lang, "Chi tiết kỹ thuật", "Technical details") }</summary>
                <p class="mc-hint mc-code">{ format!("SHA-256 {}", entry.digest) }</p>
            </details>
        </li>
    }
}
