//! A filing already sealed, reached again (Back from the outbox, an old
//! tab): it is not sealed a second time. The citizen can look at the outbox,
//! begin a new filing, or copy this one's answers into a new filing.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::filing::{FilingAction, FilingContext};
use crate::route::Route;
use crate::services::outbox;
use crate::state::use_lang;
use crate::text::tr;

/// The "already sealed" screen of a filing.
#[component]
pub(crate) fn Sealed() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let filing = use_context::<FilingContext>();
    let copy_failed = use_state(|| false);
    let Some(filing) = filing else {
        return Html::default();
    };
    let procedure = Rc::clone(&filing.procedure);
    let first = procedure
        .sections
        .first()
        .map(|s| Route::FormSection {
            code: procedure.code.to_string(),
            section: s.id.clone(),
        })
        .unwrap_or(Route::Procedure {
            code: procedure.code.to_string(),
        });
    let copy = {
        let first = first.clone();
        let copy_failed = copy_failed.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(id) = filing.sealed.clone() else {
                return;
            };
            let (filing, first, navigator, copy_failed) = (
                filing.clone(),
                first.clone(),
                navigator.clone(),
                copy_failed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match outbox::get(&id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|e| e.about.values)
                {
                    Some(values) => {
                        filing.dispatch(FilingAction::CopyFrom(values));
                        if let Some(navigator) = navigator {
                            navigator.push(&first);
                        }
                    }
                    None => copy_failed.set(true),
                }
            });
        })
    };
    html! {
        <>
            <span class="mc-caption">{ procedure.name.get(lang) }</span>
            <h1 class="mc-title">{ tr(lang, "Hồ sơ đã ký", "Dossier sealed") }</h1>
            <div class="mc-notice" id="mc-sealed" role="status">
                <p>{ tr(lang,
                    "Hồ sơ này đã được ký và gửi vào hộp thư đi, nên không ký lại lần nữa.",
                    "This dossier has been sealed and sent to the outbox, so it is not sealed again.") }</p>
                <p>{ tr(lang,
                    "Cần khai một hồ sơ khác với cùng thông tin? Hãy sao chép sang hồ sơ mới rồi đính kèm lại giấy tờ.",
                    "Need another dossier with the same answers? Copy them into a new filing, then attach the papers again.") }</p>
            </div>
            if *copy_failed {
                <p class="mc-error-message" role="alert">{ tr(lang,
                    "Thiết bị này không còn giữ thông tin của hồ sơ đó để sao chép.",
                    "This device no longer keeps that dossier's answers to copy.") }</p>
            }
            <div class="mc-button-group">
                <Link<Route> to={Route::Outbox} classes="mc-button mc-button-primary mc-button-link">
                    { tr(lang, "Xem hộp thư đi", "See the outbox") }
                </Link<Route>>
                <button type="button" class="mc-button mc-button-secondary" id="mc-copy-filing" onclick={copy}>
                    { tr(lang, "Sao chép sang hồ sơ mới", "Copy into a new filing") }
                </button>
                <Link<Route> to={first} classes="mc-button mc-button-secondary mc-button-link">
                    { tr(lang, "Bắt đầu hồ sơ mới", "Begin a new filing") }
                </Link<Route>>
            </div>
        </>
    }
}
