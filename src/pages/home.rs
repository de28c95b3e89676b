//! The home page: categories, featured and new products, where the IKM are, an IKM spotlight.

use crate::api::Storefront;
use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::i18n::t;
use etalase_core::catalog::counts_by_kabupaten;
use etalase_core::search::{SearchQuery, Sort};
use etalase_core::{Category, Product};
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
        <WithCatalog render=|store| home_catalog(&store) />
    }
}

fn newest(store: &Storefront, count: usize) -> Vec<&Product> {
    let mut products: Vec<&Product> = store.products.iter().collect();
    products.sort_by(|a, b| b.listed_on.cmp(&a.listed_on));
    products.truncate(count);
    products
}

fn home_catalog(store: &Storefront) -> impl IntoView + use<> {
    let texts = t();
    let counts = counts_by_kabupaten(store);
    let most = counts.iter().map(|c| c.2).max().unwrap_or(1).max(1);
    let featured: Vec<&Product> = store
        .products
        .iter()
        .filter(|p| p.featured)
        .take(8)
        .collect();
    let newest_link = SearchQuery {
        sort: Sort::Newest,
        ..SearchQuery::default()
    }
    .to_query_string();
    let spotlight = store
        .products
        .iter()
        .find(|p| p.featured)
        .and_then(|p| store.ikm(p.ikm.as_str()))
        .map(|ikm| {
            let products: Vec<&Product> = store.products_of(ikm.slug.as_str()).take(2).collect();
            view! {
                <section class="section spotlight" aria-labelledby="judul-sorotan">
                    <h2 id="judul-sorotan">{texts.ikm_spotlight}</h2>
                    <div class="spotlight-card">
                        <h3>{ikm.name.clone()}</h3>
                        <p class="ikm-place">{texts.kabupaten(ikm.kabupaten)}</p>
                        <p>{ikm.story.clone()}</p>
                        <A href=format!("/ikm/{}", ikm.slug) attr:class="button button-secondary">
                            {format!("{} {}", texts.visit_ikm, ikm.name)}
                        </A>
                    </div>
                    {product_grid(store, products)}
                </section>
            }
        });
    view! {
        <section class="section" aria-labelledby="judul-kategori">
            <h2 id="judul-kategori">{texts.categories}</h2>
            <ul class="category-list">
                {Category::ALL
                    .into_iter()
                    .map(|c| {
                        let n = store.products_in(c).count();
                        view! {
                            <li>
                                <A href=format!("/kategori/{}", c.slug()) attr:class="category-tile">
                                    <img
                                        src=format!("/img/kategori/{}.svg", c.slug())
                                        alt=""
                                        width="72"
                                        height="72"
                                    />
                                    <span class="category-name">{texts.category(c)}</span>
                                    <span class="category-count">
                                        {format!("{n} {}", texts.product_count)}
                                    </span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="section" aria-labelledby="judul-pilihan">
            <div class="section-head">
                <h2 id="judul-pilihan">{texts.featured}</h2>
                <A href="/cari">{texts.see_all}</A>
            </div>
            {product_grid(store, featured)}
        </section>
        <section class="section" aria-labelledby="judul-baru">
            <div class="section-head">
                <h2 id="judul-baru">{texts.newest}</h2>
                <A href=format!("/cari{newest_link}")>{texts.see_all}</A>
            </div>
            {product_grid(store, newest(store, 4))}
        </section>
        <section class="section" aria-labelledby="judul-wilayah">
            <h2 id="judul-wilayah">{texts.by_kabupaten}</h2>
            <ul class="kabupaten-list">
                {counts
                    .into_iter()
                    .map(|(kab, ikm, products)| {
                        let width = format!("width: {}%", 8 + products * 92 / most);
                        view! {
                            <li>
                                <A href=format!("/cari?wilayah={}", kab.slug()) attr:class="kabupaten-tile">
                                    <span class="kabupaten-name">{texts.kabupaten(kab)}</span>
                                    <span class="kabupaten-count">
                                        {format!(
                                            "{ikm} {} · {products} {}",
                                            texts.ikm_count,
                                            texts.product_count,
                                        )}
                                    </span>
                                    <span class="kabupaten-bar" aria-hidden="true">
                                        <span style=width></span>
                                    </span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        {spotlight}
    }
}
