//! "Pasang kebutuhan" (`/kebutuhan/baru`): who asks and what is needed, checked with core's
//! `validate_need` as the partner types (a field speaks once it was left, or on submit),
//! posted once whatever the retries (one Idempotency-Key per draft), and never lost: the
//! draft lives in localStorage until the server has stored the need. The answer's private
//! link is the partner's only way back to its offers, so the success view makes it hard to
//! miss.

use crate::api::{post_json, FetchError};
use crate::browser::today_wib;
use crate::browser::{load, new_key, save};
use crate::i18n::t;
use crate::share::{absolute_url, copy_to_clipboard, share};
use etalase_core::need::{
    offers_until, validate_need, BudgetKind, NeedCreated, NeedInput, BOARD_PAGE, NEEDS_PATH,
    OFFER_WINDOWS,
};
use etalase_core::request::{messages, BuyerType, RequestInput};
use etalase_core::{Category, Kabupaten, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const DRAFT_KEY: &str = "etalase.formulir-kebutuhan";
const CREATED_KEY: &str = "etalase.kebutuhan-terkirim";
/// The order form's draft (`pages::checkout`): a partner who ordered before finds its
/// contact details filled in.
const ORDER_DRAFT_KEY: &str = "etalase.formulir-pesanan";
/// The offers window a new draft starts with.
const DEFAULT_OFFER_DAYS: u32 = 14;

/// What is typed, and the key that makes its submission happen once. Numbers are kept as
/// typed (`35.000`), and read into the need as they change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Draft {
    form: NeedInput,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    idempotency_key: Option<String>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            form: NeedInput {
                offer_days: DEFAULT_OFFER_DAYS,
                ..NeedInput::default()
            },
            quantity: String::new(),
            budget: String::new(),
            idempotency_key: None,
        }
    }
}

/// Only the part of the order form's draft this form takes.
#[derive(Deserialize)]
struct OrderDraft {
    form: RequestInput,
}

/// The saved draft; a first one takes the contact from the order form's draft.
fn initial_draft() -> Draft {
    if let Some(draft) = load::<Draft>(DRAFT_KEY) {
        return draft;
    }
    let mut draft = Draft::default();
    if let Some(OrderDraft { form: o }) = load::<OrderDraft>(ORDER_DRAFT_KEY) {
        let f = &mut draft.form;
        f.company = o.company;
        f.buyer_type = o.buyer_type;
        f.npwp = o.npwp;
        f.contact_person = o.contact_person;
        f.phone = o.phone;
        f.email = o.email;
        f.address = o.address;
        f.kabupaten = o.kabupaten;
    }
    draft
}

/// A typed whole number (`1.500`, `1,500`, `Rp 35.000`): `None` when blank, `Err` when it
/// is not a number (or too large to hold).
fn parse_amount(input: &str) -> Result<Option<i64>, ()> {
    let s = input.trim();
    let s = s
        .strip_prefix("Rp")
        .or_else(|| s.strip_prefix("rp"))
        .unwrap_or(s);
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    digits.parse::<i64>().map(Some).map_err(|_| ())
}

/// The quantity as the rules read it: blank or not a number is 0 ("required"), a number too
/// large for any need is the largest (core says "at most …").
fn quantity_of(typed: &str) -> u32 {
    match parse_amount(typed) {
        Ok(Some(n)) => u32::try_from(n).unwrap_or(u32::MAX),
        Ok(None) | Err(()) => 0,
    }
}

/// The budget as the rules read it: blank is none; anything that is not an amount is one the
/// rules refuse, so the field says so instead of silently dropping it.
fn budget_of(typed: &str) -> Option<Rupiah> {
    match parse_amount(typed) {
        Ok(None) => None,
        Ok(Some(n)) => Some(Rupiah(n)),
        Err(()) => Some(Rupiah(-1)),
    }
}

/// The fields the form shows, in order: a server message for any other key is listed apart.
const FIELDS: [&str; 18] = [
    "company",
    "show_company",
    "buyer_type",
    "npwp",
    "contact_person",
    "phone",
    "email",
    "address",
    "kabupaten",
    "title",
    "category",
    "description",
    "quantity",
    "unit",
    "budget",
    "budget_kind",
    "needed_by",
    "offer_days",
];

fn field_value(d: &Draft, field: &str) -> String {
    let f = &d.form;
    match field {
        "company" => f.company.clone(),
        "npwp" => f.npwp.clone(),
        "contact_person" => f.contact_person.clone(),
        "phone" => f.phone.clone(),
        "email" => f.email.clone(),
        "address" => f.address.clone(),
        "title" => f.title.clone(),
        "description" => f.description.clone(),
        "unit" => f.unit.clone(),
        "needed_by" => f.needed_by.clone(),
        "quantity" => d.quantity.clone(),
        "budget" => d.budget.clone(),
        "buyer_type" => f.buyer_type.map(|b| b.slug()).unwrap_or("").to_owned(),
        "kabupaten" => f.kabupaten.map(|k| k.slug()).unwrap_or("").to_owned(),
        "category" => f.category.map(|c| c.slug()).unwrap_or("").to_owned(),
        "budget_kind" => f.budget_kind.slug().to_owned(),
        "offer_days" => f.offer_days.to_string(),
        "show_company" => f.show_company.to_string(),
        _ => String::new(),
    }
}

fn set_field(d: &mut Draft, field: &str, value: String) {
    let f = &mut d.form;
    match field {
        "company" => f.company = value,
        "npwp" => f.npwp = value,
        "contact_person" => f.contact_person = value,
        "phone" => f.phone = value,
        "email" => f.email = value,
        "address" => f.address = value,
        "title" => f.title = value,
        "description" => f.description = value,
        "unit" => f.unit = value,
        "needed_by" => f.needed_by = value,
        "quantity" => {
            f.quantity = quantity_of(&value);
            d.quantity = value;
        }
        "budget" => {
            f.budget = budget_of(&value);
            d.budget = value;
        }
        "buyer_type" => f.buyer_type = BuyerType::from_slug(&value),
        "kabupaten" => f.kabupaten = Kabupaten::from_slug(&value),
        "category" => f.category = Category::from_slug(&value),
        "budget_kind" => f.budget_kind = BudgetKind::from_slug(&value).unwrap_or_default(),
        "offer_days" => f.offer_days = value.parse().unwrap_or(0),
        "show_company" => f.show_company = value == "true",
        _ => {}
    }
}

/// After a need is stored: the contact stays for the next one, what was needed and the key
/// go.
fn clear_need(d: &mut Draft) {
    let contact = Draft {
        form: NeedInput {
            company: std::mem::take(&mut d.form.company),
            show_company: d.form.show_company,
            buyer_type: d.form.buyer_type,
            npwp: std::mem::take(&mut d.form.npwp),
            contact_person: std::mem::take(&mut d.form.contact_person),
            phone: std::mem::take(&mut d.form.phone),
            email: std::mem::take(&mut d.form.email),
            address: std::mem::take(&mut d.form.address),
            kabupaten: d.form.kabupaten,
            ..Draft::default().form
        },
        ..Draft::default()
    };
    *d = contact;
}

/// Moves the focus to the first field that says what is wrong.
fn focus_first_error() {
    #[cfg(target_arch = "wasm32")]
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".need-form [aria-invalid=\"true\"]").ok())
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

#[component]
pub fn NewNeedPage() -> impl IntoView {
    let texts = t();
    let ordering = use_context::<crate::app::Ordering>().map(|o| o.0);
    let online = use_context::<crate::app::OnlineSite>().map(|o| o.0);
    view! {
        <Title text=texts.need_post />
        <section class="section need-new">
            <p class="need-back"><a href=BOARD_PAGE>{texts.needs_back}</a></p>
            <h1>{texts.need_post}</h1>
            {move || if ordering.is_none_or(|o| o.get()) {
                view! { <NeedForm /> }.into_any()
            } else {
                view! {
                    <div class="notice-info need-static-note">
                        <p>{texts.need_post_online_only}</p>
                        {move || online.and_then(|o| o.get()).map(|site| view! {
                            <a class="button" href=format!("{site}{}", etalase_core::need::NEW_NEED_PAGE) rel="external">
                                {texts.need_post_online}
                            </a>
                        })}
                        <a class="button button-secondary" href=BOARD_PAGE>{texts.needs_see_board}</a>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn NeedForm() -> impl IntoView {
    let texts = t();
    let start = initial_draft();
    // What the partner brings back from an earlier visit speaks at once.
    let touched = RwSignal::new(
        FIELDS
            .into_iter()
            .filter(|f| {
                !matches!(*f, "show_company" | "budget_kind" | "offer_days")
                    && !field_value(&start, f).trim().is_empty()
            })
            .collect::<BTreeSet<&'static str>>(),
    );
    let draft = RwSignal::new(start);
    Effect::new(move |_| save(DRAFT_KEY, Some(&draft.get())));
    let created = RwSignal::new(load::<NeedCreated>(CREATED_KEY));
    let attempted = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let server_fields = RwSignal::new(BTreeMap::<String, String>::new());
    let notice = RwSignal::new(None::<String>);

    let local_errors = Memo::new(move |_| {
        draft.with(|d| {
            validate_need(&d.form, today_wib())
                .err()
                .map(|e| messages(&e, texts.locale))
                .unwrap_or_default()
        })
    });
    let error_for = move |field: &'static str| {
        move || {
            let local = (attempted.get() || touched.read().contains(field))
                .then(|| local_errors.with(|e| e.get(field).cloned()))
                .flatten();
            local.or_else(|| server_fields.with(|f| f.get(field).cloned()))
        }
    };
    let touch = move |field: &'static str| {
        if !touched.read_untracked().contains(field) {
            touched.update(|t| {
                t.insert(field);
            });
        }
    };
    let edit = move |field: &'static str, value: String| {
        draft.update(|d| set_field(d, field, value));
        if server_fields.read_untracked().contains_key(field) {
            server_fields.update(|f| {
                f.remove(field);
            });
        }
    };

    let send = move || {
        attempted.set(true);
        notice.set(None);
        if !local_errors.with(|e| e.is_empty()) {
            notice.set(Some(texts.fix_fields.to_owned()));
            focus_first_error();
            return;
        }
        if sending.get_untracked() {
            return;
        }
        let key = draft
            .with_untracked(|d| d.idempotency_key.clone())
            .unwrap_or_else(|| new_key("kbt"));
        draft.update(|d| d.idempotency_key = Some(key.clone()));
        let body = draft.with_untracked(|d| d.form.clone());
        sending.set(true);
        leptos::task::spawn_local(async move {
            let headers = [
                ("Idempotency-Key", key.as_str()),
                ("Accept-Language", texts.locale.tag()),
            ];
            let result = post_json::<_, NeedCreated>(NEEDS_PATH, &headers, &body).await;
            sending.set(false);
            match result {
                Ok(done) => {
                    save(CREATED_KEY, Some(&done));
                    created.set(Some(done));
                    draft.update(clear_need);
                    touched.set(BTreeSet::new());
                    attempted.set(false);
                    server_fields.set(BTreeMap::new());
                }
                Err(FetchError::Api { status: 422, error }) => {
                    server_fields.set(error.fields);
                    // The next body differs: it needs its own key.
                    draft.update(|d| d.idempotency_key = None);
                    notice.set(Some(if error.message.is_empty() {
                        texts.fix_fields.to_owned()
                    } else {
                        error.message
                    }));
                    focus_first_error();
                }
                // 429 (too many needs from here), 409 (the key went with another body): the
                // server's words say what to do.
                Err(FetchError::Api { error, .. }) if !error.message.is_empty() => {
                    notice.set(Some(error.message))
                }
                Err(FetchError::Network(_)) => notice.set(Some(texts.offline_retry.to_owned())),
                Err(_) => notice.set(Some(texts.server_problem.to_owned())),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };

    // One labelled input with its hint and its message.
    let input = move |field: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      autocomplete: &'static str,
                      hint: Option<&'static str>| {
        let id = format!("k-{field}");
        let error = error_for(field);
        let numeric = matches!(field, "quantity" | "budget");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
                <input
                    id=id.clone()
                    name=field
                    type=kind
                    autocomplete=autocomplete
                    inputmode=numeric.then_some("numeric")
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=if hint.is_some() { format!("{id}-error {id}-hint") } else { format!("{id}-error") }
                    prop:value=move || draft.with(|d| field_value(d, field))
                    on:input=move |ev| edit(field, event_target_value(&ev))
                    on:blur=move |_| touch(field)
                />
                <p class="field-error" id=format!("{id}-error")>{error}</p>
            </div>
        }
    };
    // A select of `options` (value, label) after a "choose" option.
    let select = move |field: &'static str, label: &'static str, options: Vec<(String, String)>| {
        let id = format!("k-{field}");
        let error = error_for(field);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select
                    id=id.clone()
                    name=field
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=format!("{id}-error")
                    on:change=move |ev| {
                        edit(field, event_target_value(&ev));
                        touch(field);
                    }
                    on:blur=move |_| touch(field)
                >
                    <option value="" selected=move || draft.with(|d| field_value(d, field).is_empty())>
                        {texts.choose}
                    </option>
                    {options.into_iter().map(|(value, text)| {
                        let v = value.clone();
                        view! {
                            <option value=value selected=move || draft.with(|d| field_value(d, field) == v)>
                                {text}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <p class="field-error" id=format!("{id}-error")>{error}</p>
            </div>
        }
    };

    let buyer_types: Vec<(String, String)> = BuyerType::ALL
        .into_iter()
        .map(|b| (b.slug().to_owned(), b.label(texts.locale).to_owned()))
        .collect();
    let kabupaten: Vec<(String, String)> = Kabupaten::ALL
        .into_iter()
        .map(|k| (k.slug().to_owned(), texts.kabupaten(k)))
        .collect();
    let categories: Vec<(String, String)> = Category::ALL
        .into_iter()
        .map(|c| (c.slug().to_owned(), texts.category(c).to_owned()))
        .collect();

    // The earliest needed-by date the chosen window allows (counted from today; a review
    // only shortens what is left).
    let earliest = move || {
        let days = draft.with(|d| d.form.offer_days);
        OFFER_WINDOWS
            .contains(&days)
            .then(|| offers_until(today_wib(), days).add_days(1))
    };
    let budget_hint = move || {
        draft.with(|d| {
            let f = &d.form;
            let amount = f.budget.filter(|b| b.0 > 0)?;
            let unit = if f.unit.trim().is_empty() {
                texts.need_unit_word
            } else {
                f.unit.trim()
            };
            let (q, total) = match f.budget_kind {
                BudgetKind::PerUnit if f.quantity > 0 => {
                    (f.quantity, amount.checked_mul(f.quantity)?)
                }
                _ => return None,
            };
            Some(format!(
                "≈ {} {} {} {unit}",
                texts.rupiah(total),
                texts.need_for,
                texts.number(q)
            ))
        })
    };
    let unit_label = move || {
        draft.with(|d| {
            let unit = d.form.unit.trim();
            if unit.is_empty() {
                texts.need_budget_per_unit.to_owned()
            } else {
                format!("{} {unit}", texts.per)
            }
        })
    };
    // Messages the server gave for fields this form does not show (none expected).
    let other_server_messages = move || {
        server_fields.with(|f| {
            f.iter()
                .filter(|(k, _)| !FIELDS.contains(&k.as_str()))
                .map(|(_, m)| view! { <li>{m.clone()}</li> })
                .collect_view()
        })
    };

    let form_view = move || {
        view! {
            <p class="need-form-intro">{texts.need_form_intro}</p>
            <form class="checkout-form need-form" on:submit=submit novalidate>
                <fieldset class="form-group">
                    <legend>{texts.need_what}</legend>
                    {input("title", texts.need_f_title, "text", "off", Some(texts.need_f_title_hint))}
                    {select("category", texts.filter_category, categories.clone())}
                    <div class="field">
                        <label for="k-description">{texts.need_f_description}</label>
                        <p class="hint" id="k-description-hint">{texts.need_f_description_hint}</p>
                        <textarea
                            id="k-description"
                            name="description"
                            rows="5"
                            aria-invalid=move || error_for("description")().is_some().to_string()
                            aria-describedby="k-description-error k-description-hint"
                            prop:value=move || draft.with(|d| d.form.description.clone())
                            on:input=move |ev| edit("description", event_target_value(&ev))
                            on:blur=move |_| touch("description")
                        ></textarea>
                        <p class="field-error" id="k-description-error">{error_for("description")}</p>
                    </div>
                    <div class="field-pair">
                        {input("quantity", texts.quantity, "text", "off", None)}
                        {input("unit", texts.need_f_unit, "text", "off", Some(texts.need_f_unit_hint))}
                    </div>
                    {input("budget", texts.need_f_budget, "text", "off", Some(texts.need_f_budget_hint))}
                    <fieldset class="choice-row">
                        <legend class="visually-hidden">{texts.need_budget}</legend>
                        {[BudgetKind::PerUnit, BudgetKind::Total].into_iter().map(|kind| view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="budget_kind"
                                    value=kind.slug()
                                    prop:checked=move || draft.with(|d| d.form.budget_kind == kind)
                                    on:change=move |_| edit("budget_kind", kind.slug().to_owned())
                                />
                                <span>{move || match kind {
                                    BudgetKind::PerUnit => unit_label(),
                                    BudgetKind::Total => texts.need_budget_total.to_owned(),
                                }}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <p class="hint budget-hint" aria-live="polite">{budget_hint}</p>
                </fieldset>
                <fieldset class="form-group">
                    <legend>{texts.need_when}</legend>
                    <div class="field">
                        <label for="k-offer_days">{texts.need_f_offer_days}</label>
                        <p class="hint" id="k-offer_days-hint">{texts.need_f_offer_days_hint}</p>
                        <select
                            id="k-offer_days"
                            name="offer_days"
                            aria-describedby="k-offer_days-error k-offer_days-hint"
                            on:change=move |ev| edit("offer_days", event_target_value(&ev))
                        >
                            {OFFER_WINDOWS.into_iter().map(|days| view! {
                                <option value=days.to_string() selected=move || draft.with(|d| d.form.offer_days == days)>
                                    {texts.days_count(days)}
                                </option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" id="k-offer_days-error">{error_for("offer_days")}</p>
                    </div>
                    <div class="field">
                        <label for="k-needed_by">{texts.f_needed_by}</label>
                        <p class="hint" id="k-needed_by-hint">
                            {move || earliest().map(|d| format!("{} {}.", texts.need_earliest, texts.date(&d.to_string())))}
                        </p>
                        <input
                            id="k-needed_by"
                            name="needed_by"
                            type="date"
                            min=move || earliest().map(|d| d.to_string())
                            aria-invalid=move || error_for("needed_by")().is_some().to_string()
                            aria-describedby="k-needed_by-error k-needed_by-hint"
                            prop:value=move || draft.with(|d| d.form.needed_by.clone())
                            on:input=move |ev| edit("needed_by", event_target_value(&ev))
                            on:change=move |_| touch("needed_by")
                            on:blur=move |_| touch("needed_by")
                        />
                        <p class="field-error" id="k-needed_by-error">{error_for("needed_by")}</p>
                    </div>
                </fieldset>
                <fieldset class="form-group">
                    <legend>{texts.need_who}</legend>
                    {input("company", texts.f_company, "text", "organization", None)}
                    <label class="check show-company">
                        <input
                            type="checkbox"
                            name="show_company"
                            prop:checked=move || draft.with(|d| d.form.show_company)
                            on:change=move |ev| edit("show_company", event_target_checked(&ev).to_string())
                        />
                        <span>{texts.need_f_show_company}</span>
                    </label>
                    <p class="hint">{texts.need_contact_private}</p>
                    {select("buyer_type", texts.f_buyer_type, buyer_types.clone())}
                    {input("npwp", texts.f_npwp, "text", "off", None)}
                    {input("contact_person", texts.f_contact, "text", "name", None)}
                    {input("phone", texts.f_phone, "tel", "tel", None)}
                    {input("email", texts.f_email, "email", "email", None)}
                    {input("address", texts.f_address, "text", "street-address", None)}
                    {select("kabupaten", texts.f_kabupaten, kabupaten.clone())}
                </fieldset>
                <p class="need-review-note">{texts.need_review_note}</p>
                <p class="notice" role="alert">{move || notice.get()}</p>
                <ul class="field-error">{other_server_messages}</ul>
                <button type="submit" class="button add-button" disabled=move || sending.get()>
                    {move || if sending.get() { texts.sending } else { texts.need_send }}
                </button>
            </form>
        }
    };

    move || match created.get() {
        Some(done) => view! {
            <NeedSent done on_new=move || {
                save::<NeedCreated>(CREATED_KEY, None);
                created.set(None);
            } />
        }
        .into_any(),
        None => form_view().into_any(),
    }
}

/// The answer: the code, what happens next, and the private link to keep.
#[component]
fn NeedSent(done: NeedCreated, on_new: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let texts = t();
    let link = absolute_url(&done.follow_path);
    let copied = RwSignal::new(false);
    let copy_text = link.clone();
    let copy = move |_| {
        copy_to_clipboard(&copy_text);
        copied.set(true);
    };
    let share_text = format!("{} {}", texts.need_share_private_text, done.code);
    let share_link = link.clone();
    let share_it = move |_| share(texts.need_manage_title, &share_text, &share_link);
    // The view takes the focus so a screen reader reads the answer, and a phone shows it.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            h.scroll_into_view();
            let _ = h.focus();
        }
    });
    view! {
        <div class="confirmation need-sent" role="status">
            <h2 node_ref=heading tabindex="-1">{texts.need_sent_title}</h2>
            <p>{texts.need_code} ": " <strong class="request-code">{done.code.clone()}</strong></p>
            <p>{texts.need_sent_review}</p>
            <div class="keep-box">
                <p class="keep-link"><strong>{texts.need_keep_link_title}</strong></p>
                <p>{texts.need_keep_link}</p>
                <p class="tracking-link"><a href=done.follow_path.clone()>{link.clone()}</a></p>
                <div class="confirmation-actions">
                    <button type="button" class="button button-secondary" on:click=copy aria-live="polite">
                        {move || if copied.get() { texts.copied } else { texts.copy_link }}
                    </button>
                    <button type="button" class="button button-secondary" on:click=share_it>{texts.share_link}</button>
                    <a class="button" href=done.follow_path.clone()>{texts.need_open_manage}</a>
                </div>
            </div>
            <button type="button" class="link-button" on:click=move |_| on_new()>{texts.need_post_another}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_amounts() {
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount(" 35.000 "), Ok(Some(35_000)));
        assert_eq!(parse_amount("Rp 1,500,000"), Ok(Some(1_500_000)));
        assert_eq!(parse_amount("murah"), Err(()));
        assert_eq!(parse_amount("-5"), Err(()));
        assert_eq!(quantity_of("200"), 200);
        assert_eq!(quantity_of("99999999999"), u32::MAX);
        assert_eq!(quantity_of("dua"), 0);
        assert_eq!(budget_of(""), None);
        assert_eq!(budget_of("x"), Some(Rupiah(-1)));
    }

    #[test]
    fn a_stored_need_keeps_the_contact_only() {
        let mut d = Draft::default();
        for (field, value) in [
            ("company", "PT Contoh"),
            ("phone", "0812 7000 1234"),
            ("title", "Kue kering"),
            ("quantity", "200"),
            ("budget", "35.000"),
            ("kabupaten", "metro"),
        ] {
            set_field(&mut d, field, value.to_owned());
        }
        d.idempotency_key = Some(new_key("kbt"));
        clear_need(&mut d);
        assert_eq!(d.form.company, "PT Contoh");
        assert_eq!(d.form.phone, "0812 7000 1234");
        assert_eq!(d.form.kabupaten, Some(Kabupaten::Metro));
        assert!(d.form.title.is_empty() && d.quantity.is_empty() && d.budget.is_empty());
        assert_eq!(d.form.quantity, 0);
        assert_eq!(d.form.budget, None);
        assert_eq!(d.form.offer_days, DEFAULT_OFFER_DAYS);
        assert_eq!(d.idempotency_key, None);
    }

    #[test]
    fn every_field_reads_back_what_was_set() {
        let mut d = Draft::default();
        for (field, value) in [
            ("buyer_type", "bumn"),
            ("category", "wastra"),
            ("budget_kind", "total"),
            ("offer_days", "21"),
            ("show_company", "true"),
            ("needed_by", "2027-01-20"),
        ] {
            set_field(&mut d, field, value.to_owned());
            assert_eq!(field_value(&d, field), value, "{field}");
        }
    }

    #[test]
    fn keys_fit_the_servers_shape() {
        let key = new_key("kbt");
        assert!((8..=128).contains(&key.len()));
        assert!(key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}
