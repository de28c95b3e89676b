//! Etalase IKM Lampung: the storefront single-page app.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod order_list;
pub mod pages;
pub mod session;
pub mod share;

/// Mounts the app on `<body>`. A panic is logged to the console with its message.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
