//! What a partner's need asks for, at a glance: quantity, budget, where and by when, when
//! offers close, who asks (the company only where it allowed it) and the offers so far. The
//! board's cards, the need's public page and the partner's own page show the same facts.

use crate::i18n::t;
use etalase_core::need::{NeedCard, NeedState};
use etalase_core::Date;
use leptos::prelude::*;

/// The facts of `need` as a list of label and value; `today` counts the days left to offer.
#[component]
pub fn NeedFacts(need: NeedCard, today: Date) -> impl IntoView {
    let texts = t();
    let fact = |label: &'static str, value: String| {
        view! {
            <div class="need-fact">
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let quantity = format!("{} {}", texts.number(need.quantity), need.unit);
    let budget = need
        .budget
        .map(|b| fact(texts.need_budget, texts.budget(b, &need.unit)));
    let offers_until = need.offers_until.map(|until| {
        let mut value = texts.date(&until.to_string());
        if need.state == NeedState::Open {
            value = format!("{value} · {}", texts.offers_left(today.days_until(until)));
        }
        fact(texts.need_offers_until, value)
    });
    let who = need
        .company
        .clone()
        .unwrap_or_else(|| texts.buyer_type(need.buyer_type).to_owned());
    view! {
        <dl class="need-facts">
            {fact(texts.quantity, quantity)}
            {budget}
            {fact(texts.need_deliver_to, texts.kabupaten(need.kabupaten))}
            {fact(texts.f_needed_by, texts.date(&need.needed_by.to_string()))}
            {offers_until}
            {fact(texts.need_asked_by, who)}
            {fact(texts.need_offers, texts.offer_count(need.offers))}
        </dl>
    }
}

/// The class of a need's state badge: `state state-open`, …
pub fn state_class(state: NeedState) -> String {
    format!("state state-{}", state.slug())
}
