//! The order list page: lines grouped by IKM, tier prices applied with the saving shown,
//! subtotals per IKM and a grand total.

use crate::api::Storefront;
use crate::app::Ordering;
use crate::components::add_to_list::{quantity_problem, QuantityStepper};
use crate::components::catalog_view::Loaded;
use crate::i18n::t;
use crate::order_list::OrderList;
use etalase_core::request::{group_by_ikm, price_lines, request_total, whatsapp_order_text};
use etalase_core::{Product, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrderListPage() -> impl IntoView {
    let texts = t();
    view! {
        <Title text=texts.order_list />
        <section class="section order-list-page">
            <h1>{texts.order_list}</h1>
            <p class="result-count">{texts.list_kept}</p>
            <Loaded data=listed_products() render=|store| view! { <OrderListView store /> } />
        </section>
    }
}

/// The products of the order list (and their IKM), fetched again only when the list names
/// another product, not when a quantity changes.
pub fn listed_products() -> LocalResource<Result<std::sync::Arc<Storefront>, crate::api::FetchError>>
{
    let list = expect_context::<OrderList>();
    let shelf = expect_context::<crate::shelf::Shelf>();
    let slugs = Memo::new(move |_| {
        let mut slugs: Vec<String> = list
            .0
            .read()
            .iter()
            .map(|l| l.product.to_string())
            .collect();
        slugs.sort();
        slugs.dedup();
        slugs
    });
    LocalResource::new(move || {
        let slugs = slugs.get();
        async move {
            if slugs.is_empty() && shelf.full_untracked().is_none() {
                return Ok(std::sync::Arc::new(Storefront::empty()));
            }
            if shelf.is_static() {
                return shelf.load_full().await;
            }
            let path = etalase_core::shelf::products_path(slugs.iter().map(String::as_str));
            match crate::shelf::catalog_part(shelf, path, etalase_core::Catalog::from_data).await {
                Err(crate::api::FetchError::Network(e)) => from_seen_pages(&slugs)
                    .await
                    .ok_or(crate::api::FetchError::Network(e)),
                other => other,
            }
        }
    })
}

/// With no signal, the list's batch cannot be fetched (a product added offline makes a batch
/// never asked for online), but each product's own page document is kept by the service
/// worker since the buyer saw it: the list is drawn from those.
async fn from_seen_pages(slugs: &[String]) -> Option<std::sync::Arc<Storefront>> {
    let mut details = Vec::new();
    for slug in slugs {
        let path = etalase_core::api::product_path(slug);
        if let Ok(detail) =
            crate::api::get_json::<etalase_core::catalog::ProductDetail>(&path).await
        {
            details.push(detail);
        }
    }
    (!details.is_empty()).then(|| {
        std::sync::Arc::new(Storefront::new(etalase_core::Catalog::from_data(
            etalase_core::CatalogData::of_details(details),
        )))
    })
}

#[component]
fn OrderListView(store: std::sync::Arc<Storefront>) -> impl IntoView {
    let texts = t();
    let list = expect_context::<OrderList>();
    let ordering = expect_context::<Ordering>().0;
    move || {
        let lines = list.0.get();
        let _ = ordering.get();
        // Lines whose product left the catalog are dropped from the view, not from storage.
        // A line too large to price (only hand-edited storage can hold one) is left out of
        // the view too, with the rule's message.
        let (priced, mut refused) = price_lines(
            lines
                .iter()
                .map(|l| (l.product.as_str(), l.quantity, l.note.as_str())),
            |slug| store.product(slug),
        );
        if priced.is_empty() {
            return view! {
                {refused.map(|e| view! { <p class="notice-info" role="alert">{e.message(texts.locale)}</p> })}
                <div class="empty-state">
                    <p><strong>{texts.list_empty}</strong></p>
                    <p>{texts.list_empty_hint}</p>
                    <a class="button" href="/cari">{texts.nav_search}</a>
                </div>
            }
            .into_any();
        }
        let parts = group_by_ikm(&store.catalog, priced);
        if let Err(e) = request_total(&parts) {
            refused = Some(e);
        }
        let total = Rupiah::saturating_sum(parts.iter().map(|p| p.subtotal));
        let saving = Rupiah::saturating_sum(parts.iter().map(|p| p.saving));
        view! {
            {refused.map(|e| view! { <p class="notice-info" role="alert">{e.message(texts.locale)}</p> })}
            // Without a server to take requests, say so before the lists and their buttons.
            {(!ordering.get()).then(|| view! { <p class="notice-info">{texts.ordering_by_wa}</p> })}
            {parts
                .into_iter()
                .map(|part| {
                    // The WhatsApp order, where the site takes none itself.
                    let wa_order = (!ordering.get_untracked())
                        .then(|| {
                            store
                                .ikm(part.ikm.as_str())
                                .map(|i| i.whatsapp.wa_link(&whatsapp_order_text(&part)))
                        })
                        .flatten();
                    view! {
                        <section class="ikm-part">
                            <h2>
                                {texts.from_ikm} " "
                                <a href=format!("/ikm/{}", part.ikm)>{part.ikm_name.clone()}</a>
                            </h2>
                            <ul class="order-lines">
                                {part
                                    .lines
                                    .into_iter()
                                    .filter_map(|line| {
                                        let product = store.product(line.product.as_str())?.clone();
                                        Some(view! { <OrderLineRow product line /> })
                                    })
                                    .collect_view()}
                            </ul>
                            <p class="part-subtotal">
                                {format!("{} {}", texts.subtotal, texts.rupiah(part.subtotal))}
                            </p>
                            {wa_order.map(|href| view! {
                                <a class="button button-wa wa-order" href=href target="_blank" rel="noopener">
                                    {format!("{} {}", texts.order_via_wa, part.ikm_name)}
                                </a>
                            })}
                        </section>
                    }
                })
                .collect_view()}
            <div class="order-total">
                <p>
                    <span>{texts.total}</span>
                    <strong class="price">{texts.rupiah(total)}</strong>
                </p>
                {(saving.amount() > 0)
                    .then(|| view! { <p class="saving">{format!("{} {}", texts.you_save, texts.rupiah(saving))}</p> })}
                {ordering
                    .get()
                    .then(|| view! { <a class="button submit-link" href="/ajukan">{texts.submit_request}</a> })}
            </div>
        }
        .into_any()
    }
}

#[component]
fn OrderLineRow(product: Product, line: etalase_core::request::PricedLine) -> impl IntoView {
    let texts = t();
    let list = expect_context::<OrderList>();
    let quantity = RwSignal::new(line.quantity);
    let typed = RwSignal::new(line.quantity.to_string());
    let slug = product.slug.clone();
    let p = StoredValue::new(product.clone());
    // A settled, valid quantity goes into the list (and so into storage). Not on every
    // keystroke: the list re-renders, and a half-typed "100" of "1000" must not be taken.
    let on_commit = Callback::new(move |q: u32| {
        p.with_value(|p| {
            if etalase_core::request::check_quantity(p, q).is_ok() {
                list.put(p.slug.clone(), q, p.unit_price(q));
            }
        })
    });
    let problem = move || p.with_value(|p| quantity_problem(p, &typed.get()));
    let input_id = format!("jumlah-{}", product.slug);
    let remove_slug = slug.clone();
    let note_slug = slug.clone();
    view! {
        <li class="order-line" data-product=slug.to_string()>
            <a class="order-line-name" href=format!("/produk/{slug}")>{line.name.clone()}</a>
            <label class="visually-hidden" for=input_id.clone()>
                {format!("{} {}", texts.quantity, line.name)}
            </label>
            <QuantityStepper product quantity typed input_id on_commit />
            <p class="field-error" role="alert">{move || problem().map(|e| e.message(texts.locale))}</p>
            <p class="line-price">
                {format!(
                    "{} × {} = {}",
                    line.quantity,
                    texts.rupiah(line.unit_price),
                    texts.rupiah(line.subtotal),
                )}
                {(line.saving.amount() > 0)
                    .then(|| format!(" · {} {}", texts.you_save, texts.rupiah(line.saving)))}
            </p>
            <label class="line-note">
                <span>{texts.f_line_note}</span>
                <input
                    type="text"
                    maxlength="200"
                    prop:value=line.note.clone()
                    on:change=move |ev| list.set_note(&note_slug, event_target_value(&ev))
                />
            </label>
            <button type="button" class="link-button" on:click=move |_| list.remove(&remove_slug)>
                {texts.remove}
            </button>
        </li>
    }
}
