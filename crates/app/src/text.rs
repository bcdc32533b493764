//! The app's own words, Vietnamese first. Texts that come with data (procedure
//! names, field labels) are in that data; these are the screens' fixed texts.

use motcua_forms::Lang;

/// A fixed text of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ui {
    AppName,
    AppTagline,
    SkipToContent,
    SwitchLanguage,
    SwitchLanguageLabel,
    ProceduresTitle,
    ProceduresIntro,
    SearchLabel,
    SearchHint,
    Loading,
    CatalogUnavailable,
    Retry,
    NoMatch,
    Code,
    Level,
    Fee,
    ProcessingTime,
    LegalBasis,
    Components,
    ComponentsIntro,
    Required,
    Optional,
    AcceptedFiles,
    BackToList,
    ProcedureNotFound,
    PageNotFound,
    PageNotFoundHint,
}

impl Ui {
    /// The text in `lang`.
    pub(crate) fn get(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Self::AppName => ("Một cửa", "One-stop"),
            Self::AppTagline => (
                "Nộp hồ sơ thủ tục hành chính trực tuyến",
                "File administrative procedures online",
            ),
            Self::SkipToContent => ("Chuyển đến nội dung chính", "Skip to main content"),
            Self::SwitchLanguage => ("English", "Tiếng Việt"),
            Self::SwitchLanguageLabel => ("Switch to English", "Chuyển sang tiếng Việt"),
            Self::ProceduresTitle => ("Thủ tục hành chính", "Administrative procedures"),
            Self::ProceduresIntro => (
                "Chọn thủ tục để xem hồ sơ cần chuẩn bị và nộp trực tuyến tại bất kỳ bộ phận một cửa nào.",
                "Choose a procedure to see the papers it needs and file it online at any one-stop office.",
            ),
            Self::SearchLabel => ("Tìm thủ tục", "Search procedures"),
            Self::SearchHint => (
                "Gõ tên hoặc mã thủ tục, có dấu hoặc không dấu",
                "Type a name or code; accents are optional",
            ),
            Self::Loading => ("Đang tải…", "Loading…"),
            Self::CatalogUnavailable => (
                "Không tải được danh mục thủ tục. Kiểm tra kết nối mạng rồi thử lại.",
                "The procedure catalog could not be loaded. Check your connection and try again.",
            ),
            Self::Retry => ("Thử lại", "Try again"),
            Self::NoMatch => (
                "Không tìm thấy thủ tục nào phù hợp.",
                "No procedure matches your search.",
            ),
            Self::Code => ("Mã thủ tục", "Procedure code"),
            Self::Level => ("Cấp thực hiện", "Handled at"),
            Self::Fee => ("Lệ phí", "Fee"),
            Self::ProcessingTime => ("Thời hạn giải quyết", "Processing time"),
            Self::LegalBasis => ("Căn cứ pháp lý", "Legal basis"),
            Self::Components => ("Thành phần hồ sơ", "Dossier components"),
            Self::ComponentsIntro => (
                "Các giấy tờ cần nộp. Ảnh chụp giấy tờ sẽ được chuyển thành tệp PDF ngay trên thiết bị của bạn.",
                "The papers to submit. Photos of papers are turned into PDF files on your own device.",
            ),
            Self::Required => ("Bắt buộc", "Required"),
            Self::Optional => ("Nếu có", "If applicable"),
            Self::AcceptedFiles => ("Tệp nhận", "Accepted files"),
            Self::BackToList => ("Danh sách thủ tục", "All procedures"),
            Self::ProcedureNotFound => (
                "Không có thủ tục với mã này trong danh mục.",
                "There is no procedure with this code in the catalog.",
            ),
            Self::PageNotFound => ("Không tìm thấy trang", "Page not found"),
            Self::PageNotFoundHint => (
                "Địa chỉ này không có trong ứng dụng.",
                "This address is not part of the app.",
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// "4 thủ tục" / "4 procedures".
pub(crate) fn procedure_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Vi, n) => format!("{n} thủ tục"),
        (Lang::En, 1) => "1 procedure".to_owned(),
        (Lang::En, n) => format!("{n} procedures"),
    }
}

/// A byte count for people: "10 MB", "512 KB".
pub(crate) fn bytes(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n % MB == 0 {
        format!("{} MB", n / MB)
    } else if n >= MB {
        format!("{:.1} MB", n as f64 / MB as f64)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}
