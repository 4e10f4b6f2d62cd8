//! The desa binaan registry: enrolling a village, editing its record, its PIMPASA officers
//! and contact people, and reading the registry. The forms are read here into checked values
//! (the chosen office must be a kanim covering the village today); the storage
//! (`benteng_db::desa_binaan`) keeps the SQL, the policy and scope checks, the masking of
//! contact phones and the audit log.

use crate::de::ticked;
use benteng_db::desa_binaan::{DesaBinaanFields, NewContact, RegistryFilter};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::values::{date, optional_count, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel, Role};
use serde::Deserialize;

pub use benteng_db::desa_binaan::{Contact, DesaBinaan, DesaBinaanDetail, Officer, STATUSES};
pub use benteng_db::users::User;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DesaBinaanInput {
    /// Only read on enrolment; a record never moves to another village.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub office_id: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sk_number: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sk_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub population: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub residents_abroad: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub kantong_pmi: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub position: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
}

/// Filters of the registry list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DesaBinaanQuery {
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub kab: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// The registry inside the actor's scope, filtered and paged. An unknown status filters
/// nothing.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    q: &DesaBinaanQuery,
    per_page: i64,
) -> Result<Page<DesaBinaan>> {
    let filter = RegistryFilter {
        text: q.q.clone().filter(|s| !s.trim().is_empty()),
        status: q.status.clone().filter(|s| STATUSES.contains(&s.as_str())),
        kab: q.kab.clone().filter(|s| !s.is_empty()),
        page: q.page,
    };
    db.desa_binaan()
        .list_desa_binaan(ctx, &filter, per_page)
        .await
}

/// Counts by status inside the actor's scope (the home page).
pub async fn counts(db: &Db, ctx: &Ctx) -> Result<Vec<(String, i64)>> {
    db.desa_binaan().desa_binaan_counts(ctx).await
}
/// Desa binaan not visited in the last `days` days (never-visited first): up to `limit`
/// (id, village, last visit) and the total.
pub async fn unvisited(
    db: &Db,
    ctx: &Ctx,
    days: i64,
    limit: i64,
) -> Result<(Vec<(i64, String, Option<String>)>, i64)> {
    let since = benteng_domain::values::format_date(crate::today() - time::Duration::days(days));
    db.desa_binaan().unvisited(ctx, &since, limit).await
}

/// One village with its officers and contacts (phones masked unless the role needs them;
/// an unmasked view is audited).
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<DesaBinaanDetail> {
    db.desa_binaan().get_desa_binaan(ctx, id).await
}

/// One village's record alone (no contacts, so no sensitive view), for its forms.
pub async fn record(db: &Db, ctx: &Ctx, id: i64) -> Result<DesaBinaan> {
    db.desa_binaan().desa_binaan_record(ctx, id).await
}

/// Villages the actor could enrol whose name or code matches `q` (the enrol form's search):
/// (code, village, kecamatan, already enrolled).
pub async fn village_choices(
    db: &Db,
    ctx: &Ctx,
    q: &str,
) -> Result<Vec<(String, String, String, bool)>> {
    db.regions().desa_choices(ctx, q).await
}

/// Enrol a village in the programme.
pub async fn enrol(db: &Db, ctx: &Ctx, i: &DesaBinaanInput) -> Result<i64> {
    ctx.require(Action::DesaBinaanManage, None)?;
    let mut e = FieldErrors::new();
    let village = match db
        .regions()
        .known_village(&i.region_code, "region_code", &mut e)
        .await?
    {
        Some(c) if !ctx.allows(Action::DesaBinaanManage, Some(&c)) => {
            e.add("region_code", "err-region-out-of-scope");
            None
        }
        v => v,
    };
    let v = read(db, ctx, i, village.as_ref(), None, &mut e).await?;
    e.into_result()?;
    let (Some(village), Some(v)) = (village, v) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.desa_binaan().enrol_desa_binaan(ctx, &village, &v).await
}

/// Change a village's record (never its village).
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &DesaBinaanInput) -> Result<()> {
    let (office, village) = db
        .desa_binaan()
        .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
        .await?;
    let mut e = FieldErrors::new();
    let v = read(db, ctx, i, Some(&village), Some(office), &mut e).await?;
    e.into_result()?;
    let v = v.ok_or(Error::Invalid(FieldErrors::new()))?;
    db.desa_binaan().update_desa_binaan(ctx, id, &v).await
}

/// Replace a village's PIMPASA officers (each an active pimpasa officer of its office).
pub async fn set_officers(db: &Db, ctx: &Ctx, id: i64, user_ids: &[i64]) -> Result<()> {
    db.desa_binaan()
        .set_desa_binaan_officers(ctx, id, user_ids)
        .await
}

/// The officers who may be assigned to a village.
pub async fn officer_choices(db: &Db, ctx: &Ctx, id: i64) -> Result<Vec<User>> {
    db.desa_binaan().desa_binaan_officer_choices(ctx, id).await
}

/// Add a contact person to a village.
pub async fn add_contact(db: &Db, ctx: &Ctx, id: i64, i: &ContactInput) -> Result<i64> {
    db.desa_binaan()
        .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
        .await?;
    let mut e = FieldErrors::new();
    let name = e.check("name", required_text(&i.name, 120));
    let position = e.check("position", required_text(&i.position, 120));
    let phone = if i.phone.trim().is_empty() {
        None
    } else {
        e.check("phone", PhoneNumber::parse(&i.phone))
    };
    e.into_result()?;
    let c = NewContact {
        name: name.unwrap_or_default(),
        position: position.unwrap_or_default(),
        phone,
    };
    db.desa_binaan().add_contact(ctx, id, &c).await
}

/// Remove a contact person from a village.
pub async fn remove_contact(db: &Db, ctx: &Ctx, id: i64, contact_id: i64) -> Result<()> {
    db.desa_binaan().remove_contact(ctx, id, contact_id).await
}

/// Read the editable fields; `village` is the record's place, which must lie in the chosen
/// office's working area today, and `current_office` the office it has (when editing).
async fn read(
    db: &Db,
    ctx: &Ctx,
    i: &DesaBinaanInput,
    village: Option<&RegionCode>,
    current_office: Option<i64>,
    e: &mut FieldErrors,
) -> Result<Option<DesaBinaanFields>> {
    let sk_number = e.check("sk_number", required_text(&i.sk_number, 100));
    let sk_date = e.check("sk_date", date(&i.sk_date));
    if sk_date.is_some_and(|d| d > benteng_db::today()) {
        e.add("sk_date", "err-date-future");
    }
    let status = if STATUSES.contains(&i.status.trim()) {
        Some(i.status.trim().to_string())
    } else {
        e.add("status", "err-required");
        None
    };
    let population = e
        .check("population", optional_count(&i.population, 10_000_000))
        .flatten();
    let abroad = e
        .check(
            "residents_abroad",
            optional_count(&i.residents_abroad, 10_000_000),
        )
        .flatten();
    if let (Some(p), Some(a)) = (population, abroad) {
        if a > p {
            e.add("residents_abroad", "err-abroad-exceeds-population");
        }
    }
    let notes = e.check("notes", optional_text(&i.notes, 2000)).flatten();
    let office_id = match i.office_id.trim().parse::<i64>() {
        Ok(id) => match db.offices().office_kind(id).await?.as_deref() {
            // An officer enrols villages for their own office only.
            Some("kanim")
                if ctx.actor.role == Role::Petugas
                    && ctx.actor.office_id != Some(id)
                    && current_office != Some(id) =>
            {
                e.add("office_id", "err-office-not-own");
                None
            }
            Some("kanim") => Some(id),
            _ => {
                e.add("office_id", "err-not-found");
                None
            }
        },
        Err(_) => {
            e.add("office_id", "err-required");
            None
        }
    };
    // A newly chosen office must cover the village's kabupaten/kota today. Keeping the
    // office is always allowed, so a village whose area has ended can still be edited
    // (for example set to nonaktif).
    if let (Some(o), Some(v)) = (office_id.filter(|o| Some(*o) != current_office), village) {
        if let Some(kab) = v.ancestor(RegionLevel::KabupatenKota) {
            if !db
                .offices()
                .office_area_on(o, benteng_db::today())
                .await?
                .contains(&kab)
            {
                e.add("office_id", "err-office-area");
            }
        }
    }
    Ok(match (office_id, sk_number, sk_date, status) {
        (Some(office_id), Some(sk_number), Some(sk_date), Some(status)) => Some(DesaBinaanFields {
            office_id,
            sk_number,
            sk_date,
            status,
            population,
            residents_abroad: abroad,
            kantong_pmi: ticked(&i.kantong_pmi),
            notes,
        }),
        _ => None,
    })
}
