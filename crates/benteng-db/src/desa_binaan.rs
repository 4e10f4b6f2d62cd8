//! The desa binaan registry: villages enrolled in the programme with their decree (SK),
//! office, PIMPASA officers, contacts, status and profile.

use crate::audit::{self, Event};
use crate::sql::{kab_and_prov, like_pattern, Filter};
use crate::users::User;
use crate::{on_unique, Ctx, Error, Page, Result};
use benteng_domain::phone::mask_phone;
use benteng_domain::values::format_date;
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, Scope};
use serde::Serialize;
use time::Date;

/// Programme status of a village: being prepared, active, or no longer mentored.
pub const STATUSES: [&str; 3] = ["persiapan", "aktif", "nonaktif"];

/// Above this many matching villages, a name search is left to the database.
const MAX_CODES_IN_QUERY: usize = 2_000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesaBinaan {
    pub id: i64,
    pub region_code: String,
    pub village_name: String,
    pub kecamatan_name: String,
    pub kab_code: String,
    pub kab_name: String,
    pub office_id: i64,
    pub office_name: String,
    pub sk_number: String,
    pub sk_date: String,
    pub status: String,
    pub population: Option<i64>,
    pub residents_abroad: Option<i64>,
    pub kantong_pmi: i64,
    pub notes: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An officer assigned to a village: the name is all other roles need to see.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Officer {
    pub id: i64,
    pub full_name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesaBinaanDetail {
    pub desa: DesaBinaan,
    pub officers: Vec<Officer>,
    pub contacts: Vec<Contact>,
    /// False when phone numbers were masked for this actor.
    pub contacts_unmasked: bool,
}

/// A village's editable fields, checked (read from the form by `benteng_app::desa_binaan`,
/// which also checks that the office covers the village).
#[derive(Debug, Clone)]
pub struct DesaBinaanFields {
    pub office_id: i64,
    pub sk_number: String,
    pub sk_date: Date,
    /// One of [`STATUSES`].
    pub status: String,
    pub population: Option<i64>,
    pub residents_abroad: Option<i64>,
    pub kantong_pmi: bool,
    pub notes: Option<String>,
}

/// A contact person of a village, checked.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub name: String,
    pub position: String,
    pub phone: Option<PhoneNumber>,
}

/// Filters of the registry list; `None` filters nothing.
#[derive(Debug, Clone, Default)]
pub struct RegistryFilter {
    /// A decree number (when it has digits) or a part of a village's or kecamatan's name.
    pub text: Option<String>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
    /// A kabupaten/kota code.
    pub kab: Option<String>,
    pub page: Option<i64>,
}

const DB_SELECT: &str = "SELECT d.id, d.region_code, v.name AS village_name, COALESCE(kc.name, '') AS kecamatan_name, d.kab_code, \
    COALESCE(kb.name, '') AS kab_name, d.office_id, o.name AS office_name, d.sk_number, d.sk_date, d.status, d.population, \
    d.residents_abroad, d.kantong_pmi, d.notes, d.created_at, d.updated_at \
    FROM desa_binaan d JOIN regions v ON v.code = d.region_code LEFT JOIN regions kc ON kc.code = v.parent_code \
    LEFT JOIN regions kb ON kb.code = d.kab_code JOIN offices o ON o.id = d.office_id";

impl crate::desa_binaan::Repo<'_> {
    /// Enrol a village in the programme.
    pub async fn enrol_desa_binaan(
        &self,
        ctx: &Ctx,
        village: &RegionCode,
        v: &DesaBinaanFields,
    ) -> Result<i64> {
        ctx.require(Action::DesaBinaanManage, Some(village))?;
        let (kab, prov) = kab_and_prov(village);
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO desa_binaan (region_code, kab_code, prov_code, office_id, sk_number, sk_date, status, population, residents_abroad, kantong_pmi, notes, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(village.as_str().to_string())
        .bind(kab.unwrap_or_default())
        .bind(prov)
        .bind(v.office_id)
        .bind(v.sk_number.clone())
        .bind(format_date(v.sk_date))
        .bind(v.status.clone())
        .bind(v.population)
        .bind(v.residents_abroad)
        .bind(v.kantong_pmi as i64)
        .bind(v.notes.clone())
        .bind(ctx.actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "region_code", "err-desa-already-enrolled"))?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "enrol",
                entity: "desa_binaan",
                entity_id: Some(id.to_string()),
                region: Some(village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db
            .rooms()
            .sync_rooms(crate::rooms::Sync::DesaBinaan(id))
            .await?;
        Ok(id)
    }

    /// Change a village's record. The office was checked against the village's area by the
    /// caller ([`crate::desa_binaan::Repo::desa_binaan_place`] gives the current office and the village).
    pub async fn update_desa_binaan(&self, ctx: &Ctx, id: i64, v: &DesaBinaanFields) -> Result<()> {
        let (_, village) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE desa_binaan SET office_id = $1, sk_number = $2, sk_date = $3, status = $4, population = $5, residents_abroad = $6, kantong_pmi = $7, notes = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(v.office_id)
        .bind(v.sk_number.clone())
        .bind(format_date(v.sk_date))
        .bind(v.status.clone())
        .bind(v.population)
        .bind(v.residents_abroad)
        .bind(v.kantong_pmi as i64)
        .bind(v.notes.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "desa_binaan",
                entity_id: Some(id.to_string()),
                region: Some(&village),
                detail: Some(format!("status={}", v.status)),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Load a record's office and place, and refuse unless the actor may do `action` there.
    pub async fn desa_binaan_place(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(i64, RegionCode)> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT region_code, office_id FROM desa_binaan WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (code, office) = row.ok_or(Error::NotFound)?;
        let code = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        ctx.require(action, Some(&code))?;
        Ok((office, code))
    }

    /// The registry inside the actor's scope, filtered and paged.
    pub async fn list_desa_binaan(
        &self,
        ctx: &Ctx,
        q: &RegistryFilter,
        per_page: i64,
    ) -> Result<Page<DesaBinaan>> {
        ctx.require(Action::DesaBinaanView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "d.region_code",
            "d.kab_code",
            "d.prov_code",
        );
        if let Some(text) = q.text.as_deref() {
            if text.chars().any(|c| c.is_ascii_digit()) {
                // Decree numbers have digits; place names never do.
                let sk = f.text(like_pattern(text));
                f.push(format!("LOWER(d.sk_number) LIKE {sk}"));
            } else {
                // Names are matched in the in-memory region list, then looked up by code.
                let ix = self.db.regions().region_index().await?;
                let key = crate::regions::search_key(text);
                let villages = ix.villages_named(&key);
                if villages.is_empty() {
                    f.push("1 = 0".into());
                } else if villages.len() <= MAX_CODES_IN_QUERY {
                    // Codes from the region table, checked to be digits and dots, are written
                    // into the statement: binding hundreds of parameters is slow on SQLite.
                    let list: Vec<String> = villages
                        .iter()
                        .filter(|r| r.code.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
                        .map(|r| format!("'{}'", r.code))
                        .collect();
                    f.push(format!("d.region_code IN ({})", list.join(", ")));
                } else {
                    // A very common word: let the database scan instead of binding thousands of codes.
                    let ph = f.text(like_pattern(&key));
                    f.push(format!(
                        "(d.region_code IN (SELECT code FROM regions WHERE level = 4 AND name_search LIKE {ph}) \
                         OR substr(d.region_code, 1, 8) IN (SELECT code FROM regions WHERE level = 3 AND name_search LIKE {ph}))"
                    ));
                }
            }
        }
        if let Some(s) = q.status.as_deref() {
            let ph = f.text(s);
            f.push(format!("d.status = {ph}"));
        }
        if let Some(k) = q.kab.as_deref() {
            let ph = f.text(k);
            f.push(format!("d.kab_code = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!(
                "SELECT COUNT(*) FROM desa_binaan d{}",
                f.where_sql()
            ))
            .fetch_one(&self.db.pool)
            .await?;
        // Code order is kabupaten, kecamatan, desa: hierarchical and stable. Inside a scope the
        // same order is written with the scope's column first, which its index serves.
        let order = match &ctx.actor.scope {
            Scope::Province(_) => "d.prov_code, d.region_code",
            Scope::Regencies(_) => "d.kab_code, d.region_code",
            _ => "d.region_code",
        };
        // Code order is kabupaten, kecamatan, desa: hierarchical, stable, and served by the index.
        // The page's codes are picked from the index alone; only those rows are joined.
        let items = f
            .query_as::<DesaBinaan>(format!(
                "{DB_SELECT} WHERE d.region_code IN (SELECT d.region_code FROM desa_binaan d{} ORDER BY {order} LIMIT {per_page} OFFSET {offset}) ORDER BY d.region_code",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// Counts by status inside the actor's scope, for the home page.
    pub async fn desa_binaan_counts(&self, ctx: &Ctx) -> Result<Vec<(String, i64)>> {
        ctx.require(Action::DesaBinaanView, None)?;
        let mut f = Filter::default();
        f.scope(&ctx.actor.scope, "region_code", "kab_code", "prov_code");
        let rows: Vec<(String, i64)> = f
            .query_as(format!(
                "SELECT status, COUNT(*) AS n FROM desa_binaan{} GROUP BY status ORDER BY status",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(rows)
    }
    /// Desa binaan in the actor's scope (not inactive) with no visit on or after `since`
    /// (`YYYY-MM-DD`), never-visited first, then the longest ago: the officer's "go there
    /// next" list. Returns up to `limit` rows (id, village name, last visit date) and how many
    /// there are in all.
    pub async fn unvisited(
        &self,
        ctx: &Ctx,
        since: &str,
        limit: i64,
    ) -> Result<(Vec<(i64, String, Option<String>)>, i64)> {
        ctx.require(Action::VisitView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "d.region_code",
            "d.kab_code",
            "d.prov_code",
        );
        f.push("d.status <> 'nonaktif'".into());
        let since = f.text(since.to_string());
        // NOT EXISTS on the visits' (village, date) index, not a GROUP BY over every visit
        // of the scope: an office of 1,500 villages counts in 3 ms on PostgreSQL, not 26.
        f.push(format!(
            "NOT EXISTS (SELECT 1 FROM village_visits v WHERE v.desa_binaan_id = d.id AND v.visit_date >= {since})"
        ));
        let last = "(SELECT MAX(v.visit_date) FROM village_visits v WHERE v.desa_binaan_id = d.id)";
        let total = f
            .scalar(format!(
                "SELECT COUNT(*) FROM desa_binaan d{}",
                f.where_sql()
            ))
            .fetch_one(&self.db.pool)
            .await?;
        // The five first by last visit (never visited first) and code, then their names: a
        // join to the regions before the limit made PostgreSQL hash all 91,599 of them.
        let rows = f
            .query_as::<(i64, String, Option<String>)>(format!(
                "SELECT t.id, r.name, t.last FROM (SELECT d.id, d.region_code, {last} AS last \
                 FROM desa_binaan d{} ORDER BY COALESCE({last}, ''), d.region_code LIMIT {}) t \
                 JOIN regions r ON r.code = t.region_code ORDER BY COALESCE(t.last, ''), t.region_code",
                f.where_sql(),
                limit.clamp(1, 100)
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok((rows, total))
    }

    /// One village with officers and contacts. Contact phones are shown in full only to roles
    /// that need them, and each such view is written to the audit log.
    pub async fn get_desa_binaan(&self, ctx: &Ctx, id: i64) -> Result<DesaBinaanDetail> {
        let (_, village) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanView)
            .await?;
        let desa = sqlx::query_as::<_, DesaBinaan>(sqlx::AssertSqlSafe(format!(
            "{DB_SELECT} WHERE d.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        let officers = sqlx::query_as::<_, Officer>(
            "SELECT u.id, u.full_name FROM desa_binaan_officers x JOIN users u ON u.id = x.user_id WHERE x.desa_binaan_id = $1 ORDER BY u.full_name",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut contacts = sqlx::query_as::<_, Contact>("SELECT id, name, position, phone FROM desa_binaan_contacts WHERE desa_binaan_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?;
        let unmasked = ctx.allows(Action::ContactView, Some(&village));
        if unmasked {
            if contacts.iter().any(|c| c.phone.is_some()) {
                audit::write(
                    &self.db.pool,
                    Some(ctx),
                    Event {
                        action: "view_sensitive",
                        entity: "desa_binaan",
                        entity_id: Some(id.to_string()),
                        region: Some(&village),
                        sensitive: true,
                        detail: Some("fields=contacts.phone".into()),
                    },
                )
                .await?;
            }
        } else {
            for c in &mut contacts {
                c.phone = c.phone.as_deref().map(mask_phone);
            }
        }
        Ok(DesaBinaanDetail {
            desa,
            officers,
            contacts,
            contacts_unmasked: unmasked,
        })
    }

    /// One village's record without officers and contacts (and so without a sensitive view):
    /// for forms that need only its name and fields.
    pub async fn desa_binaan_record(&self, ctx: &Ctx, id: i64) -> Result<DesaBinaan> {
        self.desa_binaan_place(ctx, id, Action::DesaBinaanView)
            .await?;
        Ok(sqlx::query_as::<_, DesaBinaan>(sqlx::AssertSqlSafe(format!(
            "{DB_SELECT} WHERE d.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?)
    }

    /// Replace the PIMPASA officers of a village. Each must be an active petugas of the
    /// village's office with the pimpasa flag.
    pub async fn set_desa_binaan_officers(
        &self,
        ctx: &Ctx,
        id: i64,
        user_ids: &[i64],
    ) -> Result<()> {
        let (office, village) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
            .await?;
        let eligible: Vec<i64> = self
            .db
            .users()
            .office_officers(office)
            .await?
            .into_iter()
            .filter(|u| u.pimpasa == 1)
            .map(|u| u.id)
            .collect();
        if user_ids.iter().any(|u| !eligible.contains(u)) {
            return Err(Error::Invalid(FieldErrors(vec![
                benteng_domain::FieldError {
                    field: "officers",
                    code: "err-officer-not-pimpasa",
                },
            ])));
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM desa_binaan_officers WHERE desa_binaan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for u in user_ids {
            sqlx::query("INSERT INTO desa_binaan_officers (desa_binaan_id, user_id, assigned_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(*u)
                .bind(crate::now())
                .execute(&mut *tx)
                .await?;
        }
        let list: Vec<String> = user_ids.iter().map(|u| u.to_string()).collect();
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "assign_officers",
                entity: "desa_binaan",
                entity_id: Some(id.to_string()),
                region: Some(&village),
                detail: Some(format!("users={}", list.join(","))),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db
            .rooms()
            .sync_rooms(crate::rooms::Sync::DesaBinaan(id))
            .await?;
        Ok(())
    }

    /// Officers who may be assigned to a village (pimpasa petugas of its office).
    pub async fn desa_binaan_officer_choices(&self, ctx: &Ctx, id: i64) -> Result<Vec<User>> {
        let (office, _) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
            .await?;
        Ok(self
            .db
            .users()
            .office_officers(office)
            .await?
            .into_iter()
            .filter(|u| u.pimpasa == 1)
            .collect())
    }

    pub async fn add_contact(&self, ctx: &Ctx, id: i64, c: &NewContact) -> Result<i64> {
        let (_, village) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
            .await?;
        let mut tx = self.db.begin().await?;
        let cid: i64 = sqlx::query_scalar("INSERT INTO desa_binaan_contacts (desa_binaan_id, name, position, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(id)
            .bind(c.name.clone())
            .bind(c.position.clone())
            .bind(c.phone.as_ref().map(|p| p.as_str().to_string()))
            .bind(crate::now())
            .fetch_one(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_contact",
                entity: "desa_binaan",
                entity_id: Some(id.to_string()),
                region: Some(&village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(cid)
    }

    pub async fn remove_contact(&self, ctx: &Ctx, id: i64, contact_id: i64) -> Result<()> {
        let (_, village) = self
            .desa_binaan_place(ctx, id, Action::DesaBinaanManage)
            .await?;
        let mut tx = self.db.begin().await?;
        let n =
            sqlx::query("DELETE FROM desa_binaan_contacts WHERE id = $1 AND desa_binaan_id = $2")
                .bind(contact_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(Error::NotFound);
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "remove_contact",
                entity: "desa_binaan",
                entity_id: Some(id.to_string()),
                region: Some(&village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The desa binaan repository, reached as `db.desa_binaan()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
