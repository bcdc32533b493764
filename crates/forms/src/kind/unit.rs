//! `admin_unit` and `address`: a province and a commune of the post-2025
//! two-level administration, with a street line for an address.

use serde_json::{Map, Value, json};

use super::{string_schema, string_value};
use crate::form::Env;
use crate::messages::{ErrorCode, Fault};

/// Most characters of an address's street line.
const MAX_STREET_CHARS: usize = 500;

/// A unit value (`with_street`: an address), checked against the unit
/// table when the environment has it, else for shape only.
pub(crate) fn normalize(
    raw: &Value,
    env: &Env<'_>,
    with_street: bool,
) -> Result<Option<Value>, Fault> {
    let m = match raw {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => return Err(Fault::of(ErrorCode::WrongType)),
    };
    let allowed: &[&str] = if with_street {
        &["province", "commune", "street"]
    } else {
        &["province", "commune"]
    };
    if m.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    }
    let part = |k: &str| string_value(m.get(k).unwrap_or(&Value::Null));
    let province = part("province")?;
    let commune = part("commune")?;
    let street = if with_street { part("street")? } else { None };
    if province.is_none() && commune.is_none() && street.is_none() {
        return Ok(None);
    }
    let (Some(province), Some(commune)) = (province, commune) else {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(province, 2) || !digits(commune, 5) {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    }
    if let Some(units) = env.units {
        if units.province(province).is_none() {
            return Err(Fault::of(ErrorCode::UnknownProvince));
        }
        match units.commune(commune) {
            None => return Err(Fault::of(ErrorCode::UnknownCommune)),
            Some(c) if c.province.as_str() != province => {
                return Err(Fault::of(ErrorCode::CommuneNotInProvince));
            }
            Some(_) => {}
        }
    }
    let mut out = Map::new();
    out.insert("province".into(), Value::String(province.to_owned()));
    out.insert("commune".into(), Value::String(commune.to_owned()));
    if with_street {
        let Some(street) = street else {
            return Err(Fault::new(
                ErrorCode::InvalidUnit,
                "nhập số nhà, đường, thôn, xóm",
                "enter the house number and street, or village",
            ));
        };
        let n = street.chars().count();
        if n > MAX_STREET_CHARS {
            return Err(Fault::new(
                ErrorCode::TooLong,
                format!("địa chỉ chi tiết nhiều nhất {MAX_STREET_CHARS} ký tự"),
                format!("the street line has at most {MAX_STREET_CHARS} characters"),
            ));
        }
        out.insert(
            "street".into(),
            Value::String(street.split_whitespace().collect::<Vec<_>>().join(" ")),
        );
    }
    Ok(Some(Value::Object(out)))
}

pub(crate) fn json_schema(with_street: bool) -> Value {
    let mut props = json!({
        "province": string_schema("^[0-9]{2}$"),
        "commune": string_schema("^[0-9]{5}$"),
    });
    let mut req = vec!["province", "commune"];
    if with_street {
        props["street"] = json!({"type": "string", "minLength": 1, "maxLength": MAX_STREET_CHARS});
        req.push("street");
    }
    json!({"type": "object", "properties": props, "required": req, "additionalProperties": false})
}
