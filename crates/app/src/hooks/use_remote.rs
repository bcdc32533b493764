//! Loading a document over the network into component state.

use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

use crate::services::catalog::FetchError;

/// The state of a document being fetched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Remote<T> {
    Loading,
    Ready(Rc<T>),
    Failed(FetchError),
}

/// What [`use_remote`] returns: the state, and a callback that fetches again.
pub(crate) struct RemoteHandle<T> {
    pub(crate) state: Remote<T>,
    pub(crate) retry: Callback<()>,
}

/// Runs `load` when `key` changes (and on `retry`), tracking its outcome.
#[hook]
pub(crate) fn use_remote<K, T, F, Fut>(key: K, load: F) -> RemoteHandle<T>
where
    K: PartialEq + Clone + 'static,
    T: Clone + 'static,
    F: Fn(K) -> Fut + 'static,
    Fut: Future<Output = Result<T, FetchError>> + 'static,
{
    let state = use_state(|| Remote::Loading);
    let attempt = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((key, *attempt), move |(key, _)| {
            state.set(Remote::Loading);
            let future = load(key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match future.await {
                    Ok(value) => Remote::Ready(Rc::new(value)),
                    Err(err) => Remote::Failed(err),
                });
            });
        });
    }
    let retry = Callback::from(move |()| attempt.set(*attempt + 1));
    RemoteHandle {
        state: (*state).clone(),
        retry,
    }
}
