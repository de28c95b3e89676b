//! What the browser gives every page: values kept in localStorage, keys from its
//! cryptographic random source, and today's date in Lampung. Native builds (tests) get
//! nothing stored, a fixed key and the system clock.

use etalase_core::Date;
use serde::Serialize;

/// The value kept under `key`, if there is one that still reads as `T`.
pub fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    crate::json::parse(&load_text(key)?).ok()
}

/// Whether the server's rendering of the page (`#prerender`) is still on screen: the app
/// takes its place once the page's data is here.
pub fn server_rendering_shown() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("prerender"))
            .is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// The text kept under `key`, if any.
pub fn load_text(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let storage = web_sys::window()?.local_storage().ok().flatten()?;
        storage.get_item(key).ok().flatten()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` under `key`; `None` forgets it. A full or refused storage loses only the copy.
pub fn save<T: Serialize>(key: &str, value: Option<&T>) {
    #[cfg(target_arch = "wasm32")]
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value.and_then(|v| crate::json::stringify(v).ok()) {
            Some(json) => storage.set_item(key, &json),
            None => storage.remove_item(key),
        };
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value.is_some());
}

/// When another tab of this site changes `key` in localStorage (or clears it all), `f` runs
/// here; the tab that wrote it is not told (the browser's `storage` event).
pub fn on_storage_change(key: &'static str, f: impl Fn() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let listener = move |event: web_sys::Event| {
            let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
                return;
            };
            // No key: the whole storage was cleared.
            if event.key().is_none_or(|k| k == key) {
                f();
            }
        };
        // For the app's lifetime, like the app itself.
        let _ = leptos::prelude::window_event_listener_untyped("storage", listener);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, f);
}

/// Milliseconds since the Unix epoch by this device's clock.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0)
}

/// Seconds since the Unix epoch by this device's clock.
pub fn now_secs() -> i64 {
    (now_ms() / 1000.0).floor() as i64
}

/// Today in Lampung (WIB, UTC+7), as the server counts it.
pub fn today_wib() -> Date {
    Date::from_days(((now_ms() / 1000.0 + 7.0 * 3600.0) / 86_400.0).floor() as i64)
}

/// A fresh Idempotency-Key for one submission, `<prefix>-` and 128 bits from the browser's
/// cryptographic random source. The server seals the submission's secret (a tracking or a
/// need's link) with a pad derived from this key, so the key must be as unguessable as the
/// secret (`Math.random` is not).
pub fn new_key(prefix: &str) -> String {
    let hex: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

#[cfg(target_arch = "wasm32")]
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Only in a browser without Web Crypto (none we support): still unique per draft.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// Native builds (tests) never submit: any key will do.
#[cfg(not(target_arch = "wasm32"))]
fn random_bytes() -> [u8; 16] {
    [0; 16]
}
