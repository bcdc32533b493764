//! Browser tests: components rendered into a real DOM in headless Chromium
//! (`cargo xtask test`, or `cargo test --target wasm32-unknown-unknown -p
//! motcua-app` with `CHROMEDRIVER` set).

use std::rc::Rc;
use std::time::Duration;

use gloo::storage::{LocalStorage, Storage};
use motcua_forms::CatalogIndex;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;
use yew_router::BrowserRouter;

use crate::components::procedure_list::{ProcedureList, ProcedureListProps};
use crate::state::PrefsProvider;
use crate::{App, LANG_STORAGE_KEY};

wasm_bindgen_test_configure!(run_in_browser);

const INDEX: &str = include_str!("../../../web/procedures/index.json");

/// A fresh element in the page to render into.
fn host() -> Element {
    let document = gloo::utils::document();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

/// Waits (at most five seconds) until `probe` finds what it looks for.
async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(found) = probe() {
            return found;
        }
        gloo::timers::future::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

fn text_of(root: &Element, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .map(|l| l.length())
        .unwrap_or(0)
}

#[component]
fn ListInProvider(props: &ProcedureListProps) -> Html {
    html! {
        <PrefsProvider>
            <BrowserRouter><ProcedureList index={props.index.clone()} /></BrowserRouter>
        </PrefsProvider>
    }
}

async fn render_list() -> Element {
    LocalStorage::delete(LANG_STORAGE_KEY);
    let root = host();
    let index = Rc::new(CatalogIndex::from_json(INDEX.as_bytes()).unwrap());
    yew::Renderer::<ListInProvider>::with_root_and_props(
        root.clone(),
        ProcedureListProps { index },
    )
    .render();
    wait_for("the list", || (count(&root, ".mc-card") > 0).then_some(())).await;
    root
}

fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn lists_every_procedure_in_the_catalog() {
    let root = render_list().await;
    let expected = CatalogIndex::from_json(INDEX.as_bytes())
        .unwrap()
        .procedures
        .len() as u32;
    assert_eq!(count(&root, ".mc-card"), expected);
    assert_eq!(
        text_of(&root, ".mc-count").unwrap(),
        format!("{expected} thủ tục")
    );
    let first = text_of(&root, ".mc-card-title").unwrap();
    assert_eq!(first, "Đăng ký khai sinh");
}

#[wasm_bindgen_test]
async fn search_ignores_diacritics_and_case() {
    let root = render_list().await;
    type_into(&root, "#mc-search", "DANG KY khai sinh");
    wait_for("one match", || {
        (count(&root, ".mc-card") == 1).then_some(())
    })
    .await;
    assert_eq!(
        text_of(&root, ".mc-card-title").unwrap(),
        "Đăng ký khai sinh"
    );

    type_into(&root, "#mc-search", "2.000488");
    wait_for("search by code", || {
        (text_of(&root, ".mc-code").as_deref() == Some("2.000488")).then_some(())
    })
    .await;

    type_into(&root, "#mc-search", "không có thủ tục này");
    wait_for("no match", || (count(&root, ".mc-card") == 0).then_some(())).await;
    assert_eq!(
        text_of(&root, ".mc-empty").unwrap(),
        "Không tìm thấy thủ tục nào phù hợp."
    );
}

#[wasm_bindgen_test]
async fn language_switch_is_applied_and_remembered() {
    LocalStorage::delete(LANG_STORAGE_KEY);
    let root = host();
    yew::Renderer::<App>::with_root(root.clone()).render();
    let title = wait_for("the Vietnamese title", || text_of(&root, ".mc-title")).await;
    assert_eq!(title, "Thủ tục hành chính");

    let button: HtmlElement = root
        .query_selector(".mc-lang")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(button.text_content().unwrap().trim(), "English");
    button.click();
    wait_for("the English title", || {
        (text_of(&root, ".mc-title").as_deref() == Some("Administrative procedures")).then_some(())
    })
    .await;
    assert_eq!(LocalStorage::get::<String>(LANG_STORAGE_KEY).unwrap(), "en");
    let html_lang = gloo::utils::document()
        .document_element()
        .unwrap()
        .get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("en"));

    // A second app, as after a reload, starts in English.
    let again = host();
    yew::Renderer::<App>::with_root(again.clone()).render();
    let title = wait_for("the remembered language", || text_of(&again, ".mc-title")).await;
    assert_eq!(title, "Administrative procedures");
    LocalStorage::delete(LANG_STORAGE_KEY);
}

#[wasm_bindgen_test]
async fn catalog_failure_is_explained_with_a_retry() {
    LocalStorage::delete(LANG_STORAGE_KEY);
    // The test runner's server has no catalog, so the fetch fails as it
    // would offline or against a broken server.
    let root = host();
    yew::Renderer::<App>::with_root(root.clone()).render();
    let alert = wait_for("the error notice", || text_of(&root, "[role=alert] p")).await;
    assert!(
        alert.starts_with("Không tải được danh mục thủ tục"),
        "{alert}"
    );
    assert_eq!(
        text_of(&root, "[role=alert] button").unwrap().trim(),
        "Thử lại"
    );
}

#[wasm_bindgen_test]
async fn device_store_keeps_json_and_bytes() {
    use crate::services::store::{Area, Store};

    let store = Store::open().await.unwrap();
    store
        .put_json(
            Area::Drafts,
            "test.json",
            &serde_json::json!({"họ_tên": "Nguyễn Văn A"}),
        )
        .await
        .unwrap();
    store
        .put_bytes(Area::Files, "test.bin", &[0, 1, 2, 255])
        .await
        .unwrap();

    // A second connection, as after a reload, reads the same values.
    let again = Store::open().await.unwrap();
    let draft: serde_json::Value = again
        .get_json(Area::Drafts, "test.json")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft["họ_tên"], "Nguyễn Văn A");
    assert_eq!(
        again
            .get_bytes(Area::Files, "test.bin")
            .await
            .unwrap()
            .unwrap(),
        vec![0, 1, 2, 255]
    );
    assert!(
        again
            .keys(Area::Drafts)
            .await
            .unwrap()
            .contains(&"test.json".to_owned())
    );

    // Reading the wrong shape is an error, not a panic or a silent default.
    assert!(
        again
            .get_json::<u32>(Area::Drafts, "test.json")
            .await
            .is_err()
    );
    assert!(again.get_bytes(Area::Drafts, "test.json").await.is_err());

    again.delete(Area::Drafts, "test.json").await.unwrap();
    again.delete(Area::Drafts, "test.json").await.unwrap();
    assert_eq!(
        again
            .get_json::<serde_json::Value>(Area::Drafts, "test.json")
            .await
            .unwrap(),
        None
    );
    assert_eq!(again.get_bytes(Area::Files, "missing").await.unwrap(), None);
}

/// What the worker receives: the message after gloo-worker's codec.
fn bincode_round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    use gloo::worker::Codec;
    let packed = gloo::worker::Bincode::encode(value);
    gloo::worker::Bincode::decode(packed)
}

#[wasm_bindgen_test]
async fn worker_prepares_and_seals_a_manifest() {
    use crate::jobs::{CreateKey, ManifestParts, PrepareManifest, Seal};
    use crate::worker::{create_key, prepare_manifest, seal};

    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../web/procedures/1.001193.json")).unwrap();
    let parts = ManifestParts {
        procedure: motcua_dossier::ProcedureRef {
            code: "1.001193".parse().unwrap(),
            version: schema["version"].as_str().unwrap().parse().unwrap(),
        },
        office: "00004".parse().unwrap(),
        form: serde_json::to_vec(&schema["example"]).unwrap(),
        attachments: Vec::new(),
    };
    // Through the worker's codec, as the page sends it.
    let job = PrepareManifest {
        parts,
        now: 1_764_000_000,
    };
    let job: PrepareManifest = bincode_round_trip(&job);
    let prepared = prepare_manifest(job);
    let Ok(prepared) = prepared else {
        panic!("not prepared: {prepared:?}");
    };
    let (manifest, digest) = (prepared.manifest, prepared.digest);
    assert_eq!(digest.to_string().len(), 64);
    let key = create_key(CreateKey {
        passphrase: "mat khau rat dai".into(),
        label: Some("thử".into()),
    });
    let Ok(key) = key else {
        panic!("no key: {key:?}")
    };
    let sealing = |passphrase: &str| Seal {
        key_file: key.key_file.clone(),
        passphrase: passphrase.into(),
        manifest: manifest.clone(),
        now: 1_764_000_001,
    };
    let wrong = seal(sealing("sai")).await;
    let Err(crate::jobs::JobError { code, .. }) = &wrong else {
        panic!("sealed with a wrong passphrase: {wrong:?}");
    };
    assert_eq!(code, "wrong_passphrase", "{wrong:?}");
    let sealed = seal(sealing("mat khau rat dai")).await;
    assert!(
        matches!(sealed, Ok(crate::jobs::Sealed { .. })),
        "{sealed:?}"
    );
}

/// What used to kill the worker: form data that is not a JSON object is a
/// typed error of the job, and the worker lives on.
#[wasm_bindgen_test]
fn a_manifest_of_form_data_that_is_not_an_object_is_refused() {
    use crate::jobs::{ManifestParts, PrepareManifest};
    let job = PrepareManifest {
        parts: ManifestParts {
            procedure: motcua_dossier::ProcedureRef {
                code: "1.001193".parse().unwrap(),
                version: "2025.1".parse().unwrap(),
            },
            office: "00004".parse().unwrap(),
            form: b"[1, 2]".to_vec(),
            attachments: Vec::new(),
        },
        now: 1_764_000_000,
    };
    let refused = crate::worker::prepare_manifest(bincode_round_trip(&job));
    assert!(
        matches!(&refused, Err(e) if e.code == "form_not_object"),
        "{refused:?}"
    );
}

/// A write to device storage that fails (here: a closed database) is an
/// error the citizen can act on, not a silence that freezes the progress
/// bar.
#[wasm_bindgen_test]
async fn a_failed_write_of_a_paper_says_so() {
    use crate::services::attach;
    use crate::services::store::Store;
    let store = Store::open().await.unwrap();
    store.close();
    let kept = attach::keep(&store, "test-page", b"jpeg").await;
    let Err(message) = kept else {
        panic!("a closed database took the write");
    };
    assert!(message.en.contains("Free some space"), "{}", message.en);
    assert!(message.vi.contains("giải phóng"), "{}", message.vi);
}

/// WebCrypto opens the key files ring writes (the worker's unlock path):
/// the right passphrase gives the file's key, a wrong one or a changed
/// cleartext member gives "wrong passphrase".
#[wasm_bindgen_test]
async fn webcrypto_opens_ring_key_files() {
    use motcua_dossier::{Error, KeyFile, Signer, SigningKey};
    let key = SigningKey::generate_device_key().unwrap();
    let file = KeyFile::encrypt(&key, "mật khẩu dài đủ", Some("Điện thoại".into())).unwrap();
    let opened = crate::worker::unlock::open_key_file(&file, "mật khẩu dài đủ")
        .await
        .unwrap();
    assert_eq!(opened.public_key(), key.public_key());
    // ...and it was WebCrypto that opened it, not the ring fallback.
    let subtle = crate::worker::unlock::subtle_crypto().expect("WebCrypto in a secure context");
    let sealed = file.sealed_key().unwrap();
    let Ok(pkcs8) =
        crate::worker::unlock::open_with_webcrypto(&subtle, &sealed, "mật khẩu dài đủ").await
    else {
        panic!("WebCrypto did not open the file");
    };
    assert_eq!(
        file.key_from_decrypted(&pkcs8).unwrap().public_key(),
        key.public_key()
    );
    let signature = opened.sign(b"ho so").unwrap();
    key.public_key()
        .verify(motcua_dossier::Algorithm::Es256, b"ho so", &signature)
        .unwrap();

    let wrong = crate::worker::unlock::open_key_file(&file, "mat khau dai du").await;
    assert!(matches!(wrong, Err(Error::WrongPassphrase)), "{wrong:?}");

    let mut relabelled = file.clone();
    relabelled.label = Some("Máy khác".into());
    let changed = crate::worker::unlock::open_key_file(&relabelled, "mật khẩu dài đủ").await;
    assert!(
        matches!(changed, Err(Error::WrongPassphrase)),
        "{changed:?}"
    );
}

/// Chromium runs wasm SIMD, so the page picks the SIMD build of the worker.
#[wasm_bindgen_test]
fn the_simd_worker_is_chosen_where_wasm_simd_runs() {
    assert_eq!(
        crate::services::worker::worker_script(),
        "/motcua-worker-simd.js"
    );
}

/// Sizes in the citizen's language: Vietnamese writes a decimal comma.
#[wasm_bindgen_test]
fn sizes_use_the_languages_decimal_mark() {
    use motcua_forms::Lang;
    let n = 1_363_149; // 1.3 MiB
    assert_eq!(crate::text::bytes(Lang::Vi, n), "1,3 MB");
    assert_eq!(crate::text::bytes(Lang::En, n), "1.3 MB");
    assert_eq!(crate::text::bytes(Lang::Vi, 10 * 1024 * 1024), "10 MB");
    assert_eq!(crate::text::bytes(Lang::Vi, 1000), "1 KB");
}

/// A date hint says its example once; papers name the files they take.
#[wasm_bindgen_test]
fn date_hints_and_accepted_files_say_things_once() {
    use crate::format::{accepted_files, date_hint};
    use motcua_forms::Lang;
    assert_eq!(
        date_hint(Some("Ví dụ 15/03/2021"), Lang::Vi),
        "Ví dụ 15/03/2021"
    );
    assert_eq!(
        date_hint(Some("Ngày ghi trên thẻ"), Lang::Vi),
        "Ngày ghi trên thẻ Ví dụ: 25/11/2026"
    );
    assert_eq!(date_hint(None, Lang::En), "For example: 25/11/2026");
    let pdf = ["application/pdf".to_owned()];
    assert_eq!(
        accepted_files(&pdf, Lang::Vi),
        "PDF hoặc ảnh chụp (JPEG, PNG, WebP)"
    );
    assert_eq!(
        accepted_files(&pdf, Lang::En),
        "PDF or photos (JPEG, PNG, WebP)"
    );
    let photos = ["image/jpeg".to_owned(), "image/png".to_owned()];
    assert_eq!(accepted_files(&photos, Lang::Vi), "JPEG hoặc PNG");
}
