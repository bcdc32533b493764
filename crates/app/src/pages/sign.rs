//! Sealing the dossier: choose the receiving office and a key, see exactly
//! what will be signed (summary and manifest hash), enter the passphrase,
//! seal in the worker, and keep the sealed dossier in the outbox. The
//! steps themselves are in `services::signing`; this page shows where
//! they stand.

use std::rc::Rc;

use motcua_forms::LocalizedText;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::keys::KeyChooser;
use crate::components::office_chooser::OfficeChooser;
use crate::filing::{FilingAction, FilingContext};
use crate::format;
use crate::route::Route;
use crate::services::directory::{self, Offices};
use crate::services::keys::StoredKey;
use crate::services::signing::{self, Prepared};
use crate::state::use_lang;
use crate::text::{self, Ui, tr};

/// Where the sealing stands.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Waiting for an office, or for the form to be valid.
    Blocked,
    Preparing,
    Ready(Prepared),
    Sealing(Prepared),
    /// The outbox already holds a dossier with the same answers for the
    /// same office: sealing again waits for the citizen to say so.
    Duplicate(Prepared),
    Failed(Option<Prepared>, LocalizedText),
}

/// Province and commune of the first address on the form (the office's
/// own unit if the form names one), to suggest offices near it.
fn address_on_form(filing: &crate::filing::Filing) -> (Option<String>, Option<String>) {
    use motcua_forms::FieldKind;
    let data = filing.evaluation.partial_data();
    let mut candidates: Vec<&str> = vec!["office_unit"];
    for section in &filing.procedure.sections {
        for field in &section.fields {
            if matches!(field.kind, FieldKind::AdminUnit | FieldKind::Address) {
                candidates.push(&field.id);
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|id| data.get(id))
        .map(|unit| {
            let part = |k: &str| unit.get(k).and_then(Value::as_str).map(str::to_owned);
            (part("province"), part("commune"))
        })
        .find(|(p, _)| p.is_some())
        .unwrap_or((None, None))
}

/// The sign screen.
#[component]
pub(crate) fn Sign() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let filing = use_context::<FilingContext>();
    let stage = use_state(|| Stage::Blocked);
    let key = use_state(|| None::<StoredKey>);
    let passphrase = use_node_ref();
    // The passphrase of a key made on this page: asked twice there, not
    // a third time here.
    let made_with = use_state(|| None::<String>);
    // The citizen said "seal anyway" to the same-dossier warning.
    let confirmed = use_mut_ref(|| false);
    let sending = use_context::<crate::services::sender::SendingContext>();

    // Which offices there are: a verified directory, or the server that
    // serves the app.
    let offices = use_state(|| None::<Offices>);
    {
        let offices = offices.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                offices.set(Some(directory::load().await));
            });
        });
    }
    // Without a directory, the office is the one named in the form.
    {
        let filing = filing.clone();
        let serving = matches!(*offices, Some(Offices::ServingServer | Offices::Refused(_)));
        use_effect_with(serving, move |serving| {
            if let (true, Some(filing)) = (*serving, filing) {
                let from_form = filing
                    .procedure
                    .default_office(&filing.values)
                    .map(str::to_owned);
                if filing.office != from_form {
                    filing.dispatch(FilingAction::ChooseOffice(from_form));
                }
            }
        });
    }
    // (Re)prepare the manifest whenever what goes into it changes.
    {
        let stage = stage.clone();
        let inputs = filing.as_ref().map(|f| {
            (
                f.evaluation.data().cloned(),
                f.office.clone(),
                Rc::clone(&f.attachments),
                Rc::clone(&f.procedure),
            )
        });
        use_effect_with(inputs, move |inputs| {
            let Some((Some(data), Some(office), attachments, procedure)) = inputs.clone() else {
                stage.set(Stage::Blocked);
                return;
            };
            stage.set(Stage::Preparing);
            wasm_bindgen_futures::spawn_local(async move {
                stage.set(
                    match signing::prepare(&procedure, &office, &data, &attachments).await {
                        Ok(prepared) => Stage::Ready(prepared),
                        Err(message) => Stage::Failed(None, message),
                    },
                );
            });
        });
    }
    let Some(filing) = filing else {
        return Html::default();
    };
    let procedure = Rc::clone(&filing.procedure);
    let code = procedure.code.to_string();

    if !filing.evaluation.is_valid() {
        return html! {
            <>
                <h1 class="mc-title">{ tr(lang, "Ký hồ sơ", "Sign the dossier") }</h1>
                <div class="mc-notice mc-notice-error" role="alert">
                    <p>{ Ui::ReviewHasErrors.get(lang) }</p>
                    <Link<Route> to={Route::Review { code }}>{ Ui::ReviewTitle.get(lang) }</Link<Route>>
                </div>
            </>
        };
    }

    let on_choose_key = {
        let key = key.clone();
        Callback::from(move |k: StoredKey| key.set(Some(k)))
    };
    let onsubmit = {
        let offices = offices.clone();
        let stage = stage.clone();
        let key = key.clone();
        let passphrase = passphrase.clone();
        let filing = filing.clone();
        let navigator = navigator;
        let confirmed = confirmed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Stage::Ready(prepared)
            | Stage::Duplicate(prepared)
            | Stage::Failed(Some(prepared), _)) = (*stage).clone()
            else {
                return;
            };
            let Some(key) = (*key).clone() else {
                stage.set(Stage::Failed(
                    Some(prepared),
                    LocalizedText::new(
                        "Chọn hoặc tạo một khóa ký.",
                        "Choose or make a signing key.",
                    ),
                ));
                return;
            };
            let secret = passphrase
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            stage.set(Stage::Sealing(prepared.clone()));
            let (stage, filing, navigator, sending) = (
                stage.clone(),
                filing.clone(),
                navigator.clone(),
                sending.clone(),
            );
            let offices = (*offices).clone();
            let check_repeat = !confirmed.replace(false);
            wasm_bindgen_futures::spawn_local(async move {
                if check_repeat && signing::already_in_outbox(&prepared.manifest).await {
                    stage.set(Stage::Duplicate(prepared));
                    return;
                }
                let sealed = signing::seal_into_outbox(
                    &filing,
                    offices.as_ref(),
                    key.file.clone(),
                    secret,
                    &prepared,
                )
                .await;
                match sealed {
                    Ok(()) => {
                        if let Some(sending) = &sending {
                            crate::services::sender::send_due(sending.clone(), None);
                        }
                        signing::end_draft(&filing, prepared.id).await;
                        filing.dispatch(FilingAction::Sealed(prepared.id.to_string()));
                        // Replace: Back from the outbox does not land on
                        // this step again.
                        if let Some(navigator) = navigator {
                            navigator.replace(&Route::Outbox);
                        }
                    }
                    Err(message) => stage.set(Stage::Failed(Some(prepared), message)),
                }
            });
        })
    };

    let office_section = match &*offices {
        None => html! { <p class="mc-hint" role="status">{ Ui::Loading.get(lang) }</p> },
        Some(Offices::Directory(directory)) => {
            let on_choose = {
                let filing = filing.clone();
                Callback::from(move |code: String| {
                    filing.dispatch(FilingAction::ChooseOffice(Some(code)))
                })
            };
            html! {
                <OfficeChooser directory={Rc::clone(directory)} procedure={procedure.code.clone()}
                    near={address_on_form(&filing)} units={filing.units.clone()}
                    chosen={filing.office.clone()} {on_choose} />
            }
        }
        Some(Offices::Refused(message)) => html! {
            <div class="mc-notice mc-notice-error" role="alert" id="mc-directory-refused">
                <p>{ tr(lang, "Danh bạ cơ quan không đáng tin cậy nên không được dùng: ",
                    "The office directory cannot be trusted and is not used: ") }{ message.get(lang) }</p>
                <p>{ tr(lang, "Hồ sơ sẽ được gửi đến bộ phận một cửa của trang này.",
                    "The dossier will go to this site's own one-stop office.") }</p>
            </div>
        },
        Some(Offices::ServingServer) => Html::default(),
    };
    // The office by name and place; its code after, as the office knows it.
    let office_label = filing.office.as_deref().map(|code| {
        let entry = match &*offices {
            Some(Offices::Directory(directory)) => {
                code.parse().ok().and_then(|code| directory.office(&code))
            }
            _ => None,
        };
        let label = format::office_label(code, entry, filing.units.as_deref());
        format!("{} ({code})", label.line(lang))
    });
    let (prepared, failure) = match &*stage {
        Stage::Ready(p) | Stage::Sealing(p) | Stage::Duplicate(p) => (Some(p.clone()), None),
        Stage::Failed(p, message) => (p.clone(), Some(message.clone())),
        Stage::Blocked | Stage::Preparing => (None, None),
    };
    let sealing = matches!(*stage, Stage::Sealing(_));
    let office = filing.office.clone();
    let summary = html! {
        <dl class="mc-summary">
            <div class="mc-summary-row">
                <dt class="mc-summary-key">{ tr(lang, "Thủ tục", "Procedure") }</dt>
                <dd class="mc-summary-value">{ format!("{} ({})", procedure.name.get(lang), procedure.code) }</dd>
            </div>
            <div class="mc-summary-row">
                <dt class="mc-summary-key">{ tr(lang, "Nơi nhận hồ sơ", "Receiving office") }</dt>
                <dd class="mc-summary-value" id="mc-sign-office">
                    { office_label.clone().unwrap_or_else(|| tr(lang, "Chưa chọn", "Not chosen").to_owned()) }
                </dd>
            </div>
            <div class="mc-summary-row">
                <dt class="mc-summary-key">{ tr(lang, "Giấy tờ đính kèm", "Attached papers") }</dt>
                <dd class="mc-summary-value">
                    if filing.attachments.is_empty() {
                        { tr(lang, "Không có", "None") }
                    } else {
                        <ul class="mc-plain-list">
                            { for filing.attachments.iter().map(|a| html! {
                                <li>{ format!("{} · {}", a.name, text::bytes(lang, a.size)) }</li>
                            }) }
                        </ul>
                    }
                </dd>
            </div>
        </dl>
    };
    // Hashes are for the office's checks and for experts: one tap away.
    let technical = html! {
        <details class="mc-tech" id="mc-tech">
            <summary>{ tr(lang, "Chi tiết kỹ thuật", "Technical details") }</summary>
            <dl class="mc-summary">
                <div class="mc-summary-row">
                    <dt class="mc-summary-key">{ tr(lang, "Mã băm hồ sơ (SHA-256)", "Dossier hash (SHA-256)") }</dt>
                    <dd class="mc-summary-value mc-code mc-digest" id="mc-digest">
                        { prepared.as_ref().map(|p| p.digest.to_string()).unwrap_or_else(|| Ui::Loading.get(lang).to_owned()) }
                    </dd>
                </div>
                { for filing.attachments.iter().map(|a| html! {
                    <div class="mc-summary-row">
                        <dt class="mc-summary-key">{ format!("SHA-256 · {}", a.name) }</dt>
                        <dd class="mc-summary-value mc-code">{ a.sha256.to_string() }</dd>
                    </div>
                }) }
            </dl>
        </details>
    };
    html! {
        <>
            <Link<Route> to={Route::Attachments { code }} classes="mc-back">{ Ui::Back.get(lang) }</Link<Route>>
            <span class="mc-caption">{ procedure.name.get(lang) }</span>
            <h1 class="mc-title">{ tr(lang, "Ký hồ sơ", "Sign the dossier") }</h1>
            <p class="mc-lead">{ tr(lang,
                "Chữ ký số của bạn xác nhận toàn bộ tờ khai và giấy tờ đính kèm: bộ phận một cửa kiểm tra được rằng không có gì bị thay đổi trên đường gửi.",
                "Your digital signature covers the whole form and every attached paper: the office can check that nothing changed on the way.") }</p>
            { summary }
            { technical }
            if office.is_none() {
                <div class="mc-notice mc-notice-error" role="alert"><p>{ tr(lang,
                    "Chưa chọn nơi nhận hồ sơ: quay lại tờ khai và chọn nơi đăng ký.",
                    "No receiving office: go back to the form and choose where to file.") }</p></div>
            }
            { office_section }
            <KeyChooser chosen={key.as_ref().map(|k| k.summary.kid.clone())} on_choose={on_choose_key}
                on_made_with={{ let made_with = made_with.clone(); Callback::from(move |p: String| made_with.set(Some(p))) }} />
            <form class="mc-form" novalidate=true {onsubmit}>
                // No passphrase to ask for before there is a key.
                if key.is_some() {
                    <div class="mc-field">
                        <label class="mc-label" for="mc-sign-pass">{ tr(lang, "Mật khẩu của khóa", "The key's passphrase") }</label>
                        if made_with.is_some() {
                            <p class="mc-hint" id="mc-sign-pass-hint">{ tr(lang,
                                "Đã điền mật khẩu bạn vừa đặt cho khóa mới.",
                                "Filled in with the passphrase you just set for the new key.") }</p>
                        }
                        <input class="mc-input" id="mc-sign-pass" type="password" ref={passphrase} autocomplete="current-password"
                            value={(*made_with).clone().unwrap_or_default()} />
                    </div>
                }
                if let Some(message) = failure {
                    <p class="mc-error-message" role="alert" id="mc-sign-error">{ message.get(lang) }</p>
                }
                if matches!(*stage, Stage::Duplicate(_)) {
                    <div class="mc-notice mc-notice-error" role="alert" id="mc-duplicate">
                        <p>{ tr(lang,
                            "Bạn đã gửi một hồ sơ với đúng những thông tin này đến cùng nơi nhận (xem hộp thư đi). Ký thêm lần nữa sẽ thành một hồ sơ thứ hai.",
                            "You already sent a dossier with exactly these answers to the same office (see the outbox). Signing again makes a second dossier.") }</p>
                        <div class="mc-button-group">
                            <Link<Route> to={Route::Outbox} classes="mc-button mc-button-secondary mc-button-link">
                                { tr(lang, "Xem hộp thư đi", "See the outbox") }
                            </Link<Route>>
                            <button type="submit" class="mc-button mc-button-secondary" id="mc-seal-anyway"
                                onclick={let confirmed = confirmed.clone(); Callback::from(move |_: MouseEvent| { *confirmed.borrow_mut() = true; })}>
                                { tr(lang, "Vẫn ký hồ sơ thứ hai", "Sign a second dossier anyway") }
                            </button>
                        </div>
                    </div>
                }
                <button type="submit" class="mc-button mc-button-primary" disabled={sealing || prepared.is_none() || key.is_none()}>
                    { if sealing { tr(lang, "Đang ký…", "Signing…") } else { tr(lang, "Ký và đưa vào hộp thư đi", "Sign and put in the outbox") } }
                </button>
            </form>
        </>
    }
}
