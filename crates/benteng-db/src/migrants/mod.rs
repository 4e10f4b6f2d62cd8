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

use crate::audit::{self, Event};
use crate::csv_rows;
use crate::screening::{ImportOutcome, RowError};
use crate::sql::{kab_and_prov, like_pattern, Filter};
use crate::storage::{new_key, BlobStore, CleanFile};
use crate::{Ctx, Db, Error, Page, Result};
use benteng_domain::migrant::{
    check_person, letter_number, missing_steps, LetterKind, MigrantStatus, Scheme, Step, StepStatus,
};
use benteng_domain::p3mi::countries;
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, Nik, PhoneNumber, RegionCode, Role, Scope, Sex};
use serde::{Deserialize, Serialize};
use time::Date;

mod io;
mod letters;
mod progress;

pub use io::{export_rows, migrants_csv, safe_cell, FiguresCache, EXPORT_COLUMNS};
pub use progress::StepDefInput;

fn invalid(field: &'static str, code: &'static str) -> Error {
    crate::reports::invalid(field, code)
}

/// A resident as a form or the API sends it. Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MigrantInput {
    /// Desa code; a desa user's own village is used whatever is sent.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub village: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub birth_place: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub birth_date: String,
    /// `l` or `p`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sex: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub address: String,
    /// ISO 3166 alpha-2.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub destination: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub job: String,
    /// g2g, p3mi, perusahaan_sendiri, mandiri, belum_tahu.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub scheme: String,
    /// Id of the placement company in the P3MI registry.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub p3mi_id: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// Required before leaving and not settled.
    pub missing: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MigrantEvent {
    pub at: i64,
    pub username: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Letter {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub giver_name: String,
    pub relation: String,
    pub issued_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// List filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct MigrantFilter {
    /// Part of the name.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// Desa code.
    #[serde(default)]
    pub village: Option<String>,
    /// `1`: only residents who left without the procedure. `nik`: only flagged NIKs.
    #[serde(default)]
    pub flag: Option<String>,
    /// Page number (`hal` on the pages, like every list there).
    #[serde(default, alias = "hal")]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub step: String,
    /// belum, proses, selesai, tidak_perlu.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    /// Defaults to today when the step is settled.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub done_on: String,
    /// Required for tidak_perlu.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StatusInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    /// Departure date (berangkat, luar_negeri) or return date (pulang); defaults to today.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub date: String,
    /// Required when going back along the way or into or out of bermasalah.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LetterInput {
    /// suami_istri, orang_tua, wali.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_nik: String,
    /// "Malang, 12 Maret 1985".
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_birth: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_address: String,
    /// suami, istri, ayah, ibu, wali…
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub relation: String,
    /// The village head who acknowledges the letter.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub head_name: String,
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
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MigrantFigures {
    pub villages: Vec<VillageFigures>,
    pub total: VillageFigures,
    /// When the figures were counted (Unix seconds); they are kept for a minute.
    pub counted_at: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
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

struct Valid {
    village: RegionCode,
    name: String,
    nik: Option<Nik>,
    birth_place: Option<String>,
    birth_date: Option<Date>,
    sex: Option<Sex>,
    phone: Option<String>,
    address: Option<String>,
    destination: Option<String>,
    job: Option<String>,
    scheme: Scheme,
    p3mi_id: Option<i64>,
    note: Option<String>,
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::Male => "l",
        Sex::Female => "p",
    }
}

fn parse_sex(s: &str) -> Result<Option<Sex>, &'static str> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "l" | "laki-laki" | "m" => Ok(Some(Sex::Male)),
        "p" | "perempuan" | "f" => Ok(Some(Sex::Female)),
        _ => Err("err-invalid-choice"),
    }
}

const SELECT: &str = "SELECT m.id, m.village_code, v.name AS village_name, m.name, m.nik, m.nik_flags, \
    m.birth_place, m.birth_date, m.sex, m.phone, m.address, m.destination, m.job, m.scheme, m.p3mi_id, \
    p.name AS p3mi_name, m.status, m.departure_date, m.return_date, m.nonprocedural, m.note, m.created_at, m.updated_at \
    FROM migrants m LEFT JOIN regions v ON v.code = m.village_code LEFT JOIN p3mi p ON p.id = m.p3mi_id";

impl Db {
    /// The scope in which `ctx` sees the register: partner users only from Disnaker or BP3MI.
    async fn migrant_scope(&self, ctx: &Ctx) -> Result<Scope> {
        ctx.require(Action::MigrantView, None)?;
        if ctx.actor.role == Role::Mitra && !self.labour_agency(ctx).await? {
            return Err(Error::Forbidden);
        }
        Ok(ctx.actor.scope.clone())
    }

    /// Is the actor a partner user of a Disnaker or BP3MI agency?
    async fn labour_agency(&self, ctx: &Ctx) -> Result<bool> {
        let Some(agency) = ctx.actor.agency_id else {
            return Ok(false);
        };
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM agencies WHERE id = $1")
            .bind(agency)
            .fetch_optional(&self.pool)
            .await?;
        Ok(matches!(kind.as_deref(), Some("disnaker" | "bp3mi")))
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
    async fn migrant_place(&self, ctx: &Ctx, id: i64) -> Result<RegionCode> {
        self.migrant_scope(ctx).await?;
        let code: String = sqlx::query_scalar("SELECT village_code FROM migrants WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        ctx.require(Action::MigrantView, Some(&place))?;
        Ok(place)
    }

    async fn parse_migrant(&self, ctx: &Ctx, i: &MigrantInput) -> Result<Valid> {
        let mut e = FieldErrors::new();
        let village = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Desa, Scope::Village(v)) => Some(v.clone()),
            _ => self.known_village(&i.village, "village", &mut e).await?,
        };
        if let Some(v) = &village {
            if !ctx.allows(Action::MigrantManage, Some(v)) {
                e.add("village", "err-region-out-of-scope");
            }
        }
        let name = e.check("name", required_text(&i.name, 200));
        let nik = match i.nik.trim() {
            "" => None,
            n => e.check("nik", Nik::parse(n)),
        };
        let birth_place = e
            .check("birth_place", optional_text(&i.birth_place, 100))
            .flatten();
        let birth_date = match i.birth_date.trim() {
            "" => None,
            d => match date(d) {
                Ok(d) if d > crate::today() => {
                    e.add("birth_date", "err-date-future");
                    None
                }
                Ok(d) => Some(d),
                Err(c) => {
                    e.add("birth_date", c);
                    None
                }
            },
        };
        let sex = e.check("sex", parse_sex(&i.sex)).flatten();
        let phone = match i.phone.trim() {
            "" => None,
            p => e
                .check("phone", PhoneNumber::parse(p))
                .map(|p| p.as_str().to_string()),
        };
        let address = e.check("address", optional_text(&i.address, 300)).flatten();
        let destination = match countries(&i.destination) {
            Ok(list) if list.len() <= 1 => list.into_iter().next(),
            Ok(_) => {
                e.add("destination", "err-country-code");
                None
            }
            Err(c) => {
                e.add("destination", c);
                None
            }
        };
        let job = e.check("job", optional_text(&i.job, 100)).flatten();
        let scheme = match i.scheme.trim() {
            "" => Some(Scheme::BelumTahu),
            s => e.check("scheme", Scheme::parse(s)),
        };
        let p3mi_id = match i.p3mi_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) if self.get_p3mi(id).await.is_ok() => Some(id),
                _ => {
                    e.add("p3mi_id", "err-p3mi-unknown");
                    None
                }
            },
        };
        let note = e.check("note", optional_text(&i.note, 2000)).flatten();
        match (village, name, scheme) {
            (Some(village), Some(name), Some(scheme)) if e.is_empty() => Ok(Valid {
                village,
                name,
                nik,
                birth_place,
                birth_date,
                sex,
                phone,
                address,
                destination,
                job,
                scheme,
                p3mi_id,
                note,
            }),
            _ => Err(Error::Invalid(e)),
        }
    }

    /// Codes of what the NIK and age checks found (region unknown included).
    async fn person_flags(&self, v: &Valid) -> Result<String> {
        let mut flags: Vec<&str> =
            check_person(v.nik.as_ref(), v.birth_date, v.sex, crate::today())
                .iter()
                .map(|f| f.code())
                .collect();
        if let Some(n) = &v.nik {
            if self
                .region_by_code(n.region_code().as_str())
                .await?
                .is_none()
            {
                flags.insert(0, "nik:region_unknown");
            }
        }
        Ok(flags.join(","))
    }

    /// Register a resident. Returns the id and the flags of the NIK check (shown to the user).
    pub async fn create_migrant(&self, ctx: &Ctx, i: &MigrantInput) -> Result<(i64, String)> {
        ctx.require(Action::MigrantManage, None)?;
        let v = self.parse_migrant(ctx, i).await?;
        let flags = self.person_flags(&v).await?;
        let mut tx = self.begin().await?;
        let id = insert_migrant(&mut tx, ctx, &v, &flags, MigrantStatus::Rencana, None).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, flags))
    }

    /// Change a resident's particulars (not the status or the steps).
    pub async fn update_migrant(&self, ctx: &Ctx, id: i64, i: &MigrantInput) -> Result<String> {
        let place = self.migrant_place(ctx, id).await?;
        ctx.require(Action::MigrantManage, Some(&place))?;
        let mut input = i.clone();
        if input.village.trim().is_empty() {
            input.village = place.as_str().to_string();
        }
        let v = self.parse_migrant(ctx, &input).await?;
        let flags = self.person_flags(&v).await?;
        let (kab, prov) = kab_and_prov(&v.village);
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE migrants SET village_code = $1, kab_code = $2, prov_code = $3, name = $4, name_search = $5, nik = $6, \
             nik_flags = $7, birth_place = $8, birth_date = $9, sex = $10, phone = $11, address = $12, destination = $13, \
             job = $14, scheme = $15, p3mi_id = $16, note = $17, updated_at = $18 WHERE id = $19",
        )
        .bind(v.village.as_str().to_string())
        .bind(kab.unwrap_or_default())
        .bind(prov)
        .bind(v.name.clone())
        .bind(v.name.to_lowercase())
        .bind(v.nik.as_ref().map(|n| n.as_str().to_string()))
        .bind(flags.clone())
        .bind(v.birth_place.clone())
        .bind(v.birth_date.map(format_date))
        .bind(v.sex.map(sex_code))
        .bind(v.phone.clone())
        .bind(v.address.clone())
        .bind(v.destination.clone())
        .bind(v.job.clone())
        .bind(v.scheme.as_str())
        .bind(v.p3mi_id)
        .bind(v.note.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        event(&mut tx, ctx, id, "edit", None, None).await?;
        recompute(&mut tx, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(flags)
    }

    /// The register of the actor's area, newest change first.
    pub async fn list_migrants(&self, ctx: &Ctx, f: &MigrantFilter) -> Result<Page<Migrant>> {
        let (page, per_page, offset) = crate::paging(f.page, 25);
        let (filter, scope) = self.migrant_filter(ctx, f).await?;
        // A name search counts only a little past the page: "Siti" matches thousands, and
        // counting them all cost more than the page itself (the pager then offers "next").
        let cap = if f.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
            offset + 2 * per_page
        } else {
            crate::count_cap(offset, per_page)
        };
        let total = filter
            .scalar(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM migrants m{} LIMIT {cap}) c",
                filter.where_sql(),
            ))
            .fetch_one(&self.pool)
            .await?;
        let sql = match &scope {
            // An office's area of several regencies: the newest rows of each regency, read
            // in order from (kab_code, updated_at), then merged. One query over the whole area
            // made the planners sort every row of the area when a filter was added (130 ms
            // at 200,000 residents on SQLite). Branches reuse the placeholders: `$1…$k` are
            // the regencies (the scope clause comes first), the rest are the filters.
            Scope::Regencies(list) if list.len() > 1 => {
                let rest: String = filter.clauses[1..]
                    .iter()
                    .map(|c| format!(" AND {c}"))
                    .collect();
                let branches: Vec<String> = (1..=list.len())
                    .map(|i| {
                        format!(
                            "SELECT id, updated_at FROM (SELECT m.id, m.updated_at FROM migrants m \
                             WHERE m.kab_code = ${i}{rest} ORDER BY m.updated_at DESC, m.id DESC LIMIT {}) b{i}",
                            offset + per_page
                        )
                    })
                    .collect();
                format!(
                    "{SELECT} WHERE m.id IN (SELECT id FROM ({}) u ORDER BY updated_at DESC, id DESC \
                     LIMIT {per_page} OFFSET {offset}) ORDER BY m.updated_at DESC, m.id DESC",
                    branches.join(" UNION ALL ")
                )
            }
            _ => format!(
                "{SELECT}{} ORDER BY m.updated_at DESC, m.id DESC LIMIT {per_page} OFFSET {offset}",
                filter.where_sql()
            ),
        };
        let mut items: Vec<Migrant> = filter.query_as(sql).fetch_all(&self.pool).await?;
        items.iter_mut().for_each(Migrant::mask);
        let more = total >= cap;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more,
        })
    }

    async fn migrant_filter(&self, ctx: &Ctx, f: &MigrantFilter) -> Result<(Filter, Scope)> {
        let scope = self.migrant_scope(ctx).await?;
        let mut filter = Filter::default();
        filter.scope(&scope, "m.village_code", "m.kab_code", "m.prov_code");
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let p = filter.text(like_pattern(q));
            filter.push(format!("m.name_search LIKE {p}"));
        }
        if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
            let s = MigrantStatus::parse(s).map_err(|c| invalid("status", c))?;
            let p = filter.text(s.as_str());
            filter.push(format!("m.status = {p}"));
        }
        if let Some(v) = f
            .village
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            let code = RegionCode::parse(v).map_err(|c| invalid("village", c))?;
            let p = filter.text(code.as_str());
            filter.push(format!("m.village_code = {p}"));
        }
        match f.flag.as_deref() {
            None | Some("") => {}
            Some("1") => filter.push("m.nonprocedural = 1".into()),
            Some("nik") => filter.push("m.nik_flags <> ''".into()),
            Some(_) => return Err(invalid("flag", "err-invalid-choice")),
        }
        Ok((filter, scope))
    }

    /// One resident with the checklist, letters and history. `reveal` asks for the NIK and
    /// phone in full: allowed to roles that need them, audited as a sensitive view. Every
    /// detail view is audited.
    pub async fn get_migrant(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<MigrantDetail> {
        let place = self.migrant_place(ctx, id).await?;
        let can_reveal = self
            .migrant_allows(ctx, Action::MigrantSensitiveView, &place)
            .await?;
        let revealed = reveal && can_reveal;
        let mut migrant =
            sqlx::query_as::<_, Migrant>(sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1")))
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        if !revealed {
            migrant.mask();
        }
        let steps = self.step_rows(id, &migrant).await?;
        let letters = sqlx::query_as::<_, Letter>(
            "SELECT id, number, kind, giver_name, relation, issued_on FROM permission_letters WHERE migrant_id = $1 ORDER BY id DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let events = sqlx::query_as::<_, MigrantEvent>(
            "SELECT e.at, u.username, e.kind, e.detail, e.note FROM migrant_events e LEFT JOIN users u ON u.id = e.user_id \
             WHERE e.migrant_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT 50",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        audit::write(
            &self.pool,
            Some(ctx),
            Event {
                action: if revealed { "view_sensitive" } else { "view" },
                entity: "migrant",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                sensitive: revealed,
                detail: revealed.then(|| "fields=nik,phone".to_string()),
            },
        )
        .await?;
        Ok(MigrantDetail {
            can_manage: ctx.allows(Action::MigrantManage, Some(&place)),
            can_verify: self
                .migrant_allows(ctx, Action::MigrantVerify, &place)
                .await?,
            can_reveal,
            revealed,
            migrant,
            steps,
            letters,
            events,
        })
    }
}

async fn insert_migrant(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    v: &Valid,
    flags: &str,
    status: MigrantStatus,
    how: Option<&str>,
) -> Result<i64> {
    let (kab, prov) = kab_and_prov(&v.village);
    let now = crate::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO migrants (village_code, kab_code, prov_code, name, name_search, nik, nik_flags, birth_place, birth_date, sex, \
         phone, address, destination, job, scheme, p3mi_id, status, note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(v.village.as_str().to_string())
    .bind(kab.unwrap_or_default())
    .bind(prov)
    .bind(v.name.clone())
    .bind(v.name.to_lowercase())
    .bind(v.nik.as_ref().map(|n| n.as_str().to_string()))
    .bind(flags.to_string())
    .bind(v.birth_place.clone())
    .bind(v.birth_date.map(format_date))
    .bind(v.sex.map(sex_code))
    .bind(v.phone.clone())
    .bind(v.address.clone())
    .bind(v.destination.clone())
    .bind(v.job.clone())
    .bind(v.scheme.as_str())
    .bind(v.p3mi_id)
    .bind(status.as_str())
    .bind(v.note.clone())
    .bind(ctx.actor.user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    event(tx, ctx, id, "create", how.map(str::to_string), None).await?;
    Ok(id)
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

/// Recompute the "left without the procedure" flag of every resident in one statement, after
/// the checklist changed: the same rule as [`missing_steps`] (a required step in force on the
/// departure day, or today without one, not settled), in SQL so that a province's register is
/// done in one pass. Dates are ISO text, so they compare as text. Returns the rows updated.
async fn recompute_all(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<u64> {
    let n = sqlx::query(
        "UPDATE migrants SET nonprocedural = CASE WHEN \
           (status IN ('berangkat', 'luar_negeri', 'pulang') OR (status = 'bermasalah' AND departure_date IS NOT NULL)) \
           AND EXISTS (SELECT 1 FROM checklist_steps c WHERE c.required = 1 \
             AND c.effective_from <= COALESCE(migrants.departure_date, $1) \
             AND (c.effective_until IS NULL OR COALESCE(migrants.departure_date, $1) < c.effective_until) \
             AND NOT EXISTS (SELECT 1 FROM migrant_steps s WHERE s.migrant_id = migrants.id AND s.step = c.code \
               AND s.status IN ('selesai', 'tidak_perlu'))) \
         THEN 1 ELSE 0 END \
         WHERE status IN ('berangkat', 'luar_negeri', 'pulang', 'bermasalah')",
    )
    .bind(format_date(crate::today()))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n)
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

/// Recompute the "left without the procedure" flag from the stored checklist; returns it.
async fn recompute(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<bool> {
    let (status, departure): (String, Option<String>) =
        sqlx::query_as("SELECT status, departure_date FROM migrants WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let steps: Vec<StepRecord> = sqlx::query_as(
        "SELECT c.code, c.position, c.label, c.legal, c.effective_from, c.effective_until, c.required, s.status \
         FROM checklist_steps c LEFT JOIN migrant_steps s ON s.step = c.code AND s.migrant_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let pairs: Vec<(Step, Option<StepStatus>)> =
        steps.into_iter().filter_map(StepRecord::step).collect();
    let status = MigrantStatus::parse(&status).unwrap_or(MigrantStatus::Rencana);
    let departed = departure.as_deref().and_then(|d| date(d).ok());
    let flagged = !missing_steps(status, departed, crate::today(), &pairs).is_empty();
    sqlx::query("UPDATE migrants SET nonprocedural = $1 WHERE id = $2")
        .bind(i64::from(flagged))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(flagged)
}
