//! The one error type of this crate.

use std::fmt;

/// What went wrong reading a catalog, a procedure schema, an
/// administrative-unit table or a Vietnamese identifier.
///
/// Errors about a citizen's *form data* are not `Error`s: validation reports
/// them as [`FieldError`](crate::FieldError)s, one per problem, with a
/// localized message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not JSON of the expected shape.
    #[error("invalid {what} at {path}: {source}")]
    Json {
        /// Which document was being read ("catalog index", "procedure schema").
        what: &'static str,
        /// JSON path of the fault, like `$.sections[0].fields[2].type`.
        path: String,
        /// The parser's account of the fault.
        #[source]
        source: serde_json::Error,
    },
    /// The document is larger than this code reads, checked before parsing.
    #[error("{what} too large: {size} bytes, at most {limit}")]
    TooLarge {
        /// Which document was being read.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The most this code reads.
        limit: usize,
    },
    /// The document declares a format version this code does not know.
    #[error("unsupported {what} format {found}, expected {expected}")]
    Format {
        /// Which document was being read.
        what: &'static str,
        /// The version found in the document.
        found: u32,
        /// The version this code reads.
        expected: u32,
    },
    /// A procedure code is not of the form `d.dddddd`.
    #[error("invalid procedure code {0:?}: expected a digit, a dot and six digits, like 1.001193")]
    ProcedureCode(String),
    /// Another value of the protocol is malformed.
    #[error(transparent)]
    Value(motcua_protocol::ValueError),
    /// A procedure schema parsed, but does not hold together: unknown field
    /// references, duplicate ids, cycles, bad patterns, limits exceeded.
    #[error("invalid procedure schema: {0}")]
    Schema(SchemaIssues),
    /// A personal identification number (số định danh cá nhân, CCCD) is malformed.
    #[error("invalid personal identification number {value:?}: {fault}")]
    PersonalId {
        /// The text given.
        value: String,
        /// What is wrong with it.
        fault: PersonalIdFault,
    },
    /// A tax code (mã số thuế) is malformed.
    #[error("invalid tax code {value:?}: {fault}")]
    TaxCode {
        /// The text given.
        value: String,
        /// What is wrong with it.
        fault: TaxCodeFault,
    },
    /// A mobile phone number is not ten digits starting 03, 05, 07, 08 or 09
    /// (optionally written with +84 or 84).
    #[error("invalid mobile phone number {0:?}: expected 10 digits starting 03, 05, 07, 08 or 09")]
    Phone(String),
    /// An e-mail address is malformed.
    #[error("invalid e-mail address {0:?}: expected name@domain.tld")]
    Email(String),
    /// A date is not a real day written dd/mm/yyyy (or yyyy-mm-dd).
    #[error("invalid date {0:?}: expected a real day written dd/mm/yyyy")]
    Date(String),
    /// A province (2 digits) or commune (5 digits) code is malformed.
    #[error(
        "invalid administrative unit code {0:?}: expected 2 digits (province) or 5 digits (commune)"
    )]
    UnitCode(String),
    /// The administrative-unit table is inconsistent.
    #[error("invalid administrative-unit table: {0}")]
    Units(String),
}

/// One problem found while checking a procedure schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaIssue {
    /// JSON path of the offending value, like `$.sections[1].fields[0].visible`.
    pub path: String,
    /// What is wrong there.
    pub problem: SchemaProblem,
}

/// The protocol's values that forms parse: a date or a procedure code.
impl From<motcua_protocol::ValueError> for Error {
    fn from(e: motcua_protocol::ValueError) -> Self {
        match e {
            motcua_protocol::ValueError::Date(v) => Self::Date(v),
            motcua_protocol::ValueError::ProcedureCode(v) => Self::ProcedureCode(v),
            other => Self::Value(other),
        }
    }
}

impl fmt::Display for SchemaIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.problem)
    }
}

/// Every problem found in one procedure schema (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaIssues(pub Vec<SchemaIssue>);

impl fmt::Display for SchemaIssues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            issue.fmt(f)?;
        }
        Ok(())
    }
}

/// What is wrong at one place of a procedure schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaProblem {
    /// An id is not lower-case ASCII letters, digits and `_`, starting with a
    /// letter, at most 64 bytes.
    #[error("invalid id {0:?}: expected [a-z][a-z0-9_]*, at most 64 bytes")]
    InvalidId(String),
    /// Two fields, sections, rules or options share an id.
    #[error("duplicate id {id:?}, first used at {first}")]
    DuplicateId {
        /// The id.
        id: String,
        /// JSON path of its first use.
        first: String,
    },
    /// An expression or property names a field that does not exist.
    #[error("unknown field {0:?}")]
    UnknownField(String),
    /// An expression names a field inside a repeatable group from outside a
    /// row of that group.
    #[error(
        "field {0:?} is inside a repeatable group and cannot be used here; use the group with some/all/none"
    )]
    OutOfScope(String),
    /// A visibility condition names a field that comes later in the form, or
    /// a computed one; conditions are evaluated in form order.
    #[error("condition uses field {0:?}, which is computed or comes later in the form")]
    ForwardReference(String),
    /// Computed values depend on each other in a circle.
    #[error("computed values form a cycle: {}", .0.join(" -> "))]
    ComputedCycle(Vec<String>),
    /// A `pattern` is not a valid regular expression.
    #[error("invalid pattern {pattern:?}: {reason}")]
    BadPattern {
        /// The pattern.
        pattern: String,
        /// The regex compiler's account.
        reason: String,
    },
    /// An expression uses an operator this engine does not know.
    #[error("unknown operator {0:?}")]
    UnknownOperator(String),
    /// An expression is not well formed (operator objects must have exactly
    /// one key; `var` takes a literal field name).
    #[error("malformed expression: {0}")]
    BadExpression(String),
    /// A property does not fit the field's type, or a value is out of range.
    #[error("{0}")]
    BadProperty(String),
    /// Something exceeds a limit this engine sets against hostile schemas.
    #[error("too many {what}: {found}, at most {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// How many were found.
        found: usize,
        /// The limit.
        limit: usize,
    },
}

/// What is wrong with a personal identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PersonalIdFault {
    /// Not 12 characters.
    #[error("expected 12 digits, found {0} characters")]
    Length(usize),
    /// Holds something other than digits.
    #[error("expected digits only")]
    NotDigits,
    /// The first three digits are neither a province of birth registration
    /// nor a country code for births abroad.
    #[error("unknown place-of-birth-registration code {0:03}")]
    UnknownPlace(u16),
    /// The century digit and the year digits give a birth year after today.
    #[error("the number gives birth year {0}, which is in the future")]
    FutureBirthYear(i32),
    /// The birth year encoded in the number differs from the date of birth.
    #[error("the number gives birth year {encoded}, the form says {declared}")]
    BirthYearMismatch {
        /// Year given by digits 4–6.
        encoded: i32,
        /// Year of the declared date of birth.
        declared: i32,
    },
    /// The sex encoded in the number differs from the declared sex.
    #[error("the number encodes the other sex than the one declared")]
    SexMismatch,
}

/// What is wrong with a tax code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaxCodeFault {
    /// Not 10, 12 or 13 digits once separators are removed.
    #[error("expected 10 digits, 13 for a branch or 12 for a personal id, found {0}")]
    Length(usize),
    /// Holds something other than digits and the separators space, `.` and `-`.
    #[error("expected digits only")]
    NotDigits,
    /// Digits 3–9 are all zero.
    #[error("the sequence number 0000000 is not issued")]
    ZeroSequence,
    /// A branch suffix is `000`.
    #[error("branch suffix 000 is not issued, expected 001-999")]
    BranchSuffix,
    /// The check digit (10th digit) is wrong.
    #[error("wrong check digit")]
    Checksum,
    /// A 12-digit individual tax code is not a valid personal id.
    #[error("12-digit individual tax code: {0}")]
    PersonalId(PersonalIdFault),
    /// A branch or a personal code where the field accepts only 10 digits.
    #[error("this kind of tax code is not accepted here")]
    KindNotAccepted,
}
