//! Administrative units (province, then commune) and addresses.
//!
//! 34 provinces fit a drop-down; 3,321 communes do not, so the commune is
//! found by typing part of its name (with or without diacritics) among the
//! communes of the chosen province.

use std::rc::Rc;

use motcua_forms::{AdminUnits, Field, FieldKind};
use serde_json::{Value, json};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{FieldFrame, error_message, label_text, leave_group};
use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;
use crate::text::Ui;

/// Most communes listed under the search box at once.
const MAX_RESULTS: usize = 8;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct UnitViewProps {
    pub(crate) field: Rc<Field>,
    pub(crate) path: String,
    pub(crate) frame: FieldFrame,
}

fn part(value: Option<&Value>, key: &str) -> String {
    value
        .and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Province drop-down, commune search, and for addresses the street line.
#[component]
pub(crate) fn UnitView(props: &UnitViewProps) -> Html {
    let lang = use_lang();
    let query = use_state(String::new);
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    let frame = &props.frame;
    let value = motcua_forms::value_at(&filing.values, &props.path).cloned();
    let province = part(value.as_ref(), "province");
    let commune = part(value.as_ref(), "commune");
    let street = part(value.as_ref(), "street");
    let hint = field.hint.as_ref().map(|h| h.get(lang).to_owned());
    let described = frame.described_by(hint.is_some());
    let class = classes!("mc-field", frame.error.as_ref().map(|_| "mc-field-error"));

    let body = match &filing.units {
        None if filing.units_failed => html! {
            <p class="mc-error-message" role="alert">{ Ui::UnitsUnavailable.get(lang) }</p>
        },
        None => html! { <p class="mc-hint" role="status">{ Ui::UnitsLoading.get(lang) }</p> },
        Some(units) => {
            let set = {
                let filing = filing.clone();
                let path = props.path.clone();
                let street = street.clone();
                let is_address = matches!(field.kind, FieldKind::Address);
                move |province: &str, commune: &str| {
                    let mut value = json!({ "province": province, "commune": commune });
                    if is_address {
                        value["street"] = Value::String(street.clone());
                    }
                    filing.dispatch(FilingAction::Set(path.clone(), value));
                }
            };
            let on_province = {
                let set = set.clone();
                let query = query.clone();
                Callback::from(move |e: Event| {
                    let code = e.target_unchecked_into::<HtmlSelectElement>().value();
                    query.set(String::new());
                    set(&code, "");
                })
            };
            let province_select = province_select(
                units,
                &province,
                &frame.id,
                described.clone(),
                on_province,
                lang,
            );
            let commune_part = if province.is_empty() {
                Html::default()
            } else if let Some(chosen) = units.commune(&commune) {
                let change = {
                    let set = set.clone();
                    Callback::from(move |_: MouseEvent| set(&province, ""))
                };
                html! {
                    <div class="mc-unit-chosen">
                        <span class="mc-label-inline">{ Ui::Commune.get(lang) }{": "}</span>
                        <strong id={format!("{}-commune", frame.id)}>{ chosen.name.clone() }</strong>
                        <button type="button" class="mc-link-button" onclick={change}>{ Ui::ChangeCommune.get(lang) }</button>
                    </div>
                }
            } else {
                commune_search(units, &province, &frame.id, &query, set, lang)
            };
            html! { <>{ province_select }{ commune_part }</> }
        }
    };

    let street_part = matches!(field.kind, FieldKind::Address).then(|| {
        let id = format!("{}-street", frame.id);
        let oninput = {
            let filing = filing.clone();
            let path = format!("{}.street", props.path);
            Callback::from(move |e: InputEvent| {
                let text = e.target_unchecked_into::<HtmlInputElement>().value();
                filing.dispatch(FilingAction::Set(path.clone(), Value::String(text)));
            })
        };
        html! {
            <div class="mc-subfield">
                <label class="mc-label-sub" for={id.clone()}>{ Ui::Street.get(lang) }</label>
                <input class="mc-input" {id} type="text" autocomplete="street-address" value={street} {oninput} />
            </div>
        }
    });

    html! {
        <div {class}>
            <fieldset class="mc-fieldset" aria-describedby={described} onfocusout={leave_group(&filing, &props.path)}>
                <legend class="mc-label">{ label_text(field, lang, frame.required) }</legend>
                if let Some(hint) = hint {
                    <p class="mc-hint" id={frame.hint_id.clone()}>{ hint }</p>
                }
                { error_message(frame, lang) }
                { body }
                { for street_part }
            </fieldset>
        </div>
    }
}

fn province_select(
    units: &AdminUnits,
    selected: &str,
    id: &str,
    described: Option<String>,
    onchange: Callback<Event>,
    lang: motcua_forms::Lang,
) -> Html {
    let mut provinces: Vec<_> = units.provinces().iter().collect();
    provinces.sort_by_key(|p| motcua_forms::fold(&p.name));
    html! {
        <div class="mc-subfield">
            <label class="mc-label-sub" for={id.to_owned()}>{ Ui::Province.get(lang) }</label>
            <select class="mc-select" id={id.to_owned()} {onchange} aria-describedby={described}>
                <option value="" selected={selected.is_empty()}>{ Ui::ChooseOne.get(lang) }</option>
                { for provinces.iter().map(|p| html! {
                    <option value={p.code.as_str().to_owned()} selected={p.code.as_str() == selected}>
                        { p.name.clone() }
                    </option>
                }) }
            </select>
        </div>
    }
}

fn commune_search(
    units: &AdminUnits,
    province: &str,
    id: &str,
    query: &UseStateHandle<String>,
    set: impl Fn(&str, &str) + Clone + 'static,
    lang: motcua_forms::Lang,
) -> Html {
    let search_id = format!("{id}-commune");
    let list_id = format!("{id}-communes");
    let results = if query.trim().is_empty() {
        Vec::new()
    } else {
        units.search(query.as_str(), Some(province), MAX_RESULTS)
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let status = if query.trim().is_empty() {
        String::new()
    } else if results.is_empty() {
        Ui::NoCommuneMatch.get(lang).to_owned()
    } else {
        match lang {
            motcua_forms::Lang::Vi => format!("{} kết quả", results.len()),
            motcua_forms::Lang::En => format!("{} results", results.len()),
        }
    };
    html! {
        <div class="mc-subfield">
            <label class="mc-label-sub" for={search_id.clone()}>{ Ui::CommuneSearch.get(lang) }</label>
            <p class="mc-hint" id={format!("{search_id}-hint")}>{ Ui::CommuneSearchHint.get(lang) }</p>
            <input class="mc-input" id={search_id.clone()} type="search" autocomplete="off"
                aria-describedby={format!("{search_id}-hint")} aria-controls={list_id.clone()}
                value={(**query).clone()} {oninput} />
            <p class="mc-visually-hidden" role="status" aria-live="polite">{ status.clone() }</p>
            if !query.trim().is_empty() && results.is_empty() {
                <p class="mc-hint">{ status }</p>
            }
            <ul class="mc-unit-results" id={list_id}>
                { for results.into_iter().map(|c| {
                    let code = c.code.as_str().to_owned();
                    let onclick = {
                        let set = set.clone();
                        let province = province.to_owned();
                        let query = query.clone();
                        Callback::from(move |_: MouseEvent| {
                            query.set(String::new());
                            set(&province, &code);
                        })
                    };
                    html! {
                        <li><button type="button" class="mc-unit-option" {onclick}>{ c.name.clone() }</button></li>
                    }
                }) }
            </ul>
        </div>
    }
}
