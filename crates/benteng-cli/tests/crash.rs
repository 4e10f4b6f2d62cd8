//! "Nothing acknowledged is lost": a report whose tracking code was handed to the resident is
//! in the database, with its photo, even when the server process is killed (SIGKILL, no
//! shutdown) right after. Runs the real `benteng` binary on a SQLite file in a temporary
//! directory, or on a fresh PostgreSQL database with `BENTENG_TEST_DATABASE_URL`.
//!
//! Killing the process cannot show a setting that loses commits on power loss (SQLite's
//! `synchronous`, PostgreSQL's `synchronous_commit`): the web tests' `durability` module reads
//! those settings themselves (docs/security.md, "Durability").

mod common;

use common::TestDb;
use reqwest::multipart::{Form, Part};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

/// A valid 4×4 PNG.
const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0,
    0, 0, 38, 147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 32, 0, 71, 12, 196,
    113, 0, 132, 195, 14, 129, 161, 4, 197, 228, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

const WITNESS: &str = "saksi.crash";
const WITNESS_PASSWORD: &str = "Saksi-Crash-Test-2026!";

fn start(t: &TestDb) -> (Child, String) {
    let mut child = t
        .command()
        .args(["serve", "--bind", "127.0.0.1:0"])
        // The admin made from the command line reads the reports back through the API; this
        // test is about durability, not the second factor its role needs by default.
        .env("BENTENG_TOTP_REQUIRED_ROLES", "[]")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start benteng");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let addr = rest.split('/').next().unwrap_or("").to_string();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(240))
        .expect("the server prints its address");
    (child, format!("http://{addr}"))
}

/// An admin account made from the command line, to look at the report after the restart.
fn add_witness(t: &TestDb) {
    let out = t
        .command()
        .args(["user", "add", "--username", WITNESS, "--role", "admin"])
        .env("BENTENG_NEW_PASSWORD", WITNESS_PASSWORD)
        .output()
        .expect("run benteng user add");
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

#[tokio::test(flavor = "multi_thread")]
async fn an_acknowledged_report_survives_a_kill() {
    let t = TestDb::new("crash").await;
    add_witness(&t);
    let (mut child, base) = start(&t);

    // The JSON intake: acknowledged with 201 and the code.
    let c = reqwest::Client::new();
    let body = serde_json::json!({
        "category": "korban",
        "description": "Adik saya di Malaysia tidak bisa dihubungi sejak tiga bulan",
        "region_code": "35.07.04.2007",
        "destination_country": "MY",
        "people": [{"role": "korban", "name": "Sulastri", "phone": "081334455667"}]
    });
    let r = c
        .post(format!("{base}/api/v1/public/reports"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the report is acknowledged");
    let v: serde_json::Value = r.json().await.unwrap();
    let json_code = v["tracking_code"].as_str().unwrap().to_string();

    // The public form with a photo: acknowledged when the confirmation shows the code.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser
        .get(format!("{base}/lapor"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = between(&page, "name=\"_csrf\" value=\"", "\"")
        .expect("the form has a CSRF token")
        .to_string();
    let mut form = Form::new().text("_csrf", token);
    for (k, v) in [
        ("anonymous_shown", "1"),
        ("anonymous", "1"),
        ("category", "rekrutmen"),
        (
            "description",
            "Calo menawarkan kerja di kapal ikan, foto brosurnya terlampir",
        ),
        ("region_code", "35.07.04.2007"),
        ("p0_role", "perekrut"),
        ("p0_name", "Moch. Darto"),
    ] {
        form = form.text(k, v);
    }
    form = form.part(
        "files",
        Part::bytes(PNG.to_vec())
            .file_name("brosur.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let r = browser
        .post(format!("{base}/lapor"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the form is taken");
    let done = browser
        .get(format!("{base}/lapor/terkirim"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form_code = between(&done, "id=\"tracking-code\">", "<")
        .expect("the confirmation shows the code")
        .to_string();

    // Kill at once: no graceful shutdown, no chance to flush anything later.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, base) = start(&t);
    let result = check_after_restart(&c, &base, &json_code, &form_code).await;
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}

async fn check_after_restart(
    c: &reqwest::Client,
    base: &str,
    json_code: &str,
    form_code: &str,
) -> Result<(), String> {
    for code in [json_code, form_code] {
        let r = c
            .get(format!("{base}/api/v1/public/reports/{code}"))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: serde_json::Value = r.json().await.unwrap_or_default();
        if status != 200 || v["status"] != "diterima" || v["tracking_code"] != code {
            return Err(format!("{code} after the restart: {status} {v}"));
        }
    }
    // The photo is there and reads back as the PNG it was.
    let r = c
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": WITNESS, "password": WITNESS_PASSWORD}))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    let token = v["token"]
        .as_str()
        .ok_or(format!("no token: {v}"))?
        .to_string();
    let get = |path: String| {
        let c = c.clone();
        let token = token.clone();
        async move {
            let r = c.get(path).bearer_auth(token).send().await.unwrap();
            (r.status(), r.bytes().await.unwrap())
        }
    };
    let (_, list) = get(format!("{base}/api/v1/reports?q={form_code}&status=semua")).await;
    let list: serde_json::Value = serde_json::from_slice(&list).unwrap_or_default();
    let id = list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["tracking_code"] == form_code))
        .and_then(|r| r["id"].as_i64())
        .ok_or(format!("the form's report is listed: {list}"))?;
    let (_, detail) = get(format!("{base}/api/v1/reports/{id}")).await;
    let detail: serde_json::Value = serde_json::from_slice(&detail).unwrap_or_default();
    let atts = detail["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if atts.len() != 1 || atts[0]["content_type"] != "image/png" {
        return Err(format!("one PNG attachment: {detail}"));
    }
    let aid = atts[0]["id"].as_i64().unwrap_or_default();
    let (status, bytes) = get(format!("{base}/api/v1/reports/{id}/attachments/{aid}")).await;
    if status != 200 || bytes.len() < 8 || bytes[..8] != PNG[..8] {
        return Err(format!(
            "the photo reads back: {status}, {} bytes",
            bytes.len()
        ));
    }
    if bytes.len() as i64 != atts[0]["size"].as_i64().unwrap_or(-1) {
        return Err("the photo is whole".into());
    }
    Ok(())
}

/// Issue 20: a phone sends a report, the server is killed while it may be storing it or
/// answering, and the phone sends it again with the same `Idempotency-Key` once the server is
/// back: the report is stored once, and when the first answer did arrive, the second carries
/// the same tracking code. Three rounds kill at different moments (at once, a few
/// milliseconds in, later), so the kill lands before, during and after the commit.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_resent_after_a_kill_mid_request_is_stored_once() {
    let t = TestDb::new("crash_resend").await;
    let c = reqwest::Client::new();
    for (round, delay_ms) in [0u64, 4, 40].into_iter().enumerate() {
        let (mut child, base) = start(&t);
        let key = format!("kirim-ulang-{round}-0b6f9a7e3c1d4e8a");
        let description = format!("Percobaan kirim ulang nomor {round}: calo menjanjikan kerja");
        let body = serde_json::json!({
            "category": "rekrutmen",
            "description": description,
            "region_code": "35.07.04.2007",
            "people": [{"role": "perekrut", "name": "Moch. Darto"}]
        });
        let send = |base: String| {
            let (c, key, body) = (c.clone(), key.clone(), body.clone());
            async move {
                let r = c
                    .post(format!("{base}/api/v1/public/reports"))
                    .header("idempotency-key", key)
                    .json(&body)
                    .send()
                    .await
                    .ok()?;
                if r.status() != 201 {
                    return None;
                }
                let v: serde_json::Value = r.json().await.ok()?;
                v["tracking_code"].as_str().map(str::to_string)
            }
        };
        let in_flight = tokio::spawn(send(base.clone()));
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let first = in_flight.await.unwrap();

        let (mut child, base) = start(&t);
        let again = send(base).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let again = again.expect("the resend is taken");
        if let Some(first) = first {
            assert_eq!(first, again, "round {round}: the same tracking code");
        }
        let db = benteng_db::Db::connect(&t.url).await.unwrap();
        let n: i64 =
            benteng_db::sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE description = $1")
                .bind(description.clone())
                .fetch_one(db.fixtures_pool())
                .await
                .unwrap();
        db.close().await;
        assert_eq!(
            n, 1,
            "round {round} (kill after {delay_ms} ms): stored once"
        );
    }
}
