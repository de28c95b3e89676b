//! Etalase IKM Lampung: the storefront single-page app, and the staff app (desk, admin)
//! built from the same library as a second wasm that buyers never download.

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod i18n;
pub mod json;
pub mod order_list;
pub mod outbox;
pub mod pages;
pub mod share;
pub mod shelf;
pub mod staff;

/// A static host serves `/produk/x` as `/produk/x/` (a folder with `index.html`): the app's
/// routes have no trailing slash, so the address loses it before the router reads it.
fn drop_trailing_slash() {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let location = w.location();
        let path = location.pathname().unwrap_or_default();
        if path.len() > 1 && path.ends_with('/') {
            let search = location.search().unwrap_or_default();
            let clean = format!("{}{search}", path.trim_end_matches('/'));
            if let Ok(history) = w.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
            }
        }
    }
}

/// Mounts the storefront on `<body>`. A panic is logged to the console with its message.
pub fn start() {
    console_error_panic_hook::set_once();
    drop_trailing_slash();
    components::layout::remember_served_title();
    leptos::mount::mount_to_body(app::App);
}

/// Mounts the staff app (desk, admin, login, account) on `<body>`.
pub fn start_staff() {
    console_error_panic_hook::set_once();
    drop_trailing_slash();
    leptos::mount::mount_to_body(staff::app::StaffApp);
}
