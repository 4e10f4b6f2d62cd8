//! Issue 20: a request sent again with the same `Idempotency-Key` (a phone resending its
//! offline queue, a client retrying after a lost answer) creates nothing new and gets the
//! first answer, also when the copies arrive at once and after a restart; a step changed by
//! someone else since the form was shown is refused, not overwritten.

use crate::harness::*;
use crate::migrants::{register, step_of, NIK};
use crate::reports_api::{errors, spawn_roomy};
use benteng_db::sqlx;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn count(app: &TestApp, sql: &str, text: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(text.to_string())
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap()
}

async fn reports_saying(app: &TestApp, text: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM reports WHERE description = $1",
        text,
    )
    .await
}

async fn public_report(base: &str, key: &str, description: &str) -> (StatusCode, Value) {
    let r = client()
        .post(format!("{base}/api/v1/public/reports"))
        .header("idempotency-key", key)
        .json(&json!({
            "category": "rekrutmen",
            "description": description,
            "region_code": SITIARJO,
            "people": [{"role": "perekrut", "name": "Moch. Darto"}]
        }))
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_public_report_sent_three_times_is_stored_once_with_one_tracking_code() {
    let app = spawn_roomy().await;
    let text = "Calo datang ke rumah menawarkan kerja di Malaysia tanpa pelatihan";
    let key = "2b0c7a4e-91f3-4d6a-8e2f-0c1d2e3f4a5b";
    // Three copies at once: the second and third wait on the first's key and answer with it.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let base = app.base.clone();
        tasks.spawn(async move { public_report(&base, key, text).await });
    }
    let mut codes = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (s, b) = r.unwrap();
        assert_eq!(s, StatusCode::CREATED, "{b}");
        codes.push(b["tracking_code"].as_str().unwrap().to_string());
    }
    codes.dedup();
    assert_eq!(codes.len(), 1, "one tracking code: {codes:?}");
    assert_eq!(reports_saying(&app, text).await, 1);

    // Once more later, and once to another server on the same database (a restart).
    let (s, b) = public_report(&app.base, key, text).await;
    assert_eq!(
        (s, b["tracking_code"].as_str()),
        (StatusCode::CREATED, Some(codes[0].as_str()))
    );
    let other = second_instance(
        &app,
        benteng_web::WebConfig {
            public_reports_per_hour: 1000,
            ..Default::default()
        },
    )
    .await;
    let (s, b) = public_report(&other, key, text).await;
    assert_eq!(
        (s, b["tracking_code"].as_str()),
        (StatusCode::CREATED, Some(codes[0].as_str()))
    );
    assert_eq!(reports_saying(&app, text).await, 1);

    // A new key is a new report.
    let (s, b) = public_report(&app.base, "7c9e6679-7425-40de-944b-e07fc1f90ae7", text).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_ne!(b["tracking_code"].as_str(), Some(codes[0].as_str()));
    assert_eq!(reports_saying(&app, text).await, 2);
}

#[tokio::test]
async fn the_public_form_with_a_key_shows_the_same_code_again() {
    let app = spawn_roomy().await;
    let text = "Sponsor membawa tiga pemuda ke Batam, katanya untuk kerja di kapal";
    let key = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    let mut codes = Vec::new();
    // Two phones could not send it; the same phone sends it twice (a lost answer).
    let visitor = client();
    for _ in 0..2 {
        let (_, page) = app.get(&visitor, "/lapor").await;
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf_of(&page))
            .text("anonymous_shown", "1")
            .text("anonymous", "1")
            .text("category", "rekrutmen")
            .text("description", text)
            .text("region_code", SITIARJO);
        let r = visitor
            .post(app.url("/lapor"))
            .header("idempotency-key", key)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, done) = app.get(&visitor, "/lapor/terkirim").await;
        let code = done
            .split("id=\"tracking-code\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap()
            .to_string();
        codes.push(code);
    }
    assert_eq!(codes[0], codes[1]);
    assert_eq!(reports_saying(&app, text).await, 1);
}

#[tokio::test]
async fn signed_in_keys_belong_to_their_user_and_to_one_kind_of_record() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let officer = app.token("pimpasa.malang").await;
    let text = "Ada tamu dari kota mengumpulkan KTP warga untuk kerja di Taiwan";
    let key = "01J9ZKX3T5Q6W7E8R9T0Y1U2I3";
    let send = |token: &str| {
        client()
            .post(app.url("/api/v1/reports"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&json!({"category": "rekrutmen", "description": text, "region_code": SITIARJO}))
            .send()
    };
    let first: Value = send(&desa).await.unwrap().json().await.unwrap();
    let again = send(&desa).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"], "{first} {again}");
    assert_eq!(reports_saying(&app, text).await, 1);
    // The same key from another user is theirs: a report of their own.
    let theirs: Value = send(&officer).await.unwrap().json().await.unwrap();
    assert_ne!(theirs["id"], first["id"]);
    assert_eq!(reports_saying(&app, text).await, 2);
    // The village's key used again for a calon PMI is refused, naming the key.
    let r = client()
        .post(app.url("/api/v1/migrants"))
        .bearer_auth(&desa)
        .header("idempotency-key", key)
        .json(&json!({"name": "Sri Wahyuni", "birth_date": "1995-03-02", "sex": "p"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(
        errors(&b).contains(&("idempotency_key".into(), "err-idempotency-reused".into())),
        "{b}"
    );
    // A key that is not one: 422 on the API, 400 on a form; nothing stored.
    let r = client()
        .post(app.url("/api/v1/reports"))
        .bearer_auth(&desa)
        .header("idempotency-key", "pendek")
        .json(&json!({"category": "rekrutmen", "description": "Kunci terlalu pendek dikirim", "region_code": SITIARJO}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(errors(&b)[0].0, "idempotency_key", "{b}");
    let c = app.login("desa.sitiarjo").await;
    let (_, page) = app.get(&c, "/calon-pmi/baru").await;
    let r = c
        .post(app.url("/calon-pmi"))
        .header("idempotency-key", "kunci berspasi yang tidak sah")
        .form(&[("_csrf", csrf_of(&page).as_str()), ("name", "Tanpa Kunci")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Idempotency-Key"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM migrants WHERE name = $1",
            "Tanpa Kunci"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_calon_pmi_form_sent_twice_registers_one_resident() {
    let app = spawn_roomy().await;
    let c = app.login("desa.sitiarjo").await;
    let key = "9b2f6c1e-0d4a-4b7e-a3c5-6e8f1a2b3c4d";
    let mut places = Vec::new();
    for _ in 0..2 {
        let (_, page) = app.get(&c, "/calon-pmi/baru").await;
        let r = c
            .post(app.url("/calon-pmi"))
            .header("idempotency-key", key)
            .form(&[
                ("_csrf", csrf_of(&page).as_str()),
                ("name", "Sri Wahyuningsih"),
                ("nik", NIK),
                ("birth_date", "1990-07-15"),
                ("sex", "p"),
                ("destination", "HK"),
                ("scheme", "p3mi"),
                ("steps_done", "paspor"),
                ("steps_done", "kesehatan"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        places.push(r.headers()["location"].to_str().unwrap().to_string());
    }
    assert_eq!(places[0], places[1]);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM migrants WHERE name = $1",
            "Sri Wahyuningsih"
        )
        .await,
        1
    );
    // The two steps ticked on the form came with the record, once, as done.
    let done = count(
        &app,
        "SELECT COUNT(*) FROM migrant_steps s JOIN migrants m ON m.id = s.migrant_id \
         WHERE m.name = $1 AND s.status = 'selesai' AND s.step IN ('paspor', 'kesehatan')",
        "Sri Wahyuningsih",
    )
    .await;
    assert_eq!(done, 2);
    // A step that is not on the checklist is refused, naming the field.
    let (_, page) = app.get(&c, "/calon-pmi/baru").await;
    assert!(page.contains("name=\"steps_done\" value=\"paspor\""));
    let (s, html, _) = app
        .post_form(
            &c,
            "/calon-pmi/baru",
            "/calon-pmi",
            &[
                ("name", "Langkah Asing"),
                ("steps_done", "terbang_ke_bulan"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"e-steps_done\""), "{html}");
    let _ = page;
}

#[tokio::test]
async fn a_step_changed_by_someone_else_since_the_form_was_shown_is_refused() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let admin = app.token("admin.demo").await;
    let (id, _) = register(
        &app,
        &desa,
        json!({"name": "Wahyu Hidayat", "birth_date": "1994-01-20", "sex": "l", "destination": "KR", "scheme": "g2g"}),
    )
    .await;
    let detail = |token: String| {
        let app = &app;
        async move {
            app.api(&token, Method::GET, &format!("/api/v1/migrants/{id}"), None)
                .await
                .1
        }
    };
    let step = |token: String, body: Value| {
        let app = &app;
        async move {
            app.api(
                &token,
                Method::POST,
                &format!("/api/v1/migrants/{id}/steps"),
                Some(body),
            )
            .await
        }
    };
    // The village's phone shows the step untouched ("seen" 0) and goes offline; the
    // administrator marks it in progress meanwhile.
    let d = detail(desa.clone()).await;
    assert!(
        step_of(&d, "daftar_disnaker")["updated_at"].is_null(),
        "{d}"
    );
    let (s, _) = step(
        admin.clone(),
        json!({"step": "daftar_disnaker", "status": "proses", "seen": "0"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The village's change arrives later: refused, the administrator's change stays.
    let (s, b) = step(
        desa.clone(),
        json!({"step": "daftar_disnaker", "status": "selesai", "seen": "0"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(
        errors(&b),
        [("step".to_string(), "err-step-changed".to_string())]
    );
    let d = detail(desa.clone()).await;
    assert_eq!(step_of(&d, "daftar_disnaker")["status"], "proses");
    // Having seen the current state, the village decides to save: taken.
    let seen = step_of(&d, "daftar_disnaker")["updated_at"]
        .as_i64()
        .unwrap();
    let (s, _) = step(
        desa.clone(),
        json!({"step": "daftar_disnaker", "status": "selesai", "seen": seen.to_string()}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Disnaker verifies it afterwards: a change made on what was seen before the verification
    // would clear it, so it is refused too; seen after it, it is taken.
    let d = detail(desa.clone()).await;
    let before = step_of(&d, "daftar_disnaker")["updated_at"]
        .as_i64()
        .unwrap();
    // One second later at least, so the verification's time differs from the save's.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let disnaker = app.token("disnaker.malang").await;
    let (s, _) = app
        .api(
            &disnaker,
            Method::POST,
            &format!("/api/v1/migrants/{id}/steps/daftar_disnaker/verify"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let change = |seen: i64| json!({"step": "daftar_disnaker", "status": "selesai", "note": "Kartu AK/1", "seen": seen.to_string()});
    let (s, _) = step(desa.clone(), change(before)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let d = detail(desa.clone()).await;
    let verified = step_of(&d, "daftar_disnaker")["verified_at"]
        .as_i64()
        .unwrap();
    assert!(verified > before);
    let (s, _) = step(desa.clone(), change(verified)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The village's own later change over its own earlier one is no conflict (a phone's
    // queue sending two changes of one step), nor is a change sent without "seen".
    let (s, _) = step(
        desa.clone(),
        json!({"step": "bpjs", "status": "proses", "seen": "0"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = step(
        desa.clone(),
        json!({"step": "bpjs", "status": "belum", "seen": "0"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = step(
        admin.clone(),
        json!({"step": "kesehatan", "status": "proses"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // On the page, the refusal says so beside the step, which shows its current state.
    let c = app.login("desa.sitiarjo").await;
    let (_, page) = app.get(&c, &format!("/calon-pmi/{id}")).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_of(&page))
        .text("step", "kesehatan")
        .text("status", "selesai")
        .text("seen", "1");
    let r = c
        .post(app.url(&format!("/calon-pmi/{id}/langkah")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("sudah diubah pengguna lain"), "{html}");
}

#[tokio::test]
async fn the_queue_page_and_token_answer_without_an_account() {
    let app = spawn().await;
    let visitor = client();
    let (s, page) = app.get(&visitor, "/antrean").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"antrean-list\"") && page.contains("Menunggu sinyal"));
    assert!(page.contains("<meta name=\"benteng-user\" content=\"publik\">"));
    let r = visitor.get(app.url("/csrf")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["user"], "publik");
    assert_eq!(b["token"].as_str().unwrap(), csrf_of(&page));
    // Signed in: the user's tag, and the token of the session.
    let c = app.login("desa.sitiarjo").await;
    let (_, home) = app.get(&c, "/").await;
    let b: Value = c
        .get(app.url("/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(b["user"].as_str().unwrap().starts_with('u'), "{b}");
    assert_eq!(b["token"].as_str().unwrap(), csrf_of(&home));
    assert!(home.contains(&format!("content=\"{}\"", b["user"].as_str().unwrap())));
    // Installable: a manifest with the icons, and a service worker at the root.
    let (s, m) = app.get(&visitor, "/manifest.webmanifest").await;
    assert_eq!(s, StatusCode::OK);
    let m: Value = serde_json::from_str(&m).unwrap();
    assert_eq!(m["display"], "standalone");
    for icon in m["icons"].as_array().unwrap() {
        let r = visitor
            .get(app.url(icon["src"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{icon}");
    }
    let (s, sw) = app.get(&visitor, "/sw.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!sw.contains("@VERSION@") && sw.contains("benteng-pages"));
}

/// Issue 24: reports that arrive together are written by one group commit, each in its own
/// savepoint. A crowd of reports, three copies of one keyed report and two attempts to turn the
/// same room message into a report, all at once: every plain report stored once with its own
/// code, the copies answered with one report, the message turned into exactly one report and
/// the other attempt refused, with nothing of it left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reports_sent_together_are_each_stored_or_refused_on_their_own() {
    let app = spawn_roomy().await;
    let desa_token = app.token("desa.sitiarjo").await;
    let (s, rooms) = app
        .api(&desa_token, Method::GET, "/api/v1/rooms", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let room = rooms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Desa Sitiarjo")
        .and_then(|r| r["id"].as_i64())
        .unwrap();
    let (s, m) = app
        .api(
            &desa_token,
            Method::POST,
            &format!("/api/v1/rooms/{room}/messages"),
            Some(json!({"body": "Ada calo di balai desa menawarkan kerja ke Sarawak"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let message = m["id"].as_i64().unwrap();
    let desa = app.login("desa.sitiarjo").await;
    let path = format!("/ruang/{room}/pesan/{message}/laporan");
    let (_, form) = app.get(&desa, &path).await;
    let csrf = csrf_of(&form);

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..2 {
        let (url, desa, csrf) = (app.url(&path), desa.clone(), csrf.clone());
        tasks.spawn(async move {
            let body = [
                ("_csrf", csrf.as_str()),
                ("category", "rekrutmen"),
                (
                    "description",
                    "Calo menawarkan kerja ke Sarawak (dari ruang desa)",
                ),
                ("region_code", SITIARJO),
            ];
            let s = desa.post(url).form(&body).send().await.unwrap().status();
            (format!("message {i}"), s, Value::Null)
        });
    }
    for i in 0..20 {
        let (url, token) = (app.url("/api/v1/reports"), desa_token.clone());
        tasks.spawn(async move {
            let r = client()
                .post(url)
                .bearer_auth(token)
                .json(&json!({"category": "iklan", "description": format!("Iklan kerja ke luar negeri nomor {i}"), "region_code": SITIARJO}))
                .send()
                .await
                .unwrap();
            (format!("plain {i}"), r.status(), r.json().await.unwrap())
        });
    }
    for i in 0..3 {
        let (url, token) = (app.url("/api/v1/reports"), desa_token.clone());
        tasks.spawn(async move {
            let r = client()
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", "5f0e2a1c-7b3d-4e9f-a8c6-1d2e3f4a5b6c")
                .json(&json!({"category": "iklan", "description": "Iklan yang dikirim tiga kali", "region_code": SITIARJO}))
                .send()
                .await
                .unwrap();
            (format!("copy {i}"), r.status(), r.json().await.unwrap())
        });
    }
    let (mut made, mut refused) = (0, 0);
    let mut plain_ids = std::collections::BTreeSet::new();
    let mut copy_ids = std::collections::BTreeSet::new();
    while let Some(r) = tasks.join_next().await {
        let (what, s, body) = r.unwrap();
        if what.starts_with("message") {
            match s {
                StatusCode::SEE_OTHER => made += 1,
                StatusCode::CONFLICT => refused += 1,
                other => panic!("{what}: {other}"),
            }
        } else {
            assert_eq!(s, StatusCode::CREATED, "{what}: {body}");
            let id = body["id"].as_i64().unwrap();
            if what.starts_with("plain") {
                plain_ids.insert(id);
            } else {
                copy_ids.insert(id);
            }
        }
    }
    assert_eq!((made, refused), (1, 1), "one report from the message");
    assert_eq!(plain_ids.len(), 20, "every plain report its own");
    assert_eq!(copy_ids.len(), 1, "the copies answer one report");
    for i in 0..20 {
        assert_eq!(
            reports_saying(&app, &format!("Iklan kerja ke luar negeri nomor {i}")).await,
            1
        );
    }
    assert_eq!(
        reports_saying(&app, "Iklan yang dikirim tiga kali").await,
        1
    );
    let from_message =
        reports_saying(&app, "Calo menawarkan kerja ke Sarawak (dari ruang desa)").await;
    assert_eq!(from_message, 1, "the refused attempt left no report");
    let linked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE origin_kind = 'pesan' AND origin_id = $1",
    )
    .bind(message)
    .fetch_one(app.db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(linked, 1);
    let created = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = $1",
        "report",
    )
    .await;
    let stored = count(&app, "SELECT COUNT(*) FROM reports WHERE source <> $1", "-").await;
    assert_eq!(
        created, stored,
        "one audit entry per stored report, none for the refused"
    );
}
