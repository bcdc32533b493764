//! Deleting what nobody needs any more: finished uploads' records and blobs
//! that no dossier refers to, a week after their last use.
//!
//! A blob referred to by a stored dossier is never deleted: the storage
//! only releases a blob no dossier refers to (and its foreign key forbids
//! the rest), and while blobs are deleted no dossier can be checked or
//! written ([`crate::state::AppState::blob_gate`]).

use std::time::Duration;

use crate::error::AppError;
use crate::state::AppState;

/// How long a blob no dossier refers to is kept after its last use: long
/// enough for a phone that finished its uploads to come back online and
/// send the dossier.
pub(crate) const BLOB_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Deletes unreferenced blobs last used before `now` − [`BLOB_RETENTION`],
/// and the records of uploads finished before then. Returns how many blobs
/// went.
pub(crate) async fn collect(state: &AppState, now: i64) -> Result<usize, AppError> {
    let before = now - BLOB_RETENTION.as_secs() as i64;
    state.storage().forget_finished_uploads(before).await?;
    let candidates = state.storage().unused_blobs(before).await?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let _gate = state.blob_gate().write().await;
    let mut deleted = 0;
    for sha256 in candidates {
        if state.storage().release_blob(&sha256, before).await? {
            state.blobs().remove_blob(&sha256.to_string()).await?;
            deleted += 1;
        }
    }
    if deleted > 0 {
        tracing::info!(count = deleted, "unused blobs deleted");
    }
    Ok(deleted)
}
