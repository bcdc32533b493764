//! Reading stored rows back into the domain types, the same way for both
//! stores: each store only says how to take a column's value out of its
//! driver's row ([`Values`]); what the value must be, and the error when
//! it is not ([`CorruptRow`]), is decided here once.
//!
//! A row that does not parse is never skipped and never taken for "not
//! found": the database holds something this server never writes (a hand
//! edit, a damaged file, another program), and the operator must hear of it.

use std::fmt;
use std::str::FromStr;

use motcua_dossier::{DossierId, Sha256, Timestamp};

use super::schema;
use super::{DossierReceipt, DossierRecord, StatusEvent, Upload, UploadId};
use crate::error::Error;

/// A stored row that does not read back as what this server writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CorruptRow {
    /// The table the row is in.
    pub(crate) table: &'static str,
    /// The column at fault.
    pub(crate) column: &'static str,
    /// What is wrong with its value.
    pub(crate) fault: Fault,
}

/// What is wrong with a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Fault {
    /// The driver cannot give the value as the type the column should
    /// hold (a wrong column type, a missing column).
    Unreadable(String),
    /// NULL where the column always has a value.
    Null,
    /// A negative number where only sizes and counts belong.
    Negative(i64),
    /// A value that does not parse as what the column holds.
    Malformed {
        /// The value, shortened to [`SHOWN`] characters.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
}

/// The most characters of a bad value an error shows: enough to find the
/// row, not a whole document in the log.
const SHOWN: usize = 80;

impl Fault {
    fn malformed(value: &str, reason: impl fmt::Display) -> Self {
        let mut shown: String = value.chars().take(SHOWN).collect();
        if shown.len() < value.len() {
            shown.push('…');
        }
        Self::Malformed {
            value: shown,
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for CorruptRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (table, column) = (self.table, self.column);
        match &self.fault {
            Fault::Unreadable(reason) => {
                write!(f, "column {table}.{column} cannot be read: {reason}")
            }
            Fault::Null => write!(f, "column {table}.{column} is NULL, expected a value"),
            Fault::Negative(n) => write!(
                f,
                "column {table}.{column} holds {n}, expected a number no less than 0"
            ),
            Fault::Malformed { value, reason } => {
                write!(f, "column {table}.{column} holds {value:?}: {reason}")
            }
        }
    }
}

impl std::error::Error for CorruptRow {}

impl From<CorruptRow> for Error {
    fn from(e: CorruptRow) -> Self {
        Self::Corrupt(e.to_string())
    }
}

/// A result row of either database, its columns taken by name; `None` is
/// NULL, `Err` the driver's reason it cannot give the value as asked.
pub(super) trait Values {
    /// A text column.
    fn text(&self, column: &str) -> Result<Option<String>, String>;
    /// An integer column.
    fn int(&self, column: &str) -> Result<Option<i64>, String>;
    /// A byte column.
    fn bytes(&self, column: &str) -> Result<Option<Vec<u8>>, String>;
}

impl Values for rusqlite::Row<'_> {
    fn text(&self, column: &str) -> Result<Option<String>, String> {
        self.get(column).map_err(|e| e.to_string())
    }

    fn int(&self, column: &str) -> Result<Option<i64>, String> {
        self.get(column).map_err(|e| e.to_string())
    }

    fn bytes(&self, column: &str) -> Result<Option<Vec<u8>>, String> {
        self.get(column).map_err(|e| e.to_string())
    }
}

impl Values for tokio_postgres::Row {
    fn text(&self, column: &str) -> Result<Option<String>, String> {
        self.try_get(column).map_err(|e| e.to_string())
    }

    fn int(&self, column: &str) -> Result<Option<i64>, String> {
        self.try_get(column).map_err(|e| e.to_string())
    }

    fn bytes(&self, column: &str) -> Result<Option<Vec<u8>>, String> {
        self.try_get(column).map_err(|e| e.to_string())
    }
}

/// One row of `table`, read column by column; every getter names the
/// column in its error.
pub(super) struct Reader<'r, R: ?Sized> {
    row: &'r R,
    table: &'static str,
}

impl<'r, R: Values + ?Sized> Reader<'r, R> {
    /// Reads `row`, which comes from `table`.
    pub(super) fn new(row: &'r R, table: &'static str) -> Self {
        Self { row, table }
    }

    fn fault(&self, column: &'static str, fault: Fault) -> CorruptRow {
        CorruptRow {
            table: self.table,
            column,
            fault,
        }
    }

    fn present<T>(
        &self,
        column: &'static str,
        value: Result<Option<T>, String>,
    ) -> Result<T, CorruptRow> {
        value
            .map_err(|reason| self.fault(column, Fault::Unreadable(reason)))?
            .ok_or_else(|| self.fault(column, Fault::Null))
    }

    /// A text column that may be NULL.
    pub(super) fn optional_text(&self, column: &'static str) -> Result<Option<String>, CorruptRow> {
        self.row
            .text(column)
            .map_err(|reason| self.fault(column, Fault::Unreadable(reason)))
    }

    /// A text column.
    pub(super) fn text(&self, column: &'static str) -> Result<String, CorruptRow> {
        self.present(column, self.row.text(column))
    }

    /// An integer column.
    pub(super) fn int(&self, column: &'static str) -> Result<i64, CorruptRow> {
        self.present(column, self.row.int(column))
    }

    /// An integer column holding a size or a count.
    pub(super) fn count(&self, column: &'static str) -> Result<u64, CorruptRow> {
        let n = self.int(column)?;
        u64::try_from(n).map_err(|_| self.fault(column, Fault::Negative(n)))
    }

    /// A byte column.
    pub(super) fn bytes(&self, column: &'static str) -> Result<Vec<u8>, CorruptRow> {
        self.present(column, self.row.bytes(column))
    }

    /// A text column holding a `T` in its wire spelling.
    pub(super) fn parsed<T: FromStr>(&self, column: &'static str) -> Result<T, CorruptRow>
    where
        T::Err: fmt::Display,
    {
        let text = self.text(column)?;
        text.parse()
            .map_err(|e| self.fault(column, Fault::malformed(&text, e)))
    }

    /// An integer column holding a time in Unix seconds.
    pub(super) fn timestamp(&self, column: &'static str) -> Result<Timestamp, CorruptRow> {
        let secs = self.int(column)?;
        Timestamp::from_unix(secs)
            .map_err(|e| self.fault(column, Fault::malformed(&secs.to_string(), e)))
    }
}

/// The columns [`upload`] reads, for `SELECT … FROM upload`.
pub(super) const UPLOAD_COLUMNS: &str =
    r#"id, length, "offset", metadata, created_at, expires_at, sha256"#;

/// An upload, from [`UPLOAD_COLUMNS`].
pub(super) fn upload(row: &(impl Values + ?Sized)) -> Result<Upload, CorruptRow> {
    let r = Reader::new(row, schema::UPLOAD.name);
    let id = upload_id(row)?;
    let length = r.count("length")?;
    let offset = r.count("offset")?;
    if offset > length {
        return Err(r.fault(
            "offset",
            Fault::malformed(
                &offset.to_string(),
                format!("more than the upload's length {length}"),
            ),
        ));
    }
    let metadata = r.text("metadata")?;
    let metadata = serde_json::from_str(&metadata)
        .map_err(|e| r.fault("metadata", Fault::malformed(&metadata, e)))?;
    // Kept as text (what `Upload` holds), but only a well-formed hash: it
    // names a blob file.
    let sha256 = r.optional_text("sha256")?;
    if let Some(text) = &sha256 {
        text.parse::<Sha256>()
            .map_err(|e| r.fault("sha256", Fault::malformed(text, e)))?;
    }
    Ok(Upload {
        id,
        length,
        offset,
        metadata,
        created_at: r.int("created_at")?,
        expires_at: r.int("expires_at")?,
        sha256,
    })
}

/// The `id` column of an upload row.
pub(super) fn upload_id(row: &(impl Values + ?Sized)) -> Result<UploadId, CorruptRow> {
    let r = Reader::new(row, schema::UPLOAD.name);
    let id = r.text("id")?;
    UploadId::parse(&id).ok_or_else(|| {
        r.fault(
            "id",
            Fault::malformed(&id, "expected 32 lowercase hex digits"),
        )
    })
}

/// The `sha256` column of a blob row.
pub(super) fn blob_sha256(row: &(impl Values + ?Sized)) -> Result<Sha256, CorruptRow> {
    Reader::new(row, schema::BLOB.name).parsed("sha256")
}

/// The columns [`receipt`] reads, for `SELECT … FROM dossier`.
pub(super) const RECEIPT_COLUMNS: &str = "id, code, manifest_sha256, receipt, received_at";

/// A dossier's receipt, from [`RECEIPT_COLUMNS`].
pub(super) fn receipt(row: &(impl Values + ?Sized)) -> Result<DossierReceipt, CorruptRow> {
    let r = Reader::new(row, schema::DOSSIER.name);
    Ok(DossierReceipt {
        id: r.parsed("id")?,
        code: r.parsed("code")?,
        manifest_sha256: r.parsed("manifest_sha256")?,
        receipt: r.text("receipt")?,
        received: r.timestamp("received_at")?,
    })
}

/// The columns [`record`] reads, for `SELECT … FROM dossier`.
pub(super) const RECORD_COLUMNS: &str = "id, code, manifest_sha256, receipt, received_at, \
     office, procedure_code, procedure_version, applicant_tag";

/// A dossier without its history (read apart, from [`EVENT_COLUMNS`]),
/// from [`RECORD_COLUMNS`].
pub(super) fn record(row: &(impl Values + ?Sized)) -> Result<DossierRecord, CorruptRow> {
    let r = Reader::new(row, schema::DOSSIER.name);
    Ok(DossierRecord {
        receipt: receipt(row)?,
        office: r.parsed("office")?,
        procedure_code: r.text("procedure_code")?,
        procedure_version: r.text("procedure_version")?,
        applicant_tag: r.bytes("applicant_tag")?,
        history: Vec::new(),
    })
}

/// The columns [`event`] reads, for `SELECT … FROM dossier_event`.
pub(super) const EVENT_COLUMNS: &str = "status, at, note";

/// A step of a dossier's history, from [`EVENT_COLUMNS`].
pub(super) fn event(row: &(impl Values + ?Sized)) -> Result<StatusEvent, CorruptRow> {
    let r = Reader::new(row, schema::DOSSIER_EVENT.name);
    Ok(StatusEvent {
        status: r.parsed("status")?,
        at: r.timestamp("at")?,
        note: r.optional_text("note")?,
    })
}

/// The number a sequence of dossier codes has reached (`RETURNING last`).
pub(super) fn sequence(row: &(impl Values + ?Sized)) -> Result<u64, CorruptRow> {
    Reader::new(row, schema::DOSSIER_SEQUENCE.name).count("last")
}

/// The `id` column of a dossier row.
pub(super) fn dossier_id(row: &(impl Values + ?Sized)) -> Result<DossierId, CorruptRow> {
    Reader::new(row, schema::DOSSIER.name).parsed("id")
}

/// The `applicant_tag` column of a dossier row.
pub(super) fn applicant_tag(row: &(impl Values + ?Sized)) -> Result<Vec<u8>, CorruptRow> {
    Reader::new(row, schema::DOSSIER.name).bytes("applicant_tag")
}

/// The `sealed` column of a dossier row.
pub(super) fn sealed(row: &(impl Values + ?Sized)) -> Result<Vec<u8>, CorruptRow> {
    Reader::new(row, schema::DOSSIER.name).bytes("sealed")
}

/// `SELECT COUNT(*) AS count FROM dossier`.
pub(super) fn dossier_count(row: &(impl Values + ?Sized)) -> Result<u64, CorruptRow> {
    Reader::new(row, schema::DOSSIER.name).count("count")
}

/// The `value` column of an instance row.
pub(super) fn instance_value(row: &(impl Values + ?Sized)) -> Result<String, CorruptRow> {
    Reader::new(row, schema::INSTANCE.name).text("value")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of named values, as a driver would give them.
    struct Fake(Vec<(&'static str, Option<FakeValue>)>);

    #[derive(Clone)]
    enum FakeValue {
        Text(&'static str),
        Int(i64),
    }

    impl Fake {
        fn find(&self, column: &str) -> Result<&Option<FakeValue>, String> {
            self.0
                .iter()
                .find(|(name, _)| *name == column)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("no column {column}"))
        }
    }

    impl Values for Fake {
        fn text(&self, column: &str) -> Result<Option<String>, String> {
            match self.find(column)? {
                None => Ok(None),
                Some(FakeValue::Text(t)) => Ok(Some((*t).to_owned())),
                Some(FakeValue::Int(_)) => Err("an integer, not text".into()),
            }
        }

        fn int(&self, column: &str) -> Result<Option<i64>, String> {
            match self.find(column)? {
                None => Ok(None),
                Some(FakeValue::Int(n)) => Ok(Some(*n)),
                Some(FakeValue::Text(_)) => Err("text, not an integer".into()),
            }
        }

        fn bytes(&self, _: &str) -> Result<Option<Vec<u8>>, String> {
            Err("no bytes here".into())
        }
    }

    fn upload_row(changes: &[(&'static str, Option<FakeValue>)]) -> Fake {
        use FakeValue::{Int, Text};
        let mut values = vec![
            ("id", Some(Text("0123456789abcdef0123456789abcdef"))),
            ("length", Some(Int(10))),
            ("offset", Some(Int(4))),
            ("metadata", Some(Text(r#"{"filename":"a.pdf"}"#))),
            ("created_at", Some(Int(1))),
            ("expires_at", Some(Int(2))),
            ("sha256", None),
        ];
        for (name, value) in changes {
            if let Some(slot) = values.iter_mut().find(|(n, _)| n == name) {
                slot.1 = value.clone();
            }
        }
        Fake(values)
    }

    fn fault_of(changes: &[(&'static str, Option<FakeValue>)]) -> (&'static str, Fault) {
        let e = upload(&upload_row(changes)).unwrap_err();
        assert_eq!(e.table, "upload");
        (e.column, e.fault)
    }

    #[test]
    fn reads_a_good_upload() {
        let u = upload(&upload_row(&[])).unwrap();
        assert_eq!((u.length, u.offset), (10, 4));
        assert_eq!(u.metadata["filename"], "a.pdf");
        assert_eq!(u.sha256, None);
    }

    #[test]
    fn names_the_column_at_fault() {
        use FakeValue::{Int, Text};
        assert_eq!(
            fault_of(&[("length", Some(Int(-5)))]),
            ("length", Fault::Negative(-5))
        );
        assert!(matches!(
            fault_of(&[("offset", Some(Int(11)))]),
            ("offset", Fault::Malformed { .. })
        ));
        assert!(matches!(
            fault_of(&[("metadata", Some(Text("{not json")))]),
            ("metadata", Fault::Malformed { .. })
        ));
        assert!(matches!(
            fault_of(&[("sha256", Some(Text("abc")))]),
            ("sha256", Fault::Malformed { .. })
        ));
        assert!(matches!(
            fault_of(&[("id", Some(Text("../../etc/passwd")))]),
            ("id", Fault::Malformed { .. })
        ));
        assert_eq!(fault_of(&[("metadata", None)]), ("metadata", Fault::Null));
        assert!(matches!(
            fault_of(&[("created_at", Some(Text("yesterday")))]),
            ("created_at", Fault::Unreadable(_))
        ));
    }

    #[test]
    fn shows_a_long_value_shortened() {
        let long = "x".repeat(1000);
        let Fault::Malformed { value, .. } = Fault::malformed(&long, "too long") else {
            panic!("not malformed");
        };
        assert_eq!(value.chars().count(), SHOWN + 1);
        let e = CorruptRow {
            table: "dossier_event",
            column: "status",
            fault: Fault::malformed("lost", "unknown dossier status \"lost\""),
        };
        assert_eq!(
            e.to_string(),
            r#"column dossier_event.status holds "lost": unknown dossier status "lost""#
        );
    }

    #[test]
    fn column_lists_name_real_columns() {
        for (list, table) in [
            (UPLOAD_COLUMNS, &schema::UPLOAD),
            (RECEIPT_COLUMNS, &schema::DOSSIER),
            (RECORD_COLUMNS, &schema::DOSSIER),
            (EVENT_COLUMNS, &schema::DOSSIER_EVENT),
        ] {
            for name in list.split(',').map(|c| c.trim().trim_matches('"')) {
                assert!(
                    table.columns.iter().any(|c| c.name == name),
                    "{}.{name}",
                    table.name
                );
            }
        }
    }
}
