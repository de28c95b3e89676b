//! Passing a link on: the phone's own share sheet where the browser has one (Web Share API),
//! else WhatsApp, which is how links travel here; and copying to the clipboard.

use etalase_core::phone::wa_share_link;

/// A `wa.me` link that lets the person pick a chat and sends `text` followed by `url`.
pub fn whatsapp_share_url(text: &str, url: &str) -> String {
    wa_share_link(&format!("{text}\n{url}"))
}

/// The page's own address with `path` (which starts with `/`) appended.
pub fn absolute_url(path: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    #[cfg(not(target_arch = "wasm32"))]
    let origin = String::new();
    format!("{origin}{path}")
}

/// Opens the share sheet with `title`, `text` and `url`; where the browser has none, opens
/// WhatsApp's chat picker in a new tab. A person closing the sheet is not an error.
pub fn share(title: &str, text: &str, url: &str) {
    if !web_share(title, text, url) {
        #[cfg(target_arch = "wasm32")]
        if let Some(w) = web_sys::window() {
            let _ = w.open_with_url_and_target(&whatsapp_share_url(text, url), "_blank");
        }
    }
}

/// `facebook.com/sharer` for `url`.
pub fn facebook_share_url(url: &str) -> String {
    format!(
        "https://www.facebook.com/sharer/sharer.php?u={}",
        etalase_core::phone::percent_encode(url)
    )
}

/// `t.me/share` for `url` with `text`.
pub fn telegram_share_url(text: &str, url: &str) -> String {
    use etalase_core::phone::percent_encode;
    format!(
        "https://t.me/share/url?url={}&text={}",
        percent_encode(url),
        percent_encode(text)
    )
}

/// The current page's full address (with its query, for a search).
pub fn current_url() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// `navigator.share(…)` when it exists; `false` when the browser has no share sheet.
#[cfg(not(target_arch = "wasm32"))]
pub fn web_share(title: &str, text: &str, url: &str) -> bool {
    let _ = (title, text, url);
    false
}

/// `navigator.share(…)` when it exists; `false` when the browser has no share sheet.
#[cfg(target_arch = "wasm32")]
pub fn web_share(title: &str, text: &str, url: &str) -> bool {
    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Some(share) = Reflect::get(&navigator, &JsValue::from_str("share"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    // A tap kept while the app loaded (Trunk.toml) may outlive its user gesture on a slow
    // link; the browser would then refuse its sheet without a word, so ours opens instead.
    let gesture = Reflect::get(&navigator, &JsValue::from_str("userActivation"))
        .ok()
        .filter(JsValue::is_object)
        .and_then(|u| Reflect::get(&u, &JsValue::from_str("isActive")).ok())
        .and_then(|v| v.as_bool());
    if gesture == Some(false) {
        return false;
    }
    let data = Object::new();
    for (key, value) in [("title", title), ("text", text), ("url", url)] {
        let _ = Reflect::set(&data, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    match share.call1(&navigator, &data) {
        Ok(result) => {
            // Closing the sheet rejects the promise: swallow it rather than log an error.
            if let Ok(promise) = result.dyn_into::<Promise>() {
                let ignore = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
                let _ = promise.catch(&ignore);
                ignore.forget();
            }
            true
        }
        Err(_) => false,
    }
}

/// Copies `text` to the clipboard; the caller shows "copied".
pub fn copy_to_clipboard(text: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facebook_and_telegram_links_carry_the_page() {
        let url = "https://etalase.example/produk/kopi?x=1&y=2";
        assert_eq!(
            facebook_share_url(url),
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fetalase.example%2Fproduk%2Fkopi%3Fx%3D1%26y%3D2"
        );
        assert!(telegram_share_url("Kopi", url).ends_with("&text=Kopi"));
    }

    #[test]
    fn whatsapp_share_links_carry_the_text_and_the_link() {
        let url = whatsapp_share_url(
            "Pesanan ETL-2026-000001",
            "https://etalase.example/pesanan/ETL-2026-000001?t=ab",
        );
        assert!(url.starts_with("https://wa.me/?text=Pesanan%20ETL-2026-000001%0A"));
        assert!(url.contains("https%3A%2F%2Fetalase.example%2Fpesanan%2FETL-2026-000001%3Ft%3Dab"));
    }
}
