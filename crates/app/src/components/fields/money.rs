//! An amount of money in đồng: one box with a number pad, "đồng" after it,
//! and the amount read back under it, grouped and in words, as paper forms
//! ask for it "bằng chữ" — so a citizen who typed one zero too many sees it.

use std::rc::Rc;

use motcua_forms::{Field, Money};
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::input::text_of;
use super::{FieldFrame, labelled};
use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;
use crate::text::Ui;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct MoneyViewProps {
    pub(crate) field: Rc<Field>,
    pub(crate) path: String,
    pub(crate) frame: FieldFrame,
}

/// The box of a `money` field.
#[component]
pub(crate) fn MoneyView(props: &MoneyViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    let frame = &props.frame;
    let value = text_of(motcua_forms::value_at(&filing.values, &props.path));
    let amount = value.parse::<Money>().ok();
    let oninput = {
        let filing = filing.clone();
        let path = props.path.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            filing.dispatch(FilingAction::Set(path.clone(), Value::String(text)));
        })
    };
    // On leaving the box, an amount typed without dots is shown grouped.
    let onblur = {
        let filing = filing;
        let path = props.path.clone();
        Callback::from(move |e: FocusEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(amount) = text.parse::<Money>() {
                let grouped = amount.to_string();
                if grouped != text {
                    filing.dispatch(FilingAction::Set(path.clone(), Value::String(grouped)));
                }
            }
            filing.dispatch(FilingAction::Leave(path.clone()));
        })
    };
    let hint = field.hint.as_ref().map(|h| h.get(lang).to_owned());
    let words_id = format!("{}-words", frame.id);
    let described = match frame.described_by(hint.is_some()) {
        Some(ids) => format!("{ids} {words_id}"),
        None => words_id.clone(),
    };
    let invalid = frame.error.is_some().then_some("true");
    let control = html! {
        <>
            <div class="mc-input-wrap">
                <input class="mc-input" id={frame.id.clone()} type="text"
                    inputmode={field.kind.input_mode()} autocomplete="off" spellcheck="false"
                    {value} {oninput} {onblur} aria-describedby={described} aria-invalid={invalid} />
                <span class="mc-suffix">{ Ui::Dong.get(lang) }</span>
            </div>
            <p class="mc-money-words" id={words_id} aria-live="polite">
                if let Some(amount) = amount {
                    { format!("{}: {}", Ui::AmountInWords.get(lang), capitalized(&amount.words())) }
                }
            </p>
        </>
    };
    labelled(field, frame, lang, hint, control)
}

/// The first letter upper-cased, as a sentence starts.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
