//! Alerts (waspada): an officer or the Kanwil warns an area, and the storage posts the alert
//! to every room of it and notifies their members; the list of alerts of my area.

use benteng_db::rooms::alerts::NewAlert;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::coordination::{message_body, Severity, MAX_TITLE};
use benteng_domain::{Action, FieldErrors, RegionCode};
use serde::Deserialize;

pub use benteng_db::rooms::alerts::Alert;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AlertInput {
    /// waspada, siaga or awas.
    #[serde(default)]
    pub severity: String,
    /// Province, kabupaten/kota, kecamatan or desa code.
    #[serde(default)]
    pub area_code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// Post an alert to every room of its area (an area of my scope). Returns the alert's id and
/// the number of rooms reached.
pub async fn post(db: &Db, ctx: &Ctx, i: &AlertInput) -> Result<(i64, i64)> {
    ctx.require(Action::AlertPost, None)?;
    let a = read(db, ctx, i).await?;
    db.rooms().post_alert(ctx, &a).await
}

/// Alerts whose area overlaps my scope, newest first.
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<Alert>> {
    db.rooms().list_alerts(ctx, page).await
}

async fn read(db: &Db, ctx: &Ctx, i: &AlertInput) -> Result<NewAlert> {
    let mut e = FieldErrors::new();
    let severity = e.check("severity", Severity::parse(&i.severity));
    let typed = db
        .regions()
        .typed_area(
            &i.area_code,
            "area_code",
            crate::regions::ALL_LEVELS.as_slice(),
            &mut e,
        )
        .await?;
    let area = match typed.as_deref().map(RegionCode::parse) {
        None => None,
        Some(Ok(c)) if db.regions().region_by_code(c.as_str()).await?.is_none() => {
            e.add("area_code", "err-region-unknown");
            None
        }
        Some(Ok(c)) if !ctx.actor.scope.contains(&c) => {
            e.add("area_code", "err-region-out-of-scope");
            None
        }
        Some(Ok(c)) => Some(c),
        Some(Err(code)) => {
            e.add("area_code", code);
            None
        }
    };
    let title = i.title.trim();
    if title.is_empty() {
        e.add("title", "err-required");
    } else if title.chars().count() > MAX_TITLE {
        e.add("title", "err-too-long");
    }
    let body = e.check("body", message_body(&i.body));
    e.into_result()?;
    let (Some(severity), Some(area), Some(body)) = (severity, area, body) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    Ok(NewAlert {
        severity,
        area,
        title: title.to_string(),
        body,
    })
}
