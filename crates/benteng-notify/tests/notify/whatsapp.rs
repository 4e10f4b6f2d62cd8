//! The WhatsApp channel against a local server that checks each request against the Cloud
//! API's documented shape and answers as Meta documents.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use benteng_notify::{Channel, Delivery, Message, WhatsAppChannel, WhatsAppConfig};
use serde_json::{json, Value};

const PHONE_ID: &str = "106540352242922";
const TOKEN: &str = "EAAGtest-token";
const TO: &str = "+6281234567890";

type Seen = Arc<Mutex<Vec<Value>>>;

/// Why a request does not match the documented shape, or `None`.
fn shape_error(headers: &HeaderMap, body: &Value) -> Option<String> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    if header("authorization") != format!("Bearer {TOKEN}") {
        return Some("bearer".into());
    }
    if !header("content-type").starts_with("application/json") {
        return Some("content-type".into());
    }
    let s = |p: &str| body.pointer(p).and_then(Value::as_str);
    if s("/messaging_product") != Some("whatsapp") || s("/recipient_type") != Some("individual") {
        return Some("messaging_product/recipient_type".into());
    }
    let to = s("/to").unwrap_or("");
    if to.is_empty() || !to.bytes().all(|b| b.is_ascii_digit()) {
        return Some("to must be digits without +".into());
    }
    match s("/type") {
        Some("text") => {
            let ok = body
                .pointer("/text/preview_url")
                .is_some_and(Value::is_boolean)
                && s("/text/body").is_some_and(|b| !b.is_empty());
            (!ok).then(|| "text".into())
        }
        Some("template") => {
            let params = body
                .pointer("/template/components/0/parameters")
                .and_then(Value::as_array);
            let ok = s("/template/name").is_some_and(|n| !n.is_empty())
                && s("/template/language/code").is_some_and(|c| !c.is_empty())
                && s("/template/components/0/type") == Some("body")
                && params.is_some_and(|ps| {
                    ps.iter().all(|p| {
                        p["type"] == "text" && p["text"].as_str().is_some_and(|t| !t.is_empty())
                    })
                });
            (!ok).then(|| "template".into())
        }
        _ => Some("type".into()),
    }
}

async fn messages(
    State(seen): State<Seen>,
    Path((version, phone_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    seen.lock().unwrap().push(body.clone());
    let meta_error = |status: StatusCode, code: i64, message: &str| {
        let error = json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "AbCdEf"}});
        (status, Json(error))
    };
    match phone_id.as_str() {
        "answer500" => return meta_error(StatusCode::INTERNAL_SERVER_ERROR, 1, "Unknown error"),
        "answer429" => {
            return meta_error(
                StatusCode::TOO_MANY_REQUESTS,
                130429,
                "(#130429) Rate limit hit",
            )
        }
        "answer400" => {
            return meta_error(
                StatusCode::BAD_REQUEST,
                131030,
                "(#131030) Recipient phone number not in allowed list",
            )
        }
        _ => {}
    }
    if version != "v23.0" || phone_id != PHONE_ID {
        return meta_error(StatusCode::NOT_FOUND, 803, "path");
    }
    if let Some(why) = shape_error(&headers, &body) {
        return meta_error(StatusCode::BAD_REQUEST, 100, &format!("(#100) {why}"));
    }
    let to = body["to"].clone();
    let n = seen.lock().unwrap().len();
    (
        StatusCode::OK,
        Json(json!({"messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": format!("wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ{n}")}]})),
    )
}

async fn meta() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/{version}/{phone_id}/messages", post(messages))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

fn channel(addr: SocketAddr, phone_id: &str) -> WhatsAppChannel {
    let cfg: WhatsAppConfig = serde_json::from_value(json!({
        "api_base": format!("http://{addr}/v23.0/"),
        "phone_number_id": phone_id,
        "access_token": TOKEN,
        "timeout_secs": 5,
    }))
    .unwrap();
    WhatsAppChannel::new(cfg).unwrap()
}

fn message(free_form: bool, link: Option<&str>) -> Message {
    Message {
        id: 99,
        to: TO.into(),
        subject: "Laporan baru di Desa Sitiarjo".into(),
        body: "Terima kasih, laporan Anda sudah kami terima.".into(),
        link: link.map(str::to_owned),
        free_form,
    }
}

fn assert_sent(d: &Delivery) {
    match d {
        Delivery::Sent {
            provider_id: Some(id),
        } => assert!(id.starts_with("wamid."), "{id}"),
        other => panic!("expected Sent with a wamid, got {other:?}"),
    }
}

#[tokio::test]
async fn free_form_reply_is_a_text_message() {
    let (addr, seen) = meta().await;
    let d = channel(addr, PHONE_ID)
        .send(&message(true, Some("https://benteng.example/l/5")))
        .await;
    assert_sent(&d);
    assert_eq!(
        seen.lock().unwrap()[0],
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "6281234567890", "type": "text",
            "text": {"preview_url": false,
                "body": "Terima kasih, laporan Anda sudah kami terima.\n\nhttps://benteng.example/l/5"}})
    );
}

#[tokio::test]
async fn notice_is_the_approved_template_with_subject_and_link() {
    let (addr, seen) = meta().await;
    let wa = channel(addr, PHONE_ID);
    assert_sent(
        &wa.send(&message(false, Some("https://benteng.example/l/5")))
            .await,
    );
    assert_sent(&wa.send(&message(false, None)).await);
    let template = |link: &str| {
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "6281234567890", "type": "template",
            "template": {"name": "benteng_pemberitahuan", "language": {"code": "id"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": "Laporan baru di Desa Sitiarjo"},
                    {"type": "text", "text": link}]}]}})
    };
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![template("https://benteng.example/l/5"), template("-")]
    );
}

#[tokio::test]
async fn server_errors_and_throttling_are_retried() {
    let (addr, _) = meta().await;
    for (phone, status) in [("answer500", "500"), ("answer429", "429")] {
        match channel(addr, phone).send(&message(false, None)).await {
            Delivery::Retry(e) => assert!(e.contains(status), "{e}"),
            other => panic!("expected Retry for {phone}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn refusal_fails_with_meta_code_and_no_recipient() {
    let (addr, _) = meta().await;
    match channel(addr, "answer400").send(&message(true, None)).await {
        Delivery::Failed(e) => {
            assert_eq!(
                e,
                "whatsapp HTTP 400, error 131030: (#131030) Recipient phone number not in allowed list"
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn unreachable_api_is_retried() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    match channel(addr, PHONE_ID).send(&message(true, None)).await {
        Delivery::Retry(e) => {
            assert!(
                e.starts_with("whatsapp: network error") && e.contains("refused"),
                "{e}"
            );
            assert!(!e.contains("6281234567890"), "{e}");
        }
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[tokio::test]
async fn a_recipient_that_is_not_a_phone_number_fails_without_a_request() {
    let (addr, seen) = meta().await;
    let m = Message {
        to: "ani@desa.example".into(),
        ..message(true, None)
    };
    assert!(matches!(
        channel(addr, PHONE_ID).send(&m).await,
        Delivery::Failed(_)
    ));
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn https_api_base_builds_without_a_process_wide_tls_provider() {
    // The default base is https; building must not need rustls' global provider.
    let cfg: WhatsAppConfig = serde_json::from_value(json!({
        "phone_number_id": PHONE_ID, "access_token": TOKEN}))
    .unwrap();
    assert!(WhatsAppChannel::new(cfg).is_ok());
}
