//! A filing in progress: loads the procedure and any saved draft, keeps the
//! filing state for all its screens, saves every change to the device.

use std::rc::Rc;

use motcua_forms::{Procedure, ProcedureCode};
use yew::prelude::*;

use crate::components::status::{Failed, Loading};
use crate::filing::{Draft, Filing, FilingAction, FilingContext, today_in_vietnam};
use crate::hooks::use_remote::{Remote, use_remote};
use crate::pages::attachments::Attachments;
use crate::pages::form_section::FormSection;
use crate::pages::review::Review;
use crate::pages::sealed::Sealed;
use crate::pages::sign::Sign;
use crate::services::catalog::{self, FetchError};
use crate::services::{drafts, units};
use crate::state::use_lang;
use crate::text::Ui;

/// Which screen of the filing to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FilingView {
    /// One section of the form, by id.
    Section(String),
    /// "Check your answers".
    Review,
    /// The papers of the dossier.
    Attachments,
    /// Sealing.
    Sign,
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct FilingPageProps {
    pub(crate) code: String,
    pub(crate) view: FilingView,
}

/// What a filing starts from.
#[derive(Debug, Clone, PartialEq)]
struct Start {
    procedure: Rc<Procedure>,
    draft: Option<Draft>,
    /// Whether device storage works (private windows may refuse it).
    storage: bool,
}

/// Loads, then hands over to [`FilingSession`].
#[component]
pub(crate) fn FilingPage(props: &FilingPageProps) -> Html {
    let start = use_remote(props.code.clone(), |code: String| async move {
        let code: ProcedureCode = code.parse().map_err(|_| FetchError::Status(404))?;
        let procedure = catalog::procedure(code.clone()).await?;
        let (draft, storage) = match drafts::load(&code).await {
            Ok(draft) => (draft, true),
            Err(_) => (None, false),
        };
        Ok(Start {
            procedure: Rc::new(procedure),
            draft,
            storage,
        })
    });
    let lang = use_lang();
    match start.state {
        Remote::Loading => html! { <Loading /> },
        Remote::Failed(FetchError::Status(404)) => html! {
            <div class="mc-notice mc-notice-error" role="alert">
                <p>{ Ui::ProcedureNotFound.get(lang) }</p>
            </div>
        },
        Remote::Failed(_) => {
            html! { <Failed message={Ui::CatalogUnavailable} on_retry={start.retry} /> }
        }
        Remote::Ready(start) => html! {
            <FilingSession procedure={Rc::clone(&start.procedure)} draft={start.draft.clone()}
                storage={start.storage} view={props.view.clone()} />
        },
    }
}

#[derive(Debug, PartialEq, Properties)]
struct FilingSessionProps {
    procedure: Rc<Procedure>,
    draft: Option<Draft>,
    storage: bool,
    view: FilingView,
}

/// Whether the last autosave worked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Saved {
    Nothing,
    At(f64),
    Failed,
}

#[component]
fn FilingSession(props: &FilingSessionProps) -> Html {
    let lang = use_lang();
    let filing = {
        let procedure = Rc::clone(&props.procedure);
        let draft = props.draft.clone();
        use_reducer(move || Filing::new(procedure, draft, today_in_vietnam()))
    };
    let saved = use_state(|| {
        if props.storage {
            Saved::Nothing
        } else {
            Saved::Failed
        }
    });

    // The unit table, once per filing.
    {
        let filing = filing.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                match units::load().await {
                    Ok(table) => filing.dispatch(FilingAction::UnitsLoaded(Rc::new(table))),
                    Err(_) => filing.dispatch(FilingAction::UnitsFailed),
                }
            });
        });
    }

    // Autosave: every change of the answers replaces the draft.
    {
        let saved = saved.clone();
        let procedure = Rc::clone(&props.procedure);
        let values = filing.values.clone();
        let attachments = (*filing.attachments).clone();
        let office = filing.office.clone();
        let pages = (*filing.pages).clone();
        let text_pages = (*filing.text_pages).clone();
        let draft_gone = filing.values.as_object().is_some_and(|m| m.is_empty())
            && attachments.is_empty()
            && pages.is_empty()
            && text_pages.is_empty();
        let sealed = filing.sealed.clone();
        use_effect_with(filing.revision, move |revision| {
            if *revision > 0 {
                wasm_bindgen_futures::spawn_local(async move {
                    let result = if let (true, Some(id)) = (draft_gone, sealed) {
                        // The sign step wrote this already; the same again.
                        let record =
                            Draft::sealed_as(procedure.version.clone(), id, js_sys::Date::now());
                        drafts::save(&procedure.code, &record).await
                    } else if draft_gone {
                        drafts::delete(&procedure.code).await
                    } else {
                        let draft = Draft {
                            version: procedure.version.clone(),
                            values,
                            attachments,
                            office,
                            pages,
                            text_pages,
                            saved_at: js_sys::Date::now(),
                            sealed: None,
                        };
                        drafts::save(&procedure.code, &draft).await
                    };
                    saved.set(match result {
                        Ok(()) => Saved::At(js_sys::Date::now()),
                        Err(_) => Saved::Failed,
                    });
                });
            }
        });
    }

    let status = match *saved {
        Saved::Nothing => Html::default(),
        Saved::At(_) => html! {
            <p class="mc-saved" role="status">{ Ui::DraftSaved.get(lang) }</p>
        },
        Saved::Failed => html! {
            <div class="mc-notice mc-notice-error" role="alert"><p>{ Ui::DraftNotSaved.get(lang) }</p></div>
        },
    };
    let view = match &props.view {
        // A sealed filing is not reviewed, given papers or sealed again
        // (Back from the outbox lands here); a new one begins on its form.
        FilingView::Review | FilingView::Attachments | FilingView::Sign
            if filing.sealed.is_some() =>
        {
            html! { <Sealed /> }
        }
        FilingView::Section(id) => html! { <FormSection id={id.clone()} /> },
        FilingView::Review => html! { <Review /> },
        FilingView::Attachments => html! { <Attachments /> },
        FilingView::Sign => html! { <Sign /> },
    };
    html! {
        <ContextProvider<FilingContext> context={filing}>
            { view }
            { status }
        </ContextProvider<FilingContext>>
    }
}
