//! The course of a case: the trafficking decision, exploitation, legal process and outcome,
//! and its status (follow-up, closing with a reason, reopening).

use super::*;

impl crate::cases::Repo<'_> {
    /// Record the trafficking decision, exploitation, legal process and outcome.
    pub async fn update_case(&self, ctx: &Ctx, id: i64, c: &CaseChanges) -> Result<()> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let stage = c.legal_stage;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE cases SET trafficking_status = $1, decision_org = $2, exploitation = $3, destination_country = $4, legal_stage = $5, legal_reference = $6, outcome = $7, updated_at = $8 WHERE id = $9")
            .bind(c.trafficking_status.as_str())
            .bind(c.decision_org.clone())
            .bind(c.exploitation.join(","))
            .bind(c.destination_country.clone())
            .bind(stage.as_str())
            .bind(c.legal_reference.clone())
            .bind(c.outcome.clone())
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("legal_stage={}", stage.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Close (with a reason), put on follow-up, or reopen a case (the transition and the
    /// reason checked by the caller on [`crate::cases::Repo::case_access`]). Closing a case closes its report
    /// when the report's state allows.
    pub async fn set_case_status(&self, ctx: &Ctx, id: i64, c: &CaseStatusChange) -> Result<()> {
        let (place, from, report_id) = self.case_place(ctx, id, Action::CaseManage).await?;
        let (to, reason) = (c.to, c.reason.clone());
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE cases SET status = $1, closure_reason = $2, closed_at = $3, updated_at = $4 WHERE id = $5")
            .bind(to.as_str())
            .bind(if to.is_closed() { reason } else { None })
            .bind(if to.is_closed() { Some(now) } else { None })
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if to.is_closed() {
            advance_report(&mut tx, ctx, report_id, ReportStatus::Selesai).await?;
        }
        crate::webhooks::queue::emit(
            &mut tx,
            benteng_domain::webhook::EventKind::CaseStatus,
            place.as_str(),
            serde_json::json!({
                "case": { "id": id, "report_id": report_id, "from": from.as_str(), "to": to.as_str() },
                "links": { "api": format!("/api/v1/cases/{id}"), "web": format!("/kasus/{id}") },
            }),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "case_status",
                entity: "case",
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
}
