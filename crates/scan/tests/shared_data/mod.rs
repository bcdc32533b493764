//! Where the shared test data is, and reading it: used by this crate's
//! sample tests and by `crates/preview`'s (included there by path).

use std::path::{Path, PathBuf};

/// The shared test data: `$MOTCUA_TEST_DATA`, else `shared/data` beside the
/// repository (as on developer machines and in CI).
pub(crate) fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MOTCUA_TEST_DATA") {
        return PathBuf::from(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        beside.is_dir(),
        "test data not found at {}; set MOTCUA_TEST_DATA to the shared/data folder",
        beside.display()
    );
    beside
}

pub(crate) fn read(rel: &str) -> Vec<u8> {
    let path = data_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
