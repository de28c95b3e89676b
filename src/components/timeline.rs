//! An order part's history: each change with its time in WIB, its status and its note.

use crate::i18n::t;
use etalase_core::api::TrackedEvent;
use leptos::prelude::*;

#[component]
pub fn Timeline(events: Vec<TrackedEvent>) -> impl IntoView {
    let texts = t();
    view! {
        <ol class="timeline">
            {events.into_iter().map(|e| view! {
                <li>
                    <time datetime=e.at.clone()>{texts.locale.timestamp_wib(&e.at)}</time>
                    " · " {texts.status(e.to)}
                    {(!e.note.is_empty()).then(|| format!(" — {}", e.note))}
                </li>
            }).collect_view()}
        </ol>
    }
}
