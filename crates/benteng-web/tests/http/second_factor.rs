//! The second factor (TOTP), recovery codes, the per-role requirement, the admin's reset, the
//! API's token, and one's own sessions and tokens with the new-device notice. Codes are
//! computed here from the secret the enrolment page shows, with `totp-rs` (RFC 6238).
//!
//! A TOTP code is accepted once per 30-second step and one step either side, and enrolment
//! spends the current step: so after enrolling, a test signs in with the *next* step's code
//! (`code_at(secret, 30)`), and uses one TOTP code per test after that.

use crate::harness::*;
use benteng_web::{SecondFactorPolicy, WebConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

pub(crate) const FIREFOX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
pub(crate) const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

/// An app whose sign-in allowance does not get in the way of a test that signs in often
/// (the allowance itself is tested in `code_attempts_count_against_the_sign_in_allowance`).
pub(crate) async fn roomy(second_factor: SecondFactorPolicy) -> TestApp {
    spawn_with_second_factor(WebConfig {
        login_attempts_per_minute: 1000,
        second_factor,
        ..WebConfig::default()
    })
    .await
}

pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code an authenticator app shows `offset` seconds from now.
pub(crate) fn code_at(secret: &str, offset: u64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret).expect("the page shows base32");
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(bytes)
        .build()
        .unwrap()
        .generate(now() + offset)
        .to_string()
}

/// Six digits that are none of the codes the server accepts now.
pub(crate) fn wrong_code(secret: &str) -> String {
    let near: Vec<String> = [0, 30, 60].iter().map(|o| code_at(secret, *o)).collect();
    let mut n = 0u32;
    loop {
        let c = format!("{:06}", (123_457 + n * 7919) % 1_000_000);
        if !near.contains(&c) && code_at(secret, 0) != c {
            return c;
        }
        n += 1;
    }
}

pub(crate) fn client_as(ua: &str) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(ua)
        .build()
        .unwrap()
}

pub(crate) fn location(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
}

/// Post the password form; the answer's status and where it leads.
pub(crate) async fn password_step(
    app: &TestApp,
    c: &Client,
    user: &str,
) -> (StatusCode, Option<String>) {
    password_step_with(app, c, user, &app.password(user)).await
}

pub(crate) async fn password_step_with(
    app: &TestApp,
    c: &Client,
    user: &str,
    pw: &str,
) -> (StatusCode, Option<String>) {
    let (_, page) = app.get(c, "/masuk").await;
    let token = csrf_of(&page);
    let r = c
        .post(app.url("/masuk"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", user),
            ("password", pw),
            ("next", "/laporan"),
        ])
        .send()
        .await
        .unwrap();
    (r.status(), location(&r))
}

/// Post a code on the sign-in's second step.
pub(crate) async fn code_step(
    app: &TestApp,
    c: &Client,
    code: &str,
) -> (StatusCode, Option<String>, String) {
    let (_, page) = app.get(c, "/masuk/kode").await;
    let token = csrf_of(&page);
    let r = c
        .post(app.url("/masuk/kode"))
        .form(&[("_csrf", token.as_str()), ("code", code)])
        .send()
        .await
        .unwrap();
    let (s, l) = (r.status(), location(&r));
    (s, l, r.text().await.unwrap())
}

/// Enrol the signed-in user: read the secret off the page, confirm with the current code.
/// Returns the secret and the recovery codes shown once.
pub(crate) async fn enrol(app: &TestApp, c: &Client) -> (String, Vec<String>) {
    let (status, page) = app.get(c, "/akun/dua-langkah").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg"), "the QR code is inline SVG");
    assert!(!page.contains("<script>"), "no inline script");
    assert!(
        page.len() < 60_000,
        "enrolment page is {} bytes",
        page.len()
    );
    let re = regex_lite::Regex::new(r#"<code id="totp-secret">([A-Z2-7 ]+)</code>"#).unwrap();
    let secret: String = re.captures(&page).expect("secret shown")[1]
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    // A reload shows the same secret until it is confirmed.
    let (_, again) = app.get(c, "/akun/dua-langkah").await;
    assert!(again.contains(&re.captures(&page).unwrap()[1].to_string()));
    let (status, body, _) = app
        .post_form(
            c,
            "/akun/dua-langkah",
            "/akun/dua-langkah",
            &[("code", &wrong_code(&secret))],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a wrong code enrols nothing"
    );
    assert!(body.contains("Kode salah"));
    let code = code_at(&secret, 0);
    let (status, body, _) = app
        .post_form(
            c,
            "/akun/dua-langkah",
            "/akun/dua-langkah",
            &[("code", &code)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "confirmed: {body}");
    let re = regex_lite::Regex::new(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>")
        .unwrap();
    let codes: Vec<String> = re.captures_iter(&body).map(|m| m[1].to_string()).collect();
    assert_eq!(codes.len(), 10, "ten recovery codes shown once");
    let (_, page) = app.get(c, "/akun/dua-langkah").await;
    assert!(
        !page.contains(&codes[0]),
        "recovery codes are never shown again"
    );
    assert!(page.contains("Sisa kode cadangan: 10"));
    (secret, codes)
}

/// Sign in on a new browser through both steps with `code`.
pub(crate) async fn sign_in_with(app: &TestApp, user: &str, code: &str) -> (Client, StatusCode) {
    sign_in_pw(app, user, &app.password(user), code).await
}

pub(crate) async fn sign_in_pw(
    app: &TestApp,
    user: &str,
    pw: &str,
    code: &str,
) -> (Client, StatusCode) {
    let c = client();
    let (s, l) = password_step_with(app, &c, user, pw).await;
    assert_eq!(
        (s, l.as_deref()),
        (StatusCode::SEE_OTHER, Some("/masuk/kode"))
    );
    let (s, _, _) = code_step(app, &c, code).await;
    (c, s)
}

pub(crate) async fn audit_actions(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.token("admin.demo").await;
    let (status, log) = app
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/audit?action={action}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    log["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn signing_in_asks_for_the_code_refuses_a_wrong_or_replayed_one() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let c = app.login("pimpasa.malang").await;
    let (secret, _) = enrol(&app, &c).await;
    assert_eq!(audit_actions(&app, "totp_enable").await.len(), 1);

    // The password alone signs nobody in: the half session sees no page.
    let c = client();
    let (s, l) = password_step(&app, &c, "pimpasa.malang").await;
    assert_eq!(
        (s, l.as_deref()),
        (StatusCode::SEE_OTHER, Some("/masuk/kode"))
    );
    let r = c.get(app.url("/laporan")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).unwrap().starts_with("/masuk?next="));
    let (s, _) = app.get(&c, "/akun").await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    let (s, _, body) = code_step(&app, &c, &wrong_code(&secret)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Kode salah"));
    let (s, _) = app.get(&c, "/laporan").await;
    assert_eq!(
        s,
        StatusCode::SEE_OTHER,
        "still signed out after a wrong code"
    );
    assert_eq!(audit_actions(&app, "login_code_failed").await.len(), 1);

    let code = code_at(&secret, 30);
    let (s, l, _) = code_step(&app, &c, &code).await;
    assert_eq!((s, l.as_deref()), (StatusCode::SEE_OTHER, Some("/laporan")));
    let (s, _) = app.get(&c, "/laporan").await;
    assert_eq!(s, StatusCode::OK);

    // The same code again, on another browser: refused (its step was used).
    let (_, s) = sign_in_with(&app, "pimpasa.malang", &code).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a code cannot be replayed");
}

#[tokio::test]
async fn a_recovery_code_works_once_and_five_wrong_codes_start_over() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let c = app.login("pimpasa.malang").await;
    let (_, codes) = enrol(&app, &c).await;

    let (c2, s) = sign_in_with(&app, "pimpasa.malang", &codes[3].to_uppercase()).await;
    assert_eq!(
        s,
        StatusCode::SEE_OTHER,
        "a recovery code signs in, in any case"
    );
    let (s, page) = app.get(&c2, "/laporan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Sisa kode cadangan: 9"),
        "the flash tells how many are left"
    );
    assert_eq!(audit_actions(&app, "recovery_code_used").await.len(), 1);

    let (_, s) = sign_in_with(&app, "pimpasa.malang", &codes[3]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a recovery code works once");

    // Five wrong codes end the half session: the right one then leads back to the password.
    let c = client();
    password_step(&app, &c, "pimpasa.malang").await;
    for _ in 0..4 {
        let (s, _, _) = code_step(&app, &c, "abcd-efgh-ijkl").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, l, _) = code_step(&app, &c, "abcd-efgh-ijkl").await;
    assert_eq!((s, l.as_deref()), (StatusCode::SEE_OTHER, Some("/masuk")));
    let r = c.get(app.url("/masuk/kode")).send().await.unwrap();
    assert_eq!(location(&r).as_deref(), Some("/masuk"));
}

#[tokio::test]
async fn a_required_role_without_a_second_factor_can_only_enrol() {
    let app = roomy(SecondFactorPolicy::default()).await;
    for user in ["admin.demo", "kanwil.jatim", "pemeriksa.malang"] {
        let c = client();
        let (s, l) = password_step(&app, &c, user).await;
        assert_eq!(
            (s, l.as_deref()),
            (StatusCode::SEE_OTHER, Some("/akun/dua-langkah")),
            "{user} is sent to enrolment"
        );
        for path in ["/laporan", "/akun", "/pengguna", "/"] {
            let r = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(
                (r.status(), location(&r).as_deref()),
                (StatusCode::SEE_OTHER, Some("/akun/dua-langkah")),
                "{user} {path}"
            );
        }
        let (s, page) = app.get(&c, "/akun/dua-langkah").await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("mewajibkan verifikasi dua langkah"));
        // The API refuses a token until the user has enrolled on the web.
        let r = client()
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": user, "password": app.password(user)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
        let body: Value = r.json().await.unwrap();
        assert!(body["title"]
            .as_str()
            .unwrap()
            .contains("verifikasi dua langkah"));
    }
    // Roles the default does not name go on as before.
    for user in ["pimpasa.malang", "desa.kalipare"] {
        let c = client();
        let (s, l) = password_step(&app, &c, user).await;
        assert_eq!(
            (s, l.as_deref()),
            (StatusCode::SEE_OTHER, Some("/laporan")),
            "{user}"
        );
    }
    // Once enrolled, the admin reaches every page again.
    let c = client();
    password_step(&app, &c, "admin.demo").await;
    enrol(&app, &c).await;
    let (s, _) = app.get(&c, "/pengguna").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn sensitive_changes_ask_for_password_and_code() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let c = app.login("pimpasa.malang").await;
    let (secret, codes) = enrol(&app, &c).await;

    // Changing the password: without the code refused, with a recovery code accepted.
    let new_pw = "sawah-hijau-di-kalipare-2026";
    let pw = app.password("pimpasa.malang");
    let (s, body, _) = app
        .post_form(
            &c,
            "/akun",
            "/akun/sandi",
            &[
                ("current", &pw),
                ("password", new_pw),
                ("password2", new_pw),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("f-code"), "the form asks for the code");
    let (s, _, _) = app
        .post_form(
            &c,
            "/akun",
            "/akun/sandi",
            &[
                ("current", &pw),
                ("code", &codes[0]),
                ("password", new_pw),
                ("password2", new_pw),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::SEE_OTHER,
        "password changed with a recovery code"
    );

    // New recovery codes: a wrong password refuses them and spends no code.
    let (s, _, _) = app
        .post_form(
            &c,
            "/akun/dua-langkah",
            "/akun/dua-langkah/kode-cadangan",
            &[("current", "salah-sekali-123"), ("code", &codes[1])],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, body, _) = app
        .post_form(
            &c,
            "/akun/dua-langkah",
            "/akun/dua-langkah/kode-cadangan",
            &[("current", new_pw), ("code", &codes[1])],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "codes[1] was not spent by the wrong password"
    );
    assert!(!body.contains(&codes[2]), "new codes, not the old ones");
    assert_eq!(body.matches("<li><code>").count(), 10);
    let (_, s) = sign_in_pw(&app, "pimpasa.malang", new_pw, &codes[2]).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "old recovery codes stop working"
    );
    assert_eq!(
        audit_actions(&app, "totp_recovery_regenerate").await.len(),
        1
    );

    // Switching off: needs both; afterwards the password alone signs in.
    let (s, _, _) = app
        .post_form(
            &c,
            "/akun/dua-langkah",
            "/akun/dua-langkah/matikan",
            &[("current", new_pw), ("code", "000000")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) = app
        .post_form(
            &c,
            "/akun/dua-langkah",
            "/akun/dua-langkah/matikan",
            &[("current", new_pw), ("code", &code_at(&secret, 30))],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, "/akun").await;
    assert!(page.contains("Tidak aktif."));
    let c2 = client();
    assert_eq!(
        app.login_with(&c2, "pimpasa.malang", new_pw).await,
        StatusCode::SEE_OTHER
    );
    let (s, _) = app.get(&c2, "/laporan").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn only_an_admin_resets_a_second_factor_and_it_is_audited() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let c = app.login("pimpasa.malang").await;
    enrol(&app, &c).await;
    let id = {
        let t = app.token("admin.demo").await;
        let (_, users) = app
            .api(&t, Method::GET, "/api/v1/users?q=pimpasa.malang", None)
            .await;
        users["items"][0]["id"].as_i64().unwrap()
    };
    let path = format!("/pengguna/{id}/dua-langkah/reset");
    for user in [
        "kanwil.jatim",
        "pemeriksa.malang",
        "disnaker.malang",
        "desa.kalipare",
    ] {
        let other = app.login(user).await;
        let (s, _, _) = app.post_form(&other, "/akun", &path, &[]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} cannot reset");
    }
    let (s, _) = app.get(&c, "/laporan").await;
    assert_eq!(s, StatusCode::OK, "nothing was reset");

    let admin = app.login("admin.demo").await;
    let (_, list) = app.get(&admin, "/pengguna?q=pimpasa").await;
    assert!(list.contains(&path), "the users list offers the reset");
    let (s, _, l) = app.post_form(&admin, "/pengguna", &path, &[]).await;
    assert_eq!(
        (s, l.as_deref()),
        (StatusCode::SEE_OTHER, Some("/pengguna"))
    );
    let log = audit_actions(&app, "totp_reset").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["entity_id"], id.to_string());
    assert_eq!(log[0]["username"], "admin.demo");

    // The user was signed out, and signs in with the password alone now.
    let (s, _) = app.get(&c, "/laporan").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let c = client();
    let (s, l) = password_step(&app, &c, "pimpasa.malang").await;
    assert_eq!((s, l.as_deref()), (StatusCode::SEE_OTHER, Some("/laporan")));

    // An admin's own second factor is not reset here (the account page asks for password and
    // code); an unknown user is not found.
    let (_, me) = app.get(&admin, "/akun").await;
    assert!(me.contains("admin.demo"));
    let admin_id = {
        let t = app.token("admin.demo").await;
        let (_, me) = app.api(&t, Method::GET, "/api/v1/me", None).await;
        me["user_id"].as_i64().unwrap()
    };
    let (s, _, _) = app
        .post_form(
            &admin,
            "/pengguna",
            &format!("/pengguna/{admin_id}/dua-langkah/reset"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .post_form(
            &admin,
            "/pengguna",
            "/pengguna/999999/dua-langkah/reset",
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_token_needs_the_code_of_an_account_with_a_second_factor() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let c = app.login("pimpasa.malang").await;
    let (secret, codes) = enrol(&app, &c).await;
    let pw = app.password("pimpasa.malang");
    let ask = |body: Value| {
        let url = app.url("/api/v1/auth/token");
        async move {
            let r = client().post(url).json(&body).send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, body) = ask(json!({"username": "pimpasa.malang", "password": pw})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["field"], "otp");
    assert_eq!(body["errors"][0]["code"], "err-otp-required");
    let (s, body) =
        ask(json!({"username": "pimpasa.malang", "password": pw, "otp": wrong_code(&secret)}))
            .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], "err-otp-wrong");
    let (s, _) = ask(json!({"username": "pimpasa.malang", "password": pw, "otp": codes[0]})).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "recovery codes are for the web only"
    );
    let (s, body) = ask(json!({"username": "pimpasa.malang", "password": "salah-sekali-123", "otp": code_at(&secret, 30)})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["errors"],
        json!([]),
        "a wrong password says nothing about the code"
    );

    let otp = code_at(&secret, 30);
    let (s, body) = ask(json!({"username": "pimpasa.malang", "password": pw, "otp": otp})).await;
    assert_eq!(s, StatusCode::OK);
    let token = body["token"].as_str().unwrap().to_string();
    let (s, me) = app.api(&token, Method::GET, "/api/v1/me", None).await;
    assert_eq!(
        (s, me["username"].as_str()),
        (StatusCode::OK, Some("pimpasa.malang"))
    );
    let (s, _) = ask(json!({"username": "pimpasa.malang", "password": pw, "otp": otp})).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the same code cannot be replayed"
    );
    assert!(!audit_actions(&app, "api_login_code_failed")
        .await
        .is_empty());
}

/// The handles of the sessions another device can end, from the account page.
#[tokio::test]
async fn code_attempts_count_against_the_sign_in_allowance() {
    // The default allowance: 10 attempts a minute per address and per account, passwords and
    // codes together.
    let app = spawn().await;
    let c = app.login("pimpasa.malang").await;
    let (secret, _) = enrol(&app, &c).await;
    let c = client();
    password_step(&app, &c, "pimpasa.malang").await;
    let mut limited = false;
    for _ in 0..12 {
        let (s, _, _) = code_step(&app, &c, &wrong_code(&secret)).await;
        match s {
            StatusCode::TOO_MANY_REQUESTS => {
                limited = true;
                break;
            }
            StatusCode::UNAUTHORIZED => {}
            // Five wrong codes end the half session: start it again.
            StatusCode::SEE_OTHER => {
                let (s, _) = password_step(&app, &c, "pimpasa.malang").await;
                if s == StatusCode::TOO_MANY_REQUESTS {
                    limited = true;
                    break;
                }
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(limited, "code guesses are rate-limited");
    let (s, _, _) = code_step(&app, &c, &code_at(&secret, 30)).await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "not even a right code passes while limited"
    );
}
