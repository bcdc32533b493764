//! Searching the procedure list, with or without Vietnamese diacritics.

use motcua_forms::{ProcedureSummary, fold};

/// Whether `procedure` matches every word of `query` in its code or either name.
pub(crate) fn matches(procedure: &ProcedureSummary, query: &str) -> bool {
    let haystack = fold(&format!(
        "{} {} {}",
        procedure.code, procedure.name.vi, procedure.name.en
    ));
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}
