//! The audit log page: filtered and paged, newest first.

use super::{html, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use benteng_app::audit::{self, day_start, AuditEntry, AuditQuery};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit))
}

#[derive(Deserialize, Default)]
struct Q {
    pengguna: Option<String>,
    aksi: Option<String>,
    entitas: Option<String>,
    sensitif: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    hal: Option<i64>,
}

/// The actions and kinds of record the filter offers, by name (each has its
/// `audit-action-…`/`audit-entity-…` message; an entry of another kind still shows, in words
/// made from its code).
const ACTIONS: &[&str] = &[
    "nik_check",
    "login",
    "login_failed",
    "logout",
    "login_code_failed",
    "api_login_code_failed",
    "recovery_code_used",
    "account_new_device",
    "add_contact",
    "add_info",
    "add_member",
    "add_person",
    "add_service",
    "assign",
    "assign_area",
    "assign_officers",
    "attach",
    "case_status",
    "change_password",
    "check_in",
    "cli_password_reset",
    "create",
    "decide",
    "end",
    "end_area",
    "enrol",
    "export",
    "export_encrypted",
    "followup",
    "import",
    "indicators",
    "issue_letter",
    "merge",
    "open_case",
    "open_room",
    "print_letter",
    "question",
    "quiz_stage",
    "record_visit",
    "refer",
    "referral_action",
    "referral_status",
    "remove_contact",
    "remove_member",
    "save",
    "screen",
    "screen_batch",
    "session_revoke",
    "status",
    "step",
    "subject_request_close",
    "subject_request_correct",
    "subject_request_create",
    "subject_request_erase",
    "subject_request_export",
    "subject_request_find",
    "token_revoke",
    "totp_enable",
    "totp_disable",
    "totp_reset",
    "totp_recovery_regenerate",
    "update",
    "verify",
    "view_sensitive",
    "retention_anonymise",
    "retention_delete",
    "webhook_create",
    "webhook_update",
    "webhook_delete",
    "webhook_rotate",
    "webhook_pause",
    "webhook_resume",
    "webhook_redeliver",
];
const ENTITIES: &[&str] = &[
    "agency",
    "alert",
    "api_token",
    "case",
    "checklist_step",
    "desa_binaan",
    "event",
    "event_question",
    "guide",
    "migrant",
    "office",
    "quiz_question",
    "referral",
    "report",
    "room",
    "screening",
    "session",
    "subject_request",
    "user",
    "wa_contact",
    "watchlist",
    "webhook",
    "reports",
    "cases",
    "screenings",
    "room_messages",
    "migrants",
    "account",
];

/// (code, label) sorted by label, for a filter's select.
fn choices(tr: &crate::i18n::Tr, prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = codes
        .iter()
        .map(|c| (c.to_string(), tr.label(prefix, c)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    pengguna: String,
    aksi: String,
    entitas: String,
    sensitif: bool,
    dari: String,
    sampai: String,
    rows: Vec<AuditEntry>,
    pager: Pager,
    actions: Vec<(String, String)>,
    entities: Vec<(String, String)>,
}

async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<Q>,
) -> Result<Response, WebError> {
    let sensitif = q.sensitif.as_deref().is_some_and(super::checked);
    let query = AuditQuery {
        username: q.pengguna.clone(),
        action: q.aksi.clone(),
        entity: q.entitas.clone(),
        sensitive_only: sensitif,
        from: q.dari.as_deref().and_then(day_start),
        to: q.sampai.as_deref().and_then(day_start).map(|t| t + 86_400),
        page: q.hal,
    };
    let page = audit::list(&state.db, auth.ctx(), &query, 50).await?;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let pager = Pager::new(
        &page,
        "/audit",
        &[
            ("pengguna", s(&q.pengguna)),
            ("aksi", s(&q.aksi)),
            ("entitas", s(&q.entitas)),
            (
                "sensitif",
                if sensitif { "1".into() } else { String::new() },
            ),
            ("dari", s(&q.dari)),
            ("sampai", s(&q.sampai)),
        ],
    );
    let l = Layout::new(&auth.0, "audit-title").await?;
    html(&AuditPage {
        l,
        pengguna: s(&q.pengguna),
        aksi: s(&q.aksi),
        entitas: s(&q.entitas),
        sensitif,
        dari: s(&q.dari),
        sampai: s(&q.sampai),
        rows: page.items,
        pager,
        actions: choices(&auth.0.tr, "audit-action", ACTIONS),
        entities: choices(&auth.0.tr, "audit-entity", ENTITIES),
    })
}
