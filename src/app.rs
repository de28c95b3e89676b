//! The router and the page frame: header with search, content, footer, bottom navigation.

use crate::api::{fetch_catalog, FetchError};
use crate::components::layout::{BottomNav, SiteFooter, SiteHeader};
use crate::pages::{
    category::CategoryPage, home::HomePage, ikm::IkmPage, not_found::NotFound,
    product::ProductPage, search::SearchPage,
};
use etalase_core::Catalog;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::sync::Arc;

/// The whole catalog, loaded once and shared by every page.
pub type CatalogResource = LocalResource<Result<Arc<Catalog>, FetchError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let catalog: CatalogResource = LocalResource::new(fetch_catalog);
    provide_context(catalog);

    view! {
        <Title formatter=|title: String| {
            if title.is_empty() {
                "Etalase IKM Lampung".to_owned()
            } else {
                format!("{title} · Etalase IKM Lampung")
            }
        } />
        <Router>
            <a class="skip-link" href="#konten">"Langsung ke konten"</a>
            <SiteHeader />
            <main id="konten" class="content" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/cari") view=SearchPage />
                    <Route path=path!("/produk/:slug") view=ProductPage />
                    <Route path=path!("/ikm/:slug") view=IkmPage />
                    <Route path=path!("/kategori/:slug") view=CategoryPage />
                </Routes>
            </main>
            <SiteFooter />
            <BottomNav />
        </Router>
    }
}
