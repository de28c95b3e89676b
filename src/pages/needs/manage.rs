//! The partner's private page of its need (`/kebutuhan/<code>/kelola?t=<secret>`): where it
//! stands, what was asked and by whom, and every offer side by side (one column per offer,
//! the same rows for each), sortable by price, total or lead time. Waiting offers can be
//! chosen and accepted together (each becomes an IKM's part of one order request, the need
//! closes, the other IKM are told), or the need closed without choosing; both after a
//! confirmation. The secret stays out of the title and the head.

use crate::api::{get_json, post_json, FetchError};
use crate::browser::today_wib;
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::need_facts::{state_class, NeedFacts};
use crate::i18n::t;
use etalase_core::api::ApiError;
use etalase_core::need::{
    is_need_code, need_accept_path, need_close_path, need_follow_api_path, need_page_path,
    AcceptOffers, ChosenOffer, CloseNeed, NeedFollow, NeedState, NeedStatus, OfferStatus,
    OfferView, BOARD_PAGE,
};
use etalase_core::phone::percent_encode;
use etalase_core::request::format_npwp;
use etalase_core::Rupiah;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeSet;

/// The order the offers stand in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum OfferSort {
    #[default]
    UnitPrice,
    Total,
    LeadTime,
}

impl OfferSort {
    const ALL: [OfferSort; 3] = [OfferSort::UnitPrice, OfferSort::Total, OfferSort::LeadTime];

    fn slug(self) -> &'static str {
        match self {
            OfferSort::UnitPrice => "harga",
            OfferSort::Total => "total",
            OfferSort::LeadTime => "waktu",
        }
    }

    fn from_slug(s: &str) -> OfferSort {
        OfferSort::ALL
            .into_iter()
            .find(|o| o.slug() == s)
            .unwrap_or_default()
    }

    /// Cheapest or quickest first; ties by the other measures, then as the server listed.
    fn apply(self, offers: &mut [OfferView]) {
        match self {
            OfferSort::UnitPrice => {
                offers.sort_by_key(|o| (o.unit_price, o.lead_time_days, o.total))
            }
            OfferSort::Total => offers.sort_by_key(|o| (o.total, o.unit_price, o.lead_time_days)),
            OfferSort::LeadTime => {
                offers.sort_by_key(|o| (o.lead_time_days, o.unit_price, o.total))
            }
        }
    }
}

/// A step the partner is about to take, waiting for its confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Accept,
    Close,
}

/// What the partner's steps leave for the page: the server's answer after a decision, which
/// decision it was, and why one failed.
#[derive(Clone, Copy)]
struct Steps {
    follow: LocalResource<Result<NeedFollow, FetchError>>,
    updated: RwSignal<Option<NeedFollow>>,
    just_decided: RwSignal<Option<Decision>>,
    failure: RwSignal<Option<String>>,
}

/// The page's own not-found answer, without asking the server: no code or no secret.
fn not_found() -> FetchError {
    FetchError::Api {
        status: 404,
        error: ApiError::new("not_found", ""),
    }
}

#[component]
pub fn ManageNeedPage() -> impl IntoView {
    let texts = t();
    let params = use_params_map();
    let query = use_query_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let secret = Memo::new(move |_| query.read().get("t").unwrap_or_default());
    let follow = LocalResource::new(move || {
        let (code, secret) = (code.get(), secret.get());
        async move {
            if !is_need_code(&code) || secret.is_empty() {
                return Err(not_found());
            }
            let path = need_follow_api_path(&code, &percent_encode(&secret));
            get_json::<NeedFollow>(&path).await
        }
    });
    // After a decision the page shows the server's answer without another round trip. What
    // the last step came to outlives the redraw it causes.
    let updated = RwSignal::new(None::<NeedFollow>);
    let just_decided = RwSignal::new(None::<Decision>);
    let failure = RwSignal::new(None::<String>);
    let ordering = use_context::<crate::app::Ordering>().map(|o| o.0);
    let refresh = move || {
        just_decided.set(None);
        updated.set(None);
        follow.refetch();
    };
    let steps = Steps {
        follow,
        updated,
        just_decided,
        failure,
    };
    view! {
        <Title text=texts.need_manage_title />
        // The link is private: no search engine should keep it.
        <Meta name="robots" content="noindex" />
        <section class="section need-manage">
            {move || {
                if !ordering.is_none_or(|o| o.get()) {
                    return view! {
                        <h1>{texts.need_manage_title}</h1>
                        <p class="notice-info">{texts.need_manage_online_only}</p>
                    }
                    .into_any();
                }
                match updated.get().map(Ok).or_else(|| follow.get()) {
                    None => view! { <Loading /> }.into_any(),
                    // A wrong secret and an unknown code are the same answer.
                    Some(Err(FetchError::Api { status: 404, .. })) => view! {
                        <div class="not-found">
                            <h1>{texts.need_not_found_title}</h1>
                            <p>{texts.need_manage_not_found}</p>
                            <a href=BOARD_PAGE class="button">{texts.needs_see_board}</a>
                        </div>
                    }
                    .into_any(),
                    Some(Err(error)) => {
                        view! { <LoadError error on_retry=move || follow.refetch() /> }.into_any()
                    }
                    Some(Ok(data)) => view! {
                        <Manage data secret=secret.get_untracked() steps on_reload=refresh />
                    }
                    .into_any(),
                }
            }}
        </section>
    }
}

#[component]
fn Manage(
    data: NeedFollow,
    secret: String,
    steps: Steps,
    on_reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let texts = t();
    let NeedFollow {
        need,
        contact,
        show_company,
        status,
        decline_reason,
        offers,
        orders,
        ..
    } = data;
    let code = need.code.clone();
    let state = need.state;
    let can_decide = status == NeedStatus::Terbit;
    let waiting: Vec<i64> = offers
        .iter()
        .filter(|o| o.status == OfferStatus::Diajukan)
        .map(|o| o.id)
        .collect();
    let published = need.offers_until.is_some() && status != NeedStatus::Ditolak;

    let status_note = match state {
        NeedState::InReview => texts.need_note_review.to_owned(),
        NeedState::Open => format!(
            "{} {}. {}",
            texts.need_note_open,
            need.offers_until
                .map(|d| texts.date(&d.to_string()))
                .unwrap_or_default(),
            texts.need_note_decide_any_time
        ),
        NeedState::OffersClosed => texts.need_note_offers_closed.to_owned(),
        NeedState::Declined => texts.need_note_declined.to_owned(),
        NeedState::Closed => texts.need_note_closed.to_owned(),
    };
    let reason = decline_reason.filter(|r| !r.trim().is_empty()).map(
        |r| view! { <p class="decline-reason">{format!("{}: {r}", texts.declined_because)}</p> },
    );

    let contact_lines: Vec<(&'static str, String)> = [
        (texts.f_company, contact.company.clone()),
        (
            texts.f_buyer_type,
            texts.buyer_type(contact.buyer_type).to_owned(),
        ),
        (texts.f_npwp, format_npwp(&contact.npwp)),
        (texts.f_contact, contact.contact_person.clone()),
        (texts.f_phone, contact.phone.e164().to_owned()),
        (texts.f_email, contact.email.clone()),
        (texts.f_address, contact.address.clone()),
        (texts.f_kabupaten, texts.kabupaten(contact.kabupaten)),
        (
            texts.need_company_on_board,
            if show_company { texts.yes } else { texts.no }.to_owned(),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .collect();

    // After a decision the eye goes to what it made: the orders, or the closed status.
    let orders_ref = NodeRef::<leptos::html::Section>::new();
    let head_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let target: Option<web_sys::HtmlElement> = match steps.just_decided.get() {
            Some(Decision::Accept) => orders_ref.get(),
            Some(Decision::Close) => head_ref.get().map(Into::into),
            None => None,
        };
        if let Some(el) = target {
            el.scroll_into_view();
            let _ = el.focus();
        }
    });
    let orders_view = (!orders.is_empty()).then(|| {
        view! {
            <section class="need-orders" node_ref=orders_ref tabindex="-1" role="status" aria-labelledby="judul-pesanan-kebutuhan">
                {move || (steps.just_decided.get() == Some(Decision::Accept)).then(|| view! {
                    <p class="saved">{texts.need_accepted}</p>
                })}
                <h2 id="judul-pesanan-kebutuhan">{texts.need_orders_title}</h2>
                <p>{texts.need_orders_body}</p>
                <ul class="notify-list">
                    {orders.iter().map(|o| view! {
                        <li>
                            <a class="button" href=o.tracking_path.clone()>
                                {format!("{} {}", texts.open_tracking, o.code)}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });

    view! {
        <div class="need-manage-head" node_ref=head_ref tabindex="-1">
            <p class="need-code">{format!("{} {}", texts.need_code, code)}</p>
            <h1>{need.title.clone()}</h1>
            <p class="need-status">
                <span class=state_class(state)>{texts.need_state(state)}</span>
            </p>
            <p>{status_note}</p>
            {reason}
            <p class="keep-link">{texts.need_keep_this_page}</p>
            <div class="part-actions">
                <button type="button" class="link-button" on:click=move |_| {
                    steps.failure.set(None);
                    on_reload();
                }>{texts.refresh_status}</button>
                {published.then(|| view! {
                    <a class="link-button" href=need_page_path(&code)>{texts.need_public_page}</a>
                })}
            </div>
        </div>
        {orders_view}
        <Offers offers code=code.clone() need_quantity=need.quantity unit=need.unit.clone() waiting can_decide secret steps on_reload />
        <details class="need-details">
            <summary>{texts.need_what_you_asked}</summary>
            <div class="need-details-body">
                <NeedFacts need=need.clone() today=today_wib() />
                <h3>{texts.description}</h3>
                <p class="need-description">{need.description.clone()}</p>
                <h3>{texts.need_contact}</h3>
                <dl class="need-facts">
                    {contact_lines.into_iter().map(|(label, value)| view! {
                        <div class="need-fact"><dt>{label}</dt><dd>{value}</dd></div>
                    }).collect_view()}
                </dl>
            </div>
        </details>
    }
}

/// Every offer, side by side, with the choice and the two decisions.
#[component]
fn Offers(
    offers: Vec<OfferView>,
    code: String,
    need_quantity: u32,
    unit: String,
    waiting: Vec<i64>,
    can_decide: bool,
    secret: String,
    steps: Steps,
    on_reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let texts = t();
    let Steps {
        follow,
        updated,
        just_decided,
        failure,
    } = steps;
    let sort = RwSignal::new(OfferSort::default());
    let chosen = RwSignal::new(BTreeSet::<i64>::new());
    let confirming = RwSignal::new(None::<Decision>);
    let busy = RwSignal::new(false);
    let code = StoredValue::new(code);
    let offers = StoredValue::new(offers);
    let unit = StoredValue::new(unit);
    let secret = StoredValue::new(secret);
    let selectable = can_decide && !waiting.is_empty();
    let count = offers.with_value(Vec::len);

    // The lowest unit price and the shortest lead time among the offers still open.
    let best_price = offers.with_value(|o| {
        o.iter()
            .filter(|o| o.status == OfferStatus::Diajukan)
            .map(|o| o.unit_price)
            .min()
    });
    let best_lead = offers.with_value(|o| {
        o.iter()
            .filter(|o| o.status == OfferStatus::Diajukan)
            .map(|o| o.lead_time_days)
            .min()
    });
    let several = offers.with_value(|o| {
        o.iter()
            .filter(|o| o.status == OfferStatus::Diajukan)
            .count()
            > 1
    });

    let decide = move |d: Decision| {
        if busy.get_untracked() {
            return;
        }
        let need_code = code.get_value();
        busy.set(true);
        failure.set(None);
        let secret = secret.get_value();
        // Each chosen offer as the partner saw it: one its IKM changed since is refused
        // (409), and the page reloads to show the change.
        let picked: Vec<ChosenOffer> = offers.with_value(|all| {
            let ids = chosen.get_untracked();
            all.iter()
                .filter(|o| ids.contains(&o.id))
                .map(|o| ChosenOffer {
                    id: o.id,
                    version: o.version,
                })
                .collect()
        });
        leptos::task::spawn_local(async move {
            let headers = [("Accept-Language", texts.locale.tag())];
            let result = match d {
                Decision::Accept => {
                    let body = AcceptOffers {
                        secret,
                        offers: picked,
                    };
                    post_json::<_, NeedFollow>(&need_accept_path(&need_code), &headers, &body).await
                }
                Decision::Close => {
                    let body = CloseNeed { secret };
                    post_json::<_, NeedFollow>(&need_close_path(&need_code), &headers, &body).await
                }
            };
            busy.set(false);
            confirming.set(None);
            match result {
                Ok(after) => {
                    chosen.set(BTreeSet::new());
                    failure.set(None);
                    just_decided.set(Some(d));
                    updated.set(Some(after));
                    // Brought up to date behind the answer, so "refresh" never shows the
                    // page as it was before the decision.
                    follow.refetch();
                }
                // The need or an offer changed meanwhile: say so, and show it as it is now.
                Err(FetchError::Api { status: 409, error }) => {
                    failure.set(Some(error.message));
                    chosen.set(BTreeSet::new());
                    on_reload();
                }
                Err(FetchError::Api { error, .. }) if !error.message.is_empty() => {
                    failure.set(Some(error.message))
                }
                Err(FetchError::Network(_)) => {
                    failure.set(Some(texts.offline_try_again.to_owned()))
                }
                Err(_) => failure.set(Some(texts.server_try_later.to_owned())),
            }
        });
    };

    // What the chosen offers come to together.
    let chosen_sum = move || {
        let picked = chosen.get();
        offers.with_value(|o| {
            let chosen: Vec<&OfferView> = o.iter().filter(|o| picked.contains(&o.id)).collect();
            let quantity: u64 = chosen.iter().map(|o| u64::from(o.quantity)).sum();
            let total = Rupiah::saturating_sum(chosen.iter().map(|o| o.total));
            (chosen.len(), quantity, total)
        })
    };

    let table = move || {
        let mut list = offers.get_value();
        sort.get().apply(&mut list);
        let unit = unit.get_value();
        let head = list
            .iter()
            .map(|o| {
                let id = o.id;
                let pick = (selectable && o.status == OfferStatus::Diajukan).then(|| {
                    view! {
                        <label class="check offer-pick">
                            <input
                                type="checkbox"
                                name="penawaran"
                                value=id.to_string()
                                prop:checked=move || chosen.read().contains(&id)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        if on {
                                            c.insert(id);
                                        } else {
                                            c.remove(&id);
                                        }
                                    });
                                    confirming.set(None);
                                }
                            />
                            <span>{texts.need_choose_offer}</span>
                        </label>
                    }
                });
                let verified = o.verified.then(|| {
                    view! { <span class="badge verified-badge" title=texts.verified_about>{texts.verified_short}</span> }
                });
                view! {
                    <th scope="col" class=move || if chosen.read().contains(&id) { "offer-col chosen" } else { "offer-col" }>
                        <a class="offer-ikm" href=format!("/ikm/{}", o.ikm)>{o.ikm_name.clone()}</a>
                        <span class="offer-place">{texts.kabupaten(o.kabupaten)}</span>
                        {verified}
                        {pick}
                    </th>
                }
            })
            .collect_view();
        let row = |label: &'static str, cells: Vec<AnyView>| {
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
        };
        let cells = |f: &dyn Fn(&OfferView) -> AnyView| list.iter().map(f).collect::<Vec<_>>();
        let best = |on: bool, word: &'static str| {
            (on && several).then(|| view! { <span class="best">{word}</span> })
        };
        view! {
            <thead>
                <tr>
                    <th scope="col" class="corner"><span class="visually-hidden">{texts.need_offer_ikm}</span></th>
                    {head}
                </tr>
            </thead>
            <tbody>
                {row(texts.unit_price, cells(&|o| {
                    let lowest = o.status == OfferStatus::Diajukan && Some(o.unit_price) == best_price;
                    view! {
                        <strong class="price">{texts.rupiah(o.unit_price)}</strong>
                        <span class="unit">" / " {unit.clone()}</span>
                        {best(lowest, texts.need_lowest)}
                    }.into_any()
                }))}
                {row(texts.quantity, cells(&|o| {
                    let full = o.quantity >= need_quantity;
                    view! {
                        {format!("{} {}", texts.number(o.quantity), unit)}
                        {(!full).then(|| view! {
                            <span class="offer-partial">{format!("{} {} {}", texts.need_of, texts.number(need_quantity), unit)}</span>
                        })}
                    }.into_any()
                }))}
                {row(texts.total, cells(&|o| view! { <strong>{texts.rupiah(o.total)}</strong> }.into_any()))}
                {row(texts.lead_time, cells(&|o| {
                    let quickest = o.status == OfferStatus::Diajukan && Some(o.lead_time_days) == best_lead;
                    view! {
                        {texts.days_count(o.lead_time_days)}
                        {best(quickest, texts.need_quickest)}
                    }.into_any()
                }))}
                {row(texts.need_ready_by, cells(&|o| texts.date(&o.ready_by.to_string()).into_any()))}
                {row(texts.need_note, cells(&|o| {
                    let note = o.note.trim().to_owned();
                    if note.is_empty() {
                        view! { <span class="muted">"—"</span> }.into_any()
                    } else {
                        view! { <span class="offer-note">{note}</span> }.into_any()
                    }
                }))}
                {row(texts.need_linked_products, cells(&|o| {
                    if o.products.is_empty() {
                        return view! { <span class="muted">"—"</span> }.into_any();
                    }
                    view! {
                        <ul class="offer-products">
                            {o.products.iter().map(|p| view! {
                                <li><a href=format!("/produk/{}", p.slug)>{p.name.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }))}
                {row(texts.status_label, cells(&|o| view! {
                    <span class=format!("status status-{}", o.status.slug())>{texts.offer_status(o.status)}</span>
                    {o.order_code.clone().map(|c| view! { <span class="offer-order">{c}</span> })}
                }.into_any()))}
                {row(texts.need_ask, cells(&|o| {
                    if o.whatsapp_link.is_empty() {
                        return view! { <span class="muted">"—"</span> }.into_any();
                    }
                    view! {
                        <a class="button button-wa offer-wa" href=o.whatsapp_link.clone() target="_blank" rel="noopener noreferrer">
                            {texts.need_ask_wa}
                        </a>
                    }.into_any()
                }))}
            </tbody>
        }
    };

    let decision_bar = selectable.then(|| {
        view! {
            <div class="decision-bar" aria-live="polite">
                {move || {
                    let (n, quantity, total) = chosen_sum();
                    let unit = unit.get_value();
                    let amounts = format!(
                        "{} {unit} · {}",
                        texts.number(u32::try_from(quantity).unwrap_or(u32::MAX)),
                        texts.rupiah(total)
                    );
                    let summary = if n == 0 {
                        texts.need_choose_hint.to_owned()
                    } else {
                        format!("{n} {} · {amounts}", texts.need_chosen)
                    };
                    // Offers may be partial: more than needed is allowed, but said.
                    let over = (quantity > u64::from(need_quantity)).then(|| view! {
                        <p class="decision-over">
                            {format!("{} {} {unit}.", texts.need_more_than_needed, texts.number(need_quantity))}
                        </p>
                    });
                    match confirming.get() {
                        Some(Decision::Accept) if n > 0 => view! {
                            <div class="confirm-panel" role="alertdialog" aria-labelledby="tanya-terima" aria-describedby="tanya-terima-isi">
                                <p id="tanya-terima"><strong>{texts.accept_question(n)}</strong> " " {amounts}</p>
                                {over}
                                <p id="tanya-terima-isi">{texts.need_accept_confirm}</p>
                                <div class="confirm-actions">
                                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| decide(Decision::Accept)>
                                        {move || if busy.get() { texts.sending } else { texts.need_accept_yes }}
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(None)>{texts.need_cancel}</button>
                                </div>
                            </div>
                        }.into_any(),
                        _ => view! {
                            <div>
                                <p class="decision-summary">{summary}</p>
                                {over}
                            </div>
                            <button
                                type="button"
                                class="button"
                                disabled=move || chosen.read().is_empty()
                                on:click=move |_| confirming.set(Some(Decision::Accept))
                            >
                                {texts.need_accept_chosen}
                            </button>
                        }.into_any(),
                    }
                }}
            </div>
        }
    });

    let close_view = can_decide.then(|| {
        view! {
            <div class="need-close">
                {move || match confirming.get() {
                    Some(Decision::Close) => view! {
                        <div class="confirm-panel" role="alertdialog" aria-labelledby="tanya-tutup" aria-describedby="tanya-tutup-isi">
                            <p id="tanya-tutup"><strong>{texts.need_close_confirm_title}</strong></p>
                            <p id="tanya-tutup-isi">{texts.need_close_confirm}</p>
                            <div class="confirm-actions">
                                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| decide(Decision::Close)>
                                    {move || if busy.get() { texts.sending } else { texts.need_close_yes }}
                                </button>
                                <button type="button" class="button button-secondary" on:click=move |_| confirming.set(None)>{texts.need_cancel}</button>
                            </div>
                        </div>
                    }.into_any(),
                    _ => view! {
                        <button type="button" class="button button-secondary" on:click=move |_| confirming.set(Some(Decision::Close))>
                            {texts.need_close_without}
                        </button>
                    }.into_any(),
                }}
            </div>
        }
    });

    let empty_note = match (count, can_decide) {
        (0, true) => Some(texts.need_no_offers_yet),
        (0, false) => Some(texts.need_no_offers),
        _ => None,
    };

    view! {
        <section class="need-offers" aria-labelledby="judul-penawaran">
            <div class="section-head">
                <h2 id="judul-penawaran">{format!("{} ({count})", texts.need_offers)}</h2>
                {(count > 1).then(|| view! {
                    <label class="sort">
                        <span>{texts.sort_label}</span>
                        <select
                            name="urut"
                            on:change=move |ev| sort.set(OfferSort::from_slug(&event_target_value(&ev)))
                        >
                            {OfferSort::ALL.into_iter().map(|s| view! {
                                <option value=s.slug() selected=move || sort.get() == s>{match s {
                                    OfferSort::UnitPrice => texts.need_sort_price,
                                    OfferSort::Total => texts.need_sort_total,
                                    OfferSort::LeadTime => texts.need_sort_lead,
                                }}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
            </div>
            <p class="notice" role="alert">{move || failure.get()}</p>
            {empty_note.map(|n| view! { <p class="empty-state">{n}</p> })}
            {(count > 0).then(|| view! {
                <div class="compare-scroll" role="region" aria-label=texts.need_compare_label tabindex="0">
                    <table class="offer-compare">{table}</table>
                </div>
                {(count > 1).then(|| view! { <p class="hint compare-hint">{texts.need_compare_hint}</p> })}
            })}
            {decision_bar}
            {close_view}
        </section>
    }
}
