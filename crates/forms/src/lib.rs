//! Procedure schemas and the forms citizens fill in.
//!
//! A procedure (thủ tục hành chính) is described by one JSON file keyed by its
//! national procedure code, e.g. `1.001193` for birth registration. This crate
//! reads those files into typed values, and knows the catalog index that lists
//! them. It is pure Rust: the app, the intake server and the command line all
//! use the same code.
//!
//! ```
//! use motcua_forms::{CatalogIndex, Lang};
//!
//! let index = CatalogIndex::from_json(r#"{"format":1,"procedures":[
//!   {"code":"1.001193","version":"2025.1","level":"commune",
//!    "name":{"vi":"Đăng ký khai sinh","en":"Birth registration"}}]}"#.as_bytes())?;
//! assert_eq!(index.procedures[0].name.get(Lang::En), "Birth registration");
//! # Ok::<(), motcua_forms::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod catalog;
mod error;
mod i18n;

pub use catalog::{
    AttachmentRule, CATALOG_FORMAT, CatalogIndex, Component, CopyKind, Level, Procedure,
    ProcedureCode, ProcedureSummary,
};
pub use error::Error;
pub use i18n::{Lang, LocalizedText};
