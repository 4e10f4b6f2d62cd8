//! The interview: screen an applicant, record the decision, list and count screenings.

use crate::audit::{self, Event};
use crate::reports::mask_nik;
use crate::sql::{kab_and_prov, Filter};
use crate::{Ctx, Error, Page, Result};
use benteng_domain::nik::Sex;
use benteng_domain::passport::{self, Applicant, Decision, Level};
use benteng_domain::screening::{Hit, Reason};
use benteng_domain::values::format_date;
use benteng_domain::{Action, RegionCode, Role, Scope};
use serde::{Deserialize, Serialize};

/// A screening as kept: the applicant as read (the NIK as typed, digits only), the domain's
/// assessment and the hits the interviewer was shown.
#[derive(Debug, Clone)]
pub struct NewScreening {
    pub name: String,
    pub applicant: Applicant,
    pub village: Option<RegionCode>,
    pub job: Option<String>,
    pub sponsor_name: Option<String>,
    pub sponsor_phone: Option<String>,
    pub assessment: passport::Assessment,
    pub hits: Vec<StoredHit>,
    /// Name only: further watchlist entries of a name shown, not listed.
    pub namesakes_hidden: i64,
    /// Entries that shared only a very common given name (no hits).
    pub common_name_only: i64,
}

/// A watchlist hit as stored with the screening and shown to the interviewer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredHit {
    /// `applicant` or `sponsor`.
    pub who: String,
    pub watch_id: String,
    pub score: u8,
    pub alert: bool,
    /// Stable reason codes (`name:spelling`, `dob:exact`, …).
    pub reasons: Vec<String>,
    /// The watched name that matched.
    pub name: String,
    /// perekrut, berisiko, hilang, lainnya.
    pub category: String,
    /// `laporan`, `petugas` or `impor`.
    pub source: String,
    /// The report, when the entry comes from one and it is in the officer's scope.
    pub report_id: Option<i64>,
    pub tracking_code: Option<String>,
    /// The entry's village name (or its kabupaten for reports outside the officer's area).
    pub place: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningRow {
    pub id: i64,
    pub applicant_name: String,
    pub nik: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub region_code: Option<String>,
    pub village_name: Option<String>,
    pub purpose: String,
    pub destination: Option<String>,
    pub job: Option<String>,
    pub domestic_work: i64,
    pub sponsor_name: Option<String>,
    pub sponsor_phone: Option<String>,
    pub documents: String,
    pub score: i64,
    pub level: String,
    pub findings: String,
    pub hits: String,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<i64>,
    pub office_id: Option<i64>,
    pub office_name: Option<String>,
    pub officer_name: Option<String>,
    pub created_at: i64,
    /// Name only: further watchlist entries of a name shown, not listed (at most three of one
    /// name are listed).
    pub namesakes_hidden: i64,
    /// Watchlist entries that shared only a very common given name with the applicant and
    /// were therefore no hit.
    pub common_name_only: i64,
}

/// One finding as shown: its code, weight and the number its message takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFinding {
    pub code: String,
    pub weight: u32,
    pub arg: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningDetail {
    #[serde(flatten)]
    pub row: ScreeningRow,
    pub finding_list: Vec<StoredFinding>,
    pub hit_list: Vec<StoredHit>,
    /// What the assessment suggests at this level.
    pub suggestion: String,
    pub can_decide: bool,
}

/// Which screenings [`crate::screening::Repo::list_screenings`] lists, as read by `benteng_app::screening`.
#[derive(Debug, Clone, Default)]
pub struct ScreeningFilter {
    /// Made in `[from, to)` (Unix seconds): a month in WIB.
    pub created: Option<(i64, i64)>,
    pub decision: Option<DecisionFilter>,
    pub level: Option<Level>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionFilter {
    /// Not decided yet.
    Undecided,
    Is(Decision),
}

/// The interviewer's decision as read by `benteng_app::screening` (the reason given when
/// the decision needs one).
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub decision: Decision,
    pub reason: Option<String>,
}

/// Screenings per month, and postponements and refusals per village.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningStats {
    /// (YYYY-MM, screened, tunda, tolak), newest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub months: Vec<(String, i64, i64, i64)>,
    /// (desa code, village name, tunda, tolak), most first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub villages: Vec<(String, String, i64, i64)>,
}

impl crate::screening::Repo<'_> {
    /// What the assessment needs to know of the applicant's village: reports filed there in
    /// the last 90 days (not refused or merged) and whether it is a *kantong PMI*.
    pub async fn village_risk_facts(&self, village: &RegionCode) -> Result<(i64, bool)> {
        let since = crate::now() - 90 * 86_400;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reports WHERE region_code = $1 AND created_at >= $2 AND status NOT IN ('ditolak', 'digabung')",
        )
        .bind(village.as_str())
        .bind(since)
        .fetch_one(&self.db.pool)
        .await?;
        let k: Option<i64> =
            sqlx::query_scalar("SELECT MAX(kantong_pmi) FROM desa_binaan WHERE region_code = $1")
                .bind(village.as_str())
                .fetch_one(&self.db.pool)
                .await?;
        Ok((n, k.unwrap_or(0) == 1))
    }

    /// Keep a screening with its assessment and hits, and audit it, in one transaction.
    /// Returns its id.
    pub async fn insert_screening(&self, ctx: &Ctx, s: &NewScreening) -> Result<i64> {
        ctx.require(Action::ScreeningRun, None)?;
        let (kab, _) = match &s.village {
            Some(v) => kab_and_prov(v),
            None => (None, String::new()),
        };
        let office_prov: Option<String> = match ctx.actor.office_id {
            Some(o) => {
                sqlx::query_scalar("SELECT province_code FROM offices WHERE id = $1")
                    .bind(o)
                    .fetch_optional(&self.db.pool)
                    .await?
            }
            None => None,
        };
        let a = &s.assessment;
        let findings: Vec<StoredFinding> = a
            .findings
            .iter()
            .map(|f| StoredFinding {
                code: f.code().into(),
                weight: f.weight(),
                arg: f.arg(),
            })
            .collect();
        let p = &s.applicant;
        let mut tx = self.db.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO screenings (office_id, prov_code, region_code, kab_code, officer_id, applicant_name, nik, birth_date, sex, purpose, destination, job, domestic_work, \
             sponsor_name, sponsor_phone, documents, score, level, findings, hits, created_at, namesakes_hidden, common_name_only) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING id",
        )
        .bind(ctx.actor.office_id)
        .bind(office_prov)
        .bind(s.village.as_ref().map(|v| v.as_str().to_string()))
        .bind(kab)
        .bind(ctx.actor.user_id)
        .bind(&s.name)
        .bind(&p.nik)
        .bind(p.birth_date.map(format_date))
        .bind(p.sex.map(|s| if s == Sex::Male { "L" } else { "P" }))
        .bind(p.purpose.map(|p| p.as_str()))
        .bind(&p.destination)
        .bind(&s.job)
        .bind(i64::from(p.domestic_work))
        .bind(&s.sponsor_name)
        .bind(&s.sponsor_phone)
        .bind(
            p.documents
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(","),
        )
        .bind(i64::from(a.score))
        .bind(a.level.as_str())
        .bind(serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&s.hits).unwrap_or_else(|_| "[]".into()))
        .bind(crate::now())
        .bind(s.namesakes_hidden)
        .bind(s.common_name_only)
        .fetch_one(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "screen",
                entity: "screening",
                entity_id: Some(id.to_string()),
                region: s.village.as_ref(),
                sensitive: false,
                detail: Some(format!("level={} hits={}", a.level.as_str(), s.hits.len())),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// What the interviewer may see of a hit. Report people outside the officer's area are
    /// shown by name, kind and kabupaten only.
    pub async fn describe_hit(&self, ctx: &Ctx, who: &str, h: &Hit) -> Result<Option<StoredHit>> {
        let reasons: Vec<String> = h.reasons.iter().flat_map(Reason::codes).collect();
        let watched_name = h
            .reasons
            .iter()
            .find_map(|r| match r {
                Reason::Name { watch_name, .. } => Some(watch_name.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let (kind, num) = h.id.split_at(1);
        let Ok(num) = num.parse::<i64>() else {
            return Ok(None);
        };
        let hit = match kind {
            "w" => {
                #[derive(sqlx::FromRow)]
                struct Flag {
                    name: String,
                    category: String,
                    source: String,
                    region: Option<String>,
                    village: Option<String>,
                    kab: Option<String>,
                }
                let row: Option<Flag> = sqlx::query_as(
                    "SELECT w.name, w.category, w.source, w.region_code AS region, v.name AS village, k.name AS kab \
                     FROM watchlist w LEFT JOIN regions v ON v.code = w.region_code \
                     LEFT JOIN regions k ON k.code = w.kab_code WHERE w.id = $1",
                )
                .bind(num)
                .fetch_optional(&self.db.pool)
                .await?;
                let Some(Flag {
                    name,
                    category,
                    source,
                    region,
                    village,
                    kab,
                }) = row
                else {
                    return Ok(None);
                };
                // The village only inside the officer's area, the kabupaten elsewhere.
                let visible = region
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok())
                    .is_some_and(|r| ctx.allows(Action::WatchlistView, Some(&r)));
                let place = if visible { village } else { kab };
                StoredHit {
                    who: who.into(),
                    watch_id: h.id.clone(),
                    score: h.score,
                    alert: h.alert,
                    reasons,
                    name: if watched_name.is_empty() {
                        name
                    } else {
                        watched_name
                    },
                    category,
                    source,
                    report_id: None,
                    tracking_code: None,
                    place,
                }
            }
            "p" => {
                #[derive(sqlx::FromRow)]
                struct Named {
                    name: String,
                    role: String,
                    report_id: i64,
                    code: String,
                    region: String,
                    village: Option<String>,
                    kab: Option<String>,
                }
                let row: Option<Named> = sqlx::query_as(
                    "SELECT p.name, p.role, r.id AS report_id, r.tracking_code AS code, r.region_code AS region, \
                     v.name AS village, k.name AS kab FROM report_people p \
                     JOIN reports r ON r.id = p.report_id LEFT JOIN regions v ON v.code = r.region_code \
                     LEFT JOIN regions k ON k.code = r.kab_code WHERE p.id = $1",
                )
                .bind(num)
                .fetch_optional(&self.db.pool)
                .await?;
                let Some(Named {
                    name,
                    role,
                    report_id,
                    code,
                    region,
                    village,
                    kab,
                }) = row
                else {
                    return Ok(None);
                };
                let visible = RegionCode::parse(&region)
                    .map(|r| ctx.allows(Action::ReportView, Some(&r)))
                    .unwrap_or(false);
                StoredHit {
                    who: who.into(),
                    watch_id: h.id.clone(),
                    score: h.score,
                    alert: h.alert,
                    reasons,
                    name,
                    category: if role == "perekrut" {
                        "perekrut".into()
                    } else {
                        "berisiko".into()
                    },
                    source: "laporan".into(),
                    report_id: visible.then_some(report_id),
                    tracking_code: visible.then_some(code),
                    place: if visible { village } else { kab },
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(hit))
    }

    fn screening_filter(&self, ctx: &Ctx, f: &mut Filter) {
        match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Admin, _) | (_, Scope::All) => {}
            (Role::Kanwil, Scope::Province(p)) => {
                let ph = f.text(p.as_str());
                f.push(format!("s.prov_code = {ph}"));
            }
            (Role::Petugas, _) => match ctx.actor.office_id {
                Some(o) => {
                    let ph = f.int(o);
                    f.push(format!("s.office_id = {ph}"));
                }
                None => f.push("1 = 0".into()),
            },
            _ => f.push("1 = 0".into()),
        }
    }

    pub async fn list_screenings(
        &self,
        ctx: &Ctx,
        q: &ScreeningFilter,
        per_page: i64,
    ) -> Result<Page<ScreeningRow>> {
        ctx.require(Action::ScreeningView, None)?;
        let mut f = Filter::default();
        self.screening_filter(ctx, &mut f);
        if let Some((from, to)) = q.created {
            let a = f.int(from);
            let b = f.int(to);
            f.push(format!("s.created_at >= {a} AND s.created_at < {b}"));
        }
        match q.decision {
            None => {}
            Some(DecisionFilter::Undecided) => f.push("s.decision IS NULL".into()),
            Some(DecisionFilter::Is(d)) => {
                let ph = f.text(d.as_str());
                f.push(format!("s.decision = {ph}"));
            }
        }
        if let Some(l) = q.level {
            let ph = f.text(l.as_str());
            f.push(format!("s.level = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!(
                "SELECT COUNT(*) FROM screenings s{}",
                f.where_sql()
            ))
            .fetch_one(&self.db.pool)
            .await?;
        let mut items = f
            .query_as::<ScreeningRow>(format!(
                "{SCREENING_SELECT}{} ORDER BY s.id DESC LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        for s in &mut items {
            mask_screening(s);
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    async fn screening_row(&self, ctx: &Ctx, id: i64) -> Result<ScreeningRow> {
        ctx.require(Action::ScreeningView, None)?;
        let mut f = Filter::default();
        let ph = f.int(id);
        f.push(format!("s.id = {ph}"));
        self.screening_filter(ctx, &mut f);
        let row = f
            .query_as::<ScreeningRow>(format!("{SCREENING_SELECT}{}", f.where_sql()))
            .fetch_optional(&self.db.pool)
            .await?;
        match row {
            Some(r) => Ok(r),
            // Tell "not yours" from "not there", as the other modules do.
            None => {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM screenings WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.db.pool)
                        .await?;
                Err(if exists.is_some() {
                    Error::Forbidden
                } else {
                    Error::NotFound
                })
            }
        }
    }

    /// One screening. The NIK and the sponsor's phone are shown to interviewers (who typed
    /// them) and masked for everyone else; each unmasked view is audited.
    pub async fn get_screening(&self, ctx: &Ctx, id: i64) -> Result<ScreeningDetail> {
        let mut row = self.screening_row(ctx, id).await?;
        let can_decide = ctx.allows(Action::ScreeningRun, None)
            && (ctx.actor.role == Role::Admin || row.office_id == ctx.actor.office_id);
        if can_decide {
            audit::write(
                &self.db.pool,
                Some(ctx),
                Event {
                    action: "view_sensitive",
                    entity: "screening",
                    entity_id: Some(id.to_string()),
                    region: row
                        .region_code
                        .as_deref()
                        .and_then(|r| RegionCode::parse(r).ok())
                        .as_ref(),
                    sensitive: true,
                    detail: Some("fields=nik,sponsor_phone".into()),
                },
            )
            .await?;
        } else {
            mask_screening(&mut row);
        }
        let finding_list = serde_json::from_str(&row.findings).unwrap_or_default();
        let hit_list = serde_json::from_str(&row.hits).unwrap_or_default();
        let suggestion = Level::parse(&row.level)
            .map(|l| l.suggestion().as_str())
            .unwrap_or("lanjut")
            .to_string();
        Ok(ScreeningDetail {
            row,
            finding_list,
            hit_list,
            suggestion,
            can_decide,
        })
    }

    /// Whether the actor may decide screening `id`: an interviewer of the screening's office
    /// (admins: any). `NotFound` or `Forbidden` otherwise.
    pub async fn check_decidable(&self, ctx: &Ctx, id: i64) -> Result<()> {
        self.decidable(ctx, id).await.map(|_| ())
    }

    async fn decidable(&self, ctx: &Ctx, id: i64) -> Result<ScreeningRow> {
        ctx.require(Action::ScreeningRun, None)?;
        let row = self.screening_row(ctx, id).await?;
        if ctx.actor.role != Role::Admin && row.office_id != ctx.actor.office_id {
            return Err(Error::Forbidden);
        }
        Ok(row)
    }

    /// Record (or change) the interviewer's decision (read and checked by the caller).
    pub async fn decide_screening(&self, ctx: &Ctx, id: i64, v: &NewDecision) -> Result<()> {
        let row = self.decidable(ctx, id).await?;
        let (d, reason) = (v.decision, &v.reason);
        let mut tx = self.db.pool.begin().await?;
        sqlx::query(
            "UPDATE screenings SET decision = $1, decision_reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
        )
        .bind(d.as_str())
        .bind(reason)
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "decide",
                entity: "screening",
                entity_id: Some(id.to_string()),
                region: row
                    .region_code
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok())
                    .as_ref(),
                sensitive: false,
                detail: Some(format!("decision={}", d.as_str())),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Screenings per month (the last twelve) and postponements and refusals per village.
    pub async fn screening_stats(&self, ctx: &Ctx) -> Result<ScreeningStats> {
        ctx.require(Action::ScreeningView, None)?;
        let mut f = Filter::default();
        self.screening_filter(ctx, &mut f);
        let since = crate::now() - 366 * 86_400;
        let ph = f.int(since);
        f.push(format!("s.created_at >= {ph}"));
        let rows = f
            .query_as::<(i64, Option<String>)>(format!(
                "SELECT s.created_at, s.decision FROM screenings s{}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let mut months: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
        for (at, decision) in rows {
            let m = month_of(at);
            let e = months.entry(m).or_default();
            e.0 += 1;
            match decision.as_deref() {
                Some("tunda") => e.1 += 1,
                Some("tolak") => e.2 += 1,
                _ => {}
            }
        }
        let villages = f
            .query_as::<(String, String, i64, i64)>(format!(
                "SELECT s.region_code, COALESCE(v.name, ''), \
                 SUM(CASE WHEN s.decision = 'tunda' THEN 1 ELSE 0 END), \
                 SUM(CASE WHEN s.decision = 'tolak' THEN 1 ELSE 0 END) \
                 FROM screenings s JOIN regions v ON v.code = s.region_code{} AND s.decision IN ('tunda', 'tolak') \
                 GROUP BY s.region_code, v.name ORDER BY COUNT(*) DESC, s.region_code LIMIT 50",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(ScreeningStats {
            months: months
                .into_iter()
                .rev()
                .map(|(m, (a, b, c))| (m, a, b, c))
                .collect(),
            villages,
        })
    }

    /// Screen a batch (the `benteng screen` CSV contract) in the web: an audit entry, no
    /// stored screenings.
    pub async fn audit_batch_screen(&self, ctx: &Ctx, rows: usize) -> Result<()> {
        ctx.require(Action::ScreeningRun, None)?;
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "screen_batch",
                entity: "screening",
                entity_id: None,
                region: None,
                sensitive: false,
                detail: Some(format!("rows={rows}")),
            },
        )
        .await
    }
}

const SCREENING_SELECT: &str = "SELECT s.id, s.applicant_name, s.nik, s.birth_date, s.sex, s.region_code, v.name AS village_name, \
    s.purpose, s.destination, s.job, s.domestic_work, s.sponsor_name, s.sponsor_phone, s.documents, s.score, s.level, s.findings, s.hits, \
    s.decision, s.decision_reason, s.decided_at, s.office_id, o.name AS office_name, u.full_name AS officer_name, s.created_at, \
    s.namesakes_hidden, s.common_name_only FROM screenings s LEFT JOIN regions v ON v.code = s.region_code LEFT JOIN offices o ON o.id = s.office_id \
    LEFT JOIN users u ON u.id = s.officer_id";

fn mask_screening(s: &mut ScreeningRow) {
    s.nik = s.nik.as_deref().map(mask_nik);
    s.sponsor_phone = s
        .sponsor_phone
        .as_deref()
        .map(benteng_domain::phone::mask_phone);
}

/// `YYYY-MM` of an instant, in WIB.
fn month_of(at: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_wib() {
        // 2026-12-01 00:00 in WIB is 17:00 UTC of the day before.
        let start = time::Date::from_calendar_date(2026, time::Month::November, 30)
            .unwrap()
            .with_hms(17, 0, 0)
            .unwrap()
            .assume_utc()
            .unix_timestamp();
        assert_eq!(month_of(start), "2026-12");
        assert_eq!(month_of(start - 1), "2026-11");
        assert_eq!(month_of(start + 31 * 86_400 - 1), "2026-12");
        assert_eq!(month_of(start + 31 * 86_400), "2027-01");
    }
}
