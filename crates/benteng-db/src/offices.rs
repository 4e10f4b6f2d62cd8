//! Immigration offices (Kantor Imigrasi and the provincial Kanwil) and their working areas.
//!
//! A working area is *dated*: each row says that a kabupaten/kota belongs to an office from
//! `valid_from` until `valid_to` (exclusive; open when empty). Moving an area to a new office
//! closes the old row on the day the new one starts, so history stays readable and the scope
//! of every officer follows the date.
//!
//! Offices and partner agencies (`agencies`) are kept alike: a name, a kind, a place, an
//! address, a phone and an e-mail, managed by admins and seen by those whose scope holds the
//! place. [`Directory`] is that shared storage; each module describes its table with one.

use crate::audit::{self, Event};
use crate::{on_unique, Ctx, Db, Error, Page, Result};
use benteng_domain::values::format_date;
use benteng_domain::{Action, RegionCode};
use serde::Serialize;
use time::Date;

pub const OFFICE_KINDS: [&str; 2] = ["kanim", "kanwil"];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The checked fields of an office or a partner agency (read from the form by
/// `benteng_app::offices` and `benteng_app::agencies`).
#[derive(Debug, Clone)]
pub struct OrgChanges {
    pub name: String,
    /// One of [`OFFICE_KINDS`] or [`crate::agencies::AGENCY_KINDS`].
    pub kind: String,
    /// An office's province; an agency's province or kabupaten/kota.
    pub place: RegionCode,
    pub address: Option<String>,
    /// Normalised (`PhoneNumber`).
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A kabupaten/kota given to an office from a date on, checked.
#[derive(Debug, Clone)]
pub struct NewArea {
    pub region: RegionCode,
    pub valid_from: Date,
    pub note: Option<String>,
}

/// One holding of an area as stored: what decides whether and when it may end.
#[derive(Debug, Clone)]
pub struct AreaSpan {
    pub region_code: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// Where one kind of organisation is kept and what guards it.
pub(crate) struct Directory {
    pub table: &'static str,
    /// The column of the organisation's place.
    pub place: &'static str,
    /// The users' column naming their organisation: their home follows its place.
    pub staff: &'static str,
    /// The audit log's entity.
    pub entity: &'static str,
    pub view: Action,
    pub manage: Action,
    pub order: &'static str,
}

/// A directory row; its place decides who sees it.
pub(crate) trait Listed:
    for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin + 'static
{
    fn place(&self) -> &str;
}

impl Listed for Office {
    fn place(&self) -> &str {
        &self.province_code
    }
}

const OFFICES: Directory = Directory {
    table: "offices",
    place: "province_code",
    staff: "office_id",
    entity: "office",
    view: Action::OfficeView,
    manage: Action::OfficeManage,
    order: "kind DESC, name",
};

impl Directory {
    fn select(&self) -> String {
        format!(
            "SELECT id, name, kind, {}, address, phone, email, active FROM {}",
            self.place, self.table
        )
    }

    pub(crate) async fn row<T: Listed>(&self, db: &Db, id: i64) -> Result<Option<T>> {
        Ok(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(format!(
            "{} WHERE id = $1",
            self.select()
        )))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
    }

    /// Every row, without a policy check: callers check first.
    pub(crate) async fn all<T: Listed>(&self, db: &Db) -> Result<Vec<T>> {
        Ok(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(format!(
            "{} ORDER BY {}",
            self.select(),
            self.order
        )))
        .fetch_all(&db.pool)
        .await?)
    }

    /// The rows the actor may see, paged. Offices (about 130 in Indonesia) and agencies are
    /// few: filtering in Rust keeps the policy in one place.
    pub(crate) async fn visible<T: Listed>(
        &self,
        db: &Db,
        ctx: &Ctx,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<T>> {
        ctx.require(self.view, None)?;
        let visible: Vec<T> = self
            .all::<T>(db)
            .await?
            .into_iter()
            .filter(|o| RegionCode::parse(o.place()).is_ok_and(|p| ctx.allows(self.view, Some(&p))))
            .collect();
        let (page, per_page, _) = crate::paging(page, per_page);
        Ok(Page::slice(visible, page, per_page))
    }

    /// One row, if the actor may see its place.
    pub(crate) async fn get<T: Listed>(&self, db: &Db, ctx: &Ctx, id: i64) -> Result<T> {
        let o = self.row::<T>(db, id).await?.ok_or(Error::NotFound)?;
        let p = RegionCode::parse(o.place()).map_err(|_| Error::NotFound)?;
        ctx.require(self.view, Some(&p))?;
        Ok(o)
    }

    /// Refuse unless the actor manages this kind of organisation and the row exists.
    pub(crate) async fn editable(&self, db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
        ctx.require(self.manage, None)?;
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM {} WHERE id = $1",
            self.table
        )))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        found.map(|_| ()).ok_or(Error::NotFound)
    }

    pub(crate) async fn insert(&self, db: &Db, ctx: &Ctx, c: &OrgChanges) -> Result<i64> {
        ctx.require(self.manage, None)?;
        let mut tx = db.begin().await?;
        let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {} (name, kind, {}, address, phone, email, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
            self.table, self.place
        )))
        .bind(c.name.clone())
        .bind(c.kind.clone())
        .bind(c.place.as_str().to_string())
        .bind(c.address.clone())
        .bind(c.phone.clone())
        .bind(c.email.clone())
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: self.entity,
                entity_id: Some(id.to_string()),
                region: Some(&c.place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub(crate) async fn update(&self, db: &Db, ctx: &Ctx, id: i64, c: &OrgChanges) -> Result<()> {
        self.editable(db, ctx, id).await?;
        let mut tx = db.begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {} SET name = $1, kind = $2, {} = $3, address = $4, phone = $5, email = $6, updated_at = $7 WHERE id = $8",
            self.table, self.place
        )))
        .bind(c.name.clone())
        .bind(c.kind.clone())
        .bind(c.place.as_str().to_string())
        .bind(c.address.clone())
        .bind(c.phone.clone())
        .bind(c.email.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "name", "err-name-taken"))?;
        // Staff homes follow the place: an agency's region is its staff's scope, and an
        // office's province shows its officers to their kanwil.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE users SET home_code = $1 WHERE {} = $2",
            self.staff
        )))
        .bind(c.place.as_str().to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: self.entity,
                entity_id: Some(id.to_string()),
                region: Some(&c.place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl crate::offices::Repo<'_> {
    /// The id of the office named `name` (configuration and tests refer to offices by name).
    pub async fn office_id_by_name(&self, name: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM offices WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(&self.db.pool)
            .await?)
    }

    pub async fn create_office(&self, ctx: &Ctx, c: &OrgChanges) -> Result<i64> {
        OFFICES.insert(self.db, ctx, c).await
    }

    pub async fn update_office(&self, ctx: &Ctx, id: i64, c: &OrgChanges) -> Result<()> {
        OFFICES.update(self.db, ctx, id, c).await
    }

    /// Refuse unless the actor manages offices and office `id` exists (checked before the
    /// input is read, so a missing office answers "not found" whatever was sent).
    pub async fn office_editable(&self, ctx: &Ctx, id: i64) -> Result<()> {
        OFFICES.editable(self.db, ctx, id).await
    }

    pub(crate) async fn office_row(&self, id: i64) -> Result<Option<Office>> {
        OFFICES.row(self.db, id).await
    }

    /// The province of an office, `None` when there is no such office (a lookup for forms
    /// that name an office, like [`crate::regions::Repo::region_by_code`] for places).
    pub async fn office_province(&self, id: i64) -> Result<Option<String>> {
        Ok(self.office_row(id).await?.map(|o| o.province_code))
    }

    /// The kind of an office (`kanim`, `kanwil`), `None` when there is no such office.
    pub async fn office_kind(&self, id: i64) -> Result<Option<String>> {
        Ok(self.office_row(id).await?.map(|o| o.kind))
    }

    /// The kabupaten/kota codes an office covers on `day`.
    pub async fn office_area_on(&self, office_id: i64, day: Date) -> Result<Vec<RegionCode>> {
        let d = format_date(day);
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT region_code FROM office_areas WHERE office_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) ORDER BY region_code",
        )
        .bind(office_id)
        .bind(d)
        .fetch_all(&self.db.pool)
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
        .fetch_optional(&self.db.pool)
        .await?)
    }

    /// Offices the actor may see, in name order.
    pub async fn list_offices(
        &self,
        ctx: &Ctx,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Office>> {
        OFFICES.visible(self.db, ctx, page, per_page).await
    }

    /// Every office by name for pick lists (admin forms); no policy needed beyond the caller's.
    pub async fn office_choices(&self, ctx: &Ctx) -> Result<Vec<Office>> {
        Ok(self.list_offices(ctx, Some(1), 200).await?.items)
    }

    pub async fn get_office(&self, ctx: &Ctx, id: i64) -> Result<(Office, Vec<OfficeArea>)> {
        let o: Office = OFFICES.get(self.db, ctx, id).await?;
        let areas = sqlx::query_as::<_, OfficeArea>(
            "SELECT a.id, a.office_id, a.region_code, r.name AS region_name, a.valid_from, a.valid_to, a.note \
             FROM office_areas a JOIN regions r ON r.code = a.region_code WHERE a.office_id = $1 ORDER BY a.valid_from DESC, a.region_code",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        Ok((o, areas))
    }

    /// Give a kabupaten/kota to an office from a date on. If another office holds it then, that
    /// holding ends the day before (its `valid_to` is the new `valid_from`).
    pub async fn assign_area(&self, ctx: &Ctx, office_id: i64, a: &NewArea) -> Result<i64> {
        self.office_editable(ctx, office_id).await?;
        let region = &a.region;
        let from_s = format_date(a.valid_from);
        let mut tx = self.db.begin().await?;
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
            .bind(a.note.clone())
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
                region: Some(region),
                detail: Some(format!("from={from_s}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One holding of an office's area, for an actor who manages offices (before ending it).
    pub async fn area_span(&self, ctx: &Ctx, office_id: i64, area_id: i64) -> Result<AreaSpan> {
        ctx.require(Action::OfficeManage, None)?;
        let row: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT region_code, valid_from, valid_to FROM office_areas WHERE id = $1 AND office_id = $2")
                .bind(area_id)
                .bind(office_id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (region_code, valid_from, valid_to) = row.ok_or(Error::NotFound)?;
        Ok(AreaSpan {
            region_code,
            valid_from,
            valid_to,
        })
    }

    /// End an office's holding of a kabupaten/kota from `end` on, without a successor (an
    /// office closing, or an area leaving the programme). The history stays. The caller has
    /// checked `end` against the holding ([`crate::offices::Repo::area_span`]).
    pub async fn end_area(&self, ctx: &Ctx, office_id: i64, area_id: i64, end: Date) -> Result<()> {
        let span = self.area_span(ctx, office_id, area_id).await?;
        let end = format_date(end);
        let region = RegionCode::parse(&span.region_code).map_err(|_| Error::NotFound)?;
        let mut tx = self.db.begin().await?;
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

/// The offices repository, reached as `db.offices()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
