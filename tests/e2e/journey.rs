//! The citizen's journey at phone size (issue #11): a sent dossier does not
//! come back as a draft, Back after sealing cannot file it twice, no layout
//! shift eats a tap, each step opens at its top, "change" returns to the
//! review, and a procedure never opened before works offline.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::harness::{
    Browser, Intake, count, eventually, open_with_draft, set_offline, text, with_app,
};
use crate::steps::{
    add_page, click, click_id, date, example, fill, seal_birth_registration, title_is, unit,
    value_of,
};

/// A phone: 360 × 780 CSS pixels.
const WIDTH: u32 = 360;
const HEIGHT: u32 = 780;

/// A WebDriver element click on "continue": the pointer goes down and up
/// where the button was when it was pressed, as a finger would.
async fn continue_(client: &Client) {
    click(client, "form.mc-form button[type=submit]").await;
}

async fn script(client: &Client, js: &str) -> Value {
    client.execute(js, vec![]).await.unwrap()
}

/// Waits for the office's dossier code of the newest outbox entry.
async fn dossier_code(client: &Client) -> String {
    crate::harness::eventually_within(30, "the office's dossier code", || async {
        text(client, ".mc-outbox .mc-dossier-code").await
    })
    .await
}

#[tokio::test]
async fn a_sent_dossier_does_not_come_back_as_a_draft() {
    with_app(
        "a_sent_dossier_does_not_come_back_as_a_draft",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            seal_birth_registration(&client, &url).await;
            dossier_code(&client).await;

            // A second birth, started the ordinary way.
            client
                .goto(&format!("{url}procedure/1.001193"))
                .await
                .unwrap();
            let start = eventually("the start button", || async {
                client.find(Locator::Css(".mc-button-start")).await.ok()
            })
            .await;
            start.click().await.unwrap();
            title_is(&client, "Nơi đăng ký").await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(
                count(&client, ".mc-draft").await,
                0,
                "the sent dossier was offered as a draft"
            );
            assert_eq!(value_of(&client, "f-office_unit").await, "");

            // The new filing goes on with none of the first family's answers
            // or papers.
            client
                .find(Locator::Id("f-office_unit"))
                .await
                .unwrap()
                .select_by_value("01")
                .await
                .unwrap();
            fill(&client, "f-office_unit-commune", "ba dinh").await;
            let option = eventually("a commune to choose", || async {
                client.find(Locator::Css(".mc-unit-option")).await.ok()
            })
            .await;
            option.click().await.unwrap();
            continue_(&client).await;
            title_is(&client, "Người yêu cầu").await;
            for id in ["f-requester_name", "f-requester_phone", "f-requester_email"] {
                assert_eq!(value_of(&client, id).await, "", "#{id} came back");
            }
            client
                .goto(&format!("{url}procedure/1.001193/attachments"))
                .await
                .unwrap();
            eventually("the attach areas", || async {
                (count(&client, ".mc-attach").await >= 2).then_some(())
            })
            .await;
            assert_eq!(count(&client, "#att-birth_certificate-file").await, 0);
            assert_eq!(count(&client, "#att-birth_certificate .mc-page").await, 0);
        },
    )
    .await;
}

#[tokio::test]
async fn back_after_sending_cannot_file_the_same_dossier_again() {
    with_app(
        "back_after_sending_cannot_file_the_same_dossier_again",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            seal_birth_registration(&client, &url).await;
            let first = dossier_code(&client).await;

            // The phone's Back button: no sign step with the same data.
            client.back().await.unwrap();
            let notice = eventually("the already-sealed notice", || async {
                text(&client, "#mc-sealed").await
            })
            .await;
            assert!(notice.contains("đã được ký và gửi"), "{notice}");
            assert_eq!(count(&client, "#mc-sign-pass").await, 0, "a sign form");
            assert_eq!(count(&client, "#mc-digest").await, 0, "a dossier to sign");
            // Nor one step further back.
            client.back().await.unwrap();
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(count(&client, "#mc-sign-pass").await, 0, "a sign form");

            // The sign step itself, by its address, says the same.
            client
                .goto(&format!("{url}procedure/1.001193/sign"))
                .await
                .unwrap();
            eventually("the already-sealed notice", || async {
                text(&client, "#mc-sealed").await
            })
            .await;
            assert_eq!(count(&client, "#mc-sign-pass").await, 0, "a sign form");

            // A new filing from the same data is an explicit copy...
            click(&client, "#mc-copy-filing").await;
            title_is(&client, "Nơi đăng ký").await;
            assert_eq!(value_of(&client, "f-office_unit").await, "01");
            // ...and sealing it again for the same office is warned about.
            client
                .goto(&format!("{url}procedure/1.001193/attachments"))
                .await
                .unwrap();
            eventually("the attach areas", || async {
                (count(&client, ".mc-attach").await >= 2).then_some(())
            })
            .await;
            add_page(
                &client,
                "birth_certificate",
                "camera-photos/iphone6_3264x2448_8mp.jpg",
            )
            .await;
            eventually("a one-page PDF", || async {
                let line = text(&client, "#att-birth_certificate-file").await?;
                line.contains("1 trang").then_some(())
            })
            .await;
            click(&client, "button.mc-button-primary").await;
            eventually("the dossier hash", || async {
                let d = crate::steps::digest(&client).await?;
                (d.len() == 64).then_some(())
            })
            .await;
            fill(&client, "mc-sign-pass", "mat khau rat dai").await;
            eventually("the key, chosen", || async {
                let checked = script(
                    &client,
                    "return document.querySelector('input[name=mc-key]:checked') !== null",
                )
                .await;
                (checked == json!(true)).then_some(())
            })
            .await;
            click(&client, "form.mc-form button[type=submit]").await;
            let warning = eventually("the same-dossier warning", || async {
                text(&client, "#mc-duplicate").await
            })
            .await;
            assert!(warning.contains("đã gửi"), "{warning}");
            assert_eq!(text(&client, "h1").await.as_deref(), Some("Ký hồ sơ"));

            client.goto(&format!("{url}outbox")).await.unwrap();
            eventually("the outbox", || async {
                (count(&client, ".mc-outbox .mc-card").await > 0).then_some(())
            })
            .await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(
                count(&client, ".mc-outbox .mc-card").await,
                1,
                "a second dossier"
            );
            assert_eq!(dossier_code(&client).await, first);
        },
    )
    .await;
}

/// The worked example without the requester's name, phone and e-mail.
fn requester_left_empty() -> Value {
    let mut values = example("1.001193");
    let map = values.as_object_mut().unwrap();
    for field in ["requester_name", "requester_phone", "requester_email"] {
        map.remove(field);
    }
    values
}

#[tokio::test]
async fn the_first_tap_on_continue_is_not_lost_to_a_blur_error() {
    with_app(
        "the_first_tap_on_continue_is_not_lost_to_a_blur_error",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            open_with_draft(&client, &url, "1.001193", &requester_left_empty(), "form/requester").await;
            title_is(&client, "Người yêu cầu").await;
            // A wrong e-mail address, then straight to "continue": leaving
            // the field is what shows its error, above the button.
            fill(&client, "f-requester_email", "an.nguyen@").await;
            let before = script(
                &client,
                "return document.querySelector('form.mc-form button[type=submit]').getBoundingClientRect().top",
            )
            .await;
            continue_(&client).await;
            let problems = crate::harness::eventually_within(3, "the error summary", || async {
                let n = count(&client, ".mc-error-summary a").await;
                (n > 0).then_some(n)
            })
            .await;
            assert!(problems >= 3, "{problems} problems listed");
            assert_eq!(text(&client, "h1").await.as_deref(), Some("Người yêu cầu"));
            let inline = text(&client, "#f-requester_email-error").await;
            assert!(inline.is_some(), "the e-mail's own error is gone");
            let focused = script(&client, "return document.activeElement.id").await;
            assert_eq!(focused, json!("mc-error-summary"));
            eprintln!("continue button top before the tap: {before}");
        },
    )
    .await;
}

#[tokio::test]
async fn each_step_opens_at_its_top_with_focus_on_its_heading() {
    with_app(
        "each_step_opens_at_its_top_with_focus_on_its_heading",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            open_with_draft(
                &client,
                &url,
                "1.001193",
                &example("1.001193"),
                "form/requester",
            )
            .await;
            title_is(&client, "Người yêu cầu").await;
            for next in ["Người được khai sinh", "Người mẹ"] {
                continue_(&client).await;
                title_is(&client, next).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
                let scroll = script(&client, "return window.scrollY").await;
                assert_eq!(scroll.as_f64(), Some(0.0), "{next} opens part-way down");
                let focused = script(
                    &client,
                    "const a = document.activeElement; return a.tagName + ':' + a.textContent",
                )
                .await;
                assert_eq!(focused, json!(format!("H1:{next}")), "focus on {next}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn change_on_the_review_returns_to_the_review() {
    with_app(
        "change_on_the_review_returns_to_the_review",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            open_with_draft(&client, &url, "1.001193", &example("1.001193"), "review").await;
            title_is(&client, "Kiểm tra lại thông tin").await;
            eventually("the phone's row", || async {
                let page = text(&client, "main").await?;
                page.contains("0912345678").then_some(())
            })
            .await;
            let clicked = script(
                &client,
                "const row = [...document.querySelectorAll('.mc-summary-row')]\
                   .find(r => r.querySelector('dt').textContent.startsWith('Số điện thoại'));\
                 if (!row) return false;\
                 row.querySelector('.mc-summary-action a').click(); return true;",
            )
            .await;
            assert_eq!(clicked, json!(true));
            title_is(&client, "Người yêu cầu").await;
            eventually("the phone field, focused", || async {
                let id = script(&client, "return document.activeElement.id").await;
                (id == json!("f-requester_phone")).then_some(())
            })
            .await;
            // Typed over as a person would: WebDriver's clear blurs the
            // field, and the form puts the stored answer back.
            let keys = format!("\u{E010}{}0987654321", "\u{E003}".repeat(20));
            client
                .find(Locator::Id("f-requester_phone"))
                .await
                .unwrap()
                .send_keys(&keys)
                .await
                .unwrap();
            continue_(&client).await;
            title_is(&client, "Kiểm tra lại thông tin").await;
            let page = text(&client, "main").await.unwrap();
            assert!(
                page.contains("0987654321"),
                "the change is not on the review"
            );
            // Walking the steps afterwards goes step by step again.
            client
                .goto(&format!("{url}procedure/1.001193/form/child"))
                .await
                .unwrap();
            title_is(&client, "Người được khai sinh").await;
            continue_(&client).await;
            title_is(&client, "Người mẹ").await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_procedure_never_opened_works_offline_and_says_so() {
    let intake = Intake::start();
    let url = intake.url.clone();
    let browser = Browser::start(WIDTH, HEIGHT).await;
    let client = browser.client.clone();
    let test = async move {
        client.goto(&url).await.unwrap();
        eventually("the procedure list", || async {
            (count(&client, ".mc-card").await >= 4).then_some(())
        })
        .await;
        eventually("a controlling service worker", || async {
            let controlled = script(
                &client,
                "return navigator.serviceWorker.controller !== null",
            )
            .await;
            (controlled == json!(true)).then_some(())
        })
        .await;
        assert_eq!(
            count(&client, "#mc-offline").await,
            0,
            "offline while online"
        );
        // The network goes, and the server with it.
        drop(intake);
        set_offline(&client, true).await;
        let indicator = eventually("the offline indicator", || async {
            text(&client, "#mc-offline").await
        })
        .await;
        assert!(indicator.starts_with("Bạn đang ngoại tuyến"), "{indicator}");
        let live = script(
            &client,
            "return document.querySelector('[role=status] > #mc-offline') !== null",
        )
        .await;
        assert_eq!(live, json!(true), "the indicator is not in a live region");

        // A procedure this device never opened: its page and its form.
        let opened = script(
            &client,
            "const link = [...document.querySelectorAll('.mc-card-link')]\
               .find(a => a.textContent.includes('thường trú'));\
             if (!link) return false; link.click(); return true;",
        )
        .await;
        assert_eq!(opened, json!(true));
        title_is(&client, "Đăng ký thường trú").await;
        click(&client, ".mc-button-start").await;
        eventually("the first step's form", || async {
            (count(&client, "form.mc-form .mc-field").await > 0).then_some(())
        })
        .await;
        assert!(text(&client, "#mc-offline").await.is_some());

        // Back online: the indicator goes.
        set_offline(&client, false).await;
        eventually("no offline indicator", || async {
            (count(&client, "#mc-offline").await == 0).then_some(())
        })
        .await;
    };
    crate::harness::recorded(
        "a_procedure_never_opened_works_offline_and_says_so",
        browser,
        test,
    )
    .await;
}

/// One family's answers for the whole journey.
struct Family {
    father: &'static str,
    father_id: &'static str,
    phone: &'static str,
    email: &'static str,
    child: &'static str,
    mother: &'static str,
    /// A mother's number with the male century digit, then the right one.
    mother_id_wrong: &'static str,
    mother_id: &'static str,
    street: &'static str,
}

const FIRST: Family = Family {
    father: "Nguyễn Văn An",
    father_id: "001093012345",
    phone: "0912345678",
    email: "an.nguyen@example.vn",
    child: "Nguyễn Minh Khang",
    mother: "Trần Thị Bình",
    mother_id_wrong: "001095012345",
    mother_id: "001195012345",
    street: "Số 12 phố Đội Cấn",
};

const SECOND: Family = Family {
    father: "Lê Văn Cường",
    father_id: "001093054321",
    phone: "0987654321",
    email: "cuong.le@example.vn",
    child: "Lê Thu Hà",
    mother: "Phạm Thị Dung",
    mother_id_wrong: "001095054321",
    mother_id: "001195054321",
    street: "Số 3 ngõ Núi Trúc",
};

/// Searches, opens the birth registration and types every step as a
/// citizen would, with a mistake fixed on the way; ends on the review.
async fn type_a_birth(client: &Client, url: &str, family: &Family) {
    client.goto(url).await.unwrap();
    let search = eventually("the search box", || async {
        client.find(Locator::Css("#mc-search")).await.ok()
    })
    .await;
    search.send_keys("dang ki khai sinh").await.unwrap();
    eventually("one result", || async {
        (count(client, ".mc-card").await == 1).then_some(())
    })
    .await;
    click(client, ".mc-card-link").await;
    let start = eventually("the start button", || async {
        client.find(Locator::Css(".mc-button-start")).await.ok()
    })
    .await;
    start.click().await.unwrap();
    title_is(client, "Nơi đăng ký").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        count(client, ".mc-draft").await,
        0,
        "an earlier family's draft"
    );
    assert_eq!(value_of(client, "f-office_unit").await, "");
    unit(client, "f-office_unit", "01", "ba dinh").await;
    continue_(client).await;

    title_is(client, "Người yêu cầu").await;
    assert_eq!(script(client, "return window.scrollY").await, json!(0));
    for id in ["f-requester_name", "f-requester_phone", "f-requester_email"] {
        assert_eq!(value_of(client, id).await, "", "#{id} came back");
    }
    fill(client, "f-requester_name", family.father).await;
    click_id(client, "f-requester_document_type").await; // id_card
    fill(client, "f-requester_personal_id", family.father_id).await;
    date(client, "f-requester_document_issued_on", "15", "03", "2021").await;
    unit(client, "f-requester_residence", "01", "ba dinh").await;
    fill(client, "f-requester_residence-street", family.street).await;
    click_id(client, "f-requester_relationship-1").await; // father
    fill(client, "f-requester_phone", family.phone).await;
    // An e-mail address with a typo, and "continue" tapped straight away:
    // the tap is not lost to the field's inline error.
    fill(client, "f-requester_email", "an.nguyen@").await;
    continue_(client).await;
    eventually("the e-mail in the error summary", || async {
        let s = text(client, ".mc-error-summary").await?;
        s.contains("thư điện tử").then_some(())
    })
    .await;
    fill(client, "f-requester_email", family.email).await;
    continue_(client).await;

    title_is(client, "Người được khai sinh").await;
    fill(client, "f-child_name", family.child).await;
    date(client, "f-child_birth_date", "20", "11", "2025").await;
    click_id(client, "f-child_sex").await;
    fill(client, "f-child_ethnicity", "Kinh").await;
    fill(client, "f-child_nationality", "Việt Nam").await;
    fill(client, "f-child_birth_place", "Bệnh viện Phụ sản Hà Nội").await;
    fill(
        client,
        "f-child_home_town",
        "Xã Bát Tràng, thành phố Hà Nội",
    )
    .await;
    continue_(client).await;

    title_is(client, "Người mẹ").await;
    fill(client, "f-mother_name", family.mother).await;
    fill(client, "f-mother_birth_year", "1995").await;
    fill(client, "f-mother_personal_id", family.mother_id_wrong).await;
    fill(client, "f-mother_ethnicity", "Kinh").await;
    fill(client, "f-mother_nationality", "Việt Nam").await;
    click_id(client, "f-mother_lives_abroad-1").await; // lives in Việt Nam
    click_id(client, "mc-copy-mother_residence_from_requester").await;
    eventually("the mother's street, same as the requester's", || async {
        (value_of(client, "f-mother_residence-street").await == family.street).then_some(())
    })
    .await;
    continue_(client).await;
    eventually("the mother's number refused", || async {
        let s = text(client, ".mc-error-summary").await?;
        (!s.is_empty()).then_some(())
    })
    .await;
    assert_eq!(text(client, "h1").await.as_deref(), Some("Người mẹ"));
    fill(client, "f-mother_personal_id", family.mother_id).await;
    continue_(client).await;

    title_is(client, "Người cha").await;
    click_id(client, "f-father_declared").await; // yes
    click_id(client, "mc-copy-father_from_requester").await;
    eventually("the father, same as the requester", || async {
        (value_of(client, "f-father_name").await == family.father).then_some(())
    })
    .await;
    fill(client, "f-father_birth_year", "1993").await;
    fill(client, "f-father_ethnicity", "Kinh").await;
    fill(client, "f-father_nationality", "Việt Nam").await;
    continue_(client).await;

    title_is(client, "Bản sao trích lục").await;
    click_id(client, "f-copies_wanted").await;
    fill(client, "f-copies_count", "2").await;
    continue_(client).await;
    title_is(client, "Kiểm tra lại thông tin").await;
    let page = text(client, "main").await.unwrap();
    for expected in [family.child, family.mother, family.father, family.email] {
        assert!(page.contains(expected), "the review lacks {expected:?}");
    }
}

/// From the review: a photo of the birth certificate, the key (made on the
/// first filing), sealed; ends with the office's dossier code.
async fn attach_and_seal(client: &Client, make_key: bool) -> String {
    click(client, ".mc-button-primary.mc-button-link").await;
    eventually("the attach areas", || async {
        (count(client, ".mc-attach").await >= 2).then_some(())
    })
    .await;
    assert_eq!(count(client, "#att-birth_certificate .mc-page").await, 0);
    add_page(
        client,
        "birth_certificate",
        "camera-photos/iphone6_3264x2448_8mp.jpg",
    )
    .await;
    eventually("a one-page PDF", || async {
        let line = text(client, "#att-birth_certificate-file").await?;
        line.contains("1 trang").then_some(())
    })
    .await;
    click(client, "button.mc-button-primary").await;
    eventually("the sign step", || async {
        (crate::steps::digest(client).await?.len() == 64).then_some(())
    })
    .await;
    // Plain words first: no hash or algorithm in sight until asked for.
    let page = text(client, "main").await.unwrap();
    for word in ["SHA-256", "ES256"] {
        assert!(
            !page.contains(word),
            "{word} in plain sight on the sign step"
        );
    }
    if make_key {
        // No passphrase is asked for before there is a key.
        assert_eq!(count(client, "#mc-sign-pass").await, 0);
        click(client, ".mc-keys .mc-button-group button").await;
        fill(client, "mc-new-key-label", "Điện thoại").await;
        fill(client, "mc-new-key-pass", "mat khau rat dai").await;
        fill(client, "mc-new-key-again", "mat khau rat dai").await;
        click(client, ".mc-subform button[type=submit]").await;
    }
    eventually("the key, chosen", || async {
        let checked = script(
            client,
            "return document.querySelector('input[name=mc-key]:checked') !== null",
        )
        .await;
        (checked == json!(true)).then_some(())
    })
    .await;
    if make_key {
        // The passphrase just set twice is not asked for a third time.
        eventually("the passphrase, filled in", || async {
            (value_of(client, "mc-sign-pass").await == "mat khau rat dai").then_some(())
        })
        .await;
    } else {
        fill(client, "mc-sign-pass", "mat khau rat dai").await;
    }
    crate::steps::sign(client).await;
    dossier_code(client).await
}

/// Issue #11: the whole birth registration as a citizen does it on a phone
/// — search, seven steps typed with mistakes fixed, "same as" answers, a
/// photo, a key, sealed and sent — then Back after sending, the receipt,
/// and a second family's birth filed right after the first.
#[tokio::test]
async fn two_births_filed_one_after_the_other_on_a_phone() {
    with_app(
        "two_births_filed_one_after_the_other_on_a_phone",
        WIDTH,
        HEIGHT,
        |client, url| async move {
            type_a_birth(&client, &url, &FIRST).await;
            let first = attach_and_seal(&client, true).await;

            // Back after sending: no sign step with the same data.
            client.back().await.unwrap();
            eventually("the already-sealed notice", || async {
                text(&client, "#mc-sealed").await
            })
            .await;
            assert_eq!(count(&client, "#mc-sign-pass").await, 0, "a sign form");
            client.forward().await.unwrap();

            // The receipt, in Vietnam time, with its PDF.
            client.goto(&format!("{url}outbox")).await.unwrap();
            dossier_code(&client).await;
            click(&client, ".mc-outbox .mc-delivery-detail a").await;
            let code = eventually("the receipt", || async {
                text(&client, "#mc-receipt-code").await
            })
            .await;
            assert_eq!(code, first);
            assert!(
                count(&client, "#mc-receipt-pdf").await == 1,
                "no PDF receipt"
            );
            let receipt = text(&client, "main").await.unwrap();
            assert!(!receipt.contains("(UTC)"), "{receipt}");
            assert!(!receipt.contains("SHA-256"), "a hash in plain sight: {receipt}");

            // The next family, right after: nothing of the first one.
            type_a_birth(&client, &url, &SECOND).await;
            let page = text(&client, "main").await.unwrap();
            for theirs in [FIRST.child, FIRST.mother, FIRST.email] {
                assert!(!page.contains(theirs), "the first family's {theirs:?}");
            }
            attach_and_seal(&client, false).await;
            client.goto(&format!("{url}outbox")).await.unwrap();
            let codes = crate::harness::eventually_within(
                30,
                "two dossiers sent, each told by its child",
                || async {
                    let outbox = text(&client, ".mc-outbox").await?;
                    let codes = script(
                        &client,
                        "return [...document.querySelectorAll('.mc-outbox .mc-dossier-code')].map(e => e.textContent)",
                    )
                    .await;
                    let codes: Vec<String> = serde_json::from_value(codes).ok()?;
                    (codes.len() == 2
                        && outbox.contains(FIRST.child)
                        && outbox.contains(SECOND.child))
                    .then_some(codes)
                },
            )
            .await;
            assert!(codes.contains(&first), "{codes:?}");
            let outbox = text(&client, ".mc-outbox").await.unwrap();
            assert!(!outbox.contains("SHA-256"), "a hash in plain sight: {outbox}");
            assert_ne!(codes[0], codes[1], "one code for two births");
        },
    )
    .await;
}
