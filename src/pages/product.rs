//! A product's page: pictures, price, order rules, volume prices, lead time, certificates,
//! maker, related products.

use crate::api::Storefront;
use crate::components::add_to_list::AddToList;
use crate::components::catalog_view::Loaded;
use crate::components::product_card::product_grid;
use crate::components::product_image::{primary_image, ProductImage};
use crate::components::share_button::ShareButton;
use crate::i18n::{t, Texts};
use crate::pages::ikm::legal_badges;
use crate::pages::not_found::NotFound;
use crate::shelf::{catalog_part, Shelf};
use etalase_core::api::product_path;
use etalase_core::catalog::ProductDetail;
use etalase_core::search::Certificate;
use etalase_core::Product;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let shelf = expect_context::<Shelf>();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // The data carries the slug it was fetched for: while the next page loads, the last one
    // stays as it was instead of flashing "not found".
    let data = LocalResource::new(move || {
        let slug = slug();
        async move {
            let store =
                catalog_part(shelf, product_path(&slug), ProductDetail::into_catalog).await?;
            Ok((slug, store))
        }
    });
    view! { <Loaded data render=move |(slug, store)| product_view(&store, &slug) /> }
}

/// Rows of the volume-price table: the quantity range and its unit price (core's rows).
pub fn tier_rows(texts: &Texts, product: &Product) -> Vec<(String, String)> {
    product
        .tier_rows()
        .into_iter()
        .map(|(range, price)| (range, texts.rupiah(price)))
        .collect()
}

fn product_view(store: &Storefront, slug: &str) -> AnyView {
    let texts = t();
    let Some(product) = store.product(slug) else {
        return view! { <NotFound /> }.into_any();
    };
    let ikm = store.ikm(product.ikm.as_str()).cloned();
    // The maker's other products first, then others of the same category.
    let related = etalase_core::shelf::related(store, product);
    let tiers = (!product.tiers.is_empty()).then(|| {
        let rows = tier_rows(texts, product);
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
    let certificates: Vec<Certificate> = ikm
        .as_ref()
        .map(|i| {
            Certificate::ALL
                .into_iter()
                .filter(|c| c.held_by(i))
                .collect()
        })
        .unwrap_or_default();
    let before_ppn = ikm.as_ref().is_some_and(|i| i.pkp);
    let maker = ikm.map(|ikm| {
        let badges = legal_badges(&ikm, false);
        view! {
            <section class="maker-card" aria-labelledby="judul-pembuat">
                <h2 id="judul-pembuat">{texts.made_by}</h2>
                <A href=format!("/ikm/{}", ikm.slug) attr:class="maker-link">
                    <strong>{ikm.name.clone()}</strong>
                    <span>{texts.kabupaten(ikm.kabupaten)}</span>
                </A>
                {badges}
            </section>
        }
    });
    let images = if product.images.is_empty() {
        vec![primary_image(product)]
    } else {
        product.images.clone()
    };
    let summary: String = product.description.chars().take(150).collect();
    let availability_class = match product.availability {
        etalase_core::catalog::Availability::ReadyStock => "availability ready",
        etalase_core::catalog::Availability::MadeToOrder => "availability made",
    };
    view! {
        <Title text=product.name.clone() />
        <Meta name="description" content=summary />
        <article class="product-page">
            <div class="product-gallery" tabindex="0" aria-label=format!("{} {}", texts.picture_of, product.name)>
                {images
                    .into_iter()
                    .enumerate()
                    .map(|(i, image)| {
                        let lazy = i > 0;
                        view! { <ProductImage image lazy /> }
                    })
                    .collect_view()}
            </div>
            <div class="product-info">
                <h1 class="product-name">{product.name.clone()}</h1>
                <p class="product-price">
                    <span class="price">{texts.rupiah(product.price)}</span>
                    <span class="unit">{format!(" {} {}", texts.per, product.unit)}</span>
                </p>
                {before_ppn.then(|| view! { <p class="tax-note">{texts.price_plus_ppn}</p> })}
                <ShareButton title=product.name.clone() text=format!("{} — {} / {}", product.name, texts.rupiah(product.price), product.unit) />
                <p class=availability_class>{texts.lead_time_text(product)}</p>
                <ul class="badges cert-badges">
                    {certificates
                        .into_iter()
                        .map(|c| view! { <li class="badge" title=texts.certificate_about(c)>{c.label()}</li> })
                        .collect_view()}
                </ul>
                <ul class="order-facts">
                    <li>{texts.order_rule(product)}</li>
                    <li>{format!("{}: {}", texts.listed_on, texts.date(&product.listed_on))}</li>
                </ul>
                <AddToList product=product.clone() />
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
            {product_grid(store, related)}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::tier_rows;
    use crate::i18n::texts_for;
    use etalase_core::catalog::{Availability, PriceTier, Product};
    use etalase_core::{Category, Locale, Rupiah, Slug};

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
            listed_on: "2026-03-01".into(),
            featured: false,
        };
        assert_eq!(
            tier_rows(texts_for(Locale::Id), &p),
            vec![
                ("10–49".to_owned(), "Rp 45.000".to_owned()),
                ("50–199".to_owned(), "Rp 42.000".to_owned()),
                ("≥ 200".to_owned(), "Rp 39.000".to_owned()),
            ]
        );
        assert_eq!(tier_rows(texts_for(Locale::En), &p)[0].1, "Rp 45,000");
    }
}
