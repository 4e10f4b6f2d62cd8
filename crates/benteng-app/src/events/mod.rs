//! Sosialisasi events: an officer plans an awareness event, participants check in with its
//! code and take the pre-test and post-test, questions and follow-ups are recorded, and the
//! activity report (*Laporan Kegiatan*) is printed. The forms are read here into the
//! storage's checked values (`benteng_db::events`), which keeps the access checks and the
//! audit.
//!
//! Planning and reading events are here; `attendance` has check-in and registration,
//! `extras` follow-ups, materials, photos and questions, `quiz` the tests and the question
//! bank.

use benteng_db::events::NewEvent;
use benteng_db::storage::BlobStore;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::event::Zone;
use benteng_domain::values::{date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, RegionCode};
use serde::Deserialize;
use time::macros::format_description;

mod attendance;
mod extras;
mod quiz;

pub use attendance::{check_in, register, tick_attendee, CheckinInput};
pub use benteng_db::events::{
    BankRow, CheckedIn, EventDetail, EventFile, EventRow, FaqEntry, FileKind, FollowUp, GainRow,
    ParticipantQuiz, PublicEvent, Question, QuizResults, Speaker, Submitted, UpcomingEvent,
};
pub use extras::{
    add_followup, add_question, attach_file, download, download_material, faq, materials,
    publish_question, questions, set_followup_done, FollowUpInput, QuestionInput,
};
pub use quiz::{
    bank, bank_question, participant_quiz, quiz_results, save_bank_question, set_quiz_stage,
    submit_quiz,
};

/// Most invited villages and speakers per event.
const MAX_VILLAGES: usize = 100;
const MAX_SPEAKERS: usize = 20;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub title: String,
    /// YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub date: String,
    /// HH:MM, local time in `zone`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub time: String,
    /// WIB, WITA or WIT; empty: the zone of the place's province.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub zone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub venue: String,
    /// Desa or kabupaten/kota code of where it happens.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub agenda: String,
    /// One speaker per line: `name; agency; topic`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub speakers: String,
    /// Desa codes of the invited villages, separated by commas or lines.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub villages: String,
}

use crate::invalid;

/// Events of the actor's area, the next ones first, then the past ones (newest first).
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<EventRow>> {
    db.events().list_events(ctx, page).await
}

/// One event with its speakers, villages, attendance, questions, files and follow-ups (what
/// each viewer may see of them).
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<EventDetail> {
    db.events().get_event(ctx, id).await
}

/// Plan an event (officers and the Kanwil, in their scope). Returns the id.
pub async fn plan(db: &Db, ctx: &Ctx, i: &EventInput) -> Result<i64> {
    ctx.require(Action::EventManage, None)?;
    let v = read(db, ctx, i).await?;
    db.events().create_event(ctx, &v).await
}

/// Change an event's plan (its check-in code stays).
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &EventInput) -> Result<()> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let v = read(db, ctx, i).await?;
    db.events().update_event(ctx, id, &v).await
}

/// The event behind a check-in code (public): its id and what the check-in page shows.
pub async fn by_code(db: &Db, code: &str) -> Result<(i64, PublicEvent)> {
    db.events().event_by_code(code).await
}

/// Upcoming events the public can see, soonest first; with `village`, those held in it or in
/// its kabupaten/kota, or inviting it.
pub async fn upcoming(
    db: &Db,
    village: Option<&RegionCode>,
    page: Option<i64>,
) -> Result<Page<UpcomingEvent>> {
    db.events().upcoming_events(village, page).await
}

/// One event for the public page (upcoming or past: a link may be shared after the day).
pub async fn public_event(db: &Db, id: i64) -> Result<UpcomingEvent> {
    db.events().public_event(id).await
}

/// The organising office's name and the event's photos made small for printing, with their
/// captions (at most `max`; a stored file that is no image is left out). Officers and the
/// Kanwil only: the storage checks.
pub async fn report_extras(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    max: usize,
    store: &dyn BlobStore,
) -> Result<(Option<String>, Vec<(String, Vec<u8>)>)> {
    let (office, stored) = db.events().report_extras(ctx, id, max, store).await?;
    let mut photos = Vec::new();
    for (caption, bytes) in stored {
        // Scaling takes tens of milliseconds per photo: off the async threads.
        let small = tokio::task::spawn_blocking(move || crate::uploads::print_size(&bytes, 1200))
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("scaling a photo failed: {e}")))?;
        if let Some(small) = small {
            photos.push((caption, small));
        }
    }
    Ok((office, photos))
}

/// Read an event's plan: the time in its zone, the place (known and in the planner's scope),
/// the speakers one per line and the invited villages.
async fn read(db: &Db, ctx: &Ctx, i: &EventInput) -> Result<NewEvent> {
    let mut e = FieldErrors::new();
    let title = e.check("title", required_text(&i.title, 200));
    let day = e.check("date", date(&i.date));
    let time = match time::Time::parse(i.time.trim(), format_description!("[hour]:[minute]")) {
        Ok(t) => Some(t),
        Err(_) if i.time.trim().is_empty() => {
            e.add("time", "err-required");
            None
        }
        Err(_) => {
            e.add("time", "err-bad-time");
            None
        }
    };
    let venue = e.check("venue", required_text(&i.venue, 300));
    // The venue's area, typed as a code or a name.
    let typed = db
        .regions()
        .typed_area(
            &i.region,
            "region",
            crate::regions::ALL_LEVELS.as_slice(),
            &mut e,
        )
        .await?;
    let region = match typed.as_deref().map(RegionCode::parse) {
        None => None,
        Some(Ok(c)) if db.regions().region_by_code(c.as_str()).await?.is_some() => {
            if ctx.allows(Action::EventManage, Some(&c)) {
                Some(c)
            } else {
                e.add("region", "err-region-out-of-scope");
                None
            }
        }
        Some(Ok(_)) => {
            e.add("region", "err-region-unknown");
            None
        }
        Some(Err(c)) => {
            e.add("region", c);
            None
        }
    };
    let zone = match i.zone.trim() {
        "" => region.as_ref().map(|r| Zone::of_province(r.as_str())),
        z => e.check("zone", Zone::parse(z)),
    };
    let agenda = e.check("agenda", optional_text(&i.agenda, 5000)).flatten();
    let mut speakers = Vec::new();
    for line in i.speakers.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split(';').map(str::trim);
        let name = parts.next().unwrap_or("").to_string();
        let agency = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
        let topic = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
        if name.is_empty() || name.chars().count() > 200 || line.chars().count() > 600 {
            e.add("speakers", "err-speaker-line");
            break;
        }
        speakers.push(Speaker {
            name,
            agency,
            topic,
        });
    }
    if speakers.len() > MAX_SPEAKERS {
        e.add("speakers", "err-too-many");
    }
    let mut villages = Vec::new();
    // Codes may be separated by commas or spaces; names (which hold spaces, and commas
    // before the kecamatan) one per line or by semicolons.
    let by_name = i.villages.chars().any(char::is_alphabetic);
    let separators: &[char] = if by_name {
        &[';', '\n']
    } else {
        &[',', ';', '\n', ' ']
    };
    for code in i
        .villages
        .split(separators)
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match db.regions().known_village(code, "villages", &mut e).await? {
            Some(v) if !villages.contains(&v) => villages.push(v),
            _ => {}
        }
    }
    if villages.len() > MAX_VILLAGES {
        e.add("villages", "err-too-many");
    }
    match (title, day, time, venue, region, zone) {
        (Some(title), Some(day), Some(time), Some(venue), Some(region), Some(zone))
            if e.is_empty() =>
        {
            Ok(NewEvent {
                title,
                starts_at: zone.to_unix(time::PrimitiveDateTime::new(day, time)),
                zone,
                venue,
                region,
                agenda,
                speakers,
                villages,
            })
        }
        _ => Err(Error::Invalid(e)),
    }
}
