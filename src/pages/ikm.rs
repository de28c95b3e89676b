//! An IKM's page: its story, where it is, its legal identifiers, its products, WhatsApp.

use crate::components::catalog_view::WithCatalog;
use crate::components::product_card::product_grid;
use crate::i18n::t;
use crate::pages::not_found::NotFound;
use etalase_core::catalog::Ikm;
use etalase_core::Catalog;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn IkmPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <WithCatalog render=move |catalog| {
            let slug = params.read().get("slug").unwrap_or_default();
            ikm_view(&catalog, &slug)
        } />
    }
}

/// The IKM's legal identifiers as badges; sample numbers say so.
pub fn legal_badges(ikm: &Ikm) -> impl IntoView + use<> {
    let texts = t();
    let legal = &ikm.legal;
    let mut badges: Vec<(&'static str, String)> = Vec::new();
    let ids = [
        ("NIB", &legal.nib),
        ("P-IRT", &legal.pirt),
        ("BPOM MD", &legal.bpom_md),
        ("Halal", &legal.halal),
        ("SNI", &legal.sni),
    ];
    for (label, value) in ids {
        if let Some(v) = value {
            badges.push((label, v.clone()));
        }
    }
    let sample = legal.sample.then_some(texts.sample_ids);
    let pkp = ikm.pkp.then_some(texts.pkp);
    view! {
        <div class="legal">
            <h3 class="visually-hidden">{texts.certificates}</h3>
            <ul class="badges">
                {badges
                    .into_iter()
                    .map(|(label, number)| {
                        let title = number.clone();
                        view! {
                            <li class="badge" title=title>
                                <strong>{label}</strong>
                                <span class="badge-number">{number}</span>
                            </li>
                        }
                    })
                    .collect_view()}
                {pkp.map(|p| view! { <li class="badge badge-pkp"><strong>{p}</strong></li> })}
            </ul>
            {sample.map(|s| view! { <p class="sample-note">{s}</p> })}
        </div>
    }
}

fn ikm_view(catalog: &Catalog, slug: &str) -> AnyView {
    let texts = t();
    let Some(ikm) = catalog.ikm(slug) else {
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
                <p class="ikm-place">{ikm.kabupaten.name()}</p>
            </header>
            <section aria-labelledby="judul-cerita">
                <h2 id="judul-cerita">{texts.story}</h2>
                <p>{ikm.story.clone()}</p>
            </section>
            <section aria-labelledby="judul-legal">
                <h2 id="judul-legal">{texts.certificates}</h2>
                {legal_badges(ikm)}
            </section>
            <a class="button button-wa" href=wa rel="noopener" target="_blank">
                {texts.contact_wa}
            </a>
        </article>
        <section class="section" aria-labelledby="judul-produk-ikm">
            <h2 id="judul-produk-ikm">{format!("{} {}", texts.products_of, ikm.name)}</h2>
            {product_grid(catalog, catalog.products_of(slug))}
        </section>
    }
    .into_any()
}
