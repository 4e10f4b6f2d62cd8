//! Partner agencies (*mitra*): the form as typed, read into checked values (the same shape as
//! an office's, [`crate::offices::read_org_head`]), and one function per thing a user does.
//! The storage (`benteng_db::agencies`) keeps the SQL, the policy checks and the audit log.

use crate::offices::{read_org_head, read_org_tail, OrgFields};
use crate::regions::known_region;
use benteng_db::offices::OrgChanges;
use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::{Action, FieldErrors, RegionLevel};
use serde::Deserialize;

pub use benteng_db::agencies::{Agency, AGENCY_KINDS};

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

/// Agencies the actor may see (a mitra user: those of their own area), in name order.
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>, per_page: i64) -> Result<Page<Agency>> {
    db.agencies().list_agencies(ctx, page, per_page).await
}

/// Every agency, for the admin's user form.
pub async fn choices(db: &Db, ctx: &Ctx) -> Result<Vec<Agency>> {
    db.agencies().agency_choices(ctx).await
}

/// One agency.
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<Agency> {
    db.agencies().get_agency(ctx, id).await
}

/// Add a partner agency.
pub async fn create(db: &Db, ctx: &Ctx, i: &AgencyInput) -> Result<i64> {
    ctx.require(Action::AgencyManage, None)?;
    let c = read(db, i).await?;
    db.agencies().create_agency(ctx, &c).await
}

/// Change an agency; its staff's scope follows its region.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &AgencyInput) -> Result<()> {
    db.agencies().agency_editable(ctx, id).await?;
    let c = read(db, i).await?;
    db.agencies().update_agency(ctx, id, &c).await
}

async fn read(db: &Db, i: &AgencyInput) -> Result<OrgChanges> {
    let mut e = FieldErrors::new();
    let fields = OrgFields {
        name: &i.name,
        kind: &i.kind,
        address: &i.address,
        phone: &i.phone,
        email: &i.email,
    };
    let (name, kind) = read_org_head(&fields, &AGENCY_KINDS, &mut e);
    // Provincial bodies (BP3MI) sit in a province, the others in a kabupaten/kota.
    let region = known_region(
        db,
        &i.region_code,
        "region_code",
        &mut e,
        |l| matches!(l, RegionLevel::Provinsi | RegionLevel::KabupatenKota),
        "err-region-need-kabkota",
    )
    .await?;
    read_org_tail(&fields, e, name, kind, region)
}
