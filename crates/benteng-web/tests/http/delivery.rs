//! The delivery queue under the coordination module's worker: two workers claiming from one
//! database deliver each of 10,000 rows exactly once (on PostgreSQL with `FOR UPDATE SKIP
//! LOCKED` when the tests run there); a failure is retried after a backoff with every attempt
//! recorded; a worker whose lease ran out cannot overwrite the outcome of the one that took
//! over; in-app rows are never claimed.

use crate::harness::*;
use benteng_app::users::UserInput;
use benteng_db::delivery::{Claimed, Outcome, MAX_ATTEMPTS};
use benteng_db::Db;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

async fn recipient(db: &Db) -> i64 {
    db.migrate().await.unwrap();
    benteng_app::users::create_as_operator(
        db,
        &UserInput {
            username: "penerima.uji".into(),
            full_name: "Penerima Uji".into(),
            role: "admin".into(),
            password: "kata-sandi-yang-panjang-sekali".into(),
            ..Default::default()
        },
        false,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn two_workers_deliver_each_of_ten_thousand_rows_exactly_once() {
    let (db, _guard) = fresh_db().await;
    let user = recipient(&db).await;
    let links: Vec<String> = (0..10_000).map(|i| format!("/laporan/{i}")).collect();
    let rows: Vec<(i64, &str, &str, &str, &str)> = links
        .iter()
        .map(|l| (user, "alert", "sms", l.as_str(), "Waspada"))
        .collect();
    db.delivery().enqueue(&rows).await.unwrap();
    // An in-app row is never claimed by a worker.
    db.delivery()
        .enqueue(&[(user, "alert", "inapp", "/x", "Waspada")])
        .await
        .unwrap();

    let delivered: Arc<Mutex<HashMap<i64, Vec<String>>>> = Arc::default();
    let mut workers = Vec::new();
    for name in ["pekerja-a", "pekerja-b"] {
        let db = db.clone();
        let delivered = delivered.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = 0usize;
            loop {
                let batch = db.delivery().claim_outbox(name, 100, 300).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                for row in &batch {
                    assert_eq!(row.channel, "sms");
                    delivered
                        .lock()
                        .unwrap()
                        .entry(row.id)
                        .or_default()
                        .push(name.to_string());
                    let held = db
                        .delivery()
                        .finish_delivery(name, row, benteng_db::now(), &Outcome::Sent)
                        .await
                        .unwrap();
                    assert!(held, "{name} held the claim on {}", row.id);
                    mine += 1;
                }
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut per_worker = Vec::new();
    for w in workers {
        per_worker.push(w.await.unwrap());
    }
    let delivered = std::mem::take(&mut *delivered.lock().unwrap());
    assert_eq!(delivered.len(), 10_000, "every row delivered");
    let twice: Vec<_> = delivered.iter().filter(|(_, w)| w.len() != 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(per_worker.iter().sum::<usize>(), 10_000);
    assert!(
        per_worker.iter().all(|n| *n > 0),
        "both worked: {per_worker:?}"
    );
    let counts = db.delivery().delivery_counts().await.unwrap();
    assert_eq!(counts, vec![("sent".to_string(), 10_000)]);
}

#[tokio::test]
async fn failures_are_retried_after_a_backoff_and_recorded() {
    let (db, _guard) = fresh_db().await;
    let user = recipient(&db).await;
    db.delivery()
        .enqueue(&[(user, "mention", "email", "/ruang/1", "Anda disebut")])
        .await
        .unwrap();
    let claim = |w: &'static str| {
        let db = db.clone();
        async move { db.delivery().claim_outbox(w, 10, 300).await.unwrap() }
    };
    let row: Claimed = claim("a").await.pop().unwrap();
    assert_eq!(row.attempts, 1);
    // Claimed rows are not handed to another worker.
    assert!(claim("b").await.is_empty());
    let start = benteng_db::now();
    assert!(db
        .delivery()
        .finish_delivery("a", &row, start, &Outcome::Retry("SMTP 451".into()))
        .await
        .unwrap());
    let st = db.delivery().delivery_state(row.id).await.unwrap().unwrap();
    assert_eq!(st.status, "retry");
    assert_eq!(st.last_error.as_deref(), Some("SMTP 451"));
    assert!(st.next_attempt_at >= start + 30, "waits at least 30 s");
    assert!(st.claimed_by.is_none());
    // Not due yet.
    assert!(claim("b").await.is_empty());

    // A worker whose lease ran out: another takes the row over and its outcome stands.
    db.delivery()
        .enqueue(&[(user, "alert", "whatsapp", "/waspada/2", "Waspada")])
        .await
        .unwrap();
    let slow = db
        .delivery()
        .claim_outbox("lambat", 10, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let fast = db
        .delivery()
        .claim_outbox("cepat", 10, 300)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(fast.id, slow.id);
    assert_eq!(fast.attempts, 2);
    assert!(db
        .delivery()
        .finish_delivery("cepat", &fast, benteng_db::now(), &Outcome::Sent)
        .await
        .unwrap());
    assert!(
        !db.delivery()
            .finish_delivery(
                "lambat",
                &slow,
                benteng_db::now(),
                &Outcome::Failed("x".into())
            )
            .await
            .unwrap(),
        "the lapsed claim changes nothing"
    );
    assert_eq!(
        db.delivery()
            .delivery_state(slow.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "sent"
    );
    let attempts = db.delivery().delivery_attempts(slow.id).await.unwrap();
    assert_eq!(
        attempts,
        vec![
            (2, "cepat".to_string(), "sent".to_string()),
            (1, "lambat".to_string(), "lease_lost".to_string())
        ]
    );

    // A permanent failure ends it at once; the attempt limit ends retries.
    db.delivery()
        .enqueue(&[(user, "digest", "sms", "/ringkasan", "Ringkasan")])
        .await
        .unwrap();
    let mut row = db
        .delivery()
        .claim_outbox("a", 10, 300)
        .await
        .unwrap()
        .pop()
        .unwrap();
    row.attempts = MAX_ATTEMPTS;
    db.delivery()
        .finish_delivery(
            "a",
            &row,
            benteng_db::now(),
            &Outcome::Retry("timeout".into()),
        )
        .await
        .unwrap();
    assert_eq!(
        db.delivery()
            .delivery_state(row.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "failed"
    );
}
