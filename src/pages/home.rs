//! The home page: categories, featured products, and the map of where IKM are.

use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::i18n::t;
use etalase_core::catalog::counts_by_kabupaten;
use etalase_core::{Catalog, Category};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let texts = t();
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{texts.site_name}</h1>
            <p>{texts.tagline}</p>
        </section>
        <section class="section" aria-labelledby="judul-kategori">
            <h2 id="judul-kategori">{texts.categories}</h2>
            <ul class="category-list">
                {Category::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <A href=format!("/kategori/{}", c.slug()) attr:class="category-tile">
                                    <img
                                        src=format!("/img/kategori/{}.svg", c.slug())
                                        alt=""
                                        width="96"
                                        height="96"
                                    />
                                    <span>{c.name_id()}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <WithCatalog render=|catalog| home_catalog(&catalog) />
    }
}

/// A spread of products: one from each IKM in turn, so no single maker fills the page.
fn featured(catalog: &Catalog, count: usize) -> Vec<&etalase_core::Product> {
    catalog
        .ikm
        .iter()
        .filter_map(|ikm| catalog.products_of(ikm.slug.as_str()).next())
        .take(count)
        .collect()
}

fn home_catalog(catalog: &Catalog) -> impl IntoView + use<> {
    let texts = t();
    let counts = counts_by_kabupaten(catalog);
    view! {
        <section class="section" aria-labelledby="judul-pilihan">
            <div class="section-head">
                <h2 id="judul-pilihan">{texts.featured}</h2>
                <A href="/cari">{texts.see_all}</A>
            </div>
            {product_grid(catalog, featured(catalog, 8))}
        </section>
        <section class="section" aria-labelledby="judul-wilayah">
            <h2 id="judul-wilayah">{texts.by_kabupaten}</h2>
            <ul class="kabupaten-list">
                {counts
                    .into_iter()
                    .map(|(kab, ikm, products)| {
                        view! {
                            <li>
                                <A href=format!("/cari?wilayah={}", kab.slug()) attr:class="kabupaten-tile">
                                    <span class="kabupaten-name">{kab.name()}</span>
                                    <span class="kabupaten-count">
                                        {format!("{ikm} {} · {products} {}", texts.ikm_count, texts.product_count)}
                                    </span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
