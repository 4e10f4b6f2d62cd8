//! "Nothing acknowledged is lost": a report whose tracking code was handed to the resident is
//! in the database even when the server process is killed (SIGKILL, no shutdown) right after.
//! Runs the real `benteng` binary on a SQLite file in a temporary directory.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_benteng"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "BENTENG_DATABASE_URL",
            format!("sqlite://{}/crash.db", dir.display()),
        )
        .env("BENTENG_UPLOAD_DIR", dir.join("uploads"))
        .env("BENTENG_LOG_LEVEL", "warn")
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

#[tokio::test(flavor = "multi_thread")]
async fn an_acknowledged_report_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start(dir.path());
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
    let code = v["tracking_code"].as_str().unwrap().to_string();
    // Kill at once: no graceful shutdown, no chance to flush anything later.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, base) = start(dir.path());
    let r = c
        .get(format!("{base}/api/v1/public/reports/{code}"))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "the report is found after the restart: {v}");
    assert_eq!(v["status"], "diterima");
    assert_eq!(v["tracking_code"], code.as_str());
}
