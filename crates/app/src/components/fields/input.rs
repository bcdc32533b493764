//! Typed answers: text, long text, names, numbers, e-mail, phone, personal
//! ID, tax code, and dates as three boxes (day, month, year).

use std::rc::Rc;

use motcua_forms::{Field, FieldKind, Lang};
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{FieldFrame, error_message, label_text, labelled, leave_group};
use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct InputViewProps {
    pub(crate) field: Rc<Field>,
    pub(crate) path: String,
    pub(crate) frame: FieldFrame,
}

pub(super) fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The `type` and `autocomplete` attributes: the browser's own checks stay
/// off (`novalidate` on the form), but the keyboard and autofill follow
/// them; autofill only where the browser knows the citizen's own answer.
fn browser_hints(kind: &FieldKind) -> (&'static str, &'static str) {
    match kind {
        FieldKind::Email => ("email", "email"),
        FieldKind::Phone => ("tel", "tel"),
        FieldKind::Text(_)
        | FieldKind::LongText(_)
        | FieldKind::PersonName(_)
        | FieldKind::Number(_)
        | FieldKind::Money(_)
        | FieldKind::Date(_)
        | FieldKind::YesNo
        | FieldKind::Choice(_)
        | FieldKind::MultiChoice(_)
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_)
        | FieldKind::AdminUnit
        | FieldKind::Address
        | FieldKind::Group(_) => ("text", "off"),
    }
}

/// The longest answer the schema allows, for the box's `maxlength`.
fn max_length(kind: &FieldKind) -> Option<u32> {
    match kind {
        FieldKind::Text(r) => r.length.max_length,
        FieldKind::LongText(r) | FieldKind::PersonName(r) => r.max_length,
        FieldKind::Number(_)
        | FieldKind::Money(_)
        | FieldKind::Date(_)
        | FieldKind::YesNo
        | FieldKind::Choice(_)
        | FieldKind::MultiChoice(_)
        | FieldKind::Email
        | FieldKind::Phone
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_)
        | FieldKind::AdminUnit
        | FieldKind::Address
        | FieldKind::Group(_) => None,
    }
}

/// A labelled text box (or text area), or the date boxes.
#[component]
pub(crate) fn InputView(props: &InputViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    let frame = &props.frame;
    let value = text_of(motcua_forms::value_at(&filing.values, &props.path));
    let onblur = {
        let filing = filing.clone();
        let path = props.path.clone();
        Callback::from(move |_: FocusEvent| filing.dispatch(FilingAction::Leave(path.clone())))
    };
    let hint = field.hint.as_ref().map(|h| h.get(lang).to_owned());
    let described = frame.described_by(hint.is_some());
    let invalid = frame.error.is_some().then_some("true");
    let control = if matches!(field.kind, FieldKind::LongText(_)) {
        let oninput = {
            let filing = filing;
            let path = props.path.clone();
            Callback::from(move |e: InputEvent| {
                let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                filing.dispatch(FilingAction::Set(path.clone(), Value::String(text)));
            })
        };
        html! {
            <textarea class="mc-textarea" id={frame.id.clone()} rows="5" {value} {oninput} {onblur}
                aria-describedby={described} aria-invalid={invalid}
                maxlength={max_length(&field.kind).map(|n| n.to_string())} />
        }
    } else {
        let oninput = {
            let filing = filing;
            let path = props.path.clone();
            Callback::from(move |e: InputEvent| {
                let text = e.target_unchecked_into::<HtmlInputElement>().value();
                filing.dispatch(FilingAction::Set(path.clone(), Value::String(text)));
            })
        };
        let short = matches!(
            field.kind,
            FieldKind::Phone
                | FieldKind::PersonalId(_)
                | FieldKind::TaxCode(_)
                | FieldKind::Number(_)
        );
        let width = short.then_some("mc-input-short");
        let (input_type, autocomplete) = browser_hints(&field.kind);
        let input = html! {
            <input class={classes!("mc-input", width)} id={frame.id.clone()} type={input_type}
                inputmode={field.kind.input_mode()} {autocomplete}
                spellcheck="false" {value} {oninput} {onblur}
                aria-describedby={described} aria-invalid={invalid} />
        };
        // Only a number has a unit after its box (money's "đồng" is the
        // money widget's own).
        let suffix = if let FieldKind::Number(rules) = &field.kind {
            rules.suffix.as_ref()
        } else {
            None
        };
        match suffix {
            Some(suffix) => html! {
                <div class="mc-input-wrap">{ input }<span class="mc-suffix">{ suffix.get(lang) }</span></div>
            },
            None => input,
        }
    };
    labelled(field, frame, lang, hint, control)
}

/// Splits a typed date into day, month and year boxes: `d/m/yyyy` as typed
/// here, or ISO `yyyy-mm-dd` as in examples and normalized data.
fn date_parts(text: &str) -> [String; 3] {
    if let [y, m, d] = text.split('-').collect::<Vec<_>>()[..]
        && y.len() == 4
    {
        return [d.to_owned(), m.to_owned(), y.to_owned()];
    }
    let mut parts = text.splitn(3, '/').map(str::to_owned);
    [
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    ]
}

/// The three boxes of a date (GOV.UK date input): phones show a number pad,
/// which has no `/`, so the parts are typed apart and joined as `dd/mm/yyyy`.
#[component]
pub(crate) fn DateView(props: &InputViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let frame = &props.frame;
    let field = &props.field;
    let parts = date_parts(&text_of(motcua_forms::value_at(
        &filing.values,
        &props.path,
    )));
    let labels = match lang {
        Lang::Vi => ["Ngày", "Tháng", "Năm"],
        Lang::En => ["Day", "Month", "Year"],
    };
    let hint = crate::format::date_hint(field.hint.as_ref().map(|h| h.get(lang)), lang);
    let described = frame.described_by(true);
    let invalid = frame.error.is_some().then_some("true");
    let boxes = (0..3).map(|i| {
        let id = if i == 0 {
            frame.id.clone()
        } else {
            format!("{}-{}", frame.id, ["d", "m", "y"][i])
        };
        let oninput = {
            let filing = filing.clone();
            let path = props.path.clone();
            let parts = parts.clone();
            Callback::from(move |e: InputEvent| {
                let mut parts = parts.clone();
                parts[i] = e
                    .target_unchecked_into::<HtmlInputElement>()
                    .value()
                    .trim()
                    .to_owned();
                let joined = if parts.iter().all(String::is_empty) {
                    String::new()
                } else {
                    parts.join("/")
                };
                filing.dispatch(FilingAction::Set(path.clone(), Value::String(joined)));
            })
        };
        let width = if i == 2 {
            "mc-input-year"
        } else {
            "mc-input-day"
        };
        html! {
            <div class="mc-date-item">
                <label class="mc-date-label" for={id.clone()}>{ labels[i] }</label>
                <input class={classes!("mc-input", width)} id={id} type="text" inputmode="numeric"
                    maxlength={if i == 2 { "4" } else { "2" }} autocomplete="off"
                    value={parts[i].clone()} {oninput}
                    aria-describedby={described.clone()} aria-invalid={invalid} />
            </div>
        }
    });
    let onfocusout = leave_group(&filing, &props.path);
    let class = classes!("mc-field", frame.error.as_ref().map(|_| "mc-field-error"));
    html! {
        <div {class}>
            <fieldset class="mc-fieldset" role="group" aria-describedby={described.clone()} {onfocusout}>
                <legend class="mc-label">{ label_text(field, lang, frame.required) }</legend>
                <p class="mc-hint" id={frame.hint_id.clone()}>{ hint }</p>
                { error_message(frame, lang) }
                <div class="mc-date">{ for boxes }</div>
            </fieldset>
        </div>
    }
}
