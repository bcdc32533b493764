//! Loading and failure notices for documents fetched over the network.

use yew::prelude::*;

use crate::state::use_lang;
use crate::text::Ui;

/// "Loading…", announced politely to screen readers.
#[component]
pub(crate) fn Loading() -> Html {
    let lang = use_lang();
    html! { <p class="mc-loading" role="status">{ Ui::Loading.get(lang) }</p> }
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct FailedProps {
    /// What could not be done, for the user.
    pub(crate) message: Ui,
    /// Called when the user asks to try again.
    pub(crate) on_retry: Callback<()>,
}

/// A failure with a retry button.
#[component]
pub(crate) fn Failed(props: &FailedProps) -> Html {
    let lang = use_lang();
    let onclick = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <div class="mc-notice mc-notice-error" role="alert">
            <p>{ props.message.get(lang) }</p>
            <button type="button" class="mc-button mc-button-secondary" {onclick}>
                { Ui::Retry.get(lang) }
            </button>
        </div>
    }
}
