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
use crate::schema::Field;

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
pub(crate) fn object_level(
    fields: &[Field],
    always_shown: bool,
    props: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    for f in fields {
        let shown = always_shown && f.visible.is_none();
        if let Some(group) = f.plain_group() {
            object_level(&group.fields, shown, props, required);
            continue;
        }
        if shown && f.required.0 == Value::Bool(true) && !f.is_computed() {
            required.push(Value::String(f.id.clone()));
        }
        props.insert(f.id.clone(), field_schema(f));
    }
}

fn field_schema(f: &Field) -> Value {
    let mut s = if f.is_computed() {
        json!({"readOnly": true})
    } else {
        f.kind.json_schema()
    };
    s["title"] = json!(f.label.vi);
    s["description"] = json!(f.label.en);
    s
}
