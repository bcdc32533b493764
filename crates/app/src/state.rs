//! App-wide preferences, held in one reducer and shared through a context.

use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use motcua_forms::Lang;
use yew::prelude::*;

/// Where the chosen language is remembered between visits.
pub const LANG_STORAGE_KEY: &str = "motcua.lang";

/// The user's preferences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prefs {
    pub(crate) lang: Lang,
}

/// A change to the preferences.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PrefsAction {
    SetLang(Lang),
}

impl Reducible for Prefs {
    type Action = PrefsAction;

    fn reduce(self: Rc<Self>, action: PrefsAction) -> Rc<Self> {
        match action {
            PrefsAction::SetLang(lang) if lang != self.lang => Rc::new(Self { lang }),
            PrefsAction::SetLang(_) => self,
        }
    }
}

impl Prefs {
    /// Preferences as remembered, Vietnamese when nothing is.
    fn load() -> Self {
        let lang = LocalStorage::get::<String>(LANG_STORAGE_KEY)
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default();
        Self { lang }
    }
}

/// The preferences context handed to every component.
pub(crate) type PrefsContext = UseReducerHandle<Prefs>;

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct PrefsProviderProps {
    pub(crate) children: Html,
}

/// Provides [`PrefsContext`], remembers the language and keeps `<html lang>` in step.
#[component]
pub(crate) fn PrefsProvider(props: &PrefsProviderProps) -> Html {
    let prefs = use_reducer_eq(Prefs::load);
    use_effect_with(prefs.lang, |lang| {
        // Storage may be unavailable (private mode, quota); the choice then
        // lasts for this visit only, which is the best that can be done.
        let _ = LocalStorage::set(LANG_STORAGE_KEY, lang.tag());
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
    html! {
        <ContextProvider<PrefsContext> context={prefs}>
            { props.children.clone() }
        </ContextProvider<PrefsContext>>
    }
}

/// The current language; Vietnamese outside a provider.
#[hook]
pub(crate) fn use_lang() -> Lang {
    use_context::<PrefsContext>()
        .map(|prefs| prefs.lang)
        .unwrap_or_default()
}
