//! Attendance: a participant checks in with the event's code on their own phone (public), or
//! an officer ticks them at the door. A second check-in of the same person (same name, same
//! village) is harmless and gives back the same quiz link. The participant's details are
//! read in `benteng_app::events`.

use super::*;

impl crate::events::Repo<'_> {
    /// A participant checks in at the event behind their check-in code (public; the caller
    /// resolved the code with [`crate::events::Repo::event_by_code`]). `recorded_now` is false when the same
    /// person (name and village) was already recorded; either way the answer carries the
    /// participant's quiz token.
    pub async fn check_in(&self, event_id: i64, p: &Participant) -> Result<CheckedIn> {
        self.record_attendee(None, event_id, p, "kode").await
    }

    /// An officer ticks a participant at the door.
    pub async fn add_attendee(&self, ctx: &Ctx, id: i64, p: &Participant) -> Result<bool> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        Ok(self
            .record_attendee(Some(ctx), id, p, "petugas")
            .await?
            .recorded_now)
    }

    async fn record_attendee(
        &self,
        ctx: Option<&Ctx>,
        id: i64,
        p: &Participant,
        via: &str,
    ) -> Result<CheckedIn> {
        let Participant {
            name,
            village,
            sex,
            role,
        } = p.clone();
        let village = village.as_str();
        let key = name_key(&name);
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "INSERT INTO event_attendees (event_id, name, name_key, village_code, sex, role, via, checked_in_at, token) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id, name_key, village_code) DO NOTHING",
        )
        .bind(id)
        .bind(name.clone())
        .bind(key.clone())
        .bind(village.to_string())
        .bind(sex)
        .bind(role.as_str())
        .bind(via.to_string())
        .bind(crate::now())
        .bind(quiz_token())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Rows from before quiz links get theirs on the next check-in.
        sqlx::query(
            "UPDATE event_attendees SET token = $1 WHERE event_id = $2 AND name_key = $3 AND village_code = $4 AND token IS NULL",
        )
        .bind(quiz_token())
        .bind(id)
        .bind(key.clone())
        .bind(village.to_string())
        .execute(&mut *tx)
        .await?;
        let token: String = sqlx::query_scalar(
            "SELECT token FROM event_attendees WHERE event_id = $1 AND name_key = $2 AND village_code = $3",
        )
        .bind(id)
        .bind(key)
        .bind(village.to_string())
        .fetch_one(&mut *tx)
        .await?;
        if n > 0 {
            audit::write(
                &mut *tx,
                ctx,
                AuditEvent {
                    action: "check_in",
                    entity: "event",
                    entity_id: Some(id.to_string()),
                    detail: Some(format!("via={via}")),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(CheckedIn {
            recorded_now: n > 0,
            token,
        })
    }
}

/// The answer to a check-in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    /// False when the same person had checked in before (nothing was added).
    pub recorded_now: bool,
    /// The participant's quiz link token (`/hadir/{code}/kuis/{token}`).
    pub token: String,
}

/// A participant's quiz token: 16 random bytes as lowercase hex.
fn quiz_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
