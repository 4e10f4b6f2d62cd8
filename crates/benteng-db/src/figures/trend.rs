//! The headline measures: per child area of the dashboard's area, and month by month.

use super::count::{CASES, DESA, EVENTS, MIGRANTS, REFERRALS, REPORTS};
use super::{Cols, Place, Unit, Window};
use crate::sql::Filter;
use crate::{Db, Result};
use benteng_domain::{Action, RegionCode, RegionLevel, Scope};
use serde::Serialize;

/// A measure that is counted per area and per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Visits,
    Events,
    Participants,
    Registered,
    Nonprocedural,
    Reports,
    Referrals,
    Cases,
    Screenings,
}

/// How a measure is counted: its rows, the column that places it in time (an instant, or a
/// date kept as text), where the record is, and any condition of its own.
struct Spec {
    from: &'static str,
    time: &'static str,
    day: bool,
    cols: Cols,
    extra: Option<&'static str>,
}

impl Measure {
    pub const ALL: [Measure; 9] = [
        Measure::Reports,
        Measure::Events,
        Measure::Participants,
        Measure::Visits,
        Measure::Registered,
        Measure::Nonprocedural,
        Measure::Referrals,
        Measure::Cases,
        Measure::Screenings,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Measure::Visits => "visits",
            Measure::Events => "events",
            Measure::Participants => "participants",
            Measure::Registered => "registered",
            Measure::Nonprocedural => "nonprocedural",
            Measure::Reports => "reports",
            Measure::Referrals => "referrals",
            Measure::Cases => "cases",
            Measure::Screenings => "screenings",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == s.trim())
    }

    /// People-related measures are shown as "< 5" from 1 to 4 outside the village and its
    /// office.
    pub fn unit(self) -> Unit {
        match self {
            Measure::Nonprocedural | Measure::Cases => Unit::People,
            _ => Unit::Count,
        }
    }

    /// The permission that shows the measure's records.
    pub fn action(self) -> Action {
        match self {
            Measure::Visits => Action::VisitView,
            Measure::Events | Measure::Participants => Action::EventView,
            Measure::Registered | Measure::Nonprocedural => Action::MigrantView,
            Measure::Reports => Action::ReportView,
            Measure::Referrals => Action::ReferralView,
            Measure::Cases => Action::CaseView,
            Measure::Screenings => Action::ScreeningView,
        }
    }

    /// The measures a viewer may see, in the dashboard's order.
    pub fn visible(ctx: &crate::Ctx) -> Vec<Measure> {
        Measure::ALL
            .into_iter()
            .filter(|m| ctx.allows(m.action(), None))
            .collect()
    }

    fn spec(self) -> Spec {
        let s = |from, time, day, cols| Spec {
            from,
            time,
            day,
            cols,
            extra: None,
        };
        match self {
            Measure::Visits => s(
                "village_visits v JOIN desa_binaan d ON d.id = v.desa_binaan_id",
                "v.visit_date",
                true,
                DESA,
            ),
            Measure::Events => s("events e", "e.starts_at", false, EVENTS),
            Measure::Participants => s(
                "event_attendees a JOIN events e ON e.id = a.event_id",
                "e.starts_at",
                false,
                EVENTS,
            ),
            Measure::Registered => s("migrants m", "m.created_at", false, MIGRANTS),
            Measure::Nonprocedural => Spec {
                extra: Some("m.nonprocedural = 1"),
                ..s("migrants m", "m.departure_date", true, MIGRANTS)
            },
            Measure::Reports => s("reports r", "r.created_at", false, REPORTS),
            Measure::Referrals => s("referrals x", "x.created_at", false, REFERRALS),
            Measure::Cases => s("cases c", "c.opened_at", false, CASES),
            Measure::Screenings => s(
                "screenings s",
                "s.created_at",
                false,
                Cols {
                    village: "s.region_code",
                    kab: "s.kab_code",
                    prov: "s.prov_code",
                },
            ),
        }
    }

    fn filter(self, p: &Place<'_>) -> Filter {
        let spec = self.spec();
        let mut f = match self {
            Measure::Screenings => p.screening_filter(),
            Measure::Events => super::count::event_place(p, false),
            Measure::Participants => super::count::event_place(p, true),
            _ => p.filter(spec.cols),
        };
        if let Some(x) = spec.extra {
            f.push(x.to_string());
        }
        f
    }
}

/// One child area with its measures (in the order of [`Measure::visible`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaRow {
    pub code: String,
    pub name: String,
    /// Desa binaan in the area now.
    pub desa_binaan: i64,
    pub values: Vec<i64>,
}

/// The areas one level below the dashboard's area, inside the viewer's scope, all of them
/// (with zeros) so that an area with nothing shows as such.
pub(super) async fn by_area(db: &Db, p: &Place<'_>) -> Result<Vec<AreaRow>> {
    let scope = &p.ctx.actor.scope;
    let parent: Option<RegionCode> = match (p.area, scope) {
        (Some(a), _) => Some(a.clone()),
        (None, Scope::Province(pr)) => Some(pr.clone()),
        (None, Scope::Regencies(list)) if list.len() == 1 => Some(list[0].clone()),
        (None, Scope::Regencies(list)) => {
            return named(db, list.iter().map(|c| c.as_str().to_string()).collect()).await;
        }
        (None, Scope::All) => None,
        (None, Scope::Village(_) | Scope::Nothing) => return Ok(Vec::new()),
    };
    if parent
        .as_ref()
        .is_some_and(|c| c.level() == RegionLevel::Desa)
    {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String)> = match &parent {
        Some(c) => {
            sqlx::query_as("SELECT code, name FROM regions WHERE parent_code = $1 ORDER BY code")
                .bind(c.as_str().to_string())
                .fetch_all(&db.pool)
                .await?
        }
        None => {
            sqlx::query_as("SELECT code, name FROM regions WHERE parent_code IS NULL ORDER BY code")
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .filter(|(code, _)| {
            RegionCode::parse(code)
                .map(|c| scope.touches(&c))
                .unwrap_or(false)
        })
        .map(|(code, name)| AreaRow {
            code,
            name,
            desa_binaan: 0,
            values: Vec::new(),
        })
        .collect())
}

async fn named(db: &Db, codes: Vec<String>) -> Result<Vec<AreaRow>> {
    let mut out = Vec::new();
    for code in codes {
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM regions WHERE code = $1")
            .bind(code.clone())
            .fetch_optional(&db.pool)
            .await?;
        out.push(AreaRow {
            code,
            name: name.unwrap_or_default(),
            desa_binaan: 0,
            values: Vec::new(),
        });
    }
    Ok(out)
}

/// The SQL that names a record's child area, for children of `level`.
fn child_expr(cols: Cols, level: RegionLevel) -> String {
    match level {
        RegionLevel::Provinsi => cols.prov.to_string(),
        RegionLevel::KabupatenKota => cols.kab.to_string(),
        RegionLevel::Kecamatan => format!("substr({}, 1, 8)", cols.village),
        RegionLevel::Desa => cols.village.to_string(),
    }
}

fn window(f: &mut Filter, spec: &Spec, w: &Window) {
    let (a, b) = if spec.day {
        (f.text(w.first_day.clone()), f.text(w.end_day.clone()))
    } else {
        (f.int(w.start), f.int(w.end))
    };
    f.push(format!("{t} >= {a} AND {t} < {b}", t = spec.time));
}

/// Fill the rows' measures for the period.
pub(super) async fn count_areas(
    db: &Db,
    p: &Place<'_>,
    mut rows: Vec<AreaRow>,
    w: &Window,
) -> Result<Vec<AreaRow>> {
    let Some(level) = rows
        .first()
        .and_then(|r| RegionCode::parse(&r.code).ok())
        .map(|c| c.level())
    else {
        return Ok(rows);
    };
    let measures = Measure::visible(p.ctx);
    for r in rows.iter_mut() {
        r.values = vec![0; measures.len()];
    }
    let index = |rows: &[AreaRow], code: &str| rows.iter().position(|r| r.code == code);
    let f = p.filter(DESA);
    let g = child_expr(DESA, level);
    let counts = f
        .query_as::<(String, i64)>(format!(
            "SELECT {g}, COUNT(*) FROM desa_binaan d{} GROUP BY {g}",
            f.where_sql()
        ))
        .fetch_all(&db.pool)
        .await?;
    for (code, n) in counts {
        if let Some(i) = index(&rows, &code) {
            rows[i].desa_binaan = n;
        }
    }
    for (k, m) in measures.iter().enumerate() {
        let spec = m.spec();
        let mut f = m.filter(p);
        window(&mut f, &spec, w);
        let g = child_expr(spec.cols, level);
        let counts = f
            .query_as::<(Option<String>, i64)>(format!(
                "SELECT {g}, COUNT(*) FROM {}{} GROUP BY {g}",
                spec.from,
                f.where_sql()
            ))
            .fetch_all(&db.pool)
            .await?;
        for (code, n) in counts {
            if let Some(i) = code.and_then(|c| index(&rows, &c)) {
                rows[i].values[k] = n;
            }
        }
    }
    Ok(rows)
}

/// The measure per month, `months` oldest first.
pub(super) async fn months(
    db: &Db,
    p: &Place<'_>,
    m: Measure,
    months: &[Window],
) -> Result<Vec<i64>> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let spec = m.spec();
    let mut f = m.filter(p);
    window(
        &mut f,
        &spec,
        &Window {
            start: first.start,
            end: last.end,
            first_day: first.first_day.clone(),
            end_day: last.end_day.clone(),
        },
    );
    // Which month a row falls in, as one CASE over the months' ends.
    let mut case = String::from("CASE");
    for (i, w) in months.iter().enumerate() {
        let end = if spec.day {
            f.text(w.end_day.clone())
        } else {
            f.int(w.end)
        };
        case.push_str(&format!(" WHEN {} < {end} THEN {i}", spec.time));
    }
    case.push_str(&format!(" ELSE {} END", months.len()));
    let rows = f
        .query_as::<(i64, i64)>(format!(
            "SELECT CAST({case} AS BIGINT), COUNT(*) FROM {}{} GROUP BY 1",
            spec.from,
            f.where_sql()
        ))
        .fetch_all(&db.pool)
        .await?;
    let mut out = vec![0; months.len()];
    for (i, n) in rows {
        if let Some(v) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            *v = n;
        }
    }
    Ok(out)
}
