//! A category's products: the search view with the category fixed by the path.

use crate::pages::not_found::NotFound;
use crate::pages::search::SearchView;
use etalase_core::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = params.read().get("slug").unwrap_or_default();
        match Category::from_slug(&slug) {
            Some(category) => view! { <SearchView fixed_category=Some(category) /> }.into_any(),
            None => view! { <NotFound /> }.into_any(),
        }
    }
}
