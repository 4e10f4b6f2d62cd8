//! Notifications, written to the `outbox` table in the same transaction as the change they
//! announce (so none is lost and none announces a change that was rolled back). In-app delivery
//! reads the table directly; e-mail, WhatsApp and SMS are delivered by the coordination
//! module's worker from the same rows.

use crate::{Ctx, Page, Result};
use benteng_domain::values::format_date;
use serde::Serialize;

/// What to announce. `kind` picks the message (`notice-<kind>` in Fluent); `subject` carries
/// the record's short reference (no personal data).
pub struct Notice {
    pub kind: &'static str,
    pub link: String,
    pub subject: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub link: String,
    pub subject: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// Write one notification per recipient and channel they chose for this kind of notice
/// (in-app by default; e-mail, WhatsApp and SMS when switched on, see
/// [`crate::rooms::prefs`]). External rows are due at once for the delivery worker.
pub(crate) async fn notify(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    recipients: &[i64],
    n: &Notice,
) -> Result<()> {
    let planned = plan(tx, recipients, n.kind).await?;
    write_planned(tx, &planned, n).await
}

/// Who gets a notice of `kind` on which channel: each recipient once, with the channels they
/// chose.
async fn plan(
    conn: &mut sqlx::AnyConnection,
    recipients: &[i64],
    kind: &str,
) -> Result<Vec<(i64, benteng_domain::coordination::Channel)>> {
    let mut seen = Vec::new();
    for r in recipients {
        if !seen.contains(r) {
            seen.push(*r);
        }
    }
    Ok(crate::rooms::prefs::channels_for(conn, &seen, kind)
        .await?
        .into_iter()
        .flat_map(|(r, channels)| channels.into_iter().map(move |c| (r, c)))
        .collect())
}

/// The planned notifications of `n`, in one statement.
pub(crate) async fn write_planned(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    planned: &[(i64, benteng_domain::coordination::Channel)],
    n: &Notice,
) -> Result<()> {
    if planned.is_empty() {
        return Ok(());
    }
    // $1 kind, $2 link, $3 subject, $4 now; then each row's recipient and channel.
    let rows: Vec<String> = (0..planned.len())
        .map(|i| {
            let p = 5 + 2 * i;
            format!("(${p}, $1, ${}, $2, $3, 'pending', $4, $4)", p + 1)
        })
        .collect();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at) VALUES {}",
        rows.join(", ")
    )))
    .bind(n.kind)
    .bind(n.link.clone())
    .bind(n.subject.clone())
    .bind(crate::now());
    for (r, c) in planned {
        q = q.bind(*r).bind(c.as_str());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Active officers of the offices whose working area covers one of the kabupaten/kota `kabs`
/// today, each with that kabupaten/kota (an officer covering two appears twice). One
/// statement, read once per batch by the report intake writer (`reports::group`).
pub(crate) async fn area_officers_of(
    conn: &mut sqlx::AnyConnection,
    kabs: &[&str],
) -> Result<Vec<(String, i64)>> {
    if kabs.is_empty() {
        return Ok(Vec::new());
    }
    // $1 today; then the codes.
    let list: Vec<String> = (0..kabs.len()).map(|i| format!("${}", i + 2)).collect();
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT a.region_code, u.id FROM users u JOIN office_areas a ON a.office_id = u.office_id \
         WHERE u.role = 'petugas' AND u.active = 1 AND a.region_code IN ({}) AND a.valid_from <= $1 AND (a.valid_to IS NULL OR a.valid_to > $1)",
        list.join(", ")
    )))
    .bind(format_date(crate::today()));
    for k in kabs {
        q = q.bind(k.to_string());
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// Active users of a partner agency.
pub(crate) async fn agency_users(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    agency_id: i64,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM users WHERE agency_id = $1 AND role = 'mitra' AND active = 1",
    )
    .bind(agency_id)
    .fetch_all(&mut **tx)
    .await?)
}

impl crate::outbox::Repo<'_> {
    /// The signed-in user's in-app notifications, newest first.
    pub async fn notifications(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<Notification>> {
        let (page, per_page, offset) = crate::paging(page, 30);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient_id = $1 AND channel = 'inapp'",
        )
        .bind(ctx.actor.user_id)
        .fetch_one(&self.db.pool)
        .await?;
        let items = sqlx::query_as::<_, Notification>(sqlx::AssertSqlSafe(format!(
            "SELECT id, kind, link, subject, created_at, read_at FROM outbox WHERE recipient_id = $1 AND channel = 'inapp' \
             ORDER BY id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(ctx.actor.user_id)
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

    pub async fn unread_notifications(&self, ctx: &Ctx) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient_id = $1 AND channel = 'inapp' AND read_at IS NULL",
        )
        .bind(ctx.actor.user_id)
        .fetch_one(&self.db.pool)
        .await?)
    }

    /// Mark one (or, with `None`, all) of the user's notifications read; returns the link of
    /// the one opened.
    pub async fn mark_notification_read(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
    ) -> Result<Option<String>> {
        let now = crate::now();
        match id {
            Some(id) => {
                let link: Option<String> = sqlx::query_scalar(
                    "SELECT link FROM outbox WHERE id = $1 AND recipient_id = $2 AND channel = 'inapp'",
                )
                .bind(id)
                .bind(ctx.actor.user_id)
                .fetch_optional(&self.db.pool)
                .await?;
                let link = link.ok_or(crate::Error::NotFound)?;
                sqlx::query("UPDATE outbox SET read_at = $1, status = 'sent', sent_at = COALESCE(sent_at, $1) WHERE id = $2 AND read_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(&self.db.pool)
                    .await?;
                Ok(Some(link))
            }
            None => {
                sqlx::query("UPDATE outbox SET read_at = $1, status = 'sent', sent_at = COALESCE(sent_at, $1) WHERE recipient_id = $2 AND channel = 'inapp' AND read_at IS NULL")
                    .bind(now)
                    .bind(ctx.actor.user_id)
                    .execute(&self.db.pool)
                    .await?;
                Ok(None)
            }
        }
    }
}

/// The outbox repository, reached as `db.outbox()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
