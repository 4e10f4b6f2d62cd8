//! Immigration offices and their dated working areas: the forms as typed, read into checked
//! values, and one function per thing an admin or a viewer does. The storage
//! (`benteng_db::offices`) keeps the SQL, the policy checks, the history rule of areas and the
//! audit log. Offices and partner agencies share the shape of their form ([`read_org`]).

use crate::regions::known_region;
use benteng_db::offices::{NewArea, OrgChanges};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::values::{date, format_date, optional_email, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel};
use serde::Deserialize;

pub use benteng_db::offices::{Office, OfficeArea, OFFICE_KINDS};

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

/// The end of a working area, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AreaEndInput {
    /// First day the office no longer holds the area (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub valid_to: String,
}

/// Offices the actor may see, in name order.
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>, per_page: i64) -> Result<Page<Office>> {
    db.offices().list_offices(ctx, page, per_page).await
}

/// Every office the actor may see, for pick lists.
pub async fn choices(db: &Db, ctx: &Ctx) -> Result<Vec<Office>> {
    db.offices().office_choices(ctx).await
}

/// One office with its working areas, current and past.
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<(Office, Vec<OfficeArea>)> {
    db.offices().get_office(ctx, id).await
}

/// Add an office.
pub async fn create(db: &Db, ctx: &Ctx, i: &OfficeInput) -> Result<i64> {
    ctx.require(Action::OfficeManage, None)?;
    let c = read(db, i).await?;
    db.offices().create_office(ctx, &c).await
}

/// Change an office's name, kind, province or contacts.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &OfficeInput) -> Result<()> {
    db.offices().office_editable(ctx, id).await?;
    let c = read(db, i).await?;
    db.offices().update_office(ctx, id, &c).await
}

/// Give a kabupaten/kota to an office from a date on (the previous holder's area ends then).
pub async fn assign_area(db: &Db, ctx: &Ctx, office_id: i64, i: &AreaInput) -> Result<i64> {
    db.offices().office_editable(ctx, office_id).await?;
    let mut e = FieldErrors::new();
    let region = known_region(
        db,
        &i.region_code,
        "region_code",
        &mut e,
        |l| l == RegionLevel::KabupatenKota,
        "err-region-need-kabkota",
    )
    .await?;
    let from = e.check("valid_from", date(&i.valid_from));
    let note = e.check("note", optional_text(&i.note, 300)).flatten();
    e.into_result()?;
    let (Some(region), Some(valid_from)) = (region, from) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.offices()
        .assign_area(
            ctx,
            office_id,
            &NewArea {
                region,
                valid_from,
                note,
            },
        )
        .await
}

/// End an office's holding of an area from a date on, without a successor. The end is
/// checked here against the holding as stored: after its start, and not after an end it
/// already has.
pub async fn end_area(
    db: &Db,
    ctx: &Ctx,
    office_id: i64,
    area_id: i64,
    i: &AreaEndInput,
) -> Result<()> {
    let span = db.offices().area_span(ctx, office_id, area_id).await?;
    let mut e = FieldErrors::new();
    let end = e.check("valid_to", date(&i.valid_to));
    if let Some(end) = end.map(format_date) {
        if end <= span.valid_from {
            e.add("valid_to", "err-end-before-start");
        } else if span.valid_to.as_ref().is_some_and(|t| *t <= end) {
            e.add("valid_to", "err-area-already-ended");
        }
    }
    e.into_result()?;
    let Some(end) = end else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.offices().end_area(ctx, office_id, area_id, end).await
}

async fn read(db: &Db, i: &OfficeInput) -> Result<OrgChanges> {
    let mut e = FieldErrors::new();
    let fields = OrgFields {
        name: &i.name,
        kind: &i.kind,
        address: &i.address,
        phone: &i.phone,
        email: &i.email,
    };
    let (name, kind) = read_org_head(&fields, &OFFICE_KINDS, &mut e);
    let typed = db
        .regions()
        .typed_area(
            &i.province_code,
            "province_code",
            &[RegionLevel::Provinsi],
            &mut e,
        )
        .await?;
    let province = match typed.as_deref().map(RegionCode::parse) {
        None => None,
        Some(Ok(c))
            if c.level() == RegionLevel::Provinsi
                && db.regions().region_by_code(c.as_str()).await?.is_some() =>
        {
            Some(c)
        }
        // An unknown province reads as "not a province".
        Some(Ok(_)) => {
            e.add("province_code", "err-region-need-province");
            None
        }
        Some(Err(code)) => {
            e.add("province_code", code);
            None
        }
    };
    read_org_tail(&fields, e, name, kind, province)
}

/// The fields an office's and an agency's form share, as typed.
pub(crate) struct OrgFields<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

/// The name and the kind (one of `kinds`), read before the place.
pub(crate) fn read_org_head(
    i: &OrgFields<'_>,
    kinds: &[&str],
    e: &mut FieldErrors,
) -> (Option<String>, Option<String>) {
    let name = e.check("name", required_text(i.name, 150));
    let kind = if kinds.contains(&i.kind.trim()) {
        Some(i.kind.trim().to_string())
    } else {
        e.add("kind", "err-required");
        None
    };
    (name, kind)
}

/// The contacts, read after the place, and the whole record when nothing was wrong.
pub(crate) fn read_org_tail(
    i: &OrgFields<'_>,
    mut e: FieldErrors,
    name: Option<String>,
    kind: Option<String>,
    place: Option<RegionCode>,
) -> Result<OrgChanges> {
    let address = e.check("address", optional_text(i.address, 300)).flatten();
    let phone = if i.phone.trim().is_empty() {
        None
    } else {
        e.check("phone", PhoneNumber::parse(i.phone))
            .map(|p| p.as_str().to_string())
    };
    let email = e.check("email", optional_email(i.email)).flatten();
    e.into_result()?;
    match (name, kind, place) {
        (Some(name), Some(kind), Some(place)) => Ok(OrgChanges {
            name,
            kind,
            place,
            address,
            phone,
            email,
        }),
        _ => Err(Error::Invalid(FieldErrors::new())),
    }
}
