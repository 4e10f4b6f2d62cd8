//! The web pages as a user meets them: forms with errors next to their fields, lists with
//! paging, language, and the size of what goes over the wire.

use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn an_officer_enrols_a_village_and_finds_it_in_the_list() {
    let app = spawn().await;
    let c = app.login("pimpasa.malang").await;
    let (status, html) = app.get(&c, "/desa-binaan/baru?cari=putukrejo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"value="35.07.11.2001""#),
        "the search offers Putukrejo"
    );
    // Villages already enrolled are offered but disabled.
    let (_, html) = app.get(&c, "/desa-binaan/baru?cari=kalipare").await;
    assert!(html.contains(r#"value="35.07.11.2002" disabled"#));

    // Errors come back next to their fields, with the input kept.
    let (status, html, _) = app
        .post_form(
            &c,
            "/desa-binaan/baru",
            "/desa-binaan",
            &[
                ("region_code", "35.07.11.2001"),
                ("sk_number", "SK-99"),
                ("sk_date", "2024-02-30"),
                ("status", "aktif"),
                ("population", "100"),
                ("residents_abroad", "500"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"id="e-sk_date">Tanggal tidak valid"#),
        "date error next to the field"
    );
    assert!(html.contains(r#"id="e-residents_abroad">Tidak boleh lebih dari jumlah penduduk"#));
    assert!(html.contains(r#"value="SK-99""#), "input kept");

    let office = app.office_id(MALANG).await.to_string();
    let (status, _, loc) = app
        .post_form(
            &c,
            "/desa-binaan/baru",
            "/desa-binaan",
            &[
                ("region_code", "35.07.11.2001"),
                ("office_id", &office),
                ("sk_number", "SK-99"),
                ("sk_date", "2025-02-03"),
                ("status", "aktif"),
                ("kantong_pmi", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let loc = loc.unwrap();
    let (status, html) = app.get(&c, &loc).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Desa binaan terdaftar.")
            && html.contains("Putukrejo")
            && html.contains("3 Februari 2025")
    );
    let (_, list) = app.get(&c, "/desa-binaan?q=putukrejo").await;
    assert!(list.contains("Putukrejo") && list.contains("Kantong PMI"));

    // Enrolling it again is refused with a clear message.
    let (status, html, _) = app
        .post_form(
            &c,
            "/desa-binaan/baru",
            "/desa-binaan",
            &[
                ("region_code", "35.07.11.2001"),
                ("office_id", &office),
                ("sk_number", "SK-100"),
                ("sk_date", "2025-02-03"),
                ("status", "aktif"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("sudah terdaftar sebagai desa binaan"));

    // A village outside the office's area (Kabupaten Blitar) cannot be enrolled by this officer.
    let (status, html, _) = app
        .post_form(
            &c,
            "/desa-binaan/baru",
            "/desa-binaan",
            &[
                ("region_code", "35.05.01.2001"),
                ("office_id", &office),
                ("sk_number", "SK-101"),
                ("sk_date", "2025-02-03"),
                ("status", "aktif"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("di luar wilayah kerja Anda"));
}

#[tokio::test]
async fn a_pimpasa_records_a_visit_and_it_shows_on_the_village_and_home() {
    let app = spawn().await;
    let c = app.login("pimpasa.malang").await;
    let id = app.desa_id(SITIARJO).await;
    let (status, html, _) = app
        .post_form(
            &c,
            "/",
            &format!("/desa-binaan/{id}/kunjungan"),
            &[("visit_date", "2099-01-01"), ("findings", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"id="e-visit_date">Tanggal tidak boleh di masa depan"#)
            && html.contains(r#"id="e-findings">Wajib diisi"#)
    );
    let (status, _, _) = app
        .post_form(
            &c,
            "/",
            &format!("/desa-binaan/{id}/kunjungan"),
            &[
                ("visit_date", "2026-11-02"),
                ("findings", "Dua warga berangkat lewat calo ke Malaysia."),
                ("departures_seen", "2"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, &format!("/desa-binaan/{id}")).await;
    assert!(
        html.contains("Dua warga berangkat lewat calo ke Malaysia.")
            && html.contains("2 November 2026")
    );
    let (_, home) = app.get(&c, "/").await;
    assert!(home.contains("Sitiarjo"));
}

#[tokio::test]
async fn admin_manages_users_with_validation() {
    let app = spawn().await;
    let c = app.login("admin.demo").await;
    let (status, html, _) = app
        .post_form(
            &c,
            "/pengguna/baru",
            "/pengguna",
            &[
                ("username", "a b"),
                ("full_name", ""),
                ("role", "desa"),
                ("region_code", "35.07"),
                ("password", "pendek"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["username", "full_name", "region_code", "password"] {
        assert!(
            html.contains(&format!(r#"id="e-{field}""#)),
            "error for {field}"
        );
    }
    let (status, _, _) = app
        .post_form(
            &c,
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
    let (status, html, _) = app
        .post_form(
            &c,
            "/pengguna/baru",
            "/pengguna",
            &[
                ("username", "kades.putukrejo"),
                ("full_name", "Lagi"),
                ("role", "admin"),
                ("password", "sawah-hijau-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Nama pengguna sudah dipakai."));
    let (_, list) = app.get(&c, "/pengguna?q=putukrejo").await;
    assert!(list.contains("kades.putukrejo"));
    // The new user signs in, must first replace the password the admin chose, and then sees
    // their own (still empty) scope.
    let n = client();
    assert_eq!(
        app.login_with(&n, "kades.putukrejo", "sawah-hijau-2026")
            .await,
        StatusCode::SEE_OTHER
    );
    let r = n.get(app.url("/desa-binaan")).send().await.unwrap();
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/akun")
    );
    let (status, html) = app.get(&n, "/akun").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kata sandi Anda dibuat oleh orang lain"));
    let (status, _, _) = app
        .post_form(
            &n,
            "/akun",
            "/akun/sandi",
            &[
                ("current", "sawah-hijau-2026"),
                ("password", "pilihan-sendiri-7"),
                ("password2", "pilihan-sendiri-7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app.get(&n, "/desa-binaan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Tidak ada hasil."));
}

#[tokio::test]
async fn regions_can_be_browsed_and_searched_with_paging() {
    let app = spawn().await;
    let c = app.login("desa.kalipare").await;
    let (_, html) = app.get(&c, "/wilayah?induk=35.07").await;
    assert!(
        html.contains("Kalipare")
            && html.contains("Sumbermanjing Wetan")
            && html.contains("Jawa Timur")
    );
    let (_, html) = app.get(&c, "/wilayah?q=350711").await;
    assert!(
        html.contains("Putukrejo"),
        "bare NIK-style code prefixes work"
    );
    let (_, html) = app.get(&c, "/wilayah?induk=35.07.04").await;
    assert!(html.contains("Sitiarjo"));
    // Kabupaten Malang has 390 villages: 50 a page.
    let (_, html) = app.get(&c, "/wilayah?q=35.07&hal=2").await;
    assert!(
        html.contains("Halaman 2")
            && html.contains(r#"rel="prev""#)
            && html.contains(r#"rel="next""#)
    );
    let (status, _) = app.get(&c, "/wilayah?induk=99.99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn language_follows_the_switch_and_accept_language() {
    let app = spawn().await;
    let anon = client();
    let r = anon
        .get(app.url("/masuk"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Sign in"));
    let c = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&c, "/").await;
    assert!(html.contains("Beranda"));
    let (status, _, _) = app
        .post_form(
            &c,
            "/",
            "/bahasa",
            &[("lang", "en"), ("next", "/desa-binaan")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, "/desa-binaan").await;
    assert!(
        html.contains("Sign out") && html.contains("In preparation") || html.contains("Active")
    );
    // The choice is stored on the account: a new session of the same user speaks English.
    let again = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&again, "/").await;
    assert!(html.contains("Home") && html.contains(r#"lang="en""#));
    let (status, _, _) = app.post_form(&c, "/", "/bahasa", &[("lang", "xx")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn errors_are_friendly_pages_and_nothing_leaks() {
    let app = spawn().await;
    let c = app.login("admin.demo").await;
    for path in [
        "/desa-binaan/999999",
        "/desa-binaan/abc",
        "/desa-binaan/-1",
        "/tidak-ada",
    ] {
        let (status, html) = app.get(&c, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("tidak ditemukan") && html.contains("<html"),
            "{path}"
        );
    }
    // Bodies the form reader cannot read, each with a valid CSRF token so that the reader
    // (not the CSRF check) is what refuses them: a field given twice, and a body that is no
    // form at all. Each is a friendly page and no account is created.
    let admin = app.token("admin.demo").await;
    let before = user_count(&app, &admin).await;
    let (_, form) = app.get(&c, "/pengguna/baru").await;
    let token = csrf_of(&form);
    for (content_type, body, want) in [
        (
            "application/x-www-form-urlencoded",
            "username=baru.satu&username=baru.dua&full_name=Baru&role=admin&password=kuda-lari-cepat-sekali",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "text/plain",
            "username=baru.satu&full_name=Baru&role=admin&password=kuda-lari-cepat-sekali",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let r = c
            .post(app.url("/pengguna"))
            .header("content-type", content_type)
            .header("x-csrf-token", &token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want, "{content_type}: {body}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html"), "{content_type}: a page");
        assert!(
            !html.contains("Sesi formulir kedaluwarsa"),
            "{content_type}: refused by the reader, not the CSRF check"
        );
    }
    assert_eq!(user_count(&app, &admin).await, before, "no account created");
    // The same valid form is created, so the refusals above were for the body alone.
    let r = c
        .post(app.url("/pengguna"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-csrf-token", &token)
        .body(
            "username=baru.satu&full_name=Baru&role=admin&password=kuda-lari-cepat-sekali&active=1",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(user_count(&app, &admin).await, before + 1);
}

async fn user_count(app: &TestApp, admin: &str) -> i64 {
    let (s, b) = app
        .api(admin, reqwest::Method::GET, "/api/v1/users", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    b["total"].as_i64().unwrap()
}

#[tokio::test]
async fn pages_stay_small() {
    let app = spawn().await;
    let c = app.login("admin.demo").await;
    let id = app.desa_id(KALIPARE).await;
    let office = app.office_id(MALANG).await;
    for path in [
        "/",
        "/desa-binaan",
        &format!("/desa-binaan/{id}"),
        "/wilayah?q=35.07",
        "/audit",
        "/pengguna",
        &format!("/kantor/{office}"),
        "/desa-binaan/baru?cari=sumber",
        "/static/app.css",
        "/static/app.js",
    ] {
        let (status, body) = app.get(&c, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        // Uncompressed size; gzip makes it several times smaller on the wire.
        assert!(body.len() < 60 * 1024, "{path} is {} bytes", body.len());
    }
}

#[tokio::test]
async fn audit_log_is_filtered_and_paged() {
    let app = spawn().await;
    for _ in 0..3 {
        app.login("desa.kalipare").await;
    }
    let c = app.login("admin.demo").await;
    let (_, html) = app
        .get(&c, "/audit?pengguna=desa.kalipare&aksi=login")
        .await;
    assert_eq!(
        html.matches("<tr>").count() + html.matches("<tr class").count(),
        1 + 3,
        "header row + three logins"
    );
    let (_, html) = app.get(&c, "/audit?entitas=desa_binaan").await;
    // Actions read in words, with the user's name.
    assert!(html.contains("<td>Didaftarkan") && !html.contains("<td>Masuk"));
    assert!(!html.contains(">enrol<"));
    // The filter offers actions by name and keeps the one chosen.
    assert!(html.contains(r#"<option value="enrol">Didaftarkan</option>"#));
    let (_, html) = app.get(&c, "/audit").await;
    assert!(
        html.contains(r#"rel="next""#),
        "the demo alone writes more than a page"
    );
    // The kanwil sees entries placed in Jawa Timur, but no logins (which have no place).
    let k = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&k, "/audit?aksi=login").await;
    assert!(html.contains("Tidak ada hasil."));
    let (_, html) = app.get(&k, "/audit?aksi=enrol").await;
    assert!(html.contains("35.07."));
}

#[tokio::test]
async fn the_registry_is_searched_by_village_kecamatan_or_decree_number() {
    let app = spawn().await;
    let c = app.login("admin.demo").await;
    let (s, html) = app.get(&c, "/desa-binaan?q=kalipare").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Arjowilangun") && html.contains("Sukowilangun"),
        "villages of Kecamatan Kalipare"
    );
    assert!(!html.contains("Sitiarjo"));
    let (s, html) = app.get(&c, "/desa-binaan?q=SITI%20arjo").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Tidak ada hasil.") && !html.contains("Sitiarjo"),
        "words are matched as typed, not reordered"
    );
    let (s, html) = app.get(&c, "/desa-binaan?q=sitiarjo").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sitiarjo") && !html.contains("Kalipare</a>"));
    let (_, html) = app.get(&c, "/desa-binaan?q=0312%2F2024").await;
    assert_eq!(
        html.matches("/desa-binaan/").count() - html.matches("/desa-binaan/baru").count(),
        1,
        "one decree matches"
    );
    let (_, html) = app.get(&c, "/desa-binaan?q=tidakadadesaini").await;
    assert!(html.contains("Tidak ada hasil."));
    let (s, html) = app.get(&c, "/desa-binaan?status=persiapan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<td>Persiapan</td>") && !html.contains("<td>Aktif</td>"));
}
