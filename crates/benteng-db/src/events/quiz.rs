//! The pre-test and post-test of an event (see `benteng_domain::quiz` for the rules): the
//! question bank admins and the Kanwil edit, a participant's test on their own phone through
//! the personal link they get at check-in, and the results with the knowledge gain.
//!
//! Decisions:
//! - A participant is known by the random token of their check-in row, carried in their quiz
//!   link; no account, no session (a phone's session may expire between the tests). Checking
//!   in again with the same name and village shows the same link, which is what a participant
//!   who lost the page needs; a public meeting's quiz needs no more protection than that.
//! - A submitted test is never changed: there is no update path, and the unique index
//!   (event, participant, test) makes a second submission store nothing.
//! - The officer opens the post-test (which closes the pre-test) and closes both at the end.
//! - A desa user sees the results of their own village's participants only.

use super::*;
use benteng_domain::quiz::{
    self, check_answers, split_options, Attempt, BankQuestion, QuizKind, QuizStage,
    MAX_EVENT_QUESTIONS,
};

/// A question of the bank.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankRow {
    pub id: i64,
    pub topic: String,
    pub question: String,
    /// One option per line.
    pub options: String,
    /// 0-based index of the right option.
    pub correct: i64,
    pub source: Option<String>,
    pub active: i64,
}

impl BankRow {
    pub fn option_list(&self) -> Vec<String> {
        split_options(&self.options)
    }

    pub fn is_correct(&self, index: &usize) -> bool {
        self.correct == *index as i64
    }
}

/// A question as a participant sees it (without the answer).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizItem {
    pub position: i64,
    pub topic: String,
    pub question: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ItemRow {
    position: i64,
    topic: String,
    question: String,
    options: String,
    correct: i64,
}

/// A test a participant has taken.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Taken {
    pub kind: String,
    pub score: i64,
    pub total: i64,
}

/// What a participant's quiz page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantQuiz {
    pub event: PublicEvent,
    pub name: String,
    /// `pre`, `post` or `closed`.
    pub stage: String,
    /// The test open now and not yet taken by this participant.
    pub open: Option<String>,
    pub items: Vec<QuizItem>,
    pub taken: Vec<Taken>,
}

/// The answer to a submitted test.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submitted {
    pub kind: String,
    pub score: i64,
    pub total: i64,
    /// False when this test had been submitted before (nothing was changed).
    pub recorded_now: bool,
}

/// Pre and post figures of a group; percentages of right answers.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GainRow {
    pub pre_n: i64,
    pub post_n: i64,
    /// Participants who took both tests; the percentages and the gain are theirs.
    pub paired_n: i64,
    pub pre_pct: Option<f64>,
    pub post_pct: Option<f64>,
    /// Post minus pre in percentage points.
    pub gain: Option<f64>,
}

impl From<&quiz::Gain> for GainRow {
    fn from(g: &quiz::Gain) -> GainRow {
        GainRow {
            pre_n: g.pre_n as i64,
            post_n: g.post_n as i64,
            paired_n: g.paired_n as i64,
            pre_pct: g.pre_pct,
            post_pct: g.post_pct,
            gain: g.gain(),
        }
    }
}

impl GainRow {
    /// "62,5%" or "–".
    pub fn pre_text(&self) -> String {
        pct_text(self.pre_pct)
    }
    pub fn post_text(&self) -> String {
        pct_text(self.post_pct)
    }
    /// "+25,0" or "–".
    pub fn gain_text(&self) -> String {
        match self.gain {
            Some(g) => format!("{g:+.1}").replace('.', ","),
            None => "–".to_string(),
        }
    }
}

fn pct_text(p: Option<f64>) -> String {
    match p {
        Some(p) => format!("{p:.1}%").replace('.', ","),
        None => "–".to_string(),
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    pub position: i64,
    pub question: String,
    #[serde(flatten)]
    pub figures: GainRow,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VillageResult {
    /// Empty: participants from outside the invited villages.
    pub village_code: String,
    pub village_name: String,
    #[serde(flatten)]
    pub figures: GainRow,
}

/// An event's test results.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizResults {
    pub stage: String,
    pub overall: GainRow,
    pub questions: Vec<QuestionResult>,
    pub villages: Vec<VillageResult>,
    /// True when only the viewer's own village is counted (desa users).
    pub own_village_only: bool,
}

/// A participant's quiz token: 32 lowercase hex characters.
fn valid_token(t: &str) -> bool {
    t.len() == 32
        && t.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl crate::events::Repo<'_> {
    /// The question bank (officers who run events, admins and the Kanwil).
    pub async fn quiz_bank(&self, ctx: &Ctx) -> Result<Vec<BankRow>> {
        if !ctx.allows(Action::QuizBankManage, None) {
            ctx.require(Action::EventManage, None)?;
        }
        Ok(sqlx::query_as(
            "SELECT id, topic, question, options, correct, source, active FROM quiz_questions ORDER BY id LIMIT 500",
        )
        .fetch_all(&self.db.pool)
        .await?)
    }

    pub async fn quiz_bank_question(&self, ctx: &Ctx, id: i64) -> Result<BankRow> {
        ctx.require(Action::QuizBankManage, None)?;
        sqlx::query_as(
            "SELECT id, topic, question, options, correct, source, active FROM quiz_questions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)
    }

    /// Add (`id` None) or change a bank question (checked by `benteng_app::events`). Events
    /// whose test has opened keep their copy.
    pub async fn save_quiz_question(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        q: &BankQuestion,
    ) -> Result<i64> {
        ctx.require(Action::QuizBankManage, None)?;
        let mut tx = self.db.begin().await?;
        let now = crate::now();
        let id = match id {
            Some(id) => {
                let n = sqlx::query(
                    "UPDATE quiz_questions SET topic = $1, question = $2, options = $3, correct = $4, source = $5, \
                     active = $6, updated_by = $7, updated_at = $8 WHERE id = $9",
                )
                .bind(q.topic.as_str())
                .bind(q.question.clone())
                .bind(quiz::join_options(&q.options))
                .bind(q.correct as i64)
                .bind(q.source.clone())
                .bind(i64::from(q.active))
                .bind(ctx.actor.user_id)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(Error::NotFound);
                }
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO quiz_questions (topic, question, options, correct, source, active, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(q.topic.as_str())
                .bind(q.question.clone())
                .bind(quiz::join_options(&q.options))
                .bind(q.correct as i64)
                .bind(q.source.clone())
                .bind(i64::from(q.active))
                .bind(ctx.actor.user_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "save",
                entity: "quiz_question",
                entity_id: Some(id.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The officer opens the post-test or closes the tests.
    pub async fn set_quiz_stage(&self, ctx: &Ctx, id: i64, stage: QuizStage) -> Result<()> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE events SET quiz_stage = $1, updated_at = $2 WHERE id = $3")
            .bind(stage.as_str())
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "quiz_stage",
                entity: "event",
                entity_id: Some(id.to_string()),
                detail: Some(stage.as_str().to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The event's questions, copied from the bank the first time they are asked for.
    async fn quiz_items(&self, event_id: i64) -> Result<Vec<ItemRow>> {
        let sql = "SELECT position, topic, question, options, correct FROM event_quiz_items \
                   WHERE event_id = $1 ORDER BY position";
        let items: Vec<ItemRow> = sqlx::query_as(sql)
            .bind(event_id)
            .fetch_all(&self.db.pool)
            .await?;
        if !items.is_empty() {
            return Ok(items);
        }
        let bank: Vec<BankRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, topic, question, options, correct, source, active FROM quiz_questions \
             WHERE active = 1 ORDER BY id LIMIT {MAX_EVENT_QUESTIONS}"
        )))
        .fetch_all(&self.db.pool)
        .await?;
        let mut tx = self.db.begin().await?;
        for (pos, q) in bank.iter().enumerate() {
            // Two first openings at once copy the same rows; the second changes nothing.
            sqlx::query(
                "INSERT INTO event_quiz_items (event_id, position, question_id, topic, question, options, correct) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, position) DO NOTHING",
            )
            .bind(event_id)
            .bind(pos as i64 + 1)
            .bind(q.id)
            .bind(q.topic.clone())
            .bind(q.question.clone())
            .bind(q.options.clone())
            .bind(q.correct)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(sqlx::query_as(sql)
            .bind(event_id)
            .fetch_all(&self.db.pool)
            .await?)
    }

    /// The participant behind a quiz link: (attendee id, event id, village, name, stage).
    async fn participant(
        &self,
        code: &str,
        token: &str,
    ) -> Result<(i64, i64, String, String, String)> {
        if !valid_token(token) {
            return Err(Error::NotFound);
        }
        let code = parse_code(code).map_err(|_| Error::NotFound)?;
        sqlx::query_as(
            "SELECT a.id, e.id, a.village_code, a.name, e.quiz_stage FROM event_attendees a \
             JOIN events e ON e.id = a.event_id WHERE e.checkin_code = $1 AND a.token = $2",
        )
        .bind(code)
        .bind(token.to_string())
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)
    }

    /// A participant's quiz page (public, by their link).
    pub async fn participant_quiz(&self, code: &str, token: &str) -> Result<ParticipantQuiz> {
        let (attendee, event_id, _, name, stage) = self.participant(code, token).await?;
        let (_, event) = self.event_by_code(code).await?;
        let taken: Vec<Taken> = sqlx::query_as(
            "SELECT kind, score, total FROM quiz_attempts WHERE event_id = $1 AND attendee_id = $2 ORDER BY id",
        )
        .bind(event_id)
        .bind(attendee)
        .fetch_all(&self.db.pool)
        .await?;
        let open = QuizStage::parse(&stage)
            .ok()
            .and_then(QuizStage::open_test)
            .filter(|k| !taken.iter().any(|t| t.kind == k.as_str()));
        let items = match open {
            Some(_) => self
                .quiz_items(event_id)
                .await?
                .into_iter()
                .map(|r| QuizItem {
                    position: r.position,
                    topic: r.topic,
                    question: r.question,
                    options: split_options(&r.options),
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(ParticipantQuiz {
            event,
            name,
            stage,
            open: open.map(|k| k.as_str().to_string()),
            items,
            taken,
        })
    }

    /// Is there a participant behind this quiz link? (404 when not.)
    pub async fn quiz_link_known(&self, code: &str, token: &str) -> Result<()> {
        self.participant(code, token).await.map(|_| ())
    }

    /// Submit a test: `choices[i]` is the 0-based option chosen for question `i + 1`. Whether
    /// the test is open and every question answered is checked here, against the stored
    /// stage and questions, where it guards the write.
    pub async fn submit_quiz(
        &self,
        code: &str,
        token: &str,
        kind: QuizKind,
        choices: &[Option<usize>],
    ) -> Result<Submitted> {
        let (attendee, event_id, village, _, stage) = self.participant(code, token).await?;
        if QuizStage::parse(&stage).ok().and_then(QuizStage::open_test) != Some(kind) {
            // A test taken before stays; only new submissions are refused.
            if let Some(t) = self.taken(event_id, attendee, kind).await? {
                return Ok(t);
            }
            return Err(invalid("kind", "err-quiz-closed"));
        }
        let items = self.quiz_items(event_id).await?;
        if items.is_empty() {
            return Err(invalid("kind", "err-quiz-empty"));
        }
        let counts: Vec<usize> = items
            .iter()
            .map(|i| split_options(&i.options).len())
            .collect();
        if check_answers(&counts, choices).is_err() {
            return Err(invalid("answers", "err-quiz-unanswered"));
        }
        let right: Vec<bool> = items
            .iter()
            .zip(choices)
            .map(|(i, c)| c.map(|c| c as i64) == Some(i.correct))
            .collect();
        let score = right.iter().filter(|r| **r).count() as i64;
        let total = items.len() as i64;
        let mut tx = self.db.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO quiz_attempts (event_id, attendee_id, kind, village_code, score, total, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, attendee_id, kind) DO NOTHING RETURNING id",
        )
        .bind(event_id)
        .bind(attendee)
        .bind(kind.as_str())
        .bind(village)
        .bind(score)
        .bind(total)
        .bind(crate::now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(attempt) = id else {
            tx.rollback().await?;
            return self
                .taken(event_id, attendee, kind)
                .await?
                .ok_or(Error::Conflict("kind", "err-try-again"));
        };
        for ((item, choice), ok) in items.iter().zip(choices).zip(&right) {
            sqlx::query(
                "INSERT INTO quiz_answers (attempt_id, position, choice, is_right) VALUES ($1, $2, $3, $4)",
            )
            .bind(attempt)
            .bind(item.position)
            .bind(choice.map(|c| c as i64).unwrap_or(-1))
            .bind(i64::from(*ok))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Submitted {
            kind: kind.as_str().to_string(),
            score,
            total,
            recorded_now: true,
        })
    }

    async fn taken(
        &self,
        event_id: i64,
        attendee: i64,
        kind: QuizKind,
    ) -> Result<Option<Submitted>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT score, total FROM quiz_attempts WHERE event_id = $1 AND attendee_id = $2 AND kind = $3",
        )
        .bind(event_id)
        .bind(attendee)
        .bind(kind.as_str())
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(row.map(|(score, total)| Submitted {
            kind: kind.as_str().to_string(),
            score,
            total,
            recorded_now: false,
        }))
    }

    /// Results of an event's tests: overall, per question and per village.
    pub async fn quiz_results(&self, ctx: &Ctx, id: i64) -> Result<QuizResults> {
        self.event_place_for_viewer(ctx, id).await?;
        let stage: String = sqlx::query_scalar("SELECT quiz_stage FROM events WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?;
        let items: Vec<ItemRow> = sqlx::query_as(
            "SELECT position, topic, question, options, correct FROM event_quiz_items WHERE event_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let own = match &ctx.actor.scope {
            benteng_domain::Scope::Village(v) => Some(v.as_str().to_string()),
            _ => None,
        };
        let rows: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT q.id, q.attendee_id, q.kind, q.village_code, a.position, a.is_right FROM quiz_attempts q \
             JOIN quiz_answers a ON a.attempt_id = q.id \
             WHERE q.event_id = $1 AND ($2 = '' OR q.village_code = $2) ORDER BY q.id, a.position",
        )
        .bind(id)
        .bind(own.clone().unwrap_or_default())
        .fetch_all(&self.db.pool)
        .await?;
        let mut attempts: Vec<(i64, Attempt)> = Vec::new();
        for (attempt, participant, kind, village, _, right) in rows {
            if attempts.last().map(|(a, _)| *a) != Some(attempt) {
                let Ok(kind) = QuizKind::parse(&kind) else {
                    continue;
                };
                attempts.push((
                    attempt,
                    Attempt {
                        participant,
                        kind,
                        village,
                        right: Vec::new(),
                    },
                ));
            }
            if let Some((_, a)) = attempts.last_mut() {
                a.right.push(right == 1);
            }
        }
        let attempts: Vec<Attempt> = attempts.into_iter().map(|(_, a)| a).collect();
        let r = quiz::results(items.len(), &attempts);
        let mut villages = Vec::new();
        for (code, g) in &r.per_village {
            let name = if code.is_empty() {
                String::new()
            } else {
                self.db
                    .regions()
                    .region_by_code(code)
                    .await?
                    .map(|r| r.name)
                    .unwrap_or_else(|| code.clone())
            };
            villages.push(VillageResult {
                village_code: code.clone(),
                village_name: name,
                figures: g.into(),
            });
        }
        villages.sort_by(|a, b| a.village_name.cmp(&b.village_name));
        Ok(QuizResults {
            stage,
            overall: (&r.overall).into(),
            questions: items
                .iter()
                .zip(&r.per_question)
                .map(|(i, g)| QuestionResult {
                    position: i.position,
                    question: i.question.clone(),
                    figures: g.into(),
                })
                .collect(),
            villages,
            own_village_only: own.is_some(),
        })
    }
}

fn invalid(field: &'static str, code: &'static str) -> Error {
    crate::reports::invalid(field, code)
}
