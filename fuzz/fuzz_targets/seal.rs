//! Sealed-dossier parsing and verification on arbitrary bytes: never a panic
//! or a hang, whatever the input. Inputs that parse are also written back
//! and read again, which must give the same dossier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_dossier::{SealedDossier, VerifyOptions, canonicalize, verify_detached};

fuzz_target!(|data: &[u8]| {
    let _ = canonicalize(data);
    if let Ok(sealed) = SealedDossier::from_json(data) {
        let verification = sealed.verify(&VerifyOptions::default());
        for check in &verification.signatures {
            if let Err(e) = &check.outcome {
                let _ = e.message();
            }
        }
        let again =
            SealedDossier::from_json(&sealed.to_json()).expect("a dossier we wrote reads back");
        assert_eq!(again, sealed);
        let _ = verify_detached(sealed.seal_part(), data, &VerifyOptions::default());
    }
});
