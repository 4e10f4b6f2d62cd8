//! The registry of licensed placement companies (P3MI). Public to read (anyone checks a
//! company before paying it anything); kept by admins by hand or by CSV import, which updates
//! an entry with the same licence number and adds the others. The forms and the CSV rows are
//! read in `benteng_app::p3mi`.

use crate::audit::{self, Event};
use crate::sql::{like_pattern, Filter};
use crate::{on_unique, Ctx, Error, Page, Result};
use benteng_domain::p3mi::LicenceStatus;
use benteng_domain::values::{date, format_date};
use benteng_domain::Action;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct P3mi {
    pub id: i64,
    pub name: String,
    pub licence_no: String,
    pub licence_date: Option<String>,
    pub valid_until: Option<String>,
    pub revoked: i64,
    /// ISO codes separated by commas.
    pub countries: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    /// aktif, kedaluwarsa or dicabut, today.
    #[sqlx(default)]
    pub status: String,
}

/// A registry entry as an admin or an import gave it, checked by `benteng_app::p3mi`.
#[derive(Debug, Clone)]
pub struct P3miEntry {
    pub name: String,
    /// Normalised (upper case, no spaces).
    pub licence_no: String,
    /// YYYY-MM-DD.
    pub licence_date: Option<String>,
    /// YYYY-MM-DD.
    pub valid_until: Option<String>,
    pub revoked: bool,
    /// ISO codes separated by commas.
    pub countries: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
}

/// Columns a CSV import reads, by name (`name` and `licence_no` required).
pub const IMPORT_COLUMNS: [&str; 9] = [
    "name",
    "licence_no",
    "licence_date",
    "valid_until",
    "revoked",
    "countries",
    "address",
    "phone",
    "note",
];

impl P3mi {
    /// The licence's state today (revoked, past its end date, or in force).
    pub fn licence(&self) -> LicenceStatus {
        let until = self.valid_until.as_deref().and_then(|d| date(d).ok());
        LicenceStatus::on(until, self.revoked == 1, crate::today())
    }
}

fn with_status(mut p: P3mi) -> P3mi {
    p.status = p.licence().as_str().to_string();
    p
}

const SELECT: &str = "SELECT id, name, licence_no, licence_date, valid_until, revoked, countries, address, phone, note FROM p3mi";

impl crate::p3mi::Repo<'_> {
    /// Search by part of the name or the licence number; anyone may (no actor).
    ///
    /// Kept for seconds ([`crate::shelf`]) unless the text is long; a change drops it.
    pub async fn search_p3mi(&self, q: &str, page: Option<i64>) -> Result<Page<P3mi>> {
        let q = q.trim();
        if q.len() > 100 {
            return self.read_p3mi(q, page).await;
        }
        let key = format!("{} {q}", crate::paging(page, 25).0);
        self.db
            .shelves
            .p3mi
            .get(&key, || self.read_p3mi(q, page))
            .await
    }

    async fn read_p3mi(&self, q: &str, page: Option<i64>) -> Result<Page<P3mi>> {
        let mut f = Filter::default();
        if !q.is_empty() {
            let name = f.text(like_pattern(q));
            let licence: String = q
                .split_whitespace()
                .collect::<String>()
                .to_uppercase()
                .chars()
                .filter(|c| !matches!(c, '%' | '_' | '\\'))
                .collect();
            let lic = f.text(format!("%{licence}%"));
            f.push(format!(
                "(name_search LIKE {name} OR licence_no LIKE {lic})"
            ));
        }
        let (page, per_page, offset) = crate::paging(page, 25);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM p3mi{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<P3mi>(format!(
                "{SELECT}{} ORDER BY name_search, id LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?
            .into_iter()
            .map(with_status)
            .collect();
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// Companies whose licence is valid today, for choosing one in a form: (id, name,
    /// licence number) by name, at most 3,000 (the national registry had 424 in 2024).
    pub async fn p3mi_choices(&self) -> Result<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, name, licence_no FROM p3mi WHERE revoked = 0 AND (valid_until IS NULL OR valid_until >= $1) \
             ORDER BY name_search, id LIMIT 3000",
        )
        .bind(format_date(crate::today()))
        .fetch_all(&self.db.pool)
        .await?)
    }

    pub async fn get_p3mi(&self, id: i64) -> Result<P3mi> {
        sqlx::query_as::<_, P3mi>(
            "SELECT id, name, licence_no, licence_date, valid_until, revoked, countries, address, phone, note FROM p3mi WHERE id = $1",
        )
        .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .map(with_status)
            .ok_or(Error::NotFound)
    }

    async fn upsert_p3mi(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        v: &P3miEntry,
        id: Option<i64>,
    ) -> Result<i64> {
        let now = crate::now();
        let existing: Option<i64> = match id {
            Some(id) => Some(id),
            None => {
                sqlx::query_scalar("SELECT id FROM p3mi WHERE licence_no = $1")
                    .bind(&v.licence_no)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        };
        match existing {
            Some(id) => {
                let n = sqlx::query(
                    "UPDATE p3mi SET name = $1, name_search = $2, licence_no = $3, licence_date = $4, valid_until = $5, \
                     revoked = $6, countries = $7, address = $8, phone = $9, note = $10, updated_at = $11 WHERE id = $12",
                )
                .bind(v.name.clone())
                .bind(v.name.to_lowercase())
                .bind(v.licence_no.clone())
                .bind(v.licence_date.clone())
                .bind(v.valid_until.clone())
                .bind(i64::from(v.revoked))
                .bind(v.countries.clone())
                .bind(v.address.clone())
                .bind(v.phone.clone())
                .bind(v.note.clone())
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(|e| on_unique(e, "licence_no", "err-licence-taken"))?
                .rows_affected();
                if n == 0 {
                    return Err(Error::NotFound);
                }
                Ok(id)
            }
            None => {
                let row: (i64,) = sqlx::query_as(
                    "INSERT INTO p3mi (name, name_search, licence_no, licence_date, valid_until, revoked, countries, address, phone, note, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(v.name.clone())
                .bind(v.name.to_lowercase())
                .bind(v.licence_no.clone())
                .bind(v.licence_date.clone())
                .bind(v.valid_until.clone())
                .bind(i64::from(v.revoked))
                .bind(v.countries.clone())
                .bind(v.address.clone())
                .bind(v.phone.clone())
                .bind(v.note.clone())
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| on_unique(e, "licence_no", "err-licence-taken"))?;
                Ok(row.0)
            }
        }
    }

    /// Add a company (admins), or change one (`id`).
    pub async fn save_p3mi(&self, ctx: &Ctx, id: Option<i64>, v: &P3miEntry) -> Result<i64> {
        ctx.require(Action::P3miManage, None)?;
        let mut tx = self.db.pool.begin().await?;
        if id.is_none() {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM p3mi WHERE licence_no = $1")
                    .bind(&v.licence_no)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(Error::Conflict("licence_no", "err-licence-taken"));
            }
        }
        let new_id = self.upsert_p3mi(&mut tx, v, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: if id.is_some() { "update" } else { "create" },
                entity: "p3mi",
                entity_id: Some(new_id.to_string()),
                region: None,
                sensitive: false,
                detail: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.db.shelves.p3mi.forget();
        Ok(new_id)
    }

    /// Import the good rows of a CSV (read by `benteng_app::p3mi`): a row whose licence
    /// number is already registered updates that entry. The audit entry counts them and the
    /// `errors` of the bad ones.
    pub async fn import_p3mi(&self, ctx: &Ctx, good: &[P3miEntry], errors: usize) -> Result<()> {
        ctx.require(Action::P3miManage, None)?;
        let mut tx = self.db.pool.begin().await?;
        for v in good {
            self.upsert_p3mi(&mut tx, v, None).await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "import",
                entity: "p3mi",
                entity_id: None,
                region: None,
                sensitive: false,
                detail: Some(format!("rows={} errors={errors}", good.len())),
            },
        )
        .await?;
        tx.commit().await?;
        self.db.shelves.p3mi.forget();
        Ok(())
    }
}

/// The p3mi repository, reached as `db.p3mi()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
