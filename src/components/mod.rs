//! Reusable pieces of the storefront, one per file.

pub mod add_to_list;
pub mod catalog_view;
pub mod document;
pub mod layout;
pub mod need_facts;
pub mod product_card;
pub mod product_image;
pub mod share_button;
pub mod timeline;
