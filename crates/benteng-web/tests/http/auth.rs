//! Sign-in, sessions, CSRF, rate limits and security headers.

use crate::harness::*;
use benteng_web::WebConfig;
use reqwest::StatusCode;

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("benteng_sid="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn login_renews_the_session_id_and_logout_ends_it() {
    let app = spawn().await;
    let c = client();
    let r = c.get(app.url("/masuk")).send().await.unwrap();
    assert!(
        session_cookie(&r).is_none(),
        "the login page starts no session: its CSRF token comes from the visitor cookie"
    );
    let token = csrf_of(&r.text().await.unwrap());
    // Choosing a language starts an anonymous session; signing in must not keep its id.
    let r = c
        .post(app.url("/bahasa"))
        .form(&[
            ("_csrf", token.as_str()),
            ("lang", "id"),
            ("next", "/masuk"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let before = session_cookie(&r).expect("the language choice is kept in a session");
    let pw = app.password("pimpasa.malang");
    let r = c
        .post(app.url("/masuk"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "pimpasa.malang"),
            ("password", pw.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = session_cookie(&r).expect("login sets a new session cookie");
    assert_ne!(before, after, "session id must change at login");
    let (status, html) = app.get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Rina Wulandari"));

    // Old session id is useless.
    let stale = client();
    let r = stale
        .get(app.url("/desa-binaan"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (status, _, loc) = app.post_form(&c, "/", "/keluar", &[]).await;
    assert_eq!(
        (status, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/masuk"))
    );
    let r = c.get(app.url("/desa-binaan")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_passwords_get_one_generic_message_and_are_audited_without_secrets() {
    let app = spawn().await;
    let c = client();
    for (user, pw) in [
        ("pimpasa.malang", "salah-sekali-123"),
        ("tidak.ada", "salah-sekali-123"),
    ] {
        let status = app.login_with(&c, user, pw).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (s, page) = app.get(&c, "/masuk").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"name="username""#) && !page.contains("salah-sekali"));
    let admin = app.token("admin.demo").await;
    let (_, log) = app
        .api(
            &admin,
            reqwest::Method::GET,
            "/api/v1/audit?action=login_failed",
            None,
        )
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().any(|e| e["username"] == "pimpasa.malang"));
    assert!(
        items.iter().all(|e| e["username"] != "tidak.ada"),
        "unknown names (often mistyped passwords) are not logged"
    );
    assert!(!log.to_string().contains("salah-sekali"));
}

#[tokio::test]
async fn the_generic_message_is_identical_for_unknown_users_and_wrong_passwords() {
    let app = spawn().await;
    let text = |user: &'static str| {
        let app = &app;
        async move {
            let c = client();
            let (_, page) = app.get(&c, "/masuk").await;
            let token = csrf_of(&page);
            let r = c
                .post(app.url("/masuk"))
                .form(&[
                    ("_csrf", token.as_str()),
                    ("username", user),
                    ("password", "bukan-sandinya-1"),
                ])
                .send()
                .await
                .unwrap();
            let body = r.text().await.unwrap();
            let re = regex_lite::Regex::new(r#"<p class="err" role="alert">([^<]*)</p>"#).unwrap();
            re.captures(&body).map(|c| c[1].to_string()).unwrap()
        }
    };
    assert_eq!(text("pimpasa.malang").await, text("orang.asing").await);
}

#[tokio::test]
async fn login_is_rate_limited() {
    let app = spawn_with(WebConfig {
        login_attempts_per_minute: 3,
        ..Default::default()
    })
    .await;
    let c = client();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            app.login_with(&c, "pimpasa.malang", "salah-salah-salah")
                .await,
        );
    }
    assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now.
    let pw = app.password("pimpasa.malang");
    assert_eq!(
        app.login_with(&c, "pimpasa.malang", &pw).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = spawn().await;
    let c = app.login("admin.demo").await;
    let id = app.desa_id(KALIPARE).await;
    let path = format!("/desa-binaan/{id}/kontak");
    let fields = [("name", "Pak RT"), ("position", "Ketua RT")];
    let r = c.post(app.url(&path)).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Sesi formulir kedaluwarsa"));
    let (_, page) = app.get(&c, "/akun").await;
    let token = csrf_of(&page);
    let mut body = vec![("_csrf", token.as_str())];
    body.extend_from_slice(&fields);
    let r = c
        .post(app.url(&path))
        .header("sec-fetch-site", "cross-site")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(app.url(&path))
        .header("origin", "https://evil.example")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(app.url(&path))
        .form(&[
            ("_csrf", "0".repeat(64).as_str()),
            ("name", "x"),
            ("position", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The same request with the token goes through.
    let r = c.post(app.url(&path)).form(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = spawn().await;
    for path in ["/masuk", "/static/app.css", "/nope", "/api/v1/me"] {
        let r = client().get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
        let cookie = h
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        if !cookie.is_empty() {
            assert!(
                cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
                "{cookie}"
            );
        }
    }
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_at_once() {
    let app = spawn().await;
    let victim = app.login("desa.sitiarjo").await;
    let token = app.token("desa.sitiarjo").await;
    let admin = app.token("admin.demo").await;
    let (_, users) = app
        .api(
            &admin,
            reqwest::Method::GET,
            "/api/v1/users?q=desa.sitiarjo",
            None,
        )
        .await;
    let u = &users["items"][0];
    let id = u["id"].as_i64().unwrap();
    let body = serde_json::json!({"username": "desa.sitiarjo", "full_name": u["full_name"], "role": "desa", "region_code": SITIARJO, "active": false});
    let (status, b) = app
        .api(
            &admin,
            reqwest::Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{b}");
    let r = victim.get(app.url("/desa-binaan")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = app
        .api(&token, reqwest::Method::GET, "/api/v1/me", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let pw = app.password("desa.sitiarjo");
    assert_eq!(
        app.login_with(&client(), "desa.sitiarjo", &pw).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn changing_a_password_ends_the_other_sessions_and_tokens() {
    let app = spawn().await;
    let here = app.login("desa.kalipare").await;
    let elsewhere = app.login("desa.kalipare").await;
    let token = app.token("desa.kalipare").await;
    let pw = app.password("desa.kalipare");
    let (status, html, _) = app
        .post_form(
            &here,
            "/akun",
            "/akun/sandi",
            &[
                ("current", "salah-sekali-123"),
                ("password", "baru-dan-panjang-1"),
                ("password2", "baru-dan-panjang-1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="e-current">Kata sandi saat ini salah"#));
    let (status, html, _) = app
        .post_form(
            &here,
            "/akun",
            "/akun/sandi",
            &[
                ("current", pw.as_str()),
                ("password", "baru-dan-panjang-1"),
                ("password2", "lain-dan-panjang-1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="e-password2""#));
    let (status, _, _) = app
        .post_form(
            &here,
            "/akun",
            "/akun/sandi",
            &[
                ("current", pw.as_str()),
                ("password", "baru-dan-panjang-1"),
                ("password2", "baru-dan-panjang-1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app.get(&here, "/akun").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the session that changed the password stays"
    );
    assert!(html.contains("Kata sandi diganti."));
    let r = elsewhere.get(app.url("/akun")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "other sessions end");
    let (status, _) = app
        .api(&token, reqwest::Method::GET, "/api/v1/me", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "tokens end");
    assert_eq!(
        app.login_with(&client(), "desa.kalipare", &pw).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login_with(&client(), "desa.kalipare", "baru-dan-panjang-1")
            .await,
        StatusCode::SEE_OTHER
    );
}
