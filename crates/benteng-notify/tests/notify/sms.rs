//! The SMS channel against a local gateway that checks the JSON shape and the bearer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use benteng_notify::{Channel, Delivery, Message, SmsChannel, SmsConfig};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

async fn gateway_send(
    State(seen): State<Seen>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    seen.lock().unwrap().push((bearer.clone(), body.clone()));
    let keys_ok = body.as_object().is_some_and(|o| {
        o.keys()
            .all(|k| ["to", "from", "text", "reference"].contains(&k.as_str()))
            && ["to", "text", "reference"]
                .iter()
                .all(|k| o[*k].is_string())
    });
    let to_ok = body["to"].as_str().is_some_and(|t| t.starts_with("+62"));
    if !keys_ok || !to_ok {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "shape"})),
        );
    }
    match mode.as_str() {
        "send" if bearer.as_deref() == Some("Bearer sms-token") => (
            StatusCode::OK,
            Json(json!({"id": "abc", "status": "queued"})),
        ),
        "open" if bearer.is_none() => (StatusCode::ACCEPTED, Json(json!({"id": 12345}))),
        "busy" => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "overloaded"})),
        ),
        "bad" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"code": "E21", "error": "invalid number +6281234567890"})),
        ),
        _ => (StatusCode::UNAUTHORIZED, Json(json!({"error": "token"}))),
    }
}

async fn gateway() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/{mode}", post(gateway_send))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

fn channel(addr: SocketAddr, mode: &str, token: Option<&str>, sender: Option<&str>) -> SmsChannel {
    SmsChannel::new(SmsConfig {
        url: format!("http://{addr}/{mode}"),
        token: token.map(str::to_owned),
        sender: sender.map(str::to_owned),
        timeout_secs: 5,
    })
    .unwrap()
}

fn message() -> Message {
    Message {
        id: 314,
        to: "+6281234567890".into(),
        subject: "Laporan baru di Desa Sitiarjo".into(),
        body: "Isi lengkap tidak dikirim lewat SMS.".into(),
        link: Some("https://benteng.example/l/9".into()),
        free_form: false,
    }
}

#[tokio::test]
async fn sms_is_posted_with_bearer_and_returns_the_gateway_id() {
    let (addr, seen) = gateway().await;
    let d = channel(addr, "send", Some("sms-token"), Some("BENTENG"))
        .send(&message())
        .await;
    assert_eq!(
        d,
        Delivery::Sent {
            provider_id: Some("abc".into())
        }
    );
    let (bearer, body) = seen.lock().unwrap()[0].clone();
    assert_eq!(bearer.as_deref(), Some("Bearer sms-token"));
    assert_eq!(
        body,
        json!({"to": "+6281234567890", "from": "BENTENG",
            "text": "Laporan baru di Desa Sitiarjo https://benteng.example/l/9",
            "reference": "benteng-314"})
    );
}

#[tokio::test]
async fn without_token_and_sender_neither_is_sent_and_numeric_ids_are_kept() {
    let (addr, seen) = gateway().await;
    let d = channel(addr, "open", None, None).send(&message()).await;
    assert_eq!(
        d,
        Delivery::Sent {
            provider_id: Some("12345".into())
        }
    );
    let (bearer, body) = seen.lock().unwrap()[0].clone();
    assert_eq!(bearer, None);
    assert!(body.get("from").is_none(), "{body}");
}

#[tokio::test]
async fn busy_gateway_is_retried() {
    let (addr, _) = gateway().await;
    match channel(addr, "busy", Some("sms-token"), None)
        .send(&message())
        .await
    {
        Delivery::Retry(e) => assert_eq!(e, "sms HTTP 503: overloaded"),
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_sms_fails_without_the_number() {
    let (addr, _) = gateway().await;
    match channel(addr, "bad", Some("sms-token"), None)
        .send(&message())
        .await
    {
        Delivery::Failed(e) => {
            assert_eq!(e, "sms HTTP 400: E21 invalid number <redacted>");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn unreachable_gateway_is_retried() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    assert!(matches!(
        channel(addr, "send", None, None).send(&message()).await,
        Delivery::Retry(_)
    ));
}

#[test]
fn bad_gateway_url_is_a_config_error() {
    let err = SmsChannel::new(SmsConfig {
        url: "sms.example/send".into(),
        token: None,
        sender: None,
        timeout_secs: 5,
    })
    .unwrap_err();
    assert!(err.to_string().contains("sms.url"), "{err}");
}
