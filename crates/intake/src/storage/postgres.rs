//! PostgreSQL storage, for offices that outgrow one machine
//! (`motcua serve --database postgres://…`).
//!
//! The same records as [`super::SqliteStorage`], the same behaviour (the
//! storage tests run against both), in a pool of connections.

use std::collections::BTreeMap;

use async_trait::async_trait;
use deadpool_postgres::{Config, Pool, Runtime};
use tokio_postgres::NoTls;

use super::{Storage, Upload, UploadId};
use crate::error::Error;

/// Migrations, in order; table `motcua_schema` records how many have run.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE instance (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );",
    "CREATE TABLE upload (
        id         TEXT PRIMARY KEY,
        length     BIGINT NOT NULL CHECK (length >= 0),
        \"offset\" BIGINT NOT NULL CHECK (\"offset\" >= 0 AND \"offset\" <= length),
        metadata   TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        sha256     TEXT
     );
     CREATE INDEX upload_expiry ON upload (expires_at) WHERE sha256 IS NULL;",
];

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
        let version: i64 = match row {
            Some(row) => row.get(0),
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
        for sql in MIGRATIONS.iter().skip(version as usize) {
            tx.batch_execute(sql).await.map_err(&err)?;
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

fn read_upload(row: &tokio_postgres::Row) -> Option<Upload> {
    let id: String = row.get(0);
    let metadata: String = row.get(3);
    Some(Upload {
        id: UploadId::parse(&id)?,
        length: row.get::<_, i64>(1) as u64,
        offset: row.get::<_, i64>(2) as u64,
        metadata: serde_json::from_str::<BTreeMap<String, String>>(&metadata).ok()?,
        created_at: row.get(4),
        expires_at: row.get(5),
        sha256: row.get(6),
    })
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn schema_version(&self) -> Result<i64, Error> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT version FROM motcua_schema", &[])
            .await
            .map_err(pg(&self.url))?;
        Ok(row.get(0))
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
                "SELECT id, length, \"offset\", metadata, created_at, expires_at, sha256
                 FROM upload WHERE id = $1",
                &[&id.as_str()],
            )
            .await
            .map_err(pg(&self.url))?;
        Ok(row.as_ref().and_then(read_upload))
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
        Ok(rows
            .iter()
            .filter_map(|row| UploadId::parse(row.get::<_, &str>(0)))
            .collect())
    }
}
