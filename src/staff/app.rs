//! The staff app's router and frame: a slim header (the storefront's name links back to it,
//! the language switch), the page, and a footer.

use crate::components::layout::{LanguageSwitch, SiteTitle};
use crate::i18n::{remembered_locale, set_locale, t, Language};
use crate::pages::not_found::NotFound;
use crate::staff::account::AccountPage;
use crate::staff::admin::AdminPage;
use crate::staff::desk::{DeskInboxPage, DeskOrderPage, PackingSlipPage};
use crate::staff::desk_needs::{DeskNeedPage, DeskNeedsPage};
use crate::staff::desk_products::{DeskProductPage, DeskProductsPage};
use crate::staff::login::LoginPage;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn StaffApp() -> impl IntoView {
    provide_meta_context();
    let language = Language(RwSignal::new(remembered_locale()));
    provide_context(language);
    set_locale(language.0.get_untracked());
    move || {
        let _ = language.0.get();
        let texts = t();
        view! {
            <SiteTitle />
            <Router>
                <a class="skip-link" href="#konten">{texts.skip_to_content}</a>
                <StaffHeader />
                <main id="konten" class="content" tabindex="-1">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/masuk") view=LoginPage />
                        <Route path=path!("/akun") view=AccountPage />
                        <Route path=path!("/admin") view=AdminPage />
                        <Route path=path!("/desk") view=DeskInboxPage />
                        <Route path=path!("/desk/pesanan/:code") view=DeskOrderPage />
                        <Route path=path!("/desk/produk") view=DeskProductsPage />
                        <Route path=path!("/desk/produk/:slug") view=DeskProductPage />
                        <Route path=path!("/desk/pesanan/:code/surat-jalan") view=PackingSlipPage />
                        <Route path=path!("/desk/kebutuhan") view=DeskNeedsPage />
                        <Route path=path!("/desk/kebutuhan/:code") view=DeskNeedPage />
                    </Routes>
                </main>
                <footer class="site-footer">
                    <p>{texts.footer}</p>
                </footer>
            </Router>
        }
    }
}

/// The storefront's name (a full load of the storefront) and the language switch.
#[component]
fn StaffHeader() -> impl IntoView {
    let texts = t();
    view! {
        <header class="site-header staff-header">
            <div class="header-row">
                <a href="/" rel="external" class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{texts.site_name}</span>
                </a>
                <LanguageSwitch />
            </div>
        </header>
    }
}
