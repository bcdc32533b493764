//! One component per kind of form field, and [`FieldView`] that picks among
//! them from the schema. Components read the filing from context and
//! dispatch changes; none of them knows validation rules.

pub(crate) mod choice;
pub(crate) mod group;
pub(crate) mod input;
pub(crate) mod money;
pub(crate) mod unit;

use std::rc::Rc;

use motcua_forms::{Field, FieldKind};
use serde_json::Value;
use yew::prelude::*;

use crate::dom::field_dom_id;
use crate::filing::{Filing, FilingContext};
use crate::state::use_lang;
use crate::text::Ui;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct FieldViewProps {
    pub(crate) field: Rc<Field>,
    /// The field's path: its id, after the row prefix inside a table.
    pub(crate) path: String,
    /// The section it is in (errors show once the section was checked).
    pub(crate) section: Rc<str>,
}

/// What every widget needs: ids for label, hint and error, the error to show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldFrame {
    pub(crate) id: String,
    pub(crate) hint_id: String,
    pub(crate) error_id: String,
    pub(crate) error: Option<String>,
    pub(crate) required: bool,
}

impl FieldFrame {
    fn new(filing: &Filing, lang: motcua_forms::Lang, path: &str, section: &str) -> Self {
        let id = field_dom_id(path);
        let error = filing
            .shows_errors(path, section)
            .then(|| filing.evaluation.errors_at(path).next())
            .flatten()
            .map(|e| e.message.get(lang).to_owned());
        Self {
            hint_id: format!("{id}-hint"),
            error_id: format!("{id}-error"),
            required: filing.evaluation.is_required(path),
            error,
            id,
        }
    }

    /// `aria-describedby`: the hint and the error, when there are.
    pub(crate) fn described_by(&self, has_hint: bool) -> Option<String> {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(self.hint_id.as_str());
        }
        if self.error.is_some() {
            ids.push(self.error_id.as_str());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The label's text with "(không bắt buộc)" for optional fields, as GOV.UK
/// marks the optional rather than the required ones.
pub(crate) fn label_text(field: &Field, lang: motcua_forms::Lang, required: bool) -> String {
    let label = field.label.get(lang);
    if required {
        label.to_owned()
    } else {
        match lang {
            motcua_forms::Lang::Vi => format!("{label} (không bắt buộc)"),
            motcua_forms::Lang::En => format!("{label} (optional)"),
        }
    }
}

/// A field's frame around its control: label, hint, error, then the
/// control (GOV.UK order: the error sits between the hint and the box).
pub(crate) fn labelled(
    field: &Field,
    frame: &FieldFrame,
    lang: motcua_forms::Lang,
    hint: Option<String>,
    control: Html,
) -> Html {
    let class = classes!("mc-field", frame.error.as_ref().map(|_| "mc-field-error"));
    html! {
        <div {class}>
            <label class="mc-label" for={frame.id.clone()}>{ label_text(field, lang, frame.required) }</label>
            if let Some(hint) = hint {
                <p class="mc-hint" id={frame.hint_id.clone()}>{ hint }</p>
            }
            { error_message(frame, lang) }
            { control }
        </div>
    }
}

/// The error message element, announced with a hidden "Error:" prefix.
pub(crate) fn error_message(frame: &FieldFrame, lang: motcua_forms::Lang) -> Html {
    match &frame.error {
        None => Html::default(),
        Some(message) => html! {
            <p class="mc-error-message" id={frame.error_id.clone()}>
                <span class="mc-visually-hidden">{ Ui::ErrorPrefix.get(lang) }{" "}</span>
                { message.clone() }
            </p>
        },
    }
}

/// `focusout` on a group of controls (date boxes, radios, unit picker):
/// moving inside the group is not leaving the field; leaving the group is.
pub(crate) fn leave_group(filing: &FilingContext, path: &str) -> Callback<FocusEvent> {
    use wasm_bindgen::JsCast;
    let filing = filing.clone();
    let path = path.to_owned();
    Callback::from(move |e: FocusEvent| {
        let group = e
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let next = e
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = matches!((&group, &next), (Some(g), Some(n)) if g.contains(Some(n)));
        if !inside {
            filing.dispatch(crate::filing::FilingAction::Leave(path.clone()));
        }
    })
}

/// Renders one field of the schema at `path`, or nothing if it is hidden.
#[component]
pub(crate) fn FieldView(props: &FieldViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    if !filing.evaluation.is_visible(&props.path) {
        return Html::default();
    }
    if field.is_computed() {
        let value = filing
            .evaluation
            .computed()
            .get(&field.id)
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        return html! {
            <div class="mc-field mc-field-computed">
                <span class="mc-label" id={field_dom_id(&props.path)}>{ field.label.get(lang) }</span>
                <p class="mc-hint">{ Ui::ComputedHint.get(lang) }</p>
                <output class="mc-computed" aria-live="polite">{ value }</output>
            </div>
        };
    }
    let frame = FieldFrame::new(&filing, lang, &props.path, &props.section);
    let field = Rc::clone(field);
    let path = props.path.clone();
    let section = Rc::clone(&props.section);
    match &field.kind {
        FieldKind::Group(_) => html! { <group::GroupView {field} {path} {section} /> },
        FieldKind::YesNo | FieldKind::Choice(_) | FieldKind::MultiChoice(_) => {
            html! { <choice::ChoiceView {field} {path} {frame} /> }
        }
        FieldKind::AdminUnit | FieldKind::Address => {
            html! { <unit::UnitView {field} {path} {frame} /> }
        }
        FieldKind::Money(_) => html! { <money::MoneyView {field} {path} {frame} /> },
        FieldKind::Date(_) => html! { <input::DateView {field} {path} {frame} /> },
        FieldKind::Text(_)
        | FieldKind::LongText(_)
        | FieldKind::PersonName(_)
        | FieldKind::Number(_)
        | FieldKind::Email
        | FieldKind::Phone
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_) => html! { <input::InputView {field} {path} {frame} /> },
    }
}
