//! What the pages of immigration offices (`/kantor`) and of partner agencies (`/instansi`)
//! share: both are a directory of organisations with a name, a kind, a place and contacts,
//! listed to those whose scope holds the place and managed by admins. Each page module
//! describes itself with a [`Desk`] and keeps its own handlers, template and record; the list
//! page's parts, the form's fields and the new/create/edit/update flow are here. The plain
//! form page is also the user form's.

use super::{flash_redirect, form_errors, html_status, Field, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use benteng_domain::{can, Action, FieldErrors};
use serde::Deserialize;

/// One kind of organisation as its pages show it.
pub(super) struct Desk {
    /// The list's path; a record's page or form is `<path>/<id>`.
    pub path: &'static str,
    /// Fluent ids of the list's, the new form's and the edit form's titles.
    pub list_title: &'static str,
    pub new_title: &'static str,
    pub edit_title: &'static str,
    pub manage: Action,
    /// The kind field's label, the kinds, and the prefix of each kind's Fluent id.
    pub kind_label: &'static str,
    pub kinds: &'static [&'static str],
    pub kind_prefix: &'static str,
    /// The place field: its name, label and hint.
    pub place: (&'static str, &'static str, &'static str),
    /// The levels the place field takes (for the picker's suggestions and choices).
    pub place_levels: &'static [benteng_domain::RegionLevel],
    /// Offices have a page of their own (with their areas), where saving leads and an edit
    /// is cancelled to; agencies go back to the list.
    pub own_page: bool,
    /// Offices answer a taken name with 409; agencies with 422, as any wrong field.
    pub conflict_status: bool,
}

impl Desk {
    fn record_page(&self, id: i64) -> String {
        if self.own_page {
            format!("{}/{id}", self.path)
        } else {
            self.path.to_string()
        }
    }
}

/// The list page's query.
#[derive(Deserialize)]
pub(super) struct ListQuery {
    pub hal: Option<i64>,
}

/// The fields both forms have, as typed.
pub(super) struct Typed<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub place: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

/// The list page's layout, pager and whether the reader may add and edit.
pub(super) async fn list_parts<T>(
    auth: &Auth,
    d: &Desk,
    page: &benteng_app::Page<T>,
) -> Result<(Layout, Pager, bool), WebError> {
    let pager = Pager::new(page, d.path, &[]);
    let can_manage = can(&auth.ctx().actor, d.manage, None);
    let l = Layout::new(&auth.0, d.list_title).await?;
    Ok((l, pager, can_manage))
}

pub(super) fn fields(tr: &Tr, d: &Desk, i: Typed<'_>, e: &FieldErrors) -> Vec<Field> {
    let kinds = d
        .kinds
        .iter()
        .map(|k| (k.to_string(), tr.t(&format!("{}{k}", d.kind_prefix))))
        .collect();
    let (place, place_label, place_hint) = d.place;
    vec![
        Field::new(tr, "name", "field-name", "text", i.name, e).required(),
        Field::new(tr, "kind", d.kind_label, "select", i.kind, e)
            .required()
            .options(kinds),
        Field::new(tr, place, place_label, "text", i.place, e)
            .required()
            .hint(tr.t(place_hint)),
        Field::new(tr, "address", "field-address", "text", i.address, e),
        Field::new(tr, "phone", "field-phone", "tel", i.phone, e),
        Field::new(tr, "email", "field-email", "email", i.email, e),
    ]
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

/// A plain form page.
pub(super) async fn form(
    auth: &Auth,
    title: &str,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let l = Layout::new(&auth.0, title).await?;
    html_status(
        status,
        &FormPage {
            l,
            action,
            fields,
            cancel,
        },
    )
}

/// A desk's form page: its place field (named in the desk) is a place picker.
#[allow(clippy::too_many_arguments)]
async fn desk_form(
    state: &AppState,
    d: &Desk,
    auth: &Auth,
    title: &str,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut fields = fields;
    super::area::places(
        state,
        &mut fields,
        &[(d.place.0, d.place_levels)],
        Some(&auth.ctx().actor.scope),
    )
    .await?;
    form(auth, title, action, cancel, fields, status).await
}

/// The empty form for a new record.
pub(super) async fn new_form(
    state: &AppState,
    auth: &Auth,
    d: &Desk,
    fields: Vec<Field>,
) -> Result<Response, WebError> {
    auth.ctx().require(d.manage, None)?;
    let path = d.path.to_string();
    desk_form(
        state,
        d,
        auth,
        d.new_title,
        path.clone(),
        path,
        fields,
        StatusCode::OK,
    )
    .await
}

/// After creating: the record's page, or the form again with the errors.
pub(super) async fn created(
    state: &AppState,
    auth: &Auth,
    d: &Desk,
    r: benteng_app::Result<i64>,
    fields: impl FnOnce(&FieldErrors) -> Vec<Field>,
) -> Result<Response, WebError> {
    let e = match r {
        Ok(id) => return flash_redirect(&auth.0, "flash-saved", &d.record_page(id)).await,
        Err(e) => e,
    };
    let (status, e) = error_status(d, e)?;
    let path = d.path.to_string();
    desk_form(
        state,
        d,
        auth,
        d.new_title,
        path.clone(),
        path,
        fields(&e),
        status,
    )
    .await
}

/// The form for an existing record (its fields filled from the record).
pub(super) async fn edit_form(
    state: &AppState,
    auth: &Auth,
    d: &Desk,
    id: i64,
    fields: Vec<Field>,
) -> Result<Response, WebError> {
    let action = format!("{}/{id}", d.path);
    desk_form(
        state,
        d,
        auth,
        d.edit_title,
        action,
        d.record_page(id),
        fields,
        StatusCode::OK,
    )
    .await
}

/// After updating: the record's page, or the form again with the errors.
pub(super) async fn updated(
    state: &AppState,
    auth: &Auth,
    d: &Desk,
    id: i64,
    r: benteng_app::Result<()>,
    fields: impl FnOnce(&FieldErrors) -> Vec<Field>,
) -> Result<Response, WebError> {
    let e = match r {
        Ok(()) => return flash_redirect(&auth.0, "flash-saved", &d.record_page(id)).await,
        Err(e) => e,
    };
    let (status, e) = error_status(d, e)?;
    let action = format!("{}/{id}", d.path);
    desk_form(
        state,
        d,
        auth,
        d.edit_title,
        action,
        d.record_page(id),
        fields(&e),
        status,
    )
    .await
}

fn error_status(d: &Desk, e: benteng_app::Error) -> Result<(StatusCode, FieldErrors), WebError> {
    let (status, e) = form_errors(e)?;
    if d.conflict_status {
        Ok((status, e))
    } else {
        Ok((StatusCode::UNPROCESSABLE_ENTITY, e))
    }
}
