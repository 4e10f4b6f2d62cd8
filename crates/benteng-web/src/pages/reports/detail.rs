//! A report's page: the report with its people, events, attachments, linked reports,
//! referrals and the forms the actor may use; and its attachments as downloads.

use super::translate_errors;
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::record::RecordPage;
use crate::pages::{html_status, parse_id, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use benteng_app::referrals::ReferralRow;
use benteng_app::reports::{Origin, ReportDetail};
use benteng_domain::report::{IndicatorGroup, Priority, ReferralPurpose, ReportStatus, INDICATORS};
use benteng_domain::{Action, FieldErrors, RegionCode};

/// History lines shown open on a report (the newest); older ones fold.
const HISTORY_SHOWN: usize = 6;

#[derive(Template)]
#[template(path = "report.html")]
struct ShowPage {
    l: Layout,
    d: ReportDetail,
    can_triage: bool,
    can_add_info: bool,
    can_reveal: bool,
    can_refer: bool,
    can_case: bool,
    /// Whether the viewer may open the report's case (a village may not: no link then).
    can_view_case: bool,
    level: &'static str,
    next_statuses: Vec<(String, String)>,
    officers: Vec<(i64, String)>,
    agencies: Vec<(i64, String, String)>,
    purposes: Vec<(String, String)>,
    indicator_groups: Vec<(String, Vec<(String, String)>)>,
    referrals: Vec<ReferralRow>,
    errors: Vec<(String, String)>,
    default_due: String,
    /// The room or WhatsApp message the report was made from: (link, text).
    origin: Option<(String, String)>,
}

impl ShowPage {
    /// A history line's text: the indicator groups ticked, by name; other lines as written.
    fn event_body(&self, kind: &str, body: &str) -> String {
        if kind == "indicators" {
            body.split(',')
                .map(|g| self.l.tr.label("indicator", g.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            body.to_string()
        }
    }

    /// Whether the referral form came back with an error (then it shows unfolded).
    fn refer_failed(&self) -> bool {
        [
            "agency_id",
            "purpose",
            "due_date",
            "message",
            "consent",
            "consent_by",
            "override_reason",
        ]
        .iter()
        .any(|f| self.err(f).is_some())
    }

    /// How many of a group's indicators are ticked (a group with none stays folded).
    fn ticked_in(&self, items: &[(String, String)]) -> usize {
        items.iter().filter(|(c, _)| self.ticked(c)).count()
    }

    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    /// History lines folded under "older" (all but the newest [`HISTORY_SHOWN`]).
    fn older_history(&self) -> usize {
        self.d.events.len().saturating_sub(HISTORY_SHOWN)
    }

    fn is_assigned(&self, id: &i64) -> bool {
        self.d.report.assigned_to == Some(*id)
    }

    fn ticked(&self, code: &str) -> bool {
        self.d.indicators.iter().any(|c| c == code)
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn country(&self, c: &str) -> String {
        self.l.tr.t(&format!("country-{}", c.to_lowercase()))
    }

    fn size_kb(&self, n: &i64) -> i64 {
        (n + 1023) / 1024
    }

    fn is_image(&self, ct: &str) -> bool {
        ct.starts_with("image/")
    }
}

/// The report's page, with the errors of a form posted on it (`e`) and `status`; the triage
/// forms also answer a rejected upload with it.
pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    reveal: bool,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let mut d = benteng_app::reports::page(&state.db, ctx, id, reveal).await?;
    let place = RegionCode::parse(&d.report.region_code).map_err(|_| WebError::NotFound)?;
    let tr = &auth.0.tr;
    let can_triage = ctx.allows(Action::ReportTriage, Some(&place));
    let current = ReportStatus::parse(&d.report.status).map_err(|_| WebError::NotFound)?;
    let next_statuses = ReportStatus::ALL
        .iter()
        .filter(|s| current.can_move_to(**s))
        .map(|s| (s.as_str().to_string(), tr.t(&format!("report-status-{s}"))))
        .collect();
    let officers = std::mem::take(&mut d.officers);
    let can_refer =
        ctx.allows(Action::ReferralCreate, Some(&place)) && current != ReportStatus::Digabung;
    let agencies = if can_refer {
        std::mem::take(&mut d.agencies)
    } else {
        Vec::new()
    };
    let referrals = std::mem::take(&mut d.referrals);
    let groups = [
        (IndicatorGroup::Proses, "indicator-group-proses"),
        (IndicatorGroup::Cara, "indicator-group-cara"),
        (IndicatorGroup::Tujuan, "indicator-group-tujuan"),
        (IndicatorGroup::Ilo, "indicator-group-ilo"),
    ];
    let indicator_groups = groups
        .iter()
        .map(|(g, key)| {
            (
                tr.t(key),
                INDICATORS
                    .iter()
                    .filter(|(_, ig)| ig == g)
                    .map(|(c, _)| (c.to_string(), tr.t(&format!("indicator-{c}"))))
                    .collect(),
            )
        })
        .collect();
    let purposes = ReferralPurpose::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_string(),
                tr.t(&format!("referral-purpose-{p}")),
            )
        })
        .collect();
    let default_due =
        benteng_domain::values::format_date(benteng_app::today() + time::Duration::days(7));
    let origin = match d.origin.clone() {
        Some(Origin::Room(room, name, mid)) => Some((
            format!("/ruang/{room}/pesan/{mid}#m{mid}"),
            tr.t1("report-origin-room", "room", name),
        )),
        Some(Origin::Whatsapp(contact, mid)) => Some((
            format!("/wa/{contact}#w{mid}"),
            tr.t("report-origin-whatsapp"),
        )),
        None => None,
    };
    let mut l = Layout::new(&auth.0, "report-title").await?;
    l.title = format!("{} {}", tr.t("report-title"), d.report.tracking_code);
    html_status(
        status,
        &ShowPage {
            level: Priority::level(d.report.priority),
            can_add_info: ctx.allows(Action::ReportAddInfo, Some(&place))
                && current != ReportStatus::Digabung,
            can_reveal: ctx.allows(Action::ReportSensitiveView, Some(&place)),
            can_view_case: ctx.allows(Action::CaseView, Some(&place)),
            can_case: ctx.allows(Action::CaseManage, Some(&place))
                && d.case_id.is_none()
                && current != ReportStatus::Digabung,
            errors: translate_errors(tr, e),
            l,
            d,
            can_triage,
            can_refer,
            next_statuses,
            officers,
            agencies,
            purposes,
            indicator_groups,
            referrals,
            default_due,
            origin,
        },
    )
}

/// A report's page.
pub(in crate::pages) struct ReportPage;

impl RecordPage for ReportPage {
    fn path(id: i64) -> String {
        format!("/laporan/{id}")
    }

    async fn render(
        state: &AppState,
        auth: &Auth,
        id: i64,
        reveal: bool,
        e: &FieldErrors,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        show_page(state, auth, id, reveal, e, status).await
    }
}

/// An attachment, served as a download with its sniffed type (never rendered inline as HTML).
pub(super) async fn attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, aid) = (parse_id(&id)?, parse_id(&aid)?);
    let (a, bytes) =
        benteng_app::reports::attachment(&state.db, auth.ctx(), id, aid, &*state.store).await?;
    let name = benteng_app::uploads::download_name(&a.file_name, &a.content_type, "lampiran");
    let disposition = if a.content_type.starts_with("image/") {
        format!("inline; filename=\"{name}\"")
    } else {
        format!("attachment; filename=\"{name}\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
