//! The embedded default storage: one SQLite file in the data directory.
//!
//! The schema is migrated forward at open; a database written by a newer
//! server is refused rather than misread. Calls run on Tokio's blocking pool,
//! one at a time on one connection (SQLite serialises writers anyway).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use motcua_dossier::{DossierCode, DossierId, OfficeCode, Sha256, Timestamp};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    DossierReceipt, DossierRecord, NewDossier, ReceiptIssuer, StatusEvent, Storage, StoreOutcome,
    Upload, UploadId,
};
use crate::error::Error;

/// Migrations, in order; `user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the instance's identity, so logs and receipts can name it.
    "CREATE TABLE instance (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
     ) STRICT;",
    // 2: resumable uploads (tus).
    "CREATE TABLE upload (
        id         TEXT PRIMARY KEY,
        length     INTEGER NOT NULL CHECK (length >= 0),
        offset     INTEGER NOT NULL CHECK (offset >= 0 AND offset <= length),
        metadata   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        sha256     TEXT
     ) STRICT;
     CREATE INDEX upload_expiry ON upload (expires_at) WHERE sha256 IS NULL;",
    // 3: finished files, dossiers, their attachments, history and code sequences.
    "CREATE TABLE blob (
        sha256    TEXT PRIMARY KEY,
        size      INTEGER NOT NULL CHECK (size >= 0),
        last_used INTEGER NOT NULL
     ) STRICT;
     INSERT INTO blob (sha256, size, last_used)
        SELECT sha256, MAX(length), MAX(created_at) FROM upload
        WHERE sha256 IS NOT NULL GROUP BY sha256;
     CREATE TABLE dossier (
        id                TEXT PRIMARY KEY,
        code              TEXT NOT NULL UNIQUE,
        office            TEXT NOT NULL,
        procedure_code    TEXT NOT NULL,
        procedure_version TEXT NOT NULL,
        manifest_sha256   TEXT NOT NULL,
        applicant_tag     BLOB NOT NULL,
        sealed            BLOB NOT NULL,
        receipt           TEXT NOT NULL,
        received_at       INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE dossier_attachment (
        dossier_id TEXT NOT NULL REFERENCES dossier (id),
        position   INTEGER NOT NULL,
        name       TEXT NOT NULL,
        sha256     TEXT NOT NULL REFERENCES blob (sha256),
        size       INTEGER NOT NULL CHECK (size >= 0),
        PRIMARY KEY (dossier_id, position)
     ) STRICT;
     CREATE INDEX dossier_attachment_blob ON dossier_attachment (sha256);
     CREATE TABLE dossier_event (
        dossier_id TEXT NOT NULL REFERENCES dossier (id),
        seq        INTEGER NOT NULL,
        status     TEXT NOT NULL,
        at         INTEGER NOT NULL,
        note       TEXT,
        PRIMARY KEY (dossier_id, seq)
     ) STRICT;
     CREATE TABLE dossier_sequence (
        scope TEXT PRIMARY KEY,
        last  INTEGER NOT NULL
     ) STRICT;",
];

/// SQLite storage in a data directory.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    /// File name of the database inside the data directory.
    pub const FILE: &'static str = "motcua.sqlite3";

    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Io {
            action: "create data directory",
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(Self::FILE);
        let db_err = |source| Error::Database {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(db_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(db_err)?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(Error::DatabaseTooNew {
                path,
                found: version,
                supported,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(db_err)?;
            tx.execute_batch(sql).map_err(db_err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
        }
        Ok(Self {
            path,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let conn = Arc::clone(&self.conn);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(|e| Error::Io {
            action: "run a database task on",
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?
        .map_err(|source| Error::Database { path, source })
    }
}

fn read_upload(row: &rusqlite::Row<'_>) -> rusqlite::Result<Upload> {
    let id: String = row.get(0)?;
    let metadata: String = row.get(3)?;
    Ok(Upload {
        id: UploadId::parse(&id).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("bad upload id {id:?}").into(),
            )
        })?,
        length: row.get::<_, i64>(1)? as u64,
        offset: row.get::<_, i64>(2)? as u64,
        metadata: serde_json::from_str(&metadata).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?,
        created_at: row.get(4)?,
        expires_at: row.get(5)?,
        sha256: row.get(6)?,
    })
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A column that failed to parse as its type.
fn bad_column(index: usize, what: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

/// Reads column `index` as text and parses it.
fn parsed<T: std::str::FromStr>(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let text: String = row.get(index)?;
    text.parse()
        .map_err(|e| bad_column(index, format!("{text:?}: {e}")))
}

fn timestamp(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Timestamp> {
    let secs: i64 = row.get(index)?;
    Timestamp::from_unix(secs).map_err(|e| bad_column(index, e))
}

/// `id, code, manifest_sha256, receipt, received_at` of a dossier.
fn read_receipt(row: &rusqlite::Row<'_>) -> rusqlite::Result<DossierReceipt> {
    Ok(DossierReceipt {
        id: parsed(row, 0)?,
        code: parsed(row, 1)?,
        manifest_sha256: parsed(row, 2)?,
        receipt: row.get(3)?,
        received: timestamp(row, 4)?,
    })
}

const RECEIPT_COLUMNS: &str = "id, code, manifest_sha256, receipt, received_at";

/// The write transaction of [`Storage::store_dossier`].
fn store(
    conn: &mut Connection,
    dossier: &NewDossier,
    issue: &ReceiptIssuer,
) -> Result<StoreOutcome, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = dossier.id.to_string();
    let existing = tx
        .prepare_cached(&format!(
            "SELECT {RECEIPT_COLUMNS} FROM dossier WHERE id = ?1"
        ))?
        .query_row([&id], read_receipt)
        .optional()?;
    if let Some(existing) = existing {
        return Ok(StoreOutcome::Exists(existing));
    }
    let mut missing = Vec::new();
    {
        let mut touch = tx.prepare_cached("UPDATE blob SET last_used = ?2 WHERE sha256 = ?1")?;
        for a in &dossier.attachments {
            if touch.execute(params![a.sha256.to_string(), dossier.received.unix()])? == 0 {
                missing.push(a.sha256);
            }
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        return Ok(StoreOutcome::MissingBlobs(missing));
    }
    let sequence: i64 = tx
        .prepare_cached(
            "INSERT INTO dossier_sequence (scope, last) VALUES (?1, 1)
             ON CONFLICT (scope) DO UPDATE SET last = dossier_sequence.last + 1
             RETURNING last",
        )?
        .query_row([&dossier.sequence_scope], |row| row.get(0))?;
    let (code, receipt) = issue(sequence as u64).map_err(StoreError::Issue)?;
    tx.prepare_cached(
        "INSERT INTO dossier (id, code, office, procedure_code, procedure_version,
            manifest_sha256, applicant_tag, sealed, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        code.as_str(),
        dossier.office.as_str(),
        dossier.procedure_code,
        dossier.procedure_version,
        dossier.manifest_sha256.to_string(),
        dossier.applicant_tag,
        dossier.sealed,
        receipt,
        dossier.received.unix(),
    ])?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO dossier_attachment (dossier_id, position, name, sha256, size)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (position, a) in dossier.attachments.iter().enumerate() {
            insert.execute(params![
                id,
                position as i64,
                a.name,
                a.sha256.to_string(),
                to_i64(a.size)
            ])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO dossier_event (dossier_id, seq, status, at) VALUES (?1, 1, ?2, ?3)",
    )?
    .execute(params![
        id,
        super::DossierStatus::Received.as_str(),
        dossier.received.unix()
    ])?;
    tx.commit()?;
    Ok(StoreOutcome::Stored(DossierReceipt {
        id: dossier.id,
        code,
        manifest_sha256: dossier.manifest_sha256,
        receipt,
        received: dossier.received,
    }))
}

/// Why [`store`] failed: the database, or the receipt issuer.
enum StoreError {
    Sql(rusqlite::Error),
    Issue(Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn schema_version(&self) -> Result<i64, Error> {
        self.with(|conn| conn.pragma_query_value(None, "user_version", |row| row.get(0)))
            .await
    }

    async fn create_upload(&self, upload: &Upload) -> Result<(), Error> {
        let upload = upload.clone();
        let metadata = serde_json::to_string(&upload.metadata).unwrap_or_else(|_| "{}".into());
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO upload (id, length, offset, metadata, created_at, expires_at, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    upload.id.as_str(),
                    to_i64(upload.length),
                    to_i64(upload.offset),
                    metadata,
                    upload.created_at,
                    upload.expires_at,
                    upload.sha256,
                ],
            )
            .map(drop)
        })
        .await
    }

    async fn upload(&self, id: &UploadId) -> Result<Option<Upload>, Error> {
        let id = id.clone();
        self.with(move |conn| {
            conn.query_row(
                "SELECT id, length, offset, metadata, created_at, expires_at, sha256
                 FROM upload WHERE id = ?1",
                [id.as_str()],
                read_upload,
            )
            .optional()
        })
        .await
    }

    async fn update_upload(
        &self,
        id: &UploadId,
        offset: u64,
        sha256: Option<&str>,
        expires_at: i64,
    ) -> Result<(), Error> {
        let id = id.clone();
        let sha256 = sha256.map(str::to_owned);
        self.with(move |conn| {
            conn.execute(
                "UPDATE upload SET offset = ?2, sha256 = ?3, expires_at = ?4 WHERE id = ?1",
                params![id.as_str(), to_i64(offset), sha256, expires_at],
            )
            .map(drop)
        })
        .await
    }

    async fn delete_upload(&self, id: &UploadId) -> Result<(), Error> {
        let id = id.clone();
        self.with(move |conn| {
            conn.execute("DELETE FROM upload WHERE id = ?1", [id.as_str()])
                .map(drop)
        })
        .await
    }

    async fn expired_uploads(&self, now: i64) -> Result<Vec<UploadId>, Error> {
        self.with(move |conn| {
            let mut stmt =
                conn.prepare("SELECT id FROM upload WHERE sha256 IS NULL AND expires_at < ?1")?;
            let ids = stmt
                .query_map([now], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids.iter().filter_map(|id| UploadId::parse(id)).collect())
        })
        .await
    }

    async fn forget_finished_uploads(&self, before: i64) -> Result<u64, Error> {
        self.with(move |conn| {
            conn.execute(
                "DELETE FROM upload WHERE sha256 IS NOT NULL AND created_at < ?1",
                [before],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn instance_value(&self, key: &str, default: &str) -> Result<String, Error> {
        let (key, default) = (key.to_owned(), default.to_owned());
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO instance (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                [&key, &default],
            )?;
            conn.query_row("SELECT value FROM instance WHERE key = ?1", [&key], |row| {
                row.get(0)
            })
        })
        .await
    }

    async fn record_blob(&self, sha256: &Sha256, size: u64, now: i64) -> Result<(), Error> {
        let sha256 = sha256.to_string();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO blob (sha256, size, last_used) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET last_used = MAX(blob.last_used, ?3)",
                params![sha256, to_i64(size), now],
            )
            .map(drop)
        })
        .await
    }

    async fn unused_blobs(&self, before: i64) -> Result<Vec<Sha256>, Error> {
        self.with(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT sha256 FROM blob WHERE last_used < ?1 AND NOT EXISTS
                    (SELECT 1 FROM dossier_attachment a WHERE a.sha256 = blob.sha256)",
            )?;
            let rows = stmt.query_map([before], |row| parsed::<Sha256>(row, 0))?;
            rows.collect()
        })
        .await
    }

    async fn release_blob(&self, sha256: &Sha256, before: i64) -> Result<bool, Error> {
        let sha256 = sha256.to_string();
        self.with(move |conn| {
            conn.execute(
                "DELETE FROM blob WHERE sha256 = ?1 AND last_used < ?2 AND NOT EXISTS
                    (SELECT 1 FROM dossier_attachment a WHERE a.sha256 = ?1)",
                params![sha256, before],
            )
            .map(|n| n == 1)
        })
        .await
    }

    async fn dossier(&self, id: &DossierId) -> Result<Option<DossierReceipt>, Error> {
        let id = id.to_string();
        self.with(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {RECEIPT_COLUMNS} FROM dossier WHERE id = ?1"
            ))?
            .query_row([id], read_receipt)
            .optional()
        })
        .await
    }

    async fn store_dossier(
        &self,
        dossier: NewDossier,
        issue: ReceiptIssuer,
    ) -> Result<StoreOutcome, Error> {
        let conn = Arc::clone(&self.conn);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            store(&mut conn, &dossier, &issue)
        })
        .await
        .map_err(|e| Error::Io {
            action: "run a database task on",
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?
        .map_err(|e| match e {
            StoreError::Sql(source) => Error::Database { path, source },
            StoreError::Issue(e) => e,
        })
    }

    async fn dossier_by_code(&self, code: &DossierCode) -> Result<Option<DossierRecord>, Error> {
        let code = code.to_string();
        self.with(move |conn| {
            let found = conn
                .prepare_cached(&format!(
                    "SELECT {RECEIPT_COLUMNS}, office, procedure_code, procedure_version,
                        applicant_tag
                     FROM dossier WHERE code = ?1"
                ))?
                .query_row([&code], |row| {
                    Ok(DossierRecord {
                        receipt: read_receipt(row)?,
                        office: parsed::<OfficeCode>(row, 5)?,
                        procedure_code: row.get(6)?,
                        procedure_version: row.get(7)?,
                        applicant_tag: row.get(8)?,
                        history: Vec::new(),
                    })
                })
                .optional()?;
            let Some(mut record) = found else {
                return Ok(None);
            };
            let mut stmt = conn.prepare_cached(
                "SELECT status, at, note FROM dossier_event WHERE dossier_id = ?1 ORDER BY seq",
            )?;
            let events = stmt.query_map([record.receipt.id.to_string()], |row| {
                Ok(StatusEvent {
                    status: parsed(row, 0)?,
                    at: timestamp(row, 1)?,
                    note: row.get(2)?,
                })
            })?;
            record.history = events.collect::<rusqlite::Result<_>>()?;
            Ok(Some(record))
        })
        .await
    }

    async fn add_status(&self, code: &DossierCode, event: &StatusEvent) -> Result<bool, Error> {
        let code = code.to_string();
        let event = event.clone();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO dossier_event (dossier_id, seq, status, at, note)
                 SELECT d.id, (SELECT COALESCE(MAX(e.seq), 0) + 1 FROM dossier_event e
                               WHERE e.dossier_id = d.id), ?2, ?3, ?4
                 FROM dossier d WHERE d.code = ?1",
                params![code, event.status.as_str(), event.at.unix(), event.note],
            )
            .map(|n| n == 1)
        })
        .await
    }

    async fn sealed_dossier(&self, id: &DossierId) -> Result<Option<Vec<u8>>, Error> {
        let id = id.to_string();
        self.with(move |conn| {
            conn.query_row("SELECT sealed FROM dossier WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
        })
        .await
    }

    async fn dossier_count(&self) -> Result<u64, Error> {
        self.with(|conn| {
            conn.query_row("SELECT COUNT(*) FROM dossier", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn creates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let store = SqliteStorage::open(&data).unwrap();
        assert_eq!(
            store.schema_version().await.unwrap(),
            MIGRATIONS.len() as i64
        );
        assert!(data.join(SqliteStorage::FILE).is_file());
        drop(store);
        let again = SqliteStorage::open(&data).unwrap();
        assert_eq!(
            again.schema_version().await.unwrap(),
            MIGRATIONS.len() as i64
        );
    }

    #[test]
    fn refuses_newer_database() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStorage::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(SqliteStorage::FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = SqliteStorage::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, Error::DatabaseTooNew { found: 99, .. }),
            "{err}"
        );
    }
}
