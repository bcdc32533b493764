//! Procedure schema loading on arbitrary bytes; when a schema loads, its
//! evaluation on its example and on the input, and its JSON Schema export.
//! Nothing may panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_forms::{Date, Env, Procedure};

fuzz_target!(|data: &[u8]| {
    let Ok(procedure) = Procedure::from_json(data) else {
        return;
    };
    let Some(today) = Date::new(2026, 11, 25) else {
        return;
    };
    let env = Env::new(today);
    if let Some(example) = &procedure.example {
        let evaluation = procedure.evaluate(example, &env);
        if let Some(normalized) = evaluation.data() {
            // Normalized data is a fixed point of validation.
            assert_eq!(procedure.validate(normalized, &env).ok().as_ref(), Some(normalized));
        }
    }
    if let Ok(values) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = procedure.evaluate(&values, &env);
    }
    let _ = procedure.json_schema();
});
