//! Bulk filing of one procedure from a spreadsheet (issue 14): the template
//! to download, the file to choose, the column match to correct, and the
//! checked rows with their totals, fixed in place or left out.
//!
//! This screen only asks and shows: the spreadsheet and its rows live in
//! the bulk worker ([`crate::bulk`]), which this screen starts when it
//! opens. Sealing and sending the batch is the next step: it takes
//! [`Bulk::rows_to_file`] and the worker's `ValidRows` job.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::bulk::client::BulkClient;
use crate::bulk::jobs::{
    Assign, CheckAll, FixCell, MakeReport, MakeTemplate, Open, ReadSheet, SheetFormat,
};
use crate::bulk::state::{Bulk, BulkAction, Busy};
use crate::components::bulk::{MappingTable, RowsTable, TotalsBar};
use crate::dom_files::{download, read_picked};
use crate::route::Route;
use crate::state::use_lang;
use crate::text::{self, Ui};

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct BulkPageProps {
    /// The procedure code from the address, not yet checked.
    pub(crate) code: String,
}

type Dispatch = UseReducerDispatcher<Bulk>;

/// Checks every row again (after a file is read or a column re-matched).
async fn check_all(client: &BulkClient, dispatch: &Dispatch, total: usize) {
    dispatch.dispatch(BulkAction::Busy(Busy::Checking {
        done: 0,
        total: total as u64,
    }));
    let progress = {
        let dispatch = dispatch.clone();
        Callback::from(move |(done, total)| {
            dispatch.dispatch(BulkAction::Busy(Busy::Checking { done, total }));
        })
    };
    match client.call(CheckAll {}, Some(progress)).await {
        Ok(checked) => dispatch.dispatch(BulkAction::Checked(checked.rows)),
        Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
    }
}

/// The bulk screen of procedure `code`.
#[component]
pub(crate) fn BulkPage(props: &BulkPageProps) -> Html {
    let lang = use_lang();
    // One worker per visit of the screen: dropped (and terminated) with it.
    let client = use_memo((), |()| BulkClient::spawn());
    let state = use_reducer(Bulk::default);
    {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        use_effect_with(props.code.clone(), move |code| {
            let code = code.clone();
            dispatch.dispatch(BulkAction::Busy(Busy::Opening));
            spawn_local(async move {
                let base = gloo::utils::window()
                    .location()
                    .origin()
                    .unwrap_or_default();
                let today = crate::filing::today_in_vietnam();
                match client.call(Open { base, code, today }, None).await {
                    Ok(opened) => dispatch.dispatch(BulkAction::Opened(opened)),
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        });
    }
    let on_template = {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        Callback::from(move |format: SheetFormat| {
            let (client, dispatch) = (Rc::clone(&client), dispatch.clone());
            dispatch.dispatch(BulkAction::Busy(Busy::Making));
            spawn_local(async move {
                match client.call(MakeTemplate { lang, format }, None).await {
                    Ok(file) => {
                        download(&file.name, &file.media_type, &file.bytes);
                        dispatch.dispatch(BulkAction::Idle);
                    }
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        })
    };
    let on_file = {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let (client, dispatch) = (Rc::clone(&client), dispatch.clone());
            spawn_local(async move {
                let Some((file_name, bytes)) = read_picked(&input).await.into_iter().next() else {
                    return;
                };
                input.set_value("");
                dispatch.dispatch(BulkAction::Busy(Busy::Reading));
                match client.call(ReadSheet { bytes }, None).await {
                    Ok(read) => {
                        let total = read.data_rows;
                        dispatch.dispatch(BulkAction::Read { file_name, read });
                        check_all(&client, &dispatch, total).await;
                    }
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        })
    };
    let on_assign = {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        let total = state.data_rows;
        Callback::from(move |(sheet_column, column): (usize, Option<usize>)| {
            let (client, dispatch) = (Rc::clone(&client), dispatch.clone());
            spawn_local(async move {
                match client
                    .call(
                        Assign {
                            sheet_column,
                            column,
                        },
                        None,
                    )
                    .await
                {
                    Ok(mapping) => {
                        dispatch.dispatch(BulkAction::Mapped(mapping));
                        check_all(&client, &dispatch, total).await;
                    }
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        })
    };
    let on_fix = {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        Callback::from(move |(row, sheet_column, text): (usize, usize, String)| {
            let (client, dispatch) = (Rc::clone(&client), dispatch.clone());
            spawn_local(async move {
                let job = FixCell {
                    row,
                    sheet_column,
                    text,
                };
                match client.call(job, None).await {
                    Ok(view) => dispatch.dispatch(BulkAction::Fixed(view)),
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        })
    };
    let on_toggle = {
        let dispatch = state.dispatcher();
        Callback::from(move |row: usize| dispatch.dispatch(BulkAction::ToggleLeftOut(row)))
    };
    let on_leave_out_invalid = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(BulkAction::LeaveOutInvalid))
    };
    let on_report = {
        let client = Rc::clone(&client);
        let dispatch = state.dispatcher();
        let left_out: Vec<usize> = state.left_out.iter().copied().collect();
        Callback::from(move |_: MouseEvent| {
            let (client, dispatch) = (Rc::clone(&client), dispatch.clone());
            let job = MakeReport {
                lang,
                format: SheetFormat::Xlsx,
                left_out: left_out.clone(),
            };
            dispatch.dispatch(BulkAction::Busy(Busy::Making));
            spawn_local(async move {
                match client.call(job, None).await {
                    Ok(file) => {
                        download(&file.name, &file.media_type, &file.bytes);
                        dispatch.dispatch(BulkAction::Idle);
                    }
                    Err(err) => dispatch.dispatch(BulkAction::Failed(err.message)),
                }
            });
        })
    };

    let back = Route::Procedure {
        code: props.code.clone(),
    };
    let title = state
        .opened
        .as_ref()
        .map_or_else(String::new, |o| o.name.get(lang).to_owned());
    html! {
        <>
            <Link<Route> to={back} classes="mc-back">{ title.clone() }</Link<Route>>
            <article class="mc-bulk">
                <h1 class="mc-title">
                    { Ui::BulkFile.get(lang) }
                    if !title.is_empty() {
                        <span class="mc-caption">{ title }</span>
                    }
                </h1>
                <p class="mc-hint">{ Ui::BulkIntro.get(lang) }</p>
                { busy_line(&state, lang) }
                if let Some(message) = &state.error {
                    <div class="mc-notice mc-notice-error" role="alert" id="mc-bulk-error">
                        <p>{ message.get(lang) }</p>
                    </div>
                }
                if let Some(opened) = &state.opened {
                    if opened.without_units {
                        <p class="mc-notice">{ Ui::BulkWithoutUnits.get(lang) }</p>
                    }
                    { template_section(lang, state.busy.is_some(), &on_template) }
                    <section class="mc-bulk-step">
                        <h2 class="mc-subtitle">{ Ui::BulkChooseTitle.get(lang) }</h2>
                        <label class="mc-label" for="mc-bulk-file">{ Ui::BulkChooseLabel.get(lang) }</label>
                        <p class="mc-hint">{ Ui::BulkChooseHint.get(lang) }</p>
                        <input type="file" id="mc-bulk-file" class="mc-file"
                            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            disabled={state.busy.is_some()}
                            onchange={on_file} />
                        if let Some(name) = &state.file_name {
                            <p class="mc-count" id="mc-bulk-read">{ text::bulk_rows_read(lang, state.data_rows, name) }</p>
                        }
                    </section>
                    if let Some(mapping) = &state.mapping {
                        <MappingTable opened={Rc::clone(opened)} mapping={Rc::clone(mapping)}
                            disabled={state.busy.is_some()} on_assign={on_assign} />
                        <section class="mc-bulk-step">
                            <h2 class="mc-subtitle">{ Ui::BulkRowsTitle.get(lang) }</h2>
                            <TotalsBar totals={state.totals()} />
                            if state.file_name.is_some() && state.data_rows == 0 {
                                <p class="mc-notice">{ Ui::BulkNoRows.get(lang) }</p>
                            }
                            if !state.rows.is_empty() {
                                <div class="mc-button-group">
                                    <button type="button" class="mc-button mc-button-secondary mc-button-small"
                                        id="mc-bulk-leave-out-invalid" onclick={on_leave_out_invalid}>
                                        { Ui::BulkLeaveOutInvalid.get(lang) }
                                    </button>
                                    <button type="button" class="mc-button mc-button-secondary mc-button-small"
                                        id="mc-bulk-report" disabled={state.busy.is_some()} onclick={on_report}>
                                        { Ui::BulkDownloadReport.get(lang) }
                                    </button>
                                </div>
                                <RowsTable rows={state.rows.clone()} mapping={Rc::clone(mapping)}
                                    flagged={Rc::clone(&state.flagged)} left_out={Rc::clone(&state.left_out)}
                                    {on_fix} {on_toggle} />
                                <p class="mc-hint" id="mc-bulk-ready">{ text::bulk_ready(lang, state.rows_to_file().len()) }</p>
                            }
                        </section>
                    }
                }
            </article>
        </>
    }
}

fn template_section(
    lang: motcua_forms::Lang,
    busy: bool,
    on_template: &Callback<SheetFormat>,
) -> Html {
    let button = |format: SheetFormat, label: Ui, id: &'static str| {
        let onclick = on_template.reform(move |_: MouseEvent| format);
        html! {
            <button type="button" class="mc-button mc-button-secondary" {id} disabled={busy} {onclick}>
                { label.get(lang) }
            </button>
        }
    };
    html! {
        <section class="mc-bulk-step">
            <h2 class="mc-subtitle">{ Ui::BulkTemplateTitle.get(lang) }</h2>
            <div class="mc-button-group">
                { button(SheetFormat::Xlsx, Ui::BulkDownloadXlsx, "mc-bulk-template-xlsx") }
                { button(SheetFormat::Csv, Ui::BulkDownloadCsv, "mc-bulk-template-csv") }
            </div>
        </section>
    }
}

/// What the worker is busy with, announced politely.
fn busy_line(state: &Bulk, lang: motcua_forms::Lang) -> Html {
    let Some(busy) = state.busy else {
        return html! {};
    };
    let (line, bar) = match busy {
        Busy::Opening => (Ui::BulkOpening.get(lang).to_owned(), None),
        Busy::Reading => (Ui::BulkReading.get(lang).to_owned(), None),
        Busy::Making => (Ui::BulkMaking.get(lang).to_owned(), None),
        Busy::Checking { done, total } => {
            (text::bulk_checking(lang, done, total), Some((done, total)))
        }
    };
    html! {
        <div class="mc-bulk-busy" role="status">
            <p class="mc-progress-text">{ line }</p>
            if let Some((done, total)) = bar {
                <progress class="mc-progress" max={total.max(1).to_string()} value={done.to_string()} />
            }
        </div>
    }
}
