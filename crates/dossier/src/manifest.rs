//! The dossier manifest: what the applicant sends, and what the seal covers.

use std::collections::BTreeSet;
use std::io::Read;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::{parse_strict, to_canonical};
use motcua_protocol::{
    AttachedFile, ClientVersion, Component, ComponentId, DossierId, FieldProblem, FileName, Limits,
    MediaType, OfficeCode, ProcedureRef, Sha256, Timestamp,
};

/// The manifest format version this code reads and writes.
pub const MANIFEST_FORMAT: u32 = 1;
/// Most attachments in one dossier.
pub const MAX_ATTACHMENTS: usize = 500;
/// Largest size an attachment may declare: 2^53 − 1, the largest integer
/// that RFC 8785 writes exactly (numbers are IEEE 754 doubles).
pub const MAX_ATTACHMENT_SIZE: u64 = (1 << 53) - 1;

/// One attached file, bound to the manifest by its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The dossier component (thành phần hồ sơ) it stands for.
    pub component: ComponentId,
    /// Its file name, unique within the dossier.
    pub name: FileName,
    /// Its media type, e.g. `application/pdf`.
    pub media_type: MediaType,
    /// Its size in bytes.
    pub size: u64,
    /// Its page count, when it is a paged document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// SHA-256 of its bytes.
    pub sha256: Sha256,
}

impl Attachment {
    /// What the protocol's conformance check reads of it.
    pub fn as_attached_file(&self) -> AttachedFile<'_> {
        AttachedFile {
            component: self.component.as_str(),
            name: self.name.as_str(),
            media_type: self.media_type.as_str(),
            size: self.size,
            pages: self.pages,
        }
    }

    /// Describes `bytes` as an attachment.
    pub fn from_bytes(
        component: ComponentId,
        name: FileName,
        media_type: MediaType,
        pages: Option<u32>,
        bytes: &[u8],
    ) -> Self {
        Self {
            component,
            name,
            media_type,
            size: bytes.len() as u64,
            pages,
            sha256: Sha256::digest(bytes),
        }
    }

    /// Checks that `reader` yields exactly this attachment's bytes: first
    /// the size, then the SHA-256. Reads in chunks, so a large file is
    /// never held in memory.
    pub fn check<R: Read>(&self, reader: R) -> Result<(), Error> {
        let (digest, size) = Sha256::of_reader(reader).map_err(|source| Error::Io {
            name: self.name.to_string(),
            source,
        })?;
        if size != self.size {
            return Err(Error::AttachmentSize {
                name: self.name.to_string(),
                expected: self.size,
                found: size,
            });
        }
        if digest != self.sha256 {
            return Err(Error::AttachmentDigest {
                name: self.name.to_string(),
                expected: self.sha256,
                found: digest,
            });
        }
        Ok(())
    }
}

/// The dossier manifest (DESIGN.md, "Formats"). Its RFC 8785 bytes are what
/// the seal signs.
///
/// ```
/// use motcua_dossier::{Manifest, ProcedureRef, Timestamp, DossierId};
///
/// let manifest = Manifest {
///     format: motcua_dossier::MANIFEST_FORMAT,
///     id: DossierId::generate()?,
///     procedure: ProcedureRef { code: "1.001193".parse()?, version: "2025.1".parse()? },
///     office: "00004".parse()?,
///     form: serde_json::json!({"child": {"full_name": "Nguyễn Văn An"}})
///         .as_object().cloned().unwrap_or_default(),
///     attachments: Vec::new(),
///     created: Timestamp::from_unix(1_764_000_000)?,
///     client: "motcua-doc/0.1.0".parse()?,
/// };
/// let bytes = manifest.canonical_bytes()?;
/// assert_eq!(Manifest::from_json(&bytes)?, manifest);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: u32,
    /// Random id, also the idempotency key of the submission.
    pub id: DossierId,
    /// The procedure and the schema version used.
    pub procedure: ProcedureRef,
    /// The office chosen to receive the dossier.
    pub office: OfficeCode,
    /// The form values, as the procedure schema names them.
    pub form: Map<String, Value>,
    /// The attached files.
    pub attachments: Vec<Attachment>,
    /// When the manifest was made (device clock).
    pub created: Timestamp,
    /// The program that made it.
    pub client: ClientVersion,
}

impl Manifest {
    /// Whether the attachments hold what a procedure's `components` ask for
    /// within an office's `limits` ([`motcua_protocol::check_dossier`]);
    /// empty when they do.
    pub fn conformance(&self, components: &[Component], limits: &Limits) -> Vec<FieldProblem> {
        let files: Vec<AttachedFile<'_>> = self
            .attachments
            .iter()
            .map(Attachment::as_attached_file)
            .collect();
        motcua_protocol::check_dossier(components, &files, limits)
    }

    /// Reads a manifest from JSON, refusing repeated keys, unknown members
    /// and broken rules (see [`check`](Self::check)).
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_value(parse_strict("manifest", bytes)?)
    }

    /// Reads a manifest from an already parsed JSON value.
    pub(crate) fn from_value(value: Value) -> Result<Self, Error> {
        let manifest: Self = serde_json::from_value(value).map_err(|source| Error::Json {
            what: "manifest",
            source,
        })?;
        manifest.check()?;
        Ok(manifest)
    }

    /// Checks the rules serde cannot: the format version, the attachment
    /// count, sizes and unique file names.
    pub fn check(&self) -> Result<(), Error> {
        if self.format != MANIFEST_FORMAT {
            return Err(Error::Format {
                what: "manifest",
                found: self.format,
                expected: MANIFEST_FORMAT,
            });
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(Error::Limit {
                what: "attachments",
                limit: MAX_ATTACHMENTS as u64,
                found: self.attachments.len() as u64,
            });
        }
        let mut names = BTreeSet::new();
        for a in &self.attachments {
            if a.size > MAX_ATTACHMENT_SIZE {
                return Err(Error::Limit {
                    what: "bytes in one attachment",
                    limit: MAX_ATTACHMENT_SIZE,
                    found: a.size,
                });
            }
            if !names.insert(a.name.as_str()) {
                return Err(Error::DuplicateAttachmentName {
                    name: a.name.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Whether this manifest files the same thing as `earlier`: the same
    /// procedure, office and form answers, whatever its id, time, schema
    /// version or files. The app warns before sealing such a one again, so
    /// that one birth is not registered twice by mistake.
    pub fn repeats(&self, earlier: &Self) -> bool {
        self.procedure.code == earlier.procedure.code
            && self.office == earlier.office
            && self.form == earlier.form
    }

    /// The RFC 8785 canonical bytes: the JWS payload.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, Error> {
        to_canonical(self)
    }

    /// SHA-256 of the canonical bytes, shown to the user before signing and
    /// quoted on the office's receipt.
    pub fn digest(&self) -> Result<Sha256, Error> {
        Ok(Sha256::digest(&self.canonical_bytes()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str, office: &str, form: Value) -> Manifest {
        let bytes = serde_json::to_vec(&serde_json::json!({
            "format": MANIFEST_FORMAT, "id": id,
            "procedure": { "code": "1.001193", "version": "2025.1" },
            "office": office, "form": form, "attachments": [],
            "created": "2026-11-25T10:00:00Z", "client": "test/1",
        }))
        .unwrap();
        Manifest::from_json(&bytes).unwrap()
    }

    #[test]
    fn a_repeat_is_the_same_answers_for_the_same_office() {
        let form = serde_json::json!({ "child_name": "Nguyễn Minh Khang", "copies": 2 });
        let first = manifest(
            "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
            "00004",
            form.clone(),
        );
        let again = manifest(
            "1c7f7d3f-4046-4e8b-8d9f-6d9d3c2f1b22",
            "00004",
            form.clone(),
        );
        assert!(
            again.repeats(&first),
            "a new id and time is still the same filing"
        );
        let elsewhere = manifest("1c7f7d3f-4046-4e8b-8d9f-6d9d3c2f1b22", "00007", form);
        assert!(!elsewhere.repeats(&first), "another office");
        let other_child = manifest(
            "1c7f7d3f-4046-4e8b-8d9f-6d9d3c2f1b22",
            "00004",
            serde_json::json!({ "child_name": "Nguyễn Minh Anh", "copies": 2 }),
        );
        assert!(!other_child.repeats(&first), "other answers");
    }
}
