//! SQLite's write-ahead log is copied into the database file by the background task, not by a
//! commit that happens to cross the log's size (issue 24: such a commit held every waiting
//! report for the checkpoint's duration).

use benteng_db::{sqlx, Db};
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_log_is_checkpointed_in_the_background_and_commits_leave_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.db");
    let db = Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let pool = db.fixtures_pool();
    // Every pooled connection leaves checkpoints to the task.
    for _ in 0..3 {
        let n: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
    db.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    // Let any checkpoint of the table's creation happen, then measure.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let before = std::fs::metadata(&file).unwrap().len();
    // About 8 MB in 2,000 commits: with SQLite's default (a checkpoint by the commit that
    // passes 1,000 pages) the file would grow during the inserts.
    let body = "x".repeat(4000);
    for _ in 0..2000 {
        sqlx::query("INSERT INTO t (body) VALUES ($1)")
            .bind(body.clone())
            .execute(pool)
            .await
            .unwrap();
    }
    let start = Instant::now();
    let mut grown = std::fs::metadata(&file).unwrap().len();
    while grown < before + 4_000_000 && start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        grown = std::fs::metadata(&file).unwrap().len();
    }
    assert!(
        grown >= before + 4_000_000,
        "the database file never received the log: {before} -> {grown} bytes"
    );
}
