//! The PDF lexer (ISO 32000-1 §7.2, §7.3): tokens and direct objects —
//! numbers, names, strings, arrays, dictionaries and `N G R` references.
//! Strings and reals are skipped, not decoded: counting pages needs neither.

use super::MAX_DEPTH;

/// A PDF object; strings and reals are kept only as markers since nothing
/// here needs their value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
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

pub(super) type Dict = Vec<(Vec<u8>, Value)>;

pub(super) fn get<'v>(dict: &'v Dict, key: &[u8]) -> Option<&'v Value> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub(super) fn is_name(v: Option<&Value>, name: &[u8]) -> bool {
    matches!(v, Some(Value::Name(n)) if n == name)
}

pub(super) fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

pub(super) fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A cursor over the bytes, reading tokens and objects.
pub(super) struct Lexer<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos: pos.min(data.len()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
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

    pub(super) fn starts_with(&self, s: &[u8]) -> bool {
        self.data.get(self.pos..).is_some_and(|d| d.starts_with(s))
    }

    /// A keyword or number token, up to the next white space or delimiter.
    pub(super) fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_white(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    pub(super) fn keyword(&mut self, kw: &[u8]) -> bool {
        self.skip_ws();
        let save = self.pos;
        if self.word() == kw {
            true
        } else {
            self.pos = save;
            false
        }
    }

    pub(super) fn uint(&mut self) -> Option<u64> {
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

    pub(super) fn value(&mut self, depth: usize) -> Option<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_escapes() {
        assert_eq!(decode_name(b"P#61ges"), b"Pages");
        assert_eq!(decode_name(b"A#"), b"A#");
        assert_eq!(decode_name(b"A#4"), b"A#4");
    }
}
