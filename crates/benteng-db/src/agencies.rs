//! Partner agencies (*mitra*): Disnaker, BP3MI/KP2MI, Dukcapil, Polri, Dinas Sosial/P3A, ….
//! An agency sits in a kabupaten/kota (or a province for provincial bodies such as BP3MI),
//! which is the scope of its staff. Agencies are stored like offices ([`Directory`]).

use crate::offices::{Directory, Listed, OrgChanges};
use crate::{Ctx, Page, Result};
use benteng_domain::Action;
use serde::Serialize;

/// Kinds of partner agency; the Fluent id of each is `agency-kind-<kind>`.
pub const AGENCY_KINDS: [&str; 8] = [
    "disnaker", "bp3mi", "dukcapil", "polri", "dinsos", "p3a", "pemda", "lainnya",
];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Listed for Agency {
    fn place(&self) -> &str {
        &self.region_code
    }
}

const AGENCIES: Directory = Directory {
    table: "agencies",
    place: "region_code",
    staff: "agency_id",
    entity: "agency",
    view: Action::AgencyView,
    manage: Action::AgencyManage,
    order: "name",
};

impl crate::agencies::Repo<'_> {
    pub async fn create_agency(&self, ctx: &Ctx, c: &OrgChanges) -> Result<i64> {
        AGENCIES.insert(self.db, ctx, c).await
    }

    pub async fn update_agency(&self, ctx: &Ctx, id: i64, c: &OrgChanges) -> Result<()> {
        AGENCIES.update(self.db, ctx, id, c).await
    }

    /// Refuse unless the actor manages agencies and agency `id` exists (checked before the
    /// input is read).
    pub async fn agency_editable(&self, ctx: &Ctx, id: i64) -> Result<()> {
        AGENCIES.editable(self.db, ctx, id).await
    }

    /// The region of an agency, `None` when there is no such agency (a lookup for the user
    /// form, whose mitra users take their home from it).
    pub async fn agency_region(&self, id: i64) -> Result<Option<String>> {
        Ok(AGENCIES
            .row::<Agency>(self.db, id)
            .await?
            .map(|a| a.region_code))
    }

    /// Agencies the actor may see. A mitra user sees agencies in their own area.
    pub async fn list_agencies(
        &self,
        ctx: &Ctx,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Agency>> {
        AGENCIES.visible(self.db, ctx, page, per_page).await
    }

    pub async fn get_agency(&self, ctx: &Ctx, id: i64) -> Result<Agency> {
        AGENCIES.get(self.db, ctx, id).await
    }

    /// Every agency, for the admin's user form.
    pub async fn agency_choices(&self, ctx: &Ctx) -> Result<Vec<Agency>> {
        ctx.require(Action::UserManage, None)?;
        AGENCIES.all(self.db).await
    }
}

/// The agencies repository, reached as `db.agencies()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
