//! Order requests on a weak signal. A request the partner submits is first written to this
//! browser's storage with its Idempotency-Key (the "outbox"), then sent. Without a signal it
//! stays there, shown as "menunggu sinyal" with what will be sent, and goes out by itself when
//! the phone is back online, on a timer while it waits, or at the next visit if the tab was
//! closed. However often it is sent (two tabs, a retry after a lost answer), the key makes the
//! server store it once and answer every repeat with the same request; the outbox is emptied
//! only by an answer. What the partner typed (the draft) and what came back live here too, so
//! any page can finish a request and the checkout shows the outcome.

use crate::api::{post_json, FetchError};
use crate::browser::{load, save};
use crate::order_list::OrderList;
use etalase_core::api::{OrderCreated, ORDERS_PATH};
use etalase_core::request::{PriceChange, RequestInput};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DRAFT_KEY: &str = "etalase.formulir-pesanan";
const CREATED_KEY: &str = "etalase.pesanan-terkirim";
const PENDING_KEY: &str = "etalase.antrean-pesanan";
/// While a request waits, it is tried again this often (a phone may say it is online with no
/// usable signal, and a busy server asks to wait).
const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// What is typed, and the key that makes its submission happen once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub form: RequestInput,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A request written down and not yet answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub key: String,
    pub body: RequestInput,
    /// The language its messages come back in (`id` or `en`).
    pub language: String,
}

/// An answer that sends the partner back to the form.
#[derive(Clone, Debug, PartialEq)]
pub enum Returned {
    /// Prices moved since the list was made: shown for the partner to confirm.
    PricesChanged(Vec<PriceChange>),
    /// Fields the server refused (a needed-by date no longer reachable, say).
    Fields(BTreeMap<String, String>),
    /// Refused for another reason; the message is the server's.
    Refused(String),
}

#[derive(Clone, Copy)]
pub struct Outbox {
    pub draft: RwSignal<Draft>,
    pub pending: RwSignal<Option<Pending>>,
    /// The last stored request, until the partner starts a new one.
    pub created: RwSignal<Option<OrderCreated>>,
    pub returned: RwSignal<Option<Returned>>,
    pub sending: RwSignal<bool>,
    /// The last try found no signal (or a server that could not answer).
    pub waiting: RwSignal<bool>,
    /// A request went out while the partner was on another page: the frame points to it.
    pub unseen: RwSignal<bool>,
    list: OrderList,
}

impl Outbox {
    /// The outbox as this browser kept it, saved on every change, sending what waits now and
    /// whenever the phone comes back online.
    pub fn start(list: OrderList) -> Outbox {
        let outbox = Outbox {
            draft: RwSignal::new(load::<Draft>(DRAFT_KEY).unwrap_or_default()),
            pending: RwSignal::new(load::<Pending>(PENDING_KEY)),
            created: RwSignal::new(load::<OrderCreated>(CREATED_KEY)),
            returned: RwSignal::new(None),
            sending: RwSignal::new(false),
            waiting: RwSignal::new(false),
            unseen: RwSignal::new(false),
            list,
        };
        Effect::new(move |_| save(DRAFT_KEY, Some(&outbox.draft.get())));
        Effect::new(move |_| save(PENDING_KEY, outbox.pending.get().as_ref()));
        Effect::new(move |_| save(CREATED_KEY, outbox.created.get().as_ref()));
        outbox.wake_on_signal();
        if outbox.pending.get_untracked().is_some() {
            outbox.flush();
        }
        outbox
    }

    /// Writes the request down under its key, then sends it.
    pub fn submit(self, body: RequestInput, language: &str) {
        let key = self
            .draft
            .with_untracked(|d| d.idempotency_key.clone())
            .unwrap_or_else(|| crate::browser::new_key("etl"));
        self.draft.update(|d| d.idempotency_key = Some(key.clone()));
        self.returned.set(None);
        self.pending.set(Some(Pending {
            key,
            body,
            language: language.to_owned(),
        }));
        self.flush();
    }

    /// Sends what waits, once at a time in this tab.
    pub fn flush(self) {
        if self.sending.get_untracked() {
            return;
        }
        let Some(pending) = self.pending.get_untracked() else {
            return;
        };
        self.sending.set(true);
        leptos::task::spawn_local(async move {
            let headers = [
                ("Idempotency-Key", pending.key.as_str()),
                ("Accept-Language", pending.language.as_str()),
            ];
            let result = post_json::<_, OrderCreated>(ORDERS_PATH, &headers, &pending.body).await;
            self.sending.set(false);
            // Another tab (or an earlier answer) may have settled it meanwhile.
            if self.pending.get_untracked().as_ref().map(|p| &p.key) != Some(&pending.key) {
                return;
            }
            self.settle(result);
        });
    }

    fn settle(self, result: Result<OrderCreated, FetchError>) {
        let back_to_form = |returned: Returned| {
            self.pending.set(None);
            self.waiting.set(false);
            // The next body differs (new prices, fixed fields): it needs its own key.
            self.draft.update(|d| d.idempotency_key = None);
            self.returned.set(Some(returned));
        };
        match result {
            Ok(done) => {
                self.pending.set(None);
                self.waiting.set(false);
                self.created.set(Some(done));
                self.list.0.set(Vec::new());
                // Contact details stay for the next request; the key does not.
                self.draft.update(|d| {
                    d.idempotency_key = None;
                    d.form.needed_by.clear();
                    d.form.purpose.clear();
                    d.form.notes.clear();
                });
                if !on_checkout() {
                    self.unseen.set(true);
                }
            }
            Err(FetchError::Api { error, .. }) if error.code == "price_changed" => {
                back_to_form(Returned::PricesChanged(error.price_changes))
            }
            Err(FetchError::Api { status: 422, error }) => {
                back_to_form(Returned::Fields(error.fields))
            }
            // No signal, a server that could not answer now, or one asking to wait: the same
            // request goes again later.
            Err(FetchError::Network(_)) => self.waiting.set(true),
            Err(FetchError::Api { status, .. } | FetchError::Status(status))
                if status >= 500 || status == 429 || status == 408 =>
            {
                self.waiting.set(true)
            }
            Err(FetchError::Api { error, .. }) => back_to_form(Returned::Refused(error.message)),
            Err(FetchError::Status(_) | FetchError::Decode(_)) => self.waiting.set(true),
        }
    }

    /// Sends again when the browser says the signal is back, and every [`RETRY_EVERY`] while
    /// something waits.
    fn wake_on_signal(self) {
        #[cfg(target_arch = "wasm32")]
        {
            let online = move |_: web_sys::Event| self.flush();
            let _ = leptos::prelude::window_event_listener_untyped("online", online);
            let _ = set_interval_with_handle(
                move || {
                    if self.pending.get_untracked().is_some() {
                        self.flush();
                    }
                },
                RETRY_EVERY,
            );
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (self, RETRY_EVERY);
    }
}

fn on_checkout() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|p| p == "/ajukan")
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}
