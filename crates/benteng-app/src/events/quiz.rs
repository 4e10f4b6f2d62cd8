//! The pre-test and post-test of an event: the question bank admins and the Kanwil edit, the
//! officer opening and closing the tests, a participant's test through their personal link,
//! and the results with the knowledge gain (see `benteng_domain::quiz` for the rules).

use super::invalid;
use benteng_db::events::{BankRow, ParticipantQuiz, QuizResults, Submitted};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::quiz::{BankInput, QuizKind, QuizStage};
use benteng_domain::Action;

/// The question bank (officers who run events, admins and the Kanwil).
pub async fn bank(db: &Db, ctx: &Ctx) -> Result<Vec<BankRow>> {
    db.events().quiz_bank(ctx).await
}

/// One bank question, for editing (admins and the Kanwil).
pub async fn bank_question(db: &Db, ctx: &Ctx, id: i64) -> Result<BankRow> {
    db.events().quiz_bank_question(ctx, id).await
}

/// Add (`id` None) or change a bank question. Events whose test has opened keep their copy.
/// Returns its id.
pub async fn save_bank_question(db: &Db, ctx: &Ctx, id: Option<i64>, i: &BankInput) -> Result<i64> {
    ctx.require(Action::QuizBankManage, None)?;
    let q = i.parse().map_err(Error::Invalid)?;
    db.events().save_quiz_question(ctx, id, &q).await
}

/// The officer opens the post-test (closing the pre-test) or closes the tests.
pub async fn set_quiz_stage(db: &Db, ctx: &Ctx, id: i64, stage: &str) -> Result<()> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let stage = QuizStage::parse(stage).map_err(|c| invalid("stage", c))?;
    db.events().set_quiz_stage(ctx, id, stage).await
}

/// A participant's quiz page (public, by their link).
pub async fn participant_quiz(db: &Db, code: &str, token: &str) -> Result<ParticipantQuiz> {
    db.events().participant_quiz(code, token).await
}

/// A participant submits a test: `choices[i]` is the 0-based option chosen for question
/// `i + 1`. A test is taken once; a second submission changes nothing.
pub async fn submit_quiz(
    db: &Db,
    code: &str,
    token: &str,
    kind: &str,
    choices: &[Option<usize>],
) -> Result<Submitted> {
    let kind = match QuizKind::parse(kind) {
        Ok(k) => k,
        Err(c) => {
            // An unknown link is "not found" whatever was sent.
            db.events().quiz_link_known(code, token).await?;
            return Err(invalid("kind", c));
        }
    };
    db.events().submit_quiz(code, token, kind, choices).await
}

/// Results of an event's tests: overall, per question and per village (a desa user: their
/// village's participants only).
pub async fn quiz_results(db: &Db, ctx: &Ctx, id: i64) -> Result<QuizResults> {
    db.events().quiz_results(ctx, id).await
}
