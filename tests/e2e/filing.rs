//! Attachments, sealing and the outbox (issues #4 and #5): photos become the
//! pages of an A4 PDF in the worker, a signed PDF is kept byte for byte, a
//! broken file is refused with its reason, a device key is made and the
//! dossier sealed into the outbox.

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::harness::{count, eventually, open_with_draft, test_data, text, with_app};
use crate::steps::{add_page, click, example};

async fn upload(client: &Client, input_id: &str, file: &Path) {
    let input = client
        .find(Locator::Id(input_id))
        .await
        .unwrap_or_else(|e| panic!("#{input_id}: {e}"));
    input.send_keys(&file.display().to_string()).await.unwrap();
}

async fn attached(client: &Client, component: &str) -> String {
    let css = format!("#att-{component}-file");
    eventually(&format!("the file of {component}"), || async {
        text(client, &css).await
    })
    .await
}

/// The SHA-256 of `component`'s file, from under "Chi tiết kỹ thuật"
/// (closed, so read from the page rather than as shown).
async fn file_hash(client: &Client, component: &str) -> Option<String> {
    client
        .execute(
            "const p = document.querySelector(`#att-${arguments[0]}-file details p`);\
             return p === null ? null : p.textContent;",
            vec![Value::from(component)],
        )
        .await
        .ok()?
        .as_str()
        .map(str::to_owned)
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn photos_to_pdf_signed_pdf_kept_key_made_dossier_sealed() {
    with_app(
        "photos_to_pdf_signed_pdf_kept_key_made_dossier_sealed",
        412,
        900,
        |client, url| async move {
            open_with_draft(&client, &url, "1.001193", &example("1.001193"), "attachments").await;
            eventually("the attach areas", || async {
                (count(&client, ".mc-attach").await >= 2).then_some(())
            })
            .await;

            // Continue without the required birth certificate: it is named.
            client
                .find(Locator::Css("button.mc-button-primary"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let summary = eventually("the missing-paper summary", || async {
                text(&client, ".mc-error-summary a").await
            })
            .await;
            assert!(summary.starts_with("Giấy chứng sinh"), "{summary}");

            // Two photos become two pages of one PDF.
            add_page(
                &client,
                "birth_certificate",
                "exif-orientation/recurser-landscape-orientation-6.jpg",
            )
            .await;
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 1);
            add_page(
                &client,
                "birth_certificate",
                "documents/graph-paper-ink_938x735.jpg",
            )
            .await;
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 2);
            let file = eventually("a two-page PDF", || async {
                let line = text(&client, "#att-birth_certificate-file").await?;
                line.contains("2 trang").then_some(line)
            })
            .await;
            assert!(file.contains("birth_certificate.pdf"), "{file}");
            assert_eq!(
                count(&client, "#att-birth_certificate img.mc-thumb").await,
                2,
                "thumbnails"
            );
            // Reordering makes a new PDF.
            let first_hash = file_hash(&client, "birth_certificate").await.unwrap();
            client
                .find(Locator::Css(
                    "#att-birth_certificate .mc-page .mc-icon-button:nth-child(2)",
                ))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            eventually("a reassembled PDF", || async {
                let hash = file_hash(&client, "birth_certificate").await?;
                let line = text(&client, "#att-birth_certificate-file").await?;
                (hash != first_hash && line.contains("2 trang")).then_some(())
            })
            .await;

            // A signed PDF is kept byte for byte: same size and hash.
            let signed = test_data("pdf/signed-pades-cades-detached.pdf");
            let bytes = std::fs::read(&signed).unwrap();
            upload(&client, "att-authorization-files", &signed).await;
            let line = attached(&client, "authorization").await;
            assert!(!line.contains("SHA-256"), "a hash in plain sight: {line}");
            // The hash is one tap away, under "Chi tiết kỹ thuật" (tapped
            // again if the first tap met a page still settling).
            let hash = sha256_hex(&bytes);
            eventually("the file's hash, shown on a tap", || async {
                let open = client
                    .execute(
                        "return document.querySelector('#att-authorization-file details')?.open ?? false",
                        vec![],
                    )
                    .await
                    .ok()?;
                if open != Value::Bool(true) {
                    click(&client, "#att-authorization-file summary").await;
                    return None;
                }
                let shown = text(&client, "#att-authorization-file details p").await?;
                shown.contains(&hash).then_some(())
            })
            .await;
            // Its first page is shown, drawn by the preview worker: the
            // 300 × 144 pt page (pdfinfo) as a 320 × 153 JPEG the browser
            // decoded.
            let decoded = eventually("the PDF's first-page thumbnail", || async {
                let size = client
                    .execute(
                        "const img = document.getElementById('att-authorization-preview');\
                         return img && img.complete && img.naturalWidth > 0\
                           ? [img.naturalWidth, img.naturalHeight] : null;",
                        vec![],
                    )
                    .await
                    .unwrap();
                size.as_array().map(|s| (s[0].as_u64(), s[1].as_u64()))
            })
            .await;
            assert_eq!(decoded, (Some(320), Some(153)));

            // A decompression bomb is refused before decoding, with its reason.
            upload(
                &client,
                "att-abandonment_record-files",
                &test_data("malformed-images/jpeg-bomb-lottapixel-64250x64250.jpg"),
            )
            .await;
            let refusal = eventually("the refusal", || async {
                text(&client, "#att-abandonment_record .mc-error-message").await
            })
            .await;
            assert!(!refusal.is_empty());
            assert_eq!(count(&client, "#att-abandonment_record-file").await, 0);

            // Sign: see the hash, make a key, a wrong passphrase is refused.
            client
                .find(Locator::Css("button.mc-button-primary"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let digest = eventually("the dossier hash", || async {
                let d = crate::steps::digest(&client).await?;
                (d.len() == 64).then_some(d)
            })
            .await;
            // The office by name and place (issue #11), from the server's
            // default directory, its code after.
            eventually("the office by name", || async {
                let office = text(&client, "#mc-sign-office").await?;
                (office == "Bộ phận một cửa Phường Ba Đình, Thành phố Hà Nội (00004)").then_some(())
            })
            .await;
            client
                .find(Locator::Css(".mc-keys .mc-button-group button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let fill = |id: &'static str, value: &'static str| {
                let client = client.clone();
                async move {
                    client
                        .find(Locator::Id(id))
                        .await
                        .unwrap()
                        .send_keys(value)
                        .await
                        .unwrap();
                }
            };
            fill("mc-new-key-label", "Điện thoại của An").await;
            fill("mc-new-key-pass", "mat khau rat dai").await;
            fill("mc-new-key-again", "mat khau rat dai").await;
            client
                .find(Locator::Css(".mc-subform button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
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
            fill("mc-sign-pass", "sai mat khau").await;
            client
                .find(Locator::Css("form.mc-form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let wrong = eventually("the wrong-passphrase message", || async {
                text(&client, "#mc-sign-error").await
            })
            .await;
            assert!(wrong.to_lowercase().contains("mật khẩu"), "{wrong}");
            let pass = client.find(Locator::Id("mc-sign-pass")).await.unwrap();
            pass.clear().await.unwrap();
            pass.send_keys("mat khau rat dai").await.unwrap();
            client
                .find(Locator::Css("form.mc-form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();

            // The sealed dossier waits in the outbox, also after a reload.
            eventually("the outbox", || async {
                (text(&client, "h1").await.as_deref() == Some("Hộp thư đi")).then_some(())
            })
            .await;
            client.refresh().await.unwrap();
            let entry = eventually("the sealed dossier", || async {
                text(&client, ".mc-outbox .mc-card").await
            })
            .await;
            assert!(entry.contains("Đăng ký khai sinh"), "{entry}");
            // The hash shown when signing, under its technical details.
            let technical = client
                .execute(
                    "return document.querySelector('.mc-outbox .mc-card details')?.textContent ?? ''",
                    vec![],
                )
                .await
                .unwrap();
            let technical = technical.as_str().unwrap_or_default();
            assert!(
                technical.contains(&digest),
                "{technical} lacks the hash shown when signing"
            );
            assert!(!entry.contains(&digest), "a hash in plain sight: {entry}");

            // The worker sends it to the office (the server that serves the
            // app), which acknowledges it with a dossier code.
            let code = eventually("the office's dossier code", || async {
                text(&client, ".mc-outbox .mc-dossier-code").await
            })
            .await;
            assert!(code.starts_with("00004-"), "{code}");
            client
                .find(Locator::Css(".mc-delivery-detail a"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let shown = eventually("the receipt", || async {
                text(&client, "#mc-receipt-code").await
            })
            .await;
            assert_eq!(shown, code);
            let qr = client
                .find(Locator::Id("mc-receipt-qr"))
                .await
                .unwrap()
                .attr("src")
                .await
                .unwrap()
                .unwrap_or_default();
            assert!(qr.starts_with("data:image/svg+xml;base64,"), "{qr}");
            assert!(qr.len() > 500, "an empty QR code");

            // The outbox keeps the final state: no earlier step overwrote it,
            // and a fresh start does not send it again.
            client.goto(&format!("{url}outbox")).await.unwrap();
            let kept = eventually("the sent dossier", || async {
                text(&client, ".mc-outbox .mc-dossier-code").await
            })
            .await;
            assert_eq!(kept, code);
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            assert_eq!(
                text(&client, ".mc-outbox .mc-dossier-code")
                    .await
                    .as_deref(),
                Some(code.as_str()),
                "the sent dossier changed state after a restart"
            );
        },
    )
    .await;
}

/// Whether the "Trang chữ" box of `component` is ticked.
async fn text_page_ticked(client: &Client, component: &str) -> Option<bool> {
    client
        .execute(
            "const box = document.getElementById(arguments[0]);\
             return box === null ? null : box.checked;",
            vec![Value::from(format!("att-{component}-document"))],
        )
        .await
        .unwrap()
        .as_bool()
}

/// The `src` of the first page's thumbnail of `component`.
async fn first_thumbnail(client: &Client, component: &str) -> Option<String> {
    client
        .execute(
            "const img = document.querySelector(`#att-${arguments[0]} .mc-page img`);\
             return img === null ? null : img.getAttribute('src');",
            vec![Value::from(component)],
        )
        .await
        .unwrap()
        .as_str()
        .map(str::to_owned)
}

/// Issue #11, item 15: a deleted page or file comes back with one tap
/// ("Hoàn tác"), and the "Trang chữ" choice survives a reload.
#[tokio::test]
async fn deletions_can_be_undone_and_the_text_page_choice_is_kept() {
    with_app(
        "deletions_can_be_undone_and_the_text_page_choice_is_kept",
        360,
        780,
        |client, url| async move {
            open_with_draft(
                &client,
                &url,
                "1.001193",
                &example("1.001193"),
                "attachments",
            )
            .await;
            let attachments = format!("{url}procedure/1.001193/attachments");
            eventually("the attach areas", || async {
                (count(&client, ".mc-attach").await >= 2).then_some(())
            })
            .await;

            // "Trang chữ" ticked, then the page reloaded: still ticked.
            assert_eq!(
                text_page_ticked(&client, "birth_certificate").await,
                Some(false)
            );
            click(&client, "label[for=att-birth_certificate-document]").await;
            eventually("the choice saved with the draft", || async {
                text(&client, ".mc-saved").await
            })
            .await;
            client.goto(&attachments).await.unwrap();
            let ticked = eventually("the attach area after the reload", || async {
                text_page_ticked(&client, "birth_certificate").await
            })
            .await;
            assert!(ticked, "the text-page choice was lost on reload");

            for photo in [
                "documents/graph-paper-ink_938x735.jpg",
                "documents/handwritten-notes-a1_2081x2531.jpg",
            ] {
                add_page(&client, "birth_certificate", photo).await;
            }
            let file = eventually("a two-page PDF", || async {
                let line = text(&client, "#att-birth_certificate-file").await?;
                line.contains("2 trang").then_some(line)
            })
            .await;

            // Page 1 deleted: one page left, and one tap puts it back first.
            let before = eventually("the first thumbnail", || {
                first_thumbnail(&client, "birth_certificate")
            })
            .await;
            click(
                &client,
                "#att-birth_certificate .mc-page:first-child .mc-icon-button:nth-child(3)",
            )
            .await;
            let said = eventually("the deletion said", || async {
                text(&client, "#att-birth_certificate-undo").await
            })
            .await;
            assert!(said.contains("Đã xoá trang 1"), "{said}");
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 1);
            click(&client, "#att-birth_certificate-undo button").await;
            eventually("the page back in its place", || async {
                let first = first_thumbnail(&client, "birth_certificate").await;
                (count(&client, "#att-birth_certificate .mc-page").await == 2
                    && first.as_deref() == Some(before.as_str()))
                .then_some(())
            })
            .await;
            assert_eq!(count(&client, "#att-birth_certificate-undo").await, 0);
            eventually("the same PDF again", || async {
                (text(&client, "#att-birth_certificate-file").await? == file).then_some(())
            })
            .await;

            // The whole file deleted, then brought back as it was.
            click(&client, "#att-birth_certificate-file button").await;
            let said = eventually("the file deletion said", || async {
                text(&client, "#att-birth_certificate-undo").await
            })
            .await;
            assert!(said.contains("Đã xoá tệp"), "{said}");
            assert_eq!(count(&client, "#att-birth_certificate-file").await, 0);
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 0);
            click(&client, "#att-birth_certificate-undo button").await;
            let back = eventually("the file back", || async {
                text(&client, "#att-birth_certificate-file").await
            })
            .await;
            assert_eq!(back, file);
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 2);
        },
    )
    .await;
}
