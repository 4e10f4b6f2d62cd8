//! One place picker for every place field: names instead of Kemendagri codes, choices when a
//! name fits several places, a clear error when it fits none, and the suggestions the
//! browser shows while typing.

use crate::harness::*;
use reqwest::StatusCode;

const SITIARJO: &str = "35.07.04.2007";

#[tokio::test]
async fn a_place_is_typed_by_name_and_a_shared_name_offers_its_places() {
    let app = spawn().await;
    let admin = app.login("admin.demo").await;
    let user = |name: &'static str, region: &'static str| {
        [
            ("username", name),
            ("full_name", "Kepala Desa Baru"),
            ("role", "desa"),
            ("region_code", region),
            ("password", "sawah-hijau-2026"),
        ]
    };
    // A name that fits one village is that village.
    let (status, _, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &user("kades.sitiarjo2", "Sitiarjo"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home: String =
        sqlx::query_scalar("SELECT region_code FROM users WHERE username = 'kades.sitiarjo2'")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
    assert_eq!(home, SITIARJO);

    // A name many villages share comes back with them to choose from, the rest kept.
    let (status, html, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &user("kades.sumberejo", "Sumberejo"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Nama ini ada di beberapa tempat"));
    assert!(html.contains(r#"value="kades.sumberejo""#), "input kept");
    let choices: Vec<&str> = html
        .split(r#"<input type="radio" name="region_code" value=""#)
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(choices.len() >= 3, "{choices:?}");
    assert!(choices.contains(&""), "a way back to typing");
    assert!(
        html.contains("Desa Sumberejo, Kec. "),
        "labels with kecamatan"
    );
    // Choosing one saves it.
    let pick = choices[0];
    assert!(pick.starts_with(|c: char| c.is_ascii_digit()), "{pick}");
    let (status, _, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &[
                ("username", "kades.sumberejo"),
                ("full_name", "Kepala Desa Baru"),
                ("role", "desa"),
                ("region_code", pick),
                ("password", "sawah-hijau-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The kecamatan narrows a shared name to one place.
    let (status, _, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &user("kades.sumberejo2", "Sumberejo, Kec. Gedangan"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home: String =
        sqlx::query_scalar("SELECT region_code FROM users WHERE username = 'kades.sumberejo2'")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
    assert_eq!(home, "35.07.29.2006");

    // A name that fits nothing says so in words.
    let (status, html, _) = app
        .post_form(
            &admin,
            "/pengguna/baru",
            "/pengguna",
            &user("kades.salah", "Sitiarjoo Raya"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Tidak ada wilayah dengan nama ini"));

    // A chosen place shows by name when the form is opened again.
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'kades.sitiarjo2'")
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap();
    let (_, form) = app.get(&admin, &format!("/pengguna/{id}")).await;
    assert!(
        form.contains(
            r#"value="Desa Sitiarjo, Kec. Sumbermanjing Wetan, Kab. Malang, Jawa Timur""#
        ),
        "the place by name"
    );
    assert!(form.contains(r#"data-area="1,4""#));
}

#[tokio::test]
async fn every_place_field_takes_a_name() {
    let app = spawn().await;
    let officer = app.login("pimpasa.malang").await;
    // An alert to a kabupaten typed as people write it.
    let (status, _, loc) = app
        .post_form(
            &officer,
            "/waspada",
            "/waspada",
            &[
                ("severity", "waspada"),
                ("area_code", "Kab. Malang"),
                ("title", "Calo ke Kamboja"),
                ("body", "Waspadai tawaran kerja online ke Kamboja."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{loc:?}");
    let area: String =
        sqlx::query_scalar("SELECT area_code FROM alerts WHERE title = 'Calo ke Kamboja'")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
    assert_eq!(area, "35.07");
    // An event in a kecamatan, inviting villages by name, one per line.
    let (status, html, _) = app
        .post_form(
            &officer,
            "/sosialisasi/baru",
            "/sosialisasi",
            &[
                ("title", "Sosialisasi migrasi aman"),
                ("date", "2027-01-20"),
                ("time", "09:00"),
                ("zone", ""),
                ("venue", "Balai desa"),
                ("region", "Kec. Sumbermanjing Wetan"),
                ("villages", "Sitiarjo\nKalipare, Kec. Kalipare"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (region, invited): (String, i64) = sqlx::query_as(
        "SELECT e.region_code, (SELECT COUNT(*) FROM event_villages v WHERE v.event_id = e.id) \
         FROM events e WHERE e.title = 'Sosialisasi migrasi aman' AND e.venue = 'Balai desa'",
    )
    .fetch_one(app.db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!((region.as_str(), invited), ("35.07.04", 2));
    // The report list filters by a place's name; a name fitting several offers them.
    let (status, html) = app
        .get(&officer, "/laporan?wilayah=Kec.+Sumbermanjing+Wetan")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(r#"class="err""#), "read as one kecamatan");
    assert!(
        html.contains(r#"value="Kec. Sumbermanjing Wetan""#),
        "kept as typed"
    );
    let (_, html) = app.get(&officer, "/laporan?wilayah=Sumberejo").await;
    assert!(html.contains("Nama ini ada di beberapa tempat"));
    // The officer's own area comes first among 54 villages of that name.
    let first = html
        .split(r#"<input type="radio" name="wilayah" value=""#)
        .nth(1)
        .unwrap();
    assert!(first.starts_with("35.07."), "{}", &first[..40]);
    // No form asks for a code any more.
    for path in [
        "/pengguna/baru",
        "/sosialisasi/baru",
        "/waspada",
        "/laporan",
        "/calon-pmi",
        "/daftar-pantau",
        "/instansi/baru",
        "/kantor/baru",
    ] {
        let c = if path.starts_with("/pengguna")
            || path.starts_with("/instansi")
            || path.starts_with("/kantor")
        {
            app.login("admin.demo").await
        } else {
            officer.clone()
        };
        let (s, html) = app.get(&c, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(!html.contains(r#"placeholder="35."#), "{path}");
        assert!(!html.contains("Kode wilayah"), "{path}");
    }
}

#[tokio::test]
async fn suggestions_list_places_with_their_kecamatan_and_kabupaten() {
    let app = spawn().await;
    let c = client();
    let r = c
        .get(app.url("/wilayah/saran?q=sitiar&tingkat=4"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let found: serde_json::Value = r.json().await.unwrap();
    assert_eq!(found[0]["code"], SITIARJO);
    assert_eq!(
        found[0]["label"],
        "Desa Sitiarjo, Kec. Sumbermanjing Wetan, Kab. Malang, Jawa Timur"
    );
    // Kabupaten level only; fewer than three letters suggest nothing; at most eight.
    let r = c
        .get(app.url("/wilayah/saran?q=malang&tingkat=2"))
        .send()
        .await
        .unwrap();
    let found: serde_json::Value = r.json().await.unwrap();
    let labels: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    // Exact names first, then names that contain the text (Pemalang).
    assert_eq!(
        labels[..2],
        ["Kab. Malang, Jawa Timur", "Kota Malang, Jawa Timur"]
    );
    assert!(labels.contains(&"Kab. Pemalang, Jawa Tengah"), "{labels:?}");
    let r = c.get(app.url("/wilayah/saran?q=si")).send().await.unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!([])
    );
    let r = c
        .get(app.url("/wilayah/saran?q=sumber"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<serde_json::Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        8
    );
}
