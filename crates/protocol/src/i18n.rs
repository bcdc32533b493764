//! Text in the two languages motcua speaks: Vietnamese first, English second.

use serde::{Deserialize, Serialize};

/// A language of the user interface and of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Vietnamese (tiếng Việt), the default.
    #[default]
    #[serde(rename = "vi")]
    Vi,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The BCP 47 tag, as used in `<html lang>` and in storage.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// Parses a BCP 47 tag; anything but English falls back to Vietnamese.
    pub fn from_tag(tag: &str) -> Self {
        if tag.eq_ignore_ascii_case("en") || tag.to_ascii_lowercase().starts_with("en-") {
            Self::En
        } else {
            Self::Vi
        }
    }
}

/// A text given in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl LocalizedText {
    /// Builds a text from its two translations.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}
