//! The form screens (issue #3): a birth registration filled with mistakes,
//! the error summary, fixes, a reload that restores the draft, and the
//! "check your answers" page.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::harness::{count, eventually, open_with_draft, text, with_app};
use crate::steps::{click_id as click, date, example, fill, title_is, unit, value_of};

async fn continue_(client: &Client) {
    client
        .find(Locator::Css("form.mc-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn summary(client: &Client) -> Vec<String> {
    let links = eventually("the error summary", || async {
        let links = client
            .find_all(Locator::Css(".mc-error-summary a"))
            .await
            .ok()?;
        (!links.is_empty()).then_some(links)
    })
    .await;
    let mut texts = Vec::new();
    for link in links {
        texts.push(link.text().await.unwrap());
    }
    texts
}

#[tokio::test]
async fn birth_registration_with_mistakes_draft_and_review() {
    with_app(
        "birth_registration_with_mistakes_draft_and_review",
        412,
        900,
        |client, url| async move {
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

            // Continue with nothing chosen: the summary says what is missing.
            continue_(&client).await;
            let problems = summary(&client).await;
            assert_eq!(problems.len(), 1, "{problems:?}");
            let focused = client
                .execute("return document.activeElement.id", vec![])
                .await
                .unwrap();
            assert_eq!(focused, "mc-error-summary", "focus moves to the summary");
            unit(&client, "f-office_unit", "01", "ba dinh").await;
            continue_(&client).await;
            title_is(&client, "Người yêu cầu").await;

            // The requester, with a wrong ID number and phone number.
            fill(&client, "f-requester_name", "Nguyễn Văn An").await;
            click(&client, "f-requester_document_type").await; // id_card
            fill(&client, "f-requester_personal_id", "12345").await;
            date(
                &client,
                "f-requester_document_issued_on",
                "15",
                "03",
                "2021",
            )
            .await;
            unit(&client, "f-requester_residence", "01", "ba dinh").await;
            fill(&client, "f-requester_residence-street", "Số 12 phố Đội Cấn").await;
            click(&client, "f-requester_relationship-1").await; // father
            fill(&client, "f-requester_phone", "0212345").await;
            // Leaving the phone field shows its error inline, before "continue".
            click(&client, "f-requester_email").await;
            let inline = eventually("the phone's inline error", || async {
                text(&client, "#f-requester_phone-error").await
            })
            .await;
            assert!(inline.contains("Lỗi:"), "{inline}");
            let invalid = client
                .find(Locator::Id("f-requester_phone"))
                .await
                .unwrap()
                .attr("aria-invalid")
                .await
                .unwrap();
            assert_eq!(invalid.as_deref(), Some("true"));
            continue_(&client).await;
            let problems = summary(&client).await;
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert!(
                problems.iter().any(|p| p.contains("định danh")),
                "{problems:?}"
            );
            assert!(
                problems.iter().any(|p| p.contains("điện thoại")),
                "{problems:?}"
            );
            // A summary link takes the keyboard to the field.
            client
                .find(Locator::Css(".mc-error-summary a"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let focused = client
                .execute("return document.activeElement.id", vec![])
                .await
                .unwrap();
            assert_eq!(focused, "f-requester_personal_id");
            fill(&client, "f-requester_personal_id", "001093012345").await;
            fill(&client, "f-requester_phone", "+84 912 345 678").await;
            continue_(&client).await;
            title_is(&client, "Người được khai sinh").await;

            // The child; the date of birth in words is computed as it is typed.
            fill(&client, "f-child_name", "Nguyễn Minh Khang").await;
            date(&client, "f-child_birth_date", "20", "11", "2025").await;
            let words = eventually("the date in words", || async {
                let words = text(&client, ".mc-computed").await?;
                (!words.is_empty()).then_some(words)
            })
            .await;
            assert!(
                words.contains("hai mươi tháng mười một năm hai nghìn không trăm hai mươi lăm"),
                "{words}"
            );
            click(&client, "f-child_sex").await;
            fill(&client, "f-child_ethnicity", "Kinh").await;
            fill(&client, "f-child_nationality", "Việt Nam").await;
            fill(&client, "f-child_birth_place", "Bệnh viện Phụ sản Hà Nội").await;
            fill(
                &client,
                "f-child_home_town",
                "Xã Bát Tràng, thành phố Hà Nội",
            )
            .await;

            // Reload before going on: the draft comes back, and can be kept.
            client.refresh().await.unwrap();
            title_is(&client, "Người được khai sinh").await;
            let notice = eventually("the restored-draft notice", || async {
                text(&client, ".mc-draft p").await
            })
            .await;
            assert!(notice.starts_with("Đã khôi phục bản nháp"), "{notice}");
            let restored = client
                .find(Locator::Id("f-child_name"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap();
            assert_eq!(restored.as_deref(), Some("Nguyễn Minh Khang"));
            client
                .find(Locator::Css(".mc-draft .mc-button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            assert_eq!(count(&client, ".mc-draft").await, 0);
            continue_(&client).await;
            title_is(&client, "Người mẹ").await;

            fill(&client, "f-mother_name", "Trần Thị Bình").await;
            fill(&client, "f-mother_birth_year", "1995").await;
            fill(&client, "f-mother_ethnicity", "Kinh").await;
            fill(&client, "f-mother_nationality", "Việt Nam").await;
            click(&client, "f-mother_lives_abroad-1").await; // no: the residence appears
            unit(&client, "f-mother_residence", "01", "ba dinh").await;
            fill(&client, "f-mother_residence-street", "Số 12 phố Đội Cấn").await;
            continue_(&client).await;
            title_is(&client, "Người cha").await;

            click(&client, "f-father_declared-1").await; // no father declared: the group hides
            assert_eq!(count(&client, "#f-father_name").await, 0);
            continue_(&client).await;
            title_is(&client, "Bản sao trích lục").await;
            click(&client, "f-copies_wanted").await;
            fill(&client, "f-copies_count", "2").await;
            continue_(&client).await;

            // Check your answers: the values as entered, normalized and named.
            title_is(&client, "Kiểm tra lại thông tin").await;
            assert_eq!(count(&client, ".mc-error-summary").await, 0);
            let page = text(&client, "main").await.unwrap();
            for expected in [
                "Nguyễn Văn An",
                "001093012345",
                "0912345678",
                "15/03/2021",
                "20/11/2025",
                "Phường Ba Đình, Thành phố Hà Nội",
                "Số 12 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội",
                "Nam",
            ] {
                assert!(page.contains(expected), "review lacks {expected:?}");
            }
            // "Change" goes back to the field, focused.
            client
                .find(Locator::Css(".mc-summary-action a"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            title_is(&client, "Nơi đăng ký").await;
            let focused = client
                .execute("return document.activeElement.id", vec![])
                .await
                .unwrap();
            assert_eq!(focused, "f-office_unit");
        },
    )
    .await;
}

/// The birth registration's example without the keys `drop` keeps: a draft
/// seeded with it, then the app opened at `section`.
async fn open_birth_section(client: &Client, url: &str, values: &Value, section: &str) {
    open_with_draft(client, url, "1.001193", values, &format!("form/{section}")).await;
}

fn birth_example_without(prefix: &str) -> Value {
    let mut values = example("1.001193");
    values
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !k.starts_with(prefix));
    values
}

/// Replaces an input's text even while the app re-renders (a plain clear
/// can be undone by a render before the keys arrive).
async fn retype(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "const e = document.getElementById(arguments[0]); e.value = '';\
             e.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(id)],
        )
        .await
        .unwrap();
    client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(value)
        .await
        .unwrap();
}

async fn click_css(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Fault 5 of issue #11: a mother's number with the male century digit
/// (2 for the 2000s) was accepted.
#[tokio::test]
async fn a_mothers_id_with_the_male_digit_is_refused() {
    with_app(
        "a_mothers_id_with_the_male_digit_is_refused",
        360,
        780,
        |client, url| async move {
            let mut values = example("1.001193");
            values["mother_birth_year"] = json!(2001);
            values["mother_personal_id"] = json!("001201012345");
            open_birth_section(&client, &url, &values, "mother").await;
            title_is(&client, "Người mẹ").await;
            continue_(&client).await;
            let problems = summary(&client).await;
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].contains("chữ số giới tính"), "{problems:?}");
            assert!(problems[0].contains("người mẹ là nữ"), "{problems:?}");
            assert!(problems[0].contains("là 3, không phải 2"), "{problems:?}");
            let inline = text(&client, "#f-mother_personal_id-error").await.unwrap();
            assert!(inline.contains("người mẹ là nữ"), "{inline}");
            // The female digit goes through (once the summary has gone, so
            // that no layout shift moves the button under the tap).
            retype(&client, "f-mother_personal_id", "001301012345").await;
            click_css(&client, "h1").await;
            eventually("the summary gone", || async {
                (count(&client, ".mc-error-summary").await == 0).then_some(())
            })
            .await;
            continue_(&client).await;
            title_is(&client, "Người cha").await;
        },
    )
    .await;
}

/// Item 12 of issue #11: the requester is the father; his name, number and
/// address are not typed twice.
#[tokio::test]
async fn same_as_the_requester_fills_the_father() {
    with_app(
        "same_as_the_requester_fills_the_father",
        360,
        780,
        |client, url| async move {
            let values = birth_example_without("father_");
            open_birth_section(&client, &url, &values, "father").await;
            title_is(&client, "Người cha").await;
            // No offer until the father's details are asked for.
            assert_eq!(count(&client, "#mc-copy-father_from_requester").await, 0);
            click(&client, "f-father_declared").await; // yes
            let button = eventually("the 'same as the requester' button", || async {
                client
                    .find(Locator::Id("mc-copy-father_from_requester"))
                    .await
                    .ok()
            })
            .await;
            assert_eq!(
                button.text().await.unwrap(),
                "Giống thông tin người yêu cầu"
            );
            button.click().await.unwrap();
            eventually("the father's name, copied", || async {
                (value_of(&client, "f-father_name").await == "Nguyễn Văn An").then_some(())
            })
            .await;
            assert_eq!(
                value_of(&client, "f-father_personal_id").await,
                "001093012345"
            );
            assert_eq!(
                value_of(&client, "f-father_residence-street").await,
                "Số 12 phố Đội Cấn"
            );
            let note = text(&client, ".mc-copy-offers [role=status]")
                .await
                .unwrap();
            assert!(note.starts_with("Đã điền"), "{note}");
            // What the requester could not say is still asked.
            continue_(&client).await;
            let problems = summary(&client).await;
            assert_eq!(problems.len(), 3, "{problems:?}");
            fill(&client, "f-father_birth_year", "1993").await;
            fill(&client, "f-father_ethnicity", "Kinh").await;
            fill(&client, "f-father_nationality", "Việt Nam").await;
            continue_(&client).await;
            title_is(&client, "Bản sao trích lục").await;
        },
    )
    .await;
}

/// Item 14 of issue #11: common spellings find the birth registration.
#[tokio::test]
async fn search_finds_common_spellings() {
    with_app(
        "search_finds_common_spellings",
        360,
        780,
        |client, url| async move {
            client.goto(&url).await.unwrap();
            let search = eventually("the search box", || async {
                client.find(Locator::Css("#mc-search")).await.ok()
            })
            .await;
            for query in [
                "dang ki khai sinh",
                "giay khai sinh",
                "khai sinh con",
                "khaisinh",
            ] {
                search.clear().await.unwrap();
                search.send_keys(query).await.unwrap();
                eventually(&format!("one result for {query:?}"), || async {
                    let one = count(&client, ".mc-card").await == 1;
                    let title = text(&client, ".mc-card-title").await?;
                    (one && title == "Đăng ký khai sinh").then_some(())
                })
                .await;
            }
            let overflow = client
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(overflow, Value::Bool(false), "no sideways scrolling");
        },
    )
    .await;
}

/// Item 15 of issue #11, the form's part: each hint once, a year in four
/// digits, the files a paper takes in plain words.
#[tokio::test]
async fn small_texts_say_things_once_and_plainly() {
    with_app(
        "small_texts_say_things_once_and_plainly",
        360,
        780,
        |client, url| async move {
            client
                .goto(&format!("{url}procedure/1.001193"))
                .await
                .unwrap();
            let page = eventually("the dossier components", || async {
                let page = text(&client, "main").await?;
                page.contains("Giấy chứng sinh").then_some(page)
            })
            .await;
            assert!(
                page.contains(
                    "Tệp nhận: PDF hoặc ảnh chụp (JPEG, PNG, WebP) · ≤ 10 trang · ≤ 10 MB"
                ),
                "{page}"
            );

            let values = json!({"requester_document_type": "id_card"});
            open_birth_section(&client, &url, &values, "requester").await;
            title_is(&client, "Người yêu cầu").await;
            let hint = text(&client, "#f-requester_document_issued_on-hint")
                .await
                .unwrap();
            assert_eq!(hint, "Ví dụ 15/03/2021");
            let email = text(&client, "label[for=f-requester_email]").await.unwrap();
            assert_eq!(email, "Thư điện tử (không bắt buộc)");
            assert_eq!(count(&client, "#f-requester_email-hint").await, 0);

            open_birth_section(&client, &url, &birth_example_without("mother_"), "mother").await;
            title_is(&client, "Người mẹ").await;
            fill(&client, "f-mother_birth_year", "95").await;
            // Leaving the box shows the error inline; wait for it so that
            // the shift it makes is over before "continue" is tapped.
            click_css(&client, "h1").await;
            let inline = eventually("the year's inline error", || async {
                text(&client, "#f-mother_birth_year-error").await
            })
            .await;
            assert!(
                inline.contains("nhập năm đủ bốn chữ số, ví dụ 1995"),
                "{inline}"
            );
            continue_(&client).await;
            let problems = summary(&client).await;
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("nhập năm đủ bốn chữ số")),
                "{problems:?}"
            );
            assert!(
                !problems.iter().any(|p| p.contains("nhỏ nhất là 1900")),
                "{problems:?}"
            );
        },
    )
    .await;
}

/// Issue #13 item 2: a business owner types the capital of a household
/// business as an amount of đồng, sees it grouped and read back in words,
/// is told plainly when it is not an amount, and finds it on the review.
#[tokio::test]
async fn business_capital_is_typed_grouped_and_read_back_in_words() {
    with_app(
        "business_capital_is_typed_grouped_and_read_back_in_words",
        360,
        780,
        |client, url| async move {
            let mut values = example("2.000720");
            values.as_object_mut().unwrap().remove("capital");
            open_with_draft(&client, &url, "2.000720", &values, "form/business").await;
            title_is(&client, "Hộ kinh doanh").await;
            let mode = client
                .find(Locator::Id("f-capital"))
                .await
                .unwrap()
                .attr("inputmode")
                .await
                .unwrap();
            assert_eq!(mode.as_deref(), Some("numeric"), "a number pad on phones");
            // Typed without dots: read back at once, grouped when the box is left.
            fill(&client, "f-capital", "1500000000").await;
            let words = eventually("the amount in words", || async {
                let t = text(&client, "#f-capital-words").await?;
                (!t.is_empty()).then_some(t)
            })
            .await;
            assert_eq!(words, "Bằng chữ: Một tỷ năm trăm triệu đồng");
            click_css(&client, "h1").await;
            eventually("the amount grouped", || async {
                (value_of(&client, "f-capital").await == "1.500.000.000").then_some(())
            })
            .await;
            // A comma is a fraction of a đồng: refused, with the reason.
            retype(&client, "f-capital", "1.500,5").await;
            click_css(&client, "h1").await;
            continue_(&client).await;
            let problems = summary(&client).await;
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].contains("Vốn kinh doanh"), "{problems:?}");
            assert!(problems[0].contains("không có phần lẻ"), "{problems:?}");
            assert_eq!(
                text(&client, "#f-capital-words").await.unwrap_or_default(),
                ""
            );
            retype(&client, "f-capital", "200.000.000 đ").await;
            click_css(&client, "h1").await;
            eventually("the summary gone", || async {
                (count(&client, ".mc-error-summary").await == 0).then_some(())
            })
            .await;
            continue_(&client).await;
            title_is(&client, "Chủ thể thành lập").await;
            continue_(&client).await;
            title_is(&client, "Kiểm tra lại thông tin").await;
            let page = text(&client, "main").await.unwrap();
            assert!(
                page.contains("200.000.000 đồng"),
                "review lacks the capital: {page}"
            );
        },
    )
    .await;
}
