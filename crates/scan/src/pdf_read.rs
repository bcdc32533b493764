//! Counting the pages of a PDF the user gave, without changing it.
//!
//! A small reader of the PDF file structure (ISO 32000-1 §7.3 objects, §7.5
//! file structure): it follows `startxref` through cross-reference tables and
//! streams (incremental updates, as in signed PDFs, and hybrid files),
//! object streams, and the page tree, counting its leaves. Where offsets are
//! wrong it rebuilds the object index by scanning for `N G obj`, as qpdf and
//! pdf.js do. Every loop is bounded, recursion is depth-limited and inflating
//! is capped, so garbage gives an error, never a panic or a hang.

use std::collections::{HashMap, HashSet};

use crate::error::Error;
use crate::media::{self, MediaType};

/// Nesting of arrays and dictionaries deeper than this is refused.
const MAX_DEPTH: usize = 64;
/// Most cross-reference sections followed through `/Prev`.
const MAX_SECTIONS: usize = 256;
/// Most bytes one stream may inflate to.
const MAX_STREAM: usize = 64 << 20;
/// Most bytes all inflated streams together may take.
const MAX_INFLATED: usize = 256 << 20;
/// Most page-tree nodes visited.
const MAX_NODES: usize = 1_000_000;

/// The page count of a PDF, from its page tree.
pub(crate) fn count_pages(data: &[u8]) -> Result<u32, Error> {
    let mut doc = Doc::new(data);
    doc.load_xref();
    let mut roots = doc.trailer_roots.clone();
    let mut count = doc.count_from(&roots);
    if count.is_none() {
        // The cross-reference data is damaged: rebuild the index by scanning.
        doc.scan();
        roots.extend(doc.scanned_roots());
        count = doc.count_from(&roots);
    }
    match count {
        Some(n) => u32::try_from(n).map_err(|_| malformed("page count out of range")),
        None if doc.encrypted => Err(Error::Unsupported {
            media_type: MediaType::Pdf,
            detail: "encrypted PDF whose page tree cannot be read".into(),
        }),
        None => Err(malformed("no readable page tree")),
    }
}

fn malformed(detail: &str) -> Error {
    Error::Malformed {
        media_type: MediaType::Pdf,
        detail: detail.to_owned(),
    }
}

/// A PDF object; strings and reals are kept only as markers since nothing
/// here needs their value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool,
    Int(i64),
    Real,
    Name(Vec<u8>),
    Str,
    Array(Vec<Self>),
    Dict(Dict),
    Ref(u32),
}

type Dict = Vec<(Vec<u8>, Value)>;

fn get<'v>(dict: &'v Dict, key: &[u8]) -> Option<&'v Value> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn is_name(v: Option<&Value>, name: &[u8]) -> bool {
    matches!(v, Some(Value::Name(n)) if n == name)
}

/// An indirect object: its value and, for a stream, the range of its raw data.
#[derive(Debug, Clone)]
struct Object {
    value: Value,
    stream: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
enum Entry {
    Offset(usize),
    Compressed(u32),
    Free,
}

struct Doc<'a> {
    data: &'a [u8],
    xref: HashMap<u32, Entry>,
    trailer_roots: Vec<u32>,
    encrypted: bool,
    scanned: Option<HashMap<u32, usize>>,
    object_streams: HashMap<u32, Option<HashMap<u32, Value>>>,
    inflated: usize,
    resolving: usize,
}

fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A cursor over the bytes, reading tokens and objects.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos: pos.min(data.len()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_white(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.data.get(self.pos..).is_some_and(|d| d.starts_with(s))
    }

    /// A keyword or number token, up to the next white space or delimiter.
    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_white(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    fn keyword(&mut self, kw: &[u8]) -> bool {
        self.skip_ws();
        let save = self.pos;
        if self.word() == kw {
            true
        } else {
            self.pos = save;
            false
        }
    }

    fn uint(&mut self) -> Option<u64> {
        self.skip_ws();
        let save = self.pos;
        let w = self.word();
        if !w.is_empty() && w.len() <= 19 && w.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(w).ok()?.parse().ok()
        } else {
            self.pos = save;
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'/' => {
                self.pos += 1;
                Some(Value::Name(decode_name(self.word())))
            }
            b'(' => {
                self.skip_literal_string()?;
                Some(Value::Str)
            }
            b'<' if self.starts_with(b"<<") => {
                self.pos += 2;
                let mut dict = Dict::new();
                loop {
                    self.skip_ws();
                    if self.starts_with(b">>") {
                        self.pos += 2;
                        return Some(Value::Dict(dict));
                    }
                    if self.peek()? != b'/' {
                        return None;
                    }
                    self.pos += 1;
                    let key = decode_name(self.word());
                    let value = self.value(depth + 1)?;
                    dict.push((key, value));
                }
            }
            b'<' => {
                let end = self.data[self.pos..].iter().position(|&c| c == b'>')?;
                self.pos += end + 1;
                Some(Value::Str)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => match self.word() {
                b"true" | b"false" => Some(Value::Bool),
                b"null" => Some(Value::Null),
                _ => None,
            },
        }
    }

    fn number(&mut self) -> Option<Value> {
        let w = self.word();
        let text = std::str::from_utf8(w).ok()?;
        if w.iter().all(u8::is_ascii_digit) {
            // An unsigned integer may begin a reference `N G R`.
            let save = self.pos;
            if self.uint().is_some() && self.keyword(b"R") {
                return Some(text.parse().map_or(Value::Null, Value::Ref));
            }
            self.pos = save;
        }
        match text.parse::<i64>() {
            Ok(i) => Some(Value::Int(i)),
            Err(_)
                if w.iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.')) =>
            {
                Some(Value::Real)
            }
            Err(_) => None,
        }
    }

    fn skip_literal_string(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos = (self.pos + 1).min(self.data.len()),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Names may escape bytes as `#xx` (ISO 32000-1 §7.3.5).
fn decode_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

impl<'a> Doc<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            xref: HashMap::new(),
            trailer_roots: Vec::new(),
            encrypted: false,
            scanned: None,
            object_streams: HashMap::new(),
            inflated: 0,
            resolving: 0,
        }
    }

    /// Follows `startxref` and the `/Prev` chain, newest section first; the
    /// first entry seen for an object number wins.
    fn load_xref(&mut self) {
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

    /// Parses `N G obj value [stream]` at `offset`, checking the number if given.
    fn object_at(&mut self, offset: usize, expect: Option<u32>) -> Option<Object> {
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
    fn stream_data(&mut self, obj: &Object) -> Option<Vec<u8>> {
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
    fn resolve(&mut self, num: u32) -> Option<Object> {
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
    fn parse_object_stream(&mut self, stream: u32) -> Option<HashMap<u32, Value>> {
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

    /// Rebuilds the index by finding every `N G obj` in the file; later
    /// definitions win, as with incremental updates.
    fn scan(&mut self) {
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
    fn scanned_roots(&mut self) -> Vec<u32> {
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

    /// The first root whose page tree can be walked gives the count.
    fn count_from(&mut self, roots: &[u32]) -> Option<u64> {
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

    fn pdf_with_pages(n: usize) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i)).collect();
        let mut objs = vec![
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")),
        ];
        for _ in 0..n {
            objs.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".into());
        }
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .bytes(),
        );
        out
    }

    #[test]
    fn counts_a_classic_file() {
        assert_eq!(count_pages(&pdf_with_pages(3)), Ok(3));
    }

    #[test]
    fn survives_a_wrong_xref_offset() {
        let mut pdf = pdf_with_pages(2);
        let at = media::rfind(&pdf, b"startxref").unwrap_or(0) + 10;
        pdf[at] = b'9';
        assert_eq!(count_pages(&pdf), Ok(2));
    }

    #[test]
    fn refuses_cycles_and_garbage() {
        let cyclic = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [2 0 R] >> endobj\ntrailer << /Root 1 0 R >>\n";
        assert!(count_pages(cyclic).is_err());
        let deep = [b"%PDF-1.4\n1 0 obj ".as_slice(), &[b'['; 10_000]].concat();
        assert!(count_pages(&deep).is_err());
        assert!(count_pages(b"%PDF-1.4\ngarbage").is_err());
        let pdf = pdf_with_pages(2);
        for cut in (0..pdf.len()).step_by(7) {
            let _ = count_pages(&pdf[..cut]);
        }
    }

    #[test]
    fn names_with_escapes() {
        assert_eq!(decode_name(b"P#61ges"), b"Pages");
        assert_eq!(decode_name(b"A#"), b"A#");
        assert_eq!(decode_name(b"A#4"), b"A#4");
    }

    #[test]
    fn png_up_predictor() {
        assert_eq!(
            undo_png_predictor(&[2, 1, 2, 2, 1, 1], 2),
            Some(vec![1, 2, 2, 3])
        );
    }
}
