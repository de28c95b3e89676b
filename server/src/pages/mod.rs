//! What browsers and crawlers get besides the API: the SPA's shells, the pages the server
//! draws for first paint and share previews, share images, and the guard every request passes.

pub mod guard;
pub mod og;
pub mod spa;
