//! An event's own room: the planner opens it from the event's page for the invited villages'
//! users, the officers and the partner agencies it chooses (those a speaker names are ticked),
//! and lands in it. The rules are in `benteng_db::rooms::event_room`.

use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_text_redirect, parse_id, FormPairs};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use benteng_app::rooms::{self, EventRoomChoice};

/// `POST /sosialisasi/{id}/ruang`: open the event's room, or add those invited since.
/// Fields: `desa=1` (the invited villages' users), `petugas=1` (the officers), `mitra=ID`
/// repeated (agencies).
pub(super) async fn open(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let on = |name: &str| {
        pairs
            .iter()
            .any(|(k, v)| k == name && crate::pages::checked(v))
    };
    let choice = EventRoomChoice {
        villages: on("desa"),
        officers: on("petugas"),
        // A value that is not a number cannot name an offered agency: it is left out.
        agencies: pairs
            .iter()
            .filter(|(k, _)| k == "mitra")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
    };
    let d = benteng_app::events::show(&state.db, auth.ctx(), id).await?;
    let tr = &auth.0.tr;
    let announce = format!(
        "{}\n{}: {}\n{}: {}",
        tr.t1("event-room-announce", "title", &d.event.title),
        tr.t("field-date"),
        tr.zoned(&d.event.starts_at, &d.event.zone),
        tr.t("field-venue"),
        d.event.venue,
    );
    let (room, added) =
        rooms::open_event_room(&state.db, auth.ctx(), id, &choice, &announce).await?;
    flash_text_redirect(
        &auth.0,
        tr.t1("flash-event-room", "n", added as i64),
        &format!("/ruang/{room}"),
    )
    .await
}
