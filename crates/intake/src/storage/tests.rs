//! The storage contract, run against every implementation: SQLite always,
//! PostgreSQL with the `test-postgres` feature (a server at
//! `MOTCUA_TEST_DATABASE_URL`; `cargo xtask test` starts one).

use std::collections::BTreeMap;

use super::*;

fn sha(byte: u8) -> Sha256 {
    Sha256::from_bytes([byte; 32])
}

fn dossier(id: &str, blobs: &[Sha256], scope: &str) -> NewDossier {
    NewDossier {
        id: id.parse().unwrap(),
        office: "00004".parse().unwrap(),
        procedure_code: "1.001193".into(),
        procedure_version: "2025.1".into(),
        manifest_sha256: sha(id.as_bytes()[0]),
        applicant_tag: vec![7; 32],
        sealed: format!("{{\"id\":\"{id}\"}}").into_bytes(),
        attachments: blobs
            .iter()
            .enumerate()
            .map(|(i, sha256)| NewAttachment {
                name: format!("tệp {i}.pdf"),
                sha256: *sha256,
                size: 1000 + i as u64,
            })
            .collect(),
        received: Timestamp::from_unix(1_795_600_000).unwrap(),
        sequence_scope: scope.into(),
    }
}

/// Codes `<scope>-<6-digit sequence>`, receipts `receipt <code>`.
fn issuer(scope: &str) -> ReceiptIssuer {
    let scope = scope.to_owned();
    Arc::new(move |n| {
        let code: DossierCode = format!("{scope}-{n:06}").parse().unwrap();
        Ok((code.clone(), format!("receipt {code}")))
    })
}

const ID1: &str = "11111111-1111-4111-8111-111111111111";
const ID2: &str = "22222222-2222-4222-8222-222222222222";
const ID3: &str = "33333333-3333-4333-8333-333333333333";
#[cfg(feature = "test-postgres")]
const ID4: &str = "77777777-7777-4777-8777-777777777777";

async fn dossier_contract(storage: &dyn Storage) {
    let first = storage.instance_value("lookup_key", "aa").await.unwrap();
    assert_eq!(first, "aa");
    let again = storage.instance_value("lookup_key", "bb").await.unwrap();
    assert_eq!(again, "aa", "an instance value is set once");

    let (a, b, c) = (sha(0xa), sha(0xb), sha(0xc));
    storage.record_blob(&a, 1000, 100).await.unwrap();
    storage.record_blob(&b, 1001, 100).await.unwrap();
    storage.record_blob(&b, 1001, 50).await.unwrap();

    // A missing blob: nothing is written, no number is used up.
    let outcome = storage
        .store_dossier(dossier(ID1, &[a, c], "X-261125"), issuer("X-261125"))
        .await
        .unwrap();
    assert_eq!(outcome, StoreOutcome::MissingBlobs(vec![c]));
    assert_eq!(storage.dossier_count().await.unwrap(), 0);
    // A receipt that cannot be issued: nothing is written either.
    let failing: ReceiptIssuer = Arc::new(|_| Err(Error::Corrupt("no key".into())));
    assert!(
        storage
            .store_dossier(dossier(ID1, &[a], "X-261125"), failing)
            .await
            .is_err()
    );
    assert_eq!(storage.dossier_count().await.unwrap(), 0);

    let StoreOutcome::Stored(one) = storage
        .store_dossier(dossier(ID1, &[a], "X-261125"), issuer("X-261125"))
        .await
        .unwrap()
    else {
        panic!("not stored");
    };
    assert_eq!(one.code.as_str(), "X-261125-000001");
    assert_eq!(one.receipt, "receipt X-261125-000001");
    assert_eq!(one.id.to_string(), ID1);

    // The same id again: the first receipt, nothing new.
    let outcome = storage
        .store_dossier(dossier(ID1, &[a, b], "X-261125"), issuer("X-261125"))
        .await
        .unwrap();
    assert_eq!(outcome, StoreOutcome::Exists(one.clone()));
    assert_eq!(storage.dossier_count().await.unwrap(), 1);

    let StoreOutcome::Stored(two) = storage
        .store_dossier(dossier(ID2, &[a, b], "X-261125"), issuer("X-261125"))
        .await
        .unwrap()
    else {
        panic!("not stored");
    };
    assert_eq!(two.code.as_str(), "X-261125-000002");
    let StoreOutcome::Stored(three) = storage
        .store_dossier(dossier(ID3, &[], "X-261126"), issuer("X-261126"))
        .await
        .unwrap()
    else {
        panic!("not stored");
    };
    assert_eq!(
        three.code.as_str(),
        "X-261126-000001",
        "a sequence per scope"
    );
    assert_eq!(storage.dossier_count().await.unwrap(), 3);

    assert_eq!(storage.dossier(&one.id).await.unwrap(), Some(one.clone()));
    let unknown: DossierId = "44444444-4444-4444-8444-444444444444".parse().unwrap();
    assert_eq!(storage.dossier(&unknown).await.unwrap(), None);
    assert_eq!(
        storage.sealed_dossier(&one.id).await.unwrap().unwrap(),
        dossier(ID1, &[], "").sealed
    );
    assert_eq!(storage.sealed_dossier(&unknown).await.unwrap(), None);

    let record = storage.dossier_by_code(&two.code).await.unwrap().unwrap();
    assert_eq!(record.receipt, two);
    assert_eq!(record.office.as_str(), "00004");
    assert_eq!(record.procedure_code, "1.001193");
    assert_eq!(record.procedure_version, "2025.1");
    assert_eq!(record.applicant_tag, vec![7; 32]);
    assert_eq!(
        record.history,
        vec![StatusEvent {
            status: DossierStatus::Received,
            at: Timestamp::from_unix(1_795_600_000).unwrap(),
            note: None,
        }]
    );
    let later = StatusEvent {
        status: DossierStatus::SupplementRequested,
        at: Timestamp::from_unix(1_795_700_000).unwrap(),
        note: Some("Bổ sung bản sao giấy tờ tùy thân".into()),
    };
    assert!(storage.add_status(&two.code, &later).await.unwrap());
    let record = storage.dossier_by_code(&two.code).await.unwrap().unwrap();
    assert_eq!(record.history.len(), 2);
    assert_eq!(record.history[1], later);
    let nowhere: DossierCode = "X-000000-000000".parse().unwrap();
    assert!(!storage.add_status(&nowhere, &later).await.unwrap());
    assert_eq!(storage.dossier_by_code(&nowhere).await.unwrap(), None);

    // Blobs a dossier refers to are never released.
    storage.record_blob(&c, 5, 10).await.unwrap();
    let far = 4_000_000_000;
    assert_eq!(storage.unused_blobs(far).await.unwrap(), vec![c]);
    assert!(!storage.release_blob(&a, far).await.unwrap());
    assert!(
        !storage.release_blob(&c, 10).await.unwrap(),
        "used too recently"
    );
    assert!(storage.release_blob(&c, far).await.unwrap());
    assert!(storage.unused_blobs(far).await.unwrap().is_empty());
    let outcome = storage
        .store_dossier(
            dossier("55555555-5555-4555-8555-555555555555", &[c], "Y"),
            issuer("Y"),
        )
        .await
        .unwrap();
    assert_eq!(outcome, StoreOutcome::MissingBlobs(vec![c]));

    // Copies of one dossier at once: one is stored, the rest find it.
    let id = "66666666-6666-4666-8666-666666666666";
    let outcomes = futures::future::join_all(
        (0..6).map(|_| storage.store_dossier(dossier(id, &[a], "Z"), issuer("Z"))),
    )
    .await;
    let stored: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Ok(StoreOutcome::Stored(r)) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(stored.len(), 1, "{outcomes:?}");
    for outcome in outcomes {
        match outcome.unwrap() {
            StoreOutcome::Stored(r) | StoreOutcome::Exists(r) => assert_eq!(r, stored[0]),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(stored[0].code.as_str(), "Z-000001");
}

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

    let finishing = upload(0, 2_000_000_000);
    storage.create_upload(&finishing).await.unwrap();
    let digest = Sha256::from_bytes([0xf1; 32]);
    storage
        .finish_upload(&finishing.id, &digest, finishing.length, 1_234)
        .await
        .unwrap();
    let finished = storage.upload(&finishing.id).await.unwrap().unwrap();
    assert!(finished.is_complete());
    assert_eq!(finished.sha256, Some(digest.to_string()));
    assert_eq!(storage.unused_blobs(1_235).await.unwrap(), vec![digest]);
    assert!(storage.release_blob(&digest, 1_235).await.unwrap());
    storage.delete_upload(&finishing.id).await.unwrap();

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

    assert_eq!(
        storage
            .forget_finished_uploads(done.created_at + 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(storage.upload(&done.id).await.unwrap(), None);
    assert!(
        storage.upload(&a.id).await.unwrap().is_some(),
        "unfinished uploads are left to expire"
    );

    dossier_contract(storage).await;
}

/// Writes behind the store's back: what a damaged file, a hand edit or
/// another program leaves in the database.
enum Raw {
    Sqlite(std::path::PathBuf),
    #[cfg(feature = "test-postgres")]
    Postgres(tokio_postgres::Client),
}

impl Raw {
    /// Runs `sql` with CHECK constraints off, so that values the schema
    /// refuses (a negative length) can be written too.
    async fn execute(&self, sql: &str) {
        match self {
            Self::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.busy_timeout(std::time::Duration::from_secs(5))
                    .unwrap();
                conn.pragma_update(None, "ignore_check_constraints", true)
                    .unwrap();
                conn.execute_batch(sql).unwrap();
            }
            #[cfg(feature = "test-postgres")]
            Self::Postgres(client) => client.batch_execute(sql).await.unwrap(),
        }
    }
}

/// `result` is the error of a corrupt row naming `column` (`table.column`).
#[track_caller]
fn assert_corrupt<T: std::fmt::Debug>(result: Result<T, Error>, column: &str) {
    match result {
        Err(Error::Corrupt(message)) => assert!(
            message.contains(&format!("column {column} ")),
            "{column}: {message}"
        ),
        other => panic!("{column}: expected a corrupt row, got {other:?}"),
    }
}

/// Rows this server never writes are errors naming the column at fault:
/// never "not found", never skipped, never a panic.
async fn corrupt_contract(storage: &dyn Storage, raw: &Raw) {
    let insert_upload = |id: &str, length: i64, metadata: &str, sha256: &str, expires: i64| {
        format!(
            r#"INSERT INTO upload (id, length, "offset", metadata, created_at, expires_at, sha256)
               VALUES ('{id}', {length}, 0, '{metadata}', 1, {expires}, {sha256})"#
        )
    };
    let far = 2_000_000_000;

    let not_json = UploadId::random();
    raw.execute(&insert_upload(
        not_json.as_str(),
        10,
        "{not json",
        "NULL",
        far,
    ))
    .await;
    assert_corrupt(storage.upload(&not_json).await, "upload.metadata");

    let negative = UploadId::random();
    raw.execute(&insert_upload(negative.as_str(), -5, "{}", "NULL", far))
        .await;
    assert_corrupt(storage.upload(&negative).await, "upload.length");

    let bad_hash = UploadId::random();
    raw.execute(&insert_upload(bad_hash.as_str(), 10, "{}", "'ABC'", far))
        .await;
    assert_corrupt(storage.upload(&bad_hash).await, "upload.sha256");

    // A finished upload among those of a hash is not skipped.
    let digest = sha(0xe1);
    raw.execute(&insert_upload(
        UploadId::random().as_str(),
        10,
        "[1, 2]",
        &format!("'{digest}'"),
        far,
    ))
    .await;
    assert_corrupt(storage.finished_uploads(&digest).await, "upload.metadata");

    // Nor is an expired upload whose id is not one.
    raw.execute(&insert_upload("../../etc/passwd", 10, "{}", "NULL", 5))
        .await;
    assert_corrupt(storage.expired_uploads(10).await, "upload.id");

    raw.execute("INSERT INTO blob (sha256, size, last_used) VALUES ('not a hash', 1, 0)")
        .await;
    assert_corrupt(storage.unused_blobs(10).await, "blob.sha256");

    let store = |id: &str| storage.store_dossier(dossier(id, &[], "C"), issuer("C"));
    let (Ok(StoreOutcome::Stored(one)), Ok(StoreOutcome::Stored(two))) =
        (store(ID1).await, store(ID2).await)
    else {
        panic!("not stored");
    };

    raw.execute(&format!(
        "INSERT INTO dossier_event (dossier_id, seq, status, at)
         VALUES ('{ID1}', 2, 'lost_in_the_mail', 1795600001)"
    ))
    .await;
    assert_corrupt(
        storage.dossier_by_code(&one.code).await,
        "dossier_event.status",
    );

    raw.execute(&format!(
        "UPDATE dossier SET received_at = -1 WHERE id = '{ID1}'"
    ))
    .await;
    assert_corrupt(storage.dossier(&one.id).await, "dossier.received_at");

    raw.execute(&format!(
        "UPDATE dossier SET manifest_sha256 = 'xyz', office = '' WHERE id = '{ID2}'"
    ))
    .await;
    assert_corrupt(storage.dossier(&two.id).await, "dossier.manifest_sha256");
    assert_corrupt(
        storage.dossier_by_code(&two.code).await,
        "dossier.manifest_sha256",
    );
    // Sent again, the dossier is neither "there already" nor stored anew.
    assert_corrupt(store(ID2).await, "dossier.manifest_sha256");

    // A sequence gone below zero gives no code, and nothing is stored.
    raw.execute("UPDATE dossier_sequence SET last = -7 WHERE scope = 'C'")
        .await;
    assert_corrupt(store(ID3).await, "dossier_sequence.last");
    assert_eq!(storage.dossier_count().await.unwrap(), 2);
    let three: DossierId = ID3.parse().unwrap();
    assert_eq!(storage.dossier(&three).await.unwrap(), None);
}

#[tokio::test]
async fn sqlite_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract(&SqliteStorage::open(dir.path()).unwrap()).await;
}

#[tokio::test]
async fn sqlite_reports_corrupt_rows() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(dir.path()).unwrap();
    let raw = Raw::Sqlite(storage.path().to_owned());
    corrupt_contract(&storage, &raw).await;
}

/// A fresh PostgreSQL database per test, so earlier runs leave nothing
/// behind; dropped with [`TestDatabase::drop`].
#[cfg(feature = "test-postgres")]
struct TestDatabase {
    admin: tokio_postgres::Client,
    name: String,
    url: String,
}

#[cfg(feature = "test-postgres")]
impl TestDatabase {
    async fn create() -> Self {
        let url = std::env::var("MOTCUA_TEST_DATABASE_URL").expect(
            "set MOTCUA_TEST_DATABASE_URL to a PostgreSQL database (cargo xtask test does)",
        );
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
        let url = format!("{base}/{name}");
        Self { admin, name, url }
    }

    /// A connection of its own, for writing behind the store's back, with
    /// the CHECK constraints dropped (PostgreSQL cannot turn them off).
    async fn raw(&self) -> Raw {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute(
                "DO $$ DECLARE c record; BEGIN
                   FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
                            WHERE contype = 'c' AND connamespace = 'public'::regnamespace LOOP
                     EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
                   END LOOP;
                 END $$",
            )
            .await
            .unwrap();
        Raw::Postgres(client)
    }

    async fn drop(self) {
        self.admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}

#[cfg(feature = "test-postgres")]
#[tokio::test]
async fn postgres_keeps_the_contract() {
    let db = TestDatabase::create().await;
    let storage = PostgresStorage::connect(&db.url).await.unwrap();
    contract(&storage).await;
    // Connecting again finds the schema migrated and leaves it be.
    let again = PostgresStorage::connect(&db.url).await.unwrap();
    assert_eq!(again.schema_version().await.unwrap(), 3);
    drop((storage, again));
    db.drop().await;
}

#[cfg(feature = "test-postgres")]
#[tokio::test]
async fn postgres_reports_corrupt_rows() {
    let db = TestDatabase::create().await;
    let storage = PostgresStorage::connect(&db.url).await.unwrap();
    let raw = db.raw().await;
    corrupt_contract(&storage, &raw).await;

    // A column of another type than the server reads is an error too, not
    // a panic in the driver (SQLite's strict tables cannot hold one).
    let StoreOutcome::Stored(four) = storage
        .store_dossier(dossier(ID4, &[], "D"), issuer("D"))
        .await
        .unwrap()
    else {
        panic!("not stored");
    };
    raw.execute(
        "ALTER TABLE dossier ALTER COLUMN applicant_tag TYPE TEXT
            USING encode(applicant_tag, 'hex')",
    )
    .await;
    assert_corrupt(
        storage.applicant_tag(&four.code).await,
        "dossier.applicant_tag",
    );
    drop((storage, raw));
    db.drop().await;
}
