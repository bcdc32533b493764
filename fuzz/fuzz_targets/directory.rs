//! Office directory verification on arbitrary input: never a panic or a
//! hang. The first byte picks the mode: the input as a whole signed file,
//! or the input as the payload of a file signed with the pinned publisher
//! key (so that the directory parser and its rules are reached past the
//! signature check). A directory that verifies must sign again to one that
//! verifies the same, and its search and suggestion must run.
#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use motcua_dossier::{Signer, SigningKey, Timestamp};
use motcua_submit::{Directory, OfficeQuery, PublisherPins};

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate_device_key().expect("a key"))
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let key = key();
    let pins = PublisherPins::new().with_key(key.public_key().clone());
    let signed = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let header = serde_json::json!({
            "alg": "ES256",
            "jwk": key.public_key().to_jwk(),
            "kid": key.kid(),
            "typ": "motcua-directory+jws",
        });
        let protected = URL_SAFE_NO_PAD.encode(header.to_string());
        let payload = URL_SAFE_NO_PAD.encode(rest);
        let signature = key
            .sign(format!("{protected}.{payload}").as_bytes())
            .expect("signing works");
        serde_json::json!({
            "payload": payload,
            "protected": protected,
            "signature": URL_SAFE_NO_PAD.encode(signature),
        })
        .to_string()
        .into_bytes()
    };
    let now = Timestamp::from_unix(1_800_000_000).expect("a time");
    match Directory::verify(&signed, &pins, now) {
        Ok(verified) => {
            let directory = verified.directory();
            let _ = directory.search(&OfficeQuery::new().text("phuong ba dinh"));
            if let Some(office) = directory.offices.first() {
                let _ = directory.suggest(Some(&office.province), office.commune.as_ref(), None);
            }
            let json = serde_json::to_vec(directory).expect("serializes");
            // What verified reads back the same (unknown members may be
            // dropped, so signing may refuse only for those).
            if let Ok(again) = Directory::sign(&json, key) {
                let checked = Directory::verify(&again, &pins, now).expect("verifies again");
                assert_eq!(checked.directory(), directory);
            }
        }
        Err(e) => {
            let _ = e.message();
        }
    }
});
