//! One dossier component's papers: photos taken or chosen become A4 pages
//! (in the worker, with a progress bar per file), shown as thumbnails that
//! can be reordered and deleted; the pages are assembled into one PDF. A PDF
//! the citizen already has is kept as it is, byte for byte.

use std::collections::HashMap;
use std::rc::Rc;

use motcua_dossier::{MediaType, Sha256};
use motcua_forms::{Component, LocalizedText};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::dom_files::read_picked;
use crate::filing::{AttachedFile, FilingAction, FilingContext, PageRef};
use crate::services::store::{Area, Store};
use crate::services::worker;
use crate::state::use_lang;
use crate::text::{self, tr};
use crate::worker::{Outcome, Task};

/// A file being processed, for its progress bar.
#[derive(Debug, Clone, PartialEq)]
struct Processing {
    name: String,
    done: u64,
    total: u64,
    error: Option<LocalizedText>,
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ComponentAttachProps {
    pub(crate) component: Rc<Component>,
    pub(crate) office: motcua_protocol::Limits,
    /// Whether to show that this required component is missing.
    pub(crate) show_missing: bool,
}

fn random_id(prefix: &str) -> String {
    let n = (js_sys::Math::random() * 1e15) as u64;
    format!("{prefix}-{n:x}-{:x}", js_sys::Date::now() as u64)
}

/// An object URL showing a JPEG, for thumbnails.
fn jpeg_url(bytes: &[u8]) -> Option<String> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The component's one PDF, as the manifest will name it.
fn pdf_file(
    component: &Component,
    pages: u32,
    size: u64,
    sha256: Sha256,
) -> Result<AttachedFile, LocalizedText> {
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

/// What the citizen just deleted, kept so one tap brings it back (the bytes
/// stay in device storage).
#[derive(Debug, Clone, PartialEq)]
enum Removed {
    /// Page `index + 1` of the scanned pages.
    Page { index: usize, page: PageRef },
    /// The component's file, with the pages it was assembled from.
    File {
        file: AttachedFile,
        pages: Vec<PageRef>,
    },
}

impl Removed {
    fn announcement(&self, lang: motcua_forms::Lang) -> String {
        match (self, lang) {
            (Self::Page { index, .. }, motcua_forms::Lang::Vi) => {
                format!("Đã xoá trang {}.", index + 1)
            }
            (Self::Page { index, .. }, motcua_forms::Lang::En) => {
                format!("Page {} deleted.", index + 1)
            }
            (Self::File { file, .. }, motcua_forms::Lang::Vi) => {
                format!("Đã xoá tệp {}.", file.name)
            }
            (Self::File { file, .. }, motcua_forms::Lang::En) => {
                format!("{} deleted.", file.name)
            }
        }
    }
}

/// The first-page thumbnail of a PDF the citizen gave.
#[derive(Debug, Clone, PartialEq)]
enum PdfPreview {
    /// Being rendered (in the preview worker) for the file with this hash.
    Rendering(String),
    /// An object URL of the thumbnail, for the file with this hash.
    Ready { sha256: String, url: String },
    /// No thumbnail for this file, and why (the attachment is unaffected).
    Unavailable(String, LocalizedText),
}

impl PdfPreview {
    fn sha256(&self) -> &str {
        match self {
            Self::Rendering(sha256) | Self::Ready { sha256, .. } | Self::Unavailable(sha256, _) => {
                sha256
            }
        }
    }
}

/// The attach area of one component.
#[component]
pub(crate) fn ComponentAttach(props: &ComponentAttachProps) -> Html {
    let lang = use_lang();
    let filing = use_context::<FilingContext>();
    let processing = use_state(Vec::<Processing>::new);
    let thumbs = use_state(HashMap::<String, String>::new);
    let removed = use_state(|| None::<Removed>);
    let pdf_preview = use_state(|| None::<PdfPreview>);
    let component = Rc::clone(&props.component);

    let pages: Vec<PageRef> = filing
        .as_ref()
        .and_then(|f| f.pages.get(&component.id).cloned())
        .unwrap_or_default();
    let attached: Option<AttachedFile> = filing.as_ref().and_then(|f| {
        f.attachments
            .iter()
            .find(|a| a.is_for(&component.id))
            .cloned()
    });
    // "Trang chữ" is kept with the draft, so it survives a reload.
    let document_mode = filing
        .as_ref()
        .is_some_and(|f| f.text_pages.contains(&component.id));
    let other_bytes: u64 = filing
        .as_ref()
        .map(|f| {
            f.attachments
                .iter()
                .filter(|a| !a.is_for(&component.id))
                .map(|a| a.size)
                .sum()
        })
        .unwrap_or(0);

    // Thumbnails of the pages, from device storage.
    {
        let thumbs = thumbs.clone();
        use_effect_with(pages.clone(), move |pages| {
            let pages = pages.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(store) = Store::open().await else {
                    return;
                };
                let mut next = (*thumbs).clone();
                for page in &pages {
                    if !next.contains_key(&page.id)
                        && let Ok(Some(jpeg)) = store.get_bytes(Area::Files, &page.id).await
                        && let Some(url) = jpeg_url(&jpeg)
                    {
                        next.insert(page.id.clone(), url);
                    }
                }
                thumbs.set(next);
            });
        });
    }

    // The first page of a PDF the citizen gave (not one made from the pages
    // above, whose thumbnails are already shown), rendered once per file.
    {
        let pdf_preview = pdf_preview.clone();
        let own_pdf = attached
            .as_ref()
            .filter(|file| pages.is_empty() && file.media_type == MediaType::pdf())
            .map(|file| file.sha256.to_string());
        use_effect_with(own_pdf, move |own_pdf| {
            let current = (*pdf_preview).clone();
            match own_pdf.clone() {
                None => pdf_preview.set(None),
                Some(sha256) if current.as_ref().map(PdfPreview::sha256) == Some(&*sha256) => {}
                Some(sha256) => {
                    pdf_preview.set(Some(PdfPreview::Rendering(sha256.clone())));
                    wasm_bindgen_futures::spawn_local(async move {
                        let bytes = match Store::open().await {
                            Ok(store) => store.get_bytes(Area::Files, &sha256).await.ok().flatten(),
                            Err(_) => None,
                        };
                        // Whatever fails, the screen leaves "drawing…" with a reason.
                        let rendered = match bytes {
                            Some(bytes) => crate::preview::first_page(&bytes).await,
                            None => Err(crate::preview::unavailable()),
                        };
                        let preview = match rendered.map(|thumb| jpeg_url(&thumb.jpeg)) {
                            Ok(Some(url)) => PdfPreview::Ready { sha256, url },
                            Ok(None) => {
                                PdfPreview::Unavailable(sha256, crate::preview::unavailable())
                            }
                            Err(why) => PdfPreview::Unavailable(sha256, why),
                        };
                        pdf_preview.set(Some(preview));
                    });
                }
            }
        });
    }

    // Assembles the pages into the component's PDF whenever they change.
    let assemble = {
        let filing = filing.clone();
        let component = Rc::clone(&component);
        let office = props.office;
        let processing = processing.clone();
        Callback::from(move |pages: Vec<PageRef>| {
            let Some(filing) = filing.clone() else { return };
            let component = Rc::clone(&component);
            let processing = processing.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if pages.is_empty() {
                    filing.dispatch(FilingAction::Detach(component.id.clone()));
                    return;
                }
                let Ok(store) = Store::open().await else {
                    return;
                };
                let mut jpegs = Vec::new();
                for page in &pages {
                    if let Ok(Some(jpeg)) = store.get_bytes(Area::Files, &page.id).await {
                        jpegs.push(jpeg);
                    }
                }
                let task = Task::AssemblePdf {
                    pages: jpegs,
                    title: component.name.vi.clone(),
                    rule: component.attachment.clone(),
                    office,
                    dossier_bytes_used: other_bytes,
                };
                match worker::run(task, None).await {
                    Outcome::Pdf {
                        bytes,
                        pages,
                        sha256,
                    } if store
                        .put_bytes(Area::Files, &sha256.to_string(), &bytes)
                        .await
                        .is_ok() =>
                    {
                        match pdf_file(&component, pages, bytes.len() as u64, sha256) {
                            Ok(file) => filing.dispatch(FilingAction::Attach(file)),
                            Err(message) => {
                                let mut list = (*processing).clone();
                                list.push(Processing {
                                    name: format!("{}.pdf", component.id),
                                    done: 0,
                                    total: 1,
                                    error: Some(message),
                                });
                                processing.set(list);
                            }
                        }
                    }
                    Outcome::Failed { message, .. } => {
                        let mut list = (*processing).clone();
                        list.push(Processing {
                            name: format!("{}.pdf", component.id),
                            done: 0,
                            total: 1,
                            error: Some(message),
                        });
                        processing.set(list);
                    }
                    _ => {}
                }
            });
        })
    };

    let set_pages = {
        let filing = filing.clone();
        let component_id = component.id.clone();
        let assemble = assemble;
        Callback::from(move |pages: Vec<PageRef>| {
            if let Some(filing) = &filing {
                filing.dispatch(FilingAction::SetPages(component_id.clone(), pages.clone()));
            }
            assemble.emit(pages);
        })
    };

    // Files picked by the camera or the file chooser.
    let on_files = {
        let processing = processing.clone();
        let filing = filing.clone();
        let component = Rc::clone(&component);
        let office = props.office;
        let set_pages = set_pages.clone();
        let pages = pages.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let (processing, filing, component, set_pages) = (
                processing.clone(),
                filing.clone(),
                Rc::clone(&component),
                set_pages.clone(),
            );
            let mut pages = pages.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let files = read_picked(&input).await;
                input.set_value("");
                let Ok(store) = Store::open().await else {
                    return;
                };
                let mut list: Vec<Processing> = files
                    .iter()
                    .map(|(name, _)| Processing {
                        name: name.clone(),
                        done: 0,
                        total: 1,
                        error: None,
                    })
                    .collect();
                processing.set(list.clone());
                for (i, (_, bytes)) in files.into_iter().enumerate() {
                    if bytes.starts_with(b"%PDF-") {
                        let task = Task::CheckPdf {
                            bytes: bytes.clone(),
                            rule: component.attachment.clone(),
                            office,
                            dossier_bytes_used: other_bytes,
                        };
                        match worker::run(task, None).await {
                            Outcome::Pdf {
                                pages: count,
                                sha256,
                                ..
                            } if store
                                .put_bytes(Area::Files, &sha256.to_string(), &bytes)
                                .await
                                .is_ok() =>
                            {
                                match pdf_file(&component, count, bytes.len() as u64, sha256) {
                                    Ok(file) => {
                                        if let Some(filing) = &filing {
                                            filing.dispatch(FilingAction::SetPages(
                                                component.id.clone(),
                                                Vec::new(),
                                            ));
                                            filing.dispatch(FilingAction::Attach(file));
                                        }
                                        pages.clear();
                                        list[i].done = 1;
                                    }
                                    Err(message) => list[i].error = Some(message),
                                }
                            }
                            Outcome::Failed { message, .. } => list[i].error = Some(message),
                            _ => {}
                        }
                        processing.set(list.clone());
                        continue;
                    }
                    let progress = {
                        let processing = processing.clone();
                        let list = list.clone();
                        Callback::from(move |(done, total): (u64, u64)| {
                            let mut list = list.clone();
                            list[i].done = done;
                            list[i].total = total;
                            processing.set(list);
                        })
                    };
                    let settings = motcua_scan::Settings {
                        mode: if document_mode {
                            motcua_scan::ColorMode::Document
                        } else {
                            motcua_scan::ColorMode::Color
                        },
                        ..motcua_scan::Settings::default()
                    };
                    let task = Task::ScanPage {
                        bytes,
                        settings,
                        rule: component.attachment.clone(),
                        office,
                    };
                    match worker::run(task, Some(progress)).await {
                        Outcome::Page {
                            jpeg,
                            width,
                            height,
                        } => {
                            let id = random_id(&component.id);
                            if store.put_bytes(Area::Files, &id, &jpeg).await.is_ok() {
                                pages.push(PageRef {
                                    id,
                                    width,
                                    height,
                                    bytes: jpeg.len() as u64,
                                });
                                list[i].done = 1;
                                list[i].total = 1;
                            }
                        }
                        Outcome::Failed { message, .. } => list[i].error = Some(message),
                        _ => {}
                    }
                    processing.set(list.clone());
                }
                if !pages.is_empty() {
                    set_pages.emit(pages);
                }
                processing.set(list.into_iter().filter(|p| p.error.is_some()).collect());
            });
        })
    };

    let page_views = pages.iter().enumerate().map(|(i, page)| {
        let move_to = |to: usize| {
            let set_pages = set_pages.clone();
            let pages = pages.clone();
            Callback::from(move |_: MouseEvent| {
                let mut pages = pages.clone();
                let page = pages.remove(i);
                pages.insert(to.min(pages.len()), page);
                set_pages.emit(pages);
            })
        };
        let remove = {
            let set_pages = set_pages.clone();
            let pages = pages.clone();
            let removed = removed.clone();
            Callback::from(move |_: MouseEvent| {
                let mut pages = pages.clone();
                let page = pages.remove(i);
                removed.set(Some(Removed::Page { index: i, page }));
                set_pages.emit(pages);
            })
        };
        let n = i + 1;
        let label = match lang {
            motcua_forms::Lang::Vi => format!("Trang {n}"),
            motcua_forms::Lang::En => format!("Page {n}"),
        };
        html! {
            <li class="mc-page" key={page.id.clone()}>
                if let Some(url) = thumbs.get(&page.id) {
                    <img class="mc-thumb" src={url.clone()} alt={label.clone()} width="96" />
                }
                <span class="mc-page-label">{ label.clone() }</span>
                <span class="mc-page-actions">
                    <button type="button" class="mc-icon-button" disabled={i == 0} onclick={move_to(i.saturating_sub(1))}
                        aria-label={format!("{} {label}", tr(lang, "Chuyển lên", "Move up"))}>{ "↑" }</button>
                    <button type="button" class="mc-icon-button" disabled={n == pages.len()} onclick={move_to(i + 1)}
                        aria-label={format!("{} {label}", tr(lang, "Chuyển xuống", "Move down"))}>{ "↓" }</button>
                    <button type="button" class="mc-icon-button" onclick={remove}
                        aria-label={format!("{} {label}", tr(lang, "Xoá", "Delete"))}>{ "✕" }</button>
                </span>
            </li>
        }
    });
    let progress_views = processing.iter().map(|p| {
        html! {
            <li class="mc-processing">
                <span>{ p.name.clone() }</span>
                if let Some(error) = &p.error {
                    <p class="mc-error-message" role="alert">{ error.get(lang) }</p>
                } else {
                    <progress max={p.total.to_string()} value={p.done.to_string()}
                        aria-label={format!("{} {}", tr(lang, "Đang xử lý", "Processing"), p.name)} />
                }
            </li>
        }
    });
    let remove_pdf = {
        let filing = filing.clone();
        let component_id = component.id.clone();
        let removed = removed.clone();
        let attached = attached.clone();
        let pages = pages.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(filing) = &filing {
                if let Some(file) = attached.clone() {
                    removed.set(Some(Removed::File {
                        file,
                        pages: pages.clone(),
                    }));
                }
                filing.dispatch(FilingAction::SetPages(component_id.clone(), Vec::new()));
                filing.dispatch(FilingAction::Detach(component_id.clone()));
            }
        })
    };
    let undo = {
        let filing = filing.clone();
        let removed = removed.clone();
        let set_pages = set_pages.clone();
        let pages = pages.clone();
        let component_id = component.id.clone();
        Callback::from(move |_: MouseEvent| {
            match (*removed).clone() {
                Some(Removed::Page { index, page }) => {
                    let mut pages = pages.clone();
                    pages.insert(index.min(pages.len()), page);
                    set_pages.emit(pages);
                }
                Some(Removed::File { file, pages }) => {
                    if let Some(filing) = &filing {
                        filing.dispatch(FilingAction::SetPages(component_id.clone(), pages));
                        filing.dispatch(FilingAction::Attach(file));
                    }
                }
                None => {}
            }
            removed.set(None);
        })
    };
    let id = format!("att-{}", component.id);
    let rule = &component.attachment;
    let missing = props.show_missing && component.required && attached.is_none();
    html! {
        <li class={classes!("mc-component", "mc-attach", missing.then_some("mc-field-error"))} id={id.clone()} tabindex="-1">
            <h2 class="mc-component-name">{ component.name.get(lang) }</h2>
            <span class="mc-card-meta">
                <span class={if component.required { "mc-tag mc-tag-required" } else { "mc-tag" }}>
                    { if component.required { tr(lang, "Bắt buộc", "Required") } else { tr(lang, "Nếu có", "If applicable") } }
                </span>
                <span class="mc-tag">{ component.copy.label().get(lang).to_owned() }</span>
            </span>
            if let Some(note) = &component.note {
                <p class="mc-hint">{ note.get(lang) }</p>
            }
            <p class="mc-hint">{ format!("{} {} · ≤ {}", tr(lang, "Tối đa", "At most"),
                match lang { motcua_forms::Lang::Vi => format!("{} trang", rule.max_pages), motcua_forms::Lang::En => format!("{} pages", rule.max_pages) },
                text::bytes(lang, rule.max_bytes)) }</p>
            if missing {
                <p class="mc-error-message"><span class="mc-visually-hidden">{ tr(lang, "Lỗi:", "Error:") }</span>
                    { tr(lang, " Cần đính kèm giấy tờ này.", " This paper is required.") }</p>
            }
            if !pages.is_empty() {
                <ol class="mc-pages">{ for page_views }</ol>
            }
            if let Some(what) = &*removed {
                <p class="mc-undo" role="status" id={format!("{id}-undo")}>
                    { what.announcement(lang) }{ " " }
                    <button type="button" class="mc-link-button" onclick={undo}>{ tr(lang, "Hoàn tác", "Undo") }</button>
                </p>
            }
            if !processing.is_empty() {
                <ul class="mc-processing-list" aria-live="polite">{ for progress_views }</ul>
            }
            if let Some(preview) = &*pdf_preview {
                { preview_view(preview, &id, lang) }
            }
            if let Some(file) = &attached {
                <div class="mc-attached" id={format!("{id}-file")}>
                    { format!("✓ {} · {} · {}",
                        file.name,
                        file.pages.map(|n| match lang { motcua_forms::Lang::Vi => format!("{n} trang"), motcua_forms::Lang::En => format!("{n} pages") }).unwrap_or_default(),
                        text::bytes(lang, file.size)) }
                    { " " }
                    <button type="button" class="mc-link-button" onclick={remove_pdf}>{ tr(lang, "Xoá tệp", "Remove the file") }</button>
                    <details class="mc-tech">
                        <summary>{ tr(lang, "Chi tiết kỹ thuật", "Technical details") }</summary>
                        <p class="mc-hint mc-code">{ format!("SHA-256 {}", file.sha256) }</p>
                    </details>
                </div>
            }
            <div class="mc-choice">
                <input class="mc-choice-input" type="checkbox" id={format!("{id}-document")}
                    checked={document_mode}
                    onchange={{
                        let filing = filing.clone();
                        let component_id = component.id.clone();
                        Callback::from(move |e: Event| {
                            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                            if let Some(filing) = &filing {
                                filing.dispatch(FilingAction::SetTextPages(component_id.clone(), on));
                            }
                        })
                    }} />
                <label class="mc-choice-label" for={format!("{id}-document")}>
                    { tr(lang, "Trang chữ: chuyển đen trắng cho rõ và nhẹ", "Text page: black and white, clearer and smaller") }
                </label>
            </div>
            <div class="mc-button-group">
                <label class="mc-button mc-file-button" for={format!("{id}-camera")}>{ tr(lang, "Chụp ảnh", "Take a photo") }</label>
                <input class="mc-visually-hidden" id={format!("{id}-camera")} type="file" accept="image/*" capture="environment"
                    onchange={on_files.clone()} />
                <label class="mc-button mc-button-secondary mc-file-button" for={format!("{id}-files")}>{ tr(lang, "Chọn tệp", "Choose files") }</label>
                <input class="mc-visually-hidden" id={format!("{id}-files")} type="file" multiple=true
                    accept="image/jpeg,image/png,image/webp,application/pdf" onchange={on_files} />
            </div>
        </li>
    }
}

/// The thumbnail of a citizen's PDF, or what is happening instead.
fn preview_view(preview: &PdfPreview, id: &str, lang: motcua_forms::Lang) -> Html {
    match preview {
        PdfPreview::Rendering(_) => html! {
            <p class="mc-hint" aria-live="polite">{ tr(lang, "Đang dựng ảnh trang đầu…", "Drawing the first page…") }</p>
        },
        PdfPreview::Ready { url, .. } => html! {
            <img class="mc-thumb mc-pdf-thumb" id={format!("{id}-preview")} src={url.clone()}
                alt={tr(lang, "Trang đầu của tệp PDF", "First page of the PDF")} width="120" />
        },
        PdfPreview::Unavailable(_, why) => html! {
            <p class="mc-hint" id={format!("{id}-preview-note")}>{ why.get(lang) }</p>
        },
    }
}
