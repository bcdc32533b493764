//! Bulk filing from a spreadsheet (issue 14, items 2–3): a business opens
//! the bulk screen of birth registration, gives it an XLSX workbook made
//! from the template with a few cells typed wrong, sees the totals and the
//! problems on their cells, fixes one cell in place, leaves rows out, and
//! the totals follow; and the screen fits a phone.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};
use motcua_bulk::{Cell, Template, cell_name};
use motcua_forms::{Date, Lang, Procedure};

use crate::harness::{count, eventually, eventually_within, text, with_app};
use crate::steps::{click, upload};

const CODE: &str = "1.001193";
const ROWS: usize = 12;

/// Template rows (from 0) typed wrong, and how.
const ID_AS_NUMBER: usize = 2;
const BAD_DATE: usize = 5;
const ALSO_BAD_DATE: usize = 8;

/// The row number people read for template row `i`: the header is row 1.
fn row_number(i: usize) -> usize {
    i + 2
}

fn today() -> Date {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Date::in_vietnam_at(secs).unwrap()
}

/// The workbook a business sends: the template with example rows, a CCCD
/// Excel took for a number (its leading zeros gone) and two impossible
/// dates. Returns its path and the CCCD as it should have been.
fn workbook(dir: &Path) -> (PathBuf, String, usize) {
    let bytes =
        std::fs::read(motcua_testkit::procedures::dir().join(format!("{CODE}.json"))).unwrap();
    let p = Procedure::from_json(&bytes).unwrap();
    let mut t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(ROWS, today())
        .unwrap();
    let at = |key: &str| t.columns().iter().position(|c| c.key == key).unwrap();
    let (id, birth) = (at("requester_personal_id"), at("child_birth_date"));
    let Cell::Text(right_id) = t.rows()[ID_AS_NUMBER][id].clone() else {
        panic!("a CCCD is text in the template");
    };
    assert!(right_id.starts_with('0'), "{right_id}");
    let as_number: f64 = right_id.parse().unwrap();
    assert!(t.set_cell(ID_AS_NUMBER, id, Cell::Number(as_number)));
    assert!(t.set_cell(BAD_DATE, birth, Cell::Text("32/13/2025".into())));
    assert!(t.set_cell(ALSO_BAD_DATE, birth, Cell::Text("30/02/2025".into())));
    let path = dir.join("khai-sinh.xlsx");
    std::fs::write(&path, t.to_xlsx().unwrap()).unwrap();
    (path.canonicalize().unwrap(), right_id, id)
}

/// The totals bar: (valid, with errors, left out).
async fn totals(client: &Client) -> Option<(usize, usize, usize)> {
    let n = |name: &'static str| async move {
        text(
            client,
            &format!("#mc-bulk-totals [data-total={name}] strong"),
        )
        .await?
        .trim()
        .parse::<usize>()
        .ok()
    };
    Some((
        n("valid").await?,
        n("with_errors").await?,
        n("left_out").await?,
    ))
}

async fn wait_totals(client: &Client, want: (usize, usize, usize)) {
    eventually_within(30, &format!("totals {want:?}"), || async {
        (totals(client).await == Some(want)).then_some(())
    })
    .await;
}

/// Opens the bulk screen from the procedure's page and gives it the
/// workbook; returns once every row is checked.
async fn open_and_upload(client: &Client, url: &str, file: &Path) {
    client
        .goto(&format!("{url}procedure/{CODE}"))
        .await
        .unwrap();
    let link = eventually("the bulk filing link", || async {
        client
            .find(Locator::Css(&format!("a[href='/bulk/{CODE}']")))
            .await
            .ok()
    })
    .await;
    link.click().await.unwrap();
    eventually_within(30, "the file input, once the worker is ready", || async {
        client
            .find(Locator::Css("#mc-bulk-file:not([disabled])"))
            .await
            .ok()
    })
    .await;
    upload(client, "mc-bulk-file", file).await;
    wait_totals(client, (ROWS - 3, 3, 0)).await;
}

#[tokio::test]
async fn a_business_checks_a_spreadsheet_fixes_a_cell_and_leaves_rows_out() {
    with_app(
        "bulk_fix_and_leave_out",
        1280,
        900,
        |client, url| async move {
            let dir = tempfile::tempdir().unwrap();
            let (file, right_id, id_column) = workbook(dir.path());
            open_and_upload(&client, &url, &file).await;

            // Every column of the template was matched, nothing required is missing.
            let read = text(&client, "#mc-bulk-read").await.unwrap();
            assert!(
                read.contains(&ROWS.to_string()) && read.contains("khai-sinh.xlsx"),
                "{read}"
            );
            assert_eq!(count(&client, "#mc-bulk-missing").await, 0);
            assert!(count(&client, ".mc-bulk-match select").await > 10);

            // The rows with errors are listed, each problem on its cell.
            assert_eq!(count(&client, "#mc-bulk-rows tbody tr").await, 3);
            let id_row = row_number(ID_AS_NUMBER);
            let id_cell = cell_name(ID_AS_NUMBER + 1, id_column);
            let row_text = text(&client, &format!("tr[data-row='{id_row}']"))
                .await
                .unwrap();
            assert!(
                row_text.contains(&format!("Ô {id_cell}")) && row_text.contains(&right_id),
                "the fix is suggested on the cell: {row_text}"
            );
            for bad in [BAD_DATE, ALSO_BAD_DATE] {
                let state = client
                    .find(Locator::Css(&format!("tr[data-row='{}']", row_number(bad))))
                    .await
                    .unwrap()
                    .attr("data-state")
                    .await
                    .unwrap();
                assert_eq!(state.as_deref(), Some("invalid"));
            }

            // The CCCD fixed in place: the row is checked again in the worker.
            let input = client
                .find(Locator::Id(&format!("mc-bulk-cell-{id_cell}")))
                .await
                .unwrap();
            input.clear().await.unwrap();
            input
                .send_keys(&format!("{right_id}\u{E004}"))
                .await
                .unwrap();
            wait_totals(&client, (ROWS - 2, 2, 0)).await;
            let fixed = client
                .find(Locator::Css(&format!("tr[data-row='{id_row}']")))
                .await
                .unwrap();
            assert_eq!(
                fixed.attr("data-state").await.unwrap().as_deref(),
                Some("valid")
            );

            // One bad row left out by hand, then the rest at once.
            click(&client, &format!("#mc-bulk-out-{}", row_number(BAD_DATE))).await;
            wait_totals(&client, (ROWS - 2, 1, 1)).await;
            click(&client, "#mc-bulk-leave-out-invalid").await;
            wait_totals(&client, (ROWS - 2, 0, 2)).await;
            // Taking a row back in counts it again.
            click(&client, &format!("#mc-bulk-out-{}", row_number(BAD_DATE))).await;
            wait_totals(&client, (ROWS - 2, 1, 1)).await;
            let ready = text(&client, "#mc-bulk-ready").await.unwrap();
            assert!(ready.contains(&(ROWS - 2).to_string()), "{ready}");
        },
    )
    .await;
}

#[tokio::test]
async fn the_bulk_screen_fits_a_phone_and_its_table_scrolls_sideways() {
    with_app("bulk_phone", 360, 780, |client, url| async move {
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = workbook(dir.path());
        open_and_upload(&client, &url, &file).await;
        let widths = client
            .execute(
                r#"const t = document.querySelector('#mc-bulk-rows').parentElement;
                   return [document.documentElement.scrollWidth, t.scrollWidth, t.clientWidth];"#,
                vec![],
            )
            .await
            .unwrap();
        let w: Vec<u64> = widths
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert!(w[0] <= 360, "the page does not scroll sideways: {w:?}");
        assert!(w[1] > w[2], "the table does, inside its box: {w:?}");
    })
    .await;
}
