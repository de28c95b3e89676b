//! `/masuk`: the login of IKM users and Disperindag admins. Failures get one message
//! whatever was wrong; throttling says how long to wait.

use crate::staff::session::{staff_error, staff_post};
use crate::staff::texts::dt;
use etalase_core::account::{LoginInput, Me, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let d = dt();
    let query = use_query_map();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let body = LoginInput {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        // Only our own paths: a crafted `lanjut` cannot send anyone to another site.
        let next = query
            .get_untracked()
            .get("lanjut")
            .filter(|p| p.starts_with('/') && !p.starts_with("//"));
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, Me>("/api/v1/auth/login", &body).await;
            busy.set(false);
            match result {
                Ok(me) => {
                    password.set(String::new());
                    let home = match me.role {
                        Role::Ikm => "/desk",
                        Role::Admin => "/admin",
                    };
                    navigate(&next.unwrap_or_else(|| home.to_owned()), Default::default());
                }
                Err(error) => failure.set(Some(staff_error(&error))),
            }
        });
    };
    view! {
        <Title text=d.login_title />
        <section class="section login-page">
            <h1>{d.login_title}</h1>
            <p>{d.login_intro}</p>
            <form class="checkout-form login-form" on:submit=submit>
                <div class="field">
                    <label for="f-username">{d.username}</label>
                    <input id="f-username" name="username" autocomplete="username" autocapitalize="none" required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="f-password">{d.password}</label>
                    <input id="f-password" name="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <p class="notice" role="alert">{move || failure.get()}</p>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if busy.get() { d.logging_in } else { d.log_in }}
                </button>
            </form>
        </section>
    }
}
