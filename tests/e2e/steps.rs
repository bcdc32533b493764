//! Steps several end-to-end tests share: a filled form, attached photos, a
//! device key, a sealed dossier.

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::harness::{count, eventually, open_with_draft, test_data, text};

/// The worked example of a procedure's form data.
pub(crate) fn example(code: &str) -> Value {
    Value::Object(motcua_testkit::procedures::example(code))
}

/// Gives a file to a file input.
pub(crate) async fn upload(client: &Client, input_id: &str, file: &Path) {
    let input = client
        .find(Locator::Id(input_id))
        .await
        .unwrap_or_else(|e| panic!("#{input_id}: {e}"));
    input.send_keys(&file.display().to_string()).await.unwrap();
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Clicks the element matching `css`.
pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks the element with this id.
pub(crate) async fn click_id(client: &Client, id: &str) {
    click(client, &format!("#{id}")).await;
}

/// Replaces the text of the input with this id.
pub(crate) async fn fill(client: &Client, id: &str, value: &str) {
    let input = client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Gives the shared-data photo `photo` to `component`'s file input and
/// waits for its page to appear.
pub(crate) async fn add_page(client: &Client, component: &str, photo: &str) {
    let pages_css = format!("#att-{component} .mc-page");
    let pages = count(client, &pages_css).await;
    upload(client, &format!("att-{component}-files"), &test_data(photo)).await;
    eventually("one more page", || async {
        (count(client, &pages_css).await == pages + 1).then_some(())
    })
    .await;
}

/// A birth registration from its worked example with two photos as the
/// birth certificate, sealed with a new device key: ends on the outbox.
/// Returns the dossier's manifest hash.
pub(crate) async fn seal_birth_registration(client: &Client, url: &str) -> String {
    let digest = ready_to_sign(client, url).await;
    sign(client).await;
    digest
}

/// Everything up to the sign button: the form, the photos, a new key and
/// its passphrase typed. Returns the dossier's manifest hash.
pub(crate) async fn ready_to_sign(client: &Client, url: &str) -> String {
    ready_to_sign_with(client, url, &example("1.001193")).await
}

/// As [`ready_to_sign`], with this form data for the birth registration.
pub(crate) async fn ready_to_sign_with(client: &Client, url: &str, form: &Value) -> String {
    open_with_draft(client, url, "1.001193", form, "attachments").await;
    eventually("the attach areas", || async {
        (count(client, ".mc-attach").await >= 2).then_some(())
    })
    .await;
    for photo in [
        "camera-photos/iphone6_3264x2448_8mp.jpg",
        "documents/handwritten-notes-a1_2081x2531.jpg",
    ] {
        add_page(client, "birth_certificate", photo).await;
    }
    eventually("a two-page PDF", || async {
        let line = text(client, "#att-birth_certificate-file").await?;
        line.contains("2 trang").then_some(())
    })
    .await;
    click(client, "button.mc-button-primary").await;
    let digest = eventually("the dossier hash", || async {
        let d = crate::steps::digest(client).await?;
        (d.len() == 64).then_some(d)
    })
    .await;
    click(client, ".mc-keys .mc-button-group button").await;
    fill(client, "mc-new-key-label", "Điện thoại").await;
    fill(client, "mc-new-key-pass", "mat khau rat dai").await;
    fill(client, "mc-new-key-again", "mat khau rat dai").await;
    click(client, ".mc-subform button[type=submit]").await;
    eventually("the new key, chosen", || async {
        let checked = client
            .execute(
                "return document.querySelector('input[name=mc-key]:checked') !== null",
                vec![],
            )
            .await
            .ok()?;
        (checked == Value::Bool(true)).then_some(())
    })
    .await;
    fill(client, "mc-sign-pass", "mat khau rat dai").await;
    digest
}

/// Presses "sign" once the dossier is ready to seal (its manifest prepared
/// for the office chosen, a key chosen); ends on the outbox.
pub(crate) async fn sign(client: &Client) {
    press_sign(client).await;
    on_the_outbox(client).await;
}

/// Like [`sign`], for a dossier with the same answers as one already sent
/// to the same office: the app warns, and the citizen signs anyway.
pub(crate) async fn sign_a_repeat(client: &Client) {
    press_sign(client).await;
    eventually("the same-dossier warning", || async {
        text(client, "#mc-duplicate").await
    })
    .await;
    click(client, "#mc-seal-anyway").await;
    on_the_outbox(client).await;
}

async fn press_sign(client: &Client) {
    let button = "form.mc-form button[type=submit]";
    eventually("the sign button, enabled", || async {
        let enabled = client
            .execute(
                "const b = document.querySelector(arguments[0]);\
                 return b !== null && !b.disabled && document.getElementById('mc-digest') !== null;",
                vec![Value::from(button)],
            )
            .await
            .ok()?;
        (enabled == Value::Bool(true)).then_some(())
    })
    .await;
    click(client, button).await;
}

async fn on_the_outbox(client: &Client) {
    eventually("the outbox", || async {
        (text(client, "h1").await.as_deref() == Some("Hộp thư đi")).then_some(())
    })
    .await;
}

/// Chooses `value` in the select with this id.
pub(crate) async fn select(client: &Client, id: &str, value: &str) {
    let select = client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    select.select_by_value(value).await.unwrap();
}

/// Types a day, month and year into the date field with this id.
pub(crate) async fn date(client: &Client, id: &str, d: &str, m: &str, y: &str) {
    fill(client, id, d).await;
    fill(client, &format!("{id}-m"), m).await;
    fill(client, &format!("{id}-y"), y).await;
}

/// Picks province `province` and the first commune matching `search`.
pub(crate) async fn unit(client: &Client, id: &str, province: &str, search: &str) {
    select(client, id, province).await;
    let search_id = format!("{id}-commune");
    eventually("the commune search box", || async {
        client.find(Locator::Id(&search_id)).await.ok()
    })
    .await;
    fill(client, &search_id, search).await;
    let option = eventually("a commune to choose", || async {
        client.find(Locator::Css(".mc-unit-option")).await.ok()
    })
    .await;
    option.click().await.unwrap();
}

/// The dossier hash on the sign step. It sits under "Chi tiết kỹ thuật",
/// closed, so it is read from the page rather than as shown.
pub(crate) async fn digest(client: &Client) -> Option<String> {
    let value = client
        .execute(
            "const d = document.getElementById('mc-digest');\
             return d === null ? null : d.textContent.trim();",
            vec![],
        )
        .await
        .ok()?;
    value.as_str().map(str::to_owned)
}

/// Waits for the page's heading to read `expected`.
pub(crate) async fn title_is(client: &Client, expected: &str) {
    eventually(&format!("title {expected:?}"), || async {
        (text(client, "h1").await.as_deref() == Some(expected)).then_some(())
    })
    .await;
}

/// The current value of the input with this id.
pub(crate) async fn value_of(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}
