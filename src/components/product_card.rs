//! A product in a list: picture, name, price, maker and where it is from.

use crate::components::product_image::{primary_image, ProductImage};
use crate::i18n::t;
use etalase_core::catalog::{Ikm, Product};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ProductCard(
    product: Product,
    ikm: Option<Ikm>,
    #[prop(default = true)] lazy: bool,
) -> impl IntoView {
    let texts = t();
    let href = format!("/produk/{}", product.slug);
    let price = if product.tiers.is_empty() {
        product.price.format()
    } else {
        format!("{} {}", texts.from_price, product.lowest_price().format())
    };
    let maker = ikm.map(|i| format!("{} · {}", i.name, i.kabupaten.short_name()));
    let image = primary_image(&product);
    let Product { name, unit, .. } = product;
    view! {
        <article class="product-card">
            <A href=href>
                <ProductImage image lazy />
                <h3 class="product-card-name">{name}</h3>
            </A>
            <p class="product-card-price">
                <span class="price">{price}</span>
                <span class="unit">" / " {unit}</span>
            </p>
            <p class="product-card-maker">{maker}</p>
        </article>
    }
}

/// A grid of product cards; the first few pictures load eagerly, the rest when scrolled to.
pub fn product_grid<'a>(
    catalog: &etalase_core::Catalog,
    products: impl IntoIterator<Item = &'a Product>,
) -> AnyView {
    let cards: Vec<(Product, Option<Ikm>)> = products
        .into_iter()
        .map(|p| (p.clone(), catalog.ikm(p.ikm.as_str()).cloned()))
        .collect();
    view! {
        <div class="product-grid">
            <For
                each=move || cards.clone().into_iter().enumerate()
                key=|(_, (p, _))| p.slug.clone()
                children=|(i, (product, ikm))| {
                    let lazy = i >= 4;
                    view! { <ProductCard product ikm lazy /> }
                }
            />
        </div>
    }
    .into_any()
}
