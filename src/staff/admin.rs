//! Disperindag's admin (`/admin`): curate IKM and their accounts, see every order (with
//! CSV), review partner needs (`admin_needs`), the programme in charts the app draws itself,
//! and the audit log.

use crate::api::{get_json, FetchError};
use crate::components::catalog_view::{LoadError, Loading};
use crate::i18n::t;
use crate::staff::admin_needs::{provide_need_counts, NeedsAdmin, WaitingBadge, NEEDS_TAB};
use crate::staff::charts::{month_label, BarChart};
use crate::staff::more_pages::MorePages;
use crate::staff::session::{log_out, staff_error, staff_post, StaffOnly};
use crate::staff::texts::{audit_action, dt, need_status};
use etalase_core::account::Role;
use etalase_core::admin::{
    check_holiday, AccountCreated, AdminIkm, AdminOrders, AuditEntry, AuditPage, Holiday,
    HolidayInput, NewAccount, PasswordReset, SetFlag, Stat, Stats,
};
use etalase_core::need::{NeedStatus, OfferStatus};
use etalase_core::order::OrderStatus;
use etalase_core::phone::percent_encode;
use etalase_core::{Category, Kabupaten, Slug};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Ikm,
    Orders,
    Needs,
    Charts,
    Audit,
    Holidays,
}

impl Tab {
    fn slug(self) -> &'static str {
        match self {
            Tab::Ikm => "ikm",
            Tab::Orders => "pesanan",
            Tab::Needs => NEEDS_TAB,
            Tab::Charts => "grafik",
            Tab::Audit => "audit",
            Tab::Holidays => "libur",
        }
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let d = dt();
    let query = use_query_map();
    let tab = move || match query.read().get("tab").as_deref() {
        Some("pesanan") => Tab::Orders,
        Some(NEEDS_TAB) => Tab::Needs,
        Some("grafik") => Tab::Charts,
        Some("audit") => Tab::Audit,
        Some("libur") => Tab::Holidays,
        _ => Tab::Ikm,
    };
    provide_need_counts();
    view! {
        <Title text=d.admin_title />
        <section class="section admin-page">
            <StaffOnly role=Role::Admin>
                <nav class="desk-nav" aria-label=d.admin_title>
                    <span class="desk-who">{d.admin_title}</span>
                    {[(Tab::Ikm, d.tab_ikm), (Tab::Orders, d.tab_orders), (Tab::Needs, d.tab_needs), (Tab::Charts, d.tab_charts), (Tab::Audit, d.tab_audit), (Tab::Holidays, d.tab_holidays)]
                        .into_iter()
                        .map(|(which, label)| view! {
                            <a href=format!("/admin?tab={}", which.slug())
                                aria-current=move || (tab() == which).then_some("page")>
                                {label}
                                {(which == Tab::Needs).then(|| view! { <WaitingBadge /> })}
                            </a>
                        })
                        .collect_view()}
                    <a href="/akun">{d.account_link}</a>
                    <button type="button" class="link-button" on:click=move |_| log_out()>{d.log_out}</button>
                </nav>
                {move || match tab() {
                    Tab::Ikm => view! { <IkmAdmin /> }.into_any(),
                    Tab::Orders => view! { <OrdersAdmin /> }.into_any(),
                    Tab::Needs => view! { <NeedsAdmin /> }.into_any(),
                    Tab::Charts => view! { <Charts /> }.into_any(),
                    Tab::Audit => view! { <AuditLog /> }.into_any(),
                    Tab::Holidays => view! { <HolidaysAdmin /> }.into_any(),
                }}
            </StaffOnly>
        </section>
    }
}

#[component]
fn IkmAdmin() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let list = LocalResource::new(|| get_json::<Vec<AdminIkm>>("/api/v1/admin/ikm"));
    let updated = RwSignal::new(None::<Vec<AdminIkm>>);
    let message = RwSignal::new(None::<String>);
    // Replaces one IKM in the list with the server's answer.
    let apply = move |one: AdminIkm| {
        let mut all = updated
            .get_untracked()
            .or_else(|| list.get_untracked().and_then(Result::ok))
            .unwrap_or_default();
        if let Some(slot) = all.iter_mut().find(|i| i.slug == one.slug) {
            *slot = one;
        }
        updated.set(Some(all));
    };
    let call = move |path: String, body: SetFlag| {
        leptos::task::spawn_local(async move {
            match staff_post::<_, AdminIkm>(&path, &body).await {
                Ok(one) => {
                    message.set(None);
                    apply(one);
                }
                Err(e) => message.set(Some(staff_error(&e))),
            }
        });
    };
    let reset = move |id: i64| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/admin/accounts/{id}/password");
            match staff_post::<_, PasswordReset>(&path, &crate::staff::session::Empty {}).await {
                Ok(r) => message.set(Some(format!(
                    "{} {} — {}",
                    dt().new_password_is,
                    r.username,
                    r.password
                ))),
                Err(e) => message.set(Some(staff_error(&e))),
            }
        });
    };
    let add = move |ikm: Slug| {
        leptos::task::spawn_local(async move {
            let username = format!("{ikm}-2");
            let body = NewAccount { username, ikm };
            match staff_post::<_, AccountCreated>("/api/v1/admin/accounts", &body).await {
                Ok(r) => {
                    message.set(Some(format!(
                        "{} {} — {}",
                        dt().new_password_is,
                        r.username,
                        r.password
                    )));
                    list.refetch();
                    updated.set(None);
                }
                Err(e) => message.set(Some(staff_error(&e))),
            }
        });
    };
    view! {
        <h1>{d.tab_ikm}</h1>
        <p class="notice admin-message" role="status">{move || message.get()}</p>
        {move || {
            let current = updated.get().map(Ok).or_else(|| list.get());
            match current {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
                Some(Ok(all)) => view! {
                    <ul class="admin-ikm">
                        {all.into_iter().map(|ikm| {
                            let slug = ikm.slug.to_string();
                            let verify_path = format!("/api/v1/admin/ikm/{slug}/verified");
                            let verified = ikm.verified;
                            let add_for = ikm.slug.clone();
                            view! {
                                <li class="desk-card">
                                    <p class="desk-order-top">
                                        <a href=format!("/ikm/{slug}") rel="external"><strong>{ikm.name.clone()}</strong></a>
                                        {verified.then(|| view! { <span class="badge verified-badge">{d.verified}</span> })}
                                    </p>
                                    <p class="desk-order-meta">{format!("{} · {} {}", texts.kabupaten(ikm.kabupaten), ikm.products, d.products_on_store)}</p>
                                    <div class="part-actions">
                                        <button type="button" class="button button-secondary"
                                            on:click=move |_| call(verify_path.clone(), SetFlag { value: !verified })>
                                            {if verified { d.unverify } else { d.verify }}
                                        </button>
                                    </div>
                                    {ikm.accounts.into_iter().map(|a| {
                                        let disable_path = format!("/api/v1/admin/accounts/{}/disabled", a.id);
                                        let disabled = a.disabled;
                                        let id = a.id;
                                        view! {
                                            <div class="admin-account">
                                                <span>{format!("{}: {}", d.account, a.username)}
                                                    {disabled.then(|| format!(" ({})", d.disabled))}</span>
                                                <button type="button" class="link-button"
                                                    on:click=move |_| call(disable_path.clone(), SetFlag { value: !disabled })>
                                                    {if disabled { d.enable } else { d.disable }}
                                                </button>
                                                <button type="button" class="link-button" on:click=move |_| reset(id)>{d.reset_password}</button>
                                            </div>
                                        }
                                    }).collect_view()}
                                    <button type="button" class="link-button" on:click=move |_| add(add_for.clone())>{d.add_account}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }
        }}
    }
}

/// One order part in the admin's list.
fn admin_order_row(o: etalase_core::api::OrderSummary) -> impl IntoView {
    let texts = t();
    view! {
        <li class="desk-order">
            <span class="desk-order-top">
                <strong>{format!("{} → {}", o.company, o.ikm_name)}</strong>
                <span class=format!("status status-{}", o.status.slug())>{texts.status(o.status)}</span>
            </span>
            <span class="desk-order-meta">{format!("{} · {} · {}", o.code, texts.kabupaten(o.kabupaten), texts.rupiah(o.subtotal))}</span>
            <span class="desk-order-meta">{texts.locale.timestamp_wib(&o.created_at)}</span>
        </li>
    }
}

#[component]
fn OrdersAdmin() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let status = RwSignal::new(String::new());
    let kabupaten = RwSignal::new(String::new());
    let filter_query = move || {
        format!(
            "status={}&kabupaten={}",
            percent_encode(&status.get()),
            percent_encode(&kabupaten.get())
        )
    };
    let orders = LocalResource::new(move || {
        let path = format!("/api/v1/admin/orders?{}", filter_query());
        async move { get_json::<AdminOrders>(&path).await }
    });
    let orders_path = move || {
        format!(
            "/api/v1/admin/orders?status={}&kabupaten={}",
            percent_encode(&status.get_untracked()),
            percent_encode(&kabupaten.get_untracked())
        )
    };
    view! {
        <h1>{d.tab_orders}</h1>
        <div class="admin-filters">
            <label class="field">
                <span>{texts.status_label}</span>
                <select on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{d.all_statuses}</option>
                    {OrderStatus::ALL.into_iter().map(|s| view! { <option value=s.slug()>{texts.status(s)}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{texts.f_kabupaten}</span>
                <select on:change=move |ev| kabupaten.set(event_target_value(&ev))>
                    <option value="">{d.all_kabupaten}</option>
                    {Kabupaten::ALL.into_iter().map(|k| view! { <option value=k.slug()>{texts.kabupaten(k)}</option> }).collect_view()}
                </select>
            </label>
            <a class="button button-secondary" href=move || format!("/api/v1/admin/orders.csv?{}", filter_query()) download="pesanan-etalase.csv">{d.download_csv}</a>
        </div>
        {move || match orders.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=move || orders.refetch() /> }.into_any(),
            Some(Ok(data)) if data.orders.is_empty() => view! { <p class="empty">{d.no_orders}</p> }.into_any(),
            Some(Ok(data)) => view! {
                <ul class="desk-orders">
                    {data.orders.into_iter().map(admin_order_row).collect_view()}
                    <MorePages path=orders_path() next=data.next_cursor
                        split=|page: AdminOrders| (page.orders, page.next_cursor) row=admin_order_row />
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn Charts() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let stats = LocalResource::new(|| get_json::<Stats>("/api/v1/admin/stats"));
    let value_rows =
        move |stats: &[Stat], name: &dyn Fn(&str) -> String| -> Vec<(String, i64, String)> {
            let mut rows: Vec<(String, i64, String)> = stats
                .iter()
                .map(|s| {
                    (
                        name(&s.key),
                        s.value.amount(),
                        format!("{} · {} {}", texts.rupiah(s.value), s.requests, d.requests),
                    )
                })
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            rows
        };
    move || match stats.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadError error on_retry=move || stats.refetch() /> }.into_any()
        }
        Some(Ok(s)) => {
            let kabupaten = value_rows(&s.by_kabupaten, &|k| {
                Kabupaten::from_slug(k)
                    .map(|k| texts.kabupaten(k))
                    .unwrap_or_else(|| k.to_owned())
            });
            let category = value_rows(&s.by_category, &|c| {
                Category::from_slug(c)
                    .map(|c| texts.category(c).to_owned())
                    .unwrap_or_else(|| c.to_owned())
            });
            let status: Vec<(String, i64, String)> = s
                .by_status
                .iter()
                .map(|st| {
                    let label = OrderStatus::from_slug(&st.key)
                        .map(|x| texts.status(x))
                        .unwrap_or("?");
                    (
                        label.to_owned(),
                        st.requests as i64,
                        format!("{} · {}", st.requests, texts.rupiah(st.value)),
                    )
                })
                .collect();
            // Months in time order, not by size.
            let month: Vec<(String, i64, String)> = s
                .by_month
                .iter()
                .map(|m| {
                    (
                        month_label(&m.key, texts.locale),
                        m.value.amount(),
                        format!("{} · {} {}", texts.rupiah(m.value), m.requests, d.requests),
                    )
                })
                .collect();
            view! {
                <h1>{d.tab_charts}</h1>
                <BarChart title=d.chart_kabupaten rows=kabupaten />
                <BarChart title=d.chart_category rows=category />
                <BarChart title=d.chart_status rows=status />
                <BarChart title=d.chart_month rows=month />
            }
            .into_any()
        }
    }
}

/// One line of the audit log.
fn audit_row(e: AuditEntry) -> impl IntoView {
    let (texts, _) = (t(), dt());
    view! {
        <li>
            <time datetime=e.at.clone()>{texts.locale.timestamp_wib(&e.at)}</time>
            <span class="audit-who">{format!("{}: {}", dt().audit_who, e.username)}</span>
            <span>{format!(
                "{} · {}",
                audit_action(texts.locale, &e.action).unwrap_or(&e.action),
                e.object
            )}</span>
            {(!e.from.is_empty() || !e.to.is_empty()).then(|| {
                // Order, need and offer statuses read as the desk names them; other values
                // as recorded.
                let value = |v: &str| OrderStatus::from_slug(v)
                    .map(|s| texts.status(s))
                    .or_else(|| NeedStatus::from_slug(v).map(|s| need_status(texts.locale, s)))
                    .or_else(|| OfferStatus::from_slug(v).map(|s| s.label(texts.locale)))
                    .map_or_else(|| v.to_owned(), str::to_owned);
                view! {
                    <span class="audit-change">{format!("{} → {}", value(&e.from), value(&e.to))}</span>
                }
            })}
        </li>
    }
}

const AUDIT_PATH: &str = "/api/v1/admin/audit";

#[component]
fn AuditLog() -> impl IntoView {
    let d = dt();
    let log = LocalResource::new(|| get_json::<AuditPage>(AUDIT_PATH));
    move || match log.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <LoadError error on_retry=move || log.refetch() /> }.into_any(),
        Some(Ok(page)) => view! {
            <h1>{d.tab_audit}</h1>
            {page.entries.is_empty().then(|| view! { <p class="empty">{d.no_data}</p> })}
            <ol class="audit-log">
                {page.entries.into_iter().map(audit_row).collect_view()}
                <MorePages path=AUDIT_PATH.to_owned() next=page.next_cursor.map(|c| c.to_string())
                    split=|page: AuditPage| (page.entries, page.next_cursor.map(|c| c.to_string()))
                    row=audit_row />
            </ol>
        }
        .into_any(),
    }
}

/// The days off the IKM's time to answer skips: add or rename a day, remove one.
#[component]
fn HolidaysAdmin() -> impl IntoView {
    const PATH: &str = "/api/v1/admin/holidays";
    let (texts, d) = (t(), dt());
    let list = LocalResource::new(|| get_json::<Vec<Holiday>>(PATH));
    let updated = RwSignal::new(None::<Vec<Holiday>>);
    let current = move || updated.get().or_else(|| list.get().and_then(Result::ok));
    let form = RwSignal::new(HolidayInput::default());
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<String>);
    let send = move |path: &'static str, body: HolidayInput, clear_form: bool| {
        leptos::task::spawn_local(async move {
            match staff_post::<_, Vec<Holiday>>(path, &body).await {
                Ok(all) => {
                    message.set(None);
                    errors.set(Default::default());
                    if clear_form {
                        form.set(HolidayInput::default());
                    }
                    updated.set(Some(all));
                }
                Err(e) => {
                    if let FetchError::Api { error, .. } = &e {
                        errors.set(error.fields.clone().into_iter().collect());
                    }
                    message.set(Some(staff_error(&e)));
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        // Core's rule answers at once; the server checks again.
        match check_holiday(&input, texts.locale) {
            Ok(_) => send(PATH, input, true),
            Err(found) => errors.set(found),
        }
    };
    let error_for = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let field = move |name: &'static str, label: &'static str, kind: &'static str| {
        let id = format!("h-{name}");
        let value = move |f: &HolidayInput| match name {
            "day" => f.day.clone(),
            _ => f.name.clone(),
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() type=kind maxlength="80"
                    aria-invalid=move || error_for(name)().is_some().to_string()
                    aria-describedby=format!("{id}-error")
                    prop:value=move || form.with(value)
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        form.update(|f| match name {
                            "day" => f.day = typed,
                            _ => f.name = typed,
                        });
                    } />
                <p class="field-error" id=format!("{id}-error")>{error_for(name)}</p>
            </div>
        }
    };
    let today = crate::browser::today_wib();
    view! {
        <h1>{d.tab_holidays}</h1>
        <p>{d.holidays_intro}</p>
        <form class="checkout-form desk-card holiday-form" novalidate on:submit=submit>
            {field("day", d.holiday_day, "date")}
            {field("name", d.holiday_name, "text")}
            <button type="submit" class="button">{d.save_holiday}</button>
        </form>
        <p class="notice admin-message" role="status">{move || message.get()}</p>
        {move || match (current(), list.get()) {
            (Some(all), _) => {
                let ends = all.last().map(|h| {
                    let soon = etalase_core::date::holidays_end_soon(Some(h.day), today);
                    view! {
                        <p class=if soon { "notice" } else { "hint" }>
                            {format!("{} {}.", d.holidays_end, texts.date(&h.day.to_string()))}
                            {soon.then(|| format!(" {}", d.holidays_run_out))}
                        </p>
                    }
                });
                let mut years: Vec<(i32, Vec<Holiday>)> = Vec::new();
                for h in all {
                    let year = h.day.year();
                    match years.last_mut() {
                        Some((y, days)) if *y == year => days.push(h),
                        _ => years.push((year, vec![h])),
                    }
                }
                view! {
                    {ends}
                    {years.into_iter().map(|(year, days)| view! {
                        <section class="holiday-year">
                            <h2>{year}</h2>
                            <ul class="holiday-list">
                                {days.into_iter().map(|h| {
                                    let day = h.day.to_string();
                                    let label = format!("{} {}", d.remove, texts.date(&day));
                                    view! {
                                        <li>
                                            <time datetime=day.clone()>{texts.date(&day)}</time>
                                            <span class="holiday-name">{h.name}</span>
                                            <button type="button" class="link-button" aria-label=label
                                                on:click=move |_| send(
                                                    "/api/v1/admin/holidays/remove",
                                                    HolidayInput { day: day.clone(), name: String::new() },
                                                    false,
                                                )>{d.remove}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                }
                .into_any()
            }
            (None, Some(Err(error))) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
            (None, _) => view! { <Loading /> }.into_any(),
        }}
    }
}
