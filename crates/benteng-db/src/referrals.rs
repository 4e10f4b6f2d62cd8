//! Referrals of a report (or its case) to a partner agency, with a due date, the victim's
//! consent (or a named override with a reason), and the agency's answer and actions.
//!
//! A partner-agency user sees the referrals addressed to their own agency, whatever the
//! region, and through them the report's summary; nothing else of the reports module.
//! The input is read by `benteng_app::referrals`; each write here checks the actor's side
//! again.

use crate::audit::{self, Event};
use crate::outbox::{self, Notice};
use crate::reports::{add_event, advance_report, mask_people, Person, SensitiveView};
use crate::sql::Filter;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::report::{ReferralPurpose, ReferralSide, ReferralStatus, ReportStatus};
use benteng_domain::values::format_date;
use benteng_domain::{Action, RegionCode, Role};
use serde::Serialize;

/// The victim's consent to a referral, or why it goes without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Who agreed (the victim, a parent, …).
    Given { by: String },
    /// The reason, recorded with the officer's name.
    Overridden { reason: String },
}

/// A referral, read and checked (`benteng_app::referrals::refer`): the agency covers the
/// report's place, the due date is not past.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub agency_id: i64,
    pub purpose: ReferralPurpose,
    pub due_date: time::Date,
    pub message: String,
    pub consent: Consent,
}

/// Whether an agency may receive a referral of a report in a given place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyFit {
    /// Active, its region covering the place.
    Covers,
    /// Active, elsewhere.
    OutsideArea,
    /// Unknown or no longer active.
    Unknown,
}

/// The referral list's filters, read by `benteng_app::referrals::list`.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    pub status: Option<ReferralStatus>,
    /// Only pending referrals past their due date.
    pub overdue: bool,
    pub report_id: Option<i64>,
    pub page: Option<i64>,
}

/// A referral's new status, checked against the state machine on the status read before it
/// (`from`), with the note (required to decline or cancel).
#[derive(Debug, Clone)]
pub struct ReferralMove {
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub note: Option<String>,
}

/// Who the actor is to a referral ([`crate::referrals::Repo::referral_access`]).
#[derive(Debug, Clone)]
pub struct ReferralAccess {
    pub report_id: i64,
    pub place: RegionCode,
    pub agency_id: i64,
    pub status: ReferralStatus,
    /// The receiving agency (or an admin): may accept, decline, act, finish.
    pub receiver: bool,
    /// The sending side: may cancel.
    pub sender: bool,
}

impl ReferralAccess {
    /// May the actor move the referral to `to` (the agency's answers, or the sender's cancel)?
    pub fn may_answer(&self, ctx: &Ctx, to: ReferralStatus) -> bool {
        match answer_side(to) {
            ReferralSide::Sender => self.sender,
            ReferralSide::Receiver => self.may_act(ctx),
        }
    }

    /// May the actor answer or record actions as the receiving agency?
    pub fn may_act(&self, ctx: &Ctx) -> bool {
        self.receiver && ctx.allows(Action::ReferralRespond, None)
    }
}

/// Cancelling is the sender's; every other answer the agency's.
pub fn answer_side(to: ReferralStatus) -> ReferralSide {
    if to == ReferralStatus::Dibatalkan {
        ReferralSide::Sender
    } else {
        ReferralSide::Receiver
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralRow {
    pub id: i64,
    pub report_id: i64,
    pub tracking_code: String,
    pub category: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub purpose: String,
    pub status: String,
    pub due_date: String,
    pub created_at: i64,
    pub created_by_name: String,
}

impl ReferralRow {
    /// Still pending after its due date.
    pub fn overdue(&self) -> bool {
        is_overdue(&self.status, &self.due_date)
    }
}

fn is_overdue(status: &str, due: &str) -> bool {
    ReferralStatus::parse(status).is_ok_and(|s| s.is_pending())
        && due < format_date(crate::today()).as_str()
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referral {
    pub id: i64,
    pub report_id: i64,
    pub case_id: Option<i64>,
    pub tracking_code: String,
    pub category: String,
    pub report_description: String,
    pub village_name: String,
    pub region_code: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub purpose: String,
    pub status: String,
    pub due_date: String,
    pub message: String,
    pub consent: i64,
    pub consent_by: Option<String>,
    pub override_reason: Option<String>,
    pub override_user_name: Option<String>,
    pub decline_reason: Option<String>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralAction {
    pub id: i64,
    pub at: i64,
    pub user_name: Option<String>,
    pub kind: String,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralDetail {
    pub referral: Referral,
    pub overdue: bool,
    pub actions: Vec<ReferralAction>,
    pub people: Vec<Person>,
    pub unmasked: bool,
    /// The actor is the receiving agency (may accept, decline, act, finish).
    pub receiver: bool,
    /// The actor may cancel it (the sending side).
    pub sender: bool,
}

const REFERRAL_SELECT: &str = "SELECT f.id, f.report_id, f.case_id, r.tracking_code, r.category, r.description AS report_description, \
    COALESCE(v.name, '') AS village_name, f.region_code, f.agency_id, g.name AS agency_name, f.purpose, f.status, f.due_date, f.message, \
    f.consent, f.consent_by, f.override_reason, ou.full_name AS override_user_name, f.decline_reason, cu.full_name AS created_by_name, \
    f.created_at, f.updated_at \
    FROM referrals f JOIN reports r ON r.id = f.report_id JOIN agencies g ON g.id = f.agency_id \
    LEFT JOIN regions v ON v.code = f.region_code LEFT JOIN users ou ON ou.id = f.override_user_id JOIN users cu ON cu.id = f.created_by";

impl crate::referrals::Repo<'_> {
    /// Refer a report to an agency. The agency's area and the report's state are checked by
    /// the caller on [`crate::referrals::Repo::referral_agency_fit`] and [`crate::reports::Repo::report_access`]; the actor's right
    /// to refer is checked again here.
    pub async fn create_referral(&self, ctx: &Ctx, report_id: i64, r: &NewReferral) -> Result<i64> {
        let (place, _) = self
            .db
            .reports()
            .report_place(ctx, report_id, Action::ReferralCreate)
            .await?;
        let agency = r.agency_id;
        let (consent, consent_by, override_reason) = match &r.consent {
            Consent::Given { by } => (true, Some(by.clone()), None),
            Consent::Overridden { reason } => (false, None, Some(reason.clone())),
        };
        let (kab, prov): (String, String) =
            sqlx::query_as("SELECT kab_code, prov_code FROM reports WHERE id = $1")
                .bind(report_id)
                .fetch_one(&self.db.pool)
                .await?;
        let case_id: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE report_id = $1")
            .bind(report_id)
            .fetch_optional(&self.db.pool)
            .await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO referrals (report_id, case_id, agency_id, purpose, status, due_date, message, consent, consent_by, override_reason, \
             override_user_id, region_code, kab_code, prov_code, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'terkirim', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(report_id)
        .bind(case_id)
        .bind(agency)
        .bind(r.purpose.as_str())
        .bind(format_date(r.due_date))
        .bind(r.message.clone())
        .bind(consent as i64)
        .bind(consent_by)
        .bind(override_reason)
        .bind(if consent { None } else { Some(ctx.actor.user_id) })
        .bind(place.as_str().to_string())
        .bind(kab)
        .bind(prov)
        .bind(ctx.actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        add_action(&mut tx, id, ctx, "terkirim", None).await?;
        add_event(
            &mut tx,
            report_id,
            Some(ctx),
            "referral",
            None,
            None,
            Some(format!("#{id}")),
        )
        .await?;
        advance_report(&mut tx, ctx, report_id, ReportStatus::Ditangani).await?;
        crate::webhooks::queue::emit(
            &mut tx,
            benteng_domain::webhook::EventKind::ReferralSent,
            place.as_str(),
            serde_json::json!({
                "referral": {
                    "id": id,
                    "report_id": report_id,
                    "agency_id": agency,
                    "purpose": r.purpose.as_str(),
                    "due_date": format_date(r.due_date),
                    "status": "terkirim",
                },
                "links": { "api": format!("/api/v1/referrals/{id}"), "web": format!("/rujukan/{id}") },
            }),
        )
        .await?;
        let users = outbox::agency_users(&mut tx, agency).await?;
        outbox::notify(
            &mut tx,
            &users,
            &Notice {
                kind: "referral_new",
                link: format!("/rujukan/{id}"),
                subject: format!("#{id}"),
            },
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "refer",
                entity: "report",
                entity_id: Some(report_id.to_string()),
                region: Some(&place),
                detail: Some(format!(
                    "referral={id} agency={agency} consent={}",
                    if consent { "yes" } else { "override" }
                )),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// May agency `agency_id` receive a referral of a report in `place`?
    pub async fn referral_agency_fit(
        &self,
        agency_id: i64,
        place: &RegionCode,
    ) -> Result<AgencyFit> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT region_code, active FROM agencies WHERE id = $1")
                .bind(agency_id)
                .fetch_optional(&self.db.pool)
                .await?;
        Ok(match row {
            Some((region, 1)) if RegionCode::parse(&region).is_ok_and(|r| place.is_within(&r)) => {
                AgencyFit::Covers
            }
            Some((_, 1)) => AgencyFit::OutsideArea,
            _ => AgencyFit::Unknown,
        })
    }

    /// Referrals the actor may see: a partner agency's own, or those in an officer's scope.
    pub async fn list_referrals(
        &self,
        ctx: &Ctx,
        q: &ReferralFilter,
        per_page: i64,
    ) -> Result<Page<ReferralRow>> {
        ctx.require(Action::ReferralView, None)?;
        let mut f = Filter::default();
        if ctx.actor.role == Role::Mitra {
            let ph = f.int(ctx.actor.agency_id.unwrap_or(-1));
            f.push(format!("f.agency_id = {ph}"));
        } else {
            f.scope(
                &ctx.actor.scope,
                "f.region_code",
                "f.kab_code",
                "f.prov_code",
            );
        }
        if let Some(s) = q.status {
            let ph = f.text(s.as_str());
            f.push(format!("f.status = {ph}"));
        }
        if q.overdue {
            let ph = f.text(format_date(crate::today()));
            f.push(format!(
                "f.status IN ('terkirim', 'diterima') AND f.due_date < {ph}"
            ));
        }
        if let Some(r) = q.report_id {
            let ph = f.int(r);
            f.push(format!("f.report_id = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        // Pending first, the most urgent due date first; then the rest, newest first.
        let items = f
            .query_as::<ReferralRow>(format!(
                "SELECT f.id, f.report_id, r.tracking_code, r.category, f.agency_id, g.name AS agency_name, f.purpose, f.status, f.due_date, \
                 f.created_at, u.full_name AS created_by_name \
                 FROM referrals f JOIN reports r ON r.id = f.report_id JOIN agencies g ON g.id = f.agency_id JOIN users u ON u.id = f.created_by{} \
                 ORDER BY CASE WHEN f.status IN ('terkirim', 'diterima') THEN 0 ELSE 1 END, \
                 CASE WHEN f.status IN ('terkirim', 'diterima') THEN f.due_date ELSE '' END, f.created_at DESC, f.id DESC \
                 LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        // A first page that is not full is the whole list (a report's own referrals, most
        // agencies' inboxes): no need to count it again.
        let total = if offset == 0 && (items.len() as i64) < per_page {
            items.len() as i64
        } else {
            f.scalar(format!("SELECT COUNT(*) FROM referrals f{}", f.where_sql()))
                .fetch_one(&self.db.pool)
                .await?
        };
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// May the actor see this referral (404 otherwise), and on which side are they? The use
    /// cases read it before the input, so that a referral the actor may not see answers 404
    /// before any field error; each write reads it again.
    pub async fn referral_access(&self, ctx: &Ctx, id: i64) -> Result<ReferralAccess> {
        let row: Option<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT report_id, region_code, agency_id, status FROM referrals WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let (report_id, region, agency, status) = row.ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&region).map_err(|_| Error::NotFound)?;
        let status = ReferralStatus::parse(&status).map_err(|_| Error::NotFound)?;
        let receiver = ctx.actor.role == Role::Mitra && ctx.actor.agency_id == Some(agency)
            || ctx.actor.role == Role::Admin;
        let sender = ctx.allows(Action::ReferralCreate, Some(&place));
        let viewer = receiver
            || (ctx.actor.role != Role::Mitra && ctx.allows(Action::ReferralView, Some(&place)));
        if !viewer {
            return Err(Error::NotFound);
        }
        Ok(ReferralAccess {
            report_id,
            place,
            agency_id: agency,
            status,
            receiver,
            sender,
        })
    }

    /// The report a referral to the actor's agency points at, for its attachments.
    pub(crate) async fn referral_report_place(
        &self,
        ctx: &Ctx,
        report_id: i64,
    ) -> Result<RegionCode> {
        if ctx.actor.role != Role::Mitra {
            return Err(Error::NotFound);
        }
        let region: Option<String> = sqlx::query_scalar(
            "SELECT region_code FROM referrals WHERE report_id = $1 AND agency_id = $2 AND status IN ('diterima', 'selesai') LIMIT 1",
        )
        .bind(report_id)
        .bind(ctx.actor.agency_id.unwrap_or(-1))
        .fetch_optional(&self.db.pool)
        .await?;
        RegionCode::parse(&region.ok_or(Error::NotFound)?).map_err(|_| Error::NotFound)
    }

    /// One referral with its report summary and actions. The receiving agency may reveal the
    /// people's contacts once it has accepted (each view audited); officers as on the report.
    pub async fn get_referral(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReferralDetail> {
        let ReferralAccess {
            report_id,
            place,
            status,
            receiver,
            sender,
            ..
        } = self.referral_access(ctx, id).await?;
        let referral = sqlx::query_as::<_, Referral>(sqlx::AssertSqlSafe(format!(
            "{REFERRAL_SELECT} WHERE f.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        let actions = sqlx::query_as::<_, ReferralAction>(
            "SELECT a.id, a.at, u.full_name AS user_name, a.kind, a.body FROM referral_actions a LEFT JOIN users u ON u.id = a.user_id \
             WHERE a.referral_id = $1 ORDER BY a.at, a.id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut people = self.db.reports().report_people(report_id).await?;
        let may_reveal = (receiver
            && matches!(status, ReferralStatus::Diterima | ReferralStatus::Selesai))
            || ctx.allows(Action::ReportSensitiveView, Some(&place));
        let unmasked = self
            .db
            .reports()
            .reveal_or_mask(
                ctx,
                reveal,
                may_reveal,
                SensitiveView {
                    entity: "referral",
                    id,
                    place: &place,
                    fields: "people.phone,people.nik",
                },
                || mask_people(&mut people),
            )
            .await?;
        let overdue = is_overdue(&referral.status, &referral.due_date);
        Ok(ReferralDetail {
            referral,
            overdue,
            actions,
            people,
            unmasked,
            receiver,
            sender,
        })
    }

    /// Move a referral: the agency accepts, declines (with a reason) or finishes it; the
    /// sender cancels it (with a reason). The transition and the note are checked by the
    /// caller on `m.from`; the actor's side is checked again here, and a referral no longer in
    /// `m.from` is refused as changed meanwhile.
    pub async fn answer_referral(&self, ctx: &Ctx, id: i64, m: &ReferralMove) -> Result<()> {
        let access = self.referral_access(ctx, id).await?;
        if !access.may_answer(ctx, m.to) {
            return Err(Error::Forbidden);
        }
        let (report_id, place) = (access.report_id, access.place);
        let (from, to, note) = (m.from, m.to, m.note.clone());
        let side = answer_side(to);
        let mut tx = self.db.begin().await?;
        let n = sqlx::query("UPDATE referrals SET status = $1, decline_reason = CASE WHEN $1 = 'ditolak' THEN $2 ELSE decline_reason END, updated_at = $3 WHERE id = $4 AND status = $5")
            .bind(to.as_str())
            .bind(note.clone())
            .bind(crate::now())
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::Conflict("status", "err-changed-meanwhile"));
        }
        add_action(&mut tx, id, ctx, to.as_str(), note).await?;
        add_event(
            &mut tx,
            report_id,
            Some(ctx),
            "referral_status",
            None,
            None,
            Some(format!("#{id} {}", to.as_str())),
        )
        .await?;
        if side == ReferralSide::Receiver {
            crate::webhooks::queue::emit(
            &mut tx,
            benteng_domain::webhook::EventKind::ReferralAnswered,
            place.as_str(),
            serde_json::json!({
                "referral": { "id": id, "report_id": report_id, "from": from.as_str(), "to": to.as_str() },
                "links": { "api": format!("/api/v1/referrals/{id}"), "web": format!("/rujukan/{id}") },
            }),
        )
        .await?;
        }
        let creator: i64 = sqlx::query_scalar("SELECT created_by FROM referrals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if side == ReferralSide::Receiver {
            outbox::notify(
                &mut tx,
                &[creator],
                &Notice {
                    kind: "referral_answered",
                    link: format!("/rujukan/{id}"),
                    subject: format!("#{id}|{}", to.as_str()),
                },
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "referral_status",
                entity: "referral",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{}->{}", from.as_str(), to.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The agency records an action it took (accepted referrals only: checked by the caller on
    /// [`crate::referrals::Repo::referral_access`]); the actor's side is checked again here.
    pub async fn add_referral_action(&self, ctx: &Ctx, id: i64, body: String) -> Result<()> {
        let access = self.referral_access(ctx, id).await?;
        if !access.may_act(ctx) {
            return Err(Error::Forbidden);
        }
        let place = access.place;
        let mut tx = self.db.begin().await?;
        add_action(&mut tx, id, ctx, "tindakan", Some(body)).await?;
        sqlx::query("UPDATE referrals SET updated_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "referral_action",
                entity: "referral",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notify both sides of referrals that passed their due date, once each. Run periodically
    /// by `serve` (safe on several instances: the flag is set by an atomic update).
    pub async fn notify_overdue_referrals(&self) -> Result<usize> {
        let today = format_date(crate::today());
        let due: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, agency_id, created_by FROM referrals WHERE status IN ('terkirim', 'diterima') AND due_date < $1 AND overdue_notified = 0 LIMIT 500",
        )
        .bind(today)
        .fetch_all(&self.db.pool)
        .await?;
        let mut sent = 0;
        for (id, agency, creator) in due {
            let mut tx = self.db.begin().await?;
            let n = sqlx::query(
                "UPDATE referrals SET overdue_notified = 1 WHERE id = $1 AND overdue_notified = 0",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                let mut to = outbox::agency_users(&mut tx, agency).await?;
                to.push(creator);
                outbox::notify(
                    &mut tx,
                    &to,
                    &Notice {
                        kind: "referral_overdue",
                        link: format!("/rujukan/{id}"),
                        subject: format!("#{id}"),
                    },
                )
                .await?;
                sent += 1;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }
}

async fn add_action(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    referral_id: i64,
    ctx: &Ctx,
    kind: &str,
    body: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO referral_actions (referral_id, at, user_id, kind, body) VALUES ($1, $2, $3, $4, $5)")
        .bind(referral_id)
        .bind(crate::now())
        .bind(ctx.actor.user_id)
        .bind(kind.to_string())
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The referrals repository, reached as `db.referrals()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
