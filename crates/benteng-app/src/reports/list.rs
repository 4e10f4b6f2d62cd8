//! The report lists: all reports of the actor's scope and the officer's queue, the filters read
//! here into a [`ReportFilter`] for the storage (which applies the scope).

use benteng_db::reports::{
    invalid, AssignedFilter, ReportFilter, ReportRow, ReportSearch, StatusFilter,
};
use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::report::{parse_tracking_code, Category, ReportStatus};
use benteng_domain::values::date;
use benteng_domain::{Action, PhoneNumber, RegionCode};
use serde::Deserialize;

/// Filters of the report list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportQuery {
    /// Full-text search (words of the description, places and names), a phone number or a
    /// tracking code.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub q: Option<String>,
    /// A status code, or `terbuka` for every open status.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub category: Option<String>,
    /// A region code (kabupaten, kecamatan or desa) the report must lie in.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub region: Option<String>,
    /// Created on or after this date (YYYY-MM-DD, WIB).
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub from: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub to: Option<String>,
    /// tinggi or sedang: at least that priority level.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub priority: Option<String>,
    /// A user id, `saya` (me) or `belum` (nobody).
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub assigned: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// The reports in the actor's scope, filtered and paged: with `status = terbuka` the officer's
/// queue, by priority; otherwise newest first. A wrong filter answers its field's error.
pub async fn list(db: &Db, ctx: &Ctx, q: &ReportQuery, per_page: i64) -> Result<Page<ReportRow>> {
    // Refused before the filters are read, as the storage would.
    ctx.require(Action::ReportView, None)?;
    db.reports().list_reports(ctx, &read(q)?, per_page).await
}

/// Some text, not only blanks.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// The filters, checked in the order of the form; the first wrong one is the error.
fn read(q: &ReportQuery) -> Result<ReportFilter> {
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("semua") => StatusFilter::Any,
        Some("terbuka") => StatusFilter::Open,
        Some(s) => StatusFilter::One(ReportStatus::parse(s).map_err(|c| invalid("status", c))?),
    };
    let category = match given(&q.category) {
        None => None,
        Some(c) => Some(Category::parse(c).map_err(|c| invalid("category", c))?),
    };
    let region = match given(&q.region) {
        None => None,
        Some(r) => Some(RegionCode::parse(r).map_err(|c| invalid("region", c))?),
    };
    let from = match given(&q.from) {
        None => None,
        Some(d) => Some(date(d).map_err(|c| invalid("from", c))?),
    };
    let to = match given(&q.to) {
        None => None,
        Some(d) => Some(date(d).map_err(|c| invalid("to", c))?),
    };
    // The lower bounds of the levels of `Priority::level`.
    let min_priority = match q.priority.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("tinggi") => Some(60),
        Some("sedang") => Some(30),
        Some(_) => return Err(invalid("priority", "err-invalid-choice")),
    };
    let assigned = match q.assigned.as_deref().map(str::trim) {
        None | Some("") => AssignedFilter::Anyone,
        Some("saya") => AssignedFilter::Me,
        Some("belum") => AssignedFilter::Nobody,
        Some(n) => AssignedFilter::User(
            n.parse()
                .map_err(|_| invalid("assigned", "err-invalid-choice"))?,
        ),
    };
    let search = given(&q.q).map(|text| {
        let looks_like_code = text.trim().to_uppercase().starts_with("LP");
        if let Some(code) = looks_like_code
            .then(|| parse_tracking_code(text).ok())
            .flatten()
        {
            ReportSearch::Code(code)
        } else if let Ok(phone) = PhoneNumber::parse(text) {
            ReportSearch::Phone(phone)
        } else {
            ReportSearch::Words(text.to_string())
        }
    });
    Ok(ReportFilter {
        search,
        status,
        category,
        region,
        from,
        to,
        min_priority,
        assigned,
        page: q.page,
    })
}
