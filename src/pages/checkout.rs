//! "Ajukan Pesanan": the partner's details, checked with core's rules as they type, sent once
//! whatever the retries (one Idempotency-Key per draft), and never lost: the draft lives in
//! localStorage until the server has stored the request, and a request sent without a signal
//! waits in the outbox ([`crate::outbox`]) until it goes.

use crate::api::Storefront;
use crate::browser::today_wib;
use crate::components::catalog_view::Loaded;
use crate::i18n::t;
use crate::order_list::OrderList;
use crate::outbox::{Outbox, Pending, Returned, Wait};
use crate::share::{absolute_url, copy_to_clipboard, share};
use etalase_core::api::OrderCreated;
use etalase_core::request::{
    messages, validate_request, BuyerType, LineInput, PriceChange, RequestInput,
};
use etalase_core::Kabupaten;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;
use std::sync::Arc;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let texts = t();
    // A memo (`app::App`): the form is drawn again only when the answer changes.
    let ordering = expect_context::<crate::app::Ordering>().0;
    view! {
        <Title text=texts.submit_request />
        <section class="section checkout-page">
            <h1>{texts.submit_request}</h1>
            {move || if ordering.get() {
                let data = crate::pages::order_list::listed_products();
                view! { <Loaded data render=|store| view! { <Checkout store /> } /> }.into_any()
            } else {
                view! {
                    <p>{texts.ordering_by_wa}</p>
                    <a class="button" href="/daftar-pesanan">{texts.order_list}</a>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Checkout(store: Arc<Storefront>) -> impl IntoView {
    let texts = t();
    let list = expect_context::<OrderList>();
    let outbox = expect_context::<Outbox>();
    let draft = outbox.draft;
    let created = outbox.created;
    let sending = outbox.sending;
    outbox.unseen.set(false);
    let attempted = RwSignal::new(false);
    let server_fields = RwSignal::new(BTreeMap::<String, String>::new());
    let notice = RwSignal::new(None::<String>);
    let price_changes = RwSignal::new(Vec::<PriceChange>::new());
    // A written-down request that came back unsent: said at the top of the form it returns to.
    let came_back = RwSignal::new(None::<String>);
    // What the server sent back, here or while the partner was on another page. It stays in
    // the outbox until the next submission: the form is drawn again when its data is renewed,
    // and each drawing shows it.
    Effect::new(move |_| {
        let Some(returned) = outbox.returned.get() else {
            return;
        };
        // Nothing was submitted from this form when a stored request no longer read: its
        // empty fields are not wrong yet.
        if returned != Returned::Unreadable {
            attempted.set(true);
        }
        match returned {
            Returned::PricesChanged(changes) => price_changes.set(changes),
            Returned::Fields(fields) => {
                server_fields.set(fields);
                notice.set(Some(texts.fix_fields.to_owned()));
            }
            Returned::Refused(message) => notice.set(Some(message)),
            Returned::Expired(queued_at) => came_back.set(Some(texts.outbox_expired(queued_at))),
            Returned::Withdrawn { tried: false } => {
                came_back.set(Some(texts.outbox_withdrawn.to_owned()))
            }
            Returned::Withdrawn { tried: true } => {
                came_back.set(Some(texts.outbox_withdrawn_tried.to_owned()))
            }
            Returned::KeyReused => came_back.set(Some(texts.outbox_key_reused.to_owned())),
            Returned::Unreadable => came_back.set(Some(texts.outbox_unreadable_request.to_owned())),
        }
    });

    let request = move || {
        let mut form = draft.get().form;
        form.lines = list
            .0
            .get()
            .into_iter()
            .map(|l| LineInput {
                product: l.product.to_string(),
                quantity: l.quantity,
                note: l.note,
                seen_unit_price: Some(l.seen_unit_price),
            })
            .collect();
        form
    };
    let local_errors = {
        let store = store.clone();
        Memo::new(move |_| {
            validate_request(&request(), &store.catalog, today_wib())
                .err()
                .map(|e| messages(&e, texts.locale))
                .unwrap_or_default()
        })
    };
    let error_for = move |field: &'static str| {
        move || {
            let typed = !field_value(&draft.get().form, field).trim().is_empty();
            let local = local_errors.with(|e| e.get(field).cloned());
            let shown = if attempted.get() || typed {
                local
            } else {
                None
            };
            shown.or_else(|| server_fields.with(|f| f.get(field).cloned()))
        }
    };

    // Checks the form, then hands it to the outbox, which writes it down under the draft's
    // Idempotency-Key and sends it now or when the signal is back.
    let send = move || {
        attempted.set(true);
        notice.set(None);
        came_back.set(None);
        if !local_errors.with(|e| e.is_empty()) {
            notice.set(Some(texts.fix_fields.to_owned()));
            return;
        }
        outbox.submit(request(), texts.locale.tag());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    // The partner agrees to today's prices: the list takes them and the request goes again.
    let accept_prices = move |_| {
        for change in price_changes.get_untracked() {
            list.0.update(|lines| {
                if let Some(l) = lines.iter_mut().find(|l| l.product == change.product) {
                    l.seen_unit_price = change.now;
                }
            });
        }
        price_changes.set(Vec::new());
        send();
    };

    let text_input = move |field: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str| {
        let id = format!("f-{field}");
        let error = error_for(field);
        let has_error = move || error().is_some();
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id.clone()
                    name=field
                    type=kind
                    autocomplete=autocomplete
                    aria-invalid=move || has_error().to_string()
                    aria-describedby=format!("{id}-error")
                    prop:value=move || field_value(&draft.get().form, field)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| set_field(&mut d.form, field, v));
                        server_fields.update(|f| { f.remove(field); });
                    }
                />
                <p class="field-error" id=format!("{id}-error")>{error}</p>
            </div>
        }
    };

    // The changes show above the form while the partner is at its submit button: bring them
    // into view.
    let changes_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = changes_ref.get() {
            if !price_changes.read().is_empty() {
                el.scroll_into_view();
                let _ = el.focus();
            }
        }
    });
    let came_back_ref = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let Some(el) = came_back_ref.get() {
            el.scroll_into_view();
            let _ = el.focus();
        }
    });
    let waiting_store = store.clone();
    let form_view = move || {
        let total = etalase_core::Rupiah::saturating_sum(list.0.get().iter().filter_map(|l| {
            store
                .product(l.product.as_str())
                .map(|p| p.unit_price(l.quantity).saturating_mul(l.quantity))
        }));
        let count = list.count();
        view! {
            <p class="checkout-summary">
                {format!("{} · {} {}", texts.products(count), texts.total, texts.rupiah(total))}
                " · " <a href="/daftar-pesanan">{texts.order_list}</a>
            </p>
            {move || came_back.get().map(|text| view! {
                <p class="price-changes came-back" role="alert" tabindex="-1" node_ref=came_back_ref>
                    {text}
                </p>
            })}
            <Show when=move || !price_changes.read().is_empty()>
                <div class="price-changes" role="alert" node_ref=changes_ref tabindex="-1">
                    <p><strong>{texts.prices_changed}</strong></p>
                    <ul>
                        {move || price_changes.get().into_iter().map(|c| view! {
                            <li>{format!("{}: {} → {}", c.name, texts.rupiah(c.seen), texts.rupiah(c.now))}</li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="button" on:click=accept_prices>{texts.confirm_new_prices}</button>
                </div>
            </Show>
            <form class="checkout-form" on:submit=submit novalidate>
                <h2>{texts.request_form}</h2>
                {text_input("company", texts.f_company, "text", "organization")}
                <div class="field">
                    <label for="f-buyer_type">{texts.f_buyer_type}</label>
                    <select
                        id="f-buyer_type"
                        name="buyer_type"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| set_field(&mut d.form, "buyer_type", v));
                        }
                    >
                        <option value="" selected=move || draft.read().form.buyer_type.is_none()>{texts.choose}</option>
                        {BuyerType::ALL.into_iter().map(|b| {
                            let slug = buyer_slug(b);
                            view! {
                                <option value=slug selected=move || draft.read().form.buyer_type == Some(b)>
                                    {b.label(texts.locale)}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    <p class="field-error">{error_for("buyer_type")}</p>
                </div>
                {text_input("npwp", texts.f_npwp, "text", "off")}
                {text_input("contact_person", texts.f_contact, "text", "name")}
                {text_input("phone", texts.f_phone, "tel", "tel")}
                {text_input("email", texts.f_email, "email", "email")}
                {text_input("address", texts.f_address, "text", "street-address")}
                <div class="field">
                    <label for="f-kabupaten">{texts.f_kabupaten}</label>
                    <select
                        id="f-kabupaten"
                        name="kabupaten"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| set_field(&mut d.form, "kabupaten", v));
                        }
                    >
                        <option value="" selected=move || draft.read().form.kabupaten.is_none()>{texts.choose}</option>
                        {Kabupaten::ALL.into_iter().map(|k| view! {
                            <option value=k.slug() selected=move || draft.read().form.kabupaten == Some(k)>
                                {texts.kabupaten(k)}
                            </option>
                        }).collect_view()}
                    </select>
                    <p class="field-error">{error_for("kabupaten")}</p>
                </div>
                {text_input("needed_by", texts.f_needed_by, "date", "off")}
                {text_input("purpose", texts.f_purpose, "text", "off")}
                {text_input("notes", texts.f_notes, "text", "off")}
                <p class="field-error" role="alert">
                    {move || local_errors.with(|e| {
                        e.iter()
                            .find(|(k, _)| k.starts_with("lines"))
                            .map(|(_, m)| m.clone())
                    }).filter(|_| attempted.get())}
                </p>
                <p class="notice" role="status">{move || notice.get()}</p>
                <button type="submit" class="button add-button" disabled=move || sending.get()>
                    {move || if sending.get() { texts.sending } else { texts.submit_request }}
                </button>
            </form>
        }
    };

    move || match (created.get(), outbox.pending.get()) {
        (_, Some(pending)) => view! { <Waiting pending store=waiting_store.clone() /> }.into_any(),
        (stored, None) if stored.is_empty() => form_view().into_any(),
        (stored, None) => {
            let new_request = move |_| created.set(Vec::new());
            // More than one (sent from two tabs): each is a real request the IKM will work.
            let several = (stored.len() > 1).then(|| {
                view! {
                    <p class="notice-info several-stored">{texts.several_stored(stored.len())}</p>
                }
            });
            view! {
                <div class="confirmations">
                    {several}
                    {stored.into_iter().map(|done| view! { <Confirmation done /> }).collect_view()}
                    <button type="button" class="link-button" on:click=new_request>{texts.new_request}</button>
                </div>
            }
            .into_any()
        }
    }
}

/// A request written down and not yet answered: what will be sent, that it goes by itself
/// when the signal is back, and a button to try now.
#[component]
fn Waiting(pending: Pending, store: Arc<Storefront>) -> impl IntoView {
    let texts = t();
    let outbox = expect_context::<Outbox>();
    let body = pending.body;
    let lines = body
        .lines
        .iter()
        .map(|line| {
            let name = store
                .product(&line.product)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| line.product.clone());
            let price = line
                .seen_unit_price
                .map(|p| format!(" · {}", texts.rupiah(p.saturating_mul(line.quantity))))
                .unwrap_or_default();
            view! { <li>{format!("{name} × {}{price}", line.quantity)}</li> }
        })
        .collect_view();
    let total = etalase_core::Rupiah::saturating_sum(
        body.lines
            .iter()
            .filter_map(|l| l.seen_unit_price.map(|p| p.saturating_mul(l.quantity))),
    );
    // Until a try has failed, it is on its way.
    let status = move || match outbox.waiting.get() {
        _ if outbox.sending.get() => texts.sending,
        Some(Wait::NoSignal) => texts.waiting_for_signal,
        Some(Wait::Busy | Wait::Unreadable(_)) => texts.outbox_not_yet,
        None => texts.sending,
    };
    let why = move || match outbox.waiting.get() {
        Some(Wait::Busy) => texts.outbox_busy.to_owned(),
        Some(Wait::Unreadable(status)) => texts.outbox_unreadable(status),
        Some(Wait::NoSignal) | None => texts.waiting_explained.to_owned(),
    };
    // It takes the form's place while the partner is at its submit button: bring it into view.
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            el.scroll_into_view();
        }
    });
    view! {
        <div class="outbox-waiting" role="status" aria-live="polite" tabindex="-1" node_ref=panel>
            <h2>{status}</h2>
            <p>{why}</p>
            <h3>{texts.will_be_sent}</h3>
            <p>
                <strong>{body.company.clone()}</strong>
                " · " {body.contact_person.clone()} " · " {body.phone.clone()}
            </p>
            <p>{format!("{}: {}", texts.f_needed_by, texts.date(&body.needed_by))}</p>
            <ul class="outbox-lines">{lines}</ul>
            <p class="outbox-total">{format!("{} {}", texts.total, texts.rupiah(total))}</p>
            <button
                type="button"
                class="button"
                disabled=move || outbox.sending.get()
                on:click=move |_| outbox.flush()
            >
                {texts.send_now}
            </button>
            <button
                type="button"
                class="button button-secondary"
                disabled=move || outbox.sending.get()
                on:click=move |_| outbox.withdraw()
            >
                {texts.withdraw_request}
            </button>
            <p class="hint">{texts.withdraw_explained}</p>
        </div>
    }
}

fn buyer_slug(b: BuyerType) -> &'static str {
    match b {
        BuyerType::Bumn => "bumn",
        BuyerType::Swasta => "swasta",
        BuyerType::Instansi => "instansi",
        BuyerType::Perorangan => "perorangan",
    }
}

fn field_value(form: &RequestInput, field: &str) -> String {
    match field {
        "company" => form.company.clone(),
        "npwp" => form.npwp.clone(),
        "contact_person" => form.contact_person.clone(),
        "phone" => form.phone.clone(),
        "email" => form.email.clone(),
        "address" => form.address.clone(),
        "needed_by" => form.needed_by.clone(),
        "purpose" => form.purpose.clone(),
        "notes" => form.notes.clone(),
        "buyer_type" => form.buyer_type.map(buyer_slug).unwrap_or("").to_owned(),
        "kabupaten" => form.kabupaten.map(|k| k.slug()).unwrap_or("").to_owned(),
        _ => String::new(),
    }
}

fn set_field(form: &mut RequestInput, field: &str, value: String) {
    match field {
        "company" => form.company = value,
        "npwp" => form.npwp = value,
        "contact_person" => form.contact_person = value,
        "phone" => form.phone = value,
        "email" => form.email = value,
        "address" => form.address = value,
        "needed_by" => form.needed_by = value,
        "purpose" => form.purpose = value,
        "notes" => form.notes = value,
        "buyer_type" => {
            form.buyer_type = BuyerType::ALL.into_iter().find(|b| buyer_slug(*b) == value)
        }
        "kabupaten" => form.kabupaten = Kabupaten::from_slug(&value),
        _ => {}
    }
}

#[component]
fn Confirmation(done: OrderCreated) -> impl IntoView {
    let texts = t();
    let link = absolute_url(&done.tracking_path);
    let copied = RwSignal::new(false);
    let copy_text = link.clone();
    let copy = move |_| {
        copy_to_clipboard(&copy_text);
        copied.set(true);
    };
    let share_text = format!("{} {}", texts.share_tracking_text, done.code);
    let share_link = link.clone();
    let share_it = move |_| share(texts.tracking_title, &share_text, &share_link);
    view! {
        <div class="confirmation" role="status">
            <h2>{texts.sent_title}</h2>
            <p>{texts.request_code} ": " <strong class="request-code">{done.code.clone()}</strong></p>
            <p class="keep-link">{texts.keep_link}</p>
            <p class="tracking-link"><a href=done.tracking_path.clone()>{link.clone()}</a></p>
            <div class="confirmation-actions">
                <button type="button" class="button button-secondary" on:click=copy>
                    {move || if copied.get() { texts.copied } else { texts.copy_link }}
                </button>
                <button type="button" class="button button-secondary" on:click=share_it>{texts.share_link}</button>
                <a class="button" href=done.tracking_path.clone()>{texts.open_tracking}</a>
            </div>
            <h3>{texts.notify_ikm}</h3>
            <ul class="notify-list">
                {done.parts.iter().map(|p| view! {
                    <li>
                        <a class="button button-wa" href=p.whatsapp_link.clone() target="_blank" rel="noopener">
                            {format!("{} · ", p.ikm_name)}
                            <span class="nowrap">{texts.rupiah(p.subtotal)}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
