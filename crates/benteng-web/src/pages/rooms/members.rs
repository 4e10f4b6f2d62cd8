//! A room's members: the list for members and managers, adding by username and removing for
//! managers (admins, the Kanwil, officers for rooms of their area).

use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_redirect, html_status, parse_id, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::rooms::{self, Member, RoomAccess};
use benteng_domain::FieldErrors;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "room_members.html")]
struct MembersPage {
    l: Layout,
    access: RoomAccess,
    members: Vec<Member>,
    username: String,
    error: Option<String>,
}

impl MembersPage {
    fn role(&self, m: &Member) -> String {
        self.l.tr.t(&format!("role-{}", m.role))
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show(
        &state,
        &auth,
        id,
        String::new(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn show(
    state: &AppState,
    auth: &Auth,
    id: i64,
    username: String,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (access, members) = rooms::members(&state.db, auth.ctx(), id).await?;
    let mut l = Layout::new(&auth.0, "room-members-title").await?;
    l.title = format!("{} · {}", l.title, access.room.name);
    html_status(
        status,
        &MembersPage {
            error: e.get("username").map(|k| auth.0.tr.t(k)),
            l,
            access,
            members,
            username,
        },
    )
}

#[derive(Deserialize)]
pub(super) struct AddForm {
    #[serde(default)]
    username: String,
}

pub(super) async fn add(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<AddForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match rooms::add_member(&state.db, auth.ctx(), id, &f.username).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/ruang/{id}/anggota")).await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show(&state, &auth, id, f.username, &e, status).await
        }
    }
}

pub(super) async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, uid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, uid) = (parse_id(&id)?, parse_id(&uid)?);
    rooms::remove_member(&state.db, auth.ctx(), id, uid).await?;
    flash_redirect(&auth.0, "flash-saved", &format!("/ruang/{id}/anggota")).await
}
