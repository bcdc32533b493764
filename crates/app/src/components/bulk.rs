//! The pieces of the bulk screen: the column match, the totals, the table
//! of rows and one row of it. Each gets only what it shows, so fixing one
//! cell re-renders one row, not ten thousand.

use std::collections::BTreeSet;
use std::rc::Rc;

use motcua_bulk::cell_name;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::bulk::jobs::{MappingView, Opened, RowView};
use crate::bulk::state::Totals;
use crate::state::use_lang;
use crate::text::{self, Ui};

/// Rows the table shows at first, and more each time it is asked: a DOM
/// of ten thousand rows with inputs would freeze a phone.
const PAGE_ROWS: usize = 100;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct MappingTableProps {
    pub(crate) opened: Rc<Opened>,
    pub(crate) mapping: Rc<MappingView>,
    pub(crate) disabled: bool,
    /// (sheet column, template column or none).
    pub(crate) on_assign: Callback<(usize, Option<usize>)>,
}

/// Each sheet column with a select of the template column it answers,
/// and the required columns nothing answers.
#[component]
pub(crate) fn MappingTable(props: &MappingTableProps) -> Html {
    let lang = use_lang();
    let columns = &props.opened.columns;
    let missing = &props.mapping.missing_required;
    let matched = props.mapping.columns.iter().flatten().count();
    html! {
        <section class="mc-bulk-step">
            <h2 class="mc-subtitle">{ Ui::BulkMatchTitle.get(lang) }</h2>
            <p class="mc-hint">{ Ui::BulkMatchIntro.get(lang) }</p>
            if !missing.is_empty() {
                <div class="mc-notice mc-notice-error" id="mc-bulk-missing">
                    <p>{ Ui::BulkMissingRequired.get(lang) }</p>
                    <ul class="mc-plain-list">
                        { for missing.iter().filter_map(|&c| columns.get(c)).map(|c| html! {
                            <li>{ c.header.get(lang) }</li>
                        }) }
                    </ul>
                </div>
            }
            // Long (a column per answer): folded when nothing required is
            // missing, so the rows come into view.
            <details class="mc-bulk-match-details" open={!missing.is_empty()}>
            <summary>{ text::bulk_matched(lang, matched, props.mapping.headers.len()) }</summary>
            <div class="mc-bulk-scroll">
                <table class="mc-bulk-table mc-bulk-match">
                    <thead>
                        <tr>
                            <th scope="col">{ Ui::BulkSheetColumn.get(lang) }</th>
                            <th scope="col">{ Ui::BulkFormColumn.get(lang) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for props.mapping.headers.iter().enumerate().map(|(s, header)| {
                            let chosen = props.mapping.columns.get(s).copied().flatten();
                            let onchange = props.on_assign.reform(move |e: Event| {
                                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                                (s, value.parse::<usize>().ok())
                            });
                            let id = format!("mc-bulk-match-{s}");
                            let letter = motcua_bulk::column_name(s);
                            html! {
                                <tr key={s}>
                                    <th scope="row">
                                        <label for={id.clone()}>
                                            <span class="mc-code">{ letter }</span>{ " " }{ header.clone() }
                                        </label>
                                    </th>
                                    <td>
                                        <select class="mc-select" {id} disabled={props.disabled} {onchange}>
                                            <option value="" selected={chosen.is_none()}>{ Ui::BulkNotUsed.get(lang) }</option>
                                            { for columns.iter().enumerate().map(|(c, column)| html! {
                                                <option value={c.to_string()} selected={chosen == Some(c)}>
                                                    { column.header.get(lang) }
                                                </option>
                                            }) }
                                        </select>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            </details>
        </section>
    }
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct TotalsBarProps {
    pub(crate) totals: Totals,
}

/// Valid / with errors / left out, kept in view while the table scrolls.
#[component]
pub(crate) fn TotalsBar(props: &TotalsBarProps) -> Html {
    let lang = use_lang();
    let t = props.totals;
    let item = |label: Ui, n: usize, class: &'static str, name: &'static str| {
        html! {
            <span class={classes!("mc-bulk-total", class)} data-total={name}>
                <strong>{ n }</strong>{ " " }{ label.get(lang) }
            </span>
        }
    };
    html! {
        <p class="mc-bulk-totals" role="status" aria-live="polite" id="mc-bulk-totals">
            { item(Ui::BulkValid, t.valid, "mc-bulk-total-ok", "valid") }
            { item(Ui::BulkWithErrors, t.with_errors, "mc-bulk-total-bad", "with_errors") }
            { item(Ui::BulkLeftOut, t.left_out, "mc-bulk-total-out", "left_out") }
        </p>
    }
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct RowsTableProps {
    pub(crate) rows: Vec<Rc<RowView>>,
    pub(crate) mapping: Rc<MappingView>,
    pub(crate) flagged: Rc<BTreeSet<usize>>,
    pub(crate) left_out: Rc<BTreeSet<usize>>,
    /// (row, sheet column, new text).
    pub(crate) on_fix: Callback<(usize, usize, String)>,
    pub(crate) on_toggle: Callback<usize>,
}

/// The rows, those with errors first shown (as flagged at the last full
/// check), a page at a time.
#[component]
pub(crate) fn RowsTable(props: &RowsTableProps) -> Html {
    let lang = use_lang();
    let show_all = use_state(|| false);
    let shown = use_state(|| PAGE_ROWS);
    let rows: Vec<&Rc<RowView>> = props
        .rows
        .iter()
        .filter(|r| *show_all || props.flagged.contains(&r.row))
        .collect();
    let more = rows.len().saturating_sub(*shown);
    let filter = |all: bool, label: Ui, id: &'static str| {
        let onchange = {
            let (show_all, shown) = (show_all.clone(), shown.clone());
            Callback::from(move |_: Event| {
                show_all.set(all);
                shown.set(PAGE_ROWS);
            })
        };
        html! {
            <label class="mc-bulk-filter">
                <input type="radio" name="mc-bulk-filter" {id} checked={*show_all == all} {onchange} />
                { " " }{ label.get(lang) }
            </label>
        }
    };
    let on_more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + PAGE_ROWS))
    };
    html! {
        <>
            <div class="mc-bulk-filters" role="group">
                { filter(false, Ui::BulkShowFlagged, "mc-bulk-show-flagged") }
                { filter(true, Ui::BulkShowAll, "mc-bulk-show-all") }
            </div>
            if rows.is_empty() {
                <p class="mc-hint">{ Ui::BulkNoFlagged.get(lang) }</p>
            } else {
                <div class="mc-bulk-scroll">
                    <table class="mc-bulk-table mc-bulk-rows" id="mc-bulk-rows">
                        <thead>
                            <tr>
                                <th scope="col">{ Ui::BulkRow.get(lang) }</th>
                                <th scope="col">{ Ui::BulkLeaveOut.get(lang) }</th>
                                <th scope="col">{ Ui::BulkProblems.get(lang) }</th>
                                { for props.mapping.key_columns.iter().map(|&c| html! {
                                    <th scope="col">{ props.mapping.headers.get(c).cloned().unwrap_or_default() }</th>
                                }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for rows.iter().take(*shown).map(|row| html! {
                                <RowLine key={row.row} row={Rc::clone(row)} mapping={Rc::clone(&props.mapping)}
                                    left_out={props.left_out.contains(&row.row)}
                                    on_fix={props.on_fix.clone()} on_toggle={props.on_toggle.clone()} />
                            }) }
                        </tbody>
                    </table>
                </div>
                if more > 0 {
                    <button type="button" class="mc-button mc-button-secondary mc-button-small" onclick={on_more}>
                        { format!("{} ({more})", Ui::BulkShowMore.get(lang)) }
                    </button>
                }
            }
        </>
    }
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct RowLineProps {
    pub(crate) row: Rc<RowView>,
    pub(crate) mapping: Rc<MappingView>,
    pub(crate) left_out: bool,
    pub(crate) on_fix: Callback<(usize, usize, String)>,
    pub(crate) on_toggle: Callback<usize>,
}

/// One row: its number, the leave-out toggle, each bad cell with an input
/// and what is wrong with it, problems of no cell, then the key cells.
/// What needs doing comes first, so a phone shows it without scrolling
/// sideways.
#[component]
pub(crate) fn RowLine(props: &RowLineProps) -> Html {
    let lang = use_lang();
    let row = &props.row;
    let number = row.row + 1;
    let state = if props.left_out {
        "left_out"
    } else if row.is_valid() {
        "valid"
    } else {
        "invalid"
    };
    let on_toggle = {
        let (cb, r) = (props.on_toggle.clone(), row.row);
        Callback::from(move |_: Event| cb.emit(r))
    };
    let cell_fix = |&(c, ref value): &(usize, String)| {
        let name = cell_name(row.row, c);
        let header = props.mapping.headers.get(c).cloned().unwrap_or_default();
        let id = format!("mc-bulk-cell-{name}");
        let onchange = {
            let (cb, r) = (props.on_fix.clone(), row.row);
            Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                cb.emit((r, c, value));
            })
        };
        html! {
            <div class="mc-bulk-cell mc-field-error" key={c}>
                <label class="mc-bulk-cell-label" for={id.clone()}>
                    <span class="mc-code">{ name.clone() }</span>{ " " }{ header }
                </label>
                { for row.problems.iter().filter(|p| p.column == Some(c)).map(|p| html! {
                    <p class="mc-error-message">{ p.message.get(lang) }</p>
                }) }
                <input type="text" class="mc-input" {id} data-cell={name.clone()}
                    aria-label={text::bulk_fix_cell(lang, &name)}
                    value={value.clone()} {onchange} />
            </div>
        }
    };
    html! {
        <tr class={classes!("mc-bulk-row", format!("mc-bulk-row-{state}"))}
            data-row={number.to_string()} data-state={state}>
            <th scope="row">{ number }</th>
            <td class="mc-bulk-toggle">
                <input type="checkbox" id={format!("mc-bulk-out-{number}")}
                    aria-label={text::bulk_leave_out_row(lang, number)}
                    checked={props.left_out} onchange={on_toggle} />
            </td>
            <td class="mc-bulk-problems">
                if row.is_valid() {
                    <span class="mc-tag mc-tag-ok">{ Ui::BulkRowOk.get(lang) }</span>
                }
                { for row.cells.iter().map(cell_fix) }
                { for row.problems.iter().filter(|p| p.column.is_none()).map(|p| html! {
                    <p class="mc-error-message">{ p.message.get(lang) }</p>
                }) }
            </td>
            { for row.key.iter().map(|k| html! { <td>{ k.clone() }</td> }) }
        </tr>
    }
}
