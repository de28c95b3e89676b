//! The pieces every printable document shares (invoice, packing slip): the bar with the way
//! back and the print button, hidden on paper, and the two parties side by side.

use leptos::prelude::*;

/// One side of a document: a heading ("Penjual", "Kirim ke"), the name, and its lines.
pub struct Party {
    pub title: &'static str,
    pub name: String,
    pub lines: Vec<String>,
}

#[component]
pub fn PrintBar(back_href: String, back_label: String) -> impl IntoView {
    let print = move |_| {
        #[cfg(target_arch = "wasm32")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="invoice-actions no-print">
            <a class="link-button" href=back_href>{back_label}</a>
            <button type="button" class="button" on:click=print>{crate::i18n::t().print}</button>
        </div>
    }
}

#[component]
pub fn Parties(from: Party, to: Party) -> impl IntoView {
    let side = |party: Party| {
        view! {
            <section>
                <h2>{party.title}</h2>
                <p class="party-name">{party.name}</p>
                {party.lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
            </section>
        }
    };
    view! { <div class="invoice-parties">{side(from)}{side(to)}</div> }
}
