//! Finding offices: by name (without diacritics), province, commune and
//! procedure, and a suggestion from the address on the form.

use motcua_forms::{CommuneCode, ProcedureCode, ProvinceCode, fold};

use super::{Directory, OfficeEntry, OfficeLevel};

/// What to look for in a [`Directory`]; every part is optional.
///
/// ```
/// use motcua_submit::OfficeQuery;
/// let query = OfficeQuery::new()
///     .text("phuong ba dinh")
///     .province("01".parse()?)
///     .procedure("1.001193".parse()?)
///     .limit(20);
/// # let _ = query;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeQuery {
    text: String,
    province: Option<ProvinceCode>,
    commune: Option<CommuneCode>,
    procedure: Option<ProcedureCode>,
    limit: usize,
}

impl OfficeQuery {
    /// Matches every reachable office.
    pub fn new() -> Self {
        Self::default()
    }

    /// Words the office's name (Vietnamese or English) or code must hold,
    /// compared without case or diacritics ("ba dinh" finds "Ba Đình").
    pub fn text(mut self, text: &str) -> Self {
        self.text = fold(text);
        self
    }

    /// Only offices in this province.
    pub fn province(mut self, province: ProvinceCode) -> Self {
        self.province = Some(province);
        self
    }

    /// Only the offices of this commune.
    pub fn commune(mut self, commune: CommuneCode) -> Self {
        self.commune = Some(commune);
        self
    }

    /// Only offices that accept this procedure.
    pub fn procedure(mut self, procedure: ProcedureCode) -> Self {
        self.procedure = Some(procedure);
        self
    }

    /// At most this many results (0: all).
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    fn admits(&self, office: &OfficeEntry) -> bool {
        office.is_reachable()
            && self.province.as_ref().is_none_or(|p| &office.province == p)
            && self
                .commune
                .as_ref()
                .is_none_or(|c| office.commune.as_ref() == Some(c))
            && self.procedure.as_ref().is_none_or(|p| office.accepts(p))
    }
}

/// How well the folded query matches an office: lower is better, `None`
/// for no match. 0: a name starts with the query; 1: every query word
/// starts a word of a name or is the code; 2: every query word occurs
/// somewhere.
fn rank(query: &str, office: &OfficeEntry) -> Option<u8> {
    if query.is_empty() {
        return Some(0);
    }
    let names = [fold(&office.name.vi), fold(&office.name.en)];
    if names.iter().any(|n| n.starts_with(query)) {
        return Some(0);
    }
    let code = office.code.as_str().to_ascii_lowercase();
    let words = || names.iter().flat_map(|n| n.split(' '));
    let starts_words = query
        .split(' ')
        .all(|q| q == code || words().any(|w| w.starts_with(q)));
    if starts_words {
        return Some(1);
    }
    let anywhere = query
        .split(' ')
        .all(|q| code.contains(q) || names.iter().any(|n| n.contains(q)));
    anywhere.then_some(2)
}

impl Directory {
    /// The reachable offices matching `query`, best first: by how well the
    /// name matches, then commune-level before province-level, then by
    /// name.
    pub fn search(&self, query: &OfficeQuery) -> Vec<&OfficeEntry> {
        let mut found: Vec<(u8, String, &OfficeEntry)> = self
            .offices
            .iter()
            .filter(|o| query.admits(o))
            .filter_map(|o| rank(&query.text, o).map(|r| (r, fold(&o.name.vi), o)))
            .collect();
        found.sort_by(|a, b| {
            (a.0, level_order(a.2.level), &a.1, &a.2.code).cmp(&(
                b.0,
                level_order(b.2.level),
                &b.1,
                &b.2.code,
            ))
        });
        let limit = if query.limit == 0 {
            found.len()
        } else {
            query.limit
        };
        found.into_iter().take(limit).map(|(_, _, o)| o).collect()
    }

    /// Offices to suggest for an address already on the form: the offices
    /// of `commune` first, then the province-level offices of `province`;
    /// only reachable offices that accept `procedure` (when given).
    pub fn suggest(
        &self,
        province: Option<&ProvinceCode>,
        commune: Option<&CommuneCode>,
        procedure: Option<&ProcedureCode>,
    ) -> Vec<&OfficeEntry> {
        let usable = |o: &&OfficeEntry| o.is_reachable() && procedure.is_none_or(|p| o.accepts(p));
        let of_commune = self
            .offices
            .iter()
            .filter(usable)
            .filter(|o| commune.is_some() && o.commune.as_ref() == commune);
        let of_province = self.offices.iter().filter(usable).filter(|o| {
            o.level == OfficeLevel::Province && province.is_some_and(|p| &o.province == p)
        });
        of_commune.chain(of_province).collect()
    }
}

fn level_order(level: OfficeLevel) -> u8 {
    match level {
        OfficeLevel::Commune => 0,
        OfficeLevel::Province => 1,
        OfficeLevel::Other => 2,
    }
}
