//! The daily digest: for each user who asked for it, what happened in their rooms in the last
//! day (messages, alerts), by the channels they chose.
//!
//! Decisions:
//! - One digest per user and day, whichever worker makes it: the `digests` row is written in
//!   the same transaction as the outbox rows, and a second worker finds it there.
//! - A day without activity in any of the user's rooms sends nothing (the day is still marked).
//! - The text is composed by the caller (the worker knows the user's language).

use crate::Result;

/// What happened in one room since the last digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomActivity {
    pub room_id: i64,
    pub name: String,
    pub messages: i64,
    #[sqlx(skip)]
    pub alerts: Vec<String>,
}

/// What the caller renders: the subject line and the text of the digest.
pub struct DigestText {
    pub subject: String,
    pub body: String,
}

impl crate::rooms::Repo<'_> {
    /// Users who want a digest (on any channel) and have none for `day` yet, with their
    /// language.
    pub async fn digest_candidates(&self, day: &str) -> Result<Vec<(i64, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.locale FROM users u WHERE u.active = 1 \
             AND EXISTS (SELECT 1 FROM notification_prefs p WHERE p.user_id = u.id AND p.kind = 'digest' AND p.enabled = 1) \
             AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.user_id = u.id AND d.day = $1) ORDER BY u.id LIMIT 5000",
        )
        .bind(day.to_string())
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Make `user`'s digest for `day` covering activity since `since`. Returns whether a
    /// digest was queued (false: another worker made it, or nothing happened).
    pub async fn make_digest(
        &self,
        user: i64,
        day: &str,
        since: i64,
        render: &(dyn Fn(&[RoomActivity]) -> DigestText + Send + Sync),
    ) -> Result<bool> {
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let mine = sqlx::query(
            "INSERT INTO digests (user_id, day, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, day) DO NOTHING",
        )
        .bind(user)
        .bind(day.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !mine {
            tx.commit().await?;
            return Ok(false);
        }
        let mut rooms: Vec<RoomActivity> = sqlx::query_as(
            "SELECT r.id AS room_id, r.name, COUNT(x.id) AS messages FROM room_members m JOIN rooms r ON r.id = m.room_id \
             JOIN room_messages x ON x.room_id = r.id AND x.created_at >= $2 \
             WHERE m.user_id = $1 AND m.removed_at IS NULL GROUP BY r.id, r.name ORDER BY r.name",
        )
        .bind(user)
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        for r in &mut rooms {
            r.alerts = sqlx::query_scalar(
                "SELECT a.severity || ': ' || a.title FROM room_messages x JOIN alerts a ON a.id = x.alert_id \
                 WHERE x.room_id = $1 AND x.created_at >= $2 ORDER BY x.id LIMIT 10",
            )
            .bind(r.room_id)
            .bind(since)
            .fetch_all(&mut *tx)
            .await?;
        }
        if rooms.is_empty() {
            tx.commit().await?;
            return Ok(false);
        }
        let text = render(&rooms);
        let chosen = super::prefs::channels_for(&mut tx, &[user], "digest").await?;
        for (_, channels) in chosen {
            for c in channels {
                sqlx::query(
                    "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at, body) \
                     VALUES ($1, 'digest', $2, '/ruang', $3, 'pending', $4, $4, $5)",
                )
                .bind(user)
                .bind(c.as_str())
                .bind(text.subject.clone())
                .bind(now)
                .bind(text.body.clone())
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
