//! Strict JSON reading and RFC 8785 canonical bytes.
//!
//! serde_json keeps the last of repeated object keys; a signed document must
//! not mean one thing to one reader and another to the next, so every
//! document this crate reads goes through [`parse_strict`], which refuses
//! repeated keys (RFC 8785 §3.1 requires I-JSON, RFC 7493 §2.3).

use std::cell::RefCell;
use std::fmt;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::Error;

/// Parses `bytes` as one JSON value, refusing repeated object keys.
///
/// `what` names the document in errors.
pub(crate) fn parse_strict(what: &'static str, bytes: &[u8]) -> Result<Value, Error> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictSeed {
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    parsed.map_err(|source| match duplicate.into_inner() {
        Some(key) => Error::DuplicateKey { what, key },
        None if source.is_eof() => Error::Truncated { what },
        None => Error::Json { what, source },
    })
}

/// Parses any JSON text and returns its RFC 8785 canonical bytes.
///
/// Repeated keys are refused; numbers are read as IEEE 754 doubles and
/// written in the ECMAScript form (RFC 8785 §3.2.2.3).
///
/// ```
/// let canonical = motcua_dossier::canonicalize(br#"{ "b": 1.50, "a": [true, null] }"#)?;
/// assert_eq!(canonical, br#"{"a":[true,null],"b":1.5}"#);
/// # Ok::<(), motcua_dossier::Error>(())
/// ```
pub fn canonicalize(json: &[u8]) -> Result<Vec<u8>, Error> {
    let value = parse_strict("JSON document", json)?;
    to_canonical(&value)
}

/// The RFC 8785 canonical bytes of a serializable value.
pub(crate) fn to_canonical<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json_canonicalizer::to_vec(value).map_err(|source| Error::Json {
        what: "canonical form",
        source,
    })
}

/// Builds a `serde_json::Value` like serde_json does, but fails on a key
/// seen twice in one object and records the key for the error.
#[derive(Clone, Copy)]
struct StrictSeed<'a> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                let message = format!("duplicate key {key:?}");
                *self.duplicate.borrow_mut() = Some(key);
                return Err(serde::de::Error::custom(message));
            }
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_refused_at_any_depth() {
        for doc in [
            r#"{"a":1,"a":2}"#,
            r#"{"x":[{"b":{"a":1,"a":1}}]}"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            let err = parse_strict("t", doc.as_bytes()).unwrap_err();
            assert!(
                matches!(&err, Error::DuplicateKey { key, .. } if key == "a"),
                "{doc}: {err}"
            );
        }
        assert!(parse_strict("t", br#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#).is_ok());
    }

    #[test]
    fn truncated_and_trailing_input() {
        assert!(matches!(
            parse_strict("t", br#"{"a":[1,"#),
            Err(Error::Truncated { .. })
        ));
        assert!(matches!(
            parse_strict("t", br#"{"a":1} x"#),
            Err(Error::Json { .. })
        ));
        assert!(matches!(
            parse_strict("t", b"1e400"),
            Err(Error::Json { .. })
        ));
    }

    #[test]
    fn canonical_numbers_and_strings() {
        let out = canonicalize(
            br#"[1E2, -0, 0.000001, 1e-7, 9007199254740993, "\u00e9\u20ac\ud83d\ude00\n"]"#,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[100,0,0.000001,1e-7,9007199254740992,\"é€😀\\n\"]"
        );
    }
}
