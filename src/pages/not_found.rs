//! The page for an address that does not exist.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let texts = t();
    view! {
        <Title text=texts.not_found_title />
        <section class="not-found">
            <h1>{texts.not_found_title}</h1>
            <p>{texts.not_found_body}</p>
            // A full load: the staff app shows this page too, and has no storefront route.
            <a href="/" rel="external" class="button">{texts.back_home}</a>
        </section>
    }
}
