//! WhatsApp webhook: signature, handshake and parsing of Meta's documented payloads.

use benteng_notify::{
    handshake, parse_webhook, verify_signature, Inbound, StatusUpdate, Webhook, WebhookError,
};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;

const SECRET: &str = "app-secret-123";

/// Meta's example from the messages webhook reference.
const OFFICIAL_TEXT: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
  "messaging_product":"whatsapp",
  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
  "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383",
               "type":"text","text":{"body":"Does it come in another color?"}}]},
  "field":"messages"}]}]}"#;

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn envelope(value: serde_json::Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]})
    .to_string()
    .into_bytes()
}

#[test]
fn official_text_example_is_one_inbound_message() {
    let hook = parse_webhook(OFFICIAL_TEXT.as_bytes()).unwrap();
    assert_eq!(
        hook,
        Webhook {
            inbound: vec![Inbound {
                wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=".into(),
                from: "16505551234".into(),
                phone_number_id: "106540352242922".into(),
                profile_name: Some("Sheena Nelson".into()),
                timestamp: 1749416383,
                kind: "text".into(),
                text: Some("Does it come in another color?".into()),
                context_id: None,
            }],
            statuses: vec![],
        }
    );
}

#[test]
fn image_caption_reply_context_and_interactive_title_are_read() {
    let raw = envelope(json!({
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Siti"}, "wa_id": "6281234567890"},
                 {"profile": {"name": "Budi"}, "wa_id": "6289876543210"}],
    "messages": [
        {"from": "6281234567890", "id": "wamid.IMG1", "timestamp": "1749416400", "type": "image",
         "context": {"from": "6281100000000", "id": "wamid.OURS1"},
         "image": {"id": "1479537139650973", "mime_type": "image/jpeg",
                   "sha256": "SGVsbG8=", "caption": "Foto mobil calo di depan balai desa"}},
        {"from": "6289876543210", "id": "wamid.BTN1", "timestamp": "1749416401", "type": "interactive",
         "interactive": {"type": "button_reply", "button_reply": {"id": "ya", "title": "Ya, benar"}}},
        {"from": "6289876543210", "id": "wamid.AUD1", "timestamp": "1749416402", "type": "audio",
         "audio": {"id": "99", "mime_type": "audio/ogg", "sha256": "x", "voice": true}}
    ]}));
    let hook = parse_webhook(&raw).unwrap();
    let [img, btn, audio] = hook.inbound.as_slice() else {
        panic!("{hook:?}")
    };
    assert_eq!(img.kind, "image");
    assert_eq!(
        img.text.as_deref(),
        Some("Foto mobil calo di depan balai desa")
    );
    assert_eq!(img.context_id.as_deref(), Some("wamid.OURS1"));
    assert_eq!(img.profile_name.as_deref(), Some("Siti"));
    assert_eq!(
        (btn.kind.as_str(), btn.text.as_deref()),
        ("interactive", Some("Ya, benar"))
    );
    assert_eq!(btn.profile_name.as_deref(), Some("Budi"));
    assert_eq!(
        (audio.kind.as_str(), audio.text.as_deref()),
        ("audio", None)
    );
}

#[test]
fn statuses_including_a_failure_are_read() {
    let raw = envelope(json!({
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "106540352242922"},
    "statuses": [
        {"id": "wamid.A", "status": "sent", "timestamp": "1749416500", "recipient_id": "6281234567890",
         "conversation": {"id": "c1", "origin": {"type": "utility"}},
         "pricing": {"billable": true, "pricing_model": "PMP", "category": "utility"}},
        {"id": "wamid.A", "status": "delivered", "timestamp": "1749416501", "recipient_id": "6281234567890"},
        {"id": "wamid.A", "status": "read", "timestamp": "1749416502", "recipient_id": "6281234567890"},
        {"id": "wamid.B", "status": "failed", "timestamp": "1749416503", "recipient_id": "6289876543210",
         "errors": [{"code": 131047, "title": "Re-engagement message",
                     "message": "Re-engagement message",
                     "error_data": {"details": "Message failed to send because more than 24 hours have passed"},
                     "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}
    ]}));
    let hook = parse_webhook(&raw).unwrap();
    assert!(hook.inbound.is_empty());
    let kinds: Vec<&str> = hook.statuses.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(kinds, ["sent", "delivered", "read", "failed"]);
    assert_eq!(
        hook.statuses[3],
        StatusUpdate {
            wamid: "wamid.B".into(),
            status: "failed".into(),
            timestamp: 1749416503,
            recipient: Some("6289876543210".into()),
            error: Some("131047 Re-engagement message".into()),
        }
    );
    assert_eq!(hook.statuses[0].error, None);
}

#[test]
fn signatures_are_checked_on_the_raw_body() {
    let body = OFFICIAL_TEXT.as_bytes();
    let good = sign(SECRET, body);
    assert!(verify_signature(SECRET, Some(&good), body));
    assert!(!verify_signature("another-secret", Some(&good), body));
    let mut tampered = body.to_vec();
    tampered[100] ^= 1;
    assert!(!verify_signature(SECRET, Some(&good), &tampered));
    assert!(!verify_signature(SECRET, None, body));
    let sha1 = good.replacen("sha256=", "sha1=", 1);
    assert!(!verify_signature(SECRET, Some(&sha1), body));
    assert!(!verify_signature(SECRET, Some("sha256=zz-not-hex"), body));
    assert!(!verify_signature(SECRET, Some("sha256="), body));
    assert!(
        !verify_signature("", Some(&sign("", body)), body),
        "empty secret refuses all"
    );
}

#[test]
fn handshake_echoes_the_challenge_only_for_the_right_token() {
    let ok = handshake(
        Some("subscribe"),
        Some("rahasia"),
        Some("1158201444"),
        "rahasia",
    );
    assert_eq!(ok.as_deref(), Some("1158201444"));
    assert_eq!(
        handshake(Some("subscribe"), Some("salah"), Some("1"), "rahasia"),
        None
    );
    assert_eq!(
        handshake(Some("subscribe"), Some("rahasi"), Some("1"), "rahasia"),
        None
    );
    assert_eq!(
        handshake(Some("unsubscribe"), Some("rahasia"), Some("1"), "rahasia"),
        None
    );
    assert_eq!(handshake(None, Some("rahasia"), Some("1"), "rahasia"), None);
    assert_eq!(
        handshake(Some("subscribe"), None, Some("1"), "rahasia"),
        None
    );
    assert_eq!(
        handshake(Some("subscribe"), Some("rahasia"), None, "rahasia"),
        None
    );
    assert_eq!(handshake(Some("subscribe"), Some(""), Some("1"), ""), None);
    let script = handshake(
        Some("subscribe"),
        Some("rahasia"),
        Some("<script>"),
        "rahasia",
    );
    assert_eq!(script, None);
}

#[test]
fn malformed_bodies_are_refused() {
    assert_eq!(parse_webhook(b"not json"), Err(WebhookError::NotJson));
    assert_eq!(parse_webhook(b"[1,2]"), Err(WebhookError::NotJson));
    assert_eq!(
        parse_webhook(br#"{"object":"page","entry":[]}"#),
        Err(WebhookError::WrongObject)
    );
    let no_id = envelope(json!({"metadata": {"phone_number_id": "1"},
        "messages": [{"from": "6281234567890", "timestamp": "1", "type": "text", "text": {"body": "x"}}]}));
    assert_eq!(
        parse_webhook(&no_id),
        Err(WebhookError::MissingField("messages[].id"))
    );
    let no_from = envelope(json!({"metadata": {"phone_number_id": "1"},
        "messages": [{"id": "wamid.X", "timestamp": "1", "type": "text"}]}));
    assert_eq!(
        parse_webhook(&no_from),
        Err(WebhookError::MissingField("messages[].from"))
    );
    let bad_ts = envelope(json!({"metadata": {"phone_number_id": "1"},
        "messages": [{"id": "wamid.X", "from": "62812", "timestamp": "kemarin", "type": "text"}]}));
    assert_eq!(parse_webhook(&bad_ts), Err(WebhookError::BadTimestamp));
    // The text of an error is fit for a 400 answer.
    assert_eq!(
        WebhookError::MissingField("messages[].id").to_string(),
        "missing or malformed field: messages[].id"
    );
}

#[test]
fn other_fields_are_ignored() {
    let raw = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "account_update", "value": {"phone_number": "15550783881", "event": "VERIFIED_ACCOUNT"}}]}]});
    let hook = parse_webhook(raw.to_string().as_bytes()).unwrap();
    assert_eq!(hook, Webhook::default());
}
