//! Who is logged in, for the desk and the admin. The server decides every permission; the
//! SPA only sends people to the login when the server says the session is gone.

use crate::api::{get_json, post_json, put_json, FetchError};
use crate::components::catalog_view::{LoadError, Loading};
use crate::i18n::t;
use crate::staff::texts::dt;
use etalase_core::account::{Me, Role};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const ME_PATH: &str = "/api/v1/auth/me";

/// The body of a call that needs none: `{}`.
#[derive(Serialize)]
pub struct Empty {}

/// The login page, asked to come back to `path` afterwards.
pub fn login_path(path: &str) -> String {
    format!(
        "/masuk?lanjut={}",
        etalase_core::phone::percent_encode(path)
    )
}

/// A staff call's POST: JSON in the reader's language (the browser adds our `Origin`).
pub async fn staff_post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, FetchError> {
    let headers = [("Accept-Language", t().locale.tag())];
    post_json(path, &headers, body).await
}

/// A staff call's PUT (a thing replaced whole: an offer, the delivery area), sent like
/// [`staff_post`].
pub async fn staff_put<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, FetchError> {
    let headers = [("Accept-Language", t().locale.tag())];
    put_json(path, &headers, body).await
}

/// The field messages of a refused staff call (422), keyed as the form's fields are.
pub fn staff_fields(error: &FetchError) -> std::collections::BTreeMap<String, String> {
    match error {
        FetchError::Api { error, .. } => error.fields.clone().into_iter().collect(),
        _ => Default::default(),
    }
}

/// A readable message for a failed staff call.
pub fn staff_error(error: &FetchError) -> String {
    match error {
        FetchError::Api { status: 401, error } if error.code == "login_required" => {
            dt().session_over.to_owned()
        }
        FetchError::Api { error, .. } => {
            let fields: Vec<&str> = error.fields.values().map(String::as_str).collect();
            if fields.is_empty() {
                error.message.clone()
            } else {
                format!("{} {}", error.message, fields.join(" "))
            }
        }
        FetchError::Network(_) => t().load_failed_offline.to_owned(),
        _ => t().load_failed_server.to_owned(),
    }
}

/// Renders `children` with the logged-in account in context when it has `role` (any staff
/// role when none is given); sends anyone not logged in to the login page and back.
#[component]
pub fn StaffOnly(#[prop(optional)] role: Option<Role>, children: ChildrenFn) -> impl IntoView {
    let me = LocalResource::new(|| get_json::<Me>(ME_PATH));
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Err(FetchError::Api { status: 401, .. })) = me.get() {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            navigate(&login_path(&here), Default::default());
        }
    });
    move || match me.get() {
        None | Some(Err(FetchError::Api { status: 401, .. })) => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <LoadError error on_retry=move || me.refetch() /> }.into_any(),
        Some(Ok(account)) if role.is_none_or(|role| account.role == role) => {
            provide_context(account);
            children().into_any()
        }
        Some(Ok(_)) => view! { <p class="notice">{dt().wrong_role}</p> }.into_any(),
    }
}

/// Ends the session on the server, then goes home.
pub fn log_out() {
    leptos::task::spawn_local(async {
        let _ = staff_post::<_, ()>("/api/v1/auth/logout", &Empty {}).await;
        #[cfg(target_arch = "wasm32")]
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_href("/masuk");
        }
    });
}
