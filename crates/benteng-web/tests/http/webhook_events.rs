//! Outbound webhooks, continued (helpers in `webhooks.rs`): every event kind reaches a
//! subscriber with its record, a slow receiver holds up no other, and an alert for a province
//! reaches subscriptions for its kabupaten/kota but not another province's.

use crate::harness::*;
use crate::reports_api::{file_report, simple_report};
use crate::webhooks::{body, drain, receiver, register, worker};
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn every_event_kind_reaches_a_subscriber_with_its_record() {
    let app = crate::reports_api::spawn_roomy().await;
    let (base, rx) = receiver().await;
    let admin = app.login("admin.demo").await;
    let all = [
        "report.filed",
        "report.status_changed",
        "referral.sent",
        "referral.answered",
        "case.status_changed",
        "alert.sent",
        "migrant.departed_unprocedural",
    ];
    register(
        &app,
        &admin,
        "Semua",
        &format!("{base}/semua"),
        "",
        &all,
        "",
    )
    .await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Calo di balai desa"),
    )
    .await;
    let polres = crate::reports_api::agency_id(&app, &officer, "Polres Malang").await;
    let (s, r) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/referrals"),
            Some(serde_json::json!({"agency_id": polres, "purpose": "penyidikan", "due_date": "2099-01-31",
                "message": "Mohon penyelidikan.", "override_reason": "Korban diancam."})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = r["id"].as_i64().unwrap();
    let police = app.token("polres.malang").await;
    let (s, b) = app
        .api(
            &police,
            Method::POST,
            &format!("/api/v1/referrals/{rid}/answer"),
            Some(serde_json::json!({"status": "diterima"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, c) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/case"),
            Some(serde_json::json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/status"),
            Some(serde_json::json!({"status": "ditutup", "reason": "Berkas diserahkan ke kejaksaan."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/alerts",
            Some(
                serde_json::json!({"severity": "waspada", "area_code": "35.07",
                "title": "Lowongan palsu ke Kamboja", "body": "Jangan berangkat tanpa BP3MI."}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let desa = app.token("desa.sitiarjo").await;
    let (s, m) = app
        .api(
            &desa,
            Method::POST,
            "/api/v1/migrants",
            Some(serde_json::json!({"name": "Joko Susilo"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    let (s, b) = app
        .api(
            &desa,
            Method::POST,
            &format!("/api/v1/migrants/{mid}/status"),
            Some(serde_json::json!({"status": "berangkat", "date": "2026-01-10"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["nonprocedural"], true);

    drain(&worker(&app)).await;
    let got: Vec<Value> = rx.on("semua").iter().map(body).collect();
    let of = |event: &str| -> Vec<&Value> { got.iter().filter(|v| v["event"] == event).collect() };
    assert_eq!(of("report.filed").len(), 1);
    assert_eq!(of("report.filed")[0]["data"]["report"]["id"], id);
    // Deliveries of one batch go out at once, so they may arrive in any order.
    let mut moves: Vec<(String, String)> = of("report.status_changed")
        .iter()
        .map(|v| {
            (
                v["data"]["report"]["from"].as_str().unwrap().to_string(),
                v["data"]["report"]["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    moves.sort();
    assert_eq!(
        moves,
        vec![
            ("baru".into(), "ditangani".into()),
            ("ditangani".into(), "selesai".into())
        ],
        "the referral and the closed case moved the report"
    );
    let sent = of("referral.sent");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["data"]["referral"]["id"], rid);
    assert_eq!(sent[0]["data"]["referral"]["agency_id"], polres);
    let answered = of("referral.answered");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0]["data"]["referral"]["to"], "diterima");
    let case = of("case.status_changed");
    assert_eq!(case.len(), 1);
    assert_eq!(case[0]["data"]["case"]["id"], cid);
    assert_eq!(case[0]["data"]["case"]["to"], "ditutup");
    let alert = of("alert.sent");
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0]["region"]["code"], "35.07");
    assert_eq!(
        alert[0]["data"]["alert"]["title"],
        "Lowongan palsu ke Kamboja"
    );
    let left = of("migrant.departed_unprocedural");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["data"]["migrant"]["id"], mid);
    assert!(
        !left[0].to_string().contains("Joko"),
        "no name in the payload"
    );
    assert_eq!(got.len(), 8, "nothing else: {got:?}");
}

#[tokio::test]
async fn a_slow_receiver_does_not_hold_up_the_others() {
    let app = spawn().await;
    let (base, rx) = receiver().await;
    let admin = app.login("admin.demo").await;
    register(
        &app,
        &admin,
        "Lambat",
        &format!("{base}/slow"),
        "",
        &["report.filed"],
        "",
    )
    .await;
    register(
        &app,
        &admin,
        "Cepat",
        &format!("{base}/fast"),
        "",
        &["report.filed"],
        "",
    )
    .await;
    let desa = app.token("desa.sitiarjo").await;
    file_report(&app, &desa, simple_report(SITIARJO, "Laporan")).await;
    let w = worker(&app);
    let start = std::time::Instant::now();
    let round = tokio::spawn(async move { w.deliver_webhooks().await.unwrap() });
    while rx.on("fast").is_empty() && start.elapsed() < std::time::Duration::from_secs(10) {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let fast_after = start.elapsed();
    assert_eq!(rx.on("fast").len(), 1);
    assert!(!round.is_finished(), "the slow receiver is still answering");
    assert!(
        fast_after < std::time::Duration::from_secs(2),
        "the fast one did not wait: {fast_after:?}"
    );
    assert_eq!(round.await.unwrap(), 2);
}

#[tokio::test]
async fn a_province_alert_reaches_a_regency_subscription_but_not_another_province() {
    let app = crate::reports_api::spawn_roomy().await;
    let (base, rx) = receiver().await;
    let kanwil = app.login("kanwil.jatim").await;
    register(
        &app,
        &kanwil,
        "Malang",
        &format!("{base}/kab"),
        "35.07",
        &["alert.sent"],
        "",
    )
    .await;
    let admin = app.login("admin.demo").await;
    register(
        &app,
        &admin,
        "Bali",
        &format!("{base}/bali"),
        "51",
        &["alert.sent"],
        "",
    )
    .await;
    let t = app.token("kanwil.jatim").await;
    let (s, b) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/alerts",
            Some(serde_json::json!({"severity": "waspada", "area_code": "35",
                "title": "Lowongan palsu", "body": "Jangan berangkat tanpa BP3MI."})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    drain(&worker(&app)).await;
    let got = rx.on("kab");
    assert_eq!(
        got.len(),
        1,
        "the province's alert reaches the regency's subscription"
    );
    assert_eq!(body(&got[0])["region"]["code"], "35");
    assert!(rx.on("bali").is_empty(), "not another province");
}
