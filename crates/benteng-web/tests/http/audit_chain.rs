//! The audit log's hash chain (crates/benteng-db/src/audit/chain.rs) on the backend under
//! test: the chain verifies after concurrent use; a changed, deleted or reordered entry is
//! found at its link; the database refuses changes to entries.

use crate::harness::*;
use benteng_db::audit::{BreakKind, Event, Verdict};
use benteng_db::{sqlx, Db};
use reqwest::StatusCode;

fn postgres() -> bool {
    std::env::var("BENTENG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The id of the entry at chain position `seq`.
async fn id_at(db: &Db, seq: i64) -> i64 {
    scalar(
        db,
        &format!("SELECT id FROM audit_log WHERE chain_seq = {seq}"),
    )
    .await
}

/// Take the guard triggers away, as a database owner could (tests of what the chain sees).
async fn drop_guards(db: &Db) {
    if postgres() {
        db.execute_raw("DROP TRIGGER audit_log_no_change ON audit_log")
            .await
            .unwrap();
        db.execute_raw("DROP TRIGGER audit_chain_forward_only ON audit_chain")
            .await
            .unwrap();
    } else {
        for t in [
            "audit_log_no_change",
            "audit_log_no_delete",
            "audit_chain_forward_only",
        ] {
            db.execute_raw(&format!("DROP TRIGGER {t}")).await.unwrap();
        }
    }
}

/// Write `n` entries from the application's own path (outside any other transaction).
async fn write_entries(db: &Db, tag: &str, n: usize) {
    for i in 0..n {
        db.audit()
            .audit(
                None,
                Event {
                    action: "test",
                    entity: "chain",
                    entity_id: Some(format!("{tag}-{i}")),
                    detail: Some(format!("entry {i} of {tag}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

async fn verify(db: &Db) -> Verdict {
    db.audit().verify(None).await.unwrap()
}

fn intact_count(v: &Verdict) -> i64 {
    match v {
        Verdict::Intact(i) => i.entries,
        Verdict::Broken(b) => panic!("the chain should be intact: {b:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_chain_verifies_after_concurrent_writes_and_sealing() {
    let app = spawn().await;
    let db = app.db.clone();
    // Writers in many transactions at once (sign-ins over HTTP, entries from the storage's own
    // path), while two sealers run beside them, as two server instances would.
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..6 {
        let db = db.clone();
        tasks.spawn(async move { write_entries(&db, &format!("w{w}"), 40).await });
    }
    for user in [
        "admin.demo",
        "pimpasa.malang",
        "kanwil.jatim",
        "desa.kalipare",
    ] {
        let pw = app.password(user);
        let base = app.base.clone();
        tasks.spawn(async move {
            // Two each: sign-ins are limited to 10 a minute per address.
            for _ in 0..2 {
                let r = client()
                    .post(format!("{base}/api/v1/auth/token"))
                    .json(&serde_json::json!({"username": user, "password": pw}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK, "token for {user}");
            }
        });
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut sealers = Vec::new();
    for _ in 0..2 {
        let db = db.clone();
        let stop = stop.clone();
        sealers.push(tokio::spawn(async move {
            let mut passes = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                db.audit().seal().await.expect("a sealing pass");
                passes += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            passes
        }));
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for s in sealers {
        assert!(s.await.unwrap() > 0);
    }
    let v = verify(&db).await;
    let total = scalar(&db, "SELECT COUNT(*) FROM audit_log").await;
    assert!(total >= 6 * 40 + 8, "{total} entries");
    assert_eq!(intact_count(&v), total, "every entry is in the chain");
    let Verdict::Intact(i) = &v else {
        unreachable!()
    };
    assert_eq!(i.pending, 0);
    assert_eq!(i.head.seq, total);
    assert_eq!(db.audit().chain_head().await.unwrap(), i.head);
    // Positions run 1..=total without gaps, and hashes are 64 hex characters.
    assert_eq!(
        scalar(&db, "SELECT COUNT(DISTINCT chain_seq) FROM audit_log").await,
        total
    );
    assert_eq!(
        scalar(&db, "SELECT MAX(chain_seq) FROM audit_log").await,
        total
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE LENGTH(hash) = 64"
        )
        .await,
        total
    );
    // Written after a verify: sealed by the next one, the chain still holds.
    write_entries(&db, "later", 3).await;
    let v = verify(&db).await;
    assert_eq!(intact_count(&v), total + 3);
    let Verdict::Intact(i) = &v else {
        unreachable!()
    };
    assert_eq!(i.sealed_now, 3);
    // An anchor taken earlier still matches; a wrong one does not.
    let anchor = benteng_db::audit::Anchor {
        seq: total,
        hash: scalar_text(
            &db,
            &format!("SELECT hash FROM audit_log WHERE chain_seq = {total}"),
        )
        .await,
    };
    assert!(matches!(
        db.audit().verify(Some(&anchor)).await.unwrap(),
        Verdict::Intact(_)
    ));
    let wrong = benteng_db::audit::Anchor {
        seq: total,
        hash: "0".repeat(64),
    };
    match db.audit().verify(Some(&wrong)).await.unwrap() {
        Verdict::Broken(b) => {
            assert_eq!(b.kind, BreakKind::AnchorMismatch);
            assert_eq!(b.chain_seq, total);
        }
        v => panic!("a wrong anchor is reported: {v:?}"),
    }
}

async fn scalar_text(db: &Db, sql: &str) -> String {
    sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap()
}

/// A fresh, migrated database with `n` sealed entries besides none other.
async fn sealed_db(n: usize) -> (Db, DbGuard) {
    let (db, guard) = fresh_db().await;
    db.migrate().await.unwrap();
    write_entries(&db, "t", n).await;
    assert_eq!(intact_count(&verify(&db).await), n as i64);
    (db, guard)
}

#[tokio::test]
async fn a_changed_entry_is_found_at_its_link() {
    let (db, _guard) = sealed_db(20).await;
    drop_guards(&db).await;
    let id = id_at(&db, 8).await;
    db.execute_raw(
        "UPDATE audit_log SET detail = 'entry 7 of t, nothing else' WHERE chain_seq = 8",
    )
    .await
    .unwrap();
    match verify(&db).await {
        Verdict::Broken(b) => {
            assert_eq!(
                (b.chain_seq, b.id, b.kind),
                (8, Some(id), BreakKind::Altered)
            );
        }
        v => panic!("a changed detail is found: {v:?}"),
    }
    // Putting the text back mends it: the chain checks content, nothing else.
    db.execute_raw("UPDATE audit_log SET detail = 'entry 7 of t' WHERE chain_seq = 8")
        .await
        .unwrap();
    assert_eq!(intact_count(&verify(&db).await), 20);

    // Another column: the time.
    db.execute_raw("UPDATE audit_log SET at = at - 3600 WHERE chain_seq = 15")
        .await
        .unwrap();
    match verify(&db).await {
        Verdict::Broken(b) => assert_eq!((b.chain_seq, b.kind), (15, BreakKind::Altered)),
        v => panic!("a changed time is found: {v:?}"),
    }
}

#[tokio::test]
async fn reordered_entries_are_found() {
    let (db, _guard) = sealed_db(12).await;
    drop_guards(&db).await;
    let (a, b) = (id_at(&db, 4).await, id_at(&db, 9).await);
    // Swap the positions of two entries (through a free position: chain_seq is unique).
    for sql in [
        format!("UPDATE audit_log SET chain_seq = 1000 WHERE id = {a}"),
        format!("UPDATE audit_log SET chain_seq = 4 WHERE id = {b}"),
        format!("UPDATE audit_log SET chain_seq = 9 WHERE id = {a}"),
    ] {
        db.execute_raw(&sql).await.unwrap();
    }
    match verify(&db).await {
        Verdict::Broken(x) => assert_eq!(
            (x.chain_seq, x.id, x.kind),
            (4, Some(b), BreakKind::Altered)
        ),
        v => panic!("a reordering is found: {v:?}"),
    }
}

#[tokio::test]
async fn deleted_entries_are_found() {
    let (db, _guard) = sealed_db(10).await;
    drop_guards(&db).await;
    let next = id_at(&db, 6).await;
    db.execute_raw("DELETE FROM audit_log WHERE chain_seq = 5")
        .await
        .unwrap();
    match verify(&db).await {
        Verdict::Broken(b) => {
            assert_eq!(
                (b.chain_seq, b.id, b.kind),
                (5, Some(next), BreakKind::Missing)
            );
        }
        v => panic!("a deleted middle entry is found: {v:?}"),
    }

    // Cutting entries off the end is seen against the head.
    let (db, _guard2) = sealed_db(10).await;
    drop_guards(&db).await;
    db.execute_raw("DELETE FROM audit_log WHERE chain_seq >= 9")
        .await
        .unwrap();
    match verify(&db).await {
        Verdict::Broken(b) => {
            assert_eq!(
                (b.chain_seq, b.id, b.kind),
                (9, None, BreakKind::HeadMismatch)
            );
        }
        v => panic!("a cut tail is found: {v:?}"),
    }
    // Moving the head back as well leaves a chain that holds: that is what anchors are for.
    db.execute_raw(
        "UPDATE audit_chain SET seq = 8, hash = (SELECT hash FROM audit_log WHERE chain_seq = 8)",
    )
    .await
    .unwrap();
    assert_eq!(intact_count(&verify(&db).await), 8);
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_entries() {
    let (db, _guard) = sealed_db(5).await;
    // An entry written but not sealed yet.
    write_entries(&db, "fresh", 1).await;
    let refused = [
        "UPDATE audit_log SET detail = 'x' WHERE chain_seq = 2",
        "UPDATE audit_log SET username = 'someone' WHERE chain_seq = 2",
        "UPDATE audit_log SET chain_seq = NULL, hash = NULL WHERE chain_seq = 5",
        "UPDATE audit_log SET hash = 'x' WHERE chain_seq = 3",
        "UPDATE audit_log SET detail = 'x' WHERE chain_seq IS NULL",
        "DELETE FROM audit_log WHERE chain_seq = 2",
        "DELETE FROM audit_log WHERE chain_seq IS NULL",
        "DELETE FROM audit_log",
        "UPDATE audit_chain SET seq = seq - 1",
        "UPDATE audit_chain SET hash = 'x'",
        "DELETE FROM audit_chain",
    ];
    for sql in refused {
        let e = db.execute_raw(sql).await;
        assert!(e.is_err(), "refused: {sql}");
        let msg = e.unwrap_err().to_string();
        assert!(
            msg.contains("audit_log entries cannot be") || msg.contains("audit chain head"),
            "{sql}: {msg}"
        );
    }
    if postgres() {
        for sql in ["TRUNCATE audit_log", "TRUNCATE audit_chain"] {
            assert!(db.execute_raw(sql).await.is_err(), "refused: {sql}");
        }
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log").await, 6);
    // The sealer's own change still goes through, and the chain holds.
    assert_eq!(intact_count(&verify(&db).await), 6);
}

#[tokio::test]
async fn entries_already_in_the_log_are_sealed_by_the_first_pass() {
    // The demo set writes its audit entries through the use cases, before any sealing.
    let app = spawn().await;
    let before = scalar(
        &app.db,
        "SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL",
    )
    .await;
    assert!(before > 10, "{before} unsealed entries");
    assert_eq!(app.db.audit().seal().await.unwrap(), before);
    assert_eq!(app.db.audit().seal().await.unwrap(), 0, "nothing left");
    // Sealed in id order.
    assert_eq!(
        scalar(
            &app.db,
            "SELECT COUNT(*) FROM audit_log a JOIN audit_log b ON b.chain_seq = a.chain_seq + 1 WHERE b.id < a.id"
        )
        .await,
        0
    );
    assert_eq!(intact_count(&verify(&app.db).await), before);
}
