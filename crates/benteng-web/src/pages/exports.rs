//! Exports of personal data as password-protected archives (issue 22, "export protection").
//!
//! The register and case exports take `enkripsi=1`. Instead of the file, the user gets a page
//! with a random password, shown this once, and a download link that works once, for ten
//! minutes, from the same session. The link's export is made again at download time (so it is
//! audited by the data layer like any export, and what the user may see is checked again) and
//! packed into an AES-256 ZIP ([`crate::archive`]); the download itself is one more audit entry
//! (`export_encrypted`). The password lives only in the session record until the download and
//! is never logged.

use super::{html, Layout};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

/// A file an export produced.
pub struct ExportFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl IntoResponse for ExportFile {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", self.name),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// Which export a pending archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    Register,
    Cases,
}

impl ExportKind {
    /// The right the export needs (checked again, with the scope, when it is made).
    fn action(self) -> benteng_domain::Action {
        match self {
            ExportKind::Register => benteng_domain::Action::MigrantView,
            ExportKind::Cases => benteng_domain::Action::CaseExport,
        }
    }
}

/// The archive waiting in the session: the export's query, its password and when it was made.
#[derive(Serialize, Deserialize)]
struct Pending {
    token: String,
    kind: ExportKind,
    query: String,
    password: String,
    at: i64,
}

const SESSION_PENDING: &str = "export_pending";
/// How long the download link works.
const VALID_SECS: i64 = 600;

pub fn routes() -> Router<AppState> {
    Router::new().route("/ekspor/unduh/{token}", get(download))
}

#[derive(Template)]
#[template(path = "export_ready.html")]
struct ReadyPage {
    l: Layout,
    password: String,
    token: String,
    back: &'static str,
}

/// Show the password once and the one-time link; nothing is exported yet (the export, with
/// its scope, runs when the link is used).
pub async fn offer(auth: &Auth, kind: ExportKind, query: String) -> Result<Response, WebError> {
    if !auth.ctx().allows(kind.action(), None) {
        return Err(WebError::Forbidden);
    }
    let token = benteng_app::users::random_token();
    let password = crate::archive::archive_password();
    // The query without `enkripsi`, as the plain export reads it.
    let query: String = query
        .split('&')
        .filter(|p| !p.starts_with("enkripsi=") && !p.is_empty())
        .collect::<Vec<_>>()
        .join("&");
    let pending = Pending {
        token: token.clone(),
        kind,
        query,
        password: password.clone(),
        at: time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    auth.0
        .session
        .insert(SESSION_PENDING, pending)
        .await
        .map_err(WebError::session)?;
    html(&ReadyPage {
        l: Layout::new(&auth.0, "export-encrypted-title").await?,
        password,
        token,
        back: match kind {
            ExportKind::Register => "/calon-pmi",
            ExportKind::Cases => "/kasus",
        },
    })
}

/// The archive, once: the pending entry is removed before the export is made.
async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let pending: Option<Pending> = auth
        .0
        .session
        .remove(SESSION_PENDING)
        .await
        .map_err(WebError::session)?;
    let Some(p) = pending.filter(|p| {
        crate::security::same(p.token.as_bytes(), token.as_bytes())
            && time::OffsetDateTime::now_utc().unix_timestamp() - p.at <= VALID_SECS
    }) else {
        return Err(WebError::NotFound);
    };
    let file = match p.kind {
        ExportKind::Register => {
            let q: super::migrants::data::ExportQuery =
                serde_urlencoded::from_str(&p.query).map_err(|_| WebError::BadRequest)?;
            super::migrants::data::build_export(&state, &auth, &q).await?
        }
        ExportKind::Cases => {
            let q: super::cases::ExportQuery =
                serde_urlencoded::from_str(&p.query).map_err(|_| WebError::BadRequest)?;
            super::cases::build_export(&state, &auth, &q).await?
        }
    };
    let archive = crate::archive::encrypted_zip(&file.name, &file.bytes, &p.password)?;
    benteng_app::audit::record_encrypted_export(
        &state.db,
        auth.ctx(),
        match p.kind {
            ExportKind::Register => "migrant",
            ExportKind::Cases => "case",
        },
        &file.name,
    )
    .await?;
    let stem = file
        .name
        .rsplit_once('.')
        .map_or(file.name.as_str(), |(s, _)| s);
    Ok(ExportFile {
        name: format!("{stem}.zip"),
        content_type: "application/zip",
        bytes: archive,
    }
    .into_response())
}
