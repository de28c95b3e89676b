//! The OpenAPI document is the API: it is served, it is OpenAPI 3.1, it lists every route of
//! the API, and every operation it lists exists on the running server.

mod common;

use common::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn the_document_lists_every_api_route_and_each_one_answers() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    // Every route the API has (the router is built from the same handlers).
    for path in [
        "/api/v1/catalog",
        "/api/v1/products/{slug}",
        "/api/v1/ikm/{slug}",
        "/api/v1/site",
        "/api/v1/search",
        "/healthz",
        "/api/v1/orders",
        "/api/v1/orders/{code}",
        "/api/v1/orders/{code}/parts/{ikm}/cancel",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/password",
        "/api/v1/desk/orders",
        "/api/v1/desk/orders/{code}",
        "/api/v1/desk/orders/{code}/events",
        "/api/v1/desk/products",
        "/api/v1/desk/products/{slug}",
        "/api/v1/desk/products/{slug}/retired",
        "/api/v1/desk/products/{slug}/photo",
        "/api/v1/admin/ikm",
        "/api/v1/admin/ikm/{slug}/verified",
        "/api/v1/admin/accounts",
        "/api/v1/admin/accounts/{id}/disabled",
        "/api/v1/admin/accounts/{id}/password",
        "/api/v1/admin/orders",
        "/api/v1/admin/orders.csv",
        "/api/v1/admin/orders/{code}/{ikm}",
        "/api/v1/admin/stats",
        "/api/v1/admin/audit",
        "/api/v1/admin/holidays",
        "/api/v1/admin/holidays/remove",
        "/api/v1/needs",
        "/api/v1/needs/{code}",
        "/api/v1/needs/{code}/follow",
        "/api/v1/needs/{code}/accept",
        "/api/v1/needs/{code}/close",
        "/api/v1/desk/needs",
        "/api/v1/desk/needs/seen",
        "/api/v1/desk/needs/{code}",
        "/api/v1/desk/needs/news",
        "/api/v1/desk/delivery",
        "/api/v1/desk/needs/{code}/offer",
        "/api/v1/desk/needs/{code}/offer/withdraw",
        "/api/v1/admin/needs",
        "/api/v1/admin/needs/{code}/review",
        "/api/v1/admin/needs/stats",
    ] {
        assert!(paths.contains_key(path), "{path} is not in the document");
    }
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{slug}", "kopi-robusta-bubuk-250-g")
            .replace("{code}", "ETL-2026-000001")
            .replace("{ikm}", "kopi-gunung-betung")
            .replace("{id}", "1");
        for method in ["get", "post", "put", "delete"] {
            let Some(op) = item.get(method) else { continue };
            operations += 1;
            assert!(
                op["responses"]["default"].is_object(),
                "{method} {path}: no default error response"
            );
            let res = app
                .client
                .request(
                    method.to_uppercase().parse().unwrap(),
                    format!("{}{concrete}", app.base),
                )
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            if status == 404 {
                let body: Value = res.json().await.unwrap();
                assert_ne!(
                    body["message"], "Alamat API ini tidak ada.",
                    "{method} {path} is documented but not routed"
                );
            }
        }
    }
    assert_eq!(operations, 52);
    // Operation ids are unique (the spec requires it; code generators rely on it).
    let mut ids: Vec<String> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 52);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), operations, "duplicate operationId");
}
