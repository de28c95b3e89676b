//! Order requests on a weak signal. A request the partner submits is first written to this
//! browser's storage with its Idempotency-Key (the "outbox"), then sent. Without a signal it
//! stays there, shown as "menunggu sinyal" with what will be sent, and goes out by itself when
//! the phone is back online, on a timer while it waits, or at the next visit if the tab was
//! closed. However often it is sent (two tabs, a retry after a lost answer), the key makes the
//! server store it once and answer every repeat with the same request; the outbox is emptied
//! only by an answer. What the partner typed (the draft) and what came back live here too, so
//! any page can finish a request and the checkout shows the outcome.

use crate::api::{post_json, FetchError};
use crate::browser::{load, load_text, now_secs, on_storage_change, save};
use crate::order_list::OrderList;
use etalase_core::api::{outbox_may_resend, OrderCreated, ORDERS_PATH};
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
    /// The body the key was made for: the same body sent again keeps the key (so the server
    /// answers a repeat with the request it stored), a changed body gets a new one.
    #[serde(default)]
    pub keyed: Option<RequestInput>,
}

/// A request written down and not yet answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub key: String,
    pub body: RequestInput,
    /// The language its messages come back in (`id` or `en`).
    pub language: String,
    /// When it was written down (Unix seconds, this phone's clock): past
    /// [`etalase_core::api::OUTBOX_RESEND_SECS`] it is no longer sent by itself.
    #[serde(default = "now_secs")]
    pub queued_at: i64,
    /// A send was started (written down before it goes, so every tab knows): the server may
    /// hold it even if no answer came.
    #[serde(default)]
    pub tried: bool,
}

impl Pending {
    /// As it can be sent: storage is the user's to change, and a key or language no header
    /// can carry would make every send fail before it leaves. Such a key never reached the
    /// server, so another loses nothing; it is derived from the stored one, so every open tab
    /// that repairs it sends under the same key (and the server stores it once).
    fn sound(mut self) -> Pending {
        if !etalase_core::api::is_idempotency_key(&self.key) {
            self.key = repaired_key(&self.key);
        }
        if !matches!(self.language.as_str(), "id" | "en") {
            self.language = "id".to_owned();
        }
        self
    }
}

/// Stored requests the checkout keeps showing, at most.
const KEPT_CREATED: usize = 5;

/// The stored requests kept, newest first (an older build kept one alone).
fn load_created() -> Vec<OrderCreated> {
    let Some(text) = load_text(CREATED_KEY) else {
        return Vec::new();
    };
    // Each kept request on its own: one that does not read spoils only itself.
    let mut kept = crate::json::parse_each::<OrderCreated>(&text)
        .or_else(|| {
            crate::json::parse::<OrderCreated>(&text)
                .ok()
                .map(|one| vec![one])
        })
        .unwrap_or_default();
    kept.retain(OrderCreated::tracks_itself);
    kept.truncate(KEPT_CREATED);
    kept
}

/// The request kept in storage as `raw`, as it can be sent; `None` when what it asks for no
/// longer reads (nothing to send). Storage is the user's to change, and an older build may
/// have written another shape, so a part that does not read is taken the safe way: the key
/// is derived from the text (every tab derives the same, and the server stores it once), a
/// send is taken to have started (the server may hold it). One of unknown age is not sent.
pub fn read_pending(raw: &str) -> Option<Pending> {
    if let Ok(pending) = crate::json::parse::<Pending>(raw) {
        return Some(pending.sound());
    }
    let parts = crate::json::Fields::parse(raw)?;
    let pending = Pending {
        body: parts.get::<RequestInput>("body")?,
        key: parts.get("key").unwrap_or_else(|| repaired_key(raw)),
        language: parts.get("language").unwrap_or_default(),
        // Of unknown age it may be older than the server's memory of its key: not sent by
        // itself.
        queued_at: parts.get("queued_at")?,
        tried: parts.get("tried").unwrap_or(true),
    };
    Some(pending.sound())
}

/// The request this browser holds, and whether it held one that no longer reads at all.
fn stored_pending() -> (Option<Pending>, bool) {
    match load_text(PENDING_KEY).map(|raw| read_pending(&raw)) {
        None => (None, false),
        Some(Some(pending)) => (Some(pending), false),
        Some(None) => (None, true),
    }
}

/// An answer (or its absence) that sends the partner back to the form, nothing lost.
#[derive(Clone, Debug, PartialEq)]
pub enum Returned {
    /// Prices moved since the list was made: shown for the partner to confirm.
    PricesChanged(Vec<PriceChange>),
    /// Fields the server refused (a needed-by date no longer reachable, say).
    Fields(BTreeMap<String, String>),
    /// Refused for another reason; the message is the server's.
    Refused(String),
    /// It waited too long to be sent by itself (written down at these Unix seconds).
    Expired(i64),
    /// The partner took it back before an answer came; `tried`: a send had started, so the
    /// server may hold it.
    Withdrawn { tried: bool },
    /// The server holds another request under this key: this one may have arrived already.
    KeyReused,
    /// A request was written down here that no longer reads (storage changed by hand, or an
    /// older build wrote it in another shape): the form and the list are as they were.
    Unreadable,
}

/// Why a written-down request has not gone yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// No answer at all: no signal, or the send timed out.
    NoSignal,
    /// The server is there and asks to wait (busy, overloaded, still working on this key).
    Busy,
    /// Something answered that is not our server (a Wi-Fi login page, a proxy), with its
    /// status when it gave one.
    Unreadable(Option<u16>),
}

#[derive(Clone, Copy)]
pub struct Outbox {
    pub draft: RwSignal<Draft>,
    pub pending: RwSignal<Option<Pending>>,
    /// The requests stored since the partner last started a new one, newest first (two tabs
    /// may each have stored one: each keeps its tracking link).
    pub created: RwSignal<Vec<OrderCreated>>,
    pub returned: RwSignal<Option<Returned>>,
    pub sending: RwSignal<bool>,
    /// Why the last try did not go through (`None`: not tried yet, or it went).
    pub waiting: RwSignal<Option<Wait>>,
    /// A request went out while the partner was on another page: the frame points to it.
    pub unseen: RwSignal<bool>,
    list: OrderList,
}

impl Outbox {
    /// The outbox as this browser kept it, saved on every change and reloaded when another
    /// tab changes it, sending what waits now and whenever the phone comes back online.
    pub fn start(list: OrderList) -> Outbox {
        let (pending, lost) = stored_pending();
        let outbox = Outbox {
            draft: RwSignal::new(load::<Draft>(DRAFT_KEY).unwrap_or_default()),
            pending: RwSignal::new(pending),
            created: RwSignal::new(load_created()),
            returned: RwSignal::new(lost.then_some(Returned::Unreadable)),
            sending: RwSignal::new(false),
            waiting: RwSignal::new(None),
            unseen: RwSignal::new(false),
            list,
        };
        Effect::new(move |_| save(DRAFT_KEY, Some(&outbox.draft.get())));
        Effect::new(move |_| save(PENDING_KEY, outbox.pending.get().as_ref()));
        Effect::new(move |_| {
            outbox
                .created
                .with(|c| save(CREATED_KEY, (!c.is_empty()).then_some(c)))
        });
        outbox.follow_other_tabs();
        outbox.wake_on_signal();
        if outbox.pending.get_untracked().is_some() {
            outbox.flush();
        }
        outbox
    }

    /// Writes the request down under its key, then sends it.
    pub fn submit(self, body: RequestInput, language: &str) {
        let kept = self
            .draft
            .with_untracked(|d| match (&d.idempotency_key, &d.keyed) {
                (Some(key), Some(keyed)) if *keyed == body => Some(key.clone()),
                _ => None,
            });
        let key = kept.unwrap_or_else(|| crate::browser::new_key("etl"));
        self.draft.update(|d| {
            d.idempotency_key = Some(key.clone());
            d.keyed = Some(body.clone());
        });
        self.returned.set(None);
        self.waiting.set(None);
        self.pending.set(Some(Pending {
            key,
            body,
            language: language.to_owned(),
            queued_at: now_secs(),
            tried: false,
        }));
        self.flush();
    }

    /// Sends what waits, once at a time in this tab; a request that waited too long goes back
    /// to the partner instead.
    pub fn flush(self) {
        if self.sending.get_untracked() {
            return;
        }
        let Some(pending) = self.pending.get_untracked() else {
            return;
        };
        if !outbox_may_resend(pending.queued_at, now_secs()) {
            self.back_to_form(Returned::Expired(pending.queued_at));
            return;
        }
        // A phone that knows it is offline sends nothing; any other try may reach the server.
        let pending = Pending {
            tried: pending.tried || online(),
            ..pending.sound()
        };
        if self
            .pending
            .with_untracked(|p| p.as_ref() != Some(&pending))
        {
            self.pending.set(Some(pending.clone()));
        }
        self.sending.set(true);
        leptos::task::spawn_local(async move {
            let headers = [
                ("Idempotency-Key", pending.key.as_str()),
                ("Accept-Language", pending.language.as_str()),
            ];
            let result = post_json::<_, OrderCreated>(ORDERS_PATH, &headers, &pending.body).await;
            self.sending.set(false);
            let still_waiting =
                self.pending.get_untracked().as_ref().map(|p| &p.key) == Some(&pending.key);
            match result {
                Ok(done) if !still_waiting => {
                    // Taken back, or settled by another tab, meanwhile: it is stored all the
                    // same, and the partner must get its tracking link.
                    self.stored(done, &pending.body);
                }
                _ if !still_waiting => {}
                result => self.settle(&pending.body, result),
            }
        });
    }

    /// The partner takes the request back (not while this tab sends it: its answer could
    /// be a stored request). The form comes back as it was; if a send had started, the
    /// partner is told the request may have arrived, and that submitting it unchanged is
    /// recognised as the same.
    pub fn withdraw(self) {
        if self.sending.get_untracked() {
            return;
        }
        let tried = self
            .pending
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.tried));
        self.back_to_form(Returned::Withdrawn { tried });
    }

    fn back_to_form(self, returned: Returned) {
        self.pending.set(None);
        self.waiting.set(None);
        self.returned.set(Some(returned));
    }

    fn settle(self, sent: &RequestInput, result: Result<OrderCreated, FetchError>) {
        match result {
            Ok(done) => {
                self.pending.set(None);
                self.waiting.set(None);
                self.stored(done, sent);
            }
            Err(FetchError::Api { error, .. }) if error.code == "idempotency_key_reused" => {
                // Its key belongs to another request: the next try needs a new one.
                self.draft.update(|d| {
                    d.idempotency_key = None;
                    d.keyed = None;
                });
                self.back_to_form(Returned::KeyReused)
            }
            Err(FetchError::Api { error, .. }) if error.code == "price_changed" => {
                self.back_to_form(Returned::PricesChanged(error.price_changes))
            }
            Err(FetchError::Api { status: 422, error }) => {
                self.back_to_form(Returned::Fields(error.fields))
            }
            // No signal, or a send that never finished: the same request goes again later.
            Err(FetchError::Network(_)) => self.waiting.set(Some(Wait::NoSignal)),
            // Our server, asking to wait: overloaded, down for a moment, or still storing this
            // very request from an earlier try.
            Err(FetchError::Api { status, error })
                if status >= 500
                    || status == 429
                    || status == 408
                    || error.code == "idempotency_key_busy" =>
            {
                self.waiting.set(Some(Wait::Busy))
            }
            Err(FetchError::Api { error, .. }) => {
                self.back_to_form(Returned::Refused(error.message))
            }
            Err(FetchError::Status(status)) if status >= 500 || status == 429 || status == 408 => {
                self.waiting.set(Some(Wait::Busy))
            }
            // Not our server's answer (a hotel Wi-Fi's login page, a proxy): nothing was
            // stored by us, and the same request goes again later.
            Err(FetchError::Status(status)) => {
                self.waiting.set(Some(Wait::Unreadable(Some(status))))
            }
            Err(FetchError::Decode(_)) => self.waiting.set(Some(Wait::Unreadable(None))),
        }
    }

    fn stored(self, done: OrderCreated, sent: &RequestInput) {
        // A repeat answers with the request already stored: one entry per code.
        if self.created.with_untracked(|c| c.first() != Some(&done)) {
            self.created.update(|c| {
                c.retain(|kept| kept.code != done.code);
                c.insert(0, done);
                c.truncate(KEPT_CREATED);
            });
        }
        self.forget_sent(sent);
        if !on_checkout() {
            self.unseen.set(true);
        }
    }

    /// A stored request leaves the list and the form what was sent in it, and nothing the
    /// partner added or changed since (in this tab or another).
    fn forget_sent(self, sent: &RequestInput) {
        let was_sent = |line: &crate::order_list::DraftLine| {
            sent.lines.iter().any(|s| {
                s.product == line.product.as_str()
                    && s.quantity == line.quantity
                    && s.note == line.note
            })
        };
        if self
            .list
            .0
            .with_untracked(|lines| lines.iter().any(was_sent))
        {
            self.list.0.update(|lines| lines.retain(|l| !was_sent(l)));
        }
        // Contact details stay for the next request; the key, and what was only for this
        // one, do not.
        self.draft.update(|d| {
            d.idempotency_key = None;
            d.keyed = None;
            let form = &mut d.form;
            if form.needed_by == sent.needed_by {
                form.needed_by.clear();
            }
            if form.purpose == sent.purpose {
                form.purpose.clear();
            }
            if form.notes == sent.notes {
                form.notes.clear();
            }
        });
    }

    /// Another tab of the site writes the same storage: what it writes is taken here, so a
    /// tab never writes back an older draft, list or request over a newer one, and every tab
    /// shows a request waiting (or sent) wherever it was written down.
    fn follow_other_tabs(self) {
        on_storage_change(DRAFT_KEY, move || {
            let stored = load::<Draft>(DRAFT_KEY).unwrap_or_default();
            if self.draft.with_untracked(|d| *d != stored) {
                self.draft.set(stored);
            }
        });
        on_storage_change(PENDING_KEY, move || {
            let (stored, lost) = stored_pending();
            if lost {
                self.returned.set(Some(Returned::Unreadable));
            }
            if self.pending.with_untracked(|p| *p != stored) {
                if stored.is_none() {
                    self.waiting.set(None);
                }
                self.pending.set(stored);
            }
        });
        on_storage_change(CREATED_KEY, move || {
            let stored = load_created();
            if self.created.with_untracked(|c| *c != stored) {
                let new = self
                    .created
                    .with_untracked(|c| stored.iter().any(|s| !c.contains(s)));
                if new && !on_checkout() {
                    self.unseen.set(true);
                }
                self.created.set(stored);
            }
        });
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

/// A valid key that only `bad` gives: 128 bits of two FNV-1a hashes of it.
fn repaired_key(bad: &str) -> String {
    let fnv = |basis: u64| {
        bad.bytes().fold(basis, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "etl-{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

fn online() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(target_arch = "wasm32"))]
    true
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_no_header_can_carry_is_repaired_the_same_way_in_every_tab() {
        let bad = Pending {
            key: "bad key!\n".to_owned(),
            body: RequestInput::default(),
            language: "fr".to_owned(),
            queued_at: 0,
            tried: false,
        };
        let once = bad.clone().sound();
        assert!(etalase_core::api::is_idempotency_key(&once.key));
        assert_eq!(once.language, "id");
        assert_eq!(once.key, bad.clone().sound().key);
        let other = Pending {
            key: "bad key?".to_owned(),
            ..bad
        };
        assert_ne!(other.sound().key, once.key);
        // A sound request is left as it is.
        assert_eq!(once.clone().sound(), once);
    }
}
