//! Moving a part through the core state machine: atomically (the status changes only if it is
//! still the one the decision was made on), recorded in the part's history and the audit log,
//! and the expiry of parts left unanswered.

use crate::accounts::audit::{self, Who};
use crate::accounts::Account;
use crate::clock::now_utc;
use crate::store::{self, Db, Tx};
use crate::web::error::AppError;
use etalase_core::order::{
    check_event, expires_on, transition, Actor, OrderEvent, OrderStatus, PartLine, TransitionError,
};
use etalase_core::{Date, Holidays, Rupiah};

pub(super) async fn record_event(
    tx: &mut Tx,
    part_id: i64,
    actor: Actor,
    from: Option<OrderStatus>,
    to: OrderStatus,
    note: &str,
) -> Result<(), AppError> {
    store::orders::record_event(
        tx,
        part_id,
        &now_utc(),
        actor_slug(actor),
        from.map(OrderStatus::slug),
        to.slug(),
        note,
    )
    .await?;
    Ok(())
}

fn actor_slug(actor: Actor) -> &'static str {
    match actor {
        Actor::Partner => "partner",
        Actor::Ikm => "ikm",
        Actor::System => "system",
    }
}

pub(super) fn actor_from_slug(s: &str) -> Actor {
    match s {
        "ikm" => Actor::Ikm,
        "system" => Actor::System,
        _ => Actor::Partner,
    }
}

/// Applies an event to one IKM's part, through the core state machine, atomically: the
/// status changes only if it is still the one the decision was made on.
pub async fn apply_event(
    db: &Db,
    part_id: i64,
    event: &OrderEvent,
    actor: Actor,
    today: Date,
    holidays: &Holidays,
) -> Result<OrderStatus, AppError> {
    apply_event_by(db, part_id, event, actor, today, holidays, None).await
}

/// [`apply_event`] made by a logged-in account. Every change also goes to the audit log, in
/// the same transaction: under the account, else under the partner or the system.
pub async fn apply_event_by(
    db: &Db,
    part_id: i64,
    event: &OrderEvent,
    actor: Actor,
    today: Date,
    holidays: &Holidays,
    by: Option<&Account>,
) -> Result<OrderStatus, AppError> {
    let mut tx = db.write_tx().await?;
    let store::orders::PartState {
        status,
        received_on,
        code,
        ikm_slug: ikm,
        request_id,
    } = store::orders::part_state(&mut tx, part_id)
        .await?
        .ok_or(AppError::NotFound("Pesanan tidak ditemukan."))?;
    // The request's total is the sum of its parts': two IKM confirming at once on two
    // servers must not each sum a stale copy.
    store::orders::lock_request(&mut tx, request_id).await?;
    let stored_lines = store::orders::line_prices(&mut tx, part_id).await?;
    let lines = stored_lines
        .into_iter()
        .map(|(quantity, price, agreed)| {
            Some(PartLine {
                quantity: u32::try_from(quantity).ok()?,
                unit_price: Rupiah(price),
                agreed,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| anyhow::anyhow!("stored lines of part {part_id} are out of range"))?;
    let from = OrderStatus::from_slug(&status)
        .ok_or_else(|| anyhow::anyhow!("stored status {status:?} is unknown"))?;
    let received = Date::parse(&received_on)
        .ok_or_else(|| anyhow::anyhow!("stored date {received_on:?} is not a date"))?;
    let answer_by = expires_on(received, holidays);
    let to = transition(from, event, actor, answer_by, today).map_err(|e| match e {
        TransitionError::Missing(field) => {
            AppError::BadRequest("missing", format!("{field} wajib diisi."))
        }
        other => AppError::Conflict("illegal_transition", other.to_string()),
    })?;
    let confirmed_subtotal = check_event(event, &lines).map_err(|e| match e {
        TransitionError::Invalid("prices") => AppError::BadRequest(
            "invalid_adjustment",
            format!(
                "prices: di luar batas yang diizinkan (harga satuan Rp 1 sampai {}, nilai \
                 pesanan paling banyak {}).",
                etalase_core::money::MAX_UNIT_PRICE,
                etalase_core::money::MAX_ORDER_TOTAL
            ),
        ),
        TransitionError::Invalid("agreed_price") => AppError::Unprocessable(
            "agreed_price",
            "Harga ini sudah disepakati dalam penawaran yang diterima pemesan: boleh diturunkan, \
             tidak boleh dinaikkan."
                .into(),
        ),
        TransitionError::Invalid("lead_time_days") => AppError::BadRequest(
            "invalid_adjustment",
            format!(
                "lead_time_days: paling lama {} hari.",
                etalase_core::order::MAX_LEAD_TIME_DAYS
            ),
        ),
        TransitionError::Invalid(field) => AppError::BadRequest(
            "too_long",
            format!(
                "{field}: terlalu panjang (alasan paling banyak {} karakter, kurir dan nomor \
                 resi {}).",
                etalase_core::order::MAX_REASON_CHARS,
                etalase_core::order::MAX_SHIPPING_CHARS
            ),
        ),
        other => AppError::Conflict("illegal_transition", other.to_string()),
    })?;
    let mut note = String::new();
    match event {
        OrderEvent::Confirm {
            prices,
            lead_time_days,
        } => {
            for adj in prices {
                store::orders::confirm_line_price(
                    &mut tx,
                    part_id,
                    adj.line as i64,
                    adj.unit_price.amount(),
                )
                .await?;
            }
            // The subtotal core computed with checked arithmetic, never SQL's.
            let subtotal = confirmed_subtotal
                .ok_or_else(|| anyhow::anyhow!("a confirmation without a subtotal"))?;
            store::orders::confirm_part(
                &mut tx,
                part_id,
                lead_time_days.map(i64::from),
                subtotal.amount(),
            )
            .await?;
            // The request's total follows its parts' agreed subtotals.
            let subtotals = store::orders::subtotals(&mut tx, request_id).await?;
            let total = Rupiah::checked_sum(subtotals.into_iter().map(Rupiah))
                .ok_or_else(|| anyhow::anyhow!("request {code}: parts overflow a total"))?;
            store::orders::set_total(&mut tx, request_id, total.amount()).await?;
        }
        OrderEvent::Decline { reason } => {
            note = reason.trim().to_owned();
            store::orders::set_decline_reason(&mut tx, part_id, &note).await?;
        }
        OrderEvent::Ship { courier, receipt } => {
            note = format!("{} {}", courier.trim(), receipt.trim());
            store::orders::set_shipping(&mut tx, part_id, courier.trim(), receipt.trim()).await?;
        }
        _ => {}
    }
    let moved = store::orders::move_status(&mut tx, part_id, from.slug(), to.slug()).await?;
    if !moved {
        return Err(AppError::Conflict(
            "concurrent_change",
            "Pesanan ini baru saja berubah. Muat ulang dan coba lagi.".into(),
        ));
    }
    record_event(&mut tx, part_id, actor, Some(from), to, &note).await?;
    let who = match (by, actor) {
        (Some(account), _) => Who::Account(account),
        (None, Actor::System) => Who::System,
        (None, Actor::Partner) => Who::Partner,
        (None, Actor::Ikm) => Who::Ikm,
    };
    let object = format!("pesanan {code} / {ikm}");
    audit::record_by(&mut tx, who, event.name(), &object, from.slug(), to.slug()).await?;
    tx.commit().await?;
    Ok(to)
}

/// Expires every part left `baru` past its time to answer. Returns how many expired.
pub async fn expire_overdue(db: &Db, today: Date, holidays: &Holidays) -> Result<usize, AppError> {
    let rows = store::orders::waiting_parts(db).await?;
    let mut expired = 0;
    for (id, received_on) in rows {
        let overdue = Date::parse(&received_on).is_some_and(|r| expires_on(r, holidays) <= today);
        if !overdue {
            continue;
        }
        match apply_event(db, id, &OrderEvent::Expire, Actor::System, today, holidays).await {
            Ok(_) => expired += 1,
            // Answered (or expired by another server) since it was read: nothing to do.
            Err(AppError::Conflict(..)) => {}
            Err(e) => tracing::error!(part = id, error = ?e, "expiring an order part failed"),
        }
    }
    Ok(expired)
}
