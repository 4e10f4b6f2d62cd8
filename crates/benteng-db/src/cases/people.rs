//! The people and services of a case: adding a victim or a suspect, and recording a service
//! given to the victims.

use super::*;

impl Db {
    pub async fn add_case_person(&self, ctx: &Ctx, id: i64, i: &CasePersonInput) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let kind = match i.kind.trim() {
            k @ ("korban" | "tersangka") => Some(k),
            "" => {
                e.add("kind", "err-required");
                None
            }
            _ => {
                e.add("kind", "err-invalid-choice");
                None
            }
        };
        let name = e.check("name", required_text(&i.name, 120));
        let nik = e.check("nik", parse_nik(&i.nik)).flatten();
        let sex = match i.sex.trim() {
            "" => None,
            s @ ("L" | "P") => Some(s.to_string()),
            _ => {
                e.add("sex", "err-invalid-choice");
                None
            }
        };
        let birth = if i.birth_date.trim().is_empty() {
            None
        } else {
            match date(&i.birth_date) {
                Ok(d) if d > crate::today() => {
                    e.add("birth_date", "err-date-future");
                    None
                }
                Ok(d) => Some(format_date(d)),
                Err(c) => {
                    e.add("birth_date", c);
                    None
                }
            }
        };
        let phone = if i.phone.trim().is_empty() {
            None
        } else {
            e.check("phone", PhoneNumber::parse(&i.phone))
                .map(|p| p.as_str().to_string())
        };
        let role = match i.role_in_process.trim() {
            "" => None,
            r if PERPETRATOR_ROLES.contains(&r) && kind == Some("tersangka") => Some(r.to_string()),
            _ => {
                e.add("role_in_process", "err-invalid-choice");
                None
            }
        };
        let note = e.check("note", optional_text(&i.note, 1000)).flatten();
        e.into_result()?;
        let (Some(kind), Some(name)) = (kind, name) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        let pid: i64 = sqlx::query_scalar("INSERT INTO case_people (case_id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(id)
            .bind(kind)
            .bind(name)
            .bind(nik)
            .bind(sex)
            .bind(birth)
            .bind(phone)
            .bind(role)
            .bind((kind == "korban" && ticked(&i.consent)) as i64)
            .bind(note)
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

    pub async fn add_case_service(&self, ctx: &Ctx, id: i64, i: &ServiceInput) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let d = e.check("service_date", date(&i.service_date));
        if d.is_some_and(|d| d > crate::today()) {
            e.add("service_date", "err-date-future");
        }
        let t = i.service_type.trim();
        if !SERVICE_TYPES.contains(&t) {
            e.add(
                "service_type",
                if t.is_empty() {
                    "err-required"
                } else {
                    "err-invalid-choice"
                },
            );
        }
        let provider = e.check("provider", required_text(&i.provider, 200));
        let note = e.check("note", optional_text(&i.note, 1000)).flatten();
        e.into_result()?;
        let (Some(d), Some(provider)) = (d, provider) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        let sid: i64 = sqlx::query_scalar("INSERT INTO case_services (case_id, service_date, service_type, provider, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(id)
            .bind(format_date(d))
            .bind(t.to_string())
            .bind(provider)
            .bind(note)
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
