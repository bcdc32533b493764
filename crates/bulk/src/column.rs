//! A procedure's form as spreadsheet columns: one per answer a business
//! types in a row. Plain groups are looked through; a repeatable group
//! becomes numbered columns up to its `max_rows`; an administrative unit
//! is two columns (province and commune codes) and an address three (with
//! the street); computed fields are left out (the engine computes them).
//! After the form, one column per paper of the dossier names the files to
//! attach to that row.

use motcua_forms::{Component, Field, FieldKind, LocalizedText, Procedure};

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

/// What a column's cells hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Target<'p> {
    /// (Part of) the answer to a field of the form.
    Answer {
        /// The field the column answers.
        field: &'p Field,
        /// The repeatable group and row (0-based) the column belongs to.
        row: Option<(&'p Field, usize)>,
        /// The part of the field's value.
        part: Part,
    },
    /// The names of the files to attach as one paper (thành phần hồ sơ) of
    /// the dossier, separated by `;`.
    Files(&'p Component),
}

/// One column of a procedure's template.
#[derive(Debug, Clone, PartialEq)]
pub struct Column<'p> {
    /// A stable machine name: the field's path in form data, with the part
    /// (`owner_residence.street`) and, in a table, the row counted from 1
    /// (`household_members.2.hm_name`); `files.COMPONENT` for attachments.
    pub key: String,
    /// The header people read, in both languages.
    pub header: LocalizedText,
    /// What the cells hold.
    pub target: Target<'p>,
    /// How cells are written.
    pub cell: CellKind,
}

impl<'p> Column<'p> {
    /// The field the column answers, if it is not an attachment column.
    pub fn field(&self) -> Option<&'p Field> {
        match self.target {
            Target::Answer { field, .. } => Some(field),
            Target::Files(_) => None,
        }
    }

    /// Where the engine reports problems with this column's answer: the
    /// field id, or `group[row].field` in a table (as in
    /// `motcua_forms::FieldError::path`).
    pub fn error_path(&self) -> Option<String> {
        match self.target {
            Target::Answer {
                field,
                row: Some((table, i)),
                ..
            } => Some(format!("{}[{i}].{}", table.id, field.id)),
            Target::Answer {
                field, row: None, ..
            } => Some(field.id.clone()),
            Target::Files(_) => None,
        }
    }
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
    // Headers repeat across sections ("Dân tộc" of the child, the mother
    // and the father): those get the section's title in front.
    let mut sections = Vec::new();
    for section in &procedure.sections {
        push_fields(&section.fields, None, &mut out);
        sections.resize(out.len(), &section.title);
    }
    let repeated = |c: &Column<'_>| {
        out.iter()
            .filter(|o| o.header.vi == c.header.vi || o.header.en == c.header.en)
            .count()
            > 1
    };
    let prefix: Vec<bool> = out.iter().map(repeated).collect();
    for ((column, title), prefix) in out.iter_mut().zip(&sections).zip(prefix) {
        if prefix {
            column.header = LocalizedText::new(
                format!("{}: {}", title.vi, column.header.vi),
                format!("{}: {}", title.en, column.header.en),
            );
        }
    }
    for component in &procedure.components {
        out.push(Column {
            key: format!("files.{}", component.id),
            header: LocalizedText::new(
                format!("Tệp đính kèm: {}", component.name.vi),
                format!("Files: {}", component.name.en),
            ),
            target: Target::Files(component),
            cell: CellKind::Text,
        });
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
        target: Target::Answer { field, row, part },
        cell,
    }
}
