//! Attachment bytes on disk: uploads in progress, and the content-addressed
//! store of finished files.
//!
//! An upload in progress is `uploads/<id>.part`. When its last byte arrives the
//! file is hashed, synced and renamed to `blobs/sha256/<2 hex>/<64 hex>`: the
//! rename is atomic, so a stored blob is always complete, and two uploads of
//! the same bytes share one file.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};

use ring::digest;
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::error::Error;
use crate::storage::UploadId;

/// Permissions of the files of the data directory: the owner's only, since
/// they hold personal data (the mode is given at creation, so the umask can
/// only take away).
pub(crate) const PRIVATE_FILE: u32 = 0o600;
/// Permissions of the directories of the data directory.
pub(crate) const PRIVATE_DIR: u32 = 0o700;

/// Creates `dir` and its missing parents owner-only, and makes an existing
/// `dir` owner-only too (a data directory made by an older version).
pub(crate) fn private_dir(dir: &Path) -> Result<(), Error> {
    let err = |action| {
        move |source| Error::Io {
            action,
            path: dir.to_owned(),
            source,
        }
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        builder.mode(PRIVATE_DIR);
        builder.create(dir).map_err(err("create directory"))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(PRIVATE_DIR))
            .map_err(err("make private the directory"))?;
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(err("create directory"))?;
    Ok(())
}

/// The two folders of attachment bytes.
#[derive(Debug, Clone)]
pub(crate) struct Blobs {
    uploads: PathBuf,
    blobs: PathBuf,
}

/// A lowercase hex SHA-256.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

impl Blobs {
    /// Creates the folders under `data_dir` if needed.
    pub(crate) fn open(data_dir: &Path) -> Result<Self, Error> {
        let uploads = data_dir.join("uploads");
        let blobs = data_dir.join("blobs/sha256");
        for dir in [data_dir, &uploads, &data_dir.join("blobs"), &blobs] {
            private_dir(dir)?;
        }
        Ok(Self { uploads, blobs })
    }

    /// Where an upload's bytes collect.
    pub(crate) fn partial_path(&self, id: &UploadId) -> PathBuf {
        self.uploads.join(format!("{id}.part"))
    }

    /// Where a finished file with this hash lives. `sha256` must be 64 hex digits.
    pub(crate) fn blob_path(&self, sha256: &str) -> PathBuf {
        self.blobs.join(&sha256[..2]).join(sha256)
    }

    /// Creates the empty file of a new upload.
    pub(crate) async fn create_partial(&self, id: &UploadId) -> Result<(), Error> {
        let path = self.partial_path(id);
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(PRIVATE_FILE);
        options
            .open(&path)
            .await
            .map_err(io_err("create upload file", &path))?;
        Ok(())
    }

    /// Opens an upload's file for writing at `offset`, cutting off anything
    /// after it (bytes of a request that failed its checksum).
    pub(crate) async fn writer_at(&self, id: &UploadId, offset: u64) -> Result<File, Error> {
        let path = self.partial_path(id);
        let mut file = OpenOptions::new()
            .write(true)
            .open(&path)
            .await
            .map_err(io_err("open upload file", &path))?;
        file.set_len(offset)
            .await
            .map_err(io_err("truncate upload file", &path))?;
        file.seek(SeekFrom::Start(offset))
            .await
            .map_err(io_err("seek in upload file", &path))?;
        Ok(file)
    }

    /// Cuts an upload's file back to `offset`.
    pub(crate) async fn truncate(&self, id: &UploadId, offset: u64) -> Result<(), Error> {
        let path = self.partial_path(id);
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .await
            .map_err(io_err("open upload file", &path))?;
        file.set_len(offset)
            .await
            .map_err(io_err("truncate upload file", &path))
    }

    /// Hashes a complete upload and moves it into the content-addressed store.
    /// Returns the hex SHA-256.
    pub(crate) async fn hash_partial(&self, id: &UploadId) -> Result<String, Error> {
        let path = self.partial_path(id);
        let mut file = File::open(&path)
            .await
            .map_err(io_err("open upload file", &path))?;
        let mut context = digest::Context::new(&digest::SHA256);
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = file
                .read(&mut buffer)
                .await
                .map_err(io_err("read upload file", &path))?;
            if n == 0 {
                break;
            }
            context.update(&buffer[..n]);
        }
        Ok(hex(context.finish().as_ref()))
    }

    /// Moves a complete upload whose hash is `sha256` (from
    /// [`Blobs::hash_partial`]) into the content-addressed store.
    pub(crate) async fn store(&self, id: &UploadId, sha256: &str) -> Result<(), Error> {
        let path = self.partial_path(id);
        let target = self.blob_path(sha256);
        if fs::try_exists(&target).await.unwrap_or(false) {
            // The same bytes are stored already.
            fs::remove_file(&path)
                .await
                .map_err(io_err("remove upload file", &path))?;
            return Ok(());
        }
        let dir = target.parent().unwrap_or(&self.blobs).to_owned();
        let create = dir.clone();
        tokio::task::spawn_blocking(move || private_dir(&create))
            .await
            .map_err(|e| Error::Io {
                action: "create blob directory",
                path: dir.clone(),
                source: std::io::Error::other(e),
            })??;
        // Every byte was synced before its request was acknowledged
        // (`uploads::write_body`); the rename is atomic, and syncing the
        // directory makes it survive a power cut.
        fs::rename(&path, &target)
            .await
            .map_err(io_err("store blob", &target))?;
        #[cfg(unix)]
        File::open(&dir)
            .await
            .map_err(io_err("open blob directory", &dir))?
            .sync_all()
            .await
            .map_err(io_err("sync blob directory", &dir))?;
        Ok(())
    }

    /// Deletes an upload's file, if it is still there.
    pub(crate) async fn remove_partial(&self, id: &UploadId) -> Result<(), Error> {
        let path = self.partial_path(id);
        match fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Io {
                action: "remove upload file",
                path,
                source,
            }),
        }
    }

    /// Deletes a stored blob, if it is there.
    pub(crate) async fn remove_blob(&self, sha256: &str) -> Result<(), Error> {
        let path = self.blob_path(sha256);
        match fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Io {
                action: "remove blob",
                path,
                source,
            }),
        }
    }

    /// Writes `bytes` at the end of `file`.
    pub(crate) async fn write(file: &mut File, bytes: &[u8], id: &UploadId) -> Result<(), Error> {
        file.write_all(bytes).await.map_err(|source| Error::Io {
            action: "write upload",
            path: PathBuf::from(id.as_str()),
            source,
        })
    }
}
