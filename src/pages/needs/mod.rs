//! Partner needs on the storefront: the public board (`/kebutuhan`), the form that posts a
//! need (`/kebutuhan/baru`), a need's public page (`/kebutuhan/<code>`), and the partner's
//! private page that compares offers and accepts them (`/kebutuhan/<code>/kelola?t=…`).
//! Every rule (validation, states, filters, paths) is core's `need` module; these screens
//! only draw it.

pub mod board;
pub mod detail;
pub mod manage;
pub mod new;

use crate::api::{get_json, FetchError};
use crate::shelf::Shelf;
use etalase_core::need::{BoardFilter, NeedBoard, NEEDS_PATH, OFFSET_PARAM};

/// `/api/v1/needs?kategori=…&kabupaten=…&offset=…`, without the empty ones.
fn board_api_path(filter: &BoardFilter, offset: usize) -> String {
    let mut params = filter.to_query();
    if offset > 0 {
        if !params.is_empty() {
            params.push('&');
        }
        params.push_str(&format!("{OFFSET_PARAM}={offset}"));
    }
    if params.is_empty() {
        NEEDS_PATH.to_owned()
    } else {
        format!("{NEEDS_PATH}?{params}")
    }
}

/// A page of the board. A static copy answers with its one file whatever the query (the
/// caller filters it), or with nothing when it has no needs file: an empty board, not an
/// error.
pub(crate) async fn board_page(
    shelf: Shelf,
    filter: &BoardFilter,
    offset: usize,
) -> Result<NeedBoard, FetchError> {
    match get_json::<NeedBoard>(&board_api_path(filter, offset)).await {
        Ok(board) => Ok(board),
        Err(FetchError::Network(e)) => Err(FetchError::Network(e)),
        Err(_) if shelf.is_static() => Ok(NeedBoard::default()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::board_api_path;
    use etalase_core::need::BoardFilter;
    use etalase_core::{Category, Kabupaten};

    #[test]
    fn board_paths_carry_only_what_is_set() {
        assert_eq!(board_api_path(&BoardFilter::default(), 0), "/api/v1/needs");
        assert_eq!(
            board_api_path(&BoardFilter::default(), 24),
            "/api/v1/needs?offset=24"
        );
        let f = BoardFilter {
            category: Some(Category::Wastra),
            kabupaten: Some(Kabupaten::Metro),
        };
        assert_eq!(
            board_api_path(&f, 48),
            "/api/v1/needs?kategori=wastra&kabupaten=metro&offset=48"
        );
    }
}
