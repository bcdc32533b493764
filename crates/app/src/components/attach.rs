//! One dossier component's papers: photos taken or chosen become A4 pages
//! (in the worker, with a progress bar per file), shown as thumbnails that
//! can be reordered and deleted; the pages are assembled into one PDF. A PDF
//! the citizen already has is kept as it is, byte for byte.

use std::collections::HashMap;
use std::rc::Rc;

use motcua_dossier::MediaType;
use motcua_forms::{Component, LocalizedText};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::dom_files::read_picked;
use crate::filing::{AttachedFile, FilingAction, FilingContext, PageRef};
use crate::services::attach::{self, Processing, ProcessingAction};
use crate::state::use_lang;
use crate::text::{self, tr};

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct ComponentAttachProps {
    pub(crate) component: Rc<Component>,
    pub(crate) office: motcua_protocol::Limits,
    /// Whether to show that this required component is missing.
    pub(crate) show_missing: bool,
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
    let processing = use_reducer(Processing::default);
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
                let found = attach::thumbnails(&pages, &thumbs).await;
                let mut next = (*thumbs).clone();
                next.extend(found);
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
                        // Whatever fails, the screen leaves "drawing…" with a reason.
                        let preview = match attach::first_page_url(&sha256).await {
                            Ok(url) => PdfPreview::Ready { sha256, url },
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
                match attach::assemble(&component, &pages, office, other_bytes).await {
                    Ok(file) => filing.dispatch(FilingAction::Attach(file)),
                    Err(message) => processing.dispatch(ProcessingAction::Push(
                        format!("{}.pdf", component.id),
                        message,
                    )),
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
            let (filing, component, set_pages, pages) = (
                filing.clone(),
                Rc::clone(&component),
                set_pages.clone(),
                pages.clone(),
            );
            let report = {
                let processing = processing.clone();
                Callback::from(move |action| processing.dispatch(action))
            };
            wasm_bindgen_futures::spawn_local(async move {
                let files = read_picked(&input).await;
                input.set_value("");
                let picked = attach::add_picked(
                    files,
                    &component,
                    document_mode,
                    office,
                    other_bytes,
                    pages,
                    report,
                )
                .await;
                if let (Some(file), Some(filing)) = (picked.pdf, &filing) {
                    filing.dispatch(FilingAction::SetPages(component.id.clone(), Vec::new()));
                    filing.dispatch(FilingAction::Attach(file));
                }
                if let Some(pages) = picked.pages {
                    set_pages.emit(pages);
                }
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
    let progress_views = processing.files.iter().map(|p| {
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
            if !processing.files.is_empty() {
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
