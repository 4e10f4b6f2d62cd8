//! The audit log: who did what, when, from where, and who viewed sensitive data.
//! Entries are written in the same transaction as the change they record where there is one.
//! Details never hold passwords, NIKs or contact numbers: callers pass field *names* only.
//! Entries are only ever inserted here: there is no path that updates or deletes one, and the
//! database refuses both (migration 0028). [`chain`] seals them into a hash chain.

pub mod chain;

pub use chain::{Anchor, Break, BreakKind, Head, Intact, Verdict};

use crate::sql::Filter;
use crate::{Ctx, Page, Result};
use benteng_domain::{Action, RegionCode, Scope};
use serde::Serialize;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub region_code: Option<String>,
    pub sensitive: i64,
    pub detail: Option<String>,
    /// The user's name as it is now (the username is kept as it was).
    #[sqlx(default)]
    pub full_name: Option<String>,
}

/// What one audit entry says.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub region: Option<&'a RegionCode>,
    pub sensitive: bool,
    pub detail: Option<String>,
}

/// Write one entry on `exec` (a pool or an open transaction).
pub(crate) async fn write<'e, E>(exec: E, ctx: Option<&Ctx>, ev: Event<'_>) -> Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, entity, entity_id, region_code, sensitive, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(crate::now())
    .bind(ctx.map(|c| c.actor.user_id))
    .bind(ctx.map(|c| c.actor.username.clone()))
    .bind(ctx.and_then(|c| c.ip.clone()))
    .bind(ctx.and_then(|c| c.request_id.clone()))
    .bind(ev.action.to_string())
    .bind(ev.entity.to_string())
    .bind(ev.entity_id)
    .bind(ev.region.map(|r| r.as_str().to_string()))
    .bind(ev.sensitive as i64)
    .bind(ev.detail)
    .execute(exec)
    .await?;
    Ok(())
}

/// Filters of the audit list; every field optional.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub sensitive_only: bool,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub page: Option<i64>,
}

impl crate::audit::Repo<'_> {
    /// Record an event outside any other transaction (logins, views of sensitive fields).
    pub async fn audit(&self, ctx: Option<&Ctx>, ev: Event<'_>) -> Result<()> {
        write(&self.db.pool, ctx, ev).await
    }

    /// Record a login attempt by a user who is not signed in yet. `username` is what was typed
    /// and is kept only when it names an existing account, so mistyped passwords never land
    /// in the log.
    pub async fn audit_login(
        &self,
        user: Option<(i64, &str)>,
        ip: Option<&str>,
        request_id: Option<&str>,
        action: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, entity, sensitive) VALUES ($1, $2, $3, $4, $5, $6, 'session', 0)",
        )
        .bind(crate::now())
        .bind(user.map(|u| u.0))
        .bind(user.map(|u| u.1.to_string()))
        .bind(ip.map(str::to_string))
        .bind(request_id.map(str::to_string))
        .bind(action.to_string())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// The audit log inside the actor's scope, newest first. A kanwil user sees entries placed
    /// in their province; entries without a place (logins, user management) only admins see.
    pub async fn audit_list(
        &self,
        ctx: &Ctx,
        q: &AuditQuery,
        per_page: i64,
    ) -> Result<Page<AuditEntry>> {
        ctx.require(Action::AuditView, None)?;
        let mut f = Filter::default();
        match &ctx.actor.scope {
            Scope::All => {}
            Scope::Province(p) => {
                let a = f.text(p.as_str());
                let b = f.text(format!("{}.%", p.as_str()));
                f.push(format!("(region_code = {a} OR region_code LIKE {b})"));
            }
            _ => f.push("1 = 0".into()),
        }
        if let Some(u) = q.username.as_deref().filter(|s| !s.trim().is_empty()) {
            let ph = f.text(u.trim().to_lowercase());
            f.push(format!("username = {ph}"));
        }
        if let Some(a) = q.action.as_deref().filter(|s| !s.trim().is_empty()) {
            let ph = f.text(a.trim());
            f.push(format!("action = {ph}"));
        }
        if let Some(e) = q.entity.as_deref().filter(|s| !s.trim().is_empty()) {
            let ph = f.text(e.trim());
            f.push(format!("entity = {ph}"));
        }
        if q.sensitive_only {
            f.push("sensitive = 1".into());
        }
        if let Some(t) = q.from {
            let ph = f.int(t);
            f.push(format!("at >= {ph}"));
        }
        if let Some(t) = q.to {
            let ph = f.int(t);
            f.push(format!("at < {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM audit_log{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<AuditEntry>(format!(
                "SELECT id, at, user_id, username, ip, request_id, action, entity, entity_id, region_code, sensitive, detail, \
                 (SELECT u.full_name FROM users u WHERE u.id = audit_log.user_id) AS full_name \
                 FROM audit_log{} ORDER BY at DESC, id DESC LIMIT {per_page} OFFSET {offset}",
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
}

/// The audit repository, reached as `db.audit()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
