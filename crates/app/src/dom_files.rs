//! Files in and out of the page: reading what the citizen picks, offering a
//! download.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, Url};

/// The files picked in a file input, as `(name, bytes)`.
pub(crate) async fn read_picked(input: &HtmlInputElement) -> Vec<(String, Vec<u8>)> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for i in 0..list.length() {
        if let Some(file) = list.get(i) {
            let file = gloo::file::File::from(file);
            if let Ok(bytes) = gloo::file::futures::read_as_bytes(&file).await {
                files.push((file.name(), bytes));
            }
        }
    }
    files
}

/// Offers `bytes` as a file named `name` to download.
pub(crate) fn download(name: &str, media_type: &str, bytes: &[u8]) {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = gloo::utils::document();
    if let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = Url::revoke_object_url(&url);
}
