//! The frame around every page: header with the search box and the language switch,
//! footer, bottom navigation.

use crate::i18n::{set_locale, t};
use crate::order_list::OrderList;
use etalase_core::search::SearchQuery;
use etalase_core::Locale;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::time::Duration;

/// Pages whose list follows the search box as the buyer types.
fn is_search_path(path: &str) -> bool {
    path == "/cari" || path.starts_with("/kategori/")
}

/// What is typed in the search box before it reaches the URL. Results follow every
/// keystroke; the URL follows once typing pauses, so the address stays shareable without a
/// router navigation per key.
#[derive(Clone, Copy)]
pub struct LiveText(pub RwSignal<Option<String>>);

/// How long typing must pause before the URL is brought up to date.
const URL_DEBOUNCE: Duration = Duration::from_millis(300);

#[component]
pub fn SiteHeader() -> impl IntoView {
    let texts = t();
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let live = expect_context::<LiveText>().0;
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel_pending = move || {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    let current_query = move || {
        let params = query.get_untracked();
        SearchQuery::from_params(|k| params.get(k))
    };
    // Whenever the URL changes (the debounced update, back, forward, a link) it is the truth.
    Effect::new(move |_| {
        query.track();
        live.set(None);
    });

    // A buyer about to type: the whole catalog (the search index) starts loading, so the
    // keystrokes after the first few are answered on the phone.
    let shelf = expect_context::<crate::shelf::Shelf>();
    let on_input = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::Event| {
            shelf.prefetch();
            let path = location.pathname.get_untracked();
            if !is_search_path(&path) {
                return;
            }
            let text = event_target_value(&ev);
            live.set(Some(text.clone()));
            cancel_pending();
            let navigate = navigate.clone();
            let update = move || {
                let mut q = current_query();
                q.text = text;
                let options = NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                };
                navigate(&format!("{path}{}", q.to_query_string()), options);
            };
            if let Ok(handle) = set_timeout_with_handle(update, URL_DEBOUNCE) {
                pending.set_value(Some(handle));
            }
        }
    };
    // Submitting searches from anywhere; on a search page the filters stay.
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cancel_pending();
        let text = input_ref.get().map(|i| i.value()).unwrap_or_default();
        let path = location.pathname.get_untracked();
        let (path, mut q) = if is_search_path(&path) {
            (path, current_query())
        } else {
            ("/cari".to_owned(), SearchQuery::default())
        };
        q.text = text;
        navigate(
            &format!("{path}{}", q.to_query_string()),
            Default::default(),
        );
    };
    view! {
        <header class="site-header">
            <div class="header-row">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{texts.site_name}</span>
                </A>
                <LanguageSwitch />
            </div>
            <form class="search-form" role="search" action="/cari" on:submit=on_submit>
                <label class="visually-hidden" for="cari-q">{texts.search_label}</label>
                <input
                    id="cari-q"
                    node_ref=input_ref
                    type="search"
                    name="q"
                    enterkeyhint="search"
                    autocomplete="off"
                    placeholder=texts.search_placeholder
                    prop:value=move || {
                        live.get().unwrap_or_else(|| query.read().get("q").unwrap_or_default())
                    }
                    on:input=on_input
                    on:focus=move |_| shelf.prefetch()
                />
                <button type="submit" class="search-button">{texts.search_button}</button>
            </form>
        </header>
    }
}

/// The switch to the other language (the choice is remembered in the browser).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let texts = t();
    let other = match texts.locale {
        Locale::Id => Locale::En,
        Locale::En => Locale::Id,
    };
    view! {
        <button
            type="button"
            class="language-switch"
            lang=other.tag()
            aria-label=texts.language_switch_label
            on:click=move |_| set_locale(other)
        >
            {texts.language_switch}
        </button>
    }
}

/// The tab's title: the page's own with the site's name, or, while a page is still loading
/// its own, the title the server wrote (while its rendering still stands: the tab keeps the
/// product's name through the hand-over) or the site's name alone.
#[component]
pub fn SiteTitle() -> impl IntoView {
    let served = SERVED_TITLE.get().cloned().flatten();
    view! {
        <leptos_meta::Title text="" formatter=move |title: String| {
            if !title.is_empty() {
                format!("{title} · {SITE_NAME}")
            } else {
                served
                    .clone()
                    .filter(|_| crate::browser::server_rendering_shown())
                    .unwrap_or_else(|| SITE_NAME.to_owned())
            }
        } />
    }
}

const SITE_NAME: &str = "Etalase IKM Lampung";

/// The title the server wrote, read before the app first writes the document's.
static SERVED_TITLE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Keeps the server's title for [`SiteTitle`]: called before the app is mounted.
pub fn remember_served_title() {
    let _ = SERVED_TITLE.set(server_title());
}

/// The document's title while the server's rendering (`#prerender`) is on screen.
fn server_title() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let document = web_sys::window()?.document()?;
        document.get_element_by_id("prerender")?;
        Some(document.title()).filter(|t| !t.trim().is_empty())
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    // A static copy has no server, so no desk to log in to.
    let with_server = use_context::<crate::app::Ordering>().map(|o| o.0);
    view! {
        <footer class="site-footer">
            <p>{t().footer}</p>
            <p><a href=etalase_core::need::BOARD_PAGE>{t().nav_needs}</a></p>
            <Show when=move || with_server.is_none_or(|s| s.get())>
                // The staff pages are another app: the browser loads it, not this router.
                <p><a href="/masuk" rel="external">{t().staff_link}</a></p>
            </Show>
        </footer>
    }
}

#[component]
pub fn BottomNav() -> impl IntoView {
    let texts = t();
    let location = use_location();
    let list = expect_context::<OrderList>();
    let current = move |prefix: &'static str| {
        let path = location.pathname.get();
        let active = if prefix == "/" {
            path == "/"
        } else {
            path.starts_with(prefix)
        };
        active.then_some("page")
    };
    view! {
        <nav class="bottom-nav" aria-label=texts.main_nav>
            <a href="/" aria-current=move || current("/")>
                <span class="icon icon-home" aria-hidden="true"></span>
                {texts.nav_home}
            </a>
            <a href="/cari" aria-current=move || current("/cari")>
                <span class="icon icon-search" aria-hidden="true"></span>
                {texts.nav_search}
            </a>
            <a href="/daftar-pesanan" aria-current=move || current("/daftar-pesanan")>
                <span class="icon icon-list" aria-hidden="true">
                    <Show when=move || { list.count() > 0 }>
                        <span class="nav-badge">{move || list.count()}</span>
                    </Show>
                </span>
                {texts.nav_orders}
            </a>
        </nav>
    }
}
