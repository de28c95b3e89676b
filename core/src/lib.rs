//! Domain types and rules of Etalase IKM Lampung, written once for the SPA (wasm) and the server.

pub mod account;
pub mod admin;
pub mod api;
pub mod asset;
pub mod catalog;
pub mod category;
pub mod date;
pub mod invoice;
pub mod kabupaten;
pub mod list_cookie;
pub mod locale;
pub mod money;
pub mod need;
#[cfg(feature = "openapi")]
mod openapi;
pub mod order;
pub mod phone;
pub mod preview;
pub mod product_edit;
pub mod request;
pub mod sample;
pub mod search;
pub mod shelf;
pub mod slug;

pub use catalog::{
    Availability, Catalog, CatalogData, CatalogError, Ikm, Image, LegalIds, PriceTier, Product,
};
pub use category::Category;
pub use date::{Date, Holidays};
pub use kabupaten::Kabupaten;
pub use locale::Locale;
pub use money::Rupiah;
pub use phone::Phone;
pub use slug::Slug;
