//! The procedure catalog built into the binary, so that `motcua` works from
//! any directory; `--catalog DIR` reads another one instead.

use std::path::Path;

use anyhow::Context;
use motcua_forms::{AdminUnits, Procedure, ProcedureCode};
use motcua_intake::Catalog;

/// The administrative-unit table (web/units), for checking unit codes.
const UNITS: &[u8] = include_bytes!("../web/units/units-2025.json");

/// `web/procedures/`, file by file. A test checks that nothing there is missing.
const FILES: &[(&str, &[u8])] = &[
    ("index.json", include_bytes!("../web/procedures/index.json")),
    (
        "1.001193.json",
        include_bytes!("../web/procedures/1.001193.json"),
    ),
    (
        "1.004194.json",
        include_bytes!("../web/procedures/1.004194.json"),
    ),
    (
        "2.000488.json",
        include_bytes!("../web/procedures/2.000488.json"),
    ),
    (
        "2.000720.json",
        include_bytes!("../web/procedures/2.000720.json"),
    ),
];

fn builtin_file(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// Loads the catalog from `dir`, or the built-in one.
pub(crate) fn load(dir: Option<&Path>) -> anyhow::Result<Catalog> {
    match dir {
        Some(dir) => Catalog::from_dir(dir)
            .with_context(|| format!("loading the procedure catalog from {}", dir.display())),
        None => {
            let index = builtin_file("index.json").unwrap_or_default().to_vec();
            Catalog::from_source(index, |code| {
                let name = format!("{code}.json");
                builtin_file(&name)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| motcua_intake::Error::Io {
                        action: "find built-in catalog file",
                        path: name.into(),
                        source: std::io::ErrorKind::NotFound.into(),
                    })
            })
            .context("loading the built-in procedure catalog")
        }
    }
}

/// A procedure of the catalog in `dir` (or the built-in one) by its code.
pub(crate) fn procedure(dir: Option<&Path>, code: &str) -> anyhow::Result<Procedure> {
    let code: ProcedureCode = code.parse()?;
    let catalog = load(dir)?;
    catalog.procedure(&code).cloned().with_context(|| {
        let known: Vec<&str> = catalog
            .index()
            .procedures
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        format!(
            "no procedure {code} in the catalog (it has {})",
            known.join(", ")
        )
    })
}

/// The administrative-unit table from `file`, or the built-in one.
pub(crate) fn units(file: Option<&Path>) -> anyhow::Result<AdminUnits> {
    match file {
        Some(file) => {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            AdminUnits::from_json(&bytes).with_context(|| format!("loading {}", file.display()))
        }
        None => {
            AdminUnits::from_json(UNITS).context("loading the built-in administrative-unit table")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_has_every_file_and_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/procedures");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let on_disk = std::fs::read(entry.path()).unwrap();
            assert_eq!(
                builtin_file(&name),
                Some(on_disk.as_slice()),
                "{name} not built in"
            );
        }
        let catalog = load(None).unwrap();
        assert!(catalog.index().procedures.len() >= 4);
    }

    #[test]
    fn builtin_units_are_web_units() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/units/units-2025.json");
        assert_eq!(std::fs::read(dir).unwrap(), UNITS);
        assert_eq!(units(None).unwrap().communes().len(), 3321);
    }
}
