//! Reading and checking a batch of birth registrations (1.001193): the
//! issue's browser targets are 10,000 rows checked in at most 2 s; this
//! measures the same work natively, per step. Run with
//! `cargo bench -p motcua-bulk`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use motcua_bulk::{Checker, Mapping, ReadLimits, Template, columns, read};
use motcua_forms::{AdminUnits, Date, Env, Lang, Procedure};

fn sheet(c: &mut Criterion) {
    let units = AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let procedure = Procedure::from_json(include_bytes!("../../../web/procedures/1.001193.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let today = Date::new(2026, 12, 3).unwrap_or_else(|| panic!("date"));
    let env = Env::new(today).with_units(&units);
    let cols = columns(&procedure).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("bulk");
    group.sample_size(10);
    for n in [1_000_usize, 10_000] {
        let template = Template::new(&procedure, Lang::Vi)
            .and_then(|t| t.with_example_rows(n, today))
            .unwrap_or_else(|e| panic!("{e}"));
        let xlsx = template.to_xlsx().unwrap_or_else(|e| panic!("{e}"));
        let csv = template.to_csv().unwrap_or_else(|e| panic!("{e}"));
        let limits = ReadLimits::default();
        group.bench_function(
            format!("read {n}-row xlsx ({} KiB)", xlsx.len() >> 10),
            |b| {
                b.iter(|| read(black_box(&xlsx), &limits));
            },
        );
        group.bench_function(format!("read {n}-row csv ({} KiB)", csv.len() >> 10), |b| {
            b.iter(|| read(black_box(&csv), &limits));
        });
        let sheet = read(&xlsx, &limits).unwrap_or_else(|e| panic!("{e}"));
        let mapping = Mapping::detect(&sheet, &cols);
        let checker = Checker::new(&procedure, &cols, &mapping, &env);
        assert!(checker.check_sheet(&sheet).iter().all(|r| r.is_valid()));
        group.bench_function(format!("map and check {n} rows"), |b| {
            b.iter(|| {
                let mapping = Mapping::detect(black_box(&sheet), &cols);
                Checker::new(&procedure, &cols, &mapping, &env).check_sheet(&sheet)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, sheet);
criterion_main!(benches);
