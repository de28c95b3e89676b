//! The router and the page frame: header with search, content, footer, bottom navigation.

use crate::api::get_json;
use crate::components::layout::{BottomNav, LiveText, SiteFooter, SiteHeader, SiteTitle};
use crate::i18n::{remembered_locale, set_locale, t, Language};
use crate::order_list::OrderList;
use crate::pages::invoice::InvoicePage;
use crate::pages::needs::{
    board::NeedBoardPage, detail::NeedPage, manage::ManageNeedPage, new::NewNeedPage,
};
use crate::pages::tracking::TrackingPage;
use crate::pages::{
    category::CategoryPage, checkout::CheckoutPage, home::HomePage, ikm::IkmPage,
    not_found::NotFound, order_list::OrderListPage, product::ProductPage, search::SearchPage,
};
use crate::shelf::Shelf;
use etalase_core::api::{SiteInfo, SITE_PATH};
use etalase_core::Phone;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// Removes the server's rendering. Anything a quick visitor already typed into its search
/// box moves into the app's box, with the focus, so no keystroke is lost in the hand-over;
/// an open filter panel stays open.
fn remove_prerender(live: RwSignal<Option<String>>) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(el) = document.get_element_by_id("prerender") else {
            return;
        };
        let typed = document
            .get_element_by_id("prerender-q")
            .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok());
        let focused = typed.as_ref().is_some_and(|input| {
            document
                .active_element()
                .is_some_and(|active| active.is_same_node(Some(input)))
        });
        let text = typed.map(|input| input.value()).unwrap_or_default();
        // A filter panel opened before the app arrived stays open in the app's page.
        let filters_open = el
            .query_selector("details.filters[open]")
            .ok()
            .flatten()
            .is_some();
        el.remove();
        if filters_open {
            request_animation_frame(move || {
                if let Some(Some(panel)) = web_sys::window()
                    .and_then(|w| w.document())
                    .map(|d| d.query_selector("main details.filters").ok().flatten())
                {
                    let _ = panel.set_attribute("open", "");
                }
            });
        }
        if !text.is_empty() {
            live.set(Some(text));
        }
        if focused {
            if let Some(input) = document
                .get_element_by_id("cari-q")
                .and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = input.focus();
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = live;
}

/// On every page but the checkout: a request waiting for a signal, or one that went out
/// while the partner was elsewhere, with a link to it.
#[component]
fn OutboxBanner() -> impl IntoView {
    let texts = t();
    let outbox = expect_context::<crate::outbox::Outbox>();
    let location = leptos_router::hooks::use_location();
    move || {
        if location.pathname.get() == "/ajukan" {
            return None;
        }
        let message = if outbox.pending.get().is_some() {
            texts.outbox_waiting_banner
        } else if outbox.unseen.get() {
            texts.outbox_sent_banner
        } else {
            return None;
        };
        Some(view! {
            <p class="outbox-banner" role="status">
                {message} " " <a href="/ajukan">{texts.see_request}</a>
            </p>
        })
    }
}

/// Whether order requests can be sent from here (false on a static export).
#[derive(Clone, Copy)]
pub struct Ordering(pub Memo<bool>);

/// On a static copy: Disperindag's WhatsApp number that passes IKM's offers on needs to the
/// partners (`None` where the site has a server, or names none).
#[derive(Clone, Copy)]
pub struct NeedsWhatsapp(pub Memo<Option<Phone>>);

/// On a static copy: the running site it was copied from, where needs are posted.
#[derive(Clone, Copy)]
pub struct OnlineSite(pub Memo<Option<String>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let shelf = Shelf::new();
    provide_context(shelf);
    let language = Language(RwSignal::new(remembered_locale()));
    provide_context(language);
    let live = RwSignal::new(None);
    provide_context(LiveText(live));
    let site = LocalResource::new(|| get_json::<SiteInfo>(SITE_PATH));
    // What the site's description says, as memos: they speak only when an answer changes.
    // Pages draw one thing or another from them (a form, or "order by WhatsApp"), and the
    // description arriving with the answer they already assumed must not draw the form the
    // partner is typing in again (its focus and the keystroke in flight would be lost).
    let info = move || site.get().and_then(Result::ok);
    // Ordering works unless the site says it does not (a static copy without a server).
    let ordering = Memo::new(move |_| info().is_none_or(|info| info.ordering));
    provide_context(Ordering(ordering));
    let needs_whatsapp = Memo::new(move |_| info().and_then(|info| info.needs_whatsapp));
    provide_context(NeedsWhatsapp(needs_whatsapp));
    let online_site = Memo::new(move |_| {
        info()
            .and_then(|info| info.online_site)
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
    });
    provide_context(OnlineSite(online_site));
    let order_list = OrderList::load();
    order_list.persist();
    provide_context(order_list);
    provide_context(crate::outbox::Outbox::start(order_list));
    set_locale(language.0.get_untracked());
    // The server's script-free rendering of the page stays until the page's data is here;
    // then the app, drawn with the same layout, takes its place in one go. The router draws
    // the page a moment after the app starts (its microtasks); a task later, every page on
    // screen has said what it waits for.
    let removed = StoredValue::new(false);
    let drawn = RwSignal::new(false);
    set_timeout(move || drawn.set(true), std::time::Duration::ZERO);
    Effect::new(move |_| {
        if drawn.get() && !shelf.waiting() && !removed.get_value() {
            removed.set_value(true);
            remove_prerender(live);
        }
    });

    // A language switch re-renders the frame and the current page in the new language; the
    // catalog and the URL (and so the search and filters) stay as they are.
    move || {
        let _ = language.0.get();
        let texts = t();
        view! {
            <SiteTitle />
            <Router>
                <a class="skip-link" href="#konten">{texts.skip_to_content}</a>
                <SiteHeader />
                <OutboxBanner />
                <main id="konten" class="content" tabindex="-1">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/cari") view=SearchPage />
                        <Route path=path!("/produk/:slug") view=ProductPage />
                        <Route path=path!("/ikm/:slug") view=IkmPage />
                        <Route path=path!("/kategori/:slug") view=CategoryPage />
                        <Route path=path!("/daftar-pesanan") view=OrderListPage />
                        <Route path=path!("/ajukan") view=CheckoutPage />
                        <Route path=path!("/pesanan/:code") view=TrackingPage />
                        <Route path=path!("/pesanan/:code/invoice/:ikm") view=InvoicePage />
                        <Route path=path!("/kebutuhan") view=NeedBoardPage />
                        // Before `:code`: the form's path is not a need's code.
                        <Route path=path!("/kebutuhan/baru") view=NewNeedPage />
                        <Route path=path!("/kebutuhan/:code") view=NeedPage />
                        <Route path=path!("/kebutuhan/:code/kelola") view=ManageNeedPage />
                    </Routes>
                </main>
                <SiteFooter />
                <BottomNav />
            </Router>
        }
    }
}
