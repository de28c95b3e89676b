//! Two servers on one PostgreSQL behave as one site: an edit on one is served by the other
//! within two seconds, an order taken by one is tracked on the other, throttles count across
//! both, each part expires once however many servers run the job, and servers starting
//! together seed once. Runs in the PostgreSQL pass of `cargo xtask test` (SQLite is one
//! process's file: there is nothing to replicate).

mod common;

use common::{config_in, post, request, seed_path, spawn_with, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::catalog::Catalog;
use etalase_core::product_edit::ProductInput;
use etalase_server::config::Config;
use serde_json::json;
use std::time::{Duration, Instant};

const COFFEE: &str = "kopi-gunung-betung";
const PRODUCT: &str = "kopi-robusta-bubuk-250-g";
/// How soon another server must serve an edit.
const WITHIN: Duration = Duration::from_secs(2);

/// A folder with a stand-in `dist/`, as `spawn_app` makes.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), common::INDEX).unwrap();
    dir
}

/// Two servers, each with its own folder, on one new database.
async fn two_servers(tune: impl Fn(&mut Config)) -> Option<(TestApp, TestApp)> {
    if !common::on_postgres() {
        eprintln!("replicas need PostgreSQL: run `cargo xtask test-postgres`");
        return None;
    }
    let (dir_a, dir_b) = (folder(), folder());
    let mut a = config_in(dir_a.path(), seed_path());
    tune(&mut a);
    let b = Config {
        dist: dir_b.path().join("dist"),
        media: dir_b.path().join("media"),
        demo_credentials: dir_b.path().join("demo-akun.txt"),
        ..a.clone()
    };
    let a = spawn_with(dir_a, a).await;
    let b = spawn_with(dir_b, b).await;
    Some((a, b))
}

async fn catalog(app: &TestApp) -> Catalog {
    app.get("/api/v1/catalog").await.json().await.unwrap()
}

/// Asks `check` until it holds, for at most [`WITHIN`]; answers how long it took.
async fn within_two_seconds<F, Fut>(what: &str, check: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < WITHIN,
            "{what}: not seen on the other server within {WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn owner(app: &TestApp) -> Session {
    let password = app.account(COFFEE, Role::Ikm, Some(COFFEE)).await;
    app.login(COFFEE, &password).await
}

/// The IKM changes the product's price on `server` through its desk.
async fn set_price(server: &TestApp, session: &Session, price: i64) {
    let mut input = ProductInput::from_product(catalog(server).await.product(PRODUCT).unwrap());
    input.price = etalase_core::Rupiah(price);
    let res = server
        .post_as(
            session,
            &format!("/api/v1/desk/products/{PRODUCT}"),
            &json!(input),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_price_edit_and_a_retirement_on_one_server_are_served_by_the_other() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    let session = owner(&a).await;
    set_price(&a, &session, 51_000).await;

    let took = within_two_seconds("the new price", || async {
        catalog(&b).await.product(PRODUCT).unwrap().price.amount() == 51_000
    })
    .await;
    eprintln!("price edit seen on the other server after {took:?}");
    // An order placed on the other server at the old price is told the price changed.
    let mut body = request();
    body["lines"] = json!([{ "product": PRODUCT, "quantity": 10, "seen_unit_price": 44_000 }]);
    let res = post(&b, "key-replica-price-1", &body).await;
    assert_eq!(res.status(), 409, "sold at the old price");

    // Retired on one server: the other stops selling it.
    let res = a
        .post_as(
            &session,
            &format!("/api/v1/desk/products/{PRODUCT}/retired"),
            &json!({ "value": true }),
        )
        .await;
    assert_eq!(res.status(), 200);
    within_two_seconds("the retirement", || async {
        catalog(&b).await.product(PRODUCT).is_none()
    })
    .await;
    let mut body = request();
    body["lines"] = json!([{ "product": PRODUCT, "quantity": 50 }]);
    let res = post(&b, "key-replica-retired-1", &body).await;
    assert_eq!(res.status(), 422, "a retired product is not sold");
}

#[tokio::test]
async fn a_holiday_added_on_one_server_counts_on_the_other() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    let password = a.account("disperindag", Role::Admin, None).await;
    let boss = a.login("disperindag", &password).await;
    let day = etalase_server::clock::today_wib().add_days(40).to_string();
    let res = a
        .post_as(
            &boss,
            "/api/v1/admin/holidays",
            &json!({ "day": day, "name": "Hari Jadi Provinsi Lampung" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    within_two_seconds("the holiday", || async {
        b.state
            .holidays()
            .entries()
            .any(|(d, name)| d.to_string() == day && name == "Hari Jadi Provinsi Lampung")
    })
    .await;
    // The session made on one server works on the other: sessions live in the database.
    let res = b.get_as(&boss, "/api/v1/admin/holidays").await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Hari Jadi Provinsi Lampung"));
}

#[tokio::test]
async fn an_order_taken_by_one_server_is_tracked_and_worked_on_the_other() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    let res = post(&a, "key-replica-order-1", &request()).await;
    assert_eq!(res.status(), 201);
    let created: etalase_core::api::OrderCreated = res.json().await.unwrap();
    let tracked = b
        .get(
            &created
                .tracking_path
                .replace("/pesanan/", "/api/v1/orders/"),
        )
        .await;
    assert_eq!(tracked.status(), 200);
    let tracking: etalase_core::api::Tracking = tracked.json().await.unwrap();
    assert_eq!(tracking.code, created.code);
    assert_eq!(tracking.parts.len(), 3);
    // The same retry on the other server answers the same request, not a second one.
    let again = post(&b, "key-replica-order-1", &request()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: etalase_core::api::OrderCreated = again.json().await.unwrap();
    assert_eq!(again.code, created.code);
    // The IKM confirms on the other server.
    let session = owner(&b).await;
    let res = b
        .post_as(
            &session,
            &format!("/api/v1/desk/orders/{}/events", created.code),
            &json!({ "action": "confirm", "prices": [], "lead_time_days": 5 }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let count = a
        .state
        .db
        .scalar_unchecked("SELECT COUNT(*) FROM order_request")
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn throttles_count_across_servers() {
    let Some((a, b)) = two_servers(|c| c.orders_per_hour = 3).await else {
        return;
    };
    let mut statuses = Vec::new();
    for (n, app) in [&a, &b, &a, &b].into_iter().enumerate() {
        let res = post(app, &format!("key-replica-limit-{n}"), &request()).await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 429]);

    // Failed logins: five for one account, spread over both servers, and the sixth waits.
    a.account("disperindag", Role::Admin, None).await;
    for n in 0..5 {
        let app = if n % 2 == 0 { &a } else { &b };
        let res = app.login_response("disperindag", "bukan-sandinya-1").await;
        assert_eq!(res.status(), 401, "attempt {n}");
    }
    let res = b.login_response("disperindag", "bukan-sandinya-1").await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn each_part_expires_once_however_many_servers_run_the_job() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    for n in 0..4 {
        let res = post(&a, &format!("key-replica-expire-{n}"), &request()).await;
        assert_eq!(res.status(), 201);
    }
    let later = etalase_server::clock::today_wib().add_days(10);
    let (ha, hb) = (a.state.holidays(), b.state.holidays());
    let (on_a, on_b) = tokio::join!(
        etalase_server::orders::expire_overdue(&a.state.db, later, &ha),
        etalase_server::orders::expire_overdue(&b.state.db, later, &hb),
    );
    assert_eq!(on_a.unwrap() + on_b.unwrap(), 12, "twelve parts, each once");
    let db = &a.state.db;
    let events = db
        .scalar_unchecked("SELECT COUNT(*) FROM order_event WHERE to_status = 'kedaluwarsa'")
        .await
        .unwrap();
    assert_eq!(events, 12);
    let audit = db
        .scalar_unchecked("SELECT COUNT(*) FROM audit_log WHERE action = 'expire'")
        .await
        .unwrap();
    assert_eq!(audit, 12);
}

#[tokio::test]
async fn a_photo_uploaded_through_one_server_is_served_by_the_other() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    let session = owner(&a).await;
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let res = a
        .client
        .post(format!("{}/api/v1/desk/products/{PRODUCT}/photo", a.base))
        .header("Cookie", &session.cookie)
        .header("Origin", &a.base)
        .header("Content-Type", "image/jpeg")
        .body(jpeg)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let product: etalase_core::product_edit::DeskProduct = res.json().await.unwrap();
    for size in &product.product.images[0].sizes {
        let res = b.get(&size.src).await;
        assert_eq!(res.status(), 200, "{}", size.src);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
    }
    // The share image drawn by the other server shows it too (it reads the same photo).
    within_two_seconds("the photo in the catalog", || async {
        catalog(&b).await.product(PRODUCT).unwrap().images[0].src == product.product.images[0].src
    })
    .await;
    assert_eq!(
        b.get(&format!("/og/produk/{PRODUCT}.jpg")).await.status(),
        200
    );
}

#[tokio::test]
async fn servers_starting_together_on_an_empty_database_seed_it_once() {
    if !common::on_postgres() {
        return;
    }
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| folder()).collect();
    let first = config_in(dirs[0].path(), seed_path());
    let configs: Vec<Config> = dirs
        .iter()
        .map(|d| Config {
            demo_accounts: true,
            demo_credentials: d.path().join("demo-akun.txt"),
            dist: d.path().join("dist"),
            ..first.clone()
        })
        .collect();
    let starts = configs.iter().map(etalase_server::build_state);
    let states = futures_util::future::join_all(starts).await;
    let states: Vec<_> = states
        .into_iter()
        .map(|s| s.expect("every server starts"))
        .collect();
    let db = &states[0].db;
    let count = |sql: &'static str| async move { db.scalar_unchecked(sql).await.unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM ikm").await, 40);
    assert_eq!(count("SELECT COUNT(*) FROM account").await, 41);
    let written = dirs
        .iter()
        .filter(|d| d.path().join("demo-akun.txt").exists())
        .count();
    assert_eq!(
        written, 1,
        "one server made the demo accounts and wrote them down"
    );
    for state in &states {
        assert_eq!(state.catalog().catalog.ikm.len(), 40);
    }
}

#[tokio::test]
async fn a_server_that_lost_its_change_feed_catches_up() {
    let Some((a, b)) = two_servers(|_| {}).await else {
        return;
    };
    // Every listening connection cut, as a network blip or a PostgreSQL restart would.
    let cut = a
        .state
        .db
        .scalar_unchecked(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        )
        .await
        .unwrap();
    assert!(cut >= 2, "both servers listen ({cut} cut)");
    let session = owner(&a).await;
    set_price(&a, &session, 52_500).await;
    within_two_seconds("the edit made while the feed was down", || async {
        catalog(&b).await.product(PRODUCT).unwrap().price.amount() == 52_500
    })
    .await;
}
