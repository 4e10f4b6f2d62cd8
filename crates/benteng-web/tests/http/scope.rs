//! Scopes in the data layer: each role sees exactly its places, and an office's dated working
//! area decides what its officers see.

use crate::harness::*;
use reqwest::{Method, StatusCode};

async fn codes_seen(app: &TestApp, user: &str) -> Vec<String> {
    let t = app.token(user).await;
    let (status, body) = app.api(&t, Method::GET, "/api/v1/desa-binaan", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut v: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["region_code"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn every_role_sees_exactly_its_scope() {
    let app = spawn().await;
    let all = codes_seen(&app, "admin.demo").await;
    assert_eq!(all.len(), 13, "the demo has 13 desa binaan");
    assert_eq!(codes_seen(&app, "kanwil.jatim").await, all);
    assert_eq!(codes_seen(&app, "pimpasa.malang").await, all);
    assert_eq!(codes_seen(&app, "disnaker.malang").await, all);
    assert_eq!(
        codes_seen(&app, "bp3mi.jatim").await,
        all,
        "a provincial agency sees its province"
    );
    assert_eq!(
        codes_seen(&app, "desa.kalipare").await,
        vec![KALIPARE.to_string()]
    );
    assert_eq!(
        codes_seen(&app, "desa.sitiarjo").await,
        vec![SITIARJO.to_string()]
    );

    // The web list shows the same: the Kalipare user never sees Sitiarjo.
    let c = app.login("desa.kalipare").await;
    let (s, html) = app.get(&c, "/desa-binaan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Kalipare") && !html.contains("Sitiarjo"));
    let (s, html) = app.get(&c, "/desa-binaan?q=sitiarjo").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Tidak ada hasil.") && !html.contains("Sitiarjo"));
}

#[tokio::test]
async fn a_kanwil_of_another_province_sees_nothing_of_jawa_timur() {
    let app = spawn().await;
    let admin = app.token("admin.demo").await;
    let (status, body) = app
        .api(&admin, Method::POST, "/api/v1/users", Some(serde_json::json!({"username": "kanwil.bali", "full_name": "Kanwil Bali", "role": "kanwil", "region_code": "51", "password": "pura-besakih-2026"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The admin chose the password: the new user replaces it on the web first.
    let web = client();
    assert_eq!(
        app.login_with(&web, "kanwil.bali", "pura-besakih-2026")
            .await,
        StatusCode::SEE_OTHER
    );
    let (status, _, _) = app
        .post_form(
            &web,
            "/akun",
            "/akun/sandi",
            &[
                ("current", "pura-besakih-2026"),
                ("password", "tanah-lot-2026"),
                ("password2", "tanah-lot-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let t = {
        let r = client()
            .post(app.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "kanwil.bali", "password": "tanah-lot-2026"}))
            .send()
            .await
            .unwrap();
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (_, body) = app.api(&t, Method::GET, "/api/v1/desa-binaan", None).await;
    assert_eq!(body["total"], 0);
    let sitiarjo = app.desa_id(SITIARJO).await;
    let (status, _) = app
        .api(
            &t,
            Method::GET,
            &format!("/api/v1/desa-binaan/{sitiarjo}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app.api(&t, Method::GET, "/api/v1/offices", None).await;
    assert_eq!(body["total"], 0);
}

#[tokio::test]
async fn moving_an_area_to_a_new_office_moves_the_officers_scope_from_that_date() {
    let app = spawn().await;
    let admin = app.token("admin.demo").await;
    let (status, body) = app
        .api(&admin, Method::POST, "/api/v1/offices", Some(serde_json::json!({"name": "Kantor Imigrasi Kepanjen", "kind": "kanim", "province_code": "35"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let new_office = body["id"].as_i64().unwrap();

    // A move planned for the future changes nothing today.
    let (status, body) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/offices/{new_office}/areas"),
            Some(serde_json::json!({"region_code": "35.07", "valid_from": "2099-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(codes_seen(&app, "pimpasa.malang").await.len(), 13);

    // A second assignment starting before the planned one would blur the history: refused.
    let today = benteng_domain::values::format_date(benteng_db::today());
    let (status, body) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/offices/{new_office}/areas"),
            Some(serde_json::json!({"region_code": "35.07", "valid_from": today})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["errors"][0]["field"], "valid_from");

    // Moving Kota Batu from today: Malang's officers lose it, and the old holding is closed.
    let (status, _) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/offices/{new_office}/areas"),
            Some(serde_json::json!({"region_code": "35.79", "valid_from": today})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let malang = app.office_id(MALANG).await;
    let (_, body) = app
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/offices/{malang}"),
            None,
        )
        .await;
    let batu = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["region_code"] == "35.79")
        .unwrap();
    assert_eq!(
        batu["valid_to"],
        today.as_str(),
        "Malang's holding of Kota Batu ends today"
    );
    let t = app.token("pimpasa.malang").await;
    let (_, me) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    let codes: Vec<&str> = me["scope"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"35.07") && !codes.contains(&"35.79"),
        "{codes:?}"
    );
}

#[tokio::test]
async fn contact_phones_are_masked_for_partners_and_each_full_view_is_audited() {
    let app = spawn().await;
    let id = app.desa_id(KALIPARE).await;
    let mitra = app.token("disnaker.malang").await;
    let (_, body) = app
        .api(
            &mitra,
            Method::GET,
            &format!("/api/v1/desa-binaan/{id}"),
            None,
        )
        .await;
    let phone = body["contacts"][0]["phone"].as_str().unwrap();
    assert!(
        phone.contains('•') && !body["contacts_unmasked"].as_bool().unwrap(),
        "{phone}"
    );

    let officer = app.token("pimpasa.malang").await;
    let (_, body) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/desa-binaan/{id}"),
            None,
        )
        .await;
    let phone = body["contacts"][0]["phone"].as_str().unwrap();
    assert!(phone.starts_with("+628") && !phone.contains('•'), "{phone}");

    let admin = app.token("admin.demo").await;
    let (_, log) = app
        .api(&admin, Method::GET, "/api/v1/audit?sensitive=true", None)
        .await;
    let items = log["items"].as_array().unwrap();
    assert!(items.iter().any(|e| e["username"] == "pimpasa.malang"
        && e["action"] == "view_sensitive"
        && e["entity_id"].as_str() == Some(id.to_string().as_str())));
    assert!(
        !items.iter().any(|e| e["username"] == "disnaker.malang"),
        "masked views are not sensitive views"
    );
    // The log never holds the number itself.
    let (_, all) = app.api(&admin, Method::GET, "/api/v1/audit", None).await;
    assert!(
        !all.to_string().contains("+62812"),
        "phone numbers must not reach the audit log"
    );
}

#[tokio::test]
async fn ending_an_area_without_a_successor_shrinks_the_scope_and_keeps_history() {
    let app = spawn().await;
    let admin = app.token("admin.demo").await;
    let malang = app.office_id(MALANG).await;
    let (_, body) = app
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/offices/{malang}"),
            None,
        )
        .await;
    let batu = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["region_code"] == "35.79")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/offices/{malang}/areas/{batu}/end");

    for user in [
        "kanwil.jatim",
        "pimpasa.malang",
        "disnaker.malang",
        "desa.kalipare",
    ] {
        let t = app.token(user).await;
        let (status, _) = app
            .api(
                &t,
                Method::POST,
                &path,
                Some(serde_json::json!({"valid_to": "2030-01-01"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
    let (status, p) = app
        .api(
            &admin,
            Method::POST,
            &path,
            Some(serde_json::json!({"valid_to": "2019-12-31"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["code"], "err-end-before-start");
    let (status, _) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/offices/{malang}/areas/999999/end"),
            Some(serde_json::json!({"valid_to": "2030-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Through the web form, from today on.
    let today = benteng_domain::values::format_date(benteng_db::today());
    let c = app.login("admin.demo").await;
    let (status, _, _) = app
        .post_form(
            &c,
            &format!("/kantor/{malang}"),
            &format!("/kantor/{malang}/wilayah/{batu}/akhiri"),
            &[("valid_to", today.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let t = app.token("pimpasa.malang").await;
    let (_, me) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    let codes: Vec<&str> = me["scope"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"35.79") && codes.contains(&"35.07"),
        "{codes:?}"
    );
    let (_, html) = app.get(&c, &format!("/kantor/{malang}")).await;
    assert!(
        html.contains("Kota Batu"),
        "the ended area stays in the history"
    );
    let (status, p) = app
        .api(
            &admin,
            Method::POST,
            &path,
            Some(serde_json::json!({"valid_to": "2030-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
}

#[tokio::test]
async fn review_findings_stay_fixed() {
    let app = spawn().await;
    let admin = app.token("admin.demo").await;
    // A village stays editable after its office's area ended (kept office, status nonaktif).
    let malang = app.office_id(MALANG).await;
    let (_, body) = app
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/offices/{malang}"),
            None,
        )
        .await;
    let area = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["region_code"] == "35.07")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let today = benteng_domain::values::format_date(benteng_db::today());
    let (status, _) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/offices/{malang}/areas/{area}/end"),
            Some(serde_json::json!({"valid_to": today})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let id = app.desa_id(SITIARJO).await;
    let body = serde_json::json!({"office_id": malang, "sk_number": "SK/9", "sk_date": "2024-09-02", "status": "nonaktif"});
    let (status, p) = app
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/desa-binaan/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{p}");

    // The officer of an office without an area today gets an explanation, not a refusal.
    let (_, o) = app.api(&admin, Method::POST, "/api/v1/offices", Some(serde_json::json!({"name": "Kantor Imigrasi Tanpa Wilayah", "kind": "kanim", "province_code": "35"}))).await;
    let body = serde_json::json!({"username": "petugas.kosong", "full_name": "Petugas Kosong", "role": "petugas", "office_id": o["id"], "password": "dipilih-admin-2"});
    let (status, _) = app
        .api(&admin, Method::POST, "/api/v1/users", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let c = client();
    assert_eq!(
        app.login_with(&c, "petugas.kosong", "dipilih-admin-2")
            .await,
        StatusCode::SEE_OTHER
    );
    let (status, _, _) = app
        .post_form(
            &c,
            "/akun",
            "/akun/sandi",
            &[
                ("current", "dipilih-admin-2"),
                ("password", "pilihan-sendiri-2"),
                ("password2", "pilihan-sendiri-2"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app.get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Belum ada wilayah"),
        "the home page explains the empty scope"
    );

    // Opening an edit form is not a view of contact phones.
    let c = app.login("kanwil.jatim").await;
    let (status, _) = app.get(&c, &format!("/desa-binaan/{id}/ubah")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, log) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?sensitive=true&username=kanwil.jatim",
            None,
        )
        .await;
    assert_eq!(log["total"], 0, "{log}");

    // Officer records shown to partners carry names only.
    let mitra = app.token("disnaker.malang").await;
    let (_, d) = app
        .api(
            &mitra,
            Method::GET,
            &format!("/api/v1/desa-binaan/{id}"),
            None,
        )
        .await;
    let officer = &d["officers"][0];
    assert!(
        officer.get("full_name").is_some()
            && officer.get("username").is_none()
            && officer.get("email").is_none(),
        "{officer}"
    );

    // An account with a password an admin chose gets no API token until it chooses its own.
    let (status, _) = app
        .api(&admin, Method::POST, "/api/v1/users", Some(serde_json::json!({"username": "baru.satu", "full_name": "Baru", "role": "desa", "region_code": KALIPARE, "password": "dipilih-admin-1"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let r = client()
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "baru.satu", "password": "dipilih-admin-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let n = client();
    assert_eq!(
        app.login_with(&n, "baru.satu", "dipilih-admin-1").await,
        StatusCode::SEE_OTHER
    );
    let r = n.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/akun",
        "home sends to the account page too"
    );
    let r = n
        .get(app.url("/masuk?next=/%09/evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
}
