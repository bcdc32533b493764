//! One procedure: its facts and its dossier components.

use motcua_forms::{Component as DossierComponent, Lang, Procedure, ProcedureCode};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::status::{Failed, Loading};
use crate::hooks::use_remote::{Remote, use_remote};
use crate::route::Route;
use crate::services::catalog::{self, FetchError};
use crate::state::use_lang;
use crate::text::{self, Ui};

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ProcedurePageProps {
    /// The code from the address, not yet checked.
    pub(crate) code: String,
}

/// Loads the procedure named in the address and shows it.
#[component]
pub(crate) fn ProcedurePage(props: &ProcedurePageProps) -> Html {
    let lang = use_lang();
    let procedure = use_remote(props.code.clone(), |code: String| async move {
        // A malformed code cannot be in the catalog: answer as the server would.
        let code: ProcedureCode = code.parse().map_err(|_| FetchError::Status(404))?;
        catalog::procedure(code).await
    });
    let body = match procedure.state {
        Remote::Loading => html! { <Loading /> },
        Remote::Failed(FetchError::Status(404)) => html! {
            <div class="mc-notice mc-notice-error" role="alert">
                <p>{ Ui::ProcedureNotFound.get(lang) }</p>
            </div>
        },
        Remote::Failed(_) => html! {
            <Failed message={Ui::CatalogUnavailable} on_retry={procedure.retry} />
        },
        Remote::Ready(procedure) => view_procedure(&procedure, lang),
    };
    html! {
        <>
            <Link<Route> to={Route::Home} classes="mc-back">{ Ui::BackToList.get(lang) }</Link<Route>>
            { body }
        </>
    }
}

fn view_procedure(procedure: &Procedure, lang: Lang) -> Html {
    html! {
        <article class="mc-procedure">
            <h1 class="mc-title">{ procedure.name.get(lang) }</h1>
            if let Some(first) = procedure.sections.first() {
                <div class="mc-start">
                    <Link<Route> to={Route::FormSection { code: procedure.code.to_string(), section: first.id.clone() }}
                        classes="mc-button mc-button-start">
                        { Ui::StartFiling.get(lang) }
                    </Link<Route>>
                    <p class="mc-hint">{ Ui::StartFilingHint.get(lang) }</p>
                    <p class="mc-bulk-link">
                        <Link<Route> to={Route::Bulk { code: procedure.code.to_string() }}>
                            { Ui::BulkFile.get(lang) }
                        </Link<Route>>
                        { " — " }{ Ui::BulkFileHint.get(lang) }
                    </p>
                </div>
            }
            <dl class="mc-facts">
                <dt>{ Ui::Code.get(lang) }</dt>
                <dd class="mc-code">{ procedure.code.as_str() }</dd>
                <dt>{ Ui::Level.get(lang) }</dt>
                <dd>{ procedure.level.label().get(lang).to_owned() }</dd>
                <dt>{ Ui::Fee.get(lang) }</dt>
                <dd>{ procedure.fee.get(lang) }</dd>
                <dt>{ Ui::ProcessingTime.get(lang) }</dt>
                <dd>{ procedure.processing_time.get(lang) }</dd>
            </dl>
            <h2 class="mc-subtitle">{ Ui::Components.get(lang) }</h2>
            <p class="mc-hint">{ Ui::ComponentsIntro.get(lang) }</p>
            <ol class="mc-components">
                { for procedure.components.iter().map(|c| view_component(c, lang)) }
            </ol>
            <h2 class="mc-subtitle">{ Ui::LegalBasis.get(lang) }</h2>
            <ul class="mc-legal">
                { for procedure.legal_basis.iter().map(|law| html! { <li>{ law.get(lang) }</li> }) }
            </ul>
        </article>
    }
}

fn view_component(component: &DossierComponent, lang: Lang) -> Html {
    let (need, need_class) = if component.required {
        (Ui::Required, "mc-tag mc-tag-required")
    } else {
        (Ui::Optional, "mc-tag")
    };
    let rule = &component.attachment;
    let accepted = format!(
        "{}: {} · ≤ {} · ≤ {}",
        Ui::AcceptedFiles.get(lang),
        crate::format::accepted_files(&rule.accept, lang),
        page_count(lang, rule.max_pages),
        text::bytes(lang, rule.max_bytes),
    );
    html! {
        <li class="mc-component" key={component.id.as_str()}>
            <span class="mc-component-name">{ component.name.get(lang) }</span>
            <span class="mc-card-meta">
                <span class={need_class}>{ need.get(lang) }</span>
                <span class="mc-tag">{ component.copy.label().get(lang).to_owned() }</span>
            </span>
            if let Some(note) = &component.note {
                <p class="mc-hint">{ note.get(lang) }</p>
            }
            <p class="mc-hint">{ accepted }</p>
        </li>
    }
}

fn page_count(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Vi => format!("{n} trang"),
        Lang::En if n == 1 => "1 page".to_owned(),
        Lang::En => format!("{n} pages"),
    }
}
