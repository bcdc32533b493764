//! Adapters chosen by the directory: `multipart` against a legacy receiver
//! (what it gets, lost answers, refusals, limits), and `motcua-v1` with the
//! receipt key pinned by the directory.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::{Value, json};

use crate::directory::tests::{SOME_KID, sample};
use motcua_testkit::legacy::{Legacy, Mode as LegacyMode, Received};

use crate::testutil::{Faulty, Inject, LEGACY, Memory, Office, pdf, seal_for};
use crate::*;

/// A directory with the sample's legacy office and its Ba Đình office,
/// both as office `code` (dossiers here are sealed for it).
fn directory_with(code: &str, index: usize, receipt_kid: &str) -> Directory {
    let doc = sample(receipt_kid);
    let mut office = doc["offices"][index].clone();
    office["code"] = code.into();
    office["commune"] = code.into();
    office["province"] = "01".into();
    let doc = json!({
        "format": 1, "publisher": doc["publisher"], "issued": doc["issued"],
        "expires": doc["expires"], "offices": [office]
    });
    Directory::from_json(doc.to_string().as_bytes()).unwrap()
}

fn legacy_directory() -> Directory {
    directory_with("00004", 4, SOME_KID)
}

fn policy() -> Policy {
    Policy {
        chunk_bytes: 64 * 1024,
        max_attempts: 5,
        ..Policy::default()
    }
}

fn delivered(entry: OutboxEntry) -> Delivered {
    match entry {
        OutboxEntry::Delivered(d) => d,
        other => panic!("not delivered: {other:#?}"),
    }
}

fn failed(entry: OutboxEntry) -> Failed {
    match entry {
        OutboxEntry::Failed(f) => f,
        other => panic!("not failed: {other:#?}"),
    }
}

fn header<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers.get(name).unwrap().to_str().unwrap()
}

#[tokio::test]
async fn multipart_sends_everything_in_one_request_and_records_the_answer() {
    let legacy = Legacy::new(LEGACY);
    let (a, b) = (pdf(150_000, 1), pdf(2_000, 2));
    let (sealed, manifest, memory) = seal_for("00004", &[&a, &b, &a]);
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&events);
    let client = Client::new(Faulty::to(legacy.app(), |_, _| Inject::Pass), memory)
        .with_policy(policy())
        .on_event(move |e| seen.borrow_mut().push(e.clone()));
    let entry = legacy_directory()
        .outbox_entry(&"00004".parse().unwrap(), &sealed)
        .unwrap();
    let mut states = Vec::new();
    let done = delivered(
        client
            .run(entry, |s| {
                // Each state is stored and read back, as the app does.
                let stored = serde_json::to_string(s).unwrap();
                assert_eq!(&serde_json::from_str::<OutboxEntry>(&stored).unwrap(), s);
                states.push(s.state_name());
            })
            .await,
    );
    assert_eq!(states, ["waiting", "delivering", "delivered"]);
    assert_eq!(client.transport().requests(Method::Post), 1);
    assert_eq!(done.reference(), "DN-000001");
    let record = done.record();
    assert_eq!(record.adapter, "multipart");
    assert_eq!(record.url, "http://legacy.test/api/nop-ho-so");
    assert_eq!(record.status, 200);
    assert_eq!(record.idempotency_key, manifest.id.to_string());
    assert_eq!(done.job().progress(), (152_000, 152_000));
    assert!(
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Delivered { reference, .. } if reference == "DN-000001"))
    );

    let received = legacy.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert!(header(r, "content-type").starts_with("multipart/form-data; boundary=motcua-"));
    assert_eq!(header(r, "idempotency-key"), format!("\"{}\"", manifest.id));
    assert_eq!(header(r, "x-kenh"), "motcua");
    let names: Vec<&str> = r.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "nguon", "manifest", "hoSoDaKy", "tep[0]", "tep[1]", "tep[2]"
        ]
    );
    assert_eq!(r.parts[0].bytes, b"motcua");
    assert_eq!(r.parts[0].filename, None);
    assert_eq!(r.parts[1].bytes, manifest.canonical_bytes().unwrap());
    assert_eq!(r.parts[1].content_type.as_deref(), Some("application/json"));
    // The sealed dossier, byte for byte: the office can verify it.
    assert_eq!(r.parts[2].bytes, sealed);
    assert_eq!(r.parts[2].filename.as_deref(), Some("sealed-dossier.json"));
    for (i, bytes) in [&a, &b, &a].iter().enumerate() {
        let part = &r.parts[3 + i];
        assert_eq!(&part.bytes, *bytes, "attachment {i}");
        assert_eq!(
            part.filename.as_deref(),
            Some(format!("giay-chung-sinh-{i}.pdf").as_str())
        );
        assert_eq!(part.content_type.as_deref(), Some("application/pdf"));
    }
    let checked = motcua_dossier::SealedDossier::from_json(&r.parts[2].bytes).unwrap();
    assert!(
        checked
            .verify(&motcua_dossier::VerifyOptions::default())
            .is_valid()
    );
}

#[tokio::test]
async fn a_lost_answer_is_posted_again_with_the_same_key_and_kept_once() {
    let legacy = Legacy::new(LEGACY);
    let a = pdf(40_000, 3);
    let (sealed, _, memory) = seal_for("00004", &[&a]);
    let first = Cell::new(true);
    let transport = Faulty::to(legacy.app(), move |_, _| {
        if first.replace(false) {
            Inject::LoseAnswer
        } else {
            Inject::Pass
        }
    });
    let client = Client::new(transport, memory).with_policy(policy());
    let entry = legacy_directory()
        .outbox_entry(&"00004".parse().unwrap(), &sealed)
        .unwrap();
    let done = delivered(client.run(entry, |_| {}).await);
    assert_eq!(done.reference(), "DN-000001");
    let received = legacy.received();
    assert_eq!(received.len(), 2, "posted twice");
    assert_eq!(legacy.kept(), 1, "kept once");
    assert_eq!(
        header(&received[0], "idempotency-key"),
        header(&received[1], "idempotency-key")
    );
    assert_eq!(
        header(&received[0], "content-type"),
        header(&received[1], "content-type"),
        "the same boundary, the same bytes"
    );
    assert_eq!(received[0].parts, received[1].parts);
    // Sent again by hand: the same reference, nothing new kept.
    let again = delivered(client.run(done.resend(), |_| {}).await);
    assert_eq!(again.reference(), "DN-000001");
    assert_eq!(legacy.kept(), 1);
}

#[tokio::test]
async fn a_backend_that_is_down_leaves_the_dossier_waiting() {
    let legacy = Legacy::new(LEGACY);
    let a = pdf(10_000, 4);
    let (sealed, _, memory) = seal_for("00004", &[&a]);
    let down = Rc::new(Cell::new(true));
    let switch = Rc::clone(&down);
    let transport = Faulty::to(legacy.app(), move |_, _| {
        if switch.get() {
            Inject::Refuse
        } else {
            Inject::Pass
        }
    });
    let client = Client::new(transport, memory).with_policy(Policy {
        max_attempts: 3,
        ..policy()
    });
    let entry = legacy_directory()
        .outbox_entry(&"00004".parse().unwrap(), &sealed)
        .unwrap();
    let waiting = failed(client.run(entry, |_| {}).await);
    assert!(waiting.is_retryable());
    assert_eq!(waiting.resumes_at(), Resume::Delivering);
    assert!(matches!(waiting.error(), Error::Network { .. }));
    assert!(legacy.received().is_empty());
    // Kept (a reload), then the office is back.
    let stored = serde_json::to_string(&OutboxEntry::Failed(waiting)).unwrap();
    let OutboxEntry::Failed(waiting) = serde_json::from_str(&stored).unwrap() else {
        panic!("{stored}");
    };
    down.set(false);
    let done = delivered(client.run(waiting.retry(), |_| {}).await);
    assert_eq!(done.reference(), "DN-000001");
}

#[tokio::test]
async fn refusals_limits_and_answers_without_a_reference() {
    let legacy = Legacy::new(LEGACY);
    let a = pdf(30_000, 5);
    let (sealed, _, memory) = seal_for("00004", &[&a]);
    let client = Client::new(
        Faulty::to(legacy.app(), |_, _| Inject::Pass),
        memory.clone(),
    )
    .with_policy(Policy {
        max_attempts: 2,
        ..policy()
    });
    let directory = legacy_directory();
    let code = "00004".parse().unwrap();
    let entry = || directory.outbox_entry(&code, &sealed).unwrap();

    // Server errors are retried, then left waiting.
    legacy.set_mode(LegacyMode::Status(503));
    let f = failed(client.run(entry(), |_| {}).await);
    assert!(f.is_retryable());
    assert!(matches!(f.error(), Error::ServerError { status: 503, .. }));
    // A refusal is not retried.
    legacy.set_mode(LegacyMode::Status(422));
    let f = failed(client.run(entry(), |_| {}).await);
    assert!(!f.is_retryable());
    assert!(matches!(f.error(), Error::Refused { status: 422, .. }));
    // 2xx without a reference: it may hold the dossier, so no retry.
    legacy.set_mode(LegacyMode::NoReference);
    let before = legacy.received().len();
    let f = failed(client.run(entry(), |_| {}).await);
    assert!(!f.is_retryable());
    assert_eq!(
        f.error(),
        &Error::NoReference {
            status: 200,
            pointer: "/data/maHoSo".into()
        }
    );
    assert_eq!(legacy.received().len(), before + 1);

    // Over the size limit: refused before any request.
    let mut doc: Value = sample(SOME_KID);
    let mut office = doc["offices"][4].clone();
    office["code"] = "00004".into();
    office["commune"] = "00004".into();
    office["province"] = "01".into();
    office["backend"]["max_bytes"] = 20_000.into();
    doc["offices"] = json!([office]);
    let small = Directory::from_json(doc.to_string().as_bytes()).unwrap();
    let client = Client::new(Faulty::to(legacy.app(), |_, _| Inject::Pass), memory);
    let f = failed(
        client
            .run(small.outbox_entry(&code, &sealed).unwrap(), |_| {})
            .await,
    );
    assert!(matches!(
        f.error(),
        Error::TooLarge { limit: 20_000, found, .. } if *found > 30_000
    ));
    assert!(!f.is_retryable());
    assert!(client.transport().log.borrow().is_empty());

    // Bytes on the device that are not the sealed ones are not sent.
    let mut changed = Memory::default();
    let sha = motcua_dossier::Sha256::digest(&a);
    let mut other = a.clone();
    other[100] ^= 1;
    changed.files.insert(sha, other);
    let client = Client::new(Faulty::to(legacy.app(), |_, _| Inject::Pass), changed);
    let f = failed(client.run(entry(), |_| {}).await);
    assert!(matches!(f.error(), Error::AttachmentChanged { .. }));
    assert!(client.transport().log.borrow().is_empty());
}

#[tokio::test]
async fn motcua_v1_offices_are_held_to_the_directory_receipt_key() {
    let office = Office::start().await;
    let kid = office.state.receipt_key().kid();
    let a = pdf(20_000, 6);
    let (sealed, manifest, memory) = seal_for("00004", &[&a]);
    let code = "00004".parse().unwrap();

    let pinned = directory_with("00004", 0, &kid);
    let client = Client::new(Faulty::reliable(&office), memory.clone()).with_policy(policy());
    let entry = pinned.outbox_entry(&code, &sealed).unwrap();
    assert_eq!(entry.job().pinned_receipt_kid(), Some(kid.as_str()));
    let done = client.run(entry, |_| {}).await;
    let OutboxEntry::Acknowledged(ack) = done else {
        panic!("{done:#?}");
    };
    assert!(ack.claims().is_for(&manifest));

    // A directory naming another key: the office's key is refused before
    // anything is uploaded.
    let (sealed, _, memory) = seal_for("00004", &[&pdf(20_000, 7)]);
    let other = directory_with("00004", 0, SOME_KID);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    let f = failed(
        client
            .run(other.outbox_entry(&code, &sealed).unwrap(), |_| {})
            .await,
    );
    assert_eq!(
        f.error(),
        &Error::KeyChanged {
            expected: SOME_KID.into(),
            found: kid
        }
    );
    assert_eq!(client.transport().requests(Method::Patch), 0);
    assert_eq!(client.transport().requests(Method::Post), 0);
    assert_eq!(office.dossiers().await, 1);
}
