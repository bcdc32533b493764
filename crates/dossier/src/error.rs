//! The one error type of this crate, and its localized messages.

use motcua_protocol::{LocalizedText, RandomnessUnavailable, ValueError};

use motcua_protocol::Sha256;

/// What went wrong reading, sealing or verifying a dossier, or handling a key.
///
/// Variants fall in four families: malformed input (`Json` ... `Limit`),
/// a seal that fails its rules or its signature (`HeaderTooLarge` ...
/// `ManifestNotNormal`), attachments that do not match the manifest, and
/// keys (`Pkcs8` ... `WrongPassphrase`). [`Error::message`] gives the text
/// to show a user, in Vietnamese and English.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not JSON of the expected shape.
    #[error("invalid {what}: {source}")]
    Json {
        /// Which document was being read.
        what: &'static str,
        /// The parser's account of the fault.
        #[source]
        source: serde_json::Error,
    },
    /// The document ends in the middle of a JSON value.
    #[error("{what} is truncated: the JSON ends early")]
    Truncated {
        /// Which document was being read.
        what: &'static str,
    },
    /// An object has the same key twice (RFC 8785 §3.1, RFC 7493 §2.3).
    #[error("{what} has the key {key:?} twice in one object")]
    DuplicateKey {
        /// Which document was being read.
        what: &'static str,
        /// The repeated key.
        key: String,
    },
    /// The document declares a format version this code does not know.
    #[error("unsupported {what} format {found}, expected {expected}")]
    Format {
        /// Which document was being read.
        what: &'static str,
        /// The version found.
        found: u32,
        /// The version this code reads.
        expected: u32,
    },
    /// A value is not valid base64url without padding (or, for `x5c` and
    /// PEM, standard base64).
    #[error("{field} is not valid base64")]
    Base64 {
        /// The member that holds it.
        field: &'static str,
    },
    /// A DER structure (key, certificate) is malformed.
    #[error("{what} {reason}")]
    Der {
        /// What was being read.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A PEM text cannot be used.
    #[error("unusable PEM: {reason}")]
    Pem {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A dossier id is not a lowercase hyphenated UUID.
    #[error(
        "invalid dossier id {0:?}: expected a lowercase UUID like 0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11"
    )]
    DossierId(String),
    /// A digest is not 64 lowercase hex digits.
    #[error("invalid SHA-256 {0:?}: expected 64 lowercase hex digits")]
    Digest(String),
    /// An office code has characters other than letters, digits, `._-:`.
    #[error("invalid office code {0:?}: expected 1 to 64 letters, digits, '.', '_', '-' or ':'")]
    OfficeCode(String),
    /// A component id has characters other than `a-z0-9_`.
    #[error("invalid component id {0:?}: expected 1 to 64 of a-z, 0-9 and '_'")]
    ComponentId(String),
    /// A media type is not a lowercase `type/subtype`.
    #[error("invalid media type {0:?}: expected a lowercase type/subtype without parameters")]
    MediaType(String),
    /// A file name could leave its folder or is unprintable.
    #[error(
        "invalid file name {0:?}: no '/', '\\', control characters or leading '.', at most 255 bytes"
    )]
    FileName(String),
    /// A schema version is empty, too long or not printable ASCII.
    #[error("invalid schema version {0:?}: expected 1 to 32 printable ASCII characters")]
    SchemaVersion(String),
    /// A client version is empty, too long or not printable ASCII.
    #[error("invalid client version {0:?}: expected 1 to 64 printable ASCII characters")]
    ClientVersion(String),
    /// A time is outside 1970–9999 or not `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("invalid time {0:?}: expected YYYY-MM-DDTHH:MM:SSZ between 1970 and 9999")]
    Timestamp(String),
    /// Something is larger or more numerous than allowed.
    #[error("too many {what}: {found}, at most {limit}")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The largest value allowed.
        limit: u64,
        /// The value found.
        found: u64,
    },
    /// Two attachments of one manifest have the same file name.
    #[error("two attachments are named {name:?}")]
    DuplicateAttachmentName {
        /// The name.
        name: String,
    },
    /// The form values given to a [`ManifestBuilder`](crate::ManifestBuilder)
    /// are not a JSON object.
    #[error("the form data is {found}, expected a JSON object")]
    FormNotObject {
        /// The JSON type found, e.g. "an array".
        found: &'static str,
    },
    /// A [`ManifestBuilder`](crate::ManifestBuilder) was built without a
    /// part every manifest has.
    #[error("the manifest has no {missing}")]
    ManifestIncomplete {
        /// The part: "id", "created" or "client".
        missing: &'static str,
    },

    /// The sealed dossier has no signature.
    #[error("the seal has no signature")]
    NoSignatures,
    /// A protected header is larger than [`MAX_PROTECTED_BYTES`](crate::MAX_PROTECTED_BYTES).
    #[error("protected header of {found} bytes, at most {limit}")]
    HeaderTooLarge {
        /// The largest size allowed, in bytes of JSON.
        limit: usize,
        /// The size found (estimated from the base64 length when too long to decode).
        found: usize,
    },
    /// A signature has an unprotected `header`; every parameter must be
    /// integrity-protected.
    #[error("a signature has an unprotected header; all header parameters must be protected")]
    UnprotectedHeader,
    /// A required header parameter is missing or of the wrong JSON type.
    #[error("header parameter {name:?} is missing or of the wrong type")]
    HeaderMember {
        /// The parameter.
        name: &'static str,
    },
    /// A header parameter has a value other than the one required.
    #[error("header parameter {name:?} is {found}, which is not allowed")]
    HeaderValue {
        /// The parameter.
        name: &'static str,
        /// The value found, as JSON.
        found: String,
    },
    /// `alg` is `none` or an HMAC algorithm: a seal must be a public-key
    /// signature.
    #[error("algorithm {alg:?} is refused: a seal needs a public-key signature")]
    ForbiddenAlgorithm {
        /// The `alg` value.
        alg: String,
    },
    /// `alg` names an algorithm this crate does not support.
    #[error("unsupported algorithm {alg:?}: expected ES256, EdDSA, RS256 or PS256")]
    UnsupportedAlgorithm {
        /// The `alg` value.
        alg: String,
    },
    /// `crit` lists an extension this crate does not understand
    /// (RFC 7515 §4.1.11).
    #[error("unknown critical header parameter {name:?}")]
    UnknownCrit {
        /// The extension name.
        name: String,
    },
    /// `b64` is present but not listed in `crit` (RFC 7797 §6).
    #[error("header parameter b64 must be listed in crit")]
    B64NotCritical,
    /// `b64` is missing or `true`: the seal signs the manifest bytes
    /// unencoded (RFC 7797).
    #[error("the payload must be unencoded: header parameter b64 must be false")]
    EncodedPayload,
    /// The header carries neither `jwk` nor `x5c`.
    #[error("the header has neither jwk nor x5c, so there is no key to check with")]
    NoKey,
    /// The header's `jwk` is not the public key of the `x5c` leaf.
    #[error("header jwk and the x5c certificate hold different keys")]
    JwkCertificateMismatch,
    /// `x5t#S256` is not the SHA-256 of the `x5c` leaf.
    #[error("x5t#S256 {found:?} is not the leaf certificate's thumbprint {expected:?}")]
    CertificateThumbprint {
        /// The leaf's thumbprint.
        expected: String,
        /// The header value.
        found: String,
    },
    /// `kid` is not the RFC 7638 thumbprint of the header's key.
    #[error("kid {kid:?} is not the key's thumbprint {expected:?}")]
    KidMismatch {
        /// The header value.
        kid: String,
        /// The key's thumbprint.
        expected: String,
    },
    /// The key is not of the kind the algorithm needs.
    #[error("algorithm {alg} cannot be used with an {key} key")]
    KeyAlgorithmMismatch {
        /// The algorithm.
        alg: &'static str,
        /// The kind of key.
        key: &'static str,
    },
    /// The signature has the wrong length for its key (a truncated or
    /// padded JWS signature, or DER-encoded ECDSA).
    #[error("signature of {found} bytes, expected {expected}")]
    SignatureLength {
        /// The length the key and algorithm give.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// The signature does not verify: the manifest or header changed after
    /// signing, or another key signed.
    #[error("the signature does not verify")]
    BadSignature,
    /// The Ed25519 public key is a point of small order or not canonically
    /// encoded (y ≥ p): such a key "verifies" signatures that no one made
    /// (strict verification, RFC 8032 §5.1.7; Chalkias et al., "Taming the
    /// many EdDSAs", 2020).
    #[error("the Ed25519 public key is a small-order or non-canonical point")]
    WeakEd25519Key,
    /// The Ed25519 signature's point R is of small order or not canonically
    /// encoded: refused like a weak key.
    #[error("the Ed25519 signature's point R is small-order or non-canonical")]
    WeakEd25519Signature,
    /// The signature verifies, but with a key the caller does not trust.
    #[error("signed by key {kid:?}, which is not among the expected keys")]
    UnexpectedKey {
        /// The key's thumbprint.
        kid: String,
    },
    /// A payload given for verification is not in RFC 8785 form.
    #[error("the payload is not in RFC 8785 canonical form")]
    NonCanonicalPayload,
    /// The seal carries a payload other than the manifest's canonical bytes.
    #[error("the seal's payload is not the manifest's canonical bytes")]
    PayloadMismatch,
    /// The manifest holds a member in a form motcua never writes (such as
    /// `null` for an absent optional value), so readers could disagree.
    #[error("the manifest is not in normal form (e.g. null where a member should be absent)")]
    ManifestNotNormal,

    /// An attachment listed in the manifest is not at hand.
    #[error("attachment {name:?} is missing")]
    AttachmentMissing {
        /// Its file name.
        name: String,
    },
    /// An attachment's size differs from the manifest.
    #[error("attachment {name:?} has {found} bytes, the manifest says {expected}")]
    AttachmentSize {
        /// Its file name.
        name: String,
        /// The size in the manifest.
        expected: u64,
        /// The size found.
        found: u64,
    },
    /// An attachment's SHA-256 differs from the manifest: it was changed or
    /// swapped.
    #[error("attachment {name:?} has SHA-256 {found}, the manifest says {expected}")]
    AttachmentDigest {
        /// Its file name.
        name: String,
        /// The digest in the manifest.
        expected: Sha256,
        /// The digest found.
        found: Sha256,
    },
    /// An attachment could not be read.
    #[error("cannot read attachment {name:?}: {source}")]
    Io {
        /// Its file name.
        name: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A PKCS#8 private key is malformed or refused by the crypto library.
    #[error("unusable PKCS#8 private key: {reason}")]
    Pkcs8 {
        /// What is wrong with it.
        reason: String,
    },
    /// The private key is encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`).
    #[error(
        "the private key is encrypted PKCS#8; decrypt it first: openssl pkcs8 -in KEY -out PLAIN.pem"
    )]
    EncryptedPkcs8,
    /// The private key is in a pre-PKCS#8 PEM form.
    #[error(
        "{label} is not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem"
    )]
    LegacyKeyFormat {
        /// The PEM label, e.g. `RSA PRIVATE KEY`.
        label: String,
    },
    /// A key of a kind not supported (P-384, Ed448, DSA, ...).
    #[error("unsupported key type: {found}; expected RSA, EC P-256 or Ed25519")]
    UnsupportedKey {
        /// The kind of key found.
        found: String,
    },
    /// An RSA key is shorter than 2048 bits.
    #[error("RSA key of {bits} bits, at least 2048 needed")]
    RsaKeyTooSmall {
        /// The modulus size.
        bits: usize,
    },
    /// A JWK is malformed.
    #[error("invalid JWK: {reason}")]
    Jwk {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A JWK meant to be public holds private key material.
    #[error("the JWK holds private key member {member:?}")]
    PrivateJwk {
        /// The private member.
        member: String,
    },
    /// The certificate's public key is not the private key's.
    #[error("the certificate is for key {certificate}, not for this key {kid}")]
    CertificateKeyMismatch {
        /// Thumbprint of the private key's public key.
        kid: String,
        /// Thumbprint of the certificate's public key.
        certificate: String,
    },
    /// A passphrase for a new key file is too short.
    #[error("passphrase of {found} characters, at least {min} needed")]
    PassphraseTooShort {
        /// The fewest characters accepted.
        min: usize,
        /// The number given.
        found: usize,
    },
    /// A key file asks for a PBKDF2 iteration count out of range.
    #[error("PBKDF2 iteration count {found} out of range 600000..=10000000")]
    KdfIterations {
        /// The count in the file.
        found: u32,
    },
    /// A key file is inconsistent.
    #[error("invalid key file: {reason}")]
    KeyFile {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The passphrase does not open the key file (or the file was changed).
    #[error("wrong passphrase, or the key file was changed")]
    WrongPassphrase,
    /// The system's secure random source failed.
    #[error("the secure random source failed")]
    Random,
    /// The crypto library failed to sign or encrypt.
    #[error("the crypto library failed to sign or encrypt")]
    Signing,
}

/// A protocol value read inside a dossier, a seal or a receipt, reported as
/// this crate always did.
impl From<ValueError> for Error {
    fn from(e: ValueError) -> Self {
        match e {
            ValueError::DossierId(v) => Self::DossierId(v),
            ValueError::Digest(v) => Self::Digest(v),
            ValueError::OfficeCode(v) => Self::OfficeCode(v),
            ValueError::ComponentId(v) => Self::ComponentId(v),
            ValueError::MediaType(v) => Self::MediaType(v),
            ValueError::FileName(v) => Self::FileName(v),
            ValueError::SchemaVersion(v) => Self::SchemaVersion(v),
            ValueError::ClientVersion(v) => Self::ClientVersion(v),
            ValueError::Timestamp(v) => Self::Timestamp(v),
            // Both codes are read from headers or claims of a receipt.
            ValueError::DossierCode(v) => Self::HeaderValue {
                name: "dossier_code",
                found: serde_json::Value::from(v).to_string(),
            },
            ValueError::ProcedureCode(v) => Self::HeaderValue {
                name: "procedure",
                found: serde_json::Value::from(v).to_string(),
            },
            other => Self::HeaderValue {
                name: other.code(),
                found: serde_json::Value::from(other.found()).to_string(),
            },
        }
    }
}

impl From<RandomnessUnavailable> for Error {
    fn from(_: RandomnessUnavailable) -> Self {
        Self::Random
    }
}

impl Error {
    /// A stable snake_case code for the variant, for machines (`motcua
    /// verify --json`, the intake server's error bodies). Codes are never
    /// reused for another meaning.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json { .. } => "json",
            Self::Truncated { .. } => "truncated",
            Self::DuplicateKey { .. } => "duplicate_key",
            Self::Format { .. } => "format",
            Self::Base64 { .. } => "base64",
            Self::Der { .. } => "der",
            Self::Pem { .. } => "pem",
            Self::DossierId(_) => "dossier_id",
            Self::Digest(_) => "digest",
            Self::OfficeCode(_) => "office_code",
            Self::ComponentId(_) => "component_id",
            Self::MediaType(_) => "media_type",
            Self::FileName(_) => "file_name",
            Self::SchemaVersion(_) => "schema_version",
            Self::ClientVersion(_) => "client_version",
            Self::Timestamp(_) => "timestamp",
            Self::Limit { .. } => "limit",
            Self::DuplicateAttachmentName { .. } => "duplicate_attachment_name",
            Self::FormNotObject { .. } => "form_not_object",
            Self::ManifestIncomplete { .. } => "manifest_incomplete",
            Self::NoSignatures => "no_signatures",
            Self::HeaderTooLarge { .. } => "header_too_large",
            Self::UnprotectedHeader => "unprotected_header",
            Self::HeaderMember { .. } => "header_member",
            Self::HeaderValue { .. } => "header_value",
            Self::ForbiddenAlgorithm { .. } => "forbidden_algorithm",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::UnknownCrit { .. } => "unknown_crit",
            Self::B64NotCritical => "b64_not_critical",
            Self::EncodedPayload => "encoded_payload",
            Self::NoKey => "no_key",
            Self::JwkCertificateMismatch => "jwk_certificate_mismatch",
            Self::CertificateThumbprint { .. } => "certificate_thumbprint",
            Self::KidMismatch { .. } => "kid_mismatch",
            Self::KeyAlgorithmMismatch { .. } => "key_algorithm_mismatch",
            Self::SignatureLength { .. } => "signature_length",
            Self::BadSignature => "bad_signature",
            Self::WeakEd25519Key => "weak_ed25519_key",
            Self::WeakEd25519Signature => "weak_ed25519_signature",
            Self::UnexpectedKey { .. } => "unexpected_key",
            Self::NonCanonicalPayload => "non_canonical_payload",
            Self::PayloadMismatch => "payload_mismatch",
            Self::ManifestNotNormal => "manifest_not_normal",
            Self::AttachmentMissing { .. } => "attachment_missing",
            Self::AttachmentSize { .. } => "attachment_size",
            Self::AttachmentDigest { .. } => "attachment_digest",
            Self::Io { .. } => "io",
            Self::Pkcs8 { .. } => "pkcs8",
            Self::EncryptedPkcs8 => "encrypted_pkcs8",
            Self::LegacyKeyFormat { .. } => "legacy_key_format",
            Self::UnsupportedKey { .. } => "unsupported_key",
            Self::RsaKeyTooSmall { .. } => "rsa_key_too_small",
            Self::Jwk { .. } => "jwk",
            Self::PrivateJwk { .. } => "private_jwk",
            Self::CertificateKeyMismatch { .. } => "certificate_key_mismatch",
            Self::PassphraseTooShort { .. } => "passphrase_too_short",
            Self::KdfIterations { .. } => "kdf_iterations",
            Self::KeyFile { .. } => "key_file",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::Random => "random",
            Self::Signing => "signing",
        }
    }

    /// The message to show a user, in Vietnamese and English.
    pub fn message(&self) -> LocalizedText {
        let t = |vi: String, en: String| LocalizedText::new(vi, en);
        match self {
            Self::Json { what, .. } => t(
                format!("Tệp {} không đúng định dạng JSON mong đợi.", vi_what(what)),
                format!("The {what} is not JSON of the expected shape."),
            ),
            Self::Truncated { what } => t(
                format!("Tệp {} bị cắt cụt: dữ liệu JSON kết thúc giữa chừng.", vi_what(what)),
                format!("The {what} is truncated: the JSON ends early."),
            ),
            Self::DuplicateKey { what, key } => t(
                format!("Tệp {} có khóa \"{key}\" lặp lại trong cùng một đối tượng.", vi_what(what)),
                format!("The {what} has the key \"{key}\" twice in one object."),
            ),
            Self::Format { what, found, expected } => t(
                format!("Phiên bản định dạng {found} của {} chưa được hỗ trợ (cần {expected}).", vi_what(what)),
                format!("Format version {found} of the {what} is not supported (expected {expected})."),
            ),
            Self::Base64 { field } => t(
                format!("Trường {field} không phải base64 hợp lệ."),
                format!("The field {field} is not valid base64."),
            ),
            Self::Der { what, reason } => t(
                format!("Cấu trúc {what} bị hỏng ({reason})."),
                format!("The {what} is malformed ({reason})."),
            ),
            Self::Pem { reason } => t(
                format!("Tệp PEM không dùng được ({reason})."),
                format!("The PEM file cannot be used ({reason})."),
            ),
            Self::DossierId(v) => t(format!("Mã hồ sơ \"{v}\" không hợp lệ."), format!("The dossier id \"{v}\" is not valid.")),
            Self::Digest(v) => t(format!("Giá trị băm \"{v}\" không hợp lệ."), format!("The SHA-256 \"{v}\" is not valid.")),
            Self::OfficeCode(v) => t(format!("Mã cơ quan \"{v}\" không hợp lệ."), format!("The office code \"{v}\" is not valid.")),
            Self::ComponentId(v) => t(format!("Mã thành phần hồ sơ \"{v}\" không hợp lệ."), format!("The dossier component id \"{v}\" is not valid.")),
            Self::MediaType(v) => t(format!("Kiểu tệp \"{v}\" không hợp lệ."), format!("The media type \"{v}\" is not valid.")),
            Self::FileName(v) => t(format!("Tên tệp \"{v}\" không hợp lệ."), format!("The file name \"{v}\" is not valid.")),
            Self::SchemaVersion(v) => t(format!("Phiên bản biểu mẫu \"{v}\" không hợp lệ."), format!("The schema version \"{v}\" is not valid.")),
            Self::ClientVersion(v) => t(format!("Phiên bản phần mềm \"{v}\" không hợp lệ."), format!("The client version \"{v}\" is not valid.")),
            Self::Timestamp(v) => t(format!("Thời điểm \"{v}\" không hợp lệ."), format!("The time \"{v}\" is not valid.")),
            Self::Limit { what, limit, found } => t(
                format!("Vượt giới hạn ({what}): {found}, tối đa {limit}."),
                format!("Too many {what}: {found}, at most {limit}."),
            ),
            Self::DuplicateAttachmentName { name } => t(
                format!("Có hai tệp đính kèm cùng tên \"{name}\"."),
                format!("Two attachments are named \"{name}\"."),
            ),
            Self::FormNotObject { .. } => t(
                "Dữ liệu tờ khai hỏng: không phải một đối tượng JSON.".into(),
                "The form data is broken: it is not a JSON object.".into(),
            ),
            Self::ManifestIncomplete { missing } => t(
                format!("Bản kê khai hồ sơ chưa đủ: thiếu \"{missing}\"."),
                format!("The dossier manifest is incomplete: it has no \"{missing}\"."),
            ),
            Self::NoSignatures => t("Hồ sơ chưa được ký.".into(), "The dossier has no signature.".into()),
            Self::HeaderTooLarge { limit, found } => t(
                format!("Phần đầu chữ ký quá lớn: {found} byte, tối đa {limit}."),
                format!("The signature header is too large: {found} bytes, at most {limit}."),
            ),
            Self::UnprotectedHeader => t(
                "Chữ ký có phần đầu không được bảo vệ; mọi tham số phải được ký.".into(),
                "A signature has an unprotected header; every parameter must be signed.".into(),
            ),
            Self::HeaderMember { name } => t(
                format!("Phần đầu chữ ký thiếu tham số \"{name}\" hoặc sai kiểu."),
                format!("The signature header lacks \"{name}\" or has it of the wrong type."),
            ),
            Self::HeaderValue { name, found } => t(
                format!("Tham số \"{name}\" của chữ ký có giá trị không được chấp nhận: {found}."),
                format!("The signature parameter \"{name}\" has a value that is not allowed: {found}."),
            ),
            Self::ForbiddenAlgorithm { alg } => t(
                format!("Thuật toán \"{alg}\" bị từ chối: con dấu phải là chữ ký khóa công khai."),
                format!("The algorithm \"{alg}\" is refused: a seal must be a public-key signature."),
            ),
            Self::UnsupportedAlgorithm { alg } => t(
                format!("Thuật toán \"{alg}\" chưa được hỗ trợ (chỉ ES256, EdDSA, RS256, PS256)."),
                format!("The algorithm \"{alg}\" is not supported (only ES256, EdDSA, RS256, PS256)."),
            ),
            Self::UnknownCrit { name } => t(
                format!("Chữ ký đòi hỏi phần mở rộng \"{name}\" không được hỗ trợ."),
                format!("The signature requires the unsupported extension \"{name}\"."),
            ),
            Self::B64NotCritical => t(
                "Tham số b64 phải được liệt kê trong crit.".into(),
                "The b64 parameter must be listed in crit.".into(),
            ),
            Self::EncodedPayload => t(
                "Chữ ký phải dùng nội dung không mã hóa (b64 = false).".into(),
                "The signature must use an unencoded payload (b64 = false).".into(),
            ),
            Self::NoKey => t(
                "Chữ ký không kèm khóa công khai hay chứng thư số để kiểm tra.".into(),
                "The signature carries no public key or certificate to check it with.".into(),
            ),
            Self::JwkCertificateMismatch => t(
                "Khóa công khai và chứng thư số trong chữ ký không khớp nhau.".into(),
                "The public key and the certificate in the signature do not match.".into(),
            ),
            Self::CertificateThumbprint { .. } => t(
                "Dấu vân tay x5t#S256 không khớp với chứng thư số.".into(),
                "The x5t#S256 thumbprint does not match the certificate.".into(),
            ),
            Self::KidMismatch { kid, .. } => t(
                format!("Mã khóa \"{kid}\" không khớp với khóa công khai."),
                format!("The key id \"{kid}\" does not match the public key."),
            ),
            Self::KeyAlgorithmMismatch { alg, key } => t(
                format!("Không thể dùng thuật toán {alg} với khóa {key}."),
                format!("The algorithm {alg} cannot be used with an {key} key."),
            ),
            Self::SignatureLength { expected, found } => t(
                format!("Chữ ký dài {found} byte, cần {expected}: chữ ký bị cắt cụt hoặc hỏng."),
                format!("The signature is {found} bytes, expected {expected}: it is truncated or damaged."),
            ),
            Self::BadSignature => t(
                "Chữ ký không hợp lệ: hồ sơ đã bị thay đổi sau khi ký, hoặc được ký bằng khóa khác.".into(),
                "The signature is not valid: the dossier changed after signing, or another key signed it.".into(),
            ),
            Self::WeakEd25519Key => t(
                "Khóa công khai Ed25519 không an toàn (điểm bậc nhỏ hoặc mã hóa không chuẩn): chữ ký của nó không chứng minh được gì.".into(),
                "The Ed25519 public key is unsafe (a small-order or non-canonically encoded point): its signatures prove nothing.".into(),
            ),
            Self::WeakEd25519Signature => t(
                "Chữ ký Ed25519 không an toàn (điểm R bậc nhỏ hoặc mã hóa không chuẩn).".into(),
                "The Ed25519 signature is unsafe (its point R is small-order or non-canonically encoded).".into(),
            ),
            Self::UnexpectedKey { kid } => t(
                format!("Hồ sơ được ký bằng khóa \"{kid}\", không phải khóa mong đợi."),
                format!("The dossier was signed with key \"{kid}\", not an expected key."),
            ),
            Self::NonCanonicalPayload => t(
                "Nội dung được ký không ở dạng chuẩn RFC 8785.".into(),
                "The signed content is not in RFC 8785 canonical form.".into(),
            ),
            Self::PayloadMismatch => t(
                "Nội dung kèm chữ ký khác với bản kê khai hồ sơ.".into(),
                "The content in the seal differs from the dossier manifest.".into(),
            ),
            Self::ManifestNotNormal => t(
                "Bản kê khai hồ sơ có trường ở dạng không chuẩn.".into(),
                "The dossier manifest has a member in a non-normal form.".into(),
            ),
            Self::AttachmentMissing { name } => t(
                format!("Thiếu tệp đính kèm \"{name}\"."),
                format!("The attachment \"{name}\" is missing."),
            ),
            Self::AttachmentSize { name, expected, found } => t(
                format!("Tệp đính kèm \"{name}\" có {found} byte, bản kê khai ghi {expected}: tệp đã bị thay đổi."),
                format!("The attachment \"{name}\" has {found} bytes, the manifest says {expected}: it was changed."),
            ),
            Self::AttachmentDigest { name, .. } => t(
                format!("Tệp đính kèm \"{name}\" đã bị thay đổi hoặc tráo đổi (giá trị băm không khớp)."),
                format!("The attachment \"{name}\" was changed or swapped (its SHA-256 does not match)."),
            ),
            Self::Io { name, .. } => t(
                format!("Không đọc được tệp đính kèm \"{name}\"."),
                format!("The attachment \"{name}\" cannot be read."),
            ),
            Self::Pkcs8 { .. } => t(
                "Khóa bí mật PKCS#8 bị hỏng hoặc không dùng được.".into(),
                "The PKCS#8 private key is damaged or cannot be used.".into(),
            ),
            Self::EncryptedPkcs8 => t(
                "Khóa bí mật đang được mã hóa; hãy giải mã trước khi nhập.".into(),
                "The private key is encrypted; decrypt it before importing.".into(),
            ),
            Self::LegacyKeyFormat { label } => t(
                format!("Khóa dạng \"{label}\" chưa được hỗ trợ; hãy chuyển sang PKCS#8."),
                format!("Keys in the \"{label}\" form are not supported; convert the key to PKCS#8."),
            ),
            Self::UnsupportedKey { found } => t(
                format!("Loại khóa chưa được hỗ trợ: {found} (chỉ RSA, EC P-256, Ed25519)."),
                format!("Unsupported key type: {found} (only RSA, EC P-256, Ed25519)."),
            ),
            Self::RsaKeyTooSmall { bits } => t(
                format!("Khóa RSA {bits} bit quá ngắn, cần ít nhất 2048 bit."),
                format!("The RSA key of {bits} bits is too short; at least 2048 bits are needed."),
            ),
            Self::Jwk { .. } => t("Khóa công khai (JWK) bị hỏng.".into(), "The public key (JWK) is malformed.".into()),
            Self::PrivateJwk { .. } => t(
                "Khóa công khai (JWK) lại chứa phần khóa bí mật.".into(),
                "The public key (JWK) contains private key material.".into(),
            ),
            Self::CertificateKeyMismatch { .. } => t(
                "Chứng thư số không thuộc về khóa bí mật này.".into(),
                "The certificate does not belong to this private key.".into(),
            ),
            Self::PassphraseTooShort { min, .. } => t(
                format!("Mật khẩu quá ngắn, cần ít nhất {min} ký tự."),
                format!("The passphrase is too short; at least {min} characters are needed."),
            ),
            Self::KdfIterations { found } => t(
                format!("Tệp khóa dùng số vòng lặp PBKDF2 không được chấp nhận ({found})."),
                format!("The key file uses a PBKDF2 iteration count that is not accepted ({found})."),
            ),
            Self::KeyFile { .. } => t("Tệp khóa bị hỏng.".into(), "The key file is damaged.".into()),
            Self::WrongPassphrase => t(
                "Sai mật khẩu, hoặc tệp khóa đã bị thay đổi.".into(),
                "Wrong passphrase, or the key file was changed.".into(),
            ),
            Self::Random => t(
                "Không lấy được số ngẫu nhiên an toàn từ hệ thống.".into(),
                "The system's secure random source failed.".into(),
            ),
            Self::Signing => t(
                "Thư viện mật mã không ký hoặc mã hóa được.".into(),
                "The crypto library failed to sign or encrypt.".into(),
            ),
        }
    }
}

/// The Vietnamese name of a document named in an error.
fn vi_what(what: &str) -> &'static str {
    match what {
        "manifest" => "bản kê khai hồ sơ",
        "sealed dossier" => "hồ sơ đã ký",
        "seal" => "con dấu (chữ ký)",
        "key file" => "khóa",
        "protected header" => "phần đầu chữ ký",
        "JSON document" => "JSON",
        "form data" => "dữ liệu tờ khai",
        _ => "dữ liệu",
    }
}
