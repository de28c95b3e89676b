//! The OpenAPI 3.1 document of the JSON API, generated from the handlers themselves: each
//! route is registered through `utoipa_axum::routes!` from its `#[utoipa::path]`, so the
//! document and the router cannot disagree about which paths and methods exist. Served at
//! `/api/v1/openapi.json`; `cargo xtask fuzz` drives the server with it.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, RefOr, ResponseBuilder};
use utoipa::PartialSchema;

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Etalase IKM Lampung API",
        description = "The storefront's catalog, partners' order requests and their tracking, \
                       the IKM desk and the Disperindag admin. Errors are always \
                       `{code, message}` JSON (422 adds `fields`, a price change \
                       `price_changes`). Staff calls carry the session cookie; state changes \
                       also need the site's own `Origin` and a JSON body.",
        version = "1"
    ),
    tags(
        (name = "catalog", description = "The public catalog"),
        (name = "orders", description = "Partners' order requests and tracking"),
        (name = "needs", description = "Partners' needs and the IKM's offers on them"),
        (name = "auth", description = "Staff log-in and sessions"),
        (name = "desk", description = "An IKM's own orders and products"),
        (name = "admin", description = "Disperindag's curation, numbers and audit log"),
    )
)]
pub struct ApiDoc;

/// What holds for every operation, written once: the statuses each kind of operation can
/// answer, any other status as our JSON error (a `default` response with `ApiError`), unique
/// operation ids, and the session cookie for staff calls.
fn conventions(openapi: &mut OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "etalase_sesi",
            "The session cookie set by POST /api/v1/auth/login (`__Host-etalase_sesi` over HTTPS).",
        ))),
    );
    components
        .schemas
        .insert("ApiError".to_owned(), etalase_core::api::ApiError::schema());
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ApiError",
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let has_params = path.contains('{');
        let operations: [&mut Option<Operation>; 4] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ];
        let methods = ["get", "post", "put", "delete"];
        for (method, op) in methods.into_iter().zip(operations) {
            let Some(op) = op.as_mut() else { continue };
            // Handler names repeat across areas (`create`, `order`): the id is the
            // method and the path, unique by construction.
            op.operation_id = Some(operation_id(method, path));
            // The statuses every operation of a kind can answer, listed where they apply.
            let mut known: Vec<(&str, &str)> = vec![(
                "400",
                "Malformed input: a path, query or body value that cannot be read",
            )];
            if op.security.is_some() {
                known.push(("401", "Not logged in (or the session ended)"));
                known.push((
                    "403",
                    "Logged in with another role, or a change sent from another site",
                ));
            }
            if op.request_body.is_some() {
                known.push(("413", "The body is too large"));
                known.push(("415", "The body is not of the type this operation takes"));
                known.push(("422", "Input that breaks a rule, with messages per field"));
            }
            if has_params {
                known.push(("404", "Nothing by that name (or not yours)"));
            }
            for (status, description) in known {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error(description));
            }
            op.responses
                .responses
                .entry("default".to_owned())
                .or_insert_with(|| error("Any other status: our JSON error `{code, message}`."));
        }
    }
}

/// `post /api/v1/desk/orders/{code}/events` → `post_desk_orders_code_events`.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "api" && *w != "v1")
        .collect();
    format!("{method}_{}", words.join("_"))
}

/// The document as served: built once at start from the routers that serve it (which began
/// as [`ApiDoc`]), with the [`Conventions`] applied to every operation.
pub fn document(mut api: OpenApi) -> String {
    conventions(&mut api);
    api.to_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document cannot be written");
        "{}".to_owned()
    })
}
