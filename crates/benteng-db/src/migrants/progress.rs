//! Progress on the legal checklist: the checklist itself (and its editing by admins), each
//! resident's steps with their evidence files, verification by Disnaker/BP3MI, and status
//! changes. The forms are read and the status change decided in `benteng_app::migrants`.

use super::*;

/// Progress on one step, checked (the step is on the checklist).
#[derive(Debug, Clone)]
pub struct StepChange {
    pub step: String,
    pub status: StepStatus,
    pub done_on: Option<Date>,
    pub note: Option<String>,
    /// The step's last change (the later of `updated_at` and `verified_at`) as the form
    /// showed it (Unix seconds, 0 when it had none). When another user changed or verified
    /// the step since, the save is refused ("err-step-changed").
    pub seen: Option<i64>,
}

/// A resident's village, status and dates as stored.
#[derive(Debug, Clone)]
pub struct StatusNow {
    pub place: RegionCode,
    pub status: MigrantStatus,
    /// YYYY-MM-DD.
    pub departure: Option<String>,
    pub ret: Option<String>,
}

/// A status change as decided from the stored one: the new departure and return dates.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub from: MigrantStatus,
    pub to: MigrantStatus,
    /// YYYY-MM-DD.
    pub departure: Option<String>,
    pub ret: Option<String>,
    pub note: Option<String>,
}

/// A checklist step as an admin saved it, checked.
#[derive(Debug, Clone)]
pub struct StepDef {
    /// Lower-case letters and `_`; never changes.
    pub code: String,
    pub label: String,
    pub legal: String,
    pub effective_from: Date,
    pub effective_until: Option<Date>,
    pub required: bool,
    pub position: i64,
}

impl crate::migrants::Repo<'_> {
    /// The checklist, in order (steps no longer in force included).
    pub async fn checklist(&self) -> Result<Vec<Step>> {
        let rows: Vec<StepRecord> = sqlx::query_as(
            "SELECT code, position, label, legal, effective_from, effective_until, required FROM checklist_steps ORDER BY position, code",
        )
        .fetch_all(&self.db.pool)
        .await?;
        Ok(rows.into_iter().filter_map(|r| Some(r.step()?.0)).collect())
    }

    pub(super) async fn step_rows(&self, id: i64, m: &Migrant) -> Result<Vec<StepRow>> {
        #[derive(sqlx::FromRow)]
        struct Progress {
            step: String,
            status: String,
            done_on: Option<String>,
            note: Option<String>,
            file_name: Option<String>,
            verified_by: Option<String>,
            verified_at: Option<i64>,
            updated_at: Option<i64>,
        }
        let progress: Vec<Progress> = sqlx::query_as(
            "SELECT s.step, s.status, s.done_on, s.note, s.file_name, u.username AS verified_by, s.verified_at, s.updated_at \
             FROM migrant_steps s LEFT JOIN users u ON u.id = s.verified_by WHERE s.migrant_id = $1",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let steps = self.checklist().await?;
        let today = crate::today();
        let pairs: Vec<(Step, Option<StepStatus>)> = steps
            .iter()
            .map(|s| {
                let st = progress
                    .iter()
                    .find(|p| p.step == s.code)
                    .and_then(|p| StepStatus::parse(&p.status).ok());
                (s.clone(), st)
            })
            .collect();
        let status = MigrantStatus::parse(&m.status).unwrap_or(MigrantStatus::Rencana);
        let departed = m.departure_date.as_deref().and_then(|d| date(d).ok());
        let missing: Vec<String> = missing_steps(status, departed, today, &pairs)
            .into_iter()
            .map(|s| s.code.clone())
            .collect();
        Ok(steps
            .into_iter()
            .filter(|s| {
                s.in_force(departed.unwrap_or(today)) || progress.iter().any(|p| p.step == s.code)
            })
            .map(|s| {
                let p = progress.iter().find(|p| p.step == s.code);
                StepRow {
                    in_force: s.in_force(today),
                    missing: missing.contains(&s.code),
                    status: p.map_or("belum".into(), |p| p.status.clone()),
                    done_on: p.and_then(|p| p.done_on.clone()),
                    note: p.and_then(|p| p.note.clone()),
                    file_name: p.and_then(|p| p.file_name.clone()),
                    verified_by: p.and_then(|p| p.verified_by.clone()),
                    verified_at: p.and_then(|p| p.verified_at),
                    updated_at: p.and_then(|p| p.updated_at),
                    code: s.code,
                    label: s.label,
                    legal: s.legal,
                    required: s.required,
                }
            })
            .collect())
    }

    /// Record progress on one checklist step, with an optional evidence file (stored before
    /// the row that points to it). Changing a verified step clears the verification.
    pub async fn set_migrant_step(
        &self,
        ctx: &Ctx,
        id: i64,
        c: &StepChange,
        file: Option<(&CleanFile, &dyn BlobStore)>,
    ) -> Result<()> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        let idem = crate::idempotency::IdemKey::of(ctx);
        if crate::idempotency::earlier(self.db, idem.as_ref(), "step")
            .await?
            .is_some()
        {
            return Ok(());
        }
        let (step, status, note) = (&c.step, c.status, c.note.clone());
        let key = match file {
            Some((f, store)) => {
                let key = new_key(f);
                store
                    .put(&key, &f.bytes)
                    .await
                    .map_err(crate::storage::put_failed)?;
                Some(key)
            }
            None => None,
        };
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        if let Some(seen) = c.seen {
            // Changed by someone else since the form was shown (offline, perhaps for days):
            // refuse, and the page shows the step as it is now. The user's own earlier saves
            // (a phone's queue sending two changes of one step) are not a conflict.
            // A verification (Disnaker, BP3MI) is a change too: saving would clear it.
            // updated_at, updated_by, verified_at, verified_by
            type LastChange = (i64, Option<i64>, Option<i64>, Option<i64>);
            let now_row: Option<LastChange> = sqlx::query_as(
                "SELECT updated_at, updated_by, verified_at, verified_by FROM migrant_steps WHERE migrant_id = $1 AND step = $2",
            )
            .bind(id)
            .bind(step.clone())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((at, by, verified_at, verified_by)) = now_row {
                let (last, last_by) = match verified_at {
                    Some(v) if v > at => (v, verified_by),
                    _ => (at, by),
                };
                if last != seen && last_by != Some(ctx.actor.user_id) {
                    return Err(Error::Conflict("step", "err-step-changed"));
                }
            }
        }
        // One statement for the first save and later ones, so two saves at once cannot both
        // try to insert the row.
        sqlx::query(
            "INSERT INTO migrant_steps (migrant_id, step, status, done_on, note, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (migrant_id, step) DO UPDATE SET status = excluded.status, done_on = excluded.done_on, \
             note = excluded.note, verified_by = NULL, verified_at = NULL, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(step.clone())
        .bind(status.as_str())
        .bind(c.done_on.map(format_date))
        .bind(note.clone())
        .bind(ctx.actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let (Some(key), Some((f, _))) = (key, file) {
            sqlx::query(
                "UPDATE migrant_steps SET storage_key = $1, content_type = $2, file_name = $3 WHERE migrant_id = $4 AND step = $5",
            )
            .bind(key)
            .bind(f.content_type)
            .bind(f.file_name.clone())
            .bind(id)
            .bind(step.clone())
            .execute(&mut *tx)
            .await?;
        }
        event(
            &mut tx,
            ctx,
            id,
            "step",
            Some(format!("{step}={}", status.as_str())),
            note,
        )
        .await?;
        recompute(&mut tx, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "step",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{step}={}", status.as_str())),
                ..Default::default()
            },
        )
        .await?;
        if !crate::idempotency::remember(&mut tx, idem.as_ref(), "step", "").await? {
            return Ok(());
        }
        tx.commit().await?;
        Ok(())
    }

    /// The evidence file of a step; each download is a sensitive view.
    pub async fn migrant_step_file(
        &self,
        ctx: &Ctx,
        id: i64,
        step: &str,
        store: &dyn BlobStore,
    ) -> Result<(String, String, Vec<u8>)> {
        let place = self.migrant_place(ctx, id).await?;
        if !self
            .migrant_allows(ctx, Action::MigrantSensitiveView, &place)
            .await?
        {
            return Err(Error::Forbidden);
        }
        let row: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT storage_key, content_type, file_name FROM migrant_steps WHERE migrant_id = $1 AND step = $2",
        )
        .bind(id)
        .bind(step.to_string())
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((Some(key), Some(ct), Some(name))) = row else {
            return Err(Error::NotFound);
        };
        let bytes = store
            .get(&key)
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading an upload failed: {e}")))?
            .ok_or(Error::NotFound)?;
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "view_sensitive",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                sensitive: true,
                detail: Some(format!("file={step}")),
            },
        )
        .await?;
        Ok((ct, name, bytes))
    }

    /// Disnaker or BP3MI confirm a settled step.
    pub async fn verify_migrant_step(&self, ctx: &Ctx, id: i64, step: &str) -> Result<()> {
        let place = self.migrant_place(ctx, id).await?;
        if !self
            .migrant_allows(ctx, Action::MigrantVerify, &place)
            .await?
        {
            return Err(Error::Forbidden);
        }
        // Only a step that is done, checked in the same statement that marks it.
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE migrant_steps SET verified_by = $1, verified_at = $2 WHERE migrant_id = $3 AND step = $4 AND status = 'selesai'",
        )
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .bind(id)
        .bind(step.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(invalid("step", "err-step-not-done"));
        }
        event(&mut tx, ctx, id, "verify", Some(step.to_string()), None).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "verify",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("step={step}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A resident's village, status and dates, for deciding a status change (404 for unknown
    /// ids, 403 outside the scope).
    pub async fn migrant_status_now(&self, ctx: &Ctx, id: i64) -> Result<StatusNow> {
        let place = self.migrant_place(ctx, id).await?;
        let (status, departure, ret): (String, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT status, departure_date, return_date FROM migrants WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        Ok(StatusNow {
            place,
            status: MigrantStatus::parse(&status).unwrap_or(MigrantStatus::Rencana),
            departure,
            ret,
        })
    }

    /// Move a resident along planning → in process → departed → abroad → returned, or to
    /// "bermasalah", with the dates `benteng_app::migrants` worked out. Returns whether the
    /// resident is now flagged as having left without the procedure.
    pub async fn set_migrant_status(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<bool> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        let (from, to, note) = (c.from, c.to, c.note.clone());
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE migrants SET status = $1, departure_date = $2, return_date = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(to.as_str())
        .bind(c.departure.clone())
        .bind(c.ret.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        event(
            &mut tx,
            ctx,
            id,
            "status",
            Some(format!("{}>{}", from.as_str(), to.as_str())),
            note,
        )
        .await?;
        let flagged = recompute(&mut tx, id).await?;
        if flagged && to.has_left() && !from.has_left() {
            crate::webhooks::queue::emit(
                &mut tx,
                benteng_domain::webhook::EventKind::MigrantNonprocedural,
                place.as_str(),
                serde_json::json!({
                    "migrant": { "id": id, "status": to.as_str() },
                    "links": { "api": format!("/api/v1/migrants/{id}"), "web": format!("/calon-pmi/{id}") },
                }),
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "status",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{}>{}", from.as_str(), to.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(flagged)
    }

    /// Add (`new`) or change a checklist step (admins), then recompute the "left without the
    /// procedure" flag of every resident who has left, since the rule they are measured
    /// against changed.
    pub async fn save_checklist_step(&self, ctx: &Ctx, s: &StepDef, new: bool) -> Result<String> {
        ctx.require(Action::GuideManage, None)?;
        let StepDef {
            code,
            label,
            legal,
            effective_from: from,
            effective_until: until,
            position,
            ..
        } = s.clone();
        let required = i64::from(s.required);
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        if new {
            sqlx::query(
                "INSERT INTO checklist_steps (code, position, label, legal, effective_from, effective_until, required, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(code.clone())
            .bind(position)
            .bind(label)
            .bind(legal)
            .bind(format_date(from))
            .bind(until.map(format_date))
            .bind(required)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::on_unique(e, "code", "err-step-code-taken"))?;
        } else {
            let n = sqlx::query(
                "UPDATE checklist_steps SET label = $1, legal = $2, effective_from = $3, effective_until = $4, required = $5, \
                 position = $6, updated_at = $7 WHERE code = $8",
            )
            .bind(label)
            .bind(legal)
            .bind(format_date(from))
            .bind(until.map(format_date))
            .bind(required)
            .bind(position)
            .bind(now)
            .bind(code.clone())
            .execute(&mut *tx)
            .await?;
            if n.rows_affected() == 0 {
                return Err(Error::NotFound);
            }
        }
        let recomputed = recompute_all(&mut tx).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "checklist_step",
                entity_id: Some(code.clone()),
                detail: Some(format!("recomputed={recomputed}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }
}
