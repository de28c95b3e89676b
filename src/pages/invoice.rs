//! A printable invoice for one IKM's part of a request
//! (`/pesanan/<code>/invoice/<ikm>?t=<secret>`): seller and buyer, the lines at their agreed
//! prices, and PPN only when the IKM is PKP — by core's rule.

use crate::components::document::{Parties, Party, PrintBar};
use crate::i18n::{t, Texts};
use crate::pages::not_found::NotFound;
use crate::pages::tracking::{tracked_view, tracking_resource};
use etalase_core::api::{tracking_page_path, TrackedPart, Tracking};
use etalase_core::invoice::{invoice_number, invoice_totals, PpnCollection};
use etalase_core::order::OrderStatus;
use etalase_core::request::format_npwp;
use etalase_core::Ikm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvoicePage() -> impl IntoView {
    let texts = t();
    let params = use_params_map();
    let ikm = move || params.read().get("ikm").unwrap_or_default();
    let (tracking, secret) = tracking_resource();
    let shelf = expect_context::<crate::shelf::Shelf>();
    // Seller details beyond the name come from the IKM's document, when it loads.
    let maker = LocalResource::new(move || {
        let slug = ikm();
        async move {
            let path = etalase_core::api::ikm_path(&slug);
            crate::shelf::catalog_part(shelf, path, etalase_core::catalog::IkmDetail::into_catalog)
                .await
                .ok()
        }
    });
    view! {
        <Title text=texts.invoice />
        <section class="section invoice-page">
            {move || tracked_view(tracking.get(), tracking, |data| {
                    let slug = ikm();
                    let Some(index) = data.parts.iter().position(|p| p.ikm.as_str() == slug) else {
                        return view! { <NotFound /> }.into_any();
                    };
                    let seller = maker
                        .get()
                        .flatten()
                        .and_then(|store| store.ikm(&slug).cloned());
                    view! { <Invoice data index seller secret=secret() texts /> }.into_any()
            })}
        </section>
    }
}

#[component]
fn Invoice(
    data: Tracking,
    index: usize,
    seller: Option<Ikm>,
    secret: String,
    texts: &'static Texts,
) -> impl IntoView {
    let part: &TrackedPart = &data.parts[index];
    let totals = invoice_totals(part.agreed_subtotal(), part.ikm_pkp, data.buyer_type);
    let collected = totals
        .ppn
        .is_some_and(|ppn| ppn.collection == PpnCollection::CollectedByBuyer);
    let proforma = part.status == OrderStatus::Baru;
    let void = matches!(
        part.status,
        OrderStatus::Ditolak | OrderStatus::Dibatalkan | OrderStatus::Kedaluwarsa
    );
    let title = if proforma {
        texts.invoice_proforma
    } else {
        texts.invoice
    };
    let back = tracking_page_path(&data.code, &secret);
    let mut seller_lines = vec![if part.ikm_pkp {
        etalase_core::catalog::pkp_about(texts.locale).to_owned()
    } else {
        texts.not_pkp.to_owned()
    }];
    if let Some(ikm) = seller {
        seller_lines.push(texts.kabupaten(ikm.kabupaten));
        if let Some(nib) = &ikm.legal.nib {
            let sample = if ikm.legal.sample {
                format!(" ({})", texts.sample_ids)
            } else {
                String::new()
            };
            seller_lines.push(format!("NIB {nib}{sample}"));
        }
        seller_lines.push(format!("WhatsApp {}", ikm.whatsapp.e164()));
    }
    let buyer_lines = {
        let mut lines = vec![data.buyer_type.label(texts.locale).to_owned()];
        if !data.npwp.is_empty() {
            lines.push(format!("NPWP {}", format_npwp(&data.npwp)));
        }
        lines.push(data.contact_person.clone());
        lines.push(format!(
            "{} {} · {}",
            texts.phone_label, data.phone, data.email
        ));
        lines.push(format!(
            "{}, {}",
            data.address,
            texts.kabupaten(data.kabupaten)
        ));
        lines
    };
    let from = Party {
        title: texts.seller,
        name: part.ikm_name.clone(),
        lines: seller_lines,
    };
    let to = Party {
        title: texts.buyer,
        name: data.company.clone(),
        lines: buyer_lines,
    };
    view! {
        <PrintBar back_href=back back_label=texts.back_to_tracking.to_owned() />
        <article class="invoice">
            <header class="invoice-head">
                <h1>{title}</h1>
                <dl class="invoice-meta">
                    <div><dt>{texts.invoice_number}</dt><dd class="invoice-number">{invoice_number(&data.code, index)}</dd></div>
                    <div><dt>{texts.invoice_date}</dt><dd>{texts.locale.timestamp_wib(&data.created_at)}</dd></div>
                    <div><dt>{texts.request_code}</dt><dd>{data.code.clone()}</dd></div>
                    <div><dt>{texts.status_label}</dt><dd>{texts.status(part.status)}</dd></div>
                    <div><dt>{texts.f_needed_by}</dt><dd>{texts.date(&data.needed_by.to_string())}</dd></div>
                </dl>
            </header>
            {proforma.then(|| view! { <p class="notice">{texts.proforma_note}</p> })}
            {void.then(|| view! { <p class="notice invoice-void" role="alert">{format!("{}: {}", texts.invoice_void, texts.status(part.status))}</p> })}
            <Parties from to />
            <table class="invoice-lines">
                <thead>
                    <tr>
                        <th scope="col">{texts.item}</th>
                        <th scope="col" class="num">{texts.quantity}</th>
                        <th scope="col" class="num">{texts.unit_price}</th>
                        <th scope="col" class="num">{texts.amount}</th>
                    </tr>
                </thead>
                <tbody>
                    {part.lines.iter().map(|l| view! {
                        <tr>
                            <td>
                                {l.name.clone()}
                                {(!l.note.is_empty()).then(|| view! { <span class="invoice-line-note">{l.note.clone()}</span> })}
                            </td>
                            <td class="num">{format!("{} {}", l.quantity, l.unit)}</td>
                            <td class="num">{texts.rupiah(l.agreed_unit_price())}</td>
                            <td class="num">{texts.rupiah(l.agreed_total())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="invoice-totals">
                {totals.ppn.map(|ppn| view! {
                    <div><dt>{texts.subtotal}</dt><dd>{texts.rupiah(totals.subtotal)}</dd></div>
                    <div><dt>{texts.dpp}</dt><dd>{texts.rupiah(ppn.dpp)}</dd></div>
                    <div class="ppn"><dt>{texts.ppn}</dt><dd>{texts.rupiah(ppn.amount)}</dd></div>
                })}
                <div class="grand-total"><dt>{texts.total}</dt><dd>{texts.rupiah(totals.total)}</dd></div>
                {collected.then(|| view! {
                    <div class="due"><dt>{texts.due_to_seller}</dt><dd>{texts.rupiah(totals.due_to_seller)}</dd></div>
                })}
            </dl>
            {collected.then(|| view! { <p class="ppn-collected">{texts.ppn_collected(data.buyer_type)}</p> })}
            <p class="invoice-tax-note">
                {if part.ikm_pkp { texts.prices_before_ppn } else { texts.no_ppn }}
            </p>
        </article>
    }
}
