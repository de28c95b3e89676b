//! The board (`/kebutuhan`): open needs, newest first, filtered by category and by the
//! kabupaten/kota goods go to. The filters live in the URL (`?kategori=…&kabupaten=…`, core's
//! `BoardFilter`), so a filtered board can be shared and the back button restores it; the
//! filter is applied here too, because a static copy ignores the query.

use super::board_page;
use crate::api::FetchError;
use crate::browser::today_wib;
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::need_facts::state_class;
use crate::i18n::t;
use crate::shelf::Shelf;
use etalase_core::need::{
    need_page_path, BoardFilter, NeedCard, NeedState, BOARD_PAGE, CATEGORY_PARAM, KABUPATEN_PARAM,
    NEW_NEED_PAGE,
};
use etalase_core::{Category, Kabupaten};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// The needs fetched for one filter so far.
#[derive(Clone)]
struct Listed {
    filter: BoardFilter,
    needs: Vec<NeedCard>,
    total: usize,
    next_offset: Option<usize>,
}

/// What the board draws: the needs that match, how many match in all, and whether they are
/// the answer for this filter (not yet, while a new one loads).
#[derive(Clone)]
struct Shown {
    needs: Vec<NeedCard>,
    total: usize,
    current: bool,
}

/// `/kebutuhan` with the filter's query.
fn board_href(filter: &BoardFilter) -> String {
    let query = filter.to_query();
    if query.is_empty() {
        BOARD_PAGE.to_owned()
    } else {
        format!("{BOARD_PAGE}?{query}")
    }
}

#[component]
pub fn NeedBoardPage() -> impl IntoView {
    let texts = t();
    let shelf = expect_context::<Shelf>();
    let query = use_query_map();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let pairs: Vec<(&str, String)> = [CATEGORY_PARAM, KABUPATEN_PARAM]
            .into_iter()
            .filter_map(|k| q.get(k).map(|v| (k, v)))
            .collect();
        BoardFilter::from_params(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    });

    let listed = RwSignal::new(None::<Listed>);
    let failed = RwSignal::new(None::<FetchError>);
    let fetching = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    // An answer for a filter no longer on screen is dropped.
    let fetch = move |f: BoardFilter, offset: usize| {
        fetching.set(true);
        leptos::task::spawn_local(async move {
            let answer = board_page(shelf, &f, offset).await;
            // The page may have gone meanwhile (its signals with it), or moved on.
            if filter.try_get_untracked().as_ref() != Some(&f) {
                return;
            }
            fetching.set(false);
            match answer {
                Ok(board) => {
                    failed.set(None);
                    listed.update(|l| match l {
                        Some(l) if l.filter == f && offset > 0 => {
                            // A host that ignores the offset sends the same needs again.
                            for need in board.needs {
                                if !l.needs.iter().any(|n| n.code == need.code) {
                                    l.needs.push(need);
                                }
                            }
                            l.next_offset = board.next_offset.filter(|n| *n > offset);
                        }
                        _ => {
                            *l = Some(Listed {
                                filter: f,
                                total: board.total,
                                next_offset: board.next_offset,
                                needs: board.needs,
                            })
                        }
                    });
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        attempt.track();
        fetch(filter.get(), 0);
    });
    // The server's first HTML stays until the first answer is drawn.
    let drawn = shelf.wait_for_data();
    Effect::new(move |_| {
        if listed.read().is_some() || failed.read().is_some() {
            drawn();
        }
    });

    // The needs on screen, filtered here as well: a static copy sends them all, and while
    // the server answers a new filter the list already narrows to what it keeps.
    let shown = Signal::derive(move || -> Option<Shown> {
        let f = filter.get();
        listed.with(|l| {
            let l = l.as_ref()?;
            let needs: Vec<NeedCard> = l.needs.iter().filter(|n| f.matches(n)).cloned().collect();
            let current = l.filter == f;
            let total = if current && needs.len() == l.needs.len() {
                l.total.max(needs.len())
            } else {
                needs.len()
            };
            Some(Shown {
                needs,
                total,
                current,
            })
        })
    });
    let more = move || {
        listed.with(|l| {
            l.as_ref()
                .filter(|l| l.filter == filter.get())
                .and_then(|l| l.next_offset)
        })
    };
    let show_more = move |_| {
        if let Some(offset) = more() {
            if !fetching.get_untracked() {
                fetch(filter.get_untracked(), offset);
            }
        }
    };

    let go = move |f: BoardFilter| {
        let options = NavigateOptions {
            scroll: false,
            ..Default::default()
        };
        navigate(&board_href(&f), options);
    };
    let go = StoredValue::new(go);
    let set_kabupaten = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.kabupaten = Kabupaten::from_slug(&event_target_value(&ev));
        go.with_value(|go| go(f));
    };
    let clear = move |_| go.with_value(|go| go(BoardFilter::default()));
    let filtered = move || filter.get() != BoardFilter::default();

    let category_chip = move |c: Option<Category>| {
        let href = move || {
            board_href(&BoardFilter {
                category: c,
                ..filter.get()
            })
        };
        let label = c.map_or(texts.any, |c| texts.category(c));
        view! {
            <li>
                <a
                    class="filter-chip"
                    href=href
                    data-noscroll=""
                    aria-current=move || (filter.get().category == c).then_some("true")
                >
                    {label}
                </a>
            </li>
        }
    };

    view! {
        <Title text=texts.needs_title />
        <section class="section needs-board">
            <header class="needs-intro">
                <h1>{texts.needs_title}</h1>
                <p>{texts.needs_intro}</p>
                <a class="button need-post-button" href=NEW_NEED_PAGE>{texts.need_post}</a>
            </header>
            <div class="need-filters" role="group" aria-label=texts.filters>
                <ul class="filter-chips" aria-label=texts.filter_category>
                    {category_chip(None)}
                    {Category::ALL.into_iter().map(|c| category_chip(Some(c))).collect_view()}
                </ul>
                <label class="need-filter">
                    <span>{texts.need_deliver_to}</span>
                    <select name=KABUPATEN_PARAM on:change=set_kabupaten>
                        <option value="" selected=move || filter.get().kabupaten.is_none()>
                            {texts.need_anywhere}
                        </option>
                        {Kabupaten::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.slug() selected=move || filter.get().kabupaten == Some(k)>
                                        {texts.kabupaten(k)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="result-count" role="status" aria-live="polite">
                {move || shown.get().filter(|s| s.current).map(|s| texts.open_needs_count(s.total))}
            </p>
            {move || failed.get().map(|error| view! {
                <LoadError error on_retry=move || attempt.update(|n| *n += 1) />
            })}
            {move || match shown.get() {
                None if failed.read().is_none() => view! { <Loading /> }.into_any(),
                None => ().into_any(),
                Some(s) if s.needs.is_empty() && !s.current => view! { <Loading /> }.into_any(),
                Some(s) if s.needs.is_empty() => view! {
                    <div class="empty-state need-empty">
                        {if filtered() {
                            view! {
                                <p><strong>{texts.needs_none_filtered}</strong></p>
                                <button type="button" class="link-button" on:click=clear>{texts.clear_filters}</button>
                            }.into_any()
                        } else {
                            view! {
                                <p><strong>{texts.needs_none}</strong></p>
                                <p>{texts.needs_none_hint}</p>
                                <a class="button" href=NEW_NEED_PAGE>{texts.need_post}</a>
                            }.into_any()
                        }}
                    </div>
                }.into_any(),
                Some(s) => view! {
                    <ul class="need-list" aria-busy=(!s.current).to_string()>
                        {s.needs.into_iter().map(|need| view! { <li><NeedCardLink need /></li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <Show when=move || more().is_some()>
                <button
                    type="button"
                    class="button button-secondary show-more"
                    on:click=show_more
                    disabled=move || fetching.get()
                >
                    {move || if fetching.get() { texts.loading } else { texts.show_more }}
                </button>
            </Show>
        </section>
    }
}

/// One need on the board: the whole card opens its page. Lean on purpose: what, how much,
/// where and by when, who asks, the offers so far and how long offers stay open.
#[component]
fn NeedCardLink(need: NeedCard) -> impl IntoView {
    let texts = t();
    let href = need_page_path(&need.code);
    let state = need.state;
    // An open need says how long it takes offers; any other says where it stands.
    let badge = match (state, need.offers_until) {
        (NeedState::Open, Some(until)) => view! {
            <span class="state state-open">
                {format!("{} {}", texts.need_offers_short, texts.offers_left(today_wib().days_until(until)))}
            </span>
        }
        .into_any(),
        _ => view! { <span class=state_class(state)>{texts.need_state(state)}</span> }.into_any(),
    };
    let mut amount = format!("{} {}", texts.number(need.quantity), need.unit);
    if let Some(b) = need.budget {
        amount = format!(
            "{amount} · {} {}",
            texts.need_budget,
            texts.budget(b, &need.unit)
        );
    }
    let place = format!(
        "{} {} · {} {}",
        texts.need_deliver_to,
        texts.kabupaten(need.kabupaten),
        texts.need_needed,
        texts.date(&need.needed_by.to_string())
    );
    let who = need
        .company
        .clone()
        .unwrap_or_else(|| texts.buyer_type(need.buyer_type).to_owned());
    view! {
        <a class="need-card" href=href>
            <span class="need-card-top">
                <span class="tag">{texts.category(need.category)}</span>
                {badge}
            </span>
            <h2 class="need-card-title">{need.title.clone()}</h2>
            <span class="need-card-amount">{amount}</span>
            <span class="need-card-place">{place}</span>
            <span class="need-card-foot">
                <span class="need-card-who">{who}</span>
                <span class="need-card-offers">{texts.offer_count(need.offers)}</span>
            </span>
        </a>
    }
}
