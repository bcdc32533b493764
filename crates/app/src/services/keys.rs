//! Signing keys kept on the device: encrypted key files (motcua-dossier's
//! format) in IndexedDB, by key id. The page reads only their public parts;
//! decrypting happens in the worker.

use serde::Deserialize;

use crate::services::store::{Area, Store, StoreError};

/// What the page needs to list a key, read from the key file's clear members.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct KeySummary {
    /// RFC 7638 thumbprint of the public key.
    pub(crate) kid: String,
    /// The name the citizen gave it.
    #[serde(default)]
    pub(crate) label: Option<String>,
    /// JWS algorithm.
    pub(crate) alg: String,
    /// The certificate chain, when the key came with one.
    #[serde(default)]
    pub(crate) x5c: Vec<String>,
}

/// A stored key: its summary and the whole encrypted file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredKey {
    pub(crate) summary: KeySummary,
    pub(crate) file: Vec<u8>,
}

/// Reads a key file's clear members, or `None` if it is not a key file.
pub(crate) fn summarize(file: &[u8]) -> Option<KeySummary> {
    serde_json::from_slice(file).ok()
}

/// Every stored key.
pub(crate) async fn list() -> Result<Vec<StoredKey>, StoreError> {
    let store = Store::open().await?;
    let mut keys = Vec::new();
    for kid in store.keys(Area::Keys).await? {
        if let Some(file) = store.get_bytes(Area::Keys, &kid).await?
            && let Some(summary) = summarize(&file)
        {
            keys.push(StoredKey { summary, file });
        }
    }
    Ok(keys)
}

/// Keeps a key file under its key id.
pub(crate) async fn save(kid: &str, file: &[u8]) -> Result<(), StoreError> {
    Store::open().await?.put_bytes(Area::Keys, kid, file).await
}
