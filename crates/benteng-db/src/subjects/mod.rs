//! Data-subject requests (UU 27/2022; rules in `benteng_domain::subject`): the record of each
//! request with its deadline and outcome, and (in `find`) what Benteng holds about the person,
//! with its correction and erasure.
//!
//! A request belongs to the office that received it: its officers see and answer it, other
//! offices do not know it exists (404), the Kanwil, partner agencies and villages are refused.
//! An administrator's requests have no office and are seen by administrators only. What a
//! request finds is always read within the *viewer's* scope, so an officer never learns of a
//! record outside the office's area through it.

use crate::audit::{self, Event};
use crate::sql::Filter;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::subject::{RequestKind, RequestStatus};
use benteng_domain::values::format_date;
use benteng_domain::{Action, Nik, PhoneNumber, Role};
use serde::Serialize;
use time::Date;

mod find;

pub use find::{Correction, Finding, Findings};

/// A request in the list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestRow {
    pub id: i64,
    /// `akses`, `koreksi` or `penghapusan`.
    pub kind: String,
    /// `terbuka`, `selesai` or `ditolak`.
    pub status: String,
    pub requester_name: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// `YYYY-MM-DD`: the answer is due by the end of this day.
    pub due_on: String,
    pub closed_at: Option<i64>,
}

/// A request with everything recorded about it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectRequest {
    pub id: i64,
    pub office_id: Option<i64>,
    pub office_name: Option<String>,
    pub kind: String,
    pub status: String,
    pub requester_name: String,
    pub requester_contact: Option<String>,
    pub nik: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub detail: Option<String>,
    pub received_on: String,
    pub due_on: String,
    pub outcome: Option<String>,
    pub created_by_name: Option<String>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<i64>,
    pub created_at: i64,
}

/// One step taken on a request.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestEvent {
    /// `dicatat`, `dicari`, `diekspor`, `dikoreksi`, `dihapus`, `ditutup`.
    pub action: String,
    /// Counts and field names, never values.
    pub detail: Option<String>,
    pub user_name: Option<String>,
    pub at: i64,
}

/// A request as recorded, checked (read by `benteng_app::subjects`).
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub requester_name: String,
    pub requester_contact: Option<String>,
    pub nik: Option<Nik>,
    pub phone: Option<PhoneNumber>,
    pub name: Option<String>,
    pub detail: Option<String>,
    pub received_on: Date,
    pub due_on: Date,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    /// Only open requests past their deadline on `today`.
    pub overdue_on: Option<Date>,
}

const SELECT: &str =
    "SELECT s.id, s.office_id, o.name AS office_name, s.kind, s.status, s.requester_name, \
    s.requester_contact, s.nik, s.phone, s.name, s.detail, s.received_on, s.due_on, s.outcome, \
    cu.full_name AS created_by_name, xu.full_name AS closed_by_name, s.closed_at, s.created_at \
    FROM subject_requests s LEFT JOIN offices o ON o.id = s.office_id \
    LEFT JOIN users cu ON cu.id = s.created_by LEFT JOIN users xu ON xu.id = s.closed_by";

impl crate::subjects::Repo<'_> {
    /// Restrict requests to those the actor's office received (administrators: all).
    fn office_filter(ctx: &Ctx, f: &mut Filter) {
        if ctx.actor.role == Role::Admin {
            return;
        }
        match ctx.actor.office_id {
            Some(o) => {
                let ph = f.int(o);
                f.push(format!("s.office_id = {ph}"));
            }
            None => f.push("1 = 0".into()),
        }
    }

    /// Record a request received by the actor's office.
    pub async fn create(&self, ctx: &Ctx, r: &NewRequest) -> Result<i64> {
        ctx.require(Action::SubjectRequest, None)?;
        if ctx.actor.role != Role::Admin && ctx.actor.office_id.is_none() {
            return Err(Error::Forbidden);
        }
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subject_requests (office_id, kind, status, requester_name, requester_contact, nik, phone, name, \
             detail, received_on, due_on, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(if ctx.actor.role == Role::Admin { None } else { ctx.actor.office_id })
        .bind(r.kind.as_str())
        .bind(RequestStatus::Terbuka.as_str())
        .bind(r.requester_name.clone())
        .bind(r.requester_contact.clone())
        .bind(r.nik.as_ref().map(|n| n.as_str().to_string()))
        .bind(r.phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(r.name.clone())
        .bind(r.detail.clone())
        .bind(format_date(r.received_on))
        .bind(format_date(r.due_on))
        .bind(ctx.actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let searched_by = [
            r.nik.is_some().then_some("nik"),
            r.phone.is_some().then_some("phone"),
            r.name.is_some().then_some("name"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(",");
        self.step(
            &mut tx,
            ctx,
            id,
            "dicatat",
            Some(format!("kind={} by={searched_by}", r.kind.as_str())),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "subject_request_create",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                detail: Some(format!("kind={} by={searched_by}", r.kind.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The requests of the actor's office, those past their deadline first, then by deadline.
    pub async fn list(
        &self,
        ctx: &Ctx,
        q: &RequestFilter,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<RequestRow>> {
        ctx.require(Action::SubjectRequest, None)?;
        let mut f = Filter::default();
        Self::office_filter(ctx, &mut f);
        if let Some(s) = q.status {
            let ph = f.text(s.as_str());
            f.push(format!("s.status = {ph}"));
        }
        if let Some(day) = q.overdue_on {
            let open = f.text(RequestStatus::Terbuka.as_str());
            let ph = f.text(format_date(day));
            f.push(format!("s.status = {open} AND s.due_on < {ph}"));
        }
        let (page, per_page, offset) = crate::paging(page, per_page);
        let total = f
            .scalar(format!(
                "SELECT COUNT(*) FROM subject_requests s{}",
                f.where_sql()
            ))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<RequestRow>(format!(
                "SELECT s.id, s.kind, s.status, s.requester_name, s.received_on, s.due_on, s.closed_at \
                 FROM subject_requests s{} \
                 ORDER BY CASE WHEN s.status = 'terbuka' THEN 0 ELSE 1 END, s.due_on, s.id DESC \
                 LIMIT {per_page} OFFSET {offset}",
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

    /// One request of the actor's office (404 for any other: a request's existence is itself
    /// personal data). Its identifiers are shown, so the view is audited as sensitive.
    pub async fn get(&self, ctx: &Ctx, id: i64) -> Result<SubjectRequest> {
        ctx.require(Action::SubjectRequest, None)?;
        let mut f = Filter::default();
        let ph = f.int(id);
        f.push(format!("s.id = {ph}"));
        Self::office_filter(ctx, &mut f);
        let row = f
            .query_as::<SubjectRequest>(format!("{SELECT}{}", f.where_sql()))
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(row)
    }

    /// What was done on a request, oldest first.
    pub async fn events(&self, ctx: &Ctx, id: i64) -> Result<Vec<RequestEvent>> {
        self.get(ctx, id).await?;
        Ok(sqlx::query_as::<_, RequestEvent>(
            "SELECT e.action, e.detail, u.full_name AS user_name, e.at FROM subject_request_events e \
             LEFT JOIN users u ON u.id = e.user_id WHERE e.request_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Close an open request as done or refused, with what was done (or why not).
    pub async fn close(
        &self,
        ctx: &Ctx,
        id: i64,
        status: RequestStatus,
        outcome: &str,
    ) -> Result<()> {
        let req = self.get(ctx, id).await?;
        if req.status != RequestStatus::Terbuka.as_str() {
            return Err(Error::Conflict("status", "err-subject-closed"));
        }
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let changed = sqlx::query(
            "UPDATE subject_requests SET status = $1, outcome = $2, closed_by = $3, closed_at = $4, updated_at = $4 \
             WHERE id = $5 AND status = 'terbuka'",
        )
        .bind(status.as_str())
        .bind(outcome.to_string())
        .bind(ctx.actor.user_id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::Conflict("status", "err-subject-closed"));
        }
        self.step(
            &mut tx,
            ctx,
            id,
            "ditutup",
            Some(format!("status={}", status.as_str())),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "subject_request_close",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                detail: Some(format!("status={}", status.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Record a step in the request's own history.
    async fn step(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ctx: &Ctx,
        id: i64,
        action: &str,
        detail: Option<String>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO subject_request_events (request_id, action, detail, user_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(action.to_string())
        .bind(detail)
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// The data-subject requests repository, reached as `db.subjects()`.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
