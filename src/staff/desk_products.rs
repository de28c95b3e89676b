//! The IKM's products at the desk: the list, one product's form (core's rules, shown as the
//! IKM types), a photo upload with a progress bar, retiring and listing again.

use crate::api::{get_json, FetchError};
use crate::components::catalog_view::{LoadError, Loading};
use crate::components::product_image::{primary_image, ProductImage};
use crate::i18n::t;
use crate::pages::not_found::NotFound;
use crate::staff::desk::DeskNav;
use crate::staff::session::{staff_error, staff_post, StaffOnly};
use crate::staff::texts::dt;
use etalase_core::account::Role;
use etalase_core::admin::SetFlag;
use etalase_core::catalog::{Availability, PriceTier};
use etalase_core::product_edit::{check_product, product_messages, DeskProduct, ProductInput};
use etalase_core::{Category, Rupiah};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeMap;

/// The IKM's own products (`GET`: all, retired ones too).
pub const PRODUCTS_PATH: &str = "/api/v1/desk/products";

#[component]
pub fn DeskProductsPage() -> impl IntoView {
    view! {
        <Title text=dt().desk_products />
        <section class="section desk-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <ProductList />
            </StaffOnly>
        </section>
    }
}

#[component]
fn ProductList() -> impl IntoView {
    let (texts, d) = (t(), dt());
    let list = LocalResource::new(|| get_json::<Vec<DeskProduct>>(PRODUCTS_PATH));
    view! {
        <h1>{d.desk_products}</h1>
        <a class="button" href="/desk/produk/baru">{d.add_product}</a>
        {move || match list.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
            Some(Ok(products)) => view! {
                <ul class="desk-orders desk-products">
                    {products.into_iter().map(|p| {
                        let image = primary_image(&p.product);
                        view! {
                            <li>
                                <a class="desk-order desk-product" href=format!("/desk/produk/{}", p.product.slug)>
                                    <ProductImage image />
                                    <span>
                                        <strong>{p.product.name.clone()}</strong>
                                        <span class="desk-order-meta">{format!("{} / {}", texts.rupiah(p.product.price), p.product.unit)}</span>
                                        {p.retired.then(|| view! { <span class="status status-dibatalkan">{d.retired}</span> })}
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
pub fn DeskProductPage() -> impl IntoView {
    view! {
        <Title text=dt().desk_products />
        <section class="section desk-page">
            <StaffOnly role=Role::Ikm>
                <DeskNav />
                <ProductLoader />
            </StaffOnly>
        </section>
    }
}

#[component]
fn ProductLoader() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let product = LocalResource::new(move || {
        let slug = slug();
        async move {
            if slug == "baru" {
                return Ok(None);
            }
            let all = get_json::<Vec<DeskProduct>>(PRODUCTS_PATH).await?;
            Ok::<_, FetchError>(all.into_iter().find(|p| p.product.slug.as_str() == slug))
        }
    });
    move || match product.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadError error on_retry=move || product.refetch() /> }.into_any()
        }
        Some(Ok(None)) if slug() != "baru" => view! { <NotFound /> }.into_any(),
        Some(Ok(existing)) => view! { <ProductForm existing /> }.into_any(),
    }
}

/// The form's text, as typed: numbers stay text until they are checked.
#[derive(Clone, Default)]
struct Form {
    name: String,
    category: String,
    description: String,
    unit: String,
    price: String,
    min_order: String,
    order_increment: String,
    lead_time_days: String,
    availability: String,
    /// `qty:price` per line.
    tiers: String,
}

impl Form {
    fn of(input: &ProductInput) -> Form {
        Form {
            name: input.name.clone(),
            category: input.category.slug().to_owned(),
            description: input.description.clone(),
            unit: input.unit.clone(),
            price: input.price.amount().to_string(),
            min_order: input.min_order.to_string(),
            order_increment: input.order_increment.to_string(),
            lead_time_days: input.lead_time_days.to_string(),
            availability: input.availability.slug().to_owned(),
            tiers: input
                .tiers
                .iter()
                .map(|t| format!("{}:{}", t.min_qty, t.price.amount()))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The input for core's rules, or the fields whose numbers do not parse.
    fn input(&self) -> Result<ProductInput, BTreeMap<String, String>> {
        let d = dt();
        let mut bad = BTreeMap::new();
        let mut number = |field: &str, text: &str| -> i64 {
            match text.replace(['.', ' '], "").parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    bad.insert(field.to_owned(), d.invalid_number.to_owned());
                    0
                }
            }
        };
        let price = number("price", &self.price);
        let min_order = number("min_order", &self.min_order);
        let increment = number("order_increment", &self.order_increment);
        let lead = number("lead_time_days", &self.lead_time_days);
        let mut tiers = Vec::new();
        for line in self.tiers.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let parsed = line.split_once(':').and_then(|(q, p)| {
                Some(PriceTier {
                    min_qty: q.trim().parse().ok()?,
                    price: Rupiah(p.trim().replace('.', "").parse().ok()?),
                })
            });
            match parsed {
                Some(tier) => tiers.push(tier),
                None => {
                    bad.insert("tiers".to_owned(), d.tiers_help.to_owned());
                }
            }
        }
        let category = Category::from_slug(&self.category).unwrap_or(Category::Kriya);
        let availability =
            Availability::from_slug(&self.availability).unwrap_or(Availability::MadeToOrder);
        if !bad.is_empty() {
            return Err(bad);
        }
        let to_u32 = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(ProductInput {
            name: self.name.clone(),
            category,
            description: self.description.clone(),
            unit: self.unit.clone(),
            price: Rupiah(price),
            min_order: to_u32(min_order),
            order_increment: to_u32(increment),
            tiers,
            lead_time_days: to_u32(lead),
            availability,
        })
    }

    fn errors(&self) -> BTreeMap<String, String> {
        match self.input() {
            Err(bad) => bad,
            Ok(input) => product_messages(&check_product(&input), t().locale),
        }
    }
}

fn blank() -> ProductInput {
    ProductInput {
        name: String::new(),
        category: Category::MakananMinuman,
        description: String::new(),
        unit: "pcs".into(),
        price: Rupiah(0),
        min_order: 1,
        order_increment: 1,
        tiers: Vec::new(),
        lead_time_days: 3,
        availability: Availability::ReadyStock,
    }
}

#[component]
fn ProductForm(existing: Option<DeskProduct>) -> impl IntoView {
    let (texts, d) = (t(), dt());
    let navigate = use_navigate();
    let current = RwSignal::new(existing.clone());
    let form = RwSignal::new(Form::of(
        &existing
            .as_ref()
            .map(|p| ProductInput::from_product(&p.product))
            .unwrap_or_else(blank),
    ));
    let attempted = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let errors = Memo::new(move |_| form.with(Form::errors));
    let error_for = move |field: &'static str| {
        move || {
            attempted
                .get()
                .then(|| errors.with(|e| e.get(field).cloned()))
                .flatten()
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let input = match form.with_untracked(Form::input) {
            Ok(input) if check_product(&input).is_empty() => input,
            _ => {
                message.set(Some((false, texts.fix_fields.to_owned())));
                return;
            }
        };
        let path = match current.get_untracked() {
            Some(p) => format!("{PRODUCTS_PATH}/{}", p.product.slug),
            None => PRODUCTS_PATH.to_owned(),
        };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, DeskProduct>(&path, &input).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    let was_new = current.get_untracked().is_none();
                    message.set(Some((true, dt().saved.to_owned())));
                    let slug = saved.product.slug.to_string();
                    current.set(Some(saved));
                    if was_new {
                        navigate(&format!("/desk/produk/{slug}"), Default::default());
                    }
                }
                Err(error) => message.set(Some((false, staff_error(&error)))),
            }
        });
    };
    let retire = move |_| {
        let Some(p) = current.get_untracked() else {
            return;
        };
        let path = format!("{PRODUCTS_PATH}/{}/retired", p.product.slug);
        let body = SetFlag { value: !p.retired };
        leptos::task::spawn_local(async move {
            match staff_post::<_, DeskProduct>(&path, &body).await {
                Ok(saved) => {
                    message.set(Some((true, dt().saved.to_owned())));
                    current.set(Some(saved));
                }
                Err(error) => message.set(Some((false, staff_error(&error)))),
            }
        });
    };
    let field = move |name: &'static str, label: &'static str, numeric: bool| {
        let id = format!("p-{name}");
        let error = error_for(name);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() inputmode=if numeric { "numeric" } else { "text" }
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=format!("{id}-error")
                    prop:value=move || form.with(|f| get_field(f, name))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| set_field(f, name, v));
                    } />
                <p class="field-error" id=format!("{id}-error")>{error}</p>
            </div>
        }
    };
    view! {
        <p><a href="/desk/produk">{format!("← {}", d.desk_products)}</a></p>
        <h1>{move || current.get().map(|p| p.product.name).unwrap_or_else(|| d.add_product.to_owned())}</h1>
        {move || current.get().map(|p| {
            let image = primary_image(&p.product);
            let slug = p.product.slug.to_string();
            view! {
                <div class="desk-card product-photo">
                    <ProductImage image lazy=false />
                    <PhotoUpload slug current message />
                    <p>
                        <a href=format!("/produk/{}", p.product.slug) rel="external">{d.see_on_store}</a>
                    </p>
                    <button type="button" class="button button-secondary" on:click=retire>
                        {if p.retired { d.relist } else { d.retire }}
                    </button>
                </div>
            }
        })}
        <form class="checkout-form desk-card" on:submit=save novalidate>
            {field("name", d.product_name, false)}
            <div class="field">
                <label for="p-category">{d.category}</label>
                <select id="p-category" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.category = v); }>
                    {Category::ALL.into_iter().map(|c| view! {
                        <option value=c.slug() selected=move || form.with(|f| f.category == c.slug())>{texts.category(c)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="p-description">{texts.description}</label>
                <textarea id="p-description" rows="5"
                    prop:value=move || form.with(|f| f.description.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.description = v); }></textarea>
                <p class="field-error">{error_for("description")}</p>
            </div>
            {field("unit", d.unit, false)}
            {field("price", d.price, true)}
            {field("min_order", texts.min_order, true)}
            {field("order_increment", texts.increment, true)}
            <div class="field">
                <label for="p-tiers">{texts.tier_prices}</label>
                <textarea id="p-tiers" rows="3" placeholder="100:42000"
                    aria-describedby="p-tiers-help"
                    prop:value=move || form.with(|f| f.tiers.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.tiers = v); }></textarea>
                <p class="hint" id="p-tiers-help">{d.tiers_help}</p>
                <p class="field-error">{error_for("tiers")}</p>
            </div>
            <div class="field">
                <label for="p-availability">{d.availability}</label>
                <select id="p-availability" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.availability = v); }>
                    {[Availability::ReadyStock, Availability::MadeToOrder].into_iter().map(|a| view! {
                        <option value=a.slug() selected=move || form.with(|f| f.availability == a.slug())>{texts.availability(a)}</option>
                    }).collect_view()}
                </select>
            </div>
            {field("lead_time_days", d.lead_time_days, true)}
            <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                {move || message.get().map(|(_, m)| m)}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>{d.save}</button>
        </form>
    }
}

fn get_field(f: &Form, name: &str) -> String {
    match name {
        "name" => &f.name,
        "unit" => &f.unit,
        "price" => &f.price,
        "min_order" => &f.min_order,
        "order_increment" => &f.order_increment,
        "lead_time_days" => &f.lead_time_days,
        _ => "",
    }
    .to_owned()
}

fn set_field(f: &mut Form, name: &str, value: String) {
    match name {
        "name" => f.name = value,
        "unit" => f.unit = value,
        "price" => f.price = value,
        "min_order" => f.min_order = value,
        "order_increment" => f.order_increment = value,
        "lead_time_days" => f.lead_time_days = value,
        _ => {}
    }
}

/// Picks a photo and sends it as the raw body, showing how much has gone up.
#[component]
fn PhotoUpload(
    slug: String,
    current: RwSignal<Option<DeskProduct>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let d = dt();
    let progress = RwSignal::new(None::<f64>);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                upload(&slug, file, progress, current, message);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (&ev, &slug, current, message);
    };
    view! {
        <div class="field">
            <label for="p-photo">{d.photo}</label>
            <input id="p-photo" type="file" accept="image/jpeg,image/png,image/webp" on:change=on_change />
            <p class="hint">{d.photo_help}</p>
            <Show when=move || progress.get().is_some()>
                <progress max="100" value=move || progress.get().unwrap_or(0.0) aria-label=d.photo></progress>
            </Show>
        </div>
    }
}

#[cfg(target_arch = "wasm32")]
fn upload(
    slug: &str,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
    current: RwSignal<Option<DeskProduct>>,
    message: RwSignal<Option<(bool, String)>>,
) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let d = dt();
    if file.size() > 8.0 * 1024.0 * 1024.0 {
        message.set(Some((false, d.photo_too_big.to_owned())));
        return;
    }
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return;
    };
    let path = format!("{PRODUCTS_PATH}/{slug}/photo");
    if xhr.open("POST", &path).is_err() {
        return;
    }
    let _ = xhr.set_request_header("Content-Type", &file.type_());
    let _ = xhr.set_request_header("Accept-Language", t().locale.tag());
    progress.set(Some(0.0));
    message.set(None);
    if let Ok(up) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some(e.loaded() / e.total() * 100.0));
                }
            });
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let done_xhr = xhr.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        progress.set(None);
        let status = done_xhr.status().unwrap_or(0);
        let body = done_xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            match crate::json::parse::<DeskProduct>(&body) {
                Ok(saved) => {
                    current.set(Some(saved));
                    message.set(Some((true, dt().photo_saved.to_owned())));
                }
                Err(_) => message.set(Some((false, t().load_failed_server.to_owned()))),
            }
        } else {
            let error = crate::json::parse::<etalase_core::api::ApiError>(&body)
                .map(|error| FetchError::Api { status, error })
                .unwrap_or(if status == 0 {
                    FetchError::Network(String::new())
                } else {
                    FetchError::Status(status)
                });
            message.set(Some((false, staff_error(&error))));
        }
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    on_done.forget();
    let _ = xhr.send_with_opt_blob(Some(&file));
}
