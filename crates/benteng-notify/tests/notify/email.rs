//! The e-mail channel against a real SMTP server on loopback.

use base64::Engine as _;
use benteng_notify::{Channel, Delivery, EmailChannel, EmailConfig, Message, Security};

use crate::smtp_server::{RcptReply, SmtpServer};

const TO: &str = "ani.lestari@desa-sitiarjo.example";
const SUBJECT: &str = "Waspada: calo di Desa Sitiarjo – segera";

fn channel(port: u16) -> EmailChannel {
    EmailChannel::new(EmailConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: None,
        password: None,
        from: "Benteng <noreply@benteng.example>".into(),
        timeout_secs: 5,
    })
    .unwrap()
}

fn message(id: i64) -> Message {
    Message {
        id,
        to: TO.into(),
        subject: SUBJECT.into(),
        body: "Ada laporan baru tentang calo yang menjanjikan kerja di Malaysia.\n\
               .Baris yang diawali titik – harus utuh."
            .into(),
        link: Some("https://benteng.example/laporan/17".into()),
        free_form: false,
    }
}

/// Header value by name, unfolded.
fn header(data: &str, name: &str) -> Option<String> {
    let head = data.split("\r\n\r\n").next().unwrap_or("");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

/// RFC 2047: decodes `=?utf-8?b?…?=` / `=?utf-8?q?…?=` words; space between two encoded words
/// is dropped.
fn decode_2047(value: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut prev_encoded = false;
    for (i, word) in value.split_whitespace().enumerate() {
        let encoded =
            word.starts_with("=?") && word.ends_with("?=") && word.matches('?').count() == 4;
        if encoded {
            let parts: Vec<&str> = word[2..word.len() - 2].split('?').collect();
            assert!(
                parts[0].eq_ignore_ascii_case("utf-8"),
                "charset {}",
                parts[0]
            );
            let bytes = if parts[1].eq_ignore_ascii_case("b") {
                base64::engine::general_purpose::STANDARD
                    .decode(parts[2])
                    .unwrap()
            } else {
                decode_qp(&parts[2].replace('_', " "))
            };
            if i > 0 && !prev_encoded {
                out.push(b' ');
            }
            out.extend(bytes);
        } else {
            if i > 0 {
                out.push(b' ');
            }
            out.extend(word.as_bytes());
        }
        prev_encoded = encoded;
    }
    String::from_utf8(out).unwrap()
}

fn decode_qp(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The decoded text of a single-part message.
fn body_text(data: &str) -> String {
    let body = data.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    let cte = header(data, "Content-Transfer-Encoding")
        .unwrap_or_else(|| "7bit".into())
        .to_ascii_lowercase();
    let bytes = match cte.as_str() {
        "quoted-printable" => decode_qp(body),
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap()
        }
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

#[tokio::test]
async fn email_is_delivered_with_headers_body_link_and_message_id() {
    let server = SmtpServer::start(RcptReply::Accept).await;
    let m = message(4242);
    let d = channel(server.addr.port()).send(&m).await;
    assert_eq!(d, Delivery::Sent { provider_id: None });

    let got = server.received();
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail.mail_from, "noreply@benteng.example");
    assert_eq!(mail.rcpt_to, vec![TO.to_owned()]);
    let data = &mail.data;
    assert!(
        header(data, "From")
            .unwrap()
            .contains("<noreply@benteng.example>"),
        "{data}"
    );
    assert!(header(data, "To").unwrap().contains(TO), "{data}");
    assert_eq!(decode_2047(&header(data, "Subject").unwrap()), SUBJECT);
    assert_eq!(
        header(data, "Message-ID").unwrap(),
        "<benteng-outbox-4242@benteng.example>"
    );
    let ct = header(data, "Content-Type").unwrap().to_ascii_lowercase();
    assert!(
        ct.starts_with("text/plain") && ct.contains("charset=utf-8"),
        "{ct}"
    );
    let text = body_text(data);
    assert_eq!(
        text.trim_end(),
        format!("{}\n\nhttps://benteng.example/laporan/17", m.body)
    );
}

#[tokio::test]
async fn email_without_link_is_just_the_body() {
    let server = SmtpServer::start(RcptReply::Accept).await;
    let m = Message {
        link: None,
        body: "Rapat koordinasi besok pukul 09.00.".into(),
        ..message(7)
    };
    assert!(matches!(
        channel(server.addr.port()).send(&m).await,
        Delivery::Sent { .. }
    ));
    let got = server.received();
    assert_eq!(body_text(&got[0].data).trim_end(), m.body);
}

#[tokio::test]
async fn smtp_451_is_retried_without_leaking_the_address() {
    let server = SmtpServer::start(RcptReply::TempFail).await;
    match channel(server.addr.port()).send(&message(1)).await {
        Delivery::Retry(e) => {
            assert_eq!(
                e,
                "smtp 451: 4.3.0 <address> Temporary lookup failure, try later"
            );
        }
        other => panic!("expected Retry, got {other:?}"),
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn smtp_550_fails_without_leaking_the_address() {
    let server = SmtpServer::start(RcptReply::Reject).await;
    match channel(server.addr.port()).send(&message(2)).await {
        Delivery::Failed(e) => {
            assert_eq!(
                e,
                "smtp 550: 5.1.1 <address> Recipient address rejected: User unknown"
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_connection_is_retried() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    match channel(port).send(&message(3)).await {
        Delivery::Retry(e) => {
            assert!(
                e.starts_with("smtp connection error") && e.contains("refused"),
                "{e}"
            );
            assert!(!e.contains(TO), "{e}");
        }
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[tokio::test]
async fn unparseable_recipient_fails_before_connecting() {
    let server = SmtpServer::start(RcptReply::Accept).await;
    let m = Message {
        to: "bukan alamat".into(),
        ..message(4)
    };
    match channel(server.addr.port()).send(&m).await {
        Delivery::Failed(e) => assert!(!e.contains("bukan alamat"), "{e}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(server.received().is_empty());
}
