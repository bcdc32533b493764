//! The outbox (hộp thư đi): sealed dossiers kept on the device until an
//! office has acknowledged them (DESIGN.md: "a sealed dossier waits in the
//! outbox until an office has acknowledged it"). The page lists them; the
//! worker sends them and records each step here, so a reload or a browser
//! restart resumes where it stopped.

use motcua_forms::LocalizedText;
use serde::{Deserialize, Serialize};

use crate::services::store::{Area, Store, StoreError};

/// Where a dossier stands, as the outbox screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Delivery {
    /// Sealed, not yet sent.
    Waiting,
    /// Being sent: `sent` of `total` attachment bytes are at the office.
    Sending { sent: u64, total: u64 },
    /// Stopped: why, whether trying again may help, and when the next
    /// automatic attempt is due (ms since the Unix epoch).
    Failed {
        message: LocalizedText,
        retryable: bool,
        next_attempt_at: Option<f64>,
    },
    /// Acknowledged: the office's verified receipt.
    Sent(Sent),
    /// Handed to an office's older backend (multipart), which answered with
    /// a reference but signs no receipt: not a verified receipt.
    Delivered { reference: String },
}

/// What an office's verified receipt says, for the receipt screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sent {
    /// The dossier code (mã hồ sơ) the office gave.
    pub(crate) code: String,
    /// When the office received it (RFC 3339, UTC).
    pub(crate) received: String,
    /// The receipt: a JWS signed by the office.
    pub(crate) receipt: String,
    /// What the QR code holds (Circular 01/2023/TT-VPCP: dossier code,
    /// procedure code, applicant's identifier).
    pub(crate) qr_text: String,
    /// The QR code as SVG.
    pub(crate) qr_svg: String,
}

/// One sealed dossier in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OutboxEntry {
    /// The dossier id (also the idempotency key of its submission).
    pub(crate) id: String,
    /// Procedure code and name, for the list.
    pub(crate) procedure: String,
    pub(crate) procedure_name: LocalizedText,
    /// The chosen office's code.
    pub(crate) office: String,
    /// The office's intake server (`https://host`), when no directory entry
    /// says otherwise.
    pub(crate) endpoint: String,
    /// The office's entry in the verified directory (JSON): its name,
    /// backend, adapter and receipt key.
    #[serde(default)]
    pub(crate) office_entry: Option<String>,
    /// The office's name, to show.
    #[serde(default)]
    pub(crate) office_name: Option<LocalizedText>,
    /// The commune and province of the office, to show with its name.
    #[serde(default)]
    pub(crate) office_place: Option<String>,
    /// Whom the dossier is for (the procedure's subject field), so that
    /// two dossiers of one procedure read apart.
    #[serde(default)]
    pub(crate) subject: Option<String>,
    /// The applicant's personal ID number, for the receipt's QR code.
    #[serde(default)]
    pub(crate) applicant_id: Option<String>,
    /// The applicant's name, for the receipt slip.
    #[serde(default)]
    pub(crate) applicant_name: Option<String>,
    /// SHA-256 of the canonical manifest, as shown when signing.
    pub(crate) digest: String,
    /// The sealed dossier (JSON text).
    pub(crate) dossier: String,
    /// The answers as typed (the manifest holds them normalized), so that
    /// "copy into a new filing" can begin a new draft from them.
    #[serde(default)]
    pub(crate) values: Option<serde_json::Value>,
    /// Keys of the attachment bytes in the `Files` area, by SHA-256.
    pub(crate) files: Vec<String>,
    /// When it was sealed, ms since the Unix epoch.
    pub(crate) sealed_at: f64,
    pub(crate) delivery: Delivery,
    /// The protocol client's own state (motcua-submit's outbox entry, JSON),
    /// kept by the worker; the page does not read it.
    #[serde(default)]
    pub(crate) protocol: Option<String>,
}

impl OutboxEntry {
    /// Whether the worker should (still) send it now.
    pub(crate) fn wants_sending(&self, now_ms: f64) -> bool {
        match &self.delivery {
            Delivery::Waiting | Delivery::Sending { .. } => true,
            Delivery::Failed {
                retryable: true,
                next_attempt_at,
                ..
            } => next_attempt_at.is_none_or(|at| at <= now_ms),
            Delivery::Failed { .. } | Delivery::Sent(_) | Delivery::Delivered { .. } => false,
        }
    }
}

/// Adds or replaces an entry.
pub(crate) async fn put(entry: &OutboxEntry) -> Result<(), StoreError> {
    Store::open()
        .await?
        .put_json(Area::Outbox, &entry.id, entry)
        .await
}

/// One entry.
pub(crate) async fn get(id: &str) -> Result<Option<OutboxEntry>, StoreError> {
    Store::open().await?.get_json(Area::Outbox, id).await
}

/// Every entry, newest first.
pub(crate) async fn list() -> Result<Vec<OutboxEntry>, StoreError> {
    let store = Store::open().await?;
    let mut entries = Vec::new();
    for id in store.keys(Area::Outbox).await? {
        if let Some(entry) = store.get_json::<OutboxEntry>(Area::Outbox, &id).await? {
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| b.sealed_at.total_cmp(&a.sealed_at));
    Ok(entries)
}
