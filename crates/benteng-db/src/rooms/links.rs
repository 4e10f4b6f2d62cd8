//! A message turned into a report, and the way back from a report to where it came from.

use crate::storage::BlobStore;
use crate::{Ctx, Error, Result};
use benteng_domain::intake::NewReport;
use benteng_domain::Action;
use serde::Serialize;

/// Where a report came from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Origin {
    /// A room message: (room id, room name, message id).
    Room(i64, String, i64),
    /// A resident's WhatsApp message: (conversation id, message id).
    Whatsapp(i64, i64),
}

impl crate::rooms::Repo<'_> {
    /// Turn a room message into a report, filed by the acting member, linked both ways in one
    /// transaction (a message already turned into a report is refused). The description is the
    /// caller's (the form starts from the message's text), read by `benteng_app::reports`.
    pub async fn message_to_report(
        &self,
        ctx: &Ctx,
        room_id: i64,
        message_id: i64,
        v: NewReport,
        store: &dyn BlobStore,
    ) -> Result<(i64, String)> {
        ctx.require(Action::ReportCreate, None)?;
        let access = self.open_room(ctx, room_id).await?;
        if !access.member {
            return Err(Error::Forbidden);
        }
        let existing: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT report_id FROM room_messages WHERE id = $1 AND room_id = $2",
        )
        .bind(message_id)
        .bind(room_id)
        .fetch_optional(&self.db.pool)
        .await?;
        match existing {
            None => return Err(Error::NotFound),
            Some(Some(_)) => return Err(Error::Conflict("message", "err-message-has-report")),
            Some(None) => {}
        }
        self.db
            .reports()
            .insert_user_report(ctx, v, &[], store, None, Some(("pesan", message_id)))
            .await
    }

    /// The message a report was made from, for the report's page (the caller has already
    /// opened the report, so the actor may see it).
    pub(crate) async fn origin_of(&self, kind: &str, id: i64) -> Result<Option<Origin>> {
        Ok(match kind {
            "pesan" => sqlx::query_as::<_, (i64, String)>(
                "SELECT r.id, r.name FROM room_messages m JOIN rooms r ON r.id = m.room_id WHERE m.id = $1",
            )
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .map(|(room, name)| Origin::Room(room, name, id)),
            "whatsapp" => {
                sqlx::query_scalar::<_, i64>("SELECT contact_id FROM wa_messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.db.pool)
                    .await?
                    .map(|c| Origin::Whatsapp(c, id))
            }
            _ => None,
        })
    }
}
