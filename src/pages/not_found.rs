//! The page for an address that does not exist.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let texts = t();
    view! {
        <Title text=texts.not_found_title />
        <section class="not-found">
            <h1>{texts.not_found_title}</h1>
            <p>{texts.not_found_body}</p>
            <A href="/" attr:class="button">{texts.back_home}</A>
        </section>
    }
}
