//! One section of the form (one step): progress, the error summary, the
//! fields, and "continue", which checks the section before moving on.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::copy_offers::CopyOffers;
use crate::components::error_summary::{ErrorSummary, SUMMARY_ID};
use crate::components::fields::FieldView;
use crate::dom::{field_dom_id, focus};
use crate::filing::{DraftOffer, FilingAction, FilingContext};
use crate::hooks::use_held_blurs::use_held_blurs;
use crate::hooks::use_step_start::{STEP_HEADING_ID, use_step_start};
use crate::route::Route;
use crate::state::use_lang;
use crate::text::{self, Ui};

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct FormSectionProps {
    /// The section's id.
    pub(crate) id: String,
}

/// The screen of one section.
#[component]
pub(crate) fn FormSection(props: &FormSectionProps) -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let summary_focus = use_state(|| 0u32);
    let filing = use_context::<FilingContext>();
    use_held_blurs(filing.clone());
    let field_focus = filing.as_ref().is_some_and(|f| f.focus.is_some());
    use_step_start(props.id.clone(), field_focus);

    // After a failed "continue", move focus to the summary so a screen
    // reader announces it and the keyboard starts there.
    use_effect_with(*summary_focus, |n| {
        if *n > 0 {
            focus(SUMMARY_ID);
        }
    });
    // A "change" link asked for a field: focus it once it is on screen.
    {
        let filing = filing.clone();
        let target = filing.as_ref().and_then(|f| f.focus.clone());
        use_effect_with((target, props.id.clone()), move |(target, _)| {
            if let (Some(path), Some(filing)) = (target, filing) {
                focus(&field_dom_id(path));
                filing.dispatch(FilingAction::Focus(None));
            }
        });
    }
    let Some(filing) = filing else {
        return Html::default();
    };
    let procedure = Rc::clone(&filing.procedure);
    let code = procedure.code.to_string();
    let visible: Vec<_> = procedure
        .sections
        .iter()
        .filter(|s| filing.evaluation.is_section_visible(&s.id))
        .collect();
    let Some(index) = visible.iter().position(|s| s.id == props.id) else {
        let first = visible.first().map(|s| s.id.clone()).unwrap_or_default();
        return html! {
            <div class="mc-notice mc-notice-error" role="alert">
                <p>{ Ui::SectionNotFound.get(lang) }</p>
                <Link<Route> to={Route::FormSection { code, section: first }}>{ Ui::Continue.get(lang) }</Link<Route>>
            </div>
        };
    };
    let section = visible[index];
    let section_id: Rc<str> = Rc::from(section.id.as_str());
    let errors: Vec<_> = if filing.checked.contains(&section.id) || filing.reviewed {
        filing
            .evaluation
            .section_errors(&section.id)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };

    let back = match index.checked_sub(1) {
        Some(i) => Route::FormSection {
            code: code.clone(),
            section: visible[i].id.clone(),
        },
        None => Route::Procedure { code: code.clone() },
    };
    let next = match visible.get(index + 1) {
        // After a "change" from the review, straight back to it.
        _ if filing.return_to_review => Route::Review { code },
        Some(s) => Route::FormSection {
            code,
            section: s.id.clone(),
        },
        None => Route::Review { code },
    };
    let onsubmit = {
        let filing = filing.clone();
        let summary_focus = summary_focus;
        let id = section.id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            filing.dispatch(FilingAction::CheckSection(id.clone()));
            if filing.evaluation.section_errors(&id).next().is_some() {
                summary_focus.set(*summary_focus + 1);
            } else if let Some(navigator) = &navigator {
                navigator.push(&next);
            }
        })
    };

    let draft_notice = match filing.draft {
        DraftOffer::Restored(at) => {
            let keep = {
                let filing = filing.clone();
                Callback::from(move |_: MouseEvent| filing.dispatch(FilingAction::KeepDraft))
            };
            let discard = {
                let filing = filing.clone();
                Callback::from(move |_: MouseEvent| filing.dispatch(FilingAction::DiscardDraft))
            };
            html! {
                <div class="mc-notice mc-draft" role="region" aria-label={Ui::DraftRestored.get(lang)}>
                    <p>{ Ui::DraftRestored.get(lang) }{" "}<strong>{ text::time_vn(at) }</strong>{"."}</p>
                    <div class="mc-button-group">
                        <button type="button" class="mc-button" onclick={keep}>{ Ui::DraftKeep.get(lang) }</button>
                        <button type="button" class="mc-button mc-button-secondary" onclick={discard}>
                            { Ui::DraftDiscard.get(lang) }
                        </button>
                    </div>
                </div>
            }
        }
        _ => Html::default(),
    };

    html! {
        <>
            <Link<Route> to={back} classes="mc-back">{ Ui::Back.get(lang) }</Link<Route>>
            { draft_notice }
            <ErrorSummary errors={errors} />
            <span class="mc-caption">{ procedure.name.get(lang) }</span>
            <p class="mc-progress-text">{ text::step_of(lang, index + 1, visible.len() + 1) }</p>
            <progress class="mc-progress" max={(visible.len() + 1).to_string()} value={(index + 1).to_string()}
                aria-hidden="true" />
            <h1 class="mc-title" id={STEP_HEADING_ID} tabindex="-1">{ section.title.get(lang) }</h1>
            if let Some(hint) = &section.hint {
                <p class="mc-lead">{ hint.get(lang) }</p>
            }
            <form class="mc-form" novalidate=true {onsubmit}>
                <CopyOffers offers={Rc::<[_]>::from(section.copy_from.as_slice())} />
                { for section.fields.iter().map(|field| html! {
                    <FieldView key={field.id.clone()} field={Rc::new(field.clone())}
                        path={field.id.clone()} section={Rc::clone(&section_id)} />
                }) }
                <button type="submit" class="mc-button mc-button-primary">{ Ui::Continue.get(lang) }</button>
            </form>
        </>
    }
}
