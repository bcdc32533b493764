//! End-to-end tests: a real `motcua serve` on a free loopback port with a
//! temporary data directory, and the built app driven in headless Chromium
//! over WebDriver. `cargo xtask test` builds the app and runs these with the
//! `e2e` feature; screenshots of failures land in `tests/artifacts/`.
#![cfg(feature = "e2e")]
// Helpers of tests: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod bulk;
mod filing;
mod forms;
mod harness;
mod journey;
mod offices;
mod receipt;
mod route;
mod shell;
mod steps;
mod submit;
#[path = "../support/mod.rs"]
mod support;
