//! The pages after the first of a paged staff list (orders, audit log, needs): a button under
//! the list fetches the next page with the server's `next_cursor` (or `next_offset`) and shows
//! its rows below.

use crate::api::get_json;
use crate::staff::texts::dt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

/// `path` is the list's address with its filters; `next` the first page's `next_cursor`;
/// `split` takes a page apart into its rows and its own `next_cursor`; `row` draws one row.
/// `param` names the query parameter the next page is asked with (`offset` for the needs).
#[component]
pub fn MorePages<P, T, V>(
    path: String,
    next: Option<String>,
    split: fn(P) -> (Vec<T>, Option<String>),
    row: fn(T) -> V,
    #[prop(default = "cursor")] param: &'static str,
) -> impl IntoView
where
    P: DeserializeOwned + 'static,
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let d = dt();
    let rows = RwSignal::new(Vec::<T>::new());
    let next = RwSignal::new(next);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let load = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!(
            "{path}{separator}{param}={}",
            etalase_core::phone::percent_encode(&cursor)
        );
        busy.set(true);
        failed.set(false);
        spawn_local(async move {
            match get_json::<P>(&url).await {
                Ok(page) => {
                    let (more, following) = split(page);
                    rows.update(|r| r.extend(more));
                    next.set(following);
                }
                Err(_) => failed.set(true),
            }
            busy.set(false);
        });
    };
    view! {
        {move || rows.get().into_iter().map(row).collect_view()}
        <Show when=move || next.get().is_some()>
            <li class="load-more">
                <button type="button" class="button button-secondary" disabled=move || busy.get()
                    on:click=load.clone()>
                    {d.load_more}
                </button>
                <Show when=move || failed.get()>
                    <p class="error" role="alert">{d.load_more_failed}</p>
                </Show>
            </li>
        </Show>
    }
}
