//! File anywhere (issue #7), in the browser. Two intake servers on
//! different loopback ports stand for two provinces' one-stop offices —
//! Hà Nội's Ba Đình ward (00004), which also serves the app and publishes
//! the signed office directory, and Thành phố Hồ Chí Minh's provincial
//! centre (P79), another origin that allows the app's by CORS — and a
//! legacy multipart backend stands for Đà Nẵng's Hải Vân ward (20194).
//! The app pins the publisher's key in its `directory-publishers.json`.
//!
//! The same citizen files to each office, chosen in the app (suggested from
//! the form's address, found by name, found by province and commune); each office
//! receives only its own dossier. An office that is down leaves the dossier
//! waiting in the outbox, across a reload, until it is back. A tampered
//! copy of the cached directory is refused with a clear message, and the
//! app then files only to the server that serves it.

use std::path::{Path, PathBuf};

use fantoccini::Client;
use serde_json::{Value, json};

use crate::harness::{
    Browser, Intake, count, dist_dir, eventually, eventually_within, free_port, http_get, recorded,
    set_offline, text,
};
use crate::steps::{click, fill, ready_to_sign, sign, sign_a_repeat};
use crate::support::{DANANG_BACKEND, Legacy, directory_office, motcua};

/// Copies the built app, as a deployer would before adding their files;
/// precompressed copies of the files a deployer changes are dropped.
fn copy_dist(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dist(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The app for Hà Nội: the build, with the publisher's key pinned.
fn deployed_app(work: &Path, publisher_jwk: &Value) -> PathBuf {
    let dist = work.join("dist");
    copy_dist(&dist_dir(), &dist);
    for stale in [
        "directory-publishers.json.br",
        "directory-publishers.json.gz",
    ] {
        let _ = std::fs::remove_file(dist.join(stale));
    }
    std::fs::write(
        dist.join("directory-publishers.json"),
        json!({ "keys": [publisher_jwk] }).to_string(),
    )
    .unwrap();
    dist
}

/// The receipt key thumbprint an intake server publishes.
fn receipt_kid(intake: &Intake) -> String {
    let response = http_get(intake.authority(), "/.well-known/motcua", &[]);
    let caps: Value = serde_json::from_slice(&response.body).unwrap();
    caps["receipt_key"]["kid"].as_str().unwrap().to_owned()
}

const HANOI: &str = "UBND Phường Ba Đình";
const HCM: &str = "Trung tâm Phục vụ hành chính công TP Hồ Chí Minh";
const DANANG: &str = "UBND Phường Hải Vân";

fn directory(hanoi: (&str, &str), hcm: &Intake, legacy: &Legacy) -> Value {
    let hcm_url = hcm.url.trim_end_matches('/');
    json!({
        "format": 1,
        "publisher": {"name": {"vi": "Cổng Dịch vụ công (thử)", "en": "Public Service Portal (test)"}},
        "issued": "2026-01-01T00:00:00Z",
        "expires": "2099-01-01T00:00:00Z",
        "offices": [
            directory_office("00004", "01", Some("00004"), HANOI, json!({
                "adapter": "motcua-v1", "url": hanoi.0, "receipt_kid": hanoi.1
            })),
            directory_office("P79", "79", None, HCM, json!({
                "adapter": "motcua-v1", "url": hcm_url, "receipt_kid": receipt_kid(hcm)
            })),
            directory_office("20194", "48", Some("20194"), DANANG, json!({
                "adapter": "multipart",
                "url": legacy.url(),
                "parts": {"sealed": "ho_so_da_ky", "manifest": "ke_khai", "attachment": "tep_{index}"},
                "fields": {"kenh_nop": "motcua"},
                "reference": "/ket_qua/ma_ho_so"
            })),
        ]
    })
}

/// The outbox's dossiers: office name, dossier code or delivery reference,
/// the error shown, whether "try again" is offered.
async fn outbox(client: &Client) -> Vec<Value> {
    let script = r#"
        const read = (card, css) => { const e = card.querySelector(css); return e ? e.textContent.trim() : null; };
        return [...document.querySelectorAll(".mc-outbox > li")].map(card => ({
            office: read(card, ".mc-office-name"),
            code: read(card, ".mc-dossier-code"),
            reference: read(card, ".mc-delivery-reference"),
            error: read(card, ".mc-error-message"),
            retry: card.querySelector(".mc-retry") !== null,
        }));
    "#;
    match client.execute(script, vec![]).await.unwrap() {
        Value::Array(cards) => cards,
        other => panic!("outbox: {other}"),
    }
}

/// The outbox card of the dossier filed at the office named `name`.
async fn card(client: &Client, name: &str) -> Option<Value> {
    outbox(client).await.into_iter().find(|c| {
        c["office"]
            .as_str()
            .is_some_and(|office| office.contains(name))
    })
}

/// Waits until the card for `name` has a field `what` (code or reference).
async fn sent_to(client: &Client, name: &str, what: &str) -> String {
    eventually_within(30, &format!("the {what} from {name}"), || async {
        card(client, name).await?[what].as_str().map(str::to_owned)
    })
    .await
}

/// On the sign step with the directory verified: waits for the office
/// chooser, picks the office (`pick` clicks or types), checks that the
/// dossier is addressed to it, and seals.
async fn choose_office_and_sign(client: &Client, radio: &str, name: &str) {
    choose_office(client, radio, name).await;
    sign(client).await;
}

/// Chooses the office by its radio button `radio` and checks its name is shown.
async fn choose_office(client: &Client, radio: &str, name: &str) {
    eventually("the office chooser", || async {
        (count(client, ".mc-offices input[name=mc-office]").await > 0).then_some(())
    })
    .await;
    eventually(&format!("the office {radio}"), || async {
        (count(client, &format!("#{radio}")).await == 1).then_some(())
    })
    .await;
    click(client, &format!("label[for={radio}]")).await;
    eventually(&format!("{name} as the receiving office"), || async {
        let chosen = text(client, "#mc-sign-office").await?;
        chosen.contains(name).then_some(())
    })
    .await;
}

/// Chooses `value` in the select with this id, as a person would.
async fn select(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "const s = document.getElementById(arguments[0]); s.value = arguments[1];\
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap();
}

/// `SELECT office FROM dossier` at an intake server.
fn offices_stored(intake: &Intake) -> Vec<String> {
    let db = rusqlite::Connection::open(intake.data_dir().join("motcua.sqlite3")).unwrap();
    let mut rows = db.prepare("SELECT office FROM dossier").unwrap();
    rows.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Replaces the cached signed directory on the device by one whose payload
/// sends Ba Đình's dossiers elsewhere, its signature kept.
const TAMPER_CACHED_DIRECTORY: &str = r#"
    const done = arguments[arguments.length - 1];
    const open = indexedDB.open("motcua", 1);
    open.onsuccess = () => {
        const tx = open.result.transaction("files", "readwrite");
        const files = tx.objectStore("files");
        const get = files.get("directory:signed");
        get.onsuccess = () => {
            if (!get.result) { done("no cached directory"); return; }
            const envelope = JSON.parse(new TextDecoder().decode(new Uint8Array(get.result)));
            const b64 = envelope.payload.replace(/-/g, "+").replace(/_/g, "/");
            const raw = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const payload = JSON.parse(new TextDecoder().decode(raw));
            payload.offices[0].backend.url = "http://127.0.0.1:9";
            const bytes = new TextEncoder().encode(JSON.stringify(payload));
            let binary = "";
            for (const b of bytes) binary += String.fromCharCode(b);
            envelope.payload = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
            files.put(new TextEncoder().encode(JSON.stringify(envelope)), "directory:signed");
        };
        tx.oncomplete = () => done(true);
        tx.onerror = () => done(String(tx.error));
    };
    open.onerror = () => done(String(open.error));
"#;

#[tokio::test]
async fn the_same_citizen_files_at_three_provinces_offices_chosen_in_the_app() {
    let work = tempfile::tempdir().unwrap();
    let path = |name: &str| work.path().join(name).display().to_string();

    // Hà Nội's server will serve the app; Hồ Chí Minh City's allows it.
    let hanoi_addr = format!("127.0.0.1:{}", free_port());
    let app_origin = format!("http://{hanoi_addr}");
    let mut hcm = Intake::start_with(&["--office", "P79", "--cors-origin", &app_origin]);
    let legacy = Legacy::start(DANANG_BACKEND);

    // The publisher's key, pinned in the deployed app.
    let out = motcua(&["keygen", "-o", &path("publisher.key")]);
    assert!(out.status.success(), "{out:?}");
    let sign_directory = |directory: &Value| {
        std::fs::write(path("directory.json"), directory.to_string()).unwrap();
        let out = motcua(&[
            "directory",
            "sign",
            "--key",
            &path("publisher.key"),
            &path("directory.json"),
            "-o",
            &path("signed.json"),
            "--public-key",
            &path("publisher.jwk"),
        ]);
        assert!(out.status.success(), "{out:?}");
    };

    // Ba Đình's receipt key exists once its server has started; the
    // directory names it, and the server then publishes the directory.
    let mut hanoi = Intake::start_at(&hanoi_addr, &dist_dir(), &["--office", "00004"]);
    let hanoi_url = hanoi.url.trim_end_matches('/').to_owned();
    let hanoi_kid = receipt_kid(&hanoi);
    sign_directory(&directory((&hanoi_url, &hanoi_kid), &hcm, &legacy));
    let publisher: Value =
        serde_json::from_slice(&std::fs::read(path("publisher.jwk")).unwrap()).unwrap();
    let app = deployed_app(work.path(), &publisher);
    hanoi.restart_with(
        &app,
        &[
            "--office",
            "00004",
            "--directory",
            &path("signed.json"),
            "--directory-publisher",
            &path("publisher.jwk"),
        ],
    );
    assert_eq!(hanoi.url.trim_end_matches('/'), hanoi_url);
    assert_eq!(receipt_kid(&hanoi), hanoi_kid, "the receipt key changed");

    let browser = Browser::start(412, 900).await;
    let client = browser.client.clone();
    let test = async move {
        // Ba Đình: suggested from the address on the form.
        ready_to_sign(&client, &hanoi.url).await;
        choose_office_and_sign(&client, "office-near-00004", HANOI).await;
        let code = sent_to(&client, HANOI, "code").await;
        assert!(code.starts_with("00004-"), "{code}");

        // Hồ Chí Minh City: found by name, on another origin.
        ready_to_sign(&client, &hanoi.url).await;
        eventually("the office search", || async {
            (count(&client, "#mc-office-search").await == 1).then_some(())
        })
        .await;
        fill(&client, "mc-office-search", "ho chi minh").await;
        choose_office_and_sign(&client, "office-found-P79", HCM).await;
        let code = sent_to(&client, HCM, "code").await;
        assert!(code.starts_with("P79-"), "{code}");

        // Hải Vân's legacy backend: found by province and commune, one multipart POST.
        ready_to_sign(&client, &hanoi.url).await;
        eventually("the province filter", || async {
            (count(&client, "#mc-office-province option[value='48']").await == 1).then_some(())
        })
        .await;
        select(&client, "mc-office-province", "48").await;
        // Then the commune: the province's communes with an office are listed.
        eventually("the commune filter", || async {
            (count(&client, "#mc-office-commune option[value='20194']").await == 1).then_some(())
        })
        .await;
        select(&client, "mc-office-commune", "20194").await;
        choose_office_and_sign(&client, "office-found-20194", DANANG).await;
        let reference = sent_to(&client, DANANG, "reference").await;
        assert_eq!(reference, "DNG-000001");

        // Each office holds only what was sent to it.
        assert_eq!(offices_stored(&hanoi), ["00004"]);
        assert_eq!(offices_stored(&hcm), ["P79"]);
        assert_eq!(legacy.kept(), 1);
        let received = legacy.received();
        assert_eq!(received.len(), 1, "one POST");
        let sealed = received[0]
            .parts
            .iter()
            .find(|p| p.name == "ho_so_da_ky")
            .expect("the sealed dossier travels as a part");
        let sealed: Value = serde_json::from_slice(&sealed.bytes).unwrap();
        assert_eq!(sealed["manifest"]["office"], "20194");
        let attachment = received[0]
            .parts
            .iter()
            .find(|p| p.name == "tep_0")
            .expect("the attachment travels as a part");
        assert!(attachment.bytes.starts_with(b"%PDF-"));

        // Hồ Chí Minh City's office is down: the dossier waits, across a reload.
        hcm.kill();
        ready_to_sign(&client, &hanoi.url).await;
        fill(&client, "mc-office-search", "Hồ Chí Minh").await;
        // The same answers went to this office before: signing again is
        // warned about, and done on purpose (issue #11).
        choose_office(&client, "office-found-P79", HCM).await;
        sign_a_repeat(&client).await;
        let waiting = |client: Client| async move {
            eventually_within(30, "the dossier waiting for its office", || async {
                outbox(&client).await.into_iter().find(|c| {
                    c["office"].as_str().is_some_and(|o| o.contains(HCM)) && c["retry"] == true
                })
            })
            .await
        };
        let stopped = waiting(client.clone()).await;
        assert!(
            stopped["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{stopped}"
        );
        client.refresh().await.unwrap();
        waiting(client.clone()).await;
        assert_eq!(offices_stored(&hcm), ["P79"], "the office was down");
        hcm.restart();
        click(&client, ".mc-outbox > li .mc-retry").await;
        eventually_within(30, "the second dossier at Hồ Chí Minh City", || async {
            (outbox(&client)
                .await
                .iter()
                .filter(|c| {
                    c["office"].as_str().is_some_and(|o| o.contains(HCM)) && c["code"].is_string()
                })
                .count()
                == 2)
                .then_some(())
        })
        .await;
        assert_eq!(offices_stored(&hcm), ["P79", "P79"]);
        assert_eq!(offices_stored(&hanoi), ["00004"]);
        assert_eq!(legacy.kept(), 1);

        // The cached directory is changed on the device, and the device is
        // offline: the copy is checked again and refused.
        ready_to_sign(&client, &hanoi.url).await;
        eventually("the office chooser", || async {
            (count(&client, ".mc-offices").await == 1).then_some(())
        })
        .await;
        let tampered = client
            .execute_async(TAMPER_CACHED_DIRECTORY, vec![])
            .await
            .unwrap();
        assert_eq!(tampered, json!(true), "{tampered}");
        set_offline(&client, true).await;
        // Back to the attachments and on again: the sign step loads the
        // directory anew, from the device.
        client.back().await.unwrap();
        eventually("the attachments page", || async {
            (count(&client, ".mc-attach").await >= 2).then_some(())
        })
        .await;
        click(&client, "button.mc-button-primary").await;
        let refused = eventually("the refusal of the tampered directory", || async {
            text(&client, "#mc-directory-refused").await
        })
        .await;
        assert!(refused.contains("bị sửa đổi sau khi ký"), "{refused}");
        assert_eq!(
            count(&client, ".mc-offices").await,
            0,
            "a tampered directory offered offices"
        );
        let office = text(&client, "#mc-sign-office").await.unwrap_or_default();
        assert!(office.contains("00004"), "{office}");
        set_offline(&client, false).await;
        drop((hanoi, hcm, legacy, work));
    };
    recorded("route", browser, test).await;
}
