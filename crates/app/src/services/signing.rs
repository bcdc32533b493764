//! Sealing a filing, for the sign page: the manifest made in the worker
//! from the filing's typed parts, the seal, and the sealed dossier kept in
//! the outbox. Each step returns a `Result` whose error is a message for
//! the citizen; the page only shows where things stand.

use std::rc::Rc;

use motcua_dossier::{DossierId, Manifest, ProcedureRef, SealedDossier, Sha256};
use motcua_forms::{LocalizedText, Procedure};
use serde_json::Value;

use crate::filing::{AttachedFile, Draft, Filing};
use crate::format;
use crate::jobs::ManifestParts;
use crate::services::directory::Offices;
use crate::services::outbox::{self, About, OutboxEntry, SendState};
use crate::services::{drafts, worker};

/// The manifest as prepared for signing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prepared {
    /// Its canonical bytes: what the seal signs.
    pub(crate) manifest: Rc<Vec<u8>>,
    /// SHA-256 of those bytes, shown before signing.
    pub(crate) digest: Sha256,
    pub(crate) id: DossierId,
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// What the page knows of the manifest: procedure, office, answers and
/// files. A value the manifest cannot hold (an office code from a stale
/// draft) is said to the citizen, never a panic.
pub(crate) fn manifest_parts(
    procedure: &Procedure,
    office: &str,
    data: &Value,
    attachments: &[AttachedFile],
) -> Result<ManifestParts, LocalizedText> {
    let office = office.parse().map_err(|_| {
        LocalizedText::new(
            format!("Mã nơi nhận hồ sơ \"{office}\" không hợp lệ: hãy chọn lại nơi nhận."),
            format!(
                "The receiving office code \"{office}\" is not valid: choose the office again."
            ),
        )
    })?;
    let version = procedure.version.parse().map_err(|_| {
        LocalizedText::new(
            "Phiên bản biểu mẫu của thủ tục này không hợp lệ.",
            "This procedure's form version is not valid.",
        )
    })?;
    Ok(ManifestParts {
        procedure: ProcedureRef {
            code: procedure.code.clone(),
            version,
        },
        office,
        // Writing a `Value` as JSON cannot fail; empty bytes would be
        // refused by the worker's builder all the same.
        form: serde_json::to_vec(data).unwrap_or_default(),
        attachments: attachments.to_vec(),
    })
}

/// Makes the manifest to sign, with a new id, dated now.
pub(crate) async fn prepare(
    procedure: &Procedure,
    office: &str,
    data: &Value,
    attachments: &[AttachedFile],
) -> Result<Prepared, LocalizedText> {
    let parts = manifest_parts(procedure, office, data, attachments)?;
    let prepared = worker::prepare_manifest(parts, now_seconds()).await?;
    Ok(Prepared {
        manifest: Rc::new(prepared.manifest),
        digest: prepared.digest,
        id: prepared.id,
    })
}

/// Whether the outbox already holds a dossier with the answers of
/// `manifest` (canonical bytes, as prepared) for the same office.
pub(crate) async fn already_in_outbox(manifest: &[u8]) -> bool {
    let Ok(new) = Manifest::from_json(manifest) else {
        return false;
    };
    outbox::list()
        .await
        .unwrap_or_default()
        .iter()
        .any(|entry| {
            SealedDossier::from_json(entry.dossier.as_bytes())
                .is_ok_and(|earlier| new.repeats(earlier.manifest()))
        })
}

/// Seals `prepared` with the key file under `passphrase` and keeps the
/// sealed dossier in the outbox, with what the outbox screen and the
/// receipt show of it.
pub(crate) async fn seal_into_outbox(
    filing: &Filing,
    offices: Option<&Offices>,
    key_file: Vec<u8>,
    passphrase: String,
    prepared: &Prepared,
) -> Result<(), LocalizedText> {
    let dossier = worker::seal(
        key_file,
        passphrase,
        (*prepared.manifest).clone(),
        now_seconds(),
    )
    .await?;
    let entry = outbox_entry(filing, offices, prepared, dossier);
    outbox::put(&entry).await.map_err(|_| {
        LocalizedText::new(
            "Đã ký nhưng không lưu được vào hộp thư đi trên thiết bị này.",
            "Sealed, but it could not be kept in the outbox on this device.",
        )
    })
}

/// Ends the filing's draft: its answers live on in the outbox only, and
/// what is left says the filing was sealed, so that neither a new filing
/// nor Back brings them back (issue #11, faults 1 and 2).
pub(crate) async fn end_draft(filing: &Filing, id: DossierId) {
    let record = Draft::sealed_as(
        filing.procedure.version.clone(),
        id.to_string(),
        js_sys::Date::now(),
    );
    // The autosave would write the same record; the page is left at once.
    let _ = drafts::save(&filing.procedure.code, &record).await;
}

/// The outbox entry of a dossier just sealed.
fn outbox_entry(
    filing: &Filing,
    offices: Option<&Offices>,
    prepared: &Prepared,
    dossier: Vec<u8>,
) -> OutboxEntry {
    let answer = |field: Option<&motcua_forms::Field>| {
        filing
            .evaluation
            .data()?
            .get(&field?.id)?
            .as_str()
            .map(str::to_owned)
    };
    let office_entry = match offices {
        Some(Offices::Directory(directory)) => filing
            .office
            .as_deref()
            .and_then(|code| code.parse().ok())
            .and_then(|code| directory.office(&code).cloned()),
        _ => None,
    };
    let office = filing.office.clone().unwrap_or_default();
    let label = format::office_label(&office, office_entry.as_ref(), filing.units.as_deref());
    let about = About {
        id: prepared.id.to_string(),
        procedure: filing.procedure.code.to_string(),
        procedure_name: filing.procedure.name.clone(),
        office,
        office_name: Some(label.name),
        office_place: label.place,
        subject: filing
            .evaluation
            .data()
            .and_then(|data| format::dossier_subject(&filing.procedure, data)),
        office_entry: office_entry
            .as_ref()
            .and_then(|o| serde_json::to_string(o).ok()),
        // The office's server: until a directory names another, the one
        // that serves this app.
        endpoint: gloo::utils::window()
            .location()
            .origin()
            .unwrap_or_default(),
        applicant_id: answer(filing.procedure.applicant_id_field()),
        applicant_name: answer(filing.procedure.applicant_name_field()),
        digest: prepared.digest.to_string(),
        dossier: String::from_utf8_lossy(&dossier).into_owned(),
        values: Some(filing.values.clone()),
        files: filing
            .attachments
            .iter()
            .map(|a| a.sha256.to_string())
            .collect(),
        sealed_at: js_sys::Date::now(),
    };
    OutboxEntry::new(about, SendState::Sealed)
}
