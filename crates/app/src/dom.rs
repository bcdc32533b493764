//! Small DOM helpers shared by the screens.

use wasm_bindgen::JsCast;

/// The DOM id of the input for a field path: `members[1].name` → `f-members-1-name`.
pub(crate) fn field_dom_id(path: &str) -> String {
    let mut id = String::with_capacity(path.len() + 2);
    id.push_str("f-");
    for c in path.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Moves keyboard focus (and the screen) to the element with `id`.
pub(crate) fn focus(id: &str) {
    let Some(element) = gloo::utils::document().get_element_by_id(id) else {
        return;
    };
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
        element.scroll_into_view();
    }
}
