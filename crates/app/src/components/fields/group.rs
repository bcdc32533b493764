//! Groups of fields: a plain group is a fieldset; a repeatable group is a
//! table of rows (e.g. household members) with add and remove buttons.

use std::rc::Rc;

use motcua_forms::{Field, Lang};
use yew::prelude::*;

use super::{FieldFrame, FieldView, error_message};
use crate::components::copy_offers::CopyOffers;
use crate::dom::{field_dom_id, focus};
use crate::filing::{FilingAction, FilingContext};
use crate::state::use_lang;
use crate::text::Ui;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct GroupViewProps {
    pub(crate) field: Rc<Field>,
    pub(crate) path: String,
    pub(crate) section: Rc<str>,
}

/// The path prefix of the group's children: a plain group adds no level, so
/// its children sit beside it (`members[0].` stays `members[0].`).
fn sibling_prefix(path: &str) -> &str {
    path.rfind('.').map_or("", |i| &path[..=i])
}

fn row_name(field: &Field, lang: Lang, index: usize) -> String {
    let label = row_label(field).map_or_else(
        || field.label.get(lang).to_owned(),
        |l| l.get(lang).to_owned(),
    );
    format!("{label} {}", index + 1)
}

/// The label of one row of a table, if it has one.
fn row_label(field: &Field) -> Option<&motcua_forms::LocalizedText> {
    field.table().and_then(|(_, t)| t.row_label.as_ref())
}

/// A fieldset, or a table of rows.
#[component]
pub(crate) fn GroupView(props: &GroupViewProps) -> Html {
    let lang = use_lang();
    let Some(filing) = use_context::<FilingContext>() else {
        return Html::default();
    };
    let field = &props.field;
    let Some(group) = field.group() else {
        return Html::default();
    };
    let children = |prefix: &str| -> Html {
        group
            .fields
            .iter()
            .map(|child| {
                html! {
                    <FieldView key={child.id.clone()} field={Rc::new(child.clone())}
                        path={format!("{prefix}{}", child.id)} section={Rc::clone(&props.section)} />
                }
            })
            .collect()
    };
    let Some(table) = &group.table else {
        return html! {
            <fieldset class="mc-fieldset mc-group" id={field_dom_id(&props.path)}>
                <legend class="mc-group-title">{ field.label.get(lang) }</legend>
                if let Some(hint) = &field.hint {
                    <p class="mc-hint">{ hint.get(lang) }</p>
                }
                <CopyOffers offers={Rc::<[_]>::from(group.copy_from.as_slice())} />
                { children(sibling_prefix(&props.path)) }
            </fieldset>
        };
    };
    let frame = FieldFrame::new(&filing, lang, &props.path, &props.section);
    let rows = motcua_forms::row_count(&filing.values, &props.path);
    let max = table.max_rows.map_or(usize::MAX, |m| m as usize);
    let add = {
        let filing = filing.clone();
        let path = props.path.clone();
        let first_child = group.fields.first().map(|c| c.id.clone());
        Callback::from(move |_: MouseEvent| {
            filing.dispatch(FilingAction::AddRow(path.clone()));
            if let Some(child) = &first_child {
                filing.dispatch(FilingAction::Focus(Some(format!("{path}[{rows}].{child}"))));
            }
        })
    };
    let row_views = (0..rows).map(|i| {
        let remove = {
            let filing = filing.clone();
            let path = props.path.clone();
            let add_button = format!("{}-add", field_dom_id(&props.path));
            Callback::from(move |_: MouseEvent| {
                filing.dispatch(FilingAction::RemoveRow(path.clone(), i));
                focus(&add_button);
            })
        };
        let name = row_name(field, lang, i);
        html! {
            <fieldset class="mc-fieldset mc-row" key={i}>
                <legend class="mc-row-title">{ name.clone() }</legend>
                { children(&format!("{}[{i}].", props.path)) }
                <button type="button" class="mc-button mc-button-secondary mc-button-small" onclick={remove}
                    aria-label={format!("{} {name}", Ui::RemoveRow.get(lang))}>
                    { Ui::RemoveRow.get(lang) }
                </button>
            </fieldset>
        }
    });
    let add_label = format!(
        "{} {}",
        Ui::AddRow.get(lang),
        row_label(field)
            .map_or_else(|| field.label.get(lang), |l| l.get(lang))
            .to_lowercase()
    );
    html! {
        <div class={classes!("mc-field", "mc-table", frame.error.as_ref().map(|_| "mc-field-error"))}
             id={frame.id.clone()} tabindex="-1">
            <h2 class="mc-group-title">{ field.label.get(lang) }</h2>
            if let Some(hint) = &field.hint {
                <p class="mc-hint">{ hint.get(lang) }</p>
            }
            { error_message(&frame, lang) }
            { for row_views }
            if rows < max {
                <button type="button" class="mc-button mc-button-secondary" id={format!("{}-add", frame.id)} onclick={add}>
                    { add_label }
                </button>
            }
        </div>
    }
}
