//! Stored monthly reports (migration 0036): what the worker makes after a month ends, once per
//! office with a working area and once per province with a Kanwil, and who may read them.
//!
//! Decisions:
//! - Once, whatever the number of workers: a worker claims a report by inserting its row
//!   (`ON CONFLICT DO NOTHING` on the unique index); only the worker whose insert took makes
//!   it. A claim still 'proses' after [`STALE_SECS`] (its worker died) is taken over by an
//!   update that only one worker can win.
//! - The PDF and the room announcement are stored in one transaction: a report that is
//!   listed as ready has been announced, and one that was announced is listed.
//! - Readers: the office's own officers read its reports; the Kanwil reads its province's
//!   and its offices' (the reports carry the "< 5" rule, as they go upward); the
//!   administrator reads all. Villages and partner agencies read none.

use crate::{Ctx, Page, Result};
use benteng_domain::{Action, Role, Scope};
use serde::Serialize;

/// How long a claim may stay 'proses' before another worker takes it over.
pub const STALE_SECS: i64 = 15 * 60;

/// A report that should exist for a month: an office or a Kanwil's province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// "kantor" or "provinsi".
    pub kind: &'static str,
    pub office_id: Option<i64>,
    pub province_code: String,
    /// The office's or the Kanwil's name, for the report's heading.
    pub name: String,
    /// The Kanwil's office id for a province report (its room and its name).
    pub kanwil_id: Option<i64>,
}

impl Target {
    pub fn ref_key(&self) -> String {
        match self.office_id {
            Some(id) if self.kind == "kantor" => id.to_string(),
            _ => self.province_code.clone(),
        }
    }
}

/// A stored report as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub kind: String,
    pub office_id: Option<i64>,
    pub province_code: String,
    pub month: String,
    pub status: String,
    pub bytes: Option<i64>,
    pub made_at: Option<i64>,
    /// The office's name, or the province's for a province report.
    pub name: String,
}

const COLS: &str = "m.id, m.kind, m.office_id, m.province_code, m.month, m.status, m.bytes, m.made_at, \
     COALESCE(o.name, (SELECT r.name FROM regions r WHERE r.code = m.province_code), m.province_code) AS name";

impl super::Repo<'_> {
    /// The reports `month` ("YYYY-MM") should have and does not have ready yet: offices
    /// ('kanim') with a working area on the month's last day, and provinces with a Kanwil.
    pub async fn monthly_targets(&self, month: &str, last_day: &str) -> Result<Vec<Target>> {
        let offices: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT o.id, o.name, o.province_code FROM offices o WHERE o.active = 1 AND o.kind = 'kanim' \
             AND EXISTS (SELECT 1 FROM office_areas a WHERE a.office_id = o.id AND a.valid_from <= $1 \
                         AND (a.valid_to IS NULL OR a.valid_to > $1)) \
             AND NOT EXISTS (SELECT 1 FROM monthly_reports m WHERE m.kind = 'kantor' \
                             AND m.ref_key = CAST(o.id AS TEXT) AND m.month = $2 AND m.status = 'siap') \
             ORDER BY o.id",
        )
        .bind(last_day.to_string())
        .bind(month.to_string())
        .fetch_all(&self.db.pool)
        .await?;
        let kanwil: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT MIN(o.id), MIN(o.name), o.province_code FROM offices o WHERE o.active = 1 AND o.kind = 'kanwil' \
             AND NOT EXISTS (SELECT 1 FROM monthly_reports m WHERE m.kind = 'provinsi' \
                             AND m.ref_key = o.province_code AND m.month = $1 AND m.status = 'siap') \
             GROUP BY o.province_code ORDER BY o.province_code",
        )
        .bind(month.to_string())
        .fetch_all(&self.db.pool)
        .await?;
        Ok(offices
            .into_iter()
            .map(|(id, name, prov)| Target {
                kind: "kantor",
                office_id: Some(id),
                province_code: prov,
                name,
                kanwil_id: None,
            })
            .chain(kanwil.into_iter().map(|(id, name, prov)| Target {
                kind: "provinsi",
                office_id: None,
                province_code: prov,
                name,
                kanwil_id: Some(id),
            }))
            .collect())
    }

    /// Claim `t`'s report for `month`: the row's id when this worker is to make it, `None`
    /// when it is ready or another worker is making it.
    pub async fn claim_monthly(&self, t: &Target, month: &str) -> Result<Option<i64>> {
        let now = crate::now();
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO monthly_reports (kind, ref_key, office_id, province_code, month, status, claimed_at) \
             VALUES ($1, $2, $3, $4, $5, 'proses', $6) ON CONFLICT (kind, ref_key, month) DO NOTHING RETURNING id",
        )
        .bind(t.kind)
        .bind(t.ref_key())
        .bind(t.office_id)
        .bind(t.province_code.clone())
        .bind(month.to_string())
        .bind(now)
        .fetch_optional(&self.db.pool)
        .await?;
        if inserted.is_some() {
            return Ok(inserted);
        }
        // A claim whose worker died: one update wins.
        Ok(sqlx::query_scalar(
            "UPDATE monthly_reports SET claimed_at = $1 WHERE kind = $2 AND ref_key = $3 AND month = $4 \
             AND status = 'proses' AND claimed_at < $5 RETURNING id",
        )
        .bind(now)
        .bind(t.kind)
        .bind(t.ref_key())
        .bind(month.to_string())
        .bind(now - STALE_SECS)
        .fetch_optional(&self.db.pool)
        .await?)
    }

    /// Store the claimed report's PDF and announce it in its room (the office's, or the
    /// province's), both or neither. `announce` is the message; no room, no message.
    pub async fn store_monthly(
        &self,
        id: i64,
        t: &Target,
        pdf: &[u8],
        announce: &str,
    ) -> Result<()> {
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let (kind, key) = match t.kind {
            "kantor" => ("kantor", t.ref_key()),
            _ => ("provinsi", t.province_code.clone()),
        };
        let room: Option<i64> =
            sqlx::query_scalar("SELECT id FROM rooms WHERE kind = $1 AND ref_key = $2")
                .bind(kind)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
        let mut message = None;
        if let Some(room) = room {
            let author: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(crate::users::SYSTEM_USERNAME)
                .fetch_one(&mut *tx)
                .await?;
            message = Some(
                crate::rooms::messages::insert_announcement(&mut tx, room, author, announce, now)
                    .await?,
            );
        }
        sqlx::query(
            "UPDATE monthly_reports SET status = 'siap', pdf = $1, bytes = $2, made_at = $3, room_message_id = $4 \
             WHERE id = $5",
        )
        .bind(pdf.to_vec())
        .bind(pdf.len() as i64)
        .bind(now)
        .bind(message)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reader's filter: (SQL condition, bound value).
    fn monthly_filter(ctx: &Ctx) -> Result<(String, Option<String>)> {
        ctx.require(Action::MonthlyReportView, None)?;
        Ok(match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Admin, _) => ("1 = 1".into(), None),
            (Role::Kanwil, Scope::Province(p)) => {
                ("m.province_code = $1".into(), Some(p.as_str().to_string()))
            }
            (Role::Petugas, _) => match ctx.actor.office_id {
                Some(id) => (
                    "m.kind = 'kantor' AND m.ref_key = $1".into(),
                    Some(id.to_string()),
                ),
                None => ("1 = 0".into(), None),
            },
            _ => ("1 = 0".into(), None),
        })
    }

    /// The ready reports the reader may read, newest month first.
    pub async fn monthly_list(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<Stored>> {
        let (cond, value) = Self::monthly_filter(ctx)?;
        let (page, per_page, offset) = crate::paging(page, 24);
        let count =
            format!("SELECT COUNT(*) FROM monthly_reports m WHERE m.status = 'siap' AND {cond}");
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count));
        if let Some(v) = &value {
            q = q.bind(v.clone());
        }
        let total = q.fetch_one(&self.db.pool).await?;
        let list = format!(
            "SELECT {COLS} FROM monthly_reports m LEFT JOIN offices o ON o.id = m.office_id \
             WHERE m.status = 'siap' AND {cond} ORDER BY m.month DESC, m.kind DESC, name LIMIT {per_page} OFFSET {offset}"
        );
        let mut q = sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(list));
        if let Some(v) = &value {
            q = q.bind(v.clone());
        }
        let items = q.fetch_all(&self.db.pool).await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// One ready report and its PDF, if the reader may read it.
    pub async fn monthly_pdf(&self, ctx: &Ctx, id: i64) -> Result<Option<(Stored, Vec<u8>)>> {
        let (cond, value) = Self::monthly_filter(ctx)?;
        let cond = cond.replace("$1", "$2");
        let sql = format!(
            "SELECT {COLS}, m.pdf FROM monthly_reports m LEFT JOIN offices o ON o.id = m.office_id \
             WHERE m.id = $1 AND m.status = 'siap' AND {cond}"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            stored: Stored,
            pdf: Option<Vec<u8>>,
        }
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(id);
        if let Some(v) = &value {
            q = q.bind(v.clone());
        }
        Ok(q.fetch_optional(&self.db.pool)
            .await?
            .and_then(|r| r.pdf.map(|p| (r.stored, p))))
    }
}
