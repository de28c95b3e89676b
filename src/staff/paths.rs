//! The staff app's own page addresses that more than one page links to.

/// The desk's partner needs: `/desk/kebutuhan` (`?semua=1`: every open need).
pub const DESK_NEEDS_PAGE: &str = "/desk/kebutuhan";

/// One need at the desk: `/desk/kebutuhan/<code>`.
pub fn desk_need_page(code: &str) -> String {
    format!("{DESK_NEEDS_PAGE}/{code}")
}
