//! Export of a procedure's form data as JSON Schema (draft 2020-12), so any
//! backend can check submitted data with standard tools.
//!
//! The schema describes the *normalized* data (what `validate` returns and
//! manifests carry): canonical forms, visible fields only. It states types,
//! formats, options, lengths, ranges, row counts and the fields that are
//! required unconditionally. Conditional visibility and requiredness,
//! cross-field rules, computed values and check digits are JSON Logic or
//! code, not JSON Schema: check those with the engine (`motcua check`).

use serde_json::{Map, Value, json};

use crate::catalog::Procedure;
use crate::schema::{Field, FieldKind, TaxCodeKind};

/// The JSON Schema dialect of the export.
pub const JSON_SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

impl Procedure {
    /// The JSON Schema (draft 2020-12) of this procedure's normalized form data.
    pub fn json_schema(&self) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        for s in &self.sections {
            object_level(&s.fields, s.visible.is_none(), &mut props, &mut required);
        }
        json!({
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": format!("urn:motcua:procedure:{}:{}", self.code, self.version),
            "title": self.name.vi,
            "description": self.name.en,
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false,
        })
    }
}

/// Adds the properties of one object level (looking through plain groups).
fn object_level(
    fields: &[Field],
    always_shown: bool,
    props: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    for f in fields {
        let shown = always_shown && f.visible.is_none();
        if f.kind == FieldKind::Group && !f.repeatable {
            object_level(&f.fields, shown, props, required);
            continue;
        }
        if shown && f.required.0 == Value::Bool(true) && !f.is_computed() {
            required.push(Value::String(f.id.clone()));
        }
        props.insert(f.id.clone(), field_schema(f));
    }
}

fn string(pattern: &str) -> Value {
    json!({"type": "string", "pattern": pattern})
}

fn field_schema(f: &Field) -> Value {
    use FieldKind as K;
    let mut s = if f.is_computed() {
        json!({"readOnly": true})
    } else {
        match f.kind {
            K::Text | K::LongText | K::PersonName => {
                let mut s =
                    json!({"type": "string", "minLength": f.min_length.unwrap_or(1).max(1)});
                if let Some(max) = f.max_length {
                    s["maxLength"] = json!(max);
                }
                if let Some(p) = &f.pattern {
                    s["pattern"] = json!(format!("^(?:{p})$"));
                }
                s
            }
            K::Number => {
                let mut s = json!({"type": if f.integer { "integer" } else { "number" }});
                if let Some(min) = f.min {
                    s["minimum"] = json!(min);
                }
                if let Some(max) = f.max {
                    s["maximum"] = json!(max);
                }
                s
            }
            K::Date => {
                json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
            }
            K::YesNo => json!({"type": "boolean"}),
            K::Choice => {
                json!({"enum": f.options.iter().map(|o| o.value.clone()).collect::<Vec<_>>()})
            }
            K::MultiChoice => {
                let mut s = json!({
                    "type": "array",
                    "items": {"enum": f.options.iter().map(|o| o.value.clone()).collect::<Vec<_>>()},
                    "uniqueItems": true,
                    "minItems": f.min_selected.unwrap_or(1).max(1),
                });
                if let Some(max) = f.max_selected {
                    s["maxItems"] = json!(max);
                }
                s
            }
            K::Email => json!({"type": "string", "format": "email", "maxLength": 254}),
            K::Phone => string("^0[35789][0-9]{8}$"),
            K::PersonalId => string("^[0-9]{12}$"),
            K::TaxCode => {
                let kinds = f.tax_code_kinds.clone().unwrap_or_else(|| {
                    vec![
                        TaxCodeKind::Main,
                        TaxCodeKind::Branch,
                        TaxCodeKind::Personal,
                    ]
                });
                let alts: Vec<&str> = kinds
                    .iter()
                    .map(|k| match k {
                        TaxCodeKind::Main => "[0-9]{10}",
                        TaxCodeKind::Branch => "[0-9]{10}-[0-9]{3}",
                        TaxCodeKind::Personal => "[0-9]{12}",
                    })
                    .collect();
                string(&format!("^(?:{})$", alts.join("|")))
            }
            K::AdminUnit | K::Address => {
                let mut props = json!({
                    "province": string("^[0-9]{2}$"),
                    "commune": string("^[0-9]{5}$"),
                });
                let mut req = vec!["province", "commune"];
                if f.kind == K::Address {
                    props["street"] = json!({"type": "string", "minLength": 1, "maxLength": 500});
                    req.push("street");
                }
                json!({"type": "object", "properties": props, "required": req, "additionalProperties": false})
            }
            K::Group => {
                let mut props = Map::new();
                let mut required = Vec::new();
                object_level(&f.fields, true, &mut props, &mut required);
                let mut s = json!({
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": props,
                        "required": required,
                        "additionalProperties": false,
                    },
                });
                if let Some(min) = f.min_rows {
                    s["minItems"] = json!(min);
                }
                if let Some(max) = f.max_rows {
                    s["maxItems"] = json!(max);
                }
                s
            }
        }
    };
    s["title"] = json!(f.label.vi);
    s["description"] = json!(f.label.en);
    s
}
