//! The storage contract, run against every implementation: SQLite always,
//! PostgreSQL with the `test-postgres` feature (a server at
//! `MOTCUA_TEST_DATABASE_URL`; `cargo xtask test` starts one).

use std::collections::BTreeMap;

use super::*;

fn upload(offset: u64, expires_at: i64) -> Upload {
    Upload {
        id: UploadId::random(),
        length: 10_000_000_000,
        offset,
        metadata: BTreeMap::from([
            ("filename".to_owned(), "giấy chứng sinh.pdf".to_owned()),
            ("sha256".to_owned(), "ab".repeat(32)),
        ]),
        created_at: 1_700_000_000,
        expires_at,
        sha256: None,
    }
}

async fn contract(storage: &dyn Storage) {
    assert!(storage.schema_version().await.unwrap() >= 2);

    let a = upload(0, 2_000_000_000);
    storage.create_upload(&a).await.unwrap();
    assert_eq!(storage.upload(&a.id).await.unwrap().as_ref(), Some(&a));
    assert!(
        storage.create_upload(&a).await.is_err(),
        "duplicate id accepted"
    );
    assert_eq!(storage.upload(&UploadId::random()).await.unwrap(), None);

    storage
        .update_upload(&a.id, 4_000_000_000, None, 2_100_000_000)
        .await
        .unwrap();
    let moved = storage.upload(&a.id).await.unwrap().unwrap();
    assert_eq!(
        (moved.offset, moved.expires_at),
        (4_000_000_000, 2_100_000_000)
    );
    assert!(
        storage
            .update_upload(&a.id, a.length + 1, None, 0)
            .await
            .is_err(),
        "offset beyond length accepted"
    );

    let stale = upload(5, 1_000);
    let done = Upload {
        sha256: Some("cd".repeat(32)),
        offset: 10_000_000_000,
        ..upload(0, 1_000)
    };
    storage.create_upload(&stale).await.unwrap();
    storage.create_upload(&done).await.unwrap();
    let expired = storage.expired_uploads(1_500).await.unwrap();
    assert_eq!(
        expired,
        vec![stale.id.clone()],
        "finished uploads never expire"
    );

    storage.delete_upload(&stale.id).await.unwrap();
    assert_eq!(storage.upload(&stale.id).await.unwrap(), None);
    storage.delete_upload(&stale.id).await.unwrap();
}

#[tokio::test]
async fn sqlite_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract(&SqliteStorage::open(dir.path()).unwrap()).await;
}

#[cfg(feature = "test-postgres")]
#[tokio::test]
async fn postgres_keeps_the_contract() {
    let url = std::env::var("MOTCUA_TEST_DATABASE_URL")
        .expect("set MOTCUA_TEST_DATABASE_URL to a PostgreSQL database (cargo xtask test does)");
    // A fresh database per run, so earlier runs leave nothing behind.
    let (admin, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect to PostgreSQL");
    tokio::spawn(connection);
    let name = format!("motcua_test_{}", UploadId::random());
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let storage = PostgresStorage::connect(&format!("{base}/{name}"))
        .await
        .unwrap();
    contract(&storage).await;
    // Connecting again finds the schema migrated and leaves it be.
    let again = PostgresStorage::connect(&format!("{base}/{name}"))
        .await
        .unwrap();
    assert_eq!(again.schema_version().await.unwrap(), 2);
    drop((storage, again));
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();
}
