//! Charts the staff app draws itself (the admin's orders and needs): horizontal bars in SVG,
//! one labelled bar per row, readable at phone width.

use crate::staff::texts::dt;
use leptos::prelude::*;

/// A horizontal bar chart in SVG: one labelled bar per row, readable at phone width.
#[component]
pub fn BarChart(title: &'static str, rows: Vec<(String, i64, String)>) -> impl IntoView {
    let d = dt();
    if rows.is_empty() {
        return view! {
            <figure class="chart"><figcaption>{title}</figcaption><p class="empty">{d.no_data}</p></figure>
        }
        .into_any();
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    const ROW: i64 = 44;
    let height = ROW * rows.len() as i64;
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 100 {height}") preserveAspectRatio="none" class="chart-svg"
                role="img" aria-label=title style=format!("height:{height}px")>
                {rows.iter().enumerate().map(|(i, (_, value, _))| {
                    let width = (*value as f64 / max as f64 * 100.0).max(0.5);
                    let y = i as i64 * ROW + 22;
                    view! { <rect x="0" y=y width=format!("{width:.2}") height="14" rx="1" class="bar" /> }
                }).collect_view()}
            </svg>
            <ol class="chart-labels" style=format!("height:{height}px")>
                {rows.into_iter().map(|(label, _, shown)| view! {
                    <li><span>{label}</span><span class="chart-value">{shown}</span></li>
                }).collect_view()}
            </ol>
        </figure>
    }
    .into_any()
}

/// `2026-11` → "November 2026".
pub fn month_label(key: &str, locale: etalase_core::Locale) -> String {
    let date = etalase_core::Date::parse(&format!("{key}-01"));
    match date {
        Some(_) => {
            let long = locale.date(&format!("{key}-01"));
            // "1 November 2026" → "November 2026"
            long.split_once(' ')
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or(long)
        }
        None => key.to_owned(),
    }
}
