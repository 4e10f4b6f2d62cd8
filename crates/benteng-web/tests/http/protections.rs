//! Account and export protections of issue 22 beyond the probe's findings: guessable
//! passwords, rate limits shared by every instance, and personal-data exports downloaded as
//! password-protected archives.

use crate::harness::*;
use crate::reports_api::{has_error, spawn_roomy};
use benteng_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn guessable_passwords_are_refused() {
    let app = spawn_roomy().await;
    let admin = app.token("admin.demo").await;
    for pw in [
        "1234567890",
        "password123",
        "qwertyuiop",
        "budi.santoso1990",
    ] {
        let (s, b) = app
            .api(&admin, Method::POST, "/api/v1/users", Some(json!({"username": "budi.santoso", "full_name": "Budi Santoso", "role": "desa", "region_code": SITIARJO, "password": pw})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{pw}: {b}");
        assert!(has_error(&b, "password", "err-password-weak"), "{pw}: {b}");
    }
    let (s, b) = app
        .api(&admin, Method::POST, "/api/v1/users", Some(json!({"username": "budi.santoso", "full_name": "Budi Santoso", "role": "desa", "region_code": SITIARJO, "password": "sawah hijau di kaki gunung"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // Changing one's own password is held to the same rule.
    let web = app.login("desa.kalipare").await;
    let current = app.password("desa.kalipare");
    let (s, html, _) = app
        .post_form(
            &web,
            "/akun",
            "/akun/sandi",
            &[
                ("current", current.as_str()),
                ("password", "1234567890"),
                ("password2", "1234567890"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("terlalu mudah ditebak"), "{html}");
}

#[tokio::test]
async fn login_and_public_form_limits_are_shared_by_every_instance() {
    let config = || WebConfig {
        login_attempts_per_minute: 3,
        public_reports_per_hour: 2,
        ..Default::default()
    };
    let app = spawn_with(config()).await;
    // A second instance on the same database, as behind a load balancer.
    let uploads = tempfile::tempdir().unwrap();
    let second = benteng_web::Application::build(
        WebConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            upload_dir: uploads.path().to_path_buf(),
            ..config()
        },
        app.db.clone(),
    )
    .await
    .unwrap();
    let other = format!("http://{}", second.local_addr());
    tokio::spawn(second.run_until(std::future::pending()));
    let report = json!({"category": "iklan", "description": "Iklan kerja ke luar negeri.", "region_code": SITIARJO});
    let post = |base: &str| {
        client()
            .post(format!("{base}/api/v1/public/reports"))
            .json(&report)
            .send()
    };
    assert_eq!(post(&app.base).await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(post(&other).await.unwrap().status(), StatusCode::CREATED);
    // The allowance of two an hour is used up on both instances together.
    assert_eq!(
        post(&app.base).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        post(&other).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Three wrong passwords a minute for one username, spread over both instances.
    let attempt = |base: &str| {
        client()
            .post(format!("{base}/api/v1/auth/token"))
            .json(&json!({"username": "desa.kalipare", "password": "salah-sekali-ini"}))
            .send()
    };
    for base in [&app.base, &other, &app.base] {
        assert_eq!(
            attempt(base).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&other).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// The archive password and download link of an "encrypted export" page.
fn archive_offer(html: &str) -> (String, String) {
    let pw = regex_lite::Regex::new(r#"id="archive-password">([A-Z0-9-]+)<"#)
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("a password: {html}"))[1]
        .to_string();
    let link = regex_lite::Regex::new(r#"href="(/ekspor/unduh/[0-9a-f]+)""#)
        .unwrap()
        .captures(html)
        .unwrap()[1]
        .to_string();
    (pw, link)
}

#[tokio::test]
async fn personal_data_exports_download_as_password_protected_archives() {
    use std::io::Read;
    let app = spawn_roomy().await;
    let t = app.token("desa.kalipare").await;
    let (s, b) = app
        .api(&t, Method::POST, "/api/v1/migrants", Some(json!({"name": "Siti Aminah", "nik": "3507115507900002", "birth_date": "1990-07-15", "sex": "p", "phone": "0812 3456 7890", "destination": "TW", "job": "Perawat lansia", "scheme": "mandiri"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let desa = app.login("desa.kalipare").await;
    let (s, html) = app
        .get(&desa, "/calon-pmi/ekspor?format=csv&enkripsi=1")
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("hanya ditampilkan sekali"), "{html}");
    let (pw, link) = archive_offer(&html);
    // Another user cannot take the link; then the owner downloads it, once.
    let other = app.login("desa.sitiarjo").await;
    assert_eq!(app.get(&other, &link).await.0, StatusCode::NOT_FOUND);
    let r = desa.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("calon-pmi.zip"));
    let zip = r.bytes().await.unwrap().to_vec();
    assert_eq!(app.get(&desa, &link).await.0, StatusCode::NOT_FOUND);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap();
    assert!(archive.by_index_decrypt(0, b"salah").is_err());
    let mut csv = String::new();
    archive
        .by_index_decrypt(0, pw.as_bytes())
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    // The same rows as the plain export of the same user.
    let (s, plain) = app.get(&desa, "/calon-pmi/ekspor?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(csv, plain);
    assert!(
        csv.contains("3507115507900002"),
        "the resident is in it: {csv}"
    );
    // The download is audited.
    let admin = app.token("admin.demo").await;
    let (_, log) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=export_encrypted",
            None,
        )
        .await;
    assert!(log.to_string().contains("export_encrypted"), "{log}");
    // Cases: officers may; the police (no case export) are refused before any password.
    let officer = app.login("pimpasa.malang").await;
    let (s, html) = app
        .get(&officer, "/kasus/ekspor?format=json&enkripsi=1")
        .await;
    assert_eq!(s, StatusCode::OK);
    let (pw, link) = archive_offer(&html);
    let r = officer.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let zip = r.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut json = String::new();
    archive
        .by_index_decrypt(0, pw.as_bytes())
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    assert!(serde_json::from_str::<Value>(&json).unwrap().is_array());
    let polres = app.login("polres.malang").await;
    let (s, html) = app
        .get(&polres, "/kasus/ekspor?format=json&enkripsi=1")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!html.contains("archive-password"));
}

/// Issue 24: a visitor who only reads public pages costs no database write (no session row),
/// yet their forms stay protected: the token is bound to their own visitor cookie, so a token
/// shown to someone else, or a request without the cookie, is refused.
#[tokio::test]
async fn public_pages_write_nothing_and_their_forms_need_the_visitors_own_token() {
    let app = spawn().await;
    let before = crate::api_public::row_counts(&app).await;
    let visitor = client();
    let mut tokens = Vec::new();
    for path in [
        "/",
        "/masuk",
        "/panduan",
        "/lapor",
        "/lacak",
        "/cek-tawaran",
        "/cek-p3mi",
        "/kegiatan",
        "/faq",
        "/hadir",
        "/antrean",
        "/csrf",
        "/manifest.webmanifest",
        "/sw.js",
    ] {
        let (s, page) = app.get(&visitor, path).await;
        assert!(
            s == StatusCode::OK || s == StatusCode::SEE_OTHER,
            "{path}: {s}"
        );
        if page.contains("name=\"_csrf\"") {
            tokens.push(csrf_of(&page));
        }
    }
    assert!(tokens.len() >= 3, "forms on the public pages");
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "one token per visitor");
    assert_eq!(
        crate::api_public::row_counts(&app).await,
        before,
        "reading public pages wrote nothing"
    );
    // The visitor's own token is taken (the language switch answers with a redirect) …
    let post = |c: &reqwest::Client, token: &str| {
        c.post(app.url("/bahasa"))
            .form(&[("_csrf", token), ("lang", "en"), ("next", "/panduan")])
            .send()
    };
    assert_eq!(
        post(&visitor, &tokens[0]).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    // … another visitor's is not, nor is it without any visitor cookie.
    let other = client();
    let (_, page) = app.get(&other, "/masuk").await;
    assert_ne!(
        csrf_of(&page),
        tokens[0],
        "each visitor has a token of their own"
    );
    assert_eq!(
        post(&other, &tokens[0]).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        post(&bare, &tokens[0]).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // Signing in still works from such a page, and the session then has its own token.
    let c = app.login("pimpasa.malang").await;
    let (_, page) = app.get(&c, "/laporan").await;
    assert_ne!(csrf_of(&page), tokens[0]);
}
