//! The IKM desk: the inbox of the IKM's own orders, one order with the actions the state
//! machine allows, and a printable packing slip. Built for a phone between production work.

use crate::api::{get_json, FetchError};
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::document::{Parties, Party, PrintBar};
use crate::components::timeline::Timeline;
use crate::i18n::{t, Texts};
use crate::pages::not_found::NotFound;
use crate::staff::more_pages::MorePages;
use crate::staff::session::{log_out, staff_error, staff_post, StaffOnly};
use crate::staff::texts::{dt, DeskTexts};
use etalase_core::account::{Me, Role};
use etalase_core::api::{desk_events_path, desk_order_path, DeskOrder, Inbox, DESK_ORDERS_PATH};
use etalase_core::need::DESK_NEEDS_PAGE;
use etalase_core::need::{NeedNews, DESK_NEEDS_NEWS_PATH};
use etalase_core::order::{OrderEvent, PriceAdjustment};
use etalase_core::phone::{percent_encode, Phone};
use etalase_core::{Date, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::time::Duration;

/// How often the desk asks for new orders while it is open.
const POLL: Duration = Duration::from_secs(60);

/// The desk's own bar: orders (with the count of new ones), products, partner needs (with
/// the count of new ones and of offers decided), log out.
#[component]
pub fn DeskNav() -> impl IntoView {
    let d = dt();
    let me = use_context::<Me>();
    let new_count = RwSignal::new(0usize);
    let needs_count = RwSignal::new(0usize);
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(inbox) = get_json::<Inbox>(&format!("{DESK_ORDERS_PATH}?status=baru")).await {
                new_count.set(inbox.orders.len());
            }
        });
        leptos::task::spawn_local(async move {
            if let Ok(news) = get_json::<NeedNews>(DESK_NEEDS_NEWS_PATH).await {
                needs_count.set(news.total());
            }
        });
    };
    refresh();
    if let Ok(handle) = set_interval_with_handle(refresh, POLL) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <nav class="desk-nav" aria-label=d.desk_title>
            <span class="desk-who">{me.and_then(|m| m.ikm_name).unwrap_or_default()}</span>
            <a href="/desk">
                {d.desk_orders}
                <Show when=move || { new_count.get() > 0 }>
                    <span class="count-badge" title=d.new_orders_badge>{move || new_count.get()}</span>
                </Show>
            </a>
            <a href="/desk/produk">{d.desk_products}</a>
            <a href=DESK_NEEDS_PAGE>
                {d.desk_needs}
                <Show when=move || { needs_count.get() > 0 }>
                    <span class="count-badge" title=d.needs_badge>{move || needs_count.get()}</span>
                </Show>
            </a>
            <a href="/akun">{d.account_link}</a>
            <button type="button" class="link-button" on:click=move |_| log_out()>{d.log_out}</button>
        </nav>
    }
}

#[component]
pub fn DeskInboxPage() -> impl IntoView {
    view! {
        <Title text=dt().desk_title />
        <section class="section desk-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <InboxView />
            </StaffOnly>
        </section>
    }
}

/// One order in the inbox list.
fn inbox_row(o: etalase_core::api::OrderSummary) -> impl IntoView {
    let (texts, d) = (t(), dt());
    view! {
        <li>
            <a class="desk-order" href=format!("/desk/pesanan/{}", o.code)>
                <span class="desk-order-top">
                    <strong>{o.company.clone()}</strong>
                    <span class=format!("status status-{}", o.status.slug())>{texts.status(o.status)}</span>
                </span>
                <span class="desk-order-meta">
                    {format!("{} · {} {} · {}", o.code, o.lines, d.lines_count, texts.rupiah(o.subtotal))}
                </span>
                <span class="desk-order-meta">
                    {format!("{} {} · {} {}", d.received, texts.locale.timestamp_wib(&o.created_at), texts.f_needed_by, texts.date(&o.needed_by.to_string()))}
                </span>
            </a>
        </li>
    }
}

#[component]
fn InboxView() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let status = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let inbox_path = move || {
        format!(
            "{DESK_ORDERS_PATH}?status={}&q={}",
            percent_encode(&status.get_untracked()),
            percent_encode(&q.get_untracked())
        )
    };
    let inbox = LocalResource::new(move || {
        status.track();
        q.track();
        let path = inbox_path();
        async move { get_json::<Inbox>(&path).await }
    });
    if let Ok(handle) = set_interval_with_handle(move || inbox.refetch(), POLL) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <h1>{d.desk_orders}</h1>
        <input class="desk-search" type="search" aria-label=d.search_orders placeholder=d.search_orders
            on:input=move |ev| q.set(event_target_value(&ev)) />
        {move || match inbox.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=move || inbox.refetch() /> }.into_any(),
            Some(Ok(data)) => {
                let total: usize = data.counts.iter().map(|c| c.count).sum();
                view! {
                    <div class="status-chips" role="group" aria-label=texts.status_label>
                        <button type="button" class="chip" aria-pressed=move || status.get().is_empty().to_string()
                            on:click=move |_| status.set(String::new())>
                            {format!("{} ({total})", d.all_statuses)}
                        </button>
                        {data.counts.iter().filter(|c| c.count > 0).map(|c| {
                            let slug = c.status.slug();
                            view! {
                                <button type="button" class="chip" aria-pressed=move || (status.get() == slug).to_string()
                                    on:click=move |_| status.set(slug.to_owned())>
                                    {format!("{} ({})", texts.status(c.status), c.count)}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    {if data.orders.is_empty() {
                        view! { <p class="empty">{d.no_orders}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="desk-orders">
                                {data.orders.into_iter().map(inbox_row).collect_view()}
                                <MorePages path=inbox_path() next=data.next_cursor
                                    split=|page: Inbox| (page.orders, page.next_cursor) row=inbox_row />
                            </ul>
                        }.into_any()
                    }}
                }.into_any()
            }
        }}
    }
}

/// The order loaded for the current `:code`, refreshed after each action.
fn order_resource() -> (
    LocalResource<Result<DeskOrder, FetchError>>,
    RwSignal<Option<DeskOrder>>,
) {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let resource = LocalResource::new(move || {
        let code = code();
        async move { get_json::<DeskOrder>(&desk_order_path(&code)).await }
    });
    (resource, RwSignal::new(None))
}

#[component]
pub fn DeskOrderPage() -> impl IntoView {
    view! {
        <Title text=dt().desk_orders />
        <section class="section desk-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <OrderView />
            </StaffOnly>
        </section>
    }
}

#[component]
fn OrderView() -> impl IntoView {
    let (order, updated) = order_resource();
    move || {
        let current = updated.get().map(Ok).or_else(|| order.get());
        match current {
            None => view! { <Loading /> }.into_any(),
            Some(Err(FetchError::Api { status: 404, .. })) => view! { <NotFound /> }.into_any(),
            Some(Err(error)) => {
                view! { <LoadError error on_retry=move || order.refetch() /> }.into_any()
            }
            Some(Ok(data)) => view! { <OrderDetail data updated /> }.into_any(),
        }
    }
}

#[component]
fn OrderDetail(data: DeskOrder, updated: RwSignal<Option<DeskOrder>>) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let Some(part) = data.part().cloned() else {
        return view! { <NotFound /> }.into_any();
    };
    let r = &data.request;
    let phone = Phone::parse(&r.phone).ok();
    let wa_text = format!("{} {} — {}", texts.request_code, r.code, part.ikm_name);
    let fits = part.ready_in_time(crate::browser::today_wib(), r.needed_by);
    view! {
        <p><a href="/desk">{format!("← {}", d.back_to_inbox)}</a></p>
        <h1>{format!("{} · {}", r.code, r.company)}</h1>
        <p>
            {texts.status_label} ": "
            <strong class=format!("status status-{}", part.status.slug())>{texts.status(part.status)}</strong>
            {data.answer_by.map(|day| format!(" · {} {}", d.answer_by, texts.date(&day.to_string())))}
        </p>
        <section class="desk-card">
            <h2>{d.partner}</h2>
            <p><strong>{r.company.clone()}</strong> {format!(" · {}", r.buyer_type.label(texts.locale))}</p>
            <p>{r.contact_person.clone()}</p>
            <div class="part-actions">
                <a class="button button-secondary" href=format!("tel:{}", r.phone)>{format!("{} {}", d.call, r.phone)}</a>
                {phone.map(|p| view! { <a class="button button-wa" href=p.wa_link(&wa_text) target="_blank" rel="noopener">"WhatsApp"</a> })}
            </div>
            <p>{format!("{} · {}", r.email, r.address)}{format!(", {}", texts.kabupaten(r.kabupaten))}</p>
            {(!r.purpose.is_empty()).then(|| view! { <p>{format!("{}: {}", d.purpose, r.purpose)}</p> })}
            {(!r.notes.is_empty()).then(|| view! { <p>{format!("{}: {}", d.notes, r.notes)}</p> })}
        </section>
        <section class="desk-card">
            <h2>{texts.f_needed_by} ": " {texts.date(&r.needed_by.to_string())}</h2>
            <p class=if fits { "lead-fit" } else { "lead-tight" }>
                {format!("{}: {} {} — {}", d.lead_time_check, part.lead_time(), texts.days, if fits { d.lead_time_fits } else { d.lead_time_tight })}
            </p>
            <ul class="order-lines">
                {part.lines.iter().map(|l| view! {
                    <li class="order-line">
                        <span class="order-line-name">{l.name.clone()}
                            {(!l.note.is_empty()).then(|| view! { <span class="invoice-line-note">{l.note.clone()}</span> })}
                        </span>
                        <span class="line-price">{format!("{} {} × {} = {}", l.quantity, l.unit, texts.rupiah(l.agreed_unit_price()), texts.rupiah(l.agreed_total()))}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p class="part-subtotal">{format!("{} {}", texts.subtotal, texts.rupiah(part.agreed_subtotal()))}</p>
            {part.courier.clone().map(|c| view! { <p>{format!("{}: {c} · {}: {}", texts.courier, texts.receipt, part.receipt.clone().unwrap_or_default())}</p> })}
            {part.decline_reason.clone().map(|reason| view! { <p>{format!("{}: {reason}", texts.declined_because)}</p> })}
            <a class="button button-secondary" href=format!("/desk/pesanan/{}/surat-jalan", r.code)>{d.packing_slip}</a>
        </section>
        <Actions data=data.clone() updated />
        <section class="desk-card">
            <h2>{texts.timeline}</h2>
            <Timeline events=part.events.clone() />
        </section>
    }
    .into_any()
}

/// The actions open now, exactly those the server's state machine lists.
#[component]
fn Actions(data: DeskOrder, updated: RwSignal<Option<DeskOrder>>) -> impl IntoView {
    let d = dt();
    let code = StoredValue::new(data.request.code.clone());
    let Some(part) = data.part().cloned() else {
        return ().into_any();
    };
    if data.allowed.is_empty() {
        return ().into_any();
    }
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let send = move |event: OrderEvent| {
        let path = desk_events_path(&code.get_value());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, DeskOrder>(&path, &event).await;
            busy.set(false);
            match result {
                Ok(order) => {
                    message.set(Some((true, dt().saved.to_owned())));
                    updated.set(Some(order));
                }
                Err(error) => message.set(Some((false, staff_error(&error)))),
            }
        });
    };
    let allowed = |a: &str| data.allowed.iter().any(|x| x == a);
    // Confirmation: a price per line (prefilled) and the lead time.
    let prices: Vec<RwSignal<String>> = part
        .lines
        .iter()
        .map(|l| RwSignal::new(l.agreed_unit_price().amount().to_string()))
        .collect();
    let lead = RwSignal::new(part.lead_time().to_string());
    let reason = RwSignal::new(String::new());
    let courier = RwSignal::new(String::new());
    let receipt = RwSignal::new(String::new());
    let confirm = {
        let prices = prices.clone();
        let lines = part.lines.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut adjustments = Vec::new();
            for (i, (signal, line)) in prices.iter().zip(&lines).enumerate() {
                let typed = signal.get_untracked().replace(['.', ' '], "");
                match typed.parse::<i64>() {
                    Ok(p) if p > 0 => {
                        if Rupiah(p) != line.unit_price {
                            adjustments.push(PriceAdjustment {
                                line: i,
                                unit_price: Rupiah(p),
                            });
                        }
                    }
                    _ => {
                        message.set(Some((
                            false,
                            format!("{}: {}", line.name, d.invalid_number),
                        )));
                        return;
                    }
                }
            }
            let lead_time_days = match lead.get_untracked().trim().parse::<u32>() {
                Ok(days) => Some(days),
                Err(_) => {
                    message.set(Some((
                        false,
                        format!("{}: {}", d.lead_time_days, d.invalid_number),
                    )));
                    return;
                }
            };
            send(OrderEvent::Confirm {
                prices: adjustments,
                lead_time_days,
            });
        }
    };
    let decline = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(OrderEvent::Decline {
            reason: reason.get_untracked(),
        });
    };
    let ship = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(OrderEvent::Ship {
            courier: courier.get_untracked(),
            receipt: receipt.get_untracked(),
        });
    };
    view! {
        <section class="desk-card desk-actions">
            <h2>{d.actions}</h2>
            <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                {move || message.get().map(|(_, m)| m)}
            </p>
            {allowed("confirm").then(|| view! {
                <form class="checkout-form" on:submit=confirm.clone()>
                    <h3>{d.confirm}</h3>
                    <p class="hint">{d.confirm_help}</p>
                    {part.lines.iter().zip(prices.clone()).enumerate().map(|(i, (l, signal))| {
                        let id = format!("harga-{i}");
                        view! {
                            <div class="field">
                                <label for=id.clone()>{format!("{} — {} ({} {})", d.new_unit_price, l.name, l.quantity, l.unit)}</label>
                                <input id=id inputmode="numeric" prop:value=move || signal.get()
                                    on:input=move |ev| signal.set(event_target_value(&ev)) />
                            </div>
                        }
                    }).collect_view()}
                    <div class="field">
                        <label for="lama-kerja">{d.lead_time_days}</label>
                        <input id="lama-kerja" inputmode="numeric" prop:value=move || lead.get()
                            on:input=move |ev| lead.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="button" disabled=move || busy.get()>{d.confirm}</button>
                </form>
            })}
            {allowed("decline").then(|| view! {
                <form class="checkout-form" on:submit=decline>
                    <div class="field">
                        <label for="alasan">{d.decline_reason}</label>
                        <input id="alasan" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="button button-secondary" disabled=move || busy.get()>{d.decline}</button>
                </form>
            })}
            {allowed("start_production").then(|| view! {
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| send(OrderEvent::StartProduction)>{d.start_production}</button>
            })}
            {allowed("ship").then(|| view! {
                <form class="checkout-form" on:submit=ship>
                    <div class="field">
                        <label for="kurir">{d.courier}</label>
                        <input id="kurir" autocomplete="off" prop:value=move || courier.get() on:input=move |ev| courier.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="resi">{d.receipt}</label>
                        <input id="resi" autocomplete="off" prop:value=move || receipt.get() on:input=move |ev| receipt.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="button" disabled=move || busy.get()>{d.ship}</button>
                </form>
            })}
            {allowed("complete").then(|| view! {
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| send(OrderEvent::Complete)>{d.complete}</button>
            })}
        </section>
    }
    .into_any()
}

#[component]
pub fn PackingSlipPage() -> impl IntoView {
    let (order, _) = order_resource();
    view! {
        <Title text=dt().packing_slip_title />
        <section class="section invoice-page">
            <StaffOnly role=Role::Ikm>
                {move || match order.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(Err(FetchError::Api { status: 404, .. })) => view! { <NotFound /> }.into_any(),
                    Some(Err(error)) => view! { <LoadError error on_retry=move || order.refetch() /> }.into_any(),
                    Some(Ok(data)) => packing_slip(data, t(), dt()).into_any(),
                }}
            </StaffOnly>
        </section>
    }
}

fn packing_slip(data: DeskOrder, texts: &'static Texts, d: &'static DeskTexts) -> impl IntoView {
    let r = data.request.clone();
    let part = data.part().cloned();
    let today: Date = crate::browser::today_wib();
    let seller = Party {
        title: texts.seller,
        name: part
            .as_ref()
            .map(|p| p.ikm_name.clone())
            .unwrap_or_default(),
        lines: Vec::new(),
    };
    let ship_to = Party {
        title: d.ship_to,
        name: r.company.clone(),
        lines: vec![
            format!("{} · {}", r.contact_person, r.phone),
            format!("{}, {}", r.address, texts.kabupaten(r.kabupaten)),
        ],
    };
    view! {
        <PrintBar back_href=format!("/desk/pesanan/{}", r.code) back_label=format!("← {}", r.code) />
        <article class="invoice packing-slip">
            <header class="invoice-head">
                <h1>{d.packing_slip_title}</h1>
                <dl class="invoice-meta">
                    <div><dt>{texts.request_code}</dt><dd>{r.code.clone()}</dd></div>
                    <div><dt>{texts.invoice_date}</dt><dd>{texts.date(&today.to_string())}</dd></div>
                    {part.as_ref().and_then(|p| p.courier.clone()).map(|c| view! { <div><dt>{d.courier}</dt><dd>{c}</dd></div> })}
                    {part.as_ref().and_then(|p| p.receipt.clone()).map(|c| view! { <div><dt>{d.receipt}</dt><dd>{c}</dd></div> })}
                </dl>
            </header>
            <Parties from=seller to=ship_to />
            <table class="invoice-lines">
                <thead>
                    <tr>
                        <th scope="col">{texts.item}</th>
                        <th scope="col" class="num">{texts.quantity}</th>
                        <th scope="col">"✓"</th>
                    </tr>
                </thead>
                <tbody>
                    {part.iter().flat_map(|p| p.lines.clone()).map(|l| view! {
                        <tr>
                            <td>{l.name.clone()}{(!l.note.is_empty()).then(|| view! { <span class="invoice-line-note">{l.note.clone()}</span> })}</td>
                            <td class="num">{format!("{} {}", l.quantity, l.unit)}</td>
                            <td class="check-box"></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="signatures">
                <p>{d.checked_by}</p>
                <p>{d.received_by}</p>
            </div>
        </article>
    }
}
