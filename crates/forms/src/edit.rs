//! Editing form values by field path, as a form screen does: set one answer,
//! add or remove a row of a repeatable group.
//!
//! Paths are those of [`crate::FieldError::path`]: field ids joined by `.`,
//! a row index in brackets after a repeatable group, e.g. `members[1].member_name`.

use serde_json::{Map, Value};

/// A path that does not fit the values it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("form path {path:?} {problem}")]
pub struct PathError {
    /// The path.
    pub path: String,
    /// What does not fit.
    pub problem: &'static str,
}

enum Step<'p> {
    Key(&'p str),
    Row(&'p str, usize),
}

fn parse(path: &str) -> Result<Vec<Step<'_>>, PathError> {
    let bad = |problem| PathError {
        path: path.to_owned(),
        problem,
    };
    if path.is_empty() {
        return Err(bad("is empty"));
    }
    path.split('.')
        .map(|segment| match segment.split_once('[') {
            None if !segment.is_empty() => Ok(Step::Key(segment)),
            None => Err(bad("has an empty segment")),
            Some((key, rest)) => {
                let index = rest
                    .strip_suffix(']')
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| bad("has a malformed row index"))?;
                if key.is_empty() {
                    return Err(bad("has a row index without a group"));
                }
                Ok(Step::Row(key, index))
            }
        })
        .collect()
}

fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// The value at `path`, if there is one.
pub fn value_at<'v>(values: &'v Value, path: &str) -> Option<&'v Value> {
    let mut here = values;
    for step in parse(path).ok()? {
        here = match step {
            Step::Key(key) => here.get(key)?,
            Step::Row(key, index) => here.get(key)?.get(index)?,
        };
    }
    Some(here)
}

/// Sets the answer at `path`, creating objects on the way. Rows must exist:
/// add them with [`add_row`].
pub fn set_value(values: &mut Value, path: &str, value: Value) -> Result<(), PathError> {
    let steps = parse(path)?;
    let missing_row = || PathError {
        path: path.to_owned(),
        problem: "names a row that does not exist",
    };
    let mut here = values;
    let last = steps.len() - 1;
    for (i, step) in steps.into_iter().enumerate() {
        match step {
            Step::Key(key) if i == last => {
                object(here).insert(key.to_owned(), value);
                return Ok(());
            }
            Step::Key(key) => here = object(here).entry(key).or_insert(Value::Null),
            Step::Row(key, index) => {
                here = object(here)
                    .get_mut(key)
                    .and_then(Value::as_array_mut)
                    .and_then(|rows| rows.get_mut(index))
                    .ok_or_else(missing_row)?;
                if i == last {
                    *here = value;
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

fn rows_at<'v>(values: &'v mut Value, group_path: &str) -> Result<&'v mut Vec<Value>, PathError> {
    let steps = parse(group_path)?;
    let mut here = values;
    let last = steps.len() - 1;
    for (i, step) in steps.into_iter().enumerate() {
        here = match step {
            Step::Key(key) => object(here).entry(key).or_insert(Value::Null),
            Step::Row(key, index) if i < last => object(here)
                .get_mut(key)
                .and_then(Value::as_array_mut)
                .and_then(|rows| rows.get_mut(index))
                .ok_or_else(|| PathError {
                    path: group_path.to_owned(),
                    problem: "names a row that does not exist",
                })?,
            Step::Row(..) => {
                return Err(PathError {
                    path: group_path.to_owned(),
                    problem: "ends in a row, not a group",
                });
            }
        };
    }
    if !here.is_array() {
        *here = Value::Array(Vec::new());
    }
    match here {
        Value::Array(rows) => Ok(rows),
        _ => unreachable!("just made an array"),
    }
}

/// Appends an empty row to the repeatable group at `group_path`; returns its index.
pub fn add_row(values: &mut Value, group_path: &str) -> Result<usize, PathError> {
    let rows = rows_at(values, group_path)?;
    rows.push(Value::Object(Map::new()));
    Ok(rows.len() - 1)
}

/// Removes row `index` of the repeatable group at `group_path`.
pub fn remove_row(values: &mut Value, group_path: &str, index: usize) -> Result<(), PathError> {
    let rows = rows_at(values, group_path)?;
    if index >= rows.len() {
        return Err(PathError {
            path: format!("{group_path}[{index}]"),
            problem: "names a row that does not exist",
        });
    }
    rows.remove(index);
    Ok(())
}

/// How many rows the group at `group_path` has.
pub fn row_count(values: &Value, group_path: &str) -> usize {
    value_at(values, group_path)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sets_plain_and_nested_answers() {
        let mut values = json!(null);
        set_value(&mut values, "full_name", json!("Lê Thị Hoa")).unwrap();
        set_value(&mut values, "address.street", json!("Số 12")).unwrap();
        assert_eq!(
            values,
            json!({"full_name": "Lê Thị Hoa", "address": {"street": "Số 12"}})
        );
        assert_eq!(value_at(&values, "address.street"), Some(&json!("Số 12")));
        assert_eq!(value_at(&values, "nothing"), None);
    }

    #[test]
    fn rows_are_added_set_and_removed() {
        let mut values = json!({});
        assert_eq!(add_row(&mut values, "members").unwrap(), 0);
        assert_eq!(add_row(&mut values, "members").unwrap(), 1);
        set_value(&mut values, "members[1].member_name", json!("B")).unwrap();
        set_value(&mut values, "members[0].member_name", json!("A")).unwrap();
        assert_eq!(row_count(&values, "members"), 2);
        remove_row(&mut values, "members", 0).unwrap();
        assert_eq!(values, json!({"members": [{"member_name": "B"}]}));
        assert_eq!(
            value_at(&values, "members[0].member_name"),
            Some(&json!("B"))
        );
    }

    #[test]
    fn nested_tables() {
        let mut values = json!({});
        add_row(&mut values, "a").unwrap();
        add_row(&mut values, "a[0].b").unwrap();
        set_value(&mut values, "a[0].b[0].c", json!(1)).unwrap();
        assert_eq!(values, json!({"a": [{"b": [{"c": 1}]}]}));
    }

    #[test]
    fn bad_paths_are_errors_not_panics() {
        let mut values = json!({"members": [{}]});
        for path in [
            "",
            "a..b",
            "members[x].n",
            "members[5].n",
            "[0].n",
            "members[0",
        ] {
            assert!(set_value(&mut values, path, json!(1)).is_err(), "{path:?}");
        }
        assert!(remove_row(&mut values, "members", 3).is_err());
        assert!(add_row(&mut values, "members[0]").is_err());
        assert_eq!(values, json!({"members": [{}]}));
    }
}
