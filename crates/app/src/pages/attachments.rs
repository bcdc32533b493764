//! The papers of the dossier: one attach area per dossier component, then on
//! to sealing once every required paper is there.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::attach::ComponentAttach;
use crate::components::status::{Failed, Loading};
use crate::dom::focus;
use crate::filing::{AttachedFile, FilingContext};
use crate::hooks::use_remote::{Remote, use_remote};
use crate::route::Route;
use crate::services::capabilities;
use crate::state::use_lang;
use crate::text::{Ui, tr};

/// The attachments screen.
#[component]
pub(crate) fn Attachments() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let checked = use_state(|| false);
    let limits = use_remote((), |()| capabilities::scan_limits());
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let procedure = Rc::clone(&filing.procedure);
    let code = procedure.code.to_string();
    let files: Vec<_> = filing
        .attachments
        .iter()
        .map(AttachedFile::described)
        .collect();
    let missing: Vec<_> = motcua_protocol::missing_components(&procedure.components, &files)
        .into_iter()
        .cloned()
        .collect();
    let onclick = {
        let checked = checked.clone();
        let code = code.clone();
        let first_missing = missing.first().map(|c| format!("att-{}", c.id));
        Callback::from(move |_: MouseEvent| {
            checked.set(true);
            match &first_missing {
                Some(id) => focus(id),
                None => {
                    if let Some(navigator) = &navigator {
                        navigator.push(&Route::Sign { code: code.clone() });
                    }
                }
            }
        })
    };
    let body = match limits.state {
        Remote::Loading => html! { <Loading /> },
        Remote::Failed(_) => {
            html! { <Failed message={Ui::CatalogUnavailable} on_retry={limits.retry} /> }
        }
        Remote::Ready(office) => html! {
            <ol class="mc-components">
                { for procedure.components.iter().map(|c| html! {
                    <ComponentAttach key={c.id.clone()} component={Rc::new(c.clone())} office={*office}
                        show_missing={*checked} />
                }) }
            </ol>
        },
    };
    html! {
        <>
            <Link<Route> to={Route::Review { code }} classes="mc-back">{ Ui::Back.get(lang) }</Link<Route>>
            <span class="mc-caption">{ procedure.name.get(lang) }</span>
            <h1 class="mc-title">{ tr(lang, "Giấy tờ đính kèm", "Papers to attach") }</h1>
            <p class="mc-lead">{ tr(lang,
                "Chụp từng trang giấy tờ hoặc chọn ảnh, tệp PDF có sẵn. Ảnh được chuyển thành tệp PDF khổ A4 ngay trên thiết bị; tệp PDF có sẵn (kể cả đã ký số) được giữ nguyên.",
                "Photograph each page of a paper, or choose photos or a PDF you have. Photos become an A4 PDF on this device; a PDF you give (even a signed one) is kept as it is.") }</p>
            if *checked && !missing.is_empty() {
                <div class="mc-error-summary" role="alert">
                    <h2 class="mc-error-summary-title">{ Ui::ErrorSummaryTitle.get(lang) }</h2>
                    <ul class="mc-error-summary-list">
                        { for missing.iter().map(|c| {
                            let target = format!("att-{}", c.id);
                            let onclick = Callback::from(move |e: MouseEvent| { e.prevent_default(); focus(&target); });
                            html! { <li><a href={format!("#att-{}", c.id)} {onclick}>
                                { format!("{}: {}", c.name.get(lang), tr(lang, "cần đính kèm", "required")) }
                            </a></li> }
                        }) }
                    </ul>
                </div>
            }
            { body }
            <button type="button" class="mc-button mc-button-primary" {onclick}>{ Ui::Continue.get(lang) }</button>
        </>
    }
}
