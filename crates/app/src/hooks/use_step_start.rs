//! Each step of a form opens at its top, with focus on its heading.
//!
//! The router keeps the scroll position of the step before, so a new step
//! opened part-way down with its heading cut off and the keyboard and
//! screen reader still on the old "continue" button (issue #11, fault 4).

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The DOM id of a step's heading (an `h1` with `tabindex="-1"`).
pub(crate) const STEP_HEADING_ID: &str = "mc-step-title";

/// Scrolls to the top and focuses the heading each time `step` changes,
/// unless `field_focus` says a field will take the focus ("change" links).
#[hook]
pub(crate) fn use_step_start(step: String, field_focus: bool) {
    use_effect_with(step, move |_| {
        if !field_focus {
            gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
            let heading = gloo::utils::document()
                .get_element_by_id(STEP_HEADING_ID)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(heading) = heading {
                let _ = heading.focus();
            }
        }
    });
}
