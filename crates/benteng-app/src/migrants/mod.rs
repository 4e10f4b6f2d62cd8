//! The calon PMI register: a village registers its residents who plan to work abroad, follows
//! them through the legal checklist and issues family permission letters; officers, the Kanwil
//! and the labour agencies see the register of their area. The forms and the API bodies are
//! read here into the storage's checked values (`benteng_db::migrants`), which keeps the
//! access checks, the history and the audit.
//!
//! Registering and editing, the list, one resident, figures, export and import are here;
//! `progress` has the checklist, steps and status; `letters` the family permission letter.

use benteng_db::migrants::{MigrantQuery, NewMigrant, RegisterFlag, IMPORT_COLUMNS};
use benteng_db::screening::RowError;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::migrant::{MigrantStatus, Scheme};
use benteng_domain::p3mi::countries;
use benteng_domain::values::{date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, Nik, PhoneNumber, RegionCode, Role, Scope, Sex};
use serde::Deserialize;

mod letters;
mod nik_check;
mod progress;

pub use benteng_db::migrants::{
    export_rows, migrants_csv, LetterData, Migrant, MigrantDetail, MigrantEvent, MigrantFigures,
    StepRow, VillageFigures, EXPORT_COLUMNS,
};
pub use benteng_db::screening::ImportOutcome;
pub use benteng_domain::migrant::Step;
pub use letters::{issue_letter, letter, LetterInput};
pub use nik_check::{check_nik, NikCheck, NikCheckInput};
pub use progress::{
    change_status, checklist, record_step, save_checklist_step, step_file, verify_step,
    StatusInput, StepDefInput, StepInput,
};

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
    /// Registering only: checklist steps already done (codes), recorded as done today, so
    /// a resident met with a passport in hand is registered with it in one form (also
    /// offline). Changing a resident ignores it: steps change one by one.
    #[serde(default)]
    pub steps_done: Vec<String>,
}

/// List filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MigrantFilter {
    /// Part of the name.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    #[param(pattern = "^(|rencana|proses|berangkat|luar_negeri|pulang|bermasalah)$")]
    pub status: Option<String>,
    /// Desa code.
    #[serde(default)]
    #[param(pattern = r"^(|\d{2}\.\d{2}\.\d{2}\.\d{4})$")]
    pub village: Option<String>,
    /// `1`: only residents who left without the procedure. `nik`: only flagged NIKs.
    #[serde(default)]
    #[param(pattern = "^(|1|nik)$")]
    pub flag: Option<String>,
    /// Page number (`hal` on the pages, like every list there).
    #[serde(default, alias = "hal")]
    pub page: Option<i64>,
}

use crate::invalid;

/// The register of the actor's area, newest change first (NIKs and phones masked).
/// The register's pages that refuse `ctx` although its role may see the register (partner
/// agencies other than Disnaker and BP3MI; the NIK desk for all but Dukcapil), for the menu:
/// a role never gets a link it may not open.
pub async fn closed_pages(db: &Db, ctx: &Ctx) -> Result<Vec<&'static str>> {
    db.migrants().closed_pages(ctx).await
}

pub async fn list(db: &Db, ctx: &Ctx, f: &MigrantFilter) -> Result<Page<Migrant>> {
    let q = query(db, ctx, f).await?;
    db.migrants().list_migrants(ctx, &q).await
}

/// One resident with the checklist, letters and history; `reveal` asks for the NIK and phone
/// in full (roles that may; audited).
pub async fn show(db: &Db, ctx: &Ctx, id: i64, reveal: bool) -> Result<MigrantDetail> {
    db.migrants().get_migrant(ctx, id, reveal).await
}

/// Register a resident. Returns the id and the flags of the NIK check (shown to the user).
pub async fn register(db: &Db, ctx: &Ctx, i: &MigrantInput) -> Result<(i64, String)> {
    ctx.require(Action::MigrantManage, None)?;
    let v = read(db, ctx, i).await?;
    db.migrants().create_migrant(ctx, &v).await
}

/// Change a resident's particulars (not the status or the steps); an empty village keeps
/// theirs. Returns the flags of the NIK check.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &MigrantInput) -> Result<String> {
    let place = db.migrants().migrant_place(ctx, id).await?;
    ctx.require(Action::MigrantManage, Some(&place))?;
    let mut input = i.clone();
    if input.village.trim().is_empty() {
        input.village = place.as_str().to_string();
    }
    let v = read(db, ctx, &input).await?;
    db.migrants().update_migrant(ctx, id, &v).await
}

/// Calon PMI per village and status in the actor's scope, and departures with and without
/// the procedure.
pub async fn figures(db: &Db, ctx: &Ctx) -> Result<MigrantFigures> {
    db.migrants().migrant_figures(ctx).await
}

/// Every resident matching the filter (up to 50,000) for a CSV or XLSX file; NIK and phone
/// in full only for roles that may see them. Audited.
pub async fn export(db: &Db, ctx: &Ctx, f: &MigrantFilter) -> Result<Vec<Migrant>> {
    let q = query(db, ctx, f).await?;
    db.migrants().export_migrants(ctx, &q).await
}

/// Import residents from CSV (columns by name: name, nik, birth_place, birth_date, sex,
/// phone, address, village, destination, job, scheme, note). A desa user's rows go to their
/// village. A NIK already registered in the same village is a bad row. With
/// `all_or_nothing` one bad row stops the import.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    data: &[u8],
    all_or_nothing: bool,
) -> Result<ImportOutcome> {
    ctx.require(Action::MigrantManage, None)?;
    let (rows, mut errors) = crate::csv_rows::read(data, &IMPORT_COLUMNS, &["name"], 5_000)
        .map_err(|c| invalid("file", c))?;
    let mut good: Vec<NewMigrant> = Vec::new();
    for row in &rows {
        // Undo the apostrophe `safe_cell` puts before +62… when a file is re-imported.
        let g = |i: usize| -> String {
            let v = row.get(i);
            match v.strip_prefix('\'') {
                Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
                _ => v.to_string(),
            }
        };
        let input = MigrantInput {
            name: g(0),
            nik: g(1),
            birth_place: g(2),
            birth_date: g(3),
            sex: g(4),
            phone: g(5),
            address: g(6),
            village: g(7),
            destination: g(8),
            job: g(9),
            scheme: g(10),
            p3mi_id: String::new(),
            note: g(11),
            steps_done: Vec::new(),
        };
        match read(db, ctx, &input).await {
            Ok(v) => {
                let dup_in_file = v.nik.is_some()
                    && good
                        .iter()
                        .any(|g| g.nik == v.nik && g.village == v.village);
                let dup_in_db = match &v.nik {
                    Some(n) => db.migrants().migrant_nik_registered(n, &v.village).await?,
                    None => false,
                };
                if dup_in_file || dup_in_db {
                    errors.push(RowError {
                        line: row.line,
                        field: "nik".into(),
                        code: "err-migrant-exists".into(),
                    });
                } else {
                    good.push(v);
                }
            }
            Err(Error::Invalid(e)) => errors.extend(e.0.iter().map(|x| RowError {
                line: row.line,
                field: x.field.to_string(),
                code: x.code.to_string(),
            })),
            Err(other) => return Err(other),
        }
    }
    errors.sort_by_key(|e| e.line);
    if all_or_nothing && !errors.is_empty() {
        return Ok(ImportOutcome {
            imported: 0,
            errors,
        });
    }
    db.migrants()
        .import_migrants(ctx, &good, errors.len())
        .await?;
    Ok(ImportOutcome {
        imported: good.len(),
        errors,
    })
}

/// The filters read; a bad one answers after the access check, as a list the actor may not
/// see answers 403 whatever its filters.
async fn query(db: &Db, ctx: &Ctx, f: &MigrantFilter) -> Result<MigrantQuery> {
    match read_filter(f) {
        Ok(q) => Ok(q),
        Err(e) => {
            db.migrants().migrant_scope(ctx).await?;
            Err(e)
        }
    }
}

fn read_filter(f: &MigrantFilter) -> Result<MigrantQuery> {
    let name =
        f.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string);
    let status = match f.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(MigrantStatus::parse(s).map_err(|c| invalid("status", c))?),
        None => None,
    };
    let village = match f
        .village
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => Some(RegionCode::parse(v).map_err(|c| invalid("village", c))?),
        None => None,
    };
    let flag = match f.flag.as_deref() {
        None | Some("") => None,
        Some("1") => Some(RegisterFlag::Nonprocedural),
        Some("nik") => Some(RegisterFlag::Nik),
        Some(_) => return Err(invalid("flag", "err-invalid-choice")),
    };
    Ok(MigrantQuery {
        name,
        status,
        village,
        flag,
        page: f.page,
    })
}

/// A declared birth date (`YYYY-MM-DD`, not in the future), or `None` when empty or wrong (then
/// with an error on `birth_date`).
fn birth_date_field(input: &str, e: &mut FieldErrors) -> Option<time::Date> {
    match input.trim() {
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
    }
}

fn parse_sex(s: &str) -> std::result::Result<Option<Sex>, &'static str> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "l" | "laki-laki" | "m" => Ok(Some(Sex::Male)),
        "p" | "perempuan" | "f" => Ok(Some(Sex::Female)),
        _ => Err("err-invalid-choice"),
    }
}

/// Read a resident's particulars: the village (a desa user's own, else a known village in
/// the actor's scope), the NIK's structure (what does not fit what was declared is flagged
/// by the storage, not refused), the dates, the choices and the P3MI in the registry.
async fn read(db: &Db, ctx: &Ctx, i: &MigrantInput) -> Result<NewMigrant> {
    let mut e = FieldErrors::new();
    let village = match (&ctx.actor.role, &ctx.actor.scope) {
        (Role::Desa, Scope::Village(v)) => Some(v.clone()),
        _ => {
            db.regions()
                .known_village(&i.village, "village", &mut e)
                .await?
        }
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
    let birth_date = birth_date_field(&i.birth_date, &mut e);
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
            Ok(id) if db.p3mi().get_p3mi(id).await.is_ok() => Some(id),
            _ => {
                e.add("p3mi_id", "err-p3mi-unknown");
                None
            }
        },
    };
    let note = e.check("note", optional_text(&i.note, 2000)).flatten();
    let mut steps_done: Vec<String> = Vec::new();
    if !i.steps_done.is_empty() {
        let today = crate::today();
        let checklist = db.migrants().checklist().await?;
        for code in i
            .steps_done
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match checklist
                .iter()
                .find(|s| s.code == code && s.in_force(today))
            {
                Some(s) if !steps_done.contains(&s.code) => steps_done.push(s.code.clone()),
                Some(_) => {}
                None => e.add("steps_done", "err-invalid-choice"),
            }
        }
    }
    match (village, name, scheme) {
        (Some(village), Some(name), Some(scheme)) if e.is_empty() => Ok(NewMigrant {
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
            steps_done,
        }),
        _ => Err(Error::Invalid(e)),
    }
}

pub use benteng_db::migrants::{NikAnswer, NikQueueRow};

/// Dukcapil's answer to a flagged NIK, as typed: `result` is `sesuai` (the NIK is right) or
/// `dikoreksi` (then `nik` is the right one).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NikAnswerInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub result: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
}

/// The flagged NIKs waiting for Dukcapil in its area, oldest first.
pub async fn nik_queue(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<NikQueueRow>> {
    db.migrants().nik_queue(ctx, page).await
}

/// Record Dukcapil's answer for resident `id`.
pub async fn answer_nik(db: &Db, ctx: &Ctx, id: i64, i: &NikAnswerInput) -> Result<()> {
    let mut e = FieldErrors::new();
    let answer = match i.result.trim() {
        "sesuai" => Some(NikAnswer::Sesuai),
        "dikoreksi" => match Nik::parse(i.nik.trim()) {
            Ok(n) => Some(NikAnswer::Dikoreksi(n)),
            Err(code) => {
                e.add("nik", code);
                None
            }
        },
        "" => {
            e.add("result", "err-required");
            None
        }
        _ => {
            e.add("result", "err-invalid-choice");
            None
        }
    };
    e.into_result()?;
    let Some(answer) = answer else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.migrants().answer_nik(ctx, id, &answer).await
}
