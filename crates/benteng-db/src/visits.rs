//! Village visits (*kunjungan*) by PIMPASA officers: what they saw and what follows.

use crate::audit::{self, Event};
use crate::sql::Filter;
use crate::{Ctx, Page, Result};
use benteng_domain::values::format_date;
use benteng_domain::Action;
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub id: i64,
    pub desa_binaan_id: i64,
    pub village_name: String,
    pub visit_date: String,
    pub officer_id: i64,
    pub officer_name: String,
    pub departures_seen: Option<i64>,
    pub returns_seen: Option<i64>,
    pub foreigners_staying: Option<i64>,
    pub findings: String,
    pub problems: Option<String>,
    pub follow_up: Option<String>,
    pub created_at: i64,
}

/// A visit as recorded by the officer, checked (read by `benteng_app::visits`).
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub visit_date: Date,
    pub departures_seen: Option<i64>,
    pub returns_seen: Option<i64>,
    pub foreigners_staying: Option<i64>,
    pub findings: String,
    pub problems: Option<String>,
    pub follow_up: Option<String>,
}

const VISIT_SELECT: &str = "SELECT k.id, k.desa_binaan_id, v.name AS village_name, k.visit_date, k.officer_id, u.full_name AS officer_name, \
    k.departures_seen, k.returns_seen, k.foreigners_staying, k.findings, k.problems, k.follow_up, k.created_at \
    FROM village_visits k JOIN desa_binaan d ON d.id = k.desa_binaan_id JOIN regions v ON v.code = d.region_code JOIN users u ON u.id = k.officer_id";

/// The visit id an idempotency key recorded.
fn id_answer(a: &str) -> Result<i64> {
    a.parse()
        .map_err(|_| crate::Error::Other(anyhow::anyhow!("unreadable idempotency answer")))
}

impl crate::visits::Repo<'_> {
    /// Keep a visit to a village by the acting officer.
    pub async fn record_visit(&self, ctx: &Ctx, desa_binaan_id: i64, v: &NewVisit) -> Result<i64> {
        let (_, village) = self
            .db
            .desa_binaan()
            .desa_binaan_place(ctx, desa_binaan_id, Action::VisitRecord)
            .await?;
        let idem = crate::idempotency::IdemKey::of(ctx);
        if let Some(a) = crate::idempotency::earlier(self.db, idem.as_ref(), "visit").await? {
            return id_answer(&a);
        }
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO village_visits (desa_binaan_id, visit_date, officer_id, departures_seen, returns_seen, foreigners_staying, findings, problems, follow_up, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(desa_binaan_id)
        .bind(format_date(v.visit_date))
        .bind(ctx.actor.user_id)
        .bind(v.departures_seen)
        .bind(v.returns_seen)
        .bind(v.foreigners_staying)
        .bind(v.findings.clone())
        .bind(v.problems.clone())
        .bind(v.follow_up.clone())
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "record_visit",
                entity: "desa_binaan",
                entity_id: Some(desa_binaan_id.to_string()),
                region: Some(&village),
                ..Default::default()
            },
        )
        .await?;
        if !crate::idempotency::remember(&mut tx, idem.as_ref(), "visit", &id.to_string()).await? {
            drop(tx);
            return id_answer(
                &crate::idempotency::first_answer(self.db, idem.as_ref(), "visit").await?,
            );
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Visits of one village, newest first.
    pub async fn list_visits(
        &self,
        ctx: &Ctx,
        desa_binaan_id: i64,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Visit>> {
        self.db
            .desa_binaan()
            .desa_binaan_place(ctx, desa_binaan_id, Action::VisitView)
            .await?;
        let mut f = Filter::default();
        let ph = f.int(desa_binaan_id);
        f.push(format!("k.desa_binaan_id = {ph}"));
        self.visit_page(f, page, per_page).await
    }

    /// The latest visits anywhere in the actor's scope, for the home page (no total: the home
    /// page does not page, and counting every visit would cost more than the list).
    pub async fn recent_visits(&self, ctx: &Ctx, limit: i64) -> Result<Vec<Visit>> {
        ctx.require(Action::VisitView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "d.region_code",
            "d.kab_code",
            "d.prov_code",
        );
        let limit = limit.clamp(1, 50);
        // First among the newest visits anywhere (read in date order from their index): a
        // province or an office finds its few there at once. Only when they hold fewer than
        // `limit` of the scope's does it read the scope's villages' visits and sort them
        // (8,500 villages of a province: 15 ms against 1 ms). Both give the same rows: any
        // visit left out of the first read is older than every visit in it.
        // The names are joined to the five chosen, not to every candidate (PostgreSQL would
        // hash the 91,599 regions for it: 3 ms against 0.9).
        let order = format!(" ORDER BY k.visit_date DESC, k.id DESC LIMIT {limit}");
        let newest = VISIT_SELECT.replace(
            "FROM village_visits k",
            &format!(
                "FROM (SELECT k.* FROM (SELECT * FROM village_visits ORDER BY visit_date DESC, id DESC LIMIT 2000) k \
                 JOIN desa_binaan d ON d.id = k.desa_binaan_id{}{order}) k",
                f.where_sql()
            ),
        );
        let first = f
            .query_as::<Visit>(format!("{newest}{order}"))
            .fetch_all(&self.db.pool)
            .await?;
        if first.len() as i64 >= limit {
            return Ok(first);
        }
        Ok(
            f.query_as::<Visit>(format!("{VISIT_SELECT}{}{order}", f.where_sql()))
                .fetch_all(&self.db.pool)
                .await?,
        )
    }

    async fn visit_page(&self, f: Filter, page: Option<i64>, per_page: i64) -> Result<Page<Visit>> {
        let (page, per_page, offset) = crate::paging(page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM village_visits k JOIN desa_binaan d ON d.id = k.desa_binaan_id{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<Visit>(format!("{VISIT_SELECT}{} ORDER BY k.visit_date DESC, k.id DESC LIMIT {per_page} OFFSET {offset}", f.where_sql()))
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
}

/// The visits repository, reached as `db.visits()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
