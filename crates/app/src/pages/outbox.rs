//! The outbox (hộp thư đi): every sealed dossier on this device and where it
//! stands.

use yew::prelude::*;

use crate::components::status::{Failed, Loading};
use crate::hooks::use_remote::{Remote, use_remote};
use crate::services::catalog::FetchError;
use crate::services::outbox::{self, Delivery};
use crate::state::use_lang;
use crate::text::{self, Ui, tr};

/// The list of sealed dossiers.
#[component]
pub(crate) fn Outbox() -> Html {
    let lang = use_lang();
    let entries = use_remote((), |()| async {
        outbox::list()
            .await
            .map_err(|e| FetchError::Invalid(format!("{e:?}")))
    });
    let body = match entries.state {
        Remote::Loading => html! { <Loading /> },
        Remote::Failed(_) => {
            html! { <Failed message={Ui::CatalogUnavailable} on_retry={entries.retry} /> }
        }
        Remote::Ready(entries) if entries.is_empty() => html! {
            <p class="mc-empty">{ tr(lang, "Hộp thư đi trống.", "The outbox is empty.") }</p>
        },
        Remote::Ready(entries) => html! {
            <ul class="mc-list mc-outbox">
                { for entries.iter().map(|entry| {
                    let state = match entry.delivery {
                        Delivery::Waiting => tr(lang, "Đang chờ gửi", "Waiting to be sent"),
                    };
                    html! {
                        <li class="mc-card" key={entry.id.clone()}>
                            <span class="mc-card-title">{ entry.procedure_name.get(lang) }</span>
                            <span class="mc-card-meta">
                                <span class="mc-tag mc-delivery">{ state }</span>
                                <span class="mc-hint">{ text::time_vn(entry.sealed_at) }</span>
                            </span>
                            <span class="mc-hint mc-code">{ format!("SHA-256 {}", entry.digest) }</span>
                        </li>
                    }
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
            { body }
        </>
    }
}
