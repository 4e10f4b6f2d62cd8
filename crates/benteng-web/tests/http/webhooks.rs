//! Outbound webhooks against a receiver the test starts on 127.0.0.1: deliveries are signed
//! (checked here with HMAC-SHA256 written out, not with Benteng's own verifier), carry one id
//! per event however many workers run, reach only subscriptions whose region holds the event,
//! are retried after a 503 with the same id, pause a subscription after its failure limit
//! (and tell the administrators), wait while it is paused, and go out when it is resumed.
//! Only administrators and the Kanwil (for its province) manage subscriptions.

use crate::harness::*;
use crate::reports_api::{file_report, simple_report};
use crate::two_areas::{spawn_two_areas, SERANGAN};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use benteng_app::jobs::{Channels, NotifyConfig, Worker};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// One request as the receiver got it.
#[derive(Clone, Debug)]
pub(crate) struct Got {
    path: String,
    id: String,
    timestamp: i64,
    signature: String,
    body: String,
}

#[derive(Clone, Default)]
pub(crate) struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// Answer 503 to this many more requests per path.
    failing: Arc<Mutex<HashMap<String, u32>>>,
    /// Answer 503 to `/down` while set.
    down: Arc<AtomicU32>,
}

impl Receiver {
    pub(crate) fn on(&self, path: &str) -> Vec<Got> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.path == path)
            .cloned()
            .collect()
    }
}

pub(crate) async fn receiver() -> (String, Receiver) {
    async fn hook(
        State(r): State<Receiver>,
        Path(path): Path<String>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> AxStatus {
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        r.got.lock().unwrap().push(Got {
            path: path.clone(),
            id: h("webhook-id"),
            timestamp: h("webhook-timestamp").parse().unwrap_or(0),
            signature: h("webhook-signature"),
            body: String::from_utf8(body.to_vec()).unwrap(),
        });
        if path == "slow" {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        }
        let mut failing = r.failing.lock().unwrap();
        let left = failing.entry(path.clone()).or_insert(0);
        if *left > 0 {
            *left -= 1;
            return AxStatus::SERVICE_UNAVAILABLE;
        }
        if path == "down" && r.down.load(Ordering::SeqCst) == 1 {
            return AxStatus::SERVICE_UNAVAILABLE;
        }
        AxStatus::NO_CONTENT
    }
    let r = Receiver::default();
    let app = Router::new()
        .route("/{path}", post(hook))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, r)
}

/// The signatures in a `webhook-signature` header that verify with `secret`: HMAC-SHA256 with
/// the base64-decoded key after `whsec_`, over "{id}.{timestamp}.{body}", base64.
fn valid_signatures(secret: &str, g: &Got) -> usize {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", g.id, g.timestamp, g.body).as_bytes());
    let expected = format!("v1,{}", B64.encode(mac.finalize().into_bytes()));
    g.signature.split(' ').filter(|s| *s == expected).count()
}

/// Register a subscription through the page as `c`; its id and the secret shown once.
pub(crate) async fn register(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    url: &str,
    region: &str,
    events: &[&str],
    limit: &str,
) -> (i64, String) {
    let mut fields = vec![
        ("name", name),
        ("url", url),
        ("region", region),
        ("failure_limit", limit),
    ];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let (s, page, _) = app.post_form(c, "/integrasi", "/integrasi", &fields).await;
    assert_eq!(s, StatusCode::CREATED, "{page}");
    let secret = regex_lite::Regex::new(r#"id="secret" class="secret" value="(whsec_[^"]+)""#)
        .unwrap()
        .captures(&page)
        .expect("the secret is shown")[1]
        .to_string();
    let id = regex_lite::Regex::new(r#"href="/integrasi/(\d+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .parse()
        .unwrap();
    (id, secret)
}

pub(crate) fn worker(app: &TestApp) -> Worker {
    let cfg = NotifyConfig::default();
    Worker::new(app.db.clone(), Channels::default(), &cfg)
}

/// Run one worker until nothing is due.
pub(crate) async fn drain(w: &Worker) {
    while w.deliver_webhooks().await.unwrap() > 0 {}
}

/// Make every waiting retry due now (instead of waiting for its backoff).
async fn make_due(app: &TestApp) {
    app.db
        .execute_raw("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE status = 'retry'")
        .await
        .unwrap();
}

pub(crate) fn body(g: &Got) -> Value {
    serde_json::from_str(&g.body).unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_scoped_and_sent_once_by_two_workers() {
    let (app, _) = spawn_two_areas().await;
    let (base, rx) = receiver().await;
    let jatim = app.login("kanwil.jatim").await;
    let bali = app.login("kanwil.bali").await;
    let (_, jatim_secret) = register(
        &app,
        &jatim,
        "Dasbor Jatim",
        &format!("{base}/jatim"),
        "35",
        &["report.filed", "report.status_changed"],
        "",
    )
    .await;
    let (_, bali_secret) = register(
        &app,
        &bali,
        "Dasbor Bali",
        &format!("{base}/bali"),
        "51",
        &["report.filed"],
        "",
    )
    .await;
    // The Kanwil of Bali neither sees nor opens the Jawa Timur subscription.
    let (_, list) = app.get(&bali, "/integrasi").await;
    assert!(list.contains("Dasbor Bali") && !list.contains("Dasbor Jatim"));

    let desa = app.token("desa.sitiarjo").await;
    let secret_words = "Calo bernama Pak Rahasia menjanjikan kerja di Malaysia";
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(file_report(&app, &desa, simple_report(SITIARJO, secret_words)).await);
    }
    let serangan = app.token("desa.serangan").await;
    let bali_report = file_report(
        &app,
        &serangan,
        simple_report(SERANGAN, "Laporan di Denpasar"),
    )
    .await;

    // Two workers at once, each in rounds until nothing is left.
    let (a, b) = (worker(&app), worker(&app));
    assert_ne!(a.name, b.name);
    let (ra, rb) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..20 {
                n += a.deliver_webhooks().await.unwrap();
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..20 {
                n += b.deliver_webhooks().await.unwrap();
            }
            n
        }
    );
    assert_eq!(ra + rb, 6, "six deliveries claimed in all");

    let got = rx.on("jatim");
    assert_eq!(got.len(), 5, "each Jawa Timur report once: {got:?}");
    let mut seen_ids: Vec<String> = got.iter().map(|g| g.id.clone()).collect();
    seen_ids.sort();
    seen_ids.dedup();
    assert_eq!(seen_ids.len(), 5, "one delivery id per event");
    let now = benteng_db::now();
    let mut report_ids = Vec::new();
    for g in &got {
        assert_eq!(valid_signatures(&jatim_secret, g), 1, "signed: {g:?}");
        assert_eq!(valid_signatures(&bali_secret, g), 0);
        assert!((now - g.timestamp).abs() < 300, "a fresh timestamp");
        let v = body(g);
        assert_eq!(v["id"], g.id.as_str());
        assert_eq!(v["event"], "report.filed");
        assert_eq!(v["region"]["code"], SITIARJO);
        report_ids.push(v["data"]["report"]["id"].as_i64().unwrap());
        // Thin payload: nothing the reporter wrote.
        assert!(!g.body.contains("Rahasia") && !g.body.contains("Malaysia"));
    }
    report_ids.sort();
    assert_eq!(report_ids, ids);
    // A body altered on the way no longer verifies.
    let mut forged = got[0].clone();
    forged.body = forged.body.replace("report.filed", "report.filed ");
    assert_eq!(valid_signatures(&jatim_secret, &forged), 0);

    let got = rx.on("bali");
    assert_eq!(got.len(), 1, "Bali hears of its own report only");
    assert_eq!(body(&got[0])["data"]["report"]["id"], bali_report);
    assert_eq!(valid_signatures(&bali_secret, &got[0]), 1);

    // A status change is one more event for Jawa Timur, none for Bali.
    let officer = app.token("pimpasa.malang").await;
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{}/status", ids[0]),
            Some(serde_json::json!({"status": "ditinjau", "note": "Dicek ke desa"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    drain(&a).await;
    let got = rx.on("jatim");
    assert_eq!(got.len(), 6);
    let v = body(&got[5]);
    assert_eq!(v["event"], "report.status_changed");
    assert_eq!(v["data"]["report"]["id"], ids[0]);
    assert_eq!(v["data"]["report"]["to"], "ditinjau");
    assert_eq!(rx.on("bali").len(), 1);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_then_paused_and_resumed_without_loss() {
    let app = spawn().await;
    let (base, rx) = receiver().await;
    rx.failing.lock().unwrap().insert("flaky".into(), 1);
    rx.down.store(1, Ordering::SeqCst);
    let admin = app.login("admin.demo").await;
    let (_flaky, _) = register(
        &app,
        &admin,
        "Hotline",
        &format!("{base}/flaky"),
        "",
        &["report.filed"],
        "",
    )
    .await;
    let (down, _) = register(
        &app,
        &admin,
        "Sistem mati",
        &format!("{base}/down"),
        "35.07",
        &["report.filed"],
        "3",
    )
    .await;
    let desa = app.token("desa.sitiarjo").await;
    let w = worker(&app);
    file_report(&app, &desa, simple_report(SITIARJO, "Laporan pertama")).await;
    drain(&w).await;
    // The first attempt to the flaky receiver got 503: it waits for its retry.
    assert_eq!(rx.on("flaky").len(), 1);
    drain(&w).await;
    assert_eq!(rx.on("flaky").len(), 1, "not retried before its time");
    make_due(&app).await;
    drain(&w).await;
    let flaky = rx.on("flaky");
    assert_eq!(flaky.len(), 2, "retried once after the 503, then delivered");
    assert_eq!(
        flaky[0].id, flaky[1].id,
        "the same delivery id on every attempt"
    );
    assert_eq!(flaky[0].body, flaky[1].body);

    // The down receiver fails three times in a row: paused, administrators told.
    for _ in 0..3 {
        make_due(&app).await;
        drain(&w).await;
    }
    assert_eq!(rx.on("down").len(), 3);
    let (s, page) = app.get(&admin, &format!("/integrasi/{down}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Dijeda karena gagal"), "{page}");
    assert!(page.contains("HTTP 503") || page.contains("Akan dicoba lagi"));
    let t = app.token("admin.demo").await;
    let (_, n) = app
        .api(&t, Method::GET, "/api/v1/notifications", None)
        .await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "webhook_paused" && x["link"] == format!("/integrasi/{down}")),
        "{n}"
    );

    // While paused, new events are kept but not sent.
    file_report(&app, &desa, simple_report(SITIARJO, "Laporan kedua")).await;
    make_due(&app).await;
    drain(&w).await;
    assert_eq!(rx.on("down").len(), 3, "nothing sent while paused");
    assert_eq!(rx.on("flaky").len(), 3, "the other subscription goes on");

    // The receiver is fixed and the subscription resumed: both waiting deliveries arrive.
    rx.down.store(0, Ordering::SeqCst);
    let (s, _, _) = app
        .post_form(
            &admin,
            &format!("/integrasi/{down}"),
            &format!("/integrasi/{down}/lanjut"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    make_due(&app).await;
    drain(&w).await;
    let down_got = rx.on("down");
    let mut ids: Vec<&str> = down_got.iter().map(|g| g.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2,
        "both events reached the resumed receiver: {down_got:?}"
    );
    let (_, page) = app.get(&admin, &format!("/integrasi/{down}")).await;
    assert!(page.contains(">Aktif<"), "{page}");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one_for_a_day() {
    let app = spawn().await;
    let (base, rx) = receiver().await;
    let kanwil = app.login("kanwil.jatim").await;
    let (id, old) = register(
        &app,
        &kanwil,
        "Dasbor",
        &format!("{base}/dasbor"),
        "35.07",
        &["report.filed"],
        "",
    )
    .await;
    let (s, page, _) = app
        .post_form(
            &kanwil,
            &format!("/integrasi/{id}"),
            &format!("/integrasi/{id}/rahasia"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let new = regex_lite::Regex::new(r#"value="(whsec_[^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    assert_ne!(new, old);
    let desa = app.token("desa.sitiarjo").await;
    file_report(&app, &desa, simple_report(SITIARJO, "Laporan")).await;
    drain(&worker(&app)).await;
    let got = rx.on("dasbor");
    assert_eq!(got.len(), 1);
    assert_eq!(valid_signatures(&new, &got[0]), 1);
    assert_eq!(
        valid_signatures(&old, &got[0]),
        1,
        "the old key still verifies"
    );
    // After the grace period only the new key signs.
    app.db
        .execute_raw("UPDATE webhooks SET previous_until = 1")
        .await
        .unwrap();
    file_report(&app, &desa, simple_report(SITIARJO, "Laporan lagi")).await;
    drain(&worker(&app)).await;
    let got = rx.on("dasbor");
    assert_eq!(got.len(), 2);
    assert_eq!(valid_signatures(&new, &got[1]), 1);
    assert_eq!(valid_signatures(&old, &got[1]), 0);
    assert!(!got[1].signature.contains(' '), "one signature only");
}

#[tokio::test]
async fn only_administrators_and_the_kanwil_manage_webhooks_in_their_own_province() {
    let (app, _) = spawn_two_areas().await;
    for user in [
        "pimpasa.malang",
        "desa.sitiarjo",
        "disnaker.malang",
        "pemeriksa.malang",
    ] {
        let c = app.login(user).await;
        let (s, _) = app.get(&c, "/integrasi").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} opens the list");
        let (_, home) = app.get(&c, "/").await;
        assert!(
            !home.contains("href=\"/integrasi\""),
            "{user} sees no menu item"
        );
        let (s, _, _) = app
            .post_form(
                &c,
                "/",
                "/integrasi",
                &[
                    ("name", "x"),
                    ("url", "https://x.go.id/h"),
                    ("region", "35"),
                    ("events", "report.filed"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} registers");
    }
    let jatim = app.login("kanwil.jatim").await;
    // Outside its province, or the whole country: refused.
    let (s, _, _) = app
        .post_form(
            &jatim,
            "/integrasi",
            "/integrasi",
            &[
                ("name", "x"),
                ("url", "https://x.go.id/h"),
                ("region", "51"),
                ("events", "report.filed"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page, _) = app
        .post_form(
            &jatim,
            "/integrasi",
            "/integrasi",
            &[
                ("name", "x"),
                ("url", "http://10.1.2.3/h"),
                ("region", ""),
                ("failure_limit", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Alamat harus https://",
        "Pilih paling sedikit satu peristiwa.",
        "Batas gagal harus angka 3 sampai 100.",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    let (s, page, _) = app
        .post_form(
            &jatim,
            "/integrasi",
            "/integrasi",
            &[
                ("name", "x"),
                ("url", "https://x.go.id/h"),
                ("region", ""),
                ("events", "report.filed"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pilih provinsi atau kabupaten/kota di wilayah Anda."));
    let (id, _) = register(
        &app,
        &jatim,
        "Sistem Jatim",
        "https://x.go.id/h",
        "35.07",
        &["alert.sent"],
        "",
    )
    .await;
    // The Kanwil of Bali cannot open, pause, rotate or delete it.
    let bali = app.login("kanwil.bali").await;
    let (s, _) = app.get(&bali, &format!("/integrasi/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for action in ["jeda", "rahasia", "hapus", "uji"] {
        let (s, _, _) = app
            .post_form(
                &bali,
                "/integrasi",
                &format!("/integrasi/{id}/{action}"),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{action}");
    }
    // The administrator sees it with its region's name; the log says who did what.
    let admin = app.login("admin.demo").await;
    let (s, list) = app.get(&admin, "/integrasi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list.contains("Sistem Jatim") && list.contains("Kabupaten Malang"),
        "{list}"
    );
    let (s, _, _) = app
        .post_form(&jatim, "/integrasi", &format!("/integrasi/{id}/hapus"), &[])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = app.get(&jatim, &format!("/integrasi/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "deleted");
}
