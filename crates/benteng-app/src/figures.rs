//! The dashboard (`/dasbor`, `/api/v1/figures`): the figures of a period beside the period
//! before, per child area, and one measure month by month over the last twelve months.
//!
//! Decisions:
//! - **Calendar**: WIB for every figure (see `benteng_domain::figures`); the period defaults
//!   to the current month, the comparison is the period just before of the same kind.
//! - **Area**: the viewer's own area unless a narrower one is chosen (`wilayah`, a code from a
//!   drill-down link or a typed name read by the web layer); an area outside the scope is
//!   refused as any record would be.
//! - **Small numbers**: figures of people (victims, residents in trouble, departures without
//!   the procedure) are shown as "< 5" from 1 to 4 to every viewer except the village's own
//!   users and the officers of its office, i.e. except `Desa` and `Petugas` users, whose
//!   scope is exactly their village or their office's area; the administrators and the Kanwil
//!   see them suppressed, with a second count hidden where one alone could be subtracted
//!   (`benteng_domain::figures::shown_column`).

use crate::{Ctx, Db, Error, Result};
use benteng_domain::figures::{months_ending, wib_date, Period};
use benteng_domain::{FieldErrors, RegionCode, RegionLevel, Role};
use serde::Deserialize;

pub use benteng_db::figures::{
    AgencyResponse, AreaRow, Count, Figures, Measure, OfficeRow, Unit, Window,
};
pub use benteng_domain::figures::{shown_column, PeriodKind, Shown};

/// What the dashboard is asked for. Every field may be empty.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// `2026-11` (a month), `2026-Q4` (a quarter) or `2026` (a year); empty: this month.
    #[param(pattern = r"^$|^(20[0-9]{2}|2100)(-(0[1-9]|1[0-2]|[QqKk][1-4]))?$")]
    pub periode: Option<String>,
    /// First day of a custom period (`YYYY-MM-DD`); alone: until today.
    #[param(
        pattern = r"^(|(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31))$"
    )]
    pub dari: Option<String>,
    /// Last day of a custom period (`YYYY-MM-DD`); alone: from the first of its month. Dates
    /// in the wrong order are swapped; a span over ten years counts its last ten years.
    #[param(
        pattern = r"^(|(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31))$"
    )]
    pub sampai: Option<String>,
    /// A region code inside the viewer's area; empty: the whole area.
    #[param(pattern = r"^$|^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")]
    pub wilayah: Option<String>,
    /// The measure of the trend: reports, events, participants, visits, registered,
    /// nonprocedural, referrals, cases, screenings.
    #[param(
        pattern = "^(|reports|events|participants|visits|registered|nonprocedural|referrals|cases|screenings)$"
    )]
    pub tren: Option<String>,
    /// An office (its id) inside the viewer's area: the figures of its working area today,
    /// its screenings by the office (the Kanwil opens one of its offices from their table).
    #[param(pattern = r"^$|^[0-9]{1,12}$")]
    pub kantor: Option<String>,
}

/// A link up from the shown area: the viewer's own area and each level down to the area.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Crumb {
    /// Empty for the viewer's whole area (and for an office's).
    pub code: String,
    pub name: String,
    /// The office whose figures these are, on the office's own crumb.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<i64>,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub area: Option<RegionCode>,
    /// The office whose working area is shown (`kantor`): id and name.
    pub office: Option<(i64, String)>,
    /// From the viewer's whole area down to the shown one (the last is the shown area).
    pub crumbs: Vec<Crumb>,
    pub now: Figures,
    pub before: Figures,
    pub measures: Vec<Measure>,
    pub rows: Vec<AreaRow>,
    pub trend_measure: Measure,
    pub months: Vec<Period>,
    pub trend: Vec<i64>,
    /// People figures from 1 to 4 are shown as "< 5" to this viewer.
    pub suppress: bool,
}

/// Whether `ctx` sees people figures from 1 to 4 as "< 5" (see the module's decisions).
pub fn suppresses(ctx: &Ctx) -> bool {
    !matches!(ctx.actor.role, Role::Petugas | Role::Desa)
}

/// Read the period: a month, quarter or year key, or two dates; this month when neither.
pub fn read_period(q: &FiguresQuery) -> Result<Period> {
    let mut e = FieldErrors::new();
    let text = |o: &Option<String>| o.as_deref().map(str::trim).unwrap_or("").to_string();
    let (key, from, to) = (text(&q.periode), text(&q.dari), text(&q.sampai));
    let period = if !from.is_empty() || !to.is_empty() {
        // Lenient with two dates that read: a missing end is today (or the start, when that is
        // later), a missing start the first of the end's month; dates in the wrong order are
        // swapped; a span over ten years counts its last ten years.
        let a = (!from.is_empty())
            .then(|| e.check("dari", benteng_domain::values::date(&from)))
            .flatten();
        let b = (!to.is_empty())
            .then(|| e.check("sampai", benteng_domain::values::date(&to)))
            .flatten();
        let today = wib_date(benteng_db::now());
        let (a, b) = match (a, b) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, today.max(a)),
            (None, Some(b)) => (Period::month_of(b).first, b),
            (None, None) => (today, today),
        };
        let (a, b) = if b < a { (b, a) } else { (a, b) };
        let a = a.max(b - time::Duration::days(3650));
        e.check("sampai", Period::custom(a, b))
    } else if !key.is_empty() {
        e.check("periode", Period::parse(&key))
    } else {
        Some(Period::month_of(wib_date(benteng_db::now())))
    };
    e.into_result().map_err(Error::Invalid)?;
    period.ok_or_else(|| Error::Invalid(FieldErrors::new()))
}

async fn read_area(db: &Db, q: &FiguresQuery) -> Result<Option<RegionCode>> {
    let text = q.wilayah.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Ok(None);
    }
    let mut e = FieldErrors::new();
    let code = e.check("wilayah", RegionCode::parse(text));
    e.into_result().map_err(Error::Invalid)?;
    // A well-formed code of no region is a place that is not there: 404, like a record.
    if let Some(c) = &code {
        if db.regions().area_label(c.as_str()).await?.is_none() {
            return Err(Error::NotFound);
        }
    }
    Ok(code)
}

/// The viewer's whole area as a crumb name: the province, the office's area, the village.
async fn crumbs(db: &Db, ctx: &Ctx, area: Option<&RegionCode>) -> Result<Vec<Crumb>> {
    // The viewer's whole area: named after the province or village it is, else left for the
    // page to call "my area" / "all of Indonesia".
    let root = match &ctx.actor.scope {
        benteng_domain::Scope::Province(c) | benteng_domain::Scope::Village(c) => db
            .regions()
            .area_label(c.as_str())
            .await?
            .map(|n| n.split(',').next().unwrap_or(&n).trim().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut out = vec![Crumb {
        code: String::new(),
        name: root,
        office: None,
    }];
    let Some(area) = area else { return Ok(out) };
    let mut chain = Vec::new();
    let mut c = Some(area.clone());
    while let Some(code) = c {
        // Only the levels the viewer may open below their whole area (an officer's path
        // starts at their regency; the Kanwil's province is its whole area already).
        let whole = matches!(&ctx.actor.scope, benteng_domain::Scope::Province(p) | benteng_domain::Scope::Village(p) if *p == code);
        if !whole && (ctx.actor.scope.contains(&code) || code == *area) {
            chain.push(code.clone());
        }
        c = code.parent();
    }
    chain.reverse();
    for code in chain {
        let name = db
            .regions()
            .area_label(code.as_str())
            .await?
            .unwrap_or_else(|| code.as_str().to_string());
        // The label holds the ancestors after the first comma; the crumb needs the place.
        let short = name.split(',').next().unwrap_or(&name).trim().to_string();
        out.push(Crumb {
            code: code.as_str().to_string(),
            name: short,
            office: None,
        });
    }
    Ok(out)
}

/// The viewer narrowed to an office (`kantor`): the same role (and so the same "< 5" rule)
/// with the office's working area today as scope and the office's screenings. Refused when
/// any of the office's regencies lies outside the viewer's area; not found when the office
/// has no working area today.
async fn office_view(db: &Db, ctx: &Ctx, q: &FiguresQuery) -> Result<Option<(Ctx, i64, String)>> {
    let text = q.kantor.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Ok(None);
    }
    // Who may not see offices learns nothing of which exist (403 before 404).
    ctx.require(benteng_domain::Action::OfficeView, None)?;
    let Ok(id) = text.parse::<i64>() else {
        let mut e = FieldErrors::new();
        e.add("kantor", "err-invalid-choice");
        return Err(Error::Invalid(e));
    };
    let area = db.offices().office_area_on(id, benteng_db::today()).await?;
    if area.is_empty() {
        return Err(Error::NotFound);
    }
    if !area.iter().all(|c| ctx.actor.scope.contains(c)) {
        return Err(Error::Forbidden);
    }
    let (office, _) = db.offices().get_office(ctx, id).await?;
    let mut narrowed = ctx.clone();
    narrowed.actor.scope = benteng_domain::Scope::Regencies(area);
    narrowed.actor.office_id = Some(id);
    Ok(Some((narrowed, id, office.name)))
}

/// The dashboard for `q`.
pub async fn dashboard(db: &Db, ctx: &Ctx, q: &FiguresQuery) -> Result<Dashboard> {
    ctx.require(benteng_domain::Action::FiguresView, None)?;
    let period = read_period(q)?;
    let viewer = ctx;
    let office = office_view(db, viewer, q).await?;
    let ctx = office.as_ref().map(|(c, _, _)| c).unwrap_or(viewer);
    let area = read_area(db, q).await?;
    ctx.require(benteng_domain::Action::FiguresView, area.as_ref())?;
    // Only areas inside the viewer's own: a village user's dashboard is its village, an
    // officer's its office's regencies (the province above them is refused, as its figures
    // would only be theirs under another name).
    if area.as_ref().is_some_and(|a| !ctx.actor.scope.contains(a)) {
        return Err(Error::Forbidden);
    }
    let previous = period.previous();
    let repo = db.figures();
    let now = repo.figures(ctx, area.as_ref(), &(&period).into()).await?;
    let before = repo
        .figures(ctx, area.as_ref(), &(&previous).into())
        .await?;
    let measures = Measure::visible(ctx);
    let rows = repo.by_area(ctx, area.as_ref(), &(&period).into()).await?;
    let tren = q.tren.as_deref().map(str::trim).unwrap_or("");
    if !tren.is_empty() && Measure::parse(tren).is_none() {
        let mut e = FieldErrors::new();
        e.add("tren", "err-trend");
        return Err(Error::Invalid(e));
    }
    let trend_measure = Measure::parse(tren)
        .filter(|m| measures.contains(m))
        .or_else(|| measures.first().copied())
        .unwrap_or(Measure::Events);
    let months = months_ending(period.last, 12);
    let windows: Vec<Window> = months.iter().map(Window::from).collect();
    let trend = if measures.contains(&trend_measure) {
        repo.trend(ctx, area.as_ref(), trend_measure, &windows)
            .await?
    } else {
        Vec::new()
    };
    let mut trail = crumbs(db, ctx, area.as_ref()).await?;
    if let Some((_, id, name)) = &office {
        // The viewer's whole area, then the office, then the levels below it.
        if let Some(first) = trail.first_mut() {
            *first = Crumb {
                code: String::new(),
                name: name.clone(),
                office: Some(*id),
            };
        }
        let root = crumbs(db, viewer, None).await?;
        trail.splice(0..0, root);
    }
    Ok(Dashboard {
        period,
        previous,
        crumbs: trail,
        office: office.as_ref().map(|(_, id, name)| (*id, name.clone())),
        area,
        now,
        before,
        measures,
        rows,
        trend_measure,
        months,
        trend,
        suppress: suppresses(ctx),
    })
}

/// The level of the rows below the shown area (for the table's heading).
pub fn row_level(d: &Dashboard) -> Option<RegionLevel> {
    d.rows
        .first()
        .and_then(|r| RegionCode::parse(&r.code).ok())
        .map(|c| c.level())
}

/// A figure as this viewer may see it, for the period and the one before.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ShownCount {
    pub key: String,
    pub unit: Unit,
    pub snapshot: bool,
    #[schema(value_type = Object)]
    pub now: Shown,
    #[schema(value_type = Object)]
    pub before: Shown,
}

/// Hide what `suppress` hides in one period's counts: a people figure of a section with its
/// parts (`cases.opened` with `cases.status.*`, and again with `cases.exploitation.*`) is one
/// column of [`shown_column`]; a people figure alone is hidden from 1 to 4.
fn shown_period(counts: &[Count], suppress: bool) -> Vec<Shown> {
    let mut out: Vec<Shown> = counts.iter().map(|c| Shown::Exact(c.n)).collect();
    if !suppress {
        return out;
    }
    let people: Vec<usize> = (0..counts.len())
        .filter(|i| counts[*i].unit == Unit::People)
        .collect();
    for &i in &people {
        if benteng_domain::figures::is_few(counts[i].n) {
            out[i] = Shown::Few;
        }
    }
    // Groups: section.part.value under the section's people total (section.total-like key).
    let mut groups: std::collections::BTreeMap<(String, String), Vec<usize>> = Default::default();
    for &i in &people {
        let parts: Vec<&str> = counts[i].key.split('.').collect();
        if parts.len() == 3 {
            groups
                .entry((parts[0].to_string(), parts[1].to_string()))
                .or_default()
                .push(i);
        }
    }
    for ((section, _), members) in groups {
        let total = people.iter().copied().find(|i| {
            let parts: Vec<&str> = counts[*i].key.split('.').collect();
            parts.len() == 2 && parts[0] == section
        });
        let column: Vec<usize> = total.into_iter().chain(members).collect();
        let values: Vec<i64> = column.iter().map(|i| counts[*i].n).collect();
        for (k, s) in shown_column(&values, true).into_iter().enumerate() {
            if s == Shown::Few {
                out[column[k]] = Shown::Few;
            }
        }
    }
    out
}

/// Every figure of the dashboard as the viewer may see it.
pub fn shown_counts(d: &Dashboard) -> Vec<ShownCount> {
    let now = shown_period(&d.now.counts, d.suppress);
    let before = shown_period(&d.before.counts, d.suppress);
    d.now
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| ShownCount {
            key: c.key.clone(),
            unit: c.unit,
            snapshot: c.snapshot,
            now: now[i],
            before: d
                .before
                .counts
                .iter()
                .position(|b| b.key == c.key)
                .map(|j| before[j])
                .unwrap_or(Shown::Exact(0)),
        })
        .collect()
}

/// The area table as the viewer may see it: per row the desa binaan count and each measure,
/// then the totals row. People measures are one column each for [`shown_column`], totals
/// included.
pub fn shown_areas(d: &Dashboard) -> (Vec<Vec<Shown>>, Vec<Shown>) {
    let n = d.rows.len();
    let mut rows: Vec<Vec<Shown>> = d
        .rows
        .iter()
        .map(|r| std::iter::once(Shown::Exact(r.desa_binaan)).collect())
        .collect();
    let mut totals = vec![Shown::Exact(d.rows.iter().map(|r| r.desa_binaan).sum())];
    for (k, m) in d.measures.iter().enumerate() {
        let mut column: Vec<i64> = d
            .rows
            .iter()
            .map(|r| r.values.get(k).copied().unwrap_or(0))
            .collect();
        column.push(column.iter().sum());
        let shown = shown_column(&column, d.suppress && m.unit() == Unit::People);
        for (i, s) in shown.into_iter().enumerate() {
            if i < n {
                rows[i].push(s);
            } else {
                totals.push(s);
            }
        }
    }
    (rows, totals)
}

/// The trend's months as the viewer may see them (people measures: 1 to 4 hidden).
pub fn shown_trend(d: &Dashboard) -> Vec<Shown> {
    let people = d.suppress && d.trend_measure.unit() == Unit::People;
    d.trend
        .iter()
        .map(|n| {
            if people && benteng_domain::figures::is_few(*n) {
                Shown::Few
            } else {
                Shown::Exact(*n)
            }
        })
        .collect()
}

/// The Kanwil's offices side by side for `period` (see `benteng_db::figures::Repo::by_office`);
/// empty for other viewers.
pub async fn offices(db: &Db, ctx: &Ctx, period: &Period) -> Result<Vec<OfficeRow>> {
    db.figures().by_office(ctx, &period.into()).await
}

/// What the monthly report adds to the dashboard: the cases opened in the month (without
/// names) and the open referrals with their due dates, each only for viewers who may see
/// those records.
#[derive(Debug, Clone, Default)]
pub struct MonthlyExtras {
    /// (opened_at, place code, exploitation forms, destination country, status)
    pub cases: Vec<(i64, String, String, Option<String>, String)>,
    /// (agency, purpose, due date)
    pub followups: Vec<(String, String, String)>,
}

/// The monthly report's data for `q` (a month; the month before this one when none is
/// given: the report is written after the month ends).
pub async fn monthly(db: &Db, ctx: &Ctx, q: &FiguresQuery) -> Result<(Dashboard, MonthlyExtras)> {
    let mut q = q.clone();
    q.dari = None;
    q.sampai = None;
    let key = q.periode.as_deref().map(str::trim).unwrap_or("");
    if key.is_empty() {
        let last = Period::month_of(wib_date(benteng_db::now())).previous();
        q.periode = last.key();
    } else if !Period::parse(key).is_ok_and(|p| p.kind == PeriodKind::Month) {
        let mut e = FieldErrors::new();
        e.add("periode", "err-period-month");
        return Err(Error::Invalid(e));
    }
    let d = dashboard(db, ctx, &q).await?;
    let repo = db.figures();
    let w: Window = (&d.period).into();
    let cases = if ctx.allows(benteng_domain::Action::CaseView, None) {
        repo.notable_cases(ctx, d.area.as_ref(), &w).await?
    } else {
        Vec::new()
    };
    let followups = if ctx.allows(benteng_domain::Action::ReferralView, None) {
        repo.open_referrals(ctx, d.area.as_ref()).await?
    } else {
        Vec::new()
    };
    Ok((d, MonthlyExtras { cases, followups }))
}
