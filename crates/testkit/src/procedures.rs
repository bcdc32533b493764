//! The real procedure schemas of `web/procedures`, as tests load them:
//! the folder for a catalog, a schema as JSON, its version and its worked
//! example (the form data every schema carries).

use std::path::PathBuf;

use serde_json::{Map, Value};

/// The birth registration, the procedure most tests file.
pub const BIRTH_REGISTRATION: &str = "1.001193";

/// The folder of the procedure catalog (`web/procedures`).
pub fn dir() -> PathBuf {
    crate::workspace_root().join("web/procedures")
}

/// The schema of procedure `code` (`web/procedures/<code>.json`).
///
/// # Panics
///
/// When the file is missing or not JSON.
pub fn schema(code: &str) -> Value {
    let path = dir().join(format!("{code}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The schema version of procedure `code` in the catalog, so that a test's
/// manifests match whatever version the catalog is at.
///
/// # Panics
///
/// When the schema has no `version` string.
pub fn version(code: &str) -> String {
    schema(code)
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("procedure {code} has no version"))
        .to_owned()
}

/// The worked example of procedure `code` (its schema's `example`), or no
/// fields if it has none.
pub fn example(code: &str) -> Map<String, Value> {
    schema(code)
        .get("example")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The birth registration's worked example, with the applicant's ID
/// number set when one is given, and a child's name whatever the example
/// holds (the least the server checks without the forms engine).
pub fn birth_form(personal_id: Option<&str>) -> Map<String, Value> {
    let mut form = example(BIRTH_REGISTRATION);
    if let Some(id) = personal_id {
        form.insert("requester_personal_id".into(), id.into());
    }
    form.entry("child_name")
        .or_insert_with(|| "Nguyễn Minh Khang".into());
    form
}

/// A birth registration's manifest for `office` with `form` and
/// `attachments`, at `created` by `client`: the catalog's current version,
/// a fresh id, built and checked by the dossier crate's builder.
///
/// # Panics
///
/// When a part is malformed or randomness is unavailable: test set-up.
#[cfg(feature = "manifest")]
pub fn birth_manifest(
    office: &str,
    form: Map<String, Value>,
    attachments: Vec<motcua_dossier::Attachment>,
    created: motcua_dossier::Timestamp,
    client: &str,
) -> motcua_dossier::Manifest {
    use motcua_dossier::{DossierId, Manifest, ProcedureRef};
    let procedure = ProcedureRef {
        code: BIRTH_REGISTRATION
            .parse()
            .expect("the birth registration's code"),
        version: version(BIRTH_REGISTRATION)
            .parse()
            .expect("a schema version"),
    };
    Manifest::builder(procedure, office.parse().expect("an office code"))
        .form(form)
        .attachments(attachments)
        .id(DossierId::generate().expect("randomness"))
        .created(created)
        .client(client.parse().expect("a client version"))
        .build()
        .expect("a valid manifest")
}
