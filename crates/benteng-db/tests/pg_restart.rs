//! A PostgreSQL restart while Benteng is idle loses no request after the server is back
//! (issue 23): the pool's connections died with the old server, and each idle one is checked
//! before use instead of failing the request that meets it.
//!
//! It restarts the real server, so it runs apart from every other test: `scripts/test.sh`
//! runs it alone in the PostgreSQL stage with `BENTENG_TEST_DATABASE_URL` and
//! `BENTENG_TEST_PG_RESTART` (the command that restarts the server). Without them (the
//! SQLite run) there is no server to restart and it checks nothing.

use benteng_db::Db;
use std::time::{Duration, Instant};

#[tokio::test]
async fn no_request_fails_after_postgresql_restarted_while_idle() {
    let (Ok(url), Ok(restart)) = (
        std::env::var("BENTENG_TEST_DATABASE_URL"),
        std::env::var("BENTENG_TEST_PG_RESTART"),
    ) else {
        eprintln!("no PostgreSQL to restart (BENTENG_TEST_DATABASE_URL, BENTENG_TEST_PG_RESTART)");
        return;
    };
    let db = Db::connect(&url).await.expect("connect");
    // Open the whole pool: sixteen statements at once, each holding its connection a moment.
    let mut open = Vec::new();
    for _ in 0..16 {
        let db = db.clone();
        open.push(tokio::spawn(async move {
            db.execute_raw("SELECT pg_sleep(0.2)").await
        }));
    }
    for t in open {
        t.await.unwrap().expect("warm-up query");
    }

    let out = std::process::Command::new("sh")
        .args(["-c", &restart])
        .output()
        .expect("run the restart command");
    assert!(
        out.status.success(),
        "restart: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Wait until the server takes connections again (a fresh pool of one, not ours).
    let up = Instant::now();
    loop {
        if let Ok(probe) = Db::connect(&url).await {
            if probe.ping().await.is_ok() {
                probe.close().await;
                break;
            }
        }
        assert!(
            up.elapsed() < Duration::from_secs(60),
            "PostgreSQL did not come back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // 96 requests, as the check sent: 32 one after another, then 64 in four bursts.
    let mut failed = Vec::new();
    for i in 0..32 {
        if let Err(e) = db.ping().await {
            failed.push(format!("{i}: {e}"));
        }
    }
    for burst in 0..4 {
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move { db.ping().await }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            if let Err(e) = t.await.unwrap() {
                failed.push(format!("burst {burst} #{i}: {e}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 96 requests failed after the restart: {failed:?}",
        failed.len()
    );
    db.close().await;
}
