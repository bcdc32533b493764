//! A directory of one-stop offices for a whole unit table, every office
//! reached at one backend: what the reference server publishes when it is
//! given no directory of its own (docs/directory.md §6), so that choosing an
//! office works on a fresh install.

use motcua_dossier::{OfficeCode, Timestamp};
use motcua_forms::{AdminUnits, LocalizedText};
use motcua_protocol::Limits;

use crate::directory::{
    Backend, DIRECTORY_FORMAT, Directory, OfficeEntry, OfficeLevel, Procedures, Publisher,
};

impl Directory {
    /// One office per commune (code: the commune code) and one per
    /// province (`P` and the province code) of `units`, all accepting every
    /// procedure through `backend`. With `only` non-empty, just the offices
    /// with those codes (a server that receives dossiers for a few offices
    /// must not be offered for others). Names and addresses come from the
    /// table; an office has no street address there, so its unit stands in.
    pub fn for_units(
        units: &AdminUnits,
        backend: &Backend,
        publisher: Publisher,
        (issued, expires): (Timestamp, Timestamp),
        only: &[OfficeCode],
    ) -> Self {
        let wanted = |code: &OfficeCode| only.is_empty() || only.contains(code);
        let mut offices = Vec::new();
        for province in units.provinces() {
            let code = format!("P{}", province.code.as_str()).parse::<OfficeCode>();
            if let Some(code) = code.ok().filter(wanted) {
                offices.push(OfficeEntry {
                    code,
                    name: province_office_name(&province.name),
                    level: OfficeLevel::Province,
                    province: province.code.clone(),
                    commune: None,
                    address: province.name.clone(),
                    procedures: Procedures::All,
                    backend: backend.clone(),
                    limits: Limits::UNBOUNDED,
                });
            }
        }
        for commune in units.communes() {
            let code = commune.code.as_str().parse::<OfficeCode>();
            let Some(code) = code.ok().filter(wanted) else {
                continue;
            };
            let province = units
                .province(commune.province.as_str())
                .map_or("", |p| p.name.as_str());
            offices.push(OfficeEntry {
                code,
                name: commune_office_name(&commune.name),
                level: OfficeLevel::Commune,
                province: commune.province.clone(),
                commune: Some(commune.code.clone()),
                address: [commune.name.as_str(), province]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                procedures: Procedures::All,
                backend: backend.clone(),
                limits: Limits::UNBOUNDED,
            });
        }
        Self {
            format: DIRECTORY_FORMAT,
            publisher,
            issued,
            expires,
            offices,
        }
    }
}

/// The one-stop office of a commune: its "bộ phận một cửa".
fn commune_office_name(commune: &str) -> LocalizedText {
    LocalizedText::new(
        format!("Bộ phận một cửa {commune}"),
        format!("One-stop office of {commune}"),
    )
}

/// A province's public administrative service centre (Decree
/// 118/2025/NĐ-CP).
fn province_office_name(province: &str) -> LocalizedText {
    LocalizedText::new(
        format!("Trung tâm Phục vụ hành chính công {province}"),
        format!("Public Administrative Service Centre of {province}"),
    )
}
