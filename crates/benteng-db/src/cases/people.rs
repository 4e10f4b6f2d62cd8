//! The people and services of a case: adding a victim or a suspect, and recording a service
//! given to the victims.

use super::*;

impl crate::cases::Repo<'_> {
    /// Add a victim or a suspect to a case.
    pub async fn add_case_person(&self, ctx: &Ctx, id: i64, p: &NewCasePerson) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let kind = p.kind.as_str();
        let mut tx = self.db.begin().await?;
        let pid: i64 = sqlx::query_scalar("INSERT INTO case_people (case_id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(id)
            .bind(kind)
            .bind(p.name.clone())
            .bind(p.nik.clone())
            .bind(p.sex.clone())
            .bind(p.birth_date.clone())
            .bind(p.phone.clone())
            .bind(p.role_in_process.clone())
            .bind(p.consent as i64)
            .bind(p.note.clone())
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_person",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("kind={kind}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(pid)
    }

    /// Record a service given to a case's victims.
    pub async fn add_case_service(&self, ctx: &Ctx, id: i64, sv: &NewService) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut tx = self.db.begin().await?;
        let sid: i64 = sqlx::query_scalar("INSERT INTO case_services (case_id, service_date, service_type, provider, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(id)
            .bind(format_date(sv.date))
            .bind(sv.service_type.clone())
            .bind(sv.provider.clone())
            .bind(sv.note.clone())
            .bind(ctx.actor.user_id)
            .bind(crate::now())
            .fetch_one(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_service",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sid)
    }
}
