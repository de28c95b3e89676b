//! The life of an IKM's part of an order request: one state machine, the only place that
//! decides which change may happen, by whom.
//!
//! `baru` → `dikonfirmasi` (the IKM confirms, may adjust unit prices and lead time) or
//! `ditolak` (with a reason) → `diproses` → `dikirim` (courier and receipt number) →
//! `selesai`. `baru` → `dibatalkan` by the partner. A part left `baru` for 3 working days
//! becomes `kedaluwarsa`.

use crate::date::{Date, Holidays};
use crate::money::{Rupiah, MAX_ORDER_TOTAL};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Working days an IKM has to answer a new order before it expires.
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    Baru,
    Dikonfirmasi,
    Ditolak,
    Diproses,
    Dikirim,
    Selesai,
    Dibatalkan,
    Kedaluwarsa,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Baru,
        OrderStatus::Dikonfirmasi,
        OrderStatus::Ditolak,
        OrderStatus::Diproses,
        OrderStatus::Dikirim,
        OrderStatus::Selesai,
        OrderStatus::Dibatalkan,
        OrderStatus::Kedaluwarsa,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            OrderStatus::Baru => "baru",
            OrderStatus::Dikonfirmasi => "dikonfirmasi",
            OrderStatus::Ditolak => "ditolak",
            OrderStatus::Diproses => "diproses",
            OrderStatus::Dikirim => "dikirim",
            OrderStatus::Selesai => "selesai",
            OrderStatus::Dibatalkan => "dibatalkan",
            OrderStatus::Kedaluwarsa => "kedaluwarsa",
        }
    }

    pub fn from_slug(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// No change can follow.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Ditolak
                | OrderStatus::Selesai
                | OrderStatus::Dibatalkan
                | OrderStatus::Kedaluwarsa
        )
    }
}

/// Who asks for a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    /// The company that placed the request (holder of the tracking link).
    Partner,
    /// The IKM that makes this part.
    Ikm,
    /// The server itself (expiry).
    System,
}

/// A unit price the IKM sets when confirming: for one line of its part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceAdjustment {
    pub line: usize,
    pub unit_price: Rupiah,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OrderEvent {
    Confirm {
        #[serde(default)]
        prices: Vec<PriceAdjustment>,
        #[serde(default)]
        lead_time_days: Option<u32>,
    },
    Decline {
        reason: String,
    },
    StartProduction,
    Ship {
        courier: String,
        receipt: String,
    },
    Complete,
    Cancel,
    Expire,
}

impl OrderEvent {
    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::Confirm { .. } => "confirm",
            OrderEvent::Decline { .. } => "decline",
            OrderEvent::StartProduction => "start_production",
            OrderEvent::Ship { .. } => "ship",
            OrderEvent::Complete => "complete",
            OrderEvent::Cancel => "cancel",
            OrderEvent::Expire => "expire",
        }
    }

    /// Who may cause this event.
    pub fn actor(&self) -> Actor {
        match self {
            OrderEvent::Cancel => Actor::Partner,
            OrderEvent::Expire => Actor::System,
            _ => Actor::Ikm,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransitionError {
    /// The event cannot happen in this status.
    NotAllowed {
        from: OrderStatus,
        event: &'static str,
    },
    /// Someone other than the one allowed asked for it.
    WrongActor { event: &'static str, actor: Actor },
    /// The event itself is incomplete: an empty reason, courier or receipt number.
    Missing(&'static str),
    /// The expiry came before the IKM's time to answer ran out.
    TooEarly { until: Date },
    /// A confirmation's adjustment is out of bounds: a line that does not exist, a price of
    /// zero, a lead time over a year.
    Invalid(&'static str),
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::NotAllowed { from, event } => {
                write!(f, "cannot {event} an order that is {}", from.slug())
            }
            TransitionError::WrongActor { event, actor } => {
                write!(f, "{actor:?} may not {event} an order")
            }
            TransitionError::Missing(field) => write!(f, "{field} is required"),
            TransitionError::TooEarly { until } => {
                write!(f, "the IKM may answer until {until}")
            }
            TransitionError::Invalid(field) => write!(f, "{field} is out of bounds"),
        }
    }
}

impl std::error::Error for TransitionError {}

/// The status after `event`, if `actor` may cause it in `status` on `today`.
/// `answer_by` is the day an unanswered part expires ([`expires_on`]).
pub fn transition(
    status: OrderStatus,
    event: &OrderEvent,
    actor: Actor,
    answer_by: Date,
    today: Date,
) -> Result<OrderStatus, TransitionError> {
    if actor != event.actor() {
        return Err(TransitionError::WrongActor {
            event: event.name(),
            actor,
        });
    }
    use OrderStatus::*;
    let next = match (status, event) {
        (Baru, OrderEvent::Confirm { .. }) => Dikonfirmasi,
        (Baru, OrderEvent::Decline { reason }) => {
            if reason.trim().is_empty() {
                return Err(TransitionError::Missing("reason"));
            }
            Ditolak
        }
        (Baru, OrderEvent::Cancel) => Dibatalkan,
        (Baru, OrderEvent::Expire) => {
            if today < answer_by {
                return Err(TransitionError::TooEarly { until: answer_by });
            }
            Kedaluwarsa
        }
        (Dikonfirmasi, OrderEvent::StartProduction) => Diproses,
        (Diproses, OrderEvent::Ship { courier, receipt }) => {
            if courier.trim().is_empty() {
                return Err(TransitionError::Missing("courier"));
            }
            if receipt.trim().is_empty() {
                return Err(TransitionError::Missing("receipt"));
            }
            Dikirim
        }
        (Dikirim, OrderEvent::Complete) => Selesai,
        (from, event) => {
            return Err(TransitionError::NotAllowed {
                from,
                event: event.name(),
            })
        }
    };
    Ok(next)
}

/// The longest reason a decline may give.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest courier name or receipt number.
pub const MAX_SHIPPING_CHARS: usize = 60;

/// The longest lead time an IKM may confirm.
pub const MAX_LEAD_TIME_DAYS: u32 = 365;

/// A line of an IKM's part as stored: what a confirmation prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartLine {
    pub quantity: u32,
    /// The price the partner ordered at.
    pub unit_price: Rupiah,
    /// The price was agreed before the order (an offer the partner accepted): a confirmation
    /// may lower it, never raise it.
    pub agreed: bool,
}

/// Whether an event's inputs keep their bounds, for a part of `lines`. A confirmation: each
/// price for an existing line, once, within `1..=MAX_UNIT_PRICE`; a lead time of at most a year; and the part at
/// its new prices within [`MAX_ORDER_TOTAL`]. A confirmation answers that new subtotal,
/// computed with checked arithmetic; other events `None`.
///
/// The texts other events carry are bounded too: a decline's reason at most
/// [`MAX_REASON_CHARS`], a courier and a receipt number at most [`MAX_SHIPPING_CHARS`].
pub fn check_event(
    event: &OrderEvent,
    lines: &[PartLine],
) -> Result<Option<Rupiah>, TransitionError> {
    let too_long = |text: &str, max: usize| text.trim().chars().count() > max;
    match event {
        OrderEvent::Decline { reason } if too_long(reason, MAX_REASON_CHARS) => {
            return Err(TransitionError::Invalid("reason"));
        }
        OrderEvent::Ship { courier, .. } if too_long(courier, MAX_SHIPPING_CHARS) => {
            return Err(TransitionError::Invalid("courier"));
        }
        OrderEvent::Ship { receipt, .. } if too_long(receipt, MAX_SHIPPING_CHARS) => {
            return Err(TransitionError::Invalid("receipt"));
        }
        _ => {}
    }
    let OrderEvent::Confirm {
        prices,
        lead_time_days,
    } = event
    else {
        return Ok(None);
    };
    let mut agreed: Vec<Rupiah> = lines.iter().map(|l| l.unit_price).collect();
    let mut seen = Vec::new();
    for adj in prices {
        if adj.line >= lines.len() || seen.contains(&adj.line) {
            return Err(TransitionError::Invalid("prices"));
        }
        if !adj.unit_price.is_valid_unit_price() {
            return Err(TransitionError::Invalid("prices"));
        }
        let line = &lines[adj.line];
        if line.agreed && adj.unit_price > line.unit_price {
            return Err(TransitionError::Invalid("agreed_price"));
        }
        agreed[adj.line] = adj.unit_price;
        seen.push(adj.line);
    }
    if lead_time_days.is_some_and(|d| d > MAX_LEAD_TIME_DAYS) {
        return Err(TransitionError::Invalid("lead_time_days"));
    }
    let line_totals = lines
        .iter()
        .zip(&agreed)
        .map(|(l, price)| price.checked_mul(l.quantity))
        .collect::<Option<Vec<Rupiah>>>();
    line_totals
        .and_then(Rupiah::checked_sum)
        .filter(|total| *total <= MAX_ORDER_TOTAL)
        .map(Some)
        .ok_or(TransitionError::Invalid("prices"))
}

/// The day a part still `baru` expires: 3 working days after it arrived, weekends and
/// `holidays` not counted.
pub fn expires_on(received_on: Date, holidays: &Holidays) -> Date {
    received_on.add_working_days(ANSWER_WITHIN_WORKING_DAYS, holidays)
}

/// The events each status allows, for showing only the actions that can work.
pub fn allowed_events(status: OrderStatus) -> &'static [&'static str] {
    match status {
        OrderStatus::Baru => &["confirm", "decline", "cancel", "expire"],
        OrderStatus::Dikonfirmasi => &["start_production"],
        OrderStatus::Diproses => &["ship"],
        OrderStatus::Dikirim => &["complete"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_adjust_only_existing_lines_to_real_prices() {
        let confirm = |prices: Vec<(usize, i64)>, lead: Option<u32>| OrderEvent::Confirm {
            prices: prices
                .into_iter()
                .map(|(line, p)| PriceAdjustment {
                    line,
                    unit_price: Rupiah(p),
                })
                .collect(),
            lead_time_days: lead,
        };
        let two = [
            PartLine {
                quantity: 10,
                unit_price: Rupiah(45_000),
                agreed: false,
            },
            PartLine {
                quantity: 100,
                unit_price: Rupiah(10_000),
                agreed: true,
            },
        ];
        assert_eq!(
            check_event(&confirm(vec![(0, 40_000), (1, 9_000)], Some(14)), &two),
            Ok(Some(Rupiah(400_000 + 900_000)))
        );
        assert_eq!(
            check_event(&confirm(vec![], None), &two[..1]),
            Ok(Some(Rupiah(450_000)))
        );
        // An agreed price (an accepted offer's) may come down, never go up.
        assert_eq!(
            check_event(&confirm(vec![(1, 10_001)], None), &two),
            Err(TransitionError::Invalid("agreed_price"))
        );
        assert_eq!(
            check_event(&confirm(vec![(0, 50_000), (1, 10_000)], None), &two),
            Ok(Some(Rupiah(500_000 + 1_000_000)))
        );
        let invalid = |e| Err(TransitionError::Invalid(e));
        assert_eq!(
            check_event(&confirm(vec![(2, 40_000)], None), &two),
            invalid("prices")
        );
        assert_eq!(
            check_event(&confirm(vec![(0, 0)], None), &two),
            invalid("prices")
        );
        assert_eq!(
            check_event(&confirm(vec![(0, 5), (0, 6)], None), &two),
            invalid("prices")
        );
        assert_eq!(
            check_event(&confirm(vec![], Some(366)), &two),
            invalid("lead_time_days")
        );
        assert_eq!(check_event(&OrderEvent::Complete, &[]), Ok(None));
        let decline = |n: usize| OrderEvent::Decline {
            reason: "x".repeat(n),
        };
        assert_eq!(check_event(&decline(MAX_REASON_CHARS), &two), Ok(None));
        assert_eq!(
            check_event(&decline(MAX_REASON_CHARS + 1), &two),
            invalid("reason")
        );
        let ship = OrderEvent::Ship {
            courier: "JNE".into(),
            receipt: "9".repeat(MAX_SHIPPING_CHARS + 1),
        };
        assert_eq!(check_event(&ship, &two), invalid("receipt"));
        // The outside review's overflow: a price near 2^63 is refused, never stored.
        assert_eq!(
            check_event(&confirm(vec![(0, 9_000_000_000_000_000_000)], None), &two),
            invalid("prices")
        );
        // Each price within bounds, but the part too large together.
        let big = [PartLine {
            quantity: 1_000_000,
            unit_price: Rupiah(1),
            agreed: false,
        }];
        assert_eq!(
            check_event(&confirm(vec![(0, 10_000_000_000)], None), &big),
            invalid("prices")
        );
    }

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn all_events() -> Vec<OrderEvent> {
        vec![
            OrderEvent::Confirm {
                prices: vec![],
                lead_time_days: None,
            },
            OrderEvent::Decline {
                reason: "Bahan baku habis".into(),
            },
            OrderEvent::Decline { reason: " ".into() },
            OrderEvent::StartProduction,
            OrderEvent::Ship {
                courier: "JNE".into(),
                receipt: "JN123".into(),
            },
            OrderEvent::Ship {
                courier: "".into(),
                receipt: "JN123".into(),
            },
            OrderEvent::Complete,
            OrderEvent::Cancel,
            OrderEvent::Expire,
        ]
    }

    const ACTORS: [Actor; 3] = [Actor::Partner, Actor::Ikm, Actor::System];

    /// (from, event name) pairs that are legal, with their target: the whole specification.
    fn legal(from: OrderStatus, event: &str) -> Option<OrderStatus> {
        use OrderStatus::*;
        match (from, event) {
            (Baru, "confirm") => Some(Dikonfirmasi),
            (Baru, "decline") => Some(Ditolak),
            (Baru, "cancel") => Some(Dibatalkan),
            (Baru, "expire") => Some(Kedaluwarsa),
            (Dikonfirmasi, "start_production") => Some(Diproses),
            (Diproses, "ship") => Some(Dikirim),
            (Dikirim, "complete") => Some(Selesai),
            _ => None,
        }
    }

    #[test]
    fn every_status_event_and_actor_follows_the_specification() {
        let answer_by = expires_on(day("2026-11-23"), &Holidays::default()); // from a Monday
        let late = day("2026-12-01");
        for from in OrderStatus::ALL {
            for event in all_events() {
                for actor in ACTORS {
                    let got = transition(from, &event, actor, answer_by, late);
                    let want = legal(from, event.name());
                    match (&got, want) {
                        (Ok(to), Some(expected)) => {
                            assert_eq!(*to, expected);
                            assert_eq!(actor, event.actor());
                        }
                        (Err(TransitionError::WrongActor { .. }), _) => {
                            assert_ne!(actor, event.actor())
                        }
                        (Err(TransitionError::Missing(_)), Some(_)) => {}
                        (Err(TransitionError::NotAllowed { .. }), None) => {}
                        other => panic!("{from:?} {event:?} {actor:?}: {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_partner_cancels_only_the_ikm_works_only_the_system_expires() {
        let d = day("2026-12-10");
        let r = day("2026-11-23");
        assert_eq!(
            transition(OrderStatus::Baru, &OrderEvent::Cancel, Actor::Ikm, r, d),
            Err(TransitionError::WrongActor {
                event: "cancel",
                actor: Actor::Ikm
            })
        );
        assert!(transition(OrderStatus::Baru, &OrderEvent::Cancel, Actor::Partner, r, d).is_ok());
        assert!(transition(OrderStatus::Baru, &OrderEvent::Expire, Actor::Partner, r, d).is_err());
        let confirm = OrderEvent::Confirm {
            prices: vec![],
            lead_time_days: Some(10),
        };
        assert!(transition(OrderStatus::Baru, &confirm, Actor::Partner, r, d).is_err());
        assert!(transition(OrderStatus::Baru, &confirm, Actor::Ikm, r, d).is_ok());
    }

    #[test]
    fn a_confirmed_part_can_no_longer_be_cancelled() {
        let r = day("2026-11-23");
        assert_eq!(
            transition(
                OrderStatus::Dikonfirmasi,
                &OrderEvent::Cancel,
                Actor::Partner,
                r,
                r
            ),
            Err(TransitionError::NotAllowed {
                from: OrderStatus::Dikonfirmasi,
                event: "cancel"
            })
        );
    }

    #[test]
    fn expiry_waits_three_working_days() {
        let friday = day("2026-11-27");
        let answer_by = expires_on(friday, &Holidays::default());
        assert_eq!(answer_by, day("2026-12-02"));
        let expire = |today| {
            transition(
                OrderStatus::Baru,
                &OrderEvent::Expire,
                Actor::System,
                answer_by,
                today,
            )
        };
        assert_eq!(
            expire(day("2026-12-01")),
            Err(TransitionError::TooEarly {
                until: day("2026-12-02")
            })
        );
        assert_eq!(expire(day("2026-12-02")), Ok(OrderStatus::Kedaluwarsa));
    }

    #[test]
    fn holidays_give_the_ikm_more_time_to_answer() {
        // An order on the Wednesday before Christmas: Thu 24 (cuti bersama) and Fri 25 are
        // off, so the IKM has until the Wednesday after, not the Monday.
        let natal = Holidays::from_dates([day("2026-12-24"), day("2026-12-25")]);
        assert_eq!(expires_on(day("2026-12-23"), &natal), day("2026-12-30"));
        assert_eq!(
            expires_on(day("2026-12-23"), &Holidays::default()),
            day("2026-12-28")
        );
    }

    #[test]
    fn declining_needs_a_reason_and_shipping_a_courier_and_receipt() {
        let r = day("2026-11-23");
        let decline = OrderEvent::Decline {
            reason: "  ".into(),
        };
        assert_eq!(
            transition(OrderStatus::Baru, &decline, Actor::Ikm, r, r),
            Err(TransitionError::Missing("reason"))
        );
        let ship = OrderEvent::Ship {
            courier: "JNE".into(),
            receipt: "".into(),
        };
        assert_eq!(
            transition(OrderStatus::Diproses, &ship, Actor::Ikm, r, r),
            Err(TransitionError::Missing("receipt"))
        );
    }

    /// A small deterministic generator, so the property test needs no extra crate.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Statuses reachable from `baru` by the specification's arrows.
    fn reachable_by_path(path: &[OrderStatus]) -> bool {
        path.windows(2).all(|w| {
            [
                "confirm",
                "decline",
                "cancel",
                "expire",
                "start_production",
                "ship",
                "complete",
            ]
            .iter()
            .any(|e| legal(w[0], e) == Some(w[1]))
        })
    }

    #[test]
    fn no_sequence_of_events_reaches_an_illegal_state() {
        let events = all_events();
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let received = day("2026-11-23");
        let answer_by = expires_on(received, &Holidays::default());
        for _ in 0..20_000 {
            let mut status = OrderStatus::Baru;
            let mut path = vec![status];
            let mut today = received;
            for _ in 0..12 {
                let event = &events[rng.next(events.len())];
                let actor = ACTORS[rng.next(ACTORS.len())];
                today = today.add_days(rng.next(3) as i64);
                // A refused event leaves the status as it was.
                if let Ok(next) = transition(status, event, actor, answer_by, today) {
                    assert!(
                        !status.is_final(),
                        "{status:?} is final but moved to {next:?}"
                    );
                    status = next;
                    path.push(status);
                }
            }
            assert!(reachable_by_path(&path), "illegal path {path:?}");
            // Shipping always went through confirmation and production.
            if let Some(i) = path.iter().position(|s| *s == OrderStatus::Dikirim) {
                assert_eq!(
                    &path[..i],
                    &[
                        OrderStatus::Baru,
                        OrderStatus::Dikonfirmasi,
                        OrderStatus::Diproses
                    ]
                );
            }
        }
    }

    #[test]
    fn status_slugs_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_slug(s.slug()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.slug())
            );
        }
        for s in OrderStatus::ALL {
            assert_eq!(allowed_events(s).is_empty(), s.is_final());
        }
    }

    #[test]
    fn events_read_from_json() {
        let e: OrderEvent =
            serde_json::from_str(r#"{"action":"ship","courier":"JNE","receipt":"JN0012345"}"#)
                .unwrap();
        assert_eq!(
            e,
            OrderEvent::Ship {
                courier: "JNE".into(),
                receipt: "JN0012345".into()
            }
        );
        let c: OrderEvent = serde_json::from_str(
            r#"{"action":"confirm","prices":[{"line":0,"unit_price":41000}],"lead_time_days":7}"#,
        )
        .unwrap();
        assert_eq!(c.name(), "confirm");
    }
}
