//! The staff app: the IKM desk, the Disperindag admin, login and account. It is built as its
//! own wasm (`etalase-staf`, served under `/staf/`), so a buyer never downloads a byte of it;
//! it shares `core`, the API client and the components it needs with the storefront.
//!
//! The two apps meet only through full page loads: a link from one to the other carries
//! `rel="external"`, so neither router tries to draw a page it does not have.

pub mod account;
pub mod admin;
pub mod admin_needs;
pub mod app;
pub mod charts;
pub mod desk;
pub mod desk_needs;
pub mod desk_products;
pub mod login;
pub mod more_pages;
pub mod session;
pub mod texts;
