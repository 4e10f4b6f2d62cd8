//! Opening a case from a report (its victims and suspected recruiters come along) and the
//! list of cases in the actor's scope.

use super::*;

impl crate::cases::Repo<'_> {
    /// Open a case from a report; the report's victims and suspected recruiters (with names)
    /// become the case's victims and suspects. A merged report is refused by the caller, on
    /// [`crate::reports::Repo::report_access`]; the actor's right is checked again here.
    pub async fn open_case(&self, ctx: &Ctx, report_id: i64, ts: TraffickingStatus) -> Result<i64> {
        let (place, _) = self
            .db
            .reports()
            .report_place(ctx, report_id, Action::CaseManage)
            .await?;
        let r = self.db.reports().report_row(report_id).await?;
        let people = self.db.reports().report_people(report_id).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (case_number, report_id, status, region_code, kab_code, prov_code, office_id, owner_id, trafficking_status, \
             destination_country, legal_stage, opened_at, updated_at) \
             VALUES ($1, $2, 'aktif', $3, $4, $5, $6, $7, $8, $9, 'belum', $10, $10) RETURNING id",
        )
        .bind(format!("tmp-{report_id}"))
        .bind(report_id)
        .bind(r.region_code.clone())
        .bind(r.kab_code.clone())
        .bind(r.region_code[..2].to_string())
        .bind(ctx.actor.office_id)
        .bind(ctx.actor.user_id)
        .bind(ts.as_str())
        .bind(r.destination_country.clone())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::on_unique(e, "trafficking_status", "err-case-exists"))?;
        let number = format!("TPPO-{}-{id:05}", crate::today().year());
        sqlx::query("UPDATE cases SET case_number = $1 WHERE id = $2")
            .bind(number)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for p in people {
            let (kind, role) = match p.role.as_str() {
                "korban" => ("korban", None),
                "perekrut" => ("tersangka", Some("RecruiterOrIntermediary")),
                _ => continue,
            };
            let Some(name) = p.name else { continue };
            sqlx::query("INSERT INTO case_people (case_id, kind, name, nik, sex, phone, role_in_process, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id)
                .bind(kind)
                .bind(name)
                .bind(p.nik)
                .bind(p.sex)
                .bind(p.phone)
                .bind(role)
                .bind(p.note)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE referrals SET case_id = $1 WHERE report_id = $2")
            .bind(id)
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
        add_event(
            &mut tx,
            report_id,
            Some(ctx),
            "case",
            None,
            None,
            Some(format!("#{id}")),
        )
        .await?;
        advance_report(&mut tx, ctx, report_id, ReportStatus::Ditangani).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "open_case",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("report={report_id}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The cases in the actor's scope, newest first.
    pub async fn list_cases(&self, ctx: &Ctx, q: &CaseFilter, per_page: i64) -> Result<Page<Case>> {
        ctx.require(Action::CaseView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "c.region_code",
            "c.kab_code",
            "c.prov_code",
        );
        if let Some(s) = q.status {
            let ph = f.text(s.as_str());
            f.push(format!("c.status = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM cases c{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<Case>(format!("{CASE_SELECT}{} ORDER BY c.opened_at DESC, c.id DESC LIMIT {per_page} OFFSET {offset}", f.where_sql()))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }
}
