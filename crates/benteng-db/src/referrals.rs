//! Referrals of a report (or its case) to a partner agency, with a due date, the victim's
//! consent (or a named override with a reason), and the agency's answer and actions.
//!
//! A partner-agency user sees the referrals addressed to their own agency, whatever the
//! region, and through them the report's summary; nothing else of the reports module.

use crate::audit::{self, Event};
use crate::outbox::{self, Notice};
use crate::reports::{add_event, advance_report, invalid, mask_people, Person};
use crate::sql::Filter;
use crate::users::ticked;
use crate::{Ctx, Db, Error, Page, Result};
use benteng_domain::report::{ReferralPurpose, ReferralSide, ReferralStatus, ReportStatus};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, RegionCode, Role};
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReferralAction {
    pub id: i64,
    pub at: i64,
    pub user_name: Option<String>,
    pub kind: String,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

const REFERRAL_SELECT: &str = "SELECT f.id, f.report_id, f.case_id, r.tracking_code, r.category, r.description AS report_description, \
    COALESCE(v.name, '') AS village_name, f.region_code, f.agency_id, g.name AS agency_name, f.purpose, f.status, f.due_date, f.message, \
    f.consent, f.consent_by, f.override_reason, ou.full_name AS override_user_name, f.decline_reason, cu.full_name AS created_by_name, \
    f.created_at, f.updated_at \
    FROM referrals f JOIN reports r ON r.id = f.report_id JOIN agencies g ON g.id = f.agency_id \
    LEFT JOIN regions v ON v.code = f.region_code LEFT JOIN users ou ON ou.id = f.override_user_id JOIN users cu ON cu.id = f.created_by";

impl Db {
    /// Refer a report to an agency whose region covers it.
    pub async fn create_referral(
        &self,
        ctx: &Ctx,
        report_id: i64,
        i: &ReferralInput,
    ) -> Result<i64> {
        let (place, status) = self
            .report_place(ctx, report_id, Action::ReferralCreate)
            .await?;
        if status == ReportStatus::Digabung {
            return Err(invalid("agency_id", "err-report-merged"));
        }
        let mut e = FieldErrors::new();
        let agency = match i.agency_id.trim().parse::<i64>() {
            Ok(id) => {
                let row: Option<(String, i64)> =
                    sqlx::query_as("SELECT region_code, active FROM agencies WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    Some((region, 1))
                        if RegionCode::parse(&region).is_ok_and(|r| place.is_within(&r)) =>
                    {
                        Some(id)
                    }
                    Some((_, 1)) => {
                        e.add("agency_id", "err-agency-area");
                        None
                    }
                    _ => {
                        e.add("agency_id", "err-not-found");
                        None
                    }
                }
            }
            Err(_) => {
                e.add("agency_id", "err-required");
                None
            }
        };
        let purpose = e.check("purpose", ReferralPurpose::parse(&i.purpose));
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
        let (Some(agency), Some(purpose), Some(due), Some(message)) =
            (agency, purpose, due, message)
        else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let (kab, prov): (String, String) =
            sqlx::query_as("SELECT kab_code, prov_code FROM reports WHERE id = $1")
                .bind(report_id)
                .fetch_one(&self.pool)
                .await?;
        let case_id: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE report_id = $1")
            .bind(report_id)
            .fetch_optional(&self.pool)
            .await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO referrals (report_id, case_id, agency_id, purpose, status, due_date, message, consent, consent_by, override_reason, \
             override_user_id, region_code, kab_code, prov_code, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'terkirim', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(report_id)
        .bind(case_id)
        .bind(agency)
        .bind(purpose.as_str())
        .bind(format_date(due))
        .bind(message)
        .bind(consent as i64)
        .bind(if consent { consent_by } else { None })
        .bind(if consent { None } else { override_reason.clone() })
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

    /// Referrals the actor may see: a partner agency's own, or those in an officer's scope.
    pub async fn list_referrals(
        &self,
        ctx: &Ctx,
        q: &ReferralQuery,
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
        if let Some(s) = q.status.as_deref().filter(|s| !s.trim().is_empty()) {
            let s = ReferralStatus::parse(s).map_err(|c| invalid("status", c))?;
            let ph = f.text(s.as_str());
            f.push(format!("f.status = {ph}"));
        }
        if ticked(&q.overdue) {
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
            .fetch_all(&self.pool)
            .await?;
        // A first page that is not full is the whole list (a report's own referrals, most
        // agencies' inboxes): no need to count it again.
        let total = if offset == 0 && (items.len() as i64) < per_page {
            items.len() as i64
        } else {
            f.scalar(format!("SELECT COUNT(*) FROM referrals f{}", f.where_sql()))
                .fetch_one(&self.pool)
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

    /// May the actor see this referral, and on which side are they?
    async fn referral_access(
        &self,
        ctx: &Ctx,
        id: i64,
    ) -> Result<(i64, RegionCode, i64, ReferralStatus, bool, bool)> {
        let row: Option<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT report_id, region_code, agency_id, status FROM referrals WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
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
        Ok((report_id, place, agency, status, receiver, sender))
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
        .fetch_optional(&self.pool)
        .await?;
        RegionCode::parse(&region.ok_or(Error::NotFound)?).map_err(|_| Error::NotFound)
    }

    /// One referral with its report summary and actions. The receiving agency may reveal the
    /// people's contacts once it has accepted (each view audited); officers as on the report.
    pub async fn get_referral(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReferralDetail> {
        let (report_id, place, _, status, receiver, sender) = self.referral_access(ctx, id).await?;
        let referral = sqlx::query_as::<_, Referral>(sqlx::AssertSqlSafe(format!(
            "{REFERRAL_SELECT} WHERE f.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let actions = sqlx::query_as::<_, ReferralAction>(
            "SELECT a.id, a.at, u.full_name AS user_name, a.kind, a.body FROM referral_actions a LEFT JOIN users u ON u.id = a.user_id \
             WHERE a.referral_id = $1 ORDER BY a.at, a.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut people = self.report_people(report_id).await?;
        let may_reveal = (receiver
            && matches!(status, ReferralStatus::Diterima | ReferralStatus::Selesai))
            || ctx.allows(Action::ReportSensitiveView, Some(&place));
        let unmasked = reveal && may_reveal;
        if unmasked {
            audit::write(
                &self.pool,
                Some(ctx),
                Event {
                    action: "view_sensitive",
                    entity: "referral",
                    entity_id: Some(id.to_string()),
                    region: Some(&place),
                    sensitive: true,
                    detail: Some("fields=people.phone,people.nik".into()),
                },
            )
            .await?;
        } else {
            mask_people(&mut people);
        }
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
    /// sender cancels it (with a reason).
    pub async fn answer_referral(&self, ctx: &Ctx, id: i64, i: &ReferralAnswer) -> Result<()> {
        let (report_id, place, _, from, receiver, sender) = self.referral_access(ctx, id).await?;
        let to = ReferralStatus::parse(&i.status).map_err(|c| invalid("status", c))?;
        let side = if to == ReferralStatus::Dibatalkan {
            ReferralSide::Sender
        } else {
            ReferralSide::Receiver
        };
        let allowed = match side {
            ReferralSide::Sender => sender,
            ReferralSide::Receiver => receiver && ctx.allows(Action::ReferralRespond, None),
        };
        if !allowed {
            return Err(Error::Forbidden);
        }
        if !from.can_move_to(to, side) {
            return Err(invalid("status", "err-status-transition"));
        }
        let note = optional_text(&i.note, 2000).map_err(|c| invalid("note", c))?;
        if matches!(to, ReferralStatus::Ditolak | ReferralStatus::Dibatalkan) && note.is_none() {
            return Err(invalid("note", "err-reason-required"));
        }
        let mut tx = self.begin().await?;
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

    /// The agency records an action it took (accepted referrals only).
    pub async fn add_referral_action(&self, ctx: &Ctx, id: i64, body: &str) -> Result<()> {
        let (_, place, _, status, receiver, _) = self.referral_access(ctx, id).await?;
        if !receiver || !ctx.allows(Action::ReferralRespond, None) {
            return Err(Error::Forbidden);
        }
        if status != ReferralStatus::Diterima {
            return Err(invalid("body", "err-referral-not-accepted"));
        }
        let body = required_text(body, 2000).map_err(|c| invalid("body", c))?;
        let mut tx = self.begin().await?;
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
        .fetch_all(&self.pool)
        .await?;
        let mut sent = 0;
        for (id, agency, creator) in due {
            let mut tx = self.begin().await?;
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
