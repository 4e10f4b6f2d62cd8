//! Triage: indicators and the priority score, assignment, status changes, merging duplicates
//! and added information. The input is read by `benteng_app::reports`; the writes here check
//! the actor's right on the report again, and guard against a status changed meanwhile.

use super::*;

/// A status change, checked against the state machine on the status read before it (`from`).
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub from: ReportStatus,
    pub to: ReportStatus,
    pub note: String,
}

/// The report a duplicate is merged into, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeTarget {
    /// A tracking code, normalised.
    Code(String),
    /// A report id (`#12` or `12`).
    Id(i64),
}

/// Marking a report as a duplicate: the other report (`None` when what was typed is neither a
/// code nor an id) and a note.
#[derive(Debug, Clone)]
pub struct Merge {
    pub into: Option<MergeTarget>,
    pub note: Option<String>,
}

impl crate::reports::Repo<'_> {
    /// Recompute and store the priority from the current indicators, people and links.
    async fn refresh_priority(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
    ) -> Result<Priority> {
        let (category, indicators, departure_soon, kab): (String, String, i64, String) =
            sqlx::query_as(
                "SELECT category, indicators, departure_soon, kab_code FROM reports WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let people: Vec<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT role, name, phone, minor FROM report_people WHERE report_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        let valid: Vec<NewPerson> = people
            .iter()
            .map(|(role, name, phone, minor)| NewPerson {
                role: PersonRole::parse(role).unwrap_or(PersonRole::Saksi),
                name: name.clone(),
                phone: phone.clone(),
                nik: None,
                sex: None,
                minor: *minor == 1,
                village: None,
                note: None,
            })
            .collect();
        let linked = self.count_links(&valid, &kab, Some(id)).await?;
        let ind: Vec<&str> = indicators.split(',').filter(|s| !s.is_empty()).collect();
        let p = priority(
            &self.db.weights,
            &PriorityInput {
                category: Category::parse(&category).ok(),
                indicators: &ind,
                minor: valid
                    .iter()
                    .any(|p| p.minor && p.role == PersonRole::Korban),
                departure_soon: departure_soon == 1,
                recruiter_known: valid.iter().any(|p| {
                    p.role == PersonRole::Perekrut && (p.name.is_some() || p.phone.is_some())
                }),
                linked_reports: linked,
            },
        );
        sqlx::query("UPDATE reports SET priority = $1, priority_reasons = $2, priority_linked = $3, updated_at = $4 WHERE id = $5")
            .bind(p.score)
            .bind(p.encode_reasons())
            .bind(p.linked_part())
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(p)
    }

    /// Tick the trafficking indicators of a report (known codes, from `clean_indicators`); the
    /// priority follows.
    pub async fn set_indicators(
        &self,
        ctx: &Ctx,
        id: i64,
        clean: &[&'static str],
    ) -> Result<Priority> {
        let (place, _) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE reports SET indicators = $1 WHERE id = $2")
            .bind(clean.join(","))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let p = self.refresh_priority(&mut tx, id).await?;
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "indicators",
            None,
            None,
            Some(clean.join(", ")),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "indicators",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("priority={}", p.score)),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Assign a report to an officer whose area covers it (or to nobody).
    pub async fn assign_report(&self, ctx: &Ctx, id: i64, user_id: Option<i64>) -> Result<()> {
        let (place, _) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let name = match user_id {
            Some(uid) => {
                let ok = match self.db.users().actor(uid).await? {
                    Some((a, u)) => {
                        a.role == Role::Petugas
                            && benteng_domain::can(&a, Action::ReportTriage, Some(&place))
                            && u.active == 1
                    }
                    None => false,
                };
                if !ok {
                    return Err(invalid("assigned_to", "err-officer-not-eligible"));
                }
                self.db.users().actor(uid).await?.map(|(_, u)| u.full_name)
            }
            None => None,
        };
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE reports SET assigned_to = $1, updated_at = $2 WHERE id = $3")
            .bind(user_id)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        add_event(&mut tx, id, Some(ctx), "assigned", None, None, name).await?;
        if let Some(uid) = user_id.filter(|u| *u != ctx.actor.user_id) {
            outbox::notify(
                &mut tx,
                &[uid],
                &Notice {
                    kind: "report_assigned",
                    link: format!("/laporan/{id}"),
                    subject: id.to_string(),
                },
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "assign",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: user_id.map(|u| format!("user={u}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Move a report to another status with a note (the transition checked by the caller on
    /// `c.from`); refused as changed meanwhile when the report is no longer in `c.from`.
    pub async fn change_report_status(&self, ctx: &Ctx, id: i64, c: &StatusChange) -> Result<()> {
        let (place, _) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let StatusChange { from, to, note } = c.clone();
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(crate::now())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            // Someone else changed it meanwhile.
            return Err(Error::Conflict("status", "err-changed-meanwhile"));
        }
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "status",
            Some(from.as_str()),
            Some(to.as_str()),
            Some(note),
        )
        .await?;
        report_status_hook(&mut tx, id, &place, from.as_str(), to.as_str()).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "status",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{}->{}", from.as_str(), to.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Mark a report as a duplicate of another (by id or tracking code); it closes as merged
    /// and its people then count as links of the other. The other report must be one the
    /// actor may triage, and both reports' states are checked here, where they guard the write.
    pub async fn merge_report(&self, ctx: &Ctx, id: i64, m: &Merge) -> Result<i64> {
        let (place, from) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let target: Option<i64> = match &m.into {
            Some(MergeTarget::Code(code)) => {
                sqlx::query_scalar("SELECT id FROM reports WHERE tracking_code = $1")
                    .bind(code.clone())
                    .fetch_optional(&self.db.pool)
                    .await?
            }
            Some(MergeTarget::Id(id)) => Some(*id),
            None => None,
        };
        let note = m.note.clone();
        let target = target.ok_or_else(|| invalid("into", "err-report-not-found"))?;
        if target == id {
            return Err(invalid("into", "err-merge-self"));
        }
        if !from.can_merge() {
            return Err(invalid("into", "err-status-transition"));
        }
        let (_, tstatus) = self
            .report_place(ctx, target, Action::ReportTriage)
            .await
            .map_err(|e| match e {
                Error::NotFound | Error::Forbidden => invalid("into", "err-report-not-found"),
                e => e,
            })?;
        if tstatus == ReportStatus::Digabung {
            return Err(invalid("into", "err-merge-into-merged"));
        }
        let mut tx = self.db.begin().await?;
        // Only if nobody changed its status meanwhile, as for every status change.
        let n = sqlx::query("UPDATE reports SET status = 'digabung', merged_into = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(target)
            .bind(crate::now())
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::Conflict("status", "err-changed-meanwhile"));
        }
        // The target must still be a live report: two merges at once (A into B, B into A)
        // would otherwise leave both merged into each other.
        let live = sqlx::query(
            "UPDATE reports SET updated_at = $1 WHERE id = $2 AND status <> 'digabung'",
        )
        .bind(crate::now())
        .bind(target)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if live == 0 {
            return Err(Error::Conflict("into", "err-merge-into-merged"));
        }
        report_status_hook(&mut tx, id, &place, from.as_str(), "digabung").await?;
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "merged",
            Some(from.as_str()),
            Some("digabung"),
            Some(format!("#{target} {}", note.clone().unwrap_or_default())),
        )
        .await?;
        add_event(
            &mut tx,
            target,
            Some(ctx),
            "merged_from",
            None,
            None,
            Some(format!("#{id}")),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "merge",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("into={target}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(target)
    }

    /// Add information (and files) to a report: village users and officers. A merged report
    /// takes no more (checked here, on the status read with the actor's right).
    pub async fn add_report_info(
        &self,
        ctx: &Ctx,
        id: i64,
        body: String,
        files: &[CleanFile],
        store: &dyn BlobStore,
    ) -> Result<()> {
        let (place, status) = self.report_place(ctx, id, Action::ReportAddInfo).await?;
        if status == ReportStatus::Digabung {
            return Err(invalid("body", "err-report-merged"));
        }
        if files.len() > MAX_FILES {
            return Err(invalid("files", "err-too-many-files"));
        }
        let keys = self.store_files(store, files).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        for (f, key) in files.iter().zip(&keys) {
            sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(key.clone())
                .bind(f.content_type)
                .bind(f.bytes.len() as i64)
                .bind(f.file_name.clone())
                .bind(ctx.actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        add_event(&mut tx, id, Some(ctx), "info", None, None, Some(body)).await?;
        sqlx::query("UPDATE reports SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.index_report(&mut tx, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_info",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("files={}", files.len())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Tell subscribed partner systems that report `id` moved from `from` to `to`.
pub(crate) async fn report_status_hook(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    place: &RegionCode,
    from: &str,
    to: &str,
) -> Result<()> {
    crate::webhooks::queue::emit(
        tx,
        benteng_domain::webhook::EventKind::ReportStatus,
        place.as_str(),
        serde_json::json!({
            "report": { "id": id, "from": from, "to": to },
            "links": { "api": format!("/api/v1/reports/{id}"), "web": format!("/laporan/{id}") },
        }),
    )
    .await?;
    Ok(())
}
