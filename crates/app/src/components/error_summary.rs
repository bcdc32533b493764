//! The error summary at the top of a page (GOV.UK pattern): every problem,
//! each a link that moves focus to its field.

use motcua_forms::FieldError;
use yew::prelude::*;

use crate::dom::{field_dom_id, focus};
use crate::state::use_lang;
use crate::text::Ui;

/// The element id of the summary, focused when "continue" finds problems.
pub(crate) const SUMMARY_ID: &str = "mc-error-summary";

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ErrorSummaryProps {
    pub(crate) errors: Vec<FieldError>,
    /// What a link does when its field is on another screen; by default it
    /// focuses the field on this one.
    #[prop_or_default]
    pub(crate) on_select: Option<Callback<FieldError>>,
}

/// Nothing when there are no errors.
#[component]
pub(crate) fn ErrorSummary(props: &ErrorSummaryProps) -> Html {
    let lang = use_lang();
    if props.errors.is_empty() {
        return Html::default();
    }
    html! {
        <div class="mc-error-summary" id={SUMMARY_ID} tabindex="-1" role="alert"
             aria-labelledby="mc-error-summary-title">
            <h2 class="mc-error-summary-title" id="mc-error-summary-title">
                { Ui::ErrorSummaryTitle.get(lang) }
            </h2>
            <ul class="mc-error-summary-list">
                { for props.errors.iter().map(|error| {
                    let target = field_dom_id(&error.path);
                    let href = format!("#{target}");
                    let on_select = props.on_select.clone();
                    let selected = error.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        match &on_select {
                            Some(select) => select.emit(selected.clone()),
                            None => focus(&target),
                        }
                    });
                    html! {
                        <li><a {href} {onclick}>{ error.message.get(lang) }</a></li>
                    }
                }) }
            </ul>
        </div>
    }
}
