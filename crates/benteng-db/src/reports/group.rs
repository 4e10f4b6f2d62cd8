//! Group commit for report intake (issue 24).
//!
//! Every new report used to be its own write transaction. Under many senders at once they
//! queued for SQLite's single write lock (each commit also waits for its fsync, `synchronous =
//! FULL`), and SQLite's busy handler let some wait for most of a second. Now one writer task per
//! process takes every report that is waiting, writes them into **one** transaction, each
//! inside its own savepoint, commits once, and only then answers each sender. So:
//!
//! - **An acknowledged report is never lost**: a sender gets its tracking code only after the
//!   commit that holds its report returned, as before. A failed commit answers every report of
//!   the batch with that failure (none of them was acknowledged).
//! - **One report's error stays its own**: a report that can be refused or answered by another
//!   (a message already turned into a report, an idempotency key taken meanwhile) is written
//!   inside its own savepoint and rolled back to it; the others of the batch are committed.
//!   Plain reports get no savepoint (two statements fewer each). If one of them fails anyway
//!   (an unexpected database error), or the commit does, the whole transaction is rolled back
//!   and every report of the batch is written again in a transaction of its own.
//! - **The writer only writes**: who is notified on which channel and which webhook
//!   subscriptions hear of the report are read before the report is queued, and the
//!   word-search entry is made from the report in hand rather than read back. A plain
//!   report is five statements in the writer (report, event, word index, notices, audit), was
//!   seventeen before (docs/performance.md, "Group commit").
//! - **No waiting for a batch to fill**: the writer takes what is queued when it is free, so a
//!   lone report is written at once and a crowd shares one commit.
//! - The writer holds only the queue. It is started on the first report and started again if
//!   it ever stopped (its runtime ended, or a panic), so a report never waits on a dead task.
//!   A sender that gives up (the client went away) after its report was queued still gets it
//!   stored; a repeat with the same `Idempotency-Key` then answers the same tracking code.
//!
//! Everything that reads (validation, the link count for the priority, the recipients, the
//! subscriptions) or touches files happens before the report is queued, in the sender's own
//! task, beside the other senders. The link count stays before the answer (issue 24 allowed
//! moving it to the worker): it is a read that does not hold the writer up, and the priority
//! the sender and the officers see is then complete from the first moment, so no page has to
//! say that links are still being computed. Each instance of a load-balanced deployment has its own writer; on
//! PostgreSQL their transactions commit side by side.

use super::*;
use crate::idempotency::{self, IdemKey};
use crate::Db;
use tokio::sync::{mpsc, oneshot};

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
    /// The notices to the area's officers: recipient and channel.
    pub notices: Vec<(i64, benteng_domain::coordination::Channel)>,
    /// The webhook subscriptions that hear of the report.
    pub hooks: Vec<i64>,
}

impl Pending {
    /// Whether this report can be refused or answered by another inside the batch (a room or
    /// WhatsApp message that may already have its report, an idempotency key that may be
    /// taken): only those get a savepoint of their own.
    fn may_step_back(&self) -> bool {
        self.origin.is_some() || self.idem.is_some()
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
    let mut results = Vec::with_capacity(batch.len());
    for item in batch {
        let p = &item.pending;
        if p.may_step_back() {
            results.push(write_one(&mut tx, p).await);
        } else {
            // No savepoint: a failure here fails the batch, which is written again report
            // by report (two statements fewer per report on the common path).
            match write(&mut tx, p).await? {
                Written::Stored(id, code) | Written::Repeat(id, code) => {
                    results.push(Ok((id, code)))
                }
            }
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
async fn write_one(tx: &mut Tx, p: &Pending) -> Result<(i64, String)> {
    sqlx::query("SAVEPOINT intake").execute(&mut **tx).await?;
    let written = write(tx, p).await;
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

/// The report, its people, files, origin, event, webhook, word-search entry, the notices to
/// the area's officers, the audit entry and the idempotency key, all in `tx`.
async fn write(tx: &mut Tx, p: &Pending) -> Result<Written> {
    let (ctx, v) = (p.ctx.as_ref(), &p.report);
    let now = crate::now();
    let mut attempt = 0;
    let (id, code) = loop {
        let random: [u8; TRACKING_CODE_LEN] = rand::random();
        let code = tracking_code(&random);
        let r: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO reports (tracking_code, category, status, source, region_code, kab_code, prov_code, description, places, \
             destination_country, incident_date, departure_soon, anonymous, reporter_name, reporter_phone, reporter_user_id, \
             priority, priority_reasons, priority_linked, created_at, updated_at) \
             VALUES ($1, $2, 'baru', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id",
        )
        .bind(code.clone())
        .bind(v.category.as_str())
        .bind(p.source.as_str())
        .bind(v.village.as_str().to_string())
        .bind(p.kab.clone())
        .bind(p.prov.clone())
        .bind(v.description.clone())
        .bind(v.places.clone())
        .bind(v.destination_country.clone())
        .bind(v.incident_date.clone())
        .bind(v.departure_soon as i64)
        .bind(v.anonymous as i64)
        .bind(v.reporter_name.clone())
        .bind(v.reporter_phone.clone())
        .bind(ctx.map(|c| c.actor.user_id))
        .bind(p.priority.score)
        .bind(p.priority.encode_reasons())
        .bind(p.priority.linked_part())
        .bind(now)
        .fetch_one(&mut **tx)
        .await;
        match r {
            Ok(id) => break (id, code),
            // A clash of random codes is astronomically rare; undo the failed statement
            // (PostgreSQL refuses every later one until then) and try another. Without a
            // savepoint the batch fails and is written again report by report, each with one.
            Err(sqlx::Error::Database(d))
                if d.is_unique_violation() && attempt < 3 && p.may_step_back() =>
            {
                attempt += 1;
                sqlx::query("ROLLBACK TO SAVEPOINT intake")
                    .execute(&mut **tx)
                    .await?;
            }
            Err(e) => return Err(e.into()),
        }
    };
    for person in &v.people {
        insert_person(tx, id, person).await?;
    }
    for a in &p.attachments {
        sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(a.key.clone())
            .bind(a.content_type)
            .bind(a.size)
            .bind(a.file_name.clone())
            .bind(ctx.map(|c| c.actor.user_id))
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
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
    add_event(tx, id, ctx, "created", None, Some("baru"), None).await?;
    crate::webhooks::queue::deliver(
        tx,
        &p.hooks,
        benteng_domain::webhook::EventKind::ReportFiled,
        v.village.as_str(),
        &serde_json::json!({
            "report": {
                "id": id,
                "category": v.category.as_str(),
                "source": p.source.as_str(),
                "status": "baru",
            },
            "links": { "api": format!("/api/v1/reports/{id}"), "web": format!("/laporan/{id}") },
        }),
    )
    .await?;
    // The word-search entry from what was just written (as `Repo::index_report` reads it back).
    let text = super::create::index_text(
        &code,
        &v.description,
        v.places.as_deref(),
        v.people.iter().map(|n| n.name.as_deref().unwrap_or("")),
    );
    p.db.reports().write_index(tx, id, text, true).await?;
    outbox::write_planned(
        tx,
        &p.notices,
        &Notice {
            kind: "report_new",
            link: format!("/laporan/{id}"),
            subject: format!("{}|{}", v.category.as_str(), code),
        },
    )
    .await?;
    audit::write(
        &mut **tx,
        ctx,
        Event {
            action: "create",
            entity: "report",
            entity_id: Some(id.to_string()),
            region: Some(&v.village),
            detail: Some(format!(
                "source={} category={}",
                p.source.as_str(),
                v.category.as_str()
            )),
            ..Default::default()
        },
    )
    .await?;
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
            c.len() <= 5 || c.starts_with("35.07.04")
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
            notices: vec![],
            hooks: vec![],
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

    /// A plain report (no savepoint) that fails in the middle of a batch: the batch is rolled
    /// back and written again report by report, so the failure stays its own and the others
    /// are stored once.
    #[tokio::test]
    async fn a_failing_plain_report_does_not_take_the_batch_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).await;
        let mut broken = pending(&db, "pemberitahuan ke akun yang tidak ada", None, None);
        // A notice to an account that does not exist breaks a foreign key.
        broken.notices = vec![(987_654, benteng_domain::coordination::Channel::Inapp)];
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
                "SELECT COUNT(*) FROM reports WHERE description LIKE 'pemberitahuan%'"
            )
            .await,
            0
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM report_fts").await, 2);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM idempotency_keys").await, 1);
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
