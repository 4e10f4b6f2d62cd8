//! What surrounds an event: follow-up actions with an owner and a due date, the speakers'
//! materials (downloadable by participants with the event's code) and photos (officers and
//! the activity report only), and the questions asked with their answers, some published to
//! the public FAQ.

use benteng_db::events::{EventFile, FaqEntry, FileKind, NewFollowUp, NewQuestion, Question};
use benteng_db::storage::{BlobStore, CleanFile};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::values::{date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub action: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub owner: String,
    /// YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub due_date: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct QuestionInput {
    /// Who asked (optional; a first name is enough).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub asked_by: String,
    /// One of the invited villages, or empty.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub village: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub question: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub answer: String,
    /// The agency that answered.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub answered_by: String,
}

/// Add a follow-up action (officers). Returns its id.
pub async fn add_followup(db: &Db, ctx: &Ctx, id: i64, i: &FollowUpInput) -> Result<i64> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let mut e = FieldErrors::new();
    let action = e.check("action", required_text(&i.action, 500));
    let owner = e.check("owner", required_text(&i.owner, 200));
    let due = e.check("due_date", date(&i.due_date));
    let (Some(action), Some(owner), Some(due_date)) = (action, owner, due) else {
        return Err(Error::Invalid(e));
    };
    let f = NewFollowUp {
        action,
        owner,
        due_date,
    };
    db.events().add_followup(ctx, id, &f).await
}

/// Mark a follow-up done (or not done again).
pub async fn set_followup_done(db: &Db, ctx: &Ctx, id: i64, fid: i64, done: bool) -> Result<()> {
    db.events().set_followup_done(ctx, id, fid, done).await
}

/// Attach a material (with a title) or a photo (an image) to an event, the file already
/// cleaned (see [`crate::uploads`]). Returns the file's id.
pub async fn attach_file(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    kind: FileKind,
    caption: &str,
    file: &CleanFile,
    store: &dyn BlobStore,
) -> Result<i64> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let mut e = FieldErrors::new();
    let caption = e.check("caption", optional_text(caption, 200)).flatten();
    if kind == FileKind::Materi && caption.is_none() {
        e.add("caption", "err-required");
    }
    if kind == FileKind::Foto && !file.content_type.starts_with("image/") {
        e.add("file", "err-file-type");
    }
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    db.events()
        .add_event_file(ctx, id, kind, caption, file, store)
        .await
}

/// A file of an event for someone who may see the event: (name, type, bytes). Photos need
/// an officer or the Kanwil.
pub async fn download(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    fid: i64,
    store: &dyn BlobStore,
) -> Result<(String, String, Vec<u8>)> {
    db.events().event_file(ctx, id, fid, store).await
}

/// The materials of the event behind a check-in code (what participants may download).
pub async fn materials(db: &Db, code: &str) -> Result<Vec<EventFile>> {
    db.events().materials_by_code(code).await
}

/// A material, for a participant with the event's check-in code: (name, type, bytes).
pub async fn download_material(
    db: &Db,
    code: &str,
    fid: i64,
    store: &dyn BlobStore,
) -> Result<(String, String, Vec<u8>)> {
    db.events().material_by_code(code, fid, store).await
}

/// The questions asked at an event with their answers, for whoever may see the event (what
/// the event page shows: a desa user sees those of their kabupaten/kota and of events their
/// village is invited to).
pub async fn questions(db: &Db, ctx: &Ctx, id: i64) -> Result<Vec<Question>> {
    db.events().questions(ctx, id).await
}

/// Record a question asked at the event and, when given, its answer (officers). Returns its
/// id.
pub async fn add_question(db: &Db, ctx: &Ctx, id: i64, i: &QuestionInput) -> Result<i64> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let villages = db.events().event_villages(id).await?;
    let mut e = FieldErrors::new();
    let asked_by = e
        .check("asked_by", optional_text(&i.asked_by, 100))
        .flatten();
    let village = i.village.trim();
    if !village.is_empty() && !villages.iter().any(|v| v.code == village) {
        e.add("village", "err-invalid-choice");
    }
    let question = e.check("question", required_text(&i.question, 2000));
    let answer = e.check("answer", optional_text(&i.answer, 5000)).flatten();
    let answered_by = e
        .check("answered_by", optional_text(&i.answered_by, 200))
        .flatten();
    let Some(question) = question.filter(|_| e.is_empty()) else {
        return Err(Error::Invalid(e));
    };
    let q = NewQuestion {
        asked_by,
        village: village.to_string(),
        question,
        answer,
        answered_by,
    };
    db.events().add_question(ctx, id, &q).await
}

/// Publish an answered question to the public FAQ, or take it back (officers). The asker's
/// name and village are never published.
pub async fn publish_question(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    question: i64,
    publish: bool,
) -> Result<()> {
    db.events()
        .publish_question(ctx, id, question, publish)
        .await
}

/// The public FAQ: published answers, newest first (no account).
pub async fn faq(db: &Db, page: Option<i64>) -> Result<Page<FaqEntry>> {
    db.events().faq(page).await
}
