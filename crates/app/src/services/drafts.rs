//! Drafts in device storage: one per procedure, replaced on every change.

use motcua_forms::ProcedureCode;

use crate::filing::Draft;
use crate::services::store::{Area, Store, StoreError};

/// The draft for `code`, if one was saved. A draft that cannot be read back
/// is reported, not silently dropped: the citizen's answers are in it.
pub(crate) async fn load(code: &ProcedureCode) -> Result<Option<Draft>, StoreError> {
    Store::open()
        .await?
        .get_json(Area::Drafts, code.as_str())
        .await
}

/// Saves the draft for `code`.
pub(crate) async fn save(code: &ProcedureCode, draft: &Draft) -> Result<(), StoreError> {
    Store::open()
        .await?
        .put_json(Area::Drafts, code.as_str(), draft)
        .await
}

/// Deletes the draft for `code`.
pub(crate) async fn delete(code: &ProcedureCode) -> Result<(), StoreError> {
    Store::open()
        .await?
        .delete(Area::Drafts, code.as_str())
        .await
}
