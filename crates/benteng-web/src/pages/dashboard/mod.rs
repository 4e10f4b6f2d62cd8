//! The dashboard (`/dasbor`): a period's figures beside the period before, the areas one level
//! down (each a link to its own dashboard), one measure month by month as a chart drawn on
//! the server, and every table as CSV or XLSX (`/dasbor/unduh`). Everything is counted by
//! `benteng_app::figures`, within the viewer's scope; people counts from 1 to 4 show as
//! "< 5" where the viewer is neither the village nor its office.

use super::{html, Layout};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use benteng_app::figures::{
    self as figs, Dashboard, FiguresQuery, Measure, Shown, ShownCount, Unit,
};
use benteng_domain::figures::{wib_date, Period};
use benteng_domain::RegionLevel;
use benteng_i18n::Tr;

mod files;
mod map;
mod stored;

pub(crate) use files::monthly_pdf;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dasbor", get(page))
        .route("/dasbor/unduh", get(files::download))
        .route("/dasbor/laporan-bulanan", get(files::monthly))
        .route("/laporan-bulanan", get(stored::list))
        .route("/laporan-bulanan/{id}", get(stored::download))
}

/// A figure's words: the message `fig-…` for a figure, the stored code's label for a part.
pub fn figure_label(tr: &Tr, key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        [section, group, value] => {
            let prefix = match (*section, *group) {
                ("reports", "category") => "category",
                ("reports", "source") => "source",
                ("reports", "priority") => "priority",
                ("reports", "status") => "report-status",
                ("referrals", "status") => "referral-status",
                ("cases", "status") => "case-status",
                ("cases", "exploitation") => "exploitation",
                ("migrants", "status") => "migrant-status",
                ("desa", "status") => "status",
                ("events", "sex") => "sex",
                ("events", "role") => "attendee-role",
                _ => "fig",
            };
            tr.label(prefix, value)
        }
        _ => tr.t(&format!("fig-{}", key.replace(['.', '_'], "-"))),
    }
}

/// A shown value in words: "< 5", "1.234", "3 jam 20 menit", "+12,5 poin".
pub fn shown_text(tr: &Tr, s: &Shown, unit: Unit) -> String {
    match s {
        Shown::Few => "< 5".into(),
        Shown::Exact(n) => match unit {
            Unit::Minutes => tr.minutes(n),
            Unit::Points => {
                let sep = if tr.lang == "en" { "." } else { "," };
                let sign = if *n < 0 { "−" } else { "+" };
                let a = n.unsigned_abs();
                tr.t1(
                    "fig-points",
                    "n",
                    format!("{sign}{}{sep}{}", a / 10, a % 10),
                )
            }
            _ => tr.number(n),
        },
    }
}

/// The link to a dashboard with these choices (empty ones left out); `office` keeps an
/// office's view (`kantor`).
fn href(
    path: &str,
    period: &Period,
    area: &str,
    tren: Option<Measure>,
    office: Option<i64>,
) -> String {
    let mut q: Vec<String> = Vec::new();
    if let Some(id) = office {
        q.push(format!("kantor={id}"));
    }
    match period.key() {
        Some(k) => q.push(format!("periode={k}")),
        None => {
            let (a, _) = period.day_bounds();
            q.push(format!("dari={a}"));
            q.push(format!(
                "sampai={}",
                benteng_domain::values::format_date(period.last)
            ));
        }
    }
    if !area.is_empty() {
        q.push(format!("wilayah={area}"));
    }
    if let Some(m) = tren {
        q.push(format!("tren={}", m.key()));
    }
    format!("{path}?{}", q.join("&"))
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub active: bool,
}

pub struct Card {
    pub label: String,
    pub now: String,
    pub change: String,
    /// "up", "down" or "" (no change, or hidden).
    pub trend: &'static str,
}

pub struct Row {
    pub label: String,
    pub now: String,
    pub before: String,
    /// A part of the line above (indented).
    pub part: bool,
    pub snapshot: bool,
}

pub struct Section {
    pub id: String,
    pub title: String,
    pub rows: Vec<Row>,
}

pub struct AreaLine {
    pub href: String,
    pub name: String,
    pub values: Vec<String>,
    /// Nothing there: no desa binaan and nothing counted in the period.
    pub quiet: bool,
}

pub struct AgencyLine {
    pub name: String,
    pub sent: String,
    pub answered: String,
    pub median: String,
    pub overdue: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    heading: String,
    crumbs: Vec<Link>,
    period_label: String,
    previous_label: String,
    quick: Vec<Link>,
    month_value: String,
    from_value: String,
    to_value: String,
    area_value: String,
    error: Option<String>,
    cards: Vec<Card>,
    sections: Vec<Section>,
    agencies: Vec<AgencyLine>,
    area_heading: String,
    columns: Vec<String>,
    areas: Vec<AreaLine>,
    quiet: usize,
    totals: Vec<String>,
    trend_links: Vec<Link>,
    /// The measures for the map's select: `href` holds the measure's key.
    map_links: Vec<Link>,
    /// The period's key for the map's form (empty for two dates).
    period_key: String,
    trend_label: String,
    /// The areas coloured by the chosen measure (SVG), empty below the kabupaten level.
    map: String,
    /// (colour class, range) for the map's key.
    map_key: Vec<(i64, String)>,
    chart: String,
    trend_values: Vec<(String, String)>,
    counted: String,
    suppress: bool,
    csv: String,
    xlsx: String,
    monthly: String,
    /// The viewer may open the stored monthly reports.
    stored: bool,
    /// The office shown (`kantor`), for the forms; empty for none.
    office_value: String,
    /// The Kanwil's offices side by side for the period (its whole province only).
    office_columns: Vec<String>,
    offices: Vec<crate::pages::home::OfficeLine>,
}

/// The headline figures shown as cards.
pub(super) const CARDS: &[&str] = &[
    "reports.filed",
    "referrals.overdue",
    "events.participants",
    "desa.visits",
    "migrants.registered",
    "migrants.departed_nonprocedural",
    "cases.opened",
    "screenings.done",
];

pub(super) fn card(tr: &Tr, c: &ShownCount, previous: &str) -> Card {
    let now = shown_text(tr, &c.now, c.unit);
    let (change, trend) = match (c.now, c.before, c.snapshot) {
        (_, _, true) => (tr.t("fig-now"), ""),
        (Shown::Exact(a), Shown::Exact(b), false) => {
            let d = a - b;
            let text = if d == 0 {
                tr.t1("fig-same-as", "period", previous)
            } else {
                tr.t2(
                    if d > 0 {
                        "fig-more-than"
                    } else {
                        "fig-less-than"
                    },
                    "n",
                    tr.number(&d.abs()),
                    "period",
                    previous,
                )
            };
            (
                text,
                match d.cmp(&0) {
                    std::cmp::Ordering::Greater => "up",
                    std::cmp::Ordering::Less => "down",
                    std::cmp::Ordering::Equal => "",
                },
            )
        }
        _ => (String::new(), ""),
    };
    Card {
        label: figure_label(tr, &c.key),
        now,
        change,
        trend,
    }
}

pub(super) fn sections(tr: &Tr, shown: &[ShownCount]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for c in shown {
        let section = c.key.split('.').next().unwrap_or("");
        if out.last().map(|s| s.id.as_str()) != Some(section) {
            out.push(Section {
                id: section.to_string(),
                title: tr.t(&format!("fig-section-{section}")),
                rows: Vec::new(),
            });
        }
        let parts: Vec<&str> = c.key.split('.').collect();
        let Some(s) = out.last_mut() else { continue };
        // A distribution starts with a heading line ("Menurut kategori").
        if parts.len() == 3 {
            let heading = tr.t(&format!("fig-by-{}-{}", parts[0], parts[1]));
            if !s.rows.iter().any(|r| r.label == heading) {
                s.rows.push(Row {
                    label: heading,
                    now: String::new(),
                    before: String::new(),
                    part: false,
                    snapshot: c.snapshot,
                });
            }
        }
        s.rows.push(Row {
            label: figure_label(tr, &c.key),
            now: shown_text(tr, &c.now, c.unit),
            before: if c.snapshot {
                "–".into()
            } else {
                shown_text(tr, &c.before, c.unit)
            },
            part: parts.len() == 3,
            snapshot: c.snapshot,
        });
    }
    out
}

/// Month labels of the trend: "Jan", or "Jan 26" when the months span two years.
pub(super) fn month_label(tr: &Tr, p: &Period, two_years: bool) -> String {
    let m = tr.t(&format!("month-short-{}", u8::from(p.first.month())));
    if two_years && (p.first.month() == time::Month::January) {
        format!("{m} {:02}", p.first.year() % 100)
    } else {
        m
    }
}

async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, WebError> {
    let tr = &auth.0.tr;
    // A period or area that cannot be read shows this month's figures with the reason.
    let (d, error, q) = match figs::dashboard(&state.db, auth.ctx(), &q).await {
        Ok(d) => (d, None, q),
        Err(benteng_app::Error::Invalid(e)) => {
            let code = e.0.first().map(|f| f.code).unwrap_or("err-period");
            let plain = FiguresQuery::default();
            (
                figs::dashboard(&state.db, auth.ctx(), &plain).await?,
                Some(tr.t(code)),
                plain,
            )
        }
        Err(e) => return Err(e.into()),
    };
    render(&state, &auth, &d, error, &q).await
}

async fn render(
    state: &AppState,
    auth: &Auth,
    d: &Dashboard,
    error: Option<String>,
    q: &FiguresQuery,
) -> Result<Response, WebError> {
    let tr = &auth.0.tr;
    let area = d
        .area
        .as_ref()
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    let tren = q.tren.as_deref().and_then(Measure::parse);
    let previous_label = tr.period(&d.previous);
    let shown = figs::shown_counts(d);
    let cards = CARDS
        .iter()
        .filter_map(|k| shown.iter().find(|c| c.key == *k))
        .map(|c| card(tr, c, &previous_label))
        .collect();
    let own = tr.t(match auth.ctx().actor.role {
        benteng_domain::Role::Admin => "fig-area-all",
        benteng_domain::Role::Desa => "fig-area-village",
        _ => "fig-area-own",
    });
    let office = d.office.as_ref().map(|(id, _)| *id);
    let last = d.crumbs.len().saturating_sub(1);
    let crumbs: Vec<Link> = d
        .crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| Link {
            // The viewer's whole area leaves the office; the office and the levels below it
            // stay in it.
            href: href(
                "/dasbor",
                &d.period,
                &c.code,
                tren,
                if i == 0 { c.office } else { office },
            ),
            label: if c.code.is_empty() && c.name.is_empty() {
                own.clone()
            } else {
                c.name.clone()
            },
            active: i == last,
        })
        .collect();
    let heading = crumbs.last().map(|c| c.label.clone()).unwrap_or_default();
    let today = wib_date(benteng_app::now());
    let this_month = Period::month_of(today);
    let quarter = Period::parse(&format!(
        "{}-Q{}",
        today.year(),
        (u8::from(today.month()) - 1) / 3 + 1
    ))
    .unwrap_or(this_month);
    let year = Period::parse(&today.year().to_string()).unwrap_or(this_month);
    let quick = [
        ("fig-this-month", this_month),
        ("fig-last-month", this_month.previous()),
        ("fig-this-quarter", quarter),
        ("fig-this-year", year),
        ("fig-last-year", year.previous()),
    ]
    .into_iter()
    .map(|(key, p)| Link {
        href: href("/dasbor", &p, &area, tren, office),
        label: tr.t(key),
        active: p == d.period,
    })
    .collect();
    // The areas one level down, each a link to its own dashboard.
    let level = figs::row_level(d);
    let (shown_rows, shown_totals) = figs::shown_areas(d);
    let text = |s: &Shown, unit: Unit| shown_text(tr, s, unit);
    let units: Vec<Unit> = std::iter::once(Unit::Count)
        .chain(d.measures.iter().map(|m| m.unit()))
        .collect();
    let areas: Vec<AreaLine> = d
        .rows
        .iter()
        .zip(shown_rows.iter())
        .map(|(r, s)| AreaLine {
            href: href("/dasbor", &d.period, &r.code, tren, office),
            name: r.name.clone(),
            values: s.iter().zip(&units).map(|(v, u)| text(v, *u)).collect(),
            quiet: r.desa_binaan == 0 && r.values.iter().all(|n| *n == 0),
        })
        .collect();
    let totals = shown_totals
        .iter()
        .zip(&units)
        .map(|(v, u)| text(v, *u))
        .collect();
    let columns = std::iter::once(tr.t("fig-col-desa"))
        .chain(
            d.measures
                .iter()
                .map(|m| tr.t(&format!("fig-m-{}", m.key()))),
        )
        .collect();
    let area_heading = match level {
        Some(RegionLevel::Provinsi) => tr.t("fig-by-province"),
        Some(RegionLevel::KabupatenKota) => tr.t("fig-by-regency"),
        Some(RegionLevel::Kecamatan) => tr.t("fig-by-district"),
        Some(RegionLevel::Desa) => tr.t("fig-by-village"),
        None => String::new(),
    };
    let two_years = d
        .months
        .first()
        .zip(d.months.last())
        .is_some_and(|(a, b)| a.first.year() != b.first.year());
    let trend_shown = figs::shown_trend(d);
    let unit = d.trend_measure.unit();
    let bars: Vec<benteng_pdf::charts::TrendBar> = d
        .months
        .iter()
        .zip(&trend_shown)
        .map(|(p, s)| benteng_pdf::charts::TrendBar {
            label: month_label(tr, p, two_years),
            value: s.exact(),
        })
        .collect();
    let chart = if bars.is_empty() {
        String::new()
    } else {
        benteng_pdf::charts::trend_chart(&bars)
    };
    let trend_values = d
        .months
        .iter()
        .zip(&trend_shown)
        .map(|(p, s)| (tr.period(p), text(s, unit)))
        .collect();
    let trend_links = d
        .measures
        .iter()
        .map(|m| Link {
            href: href("/dasbor", &d.period, &area, Some(*m), office) + "#tren",
            label: tr.t(&format!("fig-m-{}", m.key())),
            active: *m == d.trend_measure,
        })
        .collect();
    // The map's measure is chosen with a select (the chart's links above choose the same).
    let map_links = d
        .measures
        .iter()
        .map(|m| Link {
            href: m.key().to_string(),
            label: tr.t(&format!("fig-m-{}", m.key())),
            active: *m == d.trend_measure,
        })
        .collect();
    let (map, map_key) = area_map(tr, d, &areas, &shown_rows, &trend_label_of(tr, d));
    let agencies = d
        .now
        .agencies
        .iter()
        .map(|a| AgencyLine {
            name: a.agency.clone(),
            sent: tr.number(&a.sent),
            answered: tr.number(&a.answered),
            median: a
                .median_minutes
                .map(|m| tr.minutes(&m))
                .unwrap_or_else(|| "–".into()),
            overdue: tr.number(&a.overdue),
        })
        .collect();
    // Each office opens its own dashboard for the same period.
    let (office_columns, mut offices, _) = if auth.ctx().actor.role == benteng_domain::Role::Kanwil
        && area.is_empty()
        && office.is_none()
    {
        crate::pages::home::office_table(state, auth.ctx(), tr, Some(&d.period)).await?
    } else {
        (Vec::new(), Vec::new(), String::new())
    };
    for o in &mut offices {
        o.href = href("/dasbor", &d.period, "", tren, Some(o.id));
    }
    let key = |s: &Option<String>| s.clone().unwrap_or_default();
    let base = href(
        "/dasbor/unduh",
        &d.period,
        &area,
        Some(d.trend_measure),
        office,
    );
    html(&DashboardPage {
        l: Layout::new(&auth.0, "fig-title").await?,
        heading,
        crumbs,
        period_label: tr.period(&d.period),
        previous_label,
        quick,
        month_value: d.period.key().filter(|k| k.len() == 7).unwrap_or_default(),
        from_value: key(&q.dari),
        to_value: key(&q.sampai),
        area_value: area.clone(),
        error,
        cards,
        sections: sections(tr, &shown),
        agencies,
        area_heading,
        columns,
        quiet: areas.iter().filter(|a: &&AreaLine| a.quiet).count(),
        areas,
        totals,
        trend_links,
        map_links,
        period_key: d.period.key().unwrap_or_default(),
        map,
        map_key,
        trend_label: trend_label_of(tr, d),
        chart,
        trend_values,
        counted: tr.datetime(&d.now.counted_at),
        suppress: d.suppress,
        csv: format!("{base}&format=csv"),
        xlsx: format!("{base}&format=xlsx"),
        stored: auth
            .ctx()
            .allows(benteng_domain::Action::MonthlyReportView, None),
        office_columns,
        offices,
        monthly: {
            let mut q: Vec<String> = Vec::new();
            if let Some(id) = office {
                q.push(format!("kantor={id}"));
            }
            if !area.is_empty() {
                q.push(format!("wilayah={area}"));
            }
            if q.is_empty() {
                "/dasbor/laporan-bulanan".to_string()
            } else {
                format!("/dasbor/laporan-bulanan?{}", q.join("&"))
            }
        },
        office_value: office.map(|id| id.to_string()).unwrap_or_default(),
    })
}

fn trend_label_of(tr: &Tr, d: &Dashboard) -> String {
    tr.t(&format!("fig-m-{}", d.trend_measure.key()))
}

/// The map of the areas one level down, coloured by the chosen measure, with its key; empty
/// where the areas have no outlines (kecamatan and desa).
fn area_map(
    tr: &Tr,
    d: &Dashboard,
    areas: &[AreaLine],
    shown_rows: &[Vec<Shown>],
    measure: &str,
) -> (String, Vec<(i64, String)>) {
    let codes: Vec<&str> = d.rows.iter().map(|r| r.code.as_str()).collect();
    let Some(column) = d.measures.iter().position(|m| *m == d.trend_measure) else {
        return (String::new(), Vec::new());
    };
    if !map::drawable(&codes) {
        return (String::new(), Vec::new());
    }
    let column = column + 1; // the first column is the desa binaan count
    let items: Vec<map::MapArea> = d
        .rows
        .iter()
        .zip(areas)
        .zip(shown_rows)
        .filter_map(|((r, a), s)| {
            Some(map::MapArea {
                code: &r.code,
                name: &a.name,
                href: &a.href,
                value: *s.get(column)?,
                text: a.values.get(column)?,
            })
        })
        .collect();
    let label = tr.t2(
        "fig-map-label",
        "measure",
        measure,
        "period",
        tr.period(&d.period),
    );
    let Some(svg) = map::svg(&items, &label) else {
        return (String::new(), Vec::new());
    };
    let max = items
        .iter()
        .filter_map(|a| a.value.exact())
        .max()
        .unwrap_or(0);
    let mut key = vec![(0, tr.number(&0))];
    if items.iter().any(|a| a.value == Shown::Few) {
        key.push((map::FEW, "< 5".to_string()));
    }
    for k in 1..=map::CLASSES {
        let (lo, hi) = (map::bound(k - 1, max) + 1, map::bound(k, max));
        if lo > hi {
            continue;
        }
        key.push((
            k,
            if lo == hi {
                tr.number(&hi)
            } else {
                format!("{}–{}", tr.number(&lo), tr.number(&hi))
            },
        ));
    }
    (svg, key)
}
