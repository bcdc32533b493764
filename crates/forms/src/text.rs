//! Folding Vietnamese text for search: lower case, no diacritics, `đ` → `d`.

/// Folds `text` for diacritics-insensitive matching: lower case, Vietnamese
/// (and other Latin) diacritics removed, `đ`/`Đ` → `d`, whitespace runs
/// collapsed to one space, trimmed. Works on precomposed (NFC) and
/// decomposed (NFD) input alike.
///
/// ```
/// use motcua_forms::fold;
/// assert_eq!(fold("  Phường Đống   Đa "), "phuong dong da");
/// assert_eq!(fold("THÀNH PHỐ HỒ CHÍ MINH"), "thanh pho ho chi minh");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        // Lower-case first, then strip: some capitals lower-case to a letter
        // with a diacritic (Ÿ → ÿ) or to a letter and a combining mark
        // (İ → i + U+0307), and folding must give the same result twice.
        for l in c.to_lowercase() {
            // Combining diacritical marks (NFD input).
            if ('\u{300}'..='\u{36f}').contains(&l) {
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(base_letter(l).unwrap_or(l));
        }
    }
    out
}

/// Query words at least this long may also match across the spaces of the
/// text ("khaisinh" finds "khai sinh"); shorter ones would match too much.
const MIN_JOINED_WORD: usize = 5;

/// Folds `text` for spelling-tolerant search: [`fold`], then `y` read as
/// `i`, since Vietnamese writes both in many words ("ký"/"kí", "lý"/"lí")
/// and people type either.
fn fold_for_search(text: &str) -> String {
    fold(text).replace('y', "i")
}

/// Whether every word of `query` is in `text`, as people search: case,
/// diacritics and `y`/`i` do not matter, and a long enough word may span
/// a missing space. An empty query matches everything.
///
/// ```
/// use motcua_forms::matches_query;
/// assert!(matches_query("Đăng ký khai sinh", "dang ki khai sinh"));
/// assert!(matches_query("Đăng ký khai sinh", "khaisinh"));
/// assert!(matches_query("Đăng ký khai sinh", "DANG KY"));
/// assert!(!matches_query("Đăng ký khai sinh", "kết hôn"));
/// ```
pub fn matches_query(text: &str, query: &str) -> bool {
    let text = fold_for_search(text);
    let joined: String = text.chars().filter(|c| *c != ' ').collect();
    fold_for_search(query).split_whitespace().all(|word| {
        text.contains(word) || (word.chars().count() >= MIN_JOINED_WORD && joined.contains(word))
    })
}

/// The lower-case base letter of a precomposed Latin letter with
/// diacritics, or `None` if `c` has none.
fn base_letter(c: char) -> Option<char> {
    let u = u32::from(c);
    let b = match u {
        // Latin Extended Additional: Vietnamese letters with tone marks come
        // in (upper, lower) pairs, grouped by base letter.
        0x1EA0..=0x1EB7 => 'a',
        0x1EB8..=0x1EC7 => 'e',
        0x1EC8..=0x1ECB => 'i',
        0x1ECC..=0x1EE3 => 'o',
        0x1EE4..=0x1EF1 => 'u',
        0x1EF2..=0x1EF9 => 'y',
        // Latin-1 Supplement.
        0xC0..=0xC5 | 0xE0..=0xE5 => 'a',
        0xC7 | 0xE7 => 'c',
        0xC8..=0xCB | 0xE8..=0xEB => 'e',
        0xCC..=0xCF | 0xEC..=0xEF => 'i',
        0xD1 | 0xF1 => 'n',
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 => 'o',
        0xD9..=0xDC | 0xF9..=0xFC => 'u',
        0xDD | 0xFD | 0xFF => 'y',
        // Latin Extended-A and -B letters Vietnamese uses.
        0x102 | 0x103 => 'a',
        0x110 | 0x111 => 'd',
        0x128 | 0x129 => 'i',
        0x168 | 0x169 => 'u',
        0x1A0 | 0x1A1 => 'o',
        0x1AF | 0x1B0 => 'u',
        _ => return None,
    };
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_vowel() {
        let lower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        let upper: String = lower.chars().flat_map(char::to_uppercase).collect();
        let expected = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";
        assert_eq!(fold(lower), expected);
        assert_eq!(fold(&upper), expected);
    }

    #[test]
    fn folds_decomposed_input() {
        // "Việt" in NFD: e + circumflex + dot below.
        assert_eq!(fold("Vie\u{302}\u{323}t Nam"), "viet nam");
    }

    #[test]
    fn capitals_that_lower_case_to_marked_letters() {
        // Found by the property test `fold_is_idempotent`.
        assert_eq!(fold("Ÿ"), "y");
        assert_eq!(fold("İ"), "i");
        assert_eq!(fold(&fold("ŸİÀ")), fold("ŸİÀ"));
    }

    #[test]
    fn search_tolerates_i_for_y_and_missing_spaces() {
        let name = "Đăng ký khai sinh";
        for query in [
            "",
            "dang ki khai sinh",
            "ĐĂNG KÍ",
            "khaisinh",
            "dangki",
            "sinh khai",
        ] {
            assert!(matches_query(name, query), "{query:?}");
        }
        // Short words do not glue across spaces; every word must be there.
        for query in ["gk", "khai tu", "dang ky ket hon", "khaisinhcon"] {
            assert!(!matches_query(name, query), "{query:?}");
        }
        assert!(matches_query("Lý lịch tư pháp", "li lich"));
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(fold("\t Xã  Bát\nTràng  "), "xa bat trang");
        assert_eq!(fold("   "), "");
    }
}
