//! One's own sessions and API tokens on the account page, each revocable at once, and the
//! notice sent on a sign-in from a new device (issue 22). Helpers shared with the second
//! factor's tests are in `second_factor.rs`.

use crate::harness::*;
use crate::second_factor::*;
use benteng_web::SecondFactorPolicy;
use reqwest::{Method, StatusCode};

fn session_handles(page: &str) -> Vec<String> {
    let re = regex_lite::Regex::new(r"/akun/sesi/([0-9a-f]{16})/akhiri").unwrap();
    re.captures_iter(page).map(|m| m[1].to_string()).collect()
}

#[tokio::test]
async fn sessions_and_tokens_are_listed_and_revoked_at_once() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let laptop = client_as(FIREFOX);
    assert_eq!(
        app.login_with(&laptop, "pimpasa.malang", &app.password("pimpasa.malang"))
            .await,
        StatusCode::SEE_OTHER
    );
    let phone = client_as(ANDROID);
    assert_eq!(
        app.login_with(&phone, "pimpasa.malang", &app.password("pimpasa.malang"))
            .await,
        StatusCode::SEE_OTHER
    );
    let token = app.token("pimpasa.malang").await;

    let (s, page) = app.get(&laptop, "/akun").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Firefox · Linux") && page.contains("Chrome · Android"));
    assert!(page.contains("127.0.0.0/24"));
    assert!(
        page.contains("Perangkat ini"),
        "the current session is marked"
    );
    let handles = session_handles(&page);
    assert_eq!(handles.len(), 1, "only the other session has an end button");
    assert!(!page.contains(&token), "tokens are never shown");
    let re = regex_lite::Regex::new(r"/akun/token/(\d+)/cabut").unwrap();
    let token_ids: Vec<String> = re.captures_iter(&page).map(|m| m[1].to_string()).collect();
    assert_eq!(token_ids.len(), 1);

    // Another user cannot end these.
    let desa = app.login("desa.kalipare").await;
    let (s, _, _) = app
        .post_form(
            &desa,
            "/akun",
            &format!("/akun/sesi/{}/akhiri", handles[0]),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = app
        .post_form(
            &desa,
            "/akun",
            &format!("/akun/token/{}/cabut", token_ids[0]),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&phone, "/laporan").await;
    assert_eq!(s, StatusCode::OK);

    // The owner ends the phone's session: its next request is signed out.
    let (s, _, _) = app
        .post_form(
            &laptop,
            "/akun",
            &format!("/akun/sesi/{}/akhiri", handles[0]),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = phone.get(app.url("/laporan")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).unwrap().starts_with("/masuk"));
    let (s, _) = app.get(&laptop, "/laporan").await;
    assert_eq!(s, StatusCode::OK, "the laptop stays signed in");

    let (s, _, _) = app
        .post_form(
            &laptop,
            "/akun",
            &format!("/akun/token/{}/cabut", token_ids[0]),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = app.api(&token, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a revoked token stops at once");
    assert_eq!(audit_actions(&app, "session_revoke").await.len(), 1);
    assert_eq!(audit_actions(&app, "token_revoke").await.len(), 1);

    // Without the CSRF token, or signed out, nothing ends.
    let r = laptop
        .post(app.url("/akun/sesi/0123456789abcdef/akhiri"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let anon = client();
    let (_, login) = app.get(&anon, "/masuk").await;
    let csrf = csrf_of(&login);
    for path in [
        "/akun/sesi/0123456789abcdef/akhiri",
        "/akun/token/1/cabut",
        "/akun/dua-langkah",
        "/akun/dua-langkah/matikan",
        "/akun/dua-langkah/kode-cadangan",
        "/pengguna/1/dua-langkah/reset",
    ] {
        let r = anon
            .post(app.url(path))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).unwrap().starts_with("/masuk?next="), "{path}");
    }
    let r = anon.get(app.url("/akun/dua-langkah")).send().await.unwrap();
    assert!(location(&r).unwrap().starts_with("/masuk?next="));
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_sends_a_notice_without_secrets() {
    let app = roomy(SecondFactorPolicy::nobody()).await;
    let pw = app.password("pimpasa.malang");
    let count = |page: &str| page.matches("perangkat baru").count();

    // The first device ever is not news; the same device again is not either.
    let laptop = client_as(FIREFOX);
    app.login_with(&laptop, "pimpasa.malang", &pw).await;
    let again = client_as(FIREFOX);
    app.login_with(&again, "pimpasa.malang", &pw).await;
    let (_, page) = app.get(&laptop, "/notifikasi").await;
    assert_eq!(count(&page), 0);

    let phone = client_as(ANDROID);
    assert_eq!(
        app.login_with(&phone, "pimpasa.malang", &pw).await,
        StatusCode::SEE_OTHER
    );
    let (s, page) = app.get(&laptop, "/notifikasi").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&page), 1, "one notice for the new device");
    assert!(page.contains("Chrome · Android") && page.contains("127.0.0.0/24"));
    assert!(!page.contains(&pw), "never the password");
    assert!(
        !page.contains("Mobile Safari"),
        "never the whole user agent"
    );
    // Another user hears nothing of it.
    let desa = app.login("desa.kalipare").await;
    let (_, page) = app.get(&desa, "/notifikasi").await;
    assert_eq!(count(&page), 0);
}
