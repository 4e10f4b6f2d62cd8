//! The calon PMI register: residents of a village who plan or go through migration, their
//! progress on the legal checklist, status changes, Disnaker/BP3MI verification and the family
//! permission letters the village issues.
//!
//! Decisions:
//! - The village keeps the register (`MigrantManage`: desa users, admins). Officers, the Kanwil
//!   and the labour agencies (partner users of a Disnaker or BP3MI agency, no other partner)
//!   see it in their scope; Disnaker/BP3MI mark settled steps as verified.
//! - NIKs and phones are masked everywhere unless a role that needs them asks to see them;
//!   each such view, each detail view, each export and each printed letter is audited.
//! - A NIK that does not fit what was declared is kept and flagged for Dukcapil, never
//!   refused; a NIK whose structure is impossible is refused (a typo to correct).
//! - "Left without the procedure" (`nonprocedural`) is recomputed on every change from the
//!   checklist in the database, as it applied on the day of departure.
//!
//! The forms are read in `benteng_app::migrants`; the functions here take the checked values.
//! The types, the access checks and the history helper are here; the work is split by what a
//! user does: `register` (registering a resident and editing their particulars), `list` (the
//! register of an area), `detail` (one resident's page), `progress` (the checklist, steps,
//! verification and status), `letters` (the family permission letter) and `io` (figures,
//! export and import); `procedure` keeps the "left without the procedure" flag up to date.

use crate::audit::{self, Event};
use crate::sql::{kab_and_prov, like_pattern, Filter};
use crate::storage::{new_key, BlobStore, CleanFile};
use crate::{Ctx, Error, Page, Result};
use benteng_domain::migrant::{
    check_person, letter_number, missing_steps, LetterKind, MigrantStatus, Scheme, Step, StepStatus,
};
use benteng_domain::values::{date, format_date};
use benteng_domain::{Action, Nik, RegionCode, Role, Scope, Sex};
use serde::Serialize;
use time::Date;

mod detail;
mod io;
mod letters;
mod list;
mod nik_desk;
mod procedure;
mod progress;
mod register;

pub use io::{export_rows, migrants_csv, safe_cell, FiguresCache, EXPORT_COLUMNS, IMPORT_COLUMNS};
pub use letters::NewLetter;
pub use list::{MigrantQuery, RegisterFlag};
pub use nik_desk::{NikAnswer, NikQueueRow};
use procedure::{recompute, recompute_all};
pub use progress::{StatusChange, StatusNow, StepChange, StepDef};
use register::insert_migrant;
pub use register::NewMigrant;

fn invalid(field: &'static str, code: &'static str) -> Error {
    crate::reports::invalid(field, code)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Migrant {
    pub id: i64,
    pub village_code: String,
    #[sqlx(default)]
    pub village_name: Option<String>,
    pub name: String,
    /// Masked unless revealed.
    pub nik: Option<String>,
    /// Codes of the NIK check's findings, comma separated.
    pub nik_flags: String,
    pub birth_place: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// Masked unless revealed.
    pub phone: Option<String>,
    pub address: Option<String>,
    pub destination: Option<String>,
    pub job: Option<String>,
    pub scheme: String,
    pub p3mi_id: Option<i64>,
    #[sqlx(default)]
    pub p3mi_name: Option<String>,
    pub status: String,
    pub departure_date: Option<String>,
    pub return_date: Option<String>,
    /// 1 when the resident left without settling every required step.
    pub nonprocedural: i64,
    pub note: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Migrant {
    pub fn flags(&self) -> Vec<&str> {
        self.nik_flags
            .split(',')
            .filter(|f| !f.is_empty())
            .collect()
    }

    /// Hide what identifies the person beyond the name: the NIK after its region part, the
    /// phone's middle, and the day and month of birth (which with the region part would give
    /// back most of the NIK).
    fn mask(&mut self) {
        self.nik = self.nik.as_deref().map(crate::reports::mask_nik);
        self.phone = self.phone.as_deref().map(benteng_domain::phone::mask_phone);
        self.birth_date = self
            .birth_date
            .as_deref()
            .map(|d| format!("{}-••-••", d.get(..4).unwrap_or("")));
    }
}

/// One checklist step with this resident's progress on it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRow {
    pub code: String,
    pub label: String,
    pub legal: String,
    pub required: bool,
    pub in_force: bool,
    /// belum, proses, selesai, tidak_perlu.
    pub status: String,
    pub done_on: Option<String>,
    pub note: Option<String>,
    pub file_name: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<i64>,
    /// When the step was last changed (Unix seconds); a form sends it back as `seen`.
    pub updated_at: Option<i64>,
    /// Required before leaving and not settled.
    pub missing: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MigrantEvent {
    pub at: i64,
    pub username: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Letter {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub giver_name: String,
    pub relation: String,
    pub issued_on: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MigrantDetail {
    pub migrant: Migrant,
    pub steps: Vec<StepRow>,
    pub letters: Vec<Letter>,
    pub events: Vec<MigrantEvent>,
    /// NIK and phone shown in full (this view was audited as sensitive).
    pub revealed: bool,
    pub can_manage: bool,
    pub can_verify: bool,
    pub can_reveal: bool,
}

/// Everything the letter PDF prints (full NIKs: only for roles that may see them).
#[derive(Debug, Clone, Serialize)]
pub struct LetterData {
    pub number: String,
    pub kind: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub giver_name: String,
    pub giver_nik: String,
    pub giver_birth: String,
    pub giver_address: String,
    pub relation: String,
    pub worker_name: String,
    pub worker_nik: String,
    pub worker_birth_place: String,
    pub worker_birth_date: Option<Date>,
    pub worker_address: String,
    pub destination: Option<String>,
    pub job: String,
    pub scheme: String,
    pub p3mi: Option<(String, String)>,
    pub issued_on: Date,
    pub head_name: String,
}

/// Calon PMI per village by status, and departures with and without the procedure.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MigrantFigures {
    pub villages: Vec<VillageFigures>,
    pub total: VillageFigures,
    /// When the figures were counted (Unix seconds); they are kept for a minute.
    pub counted_at: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VillageFigures {
    pub village_code: String,
    pub village_name: String,
    /// In the order of `MigrantStatus::ALL`.
    pub by_status: Vec<i64>,
    /// Left with every required step settled.
    pub departed_procedural: i64,
    /// Left without (`nonprocedural`).
    pub departed_nonprocedural: i64,
}

impl VillageFigures {
    pub fn total(&self) -> i64 {
        self.by_status.iter().sum()
    }
}

const SELECT: &str = "SELECT m.id, m.village_code, v.name AS village_name, m.name, m.nik, m.nik_flags, \
    m.birth_place, m.birth_date, m.sex, m.phone, m.address, m.destination, m.job, m.scheme, m.p3mi_id, \
    p.name AS p3mi_name, m.status, m.departure_date, m.return_date, m.nonprocedural, m.note, m.created_at, m.updated_at \
    FROM migrants m LEFT JOIN regions v ON v.code = m.village_code LEFT JOIN p3mi p ON p.id = m.p3mi_id";

impl crate::migrants::Repo<'_> {
    /// The scope in which `ctx` sees the register: partner users only from Disnaker or BP3MI.
    pub async fn migrant_scope(&self, ctx: &Ctx) -> Result<Scope> {
        ctx.require(Action::MigrantView, None)?;
        if ctx.actor.role == Role::Mitra && !self.labour_agency(ctx).await? {
            return Err(Error::Forbidden);
        }
        Ok(ctx.actor.scope.clone())
    }

    /// Is the actor a partner user of a Disnaker or BP3MI agency?
    async fn labour_agency(&self, ctx: &Ctx) -> Result<bool> {
        Ok(matches!(
            self.agency_kind(ctx).await?.as_deref(),
            Some("disnaker" | "bp3mi")
        ))
    }

    /// The kind of the actor's agency (`disnaker`, `dukcapil`, …), if the actor has one.
    pub(super) async fn agency_kind(&self, ctx: &Ctx) -> Result<Option<String>> {
        let Some(agency) = ctx.actor.agency_id else {
            return Ok(None);
        };
        Ok(
            sqlx::query_scalar("SELECT kind FROM agencies WHERE id = $1")
                .bind(agency)
                .fetch_optional(&self.db.pool)
                .await?,
        )
    }

    /// May the actor do `action` on a resident registered at `place`?
    async fn migrant_allows(&self, ctx: &Ctx, action: Action, place: &RegionCode) -> Result<bool> {
        if !ctx.allows(action, Some(place)) {
            return Ok(false);
        }
        if ctx.actor.role == Role::Mitra {
            return self.labour_agency(ctx).await;
        }
        Ok(true)
    }

    /// The resident's village, after checking that the actor may see it (404 for unknown ids,
    /// 403 outside the scope).
    pub async fn migrant_place(&self, ctx: &Ctx, id: i64) -> Result<RegionCode> {
        self.migrant_scope(ctx).await?;
        let code: String = sqlx::query_scalar("SELECT village_code FROM migrants WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        ctx.require(Action::MigrantView, Some(&place))?;
        Ok(place)
    }
}

async fn event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    detail: Option<String>,
    note: Option<String>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO migrant_events (migrant_id, at, user_id, kind, detail, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(crate::now())
    .bind(ctx.actor.user_id)
    .bind(kind.to_string())
    .bind(detail)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A checklist row as stored, with one resident's status of it when joined.
#[derive(sqlx::FromRow)]
struct StepRecord {
    code: String,
    position: i64,
    label: String,
    legal: String,
    effective_from: String,
    effective_until: Option<String>,
    required: i64,
    #[sqlx(default)]
    status: Option<String>,
}

impl StepRecord {
    fn step(self) -> Option<(Step, Option<StepStatus>)> {
        Some((
            Step {
                effective_from: date(&self.effective_from).ok()?,
                effective_until: self.effective_until.as_deref().and_then(|u| date(u).ok()),
                required: self.required == 1,
                code: self.code,
                label: self.label,
                legal: self.legal,
                position: self.position,
            },
            self.status
                .as_deref()
                .and_then(|s| StepStatus::parse(s).ok()),
        ))
    }
}

/// The migrants repository, reached as `db.migrants()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
