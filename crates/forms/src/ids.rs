//! Vietnamese identifiers as types: parse at the edge, then pass typed
//! values around. Each `FromStr` accepts what people type (spaces, dots,
//! `+84`) and keeps one canonical form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, PersonalIdFault, TaxCodeFault};

/// The 63 provinces before the 2025 merger, by the code that opens a personal
/// identification number (the province where the birth was registered).
/// These codes stay valid after 1 July 2025. Source: Circular 07/2016/TT-BCA,
/// annex, kept by Circular 59/2021/TT-BCA.
const BIRTH_PROVINCES: [(u16, &str); 63] = [
    (1, "Hà Nội"),
    (2, "Hà Giang"),
    (4, "Cao Bằng"),
    (6, "Bắc Kạn"),
    (8, "Tuyên Quang"),
    (10, "Lào Cai"),
    (11, "Điện Biên"),
    (12, "Lai Châu"),
    (14, "Sơn La"),
    (15, "Yên Bái"),
    (17, "Hòa Bình"),
    (19, "Thái Nguyên"),
    (20, "Lạng Sơn"),
    (22, "Quảng Ninh"),
    (24, "Bắc Giang"),
    (25, "Phú Thọ"),
    (26, "Vĩnh Phúc"),
    (27, "Bắc Ninh"),
    (30, "Hải Dương"),
    (31, "Hải Phòng"),
    (33, "Hưng Yên"),
    (34, "Thái Bình"),
    (35, "Hà Nam"),
    (36, "Nam Định"),
    (37, "Ninh Bình"),
    (38, "Thanh Hóa"),
    (40, "Nghệ An"),
    (42, "Hà Tĩnh"),
    (44, "Quảng Bình"),
    (45, "Quảng Trị"),
    (46, "Thừa Thiên Huế"),
    (48, "Đà Nẵng"),
    (49, "Quảng Nam"),
    (51, "Quảng Ngãi"),
    (52, "Bình Định"),
    (54, "Phú Yên"),
    (56, "Khánh Hòa"),
    (58, "Ninh Thuận"),
    (60, "Bình Thuận"),
    (62, "Kon Tum"),
    (64, "Gia Lai"),
    (66, "Đắk Lắk"),
    (67, "Đắk Nông"),
    (68, "Lâm Đồng"),
    (70, "Bình Phước"),
    (72, "Tây Ninh"),
    (74, "Bình Dương"),
    (75, "Đồng Nai"),
    (77, "Bà Rịa - Vũng Tàu"),
    (79, "Thành phố Hồ Chí Minh"),
    (80, "Long An"),
    (82, "Tiền Giang"),
    (83, "Bến Tre"),
    (84, "Trà Vinh"),
    (86, "Vĩnh Long"),
    (87, "Đồng Tháp"),
    (89, "An Giang"),
    (91, "Kiên Giang"),
    (92, "Cần Thơ"),
    (93, "Hậu Giang"),
    (94, "Sóc Trăng"),
    (95, "Bạc Liêu"),
    (96, "Cà Mau"),
];

/// Codes accepted for births registered abroad. *Unconfirmed*: the
/// regulations say "the code of the country where the birth was registered"
/// without this code giving the list, so we accept the ISO 3166-1 numeric
/// country codes (Viet Nam's 704 excluded), taken from pycountry 26.2.16
/// (`databases/iso3166-1.json`). Change this list, not the logic, when the
/// official list is confirmed.
const ABROAD_CODES: [u16; 248] = [
    4, 8, 10, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 74,
    76, 84, 86, 90, 92, 96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156,
    158, 162, 166, 170, 174, 175, 178, 180, 184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218,
    222, 226, 231, 232, 233, 234, 238, 239, 242, 246, 248, 250, 254, 258, 260, 262, 266, 268, 270,
    275, 276, 288, 292, 296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336, 340, 344, 348,
    352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418,
    422, 426, 428, 430, 434, 438, 440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484,
    492, 496, 498, 499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554,
    558, 562, 566, 570, 574, 578, 580, 581, 583, 584, 585, 586, 591, 598, 600, 604, 608, 612, 616,
    620, 624, 626, 630, 634, 638, 642, 643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678,
    682, 686, 688, 690, 694, 702, 703, 705, 706, 710, 716, 724, 728, 729, 732, 740, 744, 748, 752,
    756, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818, 826,
    831, 832, 833, 834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
];

/// Sex as recorded on civil-status papers; wire spelling `male` / `female`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// The wire spelling, also the option value a form's sex choice must use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// Reads the wire spelling.
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "male" => Some(Self::Male),
            "female" => Some(Self::Female),
            _ => None,
        }
    }
}

/// Where the birth of a personal-id holder was registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthPlace {
    /// One of the 63 pre-2025 provinces: its 3-digit code and name.
    Province(u16, &'static str),
    /// Abroad: the country code.
    Abroad(u16),
}

/// A personal identification number (số định danh cá nhân), the number on a
/// citizen identity card (CCCD): 12 digits, no check digit.
///
/// Digits 1–3: where the birth was registered (a pre-2025 province code or a
/// country code); digit 4: century and sex (1900s 0 male / 1 female, 2000s
/// 2 / 3, 2100s 4 / 5, 2200s 6 / 7, 2300s 8 / 9); digits 5–6: last two
/// digits of the birth year; 6 random digits. Decree 137/2015/NĐ-CP Art. 13;
/// Circulars 07/2016/TT-BCA, 59/2021/TT-BCA; Law on Identification 2023 Art. 12.
///
/// ```
/// use motcua_forms::{PersonalId, Sex};
/// let id: PersonalId = "001 090 012345".parse()?;
/// assert_eq!(id.as_str(), "001090012345");
/// assert_eq!((id.birth_year(), id.sex()), (1990, Sex::Male));
/// assert!("999090012345".parse::<PersonalId>().is_err());
/// # Ok::<(), motcua_forms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonalId(String);

impl PersonalId {
    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u16 {
        u16::from(self.0.as_bytes()[i] - b'0')
    }

    /// Where the birth was registered.
    pub fn birth_place(&self) -> BirthPlace {
        let code = self.digit(0) * 100 + self.digit(1) * 10 + self.digit(2);
        match BIRTH_PROVINCES.iter().find(|(c, _)| *c == code) {
            Some((c, name)) => BirthPlace::Province(*c, name),
            None => BirthPlace::Abroad(code),
        }
    }

    /// The year of birth the number encodes.
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + i32::from(self.digit(3) / 2) * 100;
        century + i32::from(self.digit(4) * 10 + self.digit(5))
    }

    /// The sex the number encodes.
    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Checks the number against a declared year of birth and sex, each when known.
    pub fn check_holder(
        &self,
        birth_year: Option<i32>,
        sex: Option<Sex>,
    ) -> Result<(), PersonalIdFault> {
        if let Some(declared) = birth_year
            && declared != self.birth_year()
        {
            return Err(PersonalIdFault::BirthYearMismatch {
                encoded: self.birth_year(),
                declared,
            });
        }
        match sex {
            Some(s) if s != self.sex() => Err(PersonalIdFault::SexMismatch),
            _ => Ok(()),
        }
    }
}

fn strip_separators(s: &str, separators: &[char]) -> String {
    s.chars().filter(|c| !separators.contains(c)).collect()
}

fn personal_id_fault(digits: &str) -> Option<PersonalIdFault> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(PersonalIdFault::NotDigits);
    }
    if digits.len() != 12 {
        return Some(PersonalIdFault::Length(digits.chars().count()));
    }
    let code: u16 = digits[..3].parse().unwrap_or(u16::MAX);
    let known = BIRTH_PROVINCES.iter().any(|(c, _)| *c == code) || ABROAD_CODES.contains(&code);
    if !known {
        return Some(PersonalIdFault::UnknownPlace(code));
    }
    None
}

impl FromStr for PersonalId {
    type Err = Error;

    /// Accepts 12 digits, with spaces or dots between groups.
    fn from_str(s: &str) -> Result<Self, Error> {
        let digits = strip_separators(s.trim(), &[' ', '.']);
        match personal_id_fault(&digits) {
            None => Ok(Self(digits)),
            Some(fault) => Err(Error::PersonalId {
                value: s.to_owned(),
                fault,
            }),
        }
    }
}

impl fmt::Display for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tax code (mã số thuế).
///
/// - 10 digits: 2-digit province, 7-digit sequence, check digit
///   (Circular 105/2020/TT-BTC; check digit as in python-stdnum `vn.mst`);
/// - 13 digits, written `NNNNNNNNNN-NNN`: a branch or dependent unit, suffix 001–999;
/// - 12 digits: since 1 July 2025 individuals and household businesses use
///   their personal identification number (Circular 86/2024/TT-BTC).
///
/// Spaces, dots and dashes are accepted as separators. `Display` writes the
/// canonical form: `0100233488`, `0314409058-002`, `001090012345`.
///
/// ```
/// use motcua_forms::TaxCode;
/// let t: TaxCode = "0312 68 78 78 - 001".parse()?;
/// assert_eq!(t.to_string(), "0312687878-001");
/// assert!("0100233480".parse::<TaxCode>().is_err());
/// # Ok::<(), motcua_forms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaxCode {
    /// A 10-digit code of an organisation or a pre-2025 individual code.
    Main(String),
    /// A 13-digit branch code: the parent's 10 digits and a 3-digit suffix.
    Branch(String),
    /// A personal identification number used as an individual's tax code.
    Personal(PersonalId),
}

/// The check digit of a 10-digit tax code given its first nine digits, or
/// `None` when S mod 11 = 0 (no valid code has those nine digits).
fn tax_check_digit(first9: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let sum: u32 = first9
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    // S mod 11 = 10 gives 0; S mod 11 = 0 would give 10, not a digit.
    match 10 - (sum % 11) {
        10 => None,
        c => u8::try_from(c).ok(),
    }
}

impl TaxCode {
    /// The digits only, as python-stdnum's `compact` gives them.
    pub fn compact(&self) -> String {
        match self {
            Self::Main(d) | Self::Branch(d) => d.clone(),
            Self::Personal(id) => id.as_str().to_owned(),
        }
    }

    fn parse_digits(digits: &str) -> Result<Self, TaxCodeFault> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TaxCodeFault::NotDigits);
        }
        match digits.len() {
            12 => match personal_id_fault(digits) {
                None => Ok(Self::Personal(PersonalId(digits.to_owned()))),
                Some(f) => Err(TaxCodeFault::PersonalId(f)),
            },
            10 | 13 => {
                let b = digits.as_bytes();
                if &digits[2..9] == "0000000" {
                    return Err(TaxCodeFault::ZeroSequence);
                }
                if b.len() == 13 && &digits[10..] == "000" {
                    return Err(TaxCodeFault::BranchSuffix);
                }
                if tax_check_digit(&b[..9]) != Some(b[9] - b'0') {
                    return Err(TaxCodeFault::Checksum);
                }
                Ok(if b.len() == 10 {
                    Self::Main(digits.to_owned())
                } else {
                    Self::Branch(digits.to_owned())
                })
            }
            n => Err(TaxCodeFault::Length(n)),
        }
    }
}

impl FromStr for TaxCode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let digits = strip_separators(s.trim(), &[' ', '.', '-']);
        Self::parse_digits(&digits).map_err(|fault| Error::TaxCode {
            value: s.to_owned(),
            fault,
        })
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Main(d) => f.write_str(d),
            Self::Branch(d) => write!(f, "{}-{}", &d[..10], &d[10..]),
            Self::Personal(id) => f.write_str(id.as_str()),
        }
    }
}

/// A Vietnamese mobile phone number: 10 digits starting 03, 05, 07, 08 or 09
/// (the 2018 renumbering). `+84` and `84` are accepted and normalised to the
/// leading `0`; spaces, dots, dashes and parentheses are ignored.
///
/// ```
/// use motcua_forms::MobilePhone;
/// let p: MobilePhone = "+84 912 345 678".parse()?;
/// assert_eq!(p.as_str(), "0912345678");
/// assert!("0212345678".parse::<MobilePhone>().is_err());
/// # Ok::<(), motcua_forms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// The canonical 10 digits, `0` first.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MobilePhone {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        let (international, rest) = match t.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let digits = strip_separators(rest, &[' ', '.', '-', '(', ')']);
        let bad = || Error::Phone(s.to_owned());
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let national = if international && !digits.starts_with("84") {
            return Err(bad());
        } else if digits.starts_with("84") && digits.len() == 11 {
            format!("0{}", &digits[2..])
        } else if digits.starts_with("840") && digits.len() == 12 {
            // "+84 0912…": the trunk 0 kept after the country code.
            digits[2..].to_owned()
        } else if international {
            return Err(bad());
        } else {
            digits
        };
        let b = national.as_bytes();
        if b.len() == 10 && b[0] == b'0' && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9') {
            Ok(Self(national))
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address: ASCII `local@domain`, local part at most 64 bytes of
/// RFC 5322 atext and dots, domain of at least two LDH labels with an
/// alphabetic (or `xn--`) top-level label, at most 254 bytes. The domain is
/// lower-cased; the local part is kept as typed.
///
/// ```
/// use motcua_forms::Email;
/// let e: Email = " Nguyen.An@Example.VN ".parse()?;
/// assert_eq!(e.as_str(), "Nguyen.An@example.vn");
/// # Ok::<(), motcua_forms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld_ok = labels.last().is_some_and(|t| {
        t.len() >= 2 && (t.bytes().all(|b| b.is_ascii_alphabetic()) || t.starts_with("xn--"))
    });
    labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

impl FromStr for Email {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        let bad = || Error::Email(s.to_owned());
        let (local, domain) = t.rsplit_once('@').ok_or_else(bad)?;
        let domain = domain.to_ascii_lowercase();
        if t.len() > 254 || !valid_local(local) || !valid_domain(&domain) {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{domain}")))
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_fault(s: &str) -> PersonalIdFault {
        match s.parse::<PersonalId>() {
            Err(Error::PersonalId { fault, .. }) => fault,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    #[test]
    fn province_table_has_63_distinct_codes() {
        let mut codes: Vec<u16> = BIRTH_PROVINCES.iter().map(|(c, _)| *c).collect();
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(ABROAD_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(!ABROAD_CODES.contains(&704));
    }

    #[test]
    fn personal_ids() {
        let id: PersonalId = "079303000123".parse().unwrap();
        assert_eq!(
            id.birth_place(),
            BirthPlace::Province(79, "Thành phố Hồ Chí Minh")
        );
        assert_eq!((id.birth_year(), id.sex()), (2003, Sex::Female));
        let id: PersonalId = "048.2.25.123456".parse().unwrap();
        assert_eq!((id.birth_year(), id.sex()), (2025, Sex::Male));
        let id: PersonalId = "840199000001".parse().unwrap();
        assert_eq!(id.birth_place(), BirthPlace::Abroad(840));
        assert_eq!((id.birth_year(), id.sex()), (1999, Sex::Female));
        let id: PersonalId = "001400000001".parse().unwrap();
        assert_eq!(id.birth_year(), 2100);
        let id: PersonalId = "001999000001".parse().unwrap();
        assert_eq!((id.birth_year(), id.sex()), (2399, Sex::Female));

        assert_eq!(id_fault("00109001234"), PersonalIdFault::Length(11));
        assert_eq!(id_fault("0010900123456"), PersonalIdFault::Length(13));
        assert_eq!(id_fault("00109001234a"), PersonalIdFault::NotDigits);
        assert_eq!(id_fault("001-090-012345"), PersonalIdFault::NotDigits);
        assert_eq!(id_fault("003090012345"), PersonalIdFault::UnknownPlace(3));
        assert_eq!(id_fault("000090012345"), PersonalIdFault::UnknownPlace(0));
        assert_eq!(id_fault("704090012345"), PersonalIdFault::UnknownPlace(704));
        assert_eq!(id_fault(""), PersonalIdFault::Length(0));
    }

    #[test]
    fn personal_id_against_holder() {
        let id: PersonalId = "001090012345".parse().unwrap();
        assert_eq!(id.check_holder(Some(1990), Some(Sex::Male)), Ok(()));
        assert_eq!(id.check_holder(None, None), Ok(()));
        assert_eq!(
            id.check_holder(Some(1991), None),
            Err(PersonalIdFault::BirthYearMismatch {
                encoded: 1990,
                declared: 1991
            })
        );
        assert_eq!(
            id.check_holder(Some(1990), Some(Sex::Female)),
            Err(PersonalIdFault::SexMismatch)
        );
    }

    #[test]
    fn tax_codes_from_domain_notes() {
        for ok in ["0100233488", "0314409058", "0100112437", "0312687878"] {
            let t: TaxCode = ok.parse().unwrap();
            assert_eq!(t, TaxCode::Main(ok.to_owned()));
        }
        let fault = |s: &str| match s.parse::<TaxCode>() {
            Err(Error::TaxCode { fault, .. }) => fault,
            other => panic!("{s:?}: {other:?}"),
        };
        assert_eq!(fault("0100233480"), TaxCodeFault::Checksum);
        assert_eq!(fault("12345"), TaxCodeFault::Length(5));
        assert_eq!(fault("VV34567890"), TaxCodeFault::NotDigits);
        assert_eq!(fault("0100000008"), TaxCodeFault::ZeroSequence);
        assert_eq!(fault("0314409058-000"), TaxCodeFault::BranchSuffix);
        assert_eq!(
            fault("003090012345"),
            TaxCodeFault::PersonalId(PersonalIdFault::UnknownPlace(3))
        );
        let personal: TaxCode = "001090012345".parse().unwrap();
        assert!(matches!(personal, TaxCode::Personal(_)));
        assert_eq!(personal.to_string(), "001090012345");
    }

    #[test]
    fn tax_check_digit_edges() {
        // S mod 11 = 10 gives 0; S mod 11 = 0 has no valid check digit.
        let find = |want: u32| {
            (0..1_000_000_u32)
                .map(|n| format!("01{n:07}"))
                .find(|s| {
                    let sum: u32 = s
                        .bytes()
                        .zip([31, 29, 23, 19, 17, 13, 7, 5, 3])
                        .map(|(d, w)| u32::from(d - b'0') * w)
                        .sum();
                    sum % 11 == want && &s[2..] != "0000000"
                })
                .unwrap()
        };
        let ten = find(10);
        assert!(format!("{ten}0").parse::<TaxCode>().is_ok());
        let zero = find(0);
        for d in 0..10 {
            assert!(format!("{zero}{d}").parse::<TaxCode>().is_err());
        }
    }

    #[test]
    fn mobile_phones() {
        for (input, canonical) in [
            ("0912345678", "0912345678"),
            (" 091 234 5678 ", "0912345678"),
            ("0912.345.678", "0912345678"),
            ("+84912345678", "0912345678"),
            ("+84 (0) 912-345-678", "0912345678"),
            ("84912345678", "0912345678"),
            ("0848123456", "0848123456"),
            ("0321234567", "0321234567"),
            ("0561234567", "0561234567"),
            ("0701234567", "0701234567"),
        ] {
            let p: MobilePhone = input.parse().unwrap();
            assert_eq!(p.as_str(), canonical, "{input:?}");
        }
        for bad in [
            "",
            "091234567",
            "09123456789",
            "0212345678",
            "0112345678",
            "0412345678",
            "0612345678",
            "912345678",
            "+1 912345678",
            "+84212345678",
            "8491234567",
            "09123456７8",
            "phone",
            "+",
            "++84912345678",
        ] {
            assert!(bad.parse::<MobilePhone>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.vn",
            "nguyen.van.an+filing@dichvucong.gov.vn",
            "x_y@xn--80ak6aa92e.com",
        ] {
            assert!(ok.parse::<Email>().is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.vn",
            "a@b",
            "a@b.v",
            "a@@b.vn",
            "a b@c.vn",
            ".a@b.vn",
            "a.@b.vn",
            "a..b@c.vn",
            "a@-b.vn",
            "a@b-.vn",
            "a@b..vn",
            "a@b.vn1",
            "ả@b.vn",
            "a@bé.vn",
        ] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?} accepted");
        }
        let long_local = format!("{}@b.vn", "a".repeat(65));
        assert!(long_local.parse::<Email>().is_err());
    }
}
