//! What an outside review broke, each as the test that would have caught it: an IKM acting on
//! a competitor's part, secrets left in the database, money that overflows into every list,
//! concurrent writers failing, a burst beating the login throttle, plain-text errors, and
//! unbounded lists.

mod common;

use common::{config_in, post, request, seed_path, spawn_app, spawn_with, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::admin::AdminOrders;
use etalase_core::api::{ApiError, DeskOrder, Inbox, OrderCreated, Tracking};
use reqwest::Method;
use serde_json::json;

const COFFEE: &str = "kopi-gunung-betung";
const CHIPS: &str = "keripik-pisang-kenanga";

async fn ikm(app: &TestApp, slug: &str) -> Session {
    let p = app.account(slug, Role::Ikm, Some(slug)).await;
    app.login(slug, &p).await
}

async fn admin(app: &TestApp) -> Session {
    let p = app.account("disperindag", Role::Admin, None).await;
    app.login("disperindag", &p).await
}

fn secret_of(created: &OrderCreated) -> String {
    created
        .tracking_path
        .split("?t=")
        .nth(1)
        .expect("a secret in the tracking path")
        .to_owned()
}

/// The partner's tracking document, through its tracking link.
async fn track(app: &TestApp, created: &OrderCreated) -> Tracking {
    app.get(
        &created
            .tracking_path
            .replace("/pesanan/", "/api/v1/orders/"),
    )
    .await
    .json()
    .await
    .unwrap()
}

/// A POST as our own pages send it (our `Origin`, the session's cookie if any, JSON), sent at
/// once on its own task: what one of a burst of parallel clients does. Answers its status.
fn send_later(
    app: &TestApp,
    session: Option<&Session>,
    path: &str,
    headers: &[(&str, String)],
    body: serde_json::Value,
) -> tokio::task::JoinHandle<u16> {
    let mut req = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Origin", &app.base)
        .json(&body);
    if let Some(s) = session {
        req = req.header("Cookie", &s.cookie);
    }
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    tokio::spawn(async move { req.send().await.unwrap().status().as_u16() })
}

async fn statuses_of(tasks: Vec<tokio::task::JoinHandle<u16>>) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(tasks.len());
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

async fn create(app: &TestApp, key: &str) -> OrderCreated {
    let res = post(app, key, &request()).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

#[tokio::test]
async fn an_ikm_is_sent_its_desk_never_the_partners_secret_and_cannot_touch_another_part() {
    let app = spawn_app().await;
    let created = create(&app, "key-trust-0001").await;
    let secret = secret_of(&created);
    for part in &created.parts {
        assert!(
            !part.whatsapp_link.contains(&secret),
            "the WhatsApp message to {} carries the partner's secret",
            part.ikm
        );
        assert!(
            part.whatsapp_link
                .contains(&format!("%2Fdesk%2Fpesanan%2F{}", created.code))
                || part
                    .whatsapp_link
                    .contains(&format!("/desk/pesanan/{}", created.code)),
            "{}",
            part.whatsapp_link
        );
    }

    // The coffee roaster's desk shows its own part and its own total only.
    let coffee = ikm(&app, COFFEE).await;
    let doc: DeskOrder = app
        .get_as(&coffee, &format!("/api/v1/desk/orders/{}", created.code))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc.request.parts.len(), 1);
    let part = doc.part().unwrap();
    assert_eq!(part.ikm.as_str(), COFFEE);
    assert_eq!(doc.request.total, part.subtotal);
    assert!(doc.request.total < created.total);
    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains(&secret));
    assert!(!text.contains(CHIPS), "another IKM's part leaked: {text}");

    // Nothing the desk offers acts on the chips maker's part: its events are refused…
    let res = app
        .post_as(
            &coffee,
            &format!("/api/v1/desk/orders/{}/events", created.code),
            &json!({"action": "decline", "reason": "habis"}),
        )
        .await;
    assert_eq!(res.status(), 200, "its own part");
    let chips = ikm(&app, CHIPS).await;
    let tracking = track(&app, &created).await;
    let chips_part = tracking
        .parts
        .iter()
        .find(|p| p.ikm.as_str() == CHIPS)
        .unwrap();
    assert_eq!(chips_part.status.slug(), "baru", "untouched by the roaster");
    // …and a partner-only cancel needs the secret the roaster never got.
    let res = app
        .send_as(
            Some(&coffee),
            Method::POST,
            &format!("/api/v1/orders/{}/parts/{CHIPS}/cancel", created.code),
            &json!({"secret": ""}),
        )
        .await;
    assert_eq!(res.status(), 404);
    drop(chips);
}

/// Every text value of every table, as a copy of the database file would show it.
async fn database_text(app: &TestApp) -> String {
    let db = &app.state.db;
    let tables = db.table_names().await.unwrap();
    assert!(tables.iter().any(|t| t == "session"), "{tables:?}");
    let mut all = String::new();
    for table in tables {
        // Photos (bytes) are left out: they hold no text.
        let columns = db
            .texts_unchecked(&if common::on_postgres() {
                format!(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_name = '{table}' AND data_type <> 'bytea'"
                )
            } else {
                format!("SELECT name FROM pragma_table_info('{table}') WHERE type <> 'BLOB'")
            })
            .await
            .unwrap();
        for column in columns.into_iter().filter_map(|mut row| row.remove(0)) {
            let values = db
                .texts_unchecked(&format!(
                    "SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\""
                ))
                .await
                .unwrap();
            for v in values.into_iter().filter_map(|mut row| row.remove(0)) {
                all.push_str(&v);
                all.push('\n');
            }
        }
    }
    all
}

#[tokio::test]
async fn a_copy_of_the_database_opens_nothing_and_replays_still_answer_the_same() {
    let app = spawn_app().await;
    let key = "key-trust-sealed-01";
    let created = create(&app, key).await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;
    let session_id = session.cookie.split('=').nth(1).unwrap().to_owned();
    // Someone types the password into the name field: the failure is counted, not kept.
    let res = app.login_response(&password, "anything-at-all").await;
    assert_eq!(res.status(), 401);

    let dump = database_text(&app).await;
    let secret = secret_of(&created);
    assert!(!dump.contains(&secret), "a tracking secret is stored");
    assert!(!dump.contains(&session_id), "a session id is stored");
    assert!(!dump.contains(&password), "a password is stored");
    assert!(!dump.contains(key), "an idempotency key is stored");

    // A retry within the day still answers the same code and the same tracking link.
    let again = post(&app, key, &request()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let replayed: OrderCreated = again.json().await.unwrap();
    assert_eq!(replayed, created);

    // Six days on, a phone's last retry by itself still gets the same answer.
    let ttl = etalase_core::api::IDEMPOTENCY_TTL_SECS;
    let phone_gives_up = etalase_core::api::OUTBOX_RESEND_SECS;
    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE idempotency SET created_at = created_at - {}",
            phone_gives_up - 1
        ))
        .await
        .unwrap();
    let last: OrderCreated = post(&app, key, &request()).await.json().await.unwrap();
    assert_eq!(last, created);

    // Past the server's memory the record is gone: the sweep deletes it, and a late retry is
    // a new request.
    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE idempotency SET created_at = created_at - {}",
            ttl - phone_gives_up + 2
        ))
        .await
        .unwrap();
    let late = post(&app, key, &request()).await;
    assert_eq!(late.status(), 201);
    assert!(late.headers().get("idempotent-replayed").is_none());
    let late: OrderCreated = late.json().await.unwrap();
    assert_ne!(late.code, created.code);
    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE idempotency SET created_at = created_at - {}",
            ttl + 1
        ))
        .await
        .unwrap();
    let swept = etalase_server::orders::sweep_idempotency(
        &app.state.db,
        etalase_server::clock::unix_secs(),
    )
    .await
    .unwrap();
    assert_eq!(swept, 1);
}

/// The same request written otherwise (a phone's newer build sending what an older one wrote
/// down: other spacing, other field order, a field this server does not read) under its key
/// is a repeat, answered with the request stored; a changed request under it is refused.
#[tokio::test]
async fn a_repeat_written_otherwise_is_the_same_request_and_a_changed_one_is_refused() {
    let app = spawn_app().await;
    let key = "key-trust-rewritten-01";
    let created = create(&app, key).await;
    let mut fields: Vec<(String, serde_json::Value)> = match request() {
        serde_json::Value::Object(map) => map.into_iter().collect(),
        _ => unreachable!("the test request is an object"),
    };
    fields.reverse();
    let mut text = String::from("{\n  \"seen_by_a_newer_build\": true");
    for (name, value) in &fields {
        text.push_str(&format!(",\n  {}:   {}", json!(name), value));
    }
    text.push_str("\n}");
    let again = app
        .client
        .post(format!("{}/api/v1/orders", app.base))
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: OrderCreated = again.json().await.unwrap();
    assert_eq!(again, created);

    let mut changed = request();
    changed["purpose"] = json!("Suvenir tamu");
    let refused = post(&app, key, &changed).await;
    assert_eq!(refused.status(), 409);
    let refused: ApiError = refused.json().await.unwrap();
    assert_eq!(refused.code, "idempotency_key_reused");
}

#[tokio::test]
async fn a_price_near_two_to_the_63_is_refused_and_a_bad_row_never_takes_a_list_down() {
    let app = spawn_app().await;
    let first = create(&app, "key-trust-money-01").await;
    let second = create(&app, "key-trust-money-02").await;
    let coffee = ikm(&app, COFFEE).await;
    let boss = admin(&app).await;

    // The review's overflow, and the edge of the bound: refused with a clear error.
    for price in [9_000_000_000_000_000_000i64, 10_000_000_001, 0, -1] {
        let res = app
            .post_as(
                &coffee,
                &format!("/api/v1/desk/orders/{}/events", first.code),
                &json!({"action": "confirm", "prices": [{"line": 0, "unit_price": price}]}),
            )
            .await;
        assert_eq!(res.status(), 400, "price {price}");
        let err: ApiError = res.json().await.unwrap();
        assert_eq!(err.code, "invalid_adjustment");
    }
    // A number past i64 is a JSON error, not a 500.
    let res = app
        .client
        .post(format!(
            "{}/api/v1/desk/orders/{}/events",
            app.base, first.code
        ))
        .header("Origin", &app.base)
        .header("Cookie", &coffee.cookie)
        .header("Content-Type", "application/json")
        .body(r#"{"action":"confirm","prices":[{"line":0,"unit_price":99999999999999999999}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.json::<ApiError>().await.is_ok());

    // A row broken in storage (written by hand, an old bug, a bad migration) is left out of
    // the lists; every other order still shows.
    // (SQLite keeps a number past i64 as a float; PostgreSQL's types refuse it, so there the
    // broken row carries a status no version ever wrote.)
    let broken = if common::on_postgres() {
        "status = 'rusak'"
    } else {
        "subtotal = 1.8e19"
    };
    let changed = app
        .state
        .db
        .execute_unchecked(&format!(
            "UPDATE ikm_order SET {broken} WHERE ikm_slug = '{COFFEE}' AND request_id = \
             (SELECT id FROM order_request WHERE code = '{}')",
            first.code
        ))
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let res = app.get_as(&boss, "/api/v1/admin/orders").await;
    assert_eq!(res.status(), 200);
    let all: AdminOrders = res.json().await.unwrap();
    assert!(all.orders.iter().any(|o| o.code == second.code));
    assert!(
        all.orders.iter().any(|o| o.code == first.code),
        "its other parts still show"
    );
    let res = app.get_as(&coffee, "/api/v1/desk/orders").await;
    assert_eq!(res.status(), 200);
    let inbox: Inbox = res.json().await.unwrap();
    assert!(inbox.orders.iter().any(|o| o.code == second.code));
    let res = app.get_as(&boss, "/api/v1/admin/stats").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn concurrent_writers_wait_their_turn_instead_of_failing() {
    let app = spawn_app().await;
    let mut codes = Vec::new();
    for i in 0..30 {
        codes.push(create(&app, &format!("key-trust-busy-{i:04}")).await.code);
    }
    let coffee = ikm(&app, COFFEE).await;
    let boss = admin(&app).await;
    let mut tasks = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        tasks.push(send_later(
            &app,
            Some(&coffee),
            &format!("/api/v1/desk/orders/{code}/events"),
            &[],
            json!({"action": "decline", "reason": "stok habis"}),
        ));
        let key = ("Idempotency-Key", format!("key-trust-more-{i:04}"));
        tasks.push(send_later(&app, None, "/api/v1/orders", &[key], request()));
        tasks.push(send_later(
            &app,
            Some(&boss),
            &format!("/api/v1/admin/ikm/{COFFEE}/verified"),
            &[],
            json!({"value": i % 2 == 0}),
        ));
    }
    let statuses = statuses_of(tasks).await;
    let failed = statuses.iter().filter(|s| **s >= 500).count();
    assert_eq!(failed, 0, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 201].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_gets_at_most_the_allowed_verifications() {
    let app = spawn_app().await;
    app.account(COFFEE, Role::Ikm, Some(COFFEE)).await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (base, client) = (app.base.clone(), app.client.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/v1/auth/login"))
                .header("Origin", &base)
                .json(&json!({"username": COFFEE, "password": "salah-sekali-123"}))
                .send()
                .await
                .unwrap()
        }));
    }
    let mut wrong = 0;
    for t in tasks {
        let res = t.await.unwrap();
        match res.status().as_u16() {
            401 => wrong += 1,
            429 | 503 => assert!(res.headers().get("retry-after").is_some()),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        wrong <= etalase_server::accounts::MAX_FAILURES_PER_ACCOUNT,
        "{wrong} passwords were verified"
    );
}

#[tokio::test]
async fn every_api_error_is_our_json_and_private_answers_are_never_stored() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    let long = "a".repeat(5_000);
    let cases: Vec<(Method, String, u16)> = vec![
        (
            Method::POST,
            "/api/v1/admin/accounts/abc/disabled".into(),
            400,
        ),
        (Method::GET, "/api/v1/admin/orders?status=%ff".into(), 400),
        (Method::GET, "/api/v1/admin/orders?limit=-3".into(), 400),
        (Method::GET, "/api/v1/admin/orders?cursor=zz".into(), 400),
        (Method::GET, "/api/v1/admin/audit?cursor=x".into(), 400),
        (Method::GET, "/api/v1/nothing-here".into(), 404),
        (Method::PUT, "/api/v1/orders".into(), 405),
        (Method::GET, format!("/api/v1/orders/{long}"), 404),
        (Method::GET, format!("/media/{long}.jpg"), 404),
        (Method::GET, "/media/a/b/c/../../x".into(), 404),
    ];
    for (method, path, status) in cases {
        let res = app
            .client
            .request(method.clone(), format!("{}{path}", app.base))
            .header("Cookie", &boss.cookie)
            .header("Origin", &app.base)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        let short: String = path.chars().take(60).collect();
        assert_eq!(res.status().as_u16(), status, "{method} {short}");
        let body: Result<ApiError, _> = res.json().await;
        assert!(body.is_ok(), "{method} {short}: not our JSON error");
    }
    // A 5,000-character page path is the app's not-found page, not a 500.
    let res = app.get(&format!("/{long}")).await;
    assert_eq!(res.status(), 404);

    for path in [
        "/api/v1/admin/orders",
        "/api/v1/admin/audit",
        "/api/v1/auth/me",
    ] {
        let res = app.get_as(&boss, path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn order_requests_are_limited_per_address_and_replays_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.orders_per_hour = 2;
    let app = spawn_with(dir, config).await;
    let first = create(&app, "key-trust-limit-01").await;
    create(&app, "key-trust-limit-02").await;
    let res = post(&app, "key-trust-limit-03", &request()).await;
    assert_eq!(res.status(), 429);
    assert!(
        res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    let err: ApiError = res.json().await.unwrap();
    assert_eq!(err.code, "too_many_orders");
    // The partner whose answer was lost still gets it.
    let again = post(&app, "key-trust-limit-01", &request()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<OrderCreated>().await.unwrap().code, first.code);
}

#[tokio::test]
async fn lists_come_in_pages_and_the_csv_streams_every_row() {
    let app = spawn_app().await;
    let mut codes = Vec::new();
    for i in 0..7 {
        codes.push(create(&app, &format!("key-trust-page-{i:04}")).await.code);
    }
    let boss = admin(&app).await;
    // 7 requests × 3 parts, 4 rows a page: every part exactly once, newest first.
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/orders?limit=4".to_owned();
    loop {
        let page: AdminOrders = app.get_as(&boss, &path).await.json().await.unwrap();
        assert!(page.orders.len() <= 4);
        seen.extend(
            page.orders
                .iter()
                .map(|o| (o.code.clone(), o.ikm.to_string())),
        );
        match page.next_cursor {
            Some(c) => path = format!("/api/v1/admin/orders?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 21);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 21);
    assert_eq!(seen[0].0, codes[6]);
    // A limit above the maximum is held to it.
    let page: AdminOrders = app
        .get_as(&boss, "/api/v1/admin/orders?limit=100000")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.orders.len(), 21);

    let csv = app.get_as(&boss, "/api/v1/admin/orders.csv").await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 1 + 21);
    for code in &codes {
        assert!(text.contains(code.as_str()));
    }
    // Compressed, as every browser asks for it: the whole file, not a cut connection.
    let gz = app
        .client
        .get(format!("{}/api/v1/admin/orders.csv", app.base))
        .header("Cookie", &boss.cookie)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.status(), 200);
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let bytes = gz.bytes().await.unwrap();
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, text);
}

#[tokio::test]
async fn https_sites_send_hsts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), common::INDEX).unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.public_url = Some("https://etalase.example".into());
    let app = spawn_with(dir, config).await;
    let res = app.get("/").await;
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    let plain = spawn_app().await;
    assert!(plain
        .get("/")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn a_burst_of_crawlers_draws_a_share_image_once() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (base, client) = (app.base.clone(), app.client.clone());
        tasks.push(tokio::spawn(async move {
            client
                .get(format!("{base}/og/produk/kopi-robusta-bubuk-250-g.jpg"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(
        app.state
            .og_cache
            .drawn
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn two_admins_creating_one_name_get_one_account_and_audit_names_are_reserved() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    let tasks = (0..12)
        .map(|_| {
            send_later(
                &app,
                Some(&boss),
                "/api/v1/admin/accounts",
                &[],
                json!({"username": "kasir-kopi", "ikm": COFFEE}),
            )
        })
        .collect();
    let statuses = statuses_of(tasks).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 422, 503].contains(s)),
        "{statuses:?}"
    );
    for name in ["pemesan", "sistem", "ikm"] {
        let res = app
            .post_as(
                &boss,
                "/api/v1/admin/accounts",
                &json!({"username": name, "ikm": COFFEE}),
            )
            .await;
        assert_eq!(res.status(), 422, "{name}");
    }
}

#[tokio::test]
async fn a_confirmation_moves_the_request_total_and_long_texts_are_refused() {
    let app = spawn_app().await;
    let created = create(&app, "key-trust-total-01").await;
    let coffee = ikm(&app, COFFEE).await;
    let path = format!("/api/v1/desk/orders/{}/events", created.code);
    let res = app
        .post_as(
            &coffee,
            &path,
            &json!({"action": "decline", "reason": "x".repeat(501)}),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "too_long");
    // The roaster confirms its 50 packs at Rp 1 more each: the request total follows.
    let doc: DeskOrder = app
        .get_as(&coffee, &format!("/api/v1/desk/orders/{}", created.code))
        .await
        .json()
        .await
        .unwrap();
    let line = &doc.part().unwrap().lines[0];
    let new_price = line.unit_price.amount() + 1;
    let res = app
        .post_as(
            &coffee,
            &path,
            &json!({"action": "confirm", "prices": [{"line": 0, "unit_price": new_price}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let tracking = track(&app, &created).await;
    assert_eq!(
        tracking.total.amount(),
        created.total.amount() + i64::from(line.quantity)
    );
    assert_eq!(
        Some(tracking.total),
        etalase_core::Rupiah::checked_sum(tracking.parts.iter().map(|p| p.subtotal))
    );
}

#[tokio::test]
async fn a_bad_csv_filter_is_a_json_error_before_any_row() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    for query in ["status=bogus", "kabupaten=atlantis", "cursor=x"] {
        let res = app
            .get_as(&boss, &format!("/api/v1/admin/orders.csv?{query}"))
            .await;
        assert_eq!(res.status(), 400, "{query}");
        assert!(res.json::<ApiError>().await.is_ok(), "{query}");
    }
}

/// A copy of the database file is the one thing the secrets' hashing cannot protect
/// everything in (orders, names, phone numbers): only the server's user may read it.
#[cfg(unix)]
#[tokio::test]
async fn the_database_file_is_readable_by_the_server_s_user_only() {
    use std::os::unix::fs::PermissionsExt;
    if common::on_postgres() {
        // The database lives in PostgreSQL's own files, not ours.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db/etalase.db");
    let config = config_in(dir.path(), seed_path());
    let db = etalase_server::store::Db::connect(&config.database_url)
        .await
        .unwrap();
    db.ping().await.unwrap();
    for file in [path.clone(), path.with_extension("db-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

/// A NUL character reaches no database: PostgreSQL refuses such text (it answered 500, and the
/// failed order never counted against the hourly allowance) while SQLite would keep it.
#[tokio::test]
async fn a_nul_character_is_refused_everywhere_before_storage() {
    let app = spawn_app().await;
    let mut body = request();
    body["company"] = "PT A\u{0}B".into();
    let res = post(&app, "key-trust-nul-01", &body).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "nul_character");
    let mut body = request();
    body["lines"][0]["note"] = "label\u{0}".into();
    assert_eq!(post(&app, "key-trust-nul-02", &body).await.status(), 400);
    let stored = app
        .state
        .db
        .scalar_unchecked("SELECT COUNT(*) FROM order_request")
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let res = app
        .send_as(
            None,
            Method::POST,
            "/api/v1/auth/login",
            &json!({"username": "a\u{0}b", "password": "x"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    let coffee = ikm(&app, COFFEE).await;
    let boss = admin(&app).await;
    for (who, path, status) in [
        (None, "/api/v1/orders/ETL-2026-000001%00", 404),
        (Some(&coffee), "/api/v1/desk/orders?q=a%00", 400),
        (Some(&coffee), "/api/v1/desk/orders/ETL%00", 404),
        (Some(&boss), "/api/v1/admin/orders?ikm=a%00", 400),
        (
            Some(&boss),
            "/api/v1/admin/orders/ETL-2026-000001/a%00",
            404,
        ),
        (None, "/produk/kopi%00", 404),
    ] {
        let res = match who {
            Some(session) => app.get_as(session, path).await,
            None => app.get(path).await,
        };
        assert_eq!(res.status(), status, "{path}");
    }
}
