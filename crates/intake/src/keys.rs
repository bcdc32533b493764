//! The office's receipt key: made at first start, kept in the data
//! directory as unencrypted PKCS#8 DER (`receipt-key.p8`, mode 0600), its
//! public part published in `/.well-known/motcua`. The key that signs the
//! server's default office directory (`directory-publisher-key.p8`) is made
//! and kept the same way.
//!
//! An office may put its own key there instead (ES256, EdDSA, RS256: any
//! PKCS#8 key motcua-dossier reads), e.g. one whose certificate a CA issued.
//! Several servers of one office must share the file, so that all sign with
//! the key the capabilities announce.

use std::io::Write;
use std::path::{Path, PathBuf};

use motcua_dossier::SigningKey;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};

use crate::error::Error;

/// File name of the receipt key in the data directory.
pub(crate) const RECEIPT_KEY_FILE: &str = "receipt-key.p8";
/// File name of the default directory's publisher key in the data directory.
pub const PUBLISHER_KEY_FILE: &str = "directory-publisher-key.p8";

/// Which of the server's keys a file holds, for its error.
#[derive(Clone, Copy)]
enum Role {
    Receipt,
    Publisher,
}

impl Role {
    fn error(self, path: PathBuf, source: motcua_dossier::Error) -> Error {
        match self {
            Self::Receipt => Error::ReceiptKey { path, source },
            Self::Publisher => Error::PublisherKey { path, source },
        }
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Reads the receipt key from `data_dir`, making one first if there is none.
pub fn receipt_key(data_dir: &Path) -> Result<SigningKey, Error> {
    load_or_create(data_dir, RECEIPT_KEY_FILE, Role::Receipt)
}

/// Reads the key that signs the server's default office directory from
/// `data_dir`, making one first if there is none (docs/directory.md §6).
pub fn directory_publisher_key(data_dir: &Path) -> Result<SigningKey, Error> {
    load_or_create(data_dir, PUBLISHER_KEY_FILE, Role::Publisher)
}

fn load_or_create(data_dir: &Path, file: &str, role: Role) -> Result<SigningKey, Error> {
    let path = data_dir.join(file);
    if !path.exists() {
        create(data_dir, &path, file, role)?;
    }
    let bytes = std::fs::read(&path).map_err(io("read key", &path))?;
    check_permissions(&path);
    SigningKey::from_pkcs8_der(&bytes, None).map_err(|source| role.error(path, source))
}

/// Writes a new P-256 key under a temporary name, then links it into place,
/// so that a crash never leaves half a key and two servers starting at once
/// agree on one.
fn create(data_dir: &Path, path: &Path, file: &str, role: Role) -> Result<(), Error> {
    crate::blobs::private_dir(data_dir)?;
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| role.error(path.to_owned(), motcua_dossier::Error::Random))?;
    let temporary: PathBuf = data_dir.join(format!(
        ".{file}.{}.tmp",
        crate::storage::UploadId::random()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(pkcs8.as_ref())?;
            file.sync_all()
        })
        .and_then(|()| match std::fs::hard_link(&temporary, path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        });
    let _ = std::fs::remove_file(&temporary);
    result.map_err(io("write key", path))?;
    tracing::info!(path = %path.display(), "made a new key");
    Ok(())
}

/// Warns when others than the owner may read the key.
fn check_permissions(path: &Path) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{:o}", mode & 0o777),
                "the key is readable by others; chmod 600 it"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use motcua_dossier::Signer;

    use super::*;

    #[test]
    fn made_once_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = receipt_key(&data).unwrap();
        assert_eq!(first.algorithm().name(), "ES256");
        let again = receipt_key(&data).unwrap();
        assert_eq!(first.kid(), again.kid());
        #[cfg(unix)]
        {
            let mode = std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(data.join(RECEIPT_KEY_FILE))
                    .unwrap()
                    .permissions(),
            );
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from(RECEIPT_KEY_FILE)]);
    }

    #[test]
    fn the_publisher_key_is_another_owner_only_key() {
        let dir = tempfile::tempdir().unwrap();
        let receipt = receipt_key(dir.path()).unwrap();
        let publisher = directory_publisher_key(dir.path()).unwrap();
        assert_ne!(receipt.kid(), publisher.kid());
        assert_eq!(
            directory_publisher_key(dir.path()).unwrap().kid(),
            publisher.kid()
        );
        #[cfg(unix)]
        {
            let meta = std::fs::metadata(dir.path().join(PUBLISHER_KEY_FILE)).unwrap();
            let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(PUBLISHER_KEY_FILE), b"not a key").unwrap();
        let err = directory_publisher_key(dir.path()).unwrap_err();
        assert!(matches!(err, Error::PublisherKey { .. }), "{err}");
    }

    #[test]
    fn a_broken_key_stops_the_server() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(RECEIPT_KEY_FILE), b"not a key").unwrap();
        let err = receipt_key(dir.path()).unwrap_err();
        assert!(matches!(err, Error::ReceiptKey { .. }), "{err}");
    }
}
