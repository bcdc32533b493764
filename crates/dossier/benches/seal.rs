//! Signing and verifying a dossier natively, per algorithm:
//! `cargo bench -p motcua-dossier --bench seal`. Throughput is in
//! dossiers per second (criterion's "elem/s").
//!
//! Each sign includes the RFC 8785 canonicalization of a birth-registration
//! manifest (tests/vectors/es256/manifest.json) and the header; each verify
//! re-canonicalizes, parses the header and checks the signature.

// A benchmark with broken fixtures should stop at once.
#![expect(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use motcua_dossier::{
    Manifest, SealedDossier, Signer, SigningKey, Timestamp, VerifyOptions, canonicalize,
};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn keys() -> Vec<(&'static str, SigningKey)> {
    let pem = |name: &str| String::from_utf8(read(&format!("tests/fixtures/{name}"))).unwrap();
    vec![
        ("ES256", SigningKey::generate_device_key().unwrap()),
        (
            "EdDSA",
            SigningKey::from_pem(&pem("ed25519.pk8.pem"), None).unwrap(),
        ),
        (
            "RS256",
            SigningKey::from_pem(&pem("rsa2048.pk8.pem"), None).unwrap(),
        ),
        (
            "PS256",
            SigningKey::from_pem(
                &pem("rsa2048.pk8.pem"),
                Some(motcua_dossier::Algorithm::Ps256),
            )
            .unwrap(),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let manifest = Manifest::from_json(&read("../../tests/vectors/es256/manifest.json")).unwrap();
    let now = Timestamp::from_unix(1_795_600_000).unwrap();
    let options = VerifyOptions::default();

    let mut group = c.benchmark_group("dossier");
    group.throughput(Throughput::Elements(1));
    for (name, key) in keys() {
        group.bench_function(format!("sign/{name}"), |b| {
            b.iter(|| {
                SealedDossier::seal(black_box(manifest.clone()), &key as &dyn Signer, now).unwrap()
            })
        });
        let sealed = SealedDossier::seal(manifest.clone(), &key, now).unwrap();
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| assert!(black_box(&sealed).verify(&options).is_valid()))
        });
        let file = sealed.to_json();
        group.bench_function(format!("parse+verify/{name}"), |b| {
            b.iter(|| {
                let s = SealedDossier::from_json(black_box(&file)).unwrap();
                assert!(s.verify(&options).is_valid());
            })
        });
    }
    let bytes = read("../../tests/vectors/es256/manifest.json");
    group.bench_function("canonicalize/manifest", |b| {
        b.iter(|| canonicalize(black_box(&bytes)).unwrap())
    });
    group.finish();

    // Unlocking a key file costs 600,000 PBKDF2-HMAC-SHA256 iterations by
    // design; measured apart, with few samples.
    let mut slow = c.benchmark_group("keyfile");
    slow.sample_size(10);
    let key = SigningKey::generate_device_key().unwrap();
    let file = motcua_dossier::KeyFile::encrypt(&key, "benchmark passphrase", None).unwrap();
    slow.bench_function("decrypt/600k", |b| {
        b.iter(|| file.decrypt(black_box("benchmark passphrase")).unwrap())
    });
    slow.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
