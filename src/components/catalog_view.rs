//! Renders a view from the shared catalog, with a loading state and an error state that
//! offers a retry, so no page is ever blank.

use crate::api::{FetchError, Storefront};
use crate::app::CatalogResource;
use crate::i18n::t;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn WithCatalog<F, V>(render: F) -> impl IntoView
where
    F: Fn(Arc<Storefront>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let catalog = expect_context::<CatalogResource>();
    move || match catalog.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(data)) => render(data).into_any(),
        Some(Err(error)) => {
            view! { <LoadError error on_retry=move || catalog.refetch() /> }.into_any()
        }
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {t().loading}
        </div>
    }
}

#[component]
pub fn LoadError(error: FetchError, on_retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let texts = t();
    let detail = match error {
        FetchError::Network(_) => texts.load_failed_offline,
        _ => texts.load_failed_server,
    };
    view! {
        <section class="load-error" role="alert">
            <h2>{texts.load_failed_title}</h2>
            <p>{detail}</p>
            <button class="button" type="button" on:click=move |_| on_retry()>
                {texts.retry}
            </button>
        </section>
    }
}
