//! One screen per file.

pub mod category;
pub mod checkout;
pub mod home;
pub mod ikm;
pub mod invoice;
pub mod not_found;
pub mod order_list;
pub mod product;
pub mod search;
pub mod tracking;
