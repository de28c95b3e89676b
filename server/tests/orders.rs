//! Partner ordering through the API: exactly-once submission, all-or-nothing storage,
//! field errors, tracking behind the secret, and only legal status changes.

mod common;

use common::{config_in, post, request, seed_path, spawn_app, spawn_with, TestApp};
use etalase_core::api::{ApiError, OrderCreated, Tracking};
use etalase_core::order::{Actor, OrderEvent, OrderStatus};
use etalase_core::request::BuyerType;
use etalase_core::{Date, Kabupaten};
use serde_json::json;

async fn count(app: &TestApp, table: &str) -> i64 {
    app.state
        .db
        .scalar_unchecked(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap()
}

fn secret_of(created: &OrderCreated) -> String {
    created
        .tracking_path
        .split("?t=")
        .nth(1)
        .unwrap()
        .to_owned()
}

/// Submits the standard three-IKM request and returns what was created, with its secret.
async fn submit(app: &TestApp, key: &str) -> (OrderCreated, String) {
    let created: OrderCreated = post(app, key, &request()).await.json().await.unwrap();
    let secret = secret_of(&created);
    (created, secret)
}

#[tokio::test]
async fn a_request_is_split_per_ikm_and_tracked_by_its_secret_link() {
    let app = spawn_app().await;

    let res = post(&app, "key-0000000001", &request()).await;

    assert_eq!(res.status(), 201);
    let created: OrderCreated = res.json().await.unwrap();
    assert!(created.code.starts_with("ETL-2"), "{}", created.code);
    assert_eq!(created.parts.len(), 3);
    let secret = secret_of(&created);
    assert_eq!(secret.len(), 32, "128 bits in hex");
    assert!(created
        .tracking_path
        .starts_with(&format!("/pesanan/{}?t=", created.code)));
    for part in &created.parts {
        assert!(
            part.whatsapp_link.starts_with("https://wa.me/628"),
            "{}",
            part.whatsapp_link
        );
        assert!(part.whatsapp_link.contains(&created.code));
    }

    let tracking: Tracking = app
        .get(&format!("/api/v1/orders/{}?t={secret}", created.code))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tracking.parts.len(), 3);
    assert!(tracking
        .parts
        .iter()
        .all(|p| p.status == OrderStatus::Baru && p.cancellable));
    assert_eq!(tracking.parts[0].events.len(), 1);
    assert_eq!(tracking.total, created.total);
    // What the invoice needs: the buyer as entered, each seller's PKP status as in the catalog.
    assert_eq!(tracking.buyer_type, BuyerType::Bumn);
    assert_eq!(tracking.npwp, "012345678901000");
    assert_eq!(tracking.phone, "+6281270001234");
    assert_eq!(tracking.kabupaten, Kabupaten::BandarLampung);
    let catalog = app.state.catalog();
    for part in &tracking.parts {
        let ikm = catalog.catalog.ikm(part.ikm.as_str()).unwrap();
        assert_eq!(part.ikm_pkp, ikm.pkp, "{}", ikm.slug);
    }
    // The secret itself is not stored, only its hash.
    let stored = app
        .state
        .db
        .texts_unchecked("SELECT secret_sha256 FROM order_request")
        .await
        .unwrap();
    assert_ne!(stored[0][0].as_deref(), Some(secret.as_str()));
}

#[tokio::test]
async fn sequential_duplicates_create_one_request_and_replay_the_response() {
    let app = spawn_app().await;
    let first = post(&app, "key-sequential-1", &request()).await;
    let first_status = first.status();
    let first_body = first.text().await.unwrap();
    let again = post(&app, "key-sequential-1", &request()).await;

    assert_eq!(first_status, 201);
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first_body);
    assert_eq!(count(&app, "order_request").await, 1);
    assert_eq!(count(&app, "ikm_order").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_create_exactly_one_request() {
    let app = spawn_app().await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, url, body) = (
            app.client.clone(),
            format!("{}/api/v1/orders", app.base),
            request(),
        );
        sends.spawn(async move {
            let res = client
                .post(url)
                .header("Idempotency-Key", "key-concurrent-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        });
    }
    let answers = sends.join_all().await;

    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{answers:?}"
    );
    assert!(
        answers.windows(2).all(|w| w[0].1 == w[1].1),
        "every duplicate gets the same answer"
    );
    assert_eq!(count(&app, "order_request").await, 1);
    assert_eq!(count(&app, "ikm_order").await, 3);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = spawn_app().await;
    assert_eq!(
        post(&app, "key-reused-0001", &request()).await.status(),
        201
    );
    let mut other = request();
    other["company"] = "PT Lain".into();
    let res = post(&app, "key-reused-0001", &other).await;
    assert_eq!(res.status(), 409);
    let err: ApiError = res.json().await.unwrap();
    assert_eq!(err.code, "idempotency_key_reused");
    assert_eq!(count(&app, "order_request").await, 1);
}

#[tokio::test]
async fn one_bad_line_stores_nothing_and_names_the_fields() {
    let app = spawn_app().await;
    let mut body = request();
    body["lines"][1]["quantity"] = 52.into(); // minimum 10, steps of 5
    body["phone"] = "0721 123".into();
    body["email"] = "rina@".into();

    let res = post(&app, "key-invalid-0001", &body).await;

    assert_eq!(res.status(), 422);
    let err: ApiError = res.json().await.unwrap();
    assert_eq!(err.code, "invalid");
    assert!(
        err.fields["lines[1].quantity"].contains("kelipatan 5"),
        "{:?}",
        err.fields
    );
    assert!(err.fields.contains_key("phone"));
    assert!(err.fields.contains_key("email"));
    for table in [
        "order_request",
        "ikm_order",
        "order_line",
        "order_event",
        "idempotency",
    ] {
        assert_eq!(count(&app, table).await, 0, "{table}");
    }
}

#[tokio::test]
async fn field_errors_speak_english_when_asked() {
    let app = spawn_app().await;
    let mut body = request();
    body["needed_by"] = etalase_server::clock::today_wib()
        .add_days(3)
        .to_string()
        .into();
    let res = app
        .client
        .post(format!("{}/api/v1/orders", app.base))
        .header("Idempotency-Key", "key-english-001")
        .header("Accept-Language", "en-US,en;q=0.9")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: ApiError = res.json().await.unwrap();
    assert!(
        err.fields["needed_by"].starts_with("Too soon for Tapis Adat Premium")
            || err.fields["needed_by"].starts_with("Too soon for Kain Tapis Motif Pucuk Rebung"),
        "{:?}",
        err.fields
    );
}

#[tokio::test]
async fn changed_prices_are_shown_before_anything_is_stored() {
    let app = spawn_app().await;
    let mut body = request();
    body["lines"][1]["seen_unit_price"] = 1.into();
    let res = post(&app, "key-price-00001", &body).await;
    assert_eq!(res.status(), 409);
    let err: ApiError = res.json().await.unwrap();
    assert_eq!(err.code, "price_changed");
    assert_eq!(err.price_changes.len(), 1);
    assert_eq!(
        err.price_changes[0].product.as_str(),
        "kopi-robusta-bubuk-250-g"
    );
    assert_eq!(count(&app, "order_request").await, 0);
}

#[tokio::test]
async fn malformed_requests_get_clear_errors() {
    let app = spawn_app().await;
    // No key.
    let res = app
        .client
        .post(format!("{}/api/v1/orders", app.base))
        .json(&request())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<ApiError>().await.unwrap().code,
        "idempotency_key"
    );
    // Not JSON.
    let res = app
        .client
        .post(format!("{}/api/v1/orders", app.base))
        .header("Idempotency-Key", "key-notjson-01")
        .header("Content-Type", "text/plain")
        .body("halo")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    // Over 64 KB.
    let mut big = request();
    big["notes"] = "x".repeat(70 * 1024).into();
    let res = post(&app, "key-toolarge-01", &big).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "too_large");
    // Wrong shape.
    let res = post(&app, "key-badshape-01", &json!({ "lines": "semua" })).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "bad_json");
    assert_eq!(count(&app, "order_request").await, 0);
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_the_same_404_as_an_unknown_code() {
    let app = spawn_app().await;
    let created: OrderCreated = post(&app, "key-secret-0001", &request())
        .await
        .json()
        .await
        .unwrap();
    let wrong = "0".repeat(32);
    let unknown = app
        .get(&format!("/api/v1/orders/ETL-2000-999999?t={wrong}"))
        .await;
    let bad = app
        .get(&format!("/api/v1/orders/{}?t={wrong}", created.code))
        .await;
    let missing = app.get(&format!("/api/v1/orders/{}", created.code)).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(bad.status(), 404);
    assert_eq!(missing.status(), 404);
    let (a, b, c) = (
        unknown.text().await.unwrap(),
        bad.text().await.unwrap(),
        missing.text().await.unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(b, c);
}

#[tokio::test]
async fn the_partner_cancels_a_new_part_but_not_a_confirmed_one() {
    let app = spawn_app().await;
    let (created, secret) = submit(&app, "key-cancel-0001").await;
    let cancel = |ikm: String, secret: String| {
        let url = format!(
            "{}/api/v1/orders/{}/parts/{ikm}/cancel",
            app.base, created.code
        );
        let client = app.client.clone();
        async move {
            client
                .post(url)
                .json(&json!({ "secret": secret }))
                .send()
                .await
                .unwrap()
        }
    };

    let first = created.parts[0].ikm.to_string();
    let res = cancel(first.clone(), secret.clone()).await;
    assert_eq!(res.status(), 200);
    let tracking: Tracking = res.json().await.unwrap();
    assert_eq!(tracking.parts[0].status, OrderStatus::Dibatalkan);
    assert_eq!(tracking.parts[1].status, OrderStatus::Baru);
    assert_eq!(
        tracking.parts[0].events.last().unwrap().actor,
        Actor::Partner
    );

    // The admin's audit log names the partner as the one who cancelled.
    let rows = app
        .state
        .db
        .texts_unchecked(
            "SELECT username, action, object, from_value, to_value FROM audit_log \
             ORDER BY id DESC LIMIT 1",
        )
        .await
        .unwrap();
    let row: Vec<String> = rows[0].iter().map(|v| v.clone().unwrap()).collect();
    let (who, action, object, from, to) = (&row[0], &row[1], &row[2], &row[3], &row[4]);
    assert_eq!(
        (who.as_str(), action.as_str(), from.as_str(), to.as_str()),
        ("pemesan", "cancel", "baru", "dibatalkan")
    );
    assert!(
        object.contains(&created.code) && object.contains(&first),
        "{object}"
    );

    // Twice is illegal: 409.
    assert_eq!(cancel(first, secret.clone()).await.status(), 409);
    // With a wrong secret: 404, and nothing changes.
    let second = created.parts[1].ikm.to_string();
    assert_eq!(cancel(second.clone(), "f".repeat(32)).await.status(), 404);

    // Once the IKM has confirmed, the partner can no longer cancel.
    let part_id = app
        .state
        .db
        .scalar_unchecked(&format!(
            "SELECT id FROM ikm_order WHERE ikm_slug = '{second}'"
        ))
        .await
        .unwrap();
    let today = etalase_server::clock::today_wib();
    let confirm = OrderEvent::Confirm {
        prices: vec![],
        lead_time_days: Some(5),
    };
    etalase_server::orders::apply_event(
        &app.state.db,
        part_id,
        &confirm,
        Actor::Ikm,
        today,
        &app.state.holidays(),
    )
    .await
    .unwrap();
    let res = cancel(second, secret).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.json::<ApiError>().await.unwrap().code,
        "illegal_transition"
    );
}

#[tokio::test]
async fn confirming_with_a_changed_price_updates_the_part_and_the_timeline() {
    let app = spawn_app().await;
    let (created, secret) = submit(&app, "key-confirm-001").await;
    let part_id = app
        .state
        .db
        .scalar_unchecked("SELECT id FROM ikm_order ORDER BY id LIMIT 1")
        .await
        .unwrap();
    let today = etalase_server::clock::today_wib();
    let db = &app.state.db;
    use etalase_core::order::PriceAdjustment;
    use etalase_server::orders::apply_event;
    let confirm = OrderEvent::Confirm {
        prices: vec![PriceAdjustment {
            line: 0,
            unit_price: etalase_core::Rupiah(10_000),
        }],
        lead_time_days: Some(7),
    };
    apply_event(
        db,
        part_id,
        &confirm,
        Actor::Ikm,
        today,
        &app.state.holidays(),
    )
    .await
    .unwrap();
    apply_event(
        db,
        part_id,
        &OrderEvent::StartProduction,
        Actor::Ikm,
        today,
        &app.state.holidays(),
    )
    .await
    .unwrap();
    // Shipping without a receipt number is refused; with one it goes through.
    let no_receipt = OrderEvent::Ship {
        courier: "JNE".into(),
        receipt: " ".into(),
    };
    assert!(apply_event(
        db,
        part_id,
        &no_receipt,
        Actor::Ikm,
        today,
        &app.state.holidays()
    )
    .await
    .is_err());
    let ship = OrderEvent::Ship {
        courier: "JNE".into(),
        receipt: "JN0012345678".into(),
    };
    apply_event(db, part_id, &ship, Actor::Ikm, today, &app.state.holidays())
        .await
        .unwrap();
    // Completing twice: the second is illegal.
    apply_event(
        db,
        part_id,
        &OrderEvent::Complete,
        Actor::Ikm,
        today,
        &app.state.holidays(),
    )
    .await
    .unwrap();
    assert!(apply_event(
        db,
        part_id,
        &OrderEvent::Complete,
        Actor::Ikm,
        today,
        &app.state.holidays()
    )
    .await
    .is_err());

    let tracking: Tracking = app
        .get(&format!("/api/v1/orders/{}?t={secret}", created.code))
        .await
        .json()
        .await
        .unwrap();
    let part = &tracking.parts[0];
    assert_eq!(part.status, OrderStatus::Selesai);
    assert_eq!(part.lead_time_days, Some(7));
    assert_eq!(
        part.lines[0].confirmed_unit_price,
        Some(etalase_core::Rupiah(10_000))
    );
    assert_eq!(part.subtotal.amount(), 10_000 * 120);
    assert_eq!(part.courier.as_deref(), Some("JNE"));
    assert_eq!(part.receipt.as_deref(), Some("JN0012345678"));
    let steps: Vec<OrderStatus> = part.events.iter().map(|e| e.to).collect();
    assert_eq!(
        steps,
        [
            OrderStatus::Baru,
            OrderStatus::Dikonfirmasi,
            OrderStatus::Diproses,
            OrderStatus::Dikirim,
            OrderStatus::Selesai
        ]
    );
    assert!(!part.cancellable);
}

#[tokio::test]
async fn unanswered_parts_expire_after_three_working_days() {
    let app = spawn_app().await;
    post(&app, "key-expire-0001", &request()).await;
    let today = etalase_server::clock::today_wib();
    let db = &app.state.db;
    assert_eq!(
        etalase_server::orders::expire_overdue(db, today, &app.state.holidays())
            .await
            .unwrap(),
        0
    );
    let later: Date = today.add_days(7);
    assert_eq!(
        etalase_server::orders::expire_overdue(db, later, &app.state.holidays())
            .await
            .unwrap(),
        3
    );
    let n = db
        .scalar_unchecked("SELECT COUNT(*) FROM ikm_order WHERE status = 'kedaluwarsa'")
        .await
        .unwrap();
    assert_eq!(n, 3);
    let n = db
        .scalar_unchecked(
            "SELECT COUNT(*) FROM audit_log WHERE username = 'sistem' AND action = 'expire' \
             AND account_id IS NULL AND to_value = 'kedaluwarsa'",
        )
        .await
        .unwrap();
    assert_eq!(n, 3, "each expiry is in the audit log under the system");
}

#[tokio::test]
async fn holidays_give_the_ikm_more_time_before_a_part_expires() {
    let dir = tempfile::tempdir().unwrap();
    let today = etalase_server::clock::today_wib();
    // Lebaran-like: the next two weeks are all days off.
    let list: String = (1..=14)
        .map(|n| format!("{} Cuti bersama\n", today.add_days(n)))
        .collect();
    let holidays = dir.path().join("libur.txt");
    std::fs::write(&holidays, list).unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.holidays = holidays;
    let app = spawn_with(dir, config).await;
    post(&app, "key-holiday-0001", &request()).await;
    let db = &app.state.db;
    let holidays = app.state.holidays();
    let expire = |day: Date| etalase_server::orders::expire_overdue(db, day, &holidays);

    // A week later nobody has worked a day yet: nothing expires.
    assert_eq!(expire(today.add_days(7)).await.unwrap(), 0);
    // After the holidays and three working days, the unanswered parts do.
    assert_eq!(expire(today.add_days(30)).await.unwrap(), 3);
}

#[tokio::test]
async fn a_bad_holiday_line_stops_the_start_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let holidays = dir.path().join("libur.txt");
    std::fs::write(&holidays, "# 2026\n2026-12-25 Natal\n25/12/2026 Natal\n").unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.holidays = holidays;
    let err = match etalase_server::build_state(&config).await {
        Ok(_) => panic!("a bad holiday list must stop the start"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("libur.txt: line 3"), "{err}");
}

/// The counts kept per (IKM, status) agree with the parts themselves.
async fn assert_counts_agree(app: &TestApp) {
    let db = &app.state.db;
    let mut counted = db
        .texts_unchecked(
            "SELECT ikm_slug, status, CAST(COUNT(*) AS TEXT) FROM ikm_order \
             GROUP BY ikm_slug, status",
        )
        .await
        .unwrap();
    let mut kept = db
        .texts_unchecked(
            "SELECT ikm_slug, status, CAST(parts AS TEXT) FROM part_count WHERE parts <> 0",
        )
        .await
        .unwrap();
    counted.sort();
    kept.sort();
    assert_eq!(kept, counted, "kept counts match the parts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_orders_is_stored_once_each_within_the_allowance() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), common::INDEX).unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.orders_per_hour = 30;
    let app = spawn_with(dir, config).await;
    // 50 requests, and ten of them sent twice: all at once, so they share batches.
    let mut sends = tokio::task::JoinSet::new();
    for n in 0..60 {
        let key = format!("key-burst-{:02}", n % 50);
        let (client, url, body) = (
            app.client.clone(),
            format!("{}/api/v1/orders", app.base),
            request(),
        );
        sends.spawn(async move {
            let res = client
                .post(url)
                .header("Idempotency-Key", &key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let replayed = res.headers().get("idempotent-replayed").is_some();
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.unwrap();
            (key, status, replayed, body)
        });
    }
    let answers = sends.join_all().await;
    let new: Vec<_> = answers
        .iter()
        .filter(|(_, status, replayed, _)| *status == 201 && !replayed)
        .collect();
    assert_eq!(new.len(), 30, "exactly the allowance is stored");
    assert_eq!(count(&app, "order_request").await, 30);
    assert_eq!(count(&app, "ikm_order").await, 90);
    assert_eq!(count(&app, "order_event").await, 90);
    let mut codes: Vec<&str> = new.iter().map(|a| a.3["code"].as_str().unwrap()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 30, "each its own code");
    let year = etalase_server::clock::today_wib().year();
    let expected: Vec<String> = (1..=30).map(|n| format!("ETL-{year}-{n:06}")).collect();
    assert_eq!(codes, expected, "numbered without gaps");
    for (key, status, replayed, body) in &answers {
        match (status, replayed) {
            (201, false) => {}
            // A repeat answers as the request it repeats, whichever batch it fell in.
            (201, true) => {
                let first = new
                    .iter()
                    .find(|a| &a.0 == key)
                    .expect("its first was stored");
                assert_eq!(body, &first.3);
            }
            (429, _) => assert_eq!(body["code"], "too_many_orders", "{body}"),
            other => panic!("{key}: unexpected {other:?} {body}"),
        }
    }
    assert_counts_agree(&app).await;
}

#[tokio::test]
async fn the_counts_per_status_follow_every_change() {
    let app = spawn_app().await;
    for n in 0..3 {
        let res = post(&app, &format!("key-counts-{n}"), &request()).await;
        assert_eq!(res.status(), 201);
    }
    let today = etalase_server::clock::today_wib();
    let db = &app.state.db;
    let part = db
        .scalar_unchecked("SELECT id FROM ikm_order ORDER BY id LIMIT 1")
        .await
        .unwrap();
    let confirm = OrderEvent::Confirm {
        prices: vec![],
        lead_time_days: Some(5),
    };
    etalase_server::orders::apply_event(
        db,
        part,
        &confirm,
        Actor::Ikm,
        today,
        &app.state.holidays(),
    )
    .await
    .unwrap();
    // Twice is refused, and counts nothing.
    assert!(etalase_server::orders::apply_event(
        db,
        part,
        &confirm,
        Actor::Ikm,
        today,
        &app.state.holidays()
    )
    .await
    .is_err());
    etalase_server::orders::expire_overdue(db, today.add_days(10), &app.state.holidays())
        .await
        .unwrap();
    assert_counts_agree(&app).await;
    let counts = etalase_server::orders::list::status_counts(db, None)
        .await
        .unwrap();
    let of = |s: OrderStatus| counts.iter().find(|c| c.status == s).unwrap().count;
    assert_eq!(of(OrderStatus::Dikonfirmasi), 1);
    assert_eq!(of(OrderStatus::Kedaluwarsa), 8);
    assert_eq!(of(OrderStatus::Baru), 0);
}

#[tokio::test]
async fn a_product_retired_in_storage_is_not_sold_even_before_this_server_reloads() {
    let app = spawn_app().await;
    // Retired by another server a moment ago: storage says so, this server's catalog not yet.
    app.state
        .db
        .execute_unchecked(
            "UPDATE product SET retired = TRUE WHERE slug = 'kopi-robusta-bubuk-250-g'",
        )
        .await
        .unwrap();
    assert!(app
        .state
        .catalog()
        .catalog
        .product("kopi-robusta-bubuk-250-g")
        .is_some());
    let res = post(&app, "key-retired-race-1", &request()).await;
    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "product_unavailable");
    assert!(error.message.contains("Kopi Robusta"), "{}", error.message);
    assert_eq!(count(&app, "order_request").await, 0);
    // The key is free: the same request without the product goes through.
    let mut body = request();
    body["lines"] = json!([{ "product": "keripik-pisang-coklat-250-g", "quantity": 120 }]);
    assert_eq!(post(&app, "key-retired-race-2", &body).await.status(), 201);
}
