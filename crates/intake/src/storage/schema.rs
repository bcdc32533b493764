//! The records' tables, listed once for both stores, and each database's
//! DDL derived from the list.
//!
//! A migration is a list of [`Step`]s; [`Dialect::migration`] writes it
//! out as SQLite (`STRICT` tables, `INTEGER` and `BLOB`) or as PostgreSQL
//! (`BIGINT`, `INTEGER` and `BYTEA`). What each store does with the text
//! differs: SQLite counts the migrations run in `user_version`,
//! PostgreSQL in a table of its own (see `postgres.rs`).

/// The database a statement is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// The embedded store.
    Sqlite,
    /// The shared store.
    Postgres,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// UTF-8 text.
    Text,
    /// A 64-bit integer: sizes, offsets, Unix times, counters.
    Int64,
    /// A 32-bit integer: positions within one dossier, which never need
    /// more (PostgreSQL's `INTEGER`; SQLite has only one integer type).
    Int32,
    /// Bytes.
    Bytes,
}

/// A column of a [`Table`]: `NOT NULL` unless made [`Column::nullable`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// Its name.
    pub(super) name: &'static str,
    /// What it holds.
    pub(super) kind: Kind,
    /// Whether it may be NULL.
    pub(super) nullable: bool,
    /// Whether each value appears in one row only.
    pub(super) unique: bool,
    /// The `(table, column)` it refers to.
    pub(super) references: Option<(&'static str, &'static str)>,
    /// A `CHECK` expression, written so that both databases read it.
    pub(super) check: Option<&'static str>,
}

impl Column {
    const fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            nullable: false,
            unique: false,
            references: None,
            check: None,
        }
    }

    const fn nullable(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }

    const fn unique(self) -> Self {
        Self {
            unique: true,
            ..self
        }
    }

    const fn references(self, table: &'static str, column: &'static str) -> Self {
        Self {
            references: Some((table, column)),
            ..self
        }
    }

    const fn check(self, expression: &'static str) -> Self {
        Self {
            check: Some(expression),
            ..self
        }
    }
}

/// A table as created.
#[derive(Debug)]
pub(super) struct Table {
    /// Its name.
    pub(super) name: &'static str,
    /// Its columns, in order.
    pub(super) columns: &'static [Column],
    /// The columns of its primary key.
    pub(super) primary_key: &'static [&'static str],
}

/// An index as created.
#[derive(Debug)]
pub(super) struct Index {
    name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    /// The `WHERE` of a partial index.
    filter: Option<&'static str>,
}

/// One statement of a migration.
#[derive(Debug)]
pub(super) enum Step {
    /// Creates a table.
    Table(&'static Table),
    /// Creates an index.
    Index(&'static Index),
    /// SQL that reads the same in both dialects (moving data).
    Both(&'static str),
}

use Kind::{Bytes, Int32, Int64, Text};

/// Values of this instance: keys, identity (`Storage::instance_value`).
pub(super) const INSTANCE: Table = Table {
    name: "instance",
    columns: &[Column::new("key", Text), Column::new("value", Text)],
    primary_key: &["key"],
};

/// Resumable uploads (tus).
pub(super) const UPLOAD: Table = Table {
    name: "upload",
    columns: &[
        Column::new("id", Text),
        Column::new("length", Int64).check("length >= 0"),
        Column::new("offset", Int64).check(r#""offset" >= 0 AND "offset" <= length"#),
        Column::new("metadata", Text),
        Column::new("created_at", Int64),
        Column::new("expires_at", Int64),
        Column::new("sha256", Text).nullable(),
    ],
    primary_key: &["id"],
};

const UPLOAD_EXPIRY: Index = Index {
    name: "upload_expiry",
    table: "upload",
    columns: &["expires_at"],
    filter: Some("sha256 IS NULL"),
};

/// Finished files in the blob store.
pub(super) const BLOB: Table = Table {
    name: "blob",
    columns: &[
        Column::new("sha256", Text),
        Column::new("size", Int64).check("size >= 0"),
        Column::new("last_used", Int64),
    ],
    primary_key: &["sha256"],
};

/// Stored dossiers.
pub(super) const DOSSIER: Table = Table {
    name: "dossier",
    columns: &[
        Column::new("id", Text),
        Column::new("code", Text).unique(),
        Column::new("office", Text),
        Column::new("procedure_code", Text),
        Column::new("procedure_version", Text),
        Column::new("manifest_sha256", Text),
        Column::new("applicant_tag", Bytes),
        Column::new("sealed", Bytes),
        Column::new("receipt", Text),
        Column::new("received_at", Int64),
    ],
    primary_key: &["id"],
};

/// The blobs a dossier cites, in manifest order.
pub(super) const DOSSIER_ATTACHMENT: Table = Table {
    name: "dossier_attachment",
    columns: &[
        Column::new("dossier_id", Text).references("dossier", "id"),
        Column::new("position", Int32),
        Column::new("name", Text),
        Column::new("sha256", Text).references("blob", "sha256"),
        Column::new("size", Int64).check("size >= 0"),
    ],
    primary_key: &["dossier_id", "position"],
};

const DOSSIER_ATTACHMENT_BLOB: Index = Index {
    name: "dossier_attachment_blob",
    table: "dossier_attachment",
    columns: &["sha256"],
    filter: None,
};

/// A dossier's status history.
pub(super) const DOSSIER_EVENT: Table = Table {
    name: "dossier_event",
    columns: &[
        Column::new("dossier_id", Text).references("dossier", "id"),
        Column::new("seq", Int32),
        Column::new("status", Text),
        Column::new("at", Int64),
        Column::new("note", Text).nullable(),
    ],
    primary_key: &["dossier_id", "seq"],
};

/// The last number given in each sequence of dossier codes.
pub(super) const DOSSIER_SEQUENCE: Table = Table {
    name: "dossier_sequence",
    columns: &[Column::new("scope", Text), Column::new("last", Int64)],
    primary_key: &["scope"],
};

/// Every table, in the order created.
#[cfg(test)]
pub(super) const TABLES: &[&Table] = &[
    &INSTANCE,
    &UPLOAD,
    &BLOB,
    &DOSSIER,
    &DOSSIER_ATTACHMENT,
    &DOSSIER_EVENT,
    &DOSSIER_SEQUENCE,
];

/// The migrations, in order. A database records how many have run, so a
/// step once released is never changed; new ones go at the end.
pub(super) const MIGRATIONS: &[&[Step]] = &[
    // 1: the instance's identity, so logs and receipts can name it.
    &[Step::Table(&INSTANCE)],
    // 2: resumable uploads (tus).
    &[Step::Table(&UPLOAD), Step::Index(&UPLOAD_EXPIRY)],
    // 3: finished files, dossiers, their attachments, history and code
    // sequences; the files of uploads finished before are the first blobs.
    &[
        Step::Table(&BLOB),
        Step::Both(
            "INSERT INTO blob (sha256, size, last_used)
                SELECT sha256, MAX(length), MAX(created_at) FROM upload
                WHERE sha256 IS NOT NULL GROUP BY sha256",
        ),
        Step::Table(&DOSSIER),
        Step::Table(&DOSSIER_ATTACHMENT),
        Step::Index(&DOSSIER_ATTACHMENT_BLOB),
        Step::Table(&DOSSIER_EVENT),
        Step::Table(&DOSSIER_SEQUENCE),
    ],
];

/// How many [`MIGRATIONS`] a database that records `version` has run: an
/// error if the count is negative, which no server writes (cast, it would
/// skip every migration).
pub(super) fn migrations_run(version: i64) -> Result<usize, crate::error::Error> {
    usize::try_from(version).map_err(|_| {
        crate::error::Error::Corrupt(format!(
            "the schema version is {version}, expected a count of migrations (no less than 0)"
        ))
    })
}

/// Names that are keywords in one of the databases, quoted wherever they
/// are written (`offset` is reserved in PostgreSQL).
const RESERVED: &[&str] = &["offset"];

/// `name`, quoted if it is a keyword.
pub(super) fn ident(name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("\"{name}\"")
    } else {
        name.to_owned()
    }
}

impl Dialect {
    /// The column type for `kind`.
    fn type_name(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (_, Text) => "TEXT",
            (Self::Sqlite, Int64 | Int32) | (Self::Postgres, Int32) => "INTEGER",
            (Self::Postgres, Int64) => "BIGINT",
            (Self::Sqlite, Bytes) => "BLOB",
            (Self::Postgres, Bytes) => "BYTEA",
        }
    }

    /// `CREATE TABLE` for `table`.
    pub(super) fn create_table(self, table: &Table) -> String {
        let single_key = match table.primary_key {
            [key] => Some(*key),
            _ => None,
        };
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let mut line = format!("{} {}", ident(c.name), self.type_name(c.kind));
                if single_key == Some(c.name) {
                    line.push_str(" PRIMARY KEY");
                } else if !c.nullable {
                    line.push_str(" NOT NULL");
                }
                if c.unique {
                    line.push_str(" UNIQUE");
                }
                if let Some((table, column)) = c.references {
                    line.push_str(&format!(" REFERENCES {table} ({})", ident(column)));
                }
                if let Some(check) = c.check {
                    line.push_str(&format!(" CHECK ({check})"));
                }
                line
            })
            .collect();
        if single_key.is_none() {
            let key: Vec<String> = table.primary_key.iter().map(|k| ident(k)).collect();
            lines.push(format!("PRIMARY KEY ({})", key.join(", ")));
        }
        let strict = match self {
            // Strict: a value of the wrong type is refused, not stored.
            Self::Sqlite => " STRICT",
            Self::Postgres => "",
        };
        format!(
            "CREATE TABLE {} (\n    {}\n){strict}",
            table.name,
            lines.join(",\n    ")
        )
    }

    /// `CREATE INDEX` for `index`.
    fn create_index(self, index: &Index) -> String {
        let columns: Vec<String> = index.columns.iter().map(|c| ident(c)).collect();
        let mut sql = format!(
            "CREATE INDEX {} ON {} ({})",
            index.name,
            index.table,
            columns.join(", ")
        );
        if let Some(filter) = index.filter {
            sql.push_str(&format!(" WHERE {filter}"));
        }
        sql
    }

    /// The statements of one migration, as one batch.
    pub(super) fn migration(self, steps: &[Step]) -> String {
        let statements: Vec<String> = steps
            .iter()
            .map(|step| match step {
                Step::Table(table) => self.create_table(table),
                Step::Index(index) => self.create_index(index),
                Step::Both(sql) => (*sql).to_owned(),
            })
            .collect();
        statements.join(";\n") + ";"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_in_both_dialects() {
        assert_eq!(
            Dialect::Sqlite.create_table(&UPLOAD),
            r#"CREATE TABLE upload (
    id TEXT PRIMARY KEY,
    length INTEGER NOT NULL CHECK (length >= 0),
    "offset" INTEGER NOT NULL CHECK ("offset" >= 0 AND "offset" <= length),
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    sha256 TEXT
) STRICT"#
        );
        assert_eq!(
            Dialect::Postgres.create_table(&DOSSIER_EVENT),
            "CREATE TABLE dossier_event (
    dossier_id TEXT NOT NULL REFERENCES dossier (id),
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    at BIGINT NOT NULL,
    note TEXT,
    PRIMARY KEY (dossier_id, seq)
)"
        );
    }

    #[test]
    fn every_table_is_created_once() {
        let created: Vec<&str> = MIGRATIONS
            .iter()
            .flat_map(|steps| steps.iter())
            .filter_map(|step| match step {
                Step::Table(table) => Some(table.name),
                _ => None,
            })
            .collect();
        let listed: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        assert_eq!(created, listed);
    }

    #[test]
    fn keys_and_references_name_real_columns() {
        let column = |table: &str, name: &str| {
            TABLES
                .iter()
                .find(|t| t.name == table)
                .is_some_and(|t| t.columns.iter().any(|c| c.name == name))
        };
        for table in TABLES {
            for key in table.primary_key {
                assert!(column(table.name, key), "{}.{key}", table.name);
            }
            for c in table.columns {
                if let Some((to_table, to_column)) = c.references {
                    assert!(column(to_table, to_column), "{}.{}", table.name, c.name);
                }
            }
        }
    }
}
