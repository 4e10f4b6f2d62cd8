//! User accounts: the list and the forms admins create and change accounts with.
//! (Partner agencies are in `agencies`.)

use super::directory::form;
use super::{flash_redirect, form_errors, html, parse_id, Field, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::users::{self, User, UserInput};
use benteng_domain::{can, Action, FieldErrors, RegionLevel, Role};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pengguna", get(users).post(create_user))
        .route("/pengguna/baru", get(new_user))
        .route("/pengguna/{id}", get(edit_user).post(update_user))
        .route(
            "/pengguna/{id}/dua-langkah/reset",
            post(reset_second_factor),
        )
}

// ---- users ----

#[derive(Deserialize)]
struct UserQuery {
    q: Option<String>,
    role: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    l: Layout,
    q: String,
    role: String,
    roles: Vec<(String, String)>,
    rows: Vec<User>,
    pager: Pager,
    can_manage: bool,
    me: i64,
}

impl UsersPage {
    fn role_label(&self, r: &str) -> String {
        Role::parse(r)
            .map(|r| self.l.tr.t(r.label_key()))
            .unwrap_or_default()
    }
}

fn role_options(tr: &Tr) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), tr.t(r.label_key())))
        .collect()
}

async fn users(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<UserQuery>,
) -> Result<Response, WebError> {
    let role = q.role.as_deref().and_then(|r| Role::parse(r).ok());
    let text = q.q.unwrap_or_default();
    let page = users::list(&state.db, auth.ctx(), &text, role, q.hal, 50).await?;
    let role_s = role.map(|r| r.as_str().to_string()).unwrap_or_default();
    let pager = Pager::new(
        &page,
        "/pengguna",
        &[("q", text.clone()), ("role", role_s.clone())],
    );
    let can_manage = can(&auth.ctx().actor, Action::UserManage, None);
    let roles = role_options(&auth.0.tr);
    let l = Layout::new(&auth.0, "users-title").await?;
    html(&UsersPage {
        l,
        q: text,
        role: role_s,
        roles,
        rows: page.items,
        pager,
        can_manage,
        me: auth.ctx().actor.user_id,
    })
}

async fn user_fields(
    state: &AppState,
    auth: &Auth,
    i: &UserInput,
    e: &FieldErrors,
    creating: bool,
) -> Result<Vec<Field>, WebError> {
    let tr = &auth.0.tr;
    let ctx = auth.ctx();
    let offices = benteng_app::offices::choices(&state.db, ctx)
        .await?
        .into_iter()
        .filter(|o| o.kind == "kanim")
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let agencies = benteng_app::agencies::choices(&state.db, ctx)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect();
    let mut f = vec![
        Field::new(
            tr,
            "username",
            "field-username",
            "text",
            i.username.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-username")),
        Field::new(
            tr,
            "full_name",
            "field-full-name",
            "text",
            i.full_name.clone(),
            e,
        )
        .required(),
        Field::new(tr, "email", "field-email", "email", i.email.clone(), e),
        Field::new(tr, "role", "field-role", "select", i.role.clone(), e)
            .required()
            .options(role_options(tr)),
        Field::new(
            tr,
            "office_id",
            "field-office",
            "select",
            i.office_id.clone(),
            e,
        )
        .options(offices)
        .hint(tr.t("hint-office-for-petugas")),
        Field::new(
            tr,
            "pimpasa",
            "field-pimpasa",
            "checkbox",
            i.pimpasa.clone().unwrap_or_default(),
            e,
        ),
        Field::new(
            tr,
            "pemeriksa",
            "field-pemeriksa",
            "checkbox",
            i.pemeriksa.clone().unwrap_or_default(),
            e,
        ),
        Field::new(
            tr,
            "agency_id",
            "field-agency",
            "select",
            i.agency_id.clone(),
            e,
        )
        .options(agencies)
        .hint(tr.t("hint-agency-for-mitra")),
        Field::new(
            tr,
            "region_code",
            "field-home-region",
            "text",
            i.region_code.clone(),
            e,
        )
        .hint(tr.t("hint-home-region")),
        Field::new(
            tr,
            "password",
            if creating {
                "field-password"
            } else {
                "field-new-password-optional"
            },
            "password",
            "",
            e,
        )
        .hint(tr.t("hint-password")),
    ];
    if creating {
        f[9].required = true;
    } else {
        f.push(Field::new(
            tr,
            "active",
            "field-active",
            "checkbox",
            i.active.clone().unwrap_or_default(),
            e,
        ));
    }
    super::area::places(
        state,
        &mut f,
        &[("region_code", &[RegionLevel::Provinsi, RegionLevel::Desa])],
        Some(&auth.ctx().actor.scope),
    )
    .await?;
    Ok(f)
}

async fn new_user(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    auth.ctx().require(Action::UserManage, None)?;
    let fields = user_fields(
        &state,
        &auth,
        &UserInput::default(),
        &FieldErrors::new(),
        true,
    )
    .await?;
    form(
        &auth,
        "users-new",
        "/pengguna".into(),
        "/pengguna".into(),
        fields,
        StatusCode::OK,
    )
    .await
}

async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<UserInput>,
) -> Result<Response, WebError> {
    let e = match users::create(&state.db, auth.ctx(), &i).await {
        Ok(_) => return flash_redirect(&auth.0, "flash-user-created", "/pengguna").await,
        Err(e) => form_errors(e)?.1,
    };
    let fields = user_fields(&state, &auth, &i, &e, true).await?;
    form(
        &auth,
        "users-new",
        "/pengguna".into(),
        "/pengguna".into(),
        fields,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn edit_user(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    auth.ctx().require(Action::UserManage, None)?;
    let u = users::show(&state.db, auth.ctx(), id).await?;
    let i = UserInput {
        username: u.username,
        full_name: u.full_name,
        email: u.email.unwrap_or_default(),
        role: u.role,
        pimpasa: (u.pimpasa == 1).then(|| "1".into()),
        pemeriksa: (u.pemeriksa == 1).then(|| "1".into()),
        office_id: u.office_id.map(|n| n.to_string()).unwrap_or_default(),
        agency_id: u.agency_id.map(|n| n.to_string()).unwrap_or_default(),
        region_code: u.region_code.unwrap_or_default(),
        password: String::new(),
        active: (u.active == 1).then(|| "1".into()),
    };
    let fields = user_fields(&state, &auth, &i, &FieldErrors::new(), false).await?;
    form(
        &auth,
        "users-edit",
        format!("/pengguna/{id}"),
        "/pengguna".into(),
        fields,
        StatusCode::OK,
    )
    .await
}

async fn update_user(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<UserInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let e = match users::update(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => return flash_redirect(&auth.0, "flash-saved", "/pengguna").await,
        Err(e) => form_errors(e)?.1,
    };
    let fields = user_fields(&state, &auth, &i, &e, false).await?;
    form(
        &auth,
        "users-edit",
        format!("/pengguna/{id}"),
        "/pengguna".into(),
        fields,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// An admin removes a user's second factor (a lost phone): audited as `totp_reset`, and the
/// user is signed out everywhere; where their role requires one they enrol again at the next
/// sign-in. Admins cannot reset their own here (the account page asks for password and code).
async fn reset_second_factor(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    benteng_app::account::second_factor::reset(&state.db, auth.ctx(), id).await?;
    flash_redirect(&auth.0, "flash-totp-reset", "/pengguna").await
}
