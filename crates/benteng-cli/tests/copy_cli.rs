//! `benteng copy --to postgres://…` on the real binary (issue 23): a SQLite deployment with the
//! demo data moves into an empty PostgreSQL database with every table's count and checksum
//! equal, the audit chain still verifies there, new rows get new ids, a re-run after an
//! interruption finishes the copy, and a database holding other data is refused. Runs in the
//! PostgreSQL stage (`BENTENG_TEST_DATABASE_URL`).

mod common;

use common::{postgres_url, TestDb};
use std::path::Path;
use std::process::Command;

/// The binary pointed at the SQLite database in `dir`.
fn sqlite_cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_benteng"));
    c.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "BENTENG_DATABASE_URL",
            format!("sqlite://{}/benteng.db", dir.display()),
        )
        .env("BENTENG_UPLOAD_DIR", dir.join("uploads"))
        .env("BENTENG_LOG_LEVEL", "warn");
    c
}

fn out(mut c: Command, args: &[&str]) -> (i32, String) {
    let o = c.args(args).output().expect("run benteng");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sqlite_deployment_moves_to_postgres_whole_and_checked() {
    if postgres_url().is_none() {
        return; // The copy's target is PostgreSQL: this runs in the PostgreSQL stage.
    }
    let src = tempfile::tempdir().unwrap();
    let (code, text) = out(sqlite_cmd(src.path()), &["demo"]);
    assert_eq!(code, 0, "{text}");
    // Two photos of a report; one of them is not in the upload folder.
    let source = benteng_db::Db::connect(&format!("sqlite://{}/benteng.db", src.path().display()))
        .await
        .unwrap();
    for key in ["0a1b2c.jpg", "3d4e5f.jpg"] {
        source
            .execute_raw(&format!(
                "INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, created_at) \
                 SELECT MIN(id), '{key}', 'image/jpeg', 3, 'foto.jpg', 0 FROM reports"
            ))
            .await
            .unwrap();
    }
    source.close().await;
    std::fs::create_dir_all(src.path().join("uploads")).unwrap();
    std::fs::write(src.path().join("uploads/0a1b2c.jpg"), b"jpg").unwrap();
    let target = TestDb::new("copy_cli").await;

    // Every row is copied, but the missing file is named and the copy is not called done.
    let (code, text) = out(sqlite_cmd(src.path()), &["copy", "--to", &target.url]);
    assert_eq!(code, 2, "{text}");
    assert!(!text.contains("BERBEDA"), "{text}");
    assert!(text.contains("Berkas yang dirujuk: 2"), "{text}");
    assert!(
        text.contains("berkas tidak ada (missing file): 3d4e5f.jpg"),
        "{text}"
    );
    std::fs::write(src.path().join("uploads/3d4e5f.jpg"), b"jpg").unwrap();
    let (code, text) = out(sqlite_cmd(src.path()), &["copy", "--to", &target.url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Selesai"), "{text}");

    // An interrupted copy: one table lost its rows half way. Running it again finishes it,
    // and what already agreed is skipped.
    let db = benteng_db::Db::connect(&target.url).await.unwrap();
    db.execute_raw("DELETE FROM report_events").await.unwrap();
    db.close().await;
    let (code, text) = out(sqlite_cmd(src.path()), &["copy", "--to", &target.url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Melanjutkan"), "{text}");
    assert!(text.contains("sudah sama, dilewati"), "{text}");
    let events = text
        .lines()
        .find(|l| l.starts_with("report_events "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        events.ends_with("sama") && !events.contains("dilewati"),
        "{events}"
    );

    // The copy is a working database: the audit chain verifies on PostgreSQL, and a new user
    // gets a new id (the sequences were moved past the copied ids).
    let (code, text) = out(target.command(), &["audit", "verify"]);
    assert_eq!(code, 0, "{text}");
    let mut add = target.command();
    add.env("BENTENG_NEW_PASSWORD", "Kata-sandi-yang-panjang-1");
    let (code, text) = out(
        add,
        &["user", "add", "--username", "baru.admin", "--role", "admin"],
    );
    assert_eq!(code, 0, "{text}");

    // Another deployment into the same database is refused, and nothing is written.
    let other = tempfile::tempdir().unwrap();
    let (code, text) = out(sqlite_cmd(other.path()), &["migrate"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = out(sqlite_cmd(other.path()), &["copy", "--to", &target.url]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("sudah berisi data"), "{text}");
    // A SQLite URL as the target is refused before anything happens.
    let (code, text) = out(sqlite_cmd(other.path()), &["copy", "--to", "sqlite://x.db"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("PostgreSQL"), "{text}");
}
