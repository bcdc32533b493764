//! The embedded default storage: one SQLite file in the data directory.
//!
//! The schema is migrated forward at open; a database written by a newer
//! server is refused rather than misread. Calls run on Tokio's blocking pool,
//! one at a time on one connection (SQLite serialises writers anyway).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Storage, Upload, UploadId};
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
