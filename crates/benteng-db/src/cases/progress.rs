//! The course of a case: the trafficking decision, exploitation, legal process and outcome,
//! and its status (follow-up, closing with a reason, reopening).

use super::*;

impl Db {
    pub async fn update_case(&self, ctx: &Ctx, id: i64, i: &CaseInput) -> Result<()> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let ts = e.check(
            "trafficking_status",
            TraffickingStatus::parse(&i.trafficking_status),
        );
        let decision = match i.decision_org.trim() {
            "" => None,
            d if DECISION_ORGS.contains(&d) => Some(d.to_string()),
            _ => {
                e.add("decision_org", "err-invalid-choice");
                None
            }
        };
        let exploitation: Vec<&str> = i
            .exploitation
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if exploitation.iter().any(|x| !EXPLOITATION_TYPES.contains(x)) {
            e.add("exploitation", "err-invalid-choice");
        }
        let country = i.destination_country.trim().to_uppercase();
        if !country.is_empty() && !COUNTRIES.contains(&country.as_str()) {
            e.add("destination_country", "err-invalid-choice");
        }
        let stage = e.check("legal_stage", LegalStage::parse(&i.legal_stage));
        let reference = e
            .check("legal_reference", optional_text(&i.legal_reference, 120))
            .flatten();
        let outcome = e
            .check("outcome", optional_text(&i.outcome, 2000))
            .flatten();
        e.into_result()?;
        let (Some(ts), Some(stage)) = (ts, stage) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE cases SET trafficking_status = $1, decision_org = $2, exploitation = $3, destination_country = $4, legal_stage = $5, legal_reference = $6, outcome = $7, updated_at = $8 WHERE id = $9")
            .bind(ts.as_str())
            .bind(decision)
            .bind(exploitation.join(","))
            .bind((!country.is_empty()).then_some(country))
            .bind(stage.as_str())
            .bind(reference)
            .bind(outcome)
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

    /// Close (with a reason), put on follow-up, or reopen a case. Closing a case closes its
    /// report when the report's state allows.
    pub async fn set_case_status(&self, ctx: &Ctx, id: i64, i: &CaseStatusInput) -> Result<()> {
        let (place, from, report_id) = self.case_place(ctx, id, Action::CaseManage).await?;
        let to = CaseStatus::parse(&i.status).map_err(|c| invalid("status", c))?;
        if !from.can_move_to(to) {
            return Err(invalid("status", "err-status-transition"));
        }
        let reason = optional_text(&i.reason, 1000).map_err(|c| invalid("reason", c))?;
        if to.is_closed() && reason.is_none() {
            return Err(invalid("reason", "err-reason-required"));
        }
        let now = crate::now();
        let mut tx = self.begin().await?;
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
