//! Choosing a quantity on a product page and putting it in the order list. The stepper only
//! offers quantities the product can be ordered in; typed ones are checked by core's rule.

use crate::i18n::t;
use crate::order_list::OrderList;
use etalase_core::request::{check_quantity, round_up_quantity, step_down, step_up, FieldError};
use etalase_core::Product;
use leptos::prelude::*;

#[component]
pub fn QuantityStepper(
    product: Product,
    quantity: RwSignal<u32>,
    /// The text in the box, which may be mid-edit and invalid.
    typed: RwSignal<String>,
    #[prop(into)] input_id: String,
    /// Called when a quantity is settled: a button pressed, or the box left or entered.
    #[prop(optional)]
    on_commit: Option<Callback<u32>>,
) -> impl IntoView {
    let texts = t();
    let (down, up) = (product.clone(), product.clone());
    let commit = move |q: u32| {
        if let Some(cb) = on_commit {
            cb.run(q);
        }
    };
    let set = move |q: u32| {
        quantity.set(q);
        typed.set(q.to_string());
        commit(q);
    };
    view! {
        <div class="stepper">
            <button
                type="button"
                class="stepper-button"
                aria-label=texts.decrease
                on:click=move |_| set(step_down(&down, quantity.get_untracked()))
            >
                "−"
            </button>
            <input
                id=input_id
                type="number"
                inputmode="numeric"
                min=product.min_order
                step=product.order_increment
                prop:value=move || typed.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    if let Ok(q) = text.trim().parse::<u32>() {
                        quantity.set(q);
                    }
                    typed.set(text);
                }
                on:change=move |_| commit(quantity.get_untracked())
            />
            <button
                type="button"
                class="stepper-button"
                aria-label=texts.increase
                on:click=move |_| set(step_up(&up, quantity.get_untracked()))
            >
                "+"
            </button>
        </div>
    }
}

/// What is wrong with a typed quantity, by core's rule; `None` when it can be ordered.
pub fn quantity_problem(product: &Product, typed: &str) -> Option<FieldError> {
    match typed.trim().parse::<u32>() {
        Ok(q) => check_quantity(product, q).err(),
        Err(_) => Some(FieldError::Required),
    }
}

#[component]
pub fn AddToList(product: Product) -> impl IntoView {
    let texts = t();
    let list = expect_context::<OrderList>();
    let start = list
        .quantity_of(&product.slug)
        .unwrap_or_else(|| round_up_quantity(&product, product.min_order));
    let quantity = RwSignal::new(start);
    let typed = RwSignal::new(start.to_string());
    let saved = RwSignal::new(false);
    let p = StoredValue::new(product.clone());

    let problem = move || p.with_value(|p| quantity_problem(p, &typed.get()));
    let price_line = move || {
        let q = quantity.get();
        p.with_value(|p| match etalase_core::request::price_line(p, q, "") {
            Ok(line) => {
                let mut text = format!(
                    "{} × {} = {}",
                    q,
                    texts.rupiah(line.unit_price),
                    texts.rupiah(line.subtotal)
                );
                if line.saving.amount() > 0 {
                    text.push_str(&format!(
                        " · {} {}",
                        texts.you_save,
                        texts.rupiah(line.saving)
                    ));
                }
                text
            }
            Err(e) => e.message(texts.locale),
        })
    };
    let in_list = move || {
        list.0.track();
        p.with_value(|p| list.quantity_of(&p.slug).is_some())
    };
    let add = move |_| {
        if problem().is_some() {
            return;
        }
        let q = quantity.get_untracked();
        p.with_value(|p| list.put(p.slug.clone(), q, p.unit_price(q)));
        saved.set(true);
    };
    view! {
        <section class="add-to-list" aria-labelledby="judul-pesan">
            <h2 id="judul-pesan" class="visually-hidden">{texts.order_list}</h2>
            <label for="jumlah-pesan" class="add-label">
                {format!("{} ({})", texts.quantity, product.unit)}
            </label>
            <QuantityStepper product quantity typed input_id="jumlah-pesan" />
            <p class="field-error" role="alert">
                {move || problem().map(|e| e.message(texts.locale))}
            </p>
            <p class="line-price">{price_line}</p>
            <button type="button" class="button add-button" on:click=add>
                {move || if in_list() { texts.update_in_list } else { texts.add_to_list }}
            </button>
            <Show when=move || saved.get()>
                <p class="saved-note" role="status">
                    {texts.added_to_list} " "
                    <a href="/daftar-pesanan">{texts.see_list}</a>
                </p>
            </Show>
        </section>
    }
}
