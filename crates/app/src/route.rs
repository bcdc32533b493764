//! The app's routes: one enum, one `switch`.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::bulk::BulkPage;
use crate::pages::filing::{FilingPage, FilingView};
use crate::pages::home::Home;
use crate::pages::not_found::NotFound;
use crate::pages::outbox::Outbox;
use crate::pages::procedure::ProcedurePage;
use crate::pages::receipt::ReceiptPage;

/// A screen of the app.
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub(crate) enum Route {
    /// The searchable list of procedures.
    #[at("/")]
    Home,
    /// One procedure: what it is and which papers it needs.
    #[at("/procedure/:code")]
    Procedure {
        /// National procedure code.
        code: String,
    },
    /// One section (step) of a procedure's form.
    #[at("/procedure/:code/form/:section")]
    FormSection {
        /// National procedure code.
        code: String,
        /// Section id.
        section: String,
    },
    /// "Check your answers" for a procedure's form.
    #[at("/procedure/:code/review")]
    Review {
        /// National procedure code.
        code: String,
    },
    /// The papers (dossier components) of a filing.
    #[at("/procedure/:code/attachments")]
    Attachments {
        /// National procedure code.
        code: String,
    },
    /// Sealing a filing.
    #[at("/procedure/:code/sign")]
    Sign {
        /// National procedure code.
        code: String,
    },
    /// Filing many dossiers of a procedure from a spreadsheet.
    #[at("/bulk/:code")]
    Bulk {
        /// National procedure code.
        code: String,
    },
    /// Sealed dossiers on this device.
    #[at("/outbox")]
    Outbox,
    /// The receipt of a dossier an office received.
    #[at("/receipt/:id")]
    Receipt {
        /// Dossier id.
        id: String,
    },
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

pub(crate) fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Procedure { code } => html! { <ProcedurePage {code} /> },
        Route::FormSection { code, section } => {
            html! { <FilingPage {code} view={FilingView::Section(section)} /> }
        }
        Route::Review { code } => html! { <FilingPage {code} view={FilingView::Review} /> },
        Route::Attachments { code } => {
            html! { <FilingPage {code} view={FilingView::Attachments} /> }
        }
        Route::Sign { code } => html! { <FilingPage {code} view={FilingView::Sign} /> },
        Route::Bulk { code } => html! { <BulkPage {code} /> },
        Route::Outbox => html! { <Outbox /> },
        Route::Receipt { id } => html! { <ReceiptPage {id} /> },
        Route::NotFound => html! { <NotFound /> },
    }
}
