//! Choosing the one-stop office that receives the dossier: any office in any
//! of the 34 provinces (Decree 118/2025/NĐ-CP: dossiers are accepted
//! regardless of administrative boundary). Offices near the address already
//! on the form come first; the rest can be searched by name and filtered by
//! province.

use std::rc::Rc;

use motcua_forms::{AdminUnits, CommuneCode, Lang, ProcedureCode, ProvinceCode};
use motcua_submit::{Directory, OfficeEntry, OfficeQuery};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::use_lang;
use crate::text::tr;

/// Most offices listed for a search.
const MAX_RESULTS: usize = 12;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct OfficeChooserProps {
    pub(crate) directory: Rc<Directory>,
    pub(crate) procedure: ProcedureCode,
    /// Province and commune codes of the address on the form, if any.
    pub(crate) near: (Option<String>, Option<String>),
    pub(crate) units: Option<Rc<AdminUnits>>,
    pub(crate) chosen: Option<String>,
    pub(crate) on_choose: Callback<String>,
}

fn office_item(
    office: &OfficeEntry,
    chosen: Option<&str>,
    on_choose: &Callback<String>,
    lang: Lang,
    group: &str,
) -> Html {
    let code = office.code.to_string();
    let id = format!("office-{group}-{code}");
    let checked = chosen == Some(code.as_str());
    let onchange = {
        let on_choose = on_choose.clone();
        let code = code.clone();
        Callback::from(move |_: Event| on_choose.emit(code.clone()))
    };
    html! {
        <li class="mc-office" key={id.clone()}>
            <div class="mc-choice">
                <input class="mc-choice-input" type="radio" name="mc-office" id={id.clone()} value={code.clone()}
                    {checked} {onchange} />
                <label class="mc-choice-label" for={id}>
                    <strong>{ office.name.get(lang) }</strong><br />
                    <span class="mc-hint">{ format!("{} · {}", office.address, office.level.label().get(lang)) }</span>
                </label>
            </div>
        </li>
    }
}

/// Suggestions, then a search over the whole directory.
#[component]
pub(crate) fn OfficeChooser(props: &OfficeChooserProps) -> Html {
    let lang = use_lang();
    let query = use_state(String::new);
    let province = use_state(String::new);
    let commune = use_state(String::new);
    let directory = &props.directory;
    let near_province = props
        .near
        .0
        .as_deref()
        .and_then(|p| p.parse::<ProvinceCode>().ok());
    let near_commune = props
        .near
        .1
        .as_deref()
        .and_then(|c| c.parse::<CommuneCode>().ok());
    let suggested = directory.suggest(
        near_province.as_ref(),
        near_commune.as_ref(),
        Some(&props.procedure),
    );

    // Until the citizen chooses, the first suggestion is chosen for them.
    {
        let first = suggested.first().map(|o| o.code.to_string());
        let on_choose = props.on_choose.clone();
        let chosen = props.chosen.clone();
        use_effect_with(first, move |first| {
            if chosen.is_none()
                && let Some(code) = first
            {
                on_choose.emit(code.clone());
            }
        });
    }

    let mut search = OfficeQuery::new()
        .procedure(props.procedure.clone())
        .limit(MAX_RESULTS);
    if !query.trim().is_empty() {
        search = search.text(&query);
    }
    if let Ok(p) = province.parse::<ProvinceCode>() {
        search = search.province(p);
    }
    if let Ok(c) = commune.parse::<CommuneCode>() {
        search = search.commune(c);
    }
    let searching = !query.trim().is_empty() || !province.is_empty();
    let results = if searching {
        directory.search(&search)
    } else {
        Vec::new()
    };
    let chosen = props.chosen.as_deref();

    let mut provinces: Vec<(String, String)> = directory
        .offices
        .iter()
        .map(|o| {
            let code = o.province.as_str().to_owned();
            let name = props
                .units
                .as_ref()
                .and_then(|u| u.province(&code).map(|p| p.name.clone()))
                .unwrap_or_else(|| code.clone());
            (code, name)
        })
        .collect();
    provinces.sort_by_key(|p| motcua_forms::fold(&p.1));
    provinces.dedup();
    // The communes of the chosen province that have an office here.
    let mut communes: Vec<(String, String)> = directory
        .offices
        .iter()
        .filter(|o| !province.is_empty() && o.province.as_str() == province.as_str())
        .filter_map(|o| o.commune.as_ref())
        .map(|c| {
            let code = c.as_str().to_owned();
            let name = props
                .units
                .as_ref()
                .and_then(|u| u.commune(&code).map(|c| c.name.clone()))
                .unwrap_or_else(|| code.clone());
            (code, name)
        })
        .collect();
    communes.sort_by_key(|c| motcua_forms::fold(&c.1));
    communes.dedup();

    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onchange = {
        let province = province.clone();
        let commune = commune.clone();
        Callback::from(move |e: Event| {
            province.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            commune.set(String::new());
        })
    };
    let on_commune = {
        let commune = commune.clone();
        Callback::from(move |e: Event| {
            commune.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <section class="mc-offices" aria-labelledby="mc-offices-title">
            <h2 class="mc-subtitle" id="mc-offices-title">{ tr(lang, "Nơi nộp hồ sơ", "Where to file") }</h2>
            <p class="mc-hint">{ tr(lang,
                "Bạn có thể nộp tại bất kỳ bộ phận một cửa nào trên cả nước.",
                "You may file at any one-stop office in the country.") }</p>
            if !suggested.is_empty() {
                <fieldset class="mc-fieldset">
                    <legend class="mc-label">{ tr(lang, "Gần địa chỉ trong tờ khai", "Near the address on the form") }</legend>
                    <ul class="mc-office-list" id="mc-offices-suggested">
                        { for suggested.iter().map(|o| office_item(o, chosen, &props.on_choose, lang, "near")) }
                    </ul>
                </fieldset>
            }
            <div class="mc-field">
                <label class="mc-label-sub" for="mc-office-search">{ tr(lang, "Tìm nơi khác theo tên", "Find another by name") }</label>
                <input class="mc-input" id="mc-office-search" type="search" autocomplete="off"
                    value={(*query).clone()} {oninput} />
            </div>
            <div class="mc-field">
                <label class="mc-label-sub" for="mc-office-province">{ tr(lang, "Tỉnh, thành phố", "Province or city") }</label>
                <select class="mc-select" id="mc-office-province" {onchange}>
                    <option value="" selected={province.is_empty()}>{ tr(lang, "Tất cả", "All") }</option>
                    { for provinces.iter().map(|(code, name)| html! {
                        <option value={code.clone()} selected={*province == *code}>{ name.clone() }</option>
                    }) }
                </select>
            </div>
            if !communes.is_empty() {
                <div class="mc-field">
                    <label class="mc-label-sub" for="mc-office-commune">{ tr(lang, "Xã, phường, đặc khu", "Commune, ward or special zone") }</label>
                    <select class="mc-select" id="mc-office-commune" onchange={on_commune}>
                        <option value="" selected={commune.is_empty()}>{ tr(lang, "Tất cả", "All") }</option>
                        { for communes.iter().map(|(code, name)| html! {
                            <option value={code.clone()} selected={*commune == *code}>{ name.clone() }</option>
                        }) }
                    </select>
                </div>
            }
            if searching {
                if results.is_empty() {
                    <p class="mc-hint" role="status">{ tr(lang, "Không có nơi nào khớp.", "No office matches.") }</p>
                } else {
                    <ul class="mc-office-list" id="mc-offices-found">
                        { for results.iter().map(|o| office_item(o, chosen, &props.on_choose, lang, "found")) }
                    </ul>
                }
            }
        </section>
    }
}
