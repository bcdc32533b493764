//! The server's embedded storage: one SQLite file in the data directory.
//!
//! The schema is migrated forward at open; a database written by a newer
//! server is refused rather than misread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::Error;

/// Migrations, in order; `user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the instance's identity, so logs and receipts can name it.
    "CREATE TABLE instance (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
     ) STRICT;",
];

/// The database of one intake server.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl Store {
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

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, Error> {
        self.with(|conn| conn.pragma_query_value(None, "user_version", |row| row.get(0)))
    }

    /// Runs `f` on the connection; the lock is held only for the call.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&conn).map_err(|source| Error::Database {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let store = Store::open(&data).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert!(data.join(Store::FILE).is_file());
        drop(store);
        let again = Store::open(&data).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn refuses_newer_database() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(Store::FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, Error::DatabaseTooNew { found: 99, .. }),
            "{err}"
        );
    }
}
