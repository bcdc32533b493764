//! Sends the outbox, from the page's side: asks the worker to send each
//! entry that is due, one at a time, and tells the screens how far it got.
//! Runs when the app starts, when the device comes back online, after a
//! dossier is sealed, and when the citizen presses "try again".

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::services::outbox;
use crate::services::worker;

/// Progress of the entries being sent: dossier id → (sent, total) bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sending {
    pub(crate) progress: HashMap<String, (u64, u64)>,
    /// Bumped whenever an entry's stored state may have changed.
    pub(crate) revision: u64,
}

/// A change to [`Sending`].
#[derive(Debug, Clone)]
pub(crate) enum SendingAction {
    Progress(String, u64, u64),
    Changed(String),
}

impl Reducible for Sending {
    type Action = SendingAction;

    fn reduce(self: Rc<Self>, action: SendingAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SendingAction::Progress(id, sent, total) => {
                next.progress.insert(id, (sent, total));
            }
            SendingAction::Changed(id) => {
                next.progress.remove(&id);
                next.revision += 1;
            }
        }
        Rc::new(next)
    }
}

/// The sending context.
pub(crate) type SendingContext = UseReducerHandle<Sending>;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// A round asked for while one was running: `Some(force)`.
    static AGAIN: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
    /// The timer of the next automatic retry.
    static NEXT_ROUND: std::cell::RefCell<Option<gloo::timers::callback::Timeout>> =
        const { std::cell::RefCell::new(None) };
}

/// Plans the next round at the earliest retry time of a failed entry.
fn schedule(state: SendingContext, entries: &[outbox::OutboxEntry]) {
    let now = js_sys::Date::now();
    let next = entries
        .iter()
        .filter_map(|e| match e.delivery() {
            outbox::Delivery::Failed {
                retryable: true,
                next_attempt_at: Some(at),
                ..
            } => Some(*at),
            _ => None,
        })
        .fold(None, |min: Option<f64>, at| {
            Some(min.map_or(at, |m| m.min(at)))
        });
    let timer = next.map(|at| {
        let delay = (at - now).clamp(1_000.0, 3_600_000.0) as u32;
        gloo::timers::callback::Timeout::new(delay, move || send_due(state, None))
    });
    NEXT_ROUND.with(|slot| *slot.borrow_mut() = timer);
}

/// Sends every entry that is due, unless a round is already going. With
/// `force`, failed entries are tried again now too.
pub(crate) fn send_due(state: SendingContext, force: Option<String>) {
    if RUNNING.with(|r| r.replace(true)) {
        // Run another round when this one ends, so a press of "try again"
        // or a return online is never lost.
        AGAIN.with(|again| {
            let mut again = again.borrow_mut();
            if again.as_ref().is_none_or(|f| f.is_none()) {
                *again = Some(force);
            }
        });
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let entries = outbox::list().await.unwrap_or_default();
        let now = js_sys::Date::now();
        for entry in entries {
            let forced = force.as_deref() == Some(entry.id.as_str());
            if !(forced || entry.wants_sending(now)) {
                continue;
            }
            let id = entry.id.clone();
            let progress = {
                let state = state.clone();
                let id = id.clone();
                Callback::from(move |(sent, total): (u64, u64)| {
                    state.dispatch(SendingAction::Progress(id.clone(), sent, total));
                })
            };
            state.dispatch(SendingAction::Progress(id.clone(), 0, 0));
            // However it ended, the entry in device storage says; a worker
            // that did not answer leaves the entry as it was, to be tried
            // again on the next round.
            let _ = worker::send_entry(id.clone(), forced, progress).await;
            state.dispatch(SendingAction::Changed(id));
        }
        RUNNING.with(|r| r.set(false));
        if let Some(force) = AGAIN.with(|again| again.borrow_mut().take()) {
            send_due(state, force);
            return;
        }
        let entries = outbox::list().await.unwrap_or_default();
        schedule(state, &entries);
    });
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct SenderProps {
    pub(crate) children: Html,
}

/// Provides [`SendingContext`] and sends the outbox when the app starts and
/// whenever the device comes back online.
#[component]
pub(crate) fn Sender(props: &SenderProps) -> Html {
    let state = use_reducer(Sending::default);
    {
        let state = state.clone();
        use_effect_with((), move |()| {
            send_due(state.clone(), None);
            let window = gloo::utils::window();
            let listener = gloo::events::EventListener::new(&window, "online", move |_| {
                send_due(state.clone(), None);
            });
            move || drop(listener)
        });
    }
    html! {
        <ContextProvider<SendingContext> context={state}>
            { props.children.clone() }
        </ContextProvider<SendingContext>>
    }
}
