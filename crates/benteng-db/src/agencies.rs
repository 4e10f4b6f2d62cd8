//! Partner agencies (*mitra*): Disnaker, BP3MI/KP2MI, Dukcapil, Polri, Dinas Sosial/P3A, ….
//! An agency sits in a kabupaten/kota (or a province for provincial bodies such as BP3MI),
//! which is the scope of its staff.

use crate::audit::{self, Event};
use crate::{on_unique, Ctx, Db, Error, Page, Result};
use benteng_domain::values::{optional_email, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};

/// Kinds of partner agency; the Fluent id of each is `agency-kind-<kind>`.
pub const AGENCY_KINDS: [&str; 8] = [
    "disnaker", "bp3mi", "dukcapil", "polri", "dinsos", "p3a", "pemda", "lainnya",
];

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AgencyInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub address: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub email: String,
}

const AGENCY_COLS: &str = "id, name, kind, region_code, address, phone, email, active";

type Parsed = (
    String,
    String,
    RegionCode,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Db {
    async fn parse_agency(&self, i: &AgencyInput) -> Result<Parsed> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(&i.name, 150));
        let kind = AGENCY_KINDS
            .iter()
            .find(|k| **k == i.kind.trim())
            .map(|k| k.to_string());
        if kind.is_none() {
            e.add("kind", "err-required");
        }
        let region = match RegionCode::parse(&i.region_code) {
            Ok(c)
                if matches!(
                    c.level(),
                    RegionLevel::Provinsi | RegionLevel::KabupatenKota
                ) =>
            {
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
        let address = e.check("address", optional_text(&i.address, 300)).flatten();
        let phone = if i.phone.trim().is_empty() {
            None
        } else {
            e.check("phone", PhoneNumber::parse(&i.phone))
                .map(|p| p.as_str().to_string())
        };
        let email = e.check("email", optional_email(&i.email)).flatten();
        e.into_result()?;
        match (name, kind, region) {
            (Some(n), Some(k), Some(r)) => Ok((n, k, r, address, phone, email)),
            _ => Err(Error::Invalid(FieldErrors::new())),
        }
    }

    pub async fn create_agency(&self, ctx: &Ctx, i: &AgencyInput) -> Result<i64> {
        ctx.require(Action::AgencyManage, None)?;
        let (name, kind, region, address, phone, email) = self.parse_agency(i).await?;
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (name, kind, region_code, address, phone, email, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(name)
        .bind(kind)
        .bind(region.as_str().to_string())
        .bind(address)
        .bind(phone)
        .bind(email)
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: "agency",
                entity_id: Some(id.to_string()),
                region: Some(&region),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_agency(&self, ctx: &Ctx, id: i64, i: &AgencyInput) -> Result<()> {
        ctx.require(Action::AgencyManage, None)?;
        self.agency_row(id).await?.ok_or(Error::NotFound)?;
        let (name, kind, region, address, phone, email) = self.parse_agency(i).await?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE agencies SET name = $1, kind = $2, region_code = $3, address = $4, phone = $5, email = $6, updated_at = $7 WHERE id = $8")
            .bind(name)
            .bind(kind)
            .bind(region.as_str().to_string())
            .bind(address)
            .bind(phone)
            .bind(email)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        // Staff scope follows the agency's region.
        sqlx::query("UPDATE users SET home_code = $1 WHERE agency_id = $2")
            .bind(region.as_str().to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "agency",
                entity_id: Some(id.to_string()),
                region: Some(&region),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn agency_row(&self, id: i64) -> Result<Option<Agency>> {
        Ok(sqlx::query_as::<_, Agency>(sqlx::AssertSqlSafe(format!(
            "SELECT {AGENCY_COLS} FROM agencies WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub(crate) async fn agency_region(&self, id: i64) -> Result<Option<String>> {
        Ok(self.agency_row(id).await?.map(|a| a.region_code))
    }

    /// Agencies the actor may see. A mitra user sees agencies in their own area.
    pub async fn list_agencies(
        &self,
        ctx: &Ctx,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Agency>> {
        ctx.require(Action::AgencyView, None)?;
        let all = sqlx::query_as::<_, Agency>(sqlx::AssertSqlSafe(format!(
            "SELECT {AGENCY_COLS} FROM agencies ORDER BY name"
        )))
        .fetch_all(&self.pool)
        .await?;
        let visible: Vec<Agency> = all
            .into_iter()
            .filter(|a| {
                RegionCode::parse(&a.region_code)
                    .is_ok_and(|r| ctx.allows(Action::AgencyView, Some(&r)))
            })
            .collect();
        let (page, per_page, _) = crate::paging(page, per_page);
        Ok(Page::slice(visible, page, per_page))
    }

    pub async fn get_agency(&self, ctx: &Ctx, id: i64) -> Result<Agency> {
        let a = self.agency_row(id).await?.ok_or(Error::NotFound)?;
        let r = RegionCode::parse(&a.region_code).map_err(|_| Error::NotFound)?;
        ctx.require(Action::AgencyView, Some(&r))?;
        Ok(a)
    }

    /// Every agency, for the admin's user form.
    pub async fn agency_choices(&self, ctx: &Ctx) -> Result<Vec<Agency>> {
        ctx.require(Action::UserManage, None)?;
        Ok(sqlx::query_as::<_, Agency>(sqlx::AssertSqlSafe(format!(
            "SELECT {AGENCY_COLS} FROM agencies ORDER BY name"
        )))
        .fetch_all(&self.pool)
        .await?)
    }
}
