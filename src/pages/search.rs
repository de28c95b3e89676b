//! Search and browse. The query, every filter and the order live in the URL
//! (`/cari?q=kopi&wilayah=lampung-barat&urut=harga-naik`), so a search can be shared and the
//! back button restores it. `/kategori/<slug>` is the same view with the category fixed.

use crate::api::{FetchError, Storefront};
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::layout::LiveText;
use crate::components::product_card::{card_data, CardData, ProductGrid};
use crate::components::share_button::ShareButton;
use crate::i18n::t;
use crate::shelf::{fetch_doc, Fetched, Shelf};
use etalase_core::api::{search_path, SearchResults};
use etalase_core::catalog::{Availability, Catalog, CatalogData};
use etalase_core::search::{run, Certificate, SearchQuery, Sort};
use etalase_core::shelf::{kabupaten_counts, KabupatenCount};
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
    view! { <SearchView fixed_category=None /> }
}

/// Results the server found for one query, a page at a time, until the app holds the whole
/// catalog and searches it itself.
#[derive(Clone)]
struct Served {
    query: SearchQuery,
    total: usize,
    cards: Vec<CardData>,
    kabupaten: Vec<KabupatenCount>,
}

/// Asks the server for `query`'s results from `offset`. `Ok(None)`: this host has no search
/// (a static copy), the whole catalog serves instead.
async fn serve(
    shelf: Shelf,
    query: &SearchQuery,
    offset: usize,
) -> Result<Option<SearchResults>, FetchError> {
    if shelf.is_static() {
        return Ok(None);
    }
    match fetch_doc::<SearchResults>(&search_path(query, PAGE, offset)).await? {
        Fetched::Found(found) => Ok(Some(found)),
        Fetched::Missing | Fetched::Fallback => Ok(None),
    }
}

fn cards_of(found: SearchResults) -> Vec<CardData> {
    let makers = Catalog::from_data(CatalogData {
        ikm: found.ikm,
        products: Vec::new(),
    });
    card_data(&makers, found.products.iter())
}

#[component]
pub fn SearchView(fixed_category: Option<Category>) -> impl IntoView {
    let texts = t();
    let params = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let shelf = expect_context::<Shelf>();

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

    // With the whole catalog here, every keystroke is answered at once, by core's search.
    let store = Memo::new(move |_| shelf.full().map(StoreRef));
    let hits = Memo::new(move |_| {
        store.with(|s| {
            s.as_ref()
                .map(|StoreRef(s)| run(&s.catalog, s.index(), &query.read()))
        })
    });
    // The index is built right after the catalog arrives, not on the next keystroke.
    Effect::new(move |_| {
        if let Some(StoreRef(s)) = store.get() {
            set_timeout(
                move || {
                    let _ = s.index();
                },
                std::time::Duration::ZERO,
            );
        }
    });

    // Until then, the server searches: the first page for each query, more on demand. An
    // answer for a query no longer on screen is dropped.
    let served = RwSignal::new(None::<Served>);
    let failed = RwSignal::new(None::<FetchError>);
    let fetching = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let fetch = move |q: SearchQuery, offset: usize| {
        fetching.set(true);
        leptos::task::spawn_local(async move {
            let answer = serve(shelf, &q, offset).await;
            // The page may have gone meanwhile (its signals with it), or moved on.
            if query.try_get_untracked().as_ref() != Some(&q) || shelf.full_untracked().is_some() {
                return;
            }
            fetching.set(false);
            match answer {
                Ok(Some(found)) => {
                    failed.set(None);
                    let total = found.total;
                    let kabupaten = found.kabupaten.clone();
                    let cards = cards_of(found);
                    served.update(|s| match s {
                        Some(s) if s.query == q && offset > 0 => s.cards.extend(cards),
                        _ => {
                            *s = Some(Served {
                                query: q,
                                total,
                                cards,
                                kabupaten,
                            })
                        }
                    });
                }
                Ok(None) => {
                    // No search on this host: the catalog file is the index.
                    if let Err(e) = shelf.load_full().await {
                        failed.set(Some(e));
                    }
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        attempt.track();
        let q = query.get();
        if shelf.full().is_none() {
            fetch(q, 0);
        }
    });

    // The server's first HTML stays until the first results are drawn.
    let drawn = shelf.wait_for_data();
    Effect::new(move |_| {
        if hits.read().is_some() || served.read().is_some() || failed.read().is_some() {
            drawn();
        }
    });

    let limit = RwSignal::new(PAGE);
    Effect::new(move |_| {
        query.track();
        limit.set(PAGE);
    });
    let cards = Signal::derive(move || -> Vec<CardData> {
        if let Some(hits) = hits.get() {
            let Some(StoreRef(s)) = store.get() else {
                return Vec::new();
            };
            let shown = hits.iter().take(limit.get()).map(|&i| &s.products[i]);
            return card_data(&s.catalog, shown);
        }
        served
            .read()
            .as_ref()
            .map(|s| s.cards.clone())
            .unwrap_or_default()
    });
    // How many match in all; `None` until known.
    let total = Signal::derive(move || match hits.read().as_ref() {
        Some(hits) => Some(hits.len()),
        None => served.read().as_ref().map(|s| s.total),
    });
    let kabupaten_options = Signal::derive(move || match store.get() {
        Some(StoreRef(s)) => kabupaten_counts(&s.catalog),
        None => served
            .read()
            .as_ref()
            .map(|s| s.kabupaten.clone())
            .unwrap_or_default(),
    });
    let show_more = move || {
        if hits.read_untracked().is_some() {
            limit.update(|l| *l += PAGE);
        } else if let Some(s) = served.get_untracked() {
            if !fetching.get_untracked() {
                fetch(s.query, s.cards.len());
            }
            // A buyer reading on: the whole catalog answers from now on.
            shelf.prefetch();
        }
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

    // Results for an earlier query are on screen while the server answers this one.
    let stale = move || {
        hits.read().is_none()
            && failed.read().is_none()
            && served
                .read()
                .as_ref()
                .is_none_or(|s| s.query != query.get())
    };
    let count = move || total.get().unwrap_or(0);
    let more = move || total.get().unwrap_or(0) > cards.read().len();

    view! {
        <Title text=heading />
        <section class="section search-page" aria-busy=move || if stale() { "true" } else { "false" }>
            <div class="page-head">
                <h1>{heading}</h1>
                <ShareButton title=Signal::derive(heading) text=Signal::derive(move || format!("{} — Etalase IKM Lampung", heading())) />
            </div>
            <div class="search-bar">
                <p class="result-count" role="status" aria-live="polite">
                    {move || total.get().map(|n| texts.products(n))}
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
                            {move || kabupaten_options
                                .get()
                                .into_iter()
                                .map(|KabupatenCount { kabupaten: k, products, .. }| {
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
            {move || failed.get().map(|error| view! {
                <LoadError error on_retry=move || attempt.update(|n| *n += 1) />
            })}
            <Show when=move || total.get().is_none() && failed.read().is_none()>
                <Loading />
            </Show>
            <Show
                when=move || { count() > 0 }
                fallback=move || {
                    (total.get() == Some(0)).then(|| view! {
                        <div class="empty-state">
                            <p><strong>{texts.no_results}</strong></p>
                            <p>{texts.no_results_hint}</p>
                        </div>
                    })
                }
            >
                <ProductGrid cards />
                <Show when=more>
                    <button
                        type="button"
                        class="button button-secondary show-more"
                        on:click=move |_| show_more()
                    >
                        {texts.show_more}
                    </button>
                </Show>
            </Show>
        </section>
    }
}

/// The whole catalog, compared by identity: a memo of it changes only when another arrives.
#[derive(Clone)]
struct StoreRef(Arc<Storefront>);

impl PartialEq for StoreRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
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
