//! Retention (UU 27/2022; periods and reasons in docs/privacy.md): records past their period
//! are anonymised, or deleted for room messages. [`Repo::plan`] counts what a run would change
//! and changes nothing; [`Repo::apply`] does it and writes one audit entry per kind.
//!
//! Anonymising keeps what the figures are made of (category, region and its scope columns,
//! dates, status, priority, indicators, sex, minor, the assessment's level) and empties what
//! names or reaches a person: names (replaced by [`MARKER`] where the column may not be
//! empty), phones, NIKs, birth dates and places, addresses, reporter contacts, free-text notes
//! and descriptions, watchlist hits shown at a screening. Attachments are deleted from the
//! blob store and their rows removed; a report's word-search entry is written again from the
//! emptied fields, so an anonymised name is no longer found.
//!
//! Work is done in batches of [`BATCH`] records, each batch in one transaction; files are
//! deleted after their batch commits (a crash in between leaves unreferenced files, never a
//! row without its file, as in `storage.rs`). Audit entries are not touched: the audit log's
//! retention is archiving, described in docs/privacy.md.

use crate::audit::{self, Event};
use crate::storage::BlobStore;
use crate::Result;
use benteng_domain::retention::{Kind, Retention};
use time::OffsetDateTime;

/// What replaces a name that may not be empty.
pub const MARKER: &str = "[dianonimkan]";

/// Records per transaction.
const BATCH: usize = 500;

/// What a run found (and, when applied, changed) for one kind of record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindRun {
    pub kind: Kind,
    /// The period in months; 0: the kind is turned off.
    pub months: u32,
    /// Records last changed before this instant (Unix seconds) are past their period.
    pub cutoff: Option<i64>,
    /// Records anonymised (or, for room messages, deleted; replies included).
    pub records: i64,
    /// Stored files deleted with them.
    pub files: i64,
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The reports closed for good: done, refused, or merged into a report that is closed too.
const CLOSED_REPORT: &str = "r.status IN ('selesai', 'ditolak', 'digabung') \
     AND (r.merged_into IS NULL OR EXISTS (SELECT 1 FROM reports t WHERE t.id = r.merged_into \
     AND t.status IN ('selesai', 'ditolak', 'digabung')))";

impl crate::retention::Repo<'_> {
    /// What a run at `now` would do, per kind, changing nothing.
    pub async fn plan(&self, policy: &Retention, now: OffsetDateTime) -> Result<Vec<KindRun>> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let cutoff = policy.cutoff(kind, now);
            let mut run = KindRun {
                kind,
                months: policy.months(kind),
                cutoff,
                records: 0,
                files: 0,
            };
            if let Some(cutoff) = cutoff {
                let ids = self.candidates(kind, cutoff).await?;
                run.records = ids.len() as i64;
                for chunk in ids.chunks(BATCH) {
                    run.files += self.count_files(kind, chunk).await?;
                    if kind == Kind::RoomMessages {
                        // The replies go with their threads.
                        let replies: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                            "SELECT COUNT(*) FROM room_messages WHERE parent_id IN ({})",
                            id_list(chunk)
                        )))
                        .fetch_one(&self.db.pool)
                        .await?;
                        run.records += replies;
                    }
                }
            }
            out.push(run);
        }
        Ok(out)
    }

    /// Anonymise or delete what is past its period at `now`, delete its files from `store`,
    /// and write one audit entry per kind (counts only).
    pub async fn apply(
        &self,
        policy: &Retention,
        now: OffsetDateTime,
        store: &dyn BlobStore,
    ) -> Result<Vec<KindRun>> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let cutoff = policy.cutoff(kind, now);
            let mut run = KindRun {
                kind,
                months: policy.months(kind),
                cutoff,
                records: 0,
                files: 0,
            };
            if let Some(cutoff) = cutoff {
                let ids = self.candidates(kind, cutoff).await?;
                for chunk in ids.chunks(BATCH) {
                    let mut tx = self.db.begin().await?;
                    let (records, keys) = self.change(&mut tx, kind, chunk).await?;
                    tx.commit().await?;
                    run.records += records;
                    for key in keys {
                        match store.delete(&key).await {
                            Ok(()) => run.files += 1,
                            Err(e) => {
                                tracing::warn!(error = %e, "deleting a file past its retention period failed")
                            }
                        }
                    }
                }
            }
            audit::write(
                &self.db.pool,
                None,
                Event {
                    action: if kind.deletes() {
                        "retention_delete"
                    } else {
                        "retention_anonymise"
                    },
                    entity: kind.as_str(),
                    detail: Some(format!(
                        "months={} cutoff={} records={} files={}",
                        run.months,
                        run.cutoff
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "-".into()),
                        run.records,
                        run.files
                    )),
                    ..Default::default()
                },
            )
            .await?;
            out.push(run);
        }
        Ok(out)
    }

    /// Ids of the records of `kind` past `cutoff` and not yet handled (for room messages: the
    /// threads, i.e. messages without a parent, whose replies are all that old too).
    async fn candidates(&self, kind: Kind, cutoff: i64) -> Result<Vec<i64>> {
        let sql = match kind {
            Kind::Reports => format!(
                "SELECT r.id FROM reports r WHERE r.anonymised_at IS NULL AND r.updated_at < $1 \
                 AND {CLOSED_REPORT} AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.report_id = r.id) ORDER BY r.id"
            ),
            Kind::Cases => "SELECT id FROM cases WHERE anonymised_at IS NULL \
                 AND status IN ('ditutup', 'ditutup_dirujuk') AND COALESCE(closed_at, updated_at) < $1 ORDER BY id"
                .into(),
            Kind::Migrants => "SELECT id FROM migrants WHERE anonymised_at IS NULL \
                 AND status = 'pulang' AND updated_at < $1 ORDER BY id"
                .into(),
            Kind::Screenings => {
                "SELECT id FROM screenings WHERE anonymised_at IS NULL AND created_at < $1 ORDER BY id"
                    .into()
            }
            Kind::RoomMessages => "SELECT m.id FROM room_messages m WHERE m.parent_id IS NULL AND m.created_at < $1 \
                 AND NOT EXISTS (SELECT 1 FROM room_messages r WHERE r.parent_id = m.id AND r.created_at >= $1) ORDER BY m.id"
                .into(),
        };
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(cutoff)
            .fetch_all(&self.db.pool)
            .await?)
    }

    /// Files that go with these records (for room messages: with their threads).
    async fn count_files(&self, kind: Kind, ids: &[i64]) -> Result<i64> {
        let ids = id_list(ids);
        let sql = match kind {
            Kind::Reports => format!("SELECT COUNT(*) FROM report_attachments WHERE report_id IN ({ids})"),
            Kind::Cases => format!(
                "SELECT COUNT(*) FROM report_attachments a JOIN cases c ON c.report_id = a.report_id \
                 JOIN reports r ON r.id = c.report_id WHERE c.id IN ({ids}) AND r.anonymised_at IS NULL"
            ),
            Kind::Migrants => format!(
                "SELECT COUNT(*) FROM migrant_steps WHERE migrant_id IN ({ids}) AND storage_key IS NOT NULL"
            ),
            Kind::Screenings => return Ok(0),
            Kind::RoomMessages => format!(
                "SELECT COUNT(*) FROM room_message_files f JOIN room_messages m ON m.id = f.message_id \
                 WHERE m.id IN ({ids}) OR m.parent_id IN ({ids})"
            ),
        };
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.db.pool)
            .await?)
    }

    /// Anonymise (or delete) one batch; returns the records changed and the storage keys of
    /// the files to delete once the batch is committed.
    pub(crate) async fn change(
        &self,
        tx: &mut Tx,
        kind: Kind,
        ids: &[i64],
    ) -> Result<(i64, Vec<String>)> {
        let now = crate::now();
        let list = id_list(ids);
        match kind {
            Kind::Reports => {
                let keys = self.anonymise_reports(tx, ids, now).await?;
                Ok((ids.len() as i64, keys))
            }
            Kind::Cases => {
                exec(tx, &format!(
                    "UPDATE case_people SET name = '{MARKER}', nik = NULL, birth_date = NULL, phone = NULL, note = NULL \
                     WHERE case_id IN ({list})"
                ))
                .await?;
                exec(
                    tx,
                    &format!("UPDATE case_services SET note = NULL WHERE case_id IN ({list})"),
                )
                .await?;
                exec(tx, &format!(
                    "UPDATE cases SET legal_reference = NULL, outcome = NULL, closure_reason = NULL, anonymised_at = {now} \
                     WHERE id IN ({list})"
                ))
                .await?;
                // The case's report goes with it (reports with a case are left to this rule).
                let reports: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT r.id FROM reports r JOIN cases c ON c.report_id = r.id \
                     WHERE c.id IN ({list}) AND r.anonymised_at IS NULL ORDER BY r.id"
                )))
                .fetch_all(&mut **tx)
                .await?;
                let keys = self.anonymise_reports(tx, &reports, now).await?;
                Ok((ids.len() as i64, keys))
            }
            Kind::Migrants => {
                let keys: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT storage_key FROM migrant_steps WHERE migrant_id IN ({list}) AND storage_key IS NOT NULL"
                )))
                .fetch_all(&mut **tx)
                .await?;
                exec(tx, &format!(
                    "UPDATE migrant_steps SET note = NULL, storage_key = NULL, content_type = NULL, file_name = NULL \
                     WHERE migrant_id IN ({list})"
                ))
                .await?;
                exec(
                    tx,
                    &format!("UPDATE migrant_events SET note = NULL WHERE migrant_id IN ({list})"),
                )
                .await?;
                exec(tx, &format!(
                    "UPDATE permission_letters SET giver_name = '{MARKER}', giver_nik = NULL, giver_birth = NULL, \
                     giver_address = NULL WHERE migrant_id IN ({list})"
                ))
                .await?;
                exec(tx, &format!(
                    "UPDATE migrants SET name = '{MARKER}', name_search = '', nik = NULL, birth_place = NULL, \
                     birth_date = NULL, phone = NULL, address = NULL, note = NULL, anonymised_at = {now} WHERE id IN ({list})"
                ))
                .await?;
                Ok((ids.len() as i64, keys))
            }
            Kind::Screenings => {
                exec(tx, &format!(
                    "UPDATE screenings SET applicant_name = '{MARKER}', nik = NULL, birth_date = NULL, sponsor_name = NULL, \
                     sponsor_phone = NULL, hits = '[]', decision_reason = NULL, anonymised_at = {now} WHERE id IN ({list})"
                ))
                .await?;
                Ok((ids.len() as i64, Vec::new()))
            }
            Kind::RoomMessages => {
                let replies: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM room_messages WHERE parent_id IN ({list})"
                )))
                .fetch_all(&mut **tx)
                .await?;
                let mut all = ids.to_vec();
                all.extend(&replies);
                let all = id_list(&all);
                let keys: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT storage_key FROM room_message_files WHERE message_id IN ({all})"
                )))
                .fetch_all(&mut **tx)
                .await?;
                for table in ["room_message_files", "room_mentions", "room_reads"] {
                    exec(
                        tx,
                        &format!("DELETE FROM {table} WHERE message_id IN ({all})"),
                    )
                    .await?;
                }
                // A report made from a message keeps its own copy of the text; the link back goes.
                exec(
                    tx,
                    &format!(
                        "UPDATE reports SET origin_kind = NULL, origin_id = NULL \
                     WHERE origin_kind <> 'whatsapp' AND origin_id IN ({all})"
                    ),
                )
                .await?;
                exec(
                    tx,
                    &format!("DELETE FROM room_messages WHERE parent_id IN ({list})"),
                )
                .await?;
                exec(
                    tx,
                    &format!("DELETE FROM room_messages WHERE id IN ({list})"),
                )
                .await?;
                Ok(((ids.len() + replies.len()) as i64, keys))
            }
        }
    }

    /// Empty the personal fields of these reports, their people, notes and referrals, remove
    /// their attachments' rows (returning the keys) and write their word-search entries anew.
    async fn anonymise_reports(&self, tx: &mut Tx, ids: &[i64], now: i64) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(ids);
        let keys: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT storage_key FROM report_attachments WHERE report_id IN ({list})"
        )))
        .fetch_all(&mut **tx)
        .await?;
        exec(
            tx,
            &format!("DELETE FROM report_attachments WHERE report_id IN ({list})"),
        )
        .await?;
        exec(tx, &format!(
            "UPDATE report_people SET name = NULL, name_key = NULL, phone = NULL, nik = NULL, village = NULL, note = NULL \
             WHERE report_id IN ({list})"
        ))
        .await?;
        exec(tx, &format!("UPDATE report_events SET body = NULL WHERE report_id IN ({list}) AND body IS NOT NULL")).await?;
        exec(
            tx,
            &format!(
                "UPDATE referral_actions SET body = NULL WHERE body IS NOT NULL \
             AND referral_id IN (SELECT id FROM referrals WHERE report_id IN ({list}))"
            ),
        )
        .await?;
        exec(tx, &format!(
            "UPDATE referrals SET message = '{MARKER}', consent_by = NULL, override_reason = NULL, decline_reason = NULL \
             WHERE report_id IN ({list})"
        ))
        .await?;
        exec(tx, &format!(
            "UPDATE reports SET description = '{MARKER}', places = NULL, reporter_name = NULL, reporter_phone = NULL, \
             anonymised_at = {now} WHERE id IN ({list})"
        ))
        .await?;
        let reports = self.db.reports();
        for &id in ids {
            reports.index_report(tx, id).await?;
        }
        Ok(keys)
    }
}

async fn exec(tx: &mut Tx, sql: &str) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The retention repository, reached as `db.retention()`.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
