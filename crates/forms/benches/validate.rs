//! Full validation of a generated 300-field form (the target is a
//! median of at most 1 ms in wasm; this measures it natively). Run with
//! `cargo bench -p motcua-forms --features bench-support`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use motcua_forms::{AdminUnits, Date, Env, bench_procedure};

fn validate(c: &mut Criterion) {
    let units = AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let env =
        Env::new(Date::new(2026, 11, 25).unwrap_or_else(|| panic!("date"))).with_units(&units);
    for n in [100_usize, 300] {
        let (procedure, values) = bench_procedure(n);
        assert!(procedure.evaluate(&values, &env).is_valid());
        c.bench_function(&format!("evaluate {n}-field form"), |b| {
            b.iter(|| procedure.evaluate(black_box(&values), black_box(&env)));
        });
    }
    let (procedure, mut values) = bench_procedure(300);
    values["f3"] = serde_json::json!("bad phone");
    c.bench_function("evaluate 300-field form with an error", |b| {
        b.iter(|| procedure.evaluate(black_box(&values), black_box(&env)));
    });
    let schema = serde_json::to_vec(&procedure).unwrap_or_default();
    c.bench_function("load and check a 300-field schema", |b| {
        b.iter(|| motcua_forms::Procedure::from_json(black_box(&schema)));
    });
}

criterion_group!(benches, validate);
criterion_main!(benches);
