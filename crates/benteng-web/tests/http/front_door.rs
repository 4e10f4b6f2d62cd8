//! The front door and the menu: what a resident sees at `/`, what each role's menu offers
//! (and that every item opens), the unread count, and the forced password change.

use crate::harness::*;
use reqwest::StatusCode;

/// The `href`s of the links inside the first `<nav class="main">` of a page.
fn menu_links(html: &str) -> Vec<String> {
    let Some(start) = html.find(r#"<nav class="main""#) else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split(r#"href=""#)
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

async fn sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_finds_what_they_came_for_at_the_front_door_and_nothing_is_written() {
    let app = spawn().await;
    let before = sessions(&app).await;
    let c = client();
    let (status, html) = app.get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    for href in [
        "/lapor",
        "/cek-tawaran",
        "/cek-p3mi",
        "/panduan",
        "/kegiatan",
        "/lacak",
        "/faq",
        "/masuk",
        "tel:08001000",
        "tel:129",
        "tel:110",
    ] {
        assert!(html.contains(&format!(r#"href="{href}""#)), "{href}");
    }
    assert!(html.contains("Laporkan calo atau perekrut mencurigakan"));
    assert!(!html.contains(r#"<nav class="main""#), "no staff menu");
    assert!(html.len() < 20_000, "{} bytes", html.len());
    // Every link of the page opens for a visitor (the hotline page too).
    for href in html.split(r#"href=""#).skip(1) {
        let href = &href[..href.find('"').unwrap()];
        if href.starts_with('/') {
            let (s, _) = app.get(&c, href).await;
            assert_eq!(s, StatusCode::OK, "{href}");
        }
    }
    assert_eq!(sessions(&app).await, before, "a visit writes no session");
    // The same page in English.
    let en = client();
    let r = en
        .get(app.url("/"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Report a broker"));
}

#[tokio::test]
async fn each_role_gets_its_work_first_and_every_menu_item_opens() {
    let app = spawn().await;
    // (user, the first items of the bar after Beranda)
    let cases = [
        ("desa.sitiarjo", ["/laporan", "/calon-pmi"]),
        ("pimpasa.malang", ["/laporan", "/rujukan"]),
        ("pemeriksa.malang", ["/skrining", "/laporan"]),
        // A partner agency has no case list: referrals, then its rooms.
        ("disnaker.malang", ["/rujukan", "/ruang"]),
        // Dukcapil's own desk comes first: the NIKs the register flagged.
        ("dukcapil.malang", ["/cek-nik", "/rujukan"]),
        // The Kanwil steers: its dashboard first.
        ("kanwil.jatim", ["/dasbor", "/desa-binaan"]),
        ("admin.demo", ["/pengguna", "/kantor"]),
    ];
    for (user, first) in cases {
        let c = app.login(user).await;
        let (status, html) = app.get(&c, "/").await;
        assert_eq!(status, StatusCode::OK, "{user}");
        let links = menu_links(&html);
        assert_eq!(links[0], "/", "{user}: {links:?}");
        assert_eq!(&links[1..3], &first, "{user}: {links:?}");
        // The bar holds at most five; the rest is under "Lainnya".
        let bar = html[html.find(r#"<nav class="main""#).unwrap()..]
            .split("<details")
            .next()
            .unwrap()
            .matches("href=")
            .count();
        assert!(bar <= 5, "{user}: {bar} in the bar");
        let mut unique = links.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), links.len(), "{user}: {links:?}");
        for href in &links {
            let (s, _) = app.get(&c, href).await;
            assert_eq!(s, StatusCode::OK, "{user} {href}");
        }
        // Administrator · Administrator says nothing twice.
        assert!(!html.contains("Administrator · Administrator"), "{user}");
    }
}

#[tokio::test]
async fn the_header_counts_unread_notifications_until_they_are_read() {
    let app = spawn().await;
    let c = app.login("pimpasa.malang").await;
    let uid: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'pimpasa.malang'")
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap();
    let unread = |app: &TestApp| {
        let pool = app.db.fixtures_pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM outbox WHERE recipient_id = $1 AND channel = 'inapp' AND read_at IS NULL",
            )
            .bind(uid)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // The officer starts with nothing unread, then a village files a report in the area.
    let (status, _, _) = app
        .post_form(&c, "/notifikasi", "/notifikasi/baca-semua", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, "/laporan").await;
    assert!(!html.contains(r#"class="count""#));
    let desa = app.token("desa.sitiarjo").await;
    let (s, b) = app
        .api(
            &desa,
            reqwest::Method::POST,
            "/api/v1/reports",
            Some(serde_json::json!({"category": "rekrutmen",
                "description": "Ada calo menawarkan kerja di Malaysia tanpa prosedur.",
                "region_code": "35.07.04.2007"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let n = unread(&app).await;
    assert!(n > 0, "the new report is announced to the officer");
    let (_, html) = app.get(&c, "/laporan").await;
    assert!(
        html.contains(&format!(
            r#"<span class="count" aria-label="{n} belum dibaca">{n}</span>"#
        )),
        "count {n} in the header"
    );
    let (status, _, _) = app
        .post_form(&c, "/notifikasi", "/notifikasi/baca-semua", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(unread(&app).await, 0);
    let (_, html) = app.get(&c, "/laporan").await;
    assert!(!html.contains(r#"class="count""#));
    assert!(html.contains(r#"href="/notifikasi""#));
}

#[tokio::test]
async fn a_forced_password_change_shows_no_menu_and_then_leads_home() {
    let app = spawn().await;
    let admin = app.login("admin.demo").await;
    let (status, _, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &[
                ("username", "kades.putukrejo"),
                ("full_name", "Kepala Desa Putukrejo"),
                ("role", "desa"),
                ("region_code", "35.07.11.2001"),
                ("password", "sawah-hijau-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let n = client();
    app.login_with(&n, "kades.putukrejo", "sawah-hijau-2026")
        .await;
    let (status, html) = app.get(&n, "/akun").await;
    assert_eq!(status, StatusCode::OK);
    assert!(menu_links(&html).is_empty(), "no menu that bounces back");
    assert!(!html.contains(r#"href="/notifikasi""#));
    let r = n
        .post(app.url("/akun/sandi"))
        .form(&[
            ("_csrf", csrf_of(&html).as_str()),
            ("current", "sawah-hijau-2026"),
            ("password", "pilihan-sendiri-7"),
            ("password2", "pilihan-sendiri-7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let (status, html) = app.get(&n, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kata sandi diganti") || html.contains(r#"class="flash""#));
    assert!(menu_links(&html).contains(&"/laporan".to_string()));
}
