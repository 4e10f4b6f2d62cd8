//! Progress on the legal checklist: a resident's steps (with evidence files), verification by
//! Disnaker/BP3MI, status changes, and the checklist itself as admins edit it.

use super::invalid;
use crate::de::ticked;
use benteng_db::migrants::{StatusChange, StepChange, StepDef};
use benteng_db::storage::{BlobStore, CleanFile};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::migrant::{MigrantStatus, Step, StepStatus};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;
use time::Date;

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
    /// The step's last change as the form showed it: the later of its `updated_at` and
    /// `verified_at` (0 when it had no entry), sent by a form that may reach the server late
    /// (offline). Empty: not checked. When another user changed or verified the step since,
    /// 409 `err-step-changed` and nothing is saved.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub seen: String,
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

/// A checklist step as an admin edits it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepDefInput {
    /// Only for a new step: lower-case letters and `_`, 2–40 characters; never changes.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub label: String,
    /// The legal source of the step.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub legal: String,
    /// YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub effective_from: String,
    /// YYYY-MM-DD; empty while it applies.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub effective_until: String,
    /// Ticked: must be settled before leaving.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub required: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub position: String,
}

/// A day typed into a form: empty is `None`; a day after today is refused.
fn past_day(input: &str, field: &'static str, today: Date, e: &mut FieldErrors) -> Option<Date> {
    match input.trim() {
        "" => None,
        d => match date(d) {
            Ok(d) if d > today => {
                e.add(field, "err-date-future");
                None
            }
            Ok(d) => Some(d),
            Err(c) => {
                e.add(field, c);
                None
            }
        },
    }
}

/// The checklist, in order (steps no longer in force included).
pub async fn checklist(db: &Db) -> Result<Vec<Step>> {
    db.migrants().checklist().await
}

/// Record progress on one checklist step, with an optional evidence file. Changing a
/// verified step clears the verification.
pub async fn record_step(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    i: &StepInput,
    file: Option<(&CleanFile, &dyn BlobStore)>,
) -> Result<()> {
    let place = db.migrants().migrant_place(ctx, id).await?;
    ctx.require(Action::MigrantManage, Some(&place))?;
    let mut e = FieldErrors::new();
    let steps = db.migrants().checklist().await?;
    let step = steps.iter().find(|s| s.code == i.step.trim());
    if step.is_none() {
        e.add("step", "err-invalid-choice");
    }
    let status = e.check("status", StepStatus::parse(&i.status));
    let note = e.check("note", optional_text(&i.note, 1000)).flatten();
    if status == Some(StepStatus::TidakPerlu) && note.is_none() {
        e.add("note", "err-note-required");
    }
    let today = crate::today();
    let done_on = match i.done_on.trim() {
        "" if status.is_some_and(StepStatus::settled) => Some(today),
        d => past_day(d, "done_on", today, &mut e),
    };
    let seen = match i.seen.trim() {
        "" => None,
        t => e.check("seen", t.parse::<i64>().map_err(|_| "err-not-a-number")),
    };
    let (Some(step), Some(status)) = (step, status) else {
        return Err(Error::Invalid(e));
    };
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    let change = StepChange {
        step: step.code.clone(),
        status,
        done_on,
        note,
        seen,
    };
    db.migrants().set_migrant_step(ctx, id, &change, file).await
}

/// The evidence file of a step: (content type, name, bytes). Each download is a sensitive
/// view (audited).
pub async fn step_file(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    step: &str,
    store: &dyn BlobStore,
) -> Result<(String, String, Vec<u8>)> {
    db.migrants().migrant_step_file(ctx, id, step, store).await
}

/// Disnaker or BP3MI confirm a settled step.
pub async fn verify_step(db: &Db, ctx: &Ctx, id: i64, step: &str) -> Result<()> {
    db.migrants().verify_migrant_step(ctx, id, step).await
}

/// Move a resident along planning → in process → departed → abroad → returned, or to
/// "bermasalah". The resident's status and dates are read first (through the storage, which
/// checks the access) and the domain's rule says whether the change needs a note. Returns
/// whether the resident is now flagged as having left without the procedure.
pub async fn change_status(db: &Db, ctx: &Ctx, id: i64, i: &StatusInput) -> Result<bool> {
    let now = db.migrants().migrant_status_now(ctx, id).await?;
    ctx.require(Action::MigrantManage, Some(&now.place))?;
    let mut e = FieldErrors::new();
    let to = e.check("status", MigrantStatus::parse(&i.status));
    let note = e.check("note", optional_text(&i.note, 1000)).flatten();
    let today = crate::today();
    let day = past_day(&i.date, "date", today, &mut e);
    let from = now.status;
    if let Some(to) = to {
        if MigrantStatus::needs_note(from, to) && note.is_none() {
            e.add("note", "err-note-required");
        }
    }
    let Some(to) = to.filter(|_| e.is_empty()) else {
        return Err(Error::Invalid(e));
    };
    // Back to planning or in process is a correction (the resident has not left): the
    // dates go. Leaving again after a return starts a new departure.
    let given = day.map(format_date);
    let (departure, ret) = match to {
        MigrantStatus::Rencana | MigrantStatus::Proses => (None, None),
        MigrantStatus::Berangkat | MigrantStatus::LuarNegeri => {
            let kept = if from == MigrantStatus::Pulang {
                None
            } else {
                now.departure
            };
            (given.or(kept).or_else(|| Some(format_date(today))), None)
        }
        MigrantStatus::Pulang => (now.departure, given.or_else(|| Some(format_date(today)))),
        MigrantStatus::Bermasalah => (now.departure, now.ret),
    };
    if let (Some(d), Some(r)) = (&departure, &ret) {
        if r < d && to == MigrantStatus::Pulang {
            return Err(invalid("date", "err-return-before-departure"));
        }
    }
    let change = StatusChange {
        from,
        to,
        departure,
        ret,
        note,
    };
    db.migrants().set_migrant_status(ctx, id, &change).await
}

/// Add (`code` None) or change a checklist step (admins); every resident who has left is
/// measured against the new checklist. Returns the step's code.
pub async fn save_checklist_step(
    db: &Db,
    ctx: &Ctx,
    code: Option<&str>,
    i: &StepDefInput,
) -> Result<String> {
    ctx.require(Action::GuideManage, None)?;
    let mut e = FieldErrors::new();
    let new = code.is_none();
    let code = match code {
        Some(c) => db
            .migrants()
            .checklist()
            .await?
            .into_iter()
            .find(|s| s.code == c)
            .map(|s| s.code)
            .ok_or(Error::NotFound)?,
        None => {
            let c = i.code.trim().to_string();
            let ok = (2..=40).contains(&c.len())
                && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if !ok {
                e.add("code", "err-step-code");
            }
            c
        }
    };
    let label = e.check("label", required_text(&i.label, 200));
    let legal = e.check("legal", required_text(&i.legal, 300));
    let from = e.check("effective_from", date(i.effective_from.trim()));
    let until = match i.effective_until.trim() {
        "" => None,
        d => e.check("effective_until", date(d)),
    };
    if let (Some(f), Some(u)) = (from, until) {
        if u <= f {
            e.add("effective_until", "err-until-before-from");
        }
    }
    let position = match i.position.trim() {
        "" => Some(99),
        p => match p.parse::<i64>() {
            Ok(n) if (1..=999).contains(&n) => Some(n),
            _ => {
                e.add("position", "err-number");
                None
            }
        },
    };
    let (Some(label), Some(legal), Some(from), Some(position)) = (label, legal, from, position)
    else {
        return Err(Error::Invalid(e));
    };
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    let step = StepDef {
        code,
        label,
        legal,
        effective_from: from,
        effective_until: until,
        required: ticked(&i.required),
        position,
    };
    db.migrants().save_checklist_step(ctx, &step, new).await
}
