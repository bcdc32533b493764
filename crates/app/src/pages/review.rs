//! "Check your answers": every visible answer of every section, each with a
//! link back to change it, and all remaining problems at the top.

use std::rc::Rc;

use motcua_forms::{Field, Lang};
use serde_json::Value;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::error_summary::ErrorSummary;
use crate::filing::{Filing, FilingAction, FilingContext};
use crate::format;
use crate::route::Route;
use crate::state::use_lang;
use crate::text::Ui;

/// One line of the summary list.
struct Row {
    label: String,
    answer: Option<String>,
    path: String,
    section: String,
}

fn collect(
    filing: &Filing,
    section: &str,
    fields: &[Field],
    prefix: &str,
    data: &Value,
    lang: Lang,
    rows: &mut Vec<Row>,
) {
    for field in fields {
        let path = format!("{prefix}{}", field.id);
        if !filing.evaluation.is_visible(&path) {
            continue;
        }
        if let Some(group) = field.plain_group() {
            collect(filing, section, &group.fields, prefix, data, lang, rows);
            continue;
        }
        if let Some((group, table)) = field.table() {
            let count = motcua_forms::row_count(&filing.values, &path);
            for i in 0..count {
                let row_prefix = format!("{path}[{i}].");
                let row_data = data
                    .get(&field.id)
                    .and_then(|r| r.get(i))
                    .cloned()
                    .unwrap_or(Value::Null);
                let before = rows.len();
                collect(
                    filing,
                    section,
                    &group.fields,
                    &row_prefix,
                    &row_data,
                    lang,
                    rows,
                );
                let title = format!(
                    "{} {}",
                    table.row_label.as_ref().unwrap_or(&field.label).get(lang),
                    i + 1
                );
                for row in &mut rows[before..] {
                    row.label = format!("{title}: {}", row.label);
                }
            }
            if count == 0 {
                rows.push(Row {
                    label: field.label.get(lang).to_owned(),
                    answer: None,
                    path,
                    section: section.to_owned(),
                });
            }
            continue;
        }
        let value = if field.is_computed() {
            filing
                .evaluation
                .computed()
                .get(&field.id)
                .cloned()
                .unwrap_or(Value::Null)
        } else {
            data.get(&field.id).cloned().unwrap_or(Value::Null)
        };
        rows.push(Row {
            label: field.label.get(lang).to_owned(),
            answer: format::answer(field, &value, lang, filing.units.as_deref()),
            path,
            section: section.to_owned(),
        });
    }
}

/// The review screen.
#[component]
pub(crate) fn Review() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let filing = use_context::<FilingContext>();
    {
        let filing = filing.clone();
        use_effect_with((), move |()| {
            if let Some(filing) = filing {
                filing.dispatch(FilingAction::CheckAll);
            }
        });
    }
    let Some(filing) = filing else {
        return Html::default();
    };
    let procedure = Rc::clone(&filing.procedure);
    let code = procedure.code.to_string();
    let data = filing.evaluation.partial_data().clone();
    let errors: Vec<_> = filing.evaluation.errors().to_vec();
    let sections = procedure
        .sections
        .iter()
        .filter(|s| filing.evaluation.is_section_visible(&s.id))
        .map(|section| {
            let mut rows = Vec::new();
            collect(&filing, &section.id, &section.fields, "", &data, lang, &mut rows);
            let items = rows.into_iter().map(|row| {
                let change = {
                    let filing = filing.clone();
                    let navigator = navigator.clone();
                    let route = Route::FormSection { code: code.clone(), section: row.section.clone() };
                    let path = row.path.clone();
                    Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        filing.dispatch(FilingAction::ChangeFromReview(path.clone()));
                        if let Some(navigator) = &navigator {
                            navigator.push(&route);
                        }
                    })
                };
                let href = format!("/procedure/{code}/form/{}", row.section);
                html! {
                    <div class="mc-summary-row">
                        <dt class="mc-summary-key">{ row.label.clone() }</dt>
                        <dd class="mc-summary-value">
                            { row.answer.clone().unwrap_or_else(|| Ui::NotAnswered.get(lang).to_owned()) }
                        </dd>
                        <dd class="mc-summary-action">
                            <a {href} onclick={change}>
                                { Ui::Change.get(lang) }
                                <span class="mc-visually-hidden">{" "}{ row.label }</span>
                            </a>
                        </dd>
                    </div>
                }
            });
            html! {
                <section class="mc-review-section" key={section.id.clone()}>
                    <h2 class="mc-subtitle">{ section.title.get(lang) }</h2>
                    <dl class="mc-summary">{ for items }</dl>
                </section>
            }
        });
    let on_select = {
        let filing = filing.clone();
        let navigator = navigator.clone();
        let code = code.clone();
        Callback::from(move |error: motcua_forms::FieldError| {
            filing.dispatch(FilingAction::ChangeFromReview(error.path.clone()));
            if let (Some(navigator), Some(section)) = (&navigator, error.section) {
                navigator.push(&Route::FormSection {
                    code: code.clone(),
                    section,
                });
            }
        })
    };
    let last_section = procedure
        .sections
        .iter()
        .rev()
        .find(|s| filing.evaluation.is_section_visible(&s.id))
        .map(|s| s.id.clone())
        .unwrap_or_default();
    html! {
        <>
            <Link<Route> to={Route::FormSection { code: code.clone(), section: last_section }} classes="mc-back">
                { Ui::Back.get(lang) }
            </Link<Route>>
            <ErrorSummary errors={errors.clone()} {on_select} />
            <span class="mc-caption">{ procedure.name.get(lang) }</span>
            <h1 class="mc-title">{ Ui::ReviewTitle.get(lang) }</h1>
            <p class="mc-lead">{ Ui::ReviewIntro.get(lang) }</p>
            { for sections }
            if errors.is_empty() {
                <Link<Route> to={Route::Attachments { code: code.clone() }} classes="mc-button mc-button-primary mc-button-link">
                    { Ui::Continue.get(lang) }
                </Link<Route>>
            } else {
                <p class="mc-hint">{ Ui::ReviewHasErrors.get(lang) }</p>
            }
        </>
    }
}
