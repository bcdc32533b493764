//! Searching the procedure list, with or without Vietnamese diacritics, with
//! `i` for `y` and missing spaces ([`ProcedureSummary::matches`]).

use motcua_forms::ProcedureSummary;

/// Whether `procedure` matches every word of `query` in its code, either
/// name or a keyword.
pub(crate) fn matches(procedure: &ProcedureSummary, query: &str) -> bool {
    procedure.matches(query)
}
