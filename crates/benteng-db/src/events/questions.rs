//! Questions asked at an event and their answers; an answer published to the public FAQ
//! (never with who asked it). The officer's form is read in `benteng_app::events`.

use super::*;

/// A question asked at an event, with its answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: i64,
    pub asked_by: Option<String>,
    pub village_code: String,
    #[sqlx(default)]
    pub village_name: Option<String>,
    pub question: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub published: i64,
}

/// An answer published to the public FAQ.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqEntry {
    pub id: i64,
    pub question: String,
    pub answer: String,
    pub answered_by: Option<String>,
    pub published_at: i64,
}

/// A question asked at an event, checked (the village is one of the invited ones or empty).
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub asked_by: Option<String>,
    pub village: String,
    pub question: String,
    pub answer: Option<String>,
    /// The agency that answered.
    pub answered_by: Option<String>,
}

impl crate::events::Repo<'_> {
    /// Record a question asked at the event and, when given, its answer (officers).
    pub async fn add_question(&self, ctx: &Ctx, id: i64, q: &NewQuestion) -> Result<i64> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let NewQuestion {
            asked_by,
            village,
            question,
            answer,
            answered_by,
        } = q.clone();
        let mut tx = self.db.begin().await?;
        let (qid,): (i64,) = sqlx::query_as(
            "INSERT INTO event_questions (event_id, asked_by, village_code, question, answer, answered_by, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(id)
        .bind(asked_by)
        .bind(village)
        .bind(question)
        .bind(answer)
        .bind(answered_by)
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "question",
                entity: "event",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(qid)
    }

    /// Publish an answered question to the public FAQ, or take it back (officers). The asker's
    /// name and village are never published.
    pub async fn publish_question(
        &self,
        ctx: &Ctx,
        id: i64,
        question: i64,
        publish: bool,
    ) -> Result<()> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let answer: Option<Option<String>> = sqlx::query_scalar(
            "SELECT answer FROM event_questions WHERE id = $1 AND event_id = $2",
        )
        .bind(question)
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(answer) = answer else {
            return Err(Error::NotFound);
        };
        if publish && answer.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(crate::reports::invalid("answer", "err-answer-first"));
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE event_questions SET published = $1, published_at = $2 WHERE id = $3")
            .bind(i64::from(publish))
            .bind(publish.then(crate::now))
            .bind(question)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: if publish { "publish" } else { "unpublish" },
                entity: "event_question",
                entity_id: Some(question.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db.shelves.faq.forget();
        Ok(())
    }

    /// The questions of an event with their answers, for whoever may see the event (the
    /// same check and rows as the event page, [`Self::get_event`]).
    pub async fn questions(&self, ctx: &Ctx, id: i64) -> Result<Vec<Question>> {
        self.event_place_for_viewer(ctx, id).await?;
        self.question_rows(id).await
    }

    /// The questions of an event in the order they were asked (no check: callers check).
    pub(super) async fn question_rows(&self, id: i64) -> Result<Vec<Question>> {
        Ok(sqlx::query_as::<_, Question>(
            "SELECT q.id, q.asked_by, q.village_code, r.name AS village_name, q.question, q.answer, q.answered_by, q.published \
             FROM event_questions q LEFT JOIN regions r ON r.code = q.village_code WHERE q.event_id = $1 ORDER BY q.id LIMIT 500",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// The public FAQ: published answers, newest first (no account).
    /// Kept for seconds ([`crate::shelf`]); publishing or withdrawing an answer drops it.
    pub async fn faq(&self, page: Option<i64>) -> Result<Page<FaqEntry>> {
        let (page, per_page, offset) = crate::paging(page, 25);
        self.db
            .shelves
            .faq
            .get(&page.to_string(), || self.read_faq(page, per_page, offset))
            .await
    }

    async fn read_faq(&self, page: i64, per_page: i64, offset: i64) -> Result<Page<FaqEntry>> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM event_questions WHERE published = 1")
                .fetch_one(&self.db.pool)
                .await?;
        let items = sqlx::query_as::<_, FaqEntry>(sqlx::AssertSqlSafe(format!(
            "SELECT id, question, answer, answered_by, published_at FROM event_questions \
             WHERE published = 1 AND answer IS NOT NULL ORDER BY published_at DESC, id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .fetch_all(&self.db.pool)
        .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }
}
