//! Test support shared by the workspace's tests, benches and examples.
//!
//! Each helper here used to be copied into several test files, each copy a
//! little different. This crate is a dev-dependency only; it depends on no
//! other motcua crate (helpers take and give bytes, strings and JSON), so any
//! crate of the workspace can use it without a dependency cycle.
//!
//! - [`data`]: where the shared test data (`shared/data`) is, and reading it.
//! - [`procedures`]: the real procedure schemas of `web/procedures` and
//!   their worked examples.
//! - [`pdf`]: one-page PDFs of a chosen size, different for every seed.
//! - `legacy` (feature `legacy`): an existing one-stop backend that takes
//!   dossiers as `multipart/form-data`, in process.
//!
//! Helpers panic with a message on a broken set-up, as the tests that call
//! them would.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

pub mod data;
#[cfg(feature = "legacy")]
pub mod legacy;
pub mod pdf;
pub mod procedures;

/// The workspace's root folder (this crate is `crates/testkit` in it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
