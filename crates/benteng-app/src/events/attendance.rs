//! Who comes to an event: a participant checks in with the event's code on their own phone
//! (public), an officer ticks them at the door, or someone registers ahead on the public
//! page. The details are read against the event's invited villages.

use super::invalid;
use benteng_db::events::{CheckedIn, Named, Participant};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::event::AttendeeRole;
use benteng_domain::values::required_text;
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckinInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    /// One of the invited villages, or empty ("from elsewhere").
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub village: String,
    /// `l` or `p`, optional.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sex: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub role: String,
}

/// A participant checks in with the event's code (public). `recorded_now` is false when the
/// same person (name and village) was already recorded; either way the answer carries the
/// participant's quiz token.
pub async fn check_in(db: &Db, code: &str, i: &CheckinInput) -> Result<CheckedIn> {
    let (id, event) = db.events().event_by_code(code).await?;
    let p = read(&event.villages, i)?;
    db.events().check_in(id, &p).await
}

/// An officer ticks a participant at the door. False when they were recorded before.
pub async fn tick_attendee(db: &Db, ctx: &Ctx, id: i64, i: &CheckinInput) -> Result<bool> {
    let place = db.events().event_place(ctx, id).await?;
    ctx.require(Action::EventManage, Some(&place))?;
    let villages = db.events().event_villages(id).await?;
    let p = read(&villages, i)?;
    db.events().add_attendee(ctx, id, &p).await
}

/// Register ahead for an event (public), until it starts. False when the same person had
/// registered.
pub async fn register(db: &Db, id: i64, i: &CheckinInput) -> Result<bool> {
    let ev = db.events().public_event(id).await?;
    if !ev.open {
        return Err(invalid("name", "err-registration-closed"));
    }
    let p = read(&ev.villages, i)?;
    db.events().register_for_event(id, &p).await
}

/// Check a participant's details against the event's invited villages.
fn read(villages: &[Named], i: &CheckinInput) -> Result<Participant> {
    let mut e = FieldErrors::new();
    let name = e.check("name", required_text(&i.name, 200));
    let village = i.village.trim();
    if !village.is_empty() && !villages.iter().any(|v| v.code == village) {
        e.add("village", "err-invalid-choice");
    }
    let sex = match i.sex.trim() {
        "" => None,
        s @ ("l" | "p") => Some(s.to_string()),
        _ => {
            e.add("sex", "err-invalid-choice");
            None
        }
    };
    let role = match i.role.trim() {
        "" => Some(AttendeeRole::Warga),
        r => e.check("role", AttendeeRole::parse(r)),
    };
    match (name, role) {
        (Some(name), Some(role)) if e.is_empty() => Ok(Participant {
            name,
            village: village.to_string(),
            sex,
            role,
        }),
        _ => Err(Error::Invalid(e)),
    }
}
