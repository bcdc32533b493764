//! Identifier vectors: python-stdnum's vn.mst vectors (tests/data), and
//! valid and invalid personal ids, phones, e-mails and dates.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{
    Date, Email, Error, MobilePhone, PersonalId, PersonalIdFault, Sex, TaxCode, TaxCodeFault,
};

const STDNUM: &str = include_str!("data/stdnum-vn-mst.tsv");

fn vectors() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    STDNUM
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            (
                cols.next().unwrap(),
                cols.next().unwrap(),
                cols.next().unwrap_or(""),
            )
        })
}

#[test]
fn stdnum_vn_mst_vectors() {
    let mut counts = [0; 4];
    for (kind, input, result) in vectors() {
        let parsed = input.parse::<TaxCode>();
        match kind {
            "valid" => {
                assert_eq!(parsed.unwrap().compact(), result, "{input:?}");
                counts[0] += 1;
            }
            "format" => {
                assert_eq!(parsed.unwrap().to_string(), result, "{input:?}");
                counts[1] += 1;
            }
            "listed" => {
                let code = parsed.unwrap_or_else(|e| panic!("{input:?}: {e}"));
                assert!(
                    matches!(code, TaxCode::Main(_) | TaxCode::Branch(_)),
                    "{input:?}"
                );
                counts[2] += 1;
            }
            "invalid" => {
                let Err(Error::TaxCode { fault, .. }) = parsed else {
                    panic!("{input:?} accepted")
                };
                let expected_ok = match result {
                    "InvalidLength" => matches!(fault, TaxCodeFault::Length(_)),
                    "InvalidFormat" => fault == TaxCodeFault::NotDigits,
                    "InvalidComponent" => matches!(
                        fault,
                        TaxCodeFault::ZeroSequence | TaxCodeFault::BranchSuffix
                    ),
                    "InvalidChecksum" => fault == TaxCodeFault::Checksum,
                    other => panic!("unknown exception {other}"),
                };
                assert!(expected_ok, "{input:?}: {fault:?} for {result}");
                counts[3] += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(counts, [3, 2, 161, 5]);
}

#[test]
fn corrupting_one_check_digit_is_always_caught() {
    for (kind, input, _) in vectors().filter(|(k, ..)| *k == "listed") {
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        let check = digits.as_bytes()[9];
        for d in b'0'..=b'9' {
            if d == check {
                continue;
            }
            let mut bad = digits.clone().into_bytes();
            bad[9] = d;
            let bad = String::from_utf8(bad).unwrap();
            assert!(bad.parse::<TaxCode>().is_err(), "{kind} {bad} accepted");
        }
    }
}

#[test]
fn branch_and_personal_tax_codes() {
    let branch: TaxCode = "0314409058-002".parse().unwrap();
    assert_eq!(branch.to_string(), "0314409058-002");
    assert_eq!(branch.compact(), "0314409058002");
    for suffix in ["001", "999"] {
        assert!(format!("0314409058-{suffix}").parse::<TaxCode>().is_ok());
    }
    let personal: TaxCode = "079 303 000 123".parse().unwrap();
    assert_eq!(personal.to_string(), "079303000123");
    assert!(matches!(personal, TaxCode::Personal(_)));
    for bad in [
        "",
        "0314409058-0021",
        "031440905",
        "0314409058 002 1",
        "+0314409058",
    ] {
        assert!(bad.parse::<TaxCode>().is_err(), "{bad:?}");
    }
}

#[test]
fn personal_id_vectors() {
    // (number, birth year, sex) for every century digit.
    let valid = [
        ("001090012345", 1990, Sex::Male),
        ("001190012345", 1990, Sex::Female),
        ("079203000123", 2003, Sex::Male),
        ("079303000123", 2003, Sex::Female),
        ("096425000001", 2125, Sex::Male),
        ("096525000001", 2125, Sex::Female),
        ("048600000001", 2200, Sex::Male),
        ("048700000001", 2200, Sex::Female),
        ("031899000001", 2399, Sex::Male),
        ("031999000001", 2399, Sex::Female),
    ];
    for (n, year, sex) in valid {
        let id: PersonalId = n.parse().unwrap();
        assert_eq!((id.birth_year(), id.sex()), (year, sex), "{n}");
        assert_eq!(id.check_holder(Some(year), Some(sex)), Ok(()));
    }
    // Every pre-2025 province code is accepted, the gaps are not.
    let provinces = [
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
        37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
        75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    ];
    assert_eq!(provinces.len(), 63);
    for code in provinces {
        let id: PersonalId = format!("{code:03}090012345").parse().unwrap();
        assert!(matches!(id.birth_place(), motcua_forms::BirthPlace::Province(c, _) if c == code));
    }
    for code in [0, 3, 5, 7, 9, 13, 97, 98, 99, 704, 999] {
        let r = format!("{code:03}090012345").parse::<PersonalId>();
        assert!(
            matches!(r, Err(Error::PersonalId { fault: PersonalIdFault::UnknownPlace(c), .. }) if c == code),
            "{code:03}: {r:?}"
        );
    }
}

#[test]
fn phones_emails_dates() {
    assert_eq!(
        "+84 (0)3 9876 5432"
            .parse::<MobilePhone>()
            .unwrap()
            .as_str(),
        "0398765432"
    );
    assert!("0398 765 43".parse::<MobilePhone>().is_err());
    assert_eq!(
        "a@B.Example.VN".parse::<Email>().unwrap().as_str(),
        "a@b.example.vn"
    );
    assert!("a@b@c.vn".parse::<Email>().is_err());
    let d: Date = "29/02/2028".parse().unwrap();
    assert_eq!((d.year(), d.month(), d.day()), (2028, 2, 29));
    assert!("29/02/2100".parse::<Date>().is_err());
    assert!("29/02/2000".parse::<Date>().is_ok());
}
