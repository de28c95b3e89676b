//! The JSON shapes the API and the SPA agree on, besides the catalog types.

use crate::date::Date;
use crate::kabupaten::Kabupaten;
use crate::money::Rupiah;
use crate::order::{Actor, OrderStatus};
use crate::request::{BuyerType, PriceChange};
use crate::slug::Slug;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const API_PREFIX: &str = "/api/v1";
pub const CATALOG_PATH: &str = "/api/v1/catalog";

pub fn product_path(slug: &str) -> String {
    format!("{API_PREFIX}/products/{slug}")
}

pub fn ikm_path(slug: &str) -> String {
    format!("{API_PREFIX}/ikm/{slug}")
}

pub const ORDERS_PATH: &str = "/api/v1/orders";

/// How long the server keeps its answer to an `Idempotency-Key` (orders and needs): a repeat
/// of the same body within it gets the same answer and stores nothing new.
pub const IDEMPOTENCY_TTL_SECS: i64 = 7 * 24 * 3600;

/// How long a phone goes on sending a request it wrote down by itself (no signal, no answer).
/// A day inside [`IDEMPOTENCY_TTL_SECS`], so any repeat it sends of a request that did reach
/// the server is still recognised; past it the partner is asked to look at the request again.
pub const OUTBOX_RESEND_SECS: i64 = 6 * 24 * 3600;
const _: () = assert!(OUTBOX_RESEND_SECS + 24 * 3600 <= IDEMPOTENCY_TTL_SECS);

/// How far ahead of `now` a written-down time may lie and still be taken as now (a clock set
/// right by the network a little). Further ahead, the clock that wrote it was wrong: nothing
/// says how long the request has really waited.
pub const CLOCK_SKEW_SECS: i64 = 600;

/// Whether a request written down at `queued_at` may still be sent by itself at `now` (both
/// Unix seconds, by the same clock).
pub fn outbox_may_resend(queued_at: i64, now: i64) -> bool {
    (-CLOCK_SKEW_SECS..OUTBOX_RESEND_SECS).contains(&now.saturating_sub(queued_at))
}

/// An `Idempotency-Key` the server takes: 8 to 128 letters, digits, `-` or `_`.
pub fn is_idempotency_key(key: &str) -> bool {
    (8..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What this copy of the site can do. The server says ordering works; a static export
/// writes a file that says it does not, and the SPA offers WhatsApp instead.
pub const SITE_PATH: &str = "/api/v1/site";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    pub ordering: bool,
    /// On a static copy: the WhatsApp number (E.164) of Disperindag's desk that passes IKM's
    /// offers on needs to the partners (whose contacts are never public).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_whatsapp: Option<crate::phone::Phone>,
    /// On a static copy: the running site it was copied from (`https://…`), where needs are
    /// posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_site: Option<String>,
}

/// Server-side search: the same parameters as the search page's URL
/// ([`crate::search::SearchQuery::to_params`]) plus `limit` and `offset`.
pub const SEARCH_PATH: &str = "/api/v1/search";
/// Results per page when `limit` is not given, and the most one page may hold.
pub const SEARCH_DEFAULT_LIMIT: usize = 24;
pub const SEARCH_MAX_LIMIT: usize = 100;
pub const SEARCH_LIMIT_PARAM: &str = "limit";
pub const SEARCH_OFFSET_PARAM: &str = "offset";

/// `/api/v1/search?q=kopi&urut=harga-naik&limit=24&offset=48`: a page of `query`'s results.
pub fn search_path(query: &crate::search::SearchQuery, limit: usize, offset: usize) -> String {
    let mut params: Vec<String> = query
        .to_params()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", crate::phone::percent_encode(&v)))
        .collect();
    if limit != SEARCH_DEFAULT_LIMIT {
        params.push(format!("{SEARCH_LIMIT_PARAM}={limit}"));
    }
    if offset != 0 {
        params.push(format!("{SEARCH_OFFSET_PARAM}={offset}"));
    }
    if params.is_empty() {
        SEARCH_PATH.to_owned()
    } else {
        format!("{SEARCH_PATH}?{}", params.join("&"))
    }
}

/// One page of a search: how many products match in all, this page of them in the order
/// asked for (as in the catalog), and the IKM of those products only (each once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub total: usize,
    pub products: Vec<crate::catalog::Product>,
    pub ikm: Vec<crate::catalog::Ikm>,
    /// Products per kabupaten/kota in the whole catalog, for the search page's place filter.
    #[serde(default)]
    pub kabupaten: Vec<crate::shelf::KabupatenCount>,
}

/// The API path of a tracked request; the secret travels in the query, as in the link.
pub fn tracking_api_path(code: &str, secret: &str) -> String {
    format!("{ORDERS_PATH}/{code}?t={secret}")
}

/// The page a partner keeps to follow the request: `/pesanan/<code>?t=<secret>`.
pub fn tracking_page_path(code: &str, secret: &str) -> String {
    format!("/pesanan/{code}?t={secret}")
}

/// The order on the IKM's desk: what an IKM is sent (it opens after the IKM logs in and shows
/// only its own part).
pub fn desk_order_page_path(code: &str) -> String {
    format!("/desk/pesanan/{code}")
}

/// The printable invoice of one IKM's part, behind the same secret as the tracking page.
pub fn invoice_page_path(code: &str, ikm: &str, secret: &str) -> String {
    format!("/pesanan/{code}/invoice/{ikm}?t={secret}")
}

/// The body of every API error: a stable machine code, a message for people,
/// and per-field messages when the input was at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// With `code = "price_changed"`: what changed since the partner added the products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_changes: Vec<PriceChange>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
            fields: BTreeMap::new(),
            price_changes: Vec::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The answer of `/healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub products: usize,
    pub ikm: usize,
}

/// The answer to a created order request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderCreated {
    pub code: String,
    /// The page to keep: `/pesanan/<code>?t=<secret>`.
    pub tracking_path: String,
    pub total: Rupiah,
    pub parts: Vec<CreatedPart>,
}

impl OrderCreated {
    /// Whether its tracking path is this site's page for its own code. A copy kept on the
    /// phone is the user's to change; a link to anywhere else is never shown as the request's.
    pub fn tracks_itself(&self) -> bool {
        self.tracking_path
            .strip_prefix(&tracking_page_path(&self.code, ""))
            .is_some_and(|secret| {
                !secret.is_empty() && secret.bytes().all(|b| b.is_ascii_alphanumeric())
            })
            && !self.code.is_empty()
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedPart {
    pub ikm: Slug,
    pub ikm_name: String,
    pub subtotal: Rupiah,
    /// wa.me link to the IKM with a summary of its part and the tracking link.
    pub whatsapp_link: String,
}

/// What the tracking page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tracking {
    pub code: String,
    pub company: String,
    pub buyer_type: BuyerType,
    /// The buyer's NPWP as digits, or empty.
    pub npwp: String,
    pub contact_person: String,
    /// E.164, `+62…`.
    pub phone: String,
    pub email: String,
    pub address: String,
    pub kabupaten: Kabupaten,
    pub needed_by: Date,
    /// What the goods are for, and notes for every IKM, as the partner wrote them.
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub notes: String,
    pub created_at: String,
    pub total: Rupiah,
    pub parts: Vec<TrackedPart>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackedPart {
    pub ikm: Slug,
    pub ikm_name: String,
    /// Whether the IKM is registered for VAT (PKP): only then does its invoice carry PPN.
    pub ikm_pkp: bool,
    pub status: OrderStatus,
    pub subtotal: Rupiah,
    pub lead_time_days: Option<u32>,
    pub decline_reason: Option<String>,
    pub courier: Option<String>,
    pub receipt: Option<String>,
    pub lines: Vec<TrackedLine>,
    pub events: Vec<TrackedEvent>,
    /// Whether the partner may still cancel this part.
    pub cancellable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackedLine {
    /// The catalog product; none for a line an accepted offer made without one.
    #[serde(default)]
    pub product: Option<Slug>,
    pub name: String,
    pub unit: String,
    pub quantity: u32,
    pub unit_price: Rupiah,
    pub confirmed_unit_price: Option<Rupiah>,
    pub note: String,
    /// The product's lead time when it was ordered.
    #[serde(default)]
    pub lead_time_days: u32,
}

impl TrackedLine {
    /// The unit price that holds: the IKM's confirmed price once it confirmed, else the price
    /// the partner ordered at.
    pub fn agreed_unit_price(&self) -> Rupiah {
        self.confirmed_unit_price.unwrap_or(self.unit_price)
    }

    /// For showing: stored lines were bounded when written (see `money::MAX_ORDER_TOTAL`).
    pub fn agreed_total(&self) -> Rupiah {
        self.agreed_unit_price().saturating_mul(self.quantity)
    }
}

impl TrackedPart {
    /// The lead time that holds: the IKM's confirmed one, else the longest of the lines.
    pub fn lead_time(&self) -> u32 {
        self.lead_time_days.unwrap_or_else(|| {
            self.lines
                .iter()
                .map(|l| l.lead_time_days)
                .max()
                .unwrap_or(0)
        })
    }

    /// Whether work started `today` is ready by `needed_by`.
    pub fn ready_in_time(&self, today: Date, needed_by: Date) -> bool {
        today.add_days(i64::from(self.lead_time())) <= needed_by
    }

    /// The sum of the lines at their agreed prices.
    pub fn agreed_subtotal(&self) -> Rupiah {
        Rupiah::saturating_sum(self.lines.iter().map(TrackedLine::agreed_total))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackedEvent {
    pub at: String,
    pub actor: Actor,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub note: String,
}

/// How many of an IKM's orders are in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: usize,
}

/// One line of the IKM desk's inbox, or of the admin's order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub code: String,
    pub ikm: Slug,
    pub ikm_name: String,
    pub company: String,
    pub buyer_type: BuyerType,
    pub kabupaten: Kabupaten,
    pub status: OrderStatus,
    pub subtotal: Rupiah,
    pub needed_by: Date,
    pub created_at: String,
    pub lines: usize,
}

/// The IKM desk's inbox: counts per status (all of the IKM's orders) and the orders that
/// match the filter, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub counts: Vec<StatusCount>,
    pub orders: Vec<OrderSummary>,
    /// Present when more orders follow: ask again with `cursor=<this>`.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// One order as the IKM works it: the request with only this IKM's part, the actions the
/// state machine allows now, and the day an unanswered order expires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskOrder {
    pub request: Tracking,
    pub allowed: Vec<String>,
    pub answer_by: Option<Date>,
}

impl DeskOrder {
    /// This IKM's part (the request holds exactly one).
    pub fn part(&self) -> Option<&TrackedPart> {
        self.request.parts.first()
    }
}

pub const DESK_ORDERS_PATH: &str = "/api/v1/desk/orders";

pub fn desk_order_path(code: &str) -> String {
    format!("{DESK_ORDERS_PATH}/{code}")
}

pub fn desk_events_path(code: &str) -> String {
    format!("{DESK_ORDERS_PATH}/{code}/events")
}

/// The body of a partner's cancellation: the tracking secret proves who asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelPart {
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_request_tracks_itself_only_on_this_site() {
        let created = |code: &str, path: &str| OrderCreated {
            code: code.to_owned(),
            tracking_path: path.to_owned(),
            total: crate::Rupiah(0),
            parts: Vec::new(),
        };
        let code = "ETL-2026-000001";
        let own = tracking_page_path(code, "0123456789abcdef0123456789abcdef");
        assert!(created(code, &own).tracks_itself());
        for path in [
            "javascript:alert(1)",
            "//evil.example/pesanan/ETL-2026-000001?t=abc",
            "https://evil.example/pesanan/ETL-2026-000001?t=abc",
            "/pesanan/ETL-2026-000002?t=0123456789abcdef",
            "/pesanan/ETL-2026-000001?t=",
            "/pesanan/ETL-2026-000001?t=abc&next=//evil.example",
        ] {
            assert!(!created(code, path).tracks_itself(), "{path}");
        }
        assert!(!created("ETL/../x", "/pesanan/ETL/../x?t=abc").tracks_itself());
    }

    #[test]
    fn a_phone_stops_resending_while_the_server_still_knows_the_key() {
        let queued = 1_800_000_000;
        assert!(outbox_may_resend(queued, queued));
        assert!(outbox_may_resend(queued, queued + OUTBOX_RESEND_SECS - 1));
        assert!(!outbox_may_resend(queued, queued + OUTBOX_RESEND_SECS));
        // The last send it makes by itself is still inside the server's memory of the key.
        assert!(queued + OUTBOX_RESEND_SECS < queued + IDEMPOTENCY_TTL_SECS);
        // Written by a clock that ran ahead: a little is now, more is too old to trust.
        assert!(outbox_may_resend(queued + CLOCK_SKEW_SECS, queued + 1));
        assert!(!outbox_may_resend(queued + 3600, queued));
        // A clock near its ends neither overflows nor sends forever.
        assert!(!outbox_may_resend(i64::MIN, i64::MAX));
        assert!(!outbox_may_resend(i64::MAX, i64::MIN));
    }

    #[test]
    fn idempotency_keys_are_short_plain_words() {
        assert!(is_idempotency_key("etl-00112233445566778899aabbccddeeff"));
        assert!(is_idempotency_key("key_0001"));
        assert!(!is_idempotency_key("short"));
        assert!(!is_idempotency_key(&"k".repeat(129)));
        assert!(!is_idempotency_key("etl-0011\n2233445566"));
        assert!(!is_idempotency_key("etl-0011 2233445566"));
    }

    fn line(quantity: u32, unit_price: i64, confirmed: Option<i64>) -> TrackedLine {
        TrackedLine {
            product: Slug::parse("kopi-robusta").ok(),
            name: "Kopi".into(),
            unit: "kg".into(),
            quantity,
            unit_price: Rupiah(unit_price),
            confirmed_unit_price: confirmed.map(Rupiah),
            note: String::new(),
            lead_time_days: 7,
        }
    }

    #[test]
    fn the_confirmed_price_replaces_the_ordered_price() {
        assert_eq!(line(10, 90_000, None).agreed_total(), Rupiah(900_000));
        let confirmed = line(10, 90_000, Some(85_000));
        assert_eq!(confirmed.agreed_unit_price(), Rupiah(85_000));
        assert_eq!(confirmed.agreed_total(), Rupiah(850_000));
    }

    #[test]
    fn the_confirmed_lead_time_replaces_the_longest_line() {
        let mut long = line(1, 10, None);
        long.lead_time_days = 30;
        let mut part = TrackedPart {
            ikm: Slug::parse("kopi").unwrap(),
            ikm_name: "Kopi".into(),
            ikm_pkp: false,
            status: OrderStatus::Baru,
            subtotal: Rupiah(0),
            lead_time_days: None,
            decline_reason: None,
            courier: None,
            receipt: None,
            lines: vec![line(1, 10, None), long],
            events: vec![],
            cancellable: true,
        };
        let today = Date::parse("2026-12-01").unwrap();
        assert_eq!(part.lead_time(), 30);
        assert!(part.ready_in_time(today, Date::parse("2026-12-31").unwrap()));
        assert!(!part.ready_in_time(today, Date::parse("2026-12-30").unwrap()));
        part.lead_time_days = Some(5);
        assert!(part.ready_in_time(today, Date::parse("2026-12-06").unwrap()));
    }
}
