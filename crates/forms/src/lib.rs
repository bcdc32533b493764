//! Procedure schemas and the forms citizens fill in.
//!
//! A procedure (thủ tục hành chính) is described by one JSON file keyed by its
//! national procedure code, e.g. `1.001193` for birth registration: metadata,
//! the form (sections of fields, groups, conditions, rules, computed values),
//! dossier components and an example of valid data. This crate reads and
//! checks those files ([`Procedure::from_json`]), evaluates form values
//! against them ([`Procedure::evaluate`]: visibility, requiredness, computed
//! values, localized errors, normalized data), exports JSON Schema, and
//! provides Vietnamese identifiers as types ([`PersonalId`], [`TaxCode`],
//! [`MobilePhone`], [`Email`], [`Date`]) and the post-2025 administrative
//! units ([`AdminUnits`]). It is pure Rust: the app (in wasm), the intake
//! server and the command line all use the same code.
//!
//! ```
//! use motcua_forms::{Date, Env, Procedure};
//! use serde_json::json;
//!
//! let procedure = Procedure::from_json(r#"{
//!   "format": 1, "code": "9.000001", "version": "1", "level": "commune",
//!   "name": {"vi": "Thử", "en": "Test"}, "fee": {"vi": "", "en": ""},
//!   "processing_time": {"vi": "", "en": ""}, "legal_basis": [], "components": [],
//!   "sections": [{"id": "s", "title": {"vi": "Người khai", "en": "Applicant"}, "fields": [
//!     {"id": "phone", "type": "phone", "required": true,
//!      "label": {"vi": "Số điện thoại", "en": "Phone"}}]}]
//! }"#.as_bytes())?;
//! let env = Env::new(Date::new(2026, 11, 25).unwrap());
//! let data = procedure.validate(&json!({"phone": "+84 912 345 678"}), &env).unwrap();
//! assert_eq!(data, json!({"phone": "0912345678"}));
//! let errors = procedure.validate(&json!({}), &env).unwrap_err();
//! assert_eq!(errors[0].code.as_str(), "required");
//! # Ok::<(), motcua_forms::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "bench-support")]
mod bench_support;
mod catalog;
mod check;
mod copy;
mod date;
mod edit;
mod error;
mod form;
mod i18n;
mod ids;
mod json_schema;
mod kind;
mod logic;
mod messages;
mod schema;
mod text;
mod units;
mod words;

#[cfg(feature = "bench-support")]
#[doc(hidden)]
pub use bench_support::bench_procedure;
pub use catalog::{
    AttachmentRule, CATALOG_FORMAT, CatalogIndex, Component, CopyKind, Level, MAX_SCHEMA_BYTES,
    Procedure, ProcedureCode, ProcedureSummary,
};
pub use copy::CopyFrom;
pub use date::Date;
pub use edit::{PathError, add_row, remove_row, row_count, set_value, value_at};
pub use error::{Error, PersonalIdFault, SchemaIssue, SchemaIssues, SchemaProblem, TaxCodeFault};
pub use form::{Env, Evaluation, FieldError};
pub use i18n::{Lang, LocalizedText};
pub use ids::{BirthPlace, Email, MobilePhone, PersonalId, Sex, TaxCode};
pub use json_schema::JSON_SCHEMA_DIALECT;
pub use kind::{
    ChoiceOption, ChoiceRules, DateBound, DateRules, FieldKind, GroupRules, LengthRules, MAX_MONEY,
    Money, MoneyError, MoneyRules, MultiChoiceRules, NumberRules, PersonalIdRules, TableRules,
    TaxCodeKind, TaxCodeRules, TextRules,
};
pub use logic::Logic;
pub use messages::ErrorCode;
pub use schema::{Field, Rule, Section};
pub use text::{fold, matches_query};
pub use units::{
    AdminUnits, Commune, CommuneCode, CommuneKind, Province, ProvinceCode, ProvinceKind,
    UnitsSource,
};
pub use words::{date_words, number_words};
