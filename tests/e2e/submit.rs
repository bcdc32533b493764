//! Submitting (issue #6): the dossier reaches the office exactly once on a
//! bad network — a server that dies mid-upload, a reload mid-upload, a
//! device that goes offline — and a tampered dossier is refused with
//! nothing stored.

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::harness::{Browser, Intake, eventually, eventually_within, set_offline, text};
use crate::steps::{ready_to_sign, seal_birth_registration, sha256_hex, sign};

/// Dossiers, uploads and stored attachments at the office.
struct OfficeState {
    dossiers: i64,
    uploads: i64,
    attachments: Vec<String>,
}

fn office_state(data: &Path) -> OfficeState {
    let db = rusqlite::Connection::open(data.join("motcua.sqlite3")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
    let mut stmt = db.prepare("SELECT sha256 FROM dossier_attachment").unwrap();
    let attachments = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    OfficeState {
        dossiers: count("SELECT COUNT(*) FROM dossier"),
        uploads: count("SELECT COUNT(*) FROM upload"),
        attachments,
    }
}

/// Every stored attachment's bytes hash to the name they are stored under.
fn assert_blobs_match(data: &Path, attachments: &[String]) {
    for sha in attachments {
        let bytes = std::fs::read(data.join("blobs/sha256").join(&sha[..2]).join(sha)).unwrap();
        assert_eq!(
            &sha256_hex(&bytes),
            sha,
            "stored bytes differ from the manifest's hash"
        );
    }
}

/// `(sent, total)` of the outbox's progress bar, if one shows.
async fn progress(client: &Client) -> Option<(f64, f64)> {
    let bar = client
        .find(Locator::Css(".mc-delivery-detail progress"))
        .await
        .ok()?;
    let value: f64 = bar.attr("value").await.ok()??.parse().ok()?;
    let max: f64 = bar.attr("max").await.ok()??.parse().ok()?;
    Some((value, max))
}

async fn dossier_code(client: &Client) -> String {
    eventually("the office's dossier code", || async {
        text(client, ".mc-outbox .mc-dossier-code").await
    })
    .await
}

#[tokio::test]
async fn a_dead_server_and_a_reload_mid_upload_resume_to_one_dossier() {
    // Paced requests (2 a second) stretch the upload over seconds.
    let mut intake = Intake::start_with(&["--rate-limit", "3", "--rate-burst", "2"]);
    let url = intake.url.clone();
    let browser = Browser::start(412, 900).await;
    let client = browser.client.clone();
    seal_birth_registration(&client, &url).await;

    // Part of the file is at the office when it dies.
    eventually("an upload under way", || async {
        let (sent, total) = progress(&client).await?;
        (sent > 0.0 && sent < total).then_some(())
    })
    .await;
    intake.kill();
    // The citizen reloads while the office is down: the dossier stays.
    client.refresh().await.unwrap();
    let stopped = eventually("the dossier waiting for the office", || async {
        text(&client, ".mc-outbox .mc-error-message").await
    })
    .await;
    assert!(!stopped.is_empty());
    assert!(
        client.find(Locator::Css(".mc-retry")).await.is_ok(),
        "no retry button"
    );

    intake.restart();
    client
        .find(Locator::Css(".mc-retry"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The rest of the upload, still paced by the office's rate limit.
    let code = eventually_within(60, "the office's dossier code", || async {
        text(&client, ".mc-outbox .mc-dossier-code").await
    })
    .await;
    assert!(code.starts_with("00004-"), "{code}");

    let office = office_state(intake.data_dir());
    assert_eq!(office.dossiers, 1, "exactly one dossier");
    assert_eq!(
        office.uploads, 1,
        "the upload was resumed, not started again"
    );
    assert_eq!(office.attachments.len(), 1);
    assert_blobs_match(intake.data_dir(), &office.attachments);
    browser.close().await;
}

#[tokio::test]
async fn offline_the_dossier_waits_and_goes_when_back_online() {
    let intake = Intake::start();
    let url = intake.url.clone();
    let browser = Browser::start(412, 900).await;
    let client = browser.client.clone();
    ready_to_sign(&client, &url).await;
    // Offline when sealing: sealing works on the device, sending waits.
    set_offline(&client, true).await;
    sign(&client).await;
    let notice = eventually("the offline notice", || async {
        text(&client, ".mc-notice p").await
    })
    .await;
    assert!(notice.contains("ngoại tuyến"), "{notice}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        office_state(intake.data_dir()).dossiers,
        0,
        "sent while offline"
    );
    assert!(text(&client, ".mc-outbox .mc-dossier-code").await.is_none());

    set_offline(&client, false).await;
    let code = dossier_code(&client).await;
    assert!(code.starts_with("00004-"), "{code}");
    assert_eq!(office_state(intake.data_dir()).dossiers, 1);
    browser.close().await;
}

/// Runs `script` (with `done` as its last argument) in the page.
async fn in_page(client: &Client, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
    client
        .execute_async(script, args)
        .await
        .expect("page script")
}

#[tokio::test]
async fn a_tampered_seal_or_attachment_is_refused_and_nothing_is_stored() {
    let mut intake = Intake::start();
    let url = intake.url.clone();
    let browser = Browser::start(412, 900).await;
    let client = browser.client.clone();
    ready_to_sign(&client, &url).await;
    // The office is down while the dossier is sealed, so it waits on the
    // device where it can be tampered with.
    intake.kill();
    sign(&client).await;
    eventually("the waiting dossier", || async {
        text(&client, ".mc-outbox .mc-error-message").await
    })
    .await;

    // Flip bytes of the stored attachment.
    let flipped = in_page(
        &client,
        r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open("motcua", 1);
        open.onsuccess = () => {
            const db = open.result;
            const read = db.transaction("outbox").objectStore("outbox").getAll();
            read.onsuccess = () => {
                const entry = JSON.parse(read.result[0]);
                const key = entry.files[0];
                const tx = db.transaction("files", "readwrite");
                const files = tx.objectStore("files");
                const get = files.get(key);
                get.onsuccess = () => {
                    const bytes = new Uint8Array(get.result);
                    bytes[bytes.length - 100] ^= 0xff;
                    files.put(bytes, key);
                };
                tx.oncomplete = () => done(key);
                tx.onerror = () => done(null);
            };
        };
        "#,
        vec![],
    )
    .await;
    assert!(flipped.is_string(), "{flipped}");
    intake.restart();
    client
        .find(Locator::Css(".mc-retry"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    eventually("the refusal of the changed file", || async {
        let message = text(&client, ".mc-outbox .mc-error-message").await?;
        // Not retryable: the bytes will not change by themselves.
        let retry = client.find(Locator::Css(".mc-retry")).await.is_ok();
        (!retry).then_some(message)
    })
    .await;
    assert_eq!(
        office_state(intake.data_dir()).dossiers,
        0,
        "a changed file was accepted"
    );

    // A changed seal never leaves the device: change a form value in the
    // sealed dossier and forget the protocol state.
    let changed = in_page(
        &client,
        r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open("motcua", 1);
        open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction("outbox", "readwrite");
            const store = tx.objectStore("outbox");
            const read = store.getAll();
            read.onsuccess = () => {
                const entry = JSON.parse(read.result[0]);
                const dossier = JSON.parse(entry.dossier);
                dossier.manifest.form.child_name = "Người Khác";
                entry.dossier = JSON.stringify(dossier);
                entry.protocol = null;
                entry.delivery = { state: "waiting" };
                delete entry.send;
                store.put(JSON.stringify(entry), entry.id);
            };
            tx.oncomplete = () => done(true);
        };
        "#,
        vec![],
    )
    .await;
    assert_eq!(changed, json!(true));
    client.refresh().await.unwrap();
    let refusal = eventually("the refusal of the changed seal", || async {
        text(&client, ".mc-outbox .mc-error-message").await
    })
    .await;
    assert!(!refusal.is_empty());
    assert_eq!(
        office_state(intake.data_dir()).dossiers,
        0,
        "a changed seal was accepted"
    );
    browser.close().await;
}
