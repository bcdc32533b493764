//! Any address the app does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::state::use_lang;
use crate::text::Ui;

/// "Page not found", with a way back.
#[component]
pub(crate) fn NotFound() -> Html {
    let lang = use_lang();
    html! {
        <>
            <h1 class="mc-title">{ Ui::PageNotFound.get(lang) }</h1>
            <p>{ Ui::PageNotFoundHint.get(lang) }</p>
            <Link<Route> to={Route::Home} classes="mc-back">{ Ui::BackToList.get(lang) }</Link<Route>>
        </>
    }
}
