//! The dashboard's files: every table as CSV or XLSX (`/dasbor/unduh`) and the monthly report
//! as PDF (`/dasbor/laporan-bulanan`), from the same figures and the same "< 5" rule as the
//! page.

use super::{card, figure_label, month_label, sections, shown_text, CARDS};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::exports::ExportFile;
use crate::xlsx::Table;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use benteng_app::figures::{self as figs, Dashboard, FiguresQuery, Shown, Unit};
use benteng_domain::figures::wib_date;
use benteng_domain::RegionLevel;
use benteng_i18n::Tr;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct DownloadQuery {
    #[serde(flatten)]
    q: FiguresQuery,
    format: Option<String>,
    /// Which table as CSV: `angka` (default), `wilayah`, `tren`, `instansi`. XLSX holds all.
    tabel: Option<String>,
}

/// The dashboard's tables as files: the figures, the areas, the trend and the agencies' answers.
fn tables(tr: &Tr, d: &Dashboard) -> Vec<Table> {
    let cell = |s: &Shown| match s {
        Shown::Few => "< 5".to_string(),
        Shown::Exact(n) => n.to_string(),
    };
    let shown = figs::shown_counts(d);
    let figures = shown
        .iter()
        .map(|c| {
            vec![
                c.key.clone(),
                figure_label(tr, &c.key),
                tr.t(&format!(
                    "fig-unit-{}",
                    match c.unit {
                        Unit::Count => "count",
                        Unit::People => "people",
                        Unit::Minutes => "minutes",
                        Unit::Points => "points",
                    }
                )),
                cell(&c.now),
                if c.snapshot {
                    cell(&c.now)
                } else {
                    cell(&c.before)
                },
            ]
        })
        .collect();
    let (rows, totals) = figs::shown_areas(d);
    let mut area_rows: Vec<Vec<String>> = d
        .rows
        .iter()
        .zip(rows.iter())
        .map(|(r, s)| {
            [r.code.clone(), r.name.clone()]
                .into_iter()
                .chain(s.iter().map(cell))
                .collect()
        })
        .collect();
    if !d.rows.is_empty() {
        area_rows.push(
            [String::new(), tr.t("fig-total")]
                .into_iter()
                .chain(totals.iter().map(cell))
                .collect(),
        );
    }
    let trend = d
        .months
        .iter()
        .zip(figs::shown_trend(d).iter())
        .map(|(p, s)| vec![p.key().unwrap_or_default(), cell(s)])
        .collect();
    let agencies = d
        .now
        .agencies
        .iter()
        .map(|a| {
            vec![
                a.agency.clone(),
                a.sent.to_string(),
                a.answered.to_string(),
                a.median_minutes.map(|m| m.to_string()).unwrap_or_default(),
                a.overdue.to_string(),
            ]
        })
        .collect();
    let period = tr.period(&d.period);
    let previous = tr.period(&d.previous);
    let s = |k: &str| tr.t(k);
    let table = |name: &str, header: Vec<String>, rows: Vec<Vec<String>>| Table {
        name: s(name),
        header,
        rows,
    };
    vec![
        table(
            "fig-sheet-figures",
            vec![
                s("fig-col-key"),
                s("fig-col-figure"),
                s("fig-col-unit"),
                period,
                previous,
            ],
            figures,
        ),
        table(
            "fig-sheet-areas",
            [s("fig-col-code"), s("fig-col-area"), s("fig-col-desa")]
                .into_iter()
                .chain(
                    d.measures
                        .iter()
                        .map(|m| tr.t(&format!("fig-m-{}", m.key()))),
                )
                .collect(),
            area_rows,
        ),
        table(
            "fig-sheet-trend",
            vec![
                s("fig-col-month"),
                tr.t(&format!("fig-m-{}", d.trend_measure.key())),
            ],
            trend,
        ),
        table(
            "fig-sheet-agencies",
            vec![
                s("fig-col-agency"),
                s("fig-col-sent"),
                s("fig-col-answered"),
                s("fig-col-median-minutes"),
                s("fig-col-overdue"),
            ],
            agencies,
        ),
    ]
}

pub(super) async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, WebError> {
    let tr = &auth.0.tr;
    let d = figs::dashboard(&state.db, auth.ctx(), &q.q).await?;
    let tables = tables(tr, &d);
    let stem = format!(
        "dasbor-{}{}",
        d.area
            .as_ref()
            .map(|a| format!("{}-", a.as_str()))
            .unwrap_or_default(),
        d.period
            .key()
            .unwrap_or_else(|| benteng_domain::values::format_date(d.period.first))
    );
    let file = match q.format.as_deref().unwrap_or("csv") {
        "csv" => {
            let which = match q.tabel.as_deref().unwrap_or("angka") {
                "angka" => 0,
                "wilayah" => 1,
                "tren" => 2,
                "instansi" => 3,
                _ => return Err(WebError::BadRequest),
            };
            let t = &tables[which];
            ExportFile {
                name: format!(
                    "{stem}-{}.csv",
                    ["angka", "wilayah", "tren", "instansi"][which]
                ),
                content_type: "text/csv; charset=utf-8",
                bytes: crate::xlsx::csv(&t.header, &t.rows)?,
            }
        }
        "xlsx" => ExportFile {
            name: format!("{stem}.xlsx"),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: crate::xlsx::book(&tables)?,
        },
        _ => return Err(WebError::BadRequest),
    };
    Ok(file.into_response())
}

/// Who signs and in whose name: the officer's office, the Kanwil of the province, the
/// village government, or the Directorate General.
async fn issuer(
    db: &benteng_app::Db,
    ctx: &benteng_app::Ctx,
    d: &Dashboard,
) -> Result<(String, String), WebError> {
    let tr = &Tr::new("id");
    let root = d.crumbs.first().map(|c| c.name.clone()).unwrap_or_default();
    Ok(match (ctx.actor.role, ctx.actor.office_id) {
        (benteng_domain::Role::Petugas, Some(id)) => {
            let (office, _) = benteng_app::offices::show(db, ctx, id).await?;
            (
                office.name.clone(),
                tr.t1("monthly-signer", "office", office.name),
            )
        }
        (benteng_domain::Role::Kanwil, _) => {
            let name = tr.t1("monthly-kanwil", "province", root);
            (name.clone(), tr.t1("monthly-signer", "office", name))
        }
        (benteng_domain::Role::Desa, _) => (
            root.clone(),
            tr.t1("monthly-village-signer", "village", root),
        ),
        _ => (tr.t("monthly-dirjen"), tr.t("monthly-dirjen-signer")),
    })
}

/// The monthly report of the shown area as a PDF (`?periode=2026-11`; last month when
/// none): what an office sends to the Kanwil and the Kanwil rolls up for the province.
pub(super) async fn monthly(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, WebError> {
    let (name, pdf) = monthly_pdf(&state.db, auth.ctx(), &q, false).await?;
    Ok(ExportFile {
        name,
        content_type: "application/pdf",
        bytes: pdf,
    }
    .into_response())
}

/// The monthly report as a PDF and its file name. `upward` applies the "< 5" rule whatever
/// the viewer's role: the stored reports the worker makes go up to the Kanwil
/// (`crate::monthly_job`).
pub(crate) async fn monthly_pdf(
    db: &benteng_app::Db,
    ctx: &benteng_app::Ctx,
    q: &FiguresQuery,
    upward: bool,
) -> Result<(String, Vec<u8>), WebError> {
    // An official document: in Bahasa Indonesia whatever the screen language (as `crate::pdf`).
    let tr = &Tr::new("id");
    let (mut d, extras) = figs::monthly(db, ctx, q).await?;
    d.suppress |= upward;
    let previous = tr.period(&d.previous);
    let shown = figs::shown_counts(&d);
    let summary = CARDS
        .iter()
        .filter_map(|k| shown.iter().find(|c| c.key == *k))
        .map(|c| {
            let card = card(tr, c, &previous);
            if card.change.is_empty() {
                format!("{}: {}.", card.label, card.now)
            } else {
                format!("{}: {}, {}.", card.label, card.now, card.change)
            }
        })
        .collect();
    let sections = sections(tr, &shown)
        .into_iter()
        .map(|s| benteng_pdf::MonthlySection {
            title: s.title,
            rows: s
                .rows
                .into_iter()
                .map(|r| benteng_pdf::MonthlyRow {
                    label: r.label,
                    now: r.now,
                    before: r.before,
                    part: r.part,
                })
                .collect(),
        })
        .collect();
    let (rows, _) = figs::shown_areas(&d);
    let units: Vec<Unit> = std::iter::once(Unit::Count)
        .chain(d.measures.iter().map(|m| m.unit()))
        .collect();
    let areas = d
        .rows
        .iter()
        .zip(rows.iter())
        .filter(|(r, _)| r.desa_binaan > 0 || r.values.iter().any(|n| *n > 0))
        .map(|(r, s)| {
            std::iter::once(r.name.clone())
                .chain(s.iter().zip(&units).map(|(v, u)| shown_text(tr, v, *u)))
                .collect()
        })
        .collect();
    let areas_header = [tr.t("fig-col-area"), tr.t("fig-col-desa")]
        .into_iter()
        .chain(
            d.measures
                .iter()
                .map(|m| tr.t(&format!("fig-m-{}", m.key()))),
        )
        .collect();
    let level = figs::row_level(&d);
    let mut cases = Vec::new();
    for (opened, place, forms, dest, status) in &extras.cases {
        let label = benteng_app::regions::area_label(db, place).await?;
        cases.push(benteng_pdf::MonthlyCase {
            opened: tr.day(&wib_date(*opened)),
            place: label.split(',').take(2).collect::<Vec<_>>().join(","),
            exploitation: forms
                .split(',')
                .filter(|f| !f.trim().is_empty())
                .map(|f| tr.label("exploitation", &f.trim().to_lowercase()))
                .collect::<Vec<_>>()
                .join(", "),
            destination: dest
                .as_deref()
                .map(|c| tr.t(&format!("country-{}", c.to_lowercase())))
                .unwrap_or_else(|| "–".into()),
            status: tr.label("case-status", status),
        });
    }
    let today = benteng_domain::values::format_date(wib_date(benteng_app::now()));
    let followups = extras
        .followups
        .iter()
        .map(|(agency, purpose, due)| benteng_pdf::MonthlyFollowUp {
            agency: agency.clone(),
            purpose: tr.label("referral-purpose", purpose),
            due: tr.date_short(due),
            late: due.as_str() < today.as_str(),
        })
        .collect();
    let (office, signer_title) = issuer(db, ctx, &d).await?;
    let heading = d
        .crumbs
        .last()
        .map(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| tr.t("fig-area-own"));
    let month = tr.period(&d.period);
    let report = benteng_pdf::MonthlyReport {
        office,
        area: heading,
        month: month.clone(),
        previous,
        summary,
        sections,
        areas_title: match level {
            Some(RegionLevel::Provinsi) => tr.t("fig-by-province"),
            Some(RegionLevel::KabupatenKota) => tr.t("fig-by-regency"),
            Some(RegionLevel::Kecamatan) => tr.t("fig-by-district"),
            Some(RegionLevel::Desa) => tr.t("fig-by-village"),
            None => String::new(),
        },
        areas_header,
        areas,
        trend_title: tr.t1(
            "fig-trend-title",
            "measure",
            tr.t(&format!("fig-m-{}", d.trend_measure.key())),
        ),
        cases,
        followups,
        counted: format!(
            "{} {}",
            tr.t1("fig-counted", "time", tr.datetime(&d.now.counted_at)),
            tr.t("fig-calendar-note")
        ),
        place_date: tr.day(&wib_date(benteng_app::now())),
        signer_title,
    };
    let bars: Vec<benteng_pdf::charts::TrendBar> = d
        .months
        .iter()
        .zip(figs::shown_trend(&d))
        .map(|(p, s)| benteng_pdf::charts::TrendBar {
            label: month_label(tr, p, true),
            value: s.exact(),
        })
        .collect();
    let chart = benteng_pdf::charts::trend_chart(&bars);
    let pdf = tokio::task::spawn_blocking(move || benteng_pdf::monthly_report(&report, &chart))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        format!("laporan-bulanan-{}.pdf", d.period.key().unwrap_or_default()),
        pdf,
    ))
}
