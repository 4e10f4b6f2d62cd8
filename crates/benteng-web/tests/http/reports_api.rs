//! The reports module over the JSON API: public intake and tracking, triage, referrals, cases
//! and their export, linked reports, masking and audit, attachments, search. Every check reads
//! a real server response.

use crate::harness::*;
use benteng_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A 2×2 red PNG.
/// A real one-page PDF (uploads check a PDF's frame: header, objects, startxref, %%EOF).
pub const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n";

pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0xc1, 0xc5, 0x05,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1b, 0x16, 0x03, 0x71, 0x38, 0x4c, 0x6e, 0x44, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A village of Kabupaten Blitar (35.05), outside Kanim Malang's area.
pub(crate) const JATEN_BLITAR: &str = "35.05.01.2001";

/// The app with limits that do not get in the way of a long test (many tokens, many public
/// reports from one address); the limits themselves are tested with their own settings.
pub async fn spawn_roomy() -> TestApp {
    spawn_with(WebConfig {
        login_attempts_per_minute: 1000,
        public_reports_per_hour: 1000,
        ..Default::default()
    })
    .await
}

/// A request without a token (the public).
pub async fn anon(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client().request(method, app.url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let s = r.status();
    let text = r.text().await.unwrap();
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `(field, code)` of a problem body's errors.
pub fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_string(),
                        e["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn has_error(problem: &Value, field: &str, code: &str) -> bool {
    errors(problem).iter().any(|(f, c)| f == field && c == code)
}

pub(crate) fn has_field(problem: &Value, field: &str) -> bool {
    errors(problem).iter().any(|(f, _)| f == field)
}

pub(crate) fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// A report filed by a signed-in user; its id.
pub async fn file_report(app: &TestApp, token: &str, body: Value) -> i64 {
    let (s, b) = app
        .api(token, Method::POST, "/api/v1/reports", Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "file a report: {b}");
    b["id"].as_i64().unwrap()
}

pub fn simple_report(region: &str, description: &str) -> Value {
    json!({"category": "rekrutmen", "description": description, "region_code": region})
}

/// A public report; its tracking code.
pub(crate) async fn public_report(app: &TestApp, body: Value) -> String {
    let (s, b) = anon(app, Method::POST, "/api/v1/public/reports", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "public report: {b}");
    b["tracking_code"].as_str().unwrap().to_string()
}

/// The id of a report found by its tracking code, as an officer sees it.
pub(crate) async fn id_by_code(app: &TestApp, token: &str, code: &str) -> i64 {
    let (s, page) = app
        .api(
            token,
            Method::GET,
            &format!("/api/v1/reports?q={code}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let found = ids(&page);
    assert_eq!(found.len(), 1, "one report with code {code}: {page}");
    found[0]
}

pub async fn agency_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let (s, page) = app.api(token, Method::GET, "/api/v1/agencies", None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("agency {name}: {page}"))["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn user_id(app: &TestApp, admin: &str, username: &str) -> i64 {
    let (_, page) = app
        .api(
            admin,
            Method::GET,
            &format!("/api/v1/users?q={username}"),
            None,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("user {username}: {page}"))["id"]
        .as_i64()
        .unwrap()
}

/// Upload raw bytes as an attachment.
pub async fn upload(
    app: &TestApp,
    token: &str,
    report: i64,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let r = client()
        .post(app.url(&format!("/api/v1/reports/{report}/attachments?name={name}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let s = r.status();
    let text = r.text().await.unwrap();
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// GET with a token, keeping the headers and the raw body.
pub(crate) async fn download(
    app: &TestApp,
    token: &str,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let h = r.headers().clone();
    (s, h, r.bytes().await.unwrap().to_vec())
}

pub(crate) fn reason_codes(reasons: &Value) -> Vec<String> {
    reasons
        .as_array()
        .unwrap_or_else(|| panic!("reasons: {reasons}"))
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_public_files_a_report_and_follows_it_without_seeing_anything_internal() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let (_, before) = app
        .api(&officer, Method::GET, "/api/v1/reports", None)
        .await;
    let body = json!({
        "category": "rekrutmen",
        "description": "Ada calo menawarkan kerja di Malaysia tanpa prosedur resmi.",
        "region_code": SITIARJO,
        "destination_country": "MY",
        "anonymous": false,
        "reporter_name": "Ibu Pelapor Rahasia",
        "reporter_phone": "0812-3333-4444",
        "people": [{"role": "korban", "name": "Dewi Lestari", "phone": "081299900011"}],
    });
    let (s, receipt) = anon(
        &app,
        Method::POST,
        "/api/v1/public/reports",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    let code = receipt["tracking_code"].as_str().unwrap().to_string();
    let re = regex_lite::Regex::new("^LP-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$").unwrap();
    assert!(re.is_match(&code), "{code}");
    assert_eq!(
        receipt.as_object().unwrap().len(),
        1,
        "only the tracking code, never the internal id: {receipt}"
    );

    // Following it: the public status and nothing internal.
    let r = client()
        .get(app.url(&format!("/api/v1/public/reports/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let public: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(public["status"], "diterima");
    assert_eq!(public["tracking_code"], code.as_str());
    assert_eq!(public["category"], "rekrutmen");
    for key in [
        "id",
        "description",
        "reporter_name",
        "reporter_phone",
        "people",
        "region_code",
        "assigned_to",
        "priority",
        "indicators",
    ] {
        assert!(public.get(key).is_none(), "{key} is internal: {public}");
    }
    for secret in ["calo", "Pelapor", "Dewi", "3333", "0011", SITIARJO] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // Typed loosely (lower case, no dashes) it is the same report.
    let loose: String = code.to_lowercase().replace('-', "");
    let (s, again) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{loose}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["tracking_code"], code.as_str());
    let (s, _) = anon(
        &app,
        Method::GET,
        "/api/v1/public/reports/LP-22222-22222",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "an unknown code");
    let (s, p) = anon(&app, Method::GET, "/api/v1/public/reports/xyz", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a malformed code: {p}");

    // The officers see it, with the contact kept because the reporter left it.
    let id = id_by_code(&app, &officer, &code).await;
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["source"], "publik");
    assert_eq!(detail["report"]["anonymous"], 0);
    assert_eq!(detail["report"]["reporter_phone"], "+6281233334444");

    // The honeypot: refused, nothing stored.
    let mut spam = body.clone();
    spam["website"] = json!("http://obat-murah.example");
    let (s, p) = anon(&app, Method::POST, "/api/v1/public/reports", Some(spam)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "website", "err-spam"), "{p}");

    // Validation: every wrong field at once, nothing stored.
    let bad = json!({
        "category": "",
        "description": "   ",
        "region_code": "35.07.04",
        "anonymous": false,
        "reporter_name": "",
        "reporter_phone": "",
        "people": [{"role": "korban", "name": "Budi", "phone": "12-34"}],
    });
    let r = client()
        .post(app.url("/api/v1/public/reports"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert!(has_error(&p, "category", "err-required"), "{p}");
    assert!(has_error(&p, "description", "err-required"), "{p}");
    assert!(has_error(&p, "region_code", "err-region-need-desa"), "{p}");
    assert!(has_error(&p, "people", "err-phone"), "{p}");
    assert!(has_error(&p, "reporter_name", "err-required"), "{p}");
    assert!(has_error(&p, "reporter_phone", "err-required"), "{p}");
    // A village code that does not exist, and a region outside the loaded ones.
    let (s, p) = anon(
        &app,
        Method::POST,
        "/api/v1/public/reports",
        Some(json!({"category": "iklan", "description": "Iklan lowongan palsu.", "region_code": "35.07.04.2999"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "region_code", "err-region-unknown"), "{p}");
    // Without `anonymous`, no contact is needed and none is kept.
    let code2 = public_report(
        &app,
        json!({"category": "iklan", "description": "Iklan lowongan kerja ke Jepang tanpa biaya.", "region_code": SITIARJO,
               "reporter_name": "Tidak Disimpan", "reporter_phone": "081200000000"}),
    )
    .await;
    let id2 = id_by_code(&app, &officer, &code2).await;
    let (_, d2) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id2}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(d2["report"]["anonymous"], 1);
    assert!(d2["report"]["reporter_phone"].is_null(), "{d2}");
    assert!(d2["report"]["reporter_name"].is_null(), "{d2}");

    let (_, after) = app
        .api(&officer, Method::GET, "/api/v1/reports", None)
        .await;
    assert_eq!(
        after["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() + 2,
        "only the two valid reports were stored"
    );
}

#[tokio::test]
async fn public_reports_are_rate_limited_per_address() {
    let app = spawn_with(WebConfig {
        public_reports_per_hour: 2,
        ..Default::default()
    })
    .await;
    let body = json!({"category": "iklan", "description": "Iklan kerja mencurigakan di media sosial.", "region_code": SITIARJO});
    let code = public_report(&app, body.clone()).await;
    public_report(&app, body.clone()).await;
    let r = client()
        .post(app.url("/api/v1/public/reports"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // Looking codes up has its own allowance of the same size (codes cannot be guessed by
    // trying many, and checking a status does not use up the next report).
    for want in [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let (s, _) = anon(
            &app,
            Method::GET,
            &format!("/api/v1/public/reports/{code}"),
            None,
        )
        .await;
        assert_eq!(s, want);
    }
    // Signed-in users are not limited by it.
    let t = app.token("desa.sitiarjo").await;
    file_report(
        &app,
        &t,
        simple_report(SITIARJO, "Laporan dari perangkat desa."),
    )
    .await;
}

#[tokio::test]
async fn referrals_are_declined_with_a_reason_or_cancelled_by_the_sender() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let agency = app.token("disnaker.malang").await;
    let disnaker = agency_id(&app, &officer, "Dinas Tenaga Kerja Kabupaten Malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Calo penempatan ilegal."),
    )
    .await;
    let refer = json!({"agency_id": disnaker, "purpose": "penempatan", "due_date": "2099-01-31",
                       "message": "Mohon pendataan.", "consent": "ya", "consent_by": "Orang tua korban"});
    let mut rids = Vec::new();
    for _ in 0..2 {
        let (s, b) = app
            .api(
                &officer,
                Method::POST,
                &format!("/api/v1/reports/{id}/referrals"),
                Some(refer.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        rids.push(b["id"].as_i64().unwrap());
    }
    let (declined, cancelled) = (rids[0], rids[1]);
    // A provincial agency covers the report too.
    let bp3mi = agency_id(&app, &officer, "BP3MI Jawa Timur (Pos KP2MI Malang)").await;
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/referrals"),
            Some(json!({"agency_id": bp3mi, "purpose": "perlindungan", "due_date": "2099-01-31", "message": "x",
                        "consent": true, "consent_by": "Korban"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "BP3MI covers the whole province");

    // Declining needs a reason, which the sender then reads.
    let answer = format!("/api/v1/referrals/{declined}/answer");
    let (s, p) = app
        .api(
            &agency,
            Method::POST,
            &answer,
            Some(json!({"status": "ditolak"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "note", "err-reason-required"), "{p}");
    let (s, p) = app
        .api(
            &agency,
            Method::POST,
            &answer,
            Some(json!({"status": "ditolak", "note": "Bukan kewenangan kami."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, d) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/referrals/{declined}"),
            None,
        )
        .await;
    assert_eq!(d["referral"]["status"], "ditolak");
    assert_eq!(d["referral"]["decline_reason"], "Bukan kewenangan kami.");
    assert_eq!(d["referral"]["consent"], 1);
    assert_eq!(d["referral"]["consent_by"], "Orang tua korban");
    assert_eq!(d["sender"], true);
    assert_eq!(d["receiver"], false);
    let (s, _) = app
        .api(
            &agency,
            Method::POST,
            &answer,
            Some(json!({"status": "selesai"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a declined referral is over"
    );

    // The sender cancels the other one, with a reason; the agency may not.
    let answer = format!("/api/v1/referrals/{cancelled}/answer");
    let (s, _) = app
        .api(
            &agency,
            Method::POST,
            &answer,
            Some(json!({"status": "dibatalkan", "note": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &answer,
            Some(json!({"status": "dibatalkan"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "note", "err-reason-required"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &answer,
            Some(json!({"status": "dibatalkan", "note": "Dirujuk ke instansi lain."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, d) = app
        .api(
            &agency,
            Method::GET,
            &format!("/api/v1/referrals/{cancelled}"),
            None,
        )
        .await;
    assert_eq!(d["referral"]["status"], "dibatalkan");
    assert!(d["referral"]["decline_reason"].is_null());

    // Filters.
    let (_, page) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/referrals?report_id={id}&status=ditolak"),
            None,
        )
        .await;
    assert_eq!(ids(&page), [declined]);
    let (s, page) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/referrals?overdue=true",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        ids(&page).is_empty(),
        "nothing is past its due date: {page}"
    );
    let (s, p) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/referrals?status=hilang",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_field(&p, "status"), "{p}");
    // The agency's inbox holds its referrals only.
    let (_, inbox) = app
        .api(&agency, Method::GET, "/api/v1/referrals", None)
        .await;
    let mut got = ids(&inbox);
    got.sort();
    assert_eq!(got, [declined, cancelled]);
}

#[tokio::test]
async fn notifications_are_listed_and_marked_read_by_their_owner_only() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let second = app.token("pimpasa2.malang").await;
    let admin = app.token("admin.demo").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Calo di pasar desa."),
    )
    .await;
    let uid = user_id(&app, &admin, "pimpasa2.malang").await;
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/assignee"),
            Some(json!({"user_id": uid})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, page) = app
        .api(&second, Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    // A new report in the area, then the assignment.
    let assigned = items
        .iter()
        .find(|n| n["kind"] == "report_assigned")
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(assigned["link"], format!("/laporan/{id}"));
    assert!(assigned["read_at"].is_null());
    assert!(items.iter().any(|n| n["kind"] == "report_new"));
    let nid = assigned["id"].as_i64().unwrap();
    // Someone else's notification does not exist for them.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/notifications/{nid}/read"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api(
            &second,
            Method::POST,
            &format!("/api/v1/notifications/{nid}/read"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, page) = app
        .api(&second, Method::GET, "/api/v1/notifications", None)
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.iter().find(|n| n["id"] == nid).unwrap()["read_at"].is_null());
    assert!(items.iter().any(|n| n["read_at"].is_null()));
    let (s, _) = app
        .api(
            &second,
            Method::POST,
            "/api/v1/notifications/read-all",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, page) = app
        .api(&second, Method::GET, "/api/v1/notifications", None)
        .await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| !n["read_at"].is_null()));
    // The officer's own notifications were not touched.
    let (_, page) = app
        .api(&officer, Method::GET, "/api/v1/notifications", None)
        .await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["read_at"].is_null()));
}
