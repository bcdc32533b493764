//! Error codes of form validation and their messages in Vietnamese and English.

use serde::{Deserialize, Serialize};

use crate::i18n::LocalizedText;
use crate::ids::{PersonalId, Sex};

/// Why a field's value was refused; wire spelling `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// A required field is empty.
    Required,
    /// The value has the wrong JSON type (e.g. a number for a text field).
    WrongType,
    /// Fewer characters than `min_length`.
    TooShort,
    /// More characters than `max_length` (or the engine's cap).
    TooLong,
    /// `pattern` does not match.
    PatternMismatch,
    /// Not a number.
    NotANumber,
    /// Not a whole number where `integer` is set.
    NotAnInteger,
    /// Below `min`.
    TooSmall,
    /// A year (an integer `number` whose `min` has four digits) written with
    /// fewer than four digits, like `95`.
    ShortYear,
    /// Above `max`.
    TooLarge,
    /// Not a real day written dd/mm/yyyy.
    InvalidDate,
    /// Before `min_date`.
    DateTooEarly,
    /// After `max_date`.
    DateTooLate,
    /// Not one of the options.
    UnknownOption,
    /// Fewer options picked than `min_selected`.
    TooFewSelected,
    /// More options picked than `max_selected`.
    TooManySelected,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a Vietnamese mobile number.
    InvalidPhone,
    /// Not 12 digits.
    InvalidPersonalId,
    /// The first three digits are no place of birth registration.
    PersonalIdPlace,
    /// The birth year in the number disagrees with the date of birth, or is in the future.
    PersonalIdBirthYear,
    /// The sex digit disagrees with the declared sex.
    PersonalIdSex,
    /// Not a tax code of an accepted form.
    InvalidTaxCode,
    /// The tax code's check digit is wrong.
    TaxCodeChecksum,
    /// An administrative unit value is malformed.
    InvalidUnit,
    /// No province has this code.
    UnknownProvince,
    /// No commune has this code.
    UnknownCommune,
    /// The commune belongs to another province.
    CommuneNotInProvince,
    /// A name holds characters names do not have.
    InvalidName,
    /// Not an amount of money in whole đồng.
    InvalidAmount,
    /// Fewer rows than `min_rows`.
    TooFewRows,
    /// More rows than `max_rows`.
    TooManyRows,
    /// The data holds a key that is no field of the procedure.
    UnknownField,
    /// A cross-field rule failed; the error's `rule` names it.
    Rule,
    /// The form's expressions took too long to evaluate.
    TooComplex,
}

impl ErrorCode {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::WrongType => "wrong_type",
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::PatternMismatch => "pattern_mismatch",
            Self::NotANumber => "not_a_number",
            Self::NotAnInteger => "not_an_integer",
            Self::TooSmall => "too_small",
            Self::ShortYear => "short_year",
            Self::TooLarge => "too_large",
            Self::InvalidDate => "invalid_date",
            Self::DateTooEarly => "date_too_early",
            Self::DateTooLate => "date_too_late",
            Self::UnknownOption => "unknown_option",
            Self::TooFewSelected => "too_few_selected",
            Self::TooManySelected => "too_many_selected",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidPersonalId => "invalid_personal_id",
            Self::PersonalIdPlace => "personal_id_place",
            Self::PersonalIdBirthYear => "personal_id_birth_year",
            Self::PersonalIdSex => "personal_id_sex",
            Self::InvalidTaxCode => "invalid_tax_code",
            Self::TaxCodeChecksum => "tax_code_checksum",
            Self::InvalidUnit => "invalid_unit",
            Self::UnknownProvince => "unknown_province",
            Self::UnknownCommune => "unknown_commune",
            Self::CommuneNotInProvince => "commune_not_in_province",
            Self::InvalidName => "invalid_name",
            Self::InvalidAmount => "invalid_amount",
            Self::TooFewRows => "too_few_rows",
            Self::TooManyRows => "too_many_rows",
            Self::UnknownField => "unknown_field",
            Self::Rule => "rule",
            Self::TooComplex => "too_complex",
        }
    }
}

/// A problem with a value, before the field's label is put in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub(crate) code: ErrorCode,
    pub(crate) problem: LocalizedText,
}

impl Fault {
    pub(crate) fn new(code: ErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            problem: LocalizedText::new(vi, en),
        }
    }

    /// The standard wording of `code`.
    pub(crate) fn of(code: ErrorCode) -> Self {
        let (vi, en) = match code {
            ErrorCode::WrongType => ("giá trị không đúng kiểu", "the value has the wrong type"),
            ErrorCode::NotANumber => (
                "nhập một số, ví dụ 12 hoặc 12.5",
                "enter a number, like 12 or 12.5",
            ),
            ErrorCode::NotAnInteger => ("nhập một số nguyên", "enter a whole number"),
            ErrorCode::InvalidDate => (
                "nhập ngày có thật theo dạng ngày/tháng/năm, ví dụ 25/11/2026",
                "enter a real date as dd/mm/yyyy, for example 25/11/2026",
            ),
            ErrorCode::UnknownOption => (
                "chọn một trong các lựa chọn đã cho",
                "select one of the options given",
            ),
            ErrorCode::InvalidEmail => (
                "nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.vn",
                "enter an e-mail address in the right format, like name@example.vn",
            ),
            ErrorCode::InvalidPhone => (
                "nhập số di động 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09",
                "enter a 10-digit mobile number starting 03, 05, 07, 08 or 09",
            ),
            ErrorCode::InvalidPersonalId => (
                "số định danh cá nhân gồm đúng 12 chữ số",
                "a personal ID number has exactly 12 digits",
            ),
            ErrorCode::PersonalIdPlace => (
                "3 chữ số đầu không phải mã tỉnh hoặc mã quốc gia nơi đăng ký khai sinh",
                "the first 3 digits are not the code of a province or country of birth registration",
            ),
            ErrorCode::PersonalIdSex => (
                "chữ số thứ 4 (giới tính) không khớp với giới tính đã khai",
                "the 4th digit (sex) does not match the sex declared",
            ),
            ErrorCode::InvalidTaxCode => (
                "mã số thuế gồm 10 chữ số, 13 chữ số dạng NNNNNNNNNN-NNN cho chi nhánh, hoặc 12 chữ số định danh cá nhân",
                "a tax code has 10 digits, 13 as NNNNNNNNNN-NNN for a branch, or 12 (personal ID number)",
            ),
            ErrorCode::TaxCodeChecksum => (
                "mã số thuế không đúng (sai chữ số kiểm tra), hãy kiểm tra lại",
                "this tax code is not right (wrong check digit); check it again",
            ),
            ErrorCode::InvalidUnit => (
                "chọn tỉnh, thành phố và xã, phường",
                "select a province and a commune",
            ),
            ErrorCode::UnknownProvince => (
                "không có tỉnh, thành phố với mã này",
                "no province has this code",
            ),
            ErrorCode::UnknownCommune => {
                ("không có xã, phường với mã này", "no commune has this code")
            }
            ErrorCode::CommuneNotInProvince => (
                "xã, phường đã chọn không thuộc tỉnh, thành phố đã chọn",
                "the commune selected is not in the province selected",
            ),
            ErrorCode::InvalidName => (
                "họ tên chỉ gồm chữ cái, dấu cách và các dấu ' - .",
                "a name has only letters, spaces and the marks ' - .",
            ),
            ErrorCode::InvalidAmount => (
                "nhập số tiền bằng chữ số, ví dụ 1.500.000",
                "enter the amount in digits, for example 1.500.000",
            ),
            ErrorCode::UnknownField => (
                "trường này không có trong biểu mẫu",
                "this form has no such field",
            ),
            ErrorCode::TooComplex => (
                "biểu mẫu quá phức tạp để kiểm tra",
                "the form is too complex to check",
            ),
            _ => ("giá trị không hợp lệ", "the value is not valid"),
        };
        Self::new(code, vi, en)
    }
}

/// Digit 4 of `id` says the other sex than `expected`, the holder's sex as
/// the form knows it: says who the holder is and which digit fits the
/// century the number gives (1900s 0/1, 2000s 2/3, ...).
pub(crate) fn sex_mismatch(
    id: &PersonalId,
    expected: Sex,
    holder: Option<&LocalizedText>,
) -> Fault {
    let digit = id.as_str().as_bytes()[3] - b'0';
    let wanted = digit / 2 * 2 + u8::from(expected == Sex::Female);
    let from = 1900 + u32::from(digit / 2) * 100;
    let (who_vi, who_en) = holder.map_or(("người này", "this person"), |h| {
        (h.vi.as_str(), h.en.as_str())
    });
    let (sex_vi, sex_en) = match expected {
        Sex::Male => ("nam", "male"),
        Sex::Female => ("nữ", "female"),
    };
    let to = from + 99;
    Fault::new(
        ErrorCode::PersonalIdSex,
        format!(
            "chữ số giới tính (chữ số thứ 4) không khớp: {who_vi} là {sex_vi}, \
             sinh năm {from}–{to} thì chữ số này là {wanted}, không phải {digit}"
        ),
        format!(
            "the sex digit (the 4th) does not match: {who_en} is {sex_en}, \
             and for a birth in {from}–{to} this digit is {wanted}, not {digit}"
        ),
    )
}

/// The message shown for a fault on a field labelled `label`.
pub(crate) fn message(fault: &Fault, label: &LocalizedText) -> LocalizedText {
    LocalizedText::new(
        format!("“{}”: {}", label.vi, fault.problem.vi),
        format!("“{}”: {}", label.en, fault.problem.en),
    )
}

/// The message for an empty required field; `select` for choices.
pub(crate) fn required(label: &LocalizedText, select: bool) -> LocalizedText {
    if select {
        LocalizedText::new(
            format!("Vui lòng chọn “{}”", label.vi),
            format!("Select “{}”", label.en),
        )
    } else {
        LocalizedText::new(
            format!("Vui lòng nhập “{}”", label.vi),
            format!("Enter “{}”", label.en),
        )
    }
}
