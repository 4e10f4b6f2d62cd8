//! A full disk (issue 23): the demo runs on SQLite on a small tmpfs volume, the volume is
//! filled, and then freed. While it is full, writes answer 503 "Penyimpanan server penuh" (not
//! a generic error) and `/healthz` says so; as soon as space returns, every write works again
//! (before, a connection whose COMMIT failed stayed poisoned for 30 minutes) and nothing that
//! was acknowledged is lost.
//!
//! The volume is a real tmpfs: mounting it needs root, which the test command has on these
//! machines and in CI. Under SQLite only (PostgreSQL's disk is the server's).

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A tmpfs of `mb` megabytes, unmounted when dropped.
struct Volume {
    dir: tempfile::TempDir,
}

impl Volume {
    fn mount(mb: u32) -> Volume {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs to fill it, which needs root (the test command runs \
             as root on these machines and in CI): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Volume { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Volume {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fill the volume with one file until the disk refuses more.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler.bin");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    loop {
        match f.write_all(&chunk) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(28) => break,
            Err(e) => panic!("filling the volume: {e}"),
        }
    }
    // Whatever a smaller write still fits.
    while f.write_all(&[0u8; 512]).is_ok() {}
    path
}

fn report(n: usize) -> serde_json::Value {
    json!({
        "category": "rekrutmen",
        "description": format!("Laporan nomor {n}: calo menawarkan kerja di luar negeri tanpa prosedur resmi. {}", "Rincian kejadian. ".repeat(150)),
        "region_code": SITIARJO,
    })
}

async fn health(app: &TestApp) -> (StatusCode, serde_json::Value) {
    let r = client().get(app.url("/healthz")).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_full_disk_refuses_writes_clearly_and_intake_recovers_when_space_returns() {
    if std::env::var("BENTENG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // The PostgreSQL run: the database's disk is the server's, not this process's.
        return;
    }
    let volume = Volume::mount(128);
    // `/healthz` fails below `disk_min_free_mb` (32 MB by default) or when its write fails.
    let app = spawn_in(volume.path(), benteng_web::WebConfig::default()).await;
    let officer = app.token("pimpasa.malang").await;
    let (s, body) = health(&app).await;
    assert_eq!(s, StatusCode::OK, "{body}");

    let filler = fill(volume.path());

    // Reports are refused with a clear 503 once the disk takes no more.
    let mut acked: Vec<i64> = Vec::new();
    let mut refused = None;
    for n in 0..3000 {
        let (s, b) = app
            .api(&officer, Method::POST, "/api/v1/reports", Some(report(n)))
            .await;
        match s {
            StatusCode::CREATED => acked.push(b["id"].as_i64().expect("an id")),
            StatusCode::SERVICE_UNAVAILABLE => {
                refused = Some(b);
                break;
            }
            other => panic!("report {n} on a full disk: {other} {b}"),
        }
    }
    let refused = refused.expect("a full disk refuses a report");
    assert!(
        refused.to_string().contains("Penyimpanan server penuh"),
        "the refusal says why: {refused}"
    );
    // Again, and on the web page: the same 503, never a generic 500.
    for _ in 0..10 {
        let (s, b) = app
            .api(&officer, Method::POST, "/api/v1/reports", Some(report(0)))
            .await;
        assert!(
            s == StatusCode::SERVICE_UNAVAILABLE || s == StatusCode::CREATED,
            "{s} {b}"
        );
        if s == StatusCode::CREATED {
            acked.push(b["id"].as_i64().unwrap());
        }
    }
    let (s, body) = health(&app).await;
    assert_eq!(
        s,
        StatusCode::SERVICE_UNAVAILABLE,
        "healthz on a full disk: {body}"
    );
    assert!(
        body["reason"] == "disk_low" || body["reason"] == "storage_full",
        "{body}"
    );
    assert_eq!(body["disk_free_mb"]["database"], 0, "{body}");

    // Space returns: intake works within seconds, on every pooled connection.
    std::fs::remove_file(filler).unwrap();
    let freed = Instant::now();
    let mut first = None;
    while freed.elapsed() < Duration::from_secs(10) {
        let (s, b) = app
            .api(&officer, Method::POST, "/api/v1/reports", Some(report(1)))
            .await;
        if s == StatusCode::CREATED {
            acked.push(b["id"].as_i64().unwrap());
            first = Some(freed.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let first = first.expect("a report is taken within 10 s of freeing the disk");
    eprintln!(
        "first report taken {} ms after the disk was freed",
        first.as_millis()
    );
    // More requests than the pool has connections, some at once: none may fail.
    let mut tasks = Vec::new();
    for n in 0..40 {
        let (base, token) = (app.base.clone(), officer.clone());
        tasks.push(tokio::spawn(async move {
            let r = client()
                .post(format!("{base}/api/v1/reports"))
                .bearer_auth(token)
                .json(&report(n))
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<serde_json::Value>().await.unwrap_or_default())
        }));
    }
    for t in tasks {
        let (s, b) = t.await.unwrap();
        assert_eq!(s, StatusCode::CREATED, "after the disk was freed: {b}");
        acked.push(b["id"].as_i64().unwrap());
    }
    let (s, body) = health(&app).await;
    assert_eq!(s, StatusCode::OK, "healthz after space returned: {body}");

    // Nothing acknowledged was lost.
    for id in &acked {
        let (s, _) = app
            .api(
                &officer,
                Method::GET,
                &format!("/api/v1/reports/{id}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "acknowledged report {id}");
    }
    // The free space is in the metrics.
    let metrics = client()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("benteng_disk_free_bytes{volume=\"database\"}"),
        "{metrics}"
    );
    drop(app);
}

/// The upload folder becomes read-only while the server runs (a remounted disk, a wrong
/// owner after a restore): a report with a photo is refused with 503 "Penyimpanan server
/// tidak dapat ditulis", on the public form and the API, instead of a generic 500, nothing is
/// stored half, and intake works again when the folder is writable (issue 23). The folder is a
/// real tmpfs remounted read-only: the server holds no file in it open, so the remount works
/// at run time (the database's disk cannot be remounted while SQLite holds it open).
#[tokio::test]
async fn a_read_only_upload_folder_at_run_time_is_named_and_nothing_is_half_stored() {
    if std::env::var("BENTENG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // Uploads are local files on both backends; once is enough.
    }
    use crate::report_pages::{public_submit, report_form, BASIC};
    use crate::reports_api::PNG;
    use reqwest::multipart::Part;
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_in(dir.path(), benteng_web::WebConfig::default()).await;
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    // A tmpfs over the upload folder itself, unmounted however the test ends.
    struct Mounted(PathBuf);
    impl Drop for Mounted {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&uploads)
        .status()
        .unwrap();
    assert!(mounted.success(), "mounting a tmpfs needs root");
    let _mounted = Mounted(uploads.clone());
    let remount = |mode: &str| {
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&uploads)
            .status()
            .unwrap();
        assert!(ok.success(), "remount {mode}");
    };
    let with_photo = |t: &str| {
        report_form(t, BASIC).part(
            "files",
            Part::bytes(PNG.to_vec())
                .file_name("layar.png")
                .mime_str("image/png")
                .unwrap(),
        )
    };
    let reports = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            benteng_db::sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reports")
                .fetch_one(db.fixtures_pool())
                .await
                .unwrap()
        }
    };
    let before = reports(&app).await;
    remount("ro");
    let c = client();
    let (status, html) = public_submit(&app, &c, with_photo).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{html}");
    assert!(html.contains("tidak dapat ditulis"), "{html}");
    let officer = app.token("pimpasa.malang").await;
    let id = crate::reports_api::file_report(
        &app,
        &officer,
        json!({"category": "iklan", "description": "Iklan lowongan palsu.", "region_code": SITIARJO}),
    )
    .await;
    let r = client()
        .post(app.url(&format!("/api/v1/reports/{id}/attachments?name=foto.png")))
        .bearer_auth(&officer)
        .header("content-type", "application/octet-stream")
        .header("accept-language", "id")
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = r.text().await.unwrap();
    assert!(body.contains("tidak dapat ditulis"), "{body}");
    // Only the API report without a photo went in; no row points at a file never written.
    assert_eq!(reports(&app).await, before + 1);
    let orphans: i64 = benteng_db::sqlx::query_scalar("SELECT COUNT(*) FROM report_attachments")
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap();
    remount("rw");
    let c = client();
    let (status, html) = public_submit(&app, &c, with_photo).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let after: i64 = benteng_db::sqlx::query_scalar("SELECT COUNT(*) FROM report_attachments")
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap();
    assert_eq!(after, orphans + 1, "the photo of the report taken after");
}
