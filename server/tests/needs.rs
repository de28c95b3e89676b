//! Partner needs through the API: posted once, reviewed, on the board without contacts,
//! answered with offers from the desk (each IKM seeing only its own), compared and accepted
//! by the partner — the accepted offers becoming an ordinary order the IKM confirms — and
//! Disperindag's numbers and audit log. Who may call what is a matrix, as for orders.

mod common;

use common::{spawn_app, Session, TestApp};
use etalase_core::account::Role;
use etalase_core::admin::AuditPage;
use etalase_core::api::{ApiError, DeskOrder, Tracking};
use etalase_core::need::{
    AdminNeed, AdminNeeds, DeskNeed, DeskNeeds, NeedBoard, NeedCard, NeedCreated, NeedFollow,
    NeedNews, NeedState, NeedStats, NeedStatus, OfferStatus,
};
use etalase_core::order::OrderStatus;
use reqwest::Method;
use serde_json::{json, Value};

/// Sells snacks (makanan-minuman) in Bandar Lampung.
const SNACKS: &str = "keripik-pisang-kenanga";
/// Sells snacks too.
const CHIPS: &str = "kemplang-teluk-betung";
/// Sells coffee only: the need does not fit it.
const COFFEE: &str = "kopi-gunung-betung";

fn need() -> Value {
    json!({
        "company": "PT Bukit Asam (Persero) Tbk",
        "show_company": false,
        "buyer_type": "bumn",
        "contact_person": "Rina Marlina",
        "phone": "0812 7000 1234",
        "email": "rina@contoh.co.id",
        "address": "Jl. Jend. Sudirman No. 1",
        "kabupaten": "bandar-lampung",
        "title": "Kue kering untuk rapat direksi",
        "category": "makanan-minuman",
        "description": "200 kotak kue kering khas Lampung, kemasan berlogo.",
        "quantity": 200,
        "unit": "kotak",
        "budget": 35000,
        "budget_kind": "per-unit",
        "needed_by": etalase_server::clock::today_wib().add_days(40).to_string(),
        "offer_days": 14
    })
}

async fn post_need(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/needs", app.base))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

struct World {
    app: TestApp,
    snacks: Session,
    chips: Session,
    coffee: Session,
    admin: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let mut sessions = Vec::new();
    for ikm in [SNACKS, CHIPS, COFFEE] {
        let p = app.account(ikm, Role::Ikm, Some(ikm)).await;
        sessions.push(app.login(ikm, &p).await);
    }
    let p = app.account("disperindag", Role::Admin, None).await;
    let admin = app.login("disperindag", &p).await;
    let coffee = sessions.pop().unwrap();
    let chips = sessions.pop().unwrap();
    let snacks = sessions.pop().unwrap();
    World {
        app,
        snacks,
        chips,
        coffee,
        admin,
    }
}

/// The secret of a follow path (`…/kelola?t=<secret>`).
fn secret_of(created: &NeedCreated) -> String {
    created.follow_path.split("?t=").nth(1).unwrap().to_owned()
}

async fn publish(w: &World, code: &str) {
    let res = w
        .app
        .post_as(
            &w.admin,
            &format!("/api/v1/admin/needs/{code}/review"),
            &json!({ "action": "publish" }),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn offer(w: &World, who: &Session, code: &str, body: &Value) -> reqwest::Response {
    w.app
        .send_as(
            Some(who),
            Method::PUT,
            &format!("/api/v1/desk/needs/{code}/offer"),
            body,
        )
        .await
}

/// A need posted, published and offered on by the snack maker: its code, secret and the
/// partner's page.
struct Opened {
    code: String,
    secret: String,
    follow: NeedFollow,
}

async fn opened_with_offer(w: &World, key: &str) -> Opened {
    let app = &w.app;
    let created: NeedCreated = post_need(app, key, &need()).await.json().await.unwrap();
    let code = created.code.clone();
    let secret = secret_of(&created);
    publish(w, &code).await;
    assert_eq!(
        offer(w, &w.snacks, &code, &good_offer()).await.status(),
        200
    );
    let follow: NeedFollow = app
        .get(&format!("/api/v1/needs/{code}/follow?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    Opened {
        code,
        secret,
        follow,
    }
}

fn good_offer() -> Value {
    json!({
        "unit_price": 32000,
        "quantity": 150,
        "lead_time_days": 14,
        "note": "Kemasan kotak kertas, logo sablon.",
        "products": ["keripik-pisang-coklat-250-g"]
    })
}

#[tokio::test]
async fn a_need_goes_from_the_form_to_an_order_the_ikm_confirms() {
    let w = world().await;
    let app = &w.app;

    // Posted once, whatever the retries.
    let res = post_need(app, "need-key-0001", &need()).await;
    assert_eq!(res.status(), 201);
    let created: NeedCreated = res.json().await.unwrap();
    assert!(created.code.starts_with("KBT-"));
    let again = post_need(app, "need-key-0001", &need()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again.json::<NeedCreated>().await.unwrap(), created);
    let mut other = need();
    other["quantity"] = json!(300);
    assert_eq!(post_need(app, "need-key-0001", &other).await.status(), 409);
    let secret = secret_of(&created);
    let code = created.code.clone();

    // Not public before review; the admin sees it with its contact.
    let board: NeedBoard = app.get("/api/v1/needs").await.json().await.unwrap();
    assert!(board.needs.is_empty());
    assert_eq!(
        app.get(&format!("/api/v1/needs/{code}")).await.status(),
        404
    );
    let queue: AdminNeeds = app
        .get_as(&w.admin, "/api/v1/admin/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.needs.len(), 1);
    assert_eq!(queue.needs[0].contact.phone.e164(), "+6281270001234");
    assert_eq!(queue.needs[0].status, NeedStatus::Menunggu);
    publish(&w, &code).await;

    // On the board: no contact, no company (not allowed), filterable.
    let res = app.get("/api/v1/needs").await;
    let text = res.text().await.unwrap();
    for secret_field in [
        "0812",
        "6281270001234",
        "rina@contoh.co.id",
        "Sudirman",
        "Bukit Asam",
    ] {
        assert!(!text.contains(secret_field), "{secret_field} on the board");
    }
    let board: NeedBoard = serde_json::from_str(&text).unwrap();
    assert_eq!(board.total, 1);
    assert_eq!(board.needs[0].state, NeedState::Open);
    assert_eq!(board.needs[0].company, None);
    let wastra: NeedBoard = app
        .get("/api/v1/needs?kategori=wastra")
        .await
        .json()
        .await
        .unwrap();
    assert!(wastra.needs.is_empty());
    let here: NeedBoard = app
        .get("/api/v1/needs?kategori=makanan-minuman&kabupaten=bandar-lampung")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(here.total, 1);
    let card: NeedCard = app
        .get(&format!("/api/v1/needs/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(card.title, "Kue kering untuk rapat direksi");

    // The desk: the need fits the snack makers, new until seen; not the roaster's.
    let desk: DeskNeeds = app
        .get_as(&w.snacks, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(desk.new_count, 1);
    assert!(desk.needs[0].fits && desk.needs[0].new);
    let news: NeedNews = app
        .get_as(&w.snacks, "/api/v1/desk/needs/news")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        news,
        NeedNews {
            new_count: 1,
            decided_count: 0
        }
    );
    let coffee: DeskNeeds = app
        .get_as(&w.coffee, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert!(coffee.needs.is_empty() && coffee.new_count == 0);
    let coffee_all: DeskNeeds = app
        .get_as(&w.coffee, "/api/v1/desk/needs?semua=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(coffee_all.needs.len(), 1);
    assert!(!coffee_all.needs[0].fits);
    let seen = app
        .send_as(
            Some(&w.snacks),
            Method::POST,
            "/api/v1/desk/needs/seen",
            &json!({}),
        )
        .await;
    assert_eq!(seen.status(), 204);
    let desk: DeskNeeds = app
        .get_as(&w.snacks, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(desk.new_count, 0);

    // Offers, checked against the need.
    let mut too_many = good_offer();
    too_many["quantity"] = json!(201);
    too_many["lead_time_days"] = json!(60);
    too_many["products"] = json!(["kopi-robusta-bubuk-250-g"]);
    let res = offer(&w, &w.snacks, &code, &too_many).await;
    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert!(error.fields["quantity"].contains("200 kotak"));
    assert!(error.fields["lead_time_days"].contains("setelah tanggal dibutuhkan"));
    assert!(
        error.fields.contains_key("products[0]"),
        "another IKM's product"
    );
    let res = offer(&w, &w.snacks, &code, &good_offer()).await;
    assert_eq!(res.status(), 200);
    let mine: DeskNeed = res.json().await.unwrap();
    let snack_offer = mine.offer.unwrap();
    assert_eq!(snack_offer.total.amount(), 32_000 * 150);
    assert_eq!(
        snack_offer.products[0].slug.as_str(),
        "keripik-pisang-coklat-250-g"
    );
    let mut chips_offer = good_offer();
    chips_offer["products"] = json!([]);
    chips_offer["unit_price"] = json!(30000);
    chips_offer["quantity"] = json!(200);
    assert_eq!(offer(&w, &w.chips, &code, &chips_offer).await.status(), 200);
    // Each IKM sees its own offer only.
    let chips_desk: DeskNeeds = app
        .get_as(&w.chips, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        chips_desk.needs[0]
            .offer
            .as_ref()
            .unwrap()
            .unit_price
            .amount(),
        30_000
    );
    let text = app
        .get_as(&w.chips, "/api/v1/desk/needs")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !text.contains("32000"),
        "the chips maker sees the snack maker's price"
    );

    // The partner compares both, and accepts the snack maker's.
    let follow: NeedFollow = app
        .get(&format!("/api/v1/needs/{code}/follow?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(follow.offers.len(), 2);
    assert!(follow
        .offers
        .iter()
        .all(|o| o.whatsapp_link.starts_with("https://wa.me/62")));
    assert_eq!(
        follow.need.company.as_deref(),
        Some("PT Bukit Asam (Persero) Tbk")
    );
    let snack = follow
        .offers
        .iter()
        .find(|o| o.ikm.as_str() == SNACKS)
        .unwrap();
    let chosen = json!({ "id": snack.id, "version": snack.version });
    let res = app
        .send_as(
            None,
            Method::POST,
            &format!("/api/v1/needs/{code}/accept"),
            &json!({ "secret": secret, "offers": [chosen] }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: NeedFollow = res.json().await.unwrap();
    assert_eq!(after.status, NeedStatus::Ditutup);
    assert_eq!(after.orders.len(), 1);
    let status_of = |ikm: &str| {
        after
            .offers
            .iter()
            .find(|o| o.ikm.as_str() == ikm)
            .unwrap()
            .status
    };
    assert_eq!(status_of(SNACKS), OfferStatus::Diterima);
    assert_eq!(status_of(CHIPS), OfferStatus::TidakDipilih);
    // Accepting again, or closing, is refused now.
    let res = app
        .send_as(
            None,
            Method::POST,
            &format!("/api/v1/needs/{code}/accept"),
            &json!({ "secret": secret, "offers": [chosen] }),
        )
        .await;
    assert_eq!(res.status(), 409);

    // The order: tracked with the need's secret, on the snack maker's desk, confirmed there.
    let order = &after.orders[0];
    let tracking: Tracking = app
        .get(&format!("/api/v1/orders/{}?t={secret}", order.code))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tracking.parts.len(), 1);
    assert_eq!(tracking.parts[0].ikm.as_str(), SNACKS);
    assert_eq!(tracking.parts[0].lines[0].quantity, 150);
    assert_eq!(tracking.parts[0].lines[0].unit_price.amount(), 32_000);
    assert_eq!(tracking.total.amount(), 32_000 * 150);
    assert!(tracking.purpose.contains(&code));
    let desk_order: DeskOrder = app
        .get_as(&w.snacks, &format!("/api/v1/desk/orders/{}", order.code))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(desk_order.part().unwrap().status, OrderStatus::Baru);
    let res = app
        .post_as(
            &w.snacks,
            &format!("/api/v1/desk/orders/{}/events", order.code),
            &json!({ "action": "confirm" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get_as(&w.chips, &format!("/api/v1/desk/orders/{}", order.code))
            .await
            .status(),
        404,
        "the IKM not taken has no part of the order"
    );
    // The chips maker is told.
    let chips_desk: DeskNeeds = app
        .get_as(&w.chips, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chips_desk.decided_count, 1);
    assert_eq!(
        chips_desk.needs[0].offer.as_ref().unwrap().status,
        OfferStatus::TidakDipilih
    );
    // No more offers on a closed need.
    assert_eq!(offer(&w, &w.chips, &code, &chips_offer).await.status(), 409);

    // Disperindag's numbers and the audit log.
    let stats: NeedStats = app
        .get_as(&w.admin, "/api/v1/admin/needs/stats")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stats.total.posted,
            stats.total.published,
            stats.total.offers,
            stats.total.met
        ),
        (1, 1, 2, 1)
    );
    assert_eq!(stats.total.value.amount(), 32_000 * 150);
    assert_eq!(stats.by_category[0].key, "makanan-minuman");
    assert_eq!(stats.by_kabupaten[0].key, "bandar-lampung");
    assert_eq!(stats.by_month.len(), 1);
    let audit: AuditPage = app
        .get_as(&w.admin, "/api/v1/admin/audit")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit.entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "post_need",
        "publish_need",
        "make_offer",
        "accept_offer",
        "offer_not_taken",
        "accept_offers",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}

/// (method, path, body, [anonymous, partner link, other IKM, own IKM, admin]).
#[tokio::test]
async fn who_may_call_what_on_needs() {
    let w = world().await;
    let app = &w.app;
    let Opened {
        code,
        secret,
        follow,
    } = opened_with_offer(&w, "need-key-auth1").await;
    let offer_id = follow.offers[0].id;
    let get = Method::GET;
    let post = Method::POST;
    let put = Method::PUT;
    let none = json!(null);
    // Secrets: the partner's link carries it; the others try without, or with a wrong one.
    let matrix: Vec<(Method, String, String, Value, [u16; 5])> = vec![
        (
            get.clone(),
            format!("/api/v1/needs/{code}/follow?t=SECRET"),
            String::new(),
            none.clone(),
            [404, 200, 404, 404, 404],
        ),
        (
            get.clone(),
            "/api/v1/desk/needs".into(),
            String::new(),
            none.clone(),
            [401, 401, 200, 200, 403],
        ),
        (
            get.clone(),
            format!("/api/v1/desk/needs/{code}"),
            String::new(),
            none.clone(),
            [401, 401, 200, 200, 403],
        ),
        (
            put.clone(),
            format!("/api/v1/desk/needs/{code}/offer"),
            String::new(),
            good_offer(),
            [401, 401, 422, 200, 403],
        ),
        (
            put.clone(),
            "/api/v1/desk/delivery".into(),
            String::new(),
            json!({ "delivers_to": ["metro"] }),
            [401, 401, 200, 200, 403],
        ),
        (
            get.clone(),
            "/api/v1/admin/needs".into(),
            String::new(),
            none.clone(),
            [401, 401, 403, 403, 200],
        ),
        (
            get.clone(),
            "/api/v1/admin/needs/stats".into(),
            String::new(),
            none.clone(),
            [401, 401, 403, 403, 200],
        ),
        (
            post.clone(),
            format!("/api/v1/admin/needs/{code}/review"),
            String::new(),
            json!({ "action": "publish" }),
            [401, 401, 403, 403, 409],
        ),
        (
            post.clone(),
            format!("/api/v1/needs/{code}/accept"),
            "secret".into(),
            // Version 2: the own IKM's change in the offer row above is its second.
            json!({ "offers": [{ "id": offer_id, "version": 2 }] }),
            [404, 200, 404, 404, 404],
        ),
    ];
    let who: [Option<&Session>; 5] = [None, None, Some(&w.chips), Some(&w.snacks), Some(&w.admin)];
    for (method, path, secret_field, body, expected) in matrix {
        for (i, session) in who.iter().enumerate() {
            let partner = i == 1;
            let path = path.replace("SECRET", if partner { &secret } else { "0000" });
            let mut body = body.clone();
            if !secret_field.is_empty() {
                body[secret_field.as_str()] = json!(if partner { secret.as_str() } else { "0000" });
            }
            // The chips maker sells snacks too: its offer is checked, and this one is for
            // the snack maker's product — so it is refused as not its own.
            let status = if method == Method::GET {
                let mut req = app.client.get(format!("{}{path}", app.base));
                if let Some(s) = session {
                    req = req.header("Cookie", &s.cookie);
                }
                req.send().await.unwrap().status().as_u16()
            } else {
                app.send_as(*session, method.clone(), &path, &body)
                    .await
                    .status()
                    .as_u16()
            };
            assert_eq!(status, expected[i], "{method} {path} as #{i}");
        }
    }
    // A state change from another site is refused whoever calls.
    let res = app
        .client
        .put(format!("{}/api/v1/desk/needs/{code}/offer", app.base))
        .header("Cookie", &w.snacks.cookie)
        .header("Origin", "https://evil.example")
        .json(&good_offer())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn bad_input_gets_field_messages_in_both_languages_and_stores_nothing() {
    let w = world().await;
    let app = &w.app;
    let mut bad = need();
    bad["phone"] = json!("0721 123456");
    bad["title"] = json!("");
    bad["offer_days"] = json!(10);
    bad["budget"] = json!(i64::MAX);
    for (lang, phone) in [
        ("id", "Nomor HP Indonesia"),
        ("en", "Not an Indonesian mobile"),
    ] {
        let res = app
            .client
            .post(format!("{}/api/v1/needs", app.base))
            .header("Idempotency-Key", format!("need-bad-{lang}-1"))
            .header("Accept-Language", lang)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let error: ApiError = res.json().await.unwrap();
        assert!(error.fields["phone"].starts_with(phone), "{lang}");
        for field in ["title", "offer_days", "budget"] {
            assert!(error.fields.contains_key(field), "{field}");
        }
    }
    let queue: AdminNeeds = app
        .get_as(&w.admin, "/api/v1/admin/needs")
        .await
        .json()
        .await
        .unwrap();
    assert!(queue.needs.is_empty(), "nothing half-stored");
    // A decline needs a reason; a code near the size limits is simply not found.
    let created: NeedCreated = post_need(app, "need-key-dec01", &need())
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/admin/needs/{}/review", created.code);
    let res = app
        .post_as(
            &w.admin,
            &path,
            &json!({ "action": "decline", "reason": " " }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_as(
            &w.admin,
            &path,
            &json!({ "action": "decline", "reason": "Bukan kebutuhan barang IKM." }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let declined: AdminNeed = res.json().await.unwrap();
    assert_eq!(declined.status, NeedStatus::Ditolak);
    let follow: NeedFollow = app
        .get(&format!(
            "/api/v1/needs/{}/follow?t={}",
            created.code,
            secret_of(&created)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        follow.decline_reason.as_deref(),
        Some("Bukan kebutuhan barang IKM.")
    );
    assert_eq!(
        app.get(&format!("/api/v1/needs/{}", created.code))
            .await
            .status(),
        404
    );
    let desk = app
        .get_as(&w.snacks, &format!("/api/v1/desk/needs/{}", created.code))
        .await;
    assert_eq!(desk.status(), 404, "a declined need is not on any desk");
    let long = "K".repeat(5_000);
    assert_eq!(
        app.get(&format!("/api/v1/needs/{long}")).await.status(),
        404
    );
    assert_eq!(app.get("/api/v1/needs?offset=99999999").await.status(), 400);
    assert_eq!(app.get("/api/v1/needs?offset=-1").await.status(), 400);
}

#[tokio::test]
async fn an_offers_window_that_ended_takes_no_offers_but_the_partner_still_decides() {
    let w = world().await;
    let app = &w.app;
    let created: NeedCreated = post_need(app, "need-key-win01", &need())
        .await
        .json()
        .await
        .unwrap();
    let code = created.code.clone();
    publish(&w, &code).await;
    assert_eq!(
        offer(&w, &w.snacks, &code, &good_offer()).await.status(),
        200
    );
    let yesterday = etalase_server::clock::today_wib().add_days(-1);
    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE need SET offers_until = '{yesterday}' WHERE code = '{code}'"
        ))
        .await
        .unwrap();
    let board: NeedBoard = app.get("/api/v1/needs").await.json().await.unwrap();
    assert!(board.needs.is_empty(), "off the board");
    let mut chips = good_offer();
    chips["products"] = json!([]);
    let res = offer(&w, &w.chips, &code, &chips).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.json::<ApiError>().await.unwrap().code,
        "need_not_taking_offers"
    );
    let res = app
        .send_as(
            Some(&w.snacks),
            Method::POST,
            &format!("/api/v1/desk/needs/{code}/offer/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 409, "no withdrawing after the window");
    // The partner closes without choosing: the waiting offer is not taken.
    let res = app
        .send_as(
            None,
            Method::POST,
            &format!("/api/v1/needs/{code}/close"),
            &json!({ "secret": secret_of(&created) }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let closed: NeedFollow = res.json().await.unwrap();
    assert_eq!(closed.status, NeedStatus::Ditutup);
    assert_eq!(closed.offers[0].status, OfferStatus::TidakDipilih);
    assert!(closed.orders.is_empty());
}

#[tokio::test]
async fn fifty_parallel_acceptances_make_one_order() {
    let w = world().await;
    let app = &w.app;
    let Opened {
        code,
        secret,
        follow,
    } = opened_with_offer(&w, "need-key-par01").await;
    let chosen = json!({ "id": follow.offers[0].id, "version": follow.offers[0].version });
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/needs/{code}/accept", app.base);
        let body = json!({ "secret": secret, "offers": [chosen] });
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            200 => ok += 1,
            409 => {}
            other => panic!("status {other}"),
        }
    }
    assert_eq!(ok, 1);
    let orders = app
        .state
        .db
        .scalar_unchecked("SELECT COUNT(*) FROM order_request")
        .await
        .unwrap();
    assert_eq!(orders, 1);
}

#[tokio::test]
async fn a_shared_need_link_shows_a_real_preview_and_never_the_contact() {
    let w = world().await;
    let app = &w.app;
    let created: NeedCreated = post_need(app, "need-key-og001", &need())
        .await
        .json()
        .await
        .unwrap();
    let code = created.code.clone();
    let page = format!("/kebutuhan/{code}");
    assert_eq!(app.get(&page).await.status(), 404, "not before review");
    publish(&w, &code).await;
    let res = app.get(&page).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(
        "<meta property=\"og:title\" content=\"Kue kering untuk rapat direksi · Kebutuhan mitra"
    ));
    assert!(
        html.contains("Dibutuhkan 200 kotak · dikirim ke Kota Bandar Lampung"),
        "{html}"
    );
    assert!(
        html.contains(&format!("/kebutuhan/{code}\"")),
        "canonical URL"
    );
    for private in [
        "0812",
        "rina@contoh.co.id",
        "Sudirman",
        "Bukit Asam",
        "Rina",
    ] {
        assert!(!html.contains(private), "{private} in the preview");
    }
    let image = format!("/og/kebutuhan/{code}.jpg");
    assert!(html.contains(&format!("content=\"{}{image}\"", app.base)) || html.contains(&image));
    let res = app.get(&image).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let jpeg = res.bytes().await.unwrap();
    assert!(jpeg.len() < 300 * 1024);
    assert_eq!(
        app.get("/og/kebutuhan/KBT-2026-999999.jpg").await.status(),
        404,
        "no image of a need that is not public"
    );
    let board = app.get("/kebutuhan").await.text().await.unwrap();
    assert!(board.contains("<title>Kebutuhan mitra · Etalase IKM Lampung</title>"));
    // The private page is kept out of caches and referrers, whatever the secret.
    let res = app
        .get(&format!("{page}/kelola?t={}", secret_of(&created)))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
    // The API call behind that page is as private as the page.
    let api = app
        .get(&format!(
            "/api/v1/needs/{code}/follow?t={}",
            secret_of(&created)
        ))
        .await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    let public = app.get(&format!("/api/v1/needs/{code}")).await;
    assert_ne!(
        public
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "the public page's document may be cached"
    );
    let long = format!("/kebutuhan/KBT-2026-{}", "1".repeat(5_000));
    assert_eq!(app.get(&long).await.status(), 404);
}

#[tokio::test]
async fn one_client_posts_a_few_needs_an_hour() {
    let w = world().await;
    let app = &w.app;
    let allowed = etalase_server::needs::post::NEEDS_PER_HOUR;
    for n in 0..allowed {
        let res = post_need(app, &format!("need-key-many-{n:02}"), &need()).await;
        assert_eq!(res.status(), 201, "need {n}");
    }
    let res = post_need(app, "need-key-many-xx", &need()).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "too_many_needs");
    // A retry of one already stored is still answered: it is not a new need.
    assert_eq!(
        post_need(app, "need-key-many-00", &need()).await.status(),
        201
    );
}

#[tokio::test]
async fn needs_past_their_date_are_settled_by_the_server() {
    let w = world().await;
    let app = &w.app;
    let mut codes = Vec::new();
    for key in ["need-key-late1", "need-key-late2"] {
        let created: NeedCreated = post_need(app, key, &need()).await.json().await.unwrap();
        codes.push(created.code);
    }
    publish(&w, &codes[0]).await;
    assert_eq!(
        offer(&w, &w.snacks, &codes[0], &good_offer())
            .await
            .status(),
        200
    );
    let today = etalase_server::clock::today_wib();
    assert_eq!(
        etalase_server::needs::close_overdue(&app.state.db, today)
            .await
            .unwrap(),
        0,
        "nothing is late yet"
    );
    let yesterday = today.add_days(-1);
    app.state
        .db
        .execute_unchecked(&format!("UPDATE need SET needed_by = '{yesterday}'"))
        .await
        .unwrap();
    assert_eq!(
        etalase_server::needs::close_overdue(&app.state.db, today)
            .await
            .unwrap(),
        2
    );
    let desk: DeskNeeds = app
        .get_as(&w.snacks, "/api/v1/desk/needs")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        desk.needs[0].offer.as_ref().unwrap().status,
        OfferStatus::TidakDipilih,
        "the IKM is told"
    );
    let declined: AdminNeeds = app
        .get_as(&w.admin, "/api/v1/admin/needs?status=ditolak")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined.needs.len(), 1);
    assert_eq!(
        declined.needs[0].decline_reason.as_deref(),
        Some(etalase_server::needs::TOO_LATE_REASON)
    );
    // A second run (another server's job) changes nothing.
    assert_eq!(
        etalase_server::needs::close_overdue(&app.state.db, today)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn what_the_partner_accepts_is_what_it_saw_and_binds_the_ikm() {
    let w = world().await;
    let app = &w.app;
    let created: NeedCreated = post_need(app, "need-key-bind1", &need())
        .await
        .json()
        .await
        .unwrap();
    let code = created.code.clone();
    let secret = secret_of(&created);
    publish(&w, &code).await;
    let mut cheap = good_offer();
    cheap["note"] = json!("Harga termasuk ongkos kirim. ".repeat(20));
    assert_eq!(offer(&w, &w.snacks, &code, &cheap).await.status(), 200);
    let seen: NeedFollow = app
        .get(&format!("/api/v1/needs/{code}/follow?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    let old = &seen.offers[0];
    // The IKM raises its price while the partner looks at the old one.
    let mut dear = cheap.clone();
    dear["unit_price"] = json!(50_000_000);
    assert_eq!(offer(&w, &w.snacks, &code, &dear).await.status(), 200);
    let path = format!("/api/v1/needs/{code}/accept");
    let accept = |version: u32| {
        let body = json!({ "secret": secret, "offers": [{ "id": old.id, "version": version }] });
        let path = path.clone();
        async move { app.send_as(None, Method::POST, &path, &body).await }
    };
    let res = accept(old.version).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "offer_changed");
    // Back to the old price: a new version, which the partner sees and accepts.
    assert_eq!(offer(&w, &w.snacks, &code, &cheap).await.status(), 200);
    let now: NeedFollow = app
        .get(&format!("/api/v1/needs/{code}/follow?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now.offers[0].version, old.version + 2);
    let res = accept(now.offers[0].version).await;
    assert_eq!(res.status(), 200);
    let after: NeedFollow = res.json().await.unwrap();
    let order = after.orders[0].code.clone();
    let tracking: Tracking = app
        .get(&format!("/api/v1/orders/{order}?t={secret}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tracking.total.amount(), 32_000 * 150);
    assert_eq!(
        tracking.parts[0].lines[0].note,
        "Harga termasuk ongkos kirim. ".repeat(20).trim(),
        "the whole note, not a cut"
    );
    // The agreed price binds: confirming higher is refused, lower is a discount.
    let events = format!("/api/v1/desk/orders/{order}/events");
    let raise =
        json!({ "action": "confirm", "prices": [{ "line": 0, "unit_price": 1_999_999_999 }] });
    let res = app.post_as(&w.snacks, &events, &raise).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "agreed_price");
    let lower = json!({ "action": "confirm", "prices": [{ "line": 0, "unit_price": 30_000 }] });
    assert_eq!(app.post_as(&w.snacks, &events, &lower).await.status(), 200);
}

#[tokio::test]
async fn nothing_is_accepted_once_the_needed_by_date_has_passed() {
    let w = world().await;
    let app = &w.app;
    let Opened {
        code,
        secret,
        follow,
    } = opened_with_offer(&w, "need-key-past1").await;
    let yesterday = etalase_server::clock::today_wib().add_days(-1);
    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE need SET needed_by = '{yesterday}' WHERE code = '{code}'"
        ))
        .await
        .unwrap();
    let o = &follow.offers[0];
    let res = app
        .send_as(
            None,
            Method::POST,
            &format!("/api/v1/needs/{code}/accept"),
            &json!({ "secret": secret, "offers": [{ "id": o.id, "version": o.version }] }),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<ApiError>().await.unwrap().code, "need_past");
    let orders = app
        .state
        .db
        .scalar_unchecked("SELECT COUNT(*) FROM order_request")
        .await
        .unwrap();
    assert_eq!(orders, 0);
}
