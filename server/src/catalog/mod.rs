//! The public catalog: the snapshot every request reads (parsed, serialised, compressed and
//! indexed once per version), its JSON API, and search.

pub mod api;
pub mod search;
pub mod snapshot;
