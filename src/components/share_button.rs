//! "Bagikan": the phone's share sheet where it has one; otherwise our own sheet with
//! WhatsApp, copy link (with a visible confirmation), Facebook and Telegram.

use crate::i18n::t;
use crate::share::{
    copy_to_clipboard, current_url, facebook_share_url, telegram_share_url, web_share,
    whatsapp_share_url,
};
use leptos::prelude::*;

/// Shares the current page. `title` names it; `text` goes before the link in messages.
#[component]
pub fn ShareButton(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] text: Signal<String>,
) -> impl IntoView {
    let texts = t();
    let open = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let url = RwSignal::new(String::new());
    let on_share = move |_| {
        let here = current_url();
        url.set(here.clone());
        copied.set(false);
        if !web_share(&title.get_untracked(), &text.get_untracked(), &here) {
            open.set(true);
        }
    };
    let copy = move |_| {
        copy_to_clipboard(&url.get_untracked());
        copied.set(true);
    };
    view! {
        <div class="share">
            <button type="button" class="button button-secondary share-button" aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string() on:click=on_share>
                {texts.share_link}
            </button>
            <Show when=move || open.get()>
                <div class="share-sheet" role="dialog" aria-label=texts.share_link>
                    <a class="button button-wa" target="_blank" rel="noopener"
                        href=move || whatsapp_share_url(&text.get(), &url.get())>"WhatsApp"</a>
                    <button type="button" class="button button-secondary" on:click=copy aria-live="polite">
                        {move || if copied.get() { texts.copied } else { texts.copy_link }}
                    </button>
                    <a class="button button-secondary" target="_blank" rel="noopener"
                        href=move || facebook_share_url(&url.get())>"Facebook"</a>
                    <a class="button button-secondary" target="_blank" rel="noopener"
                        href=move || telegram_share_url(&text.get(), &url.get())>"Telegram"</a>
                    <button type="button" class="link-button" on:click=move |_| open.set(false)>{texts.close}</button>
                </div>
            </Show>
        </div>
    }
}
