//! The partner's tracking page (`/pesanan/<code>?t=<secret>`): each IKM's part with its
//! status, prices, shipping and history; a part still new can be cancelled.

use crate::api::{get_json, post_json, FetchError};
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::timeline::Timeline;
use crate::i18n::t;
use crate::pages::not_found::NotFound;
use etalase_core::api::{
    invoice_page_path, tracking_api_path, CancelPart, TrackedPart, Tracking, ORDERS_PATH,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The tracking document for the page's `:code` and `?t=` secret, and the secret itself.
pub fn tracking_resource() -> (
    LocalResource<Result<Tracking, FetchError>>,
    impl Fn() -> String + Copy + Send + Sync + 'static,
) {
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let secret = move || query.read().get("t").unwrap_or_default();
    let tracking = LocalResource::new(move || {
        let (code, secret) = (code(), secret());
        async move { get_json::<Tracking>(&tracking_api_path(&code, &secret)).await }
    });
    (tracking, secret)
}

/// The page for a tracking document in any state: loading, unknown (the same 404 for a
/// wrong secret, with a word on keeping the link), failed (with a retry), or loaded.
pub fn tracked_view(
    current: Option<Result<Tracking, FetchError>>,
    tracking: LocalResource<Result<Tracking, FetchError>>,
    loaded: impl FnOnce(Tracking) -> AnyView,
) -> AnyView {
    match current {
        None => view! { <Loading /> }.into_any(),
        Some(Err(FetchError::Api { status: 404, .. })) => view! {
            <NotFound />
            <p class="keep-link">{t().tracking_not_found}</p>
        }
        .into_any(),
        Some(Err(error)) => {
            view! { <LoadError error on_retry=move || tracking.refetch() /> }.into_any()
        }
        Some(Ok(data)) => loaded(data),
    }
}

#[component]
pub fn TrackingPage() -> impl IntoView {
    let texts = t();
    let (tracking, secret) = tracking_resource();
    // After a cancellation the page shows the server's answer without another round trip.
    let updated = RwSignal::new(None::<Tracking>);
    let failure = RwSignal::new(None::<String>);
    view! {
        <Title text=texts.tracking_title />
        <section class="section tracking-page">
            {move || {
                let current = updated.get().map(Ok).or_else(|| tracking.get());
                tracked_view(current, tracking, |data| {
                        let code = data.code.clone();
                        view! {
                            <h1>{format!("{} {}", texts.tracking_title, data.code)}</h1>
                            <p class="result-count">
                                {format!("{} · {} {} · {} {}", data.company, texts.f_needed_by, texts.date(&data.needed_by.to_string()), texts.total, texts.rupiah(data.total))}
                            </p>
                            <p class="keep-link">{texts.keep_link}</p>
                            <button type="button" class="link-button" on:click=move |_| {
                                updated.set(None);
                                failure.set(None);
                                tracking.refetch();
                            }>{texts.refresh_status}</button>
                            <p class="notice" role="alert">{move || failure.get()}</p>
                            {data.parts.into_iter().map(|part| {
                                let code = code.clone();
                                view! { <PartCard part code secret=secret() updated failure /> }
                            }).collect_view()}
                        }.into_any()
                })
            }}
        </section>
    }
}

#[component]
fn PartCard(
    part: TrackedPart,
    code: String,
    secret: String,
    updated: RwSignal<Option<Tracking>>,
    failure: RwSignal<Option<String>>,
) -> impl IntoView {
    let texts = t();
    let ikm = part.ikm.to_string();
    let invoice = invoice_page_path(&code, &ikm, &secret);
    let cancel = move |_| {
        #[cfg(target_arch = "wasm32")]
        {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(texts.cancel_confirm).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
        }
        let path = format!("{ORDERS_PATH}/{code}/parts/{ikm}/cancel");
        let body = CancelPart {
            secret: secret.clone(),
        };
        leptos::task::spawn_local(async move {
            let headers = [("Accept-Language", texts.locale.tag())];
            match post_json::<_, Tracking>(&path, &headers, &body).await {
                Ok(t) => {
                    failure.set(None);
                    updated.set(Some(t));
                }
                Err(FetchError::Api { error, .. }) => failure.set(Some(error.message)),
                Err(FetchError::Network(_)) => failure.set(Some(texts.offline_retry.to_owned())),
                Err(_) => failure.set(Some(texts.server_problem.to_owned())),
            }
        });
    };
    let status_class = format!("status status-{}", part.status.slug());
    view! {
        <article class="ikm-part tracked-part">
            <h2>{part.ikm_name.clone()}</h2>
            <p>
                {texts.status_label} ": "
                <strong class=status_class>{texts.status(part.status)}</strong>
            </p>
            <ul class="order-lines">
                {part.lines.iter().map(|l| {
                    let price = l.confirmed_unit_price.unwrap_or(l.unit_price);
                    view! {
                        <li class="order-line">
                            <span class="order-line-name">{l.name.clone()}</span>
                            <span class="line-price">
                                {format!("{} {} × {}", l.quantity, l.unit, texts.rupiah(price))}
                                {l.confirmed_unit_price.filter(|c| *c != l.unit_price).map(|_| format!(" ({} {})", texts.was_price, texts.rupiah(l.unit_price)))}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="part-subtotal">{format!("{} {}", texts.subtotal, texts.rupiah(part.subtotal))}</p>
            {part.lead_time_days.map(|d| view! { <p>{format!("{}: {d} {}", texts.confirmed_lead_time, texts.days)}</p> })}
            {part.decline_reason.clone().map(|r| view! { <p>{format!("{}: {r}", texts.declined_because)}</p> })}
            {part.courier.clone().map(|c| view! {
                <p>{format!("{}: {c} · {}: {}", texts.courier, texts.receipt, part.receipt.clone().unwrap_or_default())}</p>
            })}
            <h3>{texts.timeline}</h3>
            <Timeline events=part.events.clone() />
            <div class="part-actions">
                <a class="button button-secondary" href=invoice>{texts.view_invoice}</a>
                {part.cancellable.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=cancel>{texts.cancel_part}</button>
                })}
            </div>
        </article>
    }
}
