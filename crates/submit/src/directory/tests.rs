//! The directory: its rules, signing and every refusal of verification,
//! pinning, search and suggestion, and queuing a dossier for an office.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use motcua_dossier::{Algorithm, Signer, SigningKey, Timestamp};
use serde_json::{Value, json};

use crate::testutil::seal;
use crate::*;

/// The RFC 8037 §A.1 Ed25519 key, as PKCS#8 (RFC 8410 §7).
pub(crate) fn ed25519_key() -> SigningKey {
    let seed = B64URL
        .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
        .unwrap();
    let mut pkcs8 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    pkcs8.extend_from_slice(&seed);
    SigningKey::from_pkcs8_der(&pkcs8, None).unwrap()
}

pub(crate) fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Mid-2026, within the sample's validity.
pub(crate) fn now() -> Timestamp {
    at("2026-06-01T00:00:00Z")
}

/// A directory of six offices in three provinces; `receipt_kid` is the
/// receipt key of the `motcua-v1` offices.
pub(crate) fn sample(receipt_kid: &str) -> Value {
    let v1 = |url: &str| json!({"adapter": "motcua-v1", "url": url, "receipt_kid": receipt_kid});
    json!({
        "format": 1,
        "publisher": {
            "name": {"vi": "Văn phòng Chính phủ (thử nghiệm)", "en": "Government Office (test)"},
            "url": "https://dichvucong.example.vn"
        },
        "issued": "2026-01-01T00:00:00Z",
        "expires": "2027-01-01T00:00:00Z",
        "offices": [
            {
                "code": "00004", "level": "commune", "province": "01", "commune": "00004",
                "name": {"vi": "UBND Phường Ba Đình", "en": "Ba Dinh Ward People's Committee"},
                "address": "Số 1 phố Ba Đình, Hà Nội",
                "procedures": "all",
                "backend": v1("http://office.test")
            },
            {
                "code": "00008", "level": "commune", "province": "01", "commune": "00008",
                "name": {"vi": "UBND Phường Ngọc Hà", "en": "Ngoc Ha Ward People's Committee"},
                "address": "Phường Ngọc Hà, Hà Nội",
                "procedures": ["1.001193"],
                "backend": v1("http://ngocha.test"),
                "limits": {"max_attachments": 1, "max_attachment_bytes": 100000}
            },
            {
                "code": "P01", "level": "province", "province": "01",
                "name": {"vi": "Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
                         "en": "Ha Noi Public Administrative Service Centre"},
                "address": "258 Võ Chí Công, Hà Nội",
                "procedures": "all",
                "backend": v1("http://hanoi.test")
            },
            {
                "code": "P79", "level": "province", "province": "79",
                "name": {"vi": "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
                         "en": "Ho Chi Minh City Public Administrative Service Centre"},
                "address": "Quận 1, Thành phố Hồ Chí Minh",
                "procedures": "all",
                "backend": v1("http://hcm.test")
            },
            {
                "code": "20194", "level": "commune", "province": "48", "commune": "20194",
                "name": {"vi": "UBND Phường Hải Vân", "en": "Hai Van Ward People's Committee"},
                "address": "Phường Hải Vân, Đà Nẵng",
                "procedures": "all",
                "backend": {
                    "adapter": "multipart",
                    "url": "http://legacy.test/api/nop-ho-so",
                    "parts": {"sealed": "hoSoDaKy", "manifest": "manifest", "attachment": "tep[{index}]"},
                    "fields": {"nguon": "motcua"},
                    "headers": {"X-Kenh": "motcua"},
                    "max_bytes": 2000000,
                    "reference": "/data/maHoSo"
                }
            },
            {
                "code": "25747", "level": "commune", "province": "79", "commune": "25747",
                "name": {"vi": "UBND Phường Thủ Dầu Một", "en": "Thu Dau Mot Ward People's Committee"},
                "address": "Phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
                "procedures": "all",
                "backend": {"adapter": "carrier-pigeon", "loft": "Thủ Dầu Một"}
            }
        ]
    })
}

pub(crate) const SOME_KID: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap()
}

fn signed_by(key: &SigningKey, value: &Value) -> Vec<u8> {
    Directory::sign(&bytes(value), key).unwrap()
}

fn pins(key: &SigningKey) -> PublisherPins {
    PublisherPins::new().with_thumbprint(&key.kid()).unwrap()
}

/// The signed file's members, decoded.
fn parts(signed: &[u8]) -> (Value, Value, String) {
    let envelope: Value = serde_json::from_slice(signed).unwrap();
    let decode = |m: &str| B64URL.decode(envelope[m].as_str().unwrap()).unwrap();
    (
        serde_json::from_slice(&decode("protected")).unwrap(),
        serde_json::from_slice(&decode("payload")).unwrap(),
        envelope["signature"].as_str().unwrap().to_owned(),
    )
}

fn envelope(protected: &[u8], payload: &[u8], signature: &str) -> Vec<u8> {
    json!({
        "payload": B64URL.encode(payload),
        "protected": B64URL.encode(protected),
        "signature": signature,
    })
    .to_string()
    .into_bytes()
}

/// Signs `payload` under `header` with `key`, as another JOSE library might.
fn forge(key: &SigningKey, header: &Value, payload: &[u8]) -> Vec<u8> {
    let protected = B64URL.encode(header.to_string());
    let payload = B64URL.encode(payload);
    let signature = key
        .sign(format!("{protected}.{payload}").as_bytes())
        .unwrap();
    json!({"payload": payload, "protected": protected, "signature": B64URL.encode(signature)})
        .to_string()
        .into_bytes()
}

#[test]
fn signed_directories_verify_with_es256_and_eddsa() {
    for key in [SigningKey::generate_device_key().unwrap(), ed25519_key()] {
        let signed = signed_by(&key, &sample(SOME_KID));
        let verified = Directory::verify(&signed, &pins(&key), now()).unwrap();
        assert_eq!(verified.publisher_kid(), key.kid());
        assert_eq!(verified.algorithm(), key.algorithm());
        let d = verified.directory();
        assert_eq!(d.offices.len(), 6);
        assert_eq!(d.publisher.name.en, "Government Office (test)");
        let (header, payload, _) = parts(&signed);
        assert_eq!(header["typ"], DIRECTORY_TYP);
        assert_eq!(header["kid"], key.kid());
        assert_eq!(header["alg"], key.algorithm().name());
        assert_eq!(
            header["jwk"],
            Value::Object(key.public_key().to_jwk()),
            "the key travels with it"
        );
        // The payload is the document's RFC 8785 form.
        assert_eq!(
            serde_json::to_vec(&payload).unwrap(),
            motcua_dossier::canonicalize(&bytes(&sample(SOME_KID))).unwrap()
        );
        // Pinned by the whole key it verifies the same.
        let by_key = PublisherPins::new().with_key(key.public_key().clone());
        assert_eq!(
            Directory::verify(&signed, &by_key, now()).unwrap(),
            verified
        );
    }
}

#[test]
fn every_refusal_has_its_own_error_and_message() {
    let key = SigningKey::generate_device_key().unwrap();
    let stranger = SigningKey::generate_device_key().unwrap();
    let doc = sample(SOME_KID);
    let signed = signed_by(&key, &doc);
    let pins = pins(&key);
    let (header, payload, signature) = parts(&signed);
    let header_bytes = serde_json::to_vec(&header).unwrap();

    // Tampered: a backend URL replaced, the signature kept.
    let mut changed = payload.clone();
    changed["offices"][0]["backend"]["url"] = "https://evil.example".into();
    let tampered = envelope(
        &header_bytes,
        &serde_json::to_vec(&changed).unwrap(),
        &signature,
    );
    let e = Directory::verify(&tampered, &pins, now()).unwrap_err();
    assert_eq!(e, Error::DirectoryTampered);

    // Wrongly signed: the same change, signed by a key nobody pinned.
    let resigned = signed_by(&stranger, &changed);
    let e = Directory::verify(&resigned, &pins, now()).unwrap_err();
    assert_eq!(
        e,
        Error::DirectoryUntrusted {
            kid: stranger.kid()
        }
    );
    // Or under the trusted key's kid, without jwk: the signature fails.
    let header = json!({"alg": "ES256", "kid": key.kid(), "typ": DIRECTORY_TYP});
    let kid_only = forge(&stranger, &header, &serde_json::to_vec(&changed).unwrap());
    let by_key = PublisherPins::new().with_key(key.public_key().clone());
    assert_eq!(
        Directory::verify(&kid_only, &by_key, now()).unwrap_err(),
        Error::DirectoryTampered
    );
    // A kid-only header cannot be checked against a bare thumbprint.
    assert!(matches!(
        Directory::verify(&kid_only, &pins, now()),
        Err(Error::DirectoryUntrusted { .. })
    ));

    // Unsigned: the bare document, an empty signature, alg none.
    let e = Directory::verify(&bytes(&doc), &pins, now()).unwrap_err();
    assert_eq!(e, Error::DirectoryUnsigned);
    let empty = envelope(&header_bytes, &serde_json::to_vec(&payload).unwrap(), "");
    assert_eq!(
        Directory::verify(&empty, &pins, now()).unwrap_err(),
        Error::DirectoryUnsigned
    );
    let none = envelope(
        br#"{"alg":"none","typ":"motcua-directory+jws"}"#,
        &serde_json::to_vec(&payload).unwrap(),
        "",
    );
    assert_eq!(
        Directory::verify(&none, &pins, now()).unwrap_err(),
        Error::DirectoryUnsigned
    );

    // Expired, not yet valid (beyond five minutes of clock skew).
    let e = Directory::verify(&signed, &pins, at("2027-01-01T00:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        Error::DirectoryExpired {
            expires: at("2027-01-01T00:00:00Z")
        }
    );
    let e = Directory::verify(&signed, &pins, at("2025-12-31T23:54:59Z")).unwrap_err();
    assert_eq!(
        e,
        Error::DirectoryNotYetValid {
            issued: at("2026-01-01T00:00:00Z")
        }
    );
    assert!(Directory::verify(&signed, &pins, at("2025-12-31T23:56:00Z")).is_ok());

    // Each says so in both languages, and none says the same as another.
    let errors = [
        Error::DirectoryTampered,
        Error::DirectoryUntrusted { kid: "k".into() },
        Error::DirectoryUnsigned,
        Error::DirectoryExpired {
            expires: at("2027-01-01T00:00:00Z"),
        },
        Error::DirectoryNotYetValid {
            issued: at("2026-01-01T00:00:00Z"),
        },
        Error::DirectoryMalformed { detail: "x".into() },
    ];
    let mut seen = std::collections::BTreeSet::new();
    for e in &errors {
        let m = e.message();
        assert!(
            m.vi.contains("Danh bạ") && m.en.contains("directory"),
            "{m:?}"
        );
        assert!(seen.insert(m.en.clone()), "{m:?}");
        assert!(!e.is_retryable());
        assert_eq!(e.fault(), Fault::Server);
    }
    assert!(Error::DirectoryTampered.message().vi.contains("sửa đổi"));
    assert!(
        Error::DirectoryExpired {
            expires: at("2027-01-01T00:00:00Z")
        }
        .message()
        .en
        .contains("2027-01-01T00:00:00Z")
    );
}

#[test]
fn malformed_files_are_refused_without_a_panic() {
    let key = SigningKey::generate_device_key().unwrap();
    let pins = pins(&key);
    let signed = signed_by(&key, &sample(SOME_KID));
    let (header, payload, signature) = parts(&signed);
    let payload_bytes = serde_json::to_vec(&payload).unwrap();
    let malformed = |signed: &[u8]| match Directory::verify(signed, &pins, now()) {
        Err(Error::DirectoryMalformed { detail }) => detail,
        other => panic!("{other:?}"),
    };
    assert!(malformed(b"").contains("JSON"));
    malformed(b"[1,2]");
    malformed(br#"{"payload":"e30","protected":"e30","signature":"AA","payload":"e30"}"#);
    malformed(br#"{"payload":"!!","protected":"e30","signature":"AA"}"#);
    malformed(br#"{"signatures":[]}"#);
    let with_header = {
        let mut v: Value = serde_json::from_slice(&signed).unwrap();
        v["header"] = json!({"kid": "x"});
        v.to_string().into_bytes()
    };
    malformed(&with_header);
    // Header rules: typ, crit, an algorithm other than ES256/EdDSA.
    for edit in [
        json!({"typ": "JWT"}),
        json!({"crit": ["exp"]}),
        json!({"alg": "ES384"}),
        json!({"alg": "EdDSA"}),
    ] {
        let mut h = header.clone();
        for (k, v) in edit.as_object().unwrap() {
            h[k] = v.clone();
        }
        let detail = malformed(&forge(&key, &h, &payload_bytes));
        assert!(!detail.is_empty());
    }
    let mut h = header.clone();
    h["kid"] = SOME_KID.into();
    assert!(malformed(&forge(&key, &h, &payload_bytes)).contains("thumbprint"));
    // A signed payload that is not a valid directory.
    let mut p = payload.clone();
    p["format"] = 2.into();
    assert!(
        malformed(&forge(&key, &header, &serde_json::to_vec(&p).unwrap())).contains("format 2")
    );
    let mut p = payload;
    p["offices"][1]["code"] = "00004".into();
    p["offices"][1]["commune"] = "00004".into();
    assert!(malformed(&forge(&key, &header, &serde_json::to_vec(&p).unwrap())).contains("twice"));
    let dup = br#"{"format":1,"format":1}"#;
    assert!(malformed(&forge(&key, &header, dup)).contains("format"));
    // Too large.
    let huge = vec![b' '; MAX_DIRECTORY_BYTES + 1];
    assert!(malformed(&huge).contains("at most"));
    // The genuine signature over another payload.
    let other = envelope(&serde_json::to_vec(&header).unwrap(), b"{}", &signature);
    assert!(matches!(
        Directory::verify(&other, &pins, now()),
        Err(Error::DirectoryTampered)
    ));
}

#[test]
fn the_rules_of_a_directory() {
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut doc = sample(SOME_KID);
        edit(&mut doc);
        match Directory::from_json(&bytes(&doc)) {
            Err(Error::DirectoryMalformed { detail }) => detail,
            other => panic!("accepted: {other:?}"),
        }
    };
    Directory::from_json(&bytes(&sample(SOME_KID))).unwrap();
    assert!(broken(&|d| d["expires"] = "2025-01-01T00:00:00Z".into()).contains("expires"));
    assert!(broken(&|d| d["offices"] = json!([])).contains("no office"));
    assert!(broken(&|d| d["offices"][0]["commune"] = "00008".into()).contains("commune code"));
    assert!(
        broken(&|d| {
            d["offices"][0].as_object_mut().unwrap().remove("commune");
        })
        .contains("commune")
    );
    assert!(broken(&|d| d["offices"][2]["code"] = "P79".into()).contains("P01"));
    assert!(broken(&|d| d["offices"][2]["code"] = "P01.stp".into()).contains("P01"));
    assert!(broken(&|d| d["offices"][2]["commune"] = "00004".into()).contains("no \"commune\""));
    assert!(broken(&|d| d["offices"][0]["procedures"] = json!([])).contains("empty"));
    assert!(
        broken(&|d| d["offices"][0]["procedures"] = json!(["1.001193", "1.001193"]))
            .contains("twice")
    );
    assert!(broken(&|d| d["offices"][0]["procedures"] = "some".into()).contains("all"));
    assert!(
        broken(&|d| d["offices"][0]["backend"]["receipt_kid"] = "abc".into())
            .contains("receipt_kid")
    );
    assert!(
        broken(&|d| d["offices"][0]["backend"]["url"] = "ftp://x".into()).contains("offices[0]")
    );
    assert!(
        broken(&|d| d["offices"][4]["backend"]["headers"]["Cookie"] = "a=1".into())
            .contains("Cookie")
    );
    assert!(broken(&|d| d["offices"][0]["limits"] = json!({"max_attachments": 0})).contains("0"));
    assert!(broken(&|d| d["offices"][0]["name"]["en"] = "".into()).contains("name"));
    assert!(broken(&|d| d["offices"][0]["province"] = "1".into()).contains("offices[0] (00004)"));
    let mut ok = sample(SOME_KID);
    ok["offices"][2]["code"] = "P01.STP".into();
    Directory::from_json(&bytes(&ok)).unwrap();

    // Typos are not errors when reading (newer directories add members),
    // but signing refuses them.
    let mut typo = sample(SOME_KID);
    typo["offices"][1]["procedure"] = json!(["1.001193"]);
    typo["offices"][4]["backend"]["part"] = json!({});
    typo["publisher"]["name"]["fr"] = "x".into();
    assert_eq!(
        Directory::unknown_members(&typo),
        [
            "publisher.name.fr",
            "offices[1].procedure",
            "offices[4].backend.part"
        ]
    );
    Directory::from_json(&bytes(&typo)).unwrap();
    let key = SigningKey::generate_device_key().unwrap();
    match Directory::sign(&bytes(&typo), &key) {
        Err(Error::DirectoryMalformed { detail }) => {
            assert!(detail.contains("offices[1].procedure"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(Directory::unknown_members(&sample(SOME_KID)).is_empty());
}

#[test]
fn rsa_keys_do_not_sign_directories() {
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../dossier/tests/fixtures/rsa2048.pk8.pem"),
    )
    .unwrap();
    let key = SigningKey::from_pem(&pem, Some(Algorithm::Ps256)).unwrap();
    let e = Directory::sign(&bytes(&sample(SOME_KID)), &key).unwrap_err();
    assert!(matches!(e, Error::Signing { .. }), "{e:?}");
}

#[test]
fn pins_from_keys_sets_and_thumbprints() {
    let a = SigningKey::generate_device_key().unwrap();
    let b = ed25519_key();
    let set = json!({"keys": [a.public_key().to_jwk(), b.public_key().to_jwk()]});
    let pins = PublisherPins::new()
        .with_json(set.to_string().as_bytes())
        .unwrap();
    assert_eq!(pins.thumbprints().collect::<Vec<_>>(), [a.kid(), b.kid()]);
    let one = PublisherPins::new()
        .with_json(
            serde_json::to_vec(&a.public_key().to_jwk())
                .unwrap()
                .as_slice(),
        )
        .unwrap()
        .with_thumbprint(&a.kid())
        .unwrap();
    assert_eq!(one.thumbprints().count(), 1, "the same key once");
    for bad in [
        &b"{"[..],
        b"[]",
        br#"{"keys":[]}"#,
        br#"{"keys":{}}"#,
        br#"{"keys":[1]}"#,
        br#"{"kty":"oct","k":"AA"}"#,
    ] {
        assert!(
            matches!(
                PublisherPins::new().with_json(bad),
                Err(Error::PublisherKey { .. })
            ),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert!(PublisherPins::new().with_thumbprint("short").is_err());
    assert!(PublisherPins::new().is_empty());
}

fn directory() -> Directory {
    Directory::from_json(&bytes(&sample(SOME_KID))).unwrap()
}

fn codes(offices: &[&OfficeEntry]) -> Vec<String> {
    offices.iter().map(|o| o.code.to_string()).collect()
}

#[test]
fn search_without_diacritics_and_with_filters() {
    let d = directory();
    let search = |q: OfficeQuery| codes(&d.search(&q));
    assert_eq!(search(OfficeQuery::new().text("ba dinh")), ["00004"]);
    assert_eq!(search(OfficeQuery::new().text("BA ĐÌNH")), ["00004"]);
    assert_eq!(
        search(OfficeQuery::new().text("phường")),
        ["00004", "20194", "00008"]
    );
    // Names starting with the query come first, then word starts.
    assert_eq!(
        search(OfficeQuery::new().text("ho chi minh")),
        ["P79"],
        "the unreachable office is not offered"
    );
    assert_eq!(search(OfficeQuery::new().text("trung tam")), ["P01", "P79"]);
    assert_eq!(search(OfficeQuery::new().text("hai van")), ["20194"]);
    assert_eq!(search(OfficeQuery::new().text("ward hai")), ["20194"]);
    assert_eq!(search(OfficeQuery::new().text("p79")), ["P79"]);
    // Inside words ("Đình", "Chính", "Minh"): commune level first.
    assert_eq!(
        search(OfficeQuery::new().text("inh")),
        ["00004", "P01", "P79"]
    );
    assert!(search(OfficeQuery::new().text("zzz")).is_empty());
    assert_eq!(
        search(OfficeQuery::new().province("01".parse().unwrap())),
        ["00004", "00008", "P01"]
    );
    assert_eq!(
        search(OfficeQuery::new().commune("00008".parse().unwrap())),
        ["00008"]
    );
    assert_eq!(
        search(
            OfficeQuery::new()
                .province("01".parse().unwrap())
                .procedure("2.000488".parse().unwrap())
        ),
        ["00004", "P01"],
        "Ngọc Hà takes birth registrations only"
    );
    assert_eq!(search(OfficeQuery::new().limit(2)).len(), 2);
    assert_eq!(search(OfficeQuery::new()).len(), 5);
}

#[test]
fn suggestions_from_the_address_on_the_form() {
    let d = directory();
    let p = |s: &str| s.parse().unwrap();
    let birth = "1.001193".parse().unwrap();
    let other = "2.000488".parse().unwrap();
    assert_eq!(
        codes(&d.suggest(
            Some(&p("01")),
            Some(&"00008".parse().unwrap()),
            Some(&birth)
        )),
        ["00008", "P01"]
    );
    assert_eq!(
        codes(&d.suggest(
            Some(&p("01")),
            Some(&"00008".parse().unwrap()),
            Some(&other)
        )),
        ["P01"]
    );
    assert_eq!(codes(&d.suggest(Some(&p("79")), None, None)), ["P79"]);
    assert_eq!(
        codes(&d.suggest(Some(&p("79")), Some(&"25747".parse().unwrap()), None)),
        ["P79"],
        "Thủ Dầu Một's office is not reachable from here"
    );
    assert!(d.suggest(None, None, None).is_empty());
}

#[test]
fn queuing_a_dossier_for_a_directory_office() {
    let d = directory();
    let (sealed, manifest, _) = seal(&[b"%PDF-1.4 a"]);
    assert_eq!(manifest.office.as_str(), "00004");
    let entry = d.outbox_entry(&"00004".parse().unwrap(), &sealed).unwrap();
    let job = entry.job();
    assert_eq!(job.endpoint().as_str(), "http://office.test");
    assert_eq!(job.adapter(), &AdapterConfig::MotcuaV1);
    assert_eq!(job.pinned_receipt_kid(), Some(SOME_KID));

    // The office is in the sealed manifest: another office is refused.
    let e = d
        .outbox_entry(&"P01".parse().unwrap(), &sealed)
        .unwrap_err();
    assert_eq!(
        e,
        Error::WrongOffice {
            office: "P01".into(),
            sealed_for: "00004".into()
        }
    );
    assert_eq!(e.fault(), Fault::Input);
    let e = d
        .outbox_entry(&"99999".parse().unwrap(), &sealed)
        .unwrap_err();
    assert!(matches!(e, Error::UnknownOffice { .. }), "{e:?}");

    // Other offices, with the dossier's office changed to theirs.
    let doc = sample(SOME_KID);
    for office in doc["offices"].as_array().unwrap() {
        let mut office = office.clone();
        if office["code"] == "00008" || office["code"] == "25747" || office["code"] == "20194" {
            office["code"] = "00004".into();
            office["commune"] = "00004".into();
            office["province"] = "01".into();
            let d = Directory::from_json(&bytes(&json!({
                "format": 1, "publisher": doc["publisher"], "issued": doc["issued"],
                "expires": doc["expires"], "offices": [office]
            })))
            .unwrap();
            let code = "00004".parse().unwrap();
            let result = d.outbox_entry(&code, &sealed);
            match d.offices[0].backend.adapter() {
                "motcua-v1" => {
                    // Ngọc Hà: procedure accepted, but one attachment of at
                    // most 100 kB: fine; two are too many.
                    result.unwrap();
                    let (two, _, _) = crate::testutil::seal(&[b"%PDF-1.4 a", b"%PDF-1.4 b"]);
                    let e = d.outbox_entry(&code, &two).unwrap_err();
                    assert!(
                        matches!(&e, Error::TooLarge { what, limit: 1, found: 2 } if what == "attachments"),
                        "{e:?}"
                    );
                }
                "multipart" => {
                    let entry = result.unwrap();
                    assert_eq!(entry.job().endpoint().as_str(), "http://legacy.test");
                    let AdapterConfig::Multipart(config) = entry.job().adapter() else {
                        panic!("{:?}", entry.job().adapter());
                    };
                    assert_eq!(config.url, "http://legacy.test/api/nop-ho-so");
                    assert_eq!(entry.job().pinned_receipt_kid(), None);
                    // Kept through a reload.
                    let stored = serde_json::to_string(&entry).unwrap();
                    assert_eq!(serde_json::from_str::<OutboxEntry>(&stored).unwrap(), entry);
                }
                other => {
                    let e = result.unwrap_err();
                    assert_eq!(
                        e,
                        Error::UnsupportedAdapter {
                            office: "00004".into(),
                            adapter: other.into()
                        }
                    );
                }
            }
        }
    }
}

#[test]
fn entries_stored_before_adapters_existed_still_read() {
    let (sealed, _, _) = seal(&[b"%PDF-1.4 a"]);
    let entry = OutboxEntry::new("http://office.test".parse().unwrap(), &sealed).unwrap();
    let mut stored: Value = serde_json::to_value(&entry).unwrap();
    stored["job"].as_object_mut().unwrap().remove("adapter");
    let read: OutboxEntry = serde_json::from_value(stored).unwrap();
    assert_eq!(read, entry);
    assert_eq!(read.job().adapter().name(), "motcua-v1");
}

mod for_units {
    use motcua_forms::AdminUnits;

    use super::*;

    fn units() -> AdminUnits {
        AdminUnits::from_json(include_bytes!("../../../../web/units/units-2025.json")).unwrap()
    }

    fn backend() -> Backend {
        Backend::MotcuaV1 {
            url: "http://127.0.0.1:8080".parse().unwrap(),
            receipt_kid: ed25519_key().kid(),
        }
    }

    fn publisher() -> Publisher {
        Publisher {
            name: motcua_forms::LocalizedText::new("Máy chủ này", "This server"),
            url: None,
        }
    }

    #[test]
    fn every_commune_and_province_of_the_table_has_an_office_that_signs_and_verifies() {
        let units = units();
        let d = Directory::for_units(
            &units,
            &backend(),
            publisher(),
            (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
            &[],
        );
        assert_eq!(
            d.offices.len(),
            units.communes().len() + units.provinces().len()
        );
        assert_eq!(d.offices.len(), 3321 + 34);
        let ba_dinh = d.office(&"00004".parse().unwrap()).unwrap();
        assert_eq!(ba_dinh.name.vi, "Bộ phận một cửa Phường Ba Đình");
        assert_eq!(ba_dinh.level, OfficeLevel::Commune);
        assert_eq!(ba_dinh.province.as_str(), "01");
        assert_eq!(ba_dinh.address, "Phường Ba Đình, Thành phố Hà Nội");
        let hcm = d.office(&"P79".parse().unwrap()).unwrap();
        assert_eq!(
            hcm.name.vi,
            "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh"
        );
        assert_eq!(hcm.commune, None);
        assert!(d.offices.iter().all(|o| o.backend == backend()));

        // The document keeps the format's rules, so it signs and verifies.
        let json = serde_json::to_vec(&d).unwrap();
        let key = ed25519_key();
        let signed = Directory::sign(&json, &key).unwrap();
        let pins = PublisherPins::new().with_key(key.public_key().clone());
        let verified = Directory::verify(&signed, &pins, now()).unwrap();
        assert_eq!(verified.directory(), &d);
        assert!(signed.len() < 2 * 1024 * 1024, "{} bytes", signed.len());
        let suggested = d.suggest(
            Some(&"01".parse().unwrap()),
            Some(&"00004".parse().unwrap()),
            Some(&"1.001193".parse().unwrap()),
        );
        let codes: Vec<&str> = suggested.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["00004", "P01"]);
    }

    #[test]
    fn a_server_for_some_offices_lists_only_those() {
        let only = ["00004".parse().unwrap(), "P79".parse().unwrap()];
        let d = Directory::for_units(
            &units(),
            &backend(),
            publisher(),
            (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
            &only,
        );
        let codes: Vec<&str> = d.offices.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["P79", "00004"]);
    }
}
