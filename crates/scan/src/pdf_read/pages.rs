//! The page tree (§7.7.3): from the catalog's `/Pages`, its leaves counted,
//! cycles and references to missing objects refused.

use std::collections::HashSet;

use super::lexer::{Value, get, is_name};
use super::objects::Object;
use super::{Doc, MAX_NODES};

impl Doc<'_> {
    /// The first root whose page tree can be walked gives the count.
    pub(super) fn count_from(&mut self, roots: &[u32]) -> Option<u64> {
        let mut tried = HashSet::new();
        for &root in roots {
            if !tried.insert(root) {
                continue;
            }
            let Some(Object {
                value: Value::Dict(catalog),
                ..
            }) = self.resolve(root)
            else {
                continue;
            };
            let Some(pages) = get(&catalog, b"Pages").cloned() else {
                continue;
            };
            if let Some(n) = self.count_tree(pages) {
                return Some(n);
            }
        }
        None
    }

    /// Counts the leaves of the page tree (§7.7.3), refusing cycles and
    /// references to missing objects.
    fn count_tree(&mut self, root: Value) -> Option<u64> {
        let mut stack = vec![root];
        let mut seen = HashSet::new();
        let mut visited = 0usize;
        let mut pages = 0u64;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_NODES {
                return None;
            }
            let dict = match node {
                Value::Ref(r) => {
                    if !seen.insert(r) {
                        return None;
                    }
                    match self.resolve(r)?.value {
                        Value::Dict(d) => d,
                        _ => return None,
                    }
                }
                Value::Dict(d) => d,
                _ => return None,
            };
            let kids = get(&dict, b"Kids");
            if is_name(get(&dict, b"Type"), b"Page")
                || (kids.is_none() && !is_name(get(&dict, b"Type"), b"Pages"))
            {
                pages += 1;
                continue;
            }
            match kids {
                Some(Value::Array(kids)) => stack.extend(kids.iter().rev().cloned()),
                Some(Value::Ref(r)) => match self.resolve(*r)?.value {
                    Value::Array(kids) => stack.extend(kids.into_iter().rev()),
                    _ => return None,
                },
                None => {}
                Some(_) => return None,
            }
        }
        Some(pages)
    }
}
