//! The dashboard's figures over JSON (`/api/v1/figures`): the same counts, scope and small-number
//! rule as the page (`/dasbor`).

use super::Problem;
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use benteng_app::figures::{self as figs, AgencyResponse, FiguresQuery, Shown, ShownCount};
use benteng_domain::figures::Period;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(figures))
}

/// A period: its kind (`month`, `quarter`, `year`, `custom`) and its first and last day (WIB).
#[derive(Serialize, ToSchema)]
pub(super) struct PeriodBody {
    kind: String,
    first: String,
    last: String,
}

impl From<&Period> for PeriodBody {
    fn from(p: &Period) -> Self {
        PeriodBody {
            kind: format!("{:?}", p.kind).to_lowercase(),
            first: benteng_domain::values::format_date(p.first),
            last: benteng_domain::values::format_date(p.last),
        }
    }
}

/// A child area's measures, in the order of `measures`.
#[derive(Serialize, ToSchema)]
pub(super) struct AreaBody {
    code: String,
    name: String,
    desa_binaan: i64,
    /// `{"kind": "exact", "value": 12}` or `{"kind": "few"}` (1 to 4 people, hidden).
    #[schema(value_type = Vec<Object>)]
    values: Vec<Shown>,
}

/// A measure month by month.
#[derive(Serialize, ToSchema)]
pub(super) struct TrendBody {
    measure: String,
    /// `YYYY-MM`, oldest first.
    months: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    values: Vec<Shown>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct FiguresBody {
    period: PeriodBody,
    previous: PeriodBody,
    /// The region the figures are narrowed to; none: the caller's whole area.
    area: Option<String>,
    /// The office whose working area the figures are (`kantor`); none: the caller's area.
    office: Option<i64>,
    /// When the figures were counted (unix seconds).
    counted_at: i64,
    /// Whether counts of 1 to 4 people are hidden for this caller.
    suppressed: bool,
    /// Each figure for the period (`now`) and the one before (`before`).
    figures: Vec<ShownCount>,
    agencies: Vec<AgencyResponse>,
    /// The measures of `areas[].values` and of the trend's choices.
    measures: Vec<String>,
    areas: Vec<AreaBody>,
    trend: TrendBody,
}

/// The figures of a period beside the period before, per child area, and a measure month by
/// month, for the caller's area or a region inside it. Partner agencies are refused.
#[utoipa::path(get, path = "/api/v1/figures", params(FiguresQuery),
    responses((status = 200, body = FiguresBody), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn figures(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<FiguresBody>, ApiError> {
    let d = figs::dashboard(&state.db, &ctx, &q).await?;
    let (rows, _) = figs::shown_areas(&d);
    Ok(Json(FiguresBody {
        period: (&d.period).into(),
        previous: (&d.previous).into(),
        area: d.area.as_ref().map(|a| a.as_str().to_string()),
        office: d.office.as_ref().map(|(id, _)| *id),
        counted_at: d.now.counted_at,
        suppressed: d.suppress,
        figures: figs::shown_counts(&d),
        agencies: d.now.agencies.clone(),
        measures: d.measures.iter().map(|m| m.key().to_string()).collect(),
        areas: d
            .rows
            .iter()
            .zip(rows)
            .map(|(r, s)| AreaBody {
                code: r.code.clone(),
                name: r.name.clone(),
                desa_binaan: r.desa_binaan,
                values: s.into_iter().skip(1).collect(),
            })
            .collect(),
        trend: TrendBody {
            measure: d.trend_measure.key().to_string(),
            months: d.months.iter().filter_map(|m| m.key()).collect(),
            values: figs::shown_trend(&d),
        },
    }))
}
