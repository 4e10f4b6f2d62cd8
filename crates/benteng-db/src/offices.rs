//! Immigration offices (Kantor Imigrasi and the provincial Kanwil) and their working areas.
//!
//! A working area is *dated*: each row says that a kabupaten/kota belongs to an office from
//! `valid_from` until `valid_to` (exclusive; open when empty). Moving an area to a new office
//! closes the old row on the day the new one starts, so history stays readable and the scope
//! of every officer follows the date.

use crate::audit::{self, Event};
use crate::{on_unique, Ctx, Db, Error, Page, Result};
use benteng_domain::values::{date, format_date, optional_email, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use time::Date;

pub const OFFICE_KINDS: [&str; 2] = ["kanim", "kanwil"];

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Office {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub province_code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OfficeArea {
    pub id: i64,
    pub office_id: i64,
    pub region_code: String,
    pub region_name: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub note: Option<String>,
}

impl OfficeArea {
    /// In force on `day`?
    pub fn current_on(&self, day: &str) -> bool {
        self.valid_from.as_str() <= day && self.valid_to.as_deref().is_none_or(|t| t > day)
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfficeInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub province_code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub address: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub email: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AreaInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub valid_from: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

struct ValidOffice {
    name: String,
    kind: String,
    province: RegionCode,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

const OFFICE_COLS: &str = "id, name, kind, province_code, address, phone, email, active";

impl Db {
    /// The id of the office named `name` (configuration and tests refer to offices by name).
    pub async fn office_id_by_name(&self, name: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM offices WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn parse_office(&self, i: &OfficeInput) -> Result<ValidOffice> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(&i.name, 150));
        let kind = if OFFICE_KINDS.contains(&i.kind.trim()) {
            Some(i.kind.trim().to_string())
        } else {
            e.add("kind", "err-required");
            None
        };
        let province = match RegionCode::parse(&i.province_code) {
            Ok(c)
                if c.level() == RegionLevel::Provinsi
                    && self.region_by_code(c.as_str()).await?.is_some() =>
            {
                Some(c)
            }
            Ok(_) => {
                e.add("province_code", "err-region-need-province");
                None
            }
            Err(code) => {
                e.add("province_code", code);
                None
            }
        };
        let address = e.check("address", optional_text(&i.address, 300)).flatten();
        let phone = if i.phone.trim().is_empty() {
            None
        } else {
            e.check("phone", PhoneNumber::parse(&i.phone))
                .map(|p| p.as_str().to_string())
        };
        let email = e.check("email", optional_email(&i.email)).flatten();
        e.into_result()?;
        match (name, kind, province) {
            (Some(name), Some(kind), Some(province)) => Ok(ValidOffice {
                name,
                kind,
                province,
                address,
                phone,
                email,
            }),
            _ => Err(Error::Invalid(FieldErrors::new())),
        }
    }

    pub async fn create_office(&self, ctx: &Ctx, i: &OfficeInput) -> Result<i64> {
        ctx.require(Action::OfficeManage, None)?;
        let v = self.parse_office(i).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO offices (name, kind, province_code, address, phone, email, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(v.name)
        .bind(v.kind)
        .bind(v.province.as_str().to_string())
        .bind(v.address)
        .bind(v.phone)
        .bind(v.email)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: "office",
                entity_id: Some(id.to_string()),
                region: Some(&v.province),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_office(&self, ctx: &Ctx, id: i64, i: &OfficeInput) -> Result<()> {
        ctx.require(Action::OfficeManage, None)?;
        self.office_row(id).await?.ok_or(Error::NotFound)?;
        let v = self.parse_office(i).await?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE offices SET name = $1, kind = $2, province_code = $3, address = $4, phone = $5, email = $6, updated_at = $7 WHERE id = $8")
            .bind(v.name)
            .bind(v.kind)
            .bind(v.province.as_str().to_string())
            .bind(v.address)
            .bind(v.phone)
            .bind(v.email)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        // Officers' homes (used to show them to their province's kanwil) follow the office.
        sqlx::query("UPDATE users SET home_code = $1 WHERE office_id = $2")
            .bind(v.province.as_str().to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "office",
                entity_id: Some(id.to_string()),
                region: Some(&v.province),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn office_row(&self, id: i64) -> Result<Option<Office>> {
        Ok(sqlx::query_as::<_, Office>(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE_COLS} FROM offices WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub(crate) async fn office_province(&self, id: i64) -> Result<Option<String>> {
        Ok(self.office_row(id).await?.map(|o| o.province_code))
    }

    /// The kabupaten/kota codes an office covers on `day`.
    pub async fn office_area_on(&self, office_id: i64, day: Date) -> Result<Vec<RegionCode>> {
        let d = format_date(day);
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT region_code FROM office_areas WHERE office_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) ORDER BY region_code",
        )
        .bind(office_id)
        .bind(d)
        .fetch_all(&self.pool)
        .await?;
        Ok(codes
            .iter()
            .filter_map(|c| RegionCode::parse(c).ok())
            .collect())
    }

    /// The office whose area holds `kab` on `day`, if any.
    pub async fn office_for_regency(&self, kab: &RegionCode, day: Date) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT office_id FROM office_areas WHERE region_code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(kab.as_str().to_string())
        .bind(format_date(day))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Offices the actor may see, in name order.
    pub async fn list_offices(
        &self,
        ctx: &Ctx,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Office>> {
        ctx.require(Action::OfficeView, None)?;
        let all = sqlx::query_as::<_, Office>(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE_COLS} FROM offices ORDER BY kind DESC, name"
        )))
        .fetch_all(&self.pool)
        .await?;
        // Offices are few (about 130 in Indonesia): filtering in Rust keeps the policy in one place.
        let visible: Vec<Office> = all
            .into_iter()
            .filter(|o| {
                RegionCode::parse(&o.province_code)
                    .is_ok_and(|p| ctx.allows(Action::OfficeView, Some(&p)))
            })
            .collect();
        let (page, per_page, _) = crate::paging(page, per_page);
        Ok(Page::slice(visible, page, per_page))
    }

    /// Every office by name for pick lists (admin forms); no policy needed beyond the caller's.
    pub async fn office_choices(&self, ctx: &Ctx) -> Result<Vec<Office>> {
        Ok(self.list_offices(ctx, Some(1), 200).await?.items)
    }

    pub async fn get_office(&self, ctx: &Ctx, id: i64) -> Result<(Office, Vec<OfficeArea>)> {
        let o = self.office_row(id).await?.ok_or(Error::NotFound)?;
        let p = RegionCode::parse(&o.province_code).map_err(|_| Error::NotFound)?;
        ctx.require(Action::OfficeView, Some(&p))?;
        let areas = sqlx::query_as::<_, OfficeArea>(
            "SELECT a.id, a.office_id, a.region_code, r.name AS region_name, a.valid_from, a.valid_to, a.note \
             FROM office_areas a JOIN regions r ON r.code = a.region_code WHERE a.office_id = $1 ORDER BY a.valid_from DESC, a.region_code",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok((o, areas))
    }

    /// Give a kabupaten/kota to an office from a date on. If another office holds it then, that
    /// holding ends the day before (its `valid_to` is the new `valid_from`).
    pub async fn assign_area(&self, ctx: &Ctx, office_id: i64, i: &AreaInput) -> Result<i64> {
        ctx.require(Action::OfficeManage, None)?;
        self.office_row(office_id).await?.ok_or(Error::NotFound)?;
        let mut e = FieldErrors::new();
        let region = match RegionCode::parse(&i.region_code) {
            Ok(c) if c.level() == RegionLevel::KabupatenKota => {
                if self.region_by_code(c.as_str()).await?.is_some() {
                    Some(c)
                } else {
                    e.add("region_code", "err-region-unknown");
                    None
                }
            }
            Ok(_) => {
                e.add("region_code", "err-region-need-kabkota");
                None
            }
            Err(code) => {
                e.add("region_code", code);
                None
            }
        };
        let from = e.check("valid_from", date(&i.valid_from));
        let note = e.check("note", optional_text(&i.note, 300)).flatten();
        e.into_result()?;
        let (Some(region), Some(from)) = (region, from) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let from_s = format_date(from);
        let mut tx = self.begin().await?;
        // A holding that starts on or after the new date would make the history ambiguous.
        let later: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM office_areas WHERE region_code = $1 AND valid_from >= $2",
        )
        .bind(region.as_str().to_string())
        .bind(from_s.clone())
        .fetch_one(&mut *tx)
        .await?;
        if later > 0 {
            return Err(Error::Conflict("valid_from", "err-area-later-exists"));
        }
        sqlx::query("UPDATE office_areas SET valid_to = $1 WHERE region_code = $2 AND valid_from < $1 AND (valid_to IS NULL OR valid_to > $1)")
            .bind(from_s.clone())
            .bind(region.as_str().to_string())
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO office_areas (office_id, region_code, valid_from, valid_to, note, created_at) VALUES ($1, $2, $3, NULL, $4, $5) RETURNING id")
            .bind(office_id)
            .bind(region.as_str().to_string())
            .bind(from_s.clone())
            .bind(note)
            .bind(crate::now())
            .fetch_one(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "assign_area",
                entity: "office",
                entity_id: Some(office_id.to_string()),
                region: Some(&region),
                detail: Some(format!("from={from_s}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The end of a working area, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AreaEndInput {
    /// First day the office no longer holds the area (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub valid_to: String,
}

impl Db {
    /// End an office's holding of a kabupaten/kota from a date on, without a successor (an
    /// office closing, or an area leaving the programme). The history stays.
    pub async fn end_area(
        &self,
        ctx: &Ctx,
        office_id: i64,
        area_id: i64,
        i: &AreaEndInput,
    ) -> Result<()> {
        ctx.require(Action::OfficeManage, None)?;
        let row: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT region_code, valid_from, valid_to FROM office_areas WHERE id = $1 AND office_id = $2")
                .bind(area_id)
                .bind(office_id)
                .fetch_optional(&self.pool)
                .await?;
        let (region, from, to) = row.ok_or(Error::NotFound)?;
        let mut e = FieldErrors::new();
        let end = e.check("valid_to", date(&i.valid_to)).map(format_date);
        if let Some(end) = &end {
            if *end <= from {
                e.add("valid_to", "err-end-before-start");
            } else if to.as_ref().is_some_and(|t| t <= end) {
                e.add("valid_to", "err-area-already-ended");
            }
        }
        e.into_result()?;
        let end = end.unwrap_or_default();
        let region = RegionCode::parse(&region).map_err(|_| Error::NotFound)?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE office_areas SET valid_to = $1 WHERE id = $2")
            .bind(end.clone())
            .bind(area_id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "end_area",
                entity: "office",
                entity_id: Some(office_id.to_string()),
                region: Some(&region),
                detail: Some(format!("to={end}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
