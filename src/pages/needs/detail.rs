//! A need's public page (`/kebutuhan/<code>`): everything the board's card says, the full
//! description, a share button, and the way for an IKM to offer: the IKM desk where the site
//! has a server, Disperindag's WhatsApp on a static copy (the partner's contact is never
//! public, so Disperindag passes offers on).

use super::board_page;
use crate::api::{get_json, FetchError};
use crate::app::{NeedsWhatsapp, Ordering};
use crate::browser::today_wib;
use crate::components::catalog_view::Loaded;
use crate::components::need_facts::{state_class, NeedFacts};
use crate::components::share_button::ShareButton;
use crate::i18n::t;
use crate::shelf::Shelf;
use etalase_core::need::desk_need_page_path;
use etalase_core::need::{
    is_need_code, need_path, whatsapp_static_offer_text, BoardFilter, NeedCard, NeedState,
    BOARD_PAGE,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The published need `code`, or `None` when there is none (on a static copy: looked up in
/// the board's file).
async fn public_need(shelf: Shelf, code: &str) -> Result<Option<NeedCard>, FetchError> {
    if !is_need_code(code) {
        return Ok(None);
    }
    // A static copy holds no file per need (the board's file is all there is).
    if shelf.is_static() {
        let board = board_page(shelf, &BoardFilter::default(), 0).await?;
        return Ok(board.needs.into_iter().find(|n| n.code == code));
    }
    match get_json::<NeedCard>(&need_path(code)).await {
        Ok(need) => Ok(Some(need)),
        Err(FetchError::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[component]
pub fn NeedPage() -> impl IntoView {
    let params = use_params_map();
    let shelf = expect_context::<Shelf>();
    let code = move || params.read().get("code").unwrap_or_default();
    let data = LocalResource::new(move || {
        let code = code();
        async move { public_need(shelf, &code).await }
    });
    view! {
        <Loaded data render=move |need| match need {
            Some(need) => need_view(need),
            None => view! { <NeedNotFound /> }.into_any(),
        } />
    }
}

/// The same words for a code that never existed and one not (or no longer) public.
#[component]
pub fn NeedNotFound() -> impl IntoView {
    let texts = t();
    view! {
        <Title text=texts.need_not_found_title />
        <section class="not-found">
            <h1>{texts.need_not_found_title}</h1>
            <p>{texts.need_not_found_body}</p>
            <a href=BOARD_PAGE class="button">{texts.needs_see_board}</a>
        </section>
    }
}

fn need_view(need: NeedCard) -> AnyView {
    let texts = t();
    let summary: String = need.description.chars().take(150).collect();
    let share_text = format!("{} {}", texts.need_share_text, need.title);
    let description = need.description.clone();
    let title = need.title.clone();
    let code = need.code.clone();
    let state = need.state;
    let category = texts.category(need.category);
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=summary />
        <article class="section need-page">
            <p class="need-back"><a href=BOARD_PAGE>{texts.needs_back}</a></p>
            <div class="need-tags">
                <span class="tag">{category}</span>
                <span class=state_class(state)>{texts.need_state(state)}</span>
                <span class="need-code">{code.clone()}</span>
            </div>
            <div class="page-head">
                <h1>{title.clone()}</h1>
                <ShareButton title=title.clone() text=share_text />
            </div>
            <NeedFacts need today=today_wib() />
            <h2>{texts.description}</h2>
            <p class="need-description">{description}</p>
            <OfferCall code title state />
        </article>
    }
    .into_any()
}

/// How an IKM answers this need, where it still takes offers.
#[component]
fn OfferCall(code: String, title: String, state: NeedState) -> impl IntoView {
    let texts = t();
    if state != NeedState::Open {
        return view! {
            <aside class="need-cta need-cta-closed">
                <p>{texts.need_not_taking_offers}</p>
                <a class="button button-secondary" href=BOARD_PAGE>{texts.needs_see_board}</a>
            </aside>
        }
        .into_any();
    }
    let ordering = use_context::<Ordering>().map(|o| o.0);
    let whatsapp = use_context::<NeedsWhatsapp>().map(|w| w.0);
    let text = whatsapp_static_offer_text(&code, &title);
    // Where IKM make offers: this need at the desk, another app (the browser loads it, not
    // this router).
    let desk = desk_need_page_path(&code);
    view! {
        <aside class="need-cta" aria-labelledby="judul-tawar">
            {move || {
                if ordering.is_none_or(|o| o.get()) {
                    return view! {
                        <h2 id="judul-tawar">{texts.need_ikm_offer_title}</h2>
                        <p>{texts.need_ikm_offer_body}</p>
                        <a class="button" href=desk.clone() rel="external">{texts.need_ikm_offer_button}</a>
                    }
                    .into_any();
                }
                // A static copy has no desk: Disperindag passes offers on.
                let offer = match whatsapp.and_then(|w| w.get()) {
                    Some(phone) => view! {
                        <p>{texts.need_ikm_offer_wa_body}</p>
                        <a class="button button-wa" href=phone.wa_link(&text) target="_blank" rel="noopener">
                            {texts.need_ikm_offer_wa_button}
                        </a>
                    }
                    .into_any(),
                    None => view! { <p>{texts.need_ikm_offer_static}</p> }.into_any(),
                };
                view! {
                    <h2 id="judul-tawar">{texts.need_ikm_offer_title_static}</h2>
                    {offer}
                }
                .into_any()
            }}
        </aside>
    }
    .into_any()
}
