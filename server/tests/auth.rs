//! Logging in to the desk and the admin: one answer for every failure, throttling, sessions
//! that rotate, end and expire, and no state change from another site.

mod common;

use common::{config_in, seed_path, session_cookie, spawn_app, spawn_with};
use etalase_core::account::{Me, Role};
use etalase_core::api::ApiError;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn the_right_password_opens_a_session_in_a_protected_cookie() {
    let app = spawn_app().await;
    let password = app
        .account("kopi-gunung-betung", Role::Ikm, Some("kopi-gunung-betung"))
        .await;

    let res = app.login_response("Kopi-Gunung-Betung ", &password).await;

    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with("etalase_sesi="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP cannot keep a Secure cookie"
    );
    let id = session_cookie(&res).unwrap();
    assert_eq!(id.len(), "etalase_sesi=".len() + 32, "128 bits");
    let me: Me = res.json().await.unwrap();
    assert_eq!(me.role, Role::Ikm);
    assert_eq!(me.ikm.unwrap().as_str(), "kopi-gunung-betung");
    assert_eq!(me.ikm_name.as_deref(), Some("Kopi Gunung Betung"));

    let session = common::Session { cookie: id };
    let me: Me = app
        .get_as(&session, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.username, "kopi-gunung-betung");
    // The id is stored only as a hash.
    let stored = app
        .state
        .db
        .texts_unchecked("SELECT id_sha256 FROM session")
        .await
        .unwrap();
    let stored = stored[0][0].clone().unwrap();
    assert!(!session.cookie.contains(&stored));
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    app.account("disperindag", Role::Admin, None).await;

    let wrong = app.login_response("disperindag", "bukan-sandinya-1").await;
    let (wrong_status, wrong_cookie) = (wrong.status(), session_cookie(&wrong));
    let wrong_body = wrong.text().await.unwrap();
    let unknown = app.login_response("tidak-ada", "bukan-sandinya-1").await;
    let (unknown_status, unknown_cookie) = (unknown.status(), session_cookie(&unknown));
    let unknown_body = unknown.text().await.unwrap();

    assert_eq!(wrong_status, 401);
    assert_eq!(unknown_status, 401);
    assert_eq!(wrong_body, unknown_body);
    assert_eq!((wrong_cookie, unknown_cookie), (None, None));
    let error: ApiError = serde_json::from_str(&wrong_body).unwrap();
    assert_eq!(error.code, "login_failed");
    assert_eq!(error.message, "Nama pengguna atau kata sandi salah.");
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_throttled_even_for_the_right_password() {
    let app = spawn_app().await;
    let password = app
        .account("madu-hutan-liwa", Role::Ikm, Some("madu-hutan-liwa"))
        .await;
    for _ in 0..5 {
        let res = app
            .login_response("madu-hutan-liwa", "tebakan-salah-99")
            .await;
        assert_eq!(res.status(), 401);
    }

    let res = app.login_response("madu-hutan-liwa", &password).await;

    assert_eq!(res.status(), 429);
    let wait: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "too_many_attempts");
    // Another account from another person is not locked out by this one's attacker
    // (the per-client limit is higher than the per-account one).
    let other = app
        .account("kopi-gunung-betung", Role::Ikm, Some("kopi-gunung-betung"))
        .await;
    assert_eq!(
        app.login_response("kopi-gunung-betung", &other)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn one_client_guessing_across_many_accounts_is_throttled() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    for i in 0..20 {
        let res = app
            .login_response(&format!("tebakan-{i}"), "tebakan-salah-99")
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app.login_response("disperindag", &password).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_client_cannot_dodge_the_throttle_with_a_forged_forwarded_for() {
    // No proxy is trusted: the header is the client's own words.
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    for i in 0..20 {
        let forged = format!("198.51.100.{i}");
        let res = app
            .login_forwarded_for(&format!("tebakan-{i}"), "tebakan-salah-99", Some(&forged))
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app
        .login_forwarded_for("disperindag", &password, Some("198.51.100.200"))
        .await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_is_throttled_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let app = spawn_with(dir, config).await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let attacker = "203.0.113.66";
    for i in 0..20 {
        // What the attacker writes itself stands left of what the proxy appended.
        let header = format!("10.9.8.{i}, {attacker}");
        let res = app
            .login_forwarded_for(&format!("tebakan-{i}"), "tebakan-salah-99", Some(&header))
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app
        .login_forwarded_for("disperindag", &password, Some(attacker))
        .await;
    assert_eq!(res.status(), 429, "the attacker is throttled");
    // The proxy's other visitors are not locked out with them.
    let res = app
        .login_forwarded_for("disperindag", &password, Some("203.0.113.7"))
        .await;
    assert_eq!(res.status(), 200, "another visitor logs in");
}

#[tokio::test]
async fn logging_in_again_rotates_the_session_and_ends_the_old_one() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let first = app.login("disperindag", &password).await;

    let res = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("Origin", &app.base)
        .header("Cookie", &first.cookie)
        .json(&json!({ "username": "disperindag", "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let second = common::Session {
        cookie: session_cookie(&res).unwrap(),
    };

    assert_ne!(first.cookie, second.cookie);
    assert_eq!(app.get_as(&first, "/api/v1/auth/me").await.status(), 401);
    assert_eq!(app.get_as(&second, "/api/v1/auth/me").await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;

    let res = app
        .send_as(
            Some(&session),
            Method::POST,
            "/api/v1/auth/logout",
            &json!({}),
        )
        .await;

    assert_eq!(res.status(), 204);
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    // A copy of the cookie kept elsewhere opens nothing any more.
    assert_eq!(app.get_as(&session, "/api/v1/auth/me").await.status(), 401);
}

#[tokio::test]
async fn sessions_expire() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;
    assert_eq!(app.get_as(&session, "/api/v1/auth/me").await.status(), 200);

    app.state
        .db
        .execute_unchecked(&format!(
            "UPDATE session SET expires_at = expires_at - {}",
            etalase_server::accounts::SESSION_TTL_SECS + 1
        ))
        .await
        .unwrap();

    let res = app.get_as(&session, "/api/v1/auth/me").await;
    assert_eq!(res.status(), 401);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(error.code, "login_required");
}

#[tokio::test]
async fn the_sweep_forgets_expired_sessions_and_closed_throttle_windows_only() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let kept = app.login("disperindag", &password).await;
    let _ = app.login_response("disperindag", "salah-sandi-1").await;
    let now = etalase_server::clock::unix_secs();
    let count = |sql: &'static str| {
        let db = app.state.db.clone();
        async move { db.scalar_unchecked(sql).await.unwrap() }
    };
    let db = &app.state.db;
    db.execute_unchecked(&format!(
        "INSERT INTO session (id_sha256, account_id, created_at, expires_at) \
         SELECT 'old', id, 0, {} FROM account",
        now - 1
    ))
    .await
    .unwrap();
    db.execute_unchecked(&format!(
        "INSERT INTO throttle (key, failures, window_start) VALUES ('client:192.0.2.1', 3, {})",
        now - etalase_server::accounts::THROTTLE_WINDOW_SECS
    ))
    .await
    .unwrap();

    let removed = etalase_server::accounts::sweep(&app.state.db, now)
        .await
        .unwrap();

    assert_eq!(removed, 2);
    assert_eq!(count("SELECT COUNT(*) FROM session").await, 1);
    assert_eq!(
        count("SELECT COUNT(*) FROM throttle").await,
        2,
        "today's failures stay"
    );
    assert_eq!(app.get_as(&kept, "/api/v1/auth/me").await.status(), 200);
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_loses_its_session() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;
    app.state
        .db
        .execute_unchecked("UPDATE account SET disabled = TRUE")
        .await
        .unwrap();
    assert_eq!(app.get_as(&session, "/api/v1/auth/me").await.status(), 401);
    assert_eq!(
        app.login_response("disperindag", &password).await.status(),
        401
    );
}

#[tokio::test]
async fn other_sites_and_non_json_bodies_cannot_log_in_or_change_anything() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let body = json!({ "username": "disperindag", "password": password });
    let url = format!("{}/api/v1/auth/login", app.base);

    let no_origin = app.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(no_origin.status(), 403);
    let foreign = app
        .client
        .post(&url)
        .header("Origin", "https://penipu.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let form = app
        .client
        .post(&url)
        .header("Origin", &app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("username=disperindag&password={password}"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    assert_eq!(
        app.state
            .db
            .scalar_unchecked("SELECT COUNT(*) FROM session")
            .await
            .unwrap(),
        0
    );
    // Logging in is a POST; GET answers 405 and changes nothing.
    assert_eq!(app.get("/api/v1/auth/login").await.status(), 405);
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.public_url = Some("https://etalase.example".into());
    let app = spawn_with(dir, config).await;
    let password = app.account("disperindag", Role::Admin, None).await;

    let res = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("Origin", "https://etalase.example")
        .json(&json!({ "username": "disperindag", "password": password }))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set_cookie.starts_with("__Host-etalase_sesi="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(!set_cookie.contains("Domain="), "{set_cookie}");
}

#[tokio::test]
async fn a_new_password_must_pass_the_rule() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;

    let res = app
        .post_as(
            &session,
            "/api/v1/auth/password",
            &json!({ "current": password, "new": "Bismillah" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let error: ApiError = res.json().await.unwrap();
    assert_eq!(
        error.fields["new"],
        "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."
    );

    let res = app
        .post_as(
            &session,
            "/api/v1/auth/password",
            &json!({ "current": "salah-sandi-lama", "new": "rumah-adat-nuwo-sesat" }),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Someone else who knew the old password is logged in on another phone.
    let elsewhere = app.login("disperindag", &password).await;
    let res = app
        .post_as(
            &session,
            "/api/v1/auth/password",
            &json!({ "current": password, "new": "rumah-adat-nuwo-sesat" }),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.get_as(&session, "/api/v1/auth/me").await.status(),
        200,
        "the phone that changed it stays logged in"
    );
    assert_eq!(
        app.get_as(&elsewhere, "/api/v1/auth/me").await.status(),
        401,
        "every other session ends"
    );
    assert_eq!(
        app.login_response("disperindag", &password).await.status(),
        401
    );
    assert_eq!(
        app.login_response("disperindag", "rumah-adat-nuwo-sesat")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn guessing_the_current_password_through_a_session_is_throttled() {
    let app = spawn_app().await;
    let password = app.account("disperindag", Role::Admin, None).await;
    let session = app.login("disperindag", &password).await;
    for i in 0..5 {
        let res = app
            .post_as(
                &session,
                "/api/v1/auth/password",
                &json!({ "current": format!("tebakan-{i}-salah"), "new": "rumah-adat-nuwo-sesat" }),
            )
            .await;
        assert_eq!(res.status(), 422);
    }
    let res = app
        .post_as(
            &session,
            "/api/v1/auth/password",
            &json!({ "current": password, "new": "rumah-adat-nuwo-sesat" }),
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn first_start_seeds_demo_accounts_with_private_credentials() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    let mut config = config_in(dir.path(), seed_path());
    config.demo_accounts = true;
    let credentials = config.demo_credentials.clone();
    let app = spawn_with(dir, config).await;

    let text = std::fs::read_to_string(&credentials).unwrap();
    assert!(text.contains("DEMO"));
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 41, "40 IKM and one admin");
    assert_eq!(rows.iter().filter(|r| r[0] == "admin").count(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credentials)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the credentials");
    }
    let ikm = rows.iter().find(|r| r[0] == "ikm").unwrap();
    let me: Me = app
        .login_response(ikm[1], ikm[2])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.ikm.unwrap().as_str(), ikm[1]);
    let admin = rows.iter().find(|r| r[0] == "admin").unwrap();
    let me: Me = app
        .login_response(admin[1], admin[2])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.role, Role::Admin);
}

#[tokio::test]
async fn the_first_admin_of_a_production_database_comes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), common::seed_path());
    let password = etalase_server::create_admin(&config, "Kepala-Bidang")
        .await
        .unwrap();
    // Taken and reserved names are refused, not duplicated.
    assert!(etalase_server::create_admin(&config, "kepala-bidang")
        .await
        .is_err());
    assert!(etalase_server::create_admin(&config, "sistem")
        .await
        .is_err());
    let app = common::spawn_with(dir, config).await;
    let session = app.login("kepala-bidang", &password).await;
    let me: etalase_core::account::Me = app
        .get_as(&session, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.role, etalase_core::account::Role::Admin);
}
