//! Searching the procedure list, with or without Vietnamese diacritics.

use motcua_forms::ProcedureSummary;

/// Lowercases and strips Vietnamese diacritics, so "dang ky" finds "Đăng ký".
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(base_letter)
        .collect()
}

fn base_letter(c: char) -> char {
    const GROUPS: &[(char, &str)] = &[
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    if c.is_ascii() {
        return c;
    }
    GROUPS
        .iter()
        .find(|(_, marked)| marked.contains(c))
        .map_or(c, |(base, _)| *base)
}

/// Whether `procedure` matches every word of `query` in its code or either name.
pub(crate) fn matches(procedure: &ProcedureSummary, query: &str) -> bool {
    let haystack = fold(&format!(
        "{} {} {}",
        procedure.code, procedure.name.vi, procedure.name.en
    ));
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}
