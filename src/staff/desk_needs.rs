//! Partner needs at the IKM desk: the open needs that fit the IKM (or every open one), where
//! it delivers, and one need with the IKM's own offer — made, changed and withdrawn while the
//! need takes offers, checked with core's rules as the IKM types. An accepted offer links to
//! the order it became, which the IKM confirms in its order inbox as any other.

use crate::api::{get_json, FetchError};
use crate::browser::today_wib;
use crate::components::catalog_view::{LoadError, Loading};
use crate::i18n::{t, Texts};
use crate::pages::not_found::NotFound;
use crate::staff::desk::DeskNav;
use crate::staff::desk_products::PRODUCTS_PATH;
use crate::staff::more_pages::MorePages;
use crate::staff::session::{staff_error, staff_fields, staff_post, staff_put, Empty, StaffOnly};
use crate::staff::texts::{dt, DeskTexts};
use etalase_core::account::Role;
use etalase_core::api::desk_order_page_path;
use etalase_core::catalog::Product;
use etalase_core::need::{desk_need_page_path, DESK_NEEDS_PAGE};
use etalase_core::need::{
    desk_need_path, desk_offer_path, desk_offer_withdraw_path, is_need_code, need_page_path,
    validate_offer, Delivery, DeskNeed, DeskNeeds, NeedCard, NeedState, NeedStatus, NeedTerms,
    OfferInput, OfferStatus, OfferView, DESK_DELIVERY_PATH, DESK_NEEDS_PATH, DESK_NEEDS_SEEN_PATH,
    MAX_OFFER_PRODUCTS,
};
use etalase_core::order::MAX_LEAD_TIME_DAYS;
use etalase_core::product_edit::DeskProduct;
use etalase_core::request::messages;
use etalase_core::{Category, Date, Kabupaten, Locale, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::{BTreeMap, BTreeSet};

/// The query parameter, in the page's address and the API's, that asks for every open need.
const ALL_PARAM: &str = "semua";

fn list_path(all: bool) -> String {
    if all {
        format!("{DESK_NEEDS_PATH}?{ALL_PARAM}=1")
    } else {
        DESK_NEEDS_PATH.to_owned()
    }
}

/// The codes shown as new since the page opened: the server forgets them once the desk says
/// it has seen the list, the page keeps the badge until it is left.
#[derive(Clone, Copy)]
struct FreshNeeds(RwSignal<BTreeSet<String>>);

/// The class a need's state is drawn with.
fn state_class(state: NeedState) -> String {
    format!("status need-state-{}", state.slug())
}

fn offer_class(status: OfferStatus) -> String {
    format!("status offer-{}", status.slug())
}

/// `Rp 25.000 / kotak`, or that no budget was given.
fn budget_text(need: &NeedCard, texts: &Texts, d: &DeskTexts) -> String {
    need.budget
        .map(|b| b.label(&need.unit, texts.locale))
        .unwrap_or_else(|| d.need_no_budget.to_owned())
}

fn day(texts: &Texts, date: Date) -> String {
    texts.date(&date.to_string())
}

#[component]
pub fn DeskNeedsPage() -> impl IntoView {
    view! {
        <Title text=dt().needs_title />
        <section class="section desk-page needs-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <NeedsView />
            </StaffOnly>
        </section>
    }
}

#[component]
fn NeedsView() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let query = use_query_map();
    let all = move || query.read().get(ALL_PARAM).as_deref() == Some("1");
    let needs = LocalResource::new(move || {
        let path = list_path(all());
        async move { get_json::<DeskNeeds>(&path).await }
    });
    let fresh = FreshNeeds(RwSignal::new(BTreeSet::new()));
    provide_context(fresh);
    let delivery = RwSignal::new(None::<Vec<Kabupaten>>);
    let categories = RwSignal::new(None::<Vec<Category>>);
    let seen_sent = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(Ok(data)) = needs.get() else {
            return;
        };
        fresh.0.update(|codes| {
            codes.extend(
                data.needs
                    .iter()
                    .filter(|n| n.new)
                    .map(|n| n.need.code.clone()),
            )
        });
        if delivery.with_untracked(Option::is_none) {
            delivery.set(Some(data.delivers_to.clone()));
        }
        categories.set(Some(data.categories.clone()));
        // Shown once: what is listed now is no longer new (the nav's badge clears on its
        // next look). A failure only leaves the badge up.
        if !seen_sent.get_value() {
            seen_sent.set_value(true);
            leptos::task::spawn_local(async move {
                let _ = staff_post::<_, ()>(DESK_NEEDS_SEEN_PATH, &Empty {}).await;
            });
        }
    });
    let fit_note = move || {
        if all() {
            return None;
        }
        let cats = categories.get()?;
        Some(if cats.is_empty() {
            view! { <p class="notice-info">{d.needs_no_categories}</p> }.into_any()
        } else {
            let names: Vec<&str> = cats.iter().map(|c| texts.category(*c)).collect();
            view! {
                <p class="hint">
                    {d.needs_fit_explained} " " {format!("{}: {}.", d.needs_your_categories, names.join(", "))}
                </p>
            }
            .into_any()
        })
    };
    view! {
        <h1>{d.needs_title}</h1>
        <p class="hint">{d.needs_intro}</p>
        <nav class="status-chips need-toggle" aria-label=d.needs_title>
            <a class="chip" href=DESK_NEEDS_PAGE aria-current=move || (!all()).then_some("page")>
                {d.needs_fitting}
            </a>
            <a class="chip" href=format!("{DESK_NEEDS_PAGE}?{ALL_PARAM}=1") aria-current=move || all().then_some("page")>
                {d.needs_all_open}
            </a>
        </nav>
        {fit_note}
        <Show when=move || delivery.with(Option::is_some)>
            <DeliverySetting
                initial=delivery.get_untracked().unwrap_or_default()
                on_saved=Callback::new(move |_| needs.refetch()) />
        </Show>
        {move || match needs.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=move || needs.refetch() /> }.into_any(),
            Some(Ok(data)) if data.needs.is_empty() => {
                if all() {
                    view! { <p class="empty">{d.needs_none_open}</p> }.into_any()
                } else {
                    view! {
                        <p class="empty">
                            {d.needs_none_fitting} " "
                            <a href=format!("{DESK_NEEDS_PAGE}?{ALL_PARAM}=1")>{d.needs_all_open}</a>
                        </p>
                    }
                    .into_any()
                }
            }
            Some(Ok(data)) => view! {
                <ul class="need-cards">
                    {data.needs.into_iter().map(need_row).collect_view()}
                    <MorePages path=list_path(all()) next=data.next_offset.map(|o| o.to_string())
                        split=|page: DeskNeeds| (page.needs, page.next_offset.map(|o| o.to_string()))
                        row=need_row param="offset" />
                </ul>
            }
            .into_any(),
        }}
    }
}

/// One need in the desk's list: what is needed, where and by when, and the IKM's offer.
fn need_row(n: DeskNeed) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let c = n.need;
    let fresh = use_context::<FreshNeeds>()
        .is_some_and(|f| f.0.with_untracked(|codes| codes.contains(&c.code)));
    let is_new = n.new || fresh;
    let budget = budget_text(&c, texts, d);
    let accepted = n
        .offer
        .as_ref()
        .filter(|o| o.status == OfferStatus::Diterima)
        .and_then(|o| o.order_code.clone());
    view! {
        <li>
            <article class="need-card">
                <p class="need-card-top">
                    <a class="need-title" href=desk_need_page_path(&c.code)>{c.title.clone()}</a>
                    {is_new.then(|| view! { <span class="badge need-new">{d.badge_new}</span> })}
                </p>
                <p class="desk-order-meta">{format!("{} · {}", c.code, texts.category(c.category))}</p>
                <dl class="need-facts">
                    <div><dt>{texts.quantity}</dt><dd>{format!("{} {}", c.quantity, c.unit)}</dd></div>
                    <div><dt>{d.need_budget}</dt><dd>{budget}</dd></div>
                    <div><dt>{d.need_deliver_to}</dt><dd>{texts.kabupaten(c.kabupaten)}</dd></div>
                    <div><dt>{d.need_needed_by}</dt><dd>{day(texts, c.needed_by)}</dd></div>
                    {c.offers_until.map(|until| view! {
                        <div><dt>{d.need_offers_until}</dt><dd>{day(texts, until)}</dd></div>
                    })}
                </dl>
                <p class="need-card-status">
                    <span class=state_class(c.state)>{c.state.label(texts.locale)}</span>
                    {n.offer.map(|o| view! {
                        <span class=offer_class(o.status)>
                            {format!("{}: {}", d.your_offer, o.status.label(texts.locale))}
                        </span>
                    })}
                </p>
                {accepted.map(|code| view! {
                    <p class="need-order-link">
                        <a href=desk_order_page_path(&code)>
                            {d.offer_open_order} " " <span class="code">{code.clone()}</span> " →"
                        </a>
                    </p>
                })}
            </article>
        </li>
    }
}

/// Where the IKM delivers: none ticked is all of Lampung. Saved whole with `PUT`.
#[component]
fn DeliverySetting(initial: Vec<Kabupaten>, on_saved: Callback<()>) -> impl IntoView {
    let d = dt();
    let saved = RwSignal::new(initial.clone());
    let chosen = RwSignal::new(initial);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let summary = move || {
        let places = saved.get();
        if places.is_empty() {
            d.delivery_all.to_owned()
        } else {
            places
                .iter()
                .map(|k| k.short_name())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Delivery {
            delivers_to: chosen.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = staff_put::<_, Delivery>(DESK_DELIVERY_PATH, &body).await;
            busy.set(false);
            match result {
                Ok(now) => {
                    message.set(Some((true, dt().saved.to_owned())));
                    chosen.set(now.delivers_to.clone());
                    saved.set(now.delivers_to);
                    on_saved.run(());
                }
                Err(error) => message.set(Some((false, staff_error(&error)))),
            }
        });
    };
    view! {
        <details class="desk-card delivery-setting">
            <summary>
                <span class="delivery-title">{d.delivery_title}</span>
                <span class="delivery-summary">{summary}</span>
            </summary>
            <form on:submit=save novalidate>
                <fieldset class="delivery-places">
                    <legend class="hint">{d.delivery_help}</legend>
                    {Kabupaten::ALL.into_iter().map(|k| {
                        let id = format!("kirim-{}", k.slug());
                        view! {
                            <label class="check-row">
                                <input id=id type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&k))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != k);
                                            if on {
                                                c.push(k);
                                            }
                                        });
                                    } />
                                <span>{k.short_name()}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                    {move || message.get().map(|(_, m)| m)}
                </p>
                <button type="submit" class="button" disabled=move || busy.get()>{d.save_delivery}</button>
            </form>
        </details>
    }
}

#[component]
pub fn DeskNeedPage() -> impl IntoView {
    view! {
        <Title text=dt().needs_title />
        <section class="section desk-page needs-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <NeedLoader />
            </StaffOnly>
        </section>
    }
}

/// The need `code` as the desk sees it, with this IKM's own offer; `None` when there is no
/// such published need.
async fn find_need(code: String) -> Result<Option<DeskNeed>, FetchError> {
    if !is_need_code(&code) {
        return Ok(None);
    }
    match get_json::<DeskNeed>(&desk_need_path(&code)).await {
        Ok(need) => Ok(Some(need)),
        Err(FetchError::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[component]
fn NeedLoader() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let need = LocalResource::new(move || find_need(code()));
    let products = LocalResource::new(|| get_json::<Vec<DeskProduct>>(PRODUCTS_PATH));
    move || match (need.get(), products.get()) {
        (Some(Err(error)), _) => {
            view! { <LoadError error on_retry=move || need.refetch() /> }.into_any()
        }
        (_, Some(Err(error))) => {
            view! { <LoadError error on_retry=move || products.refetch() /> }.into_any()
        }
        (Some(Ok(None)), _) => view! { <NotFound /> }.into_any(),
        (Some(Ok(Some(data))), Some(Ok(all))) => {
            // Only products on sale may back an offer (the server checks the same).
            let on_sale: Vec<Product> = all
                .into_iter()
                .filter(|p| !p.retired)
                .map(|p| p.product)
                .collect();
            view! { <NeedDetail data products=on_sale /> }.into_any()
        }
        _ => view! { <Loading /> }.into_any(),
    }
}

#[component]
fn NeedDetail(data: DeskNeed, products: Vec<Product>) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let current = RwSignal::new(data);
    let editing = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let products = StoredValue::new(products);
    let facts = move || {
        let n = current.get();
        let c = n.need;
        let budget = budget_text(&c, texts, d);
        let who = c
            .company
            .clone()
            .map(|name| format!("{name} · {}", c.buyer_type.label(texts.locale)))
            .unwrap_or_else(|| {
                format!(
                    "{} · {}",
                    d.need_company_hidden,
                    c.buyer_type.label(texts.locale)
                )
            });
        view! {
            <h1>{c.title.clone()}</h1>
            <p class="need-card-status">
                <span class=state_class(c.state)>{c.state.label(texts.locale)}</span>
                <span class="desk-order-meta">{format!("{} · {} {}", c.code, c.offers, d.need_offers_in)}</span>
            </p>
            {(!n.fits && c.state == NeedState::Open).then(|| view! { <p class="notice-info">{d.need_not_fitting}</p> })}
            <section class="desk-card">
                <p class="desk-order-meta">{format!("{} · {who}", texts.category(c.category))}</p>
                <p class="need-description">{c.description.clone()}</p>
                <dl class="need-facts">
                    <div><dt>{texts.quantity}</dt><dd>{format!("{} {}", c.quantity, c.unit)}</dd></div>
                    <div><dt>{d.need_budget}</dt><dd>{budget}</dd></div>
                    <div><dt>{d.need_deliver_to}</dt><dd>{texts.kabupaten(c.kabupaten)}</dd></div>
                    <div><dt>{d.need_needed_by}</dt><dd>{day(texts, c.needed_by)}</dd></div>
                    {c.offers_until.map(|until| view! {
                        <div><dt>{d.need_offers_until}</dt><dd>{day(texts, until)}</dd></div>
                    })}
                </dl>
                {(c.state == NeedState::Open).then(|| view! {
                    <p><a href=need_page_path(&c.code) rel="external">{d.need_see_board}</a></p>
                })}
            </section>
        }
    };
    let offer_part = move || {
        let n = current.get();
        let open = n.need.state == NeedState::Open;
        match n.offer.clone() {
            Some(offer)
                if !editing.get() && (offer.status != OfferStatus::Ditarik || !open) =>
            {
                view! { <OfferSummary offer open code=n.need.code.clone() current editing message /> }
                    .into_any()
            }
            existing if open => {
                let withdrawn = existing
                    .as_ref()
                    .is_some_and(|o| o.status == OfferStatus::Ditarik);
                view! {
                    {withdrawn.then(|| view! { <p class="hint">{d.offer_withdrawn}</p> })}
                    <OfferForm need=n.need.clone() existing products=products.get_value()
                        current editing message />
                }
                .into_any()
            }
            _ => view! { <p class="notice-info">{d.offer_cannot_now}</p> }.into_any(),
        }
    };
    view! {
        <p><a href=DESK_NEEDS_PAGE>{format!("← {}", d.back_to_needs)}</a></p>
        {facts}
        <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
            {move || message.get().map(|(_, m)| m)}
        </p>
        {offer_part}
    }
}

/// The IKM's offer as sent, with what it may still do with it.
#[component]
fn OfferSummary(
    offer: OfferView,
    open: bool,
    code: String,
    current: RwSignal<DeskNeed>,
    editing: RwSignal<bool>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let path = StoredValue::new(desk_offer_withdraw_path(&code));
    let withdraw = move |_| {
        let path = path.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, DeskNeed>(&path, &Empty {}).await;
            busy.set(false);
            confirming.set(false);
            match result {
                Ok(saved) => {
                    message.set(Some((true, dt().offer_withdrawn.to_owned())));
                    current.set(saved);
                }
                Err(error) => message.set(Some((false, staff_error(&error)))),
            }
        });
    };
    let waiting = offer.status == OfferStatus::Diajukan;
    view! {
        <section class="desk-card offer-summary">
            <h2 class="desk-order-top">
                <span>{d.your_offer}</span>
                <span class=offer_class(offer.status)>{offer.status.label(texts.locale)}</span>
            </h2>
            {offer.order_code.clone().filter(|_| offer.status == OfferStatus::Diterima).map(|order| view! {
                <div class="offer-accepted">
                    <p>{d.offer_accepted} " " <span class="code">{order.clone()}</span> "."</p>
                    <p class="hint">{d.offer_confirm_hint}</p>
                    <a class="button" href=desk_order_page_path(&order)>{d.offer_open_order}</a>
                </div>
            })}
            {(offer.status == OfferStatus::TidakDipilih).then(|| view! { <p class="hint">{d.offer_not_taken}</p> })}
            <dl class="need-facts">
                <div><dt>{d.price}</dt><dd>{texts.rupiah(offer.unit_price)}</dd></div>
                <div><dt>{texts.quantity}</dt><dd>{format!("{} {}", offer.quantity, current.with_untracked(|n| n.need.unit.clone()))}</dd></div>
                <div><dt>{d.offer_total}</dt><dd><strong>{texts.rupiah(offer.total)}</strong></dd></div>
                <div><dt>{d.lead_time_days}</dt><dd>{offer.lead_time_days}</dd></div>
                <div><dt>{d.offer_ready_by}</dt><dd>{day(texts, offer.ready_by)}</dd></div>
                <div><dt>{d.offer_updated}</dt><dd>{texts.locale.timestamp_wib(&offer.updated_at)}</dd></div>
            </dl>
            {(!offer.note.is_empty()).then(|| view! { <p class="need-description">{offer.note.clone()}</p> })}
            {(!offer.products.is_empty()).then(|| view! {
                <ul class="offer-products">
                    {offer.products.iter().map(|p| view! {
                        <li><a href=format!("/produk/{}", p.slug) rel="external">{p.name.clone()}</a></li>
                    }).collect_view()}
                </ul>
            })}
            {(open && waiting).then(|| view! {
                <div class="part-actions">
                    <button type="button" class="button button-secondary" on:click=move |_| {
                        message.set(None);
                        editing.set(true);
                    }>{d.change_offer}</button>
                    <button type="button" class="link-button" aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| confirming.set(true)>{d.withdraw_offer}</button>
                </div>
                <Show when=move || confirming.get()>
                    <div class="offer-confirm" role="alert">
                        <p>{d.withdraw_confirm}</p>
                        <div class="part-actions">
                            <button type="button" class="button" disabled=move || busy.get() on:click=withdraw>
                                {d.withdraw_yes}
                            </button>
                            <button type="button" class="button button-secondary"
                                on:click=move |_| confirming.set(false)>{d.cancel}</button>
                        </div>
                    </div>
                </Show>
            })}
        </section>
    }
}

/// The form's text, as typed: numbers stay text until they are checked.
#[derive(Clone, Default)]
struct Form {
    unit_price: String,
    quantity: String,
    lead_time_days: String,
    note: String,
    products: Vec<String>,
}

impl Form {
    fn of(need: &NeedCard, offer: Option<&OfferView>) -> Form {
        match offer {
            Some(o) => Form {
                unit_price: o.unit_price.amount().to_string(),
                quantity: o.quantity.to_string(),
                lead_time_days: o.lead_time_days.to_string(),
                note: o.note.clone(),
                products: o.products.iter().map(|p| p.slug.to_string()).collect(),
            },
            None => Form {
                quantity: need.quantity.to_string(),
                ..Form::default()
            },
        }
    }

    /// The offer for core's rules, or the fields whose numbers do not parse.
    fn input(&self, d: &DeskTexts) -> Result<OfferInput, BTreeMap<String, String>> {
        let mut bad = BTreeMap::new();
        let mut number = |field: &str, text: &str| -> Option<u64> {
            let n = typed_number(text);
            if n.is_none() {
                bad.insert(field.to_owned(), d.invalid_number.to_owned());
            }
            n
        };
        let price = number("unit_price", &self.unit_price);
        let quantity = number("quantity", &self.quantity);
        let lead = number("lead_time_days", &self.lead_time_days);
        let (Some(price), Some(quantity), Some(lead), true) =
            (price, quantity, lead, bad.is_empty())
        else {
            return Err(bad);
        };
        // Too large to hold: still a number, so core's bounds say what is wrong.
        let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(OfferInput {
            unit_price: Rupiah(i64::try_from(price).unwrap_or(i64::MAX)),
            quantity: to_u32(quantity),
            lead_time_days: to_u32(lead),
            note: self.note.clone(),
            products: self.products.clone(),
        })
    }
}

/// A whole number as typed: `35.000`, `Rp 35.000`, `14`.
fn typed_number(text: &str) -> Option<u64> {
    text.trim()
        .trim_start_matches("Rp")
        .replace(['.', ' '], "")
        .parse()
        .ok()
}

impl Form {
    /// The input with each field that is not a number replaced by one no rule refuses (a
    /// price of Rp 1, one unit, no lead time), for checking the fields that are.
    fn with_stand_ins(&self) -> OfferInput {
        let number = |text: &str, stand_in: u64| typed_number(text).unwrap_or(stand_in);
        let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        OfferInput {
            unit_price: Rupiah(i64::try_from(number(&self.unit_price, 1)).unwrap_or(i64::MAX)),
            quantity: to_u32(number(&self.quantity, 1)),
            lead_time_days: to_u32(number(&self.lead_time_days, 0)),
            note: self.note.clone(),
            products: self.products.clone(),
        }
    }
}

/// What an offer is measured against, from the need as the desk got it.
fn terms_of(need: &NeedCard) -> NeedTerms {
    NeedTerms {
        // Offers are taken only on a published need; the form shows only while it is open.
        status: NeedStatus::Terbit,
        quantity: need.quantity,
        needed_by: need.needed_by,
        offers_until: need.offers_until,
    }
}

/// Core's verdict on the typed offer: field messages, or a refusal under `"_"`.
fn check(
    form: &Form,
    need: &NeedCard,
    own: &BTreeSet<String>,
    today: Date,
    locale: Locale,
    d: &DeskTexts,
) -> BTreeMap<String, String> {
    // A field that is not a number says so; the others are still checked by core's rules
    // (with a harmless stand-in for the one not yet typed), so each shows its own message.
    let (input, mut bad) = match form.input(d) {
        Ok(input) => (input, BTreeMap::new()),
        Err(bad) => (form.with_stand_ins(), bad),
    };
    let core = match validate_offer(
        &input,
        &terms_of(need),
        &need.unit,
        |slug| own.contains(slug),
        today,
    ) {
        Ok(Ok(_)) => BTreeMap::new(),
        Ok(Err(errors)) => messages(&errors, locale),
        Err(refusal) => [("_".to_owned(), refusal.message(locale).to_owned())]
            .into_iter()
            .collect(),
    };
    for (field, message) in core {
        bad.entry(field).or_insert(message);
    }
    bad
}

#[component]
fn OfferForm(
    need: NeedCard,
    existing: Option<OfferView>,
    products: Vec<Product>,
    current: RwSignal<DeskNeed>,
    editing: RwSignal<bool>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let today = today_wib();
    let waiting = existing
        .as_ref()
        .is_some_and(|o| o.status == OfferStatus::Diajukan);
    let withdrawn = existing.is_some() && !waiting;
    let own: BTreeSet<String> = products.iter().map(|p| p.slug.to_string()).collect();
    let mut first = Form::of(&need, existing.as_ref());
    // A product retired since the offer was made has no box to untick: it is left out.
    first.products.retain(|slug| own.contains(slug));
    let form = RwSignal::new(first);
    let need = StoredValue::new(need);
    let own = StoredValue::new(own);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let attempted = RwSignal::new(false);
    let server_fields = RwSignal::new(BTreeMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let errors = Memo::new(move |_| {
        form.with(|f| {
            need.with_value(|n| own.with_value(|o| check(f, n, o, today, texts.locale, d)))
        })
    });
    // A field's message once it was typed in (or a send was tried); the server's otherwise.
    let error_for = move |field: &'static str| {
        move || {
            let local = (attempted.get() || touched.with(|t| t.contains(field)))
                .then(|| errors.with(|e| e.get(field).cloned()))
                .flatten();
            local.or_else(|| server_fields.with(|s| s.get(field).cloned()))
        }
    };
    let products_error = move || {
        let mut found: Vec<String> = Vec::new();
        if attempted.get() || touched.with(|t| t.contains("products")) {
            errors.with(|e| {
                found.extend(
                    e.iter()
                        .filter(|(k, _)| k.starts_with("products"))
                        .map(|(_, m)| m.clone()),
                )
            });
        }
        if found.is_empty() {
            server_fields.with(|s| {
                found.extend(
                    s.iter()
                        .filter(|(k, _)| k.starts_with("products"))
                        .map(|(_, m)| m.clone()),
                )
            });
        }
        (!found.is_empty()).then(|| found.join(" "))
    };
    let edit = move |field: &'static str, value: String| {
        touched.update(|t| {
            t.insert(field);
        });
        server_fields.update(|s| {
            s.remove(field);
        });
        form.update(|f| match field {
            "unit_price" => f.unit_price = value,
            "quantity" => f.quantity = value,
            "lead_time_days" => f.lead_time_days = value,
            _ => f.note = value,
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let found = errors.get_untracked();
        if let Some(refused) = found.get("_") {
            message.set(Some((false, refused.clone())));
            return;
        }
        let input = match form.with_untracked(|f| f.input(d)) {
            Ok(input) if found.is_empty() => input,
            _ => {
                message.set(Some((false, texts.fix_fields.to_owned())));
                return;
            }
        };
        let path = need.with_value(|n| desk_offer_path(&n.code));
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = staff_put::<_, DeskNeed>(&path, &input).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    message.set(Some((true, dt().offer_sent.to_owned())));
                    editing.set(false);
                    current.set(saved);
                }
                Err(error) => {
                    server_fields.set(staff_fields(&error));
                    message.set(Some((false, staff_error(&error))));
                }
            }
        });
    };
    let unit = need.with_value(|n| n.unit.clone());
    let total = move || {
        form.with(|f| f.input(d)).ok().and_then(|input| {
            input
                .unit_price
                .checked_mul(input.quantity)
                .filter(|_| input.unit_price.0 > 0 && input.quantity > 0)
        })
    };
    let ready = move || {
        form.with(|f| f.input(d)).ok().and_then(|input| {
            (input.lead_time_days <= MAX_LEAD_TIME_DAYS)
                .then(|| today.add_days(i64::from(input.lead_time_days)))
        })
    };
    let needed_by = need.with_value(|n| n.needed_by);
    let field = move |name: &'static str, label: String, hint: Option<String>| {
        let id = format!("tawar-{name}");
        let error = error_for(name);
        let value = move || {
            form.with(|f| match name {
                "unit_price" => f.unit_price.clone(),
                "quantity" => f.quantity.clone(),
                _ => f.lead_time_days.clone(),
            })
        };
        let described = if hint.is_some() {
            format!("{id}-hint {id}-error")
        } else {
            format!("{id}-error")
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() inputmode="numeric" autocomplete="off"
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=described
                    prop:value=value
                    on:input=move |ev| edit(name, event_target_value(&ev)) />
                {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
                <p class="field-error" id=format!("{id}-error")>{error}</p>
            </div>
        }
    };
    let price_hint = need.with_value(|n| {
        n.budget
            .map(|_| format!("{}: {}", d.need_budget, budget_text(n, texts, d)))
    });
    let quantity_hint =
        need.with_value(|n| format!("{} {} {}", texts.quantity, n.quantity, n.unit));
    let products = StoredValue::new(products);
    let refusal = move || errors.with(|e| e.get("_").cloned());
    view! {
        <form class="checkout-form desk-card offer-form" on:submit=submit novalidate>
            <h2>{if waiting { d.edit_offer_title } else if withdrawn { d.offer_again } else { d.make_offer }}</h2>
            {move || refusal().map(|r| view! { <p class="notice">{r}</p> })}
            {field("unit_price", d.price.to_owned(), price_hint)}
            {field("quantity", format!("{} ({unit})", d.offer_quantity), Some(quantity_hint))}
            {field("lead_time_days", d.lead_time_days.to_owned(), None)}
            <p class="offer-sum" aria-live="polite">
                <span>
                    {d.offer_total} ": "
                    <strong>{move || total().map(|t| texts.rupiah(t)).unwrap_or_else(|| "—".to_owned())}</strong>
                </span>
                <span class=move || match ready() {
                    Some(r) if r <= needed_by => "lead-fit",
                    Some(_) => "lead-tight",
                    None => "hint",
                }>
                    {d.offer_ready_by} ": "
                    {move || ready().map(|r| day(texts, r)).unwrap_or_else(|| "—".to_owned())}
                    {format!(" · {} {}", d.need_needed_by.to_lowercase(), day(texts, needed_by))}
                </span>
            </p>
            <div class="field">
                <label for="tawar-note">{d.offer_note}</label>
                <textarea id="tawar-note" rows="4" maxlength="2000"
                    aria-describedby="tawar-note-error"
                    prop:value=move || form.with(|f| f.note.clone())
                    on:input=move |ev| edit("note", event_target_value(&ev))></textarea>
                <p class="field-error" id="tawar-note-error">{error_for("note")}</p>
            </div>
            <fieldset class="field offer-product-choice" aria-describedby="tawar-produk-error">
                <legend>{d.offer_products}</legend>
                <p class="hint">{format!("{} {MAX_OFFER_PRODUCTS}.", d.offer_products_help)}</p>
                {products.with_value(|all| {
                    if all.is_empty() {
                        return view! { <p class="hint">{d.offer_no_products}</p> }.into_any();
                    }
                    all.iter().map(|p| {
                        let slug = p.slug.to_string();
                        let id = format!("tawar-produk-{slug}");
                        let chosen = {
                            let slug = slug.clone();
                            move || form.with(|f| f.products.contains(&slug))
                        };
                        let full = move || form.with(|f| f.products.len() >= MAX_OFFER_PRODUCTS);
                        let toggle = {
                            let slug = slug.clone();
                            move |ev: leptos::ev::Event| {
                                let on = event_target_checked(&ev);
                                touched.update(|t| { t.insert("products"); });
                                server_fields.update(|s| s.retain(|k, _| !k.starts_with("products")));
                                form.update(|f| {
                                    f.products.retain(|s| *s != slug);
                                    if on {
                                        f.products.push(slug.clone());
                                    }
                                });
                            }
                        };
                        let checked = chosen.clone();
                        view! {
                            <label class="check-row">
                                <input id=id type="checkbox" prop:checked=checked
                                    disabled=move || full() && !chosen()
                                    on:change=toggle />
                                <span>
                                    {p.name.clone()}
                                    <span class="desk-order-meta">{format!(" · {} / {}", texts.rupiah(p.price), p.unit)}</span>
                                </span>
                            </label>
                        }
                    }).collect_view().into_any()
                })}
                <p class="field-error" id="tawar-produk-error">{products_error}</p>
            </fieldset>
            <div class="part-actions">
                <button type="submit" class="button" disabled=move || busy.get() || refusal().is_some()>
                    {if waiting { d.save_offer } else { d.make_offer }}
                </button>
                {waiting.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| {
                        message.set(None);
                        editing.set(false);
                    }>{d.cancel}</button>
                })}
            </div>
        </form>
    }
}
