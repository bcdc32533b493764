//! PostgreSQL storage, for offices that outgrow one machine
//! (`motcua serve --database postgres://…`).
//!
//! The same records as [`super::SqliteStorage`], the same behaviour (the
//! storage tests run against both), in a pool of connections.

use async_trait::async_trait;
use deadpool_postgres::{Config, Pool, Runtime};
use motcua_dossier::{DossierCode, DossierId, Sha256};
use tokio_postgres::NoTls;

use super::row::{self, EVENT_COLUMNS, RECEIPT_COLUMNS, RECORD_COLUMNS, Reader, UPLOAD_COLUMNS};
use super::schema::{self, Dialect, MIGRATIONS};
use super::{
    DossierReceipt, DossierRecord, DossierStatus, NewDossier, ReceiptIssuer, StatusEvent, Storage,
    StoreOutcome, Upload, UploadId,
};
use crate::error::Error;

/// PostgreSQL storage.
#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
    url: String,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password; show only where it points.
        let shown = self.url.rsplit('@').next().unwrap_or_default();
        f.debug_struct("PostgresStorage")
            .field("at", &shown)
            .finish()
    }
}

fn pg(url: &str) -> impl Fn(tokio_postgres::Error) -> Error + '_ {
    move |source| Error::Postgres {
        at: url.rsplit('@').next().unwrap_or_default().to_owned(),
        source,
    }
}

impl PostgresStorage {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and
    /// migrates the schema.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let config = Config {
            url: Some(url.to_owned()),
            ..Config::default()
        };
        let pool = config
            .create_pool(Some(Runtime::Tokio1), NoTls)
            .map_err(|e| Error::Pool(e.to_string()))?;
        let storage = Self {
            pool,
            url: url.to_owned(),
        };
        storage.migrate().await?;
        Ok(storage)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        self.pool
            .get()
            .await
            .map_err(|e| Error::Pool(e.to_string()))
    }

    async fn migrate(&self) -> Result<(), Error> {
        let mut client = self.client().await?;
        let err = pg(&self.url);
        client
            .batch_execute("CREATE TABLE IF NOT EXISTS motcua_schema (version BIGINT NOT NULL)")
            .await
            .map_err(&err)?;
        let tx = client.transaction().await.map_err(&err)?;
        // Serialise concurrent starts of several servers on one database.
        tx.batch_execute("LOCK TABLE motcua_schema IN EXCLUSIVE MODE")
            .await
            .map_err(&err)?;
        let row = tx
            .query_opt("SELECT version FROM motcua_schema", &[])
            .await
            .map_err(&err)?;
        let version = match row {
            Some(row) => schema_version(&row)?,
            None => {
                tx.execute("INSERT INTO motcua_schema (version) VALUES (0)", &[])
                    .await
                    .map_err(&err)?;
                0
            }
        };
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(Error::DatabaseTooNew {
                path: self.url.rsplit('@').next().unwrap_or_default().into(),
                found: version,
                supported,
            });
        }
        for steps in MIGRATIONS.iter().skip(schema::migrations_run(version)?) {
            tx.batch_execute(&Dialect::Postgres.migration(steps))
                .await
                .map_err(&err)?;
        }
        tx.execute("UPDATE motcua_schema SET version = $1", &[&supported])
            .await
            .map_err(&err)?;
        tx.commit().await.map_err(&err)
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A row whose values do not parse: the database holds what this server
/// never writes.
fn corrupt(what: impl std::fmt::Display) -> Error {
    Error::Corrupt(what.to_string())
}

/// The `version` column of `motcua_schema`, which counts the migrations
/// run (SQLite keeps the count in `user_version`, so the table is not in
/// [`super::schema`]).
fn schema_version(row: &tokio_postgres::Row) -> Result<i64, Error> {
    Ok(Reader::new(row, "motcua_schema").int("version")?)
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn schema_version(&self) -> Result<i64, Error> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT version FROM motcua_schema", &[])
            .await
            .map_err(pg(&self.url))?;
        schema_version(&row)
    }

    async fn create_upload(&self, upload: &Upload) -> Result<(), Error> {
        let client = self.client().await?;
        let metadata = serde_json::to_string(&upload.metadata).unwrap_or_else(|_| "{}".into());
        client
            .execute(
                "INSERT INTO upload (id, length, \"offset\", metadata, created_at, expires_at, sha256)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &upload.id.as_str(),
                    &to_i64(upload.length),
                    &to_i64(upload.offset),
                    &metadata,
                    &upload.created_at,
                    &upload.expires_at,
                    &upload.sha256,
                ],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(())
    }

    async fn upload(&self, id: &UploadId) -> Result<Option<Upload>, Error> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {UPLOAD_COLUMNS} FROM upload WHERE id = $1"),
                &[&id.as_str()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(row.as_ref().map(row::upload).transpose()?)
    }

    async fn finished_uploads(&self, sha256: &Sha256) -> Result<Vec<Upload>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {UPLOAD_COLUMNS} FROM upload WHERE sha256 = $1"),
                &[&sha256.to_string()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(rows.iter().map(row::upload).collect::<Result<_, _>>()?)
    }

    async fn update_upload(
        &self,
        id: &UploadId,
        offset: u64,
        sha256: Option<&str>,
        expires_at: i64,
    ) -> Result<(), Error> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE upload SET \"offset\" = $2, sha256 = $3, expires_at = $4 WHERE id = $1",
                &[&id.as_str(), &to_i64(offset), &sha256, &expires_at],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(())
    }

    async fn finish_upload(
        &self,
        id: &UploadId,
        sha256: &Sha256,
        length: u64,
        now: i64,
    ) -> Result<(), Error> {
        let err = pg(&self.url);
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(&err)?;
        let sha256 = sha256.to_string();
        tx.execute(
            "UPDATE upload SET \"offset\" = length, sha256 = $2 WHERE id = $1",
            &[&id.as_str(), &sha256],
        )
        .await
        .map_err(&err)?;
        tx.execute(
            "INSERT INTO blob (sha256, size, last_used) VALUES ($1, $2, $3)
             ON CONFLICT (sha256) DO UPDATE SET last_used = GREATEST(blob.last_used, $3)",
            &[&sha256, &to_i64(length), &now],
        )
        .await
        .map_err(&err)?;
        tx.commit().await.map_err(&err)
    }

    async fn delete_upload(&self, id: &UploadId) -> Result<(), Error> {
        let client = self.client().await?;
        client
            .execute("DELETE FROM upload WHERE id = $1", &[&id.as_str()])
            .await
            .map_err(pg(&self.url))?;
        Ok(())
    }

    async fn expired_uploads(&self, now: i64) -> Result<Vec<UploadId>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id FROM upload WHERE sha256 IS NULL AND expires_at < $1",
                &[&now],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(rows.iter().map(row::upload_id).collect::<Result<_, _>>()?)
    }

    async fn forget_finished_uploads(&self, before: i64) -> Result<u64, Error> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM upload WHERE sha256 IS NOT NULL AND created_at < $1",
                &[&before],
            )
            .await
            .map_err(pg(&self.url))
    }

    async fn instance_value(&self, key: &str, default: &str) -> Result<String, Error> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO instance (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                &[&key, &default],
            )
            .await
            .map_err(pg(&self.url))?;
        let row = client
            .query_one("SELECT value FROM instance WHERE key = $1", &[&key])
            .await
            .map_err(pg(&self.url))?;
        Ok(row::instance_value(&row)?)
    }

    async fn record_blob(&self, sha256: &Sha256, size: u64, now: i64) -> Result<(), Error> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO blob (sha256, size, last_used) VALUES ($1, $2, $3)
                 ON CONFLICT (sha256) DO UPDATE SET last_used = GREATEST(blob.last_used, $3)",
                &[&sha256.to_string(), &to_i64(size), &now],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(())
    }

    async fn unused_blobs(&self, before: i64) -> Result<Vec<Sha256>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT sha256 FROM blob WHERE last_used < $1 AND NOT EXISTS
                    (SELECT 1 FROM dossier_attachment a WHERE a.sha256 = blob.sha256)",
                &[&before],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(rows
            .iter()
            .map(row::blob_sha256)
            .collect::<Result<_, _>>()?)
    }

    async fn release_blob(&self, sha256: &Sha256, before: i64) -> Result<bool, Error> {
        let client = self.client().await?;
        // A concurrent `store_dossier` holds a shared lock on the row: this
        // waits for it, then fails on the foreign key from
        // dossier_attachment if that dossier refers to the blob.
        let deleted = client
            .execute(
                "DELETE FROM blob WHERE sha256 = $1 AND last_used < $2 AND NOT EXISTS
                    (SELECT 1 FROM dossier_attachment a WHERE a.sha256 = $1)",
                &[&sha256.to_string(), &before],
            )
            .await;
        match deleted {
            Ok(n) => Ok(n == 1),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION) => {
                Ok(false)
            }
            Err(e) => Err(pg(&self.url)(e)),
        }
    }

    async fn dossier(&self, id: &DossierId) -> Result<Option<DossierReceipt>, Error> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {RECEIPT_COLUMNS} FROM dossier WHERE id = $1"),
                &[&id.to_string()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(row.as_ref().map(row::receipt).transpose()?)
    }

    async fn store_dossier(
        &self,
        dossier: NewDossier,
        issue: ReceiptIssuer,
    ) -> Result<StoreOutcome, Error> {
        let err = pg(&self.url);
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(&err)?;
        let id = dossier.id.to_string();
        // A shared row lock until commit: a concurrent `release_blob` waits,
        // then fails on the foreign key; other dossiers using the same blob
        // do not wait for each other.
        let wanted: Vec<String> = dossier
            .attachments
            .iter()
            .map(|a| a.sha256.to_string())
            .collect();
        let found: Vec<Sha256> = if wanted.is_empty() {
            Vec::new()
        } else {
            tx.query(
                "SELECT sha256 FROM blob WHERE sha256 = ANY($1) FOR SHARE",
                &[&wanted],
            )
            .await
            .map_err(&err)?
            .iter()
            .map(row::blob_sha256)
            .collect::<Result<_, _>>()?
        };
        let mut missing: Vec<Sha256> = dossier
            .attachments
            .iter()
            .filter(|a| !found.contains(&a.sha256))
            .map(|a| a.sha256)
            .collect();
        if !missing.is_empty() {
            missing.dedup();
            return Ok(StoreOutcome::MissingBlobs(missing));
        }
        // The dossier first, under a placeholder code (its id, unique), so
        // that the sequence row — which every dossier of the scope must lock
        // in turn — is held only for the last statements and the commit.
        // A concurrent request with the same id waits here for the first to
        // commit, then inserts nothing.
        let inserted = tx
            .execute(
                "INSERT INTO dossier (id, code, office, procedure_code, procedure_version,
                    manifest_sha256, applicant_tag, sealed, receipt, received_at)
                 VALUES ($1, $1, $2, $3, $4, $5, $6, $7, '', $8)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    &id,
                    &dossier.office.as_str(),
                    &dossier.procedure_code,
                    &dossier.procedure_version,
                    &dossier.manifest_sha256.to_string(),
                    &dossier.applicant_tag,
                    &dossier.sealed,
                    &dossier.received.unix(),
                ],
            )
            .await
            .map_err(&err)?;
        if inserted == 0 {
            tx.rollback().await.map_err(&err)?;
            drop(client);
            return match self.dossier(&dossier.id).await? {
                Some(existing) => Ok(StoreOutcome::Exists(existing)),
                None => Err(corrupt(format!("dossier {id} vanished during insert"))),
            };
        }
        let insert = tx
            .prepare_cached(
                "INSERT INTO dossier_attachment (dossier_id, position, name, sha256, size)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .await
            .map_err(&err)?;
        for (position, a) in dossier.attachments.iter().enumerate() {
            tx.execute(
                &insert,
                &[
                    &id,
                    &(position as i32),
                    &a.name,
                    &a.sha256.to_string(),
                    &to_i64(a.size),
                ],
            )
            .await
            .map_err(&err)?;
        }
        tx.execute(
            "INSERT INTO dossier_event (dossier_id, seq, status, at) VALUES ($1, 1, $2, $3)",
            &[
                &id,
                &DossierStatus::Received.as_str(),
                &dossier.received.unix(),
            ],
        )
        .await
        .map_err(&err)?;
        let row = tx
            .query_one(
                "INSERT INTO dossier_sequence (scope, last) VALUES ($1, 1)
                 ON CONFLICT (scope) DO UPDATE SET last = dossier_sequence.last + 1
                 RETURNING last",
                &[&dossier.sequence_scope],
            )
            .await
            .map_err(&err)?;
        let (code, receipt) = issue(row::sequence(&row)?)?;
        tx.execute(
            "UPDATE dossier SET code = $2, receipt = $3 WHERE id = $1",
            &[&id, &code.as_str(), &receipt],
        )
        .await
        .map_err(&err)?;
        tx.commit().await.map_err(&err)?;
        Ok(StoreOutcome::Stored(DossierReceipt {
            id: dossier.id,
            code,
            manifest_sha256: dossier.manifest_sha256,
            receipt,
            received: dossier.received,
        }))
    }

    async fn applicant_tag(&self, code: &DossierCode) -> Result<Option<Vec<u8>>, Error> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT applicant_tag FROM dossier WHERE code = $1",
                &[&code.as_str()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(row.as_ref().map(row::applicant_tag).transpose()?)
    }

    async fn dossier_by_code(&self, code: &DossierCode) -> Result<Option<DossierRecord>, Error> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {RECORD_COLUMNS} FROM dossier WHERE code = $1"),
                &[&code.as_str()],
            )
            .await
            .map_err(pg(&self.url))?;
        let Some(mut record) = row.as_ref().map(row::record).transpose()? else {
            return Ok(None);
        };
        let events = client
            .query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM dossier_event WHERE dossier_id = $1 ORDER BY seq"
                ),
                &[&record.receipt.id.to_string()],
            )
            .await
            .map_err(pg(&self.url))?;
        record.history = events.iter().map(row::event).collect::<Result<_, _>>()?;
        Ok(Some(record))
    }

    async fn add_status(&self, code: &DossierCode, event: &StatusEvent) -> Result<bool, Error> {
        let err = pg(&self.url);
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(&err)?;
        // Lock the dossier row so two events never take the same number.
        let row = tx
            .query_opt(
                "SELECT id FROM dossier WHERE code = $1 FOR UPDATE",
                &[&code.as_str()],
            )
            .await
            .map_err(&err)?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id = row::dossier_id(&row)?.to_string();
        tx.execute(
            "INSERT INTO dossier_event (dossier_id, seq, status, at, note)
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM dossier_event
             WHERE dossier_id = $1",
            &[&id, &event.status.as_str(), &event.at.unix(), &event.note],
        )
        .await
        .map_err(&err)?;
        tx.commit().await.map_err(&err)?;
        Ok(true)
    }

    async fn sealed_dossier(&self, id: &DossierId) -> Result<Option<Vec<u8>>, Error> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT sealed FROM dossier WHERE id = $1",
                &[&id.to_string()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(row.as_ref().map(row::sealed).transpose()?)
    }

    async fn dossier_count(&self) -> Result<u64, Error> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT COUNT(*) AS count FROM dossier", &[])
            .await
            .map_err(pg(&self.url))?;
        Ok(row::dossier_count(&row)?)
    }
}
