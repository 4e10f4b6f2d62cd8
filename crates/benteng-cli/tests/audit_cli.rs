//! `benteng audit verify` on the real binary: exit 0 and the count on an intact chain (sealing
//! what waits first), exit 2 and the first broken link after tampering, exit 1 on bad input.
//! SQLite, or PostgreSQL with `BENTENG_TEST_DATABASE_URL`.

mod common;

use benteng_db::audit::Event;
use benteng_db::{sqlx, Db};
use common::{postgres_url, TestDb};

fn verify(t: &TestDb, args: &[&str]) -> (i32, String) {
    let out = t
        .command()
        .args(["audit", "verify"])
        .args(args)
        .output()
        .expect("run benteng audit verify");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

async fn write(db: &Db, n: usize) {
    for i in 0..n {
        db.audit()
            .audit(
                None,
                Event {
                    action: "test",
                    entity: "cli",
                    detail: Some(format!("entry {i}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_reports_an_intact_chain_and_the_first_broken_link() {
    let t = TestDb::new("audit_cli").await;
    let db = Db::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    write(&db, 7).await;

    // Nothing sealed yet: verify seals the seven, then finds them intact.
    let (code, out) = verify(&t, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit chain intact: 7 entries"), "{out}");
    assert!(out.contains("7 entri baru disegel"), "{out}");
    let head = out
        .lines()
        .find_map(|l| l.strip_prefix("Ujung rantai (chain head): "))
        .expect("the head is printed")
        .to_string();
    assert!(head.starts_with("7:") && head.len() == 2 + 64, "{head}");

    write(&db, 2).await;
    let (code, out) = verify(&t, &["--anchor", &head]);
    assert_eq!(code, 0, "an earlier head still holds: {out}");
    assert!(out.contains("audit chain intact: 9 entries"), "{out}");

    // A bad anchor is a mistake of the caller, not a broken chain.
    let (code, out) = verify(&t, &["--anchor", "7:xyz"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("HASH must be 64 hexadecimal"), "{out}");

    // Tamper with the fourth entry, as a database owner could after dropping the guard.
    if postgres_url().is_some() {
        db.execute_raw("DROP TRIGGER audit_log_no_change ON audit_log")
            .await
            .unwrap();
    } else {
        db.execute_raw("DROP TRIGGER audit_log_no_change")
            .await
            .unwrap();
    }
    db.execute_raw("UPDATE audit_log SET detail = 'entry 3, edited' WHERE chain_seq = 4")
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM audit_log WHERE chain_seq = 4")
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap();
    let (code, out) = verify(&t, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("AUDIT CHAIN BROKEN at chain_seq 4 (id {id})")),
        "{out}"
    );
    assert!(!out.contains("chain intact"), "{out}");
    db.close().await;
}
