//! Renders a page from its data, with a loading state and an error state that offers a
//! retry, so no page is ever blank. While any page on screen waits for its first data, the
//! server's first HTML stays (see [`crate::shelf::Shelf::waiting`]).

use crate::api::FetchError;
use crate::i18n::t;
use crate::shelf::Shelf;
use leptos::prelude::*;

#[component]
pub fn Loaded<T, F, V>(data: LocalResource<Result<T, FetchError>>, render: F) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let settle = expect_context::<Shelf>().wait_for_data();
    retry_when_online(data);
    move || match data.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(value)) => {
            settle();
            render(value).into_any()
        }
        // No signal, and the server's copy of this page is on screen (the service worker
        // kept it when the buyer saw it): the copy stays, readable, and the app takes over
        // once the signal is back rather than trading it for an error.
        Some(Err(FetchError::Network(_))) if crate::browser::server_rendering_shown() => {
            view! { <Loading /> }.into_any()
        }
        Some(Err(error)) => {
            settle();
            view! { <LoadError error on_retry=move || data.refetch() /> }.into_any()
        }
    }
}

/// A page that failed for want of a signal tries again when the browser says it is back.
fn retry_when_online<T: 'static>(data: LocalResource<Result<T, FetchError>>) {
    #[cfg(target_arch = "wasm32")]
    {
        let handle = window_event_listener_untyped("online", move |_| {
            let failed = data.with_untracked(|d| matches!(d, Some(Err(FetchError::Network(_)))));
            if failed {
                data.refetch();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = data;
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
    let (title, detail) = match error {
        FetchError::Network(_) => (texts.needs_signal_title, texts.load_failed_offline),
        _ => (texts.load_failed_title, texts.load_failed_server),
    };
    view! {
        <section class="load-error" role="alert">
            <h2>{title}</h2>
            <p>{detail}</p>
            <button class="button" type="button" on:click=move |_| on_retry()>
                {texts.retry}
            </button>
        </section>
    }
}
