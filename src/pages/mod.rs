//! The storefront's screens, one per file (the staff's are in `crate::staff`).

pub mod category;
pub mod checkout;
pub mod home;
pub mod ikm;
pub mod invoice;
pub mod needs;
pub mod not_found;
pub mod order_list;
pub mod product;
pub mod search;
pub mod tracking;
