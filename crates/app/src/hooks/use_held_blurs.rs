//! Holding blur errors while a pointer is down.
//!
//! A field's error shows when the citizen leaves it. Leaving it by tapping
//! "continue" below it would insert that error between the field and the
//! button mid-tap: the button moves, the finger comes up over nothing, and
//! the tap is lost (issue #11, fault 3). So while a pointer is down the
//! filing only notes which fields were left ([`FilingAction::Leave`]), and
//! shows their errors once the pointer is up and its click was handled.

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::filing::{FilingAction, FilingContext};

/// Tells the filing when a pointer goes down and comes up on the page.
#[hook]
pub(crate) fn use_held_blurs(filing: Option<FilingContext>) {
    use_effect_with((), move |()| {
        let window = gloo::utils::window();
        let capture = EventListenerOptions::run_in_capture_phase();
        let listeners = filing.map(|filing| {
            let down = {
                let filing = filing.clone();
                EventListener::new_with_options(&window, "pointerdown", capture, move |_| {
                    filing.dispatch(FilingAction::PointerDown)
                })
            };
            let up = |kind: &'static str| {
                let filing = filing.clone();
                EventListener::new_with_options(&window, kind, capture, move |_| {
                    // The click comes after pointerup in the same task: let
                    // it land first, then show the errors.
                    let filing = filing.clone();
                    Timeout::new(0, move || filing.dispatch(FilingAction::PointerUp)).forget();
                })
            };
            [down, up("pointerup"), up("pointercancel")]
        });
        move || drop(listeners)
    });
}
