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
    StartFiling,
    StartFilingHint,
    Continue,
    Back,
    ErrorSummaryTitle,
    ErrorPrefix,
    DraftRestored,
    DraftKeep,
    DraftDiscard,
    DraftSaved,
    DraftNotSaved,
    Yes,
    No,
    ChooseOne,
    Province,
    Commune,
    CommuneSearch,
    CommuneSearchHint,
    ChangeCommune,
    Street,
    UnitsLoading,
    UnitsUnavailable,
    NoCommuneMatch,
    AddRow,
    RemoveRow,
    ReviewTitle,
    ReviewIntro,
    Change,
    NotAnswered,
    ReviewHasErrors,
    SectionNotFound,
    ComputedHint,
    DateHint,
    Dong,
    AmountInWords,
    BulkFile,
    BulkFileHint,
    BulkIntro,
    BulkTemplateTitle,
    BulkDownloadXlsx,
    BulkDownloadCsv,
    BulkChooseTitle,
    BulkChooseLabel,
    BulkChooseHint,
    BulkMatchTitle,
    BulkMatchIntro,
    BulkSheetColumn,
    BulkFormColumn,
    BulkNotUsed,
    BulkMissingRequired,
    BulkRowsTitle,
    BulkValid,
    BulkWithErrors,
    BulkLeftOut,
    BulkRow,
    BulkProblems,
    BulkLeaveOut,
    BulkLeaveOutInvalid,
    BulkShowFlagged,
    BulkShowAll,
    BulkShowMore,
    BulkRowOk,
    BulkReading,
    BulkOpening,
    BulkMaking,
    BulkDownloadReport,
    BulkWithoutUnits,
    BulkNoRows,
    BulkNoFlagged,
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
            Self::StartFiling => ("Bắt đầu khai hồ sơ", "Start filing"),
            Self::StartFilingHint => (
                "Bạn có thể dừng bất cứ lúc nào: thông tin được lưu trên thiết bị này.",
                "You can stop at any time: your answers are saved on this device.",
            ),
            Self::Continue => ("Tiếp tục", "Continue"),
            Self::Back => ("Quay lại", "Back"),
            Self::ErrorSummaryTitle => ("Có thông tin cần sửa", "There is a problem"),
            Self::ErrorPrefix => ("Lỗi:", "Error:"),
            Self::DraftRestored => (
                "Đã khôi phục bản nháp bạn lưu lúc",
                "We restored the draft you saved at",
            ),
            Self::DraftKeep => ("Tiếp tục với bản nháp", "Continue with the draft"),
            Self::DraftDiscard => (
                "Xoá bản nháp, khai lại từ đầu",
                "Discard it and start again",
            ),
            Self::DraftSaved => (
                "Đã lưu bản nháp trên thiết bị",
                "Draft saved on this device",
            ),
            Self::DraftNotSaved => (
                "Không lưu được bản nháp trên thiết bị này (chế độ riêng tư hoặc hết dung lượng). Đừng tải lại trang.",
                "The draft could not be saved on this device (private mode or storage full). Do not reload the page.",
            ),
            Self::Yes => ("Có", "Yes"),
            Self::No => ("Không", "No"),
            Self::ChooseOne => ("Chọn…", "Choose…"),
            Self::Province => ("Tỉnh, thành phố", "Province or city"),
            Self::Commune => ("Xã, phường, đặc khu", "Commune or ward"),
            Self::CommuneSearch => ("Tìm xã, phường", "Search communes"),
            Self::CommuneSearchHint => (
                "Gõ vài chữ của tên xã, phường rồi chọn trong danh sách",
                "Type part of the name, then choose from the list",
            ),
            Self::ChangeCommune => ("Chọn xã khác", "Choose another"),
            Self::Street => ("Số nhà, đường, thôn, tổ", "House number, street, hamlet"),
            Self::UnitsLoading => (
                "Đang tải danh sách đơn vị hành chính…",
                "Loading the list of administrative units…",
            ),
            Self::UnitsUnavailable => (
                "Không tải được danh sách đơn vị hành chính. Kiểm tra kết nối mạng.",
                "The list of administrative units could not be loaded. Check your connection.",
            ),
            Self::NoCommuneMatch => ("Không có xã, phường nào khớp.", "No commune matches."),
            Self::AddRow => ("Thêm", "Add"),
            Self::RemoveRow => ("Xoá", "Remove"),
            Self::ReviewTitle => ("Kiểm tra lại thông tin", "Check your answers"),
            Self::ReviewIntro => (
                "Xem lại các câu trả lời trước khi đính kèm giấy tờ và ký hồ sơ.",
                "Check your answers before you attach papers and sign the dossier.",
            ),
            Self::Change => ("Thay đổi", "Change"),
            Self::NotAnswered => ("Chưa trả lời", "Not answered"),
            Self::ReviewHasErrors => (
                "Sửa các thông tin trên trước khi tiếp tục.",
                "Fix the answers above before you continue.",
            ),
            Self::SectionNotFound => (
                "Không có phần này trong tờ khai.",
                "This part is not in the form.",
            ),
            Self::ComputedHint => ("Tự động điền", "Filled in for you"),
            Self::DateHint => ("Ví dụ: 25/11/2026", "For example: 25/11/2026"),
            Self::Dong => ("đồng", "VND"),
            Self::AmountInWords => ("Bằng chữ", "In words"),
            Self::BulkFile => ("Nộp hàng loạt từ bảng tính", "File many from a spreadsheet"),
            Self::BulkFileHint => (
                "Cho doanh nghiệp: mỗi dòng của bảng tính là một hồ sơ.",
                "For businesses: each row of a spreadsheet is one dossier.",
            ),
            Self::BulkIntro => (
                "Tải mẫu, điền mỗi hồ sơ vào một dòng, rồi chọn tệp. Mọi dòng được kiểm tra như biểu mẫu trực tuyến; các ô sai được sửa ngay tại đây.",
                "Download the template, fill in one dossier per row, then choose the file. Every row is checked as the online form checks it; fix wrong cells right here.",
            ),
            Self::BulkTemplateTitle => ("Mẫu bảng tính", "The template"),
            Self::BulkDownloadXlsx => {
                ("Tải mẫu Excel (XLSX)", "Download the Excel template (XLSX)")
            }
            Self::BulkDownloadCsv => ("Tải mẫu CSV", "Download the CSV template"),
            Self::BulkChooseTitle => ("Tệp đã điền", "The filled-in file"),
            Self::BulkChooseLabel => ("Chọn tệp XLSX hoặc CSV", "Choose an XLSX or CSV file"),
            Self::BulkChooseHint => (
                "Tệp được đọc ngay trên máy này, không gửi đi đâu.",
                "The file is read on this device and sent nowhere.",
            ),
            Self::BulkMatchTitle => ("Các cột", "The columns"),
            Self::BulkMatchIntro => (
                "Mỗi cột của bảng tính được ghép với một mục của biểu mẫu. Sửa nếu ghép sai.",
                "Each column of the sheet is matched to an answer of the form. Correct any wrong match.",
            ),
            Self::BulkSheetColumn => ("Cột của bảng tính", "Sheet column"),
            Self::BulkFormColumn => ("Mục của biểu mẫu", "Form answer"),
            Self::BulkNotUsed => ("(không dùng)", "(not used)"),
            Self::BulkMissingRequired => (
                "Chưa có cột nào cho các mục bắt buộc sau; mọi dòng sẽ báo thiếu:",
                "No column answers these required answers, so every row will lack them:",
            ),
            Self::BulkRowsTitle => ("Các dòng", "The rows"),
            Self::BulkValid => ("Hợp lệ", "Valid"),
            Self::BulkWithErrors => ("Có lỗi", "With errors"),
            Self::BulkLeftOut => ("Bỏ qua", "Left out"),
            Self::BulkRow => ("Dòng", "Row"),
            Self::BulkProblems => ("Lỗi và cách sửa", "Problems and fixes"),
            Self::BulkLeaveOut => ("Bỏ qua", "Leave out"),
            Self::BulkLeaveOutInvalid => {
                ("Bỏ qua mọi dòng có lỗi", "Leave out all rows with errors")
            }
            Self::BulkShowFlagged => ("Dòng có lỗi", "Rows with errors"),
            Self::BulkShowAll => ("Mọi dòng", "All rows"),
            Self::BulkShowMore => ("Xem thêm", "Show more"),
            Self::BulkRowOk => ("Hợp lệ", "Valid"),
            Self::BulkReading => ("Đang đọc tệp…", "Reading the file…"),
            Self::BulkOpening => ("Đang chuẩn bị…", "Getting ready…"),
            Self::BulkMaking => ("Đang tạo tệp…", "Making the file…"),
            Self::BulkDownloadReport => (
                "Tải báo cáo các dòng không nộp (XLSX)",
                "Download the report of the rows not filed (XLSX)",
            ),
            Self::BulkWithoutUnits => (
                "Chưa tải được danh mục đơn vị hành chính; địa chỉ chỉ được kiểm tra sơ bộ.",
                "The administrative-unit table could not be loaded; addresses are checked for their shape only.",
            ),
            Self::BulkNoRows => (
                "Bảng tính không có dòng dữ liệu nào sau dòng tiêu đề.",
                "The sheet has no data rows after its header row.",
            ),
            Self::BulkNoFlagged => ("Không dòng nào có lỗi.", "No row has errors."),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A text used on one screen only, given in place: Vietnamese first.
pub(crate) fn tr(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
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

/// A byte count for people: "10 MB", "512 KB", "1,3 MB" in Vietnamese
/// (which writes a decimal comma) and "1.3 MB" in English.
pub(crate) fn bytes(lang: Lang, n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= MB {
        let tenths = (n as f64 / MB as f64 * 10.0).round() as u64;
        let mark = match lang {
            Lang::Vi => ',',
            Lang::En => '.',
        };
        format!("{}{mark}{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

/// "Bước 2 trên 5" / "Step 2 of 5".
pub(crate) fn step_of(lang: Lang, step: usize, total: usize) -> String {
    match lang {
        Lang::Vi => format!("Bước {step} trên {total}"),
        Lang::En => format!("Step {step} of {total}"),
    }
}

/// A moment as people read it in Vietnam: "14:05 25/11/2026" (UTC+7).
pub(crate) fn time_vn(ms_since_epoch: f64) -> String {
    let total_minutes = (ms_since_epoch / 60_000.0).floor() as i64 + 7 * 60;
    let days = total_minutes.div_euclid(24 * 60);
    let minutes = total_minutes.rem_euclid(24 * 60);
    let date = motcua_forms::Date::from_days_since_epoch(days)
        .map(|d| format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()))
        .unwrap_or_default();
    format!("{:02}:{:02} {date}", minutes / 60, minutes % 60)
}

/// "Đã đọc 200 dòng từ ds.xlsx." / "Read 200 rows from ds.xlsx."
pub(crate) fn bulk_rows_read(lang: Lang, rows: usize, file: &str) -> String {
    match (lang, rows) {
        (Lang::Vi, n) => format!("Đã đọc {n} dòng từ {file}."),
        (Lang::En, 1) => format!("Read 1 row from {file}."),
        (Lang::En, n) => format!("Read {n} rows from {file}."),
    }
}

/// "Đang kiểm tra: 250 / 1000 dòng" / "Checking: 250 of 1000 rows".
pub(crate) fn bulk_checking(lang: Lang, done: u64, total: u64) -> String {
    match lang {
        Lang::Vi => format!("Đang kiểm tra: {done} / {total} dòng"),
        Lang::En => format!("Checking: {done} of {total} rows"),
    }
}

/// "Sửa ô E7" / "Fix cell E7", for the input of a bad cell.
pub(crate) fn bulk_fix_cell(lang: Lang, cell: &str) -> String {
    match lang {
        Lang::Vi => format!("Sửa ô {cell}"),
        Lang::En => format!("Fix cell {cell}"),
    }
}

/// "Bỏ qua dòng 7" / "Leave out row 7".
pub(crate) fn bulk_leave_out_row(lang: Lang, row: usize) -> String {
    match lang {
        Lang::Vi => format!("Bỏ qua dòng {row}"),
        Lang::En => format!("Leave out row {row}"),
    }
}

/// How many rows sealing will take, until sealing exists.
pub(crate) fn bulk_ready(lang: Lang, rows: usize) -> String {
    match (lang, rows) {
        (Lang::Vi, n) => format!(
            "{n} dòng hợp lệ sẽ được nộp. Ký và gửi hàng loạt sẽ có ở bước sau; tới lúc đó các dòng được giữ nguyên trên trang này."
        ),
        (Lang::En, 1) => "1 valid row will be filed. Sealing and sending the batch comes next; until then the rows stay on this page.".to_owned(),
        (Lang::En, n) => format!(
            "{n} valid rows will be filed. Sealing and sending the batch comes next; until then the rows stay on this page."
        ),
    }
}

/// "48 / 48 cột đã ghép" / "48 of 48 columns matched", the folded match.
pub(crate) fn bulk_matched(lang: Lang, matched: usize, columns: usize) -> String {
    match lang {
        Lang::Vi => format!("{matched} / {columns} cột đã ghép với biểu mẫu (bấm để xem, sửa)"),
        Lang::En => {
            format!("{matched} of {columns} columns matched to the form (open to see, correct)")
        }
    }
}
