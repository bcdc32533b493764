//! Attaching papers to a dossier component, for `components::attach`: the
//! worker turns photos into pages, assembles them into the component's PDF
//! or checks a PDF the citizen gave, and the bytes go to device storage.
//! Every step returns a `Result` whose error is a message the citizen can
//! act on; none is dropped (a failed write must not leave a progress bar
//! standing still).

use std::rc::Rc;

use motcua_dossier::{MediaType, Sha256};
use motcua_forms::{Component, LocalizedText};
use motcua_protocol::Limits as OfficeLimits;
use yew::Callback;

use crate::filing::{AttachedFile, PageRef};
use crate::services::store::{Area, Store, StoreError};
use crate::services::worker;

/// Why a paper could not be attached, to show beside it.
pub(crate) type AttachError = LocalizedText;

/// The message for a failed write to device storage: the most likely cause
/// is a full device (IndexedDB's quota), which the citizen can fix.
pub(crate) fn not_stored(_err: &StoreError) -> AttachError {
    LocalizedText::new(
        "Không lưu được giấy tờ vào bộ nhớ của thiết bị (có thể bộ nhớ đã đầy). Hãy giải phóng bớt dung lượng rồi thử lại.",
        "The paper could not be kept in this device's storage (it may be full). Free some space and try again.",
    )
}

/// Opens device storage, or says why it cannot be used.
pub(crate) async fn open_store() -> Result<Store, AttachError> {
    Store::open().await.map_err(|_| {
        LocalizedText::new(
            "Không mở được bộ nhớ của thiết bị (trình duyệt chặn hoặc đang ở chế độ ẩn danh). Hãy dùng cửa sổ thường rồi thử lại.",
            "This device's storage could not be opened (the browser blocks it, or this is a private window). Use a normal window and try again.",
        )
    })
}

/// The component's one PDF, as the manifest will name it.
pub(crate) fn pdf_file(
    component: &Component,
    pages: u32,
    size: u64,
    sha256: Sha256,
) -> Result<AttachedFile, AttachError> {
    let unusable = || {
        LocalizedText::new(
            format!(
                "Thủ tục này có mã giấy tờ \"{}\" không hợp lệ.",
                component.id
            ),
            format!(
                "This procedure has an invalid paper id \"{}\".",
                component.id
            ),
        )
    };
    Ok(AttachedFile {
        component: component.id.parse().map_err(|_| unusable())?,
        name: format!("{}.pdf", component.id)
            .parse()
            .map_err(|_| unusable())?,
        media_type: MediaType::pdf(),
        size,
        pages: Some(pages),
        sha256,
    })
}

/// A new key for a page's bytes in device storage.
fn page_id(component: &str) -> String {
    let n = (js_sys::Math::random() * 1e15) as u64;
    format!("{component}-{n:x}-{:x}", js_sys::Date::now() as u64)
}

/// Whether these bytes are a PDF (kept as it is) rather than a photo (made
/// into a page), told by their magic bytes as the scanner, the command
/// line and the office tell them.
pub(crate) fn is_pdf(bytes: &[u8]) -> bool {
    motcua_scan::sniff(bytes) == Ok(motcua_scan::MediaType::Pdf)
}

/// Checks a PDF the citizen gave and keeps it, byte for byte, under its
/// SHA-256: the component's file.
pub(crate) async fn attach_own_pdf(
    store: &Store,
    component: &Component,
    bytes: &[u8],
    office: OfficeLimits,
    dossier_bytes_used: u64,
) -> Result<AttachedFile, AttachError> {
    let checked = worker::check_pdf(
        bytes.to_vec(),
        component.attachment.clone(),
        office,
        dossier_bytes_used,
    )
    .await?;
    let file = pdf_file(component, checked.pages, bytes.len() as u64, checked.sha256)?;
    keep(store, &file.sha256.to_hex(), bytes).await?;
    Ok(file)
}

/// Writes `bytes` to device storage under `key`.
pub(crate) async fn keep(store: &Store, key: &str, bytes: &[u8]) -> Result<(), AttachError> {
    store
        .put_bytes(Area::Files, key, bytes)
        .await
        .map_err(|err| not_stored(&err))
}

/// Scans one photo into an A4 page and keeps it in device storage;
/// `progress` hears the scan's stages.
pub(crate) async fn scan_photo(
    store: &Store,
    component: &Component,
    bytes: Vec<u8>,
    document_mode: bool,
    office: OfficeLimits,
    progress: Callback<(u64, u64)>,
) -> Result<PageRef, AttachError> {
    let settings = motcua_scan::Settings {
        mode: if document_mode {
            motcua_scan::ColorMode::Document
        } else {
            motcua_scan::ColorMode::Color
        },
        ..motcua_scan::Settings::default()
    };
    let page = worker::scan_page(
        bytes,
        settings,
        component.attachment.clone(),
        office,
        progress,
    )
    .await?;
    let id = page_id(&component.id);
    keep(store, &id, &page.jpeg).await?;
    Ok(PageRef {
        id,
        width: page.width,
        height: page.height,
        bytes: page.jpeg.len() as u64,
    })
}

/// Assembles the scanned `pages` into the component's PDF and keeps it
/// under its SHA-256.
pub(crate) async fn assemble(
    component: &Component,
    pages: &[PageRef],
    office: OfficeLimits,
    dossier_bytes_used: u64,
) -> Result<AttachedFile, AttachError> {
    let store = open_store().await?;
    let mut jpegs = Vec::with_capacity(pages.len());
    for page in pages {
        // A page whose bytes are gone (storage cleared) is left out, as
        // before; the citizen sees the page count of the file made.
        if let Ok(Some(jpeg)) = store.get_bytes(Area::Files, &page.id).await {
            jpegs.push(jpeg);
        }
    }
    let pdf = worker::assemble_pdf(
        jpegs,
        component.name.vi.clone(),
        component.attachment.clone(),
        office,
        dossier_bytes_used,
    )
    .await?;
    let file = pdf_file(component, pdf.pages, pdf.bytes.len() as u64, pdf.sha256)?;
    keep(&store, &pdf.sha256.to_hex(), &pdf.bytes).await?;
    Ok(file)
}

/// Where the files just picked stand, one entry per file, for their
/// progress bars.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Processing {
    pub(crate) files: Vec<FileProgress>,
}

/// One file being processed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FileProgress {
    pub(crate) name: String,
    pub(crate) done: u64,
    pub(crate) total: u64,
    pub(crate) error: Option<LocalizedText>,
}

impl FileProgress {
    fn new(name: String) -> Self {
        Self {
            name,
            done: 0,
            total: 1,
            error: None,
        }
    }
}

/// A change to [`Processing`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ProcessingAction {
    /// These files were picked: a bar each, replacing what was shown.
    Start(Vec<String>),
    /// File `index` has come `done` of `total` units.
    Progress { index: usize, done: u64, total: u64 },
    /// File `index` is in.
    Finished(usize),
    /// File `index` failed: the bar gives way to the reason.
    Failed(usize, LocalizedText),
    /// Something not in the list failed (the component's PDF): show it.
    Push(String, LocalizedText),
    /// All files are done: only the failures stay on screen.
    Settle,
}

impl yew::Reducible for Processing {
    type Action = ProcessingAction;

    fn reduce(self: Rc<Self>, action: ProcessingAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ProcessingAction::Start(names) => {
                next.files = names.into_iter().map(FileProgress::new).collect();
            }
            ProcessingAction::Progress { index, done, total } => {
                if let Some(file) = next.files.get_mut(index) {
                    file.done = done;
                    file.total = total;
                }
            }
            ProcessingAction::Finished(index) => {
                if let Some(file) = next.files.get_mut(index) {
                    file.done = file.total.max(1);
                    file.total = file.done;
                }
            }
            ProcessingAction::Failed(index, message) => {
                if let Some(file) = next.files.get_mut(index) {
                    file.error = Some(message);
                }
            }
            ProcessingAction::Push(name, message) => {
                let mut file = FileProgress::new(name);
                file.total = 1;
                file.error = Some(message);
                next.files.push(file);
            }
            ProcessingAction::Settle => next.files.retain(|f| f.error.is_some()),
        }
        Rc::new(next)
    }
}

/// What came of the files picked for a component.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Picked {
    /// The PDF the citizen gave last, which replaces the component's file
    /// and the pages before it.
    pub(crate) pdf: Option<AttachedFile>,
    /// The component's pages after the files, unless there are none.
    pub(crate) pages: Option<Vec<PageRef>>,
}

/// Processes the files picked for `component` in order: each PDF checked
/// and kept as it is (it replaces what the component had), each photo
/// scanned into a page after `pages`. `report` hears every file's progress
/// and end, failures with their reason.
pub(crate) async fn add_picked(
    files: Vec<(String, Vec<u8>)>,
    component: &Component,
    document_mode: bool,
    office: OfficeLimits,
    dossier_bytes_used: u64,
    mut pages: Vec<PageRef>,
    report: Callback<ProcessingAction>,
) -> Picked {
    report.emit(ProcessingAction::Start(
        files.iter().map(|(name, _)| name.clone()).collect(),
    ));
    let store = match open_store().await {
        Ok(store) => store,
        Err(message) => {
            for index in 0..files.len() {
                report.emit(ProcessingAction::Failed(index, message.clone()));
            }
            report.emit(ProcessingAction::Settle);
            return Picked::default();
        }
    };
    let mut picked = Picked::default();
    for (index, (_, bytes)) in files.into_iter().enumerate() {
        let result = if is_pdf(&bytes) {
            attach_own_pdf(&store, component, &bytes, office, dossier_bytes_used)
                .await
                .map(|file| {
                    picked.pdf = Some(file);
                    pages.clear();
                })
        } else {
            let progress = {
                let report = report.clone();
                Callback::from(move |(done, total): (u64, u64)| {
                    report.emit(ProcessingAction::Progress { index, done, total });
                })
            };
            scan_photo(&store, component, bytes, document_mode, office, progress)
                .await
                .map(|page| pages.push(page))
        };
        report.emit(match result {
            Ok(()) => ProcessingAction::Finished(index),
            Err(message) => ProcessingAction::Failed(index, message),
        });
    }
    if !pages.is_empty() {
        picked.pages = Some(pages);
    }
    report.emit(ProcessingAction::Settle);
    picked
}

/// Object URLs of the thumbnails of `pages` not yet in `known`, read from
/// device storage; a page whose bytes cannot be read has no thumbnail.
pub(crate) async fn thumbnails(
    pages: &[PageRef],
    known: &std::collections::HashMap<String, String>,
) -> Vec<(String, String)> {
    let Ok(store) = Store::open().await else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for page in pages {
        if !known.contains_key(&page.id)
            && let Ok(Some(jpeg)) = store.get_bytes(Area::Files, &page.id).await
            && let Some(url) = jpeg_url(&jpeg)
        {
            found.push((page.id.clone(), url));
        }
    }
    found
}

/// An object URL of the first page of the citizen's PDF kept under
/// `sha256`, or why there is none (the attachment is unaffected).
pub(crate) async fn first_page_url(sha256: &str) -> Result<String, LocalizedText> {
    let bytes = match Store::open().await {
        Ok(store) => store.get_bytes(Area::Files, sha256).await.ok().flatten(),
        Err(_) => None,
    };
    let bytes = bytes.ok_or_else(crate::preview::unavailable)?;
    let thumb = crate::preview::first_page(&bytes).await?;
    jpeg_url(&thumb.jpeg).ok_or_else(crate::preview::unavailable)
}

/// An object URL showing a JPEG, for thumbnails.
fn jpeg_url(bytes: &[u8]) -> Option<String> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[cfg(test)]
mod tests {
    use yew::Reducible;

    use super::*;

    fn reduce(state: Processing, actions: Vec<ProcessingAction>) -> Processing {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn message() -> LocalizedText {
        LocalizedText::new("hỏng", "broken")
    }

    /// A failed write or scan leaves its reason on screen, never a bar
    /// standing still; what went in leaves the list.
    #[test]
    fn a_failure_replaces_the_bar_and_stays() {
        let state = reduce(
            Processing::default(),
            vec![
                ProcessingAction::Start(vec!["a.jpg".into(), "b.jpg".into()]),
                ProcessingAction::Progress {
                    index: 0,
                    done: 2,
                    total: 4,
                },
                ProcessingAction::Failed(0, message()),
                ProcessingAction::Finished(1),
            ],
        );
        assert_eq!(state.files[0].error, Some(message()));
        assert_eq!((state.files[1].done, state.files[1].total), (1, 1));
        let settled = reduce(state, vec![ProcessingAction::Settle]);
        assert_eq!(settled.files.len(), 1);
        assert_eq!(settled.files[0].name, "a.jpg");
    }

    #[test]
    fn progress_of_an_unknown_file_changes_nothing() {
        let start = reduce(
            Processing::default(),
            vec![ProcessingAction::Start(vec!["a.jpg".into()])],
        );
        let after = reduce(
            start.clone(),
            vec![
                ProcessingAction::Progress {
                    index: 5,
                    done: 1,
                    total: 2,
                },
                ProcessingAction::Failed(7, message()),
                ProcessingAction::Finished(9),
            ],
        );
        assert_eq!(after, start);
        let pushed = reduce(
            after,
            vec![ProcessingAction::Push("x.pdf".into(), message())],
        );
        assert_eq!(pushed.files.len(), 2);
        assert_eq!(pushed.files[1].error, Some(message()));
    }

    /// PDF or photo is told as the scanner tells it: a PDF header a few
    /// bytes in (as readers accept) is a PDF, a JPEG is not.
    #[test]
    fn pdfs_are_told_by_the_scanners_sniffing() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(is_pdf(b"\r\n%PDF-1.4\n"));
        assert!(!is_pdf(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!is_pdf(b""));
        assert!(!is_pdf(b"GIF89a"));
    }
}
