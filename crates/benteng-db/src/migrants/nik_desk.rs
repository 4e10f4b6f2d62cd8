//! Dukcapil's desk: the calon PMI whose NIK the register flagged ("NIK perlu dicek": the birth
//! date or sex in the NIK differs from what was declared, the NIK says under 18, or its
//! kecamatan is unknown), in the agency's area, for the civil registry to answer from its own
//! records: the NIK is right as it stands, or here is the right one. Dukcapil sees what it
//! needs to find the person in SIAK (name, village, the NIK's region part, the year of birth,
//! what was flagged) and nothing more of the register; the full NIK stays with those who may
//! reveal it.

use super::{event, Migrant, SELECT};
use crate::audit::{self, Event};
use crate::sql::Filter;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::{Nik, RegionCode, Role};
use serde::Serialize;

/// A flagged resident as Dukcapil sees it (masked like the register's list).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NikQueueRow {
    pub id: i64,
    pub name: String,
    pub village_name: Option<String>,
    /// The NIK's region part, the rest hidden.
    pub nik: Option<String>,
    /// The year of birth declared, day and month hidden.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// What the register found, as flag codes.
    pub flags: Vec<String>,
}

/// Dukcapil's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikAnswer {
    /// The NIK is right as it stands.
    Sesuai,
    /// The right NIK, from the civil registry.
    Dikoreksi(Nik),
}

impl crate::migrants::Repo<'_> {
    /// Is the actor a partner user of a Dukcapil (civil registry) agency?
    pub async fn civil_registry(&self, ctx: &Ctx) -> Result<bool> {
        if ctx.actor.role != Role::Mitra {
            return Ok(false);
        }
        Ok(self.agency_kind(ctx).await?.as_deref() == Some("dukcapil"))
    }

    /// The register's pages that refuse this partner user although the role may see the
    /// register (`/calon-pmi` for all but Disnaker and BP3MI, `/cek-nik` for all but
    /// Dukcapil), from one look at the agency's kind; for the menu. Others: the NIK desk.
    pub async fn closed_pages(&self, ctx: &Ctx) -> Result<Vec<&'static str>> {
        if ctx.actor.role != Role::Mitra {
            return Ok(vec!["/cek-nik"]);
        }
        let kind = self.agency_kind(ctx).await?;
        let mut closed = Vec::new();
        if !matches!(kind.as_deref(), Some("disnaker" | "bp3mi")) {
            closed.push("/calon-pmi");
        }
        if kind.as_deref() != Some("dukcapil") {
            closed.push("/cek-nik");
        }
        Ok(closed)
    }

    /// The flagged NIKs not yet answered, in the actor's area, oldest first (the longest
    /// waiting). Only Dukcapil users.
    pub async fn nik_queue(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<NikQueueRow>> {
        if !self.civil_registry(ctx).await? {
            return Err(Error::Forbidden);
        }
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "m.village_code",
            "m.kab_code",
            "m.prov_code",
        );
        f.push("m.nik_flags <> ''".into());
        f.push("m.nik_check IS NULL".into());
        let (page, per_page, offset) = crate::paging(page, 25);
        let total: i64 = f
            .scalar(format!("SELECT COUNT(*) FROM migrants m{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let mut rows: Vec<Migrant> = f
            .query_as(format!(
                "{SELECT}{} ORDER BY m.created_at, m.id LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter_mut().for_each(Migrant::mask);
        Ok(Page {
            items: rows
                .into_iter()
                .map(|m| NikQueueRow {
                    flags: m.flags().iter().map(|f| f.to_string()).collect(),
                    id: m.id,
                    name: m.name,
                    village_name: m.village_name,
                    nik: m.nik,
                    birth_date: m.birth_date,
                    sex: m.sex,
                })
                .collect(),
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// Record Dukcapil's answer for a flagged resident in its area: the flags are settled (a
    /// corrected NIK replaces the one typed), the register's history and the audit log say
    /// who answered. An answered or unflagged resident is refused.
    pub async fn answer_nik(&self, ctx: &Ctx, id: i64, answer: &NikAnswer) -> Result<()> {
        if !self.civil_registry(ctx).await? {
            return Err(Error::Forbidden);
        }
        let row: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT village_code, nik_flags, nik_check FROM migrants WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (village, flags, check) = row.ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&village).map_err(|_| Error::NotFound)?;
        if !ctx.actor.scope.contains(&place) {
            return Err(Error::NotFound);
        }
        if flags.is_empty() || check.is_some() {
            return Err(crate::reports::invalid("result", "err-nik-not-waiting"));
        }
        let (result, nik) = match answer {
            NikAnswer::Sesuai => ("sesuai", None),
            NikAnswer::Dikoreksi(n) => ("dikoreksi", Some(n.as_str().to_string())),
        };
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE migrants SET nik_check = $1, nik_checked_by = $2, nik_checked_at = $3, nik_flags = '', \
             nik = COALESCE($4, nik), updated_at = $3 WHERE id = $5 AND nik_check IS NULL AND nik_flags <> ''",
        )
        .bind(result)
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .bind(nik)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(crate::reports::invalid("result", "err-nik-not-waiting"));
        }
        event(
            &mut tx,
            ctx,
            id,
            "nik_check",
            Some(result.to_string()),
            None,
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "nik_check",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("result={result} flags={flags}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
