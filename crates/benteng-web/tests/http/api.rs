//! The JSON API: problem bodies, validation in the caller's language, the OpenAPI document.

use crate::harness::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn validation_errors_are_problem_bodies_in_the_callers_language() {
    let app = spawn().await;
    let t = app.token("pimpasa.malang").await;
    let body = serde_json::json!({"region_code": "35.07", "office_id": "x", "sk_number": "", "sk_date": "kemarin", "status": "hidup", "population": -5});
    let r = client()
        .post(app.url("/api/v1/desa-binaan"))
        .bearer_auth(&t)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "region_code",
        "office_id",
        "sk_number",
        "sk_date",
        "status",
        "population",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(p["title"], "Ada isian yang perlu diperbaiki.");
    let r = client()
        .post(app.url("/api/v1/desa-binaan"))
        .bearer_auth(&t)
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["title"], "Some fields need correcting.");
    assert!(p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["message"] == "Must be a village, e.g. Sitiarjo."));
}

#[tokio::test]
async fn malformed_requests_get_clear_4xx_and_nothing_is_written() {
    let app = spawn().await;
    let t = app.token("admin.demo").await;
    let (_, before) = app.api(&t, Method::GET, "/api/v1/desa-binaan", None).await;
    for raw in ["{", "[]", "null", "{\"region_code\": {\"a\": 1}}"] {
        let r = client()
            .post(app.url("/api/v1/desa-binaan"))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert!(
            r.status() == StatusCode::BAD_REQUEST || r.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{raw}: {}",
            r.status()
        );
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{raw}"
        );
    }
    // A field of the wrong type is named, in the caller's language.
    for (lang, message) in [("id", "jenis nilainya salah"), ("en", "has the wrong type")] {
        let r = client()
            .post(app.url("/api/v1/desa-binaan"))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .header("accept-language", lang)
            .body("{\"region_code\": {\"a\": 1}}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "region_code", "{p}");
        assert_eq!(p["errors"][0]["code"], "err-json-field", "{p}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{p}"
        );
    }
    let r = client()
        .post(app.url("/api/v1/desa-binaan"))
        .bearer_auth(&t)
        .body("region_code=1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "wrong content type");
    let (_, after) = app.api(&t, Method::GET, "/api/v1/desa-binaan", None).await;
    assert_eq!(before["total"], after["total"]);
    let (status, body) = app.api(&t, Method::GET, "/api/v1/tidak-ada", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
    let (status, _) = app
        .api(&t, Method::GET, "/api/v1/desa-binaan/abc", None)
        .await;
    assert!(status.is_client_error());
}

#[tokio::test]
async fn numbers_and_booleans_are_accepted_where_forms_send_text() {
    let app = spawn().await;
    let t = app.token("admin.demo").await;
    let office = app.office_id(MALANG).await;
    let body = serde_json::json!({"region_code": "35.07.01.2001", "office_id": office, "sk_number": "SK/7", "sk_date": "2025-05-05", "status": "persiapan", "population": 4200, "residents_abroad": 120, "kantong_pmi": true});
    let (status, created) = app
        .api(&t, Method::POST, "/api/v1/desa-binaan", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (_, d) = app
        .api(&t, Method::GET, &format!("/api/v1/desa-binaan/{id}"), None)
        .await;
    assert_eq!(d["desa"]["population"], 4200);
    assert_eq!(d["desa"]["kantong_pmi"], 1);
    assert_eq!(d["desa"]["village_name"], "Tulungrejo");
    assert_eq!(d["desa"]["kecamatan_name"], "Donomulyo");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn().await;
    let r = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/token",
        "/api/v1/desa-binaan",
        "/api/v1/desa-binaan/{id}",
        "/api/v1/offices/{id}/areas",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/regions",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    for schema in ["DesaBinaanInput", "DesaBinaan", "Problem", "UserInput"] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}

/// The contract as OpenAPI 3.1 requires it (what `openapi-spec-validator` checks first, and what
/// a generated client relies on): every path parameter is in its path template and every
/// template variable is declared; every response has a description; errors are
/// problem+json; an operation that needs a token lists 401.
#[tokio::test]
async fn the_openapi_document_is_valid_and_kept_in_docs() {
    let app = spawn().await;
    let doc: serde_json::Value = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" && !path.contains(&format!("{{{name}}}")) {
                    problems.push(format!("{method} {path}: `{name}` is not in the path"));
                }
            }
            for var in path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
            {
                if !params.iter().any(|p| p["in"] == "path" && p["name"] == var) {
                    problems.push(format!("{method} {path}: `{var}` is not declared"));
                }
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                if r["description"].as_str().unwrap_or("").is_empty() {
                    problems.push(format!("{method} {path} {status}: no description"));
                }
                let problem_ref = serde_json::json!({"$ref": "#/components/schemas/Problem"});
                if status.starts_with('4')
                    && r["content"]["application/json"]["schema"] == problem_ref
                {
                    problems.push(format!(
                        "{method} {path} {status}: an error as application/json"
                    ));
                }
            }
            let public = op["security"] == serde_json::json!([{}]);
            if !public && op["responses"].get("401").is_none() {
                problems.push(format!("{method} {path}: no 401"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // docs/openapi.json is the contract partners read and CI validates; a change to the API
    // shows there in review.
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let kept = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var("BENTENG_UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(kept, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(kept).unwrap_or_default();
    assert!(
        on_disk == text,
        "the API contract changed: review the difference, then update docs/openapi.json with \
         BENTENG_UPDATE_OPENAPI=1 cargo test -p benteng-web --test http openapi_document_is_valid"
    );
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let app = spawn().await;
    let t = app.token("desa.kalipare").await;
    let (status, _) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .api(&t, Method::DELETE, "/api/v1/auth/token", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The token's holder is found in the same statement as their area (issue 24): a token past
/// its expiry is refused, and a token's use is recorded (at most every five minutes).
#[tokio::test]
async fn an_expired_token_is_refused_and_a_used_one_is_recorded() {
    let app = spawn().await;
    let t = app.token("desa.kalipare").await;
    let pool = app.db.fixtures_pool();
    let used = || async {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(last_used_at) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'desa.kalipare'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    };
    assert_eq!(used().await, None, "not used yet");
    let (status, me) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "desa.kalipare", "{me}");
    let first = used().await.expect("the use is recorded");
    // Within five minutes a second use writes nothing.
    sqlx::query("UPDATE api_tokens SET last_used_at = last_used_at - 60")
        .execute(pool)
        .await
        .unwrap();
    let (status, _) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(used().await, Some(first - 60));
    sqlx::query("UPDATE api_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .unwrap();
    let (status, _) = app.api(&t, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn health_and_metrics() {
    let app = spawn().await;
    let r = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    client().get(app.url("/masuk")).send().await.unwrap();
    let text = client()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            "benteng_http_requests_total{method=\"GET\",route=\"/masuk\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("benteng_http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn concurrent_writes_all_land() {
    let app = spawn().await;
    let t = app.token("admin.demo").await;
    let office = app.office_id(MALANG).await;
    let id = app.desa_id(SITIARJO).await;
    let (_, before) = app
        .api(
            &t,
            Method::GET,
            &format!("/api/v1/desa-binaan/{id}/visits"),
            None,
        )
        .await;
    let visits_before = before["total"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for n in 0..24 {
        let (t, base) = (t.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            let c = client();
            let (path, body) = match n % 3 {
                0 => (format!("/api/v1/desa-binaan/{id}/visits"), serde_json::json!({"visit_date": "2026-03-03", "findings": format!("kunjungan {n}")})),
                1 => (format!("/api/v1/desa-binaan/{id}/contacts"), serde_json::json!({"name": format!("Kader {n}"), "position": "Kader"})),
                _ => (format!("/api/v1/offices/{office}/areas"), serde_json::json!({"region_code": "35.05", "valid_from": format!("2030-01-{:02}", n)})),
            };
            c.post(format!("{base}{path}")).bearer_auth(t).json(&body).send().await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    // Area assignments for one region must come in date order; a later one that lost the race
    // to an even later date is refused as a conflict, never an internal error.
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert!(created >= 16, "{statuses:?}");
    let (_, visits) = app
        .api(
            &t,
            Method::GET,
            &format!("/api/v1/desa-binaan/{id}/visits"),
            None,
        )
        .await;
    assert_eq!(visits["total"].as_i64().unwrap(), visits_before + 8);
    let (_, d) = app
        .api(&t, Method::GET, &format!("/api/v1/desa-binaan/{id}"), None)
        .await;
    assert_eq!(d["contacts"].as_array().unwrap().len(), 2 + 8);
}

#[tokio::test]
async fn a_wrong_password_for_a_token_says_so() {
    let app = spawn().await;
    let r = client()
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "admin.demo", "password": "bukan-ini-123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["title"], "Nama pengguna atau kata sandi salah.");
}

#[tokio::test]
async fn officers_enrol_only_for_their_own_office() {
    let app = spawn().await;
    let admin = app.token("admin.demo").await;
    let (_, body) = app.api(&admin, Method::POST, "/api/v1/offices", Some(serde_json::json!({"name": "Kantor Imigrasi Lain", "kind": "kanim", "province_code": "35"}))).await;
    let other = body["id"].as_i64().unwrap();
    let t = app.token("pimpasa.malang").await;
    let body = serde_json::json!({"region_code": "35.07.11.2001", "office_id": other, "sk_number": "SK/2", "sk_date": "2025-01-02", "status": "aktif"});
    let (status, p) = app
        .api(&t, Method::POST, "/api/v1/desa-binaan", Some(body))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "office_id" && e["code"] == "err-office-not-own"),
        "{p}"
    );
}
