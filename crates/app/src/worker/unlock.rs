//! Opening an encrypted key file in the worker with the browser's WebCrypto:
//! its PBKDF2 (600,000 iterations) takes about a fifth of ring's time in wasm
//! (62 ms against 294 ms on the bench machine; BENCHMARKS.md, "Seal"), which
//! on a cheap phone is the difference between a pause and a wait. The file
//! format does not change; [`KeyFile::sealed_key`] gives the checked inputs
//! and [`KeyFile::key_from_decrypted`] checks what comes out. The derived
//! AES key never leaves WebCrypto (not extractable). Where WebCrypto is
//! missing or refuses the parameters (an old browser, an insecure origin),
//! ring opens the file as before.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use motcua_dossier::{Error, KeyFile, SealedKey, SigningKey};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

/// Decrypts `file` under `passphrase`: WebCrypto when the browser has it,
/// ring otherwise. Errors are those of [`KeyFile::decrypt`].
pub(crate) async fn open_key_file(file: &KeyFile, passphrase: &str) -> Result<SigningKey, Error> {
    let sealed = file.sealed_key()?;
    let Some(subtle) = subtle_crypto() else {
        return file.decrypt(passphrase);
    };
    match open_with_webcrypto(&subtle, &sealed, passphrase).await {
        Ok(pkcs8) => file.key_from_decrypted(&pkcs8),
        Err(WebCryptoFailure::Refused) => Err(Error::WrongPassphrase),
        Err(WebCryptoFailure::Unavailable) => file.decrypt(passphrase),
    }
}

/// Why WebCrypto did not open the file.
pub(crate) enum WebCryptoFailure {
    /// AES-GCM refused the tag: a wrong passphrase or a changed file.
    Refused,
    /// PBKDF2 or the key import is not available here.
    Unavailable,
}

/// `crypto.subtle` of the global scope (window or worker), if any.
pub(crate) fn subtle_crypto() -> Option<SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    if crypto.is_undefined() || crypto.is_null() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    if subtle.is_undefined() || subtle.is_null() {
        return None;
    }
    Some(subtle.unchecked_into())
}

/// A plain object with these members (WebCrypto's algorithm dictionaries).
fn dictionary(members: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in members {
        // Setting a member of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

pub(crate) async fn open_with_webcrypto(
    subtle: &SubtleCrypto,
    sealed: &SealedKey,
    passphrase: &str,
) -> Result<Zeroizing<Vec<u8>>, WebCryptoFailure> {
    let unavailable = |_| WebCryptoFailure::Unavailable;
    let secret = Uint8Array::from(passphrase.as_bytes());
    let base = settle(subtle.import_key_with_str(
        "raw",
        &secret,
        "PBKDF2",
        false,
        &Array::of1(&JsValue::from_str("deriveKey")),
    ))
    .await;
    secret.fill(0, 0, secret.length());
    let base: CryptoKey = base.map_err(unavailable)?.unchecked_into();
    let pbkdf2 = dictionary(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(sealed.salt.as_slice()).into()),
        ("iterations", sealed.iterations.get().into()),
    ]);
    let aes_gcm_256 = dictionary(&[("name", "AES-GCM".into()), ("length", 256u32.into())]);
    let key: CryptoKey = settle(subtle.derive_key_with_object_and_object(
        &pbkdf2,
        &base,
        &aes_gcm_256,
        false,
        &Array::of1(&JsValue::from_str("decrypt")),
    ))
    .await
    .map_err(unavailable)?
    .unchecked_into();
    let gcm = dictionary(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&sealed.nonce[..]).into()),
        (
            "additionalData",
            Uint8Array::from(sealed.aad.as_slice()).into(),
        ),
        ("tagLength", 128u32.into()),
    ]);
    let plain = settle(subtle.decrypt_with_object_and_u8_array(&gcm, &key, &sealed.ciphertext))
        .await
        .map_err(|_| WebCryptoFailure::Refused)?;
    let plain = Uint8Array::new(&plain);
    let pkcs8 = Zeroizing::new(plain.to_vec());
    plain.fill(0, 0, plain.length());
    Ok(pkcs8)
}
