//! "Same as …" buttons (giống thông tin …) at the top of a section or a
//! group: one per offer of the schema that applies now. A press sets the
//! answers [`motcua_forms::Procedure::copy_answers`] gives; they stay
//! editable like any typed answer.

use std::rc::Rc;

use motcua_forms::CopyFrom;
use yew::prelude::*;

use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;
use crate::text::tr;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct CopyOffersProps {
    /// The offers of one section or group, from the schema.
    pub(crate) offers: Rc<[CopyFrom]>,
}

/// The applicable offers as buttons, and a note once one was used.
#[component]
pub(crate) fn CopyOffers(props: &CopyOffersProps) -> Html {
    let lang = use_lang();
    let copied = use_state(|| false);
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let offers: Vec<&CopyFrom> = props
        .offers
        .iter()
        .filter(|o| filing.evaluation.copy_available(&o.id))
        .collect();
    if offers.is_empty() && !*copied {
        return Html::default();
    }
    let buttons = offers.into_iter().map(|offer| {
        let onclick = {
            let filing = filing.clone();
            let id = offer.id.clone();
            let copied = copied.clone();
            Callback::from(move |_: MouseEvent| {
                let answers =
                    filing
                        .procedure
                        .copy_answers(&id, &filing.values, &filing.evaluation);
                for (path, value) in answers {
                    filing.dispatch(FilingAction::Set(path, value));
                }
                copied.set(true);
            })
        };
        html! {
            <button type="button" class="mc-button mc-button-secondary" id={format!("mc-copy-{}", offer.id)}
                key={offer.id.clone()} {onclick}>
                { offer.label.get(lang) }
            </button>
        }
    });
    html! {
        <div class="mc-copy-offers">
            <div class="mc-button-group">{ for buttons }</div>
            <p class="mc-hint" role="status">
                if *copied {
                    { tr(lang, "Đã điền theo thông tin đã khai. Kiểm tra lại và sửa nếu cần.",
                        "Filled in from your earlier answers. Check them and change what differs.") }
                }
            </p>
        </div>
    }
}
