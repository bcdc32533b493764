//! The office directory: which one-stop offices exist, what they accept, and
//! how their backends are reached — a JSON document signed by its publisher
//! (docs/directory.md).
//!
//! A [`Directory`] lists [`OfficeEntry`]s: code, name, level, province and
//! commune, address, procedures accepted, the [`Backend`] (adapter and
//! endpoint) and limits. The app holds the signed file, checks it with
//! [`Directory::verify`] against the publisher keys it pins
//! ([`PublisherPins`]), lets the applicant pick an office
//! ([`Directory::search`], [`Directory::suggest`]) and queues the sealed
//! dossier for it ([`Directory::outbox_entry`]).

use std::collections::{BTreeMap, BTreeSet};

use motcua_dossier::{OfficeCode, Timestamp};
use motcua_forms::{CommuneCode, LocalizedText, ProcedureCode, ProvinceCode};
use motcua_protocol::Limits;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::adapter::MultipartConfig;
use crate::error::Error;
use crate::office::Endpoint;
use crate::outbox::OutboxEntry;

mod search;
mod signed;
mod units;

pub use search::OfficeQuery;
pub use signed::{PublisherPins, VerifiedDirectory};

/// The directory format this code reads and writes (member `format`).
pub const DIRECTORY_FORMAT: u32 = 1;
/// The `typ` of a signed directory's protected header.
pub const DIRECTORY_TYP: &str = "motcua-directory+jws";
/// Where an intake server publishes a directory (RFC 8615 well-known URI).
/// The media type of a signed directory: a JWS in the flattened JSON
/// serialization (RFC 7515 §7.2.2, §9.2.2).
pub const DIRECTORY_MEDIA_TYPE: &str = "application/jose+json";
/// The largest signed directory file read, in bytes.
pub const MAX_DIRECTORY_BYTES: usize = 16 * 1024 * 1024;
/// The most offices one directory lists.
pub const MAX_OFFICES: usize = 20_000;

/// Who publishes the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Its name.
    pub name: LocalizedText,
    /// Where to read about it, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The level of an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfficeLevel {
    /// A commune, ward or special zone's one-stop office (cấp xã); its code
    /// is the 5-digit commune code (Decision 19/2025/QĐ-TTg).
    Commune,
    /// A province-level office (cấp tỉnh): the province's public
    /// administrative service centre, or a department. Its code is `P`, the
    /// 2-digit province code, and optionally `.` and an agency suffix, e.g.
    /// `P79` or `P79.STP`.
    Province,
    /// A level this client does not know (a newer directory).
    #[serde(other)]
    Other,
}

impl OfficeLevel {
    /// The level's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Province => "province",
            Self::Other => "other",
        }
    }

    /// The level's name to show.
    pub fn label(self) -> LocalizedText {
        let (vi, en) = match self {
            Self::Commune => ("Cấp xã", "Commune level"),
            Self::Province => ("Cấp tỉnh", "Province level"),
            Self::Other => ("Cấp khác", "Other level"),
        };
        LocalizedText::new(vi, en)
    }
}

/// The procedures an office accepts: `"all"` or a list of codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProceduresWire", into = "ProceduresWire")]
pub enum Procedures {
    /// Every procedure (the office's backend refuses what it does not
    /// handle).
    All,
    /// Only these.
    Only(Vec<ProcedureCode>),
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ProceduresWire {
    Word(String),
    List(Vec<ProcedureCode>),
}

impl TryFrom<ProceduresWire> for Procedures {
    type Error = String;

    fn try_from(wire: ProceduresWire) -> Result<Self, String> {
        match wire {
            ProceduresWire::Word(w) if w == "all" => Ok(Self::All),
            ProceduresWire::Word(w) => Err(format!(
                "procedures: expected \"all\" or a list of codes, found {w:?}"
            )),
            ProceduresWire::List(codes) => Ok(Self::Only(codes)),
        }
    }
}

impl From<Procedures> for ProceduresWire {
    fn from(p: Procedures) -> Self {
        match p {
            Procedures::All => Self::Word("all".into()),
            Procedures::Only(codes) => Self::List(codes),
        }
    }
}

impl Procedures {
    /// Whether `procedure` is accepted.
    pub fn accepts(&self, procedure: &ProcedureCode) -> bool {
        match self {
            Self::All => true,
            Self::Only(codes) => codes.contains(procedure),
        }
    }
}

/// An office that states no limits in the directory: only its server's
/// announced ones apply.
fn no_stated_limits() -> Limits {
    Limits::UNBOUNDED
}

/// How an office's backend is reached: the adapter and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Map<String, Value>", into = "Map<String, Value>")]
#[non_exhaustive]
pub enum Backend {
    /// The motcua intake protocol (docs/intake-protocol.md): capabilities at
    /// `url` + `/.well-known/motcua`, tus uploads, an office-signed receipt.
    MotcuaV1 {
        /// The intake server's origin.
        url: Endpoint,
        /// The RFC 7638 thumbprint of the office's receipt key; receipts
        /// signed with another key are refused.
        receipt_kid: String,
    },
    /// A plain HTTP `multipart/form-data` POST to an existing backend; no
    /// signed receipt (see [`MultipartConfig`]).
    Multipart(MultipartConfig),
    /// An adapter this client does not have (a newer directory); the office
    /// is listed but cannot be filed to from here.
    Unsupported {
        /// The adapter's name.
        adapter: String,
    },
}

impl Backend {
    /// The adapter's name: `motcua-v1`, `multipart`, or the unknown name.
    pub fn adapter(&self) -> &str {
        match self {
            Self::MotcuaV1 { .. } => "motcua-v1",
            Self::Multipart(_) => "multipart",
            Self::Unsupported { adapter } => adapter,
        }
    }

    /// The backend's URL (for `multipart`, where dossiers are posted), or
    /// `None` for an unsupported adapter.
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::MotcuaV1 { url, .. } => Some(url.as_str()),
            Self::Multipart(config) => Some(&config.url),
            Self::Unsupported { .. } => None,
        }
    }
}

impl TryFrom<Map<String, Value>> for Backend {
    type Error = String;

    fn try_from(mut map: Map<String, Value>) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct V1 {
            url: Endpoint,
            receipt_kid: String,
        }
        let adapter = match map.remove("adapter") {
            Some(Value::String(name)) => name,
            _ => return Err("backend: member \"adapter\" (a string) is missing".into()),
        };
        match adapter.as_str() {
            "motcua-v1" => {
                let v1: V1 = serde_json::from_value(Value::Object(map))
                    .map_err(|e| format!("backend (motcua-v1): {e}"))?;
                Ok(Self::MotcuaV1 {
                    url: v1.url,
                    receipt_kid: v1.receipt_kid,
                })
            }
            "multipart" => serde_json::from_value(Value::Object(map))
                .map(Self::Multipart)
                .map_err(|e| format!("backend (multipart): {e}")),
            _ => Ok(Self::Unsupported { adapter }),
        }
    }
}

impl From<Backend> for Map<String, Value> {
    fn from(backend: Backend) -> Self {
        let mut map = match &backend {
            Backend::MotcuaV1 { url, receipt_kid } => {
                let mut m = Self::new();
                m.insert("url".into(), url.as_str().into());
                m.insert("receipt_kid".into(), receipt_kid.as_str().into());
                m
            }
            Backend::Multipart(config) => match serde_json::to_value(config) {
                Ok(Value::Object(m)) => m,
                _ => Self::new(),
            },
            Backend::Unsupported { .. } => Self::new(),
        };
        map.insert("adapter".into(), backend.adapter().into());
        map
    }
}

/// One office of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeEntry {
    /// The office code dossiers for it carry in their manifest (`office`).
    pub code: OfficeCode,
    /// Its name.
    pub name: LocalizedText,
    /// Its level.
    pub level: OfficeLevel,
    /// The province it is in (2 digits, Decision 19/2025/QĐ-TTg).
    pub province: ProvinceCode,
    /// The commune it serves, for commune-level offices (5 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<CommuneCode>,
    /// Its street address, to show.
    pub address: String,
    /// The procedures it accepts.
    pub procedures: Procedures,
    /// How its backend is reached.
    pub backend: Backend,
    /// Its limits, if the directory states any.
    #[serde(
        default = "no_stated_limits",
        skip_serializing_if = "Limits::is_unbounded"
    )]
    pub limits: Limits,
}

impl OfficeEntry {
    /// Whether the office accepts `procedure`.
    pub fn accepts(&self, procedure: &ProcedureCode) -> bool {
        self.procedures.accepts(procedure)
    }

    /// Whether this client can file to the office (its adapter is known).
    pub fn is_reachable(&self) -> bool {
        !matches!(self.backend, Backend::Unsupported { .. })
    }

    /// Checks the rules of docs/directory.md for one office.
    fn validate(&self) -> Result<(), String> {
        if self.name.vi.trim().is_empty() || self.name.en.trim().is_empty() {
            return Err("name: both vi and en are needed".into());
        }
        if self.address.trim().is_empty() {
            return Err("address is empty".into());
        }
        match self.level {
            OfficeLevel::Commune => match &self.commune {
                Some(commune) if commune.as_str() == self.code.as_str() => {}
                Some(commune) => {
                    return Err(format!(
                        "a commune-level office's code is its commune code {commune}"
                    ));
                }
                None => return Err("a commune-level office needs \"commune\"".into()),
            },
            OfficeLevel::Province => {
                if self.commune.is_some() {
                    return Err("a province-level office has no \"commune\"".into());
                }
                if !is_province_office_code(self.code.as_str(), &self.province) {
                    return Err(format!(
                        "a province-level office's code is P{0} or P{0}.SUFFIX (1 to 16 of A-Z, 0-9)",
                        self.province.as_str()
                    ));
                }
            }
            OfficeLevel::Other => {}
        }
        if let Procedures::Only(codes) = &self.procedures {
            if codes.is_empty() {
                return Err(
                    "procedures: an empty list (use \"all\", or leave the office out)".into(),
                );
            }
            let distinct: BTreeSet<&ProcedureCode> = codes.iter().collect();
            if distinct.len() != codes.len() {
                return Err("procedures: a code is listed twice".into());
            }
        }
        match &self.backend {
            Backend::MotcuaV1 { receipt_kid, .. } => {
                if !is_thumbprint(receipt_kid) {
                    return Err(format!(
                        "backend.receipt_kid: expected an RFC 7638 SHA-256 thumbprint (43 base64url characters), found {receipt_kid:?}"
                    ));
                }
            }
            Backend::Multipart(config) => config.validate().map_err(|e| format!("backend: {e}"))?,
            Backend::Unsupported { .. } => {}
        }
        let l = &self.limits;
        let zero = [
            l.max_attachment_bytes == 0,
            l.max_attachments == 0,
            l.max_dossier_bytes == 0,
            l.max_manifest_bytes == 0,
        ];
        if zero.contains(&true) {
            return Err("limits: a limit of 0 accepts nothing".into());
        }
        Ok(())
    }
}

/// Whether `code` follows the province-level scheme for `province`:
/// `P<2 digits>` or `P<2 digits>.<1 to 16 of A-Z, 0-9>`.
fn is_province_office_code(code: &str, province: &ProvinceCode) -> bool {
    let Some(rest) = code
        .strip_prefix('P')
        .and_then(|r| r.strip_prefix(province.as_str()))
    else {
        return false;
    };
    match rest.strip_prefix('.') {
        None => rest.is_empty(),
        Some(suffix) => {
            (1..=16).contains(&suffix.len())
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
    }
}

/// Whether `s` looks like an RFC 7638 SHA-256 thumbprint: 43 base64url
/// characters.
pub(crate) fn is_thumbprint(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The office directory: the payload of the signed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Always [`DIRECTORY_FORMAT`].
    pub format: u32,
    /// Who publishes it.
    pub publisher: Publisher,
    /// From when it is valid.
    pub issued: Timestamp,
    /// Until when it is valid; clients refuse it afterwards.
    pub expires: Timestamp,
    /// The offices.
    pub offices: Vec<OfficeEntry>,
}

/// The members of each object of the format, for
/// [`Directory::unknown_members`].
const TOP_MEMBERS: &[&str] = &["format", "publisher", "issued", "expires", "offices"];
const PUBLISHER_MEMBERS: &[&str] = &["name", "url"];
const TEXT_MEMBERS: &[&str] = &["vi", "en"];
const OFFICE_MEMBERS: &[&str] = &[
    "code",
    "name",
    "level",
    "province",
    "commune",
    "address",
    "procedures",
    "backend",
    "limits",
];
const LIMIT_MEMBERS: &[&str] = &[
    "max_attachment_bytes",
    "max_attachments",
    "max_dossier_bytes",
    "max_manifest_bytes",
];
const V1_MEMBERS: &[&str] = &["adapter", "url", "receipt_kid"];
const MULTIPART_MEMBERS: &[&str] = &[
    "adapter",
    "url",
    "parts",
    "fields",
    "headers",
    "max_bytes",
    "reference",
];
const PARTS_MEMBERS: &[&str] = &["sealed", "manifest", "attachment"];

impl Directory {
    /// Reads a directory document (the unsigned JSON a publisher writes)
    /// and checks its rules. Unknown members are ignored, so that a newer
    /// directory still reads; see [`unknown_members`](Self::unknown_members).
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        // Repeated keys are refused: a signed document must read the same
        // everywhere (RFC 8785 §3.1, I-JSON).
        motcua_dossier::canonicalize(json).map_err(|e| malformed(e.to_string()))?;
        let value: Value = serde_json::from_slice(json).map_err(|e| malformed(e.to_string()))?;
        Self::from_value(value)
    }

    fn from_value(value: Value) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct Wire {
            format: u32,
            publisher: Publisher,
            issued: Timestamp,
            expires: Timestamp,
            offices: Vec<Value>,
        }
        let format = value.get("format").and_then(Value::as_u64);
        if format != Some(u64::from(DIRECTORY_FORMAT)) {
            return Err(malformed(format!(
                "format {}: this client reads format {DIRECTORY_FORMAT}",
                value.get("format").unwrap_or(&Value::Null)
            )));
        }
        let wire: Wire = serde_json::from_value(value).map_err(|e| malformed(e.to_string()))?;
        if wire.offices.len() > MAX_OFFICES {
            return Err(malformed(format!(
                "{} offices, at most {MAX_OFFICES}",
                wire.offices.len()
            )));
        }
        let mut offices = Vec::with_capacity(wire.offices.len());
        for (i, office) in wire.offices.into_iter().enumerate() {
            let code = office
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let office: OfficeEntry = serde_json::from_value(office)
                .map_err(|e| malformed(format!("offices[{i}] ({code}): {e}")))?;
            offices.push(office);
        }
        let directory = Self {
            format: wire.format,
            publisher: wire.publisher,
            issued: wire.issued,
            expires: wire.expires,
            offices,
        };
        directory.validate()?;
        Ok(directory)
    }

    /// Checks the rules of docs/directory.md: the format, a validity period
    /// that ends after it starts, distinct office codes, and per office its
    /// code scheme, procedures, backend and limits.
    pub fn validate(&self) -> Result<(), Error> {
        if self.format != DIRECTORY_FORMAT {
            return Err(malformed(format!(
                "format {}: this client reads format {DIRECTORY_FORMAT}",
                self.format
            )));
        }
        if self.publisher.name.vi.trim().is_empty() || self.publisher.name.en.trim().is_empty() {
            return Err(malformed("publisher.name: both vi and en are needed"));
        }
        if self.expires <= self.issued {
            return Err(malformed(format!(
                "expires ({}) is not after issued ({})",
                self.expires, self.issued
            )));
        }
        if self.offices.is_empty() {
            return Err(malformed("the directory lists no office"));
        }
        let mut seen = BTreeSet::new();
        for (i, office) in self.offices.iter().enumerate() {
            if !seen.insert(&office.code) {
                return Err(malformed(format!(
                    "offices[{i}]: office code {} is listed twice",
                    office.code
                )));
            }
            office
                .validate()
                .map_err(|e| malformed(format!("offices[{i}] ({}): {e}", office.code)))?;
        }
        Ok(())
    }

    /// Members of a directory document this format does not define, as
    /// JSON paths (e.g. `offices[2].procedure`): likely typos, which
    /// `motcua directory sign` refuses. Members of backends with an
    /// adapter this client does not know are not checked.
    pub fn unknown_members(json: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let check = |value: &Value, known: &[&str], path: &str, out: &mut Vec<String>| {
            if let Value::Object(map) = value {
                for key in map.keys() {
                    if !known.contains(&key.as_str()) {
                        out.push(if path.is_empty() {
                            key.clone()
                        } else {
                            format!("{path}.{key}")
                        });
                    }
                }
            }
        };
        check(json, TOP_MEMBERS, "", &mut out);
        if let Some(publisher) = json.get("publisher") {
            check(publisher, PUBLISHER_MEMBERS, "publisher", &mut out);
            if let Some(name) = publisher.get("name") {
                check(name, TEXT_MEMBERS, "publisher.name", &mut out);
            }
        }
        let offices = json.get("offices").and_then(Value::as_array);
        for (i, office) in offices.into_iter().flatten().enumerate() {
            let path = format!("offices[{i}]");
            check(office, OFFICE_MEMBERS, &path, &mut out);
            if let Some(name) = office.get("name") {
                check(name, TEXT_MEMBERS, &format!("{path}.name"), &mut out);
            }
            if let Some(limits) = office.get("limits") {
                check(limits, LIMIT_MEMBERS, &format!("{path}.limits"), &mut out);
            }
            if let Some(backend) = office.get("backend") {
                let path = format!("{path}.backend");
                match backend.get("adapter").and_then(Value::as_str) {
                    Some("motcua-v1") => check(backend, V1_MEMBERS, &path, &mut out),
                    Some("multipart") => {
                        check(backend, MULTIPART_MEMBERS, &path, &mut out);
                        if let Some(parts) = backend.get("parts") {
                            check(parts, PARTS_MEMBERS, &format!("{path}.parts"), &mut out);
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// The office with this code.
    pub fn office(&self, code: &OfficeCode) -> Option<&OfficeEntry> {
        self.offices.iter().find(|o| &o.code == code)
    }

    /// Queues `sealed` (a sealed dossier file) for the office `code`:
    /// [`OutboxEntry::for_office`] with the directory's entry.
    pub fn outbox_entry(&self, code: &OfficeCode, sealed: &[u8]) -> Result<OutboxEntry, Error> {
        let office = self.office(code).ok_or_else(|| Error::UnknownOffice {
            office: code.to_string(),
        })?;
        OutboxEntry::for_office(office, sealed)
    }

    /// How many offices each adapter serves, by adapter name.
    pub fn adapters(&self) -> BTreeMap<&str, usize> {
        let mut out = BTreeMap::new();
        for office in &self.offices {
            *out.entry(office.backend.adapter()).or_insert(0) += 1;
        }
        out
    }
}

pub(crate) fn malformed(detail: impl Into<String>) -> Error {
    Error::DirectoryMalformed {
        detail: detail.into(),
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod tests;
