//! Full validation of a generated form (issue #3, item 9).

use motcua_forms::{AdminUnits, Date, Env, Procedure, bench_procedure};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A generated procedure of `n` fields, valid data for it and the unit
/// table, ready to be evaluated again and again.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FormsBench {
    procedure: Procedure,
    values: Value,
    units: AdminUnits,
    today: Date,
}

#[wasm_bindgen]
impl FormsBench {
    /// Generates a form of `n_fields` fields (`motcua_forms::bench_procedure`)
    /// and loads the unit table from `units_json` (web/units/units-2025.json,
    /// which the app fetches the same way).
    #[wasm_bindgen(constructor)]
    pub fn new(n_fields: usize, units_json: &[u8]) -> Result<Self, JsError> {
        let (procedure, values) = bench_procedure(n_fields);
        let units = AdminUnits::from_json(units_json)?;
        // A fixed day, so every run judges the same dates.
        let today = Date::new(2026, 11, 25).ok_or_else(|| JsError::new("bad date"))?;
        Ok(Self {
            procedure,
            values,
            units,
            today,
        })
    }

    /// Number of fields in the generated schema, counted as the generator
    /// counts them.
    pub fn fields(&self) -> usize {
        self.values.as_object().map_or(0, |m| m.len())
    }

    /// Evaluates the whole form once, as the app does on "continue": every
    /// field, condition, rule and computed value. Returns the number of
    /// errors (0 for the generated valid data).
    pub fn evaluate(&self) -> usize {
        let env = Env::new(self.today).with_units(&self.units);
        self.procedure.evaluate(&self.values, &env).errors().len()
    }

    /// Puts one mistake in (a bad phone number), so that the error path,
    /// with its localized message, is measured too.
    pub fn break_one_field(&mut self) {
        self.values["f3"] = Value::from("bad phone");
    }
}
