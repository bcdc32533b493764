//! The cross-reference index: which object is where. Read by following
//! `startxref` through tables and cross-reference streams (§7.5.4, §7.5.8;
//! incremental updates and hybrid files), and rebuilt by scanning the file
//! for `N G obj` when that data is damaged, as qpdf and pdf.js do.

use std::collections::{HashMap, HashSet};

use super::lexer::{Dict, Lexer, Value, get, is_delim, is_name, is_white};
use super::{Doc, MAX_SECTIONS};
use crate::media;

/// Where the cross-reference data puts an object.
#[derive(Debug, Clone, Copy)]
pub(super) enum Entry {
    Offset(usize),
    Compressed(u32),
    Free,
}

impl Doc<'_> {
    /// Follows `startxref` and the `/Prev` chain, newest section first; the
    /// first entry seen for an object number wins.
    pub(super) fn load_xref(&mut self) {
        let tail_start = self.data.len().saturating_sub(4096);
        let Some(at) = media::rfind(&self.data[tail_start..], b"startxref") else {
            return;
        };
        let mut lx = Lexer::new(self.data, tail_start + at + 9);
        let Some(mut next) = lx.uint().and_then(|o| usize::try_from(o).ok()) else {
            return;
        };
        let mut seen = HashSet::new();
        let mut pending = vec![next];
        while let Some(offset) = pending.pop() {
            next = offset;
            if seen.len() >= MAX_SECTIONS || !seen.insert(next) {
                continue;
            }
            let Some(trailer) = self.read_section(next) else {
                continue;
            };
            if let Some(Value::Ref(root)) = get(&trailer, b"Root") {
                self.trailer_roots.push(*root);
            }
            if get(&trailer, b"Encrypt").is_some() {
                self.encrypted = true;
            }
            // Older sections go last; a hybrid file's stream is read right
            // after its table.
            if let Some(Value::Int(prev)) = get(&trailer, b"Prev")
                && let Ok(p) = usize::try_from(*prev)
            {
                pending.push(p);
            }
            if let Some(Value::Int(stm)) = get(&trailer, b"XRefStm")
                && let Ok(p) = usize::try_from(*stm)
            {
                pending.push(p);
            }
        }
    }

    /// Reads one cross-reference table or stream at `offset`; returns its trailer.
    fn read_section(&mut self, offset: usize) -> Option<Dict> {
        let mut lx = Lexer::new(self.data, offset);
        if lx.keyword(b"xref") {
            loop {
                if lx.keyword(b"trailer") {
                    return match lx.value(0)? {
                        Value::Dict(d) => Some(d),
                        _ => None,
                    };
                }
                let start = u32::try_from(lx.uint()?).ok()?;
                let count = usize::try_from(lx.uint()?).ok()?;
                if count > self.data.len() / 18 + 1 {
                    return None;
                }
                for i in 0..count {
                    let off = lx.uint()?;
                    let _gen = lx.uint()?;
                    lx.skip_ws();
                    let kind = lx.word();
                    let num = start.checked_add(u32::try_from(i).ok()?)?;
                    let entry = match kind {
                        b"n" => Entry::Offset(usize::try_from(off).ok()?),
                        b"f" => Entry::Free,
                        _ => return None,
                    };
                    self.xref.entry(num).or_insert(entry);
                }
            }
        }
        // A cross-reference stream (§7.5.8).
        let obj = self.object_at(offset, None)?;
        let Value::Dict(dict) = &obj.value else {
            return None;
        };
        if !is_name(get(dict, b"Type"), b"XRef") {
            return None;
        }
        let data = self.stream_data(&obj)?;
        let widths: Vec<usize> = match get(dict, b"W") {
            Some(Value::Array(w)) if w.len() == 3 => w
                .iter()
                .map(|v| match v {
                    Value::Int(i) if (0..=8).contains(i) => Some(*i as usize),
                    _ => None,
                })
                .collect::<Option<_>>()?,
            _ => return None,
        };
        let row = widths.iter().sum::<usize>();
        if row == 0 {
            return None;
        }
        let size = match get(dict, b"Size") {
            Some(Value::Int(s)) => *s,
            _ => return None,
        };
        let index: Vec<i64> = match get(dict, b"Index") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    if let Value::Int(i) = v {
                        Some(*i)
                    } else {
                        None
                    }
                })
                .collect::<Option<_>>()?,
            _ => vec![0, size],
        };
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks_exact(2) {
            let (start, count) = (u32::try_from(pair[0]).ok()?, u32::try_from(pair[1]).ok()?);
            for i in 0..count {
                let Some(r) = rows.next() else { break };
                let field = |n: usize| -> u64 {
                    let s: usize = widths[..n].iter().sum();
                    r[s..s + widths[n]]
                        .iter()
                        .fold(0u64, |a, &b| (a << 8) | u64::from(b))
                };
                let kind = if widths[0] == 0 { 1 } else { field(0) };
                let entry = match kind {
                    0 => Entry::Free,
                    1 => Entry::Offset(usize::try_from(field(1)).ok()?),
                    2 => Entry::Compressed(u32::try_from(field(1)).ok()?),
                    _ => continue,
                };
                if let Some(num) = start.checked_add(i) {
                    self.xref.entry(num).or_insert(entry);
                }
            }
        }
        Some(dict.clone())
    }

    /// Rebuilds the index by finding every `N G obj` in the file; later
    /// definitions win, as with incremental updates.
    pub(super) fn scan(&mut self) {
        let d = self.data;
        let mut index = HashMap::new();
        let mut i = 0;
        while let Some(found) = media::find(&d[i..], b"obj") {
            let at = i + found;
            i = at + 3;
            if d.get(at + 3).is_some_and(|&c| !is_white(c) && !is_delim(c)) {
                continue;
            }
            // Walk back over "N G " before the keyword.
            let mut p = at;
            let back_ws = |p: &mut usize| {
                let s = *p;
                while *p > 0 && is_white(d[*p - 1]) {
                    *p -= 1;
                }
                *p < s
            };
            let back_digits = |p: &mut usize| {
                let s = *p;
                while *p > 0 && d[*p - 1].is_ascii_digit() {
                    *p -= 1;
                }
                *p < s
            };
            if !(back_ws(&mut p) && back_digits(&mut p) && back_ws(&mut p) && back_digits(&mut p)) {
                continue;
            }
            if p > 0 && !is_white(d[p - 1]) && !is_delim(d[p - 1]) {
                continue;
            }
            let mut lx = Lexer::new(d, p);
            if let Some(num) = lx.uint().and_then(|n| u32::try_from(n).ok()) {
                index.insert(num, p);
            }
        }
        self.scanned = Some(index);
    }

    /// Roots found by scanning: trailers, cross-reference streams, then any
    /// catalog object.
    pub(super) fn scanned_roots(&mut self) -> Vec<u32> {
        let mut roots = Vec::new();
        let mut i = 0;
        while let Some(found) = media::find(&self.data[i..], b"trailer") {
            let mut lx = Lexer::new(self.data, i + found + 7);
            i += found + 7;
            if let Some(Value::Dict(d)) = lx.value(0)
                && let Some(Value::Ref(r)) = get(&d, b"Root")
            {
                roots.push(*r);
            }
        }
        let mut nums: Vec<(u32, usize)> = self
            .scanned
            .as_ref()
            .map(|s| s.iter().map(|(&n, &o)| (n, o)).collect())
            .unwrap_or_default();
        nums.sort_unstable_by_key(|&(_, o)| std::cmp::Reverse(o));
        let mut streams = Vec::new();
        for &(num, offset) in &nums {
            let Some(obj) = self.object_at(offset, Some(num)) else {
                continue;
            };
            let Value::Dict(d) = &obj.value else { continue };
            if is_name(get(d, b"Type"), b"XRef") {
                if let Some(Value::Ref(r)) = get(d, b"Root") {
                    roots.push(*r);
                }
            } else if is_name(get(d, b"Type"), b"Catalog") {
                roots.push(num);
            } else if is_name(get(d, b"Type"), b"ObjStm") {
                streams.push(num);
            }
        }
        // Catalogs inside object streams, whose objects join the index.
        for stream in streams {
            if !self.object_streams.contains_key(&stream) {
                let parsed = self.parse_object_stream(stream);
                self.object_streams.insert(stream, parsed);
            }
            if let Some(Some(objects)) = self.object_streams.get(&stream) {
                for (num, v) in objects {
                    self.xref.entry(*num).or_insert(Entry::Compressed(stream));
                    if let Value::Dict(d) = v
                        && is_name(get(d, b"Type"), b"Catalog")
                    {
                        roots.push(*num);
                    }
                }
            }
        }
        roots
    }
}
