//! The IKM desk's API: an IKM's own orders and products, and product photos. Another IKM's
//! order or product answers 404, as if it did not exist.

pub mod needs;
pub mod orders;
pub mod photo;
pub mod products;

use crate::AppState;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    orders::routes()
        .merge(products::routes())
        .merge(needs::routes())
}
