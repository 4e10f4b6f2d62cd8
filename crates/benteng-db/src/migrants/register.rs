//! Registering a resident and editing their particulars: validating the form (the NIK and
//! age checks flag what does not fit, they do not refuse) and writing the row with its first
//! history entry.

use super::*;

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::Male => "l",
        Sex::Female => "p",
    }
}

fn parse_sex(s: &str) -> Result<Option<Sex>, &'static str> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "l" | "laki-laki" | "m" => Ok(Some(Sex::Male)),
        "p" | "perempuan" | "f" => Ok(Some(Sex::Female)),
        _ => Err("err-invalid-choice"),
    }
}

impl Db {
    pub(super) async fn parse_migrant(&self, ctx: &Ctx, i: &MigrantInput) -> Result<Valid> {
        let mut e = FieldErrors::new();
        let village = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Desa, Scope::Village(v)) => Some(v.clone()),
            _ => self.known_village(&i.village, "village", &mut e).await?,
        };
        if let Some(v) = &village {
            if !ctx.allows(Action::MigrantManage, Some(v)) {
                e.add("village", "err-region-out-of-scope");
            }
        }
        let name = e.check("name", required_text(&i.name, 200));
        let nik = match i.nik.trim() {
            "" => None,
            n => e.check("nik", Nik::parse(n)),
        };
        let birth_place = e
            .check("birth_place", optional_text(&i.birth_place, 100))
            .flatten();
        let birth_date = match i.birth_date.trim() {
            "" => None,
            d => match date(d) {
                Ok(d) if d > crate::today() => {
                    e.add("birth_date", "err-date-future");
                    None
                }
                Ok(d) => Some(d),
                Err(c) => {
                    e.add("birth_date", c);
                    None
                }
            },
        };
        let sex = e.check("sex", parse_sex(&i.sex)).flatten();
        let phone = match i.phone.trim() {
            "" => None,
            p => e
                .check("phone", PhoneNumber::parse(p))
                .map(|p| p.as_str().to_string()),
        };
        let address = e.check("address", optional_text(&i.address, 300)).flatten();
        let destination = match countries(&i.destination) {
            Ok(list) if list.len() <= 1 => list.into_iter().next(),
            Ok(_) => {
                e.add("destination", "err-country-code");
                None
            }
            Err(c) => {
                e.add("destination", c);
                None
            }
        };
        let job = e.check("job", optional_text(&i.job, 100)).flatten();
        let scheme = match i.scheme.trim() {
            "" => Some(Scheme::BelumTahu),
            s => e.check("scheme", Scheme::parse(s)),
        };
        let p3mi_id = match i.p3mi_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) if self.get_p3mi(id).await.is_ok() => Some(id),
                _ => {
                    e.add("p3mi_id", "err-p3mi-unknown");
                    None
                }
            },
        };
        let note = e.check("note", optional_text(&i.note, 2000)).flatten();
        match (village, name, scheme) {
            (Some(village), Some(name), Some(scheme)) if e.is_empty() => Ok(Valid {
                village,
                name,
                nik,
                birth_place,
                birth_date,
                sex,
                phone,
                address,
                destination,
                job,
                scheme,
                p3mi_id,
                note,
            }),
            _ => Err(Error::Invalid(e)),
        }
    }

    /// Codes of what the NIK and age checks found (region unknown included).
    pub(super) async fn person_flags(&self, v: &Valid) -> Result<String> {
        let mut flags: Vec<&str> =
            check_person(v.nik.as_ref(), v.birth_date, v.sex, crate::today())
                .iter()
                .map(|f| f.code())
                .collect();
        if let Some(n) = &v.nik {
            if self
                .region_by_code(n.region_code().as_str())
                .await?
                .is_none()
            {
                flags.insert(0, "nik:region_unknown");
            }
        }
        Ok(flags.join(","))
    }

    /// Register a resident. Returns the id and the flags of the NIK check (shown to the user).
    pub async fn create_migrant(&self, ctx: &Ctx, i: &MigrantInput) -> Result<(i64, String)> {
        ctx.require(Action::MigrantManage, None)?;
        let v = self.parse_migrant(ctx, i).await?;
        let flags = self.person_flags(&v).await?;
        let mut tx = self.begin().await?;
        let id = insert_migrant(&mut tx, ctx, &v, &flags, MigrantStatus::Rencana, None).await?;
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
        tx.commit().await?;
        Ok((id, flags))
    }

    /// Change a resident's particulars (not the status or the steps).
    pub async fn update_migrant(&self, ctx: &Ctx, id: i64, i: &MigrantInput) -> Result<String> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        let mut input = i.clone();
        if input.village.trim().is_empty() {
            input.village = place.as_str().to_string();
        }
        let v = self.parse_migrant(ctx, &input).await?;
        let flags = self.person_flags(&v).await?;
        let (kab, prov) = kab_and_prov(&v.village);
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE migrants SET village_code = $1, kab_code = $2, prov_code = $3, name = $4, name_search = $5, nik = $6, \
             nik_flags = $7, birth_place = $8, birth_date = $9, sex = $10, phone = $11, address = $12, destination = $13, \
             job = $14, scheme = $15, p3mi_id = $16, note = $17, updated_at = $18 WHERE id = $19",
        )
        .bind(v.village.as_str().to_string())
        .bind(kab.unwrap_or_default())
        .bind(prov)
        .bind(v.name.clone())
        .bind(v.name.to_lowercase())
        .bind(v.nik.as_ref().map(|n| n.as_str().to_string()))
        .bind(flags.clone())
        .bind(v.birth_place.clone())
        .bind(v.birth_date.map(format_date))
        .bind(v.sex.map(sex_code))
        .bind(v.phone.clone())
        .bind(v.address.clone())
        .bind(v.destination.clone())
        .bind(v.job.clone())
        .bind(v.scheme.as_str())
        .bind(v.p3mi_id)
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
}

pub(super) async fn insert_migrant(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    v: &Valid,
    flags: &str,
    status: MigrantStatus,
    how: Option<&str>,
) -> Result<i64> {
    let (kab, prov) = kab_and_prov(&v.village);
    let now = crate::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO migrants (village_code, kab_code, prov_code, name, name_search, nik, nik_flags, birth_place, birth_date, sex, \
         phone, address, destination, job, scheme, p3mi_id, status, note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(v.village.as_str().to_string())
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
    .bind(status.as_str())
    .bind(v.note.clone())
    .bind(ctx.actor.user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    event(tx, ctx, id, "create", how.map(str::to_string), None).await?;
    Ok(id)
}
