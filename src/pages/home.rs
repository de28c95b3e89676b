//! The home page: categories, featured and new products, where the IKM are, an IKM spotlight.

use crate::api::FetchError;
use crate::components::catalog_view::Loaded;
use crate::components::product_card::product_grid;
use crate::i18n::t;
use crate::shelf::{fetch_doc, Fetched, Shelf};
use etalase_core::need::{BOARD_PAGE, NEW_NEED_PAGE};
use etalase_core::search::{SearchQuery, Sort};
use etalase_core::shelf::{Home, HOME_PATH};
use etalase_core::Product;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn HomePage() -> impl IntoView {
    let texts = t();
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{texts.site_name}</h1>
            <p>{texts.tagline}</p>
        </section>
        <section class="needs-band" aria-label=texts.needs_title>
            <p>{texts.home_needs_band}</p>
            <div class="needs-band-actions">
                <a class="button" href=NEW_NEED_PAGE>{texts.need_post}</a>
                <a class="needs-band-link" href=BOARD_PAGE>{texts.needs_board_short}</a>
            </div>
        </section>
        <Loaded data=LocalResource::new(home) render=|home| home_view(&home) />
    }
}

/// The home page's picks: from the whole catalog when the app has it, else the server's
/// small document (or, on a static copy without one, the catalog file).
async fn home() -> Result<Arc<Home>, FetchError> {
    let shelf = expect_context::<Shelf>();
    let from_whole = |shelf: Shelf| async move {
        let full = shelf.load_full().await?;
        Ok(Arc::new(Home::of(&full)))
    };
    if shelf.full_untracked().is_some() {
        return from_whole(shelf).await;
    }
    match fetch_doc::<Home>(HOME_PATH).await? {
        Fetched::Found(home) => Ok(Arc::new(home)),
        Fetched::Missing | Fetched::Fallback => from_whole(shelf).await,
    }
}

fn home_view(home: &Home) -> impl IntoView + use<> {
    let texts = t();
    // The makers of the shown products, for the cards.
    let store = &home.catalog();
    let counts = home.kabupaten.clone();
    let most = counts.iter().map(|c| c.products).max().unwrap_or(1).max(1);
    let featured: Vec<&Product> = home.featured.iter().collect();
    let newest_link = SearchQuery {
        sort: Sort::Newest,
        ..SearchQuery::default()
    }
    .to_query_string();
    let spotlight = home.spotlight.as_ref().map(|spot| {
        let ikm = &spot.ikm;
        let products: Vec<&Product> = spot.products.iter().collect();
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
                {home
                    .categories
                    .iter()
                    .map(|count| {
                        let (c, n) = (count.category, count.products);
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
                                        {texts.products(n)}
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
            {product_grid(store, home.newest.iter())}
        </section>
        <section class="section" aria-labelledby="judul-wilayah">
            <h2 id="judul-wilayah">{texts.by_kabupaten}</h2>
            <ul class="kabupaten-list">
                {counts
                    .into_iter()
                    .map(|count| {
                        let (kab, ikm, products) = (count.kabupaten, count.ikm, count.products);
                        let width = format!("width: {}%", 8 + products * 92 / most);
                        view! {
                            <li>
                                <A href=format!("/cari?wilayah={}", kab.slug()) attr:class="kabupaten-tile">
                                    <span class="kabupaten-name">{texts.kabupaten(kab)}</span>
                                    <span class="kabupaten-count">
                                        {format!(
                                            "{ikm} {} · {}",
                                            texts.ikm_count,
                                            texts.products(products),
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
