//! Search and browse. The query, every filter and the order live in the URL
//! (`/cari?q=kopi&wilayah=lampung-barat&urut=harga-naik`), so a search can be shared and the
//! back button restores it. `/kategori/<slug>` is the same view with the category fixed.

use crate::api::Storefront;
use crate::components::catalog_view::WithCatalog;
use crate::components::layout::LiveText;
use crate::components::product_card::{CardData, ProductGrid};
use crate::components::share_button::ShareButton;
use crate::i18n::t;
use etalase_core::catalog::{counts_by_kabupaten, Availability};
use etalase_core::search::{run, Certificate, SearchQuery, Sort};
use etalase_core::{Category, Kabupaten, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;

/// How many results show at first, and how many more each "show more" adds.
const PAGE: usize = 12;

#[component]
pub fn SearchPage() -> impl IntoView {
    view! { <WithCatalog render=|store| view! { <SearchView store fixed_category=None /> } /> }
}

#[component]
pub fn SearchView(store: Arc<Storefront>, fixed_category: Option<Category>) -> impl IntoView {
    let texts = t();
    let params = use_query_map();
    let location = use_location();
    let navigate = use_navigate();

    let live = expect_context::<LiveText>().0;
    let query = Memo::new(move |_| {
        let p = params.read();
        let mut q = SearchQuery::from_params(|k| p.get(k));
        if let Some(text) = live.get() {
            q.text = text;
        }
        if fixed_category.is_some() {
            q.category = fixed_category;
        }
        q
    });
    // The index is built right after the page is drawn, not on the first keystroke.
    {
        let store = store.clone();
        set_timeout(
            move || {
                let _ = store.index();
            },
            std::time::Duration::ZERO,
        );
    }
    let hits = {
        let store = store.clone();
        Memo::new(move |_| run(&store.catalog, store.index(), &query.read()))
    };
    let limit = RwSignal::new(PAGE);
    Effect::new(move |_| {
        query.track();
        limit.set(PAGE);
    });
    let cards = {
        let store = store.clone();
        Signal::derive(move || -> Vec<CardData> {
            hits.read()
                .iter()
                .take(limit.get())
                .map(|&i| {
                    let p = &store.products[i];
                    (p.clone(), store.ikm(p.ikm.as_str()).cloned())
                })
                .collect()
        })
    };

    // Every change of filter or order is a new history entry: back undoes it.
    let update = move |change: &dyn Fn(&mut SearchQuery)| {
        let mut q = query.get_untracked();
        change(&mut q);
        if fixed_category.is_some() {
            q.category = None;
        }
        let path = location.pathname.get_untracked();
        let options = NavigateOptions {
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("{path}{}", q.to_query_string()), options);
    };
    let update = StoredValue::new(update);
    let set = move |change: Box<dyn Fn(&mut SearchQuery)>| update.with_value(|u| u(&*change));

    let heading = move || {
        let q = query.read();
        let mut h = match (q.text.trim(), fixed_category) {
            ("", Some(c)) => texts.category(c).to_owned(),
            ("", None) => texts.all_products.to_owned(),
            (text, _) => format!("{} \u{201c}{text}\u{201d}", texts.results_for),
        };
        if let (Some(c), false) = (fixed_category, q.text.trim().is_empty()) {
            h.push_str(&format!(" · {}", texts.category(c)));
        }
        h
    };

    let kabupaten_options = counts_by_kabupaten(&store.catalog);
    let count = move || hits.read().len();
    let more = move || hits.read().len() > limit.get();

    view! {
        <Title text=heading />
        <section class="section search-page">
            <div class="page-head">
                <h1>{heading}</h1>
                <ShareButton title=Signal::derive(heading) text=Signal::derive(move || format!("{} — Etalase IKM Lampung", heading())) />
            </div>
            <div class="search-bar">
                <p class="result-count" role="status" aria-live="polite">
                    {move || texts.count(count())}
                </p>
                <label class="sort">
                    <span>{texts.sort_label}</span>
                    <select
                        name="urut"
                        on:change=move |ev| {
                            let sort = Sort::from_slug(&event_target_value(&ev)).unwrap_or_default();
                            set(Box::new(move |q| q.sort = sort));
                        }
                    >
                        {Sort::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=s.slug() selected=move || query.read().sort == s>
                                        {texts.sort(s)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <details class="filters">
                <summary>
                    {texts.filters}
                    {move || {
                        let n = active_filter_count(&query.read(), fixed_category);
                        (n > 0).then(|| format!(" ({n})"))
                    }}
                </summary>
                <div class="filter-fields">
                    {fixed_category
                        .is_none()
                        .then(|| {
                            view! {
                                <label>
                                    <span>{texts.filter_category}</span>
                                    <select
                                        name="kategori"
                                        on:change=move |ev| {
                                            let c = Category::from_slug(&event_target_value(&ev));
                                            set(Box::new(move |q| q.category = c));
                                        }
                                    >
                                        <option value="" selected=move || query.read().category.is_none()>
                                            {texts.any}
                                        </option>
                                        {Category::ALL
                                            .into_iter()
                                            .map(|c| {
                                                view! {
                                                    <option
                                                        value=c.slug()
                                                        selected=move || query.read().category == Some(c)
                                                    >
                                                        {texts.category(c)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })}
                    <label>
                        <span>{texts.filter_kabupaten}</span>
                        <select
                            name="wilayah"
                            on:change=move |ev| {
                                let k = Kabupaten::from_slug(&event_target_value(&ev));
                                set(Box::new(move |q| q.kabupaten = k));
                            }
                        >
                            <option value="" selected=move || query.read().kabupaten.is_none()>
                                {texts.any}
                            </option>
                            {kabupaten_options
                                .into_iter()
                                .map(|(k, _, products)| {
                                    view! {
                                        <option
                                            value=k.slug()
                                            selected=move || query.read().kabupaten == Some(k)
                                        >
                                            {format!("{} ({products})", k.short_name())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <div class="price-range">
                        {[
                            (texts.filter_price_min, "harga-min", PriceBound::Min),
                            (texts.filter_price_max, "harga-maks", PriceBound::Max),
                        ]
                            .into_iter()
                            .map(|(label, name, bound)| {
                                view! {
                                    <label>
                                        <span>{label}</span>
                                        <input
                                            type="number"
                                            name=name
                                            inputmode="numeric"
                                            min="0"
                                            step="1000"
                                            prop:value=move || price_value(*bound.of(&mut query.get()))
                                            on:change=move |ev| {
                                                let v = parse_price(&event_target_value(&ev));
                                                set(Box::new(move |q| *bound.of(q) = v));
                                            }
                                        />
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <fieldset class="certificates">
                        <legend>{texts.filter_certificate}</legend>
                        {Certificate::ALL
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            name="sertifikat"
                                            value=c.slug()
                                            prop:checked=move || query.read().certificates.contains(&c)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                set(Box::new(move |q| {
                                                    q.certificates.retain(|x| *x != c);
                                                    if on {
                                                        q.certificates.push(c);
                                                    }
                                                }));
                                            }
                                        />
                                        <span>{c.label()}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <label>
                        <span>{texts.filter_availability}</span>
                        <select
                            name="stok"
                            on:change=move |ev| {
                                let a = match event_target_value(&ev).as_str() {
                                    "tersedia" => Some(Availability::ReadyStock),
                                    "pesanan" => Some(Availability::MadeToOrder),
                                    _ => None,
                                };
                                set(Box::new(move |q| q.availability = a));
                            }
                        >
                            <option value="" selected=move || query.read().availability.is_none()>
                                {texts.any}
                            </option>
                            <option
                                value="tersedia"
                                selected=move || query.read().availability == Some(Availability::ReadyStock)
                            >
                                {texts.ready_stock}
                            </option>
                            <option
                                value="pesanan"
                                selected=move || query.read().availability == Some(Availability::MadeToOrder)
                            >
                                {texts.made_to_order}
                            </option>
                        </select>
                    </label>
                </div>
            </details>
            <ActiveFilters query fixed_category on_clear=move || {
                set(Box::new(|q| {
                    let text = std::mem::take(&mut q.text);
                    let sort = q.sort;
                    *q = SearchQuery { text, sort, ..SearchQuery::default() };
                }))
            } />
            <Show
                when=move || { count() > 0 }
                fallback=move || {
                    view! {
                        <div class="empty-state">
                            <p><strong>{texts.no_results}</strong></p>
                            <p>{texts.no_results_hint}</p>
                        </div>
                    }
                }
            >
                <ProductGrid cards />
                <Show when=more>
                    <button
                        type="button"
                        class="button button-secondary show-more"
                        on:click=move |_| limit.update(|l| *l += PAGE)
                    >
                        {texts.show_more}
                    </button>
                </Show>
            </Show>
        </section>
    }
}

fn active_filter_count(q: &SearchQuery, fixed: Option<Category>) -> usize {
    usize::from(q.category.is_some() && fixed.is_none())
        + usize::from(q.kabupaten.is_some())
        + usize::from(q.price_min.is_some())
        + usize::from(q.price_max.is_some())
        + q.certificates.len()
        + usize::from(q.availability.is_some())
}

/// Which end of the price range a field edits.
#[derive(Clone, Copy)]
enum PriceBound {
    Min,
    Max,
}

impl PriceBound {
    fn of(self, q: &mut SearchQuery) -> &mut Option<Rupiah> {
        match self {
            PriceBound::Min => &mut q.price_min,
            PriceBound::Max => &mut q.price_max,
        }
    }
}

fn price_value(p: Option<Rupiah>) -> String {
    p.map(|p| p.amount().to_string()).unwrap_or_default()
}

/// A typed price: digits, with or without thousands dots; anything else clears it.
fn parse_price(input: &str) -> Option<Rupiah> {
    let digits: String = input.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    digits.parse::<i64>().ok().filter(|v| *v >= 0).map(Rupiah)
}

/// The filters in force, each with a button that removes it.
#[component]
fn ActiveFilters(
    query: Memo<SearchQuery>,
    fixed_category: Option<Category>,
    on_clear: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let texts = t();
    let on_clear = std::sync::Arc::new(on_clear);
    let chips = move || {
        let q = query.read();
        let mut chips: Vec<String> = Vec::new();
        if let (Some(c), None) = (q.category, fixed_category) {
            chips.push(texts.category(c).to_owned());
        }
        if let Some(k) = q.kabupaten {
            chips.push(k.short_name().to_owned());
        }
        if let Some(p) = q.price_min {
            chips.push(format!("≥ {}", texts.rupiah(p)));
        }
        if let Some(p) = q.price_max {
            chips.push(format!("≤ {}", texts.rupiah(p)));
        }
        for c in &q.certificates {
            chips.push(c.label().to_owned());
        }
        if let Some(a) = q.availability {
            chips.push(texts.availability(a).to_owned());
        }
        chips
    };
    view! {
        <Show when=move || !chips().is_empty()>
            <div class="active-filters">
                <ul>
                    {move || {
                        chips()
                            .into_iter()
                            .map(|c| view! { <li class="chip">{c}</li> })
                            .collect_view()
                    }}
                </ul>
                <button
                    type="button"
                    class="link-button"
                    on:click={
                        let on_clear = on_clear.clone();
                        move |_| on_clear()
                    }
                >
                    {texts.clear_filters}
                </button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_price;
    use etalase_core::Rupiah;

    #[test]
    fn typed_prices() {
        assert_eq!(parse_price("50000"), Some(Rupiah(50_000)));
        assert_eq!(parse_price("1.500.000"), Some(Rupiah(1_500_000)));
        assert_eq!(parse_price(""), None);
        assert_eq!(parse_price("murah"), None);
        assert_eq!(parse_price("-5"), None);
    }
}
