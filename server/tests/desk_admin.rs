//! The IKM desk and the Disperindag admin through the API: who may call what, the desk's
//! work on an order as the partner sees it, and the admin's curation, numbers and audit log.

mod common;

use common::{post, request, spawn_app, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::admin::{
    AdminIkm, AdminOrders, AuditEntry, AuditPage, Holiday, PasswordReset, Stats,
};
use etalase_core::api::{ApiError, DeskOrder, Inbox, OrderCreated, Tracking};
use etalase_core::order::OrderStatus;
use etalase_core::product_edit::ProductInput;
use reqwest::Method;
use serde_json::{json, Value};

const OWNER: &str = "kopi-gunung-betung";
const OTHER: &str = "madu-hutan-liwa";

struct World {
    app: TestApp,
    owner: Session,
    other: Session,
    admin: Session,
    created: OrderCreated,
}

/// Three accounts (the coffee roaster, the honey maker, the admin) and one request that
/// includes the roaster's coffee but nothing of the honey maker's.
async fn world() -> World {
    let app = spawn_app().await;
    let p = app.account(OWNER, Role::Ikm, Some(OWNER)).await;
    let owner = app.login(OWNER, &p).await;
    let p = app.account(OTHER, Role::Ikm, Some(OTHER)).await;
    let other = app.login(OTHER, &p).await;
    let p = app.account("disperindag", Role::Admin, None).await;
    let admin = app.login("disperindag", &p).await;
    let created: OrderCreated = post(&app, "key-desk-0001", &request())
        .await
        .json()
        .await
        .unwrap();
    World {
        app,
        owner,
        other,
        admin,
        created,
    }
}

async fn call(
    app: &TestApp,
    who: Option<&Session>,
    method: &Method,
    path: &str,
    body: &Value,
) -> u16 {
    let res = if *method == Method::GET {
        let mut req = app.client.get(format!("{}{path}", app.base));
        if let Some(s) = who {
            req = req.header("Cookie", &s.cookie);
        }
        req.send().await.unwrap()
    } else {
        app.send_as(who, method.clone(), path, body).await
    };
    res.status().as_u16()
}

async fn account_id(app: &TestApp, username: &str) -> i64 {
    app.state
        .db
        .scalar_unchecked(&format!(
            "SELECT id FROM account WHERE username = '{username}'"
        ))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_desk_and_admin_endpoint_checks_role_and_ownership() {
    let w = world().await;
    let app = &w.app;
    let code = &w.created.code;
    let other_id = account_id(app, OTHER).await;
    app.account("kopi-kedua", Role::Ikm, Some(OWNER)).await;
    let spare_id = account_id(app, "kopi-kedua").await;
    let get = Method::GET;
    let post = Method::POST;
    let none = json!(null);
    let coffee = "kopi-robusta-bubuk-250-g";
    let catalog: etalase_core::Catalog = app.get("/api/v1/catalog").await.json().await.unwrap();
    let coffee_input = json!(ProductInput::from_product(catalog.product(coffee).unwrap()));
    // (method, path, body, [anonymous, another IKM, admin, owner]). The owner goes last so
    // that a state change it makes does not alter what the others are tested against.
    let matrix: Vec<(Method, String, Value, [u16; 4])> = vec![
        (
            get.clone(),
            "/api/v1/desk/orders".into(),
            none.clone(),
            [401, 200, 403, 200],
        ),
        (
            get.clone(),
            format!("/api/v1/desk/orders/{code}"),
            none.clone(),
            [401, 404, 403, 200],
        ),
        (
            post.clone(),
            format!("/api/v1/desk/orders/{code}/events"),
            json!({ "action": "confirm" }),
            [401, 404, 403, 200],
        ),
        (
            get.clone(),
            "/api/v1/desk/products".into(),
            none.clone(),
            [401, 200, 403, 200],
        ),
        (
            post.clone(),
            "/api/v1/desk/products".into(),
            coffee_input.clone(),
            [401, 200, 403, 200],
        ),
        (
            post.clone(),
            format!("/api/v1/desk/products/{coffee}"),
            coffee_input.clone(),
            [401, 404, 403, 200],
        ),
        (
            post.clone(),
            format!("/api/v1/desk/products/{coffee}/retired"),
            json!({ "value": false }),
            [401, 404, 403, 200],
        ),
        // JSON is not a photo: the owner passes the checks and is told so.
        (
            post.clone(),
            format!("/api/v1/desk/products/{coffee}/photo"),
            json!({}),
            [401, 404, 403, 422],
        ),
        (
            get.clone(),
            "/api/v1/admin/ikm".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            format!("/api/v1/admin/ikm/{OWNER}/verified"),
            json!({ "value": true }),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            "/api/v1/admin/accounts".into(),
            json!({ "username": "madu-kedua", "ikm": OTHER }),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            format!("/api/v1/admin/accounts/{other_id}/disabled"),
            json!({ "value": false }),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            format!("/api/v1/admin/accounts/{spare_id}/password"),
            json!({}),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/orders".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/orders.csv".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            format!("/api/v1/admin/orders/{code}/{OWNER}"),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/stats".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/audit".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/holidays".into(),
            none.clone(),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            "/api/v1/admin/holidays".into(),
            json!({ "day": "2027-03-10", "name": "Idulfitri 1448 H" }),
            [401, 403, 200, 403],
        ),
        (
            post.clone(),
            "/api/v1/admin/holidays/remove".into(),
            json!({ "day": "2027-03-10" }),
            [401, 403, 200, 403],
        ),
    ];
    let callers = [None, Some(&w.other), Some(&w.admin), Some(&w.owner)];
    let names = ["anonymous", "another IKM", "admin", "owner"];
    let mut failures = Vec::new();
    for (method, path, body, expected) in &matrix {
        for (i, who) in callers.iter().enumerate() {
            let got = call(app, *who, method, path, body).await;
            if got != expected[i] {
                failures.push(format!(
                    "{method} {path} as {}: {got}, expected {}",
                    names[i], expected[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");

    // Another IKM's inbox does not list the order at all.
    let inbox: Inbox = app
        .get_as(&w.other, "/api/v1/desk/orders")
        .await
        .json()
        .await
        .unwrap();
    assert!(inbox.orders.is_empty());
}

#[tokio::test]
async fn state_changes_from_another_site_are_refused_even_with_a_session() {
    let w = world().await;
    let res = w
        .app
        .client
        .post(format!(
            "{}/api/v1/desk/orders/{}/events",
            w.app.base, w.created.code
        ))
        .header("Cookie", &w.owner.cookie)
        .header("Origin", "https://penipu.example")
        .json(&json!({ "action": "confirm" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = w
        .app
        .client
        .post(format!(
            "{}/api/v1/desk/orders/{}/events",
            w.app.base, w.created.code
        ))
        .header("Cookie", &w.owner.cookie)
        .header("Origin", &w.app.base)
        .header("Content-Type", "text/plain")
        .body(r#"{"action":"confirm"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let order: DeskOrder = w
        .app
        .get_as(&w.owner, &format!("/api/v1/desk/orders/{}", w.created.code))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order.part().unwrap().status, OrderStatus::Baru);
}

#[tokio::test]
async fn the_desk_works_an_order_and_the_partner_sees_each_step() {
    let w = world().await;
    let app = &w.app;
    let code = &w.created.code;
    let events = format!("/api/v1/desk/orders/{code}/events");

    let inbox: Inbox = app
        .get_as(&w.owner, "/api/v1/desk/orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox.orders.len(), 1);
    assert_eq!(inbox.orders[0].code, *code);
    let new = inbox
        .counts
        .iter()
        .find(|c| c.status == OrderStatus::Baru)
        .unwrap();
    assert_eq!(new.count, 1);

    let order: DeskOrder = app
        .get_as(&w.owner, &format!("/api/v1/desk/orders/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order.request.parts.len(), 1, "only the roaster's own part");
    assert_eq!(order.allowed, vec!["confirm", "decline"]);
    assert!(order.answer_by.is_some());
    assert_eq!(order.request.phone, "+6281270001234");

    // Shipping before confirming is not a move the state machine has.
    let res = app
        .post_as(
            &w.owner,
            &events,
            &json!({ "action": "ship", "courier": "JNE", "receipt": "X1" }),
        )
        .await;
    assert_eq!(res.status(), 409);
    // A price for a line the part does not have is refused, and nothing changes.
    let res = app
        .post_as(
            &w.owner,
            &events,
            &json!({ "action": "confirm", "prices": [{ "line": 5, "unit_price": 1000 }] }),
        )
        .await;
    assert_eq!(res.status(), 400);

    let res = app
        .post_as(
            &w.owner,
            &events,
            &json!({ "action": "confirm", "prices": [{ "line": 0, "unit_price": 39000 }], "lead_time_days": 6 }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let order: DeskOrder = res.json().await.unwrap();
    let part = order.part().unwrap();
    assert_eq!(part.status, OrderStatus::Dikonfirmasi);
    assert_eq!(part.lines[0].agreed_unit_price().amount(), 39_000);
    assert_eq!(order.allowed, vec!["start_production"]);

    for step in [
        json!({ "action": "start_production" }),
        json!({ "action": "ship", "courier": "JNE REG", "receipt": "JN0012345678" }),
    ] {
        assert_eq!(app.post_as(&w.owner, &events, &step).await.status(), 200);
    }

    // The partner's tracking link shows the confirmed price, the lead time and the shipment.
    let secret = w.created.tracking_path.split("?t=").nth(1).unwrap();
    let tracking: Tracking = app
        .get(&format!("/api/v1/orders/{code}?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    let part = tracking
        .parts
        .iter()
        .find(|p| p.ikm.as_str() == OWNER)
        .unwrap();
    assert_eq!(part.status, OrderStatus::Dikirim);
    assert_eq!(part.lead_time_days, Some(6));
    assert_eq!(part.courier.as_deref(), Some("JNE REG"));
    assert_eq!(part.receipt.as_deref(), Some("JN0012345678"));
    assert_eq!(part.lines[0].confirmed_unit_price.unwrap().amount(), 39_000);
    assert_eq!(part.subtotal, part.agreed_subtotal());
    let steps: Vec<OrderStatus> = part.events.iter().map(|e| e.to).collect();
    assert_eq!(
        steps,
        [
            OrderStatus::Baru,
            OrderStatus::Dikonfirmasi,
            OrderStatus::Diproses,
            OrderStatus::Dikirim
        ]
    );

    // Every step is in the audit log under the roaster's account.
    let audit: Vec<AuditEntry> = app
        .get_as(&w.admin, "/api/v1/admin/audit")
        .await
        .json::<AuditPage>()
        .await
        .unwrap()
        .entries;
    let mine: Vec<(&str, &str, &str)> = audit
        .iter()
        .filter(|a| a.username == OWNER)
        .map(|a| (a.action.as_str(), a.from.as_str(), a.to.as_str()))
        .collect();
    assert_eq!(
        mine,
        [
            ("ship", "diproses", "dikirim"),
            ("start_production", "dikonfirmasi", "diproses"),
            ("confirm", "baru", "dikonfirmasi"),
        ]
    );
    assert!(audit[0].object.contains(code.as_str()));
}

#[tokio::test]
async fn the_inbox_filters_by_status_and_searches() {
    let w = world().await;
    let app = &w.app;
    let mut second = request();
    second["company"] = json!("Bank Lampung");
    let _: OrderCreated = post(app, "key-desk-0002", &second)
        .await
        .json()
        .await
        .unwrap();
    let inbox: Inbox = app
        .get_as(&w.owner, "/api/v1/desk/orders?q=bank")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox.orders.len(), 1);
    assert_eq!(inbox.orders[0].company, "Bank Lampung");
    let all: Inbox = app
        .get_as(&w.owner, "/api/v1/desk/orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.orders.len(), 2);
    assert_eq!(all.orders[0].company, "Bank Lampung", "newest first");
    let shipped: Inbox = app
        .get_as(&w.owner, "/api/v1/desk/orders?status=dikirim")
        .await
        .json()
        .await
        .unwrap();
    assert!(shipped.orders.is_empty());
}

#[tokio::test]
async fn verifying_an_ikm_reaches_the_storefront_at_once() {
    let w = world().await;
    let app = &w.app;
    let before = app.get("/api/v1/catalog").await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();

    let res = app
        .post_as(
            &w.admin,
            &format!("/api/v1/admin/ikm/{OWNER}/verified"),
            &json!({ "value": true }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.json::<AdminIkm>().await.unwrap().verified);

    let after = app.get(&format!("/api/v1/ikm/{OWNER}")).await;
    let detail: Value = after.json().await.unwrap();
    assert_eq!(detail["ikm"]["verified"], json!(true));
    let catalog = app.get("/api/v1/catalog").await;
    assert_ne!(catalog.headers()["etag"].to_str().unwrap(), etag);
    let audit: Vec<AuditEntry> = app
        .get_as(&w.admin, "/api/v1/admin/audit")
        .await
        .json::<AuditPage>()
        .await
        .unwrap()
        .entries;
    assert_eq!(
        (
            audit[0].action.as_str(),
            audit[0].from.as_str(),
            audit[0].to.as_str()
        ),
        ("verify_ikm", "false", "true")
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_and_a_reset_password_works_once_given() {
    let w = world().await;
    let app = &w.app;
    let id = account_id(app, OTHER).await;
    let res = app
        .post_as(
            &w.admin,
            &format!("/api/v1/admin/accounts/{id}/disabled"),
            &json!({ "value": true }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get_as(&w.other, "/api/v1/desk/orders").await.status(),
        401
    );

    app.post_as(
        &w.admin,
        &format!("/api/v1/admin/accounts/{id}/disabled"),
        &json!({ "value": false }),
    )
    .await;
    let reset: PasswordReset = app
        .post_as(
            &w.admin,
            &format!("/api/v1/admin/accounts/{id}/password"),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reset.username, OTHER);
    assert_eq!(
        app.login_response(OTHER, &reset.password).await.status(),
        200
    );
    // The admin's own account is not managed through these endpoints.
    let admin_id = account_id(app, "disperindag").await;
    let res = app
        .post_as(
            &w.admin,
            &format!("/api/v1/admin/accounts/{admin_id}/disabled"),
            &json!({ "value": true }),
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_admin_sees_every_order_as_numbers_and_as_csv() {
    let w = world().await;
    let app = &w.app;
    let orders: AdminOrders = app
        .get_as(&w.admin, "/api/v1/admin/orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orders.orders.len(), 3, "one line per IKM part");
    let filtered: AdminOrders = app
        .get_as(&w.admin, &format!("/api/v1/admin/orders?ikm={OWNER}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered.orders.len(), 1);

    let stats: Stats = app
        .get_as(&w.admin, "/api/v1/admin/stats")
        .await
        .json()
        .await
        .unwrap();
    let lampung = stats
        .by_kabupaten
        .iter()
        .find(|s| s.key == "bandar-lampung")
        .unwrap();
    assert_eq!(lampung.requests, 1);
    assert_eq!(lampung.value, w.created.total);
    let categories: i64 = stats.by_category.iter().map(|s| s.value.amount()).sum();
    assert_eq!(categories, w.created.total.amount());
    assert_eq!(stats.by_status[0].key, "baru");
    assert_eq!(stats.by_status[0].requests, 3);
    assert_eq!(stats.by_month.len(), 1);

    let res = app.get_as(&w.admin, "/api/v1/admin/orders.csv").await;
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "header and three parts");
    assert!(lines[0].starts_with("\u{feff}kode,ikm,"));
    assert!(lines[1..].iter().all(|l| l.contains(&w.created.code)));
    assert!(csv.contains("PT Bukit Asam (Persero) Tbk"));
}

#[tokio::test]
async fn the_admin_keeps_the_holiday_list_and_the_desk_deadline_follows_it() {
    let w = world().await;
    let app = &w.app;
    let code = &w.created.code;
    // The "answer by" date the desk shows the owner.
    let deadline = || async {
        let order: DeskOrder = app
            .get_as(&w.owner, &format!("/api/v1/desk/orders/{code}"))
            .await
            .json()
            .await
            .unwrap();
        order.answer_by.unwrap()
    };
    let before = deadline().await;

    // The first working day of the window becomes a day off: the deadline moves one
    // working day later.
    let received = etalase_server::clock::today_wib();
    let mut day_off = received.add_days(1);
    let none = etalase_core::Holidays::default();
    while !day_off.is_working_day(&none) {
        day_off = day_off.add_days(1);
    }
    let res = app
        .post_as(
            &w.admin,
            "/api/v1/admin/holidays",
            &json!({ "day": day_off.to_string(), "name": "Cuti bersama (uji)" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let list: Vec<Holiday> = res.json().await.unwrap();
    assert!(list
        .iter()
        .any(|h| h.day == day_off && h.name == "Cuti bersama (uji)"));
    let after = deadline().await;
    assert_eq!(after, before.add_working_days(1, &none));

    // Bad input: field errors in the caller's language, nothing stored.
    let res = app
        .post_as(
            &w.admin,
            "/api/v1/admin/holidays",
            &json!({ "day": "31-12-2027", "name": "" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert!(error.fields.contains_key("day") && error.fields.contains_key("name"));

    // Removing it gives the day back, and both changes are in the audit log.
    let res = app
        .post_as(
            &w.admin,
            "/api/v1/admin/holidays/remove",
            &json!({ "day": day_off.to_string() }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let back = deadline().await;
    assert_eq!(back, before);
    let audit: Vec<AuditEntry> = app
        .get_as(&w.admin, "/api/v1/admin/audit")
        .await
        .json::<AuditPage>()
        .await
        .unwrap()
        .entries;
    let actions: Vec<&str> = audit.iter().take(2).map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["remove_holiday", "save_holiday"]);
}
