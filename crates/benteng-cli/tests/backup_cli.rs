//! `benteng backup`, `benteng backup verify`, `benteng restore` and `benteng delivery` on the
//! real binary (issue 23): the backup finishes while about 300 reports a second are written,
//! holds the database and the uploaded files with their checksums, a damaged archive is
//! refused, and the restored copy holds its outgoing messages until the operator lets them go.
//! SQLite (PostgreSQL's backup is pg_dump's).

mod common;

use benteng_db::Db;
use common::{postgres_url, TestDb};
use std::time::{Duration, Instant};

fn run(t: &TestDb, args: &[&str]) -> (i32, String) {
    let out = t.command().args(args).output().expect("run benteng");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_under_writes_verifies_and_restores_with_messages_held() {
    if postgres_url().is_some() {
        // The PostgreSQL run: the archive's database would be pg_dump's, tested by pg_dump.
        return;
    }
    let t = TestDb::new("backup_cli").await;
    let db = Db::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let (rows, _) =
        benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| c.len() <= 5);
    db.regions().load_regions(&rows).await.unwrap();
    // Two SMS production has not sent yet when the backup is taken.
    for _ in 0..2 {
        db.execute_raw(
            "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at) \
             SELECT MIN(id), 'report_new', 'sms', '/laporan/1', 'LP-1', 'pending', 0, 0 FROM users",
        )
        .await
        .unwrap();
    }
    let uploads = t.dir.path().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    std::fs::write(uploads.join("3f9c01.jpg"), vec![7u8; 50_000]).unwrap();
    std::fs::write(uploads.join("half-written.part"), b"...").unwrap();

    // Writes go on, about 300 a second, for as long as the backup runs.
    db.execute_raw("CREATE TABLE load_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let rows_written = std::sync::Arc::new(AtomicU64::new(0));
    let writer = {
        let (db, stop, rows_written) = (db.clone(), stop.clone(), rows_written.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                db.execute_raw(&format!(
                    "INSERT INTO load_rows (body) VALUES ('{}')",
                    "x".repeat(500)
                ))
                .await
                .unwrap();
                rows_written.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_micros(3300)).await;
            }
        })
    };
    // The writer is under way before the backup starts.
    while rows_written.load(Ordering::Relaxed) < 10 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let archive = t.dir.path().join("cadangan.zip");
    let archive_s = archive.to_str().unwrap();
    let started = Instant::now();
    let before = rows_written.load(Ordering::Relaxed);
    let (code, out) = run(&t, &["backup", "--out", archive_s]);
    // Counted from the backup's start to its end: how fast the machine writes does not
    // matter, only that writes went on while the backup ran.
    let during = rows_written.load(Ordering::Relaxed) - before;
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let written = rows_written.load(Ordering::Relaxed);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("backup written"), "{out}");
    eprintln!(
        "backup under writes: {:.2} s, {during} rows written meanwhile",
        took.as_secs_f64()
    );
    assert!(during > 0, "the writer ran during the backup ({during})");

    // Verify: intact.
    let (code, out) = run(&t, &["backup", "verify", archive_s]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("backup intact"), "{out}");

    // A damaged copy is refused, naming what is wrong, and is not restored.
    let mut bytes = std::fs::read(&archive).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == [7, 7, 7, 7])
        .expect("the stored photo's bytes");
    bytes[at + 100] ^= 0xff;
    let damaged = t.dir.path().join("rusak.zip");
    std::fs::write(&damaged, &bytes).unwrap();
    let (code, out) = run(&t, &["backup", "verify", damaged.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("uploads/3f9c01.jpg"), "{out}");
    let (code, out) = run(
        &t,
        &[
            "restore",
            damaged.to_str().unwrap(),
            "--into",
            t.dir.path().join("gagal").to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0, "{out}");
    assert!(!t.dir.path().join("gagal/benteng.db").exists());

    // Restore into a new folder: the database, the file, a configuration.
    let into = t.dir.path().join("pulih");
    let (code, out) = run(
        &t,
        &["restore", archive_s, "--into", into.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read(into.join("uploads/3f9c01.jpg")).unwrap(),
        vec![7u8; 50_000]
    );
    assert!(!into.join("uploads/half-written.part").exists());
    let config = std::fs::read_to_string(into.join("benteng.toml")).unwrap();
    assert!(
        config.contains("benteng.db") && config.contains("uploads"),
        "{config}"
    );
    // Restoring over it again is refused.
    let (code, _) = run(
        &t,
        &["restore", archive_s, "--into", into.to_str().unwrap()],
    );
    assert_ne!(code, 0);

    // The copy holds what production would still send: its worker claims nothing.
    let restored = Db::connect(&format!("sqlite://{}", into.join("benteng.db").display()))
        .await
        .unwrap();
    let copied: i64 = restored
        .table_counts()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == "load_rows")
        .map(|(_, n)| n)
        .unwrap();
    assert!(
        copied > 0 && copied <= written as i64,
        "{copied} of {written}"
    );
    assert!(restored.delivery_hold().await.unwrap().is_some());
    let worker =
        benteng_app::jobs::Worker::new(restored.clone(), Default::default(), &Default::default());
    assert_eq!(
        worker.deliver_due().await.unwrap(),
        0,
        "held: nothing claimed"
    );
    let pending: i64 = restored
        .table_counts()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == "outbox")
        .map(|(_, n)| n)
        .unwrap();
    assert_eq!(pending, 2);

    // The operator lets them go (through the restored configuration).
    let status = |args: &[&str]| {
        let out = t
            .command()
            .env("BENTENG_CONFIG", into.join("benteng.toml"))
            .env_remove("BENTENG_DATABASE_URL")
            .env_remove("BENTENG_UPLOAD_DIR")
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(status(&["delivery", "status"]).contains("HELD"));
    assert!(status(&["delivery", "resume"]).contains("flow again"));
    assert!(restored.delivery_hold().await.unwrap().is_none());
    assert_eq!(
        worker.deliver_due().await.unwrap(),
        2,
        "after resume the worker takes the two rows"
    );
    restored.close().await;
    db.close().await;
}

/// PostgreSQL: the archive holds `pg_dump`'s file, and `benteng restore --database` puts it into
/// an empty database with `pg_restore` and holds its outgoing messages, as a SQLite restore
/// does (before, the operator had to remember `benteng delivery hold`). A database that
/// already has tables is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_backup_restores_into_an_empty_database_with_messages_held() {
    let Some(_) = postgres_url() else {
        return; // The SQLite run is the test above.
    };
    let t = TestDb::new("backup_pg").await;
    let (code, text) = run(&t, &["demo"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(&t, &["backup", "--out", "b.zip"]);
    assert_eq!(code, 0, "{text}");
    let archive = t.dir.path().join("b.zip");
    let (code, text) = run(&t, &["backup", "verify", archive.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");

    // Into a database that has tables (the source itself): refused, nothing written.
    let into = t.dir.path().join("pulih");
    let (code, text) = run(
        &t,
        &["restore", "b.zip", "--into", "pulih", "--database", &t.url],
    );
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("already has"), "{text}");

    let empty = TestDb::new("backup_pg_into").await;
    let (code, text) = run(
        &t,
        &[
            "restore",
            "b.zip",
            "--into",
            "pulih2",
            "--database",
            &empty.url,
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(!into.join("benteng.toml").exists());
    let restored = Db::connect(&empty.url).await.unwrap();
    let source = Db::connect(&t.url).await.unwrap();
    let counts = |v: Vec<(String, i64)>| {
        v.into_iter()
            .filter(|(name, _)| name == "reports" || name == "users" || name == "audit_log")
            .collect::<Vec<_>>()
    };
    let want = counts(source.table_counts().await.unwrap());
    assert!(
        want.iter().any(|(n, c)| n == "reports" && *c > 0),
        "{want:?}"
    );
    assert!(
        counts(restored.table_counts().await.unwrap())
            .iter()
            .zip(&want)
            .all(|(a, b)| a.0 == b.0 && a.1 >= b.1),
        "the restored copy holds what was backed up"
    );
    assert!(restored.delivery_hold().await.unwrap().is_some());
    let toml = t.dir.path().join("pulih2/benteng.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains(&empty.url), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&toml).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner reads it: {mode:o}");
    }
    restored.close().await;
    source.close().await;
}
