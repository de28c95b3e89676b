//! Search and browse: the query and filters live in the URL (`/cari?q=kopi&wilayah=…`).

use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::i18n::t;
use etalase_core::search::{search, SearchQuery};
use etalase_core::{Catalog, Category, Kabupaten};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    view! {
        <WithCatalog render=move |catalog| {
            let q = query.read();
            let search_query = SearchQuery {
                text: q.get("q").unwrap_or_default(),
                category: q.get("kategori").and_then(|s| Category::from_slug(&s)),
                kabupaten: q.get("wilayah").and_then(|s| Kabupaten::from_slug(&s)),
            };
            search_view(&catalog, &search_query)
        } />
    }
}

fn search_view(catalog: &Catalog, query: &SearchQuery) -> impl IntoView {
    let texts = t();
    let results = search(catalog, query);
    let mut heading = if query.text.trim().is_empty() {
        texts.all_products.to_owned()
    } else {
        format!(
            "{} \u{201c}{}\u{201d}",
            texts.results_for,
            query.text.trim()
        )
    };
    if let Some(k) = query.kabupaten {
        heading.push_str(&format!(" · {}", k.name()));
    }
    if let Some(c) = query.category {
        heading.push_str(&format!(" · {}", c.name_id()));
    }
    let count = results.len();
    let body = if results.is_empty() {
        view! {
            <div class="empty-state">
                <p><strong>{texts.no_results}</strong></p>
                <p>{texts.no_results_hint}</p>
            </div>
        }
        .into_any()
    } else {
        product_grid(catalog, results).into_any()
    };
    view! {
        <Title text=heading.clone() />
        <section class="section">
            <h1>{heading}</h1>
            <p class="result-count" role="status">{format!("{count} produk")}</p>
            {body}
        </section>
    }
}
