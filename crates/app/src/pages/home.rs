//! The start screen: the catalog of procedures.

use yew::prelude::*;

use crate::components::procedure_list::ProcedureList;
use crate::components::status::{Failed, Loading};
use crate::hooks::use_remote::{Remote, use_remote};
use crate::services::catalog;
use crate::state::use_lang;
use crate::text::Ui;

/// Title, introduction and the searchable list.
#[component]
pub(crate) fn Home() -> Html {
    let lang = use_lang();
    let index = use_remote((), |()| catalog::index());
    let body = match index.state {
        Remote::Loading => html! { <Loading /> },
        Remote::Failed(_) => html! {
            <Failed message={Ui::CatalogUnavailable} on_retry={index.retry} />
        },
        Remote::Ready(index) => html! { <ProcedureList {index} /> },
    };
    html! {
        <>
            <h1 class="mc-title" id="mc-procedures-title">{ Ui::ProceduresTitle.get(lang) }</h1>
            <p class="mc-lead">{ Ui::ProceduresIntro.get(lang) }</p>
            { body }
        </>
    }
}
