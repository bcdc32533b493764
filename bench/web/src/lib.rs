//! The functions that `cargo xtask bench-web` measures in headless Chromium.
//!
//! Each benchmark is a small struct that does its set-up once (parse a
//! schema, make a key, seal a manifest) so that the page times only the work
//! the app repeats: validating a form, sealing and verifying a dossier,
//! unlocking a key file, turning a photo into a PDF page. The page (`www/bench.js`) holds the clock; nothing
//! here measures time.
//!
//! Built with `wasm-bindgen --target web`; the page imports the generated
//! module like any ES module. Natively the crate builds too (clippy and the
//! workspace tests compile it), but it is only useful in a browser.
#![deny(missing_docs)]

mod dossier;
mod forms;
mod scan;

pub use dossier::SealBench;
pub use forms::FormsBench;
pub use scan::{ScanOutput, ScanStages, a4_fit, scan_file, scan_rgba};
