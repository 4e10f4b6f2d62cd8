//! One resident's page: particulars, checklist, letters and history, with the NIK and phone
//! revealed only to roles that need them (every view audited).

use super::*;

impl crate::migrants::Repo<'_> {
    /// One resident with the checklist, letters and history. `reveal` asks for the NIK and
    /// phone in full: allowed to roles that need them, audited as a sensitive view. Every
    /// detail view is audited.
    pub async fn get_migrant(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<MigrantDetail> {
        let place = self.migrant_place(ctx, id).await?;
        let can_reveal = self
            .migrant_allows(ctx, Action::MigrantSensitiveView, &place)
            .await?;
        let revealed = reveal && can_reveal;
        let mut migrant =
            sqlx::query_as::<_, Migrant>(sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1")))
                .bind(id)
                .fetch_one(&self.db.pool)
                .await?;
        if !revealed {
            migrant.mask();
        }
        let steps = self.step_rows(id, &migrant).await?;
        let letters = sqlx::query_as::<_, Letter>(
            "SELECT id, number, kind, giver_name, relation, issued_on FROM permission_letters WHERE migrant_id = $1 ORDER BY id DESC",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let events = sqlx::query_as::<_, MigrantEvent>(
            "SELECT e.at, u.username, e.kind, e.detail, e.note FROM migrant_events e LEFT JOIN users u ON u.id = e.user_id \
             WHERE e.migrant_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT 50",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: if revealed { "view_sensitive" } else { "view" },
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                sensitive: revealed,
                detail: revealed.then(|| "fields=nik,phone".to_string()),
            },
        )
        .await?;
        Ok(MigrantDetail {
            can_manage: ctx.allows(Action::MigrantManage, Some(&place)),
            can_verify: self
                .migrant_allows(ctx, Action::MigrantVerify, &place)
                .await?,
            can_reveal,
            revealed,
            migrant,
            steps,
            letters,
            events,
        })
    }
}
