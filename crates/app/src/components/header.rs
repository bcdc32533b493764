//! The top bar: skip link, app name, language switch.

use motcua_forms::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::state::{PrefsAction, PrefsContext};
use crate::text::Ui;

/// The header on every screen.
#[component]
pub(crate) fn Header() -> Html {
    let prefs = use_context::<PrefsContext>();
    let lang = prefs.as_ref().map(|p| p.lang).unwrap_or_default();
    let other = match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    };
    let onclick = prefs.map(|prefs| {
        Callback::from(move |_: MouseEvent| prefs.dispatch(PrefsAction::SetLang(other)))
    });
    html! {
        <header class="mc-header">
            <a class="mc-skip" href="#mc-main">{ Ui::SkipToContent.get(lang) }</a>
            <Link<Route> to={Route::Home} classes="mc-brand">
                <span class="mc-brand-name">{ Ui::AppName.get(lang) }</span>
                <span class="mc-brand-tagline">{ Ui::AppTagline.get(lang) }</span>
            </Link<Route>>
            <nav class="mc-nav" aria-label={crate::text::tr(lang, "Điều hướng", "Navigation")}>
                <Link<Route> to={Route::Outbox} classes="mc-nav-link">
                    { crate::text::tr(lang, "Hộp thư đi", "Outbox") }
                </Link<Route>>
                <button type="button" class="mc-lang" {onclick}
                    lang={other.tag()}
                    aria-label={Ui::SwitchLanguageLabel.get(lang)}>
                    { Ui::SwitchLanguage.get(lang) }
                </button>
            </nav>
        </header>
    }
}
