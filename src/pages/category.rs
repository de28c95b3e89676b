//! A category's products.

use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::pages::not_found::NotFound;
use etalase_core::{Catalog, Category};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <WithCatalog render=move |catalog| {
            let slug = params.read().get("slug").unwrap_or_default();
            category_view(&catalog, &slug)
        } />
    }
}

fn category_view(catalog: &Catalog, slug: &str) -> AnyView {
    let Some(category) = Category::from_slug(slug) else {
        return view! { <NotFound /> }.into_any();
    };
    let products: Vec<_> = catalog.products_in(category).collect();
    view! {
        <Title text=category.name_id() />
        <section class="section">
            <h1>{category.name_id()}</h1>
            <p class="result-count">{format!("{} produk", products.len())}</p>
            {product_grid(catalog, products)}
        </section>
    }
    .into_any()
}
