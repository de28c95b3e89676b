//! A product's page: picture, price, order rules, tiers, lead time, maker, related products.

use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::components::product_image::{primary_image, ProductImage};
use crate::i18n::{lead_time, order_rule, t};
use crate::pages::ikm::legal_badges;
use crate::pages::not_found::NotFound;
use etalase_core::{Catalog, Product};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <WithCatalog render=move |catalog| {
            let slug = params.read().get("slug").unwrap_or_default();
            product_view(&catalog, &slug)
        } />
    }
}

fn tier_rows(product: &Product) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut from = product.min_order;
    let mut price = product.price;
    for tier in &product.tiers {
        rows.push((format!("{}–{}", from, tier.min_qty - 1), price.format()));
        from = tier.min_qty;
        price = tier.price;
    }
    rows.push((format!("≥ {from}"), price.format()));
    rows
}

fn product_view(catalog: &Catalog, slug: &str) -> AnyView {
    let texts = t();
    let Some(product) = catalog.product(slug) else {
        return view! { <NotFound /> }.into_any();
    };
    let ikm = catalog.ikm(product.ikm.as_str()).cloned();
    let related: Vec<&Product> = catalog
        .products_in(product.category)
        .filter(|p| p.slug != product.slug)
        .take(4)
        .collect();
    let tiers = (!product.tiers.is_empty()).then(|| {
        let rows = tier_rows(product);
        let unit = product.unit.clone();
        view! {
            <section class="tiers" aria-labelledby="judul-grosir">
                <h2 id="judul-grosir">{texts.tier_prices}</h2>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{format!("{} ({unit})", texts.tier_qty)}</th>
                            <th scope="col">{texts.tier_price}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|(qty, price)| view! { <tr><td>{qty}</td><td>{price}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
        }
    });
    let maker = ikm.map(|ikm| {
        let badges = legal_badges(&ikm);
        view! {
            <section class="maker-card" aria-labelledby="judul-pembuat">
                <h2 id="judul-pembuat">{texts.made_by}</h2>
                <A href=format!("/ikm/{}", ikm.slug) attr:class="maker-link">
                    <strong>{ikm.name.clone()}</strong>
                    <span>{ikm.kabupaten.name()}</span>
                </A>
                {badges}
            </section>
        }
    });
    let summary: String = product.description.chars().take(150).collect();
    view! {
        <Title text=product.name.clone() />
        <Meta name="description" content=summary />
        <article class="product-page">
            <div class="product-gallery">
                <ProductImage image=primary_image(product) lazy=false />
            </div>
            <div class="product-info">
                <h1 class="product-name">{product.name.clone()}</h1>
                <p class="product-price">
                    <span class="price">{product.price.format()}</span>
                    <span class="unit">{format!(" {} {}", texts.per, product.unit)}</span>
                </p>
                <ul class="order-facts">
                    <li>{order_rule(product)}</li>
                    <li>{format!("{}: {}", texts.lead_time, lead_time(product))}</li>
                </ul>
                {tiers}
                <section class="description" aria-labelledby="judul-deskripsi">
                    <h2 id="judul-deskripsi">{texts.description}</h2>
                    <p>{product.description.clone()}</p>
                </section>
                {maker}
            </div>
        </article>
        <section class="section" aria-labelledby="judul-serupa">
            <h2 id="judul-serupa">{texts.related}</h2>
            {product_grid(catalog, related)}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::tier_rows;
    use etalase_core::catalog::{Availability, PriceTier, Product};
    use etalase_core::{Category, Rupiah, Slug};

    #[test]
    fn tier_rows_cover_every_quantity_from_the_minimum() {
        let p = Product {
            slug: Slug::parse("x").unwrap(),
            ikm: Slug::parse("y").unwrap(),
            name: "X".into(),
            category: Category::KopiRempah,
            description: String::new(),
            unit: "kg".into(),
            price: Rupiah(45_000),
            min_order: 10,
            order_increment: 5,
            tiers: vec![
                PriceTier {
                    min_qty: 50,
                    price: Rupiah(42_000),
                },
                PriceTier {
                    min_qty: 200,
                    price: Rupiah(39_000),
                },
            ],
            lead_time_days: 3,
            availability: Availability::ReadyStock,
            images: vec![],
        };
        assert_eq!(
            tier_rows(&p),
            vec![
                ("10–49".to_owned(), "Rp 45.000".to_owned()),
                ("50–199".to_owned(), "Rp 42.000".to_owned()),
                ("≥ 200".to_owned(), "Rp 39.000".to_owned()),
            ]
        );
    }
}
