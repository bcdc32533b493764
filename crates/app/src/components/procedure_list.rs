//! The searchable list of procedures.

use std::rc::Rc;

use motcua_forms::CatalogIndex;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::search::matches;
use crate::state::use_lang;
use crate::text::{Ui, procedure_count};

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ProcedureListProps {
    pub(crate) index: Rc<CatalogIndex>,
}

/// A search box over the catalog, and the procedures that match it.
#[component]
pub(crate) fn ProcedureList(props: &ProcedureListProps) -> Html {
    let lang = use_lang();
    let query = use_state(String::new);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let found: Vec<_> = props
        .index
        .procedures
        .iter()
        .filter(|p| matches(p, &query))
        .collect();
    html! {
        <section class="mc-procedures" aria-labelledby="mc-procedures-title">
            <div class="mc-field">
                <label class="mc-label" for="mc-search">{ Ui::SearchLabel.get(lang) }</label>
                <p class="mc-hint" id="mc-search-hint">{ Ui::SearchHint.get(lang) }</p>
                <input class="mc-input" id="mc-search" type="search" autocomplete="off"
                    aria-describedby="mc-search-hint" aria-controls="mc-procedure-list"
                    value={(*query).clone()} {oninput} />
            </div>
            <p class="mc-count" role="status" aria-live="polite">
                { procedure_count(lang, found.len()) }
            </p>
            if found.is_empty() {
                <p class="mc-empty">{ Ui::NoMatch.get(lang) }</p>
            }
            <ul class="mc-list" id="mc-procedure-list">
                { for found.into_iter().map(|p| html! {
                    <li class="mc-card" key={p.code.as_str()}>
                        <Link<Route> to={Route::Procedure { code: p.code.to_string() }} classes="mc-card-link">
                            <span class="mc-card-title">{ p.name.get(lang) }</span>
                        </Link<Route>>
                        <span class="mc-card-meta">
                            <span class="mc-code">{ p.code.as_str() }</span>
                            <span class="mc-tag">{ p.level.label().get(lang).to_owned() }</span>
                        </span>
                    </li>
                }) }
            </ul>
        </section>
    }
}
