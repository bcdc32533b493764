//! The outbox: sealed dossiers kept on the device until an office has
//! acknowledged them (DESIGN.md: "a sealed dossier waits in the outbox until
//! an office has acknowledged it").

use motcua_forms::LocalizedText;
use serde::{Deserialize, Serialize};

use crate::services::store::{Area, Store, StoreError};

/// Where a dossier stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Delivery {
    /// Sealed, not yet sent.
    Waiting,
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
    /// SHA-256 of the canonical manifest, as shown when signing.
    pub(crate) digest: String,
    /// The sealed dossier (JSON text).
    pub(crate) dossier: String,
    /// Keys of the attachment bytes in the `Files` area, by SHA-256.
    pub(crate) files: Vec<String>,
    /// When it was sealed, ms since the Unix epoch.
    pub(crate) sealed_at: f64,
    pub(crate) delivery: Delivery,
}

/// Adds or replaces an entry.
pub(crate) async fn put(entry: &OutboxEntry) -> Result<(), StoreError> {
    Store::open()
        .await?
        .put_json(Area::Outbox, &entry.id, entry)
        .await
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
