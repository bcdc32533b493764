//! The shared test data: photos, PDFs, malformed images and standards'
//! test vectors that are too large or not ours to keep in the repository.
//!
//! It lives in `shared/data` beside the repository on developer machines
//! and in CI; `$MOTCUA_TEST_DATA` names another folder.

use std::path::PathBuf;

/// The folder of the shared test data: `$MOTCUA_TEST_DATA`, else
/// `shared/data` beside the repository, else `/work/shared/data` (a work
/// tree elsewhere on a developer machine).
///
/// # Panics
///
/// When none of these is a folder.
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MOTCUA_TEST_DATA") {
        return PathBuf::from(dir);
    }
    let beside = crate::workspace_root().join("../shared/data");
    let candidates = [beside, PathBuf::from("/work/shared/data")];
    candidates
        .iter()
        .find(|dir| dir.is_dir())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "test data not found at {}; set MOTCUA_TEST_DATA to the shared/data folder",
                candidates[0].display()
            )
        })
}

/// The path of `relative` in the shared test data.
///
/// # Panics
///
/// When the data is not found or has no such file or folder.
pub fn path(relative: &str) -> PathBuf {
    let path = dir().join(relative);
    assert!(
        path.exists(),
        "test data {} is missing (set MOTCUA_TEST_DATA to the shared/data folder)",
        path.display()
    );
    path
}

/// The bytes of the file `relative` in the shared test data.
///
/// # Panics
///
/// When the file cannot be read.
pub fn read(relative: &str) -> Vec<u8> {
    let path = dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
