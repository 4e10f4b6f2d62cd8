//! Alerts (waspada): an officer warns an area, and the alert is posted to every room of it.
//!
//! Decisions:
//! - The area is a province, kabupaten/kota, kecamatan or desa inside the poster's scope.
//! - It reaches the desa binaan rooms of villages inside the area, the rooms of offices whose
//!   working area (today) overlaps it, and the province's room.
//! - In the same transaction: the alert, one message per room, and one notification per
//!   member of those rooms (kind `alert`, by their preferences), linking to the message in the
//!   first of their rooms it reached.
//! - The alert list shows alerts whose area overlaps the viewer's scope.

use crate::outbox::{self, Notice};
use crate::sql::Filter;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::coordination::{search_text, Severity};
use benteng_domain::values::format_date;
use benteng_domain::{Action, RegionCode, RegionLevel, Scope};
use serde::Serialize;

/// An alert as read by `benteng_app::rooms::alerts`: the area known and inside the poster's
/// scope, the title trimmed, the body checked.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub severity: Severity,
    pub area: RegionCode,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: i64,
    pub severity: String,
    pub area_code: String,
    pub area_name: String,
    pub title: String,
    pub body: String,
    pub author_name: String,
    pub rooms_reached: i64,
    pub created_at: i64,
}

impl crate::rooms::Repo<'_> {
    /// Post an alert to every room of its area. Returns the alert id and the rooms reached.
    pub async fn post_alert(&self, ctx: &Ctx, a: &NewAlert) -> Result<(i64, i64)> {
        ctx.require(Action::AlertPost, None)?;
        // The reader reports an area outside the scope as a field error; this guards the write.
        if !ctx.actor.scope.contains(&a.area) {
            return Err(Error::Forbidden);
        }
        let (severity, area, title, body) = (a.severity, &a.area, a.title.as_str(), &a.body);
        let prov = area.as_str()[..2].to_string();
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let rooms = rooms_of_area(&mut tx, area).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alerts (author_id, severity, area_code, prov_code, title, body, rooms_reached, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(ctx.actor.user_id)
        .bind(severity.as_str())
        .bind(area.as_str().to_string())
        .bind(prov)
        .bind(title.to_string())
        .bind(body.clone())
        .bind(rooms.len() as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let text = format!("{title}\n\n{body}");
        // Each member is told once, with a link into the first of their rooms.
        let mut told: Vec<i64> = Vec::new();
        for room in &rooms {
            let mid: i64 = sqlx::query_scalar(
                "INSERT INTO room_messages (room_id, author_id, kind, alert_id, body, search_text, created_at) \
                 VALUES ($1, $2, 'waspada', $3, $4, $5, $6) RETURNING id",
            )
            .bind(*room)
            .bind(ctx.actor.user_id)
            .bind(id)
            .bind(text.clone())
            .bind(search_text(&text))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO room_reads (message_id, user_id, read_at) VALUES ($1, $2, $3)",
            )
            .bind(mid)
            .bind(ctx.actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let members: Vec<i64> = crate::rooms::Repo::member_ids(&mut tx, *room)
                .await?
                .into_iter()
                .filter(|m| *m != ctx.actor.user_id && !told.contains(m))
                .collect();
            outbox::notify(
                &mut tx,
                &members,
                &Notice {
                    kind: "alert",
                    link: format!("/ruang/{room}/pesan/{mid}"),
                    subject: format!("{}|{}", severity.as_str(), title),
                },
            )
            .await?;
            told.extend(members);
        }
        crate::webhooks::queue::emit(
            &mut tx,
            benteng_domain::webhook::EventKind::AlertSent,
            area.as_str(),
            serde_json::json!({
                "alert": { "id": id, "severity": severity.as_str(), "title": title, "rooms": rooms.len() },
                "links": { "api": "/api/v1/alerts" },
            }),
        )
        .await?;
        crate::audit::write(
            &mut *tx,
            Some(ctx),
            crate::audit::Event {
                action: "create",
                entity: "alert",
                entity_id: Some(id.to_string()),
                region: Some(area),
                detail: Some(format!(
                    "severity={} rooms={}",
                    severity.as_str(),
                    rooms.len()
                )),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, rooms.len() as i64))
    }

    /// Alerts whose area overlaps the viewer's scope, newest first.
    pub async fn list_alerts(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<Alert>> {
        ctx.require(Action::RoomView, None)?;
        let (page, per_page, offset) = crate::paging(page, 20);
        let mut f = Filter::default();
        match &ctx.actor.scope {
            Scope::All => {}
            Scope::Nothing => f.push("1 = 0".into()),
            Scope::Province(p) => {
                let p = f.text(p.as_str());
                f.push(format!("al.prov_code = {p}"));
            }
            Scope::Regencies(list) => {
                let mut ors = Vec::new();
                for k in list {
                    let prov = f.text(&k.as_str()[..2]);
                    let kab = f.text(k.as_str());
                    let under = f.text(format!("{}.%", k.as_str()));
                    ors.push(format!(
                        "al.area_code = {prov} OR al.area_code = {kab} OR al.area_code LIKE {under}"
                    ));
                }
                if ors.is_empty() {
                    f.push("1 = 0".into());
                } else {
                    f.push(format!("({})", ors.join(" OR ")));
                }
            }
            Scope::Village(v) => {
                let mut codes = vec![v.clone()];
                for level in [
                    RegionLevel::Provinsi,
                    RegionLevel::KabupatenKota,
                    RegionLevel::Kecamatan,
                ] {
                    if let Some(a) = v.ancestor(level) {
                        codes.push(a);
                    }
                }
                let ps: Vec<String> = codes.iter().map(|c| f.text(c.as_str())).collect();
                f.push(format!("al.area_code IN ({})", ps.join(", ")));
            }
        }
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM alerts al{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<Alert>(format!(
                "SELECT al.id, al.severity, al.area_code, COALESCE(g.name, al.area_code) AS area_name, al.title, al.body, \
                 u.full_name AS author_name, al.rooms_reached, al.created_at \
                 FROM alerts al JOIN users u ON u.id = al.author_id LEFT JOIN regions g ON g.code = al.area_code{} \
                 ORDER BY al.id DESC LIMIT {per_page} OFFSET {offset}",
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

/// The rooms an alert for `area` reaches (module documentation).
async fn rooms_of_area(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    area: &RegionCode,
) -> Result<Vec<i64>> {
    let code = area.as_str().to_string();
    let under = format!("{code}.%");
    let prov = code[..2].to_string();
    let kab = area
        .ancestor(RegionLevel::KabupatenKota)
        .map(|k| k.as_str().to_string());
    let mut rooms: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM rooms WHERE kind = 'desa' AND (region_code = $1 OR region_code LIKE $2) ORDER BY id",
    )
    .bind(code.clone())
    .bind(under.clone())
    .fetch_all(&mut **tx)
    .await?;
    // Offices whose area today holds the alert's regency (or, for a province, any regency of it).
    let (area_sql, area_arg) = match &kab {
        Some(k) => ("a.region_code = $2", k.clone()),
        None => ("a.region_code LIKE $2", under),
    };
    let offices: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT r.id FROM rooms r JOIN office_areas a ON a.office_id = r.office_id \
         WHERE r.kind = 'kantor' AND a.valid_from <= $1 AND (a.valid_to IS NULL OR a.valid_to > $1) AND {area_sql} ORDER BY r.id"
    )))
    .bind(format_date(crate::today()))
    .bind(area_arg)
    .fetch_all(&mut **tx)
    .await?;
    rooms.extend(offices);
    let province: Option<i64> =
        sqlx::query_scalar("SELECT id FROM rooms WHERE kind = 'provinsi' AND region_code = $1")
            .bind(prov)
            .fetch_optional(&mut **tx)
            .await?;
    rooms.extend(province);
    Ok(rooms)
}
