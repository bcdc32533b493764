//! The app's routes: one enum, one `switch`.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::home::Home;
use crate::pages::not_found::NotFound;
use crate::pages::procedure::ProcedurePage;

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
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

pub(crate) fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Procedure { code } => html! { <ProcedurePage {code} /> },
        Route::NotFound => html! { <NotFound /> },
    }
}
