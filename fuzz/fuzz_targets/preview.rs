//! The PDF preview on arbitrary bytes: any input gives a thumbnail or a
//! typed error. A panic inside the renderer would be caught and reported as
//! `Error::Renderer`, so the target treats that as a crash too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_preview::{Error, first_page};

fuzz_target!(|data: &[u8]| {
    // A small side keeps each run fast; the parsing is the same at any size.
    let result = first_page(data, 64);
    assert_ne!(result, Err(Error::Renderer), "the renderer panicked");
    if let Ok(thumb) = result {
        assert!(thumb.width.max(thumb.height) <= 64 && !thumb.jpeg.is_empty());
    }
});
