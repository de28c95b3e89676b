//! The partner's order list ("Daftar Pesanan"): products and quantities collected across IKM,
//! kept in the browser (localStorage) across reloads and visits, no account needed.

use etalase_core::{Rupiah, Slug};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "etalase.daftar-pesanan";

/// One product in the list, with the unit price the partner saw when adding it, so the
/// server can tell when a price changed since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    pub product: Slug,
    pub quantity: u32,
    #[serde(default)]
    pub note: String,
    pub seen_unit_price: Rupiah,
}

#[derive(Clone, Copy)]
pub struct OrderList(pub RwSignal<Vec<DraftLine>>);

impl OrderList {
    /// The list as stored; a missing, unreadable or corrupt entry is an empty list.
    pub fn load() -> OrderList {
        OrderList(RwSignal::new(read_storage().unwrap_or_default()))
    }

    /// Keeps localStorage in step with the list, and the list in step with what another tab
    /// writes there (so no tab writes back a list older than the one on screen elsewhere).
    pub fn persist(self) {
        Effect::new(move |_| {
            let lines = self.0.get();
            write_storage(&lines);
        });
        crate::browser::on_storage_change(STORAGE_KEY, move || {
            let stored = read_storage().unwrap_or_default();
            if self.0.with_untracked(|lines| *lines != stored) {
                self.0.set(stored);
            }
        });
    }

    pub fn quantity_of(self, product: &Slug) -> Option<u32> {
        self.0
            .read()
            .iter()
            .find(|l| &l.product == product)
            .map(|l| l.quantity)
    }

    /// Adds the product, or sets its quantity if it is already listed.
    pub fn put(self, product: Slug, quantity: u32, seen_unit_price: Rupiah) {
        self.0.update(
            |lines| match lines.iter_mut().find(|l| l.product == product) {
                Some(line) => {
                    line.quantity = quantity;
                    line.seen_unit_price = seen_unit_price;
                }
                None => lines.push(DraftLine {
                    product,
                    quantity,
                    note: String::new(),
                    seen_unit_price,
                }),
            },
        );
    }

    /// The partner's note for one line (a colour, a label, a size).
    pub fn set_note(self, product: &Slug, note: String) {
        self.0.update(|lines| {
            if let Some(line) = lines.iter_mut().find(|l| &l.product == product) {
                line.note = note;
            }
        });
    }

    pub fn remove(self, product: &Slug) {
        self.0
            .update(|lines| lines.retain(|l| &l.product != product));
    }

    pub fn count(self) -> usize {
        self.0.read().len()
    }
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn read_storage() -> Option<Vec<DraftLine>> {
    #[cfg(target_arch = "wasm32")]
    {
        let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
        crate::json::parse(&text).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = STORAGE_KEY;
        None
    }
}

fn write_storage(lines: &[DraftLine]) {
    #[cfg(target_arch = "wasm32")]
    {
        if let (Some(storage), Ok(json)) = (storage(), crate::json::stringify(lines)) {
            // Full or disabled storage: the list lives on in this tab only.
            let _ = storage.set_item(STORAGE_KEY, &json);
        }
        write_cookie(lines);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = lines;
}

/// Mirrors the list into the cookie the server draws `/daftar-pesanan` from
/// ([`etalase_core::list_cookie`]); written at every start too, so the cookie follows the
/// stored list even when it was kept before cookies were.
#[cfg(target_arch = "wasm32")]
fn write_cookie(lines: &[DraftLine]) {
    use etalase_core::list_cookie;
    let Some(window) = web_sys::window() else {
        return;
    };
    let secure = window
        .location()
        .protocol()
        .is_ok_and(|protocol| protocol == "https:");
    let value = list_cookie::encode(
        lines
            .iter()
            .map(|l| (l.product.as_str(), l.quantity, l.note.as_str())),
    );
    if let Some(document) = window.document() {
        // Cookies refused (a privacy setting): the server draws an empty list, and the
        // loader starts the app at once because the browser holds one.
        let _ = js_sys::Reflect::set(
            &document,
            &"cookie".into(),
            &list_cookie::cookie(&value, secure).into(),
        );
    }
}
