//! Answers chosen from a list: yes/no, one option, several options.

use std::rc::Rc;

use motcua_forms::{Field, FieldKind};
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{FieldFrame, error_message, label_text, leave_group};
use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;
use crate::text::Ui;

/// Longer lists become a drop-down instead of radio buttons.
const MAX_RADIOS: usize = 8;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ChoiceViewProps {
    pub(crate) field: Rc<Field>,
    pub(crate) path: String,
    pub(crate) frame: FieldFrame,
}

/// Radios, checkboxes or a drop-down, by kind and number of options.
#[component]
pub(crate) fn ChoiceView(props: &ChoiceViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    let frame = &props.frame;
    let current = motcua_forms::value_at(&filing.values, &props.path).cloned();
    // (value as stored, label) for each option.
    let listed = |options: &[motcua_forms::ChoiceOption]| -> Vec<(Value, String)> {
        options
            .iter()
            .map(|o| (Value::String(o.value.clone()), o.label.get(lang).to_owned()))
            .collect()
    };
    let options: Vec<(Value, String)> = match &field.kind {
        FieldKind::YesNo => vec![
            (Value::Bool(true), Ui::Yes.get(lang).to_owned()),
            (Value::Bool(false), Ui::No.get(lang).to_owned()),
        ],
        FieldKind::Choice(c) => listed(&c.options),
        FieldKind::MultiChoice(c) => listed(&c.options),
        // Routed to other widgets by `FieldView`; no options to offer.
        FieldKind::Text(_)
        | FieldKind::LongText(_)
        | FieldKind::PersonName(_)
        | FieldKind::Number(_)
        | FieldKind::Money(_)
        | FieldKind::Date(_)
        | FieldKind::Email
        | FieldKind::Phone
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_)
        | FieldKind::AdminUnit
        | FieldKind::Address
        | FieldKind::Group(_) => Vec::new(),
    };
    let hint = field.hint.as_ref().map(|h| h.get(lang).to_owned());
    let described = frame.described_by(hint.is_some());
    let leave = {
        let filing = filing.clone();
        let path = props.path.clone();
        Callback::from(move |_: FocusEvent| filing.dispatch(FilingAction::Leave(path.clone())))
    };
    let class = classes!("mc-field", frame.error.as_ref().map(|_| "mc-field-error"));
    let label = label_text(field, lang, frame.required);

    if matches!(field.kind, FieldKind::Choice(_)) && options.len() > MAX_RADIOS {
        let onchange = {
            let filing = filing;
            let path = props.path.clone();
            Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                let value = if value.is_empty() {
                    Value::Null
                } else {
                    Value::String(value)
                };
                filing.dispatch(FilingAction::Set(path.clone(), value));
            })
        };
        let selected = current
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        return html! {
            <div {class}>
                <label class="mc-label" for={frame.id.clone()}>{ label }</label>
                if let Some(hint) = hint {
                    <p class="mc-hint" id={frame.hint_id.clone()}>{ hint }</p>
                }
                { error_message(frame, lang) }
                <select class="mc-select" id={frame.id.clone()} {onchange} onblur={leave}
                    aria-describedby={described} aria-invalid={frame.error.is_some().then_some("true")}>
                    <option value="" selected={selected.is_empty()}>{ Ui::ChooseOne.get(lang) }</option>
                    { for options.iter().map(|(value, text)| {
                        let value = value.as_str().unwrap_or_default().to_owned();
                        let is_selected = value == selected;
                        html! { <option selected={is_selected} {value}>{ text.clone() }</option> }
                    }) }
                </select>
            </div>
        };
    }

    let multi = matches!(field.kind, FieldKind::MultiChoice(_));
    let chosen: Vec<Value> = match (&current, multi) {
        (Some(Value::Array(values)), true) => values.clone(),
        _ => Vec::new(),
    };
    let items = options.iter().enumerate().map(|(i, (value, text))| {
        let id = if i == 0 { frame.id.clone() } else { format!("{}-{i}", frame.id) };
        let checked = if multi { chosen.contains(value) } else { current.as_ref() == Some(value) };
        let onchange = {
            let filing = filing.clone();
            let path = props.path.clone();
            let value = value.clone();
            let chosen = chosen.clone();
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let next = if multi {
                    let mut list: Vec<Value> = chosen.iter().filter(|v| **v != value).cloned().collect();
                    if on {
                        list.push(value.clone());
                    }
                    Value::Array(list)
                } else {
                    value.clone()
                };
                filing.dispatch(FilingAction::Set(path.clone(), next));
            })
        };
        let input_type = if multi { "checkbox" } else { "radio" };
        html! {
            <div class="mc-choice">
                <input class="mc-choice-input" type={input_type} id={id.clone()} name={frame.id.clone()}
                    {checked} {onchange} />
                <label class="mc-choice-label" for={id}>{ text.clone() }</label>
            </div>
        }
    });
    html! {
        <div {class}>
            <fieldset class="mc-fieldset" aria-describedby={described}
                onfocusout={leave_group(&filing, &props.path)}>
                <legend class="mc-label">{ label }</legend>
                if let Some(hint) = hint {
                    <p class="mc-hint" id={frame.hint_id.clone()}>{ hint }</p>
                }
                { error_message(frame, lang) }
                <div class={classes!("mc-choices", (options.len() == 2 && !multi).then_some("mc-choices-inline"))}>
                    { for items }
                </div>
            </fieldset>
        </div>
    }
}
