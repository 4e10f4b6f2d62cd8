//! Alerts, preferences and delivery beyond the app: an alert reaches every room of its area and
//! each member once, by the channels they chose; the worker delivers SMS and WhatsApp through
//! local HTTP servers that stand in for the providers (the real adapters, real HTTP), exactly
//! once, retrying a temporary failure; the daily digest is made once; the WhatsApp webhook
//! refuses a wrong signature and a malformed body, ignores a replay, and its messages are
//! answered inside the 24-hour window and turned into reports.

use crate::harness::*;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use benteng_app::jobs::{Channels, NotifyConfig, Worker};
use benteng_web::WebConfig;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A stand-in provider on 127.0.0.1: records every JSON request; an SMS to a number ending in
/// 999 gets 503 (a gateway outage), everything else the documented success answer.
async fn provider() -> (String, Seen) {
    async fn sms(State(seen): State<Seen>, Json(v): Json<Value>) -> (StatusCode, Json<Value>) {
        let down = v["to"].as_str().unwrap_or("").ends_with("999");
        seen.lock().unwrap().push(("sms".into(), v));
        if down {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"error": "busy"})),
            )
        } else {
            (StatusCode::OK, Json(json!({"id": "sms-1"})))
        }
    }
    async fn wa(State(seen): State<Seen>, Json(v): Json<Value>) -> Json<Value> {
        let to = v["to"].as_str().unwrap_or("").to_string();
        seen.lock().unwrap().push(("wa".into(), v));
        Json(
            json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": "wamid.KELUAR1"}]}),
        )
    }
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/sms", post(sms))
        .route("/v23.0/106540352242922/messages", post(wa))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

const SECRET: &str = "rahasia-aplikasi-uji";

fn notify_config(base: &str, office: Option<i64>) -> NotifyConfig {
    NotifyConfig {
        public_url: "https://benteng.example".into(),
        sms: Some(
            serde_json::from_value(json!({"url": format!("{base}/sms"), "token": "t-sms"}))
                .unwrap(),
        ),
        whatsapp: Some(
            serde_json::from_value(json!({
                "api_base": format!("{base}/v23.0"), "phone_number_id": "106540352242922",
                "access_token": "t-wa", "app_secret": SECRET, "verify_token": "verif-uji"
            }))
            .unwrap(),
        ),
        whatsapp_office_id: office,
        ..NotifyConfig::default()
    }
}

fn sign(body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn inbound(wamid: &str, from: &str, name: &str, ts: i64, text: &str) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": name}, "wa_id": from}],
        "messages": [{"from": from, "id": wamid, "timestamp": ts.to_string(), "type": "text", "text": {"body": text}}]},
        "field": "messages"}]}]})
    .to_string()
}

async fn webhook(app: &TestApp, body: &str, signature: Option<String>) -> StatusCode {
    let mut r = client()
        .post(app.url("/api/v1/webhooks/whatsapp"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(s) = signature {
        r = r.header("x-hub-signature-256", s);
    }
    r.send().await.unwrap().status()
}

async fn setup() -> (TestApp, Seen, NotifyConfig) {
    let (base, seen) = provider().await;
    let b = base.clone();
    let app = spawn_configured(|db| async move {
        let office = db.offices().office_id_by_name(MALANG).await.unwrap();
        WebConfig {
            notify: notify_config(&b, office),
            login_attempts_per_minute: 1000,
            ..WebConfig::default()
        }
    })
    .await;
    let office = app.db.offices().office_id_by_name(MALANG).await.unwrap();
    (app, seen, notify_config(&base, office))
}

async fn notices(app: &TestApp, user: &str, kind: &str) -> usize {
    let t = app.token(user).await;
    let (_, n) = app
        .api(&t, Method::GET, "/api/v1/notifications", None)
        .await;
    n["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == kind)
        .count()
}

#[tokio::test]
async fn alerts_reach_their_area_once_per_member_and_go_out_by_sms_exactly_once() {
    let (app, seen, cfg) = setup().await;
    let worker = Worker::new(app.db.clone(), Channels::from_config(&cfg).unwrap(), &cfg);

    // Preferences: SMS is offered (configured), e-mail is not; SMS needs a phone.
    let desa = app.login("desa.sitiarjo").await;
    let (s, html) = app.get(&desa, "/akun/notifikasi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("value=\"alert:sms\""));
    assert!(
        !html.contains("value=\"alert:email\""),
        "e-mail is not configured"
    );
    let (s, html, _) = app
        .post_form(
            &desa,
            "/akun/notifikasi",
            "/akun/notifikasi",
            &[("on", "alert:sms"), ("phone", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Isi nomor ponsel"), "{html}");
    let (s, _, _) = app
        .post_form(
            &desa,
            "/akun/notifikasi",
            "/akun/notifikasi",
            &[
                ("on", "alert:inapp"),
                ("on", "alert:sms"),
                ("on", "mention:inapp"),
                ("on", "digest:sms"),
                ("phone", "0812-3456-7001"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let t = app.token("desa.sitiarjo").await;
    let (_, p) = app
        .api(&t, Method::GET, "/api/v1/me/notification-preferences", None)
        .await;
    assert_eq!(p["phone"], "+6281234567001");
    // Kalipare's phone hits the stand-in gateway's outage.
    let tk = app.token("desa.kalipare").await;
    let (s, _) = app
        .api(
            &tk,
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(json!({"phone": "081234567999", "on": ["alert:inapp", "alert:sms"]})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // An alert for kecamatan Sumbermanjing Wetan: its four desa binaan rooms, the Malang
    // office's room and the province's room; not Kalipare.
    let officer = app.login("pimpasa.malang").await;
    let (s, _, loc) = app
        .post_form(
            &officer,
            "/waspada",
            "/waspada",
            &[
                ("severity", "siaga"),
                ("area_code", "35.07.04"),
                ("title", "Calo PT Maju Jaya di Sumbermanjing Wetan"),
                (
                    "body",
                    "Menawarkan kerja di kebun sawit Malaysia tanpa biaya, berangkat lewat Batam.",
                ),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/waspada"));
    let to = app.token("pimpasa.malang").await;
    let (_, alerts) = app.api(&to, Method::GET, "/api/v1/alerts", None).await;
    assert_eq!(alerts["items"][0]["rooms_reached"], 6, "{alerts}");
    let (_, html) = app.get(&desa, "/waspada").await;
    assert!(
        html.contains("Calo PT Maju Jaya"),
        "the village sees its area's alert"
    );
    assert_eq!(notices(&app, "desa.sitiarjo", "alert").await, 1);
    assert_eq!(
        notices(&app, "kanwil.jatim", "alert").await,
        1,
        "province room"
    );
    assert_eq!(
        notices(&app, "pimpasa2.malang", "alert").await,
        1,
        "many rooms, told once"
    );
    assert_eq!(
        notices(&app, "desa.kalipare", "alert").await,
        0,
        "another kecamatan"
    );
    let kalipare = app.login("desa.kalipare").await;
    assert!(!app
        .get(&kalipare, "/waspada")
        .await
        .1
        .contains("Calo PT Maju Jaya"));

    // The worker sends the one SMS, once.
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    assert_eq!(worker.deliver_due().await.unwrap(), 0);
    {
        let seen = seen.lock().unwrap();
        let sms: Vec<&Value> = seen
            .iter()
            .filter(|(k, _)| k == "sms")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(sms.len(), 1, "{sms:?}");
        assert_eq!(sms[0]["to"], "+6281234567001");
        let text = sms[0]["text"].as_str().unwrap();
        assert!(text.contains("Siaga"), "{text}");
        assert!(text.contains("https://benteng.example/ruang/"), "{text}");
    }

    // An alert for Kalipare: the gateway is down for that number, so the row waits to retry.
    let (s, _) = app
        .api(&to, Method::POST, "/api/v1/alerts",
            Some(json!({"severity": "waspada", "area_code": "35.07.11", "title": "Iklan lowongan palsu", "body": "Beredar di grup Facebook."})))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    let counts = app.db.delivery().delivery_counts().await.unwrap();
    assert!(counts.contains(&("retry".to_string(), 1)), "{counts:?}");
    assert!(counts.contains(&("sent".to_string(), 1)), "{counts:?}");

    // The daily digest: made once, sent by SMS.
    assert_eq!(worker.make_digests_for("2026-12-02").await.unwrap(), 1);
    assert_eq!(
        worker.make_digests_for("2026-12-02").await.unwrap(),
        0,
        "once a day"
    );
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    let seen = seen.lock().unwrap();
    let last = &seen.last().unwrap().1;
    assert_eq!(last["to"], "+6281234567001");
    assert!(
        last["text"].as_str().unwrap().contains("Ringkasan Benteng"),
        "{last}"
    );
}

#[tokio::test]
async fn whatsapp_webhook_inbox_reply_status_and_report() {
    let (app, seen, cfg) = setup().await;
    let worker = Worker::new(app.db.clone(), Channels::from_config(&cfg).unwrap(), &cfg);

    // Meta's handshake.
    let r = client()
        .get(app.url("/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verif-uji&hub.challenge=1158201444"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "1158201444");
    let r = client()
        .get(app.url(
            "/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let now = benteng_db::now();
    let body = inbound(
        "wamid.MASUK1",
        "6281234567890",
        "Sheena Nelson",
        now,
        "Anak saya diajak kerja ke Malaysia oleh calo, tolong.",
    );
    // A wrong or missing signature and a malformed body are refused; nothing is stored.
    assert_eq!(
        webhook(&app, &body, Some("sha256=00".into())).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(webhook(&app, &body, None).await, StatusCode::UNAUTHORIZED);
    let tampered = body.replace("Malaysia", "Malaysya");
    assert_eq!(
        webhook(&app, &tampered, Some(sign(&body))).await,
        StatusCode::UNAUTHORIZED
    );
    let bad = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"from\":\"1\"}]}}]}]}";
    assert_eq!(
        webhook(&app, bad, Some(sign(bad))).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        webhook(&app, "bukan json", Some(sign("bukan json"))).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let officer = app.login("pimpasa.malang").await;
    let (s, html) = app.get(&officer, "/wa").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("Sheena"), "nothing stored yet");

    // The real delivery, then a replay of it: one message.
    assert_eq!(
        webhook(&app, &body, Some(sign(&body))).await,
        StatusCode::OK
    );
    assert_eq!(
        webhook(&app, &body, Some(sign(&body))).await,
        StatusCode::OK
    );
    let (s, html) = app.get(&officer, "/wa").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Sheena Nelson"), "{html}");
    assert!(html.contains("Menunggu jawaban"));
    assert!(!html.contains("6281234567890"), "the number is masked");
    let contact: i64 = regex_lite::Regex::new(r#"href="/wa/(\d+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .parse()
        .unwrap();
    let (s, html) = app.get(&officer, &format!("/wa/{contact}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        html.matches("Anak saya diajak kerja").count(),
        1,
        "stored once"
    );
    assert!(!html.contains("+6281234567890"));
    // Only the office's officers read the conversation; others are refused, page and answer.
    for user in ["desa.sitiarjo", "polres.malang", "kanwil.jatim"] {
        let c = app.login(user).await;
        assert_eq!(
            app.get(&c, &format!("/wa/{contact}")).await.0,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let (s, _, _) = app
            .post_form(&c, "/ruang", &format!("/wa/{contact}"), &[("body", "halo")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} answers");
    }
    let (_, html) = app.get(&officer, &format!("/wa/{contact}?lihat=1")).await;
    assert!(
        html.contains("+6281234567890"),
        "shown on a deliberate click"
    );
    let admin = app.token("admin.demo").await;
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?sensitive=true&entity=wa_contact",
            None,
        )
        .await;
    assert!(
        audit["items"].as_array().unwrap().len() >= 2,
        "every opened conversation is audited: {audit}"
    );
    assert!(
        !audit.to_string().contains("6281234567890"),
        "no number in the audit log"
    );

    // The officer answers inside the window; the worker sends it as free text; the status
    // webhook marks it delivered.
    let path = format!("/wa/{contact}");
    let (s, _, _) = app
        .post_form(
            &officer,
            &path,
            &path,
            &[("body", "Terima kasih, Bu. Petugas kami akan menghubungi.")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    {
        let seen = seen.lock().unwrap();
        let (_, sent) = seen
            .iter()
            .find(|(k, _)| k == "wa")
            .expect("sent to WhatsApp");
        assert_eq!(sent["to"], "6281234567890");
        assert_eq!(sent["type"], "text");
        assert_eq!(
            sent["text"]["body"],
            "Terima kasih, Bu. Petugas kami akan menghubungi."
        );
    }
    let status = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [{"id": "wamid.KELUAR1", "status": "delivered", "timestamp": now.to_string(), "recipient_id": "6281234567890"}]}}]}]})
    .to_string();
    assert_eq!(
        webhook(&app, &status, Some(sign(&status))).await,
        StatusCode::OK
    );
    let (_, html) = app.get(&officer, &path).await;
    assert!(html.contains("sampai"), "delivered status shown: {html}");

    // The resident's message becomes a report with their number as the contact.
    let mid: i64 = regex_lite::Regex::new(r#"/wa/\d+/pesan/(\d+)/laporan"#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .parse()
        .unwrap();
    let form = format!("/wa/{contact}/pesan/{mid}/laporan");
    let (s, _, loc) = app
        .post_form(
            &officer,
            &form,
            &form,
            &[
                ("category", "korban"),
                (
                    "description",
                    "Anak warga diajak kerja ke Malaysia oleh calo (dari WhatsApp).",
                ),
                ("region_code", SITIARJO),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let report = loc.unwrap();
    let (_, html) = app.get(&officer, &report).await;
    assert!(html.contains("Berasal dari pesan WhatsApp warga"), "{html}");
    let (s, _, _) = app
        .post_form(
            &officer,
            &form,
            &form,
            &[
                ("category", "korban"),
                ("description", "lagi"),
                ("region_code", SITIARJO),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Outside the 24-hour window an answer is refused with the reason.
    let old = inbound(
        "wamid.MASUK2",
        "6281298765432",
        "Warga Lama",
        now - 2 * 24 * 3600,
        "Halo",
    );
    assert_eq!(webhook(&app, &old, Some(sign(&old))).await, StatusCode::OK);
    let (_, html) = app.get(&officer, "/wa").await;
    let other: i64 = regex_lite::Regex::new(r#"href="/wa/(\d+)""#)
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].parse::<i64>().unwrap())
        .find(|id| *id != contact)
        .unwrap();
    let (s, html, _) = app
        .post_form(
            &officer,
            &format!("/wa/{contact}"),
            &format!("/wa/{other}"),
            &[("body", "Halo juga")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Jendela 24 jam"), "{html}");
}
