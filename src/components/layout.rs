//! The frame around every page: header with the search box, footer, bottom navigation.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let texts = t();
    let query = use_query_map();
    let current_q = move || query.read().get("q").unwrap_or_default();
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true"></span>
                <span class="brand-name">{texts.site_name}</span>
            </A>
            <Form action="/cari" attr:class="search-form" attr:role="search">
                <label class="visually-hidden" for="cari-q">{texts.search_label}</label>
                <input
                    id="cari-q"
                    type="search"
                    name="q"
                    enterkeyhint="search"
                    autocomplete="off"
                    placeholder=texts.search_placeholder
                    prop:value=current_q
                />
                <button type="submit" class="search-button">{texts.search_button}</button>
            </Form>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t().footer}</p>
        </footer>
    }
}

#[component]
pub fn BottomNav() -> impl IntoView {
    let texts = t();
    let location = use_location();
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
        </nav>
    }
}
