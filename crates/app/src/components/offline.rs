//! The offline indicator: one line under the header while the device has
//! no network, so that a citizen knows why nothing is sent and that what
//! they type is kept (issue #11, item 13).

use gloo::events::EventListener;
use yew::prelude::*;

use crate::state::use_lang;
use crate::text::tr;

/// Shows "you are offline" while `navigator.onLine` is false.
#[component]
pub(crate) fn OfflineIndicator() -> Html {
    let lang = use_lang();
    let online = use_state(|| gloo::utils::window().navigator().on_line());
    {
        let online = online.clone();
        use_effect_with((), move |()| {
            let window = gloo::utils::window();
            let listen = |kind: &'static str, value: bool| {
                let online = online.clone();
                EventListener::new(&window, kind, move |_| online.set(value))
            };
            let listeners = [listen("online", true), listen("offline", false)];
            move || drop(listeners)
        });
    }
    // The live region stays in the page, so that the change is announced.
    html! {
        <div class="mc-connection" role="status">
            if !*online {
                <p class="mc-offline" id="mc-offline">{ tr(lang,
                    "Bạn đang ngoại tuyến. Những gì bạn nhập vẫn được lưu trên thiết bị; hồ sơ sẽ được gửi khi có mạng.",
                    "You are offline. What you type is kept on this device; dossiers are sent when the network is back.") }</p>
            }
        </div>
    }
}
