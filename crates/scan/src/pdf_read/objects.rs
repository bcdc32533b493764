//! Indirect objects: `N G obj … endobj` at an offset, stream data with its
//! filters undone (FlateDecode, PNG predictors), objects packed in object
//! streams (§7.5.7), and resolving an object number through the index.

use std::collections::HashMap;

use super::lexer::{Lexer, Value, get};
use super::xref::Entry;
use super::{Doc, MAX_INFLATED, MAX_STREAM};
use crate::media;

/// An indirect object: its value and, for a stream, the range of its raw data.
#[derive(Debug, Clone)]
pub(super) struct Object {
    pub(super) value: Value,
    pub(super) stream: Option<(usize, usize)>,
}

impl Doc<'_> {
    /// Parses `N G obj value [stream]` at `offset`, checking the number if given.
    pub(super) fn object_at(&mut self, offset: usize, expect: Option<u32>) -> Option<Object> {
        if offset >= self.data.len() {
            return None;
        }
        let mut lx = Lexer::new(self.data, offset);
        let num = lx.uint()?;
        let _gen = lx.uint()?;
        if !lx.keyword(b"obj") {
            return None;
        }
        if expect.is_some_and(|e| u64::from(e) != num) {
            return None;
        }
        let value = lx.value(0)?;
        let mut stream = None;
        if let Value::Dict(dict) = &value {
            lx.skip_ws();
            if lx.starts_with(b"stream") {
                lx.pos += 6;
                if lx.starts_with(b"\r\n") {
                    lx.pos += 2;
                } else if lx.starts_with(b"\n") || lx.starts_with(b"\r") {
                    lx.pos += 1;
                }
                let start = lx.pos;
                let declared = match get(dict, b"Length") {
                    Some(Value::Int(n)) => usize::try_from(*n).ok(),
                    Some(Value::Ref(r)) if Some(*r) != expect => {
                        match self.resolve(*r).map(|o| o.value) {
                            Some(Value::Int(n)) => usize::try_from(n).ok(),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let fits = declared.filter(|&n| {
                    let mut after = Lexer::new(self.data, start.saturating_add(n));
                    after.skip_ws();
                    start.checked_add(n).is_some_and(|e| e <= self.data.len())
                        && after.starts_with(b"endstream")
                });
                let end = match fits {
                    Some(n) => start + n,
                    None => {
                        let found = media::find(&self.data[start..], b"endstream")?;
                        let mut end = start + found;
                        while end > start && matches!(self.data[end - 1], b'\r' | b'\n') {
                            end -= 1;
                        }
                        end
                    }
                };
                stream = Some((start, end));
            }
        }
        Some(Object { value, stream })
    }

    /// A stream's data with its filters undone (only FlateDecode and PNG
    /// predictors are needed for cross-reference and object streams).
    pub(super) fn stream_data(&mut self, obj: &Object) -> Option<Vec<u8>> {
        let (start, end) = obj.stream?;
        let Value::Dict(dict) = &obj.value else {
            return None;
        };
        let raw = &self.data[start..end];
        let filter = match get(dict, b"Filter") {
            None => None,
            Some(Value::Name(n)) => Some(n.as_slice()),
            Some(Value::Array(a)) if a.is_empty() => None,
            Some(Value::Array(a)) if a.len() == 1 => match &a[0] {
                Value::Name(n) => Some(n.as_slice()),
                _ => return None,
            },
            _ => return None,
        };
        let data = match filter {
            None => raw.to_vec(),
            Some(b"FlateDecode") => {
                let budget = MAX_STREAM.min(MAX_INFLATED.saturating_sub(self.inflated));
                let out = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(raw, budget)
                {
                    Ok(out) => out,
                    // A stream cut short or with a bad checksum still gives
                    // what was inflated; readers accept that too.
                    Err(e)
                        if e.status != miniz_oxide::inflate::TINFLStatus::HasMoreOutput
                            && !e.output.is_empty() =>
                    {
                        e.output
                    }
                    Err(_) => return None,
                };
                self.inflated += out.len();
                out
            }
            Some(_) => return None,
        };
        let parms = match get(dict, b"DecodeParms") {
            Some(Value::Dict(d)) => Some(d),
            Some(Value::Array(a)) => match a.first() {
                Some(Value::Dict(d)) => Some(d),
                _ => None,
            },
            _ => None,
        };
        let predictor = parms
            .and_then(|p| get(p, b"Predictor"))
            .map_or(Some(1), |v| match v {
                Value::Int(i) => Some(*i),
                _ => None,
            })?;
        if predictor < 10 {
            return (predictor == 1).then_some(data);
        }
        let columns = match parms.and_then(|p| get(p, b"Columns")) {
            None => 1,
            Some(Value::Int(c)) if (1..=1 << 16).contains(c) => *c as usize,
            _ => return None,
        };
        undo_png_predictor(&data, columns)
    }

    /// An object by number: through the cross-reference index, else the
    /// scanned index.
    pub(super) fn resolve(&mut self, num: u32) -> Option<Object> {
        if self.resolving > 16 {
            return None;
        }
        self.resolving += 1;
        let found = self.resolve_inner(num);
        self.resolving -= 1;
        found
    }

    fn resolve_inner(&mut self, num: u32) -> Option<Object> {
        match self.xref.get(&num).copied() {
            Some(Entry::Offset(o)) => {
                if let Some(obj) = self.object_at(o, Some(num)) {
                    return Some(obj);
                }
            }
            Some(Entry::Compressed(stream)) => {
                if let Some(v) = self.in_object_stream(stream, num) {
                    return Some(Object {
                        value: v,
                        stream: None,
                    });
                }
            }
            Some(Entry::Free) | None => {}
        }
        let offset = self.scanned.as_ref()?.get(&num).copied()?;
        self.object_at(offset, Some(num))
    }

    fn in_object_stream(&mut self, stream: u32, num: u32) -> Option<Value> {
        if !self.object_streams.contains_key(&stream) {
            // Mark first, so that a stream that refers to itself ends.
            self.object_streams.insert(stream, None);
            let parsed = self.parse_object_stream(stream);
            self.object_streams.insert(stream, parsed);
        }
        self.object_streams
            .get(&stream)?
            .as_ref()?
            .get(&num)
            .cloned()
    }

    /// All objects of an object stream (§7.5.7).
    pub(super) fn parse_object_stream(&mut self, stream: u32) -> Option<HashMap<u32, Value>> {
        let obj = self.resolve(stream)?;
        let Value::Dict(dict) = &obj.value else {
            return None;
        };
        let (Some(Value::Int(n)), Some(Value::Int(first))) = (get(dict, b"N"), get(dict, b"First"))
        else {
            return None;
        };
        let (n, first) = (usize::try_from(*n).ok()?, usize::try_from(*first).ok()?);
        let data = self.stream_data(&obj)?;
        if n > data.len() {
            return None;
        }
        let mut header = Lexer::new(&data, 0);
        let mut objects = HashMap::new();
        for _ in 0..n {
            let num = u32::try_from(header.uint()?).ok()?;
            let off = usize::try_from(header.uint()?).ok()?;
            let mut lx = Lexer::new(&data, first.checked_add(off)?);
            if let Some(v) = lx.value(0) {
                objects.entry(num).or_insert(v);
            }
        }
        Some(objects)
    }
}

/// Undoes the PNG row predictors (RFC 2083 §6; ISO 32000-1 §7.4.4.4) with
/// one byte per pixel, as cross-reference streams use them.
fn undo_png_predictor(data: &[u8], columns: usize) -> Option<Vec<u8>> {
    let row = columns + 1;
    let mut out = Vec::with_capacity(data.len() / row * columns);
    let mut prev = vec![0u8; columns];
    for chunk in data.chunks(row) {
        if chunk.len() < row {
            break;
        }
        let (kind, src) = (chunk[0], &chunk[1..]);
        let mut cur = vec![0u8; columns];
        for i in 0..columns {
            let left = if i > 0 { cur[i - 1] } else { 0 };
            let up = prev[i];
            let up_left = if i > 0 { prev[i - 1] } else { 0 };
            cur[i] = match kind {
                0 => src[i],
                1 => src[i].wrapping_add(left),
                2 => src[i].wrapping_add(up),
                3 => src[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => src[i].wrapping_add(paeth(left, up, up_left)),
                _ => return None,
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_up_predictor() {
        assert_eq!(
            undo_png_predictor(&[2, 1, 2, 2, 1, 1], 2),
            Some(vec![1, 2, 2, 3])
        );
    }
}
