//! The complete example in docs/procedure-schema.md loads, and its example
//! data normalizes to what the page shows.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{Date, Env, Procedure};
use serde_json::Value;

fn json_blocks_after(doc: &str, heading: &str) -> Vec<String> {
    let rest = &doc[doc.find(heading).unwrap()..];
    rest.split("```json\n")
        .skip(1)
        .map(|b| b[..b.find("```").unwrap()].to_owned())
        .collect()
}

#[test]
fn complete_example_in_the_docs_is_valid() {
    let doc = include_str!("../../../docs/procedure-schema.md");
    let blocks = json_blocks_after(doc, "## Complete example");
    assert_eq!(blocks.len(), 2);
    let procedure = Procedure::from_json(blocks[0].as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let env = Env::new(Date::new(2026, 11, 25).unwrap());
    let data = procedure
        .validate(procedure.example.as_ref().unwrap(), &env)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let shown: Value = serde_json::from_str(&blocks[1]).unwrap();
    assert_eq!(data, shown);
    // The form-data sample earlier on the page is an object keyed by field id.
    let sample: Value = serde_json::from_str(&json_blocks_after(doc, "## Form data")[0]).unwrap();
    assert!(sample["members"].is_array());
}
