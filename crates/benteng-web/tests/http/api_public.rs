//! The FAQ, an event's questions and answers, and the NIK check over the JSON API (issue 25):
//! the FAQ shows published answers only; questions are read by whoever the event page shows
//! them to and written by officers; the NIK check answers what the calon PMI register would
//! flag, in the caller's language, and stores nothing.

use crate::harness::*;
use crate::two_areas::spawn_two_areas;
use benteng_db::sqlx;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Plan an event as `token` at `region`, inviting `villages`; its id.
async fn event(app: &TestApp, token: &str, region: &str, villages: &str) -> i64 {
    let body = json!({"title": "Sosialisasi tanya jawab", "date": "2026-12-20", "time": "09:00",
                      "venue": "Balai desa", "region": region, "villages": villages});
    let (s, b) = app
        .api(token, Method::POST, "/api/v1/events", Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

async fn ask(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/api/v1/events/{id}/questions"),
        Some(body),
    )
    .await
}

async fn publish(app: &TestApp, token: &str, id: i64, q: i64, on: bool) -> (StatusCode, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/api/v1/events/{id}/questions/{q}/publish"),
        Some(json!({ "published": on })),
    )
    .await
}

async fn faq_questions(app: &TestApp) -> Vec<String> {
    let r = client().get(app.url("/api/v1/faq")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the FAQ needs no token");
    let b: Value = r.json().await.unwrap();
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["question"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_faq_lists_published_answers_and_not_the_others() {
    let app = crate::reports_api::spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = event(&app, &officer, KALIPARE, KALIPARE).await;
    let mut ids = Vec::new();
    for (q, a) in [
        (
            "Berapa biaya menjadi PRT di Taiwan?",
            "Pengurus rumah tangga termasuk jabatan tanpa biaya penempatan.",
        ),
        (
            "Apakah calo boleh memberangkatkan?",
            "Tidak: hanya P3MI berizin.",
        ),
        ("Di mana mengurus paspor?", ""),
    ] {
        let (s, b) = ask(
            &app,
            &officer,
            id,
            json!({"question": q, "answer": a, "asked_by": "Bu Sri", "village": KALIPARE,
                   "answered_by": "BP3MI Jawa Timur"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        ids.push(b["id"].as_i64().unwrap());
    }
    assert!(
        faq_questions(&app).await.is_empty(),
        "nothing published yet"
    );

    let (s, b) = publish(&app, &officer, id, ids[0], true).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    // A question without an answer cannot be published.
    let (s, b) = publish(&app, &officer, id, ids[2], true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["errors"][0]["field"], "answer");
    let (s, _) = publish(&app, &officer, id, ids[2] + 1000, true).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no such question");

    let r = client()
        .get(app.url("/api/v1/faq?page=1"))
        .send()
        .await
        .unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["total"], 1, "{b}");
    let entry = &b["items"][0];
    assert_eq!(entry["question"], "Berapa biaya menjadi PRT di Taiwan?");
    assert_eq!(
        entry["answer"],
        "Pengurus rumah tangga termasuk jabatan tanpa biaya penempatan."
    );
    assert!(
        !b.to_string().contains("Bu Sri") && !b.to_string().contains(KALIPARE),
        "who asked, and from where, is never published: {b}"
    );
    assert_eq!(
        faq_questions(&app).await,
        ["Berapa biaya menjadi PRT di Taiwan?"],
        "the unpublished answer is not listed"
    );

    // Taken back: off the FAQ again.
    let (s, _) = publish(&app, &officer, id, ids[0], false).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(faq_questions(&app).await.is_empty());
    let (_, qs) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/events/{id}/questions"),
            None,
        )
        .await;
    let published: Vec<i64> = qs
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["published"].as_i64().unwrap())
        .collect();
    assert_eq!(published, [0, 0, 0]);
}

#[tokio::test]
async fn questions_are_read_where_the_event_page_shows_them_and_written_by_officers() {
    let (app, _) = spawn_two_areas().await;
    let officer = app.token("pimpasa.malang").await;
    // Held at Kalipare, inviting Kalipare only: Sitiarjo's village user does not see it.
    let id = event(&app, &officer, KALIPARE, KALIPARE).await;
    let path = format!("/api/v1/events/{id}/questions");

    // Validation as on the page's form.
    let (s, b) = ask(&app, &officer, id, json!({"question": " "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["errors"][0]["field"], "question");
    assert_eq!(b["errors"][0]["message"], "Wajib diisi.");
    let (s, b) = ask(
        &app,
        &officer,
        id,
        json!({"question": "Boleh?", "village": SITIARJO}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not invited: {b}");
    assert_eq!(b["errors"][0]["field"], "village");
    let (s, b) = ask(
        &app,
        &officer,
        id,
        json!({"question": "Apakah visa kunjungan boleh untuk bekerja?", "asked_by": "Pak Darto",
               "village": KALIPARE, "answer": "Tidak.", "answered_by": "Kantor Imigrasi Malang"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let qid = b["id"].as_i64().unwrap();

    // Readers: the officer, the Kanwil, the village the event is held in, the labour agency
    // of the kabupaten.
    for user in [
        "pimpasa.malang",
        "kanwil.jatim",
        "desa.kalipare",
        "disnaker.malang",
    ] {
        let t = app.token(user).await;
        let (s, b) = app.api(&t, Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::OK, "{user}: {b}");
        let list = b.as_array().unwrap();
        assert_eq!(list.len(), 1, "{user}: {b}");
        assert_eq!(list[0]["id"], qid);
        assert_eq!(
            list[0]["question"],
            "Apakah visa kunjungan boleh untuk bekerja?"
        );
        assert_eq!(list[0]["asked_by"], "Pak Darto");
        assert_eq!(list[0]["village_name"], "Kalipare");
        assert_eq!(list[0]["answer"], "Tidak.");
        assert_eq!(list[0]["published"], 0);
    }
    // Refused where the event page refuses: a village not invited, and users of other areas.
    let sitiarjo = app.login("desa.sitiarjo").await;
    let (s, _) = app.get(&sitiarjo, &format!("/sosialisasi/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the page refuses Sitiarjo");
    for user in [
        "desa.sitiarjo",
        "petugas.blitar",
        "desa.jaten",
        "kanwil.bali",
    ] {
        let t = app.token(user).await;
        let (s, b) = app.api(&t, Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}: {b}");
        assert_eq!(b["status"], 403, "a problem body: {b}");
    }
    let (s, _) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/events/{}/questions", id + 1000),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Writing and publishing need EventManage on the event's place: the village user who sees
    // the event, the partner agency and the other area's officer are refused.
    for user in [
        "desa.kalipare",
        "desa.sitiarjo",
        "disnaker.malang",
        "petugas.blitar",
    ] {
        let t = app.token(user).await;
        let (s, b) = ask(&app, &t, id, json!({"question": "Pertanyaan lain?"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} writes: {b}");
        let (s, b) = publish(&app, &t, id, qid, true).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} publishes: {b}");
    }
    let (_, b) = app.api(&officer, Method::GET, &path, None).await;
    assert_eq!(
        b.as_array().unwrap().len(),
        1,
        "refused writes added nothing"
    );
    assert_eq!(b[0]["published"], 0, "refused publishing changed nothing");
    assert!(faq_questions(&app).await.is_empty());
}

/// Every table's row count, to show that a request wrote nothing.
pub(crate) async fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    let pool = app.db.fixtures_pool();
    let postgres = std::env::var("BENTENG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    let list = if postgres {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    };
    let tables: Vec<String> = sqlx::query_scalar(list).fetch_all(pool).await.unwrap();
    assert!(tables.iter().any(|t| t == "audit_log"), "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
                .fetch_one(pool)
                .await
                .unwrap();
        out.push((t, n));
    }
    out
}

/// The current year in WIB, the server's "today" (the NIK's two-digit year is read against
/// it).
fn this_year() -> i32 {
    let wib = time::UtcOffset::from_hms(7, 0, 0).unwrap();
    time::OffsetDateTime::now_utc().to_offset(wib).year()
}

async fn check(app: &TestApp, token: &str, lang: &str, body: Value) -> (StatusCode, Value) {
    let r = client()
        .post(app.url("/api/v1/nik/check"))
        .bearer_auth(token)
        .header("accept-language", lang)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn codes(b: &Value) -> Vec<String> {
    b["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("findings: {b}"))
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_nik_check_reads_the_nik_as_the_register_does_and_stores_nothing() {
    let app = crate::reports_api::spawn_roomy().await;
    // Any signed-in role may check; a village user first. Tokens are issued (and written)
    // before the row counts are taken.
    let t = app.token("desa.sitiarjo").await;
    let mut others = Vec::new();
    for user in ["pimpasa.malang", "disnaker.malang", "admin.demo"] {
        others.push((user, app.token(user).await));
    }
    let before = row_counts(&app).await;

    // Kecamatan 35.07.11, day 52 (a woman, born on the 12th), month 08, year 90, serial 0001.
    let nik = "3507115208900001";
    let (prov, kab, kec) = (&nik[0..2], &nik[2..4], &nik[4..6]);
    let day: u32 = nik[6..8].parse().unwrap();
    let (month, yy): (u32, i32) = (nik[8..10].parse().unwrap(), nik[10..12].parse().unwrap());
    let year = if yy <= this_year() % 100 {
        2000 + yy
    } else {
        1900 + yy
    };
    let birth = format!("{year:04}-{month:02}-{:02}", day % 40);
    let sex = if day > 40 { "female" } else { "male" };
    assert_eq!((birth.as_str(), sex), ("1990-08-12", "female"));

    let (s, b) = check(&app, &t, "id", json!({ "nik": nik })).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["valid"], true, "{b}");
    assert_eq!(b["errors"], json!([]));
    assert_eq!(b["region"]["code"], format!("{prov}.{kab}.{kec}"));
    assert_eq!(b["region"]["district"], "Kalipare");
    assert_eq!(b["region"]["regency"], "Kabupaten Malang");
    assert_eq!(b["region"]["province"], "Jawa Timur");
    assert_eq!(b["birth_date"], birth);
    assert_eq!(b["sex"], sex);
    assert_eq!(b["findings"], json!([]), "an adult, nothing declared");

    // Written with separators, matching what was declared: still nothing to flag.
    let (s, b) = check(
        &app,
        &t,
        "id",
        json!({"nik": "3507 1152 0890 0001", "birth_date": birth, "sex": sex}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!((b["valid"].clone(), codes(&b)), (json!(true), vec![]));

    // A declared birth date and sex that do not fit: the register's two flags, in its order,
    // with their words in the caller's language.
    let (s, b) = check(
        &app,
        &t,
        "id",
        json!({"nik": nik, "birth_date": "1990-08-13", "sex": "male"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["valid"], true);
    assert_eq!(codes(&b), ["nik:dob_mismatch", "nik:sex_mismatch"]);
    assert_eq!(
        b["findings"][0]["message"],
        "Tanggal lahir di NIK tidak sama dengan yang dinyatakan: cek ke Dukcapil."
    );
    let (_, b) = check(
        &app,
        &t,
        "en",
        json!({"nik": nik, "birth_date": "1990-08-13", "sex": "male"}),
    )
    .await;
    assert_eq!(
        b["findings"][1]["message"],
        "The NIK's sex differs from the one declared: check with Dukcapil."
    );

    // A man born ten years ago (by the NIK): under 18, by the NIK's own date.
    let young_yy = (this_year() - 10) % 100;
    let young = format!("3507111503{young_yy:02}0002");
    let (_, b) = check(&app, &t, "id", json!({ "nik": young })).await;
    assert_eq!(b["sex"], "male", "{b}");
    assert_eq!(b["birth_date"], format!("{}-03-15", this_year() - 10));
    assert_eq!(codes(&b), ["age:under_18"]);

    // A district that is not in the region list (Gambir, Jakarta Pusat, is not loaded here).
    let (s, b) = check(&app, &t, "id", json!({"nik": "3171015208900001"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["valid"], true, "the structure is right: {b}");
    assert_eq!(b["region"], Value::Null);
    assert_eq!(codes(&b), ["nik:region_unknown"]);
    assert_eq!(
        b["findings"][0]["message"],
        "Kode kecamatan di NIK tidak ada dalam daftar wilayah: cek ke Dukcapil."
    );

    // Not a NIK: answered, not refused, with the reason on `nik` in the caller's language.
    for (bad, why) in [
        ("3507113208900001", "day 32"),
        ("12345", "five digits"),
        ("", "empty"),
    ] {
        let (s, b) = check(&app, &t, "id", json!({ "nik": bad })).await;
        assert_eq!(s, StatusCode::OK, "{why}: {b}");
        assert_eq!(b["valid"], false, "{why}: {b}");
        assert_eq!(b["errors"][0]["field"], "nik", "{why}");
        assert_eq!(b["errors"].as_array().unwrap().len(), 1, "{why}");
        assert_eq!(b["region"], Value::Null, "{why}");
        assert_eq!(b["birth_date"], Value::Null, "{why}");
        assert_eq!(b["sex"], Value::Null, "{why}");
        assert_eq!(b["findings"], json!([]), "{why}");
    }
    let (_, b) = check(&app, &t, "id", json!({"nik": "3507113208900001"})).await;
    assert_eq!(b["errors"][0]["code"], "err-nik-format");
    assert_eq!(b["errors"][0]["message"], "NIK harus 16 angka.");
    let (_, b) = check(&app, &t, "en", json!({"nik": "3507113208900001"})).await;
    assert_eq!(b["errors"][0]["message"], "A NIK has 16 digits.");
    let (_, b) = check(&app, &t, "en", json!({"nik": ""})).await;
    assert_eq!(b["errors"][0]["code"], "err-required");

    // What the person declared must be readable: 422 naming the field.
    let (s, b) = check(
        &app,
        &t,
        "id",
        json!({"nik": nik, "birth_date": "12-08-1990", "sex": "lelaki"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["birth_date", "sex"]);
    // No NIK in the body at all is not a check.
    let (s, b) = check(&app, &t, "id", json!({"sex": "male"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(b["errors"][0]["field"], "nik", "{b}");

    // Other roles too.
    for (user, t) in &others {
        let (s, b) = check(&app, t, "id", json!({ "nik": nik })).await;
        assert_eq!(s, StatusCode::OK, "{user}: {b}");
        assert_eq!(b["birth_date"], birth, "{user}");
    }

    // Nothing was written by the checks: no audit entry, no row in any table. The count does
    // see a write: a token issued now is one.
    assert_eq!(row_counts(&app).await, before);
    app.token("kanwil.jatim").await;
    assert_ne!(row_counts(&app).await, before, "the count sees a write");
}

#[tokio::test]
async fn the_nik_check_refuses_a_caller_without_a_token() {
    let app = spawn().await;
    let nik = json!({"nik": "3507115208900001"});
    let r = client()
        .post(app.url("/api/v1/nik/check"))
        .json(&nik)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers()["content-type"],
        "application/problem+json",
        "a problem body"
    );
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["status"], 401, "{b}");
    assert!(b.get("valid").is_none(), "no answer about the NIK: {b}");
    let (s, _) = app
        .api("not-a-token", Method::POST, "/api/v1/nik/check", Some(nik))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
