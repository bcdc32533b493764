//! The client against the real intake server, through faults: dropped
//! connections, lost answers, cut and damaged bodies, proxies answering
//! 5xx, an office that loses files or lies about receipts — and a reload
//! after every step.

use std::cell::RefCell;
use std::rc::Rc;

use motcua_dossier::{Receipt, Sha256, Signer, SigningKey};

use crate::testutil::{Faulty, Inject, Memory, Office, PERSONAL_ID, endpoint, pdf, seal};
use crate::*;

fn policy() -> Policy {
    Policy {
        chunk_bytes: 64 * 1024,
        ..Policy::default()
    }
}

fn acknowledged(entry: OutboxEntry) -> Acknowledged {
    match entry {
        OutboxEntry::Acknowledged(ack) => ack,
        other => panic!("not acknowledged: {other:#?}"),
    }
}

fn failed(entry: OutboxEntry) -> Failed {
    match entry {
        OutboxEntry::Failed(f) => f,
        other => panic!("not failed: {other:#?}"),
    }
}

/// Checks what the office holds: exactly one dossier, whose files hash to
/// the manifest's values.
async fn office_holds(office: &Office, files: &[&[u8]]) {
    assert_eq!(office.dossiers().await, 1);
    for bytes in files {
        let stored = std::fs::read(office.blob_path(&Sha256::digest(bytes))).unwrap();
        assert_eq!(Sha256::digest(&stored), Sha256::digest(bytes));
    }
}

#[tokio::test]
async fn files_then_dossier_then_a_verified_receipt() {
    let office = Office::start().await;
    let (a, b) = (pdf(300_000, 1), pdf(70_000, 2));
    let (sealed, manifest, memory) = seal(&[&a, &b, &a]);
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&events);
    let client = Client::new(Faulty::reliable(&office), memory)
        .with_policy(policy())
        .on_event(move |e| seen.borrow_mut().push(e.clone()));
    let entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    assert_eq!(entry.job().files().len(), 2, "equal files go up once");
    let mut states = Vec::new();
    let ack = acknowledged(client.run(entry, |s| states.push(s.state_name())).await);

    assert!(ack.claims().is_for(&manifest));
    let key = office.state.receipt_key().public_key().clone();
    let receipt = Receipt::verify(ack.receipt(), &key).unwrap();
    assert_eq!(receipt.claims(), ack.claims());
    office_holds(&office, &[&a, &b]).await;
    assert_eq!(states.first(), Some(&"waiting"));
    assert_eq!(states.last(), Some(&"acknowledged"));
    assert!(states.contains(&"uploading") && states.contains(&"delivering"));

    let progress: Vec<(u64, u64)> = events
        .borrow()
        .iter()
        .filter_map(|e| match e {
            Event::Progress { sent, total, .. } => Some((*sent, *total)),
            _ => None,
        })
        .collect();
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0), "{progress:?}");
    assert_eq!(progress.last(), Some(&(370_000, 370_000)));
    // 300 kB in 64 KiB chunks: 5 requests, the first creating the upload.
    assert_eq!(client.transport().requests(Method::Patch), 4 + 1);
    assert!(matches!(
        events.borrow().last(),
        Some(Event::Acknowledged { .. })
    ));

    // The status look-up finds it by code and ID number only.
    let code = ack.dossier_code().clone();
    let report = client
        .status(&endpoint(), &code, PERSONAL_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.status, DossierStatus::Received);
    assert_eq!(report.dossier_id, manifest.id);
    assert!(
        client
            .status(&endpoint(), &code, "001093099999")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_reload_after_every_step_loses_nothing() {
    let office = Office::start().await;
    let (a, b) = (pdf(200_000, 3), pdf(1, 4));
    let (sealed, _, memory) = seal(&[&a, &b]);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    let mut entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    let mut steps = 0;
    while !entry.is_settled() {
        // Stored as JSON and read back, as the app does with IndexedDB.
        let stored = serde_json::to_string(&entry).unwrap();
        entry = serde_json::from_str(&stored).unwrap();
        entry = client.step(entry).await;
        steps += 1;
        assert!(steps < 100, "no progress: {entry:#?}");
    }
    acknowledged(entry);
    office_holds(&office, &[&a, &b]).await;
    // After each reload the client asks where the upload stands (HEAD).
    assert!(client.transport().requests(Method::Head) >= 3);
}

#[tokio::test]
async fn lost_connections_and_answers_are_retried_and_resumed() {
    let office = Office::start().await;
    let a = pdf(400_000, 5);
    let (sealed, _, memory) = seal(&[&a]);
    // A third of the requests never arrive, a third of the answers are lost
    // (the dossier's POST among them: the office keeps it, the client
    // does not know).
    let first_post = std::cell::Cell::new(true);
    let transport = Faulty::new(&office, move |request, n| {
        if request.url.ends_with("/api/v1/dossiers") && first_post.replace(false) {
            return Inject::LoseAnswer;
        }
        match crate::testutil::dice(n) % 3 {
            1 => Inject::Refuse,
            2 => Inject::LoseAnswer,
            _ => Inject::Pass,
        }
    });
    let client = Client::new(transport, memory).with_policy(Policy {
        max_attempts: 50,
        ..policy()
    });
    let entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    let first = acknowledged(client.run(entry, |_| {}).await);
    office_holds(&office, &[&a]).await;
    assert!(!client.transport().slept.borrow().is_empty(), "backed off");
    let log = client.transport().log.borrow().clone();
    let posts: Vec<_> = log
        .iter()
        .filter(|(m, url, _)| *m == Method::Post && url.ends_with("/api/v1/dossiers"))
        .map(|(_, _, status)| status.as_str())
        .collect();
    assert!(posts.len() >= 2, "{posts:?}");
    assert_eq!(
        posts.last(),
        Some(&"200"),
        "the first POST's answer was lost: {posts:?}"
    );

    // The same dossier again: the same receipt, nothing new.
    let again = acknowledged(client.run(first.clone().resend(), |_| {}).await);
    assert_eq!(again.receipt(), first.receipt());
    assert_eq!(office.dossiers().await, 1);
}

#[tokio::test]
async fn cut_and_damaged_bodies_are_sent_again_from_the_server_offset() {
    let office = Office::start().await;
    let a = pdf(300_000, 6);
    let (sealed, _, memory) = seal(&[&a]);
    let transport = Faulty::new(&office, |request, n| {
        let dice = crate::testutil::dice(n) % 10;
        match (request.method, dice) {
            // Half a chunk arrives, then the connection breaks.
            (Method::Patch | Method::Post, 0 | 1) => Inject::Cut(request.body.len() / 2),
            // A byte changes on the way: the chunk checksum catches it.
            (Method::Patch | Method::Post, 2 | 3) => Inject::Corrupt,
            _ => Inject::Pass,
        }
    });
    let client = Client::new(transport, memory).with_policy(Policy {
        max_attempts: 50,
        ..policy()
    });
    let entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    acknowledged(client.run(entry, |_| {}).await);
    office_holds(&office, &[&a]).await;
    let log = client.transport().log.borrow();
    assert!(log.iter().any(|(_, _, status)| status == "460"), "{log:?}");
    assert!(log.iter().any(|(m, _, _)| *m == Method::Head));
}

#[tokio::test]
async fn proxies_answering_5xx_and_429_are_waited_out() {
    let office = Office::start().await;
    let a = pdf(10_000, 7);
    let (sealed, _, memory) = seal(&[&a]);
    let transport = Faulty::new(&office, |_, n| match n {
        0..=2 => Inject::Status(503, None),
        3 => Inject::Status(429, Some(7)),
        _ => Inject::Pass,
    });
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&events);
    let client = Client::new(transport, memory)
        .with_policy(policy())
        .on_event(move |e| seen.borrow_mut().push(e.clone()));
    let entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    acknowledged(client.run(entry, |_| {}).await);
    let delays: Vec<(u32, u64)> = events
        .borrow()
        .iter()
        .filter_map(|e| match e {
            Event::Retrying {
                attempt, delay_ms, ..
            } => Some((*attempt, *delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(delays.len(), 4, "{delays:?}");
    assert_eq!(
        delays.iter().map(|d| d.0).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    // Exponential with jitter: 0.5–1 s, 1–2 s, 2–4 s; then Retry-After 7 s.
    assert!((499..=1000).contains(&delays[0].1), "{delays:?}");
    assert!((999..=2000).contains(&delays[1].1), "{delays:?}");
    assert!((1999..=4000).contains(&delays[2].1), "{delays:?}");
    assert!(delays[3].1 >= 6999, "{delays:?}");
}

#[tokio::test]
async fn an_office_that_lost_files_gets_them_again() {
    let office = Office::start().await;
    let a = pdf(50_000, 8);
    let (sealed, _, memory) = seal(&[&a]);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    let mut entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    while !matches!(entry, OutboxEntry::Delivering(_)) {
        entry = client.step(entry).await;
    }
    // The file disappears before the dossier is sent (a disk replaced, a
    // clean-up gone wrong).
    std::fs::remove_file(office.blob_path(&Sha256::digest(&a))).unwrap();
    let entry = client.step(entry).await;
    assert_eq!(entry.state_name(), "uploading", "{entry:#?}");
    acknowledged(client.run(entry, |_| {}).await);
    office_holds(&office, &[&a]).await;
}

#[tokio::test]
async fn an_expired_upload_starts_again() {
    let office = Office::start().await;
    let a = pdf(200_000, 9);
    let (sealed, _, memory) = seal(&[&a]);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    let mut entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    while entry.job().progress().0 == 0 {
        entry = client.step(entry).await;
    }
    // The server forgets the upload (expiry, termination).
    let url = entry.job().files()[0].url.clone().unwrap();
    let id = motcua_intake::UploadId::parse(url.rsplit('/').next().unwrap()).unwrap();
    office.state.storage().delete_upload(&id).await.unwrap();
    acknowledged(client.run(entry, |_| {}).await);
    office_holds(&office, &[&a]).await;
    assert!(
        client.transport().requests(Method::Post) >= 3,
        "created twice"
    );
}

#[tokio::test]
async fn our_own_faults_are_not_retried() {
    let office = Office::start().await;
    // A seal broken after sealing never leaves the device.
    let (good, _, _) = seal(&[&pdf(100, 10)]);
    let text = String::from_utf8(good).unwrap();
    let tampered = text.replace("Nguyễn Minh Khang", "Nguyễn Minh Khanh");
    let err = OutboxEntry::new(endpoint(), tampered.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidDossier { code, .. } if code == "bad_signature"),
        "{err:?}"
    );
    assert_eq!(err.fault(), Fault::Input);

    // The file on the device is not the one sealed.
    let a = pdf(100_000, 11);
    let (sealed, _, mut memory) = seal(&[&a]);
    let mut changed = a.clone();
    changed[99_000] ^= 1;
    memory.files.insert(Sha256::digest(&a), changed);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    let entry = OutboxEntry::new(endpoint(), &sealed).unwrap();
    let f = failed(client.run(entry, |_| {}).await);
    assert!(
        matches!(f.error(), Error::AttachmentChanged { name } if name == "giay-chung-sinh-0.pdf"),
        "{:?}",
        f.error()
    );
    assert!(!f.is_retryable());
    assert_eq!(f.next_attempt_at_ms(), None);

    // A file missing on the device.
    let (sealed, _, _) = seal(&[&pdf(10, 12)]);
    let client = Client::new(Faulty::reliable(&office), Memory::default());
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed).unwrap(), |_| {})
            .await,
    );
    assert!(matches!(f.error(), Error::AttachmentUnreadable { .. }));

    // The office refuses the content: nothing stored, not retried.
    let (sealed, _, memory) = seal(&[]);
    let client = Client::new(Faulty::reliable(&office), memory);
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed).unwrap(), |_| {})
            .await,
    );
    let Error::Refused {
        status,
        problem,
        errors,
        ..
    } = f.error()
    else {
        panic!("{:?}", f.error());
    };
    assert_eq!((*status, problem.as_str()), (422, "dossier-invalid"));
    assert_eq!(errors[0].path, "components/birth_certificate");
    assert!(f.error().message().vi.contains("Hồ sơ"));
    assert_eq!(client.transport().requests(Method::Post), 1);
    assert_eq!(office.dossiers().await, 0);
}

#[tokio::test]
async fn a_misbehaving_office_is_caught() {
    let office = Office::start().await;
    let a = pdf(1000, 13);

    // A receipt signed by someone else.
    let (sealed1, _, memory) = seal(&[&a]);
    let impostor = SigningKey::generate_device_key().unwrap();
    let transport = Faulty::reliable(&office).rewriting(move |request, mut response| {
        if request.url.ends_with("/api/v1/dossiers") && response.status == 201 {
            let mut body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
            let token = body["receipt"].as_str().unwrap();
            let (input, _) = token.rsplit_once('.').unwrap();
            let signature = Signer::sign(&impostor, input.as_bytes()).unwrap();
            use base64::Engine as _;
            let forged = format!(
                "{input}.{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
            );
            body["receipt"] = forged.into();
            response.body = body.to_string().into_bytes();
        }
        response
    });
    let client = Client::new(transport, memory.clone()).with_policy(policy());
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed1).unwrap(), |_| {})
            .await,
    );
    assert!(
        matches!(f.error(), Error::BadReceipt { code, .. } if code == "bad_signature"),
        "{:?}",
        f.error()
    );
    assert_eq!(f.error().fault(), Fault::Server);

    // A genuine receipt, but for another dossier.
    let (sealed2, _, memory2) = seal(&[&a]);
    let other_receipt = {
        let client = Client::new(Faulty::reliable(&office), memory2);
        acknowledged(
            client
                .run(OutboxEntry::new(endpoint(), &sealed2).unwrap(), |_| {})
                .await,
        )
        .receipt()
        .to_owned()
    };
    let (sealed3, _, memory3) = seal(&[&a]);
    let transport = Faulty::reliable(&office).rewriting(move |request, mut response| {
        if request.url.ends_with("/api/v1/dossiers") && response.status == 201 {
            response.body = serde_json::json!({ "receipt": other_receipt })
                .to_string()
                .into_bytes();
        }
        response
    });
    let client = Client::new(transport, memory3).with_policy(policy());
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed3).unwrap(), |_| {})
            .await,
    );
    assert_eq!(
        f.error(),
        &Error::ReceiptMismatch {
            field: "dossier_id".into()
        }
    );

    // A key other than the one pinned from the office directory.
    let client = Client::new(Faulty::reliable(&office), memory.clone());
    let entry = OutboxEntry::new(endpoint(), &sealed1)
        .unwrap()
        .with_pinned_receipt_key(impostor_kid());
    let f = failed(client.run(entry, |_| {}).await);
    assert!(matches!(f.error(), Error::KeyChanged { .. }));

    // A server speaking another protocol.
    let transport = Faulty::reliable(&office).rewriting(|request, mut response| {
        if request.url.ends_with("/.well-known/motcua") {
            response.body = String::from_utf8(response.body)
                .unwrap()
                .replace("motcua-intake/1", "motcua-intake/2")
                .into_bytes();
        }
        response
    });
    let client = Client::new(transport, memory);
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed1).unwrap(), |_| {})
            .await,
    );
    assert!(matches!(f.error(), Error::UnsupportedServer { .. }));
}

fn impostor_kid() -> String {
    SigningKey::generate_device_key().unwrap().kid()
}

#[tokio::test]
async fn an_office_that_stays_down_leaves_the_dossier_waiting() {
    let office = Office::start().await;
    let (sealed, _, memory) = seal(&[&pdf(1000, 14)]);
    let transport = Faulty::new(&office, |_, _| Inject::Refuse);
    let client = Client::new(transport, memory.clone()).with_policy(Policy {
        max_attempts: 4,
        ..policy()
    });
    let f = failed(
        client
            .run(OutboxEntry::new(endpoint(), &sealed).unwrap(), |_| {})
            .await,
    );
    assert!(f.is_retryable());
    assert_eq!(f.job().attempts(), 4);
    assert_eq!(f.resumes_at(), Resume::Waiting);
    assert!(f.next_attempt_at_ms().unwrap() > client.transport().now_ms());
    assert_eq!(f.error().fault(), Fault::Network);
    assert!(f.error().message().en.contains("cannot be reached"));
    assert_eq!(client.transport().slept.borrow().len(), 3);

    // Back online: the applicant (or the app) retries and it goes through.
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(policy());
    acknowledged(client.run(f.retry(), |_| {}).await);
    assert_eq!(office.dossiers().await, 1);
}

#[tokio::test]
async fn uploads_keep_to_a_rate_limit() {
    let office = Office::start().await;
    let a = pdf(256 * 1024, 15);
    let (sealed, _, memory) = seal(&[&a]);
    let client = Client::new(Faulty::reliable(&office), memory).with_policy(Policy {
        max_bytes_per_second: Some(64 * 1024),
        ..policy()
    });
    acknowledged(
        client
            .run(OutboxEntry::new(endpoint(), &sealed).unwrap(), |_| {})
            .await,
    );
    // Four chunks of 64 KiB; the three after the first wait a second each.
    let slept: u64 = client.transport().slept.borrow().iter().sum();
    assert_eq!(slept, 3000);
}

#[tokio::test]
async fn a_new_office_key_is_read_again_unless_pinned() {
    let office = Office::start().await;
    let (sealed, _, memory) = seal(&[&pdf(100, 16)]);
    // The first capabilities document carries an old key.
    let old_key = SigningKey::generate_device_key().unwrap();
    let mut jwk = old_key.public_key().to_jwk();
    jwk.insert("kid".into(), old_key.kid().into());
    let first = std::cell::Cell::new(true);
    let transport = Faulty::reliable(&office).rewriting(move |request, mut response| {
        if request.url.ends_with("/.well-known/motcua") && first.replace(false) {
            let mut caps: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
            caps["receipt_key"] = serde_json::Value::Object(jwk.clone());
            response.body = caps.to_string().into_bytes();
        }
        response
    });
    let client = Client::new(transport, memory).with_policy(policy());
    let ack = acknowledged(
        client
            .run(OutboxEntry::new(endpoint(), &sealed).unwrap(), |_| {})
            .await,
    );
    let current = office.state.receipt_key().kid();
    assert_eq!(ack.job().server().unwrap().receipt_kid, current);
    assert_eq!(ack.verify().unwrap().kid(), current);
    // Stored and read back, the receipt still checks.
    let stored: OutboxEntry =
        serde_json::from_str(&serde_json::to_string(&OutboxEntry::Acknowledged(ack)).unwrap())
            .unwrap();
    let OutboxEntry::Acknowledged(ack) = stored else {
        panic!("state lost");
    };
    assert!(ack.verify().is_ok());
}
