//! Building a manifest from its typed parts.
//!
//! The app (in its worker) and the command line used to assemble manifests
//! each their own way: the app as a `serde_json::Value` patched by key
//! (which panics on a value that is not an object), the command line as a
//! struct literal. [`ManifestBuilder`] is the one way both take: every part
//! is a checked type, nothing is read from a clock or a random source (the
//! caller gives the id and the time, so fixtures and tests are exact), and
//! every fault is an [`Error`], never a panic.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::parse_strict;
use crate::manifest::{Attachment, MANIFEST_FORMAT, Manifest};
use motcua_protocol::{ClientVersion, DossierId, OfficeCode, ProcedureRef, Sha256, Timestamp};

/// Builds a [`Manifest`]: the procedure and office first, then the form
/// values, the attachments, and the id, time and client that make it one
/// filing. [`build`](Self::build) checks the manifest's rules
/// ([`Manifest::check`]) before handing it out.
///
/// ```
/// use motcua_dossier::{Attachment, Manifest, ProcedureRef, Timestamp};
///
/// let procedure = ProcedureRef { code: "1.001193".parse()?, version: "2025.1".parse()? };
/// let built = Manifest::builder(procedure, "00004".parse()?)
///     .form_json(r#"{"child": {"full_name": "Nguyễn Văn An"}}"#.as_bytes())?
///     .attachment(Attachment::from_bytes(
///         "birth_certificate".parse()?,
///         "birth_certificate.pdf".parse()?,
///         motcua_dossier::MediaType::pdf(),
///         Some(1),
///         b"%PDF-1.7 ...",
///     ))
///     .id("0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11".parse()?)
///     .created(Timestamp::from_unix(1_764_000_000)?)
///     .client("motcua-doc/0.1.0".parse()?)
///     .canonical()?;
/// assert_eq!(Manifest::from_json(&built.bytes)?, built.manifest);
/// assert_eq!(built.digest, built.manifest.digest()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until built"]
pub struct ManifestBuilder {
    procedure: ProcedureRef,
    office: OfficeCode,
    form: Map<String, Value>,
    attachments: Vec<Attachment>,
    id: Option<DossierId>,
    created: Option<Timestamp>,
    client: Option<ClientVersion>,
}

/// A built manifest with its RFC 8785 canonical bytes (what a seal signs)
/// and their SHA-256 (what the citizen is shown before signing).
#[derive(Debug, Clone, PartialEq)]
pub struct CanonicalManifest {
    /// The manifest.
    pub manifest: Manifest,
    /// Its canonical bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`.
    pub digest: Sha256,
}

impl Manifest {
    /// Starts a manifest for a filing of `procedure` at `office`, with no
    /// form values and no attachments yet.
    pub fn builder(procedure: ProcedureRef, office: OfficeCode) -> ManifestBuilder {
        ManifestBuilder {
            procedure,
            office,
            form: Map::new(),
            attachments: Vec::new(),
            id: None,
            created: None,
            client: None,
        }
    }
}

impl ManifestBuilder {
    /// Sets the form values, as the procedure schema names them.
    pub fn form(mut self, form: Map<String, Value>) -> Self {
        self.form = form;
        self
    }

    /// Sets the form values from a JSON value, which must be an object:
    /// anything else is [`Error::FormNotObject`].
    pub fn form_value(self, form: Value) -> Result<Self, Error> {
        match form {
            Value::Object(map) => Ok(self.form(map)),
            other => Err(Error::FormNotObject {
                found: json_kind(&other),
            }),
        }
    }

    /// Sets the form values from JSON text (as it crosses the app's worker
    /// boundary, whose codec cannot carry a `serde_json::Value`). Repeated
    /// keys are refused like everywhere in a signed document; a value that
    /// is not an object is [`Error::FormNotObject`].
    pub fn form_json(self, json: &[u8]) -> Result<Self, Error> {
        let value = parse_strict("form data", json)?;
        self.form_value(value)
    }

    /// Adds one attachment, after those added before.
    pub fn attachment(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Adds attachments, in order, after those added before.
    pub fn attachments(mut self, attachments: impl IntoIterator<Item = Attachment>) -> Self {
        self.attachments.extend(attachments);
        self
    }

    /// Sets the dossier id (a new random one per filing:
    /// [`DossierId::generate`]).
    pub fn id(mut self, id: DossierId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets when the manifest was made.
    pub fn created(mut self, created: Timestamp) -> Self {
        self.created = Some(created);
        self
    }

    /// Sets the program that made it, e.g. `motcua-app/0.1.0`.
    pub fn client(mut self, client: ClientVersion) -> Self {
        self.client = Some(client);
        self
    }

    /// The manifest, checked by [`Manifest::check`]. Without an id, a time
    /// or a client it is [`Error::ManifestIncomplete`].
    pub fn build(self) -> Result<Manifest, Error> {
        let missing = |part| Error::ManifestIncomplete { missing: part };
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            id: self.id.ok_or_else(|| missing("id"))?,
            procedure: self.procedure,
            office: self.office,
            form: self.form,
            attachments: self.attachments,
            created: self.created.ok_or_else(|| missing("created"))?,
            client: self.client.ok_or_else(|| missing("client"))?,
        };
        manifest.check()?;
        Ok(manifest)
    }

    /// The manifest as [`build`](Self::build) makes it, with its canonical
    /// bytes and their SHA-256.
    pub fn canonical(self) -> Result<CanonicalManifest, Error> {
        let manifest = self.build()?;
        let bytes = manifest.canonical_bytes()?;
        let digest = Sha256::digest(&bytes);
        Ok(CanonicalManifest {
            manifest,
            bytes,
            digest,
        })
    }
}

/// The JSON type of a value, for [`Error::FormNotObject`].
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::MAX_ATTACHMENTS;
    use motcua_protocol::MediaType;

    fn procedure() -> ProcedureRef {
        ProcedureRef {
            code: "1.001193".parse().unwrap(),
            version: "2025.1".parse().unwrap(),
        }
    }

    fn builder() -> ManifestBuilder {
        Manifest::builder(procedure(), "00004".parse().unwrap())
            .id("0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11".parse().unwrap())
            .created(Timestamp::from_unix(1_764_000_000).unwrap())
            .client("test/1".parse().unwrap())
    }

    fn pdf(name: &str, bytes: &[u8]) -> Attachment {
        Attachment::from_bytes(
            "birth_certificate".parse().unwrap(),
            name.parse().unwrap(),
            MediaType::pdf(),
            Some(1),
            bytes,
        )
    }

    #[test]
    fn builds_what_the_struct_literal_made() {
        let form = serde_json::json!({ "child_name": "Nguyễn Minh Khang", "copies": 2 });
        let built = builder()
            .form_value(form.clone())
            .unwrap()
            .attachment(pdf("a.pdf", b"%PDF-1.7 a"))
            .canonical()
            .unwrap();
        let expected = Manifest {
            format: MANIFEST_FORMAT,
            id: "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11".parse().unwrap(),
            procedure: procedure(),
            office: "00004".parse().unwrap(),
            form: form.as_object().cloned().unwrap(),
            attachments: vec![pdf("a.pdf", b"%PDF-1.7 a")],
            created: Timestamp::from_unix(1_764_000_000).unwrap(),
            client: "test/1".parse().unwrap(),
        };
        assert_eq!(built.manifest, expected);
        assert_eq!(built.bytes, expected.canonical_bytes().unwrap());
        assert_eq!(built.digest, expected.digest().unwrap());
        assert_eq!(Manifest::from_json(&built.bytes).unwrap(), expected);
    }

    #[test]
    fn form_json_is_read_strictly() {
        let from_text = builder()
            .form_json(br#"{"b": 1, "a": {"c": true}}"#)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            Value::Object(from_text.form),
            serde_json::json!({ "a": { "c": true }, "b": 1 })
        );
        assert!(matches!(
            builder().form_json(br#"{"a": 1, "a": 2}"#),
            Err(Error::DuplicateKey { key, .. }) if key == "a"
        ));
        assert!(matches!(
            builder().form_json(br#"{"a": "#),
            Err(Error::Truncated { .. })
        ));
        assert!(matches!(
            builder().form_json(b"not json"),
            Err(Error::Json { .. })
        ));
    }

    /// What used to panic the app's worker: form data that is not an object.
    #[test]
    fn form_data_that_is_not_an_object_is_an_error() {
        for (json, kind) in [
            (&b"null"[..], "null"),
            (b"[1, 2]", "an array"),
            (b"\"text\"", "a string"),
            (b"42", "a number"),
            (b"true", "a boolean"),
        ] {
            let err = builder().form_json(json).unwrap_err();
            assert!(
                matches!(err, Error::FormNotObject { found } if found == kind),
                "{err:?}"
            );
            assert_eq!(err.code(), "form_not_object");
            assert!(err.message().en.contains("object"), "{}", err.message().en);
        }
    }

    #[test]
    fn a_manifest_without_id_time_or_client_is_not_built() {
        let bare = Manifest::builder(procedure(), "00004".parse().unwrap());
        assert!(matches!(
            bare.clone().build(),
            Err(Error::ManifestIncomplete { missing: "id" })
        ));
        let with_id = bare.id(DossierId::generate().unwrap());
        assert!(matches!(
            with_id.clone().build(),
            Err(Error::ManifestIncomplete { missing: "created" })
        ));
        let with_time = with_id.created(Timestamp::from_unix(0).unwrap());
        let err = with_time.clone().canonical().unwrap_err();
        assert!(matches!(
            err,
            Error::ManifestIncomplete { missing: "client" }
        ));
        assert_eq!(err.code(), "manifest_incomplete");
        assert!(with_time.client("test/1".parse().unwrap()).build().is_ok());
    }

    #[test]
    fn the_manifest_rules_apply() {
        let twice = builder()
            .attachment(pdf("a.pdf", b"one"))
            .attachment(pdf("a.pdf", b"two"))
            .build();
        assert!(matches!(
            twice,
            Err(Error::DuplicateAttachmentName { name }) if name == "a.pdf"
        ));
        let many = builder()
            .attachments((0..=MAX_ATTACHMENTS).map(|i| pdf(&format!("{i}.pdf"), b"x")))
            .build();
        assert!(matches!(
            many,
            Err(Error::Limit {
                what: "attachments",
                ..
            })
        ));
        let mut huge = pdf("huge.pdf", b"x");
        huge.size = crate::MAX_ATTACHMENT_SIZE + 1;
        assert!(matches!(
            builder().attachment(huge).build(),
            Err(Error::Limit { .. })
        ));
    }

    #[test]
    fn attachments_keep_their_order() {
        let built = builder()
            .attachment(pdf("b.pdf", b"b"))
            .attachments([pdf("a.pdf", b"a"), pdf("c.pdf", b"c")])
            .build()
            .unwrap();
        let names: Vec<_> = built.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["b.pdf", "a.pdf", "c.pdf"]);
    }
}
