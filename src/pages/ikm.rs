//! An IKM's page: its story, where it is, its legal identifiers explained, its products,
//! and WhatsApp.

use crate::api::Storefront;
use crate::components::catalog_view::Loaded;
use crate::components::product_card::product_grid;
use crate::components::share_button::ShareButton;
use crate::i18n::t;
use crate::pages::not_found::NotFound;
use crate::shelf::{catalog_part, Shelf};
use etalase_core::api::ikm_path;
use etalase_core::catalog::Ikm;
use etalase_core::catalog::IkmDetail;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn IkmPage() -> impl IntoView {
    let params = use_params_map();
    let shelf = expect_context::<Shelf>();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // The data carries the slug it was fetched for: while the next page loads, the last one
    // stays as it was instead of flashing "not found".
    let data = LocalResource::new(move || {
        let slug = slug();
        async move {
            let store = catalog_part(shelf, ikm_path(&slug), IkmDetail::into_catalog).await?;
            Ok((slug, store))
        }
    });
    view! { <Loaded data render=move |(slug, store)| ikm_view(&store, &slug) /> }
}

/// The IKM's legal identifiers as badges, with what each means to a buyer when `explain`;
/// sample numbers say so.
pub fn legal_badges(ikm: &Ikm, explain: bool) -> impl IntoView + use<> {
    let texts = t();
    let rows: Vec<(&'static str, String, &'static str)> = ikm
        .legal_rows(texts.locale)
        .into_iter()
        .map(|row| (row.label, row.number.to_owned(), row.about))
        .collect();
    let sample = ikm.legal.sample.then_some(texts.sample_ids);
    let list = if explain {
        view! {
            <dl class="legal-list">
                {rows
                    .into_iter()
                    .map(|(label, number, about)| {
                        view! {
                            <div class="legal-item">
                                <dt>
                                    <span class="badge">{label}</span>
                                    <span class="badge-number">{number}</span>
                                </dt>
                                <dd>{about}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        }
        .into_any()
    } else {
        view! {
            <ul class="badges">
                {rows
                    .into_iter()
                    .map(|(label, _, about)| view! { <li class="badge" title=about>{label}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let verified = ikm.verified.then(|| {
        view! { <p class="badge verified-badge" title=texts.verified_about>{texts.verified_badge}</p> }
    });
    view! {
        <div class="legal">
            {verified}
            {list}
            {sample.map(|s| view! { <p class="sample-note">{s}</p> })}
        </div>
    }
}

fn ikm_view(store: &Storefront, slug: &str) -> AnyView {
    let texts = t();
    let Some(ikm) = store.ikm(slug) else {
        return view! { <NotFound /> }.into_any();
    };
    let wa = ikm.whatsapp.wa_link(texts.wa_greeting);
    let summary: String = ikm.story.chars().take(150).collect();
    view! {
        <Title text=ikm.name.clone() />
        <Meta name="description" content=summary />
        <article class="ikm-page">
            <header class="ikm-head">
                <h1>{ikm.name.clone()}</h1>
                <p class="ikm-place">{texts.kabupaten(ikm.kabupaten)}</p>
                <ShareButton title=ikm.name.clone() text=format!("{} — {}", ikm.name, texts.kabupaten(ikm.kabupaten)) />
            </header>
            <section aria-labelledby="judul-cerita">
                <h2 id="judul-cerita">{texts.story}</h2>
                <p>{ikm.story.clone()}</p>
            </section>
            <a class="button button-wa" href=wa rel="noopener" target="_blank">
                {texts.contact_wa}
            </a>
            <section aria-labelledby="judul-legal">
                <h2 id="judul-legal">{texts.certificates}</h2>
                {legal_badges(ikm, true)}
            </section>
        </article>
        <section class="section" aria-labelledby="judul-produk-ikm">
            <h2 id="judul-produk-ikm">{format!("{} {}", texts.products_of, ikm.name)}</h2>
            {product_grid(store, store.products_of(slug))}
        </section>
    }
    .into_any()
}
