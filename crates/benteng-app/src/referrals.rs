//! Referrals of a report to a partner agency: referring it (with the victim's consent or a
//! reason to go without), the agency's inbox and the officers' overview, one referral, the
//! agency's answers and actions and the sender's cancel. Each write reads the record's access
//! first, so a record the actor may not touch answers 404 or 403 before any field error, then
//! reads the input (deciding on the state just read) and writes; the write checks the actor
//! again and refuses a status changed meanwhile.

pub use benteng_db::referrals::{Referral, ReferralAction, ReferralDetail, ReferralRow};

use crate::de::ticked;
use crate::invalid;
use benteng_db::referrals::{
    answer_side, AgencyFit, Consent, NewReferral, ReferralFilter, ReferralMove,
};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::report::{ReferralPurpose, ReferralStatus, ReportStatus};
use benteng_domain::values::{date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferralInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub agency_id: String,
    /// penyidikan, perlindungan, penempatan, dokumen or layanan.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub purpose: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub due_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub message: String,
    /// Ticked when the victim (or guardian) agreed to the referral.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub consent: Option<String>,
    /// Who gave consent (the victim, a parent, …).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub consent_by: String,
    /// Without consent: why the referral must go anyway (recorded with the officer's name).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub override_reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferralAnswer {
    /// diterima, ditolak, selesai (agency) or dibatalkan (sender).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    /// Required when declining or cancelling.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferralQuery {
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub status: Option<String>,
    /// Ticked: only pending referrals past their due date.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub overdue: Option<String>,
    #[serde(default)]
    pub report_id: Option<i64>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// Refer a report to an active agency whose region covers it; answers the referral's id. A
/// merged report is refused (decided on the report's status read first).
pub async fn refer(db: &Db, ctx: &Ctx, report_id: i64, i: &ReferralInput) -> Result<i64> {
    let access = db
        .reports()
        .report_access(ctx, report_id, Action::ReferralCreate)
        .await?;
    if access.status == ReportStatus::Digabung {
        return Err(invalid("agency_id", "err-report-merged"));
    }
    let mut e = FieldErrors::new();
    let agency = match i.agency_id.trim().parse::<i64>() {
        Ok(id) => match db
            .referrals()
            .referral_agency_fit(id, &access.place)
            .await?
        {
            AgencyFit::Covers => Some(id),
            AgencyFit::OutsideArea => {
                e.add("agency_id", "err-agency-area");
                None
            }
            AgencyFit::Unknown => {
                e.add("agency_id", "err-not-found");
                None
            }
        },
        Err(_) => {
            e.add("agency_id", "err-required");
            None
        }
    };
    let purpose = e.check("purpose", ReferralPurpose::parse(&i.purpose));
    // The purpose must be one the chosen agency handles (a document-fraud check goes to
    // Dukcapil, an investigation to the police).
    if let (Some(id), Some(p)) = (agency, purpose) {
        let kind = crate::agencies::show(db, ctx, id).await?.kind;
        if !p.fits_agency(&kind) {
            e.add("purpose", "err-purpose-agency");
        }
    }
    let due = e.check("due_date", date(&i.due_date));
    if due.is_some_and(|d| d < crate::today()) {
        e.add("due_date", "err-date-past");
    }
    let message = e.check("message", required_text(&i.message, 2000));
    let consent = ticked(&i.consent);
    let consent_by = e
        .check("consent_by", optional_text(&i.consent_by, 120))
        .flatten();
    let override_reason = e
        .check("override_reason", optional_text(&i.override_reason, 1000))
        .flatten();
    if consent && consent_by.is_none() {
        e.add("consent_by", "err-required");
    }
    if !consent && override_reason.is_none() {
        e.add("consent", "err-consent-required");
    }
    e.into_result()?;
    // With consent the override's reason is not kept, and without it nobody is named.
    let consent = match (consent, consent_by, override_reason) {
        (true, Some(by), _) => Some(Consent::Given { by }),
        (false, _, Some(reason)) => Some(Consent::Overridden { reason }),
        _ => None,
    };
    let (Some(agency_id), Some(purpose), Some(due_date), Some(message), Some(consent)) =
        (agency, purpose, due, message, consent)
    else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let r = NewReferral {
        agency_id,
        purpose,
        due_date,
        message,
        consent,
    };
    db.referrals().create_referral(ctx, report_id, &r).await
}

/// Referrals the actor may see: a partner agency's own, or those in an officer's scope;
/// pending first by due date, then the newest.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    q: &ReferralQuery,
    per_page: i64,
) -> Result<Page<ReferralRow>> {
    // Refused before the filters are read, as the storage would.
    ctx.require(Action::ReferralView, None)?;
    let status = match q.status.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(ReferralStatus::parse(s).map_err(|c| invalid("status", c))?),
    };
    let f = ReferralFilter {
        status,
        overdue: ticked(&q.overdue),
        report_id: q.report_id,
        page: q.page,
    };
    db.referrals().list_referrals(ctx, &f, per_page).await
}

/// One referral with its report's summary and actions; the people's contacts in full only
/// with `reveal`, for the agency once it accepted and for officers who may (an audited view).
pub async fn show(db: &Db, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReferralDetail> {
    db.referrals().get_referral(ctx, id, reveal).await
}

/// The agency accepts, declines (with a note) or finishes; the sender cancels (with a note).
/// The side and the transition are decided on the referral as read first.
pub async fn answer(db: &Db, ctx: &Ctx, id: i64, i: &ReferralAnswer) -> Result<()> {
    let access = db.referrals().referral_access(ctx, id).await?;
    let to = ReferralStatus::parse(&i.status).map_err(|c| invalid("status", c))?;
    if !access.may_answer(ctx, to) {
        return Err(Error::Forbidden);
    }
    if !access.status.can_move_to(to, answer_side(to)) {
        return Err(invalid("status", "err-status-transition"));
    }
    let note = optional_text(&i.note, 2000).map_err(|c| invalid("note", c))?;
    if matches!(to, ReferralStatus::Ditolak | ReferralStatus::Dibatalkan) && note.is_none() {
        return Err(invalid("note", "err-reason-required"));
    }
    let m = ReferralMove {
        from: access.status,
        to,
        note,
    };
    db.referrals().answer_referral(ctx, id, &m).await
}

/// The receiving agency records an action it took (accepted referrals only).
pub async fn act(db: &Db, ctx: &Ctx, id: i64, body: &str) -> Result<()> {
    let access = db.referrals().referral_access(ctx, id).await?;
    if !access.may_act(ctx) {
        return Err(Error::Forbidden);
    }
    if access.status != ReferralStatus::Diterima {
        return Err(invalid("body", "err-referral-not-accepted"));
    }
    let body = required_text(body, 2000).map_err(|c| invalid("body", c))?;
    db.referrals().add_referral_action(ctx, id, body).await
}
