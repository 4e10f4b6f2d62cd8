//! Group commit for report intake (issue 24).
//!
//! Every new report used to be its own write transaction. Under many senders at once they
//! queued for SQLite's single write lock (each commit also waits for its fsync, `synchronous =
//! FULL`), and SQLite's busy handler let some wait for most of a second. Now one writer task per
//! process takes every report that is waiting, writes them into **one** transaction, commits
//! once, and only then answers each sender. So:
//!
//! - **An acknowledged report is never lost**: a sender gets its tracking code only after the
//!   commit that holds its report returned, as before. A failed commit answers every report of
//!   the batch with that failure (none of them was acknowledged).
//! - **One report's error stays its own**: a report made from a room or WhatsApp message, which
//!   is refused when the message already has its report, is written inside its own savepoint
//!   and rolled back to it; the others of the batch are committed. Other reports get no
//!   savepoint. If one of them fails anyway (an unexpected database error), or the commit does,
//!   the whole transaction is rolled back and every report of the batch is written again in a
//!   transaction of its own.
//! - **A repeat is never written**: the idempotency keys of the batch are taken first, in one
//!   statement (`idempotency::claim`). A report whose key a committed report, or a report
//!   before it in the batch, already has is not written: it answers with that report's id and
//!   tracking code, read once the batch's own answers are recorded (`idempotency::settle`).
//!   A key that names another operation is refused for that report alone.
//! - **A batch is a handful of statements**: the plain reports of a batch are written with one
//!   multi-row statement per table (reports, people, events, word index, audit entries,
//!   notices), so fifty reports cost about what one does. Who is notified on which channel and
//!   which webhook subscriptions hear of the reports are read once per batch, inside its
//!   transaction (three statements however many reports and areas). A plain report was
//!   seventeen statements inside the writer at first, five after the reads moved out
//!   (docs/performance.md, "Group commit"), and is now a share of the batch's eight or so.
//! - **No waiting for a batch to fill**: the writer takes what is queued when it is free, so a
//!   lone report is written at once and a crowd shares one commit.
//! - The writer holds only the queue. It is started on the first report and started again if
//!   it ever stopped (its runtime ended, or a panic), so a report never waits on a dead task.
//!   A sender that gives up (the client went away) after its report was queued still gets it
//!   stored; a repeat with the same `Idempotency-Key` then answers the same tracking code.
//!
//! Validation, the link count for the priority and the files happen before the report is
//! queued, in the sender's own task, beside the other senders. The link count stays before the
//! answer (issue 24 allowed moving it to the worker): it is a read that does not hold the
//! writer up, and the priority the sender and the officers see is then complete from the
//! first moment, so no page has to say that links are still being computed. Each instance of
//! a load-balanced deployment has its own writer; on PostgreSQL their transactions commit side
//! by side.

use super::*;
use crate::idempotency::{self, IdemKey};
use crate::Db;
use benteng_domain::coordination::Channel;
use benteng_domain::webhook::EventKind;
use rows::{write_rows, Audience};
use tokio::sync::{mpsc, oneshot};

mod rows;

/// At most this many reports in one transaction, so that one commit never holds the write
/// lock for long (a few tenths of a millisecond of statements per report).
const MAX_BATCH: usize = 128;

/// A checked report with everything computed that needs no write lock.
pub(super) struct Pending {
    pub db: Db,
    pub ctx: Option<Ctx>,
    pub report: NewReport,
    pub source: Source,
    pub attachments: Vec<Attachment>,
    pub origin: Option<(&'static str, i64)>,
    pub idem: Option<IdemKey>,
    pub priority: Priority,
    pub kab: String,
    pub prov: String,
}

impl Pending {
    /// Whether this report can be refused inside the batch (a room or WhatsApp message that
    /// may already have its report): only those get a savepoint of their own.
    fn may_step_back(&self) -> bool {
        self.origin.is_some()
    }
}

/// A stored upload's row.
pub(super) struct Attachment {
    pub key: String,
    pub content_type: &'static str,
    pub size: i64,
    pub file_name: String,
}

struct Item {
    pending: Pending,
    answer: oneshot::Sender<Result<(i64, String)>>,
}

/// The queue to the process's intake writer (shared by every clone of a [`Db`]).
#[derive(Default)]
pub(crate) struct Writer {
    queue: std::sync::Mutex<Option<mpsc::UnboundedSender<Item>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("intake::Writer")
    }
}

impl Writer {
    /// Queue `item`, starting the writer task when there is none (or it stopped).
    fn send(&self, item: Item) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let item = match queue.as_ref() {
            Some(q) => match q.send(item) {
                Ok(()) => return,
                Err(mpsc::error::SendError(item)) => item,
            },
            None => item,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(rx));
        // A fresh receiver is alive, so this send succeeds.
        let _ = tx.send(item);
        *queue = Some(tx);
    }
}

/// Write `pending` in the next group commit and answer its id and tracking code once that
/// commit is durable.
pub(super) async fn submit(pending: Pending) -> Result<(i64, String)> {
    let (answer, rx) = oneshot::channel();
    let writer = pending.db.intake.clone();
    writer.send(Item { pending, answer });
    rx.await.unwrap_or_else(|_| {
        Err(Error::Other(anyhow::anyhow!(
            "the intake writer stopped before answering"
        )))
    })
}

async fn run(mut rx: mpsc::UnboundedReceiver<Item>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        commit_batch(batch).await;
    }
}

async fn commit_batch(batch: Vec<Item>) {
    let db = batch[0].pending.db.clone();
    match write_batch(&db, &batch).await {
        Ok(results) => {
            for (item, result) in batch.into_iter().zip(results) {
                let _ = item.answer.send(result);
            }
        }
        // A report without a savepoint failed, or the commit did: the transaction is gone.
        // Write each report again in a transaction of its own, so that one report's failure
        // is its own (none of them was acknowledged).
        Err(e) if batch.len() > 1 => {
            tracing::warn!(error = %e, reports = batch.len(), "intake batch failed; writing its reports one by one");
            for item in batch {
                // A batch of one answers once (`write_batch` gives one result per report).
                let result = write_batch(&db, std::slice::from_ref(&item))
                    .await
                    .and_then(|mut r| {
                        r.pop().unwrap_or_else(|| {
                            Err(Error::Other(anyhow::anyhow!("intake wrote no result")))
                        })
                    });
                let _ = item.answer.send(result);
            }
        }
        Err(e) => {
            // A batch of one: its own error, as it is.
            if let Some(item) = batch.into_iter().next() {
                let _ = item.answer.send(Err(e));
            }
        }
    }
}

/// Write `batch` in one transaction and commit it. `Err` when the transaction as a whole
/// failed; otherwise each report's own result (refused or repeated ones rolled back to their
/// savepoint).
async fn write_batch(db: &Db, batch: &[Item]) -> Result<Vec<Result<(i64, String)>>> {
    let mut tx = db.begin().await?;
    let pendings: Vec<&Pending> = batch.iter().map(|i| &i.pending).collect();
    let audience = Audience::read(&mut tx, pendings.iter().copied()).await?;
    // The keys of the reports without a savepoint: each taken by the first report that has
    // it, unless a committed report has it already; the others are repeats.
    let keyed: Vec<(usize, &IdemKey)> = pendings
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.may_step_back())
        .filter_map(|(i, p)| p.idem.as_ref().map(|k| (i, k)))
        .collect();
    let keys: Vec<&IdemKey> = keyed.iter().map(|(_, k)| *k).collect();
    let took = idempotency::claim(&mut tx, db.backend, &keys, "report").await?;
    let mut repeat = vec![false; pendings.len()];
    for ((i, _), took) in keyed.iter().zip(took) {
        repeat[*i] = !took;
    }
    // The rest all at once, a handful of statements for the whole batch. No savepoint: a
    // failure here fails the batch, which is written again report by report.
    let plain: Vec<&Pending> = pendings
        .iter()
        .enumerate()
        .filter(|(i, p)| !p.may_step_back() && !repeat[*i])
        .map(|(_, p)| *p)
        .collect();
    let written = write_rows(&mut tx, &plain, &audience).await?;
    let answers: Vec<(&IdemKey, String)> = plain
        .iter()
        .zip(&written)
        .filter_map(|(p, (id, code))| p.idem.as_ref().map(|k| (k, format!("{id} {code}"))))
        .collect();
    idempotency::settle(&mut tx, db.backend, &answers, "report").await?;
    let mut written = written.into_iter();
    let mut results = Vec::with_capacity(batch.len());
    for (i, p) in pendings.iter().enumerate() {
        if p.may_step_back() {
            results.push(write_one(&mut tx, p, &audience).await);
        } else if repeat[i] {
            // The first report's answer, as this transaction sees it (written above when
            // that report is in this batch).
            let answer = idempotency::answer_in(&mut tx, p.idem.as_ref(), "report").await;
            results.push(answer.and_then(|a| super::create::report_answer(&a)));
        } else {
            results.push(
                written
                    .next()
                    .ok_or_else(|| Error::Other(anyhow::anyhow!("intake wrote too few rows"))),
            );
        }
    }
    tx.commit().await.inspect_err(|e| {
        tracing::error!(error = %e, reports = batch.len(), "intake commit failed");
    })?;
    Ok(results)
}

/// What one report's statements came to.
enum Written {
    /// Stored: keep the savepoint.
    Stored(i64, String),
    /// Its idempotency key was taken meanwhile: roll back, answer the first report.
    Repeat(i64, String),
}

/// One report inside its own savepoint of the batch's transaction.
async fn write_one(tx: &mut Tx, p: &Pending, audience: &Audience) -> Result<(i64, String)> {
    sqlx::query("SAVEPOINT intake").execute(&mut **tx).await?;
    let written = write_stepping(tx, p, audience).await;
    let keep = matches!(written, Ok(Written::Stored(..)));
    if !keep {
        sqlx::query("ROLLBACK TO SAVEPOINT intake")
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("RELEASE SAVEPOINT intake")
        .execute(&mut **tx)
        .await?;
    match written? {
        Written::Stored(id, code) | Written::Repeat(id, code) => Ok((id, code)),
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A report that may step back, inside the savepoint `intake`: its rows, then the message it
/// came from and its idempotency key.
async fn write_stepping(tx: &mut Tx, p: &Pending, audience: &Audience) -> Result<Written> {
    let mut attempt = 0;
    let (id, code) = loop {
        match write_rows(tx, &[p], audience).await {
            Ok(mut w) => {
                break w
                    .pop()
                    .ok_or_else(|| Error::Other(anyhow::anyhow!("intake wrote no row")))?
            }
            // A clash of random codes is astronomically rare; undo the failed statement
            // (PostgreSQL refuses every later one until then) and try another. A plain
            // report has no savepoint: its batch fails and is written again report by
            // report, where the clash is that report's error alone.
            Err(Error::Db(sqlx::Error::Database(d))) if d.is_unique_violation() && attempt < 3 => {
                attempt += 1;
                sqlx::query("ROLLBACK TO SAVEPOINT intake")
                    .execute(&mut **tx)
                    .await?;
            }
            Err(e) => return Err(e),
        }
    };
    if let Some((kind, message)) = p.origin {
        let table = if kind == "whatsapp" {
            "wa_messages"
        } else {
            "room_messages"
        };
        let linked = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET report_id = $1 WHERE id = $2 AND report_id IS NULL"
        )))
        .bind(id)
        .bind(message)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if linked != 1 {
            return Err(Error::Conflict("message", "err-message-has-report"));
        }
        sqlx::query("UPDATE reports SET origin_kind = $1, origin_id = $2 WHERE id = $3")
            .bind(kind)
            .bind(message)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let idem = p.idem.as_ref();
    if !idempotency::remember(tx, idem, "report", &format!("{id} {code}")).await? {
        // Taken by a report earlier in this batch or committed meanwhile: both are visible
        // inside this transaction.
        let (id, code) =
            super::create::report_answer(&idempotency::answer_in(tx, idem, "report").await?)?;
        return Ok(Written::Repeat(id, code));
    }
    Ok(Written::Stored(id, code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use benteng_domain::report::PriorityWeights;

    async fn test_db(dir: &std::path::Path) -> Db {
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let (rows, _) = crate::regions::parse_csv(crate::regions::WILAYAH_CSV, |c| {
            c.len() <= 5 || c.starts_with("35.07.04") || c.starts_with("35.73.01")
        });
        db.regions().load_regions(&rows).await.unwrap();
        db
    }

    fn pending(db: &Db, text: &str, key: Option<&str>, origin: Option<i64>) -> Pending {
        Pending {
            db: db.clone(),
            ctx: None,
            report: NewReport {
                category: Category::Iklan,
                description: text.into(),
                village: RegionCode::parse("35.07.04.2007").unwrap(),
                places: None,
                destination_country: None,
                incident_date: None,
                departure_soon: false,
                anonymous: true,
                reporter_name: None,
                reporter_phone: None,
                people: vec![],
            },
            source: Source::Publik,
            attachments: vec![],
            origin: origin.map(|m| ("pesan", m)),
            idem: IdemKey::public(key),
            priority: priority(
                &PriorityWeights::default(),
                &PriorityInput {
                    category: Some(Category::Iklan),
                    ..Default::default()
                },
            ),
            kab: "35.07".into(),
            prov: "35".into(),
        }
    }

    /// Commit `reports` as one batch and collect each sender's answer, in order.
    async fn answers_of(reports: Vec<Pending>) -> Vec<Result<(i64, String)>> {
        let mut receivers = Vec::new();
        let mut batch = Vec::new();
        for p in reports {
            let (answer, rx) = oneshot::channel();
            batch.push(Item { pending: p, answer });
            receivers.push(rx);
        }
        commit_batch(batch).await;
        let mut answers = Vec::new();
        for rx in receivers {
            answers.push(rx.await.unwrap());
        }
        answers
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(&db.pool)
            .await
            .unwrap()
    }

    /// One transaction, four reports: two with the same idempotency key (the second answers
    /// the first), one whose room message does not exist (refused, nothing of it kept), one
    /// plain. The failure and the repeat leave the others stored.
    #[tokio::test]
    async fn a_batch_keeps_each_report_apart() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let key = "2b0c7a4e-91f3-4d6a-8e2f-0c1d2e3f4a5b";
        let answers = answers_of(vec![
            pending(&db, "pertama dengan kunci", Some(key), None),
            pending(&db, "kedua dengan kunci yang sama", Some(key), None),
            pending(&db, "dari pesan yang tidak ada", None, Some(999_999)),
            pending(&db, "laporan biasa", None, None),
        ])
        .await;
        let first = answers[0].as_ref().unwrap().clone();
        assert_eq!(
            answers[1].as_ref().unwrap(),
            &first,
            "the repeat answers the first"
        );
        assert!(
            matches!(
                answers[2],
                Err(Error::Conflict("message", "err-message-has-report"))
            ),
            "{:?}",
            answers[2]
        );
        let plain = answers[3].as_ref().unwrap();
        assert_ne!(plain.0, first.0);
        assert_ne!(plain.1, first.1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM reports").await, 2);
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM reports WHERE description LIKE 'kedua%' OR description LIKE 'dari pesan%'").await,
            0
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM report_events").await, 2);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM report_fts").await, 2);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND action = 'create'"
            )
            .await,
            2
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM idempotency_keys").await, 1);
    }

    /// Keys are taken for the whole batch at once: a key a committed report has answers with
    /// that report, a key twice in the batch is written once, and a key recorded for another
    /// operation is refused for its report alone. No repeat is written.
    #[tokio::test]
    async fn a_batch_writes_each_key_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let old = "0f8e1c2a-5b7d-4c3e-9a1f-2d3c4b5a6e7f";
        let new = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        let other = "11112222-3333-4444-8555-666677778888";
        let first = answers_of(vec![pending(&db, "yang pertama", Some(old), None)]).await;
        let first = first[0].as_ref().unwrap().clone();
        sqlx::query("INSERT INTO idempotency_keys (owner, idem_key, op, answer, created_at) VALUES ('publik', $1, 'migrant', '7', 0)")
            .bind(other)
            .execute(&db.pool)
            .await
            .unwrap();
        let answers = answers_of(vec![
            pending(&db, "ulangan yang lama", Some(old), None),
            pending(&db, "kunci baru", Some(new), None),
            pending(&db, "kunci baru lagi", Some(new), None),
            pending(&db, "kunci untuk hal lain", Some(other), None),
            pending(&db, "tanpa kunci", None, None),
        ])
        .await;
        assert_eq!(answers[0].as_ref().unwrap(), &first);
        let stored = answers[1].as_ref().unwrap();
        assert_ne!(stored.0, first.0);
        assert_eq!(answers[2].as_ref().unwrap(), stored);
        assert!(
            matches!(answers[3], Err(Error::Invalid(_))),
            "{:?}",
            answers[3]
        );
        assert!(answers[4].is_ok());
        assert_eq!(count(&db, "SELECT COUNT(*) FROM reports").await, 3);
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM reports WHERE description IN ('ulangan yang lama', 'kunci baru lagi', 'kunci untuk hal lain')").await,
            0
        );
        let recorded: String =
            sqlx::query_scalar("SELECT answer FROM idempotency_keys WHERE idem_key = $1")
                .bind(new)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(recorded, format!("{} {}", stored.0, stored.1));
    }

    /// A plain report (no savepoint) that fails in the middle of a batch: the batch is rolled
    /// back and written again report by report, so the failure stays its own and the others
    /// are stored once.
    #[tokio::test]
    async fn a_failing_plain_report_does_not_take_the_batch_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let mut broken = pending(&db, "desa yang tidak ada", None, None);
        // A village that is not in the region table breaks a foreign key.
        broken.report.village = RegionCode::parse("35.07.04.2999").unwrap();
        let answers = answers_of(vec![
            pending(&db, "sebelum", None, None),
            broken,
            pending(
                &db,
                "sesudah",
                Some("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                None,
            ),
        ])
        .await;
        assert!(answers[0].is_ok(), "{:?}", answers[0]);
        assert!(matches!(answers[1], Err(Error::Db(_))), "{:?}", answers[1]);
        assert!(answers[2].is_ok(), "{:?}", answers[2]);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM reports").await, 2);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM reports WHERE description LIKE 'desa yang%'"
            )
            .await,
            0
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM report_fts").await, 2);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM idempotency_keys").await, 1);
    }

    /// An office covering `kab` with officers `active` (1) or not (0); their ids.
    async fn office(db: &Db, name: &str, kab: &str, officers: &[(&str, i64)]) -> Vec<i64> {
        let office: i64 = sqlx::query_scalar(
            "INSERT INTO offices (name, kind, province_code, created_at, updated_at) VALUES ($1, 'kantor', '35', 0, 0) RETURNING id",
        )
        .bind(name.to_string())
        .fetch_one(&db.pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO office_areas (office_id, region_code, valid_from, created_at) VALUES ($1, $2, '2000-01-01', 0)")
            .bind(office)
            .bind(kab.to_string())
            .execute(&db.pool)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (username, active) in officers {
            ids.push(
                sqlx::query_scalar(
                    "INSERT INTO users (username, full_name, password_hash, role, office_id, active, created_at, updated_at) VALUES ($1, $1, 'x', 'petugas', $2, $3, 0, 0) RETURNING id",
                )
                .bind(username.to_string())
                .bind(office)
                .bind(*active)
                .fetch_one(&db.pool)
                .await
                .unwrap(),
            );
        }
        ids
    }

    /// One batch across two kabupaten/kota, written with one statement per table: each
    /// report's people, word entry, event and audit entry are its own, and each area's
    /// active officers (only theirs) get a notice of each of their area's reports.
    #[tokio::test]
    async fn a_batch_across_two_areas_tells_each_area_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let kab = office(
            &db,
            "Kanim Malang",
            "35.07",
            &[("a1", 1), ("a2", 1), ("a3", 0)],
        )
        .await;
        let kota = office(&db, "Kanim Kota", "35.73", &[("b1", 1)]).await;
        let mut with_person = pending(&db, "perekrut datang ke desa", None, None);
        with_person.report.people = vec![NewPerson {
            role: PersonRole::Perekrut,
            name: Some("Sutrisno Wibowo".into()),
            phone: None,
            nik: None,
            sex: None,
            minor: false,
            village: None,
            note: None,
        }];
        let mut in_kota = pending(&db, "iklan di kota", None, None);
        in_kota.report.village = RegionCode::parse("35.73.01.1002").unwrap();
        in_kota.kab = "35.73".into();
        let answers = answers_of(vec![
            with_person,
            in_kota,
            pending(&db, "laporan biasa", None, None),
        ])
        .await;
        let ids: Vec<i64> = answers.iter().map(|a| a.as_ref().unwrap().0).collect();
        let text = |id: i64| {
            let db = db.clone();
            async move {
                let t: String = sqlx::query_scalar("SELECT body FROM report_fts WHERE rowid = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
                t
            }
        };
        assert!(text(ids[0]).await.contains("Sutrisno Wibowo"));
        assert!(text(ids[1]).await.contains("iklan di kota"));
        assert!(!text(ids[2]).await.contains("Sutrisno"));
        let person: (i64, String) = sqlx::query_as("SELECT report_id, kab_code FROM report_people")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(person, (ids[0], "35.07".to_string()));
        for id in &ids {
            let one = |sql: &'static str| {
                let db = db.clone();
                async move {
                    sqlx::query_scalar::<_, i64>(sql)
                        .bind(id.to_string())
                        .fetch_one(&db.pool)
                        .await
                        .unwrap()
                }
            };
            assert_eq!(
                one("SELECT COUNT(*) FROM report_events WHERE report_id = CAST($1 AS BIGINT) AND kind = 'created'").await,
                1
            );
            assert_eq!(
                one("SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND entity_id = $1")
                    .await,
                1
            );
        }
        let notices: Vec<(i64, String)> = sqlx::query_as(
            "SELECT recipient_id, link FROM outbox WHERE kind = 'report_new' ORDER BY recipient_id, link",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let link = |i: usize| format!("/laporan/{}", ids[i]);
        let mut expected = vec![
            (kab[0], link(0)),
            (kab[0], link(2)),
            (kab[1], link(0)),
            (kab[1], link(2)),
            (kota[0], link(1)),
        ];
        expected.sort();
        assert_eq!(notices, expected);
    }

    /// Many senders at once through the queue: every one is answered with its own report,
    /// each stored once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_senders_each_get_their_report() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..60 {
            let p = pending(&db, &format!("laporan nomor {i}"), None, None);
            tasks.spawn(async move { (i, submit(p).await) });
        }
        let mut ids = std::collections::BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            let (i, answer) = r.unwrap();
            let (id, _) = answer.unwrap();
            let text: String = sqlx::query_scalar("SELECT description FROM reports WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(text, format!("laporan nomor {i}"));
            ids.insert(id);
        }
        assert_eq!(ids.len(), 60);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM reports").await, 60);
    }
}
