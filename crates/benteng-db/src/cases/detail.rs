//! A case's page: the case with its people and services, masked unless the actor may see
//! personal data and asks to (an audited sensitive view).

use super::*;

impl crate::cases::Repo<'_> {
    /// One case with its people and services.
    pub async fn get_case(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<CaseDetail> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseView).await?;
        let case = sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(format!(
            "{CASE_SELECT} WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        let mut people = self.case_people(id).await?;
        let services = sqlx::query_as::<_, CaseService>("SELECT id, service_date, service_type, provider, note FROM case_services WHERE case_id = $1 ORDER BY service_date, id")
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?;
        let unmasked = self
            .db
            .reports()
            .reveal_or_mask(
                ctx,
                reveal,
                ctx.allows(Action::ReportSensitiveView, Some(&place)),
                SensitiveView {
                    entity: "case",
                    id,
                    place: &place,
                    fields: "people.nik,people.phone,people.birth_date",
                },
                || {
                    for p in &mut people {
                        p.nik = p.nik.as_deref().map(mask_nik);
                        p.phone = p.phone.as_deref().map(mask_phone);
                        p.birth_date = p
                            .birth_date
                            .as_ref()
                            .map(|d| d[..4.min(d.len())].to_string());
                    }
                },
            )
            .await?;
        Ok(CaseDetail {
            case,
            people,
            services,
            unmasked,
        })
    }
}
