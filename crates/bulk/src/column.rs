//! A procedure's form as spreadsheet columns: one per answer a business
//! types in a row. Plain groups are looked through; a repeatable group
//! becomes numbered columns up to its `max_rows`; an administrative unit
//! is two columns (province and commune codes) and an address three (with
//! the street); computed fields are left out (the engine computes them).

use motcua_forms::{Field, FieldKind, LocalizedText, Procedure};

/// Most columns a template has, whatever the form: beyond it a spreadsheet
/// stops being something a person fills in.
pub const MAX_COLUMNS: usize = 2000;

/// How a column's cells are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text kept exactly, leading zeros included (names, identifiers,
    /// codes, phone numbers, dates written dd/mm/yyyy).
    Text,
    /// A number (counts, amounts in đồng).
    Number,
    /// Yes or no ("có"/"không", "yes"/"no").
    YesNo,
}

/// Which part of a field's value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The whole value.
    Whole,
    /// The province code of a unit or address.
    Province,
    /// The commune code of a unit or address.
    Commune,
    /// The street line of an address.
    Street,
}

impl Part {
    /// The key of the part inside the field's value, if it is one.
    pub fn key(self) -> Option<&'static str> {
        match self {
            Self::Whole => None,
            Self::Province => Some("province"),
            Self::Commune => Some("commune"),
            Self::Street => Some("street"),
        }
    }

    fn label(self) -> Option<LocalizedText> {
        match self {
            Self::Whole => None,
            Self::Province => Some(LocalizedText::new("mã tỉnh, thành phố", "province code")),
            Self::Commune => Some(LocalizedText::new("mã xã, phường", "commune code")),
            Self::Street => Some(LocalizedText::new(
                "số nhà, đường, thôn, xóm",
                "house number and street",
            )),
        }
    }
}

/// One column of a procedure's template.
#[derive(Debug, Clone, PartialEq)]
pub struct Column<'p> {
    /// A stable machine name: the field's path in form data, with the part
    /// (`owner_residence.street`) and, in a table, the row counted from 1
    /// (`household_members.2.hm_name`).
    pub key: String,
    /// The header people read, in both languages.
    pub header: LocalizedText,
    /// The field the column answers.
    pub field: &'p Field,
    /// The repeatable group and row (0-based) the column belongs to.
    pub row: Option<(&'p Field, usize)>,
    /// The part of the field's value.
    pub part: Part,
    /// How cells are written.
    pub cell: CellKind,
}

/// Why a procedure cannot be made a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    /// More columns than a spreadsheet someone fills in should have.
    #[error("the form needs {found} columns, more than the {limit} a template may have")]
    TooMany {
        /// Columns needed.
        found: usize,
        /// The limit.
        limit: usize,
    },
}

/// The columns of `procedure`'s template, in form order.
pub fn columns(procedure: &Procedure) -> Result<Vec<Column<'_>>, ColumnsError> {
    let mut out = Vec::new();
    for section in &procedure.sections {
        push_fields(&section.fields, None, &mut out);
    }
    if out.len() > MAX_COLUMNS {
        return Err(ColumnsError::TooMany {
            found: out.len(),
            limit: MAX_COLUMNS,
        });
    }
    Ok(out)
}

fn push_fields<'p>(
    fields: &'p [Field],
    row: Option<(&'p Field, usize)>,
    out: &mut Vec<Column<'p>>,
) {
    for field in fields {
        if out.len() > MAX_COLUMNS {
            return;
        }
        if field.is_computed() {
            continue;
        }
        let parts: &[Part] = match &field.kind {
            FieldKind::Group(group) => {
                match (&group.table, row) {
                    (None, _) => push_fields(&group.fields, row, out),
                    // Nested tables stay out of a flat sheet: their rows
                    // are filed in the app, one dossier at a time.
                    (Some(_), Some(_)) => {}
                    (Some(table), None) => {
                        for i in 0..table.row_limit() {
                            push_fields(&group.fields, Some((field, i)), out);
                            if out.len() > MAX_COLUMNS {
                                return;
                            }
                        }
                    }
                }
                continue;
            }
            FieldKind::AdminUnit => &[Part::Province, Part::Commune],
            FieldKind::Address => &[Part::Province, Part::Commune, Part::Street],
            FieldKind::Text(_)
            | FieldKind::LongText(_)
            | FieldKind::PersonName(_)
            | FieldKind::Number(_)
            | FieldKind::Money(_)
            | FieldKind::Date(_)
            | FieldKind::YesNo
            | FieldKind::Choice(_)
            | FieldKind::MultiChoice(_)
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::PersonalId(_)
            | FieldKind::TaxCode(_) => &[Part::Whole],
        };
        for &part in parts {
            out.push(column(field, row, part));
        }
    }
}

fn cell_kind(kind: &FieldKind) -> CellKind {
    match kind {
        FieldKind::Number(_) | FieldKind::Money(_) => CellKind::Number,
        FieldKind::YesNo => CellKind::YesNo,
        FieldKind::Text(_)
        | FieldKind::LongText(_)
        | FieldKind::PersonName(_)
        | FieldKind::Date(_)
        | FieldKind::Choice(_)
        | FieldKind::MultiChoice(_)
        | FieldKind::Email
        | FieldKind::Phone
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_)
        | FieldKind::AdminUnit
        | FieldKind::Address
        | FieldKind::Group(_) => CellKind::Text,
    }
}

fn column<'p>(field: &'p Field, row: Option<(&'p Field, usize)>, part: Part) -> Column<'p> {
    let mut key = String::new();
    let (mut vi, mut en) = (String::new(), String::new());
    if let Some((table, i)) = row {
        key.push_str(&format!("{}.{}.", table.id, i + 1));
        let label = table
            .table()
            .and_then(|(_, t)| t.row_label.as_ref())
            .unwrap_or(&table.label);
        vi.push_str(&format!("{} {}: ", label.vi, i + 1));
        en.push_str(&format!("{} {}: ", label.en, i + 1));
    }
    key.push_str(&field.id);
    vi.push_str(&field.label.vi);
    en.push_str(&field.label.en);
    if let (Some(k), Some(label)) = (part.key(), part.label()) {
        key.push('.');
        key.push_str(k);
        vi.push_str(&format!(" ({})", label.vi));
        en.push_str(&format!(" ({})", label.en));
    }
    let cell = match part {
        Part::Whole => cell_kind(&field.kind),
        Part::Province | Part::Commune | Part::Street => CellKind::Text,
    };
    Column {
        key,
        header: LocalizedText::new(vi, en),
        field,
        row,
        part,
        cell,
    }
}
