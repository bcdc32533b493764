//! Holding blur errors while a pointer is down.
//!
//! A field's error shows when the citizen leaves it. Leaving it by tapping
//! "continue" below it would insert that error between the field and the
//! button mid-tap: the button moves, the finger comes up over nothing, and
//! the tap is lost (issue #11, fault 3). So while a pointer is down the
//! filing only notes which fields were left ([`FilingAction::Leave`]), and
//! shows their errors once the tap's click was handled.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::filing::{FilingAction, FilingContext};

/// How long after a pointer comes up without a click held errors wait.
const RELEASE_WITHOUT_CLICK_MS: u32 = 400;

/// Tells the filing when a pointer goes down and comes up on the page.
#[hook]
pub(crate) fn use_held_blurs(filing: Option<FilingContext>) {
    use_effect_with((), move |()| {
        let window = gloo::utils::window();
        let capture = EventListenerOptions::run_in_capture_phase();
        let listeners = filing.map(|filing| {
            // Presses so far: a late release of one press must not end the
            // hold of the next.
            let presses = Rc::new(Cell::new(0u64));
            let down = {
                let filing = filing.clone();
                let presses = Rc::clone(&presses);
                EventListener::new_with_options(&window, "pointerdown", capture, move |_| {
                    presses.set(presses.get() + 1);
                    filing.dispatch(FilingAction::PointerDown)
                })
            };
            // The tap ends with its click: show the errors once the click
            // has landed. The compatibility mouse events, and with them the
            // blur, may come after pointerup (Chromium's WebDriver sends
            // pointerdown, pointerup, mousedown, focusout, mouseup, click),
            // so pointerup alone releases only after a while, for a press
            // that makes no click (a drag, a cancelled touch).
            let release = |kind: &'static str, after_ms: u32| {
                let filing = filing.clone();
                let presses = Rc::clone(&presses);
                EventListener::new_with_options(&window, kind, capture, move |_| {
                    let filing = filing.clone();
                    let (presses, press) = (Rc::clone(&presses), presses.get());
                    Timeout::new(after_ms, move || {
                        if presses.get() == press {
                            filing.dispatch(FilingAction::PointerUp);
                        }
                    })
                    .forget();
                })
            };
            [
                down,
                release("click", 0),
                release("pointerup", RELEASE_WITHOUT_CLICK_MS),
                release("pointercancel", 0),
            ]
        });
        move || drop(listeners)
    });
}
