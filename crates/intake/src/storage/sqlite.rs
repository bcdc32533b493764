//! The embedded default storage: one SQLite file in the data directory.
//!
//! The schema is migrated forward at open; a database written by a newer
//! server is refused rather than misread.
//!
//! Writes go to one writer thread that owns the write connection and
//! commits in groups: it takes every write waiting, runs each in its own
//! savepoint (a failing one is undone alone) inside one transaction, commits
//! once — one fsync for the group, `synchronous = FULL` — and only then
//! answers each caller. So a receipt is never sent for a dossier that a
//! power cut could still take back, and a thousand dossiers a second cost a
//! few hundred fsyncs, not a thousand. Reads run on Tokio's blocking pool
//! over a few read connections (WAL lets them read while the writer writes).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use async_trait::async_trait;
use motcua_dossier::{DossierCode, DossierId, Sha256};
use rusqlite::{Connection, Params, Row, params};

use super::row::{
    self, CorruptRow, EVENT_COLUMNS, RECEIPT_COLUMNS, RECORD_COLUMNS, UPLOAD_COLUMNS,
};
use super::schema::{self, Dialect, MIGRATIONS};
use super::{
    DossierReceipt, DossierRecord, NewDossier, ReceiptIssuer, StatusEvent, Storage, StoreOutcome,
    Upload, UploadId,
};
use crate::error::Error;

/// Read connections.
const READERS: usize = 4;
/// Most writes in one group commit.
const MAX_GROUP: usize = 512;

/// SQLite storage in a data directory.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    path: PathBuf,
    readers: Arc<Vec<Mutex<Connection>>>,
    next_reader: Arc<AtomicUsize>,
    writer: mpsc::Sender<Box<dyn WriteJob>>,
}

/// Why a read or write failed.
enum Failure {
    /// A statement failed.
    Sql(rusqlite::Error),
    /// A row read back does not parse.
    Corrupt(CorruptRow),
    /// The receipt could not be issued (in `store_dossier`).
    Issue(Error),
    /// The group's transaction could not begin or commit.
    Group(String),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

impl From<CorruptRow> for Failure {
    fn from(e: CorruptRow) -> Self {
        Self::Corrupt(e)
    }
}

impl Failure {
    /// The failure as the server reports it, naming the database `path`.
    fn into_error(self, path: &Path) -> Error {
        match self {
            Self::Sql(source) => Error::Database {
                path: path.to_owned(),
                source,
            },
            Self::Corrupt(e) => e.into(),
            Self::Issue(e) => e,
            Self::Group(reason) => Error::Commit {
                path: path.to_owned(),
                reason,
            },
        }
    }
}

/// The first row `read` makes of the result of `sql`, if any.
fn first<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnMut(&Row<'_>) -> Result<T, Failure>,
) -> Result<Option<T>, Failure> {
    conn.prepare_cached(sql)?
        .query_and_then(params, read)?
        .next()
        .transpose()
}

/// Every row `read` makes of the result of `sql`.
fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnMut(&Row<'_>) -> Result<T, Failure>,
) -> Result<Vec<T>, Failure> {
    conn.prepare_cached(sql)?
        .query_and_then(params, read)?
        .collect()
}

/// One write waiting for the writer thread.
trait WriteJob: Send {
    /// Runs the write; `false` if it failed (its savepoint is rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the group committed (or failed to).
    fn finish(self: Box<Self>, group: Result<(), String>);
}

impl std::fmt::Debug for dyn WriteJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteJob")
    }
}

struct Typed<T, F> {
    work: Option<F>,
    outcome: Option<Result<T, Failure>>,
    reply: tokio::sync::oneshot::Sender<Result<T, Failure>>,
}

impl<T, F> WriteJob for Typed<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, Failure> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let outcome = work(conn);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, group: Result<(), String>) {
        let answer = match (group, self.outcome) {
            // Committed: the write's own outcome (a failed write was undone).
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => Err(Failure::Group("the write did not run".into())),
            // Not committed: nothing of the group is on disk.
            (Err(reason), _) => Err(Failure::Group(reason)),
        };
        let _ = self.reply.send(answer);
    }
}

/// The writer thread: group commits until every sender is gone.
fn write_loop(conn: Connection, jobs: mpsc::Receiver<Box<dyn WriteJob>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            for job in group {
                job.finish(Err(e.to_string()));
            }
            continue;
        }
        let mut failed = None;
        for job in &mut group {
            if let Err(e) = conn.execute_batch("SAVEPOINT job") {
                failed = Some(e.to_string());
                break;
            }
            let undo = if job.run(&conn) {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            if let Err(e) = conn.execute_batch(undo) {
                failed = Some(e.to_string());
                break;
            }
        }
        let result = match failed {
            None => conn.execute_batch("COMMIT").map_err(|e| e.to_string()),
            Some(reason) => Err(reason),
        };
        if result.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for job in group {
            job.finish(result.clone());
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit is on disk before it returns, so that no receipt
    // outlives its dossier after a power cut (NORMAL may lose the last
    // transactions in WAL mode).
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
}

impl SqliteStorage {
    /// File name of the database inside the data directory.
    pub const FILE: &'static str = "motcua.sqlite3";

    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, Error> {
        crate::blobs::private_dir(data_dir)?;
        let path = data_dir.join(Self::FILE);
        private_files(&path)?;
        let db_err = |source| Error::Database {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(db_err)?;
        configure(&conn).map_err(db_err)?;
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
        let run = schema::migrations_run(version)?;
        for (i, steps) in MIGRATIONS.iter().enumerate().skip(run) {
            let tx = conn.transaction().map_err(db_err)?;
            tx.execute_batch(&Dialect::Sqlite.migration(steps))
                .map_err(db_err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
        }
        let readers = (0..READERS)
            .map(|_| {
                let reader = Connection::open(&path)?;
                configure(&reader)?;
                reader.pragma_update(None, "query_only", true)?;
                Ok(Mutex::new(reader))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db_err)?;
        let (writer, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("motcua-sqlite-writer".into())
            .spawn(move || write_loop(conn, jobs))
            .map_err(|source| Error::Io {
                action: "start the database writer for",
                path: path.clone(),
                source,
            })?;
        Ok(Self {
            path,
            readers: Arc::new(readers),
            next_reader: Arc::new(AtomicUsize::new(0)),
            writer,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs the read `f` on a read connection on the blocking pool.
    async fn with<T: Send + 'static, E: Into<Failure>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, Error> {
        let readers = Arc::clone(&self.readers);
        let index = self.next_reader.fetch_add(1, Ordering::Relaxed) % readers.len();
        tokio::task::spawn_blocking(move || {
            let conn = readers[index]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&conn).map_err(Into::into)
        })
        .await
        .map_err(|e| Error::Io {
            action: "run a database task on",
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?
        .map_err(|e| e.into_error(&self.path))
    }

    /// Runs the write `f` in the writer's next group; answers once the
    /// group committed.
    async fn write<T: Send + 'static, E: Into<Failure>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, Error> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Typed {
            work: Some(move |conn: &Connection| f(conn).map_err(Into::into)),
            outcome: None,
            reply,
        };
        let gone = || Error::Commit {
            path: self.path.clone(),
            reason: "the database writer stopped".into(),
        };
        self.writer.send(Box::new(job)).map_err(|_| gone())?;
        answer
            .await
            .map_err(|_| gone())?
            .map_err(|e| e.into_error(&self.path))
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The writes of [`Storage::store_dossier`], inside the writer's
/// transaction (its savepoint undoes them all if one fails).
fn store(
    tx: &Connection,
    dossier: &NewDossier,
    issue: &ReceiptIssuer,
) -> Result<StoreOutcome, Failure> {
    let id = dossier.id.to_string();
    let existing = first(
        tx,
        &format!("SELECT {RECEIPT_COLUMNS} FROM dossier WHERE id = ?1"),
        [&id],
        |r| Ok(row::receipt(r)?),
    )?;
    if let Some(existing) = existing {
        return Ok(StoreOutcome::Exists(existing));
    }
    let mut missing = Vec::new();
    {
        // A blob a dossier refers to is never released (the foreign key
        // and `release_blob` see to it), so there is nothing to update.
        let mut exists = tx.prepare_cached("SELECT 1 FROM blob WHERE sha256 = ?1")?;
        for a in &dossier.attachments {
            if !exists.exists([a.sha256.to_string()])? {
                missing.push(a.sha256);
            }
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        return Ok(StoreOutcome::MissingBlobs(missing));
    }
    let sequence = first(
        tx,
        "INSERT INTO dossier_sequence (scope, last) VALUES (?1, 1)
             ON CONFLICT (scope) DO UPDATE SET last = dossier_sequence.last + 1
             RETURNING last",
        [&dossier.sequence_scope],
        |r| Ok(row::sequence(r)?),
    )?
    .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    let (code, receipt) = issue(sequence).map_err(Failure::Issue)?;
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
    Ok(StoreOutcome::Stored(DossierReceipt {
        id: dossier.id,
        code,
        manifest_sha256: dossier.manifest_sha256,
        receipt,
        received: dossier.received,
    }))
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn schema_version(&self) -> Result<i64, Error> {
        self.with(|conn| conn.pragma_query_value(None, "user_version", |r| r.get(0)))
            .await
    }

    async fn create_upload(&self, upload: &Upload) -> Result<(), Error> {
        let upload = upload.clone();
        let metadata = serde_json::to_string(&upload.metadata).unwrap_or_else(|_| "{}".into());
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO upload (id, length, \"offset\", metadata, created_at, expires_at, sha256)
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
            first(
                conn,
                &format!("SELECT {UPLOAD_COLUMNS} FROM upload WHERE id = ?1"),
                [id.as_str()],
                |r| Ok(row::upload(r)?),
            )
        })
        .await
    }

    async fn finished_uploads(&self, sha256: &Sha256) -> Result<Vec<Upload>, Error> {
        let sha256 = sha256.to_string();
        self.with(move |conn| {
            all(
                conn,
                &format!("SELECT {UPLOAD_COLUMNS} FROM upload WHERE sha256 = ?1"),
                [sha256],
                |r| Ok(row::upload(r)?),
            )
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
        self.write(move |conn| {
            conn.execute(
                "UPDATE upload SET \"offset\" = ?2, sha256 = ?3, expires_at = ?4 WHERE id = ?1",
                params![id.as_str(), to_i64(offset), sha256, expires_at],
            )
            .map(drop)
        })
        .await
    }

    async fn finish_upload(
        &self,
        id: &UploadId,
        sha256: &Sha256,
        length: u64,
        now: i64,
    ) -> Result<(), Error> {
        let (id, sha256) = (id.clone(), sha256.to_string());
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE upload SET \"offset\" = length, sha256 = ?2 WHERE id = ?1",
            )?
            .execute(params![id.as_str(), sha256])?;
            conn.prepare_cached(
                "INSERT INTO blob (sha256, size, last_used) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET last_used = MAX(blob.last_used, ?3)",
            )?
            .execute(params![sha256, to_i64(length), now])
            .map(drop)
        })
        .await
    }

    async fn delete_upload(&self, id: &UploadId) -> Result<(), Error> {
        let id = id.clone();
        self.write(move |conn| {
            conn.execute("DELETE FROM upload WHERE id = ?1", [id.as_str()])
                .map(drop)
        })
        .await
    }

    async fn expired_uploads(&self, now: i64) -> Result<Vec<UploadId>, Error> {
        self.with(move |conn| {
            all(
                conn,
                "SELECT id FROM upload WHERE sha256 IS NULL AND expires_at < ?1",
                [now],
                |r| Ok(row::upload_id(r)?),
            )
        })
        .await
    }

    async fn forget_finished_uploads(&self, before: i64) -> Result<u64, Error> {
        self.write(move |conn| {
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
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO instance (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                [&key, &default],
            )?;
            first(
                conn,
                "SELECT value FROM instance WHERE key = ?1",
                [&key],
                |r| Ok(row::instance_value(r)?),
            )?
            .ok_or(Failure::Sql(rusqlite::Error::QueryReturnedNoRows))
        })
        .await
    }

    async fn record_blob(&self, sha256: &Sha256, size: u64, now: i64) -> Result<(), Error> {
        let sha256 = sha256.to_string();
        self.write(move |conn| {
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
            all(
                conn,
                "SELECT sha256 FROM blob WHERE last_used < ?1 AND NOT EXISTS
                        (SELECT 1 FROM dossier_attachment a WHERE a.sha256 = blob.sha256)",
                [before],
                |r| Ok(row::blob_sha256(r)?),
            )
        })
        .await
    }

    async fn release_blob(&self, sha256: &Sha256, before: i64) -> Result<bool, Error> {
        let sha256 = sha256.to_string();
        self.write(move |conn| {
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
            first(
                conn,
                &format!("SELECT {RECEIPT_COLUMNS} FROM dossier WHERE id = ?1"),
                [id],
                |r| Ok(row::receipt(r)?),
            )
        })
        .await
    }

    async fn store_dossier(
        &self,
        dossier: NewDossier,
        issue: ReceiptIssuer,
    ) -> Result<StoreOutcome, Error> {
        self.write(move |conn| store(conn, &dossier, &issue)).await
    }

    async fn applicant_tag(&self, code: &DossierCode) -> Result<Option<Vec<u8>>, Error> {
        let code = code.to_string();
        self.with(move |conn| {
            first(
                conn,
                "SELECT applicant_tag FROM dossier WHERE code = ?1",
                [&code],
                |r| Ok(row::applicant_tag(r)?),
            )
        })
        .await
    }

    async fn dossier_by_code(&self, code: &DossierCode) -> Result<Option<DossierRecord>, Error> {
        let code = code.to_string();
        self.with(move |conn| {
            let found = first(
                conn,
                &format!("SELECT {RECORD_COLUMNS} FROM dossier WHERE code = ?1"),
                [&code],
                |r| Ok(row::record(r)?),
            )?;
            let Some(mut record) = found else {
                return Ok(None);
            };
            record.history = all(
                conn,
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM dossier_event WHERE dossier_id = ?1 ORDER BY seq"
                ),
                [record.receipt.id.to_string()],
                |r| Ok(row::event(r)?),
            )?;
            Ok::<_, Failure>(Some(record))
        })
        .await
    }

    async fn add_status(&self, code: &DossierCode, event: &StatusEvent) -> Result<bool, Error> {
        let code = code.to_string();
        let event = event.clone();
        self.write(move |conn| {
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
            first(
                conn,
                "SELECT sealed FROM dossier WHERE id = ?1",
                [id],
                |r| Ok(row::sealed(r)?),
            )
        })
        .await
    }

    async fn dossier_count(&self) -> Result<u64, Error> {
        self.with(|conn| {
            first(conn, "SELECT COUNT(*) AS count FROM dossier", [], |r| {
                Ok(row::dossier_count(r)?)
            })?
            .ok_or(Failure::Sql(rusqlite::Error::QueryReturnedNoRows))
        })
        .await
    }
}

/// Creates the database file owner-only before SQLite opens it, and makes
/// an existing one, its write-ahead log and shared-memory index owner-only:
/// SQLite gives the `-wal` and `-shm` files the database file's permissions.
fn private_files(path: &Path) -> Result<(), Error> {
    let io = |action| {
        move |source| Error::Io {
            action,
            path: path.to_owned(),
            source,
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(crate::blobs::PRIVATE_FILE);
        options.open(path).map_err(io("create database file"))?;
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            match std::fs::set_permissions(
                &file,
                std::fs::Permissions::from_mode(crate::blobs::PRIVATE_FILE),
            ) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io("make private the database file")(e));
                }
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    options.open(path).map_err(io("create database file"))?;
    Ok(())
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

    #[tokio::test]
    async fn a_failed_write_in_a_group_undoes_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStorage::open(dir.path()).unwrap();
        let upload = |id: UploadId| Upload {
            id,
            length: 10,
            offset: 0,
            metadata: Default::default(),
            created_at: 1,
            expires_at: 2,
            sha256: None,
        };
        let taken = upload(UploadId::random());
        store.create_upload(&taken).await.unwrap();
        let others: Vec<Upload> = (0..20).map(|_| upload(UploadId::random())).collect();
        // Queued together, so that they share a group commit.
        let mut writes: Vec<_> = others.iter().map(|u| store.create_upload(u)).collect();
        writes.insert(10, store.create_upload(&taken));
        let outcomes = futures::future::join_all(writes).await;
        assert!(outcomes[10].is_err(), "the duplicate fails");
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 20);
        for u in &others {
            assert_eq!(store.upload(&u.id).await.unwrap().as_ref(), Some(u));
        }
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

    #[test]
    fn refuses_negative_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStorage::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(SqliteStorage::FILE)).unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        drop(conn);
        let err = SqliteStorage::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Corrupt(_)), "{err}");
    }
}
