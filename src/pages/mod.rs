//! One screen per file.

pub mod account;
pub mod admin;
pub mod category;
pub mod checkout;
pub mod desk;
pub mod desk_products;
pub mod home;
pub mod ikm;
pub mod invoice;
pub mod login;
pub mod not_found;
pub mod order_list;
pub mod product;
pub mod search;
pub mod tracking;
