//! `/akun`: who is logged in, and changing the password (IKM users and admins alike). The
//! password rule is core's, checked as the user types and again by the server.

use crate::api::FetchError;
use crate::i18n::desk::dt;
use crate::session::{log_out, staff_error, staff_post, StaffOnly};
use etalase_core::account::{check_password, Me, PasswordChange, Role};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let d = dt();
    view! {
        <Title text=d.account_title />
        <section class="section desk-page account-page">
            <StaffOnly>
                <AccountView />
            </StaffOnly>
        </section>
    }
}

#[component]
fn AccountView() -> impl IntoView {
    let d = dt();
    let locale = crate::i18n::t().locale;
    let me = use_context::<Me>();
    let username = me.as_ref().map(|m| m.username.clone()).unwrap_or_default();
    let (home, home_label) = match me.as_ref().map(|m| m.role) {
        Some(Role::Admin) => ("/admin", d.admin_title),
        _ => ("/desk", d.desk_title),
    };
    let who = me
        .as_ref()
        .map(|m| match &m.ikm_name {
            Some(ikm) => format!("{} · {ikm}", m.username),
            None => m.username.clone(),
        })
        .unwrap_or_default();

    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    // The server's word on a field, until that field is edited again.
    let server_errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let new_error = {
        let username = username.clone();
        move || {
            let typed = new.get();
            if let Some(e) = server_errors.with(|m| m.get("new").cloned()) {
                return Some(e);
            }
            if typed.is_empty() {
                return None;
            }
            check_password(&typed, &username)
                .err()
                .map(|e| e.message(locale))
        }
    };
    let repeat_error = move || {
        let r = repeat.get();
        (!r.is_empty() && r != new.get()).then_some(d.passwords_differ.to_owned())
    };
    let current_error = move || server_errors.with(|m| m.get("current").cloned());

    let account_name = username.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        message.set(None);
        let body = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        if let Err(e) = check_password(&body.new, &account_name) {
            message.set(Some((false, e.message(locale))));
            return;
        }
        if repeat.get_untracked() != body.new {
            message.set(Some((false, d.passwords_differ.to_owned())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = staff_post::<_, ()>("/api/v1/auth/password", &body).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    message.set(Some((true, dt().password_changed.to_owned())));
                }
                Err(error) => {
                    if let FetchError::Api { error: api, .. } = &error {
                        server_errors.set(api.fields.clone().into_iter().collect());
                    }
                    message.set(Some((false, staff_error(&error))));
                }
            }
        });
    };
    let forget = move |field: &'static str| {
        server_errors.update(|m| {
            m.remove(field);
        })
    };

    view! {
        <nav class="desk-nav" aria-label=d.account_title>
            <a href=home>{format!("← {home_label}")}</a>
            <button type="button" class="link-button" on:click=move |_| log_out()>{d.log_out}</button>
        </nav>
        <h1>{d.account_title}</h1>
        <p>{d.signed_in_as}" "<strong>{who}</strong></p>
        <form class="checkout-form desk-card" on:submit=submit>
            <h2>{d.change_password}</h2>
            // The user name lets password managers file the new password under the account.
            <input type="text" name="username" autocomplete="username" value=username.clone()
                hidden=true readonly=true />
            <div class="field">
                <label for="a-current">{d.current_password}</label>
                <input id="a-current" type="password" autocomplete="current-password" required
                    aria-invalid=move || current_error().is_some().to_string()
                    aria-describedby="a-current-error"
                    prop:value=move || current.get()
                    on:input=move |ev| { forget("current"); current.set(event_target_value(&ev)); } />
                <p class="field-error" id="a-current-error">{current_error}</p>
            </div>
            <div class="field">
                <label for="a-new">{d.new_password}</label>
                <input id="a-new" type="password" autocomplete="new-password" required
                    aria-invalid={
                        let new_error = new_error.clone();
                        move || new_error().is_some().to_string()
                    }
                    aria-describedby="a-new-help a-new-error"
                    prop:value=move || new.get()
                    on:input=move |ev| { forget("new"); new.set(event_target_value(&ev)); } />
                <p class="hint" id="a-new-help">{d.password_help}</p>
                <p class="field-error" id="a-new-error">{new_error}</p>
            </div>
            <div class="field">
                <label for="a-repeat">{d.repeat_password}</label>
                <input id="a-repeat" type="password" autocomplete="new-password" required
                    aria-invalid=move || repeat_error().is_some().to_string()
                    aria-describedby="a-repeat-error"
                    prop:value=move || repeat.get()
                    on:input=move |ev| repeat.set(event_target_value(&ev)) />
                <p class="field-error" id="a-repeat-error">{repeat_error}</p>
            </div>
            <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                {move || message.get().map(|(_, m)| m)}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>{d.change_password}</button>
        </form>
    }
}
