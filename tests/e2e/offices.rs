//! Choosing an office on a fresh server (issue #11): `motcua serve` with no
//! directory of its own publishes one of every commune's and province's
//! office, all of them itself, signed with a key its app pins. On a phone
//! the citizen is offered the office near the form's address, finds another
//! by name, and reads offices by name and place, whom each dossier is for,
//! and the receipt's time in Vietnam time.

use fantoccini::Client;
use serde_json::Value;

use crate::harness::{Browser, Intake, count, eventually, eventually_within, recorded, text};
use crate::steps::{click, example, fill, ready_to_sign_with, sign};

/// The outbox's cards: office, subject, dossier code.
async fn cards(client: &Client) -> Vec<Value> {
    let script = r#"
        const read = (card, css) => { const e = card.querySelector(css); return e ? e.textContent.trim() : null; };
        return [...document.querySelectorAll(".mc-outbox > li")].map(card => ({
            office: read(card, ".mc-office-name"),
            subject: read(card, ".mc-dossier-subject"),
            code: read(card, ".mc-dossier-code"),
        }));
    "#;
    match client.execute(script, vec![]).await.unwrap() {
        Value::Array(cards) => cards,
        other => panic!("outbox: {other}"),
    }
}

/// `2026-12-01T22:45:35Z` as "05:45 02/12/2026": seven hours on, no DST.
fn vietnam_time(utc: &str) -> String {
    let unix = utc.parse::<motcua_protocol::Timestamp>().unwrap().unix();
    let day = motcua_protocol::Date::in_vietnam_at(unix).unwrap();
    let minutes = (unix + 7 * 3600).rem_euclid(86_400) / 60;
    format!("{:02}:{:02} {day}", minutes / 60, minutes % 60)
}

#[test]
fn vietnam_time_is_seven_hours_on() {
    assert_eq!(vietnam_time("2026-12-01T22:45:35Z"), "05:45 02/12/2026");
    assert_eq!(vietnam_time("2026-12-31T17:00:00Z"), "00:00 01/01/2027");
}

#[tokio::test]
async fn on_a_fresh_server_an_office_is_chosen_and_read_by_name_at_phone_size() {
    let intake = Intake::start();
    let url = intake.url.clone();
    let browser = Browser::start(360, 780).await;
    let client = browser.client.clone();
    let test = async move {
        // The first birth: the office near the form's address is offered
        // and chosen, read by name and place.
        ready_to_sign_with(&client, &url, &example("1.001193")).await;
        eventually("the office near the address", || async {
            (count(&client, "#office-near-00004").await == 1).then_some(())
        })
        .await;
        eventually("Ba Đình's office, by name", || async {
            let office = text(&client, "#mc-sign-office").await?;
            (office == "Bộ phận một cửa Phường Ba Đình, Thành phố Hà Nội (00004)").then_some(())
        })
        .await;
        sign(&client).await;

        // The second, another child, filed at another office found by name.
        let mut second = example("1.001193");
        second["child_name"] = "Nguyễn Thị Mai".into();
        ready_to_sign_with(&client, &url, &second).await;
        eventually("the office search", || async {
            (count(&client, "#mc-office-search").await == 1).then_some(())
        })
        .await;
        fill(&client, "mc-office-search", "ngoc ha").await;
        eventually("Ngọc Hà's office in the results", || async {
            (count(&client, "#office-found-00008").await == 1).then_some(())
        })
        .await;
        click(&client, "label[for=office-found-00008]").await;
        eventually("Ngọc Hà's office, chosen", || async {
            let office = text(&client, "#mc-sign-office").await?;
            (office == "Bộ phận một cửa Phường Ngọc Hà, Thành phố Hà Nội (00008)").then_some(())
        })
        .await;
        sign(&client).await;

        // The outbox tells them apart: whom each is for, at which office.
        let sent = eventually_within(30, "both dossiers received", || async {
            let cards = cards(&client).await;
            (cards.len() == 2 && cards.iter().all(|c| c["code"].is_string())).then_some(cards)
        })
        .await;
        let card = |child: &str| {
            sent.iter()
                .find(|c| c["subject"] == child)
                .unwrap_or_else(|| panic!("no dossier for {child}: {sent:?}"))
                .clone()
        };
        let khang = card("Nguyễn Minh Khang");
        assert_eq!(
            khang["office"],
            "Bộ phận một cửa Phường Ba Đình, Thành phố Hà Nội"
        );
        assert!(
            khang["code"].as_str().unwrap().starts_with("00004-"),
            "{khang}"
        );
        let mai = card("Nguyễn Thị Mai");
        assert_eq!(
            mai["office"],
            "Bộ phận một cửa Phường Ngọc Hà, Thành phố Hà Nội"
        );
        assert!(mai["code"].as_str().unwrap().starts_with("00008-"), "{mai}");

        // The receipt: the office by name, the time in Vietnam time.
        let code = mai["code"].as_str().unwrap().to_owned();
        let link =
            format!("//li[.//strong[contains(@class, 'mc-dossier-code') and text()='{code}']]//a");
        client
            .find(fantoccini::Locator::XPath(&link))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let shown = eventually("the receipt's time", || async {
            text(&client, "#mc-receipt-time").await
        })
        .await;
        let utc = client
            .find(fantoccini::Locator::Id("mc-receipt-time"))
            .await
            .unwrap()
            .attr("title")
            .await
            .unwrap()
            .expect("the office's UTC time, one hover away");
        assert_eq!(shown, format!("{} (giờ Việt Nam)", vietnam_time(&utc)));
        assert!(!shown.contains('Z') && !shown.contains("UTC"), "{shown}");
        let office = text(&client, "#mc-receipt-office").await.unwrap();
        assert_eq!(
            office,
            "Bộ phận một cửa Phường Ngọc Hà, Thành phố Hà Nội (00008)"
        );
        drop(intake);
    };
    recorded("offices", browser, test).await;
}
