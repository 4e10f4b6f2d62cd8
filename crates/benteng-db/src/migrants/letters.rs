//! The family permission letter: numbered per village and year, printed as PDF by the web
//! crate from [`LetterData`]. The form is read in `benteng_app::migrants`.

use super::*;

/// A family permission letter as the village fills it in, checked.
#[derive(Debug, Clone)]
pub struct NewLetter {
    pub kind: LetterKind,
    pub giver_name: String,
    /// 16 digits.
    pub giver_nik: Option<String>,
    pub giver_birth: Option<String>,
    pub giver_address: Option<String>,
    pub relation: String,
    /// The village head who acknowledges the letter.
    pub head_name: String,
}

impl crate::migrants::Repo<'_> {
    /// Issue a numbered family permission letter for a resident (serial per village and
    /// year). The checklist step "izin_keluarga" is marked done if it was not settled.
    pub async fn issue_letter(&self, ctx: &Ctx, id: i64, l: &NewLetter) -> Result<i64> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        let NewLetter {
            kind,
            giver_name: giver,
            giver_nik,
            giver_birth,
            giver_address,
            relation,
            head_name: head,
        } = l.clone();
        let today = crate::today();
        let year = i64::from(today.year());
        let now = crate::now();
        // Two letters issued at once in one village race for the serial; the unique index
        // makes the loser retry with the next one.
        for _ in 0..5 {
            let mut tx = self.db.begin().await?;
            let seq: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM permission_letters WHERE village_code = $1 AND year = $2",
            )
            .bind(place.as_str().to_string())
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            let number = letter_number(seq, place.as_str(), today.year());
            let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
                "INSERT INTO permission_letters (migrant_id, village_code, year, seq, number, kind, giver_name, giver_nik, giver_birth, \
                 giver_address, relation, head_name, issued_on, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
            )
            .bind(id)
            .bind(place.as_str().to_string())
            .bind(year)
            .bind(seq)
            .bind(number.clone())
            .bind(kind.as_str())
            .bind(giver.clone())
            .bind(giver_nik.clone())
            .bind(giver_birth.clone())
            .bind(giver_address.clone())
            .bind(relation.clone())
            .bind(head.clone())
            .bind(format_date(today))
            .bind(ctx.actor.user_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            let letter_id = match inserted {
                Ok((lid,)) => lid,
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => continue,
                Err(err) => return Err(err.into()),
            };
            let settled: Option<String> = sqlx::query_scalar(
                "SELECT status FROM migrant_steps WHERE migrant_id = $1 AND step = 'izin_keluarga'",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let settled = settled
                .as_deref()
                .and_then(|s| StepStatus::parse(s).ok())
                .is_some_and(StepStatus::settled);
            let has_step: Option<String> =
                sqlx::query_scalar("SELECT code FROM checklist_steps WHERE code = 'izin_keluarga'")
                    .fetch_optional(&mut *tx)
                    .await?;
            if !settled && has_step.is_some() {
                // Keeps an evidence file uploaded earlier; a step not yet settled has no
                // verification to keep.
                sqlx::query(
                    "INSERT INTO migrant_steps (migrant_id, step, status, done_on, note, updated_by, updated_at) \
                     VALUES ($1, 'izin_keluarga', 'selesai', $2, $3, $4, $5) \
                     ON CONFLICT (migrant_id, step) DO UPDATE SET status = excluded.status, done_on = excluded.done_on, \
                     note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(id)
                .bind(format_date(today))
                .bind(number.clone())
                .bind(ctx.actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            event(&mut tx, ctx, id, "letter", Some(number.clone()), None).await?;
            recompute(&mut tx, id).await?;
            audit::write(
                &mut *tx,
                Some(ctx),
                Event {
                    action: "issue_letter",
                    entity: "migrant",
                    entity_id: Some(id.to_string()),
                    region: Some(&place),
                    detail: Some(format!("letter={letter_id}")),
                    ..Default::default()
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(letter_id);
        }
        Err(Error::Conflict("kind", "err-try-again"))
    }

    /// What the letter prints. Full NIKs: only roles that may see them; audited.
    pub async fn letter_data(&self, ctx: &Ctx, id: i64, letter_id: i64) -> Result<LetterData> {
        let place = self.migrant_place(ctx, id).await?;
        if !self
            .migrant_allows(ctx, Action::MigrantSensitiveView, &place)
            .await?
        {
            return Err(Error::Forbidden);
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            number: String,
            kind: String,
            giver_name: String,
            giver_nik: Option<String>,
            giver_birth: Option<String>,
            giver_address: Option<String>,
            relation: String,
            head_name: String,
            issued_on: String,
            name: String,
            nik: Option<String>,
            birth_place: Option<String>,
            birth_date: Option<String>,
            address: Option<String>,
            destination: Option<String>,
            job: Option<String>,
            scheme: String,
            p3mi_name: Option<String>,
            p3mi_licence: Option<String>,
        }
        let r: Row = sqlx::query_as(
            "SELECT l.number, l.kind, l.giver_name, l.giver_nik, l.giver_birth, l.giver_address, l.relation, l.head_name, l.issued_on, \
             m.name, m.nik, m.birth_place, m.birth_date, m.address, m.destination, m.job, m.scheme, \
             p.name AS p3mi_name, p.licence_no AS p3mi_licence \
             FROM permission_letters l JOIN migrants m ON m.id = l.migrant_id LEFT JOIN p3mi p ON p.id = m.p3mi_id \
             WHERE l.id = $1 AND l.migrant_id = $2",
        )
        .bind(letter_id)
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        let path = self
            .db
            .regions()
            .region_path_raw(place.as_str())
            .await?
            .ok_or(Error::NotFound)?;
        // Ancestors run from the kecamatan up to the province.
        let name_at = |i: usize| {
            path.ancestors
                .get(i)
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "print_letter",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                sensitive: true,
                detail: Some(format!("letter={letter_id}")),
            },
        )
        .await?;
        Ok(LetterData {
            number: r.number,
            kind: r.kind,
            province: name_at(2),
            regency: name_at(1),
            district: name_at(0),
            village: path.region.name.clone(),
            giver_name: r.giver_name,
            giver_nik: r.giver_nik.unwrap_or_default(),
            giver_birth: r.giver_birth.unwrap_or_default(),
            giver_address: r.giver_address.unwrap_or_default(),
            relation: r.relation,
            worker_name: r.name,
            worker_nik: r.nik.unwrap_or_default(),
            worker_birth_place: r.birth_place.unwrap_or_default(),
            worker_birth_date: r.birth_date.as_deref().and_then(|d| date(d).ok()),
            worker_address: r.address.unwrap_or_default(),
            destination: r.destination,
            job: r.job.unwrap_or_default(),
            scheme: r.scheme,
            p3mi: r.p3mi_name.zip(r.p3mi_licence),
            issued_on: date(&r.issued_on).unwrap_or(crate::today()),
            head_name: r.head_name,
        })
    }
}
