//! Registering a resident and editing their particulars: the NIK and age checks flag what
//! does not fit (they do not refuse), and the row is written with its first history entry.

use super::*;

/// A resident's particulars as checked by `benteng_app::migrants` (the village in the actor's
/// scope, the P3MI in the registry).
#[derive(Debug, Clone)]
pub struct NewMigrant {
    pub village: RegionCode,
    pub name: String,
    pub nik: Option<Nik>,
    pub birth_place: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// Normalised (`+62…`).
    pub phone: Option<String>,
    pub address: Option<String>,
    /// ISO 3166 alpha-2.
    pub destination: Option<String>,
    pub job: Option<String>,
    pub scheme: Scheme,
    pub p3mi_id: Option<i64>,
    pub note: Option<String>,
    /// Checklist steps already done when the resident is registered (checked codes of steps
    /// in force); ignored when particulars change.
    pub steps_done: Vec<String>,
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::Male => "l",
        Sex::Female => "p",
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Bind the particulars the insert and the update both write, in this order: village_code,
/// kab_code, prov_code, name, name_search, nik, nik_flags, birth_place, birth_date, sex, phone,
/// address, destination, job, scheme, p3mi_id.
fn bind_particulars<'q>(q: AnyQuery<'q>, v: &NewMigrant, flags: &str) -> AnyQuery<'q> {
    let (kab, prov) = kab_and_prov(&v.village);
    q.bind(v.village.as_str().to_string())
        .bind(kab.unwrap_or_default())
        .bind(prov)
        .bind(v.name.clone())
        .bind(v.name.to_lowercase())
        .bind(v.nik.as_ref().map(|n| n.as_str().to_string()))
        .bind(flags.to_string())
        .bind(v.birth_place.clone())
        .bind(v.birth_date.map(format_date))
        .bind(v.sex.map(sex_code))
        .bind(v.phone.clone())
        .bind(v.address.clone())
        .bind(v.destination.clone())
        .bind(v.job.clone())
        .bind(v.scheme.as_str())
        .bind(v.p3mi_id)
}

impl crate::migrants::Repo<'_> {
    /// Codes of what the NIK and age checks found (region unknown included).
    pub(super) async fn person_flags(&self, v: &NewMigrant) -> Result<String> {
        Ok(self
            .person_findings(v.nik.as_ref(), v.birth_date, v.sex)
            .await?
            .join(","))
    }

    /// What the register flags about a person: the NIK's district missing from the region
    /// list (`nik:region_unknown`, first), then the NIK against the declared birth date and
    /// sex and the age ([`check_person`], on today's date). Also the answer of the NIK check,
    /// which stores nothing.
    pub async fn person_findings(
        &self,
        nik: Option<&Nik>,
        birth_date: Option<Date>,
        sex: Option<Sex>,
    ) -> Result<Vec<&'static str>> {
        let mut flags: Vec<&'static str> = check_person(nik, birth_date, sex, crate::today())
            .iter()
            .map(|f| f.code())
            .collect();
        if let Some(n) = nik {
            if self
                .db
                .regions()
                .region_by_code(n.region_code().as_str())
                .await?
                .is_none()
            {
                flags.insert(0, "nik:region_unknown");
            }
        }
        Ok(flags)
    }

    /// Register a resident. Returns the id and the flags of the NIK check (shown to the user).
    pub async fn create_migrant(&self, ctx: &Ctx, v: &NewMigrant) -> Result<(i64, String)> {
        ctx.require(Action::MigrantManage, Some(&v.village))?;
        let idem = crate::idempotency::IdemKey::of(ctx);
        if let Some(a) = crate::idempotency::earlier(self.db, idem.as_ref(), "migrant").await? {
            return migrant_answer(&a);
        }
        let flags = self.person_flags(v).await?;
        let mut tx = self.db.begin().await?;
        let id = insert_migrant(&mut tx, ctx, v, &flags, MigrantStatus::Rencana, None).await?;
        if !v.steps_done.is_empty() {
            let now = crate::now();
            let today = format_date(crate::today());
            for step in &v.steps_done {
                sqlx::query(
                    "INSERT INTO migrant_steps (migrant_id, step, status, done_on, updated_by, updated_at) \
                     VALUES ($1, $2, 'selesai', $3, $4, $5)",
                )
                .bind(id)
                .bind(step.clone())
                .bind(today.clone())
                .bind(ctx.actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                event(
                    &mut tx,
                    ctx,
                    id,
                    "step",
                    Some(format!("{step}=selesai")),
                    None,
                )
                .await?;
            }
            recompute(&mut tx, id).await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                ..Default::default()
            },
        )
        .await?;
        let answer = format!("{id} {flags}");
        if !crate::idempotency::remember(&mut tx, idem.as_ref(), "migrant", &answer).await? {
            drop(tx);
            return migrant_answer(
                &crate::idempotency::first_answer(self.db, idem.as_ref(), "migrant").await?,
            );
        }
        tx.commit().await?;
        Ok((id, flags))
    }

    /// Change a resident's particulars (not the status or the steps).
    pub async fn update_migrant(&self, ctx: &Ctx, id: i64, v: &NewMigrant) -> Result<String> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        ctx.require(Action::MigrantManage, Some(&v.village))?;
        let flags = self.person_flags(v).await?;
        let mut tx = self.db.begin().await?;
        bind_particulars(
            sqlx::query(
                "UPDATE migrants SET village_code = $1, kab_code = $2, prov_code = $3, name = $4, name_search = $5, nik = $6, \
                 nik_flags = CASE WHEN nik_check IS NOT NULL AND COALESCE(nik, '') = COALESCE($6, '') THEN '' ELSE $7 END, \
                 nik_check = CASE WHEN COALESCE(nik, '') = COALESCE($6, '') THEN nik_check ELSE NULL END, birth_place = $8, birth_date = $9, sex = $10, phone = $11, address = $12, destination = $13, \
                 job = $14, scheme = $15, p3mi_id = $16, note = $17, updated_at = $18 WHERE id = $19",
            ),
            v,
            &flags,
        )
        .bind(v.note.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        event(&mut tx, ctx, id, "edit", None, None).await?;
        recompute(&mut tx, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(flags)
    }

    /// Is a resident with this NIK registered in this village already?
    pub async fn migrant_nik_registered(&self, nik: &Nik, village: &RegionCode) -> Result<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT id FROM migrants WHERE nik = $1 AND village_code = $2",
        )
        .bind(nik.as_str().to_string())
        .bind(village.as_str().to_string())
        .fetch_optional(&self.db.pool)
        .await?
        .is_some())
    }
}

pub(super) async fn insert_migrant(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    v: &NewMigrant,
    flags: &str,
    status: MigrantStatus,
    how: Option<&str>,
) -> Result<i64> {
    use sqlx::Row;
    let row = bind_particulars(
        sqlx::query(
            "INSERT INTO migrants (village_code, kab_code, prov_code, name, name_search, nik, nik_flags, birth_place, birth_date, sex, \
             phone, address, destination, job, scheme, p3mi_id, status, note, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
        ),
        v,
        flags,
    )
    .bind(status.as_str())
    .bind(v.note.clone())
    .bind(ctx.actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = row.try_get(0)?;
    event(tx, ctx, id, "create", how.map(str::to_string), None).await?;
    Ok(id)
}

/// The id and NIK-check flags an idempotency key recorded ("id flags").
fn migrant_answer(a: &str) -> Result<(i64, String)> {
    let (id, flags) = a.split_once(' ').unwrap_or((a, ""));
    let id = id
        .parse()
        .map_err(|_| Error::Other(anyhow::anyhow!("unreadable idempotency answer")))?;
    Ok((id, flags.to_string()))
}
