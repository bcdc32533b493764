//! Administrative units after 1 July 2025 (Decision 19/2025/QĐ-TTg): 34
//! provinces with 2-digit codes and 3,321 communes with 5-digit codes, no
//! district level. Read from the compact table `web/units/units-2025.json`,
//! which `scripts/units/generate.py` makes from the `vietnam-provinces` data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::text::fold;

/// Largest table accepted, against hostile input (the real one is ~150 KB).
/// `parse_json` checks the same limit; this names it for the table.
const MAX_TABLE_BYTES: usize = crate::catalog::MAX_SCHEMA_BYTES;

/// A province code after 2025: two digits, e.g. `01` (Hà Nội).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvinceCode(String);

/// A commune, ward or special-zone code: five digits, e.g. `00004`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommuneCode(String);

macro_rules! digit_code {
    ($name:ident, $len:literal) => {
        impl $name {
            /// The digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                if s.len() == $len && s.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(Error::UnitCode(s.to_owned()))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;

            fn try_from(s: String) -> Result<Self, Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

digit_code!(ProvinceCode, 2);
digit_code!(CommuneCode, 5);

/// The kind of a province-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvinceKind {
    /// Centrally-run city (thành phố trực thuộc trung ương).
    City,
    /// Province (tỉnh).
    Province,
}

/// The kind of a commune-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommuneKind {
    /// Commune (xã).
    Commune,
    /// Ward (phường).
    Ward,
    /// Special zone (đặc khu).
    SpecialZone,
}

/// A province or centrally-run city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// Its code.
    pub code: ProvinceCode,
    /// Its official name, e.g. "Thành phố Hà Nội".
    pub name: String,
    /// City or province.
    pub kind: ProvinceKind,
    folded: String,
}

/// A commune, ward or special zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// Its code.
    pub code: CommuneCode,
    /// The province it belongs to.
    pub province: ProvinceCode,
    /// Its official name, e.g. "Phường Ba Đình".
    pub name: String,
    /// Commune, ward or special zone.
    pub kind: CommuneKind,
    folded: String,
}

/// Where a table came from, as recorded in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitsSource {
    /// The PyPI package.
    pub package: String,
    /// Its version.
    pub version: String,
    /// The data file inside it.
    pub file: String,
    /// The wheel's file name.
    pub wheel: String,
    /// SHA-256 of the wheel, hex.
    pub wheel_sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    format: u32,
    source: UnitsSource,
    provinces: Vec<(ProvinceCode, String, ProvinceKind)>,
    communes: Vec<(CommuneCode, ProvinceCode, String, CommuneKind)>,
}

/// The table of administrative units, with look-ups and search.
///
/// ```
/// use motcua_forms::AdminUnits;
/// let units = AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json"))?;
/// assert_eq!(units.provinces().len(), 34);
/// let hanoi = units.province("01").unwrap();
/// assert_eq!(hanoi.name, "Thành phố Hà Nội");
/// let hits = units.search("ba dinh", Some("01"), 5);
/// assert_eq!(hits[0].name, "Phường Ba Đình");
/// # Ok::<(), motcua_forms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUnits {
    source: UnitsSource,
    provinces: Vec<Province>,
    communes: Vec<Commune>,
}

impl AdminUnits {
    /// Reads the table from its JSON bytes, checking it: unique codes, every
    /// commune in a known province.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_TABLE_BYTES {
            return Err(Error::TooLarge {
                what: "administrative-unit table",
                size: bytes.len(),
                limit: MAX_TABLE_BYTES,
            });
        }
        let table: Table = crate::catalog::parse_json("administrative-unit table", bytes)?;
        if table.format != 1 {
            return Err(Error::Format {
                what: "administrative-unit table",
                found: table.format,
                expected: 1,
            });
        }
        let mut provinces: Vec<Province> = table
            .provinces
            .into_iter()
            .map(|(code, name, kind)| Province {
                folded: fold(&name),
                code,
                name,
                kind,
            })
            .collect();
        provinces.sort_by(|a, b| a.code.cmp(&b.code));
        let mut communes: Vec<Commune> = table
            .communes
            .into_iter()
            .map(|(code, province, name, kind)| Commune {
                folded: fold(&name),
                code,
                province,
                name,
                kind,
            })
            .collect();
        communes.sort_by(|a, b| a.code.cmp(&b.code));
        if let Some(w) = provinces.windows(2).find(|w| w[0].code == w[1].code) {
            return Err(Error::Units(format!(
                "duplicate province code {}",
                w[0].code
            )));
        }
        if let Some(w) = communes.windows(2).find(|w| w[0].code == w[1].code) {
            return Err(Error::Units(format!(
                "duplicate commune code {}",
                w[0].code
            )));
        }
        let units = Self {
            source: table.source,
            provinces,
            communes,
        };
        if let Some(c) = units
            .communes
            .iter()
            .find(|c| units.province(c.province.as_str()).is_none())
        {
            return Err(Error::Units(format!(
                "commune {} is in unknown province {}",
                c.code, c.province
            )));
        }
        Ok(units)
    }

    /// Where the table came from.
    pub fn source(&self) -> &UnitsSource {
        &self.source
    }

    /// All provinces, by code.
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// All communes, by code.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The province with this code.
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces
            .binary_search_by(|p| p.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.provinces[i])
    }

    /// The commune with this code.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.communes
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.communes[i])
    }

    /// The communes of a province, by code.
    pub fn communes_of<'a>(&'a self, province: &'a str) -> impl Iterator<Item = &'a Commune> + 'a {
        self.communes
            .iter()
            .filter(move |c| c.province.as_str() == province)
    }

    /// Provinces whose name matches `query`, best first (see [`AdminUnits::search`]).
    pub fn search_provinces(&self, query: &str, limit: usize) -> Vec<&Province> {
        let q = fold(query);
        let mut hits: Vec<(u8, &Province)> = self
            .provinces
            .iter()
            .filter_map(|p| rank(&q, &p.folded).map(|r| (r, p)))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        hits.into_iter().take(limit).map(|(_, p)| p).collect()
    }

    /// Communes whose name matches `query`, optionally within one province,
    /// best first, at most `limit`. Matching ignores case and diacritics
    /// ([`fold`]); every word of the query must begin a word of the name.
    /// Names equal to the query after their type word ("Phường", "Xã",
    /// "Đặc khu") rank first, then names beginning with it, then the rest,
    /// each by code. An empty query matches everything.
    pub fn search(&self, query: &str, province: Option<&str>, limit: usize) -> Vec<&Commune> {
        let q = fold(query);
        let mut hits: Vec<(u8, &Commune)> = self
            .communes
            .iter()
            .filter(|c| province.is_none_or(|p| c.province.as_str() == p))
            .filter_map(|c| rank(&q, &c.folded).map(|r| (r, c)))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        hits.into_iter().take(limit).map(|(_, c)| c).collect()
    }
}

/// The type words that open unit names, folded.
const TYPE_WORDS: [&str; 6] = [
    "thanh pho ",
    "tinh ",
    "phuong ",
    "xa ",
    "dac khu ",
    "thi tran ",
];

/// How well folded `query` matches folded `name`: 0 exact (after the type
/// word), 1 prefix, 2 every query word begins a name word; `None` otherwise.
fn rank(query: &str, name: &str) -> Option<u8> {
    let bare = TYPE_WORDS
        .iter()
        .find_map(|t| name.strip_prefix(t))
        .unwrap_or(name);
    if query == bare || query == name {
        return Some(0);
    }
    if bare.starts_with(query) || name.starts_with(query) {
        return Some(1);
    }
    let words: Vec<&str> = name.split(' ').collect();
    query
        .split(' ')
        .all(|q| words.iter().any(|w| w.starts_with(q)))
        .then_some(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[u8] = include_bytes!("../../../web/units/units-2025.json");

    fn units() -> AdminUnits {
        AdminUnits::from_json(TABLE).unwrap()
    }

    #[test]
    fn real_table_has_34_provinces_and_3321_communes() {
        let u = units();
        assert_eq!(u.provinces().len(), 34);
        assert_eq!(u.communes().len(), 3321);
        let count = |k| u.communes().iter().filter(|c| c.kind == k).count();
        assert_eq!(count(CommuneKind::Commune), 2621);
        assert_eq!(count(CommuneKind::Ward), 687);
        assert_eq!(count(CommuneKind::SpecialZone), 13);
        let cities = u
            .provinces()
            .iter()
            .filter(|p| p.kind == ProvinceKind::City)
            .count();
        assert_eq!(cities, 6);
        assert_eq!(u.source().version, "2026.9.0");
        let per_province: usize = u
            .provinces()
            .iter()
            .map(|p| u.communes_of(p.code.as_str()).count())
            .sum();
        assert_eq!(per_province, 3321);
    }

    #[test]
    fn look_ups() {
        let u = units();
        assert_eq!(u.province("79").unwrap().name, "Thành phố Hồ Chí Minh");
        assert!(u.province("02").is_none());
        let ba_dinh = u.commune("00004").unwrap();
        assert_eq!(
            (ba_dinh.name.as_str(), ba_dinh.province.as_str()),
            ("Phường Ba Đình", "01")
        );
        assert!(u.commune("99999").is_none());
        assert!(u.commune("4").is_none());
    }

    #[test]
    fn search_ignores_diacritics_and_ranks() {
        let u = units();
        let hits = u.search("BA ĐÌNH", None, 10);
        assert_eq!(hits[0].name, "Phường Ba Đình");
        let hits = u.search("phuong ba", Some("01"), 50);
        assert!(
            hits.iter()
                .all(|c| c.province.as_str() == "01" && c.kind == CommuneKind::Ward)
        );
        assert!(hits.iter().any(|c| c.name == "Phường Ba Đình"));
        assert_eq!(
            u.search("", Some("01"), 10_000).len(),
            u.communes_of("01").count()
        );
        assert!(u.search("zzzz", None, 10).is_empty());
        let p = u.search_provinces("ho chi minh", 3);
        assert_eq!(p[0].code.as_str(), "79");
    }

    #[test]
    fn refuses_broken_tables() {
        let src =
            r#""source":{"package":"p","version":"1","file":"f","wheel":"w","wheel_sha256":"0"}"#;
        let bad = [
            format!(r#"{{"format":2,{src},"provinces":[],"communes":[]}}"#),
            format!(r#"{{"format":1,{src},"provinces":[["1","A","city"]],"communes":[]}}"#),
            format!(
                r#"{{"format":1,{src},"provinces":[["01","A","city"],["01","B","city"]],"communes":[]}}"#
            ),
            format!(
                r#"{{"format":1,{src},"provinces":[["01","A","city"]],"communes":[["00001","02","X","ward"]]}}"#
            ),
            format!(r#"{{"format":1,{src},"provinces":[["01","A","town"]],"communes":[]}}"#),
        ];
        for b in bad {
            assert!(AdminUnits::from_json(b.as_bytes()).is_err(), "{b}");
        }
    }
}
