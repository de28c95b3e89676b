//! Disperindag's side of partner needs (`/admin?tab=kebutuhan`): the review queue first, then
//! every need by status with who posted it (the contact is for Disperindag only); publish, or
//! decline with a reason the partner reads. And the numbers: needs posted, published, offers,
//! needs met and the value matched, by category, by kabupaten/kota and by month, with CSV.

use crate::api::{get_json, FetchError};
use crate::browser::today_wib;
use crate::components::catalog_view::{LoadError, Loading};
use crate::i18n::t;
use crate::staff::charts::{month_label, BarChart};
use crate::staff::more_pages::MorePages;
use crate::staff::session::{staff_error, staff_post};
use crate::staff::texts::{dt, need_status};
use etalase_core::need::{
    admin_need_review_path, need_page_path, publish_window, review, stats_csv, AdminNeed,
    AdminNeeds, NeedRefusal, NeedReview, NeedStat, NeedStats, NeedStatus, NeedStatusCount,
    ReviewError, ADMIN_NEEDS_PATH, ADMIN_NEED_STATS_PATH, MAX_DECLINE_REASON,
};
use etalase_core::phone::percent_encode;
use etalase_core::request::format_npwp;
use etalase_core::{Category, Kabupaten};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The admin's tab of needs, and its two parts.
pub const NEEDS_TAB: &str = "kebutuhan";
const PART_PARAM: &str = "bagian";
const NUMBERS_PART: &str = "angka";
const STATUS_PARAM: &str = "status";

fn tab_path(query: &str) -> String {
    if query.is_empty() {
        format!("/admin?tab={NEEDS_TAB}")
    } else {
        format!("/admin?tab={NEEDS_TAB}&{query}")
    }
}

fn list_path(status: NeedStatus) -> String {
    format!("{ADMIN_NEEDS_PATH}?{STATUS_PARAM}={}", status.slug())
}

/// How many needs each status holds, as the server last said, moved along by reviews made
/// here: the tab bar's badge and the status tabs read the same counts.
#[derive(Clone, Copy)]
pub struct NeedCounts(RwSignal<Vec<NeedStatusCount>>);

/// Puts the counts in context for the admin page (its tab bar and its needs tab).
pub fn provide_need_counts() {
    provide_context(NeedCounts(RwSignal::new(Vec::new())));
}

/// The counts in context, or fresh ones where no page provided them.
fn need_counts() -> NeedCounts {
    use_context::<NeedCounts>().unwrap_or_else(|| NeedCounts(RwSignal::new(Vec::new())))
}

impl NeedCounts {
    fn of(self, status: NeedStatus) -> Option<usize> {
        self.0
            .with(|all| all.iter().find(|c| c.status == status).map(|c| c.count))
    }

    /// One need left `from` for `to`.
    fn moved(self, from: NeedStatus, to: NeedStatus) {
        self.0.update(|all| {
            for c in all.iter_mut() {
                if c.status == from {
                    c.count = c.count.saturating_sub(1);
                } else if c.status == to {
                    c.count += 1;
                }
            }
        });
    }
}

/// The count of needs waiting for review, for the admin's tab bar.
#[component]
pub fn WaitingBadge() -> impl IntoView {
    let counts = need_counts();
    let waiting = LocalResource::new(|| {
        let path = list_path(NeedStatus::Menunggu);
        async move { get_json::<AdminNeeds>(&path).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = waiting.get() {
            counts.0.set(list.counts);
        }
    });
    move || {
        let count = counts.of(NeedStatus::Menunggu).unwrap_or(0);
        (count > 0).then(|| {
            view! {
                <span class="count-badge" title=need_status(t().locale, NeedStatus::Menunggu)>{count}</span>
            }
        })
    }
}

#[component]
pub fn NeedsAdmin() -> impl IntoView {
    let d = dt();
    let query = use_query_map();
    let numbers = move || query.read().get(PART_PARAM).as_deref() == Some(NUMBERS_PART);
    view! {
        <h1>{d.tab_needs}</h1>
        <nav class="need-subnav" aria-label=d.tab_needs>
            <a href=tab_path("") aria-current=move || (!numbers()).then_some("page")>{d.needs_list}</a>
            <a href=tab_path(&format!("{PART_PARAM}={NUMBERS_PART}")) aria-current=move || numbers().then_some("page")>
                {d.needs_numbers}
            </a>
        </nav>
        {move || if numbers() {
            view! { <NeedNumbers /> }.into_any()
        } else {
            view! { <NeedQueue /> }.into_any()
        }}
    }
}

#[component]
fn NeedQueue() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let query = use_query_map();
    let status = move || {
        query
            .read()
            .get(STATUS_PARAM)
            .and_then(|s| NeedStatus::from_slug(&s))
            .unwrap_or(NeedStatus::Menunggu)
    };
    let list = LocalResource::new(move || {
        let path = list_path(status());
        async move { get_json::<AdminNeeds>(&path).await }
    });
    let counts = need_counts();
    Effect::new(move |_| {
        if let Some(Ok(data)) = list.get() {
            counts.0.set(data.counts);
        }
    });
    view! {
        <nav class="status-chips" aria-label=texts.status_label>
            {NeedStatus::ALL.into_iter().map(|s| view! {
                <a class="chip" href=tab_path(&format!("{STATUS_PARAM}={}", s.slug()))
                    aria-current=move || (status() == s).then_some("page")>
                    {need_status(texts.locale, s)}
                    {move || counts.of(s).map(|n| format!(" ({n})"))}
                </a>
            }).collect_view()}
        </nav>
        {move || match list.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
            Some(Ok(data)) if data.needs.is_empty() => view! { <p class="empty">{d.no_needs}</p> }.into_any(),
            Some(Ok(data)) => view! {
                <ul class="admin-needs">
                    {data.needs.into_iter().map(admin_need_row).collect_view()}
                    <MorePages path=list_path(status()) next=data.next_offset.map(|o| o.to_string())
                        split=|page: AdminNeeds| (page.needs, page.next_offset.map(|o| o.to_string()))
                        row=admin_need_row param="offset" />
                </ul>
            }
            .into_any(),
        }}
    }
}

fn admin_need_row(need: AdminNeed) -> impl IntoView {
    view! { <AdminNeedItem need /> }
}

/// One need with everything Disperindag checks, and the review while it waits.
#[component]
fn AdminNeedItem(need: AdminNeed) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let counts = need_counts();
    let path = StoredValue::new(admin_need_review_path(&need.need.code));
    let current = RwSignal::new(need);
    let declining = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let server_reason = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let today = today_wib();
    // Core's rule for the reason, shown once a decline was tried; the server's otherwise.
    let reason_error = move || {
        let local = attempted
            .get()
            .then(|| {
                let step = NeedReview::Decline {
                    reason: reason.get(),
                };
                match review(NeedStatus::Menunggu, &step) {
                    Err(ReviewError::Field(f)) => Some(f.message(texts.locale)),
                    _ => None,
                }
            })
            .flatten();
        local.or_else(|| server_reason.get())
    };
    let send = move |step: NeedReview| {
        let before = current.with_untracked(|n| n.status);
        let path = path.get_value();
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, AdminNeed>(&path, &step).await;
            busy.set(false);
            match result {
                Ok(after) => {
                    counts.moved(before, after.status);
                    let done = if after.status == NeedStatus::Terbit {
                        dt().need_published
                    } else {
                        dt().need_declined
                    };
                    message.set(Some((true, done.to_owned())));
                    declining.set(false);
                    current.set(after);
                }
                Err(error) => {
                    if let FetchError::Api { error: e, .. } = &error {
                        server_reason.set(e.fields.get("reason").cloned());
                        // Too late for offers: the way left is a decline with a reason.
                        if e.code == NeedRefusal::TooLate.code() {
                            declining.set(true);
                        }
                    }
                    message.set(Some((false, staff_error(&error))));
                }
            }
        });
    };
    let decline = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let step = NeedReview::Decline {
            reason: reason.get_untracked(),
        };
        if let Err(ReviewError::Field(_)) = review(NeedStatus::Menunggu, &step) {
            return;
        }
        send(step);
    };
    let body = move || {
        let n = current.get();
        let c = &n.need;
        let contact = &n.contact;
        let budget = c
            .budget
            .map(|b| b.label(&c.unit, texts.locale))
            .unwrap_or_else(|| d.need_no_budget.to_owned());
        let waiting = n.status == NeedStatus::Menunggu;
        let window = publish_window(today, n.offer_days, c.needed_by);
        let code = c.code.clone();
        view! {
            <p class="desk-order-top">
                <strong>{c.title.clone()}</strong>
                <span class=format!("status need-status-{}", n.status.slug())>{need_status(texts.locale, n.status)}</span>
            </p>
            <p class="desk-order-meta">
                {format!("{} · {} · {} {}", c.code, texts.category(c.category), d.need_posted, texts.locale.timestamp_wib(&n.created_at))}
            </p>
            <p class="need-description">{c.description.clone()}</p>
            <dl class="need-facts">
                <div><dt>{texts.quantity}</dt><dd>{format!("{} {}", c.quantity, c.unit)}</dd></div>
                <div><dt>{d.need_budget}</dt><dd>{budget}</dd></div>
                <div><dt>{d.need_deliver_to}</dt><dd>{texts.kabupaten(c.kabupaten)}</dd></div>
                <div><dt>{d.need_needed_by}</dt><dd>{texts.date(&c.needed_by.to_string())}</dd></div>
                <div><dt>{d.need_offer_days}</dt><dd>{format!("{} {}", n.offer_days, texts.days)}</dd></div>
                {c.offers_until.map(|until| view! {
                    <div><dt>{d.need_offers_until}</dt><dd>{texts.date(&until.to_string())}</dd></div>
                })}
                {(!waiting).then(|| view! {
                    <div><dt>{d.stat_offers}</dt><dd>{c.offers}</dd></div>
                })}
            </dl>
            {n.decline_reason.clone().map(|r| view! {
                <p class="need-declined">{format!("{}: {r}", d.need_declined_because)}</p>
            })}
            <section class="need-contact">
                <h3>{d.need_contact}</h3>
                <p><strong>{contact.company.clone()}</strong>{format!(" · {}", contact.buyer_type.label(texts.locale))}</p>
                {(!contact.npwp.is_empty()).then(|| view! { <p>{format!("NPWP {}", format_npwp(&contact.npwp))}</p> })}
                <p>{contact.contact_person.clone()}</p>
                <div class="part-actions">
                    <a class="button button-secondary" href=format!("tel:{}", contact.phone.e164())>
                        {format!("{} {}", d.call, contact.phone.e164())}
                    </a>
                    <a class="button button-wa" href=contact.phone.wa_link(&format!("{} {code}", d.tab_needs))
                        target="_blank" rel="noopener">"WhatsApp"</a>
                </div>
                <p><a href=format!("mailto:{}", contact.email)>{contact.email.clone()}</a></p>
                <p>{format!("{}, {}", contact.address, texts.kabupaten(contact.kabupaten))}</p>
                <p class="hint">{if n.show_company { d.show_company_yes } else { d.show_company_no }}</p>
            </section>
            {(n.status == NeedStatus::Terbit || n.status == NeedStatus::Ditutup).then(|| view! {
                <p><a href=need_page_path(&code) rel="external">{d.need_see_board}</a></p>
            })}
            {waiting.then(|| {
                let too_late = window.is_none();
                view! {
                    {match window {
                        Some(until) => view! {
                            <p class="hint">{format!("{} {}.", d.publish_window, texts.date(&until.to_string()))}</p>
                        }.into_any(),
                        None => view! {
                            <p class="notice">{NeedRefusal::TooLate.message(texts.locale)}</p>
                        }.into_any(),
                    }}
                    <div class="part-actions">
                        <button type="button" class="button" disabled=move || busy.get() || too_late
                            on:click=move |_| send(NeedReview::Publish)>{d.publish}</button>
                        <button type="button" class="button button-secondary"
                            aria-expanded=move || declining.get().to_string()
                            on:click=move |_| declining.update(|open| *open = !*open)>{d.decline}</button>
                    </div>
                }
            })}
        }
    };
    let reason_id = StoredValue::new(format!(
        "alasan-{}",
        current.with_untracked(|n| n.need.code.clone())
    ));
    view! {
        <li class="desk-card admin-need">
            {body}
            <Show when=move || declining.get() && current.with(|n| n.status == NeedStatus::Menunggu)>
                <form class="checkout-form need-decline" on:submit=decline novalidate>
                    <div class="field">
                        <label for=reason_id.get_value()>{d.decline_need_reason}</label>
                        <textarea id=reason_id.get_value() rows="3" maxlength=MAX_DECLINE_REASON.to_string()
                            aria-invalid=move || reason_error().is_some().to_string()
                            aria-describedby=format!("{}-error", reason_id.get_value())
                            prop:value=move || reason.get()
                            on:input=move |ev| {
                                server_reason.set(None);
                                reason.set(event_target_value(&ev));
                            }></textarea>
                        <p class="field-error" id=format!("{}-error", reason_id.get_value())>{reason_error}</p>
                    </div>
                    <button type="submit" class="button" disabled=move || busy.get()>{d.decline_need}</button>
                </form>
            </Show>
            <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                {move || message.get().map(|(_, m)| m)}
            </p>
        </li>
    }
}

/// A group's rows for a chart: bars by needs posted; figures posted · met · value (the
/// legend says so: the chart is as wide as a phone).
fn stat_rows(stats: &[NeedStat], name: &dyn Fn(&str) -> String) -> Vec<(String, i64, String)> {
    let texts = t();
    stats
        .iter()
        .map(|s| {
            (
                name(&s.key),
                i64::try_from(s.posted).unwrap_or(i64::MAX),
                format!("{} · {} · {}", s.posted, s.met, texts.rupiah(s.value)),
            )
        })
        .collect()
}

#[component]
fn NeedNumbers() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let stats = LocalResource::new(|| get_json::<NeedStats>(ADMIN_NEED_STATS_PATH));
    move || match stats.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadError error on_retry=move || stats.refetch() /> }.into_any()
        }
        Some(Ok(s)) => {
            // The file is made here from core's rows: UTF-8 with a BOM, as the orders' export,
            // so a spreadsheet reads it right.
            let csv = format!("\u{FEFF}{}", stats_csv(&s));
            let href = format!("data:text/csv;charset=utf-8,{}", percent_encode(&csv));
            let by_size = |mut rows: Vec<(String, i64, String)>| {
                rows.sort_by_key(|r| std::cmp::Reverse(r.1));
                rows
            };
            let category = by_size(stat_rows(&s.by_category, &|k| {
                Category::from_slug(k)
                    .map(|c| texts.category(c).to_owned())
                    .unwrap_or_else(|| k.to_owned())
            }));
            let kabupaten = by_size(stat_rows(&s.by_kabupaten, &|k| {
                Kabupaten::from_slug(k)
                    .map(|k| k.short_name().to_owned())
                    .unwrap_or_else(|| k.to_owned())
            }));
            // Months in time order, not by size.
            let month = stat_rows(&s.by_month, &|k| month_label(k, texts.locale));
            let total = &s.total;
            view! {
                <dl class="need-totals">
                    <div><dt>{d.stat_posted}</dt><dd>{total.posted}</dd></div>
                    <div><dt>{d.stat_published}</dt><dd>{total.published}</dd></div>
                    <div><dt>{d.stat_offers}</dt><dd>{total.offers}</dd></div>
                    <div><dt>{d.stat_met}</dt><dd>{total.met}</dd></div>
                    <div class="need-total-value"><dt>{d.stat_value}</dt><dd>{texts.rupiah(total.value)}</dd></div>
                </dl>
                <div class="admin-filters">
                    <a class="button button-secondary" href=href download=d.needs_csv_name>{d.download_csv}</a>
                </div>
                <p class="hint">{d.chart_need_legend}</p>
                <BarChart title=d.chart_need_category rows=category />
                <BarChart title=d.chart_need_kabupaten rows=kabupaten />
                <BarChart title=d.chart_need_month rows=month />
            }
            .into_any()
        }
    }
}
