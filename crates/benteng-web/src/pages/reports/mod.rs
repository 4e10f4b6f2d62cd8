//! Reports: the public form and tracking page, the village's and officer's report form, the
//! triage queue and the report page with indicators, priority, links, assignment, status,
//! merging, added information, referral and case.
//!
//! Split by what a user does: `intake` (filing a report, public or signed in), `track` (a
//! resident follows their report), `queue` (the lists and the officers' queue), `detail` (a
//! report's page and its attachments) and `triage` (the forms on the report's page).

use super::record;
use crate::i18n::Tr;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use benteng_domain::report::Category;
use benteng_domain::FieldErrors;

mod detail;
mod intake;
mod queue;
mod track;
mod triage;

pub(super) use intake::prefilled_public_form;

pub fn routes() -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(crate::security::UPLOAD_LIMIT);
    Router::new()
        .route(
            "/lapor",
            get(intake::public_form)
                .post(intake::public_submit)
                .layer(uploads),
        )
        .route("/lapor/terkirim", get(intake::public_received))
        .route("/lacak", get(track::track))
        .route(
            "/laporan",
            get(queue::list).post(intake::create).layer(uploads),
        )
        .route("/laporan/baru", get(intake::new))
        .route("/laporan/{id}", get(record::show::<detail::ReportPage>))
        .route("/laporan/{id}/indikator", post(triage::set_indicators))
        .route("/laporan/{id}/petugas", post(triage::assign))
        .route("/laporan/{id}/status", post(triage::change_status))
        .route("/laporan/{id}/gabung", post(triage::merge))
        .route("/laporan/{id}/info", post(triage::add_info).layer(uploads))
        .route("/laporan/{id}/rujuk", post(triage::refer))
        .route("/laporan/{id}/kasus", post(triage::open_case))
        .route("/laporan/{id}/lampiran/{aid}", get(detail::attachment))
}

pub(super) fn categories(tr: &Tr) -> Vec<(String, String, String)> {
    Category::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                tr.t(&format!("category-{c}")),
                tr.t(&format!("category-{c}-hint")),
            )
        })
        .collect()
}

pub(super) fn translate_errors(tr: &Tr, e: &FieldErrors) -> Vec<(String, String)> {
    e.0.iter()
        .map(|x| (x.field.to_string(), tr.t(x.code)))
        .collect()
}
