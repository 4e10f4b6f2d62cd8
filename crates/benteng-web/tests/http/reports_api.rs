//! The reports module over the JSON API: public intake and tracking, triage, referrals, cases
//! and their export, linked reports, masking and audit, attachments, search. Every check reads
//! a real server response.

use crate::harness::*;
use benteng_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A 2×2 red PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0xc1, 0xc5, 0x05,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1b, 0x16, 0x03, 0x71, 0x38, 0x4c, 0x6e, 0x44, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A village of Kabupaten Blitar (35.05), outside Kanim Malang's area.
const JATEN_BLITAR: &str = "35.05.01.2001";

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

fn has_field(problem: &Value, field: &str) -> bool {
    errors(problem).iter().any(|(f, _)| f == field)
}

fn ids(page: &Value) -> Vec<i64> {
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
async fn public_report(app: &TestApp, body: Value) -> String {
    let (s, b) = anon(app, Method::POST, "/api/v1/public/reports", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "public report: {b}");
    b["tracking_code"].as_str().unwrap().to_string()
}

/// The id of a report found by its tracking code, as an officer sees it.
async fn id_by_code(app: &TestApp, token: &str, code: &str) -> i64 {
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

async fn user_id(app: &TestApp, admin: &str, username: &str) -> i64 {
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
async fn download(
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

fn reason_codes(reasons: &Value) -> Vec<String> {
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
async fn a_village_report_goes_through_triage_referral_and_case_to_the_export() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let officer = app.token("pimpasa.malang").await;
    let admin = app.token("admin.demo").await;

    // The village files it; its own village is used whatever region is sent.
    let (s, created) = app
        .api(
            &desa,
            Method::POST,
            "/api/v1/reports",
            Some(json!({
                "category": "rekrutmen",
                "description": "Warga ditawari kerja sebagai ART di Malaysia oleh sponsor tanpa dokumen resmi.",
                "region_code": KALIPARE,
                "destination_country": "MY",
                "people": [
                    {"role": "korban", "name": "Sri Wahyuningsih", "sex": "P"},
                    {"role": "perekrut", "name": "Bambang Sponsor", "phone": "081355500022"}
                ]
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let code = created["tracking_code"].as_str().unwrap().to_string();
    let (s, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["report"]["region_code"], SITIARJO);
    assert_eq!(detail["report"]["source"], "desa");
    assert_eq!(detail["report"]["status"], "baru");
    assert_eq!(detail["report"]["tracking_code"], code.as_str());
    let p0 = detail["report"]["priority"].as_i64().unwrap();

    // The queue.
    let (s, queue) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/reports?status=terbuka",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ids(&queue).contains(&id), "{queue}");
    assert_eq!(queue["per_page"], 50);
    let (s, p) = app
        .api(&officer, Method::GET, "/api/v1/reports?status=entah", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_field(&p, "status"), "{p}");

    // Indicators raise the priority, with the reasons.
    let (s, prio) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(
                json!({"indicators": ["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{prio}");
    let score = prio["score"].as_i64().unwrap();
    assert!(score > p0, "{score} > {p0}");
    let codes = reason_codes(&prio["reasons"]);
    assert!(codes.contains(&"all_elements".to_string()), "{codes:?}");
    assert!(codes.contains(&"means".to_string()), "{codes:?}");
    let sum: i64 = prio["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_i64().unwrap())
        .sum();
    assert_eq!(sum.min(100), score, "the score is its reasons");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["priority"], score);
    assert_eq!(
        detail["indicators"],
        json!(["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"])
    );
    // Without the purpose element the three elements are no longer all there.
    let (s, prio) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(json!({"indicators": ["proses_perekrutan", "cara_penipuan"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{prio}");
    assert!(!reason_codes(&prio["reasons"]).contains(&"all_elements".to_string()));
    assert!(prio["score"].as_i64().unwrap() < score);
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(json!({"indicators": ["proses_perekrutan", "bukan_indikator"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "indicators", "err-invalid-choice"), "{p}");
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(
                json!({"indicators": ["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Assignment: to another officer of the area; not to someone who is not an officer.
    let second = user_id(&app, &admin, "pimpasa2.malang").await;
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/assignee"),
            Some(json!({"user_id": second})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["assigned_to"], second);
    let mitra = user_id(&app, &admin, "disnaker.malang").await;
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/assignee"),
            Some(json!({"user_id": mitra})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&p, "assigned_to", "err-officer-not-eligible"),
        "{p}"
    );
    let (_, mine) = app
        .api(
            &app.token("pimpasa2.malang").await,
            Method::GET,
            "/api/v1/reports?assigned=saya",
            None,
        )
        .await;
    assert!(ids(&mine).contains(&id), "{mine}");

    // Status: only the moves the state machine allows, each with a note.
    let status = |to: &str, note: &str| json!({"status": to, "note": note});
    let path = format!("/api/v1/reports/{id}/status");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("selesai", "Langsung selesai.")),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "baru -> selesai");
    assert!(has_error(&p, "status", "err-status-transition"), "{p}");
    let (s, p) = app
        .api(&officer, Method::POST, &path, Some(status("ditinjau", "")))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a note is required");
    assert!(has_field(&p, "note"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("ditinjau", "Diverifikasi bersama perangkat desa.")),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("digabung", "Duplikat.")),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "merging is not a status change"
    );
    assert!(has_error(&p, "status", "err-status-transition"), "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["status"], "ditinjau");
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "status"
            && e["to_status"] == "ditinjau"
            && e["body"] == "Diverifikasi bersama perangkat desa."));
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "diproses");

    // Referral to the police: consent or a named override.
    let polres = agency_id(&app, &officer, "Polres Malang").await;
    let referral = |extra: Value| {
        let mut b = json!({"agency_id": polres, "purpose": "penyidikan", "due_date": "2099-01-31",
                           "message": "Mohon penyelidikan terhadap sponsor."});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let rpath = format!("/api/v1/reports/{id}/referrals");
    let (s, p) = app
        .api(&officer, Method::POST, &rpath, Some(referral(json!({}))))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "consent", "err-consent-required"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &rpath,
            Some(referral(
                json!({"due_date": "2001-01-01", "override_reason": "x"}),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "due_date", "err-date-past"), "{p}");
    let (s, created) = app
        .api(
            &officer,
            Method::POST,
            &rpath,
            Some(referral(
                json!({"override_reason": "Korban diancam; menunggu persetujuan membahayakan."}),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let rid = created["id"].as_i64().unwrap();
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(
        detail["report"]["status"], "ditangani",
        "a referral moves the report on"
    );

    // The police see it, accept, act, finish.
    let police = app.token("polres.malang").await;
    let (s, list) = app
        .api(&police, Method::GET, "/api/v1/referrals", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rid)
        .unwrap_or_else(|| panic!("referral in the police list: {list}"))
        .clone();
    assert_eq!(row["status"], "terkirim");
    assert_eq!(row["tracking_code"], code.as_str());
    let (s, notes) = app
        .api(&police, Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "referral_new" && n["link"] == format!("/rujukan/{rid}")));
    let answer = format!("/api/v1/referrals/{rid}/answer");
    let actions = format!("/api/v1/referrals/{rid}/actions");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &actions,
            Some(json!({"body": "Terlalu cepat."})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not accepted yet: {p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &answer,
            Some(json!({"status": "diterima"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &actions,
            Some(json!({"body": "Penyelidikan dimulai, saksi dipanggil."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &answer,
            Some(json!({"status": "selesai"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, fd) = app
        .api(
            &police,
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{fd}");
    assert_eq!(fd["referral"]["status"], "selesai");
    assert_eq!(fd["receiver"], true);
    assert!(fd["referral"]["override_reason"]
        .as_str()
        .unwrap()
        .starts_with("Korban diancam"));
    assert!(fd["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["kind"] == "tindakan" && a["body"] == "Penyelidikan dimulai, saksi dipanggil."));
    // The sender may not answer in the agency's place.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &answer,
            Some(json!({"status": "ditolak", "note": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Another agency neither sees nor answers it.
    let other = app.token("disnaker.malang").await;
    let (s, _) = app
        .api(
            &other,
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for (path, body) in [
        (&answer, json!({"status": "diterima"})),
        (&actions, json!({"body": "Ikut campur."})),
    ] {
        // A referral not sent to the agency does not exist for it (docs/security.md: "A
        // report, referral or case outside the user's scope answers not found").
        let (s, _) = app.api(&other, Method::POST, path, Some(body)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "disnaker POST {path}");
    }
    let (_, theirs) = app
        .api(&other, Method::GET, "/api/v1/referrals", None)
        .await;
    assert!(!ids(&theirs).contains(&rid), "{theirs}");

    // A case: the report's victim and named recruiter come along; one case per report.
    let (s, created) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let cid = created["id"].as_i64().unwrap();
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a second case for the same report");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/people"),
            Some(json!({"kind": "korban", "name": "Ratna Kusumawardani", "nik": "3507123456780001", "sex": "P",
                        "birth_date": "2007-03-14", "phone": "081277788899", "consent": true})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/people"),
            Some(json!({"kind": "saksi", "name": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_field(&p, "kind") && has_field(&p, "name"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/services"),
            Some(json!({"service_date": "2025-01-15", "service_type": "Health", "provider": "Puskesmas Sitiarjo"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/cases/{cid}"),
            Some(json!({"trafficking_status": "terbukti", "decision_org": "Police", "exploitation": ["ForcedLabour"],
                        "destination_country": "MY", "legal_stage": "penyidikan", "legal_reference": "LP/B/123/2025"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, cases) = app
        .api(&officer, Method::GET, "/api/v1/cases?status=aktif", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ids(&cases).contains(&cid), "{cases}");
    let (s, case) = app
        .api(&officer, Method::GET, &format!("/api/v1/cases/{cid}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["case"]["legal_stage"], "penyidikan");
    let people = case["people"].as_array().unwrap();
    let names: Vec<&str> = people.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for n in ["Sri Wahyuningsih", "Bambang Sponsor", "Ratna Kusumawardani"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let ratna = people
        .iter()
        .find(|p| p["name"] == "Ratna Kusumawardani")
        .unwrap();
    assert!(
        ratna["nik"].as_str().unwrap().contains('•'),
        "masked: {ratna}"
    );
    assert_eq!(case["services"][0]["provider"], "Puskesmas Sitiarjo");
    let (_, case) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/cases/{cid}?reveal=true"),
            None,
        )
        .await;
    assert!(case["people"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["nik"] == "3507123456780001"));

    // Closing needs a reason; it closes the report too.
    let cstatus = format!("/api/v1/cases/{cid}/status");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &cstatus,
            Some(json!({"status": "ditutup"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "reason", "err-reason-required"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &cstatus,
            Some(json!({"status": "ditutup", "reason": "Berkas diserahkan ke kejaksaan."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["status"], "selesai");
    assert_eq!(detail["case_id"], cid);
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "selesai");
    let steps: Vec<&str> = public["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["diterima", "diproses", "selesai"]);

    // The export: names only when not anonymised.
    let (s, h, raw) = download(&app, &officer, "/api/v1/cases/export").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment; filename=\"kasus-tppo.json\""));
    let text = String::from_utf8(raw).unwrap();
    let records: Value = serde_json::from_str(&text).unwrap();
    let rec = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["tppo_case_number"]
                .as_str()
                .is_some_and(|n| n.ends_with(&format!("{cid:05}")))
        })
        .unwrap_or_else(|| panic!("case in the export: {records}"));
    assert_eq!(rec["cas_Status"], "Closed");
    let victim = rec["victims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["prs_SecondName"] == "Kusumawardani")
        .unwrap_or_else(|| panic!("victim by name: {rec}"));
    assert_eq!(victim["prs_FirstName"], "Ratna");
    assert_eq!(victim["prs_IdentityNumber"], "3507123456780001");
    assert_eq!(victim["vic_TraffickingStatus"], "ActualVictimOfTrafficking");
    assert_eq!(
        rec["perpetrators"][0]["per_RoleInProcess"],
        "RecruiterOrIntermediary"
    );
    assert_eq!(
        rec["cas_OutgoingReferrals"][0]["cas_ReferredOrganisation"],
        "Polres Malang"
    );

    let (s, _, raw) = download(&app, &officer, "/api/v1/cases/export?anonymised=true").await;
    assert_eq!(s, StatusCode::OK);
    let anon_text = String::from_utf8(raw).unwrap();
    for secret in [
        "Kusumawardani",
        "Ratna",
        "Wahyuningsih",
        "Bambang",
        "3507123456780001",
        "81277788899",
        "2007-03-14",
        "LP/B/123/2025",
        "prs_IdentityNumber",
        "prs_FirstName",
        SITIARJO,
    ] {
        assert!(
            !anon_text.contains(secret),
            "{secret} in the anonymised export"
        );
    }
    // The Kanwil sees personal data masked everywhere, so its export is anonymised even
    // when it asks for names.
    let kanwil = app.token("kanwil.jatim").await;
    let (s, _, raw) = download(&app, &kanwil, "/api/v1/cases/export").await;
    assert_eq!(s, StatusCode::OK);
    let kanwil_text = String::from_utf8(raw).unwrap();
    assert!(kanwil_text.contains("tppo_age_band_at_opening"));
    for secret in ["Kusumawardani", "3507123456780001", "81277788899"] {
        assert!(
            !kanwil_text.contains(secret),
            "{secret} in the Kanwil's export"
        );
    }
    let anon_records: Value = serde_json::from_str(&anon_text).unwrap();
    assert!(anon_text.contains("tppo_age_band_at_opening"));
    assert!(anon_records
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["tppo_region_code"] == "35.07"));

    let (s, h, raw) = download(&app, &officer, "/api/v1/cases/export?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("kasus-tppo.csv"));
    let csv = String::from_utf8(raw).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("tppo_case_number,"), "{header}");
    assert!(csv.contains("Kusumawardani"));
    let (s, _, raw) = download(
        &app,
        &officer,
        "/api/v1/cases/export?format=csv&anonymised=true",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!String::from_utf8(raw).unwrap().contains("Kusumawardani"));
    let (s, p) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/cases/export?format=xml",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "format", "err-invalid-choice"), "{p}");

    // Every export is in the audit log; the named one as a sensitive view.
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=export&entity=case",
            None,
        )
        .await;
    let exports = audit["items"].as_array().unwrap();
    assert_eq!(exports.len(), 5, "{audit}");
    assert_eq!(exports.iter().filter(|e| e["sensitive"] == 1).count(), 2);
    // The Kanwil reads the officer's exports in its own audit log.
    let (_, audit) = app
        .api(
            &kanwil,
            Method::GET,
            "/api/v1/audit?action=export&entity=case",
            None,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 5, "{audit}");
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

#[tokio::test]
async fn reports_sharing_a_phone_or_a_recruiter_are_linked() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let report = |description: &str, person: Value| json!({"category": "rekrutmen", "description": description, "region_code": SITIARJO, "people": [person]});
    let first = public_report(
        &app,
        report(
            "Perekrut menjanjikan gaji besar di Taiwan.",
            json!({"role": "perekrut", "name": "Moch. Soekarno", "phone": "0812-3456-7890"}),
        ),
    )
    .await;
    let same_phone = public_report(
        &app,
        report(
            "Anak saya dihubungi lewat WhatsApp untuk kerja di kapal.",
            json!({"role": "korban", "name": "Lina Marlina", "phone": "+6281234567890"}),
        ),
    )
    .await;
    let same_recruiter = public_report(
        &app,
        report(
            "Sponsor mengumpulkan KTP warga.",
            json!({"role": "perekrut", "name": "Muhammad Sukarno"}),
        ),
    )
    .await;
    let unrelated = public_report(
        &app,
        report(
            "Iklan lowongan di media sosial.",
            json!({"role": "perekrut", "name": "Agus Salim", "phone": "081399988877"}),
        ),
    )
    .await;
    // The same recruiter's phone in Kabupaten Blitar, outside the officer's area.
    let elsewhere = public_report(
        &app,
        json!({"category": "rekrutmen", "description": "Perekrut yang sama datang ke desa kami.", "region_code": JATEN_BLITAR,
               "people": [{"role": "perekrut", "name": "Pak Harjo", "phone": "081234567890"}]}),
    )
    .await;
    let a = id_by_code(&app, &officer, &first).await;
    let b = id_by_code(&app, &officer, &same_phone).await;
    let c = id_by_code(&app, &officer, &same_recruiter).await;
    let d = id_by_code(&app, &officer, &unrelated).await;
    let kanwil = app.token("kanwil.jatim").await;
    let admin = app.token("admin.demo").await;
    let e = id_by_code(&app, &kanwil, &elsewhere).await;
    // The kanwil (the province) and the admin (everything) see the link to Blitar.
    for (who, token) in [("kanwil", &kanwil), ("admin", &admin)] {
        let (s, linked) = app
            .api(
                token,
                Method::GET,
                &format!("/api/v1/reports/{a}/linked"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{who}: {linked}");
        assert!(
            linked.as_array().unwrap().iter().any(|l| l["id"] == e),
            "{who}: {linked}"
        );
    }

    let (s, linked) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{a}/linked"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{linked}");
    let list = linked.as_array().unwrap();
    let reasons = |id: i64| -> Vec<String> {
        list.iter()
            .find(|l| l["id"] == id)
            .map(|l| {
                l["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(reasons(b), ["phone"], "{linked}");
    let rc = reasons(c);
    assert!(
        rc.contains(&"name".to_string()) && rc.contains(&"recruiter".to_string()),
        "{linked}"
    );
    assert!(!list.iter().any(|l| l["id"] == d), "{linked}");
    // Outside the officer's area a link does not exist for them.
    assert!(!list.iter().any(|l| l["id"] == e), "{linked}");
    assert!(list
        .iter()
        .any(|l| l["tracking_code"] == same_phone.as_str()));
    // Seen from the other side, and in the report itself.
    let (_, back) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{b}/linked"),
            None,
        )
        .await;
    assert!(
        back.as_array().unwrap().iter().any(|l| l["id"] == a),
        "{back}"
    );
    let (_, detail) = app
        .api(&officer, Method::GET, &format!("/api/v1/reports/{c}"), None)
        .await;
    assert!(detail["linked"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == a));
    // A later report sharing something starts with a higher priority.
    assert!(
        reason_codes(&detail["reasons"]).contains(&"linked".to_string()),
        "{}",
        detail["reasons"]
    );
    // Outside the caller's villages the report (and so its links) does not exist.
    let kalipare = app.token("desa.kalipare").await;
    let (s, _) = app
        .api(
            &kalipare,
            Method::GET,
            &format!("/api/v1/reports/{a}/linked"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn contacts_are_masked_unless_revealed_by_an_officer_and_the_view_is_audited() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let admin = app.token("admin.demo").await;
    let code = public_report(
        &app,
        json!({"category": "korban", "description": "Kakak saya tidak bisa pulang dari Arab Saudi.", "region_code": SITIARJO,
               "destination_country": "SA", "anonymous": false, "reporter_name": "Siti Pelapor", "reporter_phone": "081234567001",
               "people": [{"role": "korban", "name": "Ayu Wulandari", "phone": "081298765432", "nik": "3507011234560002"}]}),
    )
    .await;
    let id = id_by_code(&app, &officer, &code).await;

    let (s, masked) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let phone = masked["report"]["reporter_phone"].as_str().unwrap();
    assert!(phone.contains('•'), "{phone}");
    assert!(!phone.contains("234567"), "{phone}");
    assert_eq!(masked["report"]["reporter_name"], "•••");
    assert!(masked["people"][0]["phone"].as_str().unwrap().contains('•'));
    assert!(masked["people"][0]["nik"].as_str().unwrap().contains('•'));
    assert_eq!(masked["unmasked"], false);
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert_eq!(
        audit["total"], 0,
        "a masked view is not a sensitive view: {audit}"
    );

    let (s, full) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(full["report"]["reporter_phone"], "+6281234567001");
    assert_eq!(full["report"]["reporter_name"], "Siti Pelapor");
    assert_eq!(full["people"][0]["nik"], "3507011234560002");
    assert_eq!(full["people"][0]["phone"], "+6281298765432");
    assert_eq!(full["unmasked"], true);
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["username"], "pimpasa.malang");
    assert_eq!(entries[0]["entity_id"], id.to_string());
    assert_eq!(entries[0]["sensitive"], 1);
    assert_eq!(entries[0]["region_code"], SITIARJO);
    let detail = entries[0]["detail"].as_str().unwrap_or("");
    assert!(
        !detail.contains("234567"),
        "no contact in the audit detail: {detail}"
    );

    // Roles that may not see contacts get them masked even when they ask.
    for user in ["desa.sitiarjo", "kanwil.jatim"] {
        let t = app.token(user).await;
        let (s, d) = app
            .api(
                &t,
                Method::GET,
                &format!("/api/v1/reports/{id}?reveal=true"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{user}: {d}");
        assert_eq!(d["unmasked"], false, "{user}");
        assert!(
            d["report"]["reporter_phone"]
                .as_str()
                .unwrap()
                .contains('•'),
            "{user}"
        );
        assert!(
            d["people"][0]["nik"].as_str().unwrap().contains('•'),
            "{user}"
        );
    }
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert_eq!(audit["total"], 1, "no sensitive view was recorded for them");
}

#[tokio::test]
async fn refused_roles_get_403_or_do_not_see_the_report_at_all() {
    let app = spawn_roomy().await;
    let sitiarjo = app.token("desa.sitiarjo").await;
    let kalipare = app.token("desa.kalipare").await;
    let officer = app.token("pimpasa.malang").await;
    let kanwil = app.token("kanwil.jatim").await;
    let mitra = app.token("disnaker.malang").await;
    let admin = app.token("admin.demo").await;
    let id = file_report(
        &app,
        &sitiarjo,
        simple_report(SITIARJO, "Laporan dari Sitiarjo."),
    )
    .await;

    // Another village's report does not exist for a village user.
    let (s, _) = app
        .api(
            &kalipare,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app
        .api(&kalipare, Method::GET, "/api/v1/reports", None)
        .await;
    assert!(!ids(&list).contains(&id));
    let (s, _) = app
        .api(
            &kalipare,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Info tambahan."})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A partner agency has no report list.
    let (s, p) = app.api(&mitra, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    let (s, _) = app
        .api(&mitra, Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The Kanwil watches but does not triage.
    let (s, _) = app
        .api(&kanwil, Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .api(
            &kanwil,
            Method::POST,
            &format!("/api/v1/reports/{id}/status"),
            Some(json!({"status": "ditinjau", "note": "Dari Kanwil."})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A village files and adds information but does not refer.
    let polres = agency_id(&app, &officer, "Polres Malang").await;
    let (s, _) = app
        .api(
            &sitiarjo,
            Method::POST,
            &format!("/api/v1/reports/{id}/referrals"),
            Some(json!({"agency_id": polres, "purpose": "penyidikan", "due_date": "2099-01-31", "message": "Tolong.",
                        "consent": true, "consent_by": "Korban"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .api(
            &sitiarjo,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Calo datang lagi kemarin."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Nothing without a token.
    for (method, path) in [
        (Method::GET, "/api/v1/reports".to_string()),
        (Method::GET, format!("/api/v1/reports/{id}")),
        (Method::POST, "/api/v1/reports".to_string()),
        (Method::GET, "/api/v1/referrals".to_string()),
        (Method::GET, "/api/v1/cases".to_string()),
        (Method::GET, "/api/v1/cases/export".to_string()),
        (Method::GET, "/api/v1/notifications".to_string()),
    ] {
        let (s, p) = anon(&app, method.clone(), &path, Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {p}");
    }

    // A report in Kabupaten Blitar (outside Kanim Malang's area): the admin files it, the
    // Malang officers never see it, the provincial office does.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/reports",
            Some(simple_report(JATEN_BLITAR, "Di Blitar.")),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside the officer's area"
    );
    assert!(
        has_error(&p, "region_code", "err-region-out-of-scope"),
        "{p}"
    );
    let blitar = file_report(
        &app,
        &admin,
        simple_report(JATEN_BLITAR, "Laporan di Blitar."),
    )
    .await;
    let (s, _) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{blitar}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{blitar}/indicators"),
            Some(json!({"indicators": []})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app
        .api(&officer, Method::GET, "/api/v1/reports", None)
        .await;
    assert!(!ids(&list).contains(&blitar));
    assert!(ids(&list).contains(&id));
    let (s, _) = app
        .api(
            &kanwil,
            Method::GET,
            &format!("/api/v1/reports/{blitar}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn attachments_are_checked_by_their_bytes_and_downloaded_as_files() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Foto brosur lowongan palsu."),
    )
    .await;
    let (s, p) = upload(&app, &officer, id, "brosur.png", PNG).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    let atts = detail["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 1, "{detail}");
    assert_eq!(atts[0]["content_type"], "image/png");
    assert_eq!(atts[0]["file_name"], "brosur.png");
    assert!(
        atts[0].get("storage_key").is_none(),
        "the storage key stays inside"
    );
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "info" && e["body"] == "Lampiran ditambahkan"));
    let aid = atts[0]["id"].as_i64().unwrap();
    let (s, h, bytes) = download(
        &app,
        &officer,
        &format!("/api/v1/reports/{id}/attachments/{aid}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "image/png");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"brosur.png\""));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(&bytes[..8], &PNG[..8], "a PNG comes back");
    assert_eq!(bytes.len() as i64, atts[0]["size"].as_i64().unwrap());

    // HTML is not an image, whatever it is called; an empty body is nothing.
    let (s, p) = upload(
        &app,
        &officer,
        id,
        "foto.jpg",
        b"<html><script>alert(1)</script></html>",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "file", "err-file-type"), "{p}");
    let (s, p) = upload(&app, &officer, id, "kosong.png", b"").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "file", "err-file-empty"), "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["attachments"].as_array().unwrap().len(), 1);

    // Who may not see the report may not fetch or add its files.
    let kalipare = app.token("desa.kalipare").await;
    let (s, _, _) = download(
        &app,
        &kalipare,
        &format!("/api/v1/reports/{id}/attachments/{aid}"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = upload(&app, &kalipare, id, "x.png", PNG).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = download(
        &app,
        &officer,
        &format!("/api/v1/reports/{id}/attachments/{}", aid + 1000),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Each download is a sensitive view.
    let admin = app.token("admin.demo").await;
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert!(audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"] == format!("attachment={aid}")));
}

#[tokio::test]
async fn reports_are_found_by_words_and_by_phone() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        json!({"category": "nonprosedural", "region_code": SITIARJO,
               "description": "Calo mengumpulkan pemuda di pelabuhan Sendangbiru untuk dikirim ke kapal ikan asing.",
               "people": [{"role": "korban", "name": "Joko Prasetyo", "phone": "0813-1111-2222"}]}),
    )
    .await;
    let other = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Iklan lowongan pabrik di Korea."),
    )
    .await;
    let find = |q: &str| {
        let app = &app;
        let officer = &officer;
        let q = q.to_string();
        async move {
            let (s, page) = app
                .api(
                    officer,
                    Method::GET,
                    &format!("/api/v1/reports?q={q}"),
                    None,
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{q}: {page}");
            ids(&page)
        }
    };
    assert_eq!(find("sendangbiru").await, [id]);
    assert_eq!(
        find("SENDANGBIRU%20kapal").await,
        [id],
        "all words, any case"
    );
    assert_eq!(find("sendang").await, [id], "a word's beginning");
    assert_eq!(find("sen").await, [id], "three letters are a beginning too");
    // One or two letters match whole words only: "di" is a word of both descriptions,
    // "se" only begins one ("Sendangbiru").
    let di = find("di").await;
    assert!(di.contains(&id) && di.contains(&other), "{di:?}");
    assert!(!find("se").await.contains(&id));
    assert_eq!(find("prasetyo").await, [id], "people's names");
    assert!(find("Probolinggo").await.is_empty());
    assert!(find("sendangbiru%20korea").await.is_empty());
    assert_eq!(find("korea").await, [other]);
    assert_eq!(find("081311112222").await, [id], "by phone");
    assert_eq!(
        find("%2B62%20813-1111-2222").await,
        [id],
        "by phone, written otherwise"
    );
    assert!(find("081399999999").await.is_empty());
    // Added information is searchable too.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Kapal bernama Mutiara Samudra."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(find("mutiara").await, [id]);
    // Search syntax is not passed through.
    assert!(find("%22%20OR%20*").await.is_empty());
}

#[tokio::test]
async fn a_ten_letter_place_name_is_searched_as_a_word() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(
            SITIARJO,
            "Calo dari Banyuwangi merekrut warga untuk kerja di Malaysia.",
        ),
    )
    .await;
    let (_, page) = app
        .api(&officer, Method::GET, "/api/v1/reports?q=Banyuwangi", None)
        .await;
    assert_eq!(ids(&page), [id], "{page}");
}

#[tokio::test]
async fn duplicates_are_merged_into_the_other_report() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let first = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Calo menawarkan kerja ke Jepang."),
    )
    .await;
    let code = public_report(
        &app,
        json!({"category": "rekrutmen", "description": "Ada calo kerja ke Jepang di desa kami.", "region_code": SITIARJO}),
    )
    .await;
    let dup = id_by_code(&app, &officer, &code).await;
    let merge = format!("/api/v1/reports/{dup}/merge");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &merge,
            Some(json!({"into": dup.to_string()})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "into", "err-merge-self"), "{p}");
    let (s, body) = app
        .api(
            &officer,
            Method::POST,
            &merge,
            Some(json!({"into": first.to_string(), "note": "Laporan yang sama."})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["id"], first);
    let (_, d) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{dup}"),
            None,
        )
        .await;
    assert_eq!(d["report"]["status"], "digabung");
    assert_eq!(d["report"]["merged_into"], first);
    // The reporter sees the status of the report it was merged into.
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "diterima");
    // A merged report takes no more information.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{dup}/info"),
            Some(json!({"body": "Lagi."})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "body", "err-report-merged"), "{p}");
}

#[tokio::test]
async fn the_openapi_document_lists_the_reports_api() {
    let app = spawn().await;
    let (s, doc) = anon(&app, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let expected: &[(&str, &[&str])] = &[
        ("/api/v1/public/reports", &["post"]),
        ("/api/v1/public/reports/{code}", &["get"]),
        ("/api/v1/reports", &["get", "post"]),
        ("/api/v1/reports/{id}", &["get"]),
        ("/api/v1/reports/{id}/indicators", &["put"]),
        ("/api/v1/reports/{id}/assignee", &["put"]),
        ("/api/v1/reports/{id}/status", &["post"]),
        ("/api/v1/reports/{id}/merge", &["post"]),
        ("/api/v1/reports/{id}/info", &["post"]),
        ("/api/v1/reports/{id}/attachments", &["post"]),
        ("/api/v1/reports/{id}/attachments/{aid}", &["get"]),
        ("/api/v1/reports/{id}/linked", &["get"]),
        ("/api/v1/reports/{id}/referrals", &["post"]),
        ("/api/v1/reports/{id}/case", &["post"]),
        ("/api/v1/referrals", &["get"]),
        ("/api/v1/referrals/{id}", &["get"]),
        ("/api/v1/referrals/{id}/answer", &["post"]),
        ("/api/v1/referrals/{id}/actions", &["post"]),
        ("/api/v1/cases", &["get"]),
        ("/api/v1/cases/export", &["get"]),
        ("/api/v1/cases/{id}", &["get", "put"]),
        ("/api/v1/cases/{id}/people", &["post"]),
        ("/api/v1/cases/{id}/services", &["post"]),
        ("/api/v1/cases/{id}/status", &["post"]),
        ("/api/v1/notifications", &["get"]),
        ("/api/v1/notifications/{id}/read", &["post"]),
        ("/api/v1/notifications/read-all", &["post"]),
    ];
    for (path, methods) in expected {
        for m in *methods {
            assert!(
                doc["paths"][path].get(*m).is_some(),
                "{m} {path} documented"
            );
        }
    }
    // The two public operations need no token.
    assert_eq!(
        doc["paths"]["/api/v1/public/reports"]["post"]["security"],
        json!([{}])
    );
    for schema in [
        "ReportInput",
        "ReportDetail",
        "ReportRow",
        "PublicReport",
        "PublicReportBody",
        "ReferralInput",
        "ReferralDetail",
        "CaseInput",
        "CaseDetail",
        "PriorityBody",
        "Notification",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}
