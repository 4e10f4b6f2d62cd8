//! Notification preferences: per kind (alerts, mentions, referrals, reports, digest) and channel
//! (in-app, e-mail, WhatsApp, SMS), with the addresses they need.
//!
//! Decisions:
//! - Without a stored choice a kind goes in-app only (the digest nowhere); the other channels
//!   are opt-in ([`NoticeKind::default_on`]).
//! - A channel that needs an address (e-mail; WhatsApp and SMS need a phone) cannot be switched
//!   on without one: the form says so next to the field.
//! - Channels the operator has not configured are not offered (the caller passes the list).

use crate::{Ctx, Result};
use benteng_domain::coordination::{Channel, NoticeKind};
use serde::Serialize;

/// A user's choices and addresses.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// (kind, channel) pairs that are on.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub on: Vec<(String, String)>,
}

impl Preferences {
    pub fn is_on(&self, kind: &str, channel: &str) -> bool {
        self.on.iter().any(|(k, c)| k == kind && c == channel)
    }
}

/// A user's choices as read by `benteng_app::rooms::prefs`: the addresses checked (the phone
/// in +62 form), the pairs switched on among the offered channels, each with its address.
#[derive(Debug, Clone, Default)]
pub struct NewPreferences {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub on: Vec<(NoticeKind, Channel)>,
}

impl crate::rooms::Repo<'_> {
    pub async fn preferences(&self, ctx: &Ctx) -> Result<Preferences> {
        let (email, phone): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT email, phone FROM users WHERE id = $1")
                .bind(ctx.actor.user_id)
                .fetch_one(&self.db.pool)
                .await?;
        let stored: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT kind, channel, enabled FROM notification_prefs WHERE user_id = $1",
        )
        .bind(ctx.actor.user_id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut on = Vec::new();
        for k in NoticeKind::ALL {
            for c in Channel::ALL {
                let enabled = stored
                    .iter()
                    .find(|(sk, sc, _)| sk == k.as_str() && sc == c.as_str())
                    .map(|(_, _, e)| *e == 1)
                    .unwrap_or_else(|| k.default_on(*c));
                if enabled {
                    on.push((k.as_str().to_string(), c.as_str().to_string()));
                }
            }
        }
        Ok(Preferences { email, phone, on })
    }

    /// Save a user's choices for the `offered` channels and their addresses.
    pub async fn set_preferences(
        &self,
        ctx: &Ctx,
        p: &NewPreferences,
        offered: &[Channel],
    ) -> Result<()> {
        let (email, phone, on) = (&p.email, &p.phone, &p.on);
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE users SET email = $1, phone = $2, updated_at = $3 WHERE id = $4")
            .bind(email)
            .bind(phone)
            .bind(crate::now())
            .bind(ctx.actor.user_id)
            .execute(&mut *tx)
            .await?;
        for k in NoticeKind::ALL {
            for c in offered {
                let enabled = on.contains(&(*k, *c));
                sqlx::query(
                    "INSERT INTO notification_prefs (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, kind, channel) DO UPDATE SET enabled = $4",
                )
                .bind(ctx.actor.user_id)
                .bind(k.as_str())
                .bind(c.as_str())
                .bind(enabled as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The channels each recipient wants for a notice `kind` (one query for all recipients).
pub(crate) async fn channels_for(
    conn: &mut sqlx::AnyConnection,
    recipients: &[i64],
    kind: &str,
) -> Result<Vec<(i64, Vec<Channel>)>> {
    let k = NoticeKind::of(kind);
    let mut stored: Vec<(i64, String, i64)> = Vec::new();
    for chunk in recipients.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(i64::to_string).collect();
        stored.extend(
            sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(format!(
                "SELECT user_id, channel, enabled FROM notification_prefs WHERE kind = $1 AND user_id IN ({})",
                ids.join(", ")
            )))
            .bind(k.as_str())
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    Ok(recipients
        .iter()
        .map(|r| {
            let chosen = Channel::ALL
                .iter()
                .copied()
                .filter(|c| {
                    stored
                        .iter()
                        .find(|(u, ch, _)| u == r && ch == c.as_str())
                        .map(|(_, _, e)| *e == 1)
                        .unwrap_or_else(|| k.default_on(*c))
                })
                .collect();
            (*r, chosen)
        })
        .collect())
}
