//! A product in a list: picture, name, price, maker and where it is from.

use crate::components::product_image::{primary_image, ProductImage};
use crate::i18n::t;
use etalase_core::catalog::{Ikm, Product};
use etalase_core::Catalog;
use leptos::prelude::*;

#[component]
pub fn ProductCard(
    product: Product,
    ikm: Option<Ikm>,
    #[prop(default = true)] lazy: bool,
) -> impl IntoView {
    let texts = t();
    let href = format!("/produk/{}", product.slug);
    let price = if product.tiers.is_empty() {
        texts.rupiah(product.price)
    } else {
        format!(
            "{} {}",
            texts.from_price,
            texts.rupiah(product.lowest_price())
        )
    };
    let maker = ikm.map(|i| format!("{} · {}", i.name, i.kabupaten.short_name()));
    let image = primary_image(&product);
    let Product { name, unit, .. } = product;
    view! {
        <article class="product-card">
            // A plain link: the router intercepts it all the same, and a list of cards
            // re-renders faster without a router component in each.
            <a href=href>
                <ProductImage image lazy />
                <h3 class="product-card-name">{name}</h3>
            </a>
            <p class="product-card-price">
                <span class="price">{price}</span>
                <span class="unit">" / " {unit}</span>
            </p>
            <p class="product-card-maker">{maker}</p>
        </article>
    }
}

/// One card's data, keyed by the product's slug.
pub type CardData = (Product, Option<Ikm>);

pub fn card_data<'a>(
    catalog: &Catalog,
    products: impl IntoIterator<Item = &'a Product>,
) -> Vec<CardData> {
    products
        .into_iter()
        .map(|p| (p.clone(), catalog.ikm(p.ikm.as_str()).cloned()))
        .collect()
}

/// How many pictures at the top of a list load at once; the rest wait until scrolled to.
const EAGER_PICTURES: usize = 4;

/// A keyed grid of product cards that follows a reactive list.
#[component]
pub fn ProductGrid(#[prop(into)] cards: Signal<Vec<CardData>>) -> impl IntoView {
    view! {
        <div class="product-grid">
            <For
                each=move || cards.get().into_iter().enumerate()
                key=|(_, (p, _))| p.slug.clone()
                children=|(i, (product, ikm))| {
                    let lazy = i >= EAGER_PICTURES;
                    view! { <ProductCard product ikm lazy /> }
                }
            />
        </div>
    }
}

/// A fixed grid of products.
pub fn product_grid<'a>(
    catalog: &Catalog,
    products: impl IntoIterator<Item = &'a Product>,
) -> AnyView {
    let cards = card_data(catalog, products);
    view! { <ProductGrid cards=Signal::stored(cards) /> }.into_any()
}
