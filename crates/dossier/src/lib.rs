//! Dossier manifest, RFC 8785 canonical bytes, JWS seals and signing keys.
//!
//! A dossier is a [`Manifest`] (made by a [`ManifestBuilder`]) — form values plus the size and SHA-256 of
//! every attachment — sealed with one or more JWS signatures over its
//! RFC 8785 canonical bytes (detached, unencoded: RFC 7797). A
//! [`SealedDossier`] is the file an office receives; any stock JOSE library
//! can check it (docs/dossier-format.md). Keys are [`SigningKey`]s behind
//! the [`Signer`] trait, kept at rest in an encrypted [`KeyFile`].
//!
//! Pure Rust on `ring`; the app (wasm), the intake server and the command
//! line run the same code.
//!
//! ```
//! use motcua_dossier::{
//!     DossierId, KeyFile, Manifest, ProcedureRef, SealedDossier, SigningKey, Timestamp,
//!     VerifyOptions,
//! };
//!
//! let key = SigningKey::generate_device_key()?;
//! let procedure = ProcedureRef { code: "1.001193".parse()?, version: "2025.1".parse()? };
//! let manifest = Manifest::builder(procedure, "00004".parse()?)
//!     .id(DossierId::generate()?)
//!     .created(Timestamp::from_unix(1_795_600_000)?)
//!     .client("motcua-doc/0.1.0".parse()?)
//!     .build()?;
//! let sealed = SealedDossier::seal(manifest, &key, Timestamp::from_unix(1_795_600_000)?)?;
//! let checked = SealedDossier::from_json(&sealed.to_json())?;
//! assert!(checked.verify(&VerifyOptions::default()).is_valid());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod b64;
mod builder;
mod cert;
mod der;
mod error;
mod json;
mod key;
mod keyfile;
mod manifest;
mod receipt;
mod seal;
mod signer;

pub use builder::{CanonicalManifest, ManifestBuilder};
pub use cert::Certificate;
pub use error::Error;
pub use json::canonicalize;
pub use key::{Algorithm, KeyKind, PublicKey};
pub use keyfile::{
    Cipher, KEY_FILE_TYPE, KEY_FILE_VERSION, Kdf, KeyFile, MAX_ITERATIONS, MAX_KEY_FILE_BYTES,
    MIN_ITERATIONS, MIN_PASSPHRASE_CHARS, SealedKey,
};
pub use manifest::{Attachment, MANIFEST_FORMAT, MAX_ATTACHMENT_SIZE, MAX_ATTACHMENTS, Manifest};
/// The protocol's values the manifest is made of, named here too so that
/// users of this crate need not depend on the protocol crate for them.
pub use motcua_protocol::{
    ClientVersion, ComponentId, DossierCode, DossierId, FileName, MediaType, OfficeCode,
    ProcedureCode, ProcedureRef, SchemaVersion, Sha256, Timestamp,
};
pub use receipt::{MAX_RECEIPT_BYTES, RECEIPT_FORMAT, RECEIPT_TYP, Receipt, ReceiptClaims};
pub use seal::{
    JwsSignature, MANIFEST_CTY, MAX_PROTECTED_BYTES, MAX_SEALED_BYTES, MAX_SIGNATURES, SEAL_TYP,
    Seal, SealedDossier, SignatureCheck, SignatureRequest, SignerInfo, Verification, VerifyOptions,
    verify_detached, verify_signature,
};
pub use signer::{MAX_CHAIN, Signer, SigningKey};
