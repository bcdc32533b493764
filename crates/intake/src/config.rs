//! How an intake server is set up: where it listens, keeps data and finds the app.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use motcua_dossier::OfficeCode;
use motcua_forms::{CatalogIndex, Procedure, ProcedureCode};

use crate::capabilities::Limits;
use crate::code::CodeFormat;
use crate::conn::ConnectionLimits;
use crate::error::Error;
use crate::rate_limit::RateLimit;

/// Settings of one intake server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub addr: SocketAddr,
    /// Directory for the database and stored files; created on first start.
    pub data_dir: PathBuf,
    /// The built app (Trunk's `dist/`), served at `/`.
    pub dist_dir: PathBuf,
    /// Limits announced to clients and enforced on intake.
    pub limits: Limits,
    /// A PostgreSQL URL; `None` keeps records in SQLite in `data_dir`.
    pub database: Option<String>,
    /// The offices whose dossiers this server accepts (the manifest's
    /// `office`); empty accepts every office.
    pub offices: Vec<OfficeCode>,
    /// How dossier codes are made.
    pub dossier_code: CodeFormat,
    /// The administrative-unit table unit codes in form data are checked
    /// against; without it, only their shape is.
    pub units: Option<std::sync::Arc<motcua_forms::AdminUnits>>,
    /// Per-client limit on protocol requests: uploads and submissions.
    pub rate_limit: RateLimit,
    /// Per-client limit on status look-ups.
    pub lookup_rate_limit: RateLimit,
    /// Origins of apps allowed to call this server from the browser
    /// (CORS): `https://portal.example.vn`, or `*` for any. Empty: only the
    /// app this server serves.
    pub cors_origins: Vec<String>,
    /// A signed office directory to publish at
    /// `/.well-known/motcua-directory`.
    pub directory: Option<crate::directory::PublishedDirectory>,
    /// How long and how slowly clients may hold connections.
    pub connections: ConnectionLimits,
}

impl Config {
    /// Settings with the default limits, dossier codes and rate limits,
    /// accepting dossiers for any office.
    pub fn new(addr: SocketAddr, data_dir: PathBuf, dist_dir: PathBuf) -> Self {
        Self {
            addr,
            data_dir,
            dist_dir,
            limits: Limits::default(),
            database: None,
            offices: Vec::new(),
            dossier_code: CodeFormat::default(),
            units: None,
            rate_limit: RateLimit::PROTOCOL,
            lookup_rate_limit: RateLimit::LOOKUP,
            cors_origins: Vec::new(),
            directory: None,
            connections: ConnectionLimits::DEFAULT,
        }
    }
}

/// The procedure catalog the server offers and checks dossiers against: the
/// index and every procedure's schema, each kept as parsed value and as the
/// exact bytes it was read from (served as is).
#[derive(Debug, Clone)]
pub struct Catalog {
    index: CatalogIndex,
    index_bytes: Vec<u8>,
    procedures: BTreeMap<ProcedureCode, (Procedure, Vec<u8>)>,
}

impl Catalog {
    /// Builds a catalog from the index bytes and a function giving the bytes
    /// of `<code>.json`. Every listed procedure must load and agree with its
    /// index entry, so a broken catalog stops the server at start, not a
    /// citizen halfway through a form.
    pub fn from_source(
        index_bytes: Vec<u8>,
        mut read: impl FnMut(&ProcedureCode) -> Result<Vec<u8>, Error>,
    ) -> Result<Self, Error> {
        let index = CatalogIndex::from_json(&index_bytes).map_err(|source| Error::Catalog {
            file: "index.json".into(),
            source,
        })?;
        let mut procedures = BTreeMap::new();
        for entry in &index.procedures {
            let file = format!("{}.json", entry.code);
            let bytes = read(&entry.code)?;
            let procedure = Procedure::from_json(&bytes).map_err(|source| Error::Catalog {
                file: file.clone(),
                source,
            })?;
            // The index is what the app lists and searches: all of an
            // entry (name, level, keywords too) must be the file's.
            let summary = procedure.summary();
            if summary != *entry {
                let same = summary.code == entry.code && summary.version == entry.version;
                let detail = if same {
                    " (name, level or keywords)"
                } else {
                    ""
                };
                return Err(Error::CatalogMismatch {
                    file,
                    indexed: format!("{} {}{detail}", entry.code, entry.version),
                    found: format!("{} {}{detail}", procedure.code, procedure.version),
                });
            }
            procedures.insert(entry.code.clone(), (procedure, bytes));
        }
        Ok(Self {
            index,
            index_bytes,
            procedures,
        })
    }

    /// Loads a catalog from a directory holding `index.json` and `<code>.json` files.
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        let read = |path: PathBuf| {
            std::fs::read(&path).map_err(|source| Error::Io {
                action: "read catalog file",
                path,
                source,
            })
        };
        let index_bytes = read(dir.join("index.json"))?;
        Self::from_source(index_bytes, |code| read(dir.join(format!("{code}.json"))))
    }

    /// The index.
    pub fn index(&self) -> &CatalogIndex {
        &self.index
    }

    /// The index as served.
    pub fn index_bytes(&self) -> &[u8] {
        &self.index_bytes
    }

    /// A procedure by its code.
    pub fn procedure(&self, code: &ProcedureCode) -> Option<&Procedure> {
        self.procedures.get(code).map(|(p, _)| p)
    }

    /// A procedure's schema as served.
    pub fn procedure_bytes(&self, code: &ProcedureCode) -> Option<&[u8]> {
        self.procedures.get(code).map(|(_, b)| b.as_slice())
    }
}
