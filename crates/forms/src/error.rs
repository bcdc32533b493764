//! The one error type of this crate.

/// What went wrong reading a catalog or a procedure schema.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not JSON of the expected shape.
    #[error("invalid {what}: {source}")]
    Json {
        /// Which document was being read ("catalog index", "procedure schema").
        what: &'static str,
        /// The parser's account of the fault.
        #[source]
        source: serde_json::Error,
    },
    /// The document declares a format version this code does not know.
    #[error("unsupported {what} format {found}, expected {expected}")]
    Format {
        /// Which document was being read.
        what: &'static str,
        /// The version found in the document.
        found: u32,
        /// The version this code reads.
        expected: u32,
    },
    /// A procedure code is not of the form `d.dddddd`.
    #[error("invalid procedure code {0:?}: expected a digit, a dot and six digits, like 1.001193")]
    ProcedureCode(String),
}
