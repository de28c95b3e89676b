//! `/akun`: who is logged in, and changing the password (IKM users and admins alike). The
//! password rule is core's, checked as the user types and again by the server.

use crate::api::FetchError;
use crate::staff::session::{log_out, staff_error, staff_post, StaffOnly};
use crate::staff::texts::dt;
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

    let new_error = Signal::derive({
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
    });
    let repeat_error = Signal::derive(move || {
        let r = repeat.get();
        (!r.is_empty() && r != new.get()).then_some(d.passwords_differ.to_owned())
    });
    let current_error = Signal::derive(move || server_errors.with(|m| m.get("current").cloned()));

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
            {password_field("current", d.current_password, "current-password", current, current_error, None, server_errors)}
            {password_field("new", d.new_password, "new-password", new, new_error, Some(d.password_help), server_errors)}
            {password_field("repeat", d.repeat_password, "new-password", repeat, repeat_error, None, server_errors)}
            <p class=move || match message.get() { Some((true, _)) => "saved", _ => "notice" } role="status">
                {move || message.get().map(|(_, m)| m)}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>{d.change_password}</button>
        </form>
    }
}

/// One password input with its label, optional hint and error. Typing in it clears what the
/// server said about that field.
fn password_field(
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    hint: Option<&'static str>,
    server_errors: RwSignal<std::collections::BTreeMap<String, String>>,
) -> impl IntoView {
    let id = format!("a-{name}");
    let described_by = match hint {
        Some(_) => format!("{id}-help {id}-error"),
        None => format!("{id}-error"),
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="password" autocomplete=autocomplete required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| {
                    server_errors.update(|m| {
                        m.remove(name);
                    });
                    value.set(event_target_value(&ev));
                } />
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-help")>{h}</p> })}
            <p class="field-error" id=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}
