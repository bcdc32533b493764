//! Receipt verification on arbitrary input: never a panic or a hang. The
//! first byte picks the mode: the input as a whole token, or the input as
//! the payload of a token signed with the trusted key (so that the payload
//! parser is reached past the signature check). A receipt that verifies
//! must say what its payload says when issued again.
#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use motcua_dossier::{Receipt, Signer, SigningKey};

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate_device_key().expect("a key"))
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let key = key();
    let token = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let header = format!(
            r#"{{"alg":"ES256","kid":"{}","typ":"motcua-receipt+jws"}}"#,
            key.kid()
        );
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(rest)
        );
        let signature = key.sign(input.as_bytes()).expect("signing works");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    };
    match Receipt::verify(&token, key.public_key()) {
        Ok(receipt) => {
            let again = Receipt::issue(receipt.claims().clone(), key).expect("reissue");
            let checked = Receipt::verify(again.token(), key.public_key()).expect("verifies");
            assert_eq!(checked.claims(), receipt.claims());
        }
        Err(e) => {
            let _ = e.message();
        }
    }
});
