//! The procedure catalog: its index and the metadata and dossier components
//! (thành phần hồ sơ) of each procedure.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, SchemaIssues};
pub use motcua_protocol::{AttachmentRule, Component, CopyKind, ProcedureCode};

use crate::i18n::LocalizedText;
use crate::schema::{Rule, Section};

/// Largest schema or index file read, checked before parsing.
pub const MAX_SCHEMA_BYTES: usize = 2 << 20;

/// The catalog and schema format version this code reads and writes.
pub const CATALOG_FORMAT: u32 = 1;

/// The level of government that handles a procedure, after the 2025 reform
/// removed districts (Decision 19/2025/QĐ-TTg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Province (cấp tỉnh).
    Province,
    /// Commune, ward or special zone (cấp xã).
    Commune,
}

impl Level {
    /// The name of the level for display.
    pub fn label(self) -> LocalizedText {
        match self {
            Self::Province => LocalizedText::new("Cấp tỉnh", "Province"),
            Self::Commune => LocalizedText::new("Cấp xã", "Commune"),
        }
    }
}

/// The catalog index: one entry per procedure, enough to list and search them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogIndex {
    /// Format version, [`CATALOG_FORMAT`].
    pub format: u32,
    /// The procedures, in display order.
    pub procedures: Vec<ProcedureSummary>,
}

impl CatalogIndex {
    /// Reads an index from its JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let index: Self = parse_json("catalog index", bytes)?;
        check_format("catalog index", index.format)?;
        Ok(index)
    }
}

/// One procedure as listed in the catalog index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    /// National procedure code; the schema file is `<code>.json`.
    pub code: ProcedureCode,
    /// Schema version of this procedure's file.
    pub version: String,
    /// Who handles it.
    pub level: Level,
    /// Name of the procedure.
    pub name: LocalizedText,
    /// Other words people search it by, from the procedure's schema.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

impl ProcedureSummary {
    /// Whether a search for `query` finds this procedure: every word in its
    /// code, either name or a keyword, as [`crate::matches_query`] reads them.
    pub fn matches(&self, query: &str) -> bool {
        let text = format!(
            "{} {} {} {}",
            self.code,
            self.name.vi,
            self.name.en,
            self.keywords.join(" ")
        );
        crate::text::matches_query(&text, query)
    }
}

/// A procedure's schema file: metadata, the form (sections of fields,
/// rules), dossier components and an example of valid form data. The format
/// is described in `docs/procedure-schema.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Format version, [`CATALOG_FORMAT`].
    pub format: u32,
    /// National procedure code.
    pub code: ProcedureCode,
    /// Version of this schema; recorded in every manifest made with it.
    pub version: String,
    /// Name of the procedure.
    pub name: LocalizedText,
    /// Other words people search it by ("giấy khai sinh", "làm khai sinh
    /// cho con"): copied into the catalog index, in either language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Who handles it.
    pub level: Level,
    /// Fee (lệ phí), as stated by the office.
    pub fee: LocalizedText,
    /// Processing time (thời hạn giải quyết).
    pub processing_time: LocalizedText,
    /// Legal basis (căn cứ pháp lý).
    pub legal_basis: Vec<LocalizedText>,
    /// The steps of the form, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// Cross-field rules over the whole form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// The papers of the dossier.
    pub components: Vec<Component>,
    /// A complete, valid example of form data, for docs, tests and
    /// `motcua example`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// The field naming whom a dossier is for (the child of a birth
    /// registration, the business of a registration), so that a citizen
    /// tells their dossiers apart: a `text` or `person_name` field outside
    /// tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Procedure {
    /// Reads a procedure schema from its JSON bytes and checks it: shape
    /// ([`Error::Json`] with the JSON path), format version, then ids,
    /// references, scopes, computed-value cycles, patterns and limits
    /// ([`Error::Schema`], every problem with its JSON path). Never panics.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let procedure: Self = parse_json("procedure schema", bytes)?;
        check_format("procedure schema", procedure.format)?;
        let issues = crate::check::check(&procedure);
        if issues.is_empty() {
            Ok(procedure)
        } else {
            Err(Error::Schema(SchemaIssues(issues)))
        }
    }

    /// Its entry in the catalog index, which must agree with the file.
    pub fn summary(&self) -> ProcedureSummary {
        ProcedureSummary {
            code: self.code.clone(),
            version: self.version.clone(),
            level: self.level,
            name: self.name.clone(),
            keywords: self.keywords.clone(),
        }
    }

    /// The field [`subject`](Self::subject) names, if any.
    pub fn subject_field(&self) -> Option<&crate::Field> {
        self.field(self.subject.as_deref()?)
    }

    /// The office a dossier goes to unless the applicant picks another:
    /// the commune (or, for a province-level procedure, the province)
    /// named in the form's `office_unit`, if it has one.
    pub fn default_office<'v>(&self, values: &'v Value) -> Option<&'v str> {
        let key = match self.level {
            Level::Commune => "commune",
            Level::Province => "province",
        };
        values
            .get("office_unit")?
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Every field id in form order (groups included, then their fields).
    pub fn field_ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        for s in &self.sections {
            crate::schema::walk_fields(&s.fields, &mut Vec::new(), &mut |f, _| {
                ids.push(f.id.as_str())
            });
        }
        ids
    }
}

/// Parses JSON with a size limit, naming the JSON path of a shape error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, Error> {
    if bytes.len() > MAX_SCHEMA_BYTES {
        return Err(Error::TooLarge {
            what,
            size: bytes.len(),
            limit: MAX_SCHEMA_BYTES,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    #[cfg(not(feature = "json-paths"))]
    let value = T::deserialize(&mut de).map_err(|source| Error::Json {
        what,
        path: "$".to_owned(),
        source,
    })?;
    #[cfg(feature = "json-paths")]
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        Error::Json {
            what,
            path: if path == "." {
                "$".to_owned()
            } else {
                format!("$.{path}")
            },
            source: e.into_inner(),
        }
    })?;
    de.end().map_err(|source| Error::Json {
        what,
        path: "$".to_owned(),
        source,
    })?;
    Ok(value)
}

fn check_format(what: &'static str, found: u32) -> Result<(), Error> {
    if found == CATALOG_FORMAT {
        Ok(())
    } else {
        Err(Error::Format {
            what,
            found,
            expected: CATALOG_FORMAT,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_codes() {
        assert!("1.001193".parse::<ProcedureCode>().is_ok());
        for bad in [
            "",
            "1001193",
            "1.00119",
            "1.0011933",
            "a.001193",
            "1,001193",
        ] {
            assert!(bad.parse::<ProcedureCode>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn unknown_format_is_refused() {
        let err = CatalogIndex::from_json(br#"{"format":2,"procedures":[]}"#).unwrap_err();
        assert!(matches!(err, Error::Format { found: 2, .. }), "{err}");
    }
}
