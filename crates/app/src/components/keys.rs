//! Choosing a signing key: the keys kept on this device, and making,
//! importing or restoring one. Keys are stored encrypted; making and
//! importing run in the worker (PBKDF2 takes seconds on a phone).

use motcua_forms::LocalizedText;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::dom_files::{download, read_picked};
use crate::jobs::{CreateKey, ImportKey, NewKey};
use crate::services::keys::{self, StoredKey};
use crate::services::worker::{self, KeyJob};
use crate::state::use_lang;
use crate::text::tr;

/// Shortest passphrase for a new key (motcua-dossier refuses shorter ones).
const MIN_PASSPHRASE: usize = motcua_dossier::MIN_PASSPHRASE_CHARS;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct KeyChooserProps {
    /// The chosen key's id.
    pub(crate) chosen: Option<String>,
    /// Called with a key when the citizen picks, makes or imports one.
    pub(crate) on_choose: Callback<StoredKey>,
    /// Called with the passphrase a key was just made under, so the sign
    /// step does not ask for it a third time.
    #[prop_or_default]
    pub(crate) on_made_with: Callback<String>,
}

/// Which form is open.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Adding {
    None,
    Create,
    Import,
    Restore,
}

/// The key list and the ways to add a key.
#[component]
pub(crate) fn KeyChooser(props: &KeyChooserProps) -> Html {
    let lang = use_lang();
    let list = use_state(Vec::<StoredKey>::new);
    let reload = use_state(|| 0u32);
    let adding = use_state(|| Adding::None);
    let busy = use_state(|| false);
    let error = use_state(|| None::<LocalizedText>);

    {
        let list = list.clone();
        let on_choose = props.on_choose.clone();
        let chosen = props.chosen.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let keys = keys::list().await.unwrap_or_default();
                if chosen.is_none() && keys.len() == 1 {
                    on_choose.emit(keys[0].clone());
                }
                list.set(keys);
            });
        });
    }

    // Keeps a new key file and chooses it.
    let keep = {
        let reload = reload;
        let on_choose = props.on_choose.clone();
        let adding = adding.clone();
        let error = error.clone();
        Callback::from(move |(kid, file): (String, Vec<u8>)| {
            let reload = reload.clone();
            let on_choose = on_choose.clone();
            let adding = adding.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match (keys::save(&kid, &file).await, keys::summarize(&file)) {
                    (Ok(()), Some(summary)) => {
                        on_choose.emit(StoredKey { summary, file });
                        adding.set(Adding::None);
                        reload.set(*reload + 1);
                    }
                    _ => error.set(Some(LocalizedText::new(
                        "Không lưu được khóa trên thiết bị này.",
                        "The key could not be saved on this device.",
                    ))),
                }
            });
        })
    };
    // Runs a key task in the worker and keeps its result.
    let run_key_task = {
        let busy = busy.clone();
        let error = error.clone();
        let keep = keep.clone();
        let on_made_with = props.on_made_with.clone();
        Callback::from(move |task: KeyJob| {
            let busy = busy.clone();
            let error = error.clone();
            let keep = keep.clone();
            let on_made_with = on_made_with.clone();
            let made_with = match &task {
                KeyJob::Create(job) => Some(job.passphrase.clone()),
                KeyJob::Import(_) => None,
            };
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match worker::make_key(task).await {
                    Ok(NewKey { key_file, kid }) => {
                        keep.emit((kid, key_file));
                        if let Some(passphrase) = made_with {
                            on_made_with.emit(passphrase);
                        }
                    }
                    Err(err) => error.set(Some(err.message)),
                }
                busy.set(false);
            });
        })
    };

    let items = list.iter().map(|key| {
        let kid = key.summary.kid.clone();
        let checked = props.chosen.as_deref() == Some(kid.as_str());
        let onchange = {
            let on_choose = props.on_choose.clone();
            let key = key.clone();
            Callback::from(move |_: Event| on_choose.emit(key.clone()))
        };
        let export = {
            let key = key.clone();
            Callback::from(move |_: MouseEvent| {
                let name = format!("motcua-key-{}.json", &key.summary.kid[..key.summary.kid.len().min(8)]);
                download(&name, "application/json", &key.file);
            })
        };
        let id = format!("key-{}", &kid[..kid.len().min(12)]);
        let label = key.summary.label.clone().unwrap_or_else(|| tr(lang, "Khóa không tên", "Unnamed key").to_owned());
        let certified = if key.summary.x5c.is_empty() {
            tr(lang, "khóa thiết bị", "device key")
        } else {
            tr(lang, "có chứng thư số", "with a certificate")
        };
        html! {
            <li class="mc-key" key={kid.clone()}>
                <div class="mc-choice">
                    <input class="mc-choice-input" type="radio" name="mc-key" id={id.clone()} {checked} {onchange} />
                    <label class="mc-choice-label" for={id}>
                        <strong>{ label }</strong>
                        <span class="mc-hint">{ format!(" · {certified}") }</span>
                    </label>
                </div>
                <details class="mc-tech">
                    <summary>{ tr(lang, "Chi tiết kỹ thuật", "Technical details") }</summary>
                    <p class="mc-hint mc-code">{ format!("{} · {}", key.summary.alg, kid) }</p>
                </details>
                <button type="button" class="mc-link-button" onclick={export}>
                    { tr(lang, "Tải tệp sao lưu (đã mã hóa)", "Download an encrypted backup") }
                </button>
            </li>
        }
    });

    let open = |which: Adding| {
        let adding = adding.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            adding.set(if *adding == which {
                Adding::None
            } else {
                which
            });
        })
    };
    let form = match *adding {
        Adding::None => Html::default(),
        Adding::Create => html! { <CreateKeyForm busy={*busy} on_submit={run_key_task} /> },
        Adding::Import => html! { <ImportKeyForm busy={*busy} on_submit={run_key_task} /> },
        Adding::Restore => {
            html! { <RestoreForm on_restore={keep} on_error={Callback::from({
                let error = error.clone();
                move |m: LocalizedText| error.set(Some(m))
            })} /> }
        }
    };
    html! {
        <section class="mc-keys" aria-labelledby="mc-keys-title">
            <h2 class="mc-subtitle" id="mc-keys-title">{ tr(lang, "Khóa ký", "Signing key") }</h2>
            if list.is_empty() {
                <p>{ tr(lang,
                    "Chưa có khóa ký trên thiết bị này. Tạo một khóa: khóa được mã hóa bằng mật khẩu của bạn và không rời khỏi thiết bị.",
                    "There is no signing key on this device yet. Make one: it is encrypted with your passphrase and never leaves the device.") }</p>
            } else {
                <fieldset class="mc-fieldset">
                    <legend class="mc-label">{ tr(lang, "Chọn khóa để ký", "Choose the key to sign with") }</legend>
                    <ul class="mc-key-list">{ for items }</ul>
                </fieldset>
            }
            <div class="mc-button-group">
                <button type="button" class="mc-button mc-button-secondary" onclick={open(Adding::Create)}
                    aria-expanded={(*adding == Adding::Create).to_string()}>
                    { tr(lang, "Tạo khóa mới", "Make a new key") }
                </button>
                <button type="button" class="mc-button mc-button-secondary" onclick={open(Adding::Import)}
                    aria-expanded={(*adding == Adding::Import).to_string()}>
                    { tr(lang, "Nhập khóa có chứng thư", "Import a certificate key") }
                </button>
                <button type="button" class="mc-button mc-button-secondary" onclick={open(Adding::Restore)}
                    aria-expanded={(*adding == Adding::Restore).to_string()}>
                    { tr(lang, "Khôi phục từ tệp sao lưu", "Restore from a backup") }
                </button>
            </div>
            if let Some(message) = &*error {
                <p class="mc-error-message" role="alert">{ message.get(lang) }</p>
            }
            { form }
        </section>
    }
}

#[derive(Debug, PartialEq, Properties)]
struct KeyFormProps {
    busy: bool,
    on_submit: Callback<KeyJob>,
}

fn input_value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Label, passphrase twice.
#[component]
fn CreateKeyForm(props: &KeyFormProps) -> Html {
    let lang = use_lang();
    let label = use_node_ref();
    let pass = use_node_ref();
    let again = use_node_ref();
    let problem = use_state(|| None::<&'static str>);
    let onsubmit = {
        let (label, pass, again, problem) =
            (label.clone(), pass.clone(), again.clone(), problem.clone());
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let passphrase = input_value(&pass);
            if passphrase.chars().count() < MIN_PASSPHRASE {
                problem.set(Some(tr(
                    lang,
                    "Mật khẩu cần ít nhất 8 ký tự.",
                    "The passphrase needs at least 8 characters.",
                )));
            } else if passphrase != input_value(&again) {
                problem.set(Some(tr(
                    lang,
                    "Hai mật khẩu không giống nhau.",
                    "The two passphrases differ.",
                )));
            } else {
                problem.set(None);
                on_submit.emit(KeyJob::Create(CreateKey {
                    passphrase,
                    label: Some(input_value(&label)),
                }));
            }
        })
    };
    html! {
        <form class="mc-subform" novalidate=true {onsubmit}>
            <div class="mc-field">
                <label class="mc-label" for="mc-new-key-label">{ tr(lang, "Tên khóa", "Key name") }</label>
                <p class="mc-hint">{ tr(lang, "Ví dụ: Điện thoại của tôi", "For example: My phone") }</p>
                <input class="mc-input" id="mc-new-key-label" type="text" ref={label} autocomplete="off" />
            </div>
            <div class="mc-field">
                <label class="mc-label" for="mc-new-key-pass">{ tr(lang, "Mật khẩu bảo vệ khóa", "Passphrase to protect the key") }</label>
                <p class="mc-hint">{ tr(lang, "Ít nhất 8 ký tự. Không ai khôi phục được nếu bạn quên.", "At least 8 characters. Nobody can recover it if you forget it.") }</p>
                <input class="mc-input" id="mc-new-key-pass" type="password" ref={pass} autocomplete="new-password" />
            </div>
            <div class="mc-field">
                <label class="mc-label" for="mc-new-key-again">{ tr(lang, "Nhập lại mật khẩu", "The passphrase again") }</label>
                <input class="mc-input" id="mc-new-key-again" type="password" ref={again} autocomplete="new-password" />
            </div>
            if let Some(problem) = *problem {
                <p class="mc-error-message" role="alert">{ problem }</p>
            }
            <button type="submit" class="mc-button" disabled={props.busy}>
                { if props.busy { tr(lang, "Đang tạo khóa…", "Making the key…") } else { tr(lang, "Tạo khóa", "Make the key") } }
            </button>
        </form>
    }
}

/// A PKCS#8 key file, its certificate chain, a passphrase to keep it under.
#[component]
fn ImportKeyForm(props: &KeyFormProps) -> Html {
    let lang = use_lang();
    let key = use_node_ref();
    let chain = use_node_ref();
    let pass = use_node_ref();
    let problem = use_state(|| None::<&'static str>);
    let onsubmit = {
        let (key, chain, pass, problem) =
            (key.clone(), chain.clone(), pass.clone(), problem.clone());
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let passphrase = input_value(&pass);
            let (key, chain, problem, on_submit) = (
                key.clone(),
                chain.clone(),
                problem.clone(),
                on_submit.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let Some(key_input) = key.cast::<HtmlInputElement>() else {
                    return;
                };
                let Some((_, key_bytes)) = read_picked(&key_input).await.into_iter().next() else {
                    problem.set(Some(tr(
                        lang,
                        "Chọn tệp khóa (PKCS#8, .pem hoặc .der).",
                        "Choose the key file (PKCS#8, .pem or .der).",
                    )));
                    return;
                };
                if passphrase.chars().count() < MIN_PASSPHRASE {
                    problem.set(Some(tr(
                        lang,
                        "Mật khẩu cần ít nhất 8 ký tự.",
                        "The passphrase needs at least 8 characters.",
                    )));
                    return;
                }
                let certificates = match chain.cast::<HtmlInputElement>() {
                    Some(input) => read_picked(&input)
                        .await
                        .into_iter()
                        .next()
                        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
                    None => None,
                };
                problem.set(None);
                on_submit.emit(KeyJob::Import(ImportKey {
                    key: key_bytes,
                    certificates,
                    passphrase,
                    label: None,
                }));
            });
        })
    };
    html! {
        <form class="mc-subform" novalidate=true {onsubmit}>
            <p class="mc-hint">{ tr(lang,
                "Dành cho doanh nghiệp có khóa chứng thư số xuất được: khóa RSA (từ 2048 bit), P-256 hoặc Ed25519 ở dạng PKCS#8 không mã hóa. Tệp .p12/.pfx: chuyển sang PKCS#8 trước (xem hướng dẫn).",
                "For businesses holding an exportable certificate key: RSA (2048 bits or more), P-256 or Ed25519 as unencrypted PKCS#8. For .p12/.pfx files, convert to PKCS#8 first (see the guide).") }</p>
            <div class="mc-field">
                <label class="mc-label" for="mc-import-key">{ tr(lang, "Tệp khóa", "Key file") }</label>
                <input class="mc-file" id="mc-import-key" type="file" accept=".pem,.der,.key,.p8" ref={key} />
            </div>
            <div class="mc-field">
                <label class="mc-label" for="mc-import-chain">{ tr(lang, "Chứng thư số (không bắt buộc)", "Certificate chain (optional)") }</label>
                <input class="mc-file" id="mc-import-chain" type="file" accept=".pem,.crt,.cer" ref={chain} />
            </div>
            <div class="mc-field">
                <label class="mc-label" for="mc-import-pass">{ tr(lang, "Mật khẩu để lưu khóa trên thiết bị", "Passphrase to keep it on this device") }</label>
                <input class="mc-input" id="mc-import-pass" type="password" ref={pass} autocomplete="new-password" />
            </div>
            if let Some(problem) = *problem {
                <p class="mc-error-message" role="alert">{ problem }</p>
            }
            <button type="submit" class="mc-button" disabled={props.busy}>
                { if props.busy { tr(lang, "Đang nhập khóa…", "Importing…") } else { tr(lang, "Nhập khóa", "Import the key") } }
            </button>
        </form>
    }
}

#[derive(Debug, PartialEq, Properties)]
struct RestoreFormProps {
    on_restore: Callback<(String, Vec<u8>)>,
    on_error: Callback<LocalizedText>,
}

/// An encrypted backup file made by "download a backup" or `motcua keygen`.
#[component]
fn RestoreForm(props: &RestoreFormProps) -> Html {
    let lang = use_lang();
    let onchange = {
        let on_restore = props.on_restore.clone();
        let on_error = props.on_error.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let (on_restore, on_error) = (on_restore.clone(), on_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                for (_, bytes) in read_picked(&input).await {
                    match keys::summarize(&bytes) {
                        Some(summary) => on_restore.emit((summary.kid, bytes)),
                        None => on_error.emit(LocalizedText::new(
                            "Tệp này không phải tệp sao lưu khóa của motcua.",
                            "This file is not a motcua key backup.",
                        )),
                    }
                }
            });
        })
    };
    html! {
        <div class="mc-subform">
            <label class="mc-label" for="mc-restore">{ tr(lang, "Tệp sao lưu khóa (.json)", "Key backup file (.json)") }</label>
            <input class="mc-file" id="mc-restore" type="file" accept=".json,application/json" {onchange} />
        </div>
    }
}
