//! Filing a report: from the public form, by a village official or an officer, from a room
//! message or a resident's WhatsApp message. The input is read here into a
//! [`NewReport`]; the storage keeps it, its files and people, the full-text entry, the
//! notices to the area's officers and the audit entry in one transaction.

use crate::de::ticked;
use benteng_db::storage::{BlobStore, CleanFile};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::intake::{NewPerson, NewReport};
use benteng_domain::report::{Category, PersonRole, COUNTRIES};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, Role, Scope};
use serde::Deserialize;

/// At most this many people per report.
const MAX_PEOPLE: usize = 10;

/// A 16-digit NIK (the full NIK check belongs to the safe-migration module; here only shape).
pub fn parse_nik(s: &str) -> Result<Option<String>, &'static str> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 16 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(t))
    } else {
        Err("err-nik-format")
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// korban (victim or at risk), perekrut (suspected recruiter) or saksi (witness).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub role: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    /// L or P.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sex: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub minor: Option<String>,
    /// Village or address as the reporter knows it (free text).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub village: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

impl PersonInput {
    fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.phone,
            &self.nik,
            &self.village,
            &self.note,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub category: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub description: String,
    /// The village (desa/kelurahan code) the report concerns. Village users' own village is used
    /// whatever is sent.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub places: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub destination_country: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub incident_date: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub departure_soon: Option<String>,
    /// Public reports: ticked (or absent) means no contact details are kept.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub anonymous: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub reporter_name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub reporter_phone: String,
    #[serde(default)]
    pub people: Vec<PersonInput>,
}

/// A report from the public form (no account). Committed before the tracking code is
/// returned, so an acknowledged report survives a crash.
pub async fn file_public(
    db: &Db,
    i: &ReportInput,
    files: &[CleanFile],
    store: &dyn BlobStore,
) -> Result<(i64, String)> {
    file_public_once(db, i, files, store, None).await
}

/// [`file_public`] with the request's `Idempotency-Key`: a repeat answers the first report's
/// id and tracking code and stores nothing.
pub async fn file_public_once(
    db: &Db,
    i: &ReportInput,
    files: &[CleanFile],
    store: &dyn BlobStore,
    idempotency_key: Option<&str>,
) -> Result<(i64, String)> {
    let v = parse(db, i, true, None).await?;
    db.reports()
        .insert_public_report(v, files, store, idempotency_key)
        .await
}

/// A report by a signed-in user: a village user reports for their own village, whatever the
/// form says; an officer for a village of their area.
pub async fn file(
    db: &Db,
    ctx: &Ctx,
    i: &ReportInput,
    files: &[CleanFile],
    store: &dyn BlobStore,
) -> Result<(i64, String)> {
    ctx.require(Action::ReportCreate, None)?;
    let v = parse(db, i, false, own_village(ctx)).await?;
    db.reports()
        .insert_user_report(ctx, v, files, store, None, None)
        .await
}

/// A room message turned into a report by the member reading it (the form starts from the
/// message's text).
pub async fn from_room_message(
    db: &Db,
    ctx: &Ctx,
    room_id: i64,
    message_id: i64,
    i: &ReportInput,
    store: &dyn BlobStore,
) -> Result<(i64, String)> {
    ctx.require(Action::ReportCreate, None)?;
    let v = parse(db, i, false, own_village(ctx)).await?;
    db.rooms()
        .message_to_report(ctx, room_id, message_id, v, store)
        .await
}

/// A resident's WhatsApp message turned into a report by the officer answering it; the
/// resident's number becomes the reporter's contact.
pub async fn from_whatsapp(
    db: &Db,
    ctx: &Ctx,
    contact_id: i64,
    message_id: i64,
    i: &ReportInput,
    store: &dyn BlobStore,
) -> Result<(i64, String)> {
    ctx.require(Action::ReportCreate, None)?;
    let mut i = i.clone();
    // The resident's contact comes from the conversation, not from the form.
    i.anonymous = None;
    let v = parse(db, &i, false, own_village(ctx)).await?;
    db.rooms()
        .whatsapp_to_report(ctx, contact_id, message_id, v, store)
        .await
}

/// A village user's own village: the only one they may report for.
fn own_village(ctx: &Ctx) -> Option<RegionCode> {
    match (&ctx.actor.role, &ctx.actor.scope) {
        (Role::Desa, Scope::Village(v)) => Some(v.clone()),
        _ => None,
    }
}

fn parse_people(people: &[PersonInput], e: &mut FieldErrors) -> Vec<NewPerson> {
    let mut out = Vec::new();
    if people.len() > MAX_PEOPLE {
        e.add("people", "err-too-many-people");
        return out;
    }
    for p in people.iter().filter(|p| !p.is_blank()) {
        let role = e.check("people", PersonRole::parse(&p.role));
        let name = e.check("people", optional_text(&p.name, 120)).flatten();
        let phone = if p.phone.trim().is_empty() {
            None
        } else {
            e.check("people", PhoneNumber::parse(&p.phone))
                .map(|p| p.as_str().to_string())
        };
        let nik = e.check("people", parse_nik(&p.nik)).flatten();
        let sex = match p.sex.trim() {
            "" => None,
            "L" | "P" => Some(p.sex.trim().to_string()),
            _ => {
                e.add("people", "err-invalid-choice");
                None
            }
        };
        let village = e.check("people", optional_text(&p.village, 120)).flatten();
        let note = e.check("people", optional_text(&p.note, 500)).flatten();
        if name.is_none() && phone.is_none() && nik.is_none() {
            e.add("people", "err-person-needs-identity");
        }
        if let Some(role) = role {
            out.push(NewPerson {
                role,
                name,
                phone,
                nik,
                sex,
                minor: ticked(&p.minor),
                village,
                note,
            });
        }
    }
    out
}

async fn parse(
    db: &Db,
    i: &ReportInput,
    public: bool,
    forced_village: Option<RegionCode>,
) -> Result<NewReport> {
    let mut e = FieldErrors::new();
    let category = e.check("category", Category::parse(&i.category));
    let description = e.check("description", required_text(&i.description, 5000));
    let village = match forced_village {
        Some(v) => Some(v),
        // Nothing chosen yet is its own message: "choose the village", not "invalid code".
        None if i.region_code.trim().is_empty() => {
            e.add("region_code", "err-village-choose");
            None
        }
        None => {
            db.regions()
                .known_village(&i.region_code, "region_code", &mut e)
                .await?
        }
    };
    let places = e.check("places", optional_text(&i.places, 500)).flatten();
    let country = i.destination_country.trim().to_uppercase();
    let destination_country = if country.is_empty() {
        None
    } else if COUNTRIES.contains(&country.as_str()) {
        Some(country)
    } else {
        e.add("destination_country", "err-invalid-choice");
        None
    };
    let incident_date = if i.incident_date.trim().is_empty() {
        None
    } else {
        match date(&i.incident_date) {
            Ok(d) if d > benteng_db::today() => {
                e.add("incident_date", "err-date-future");
                None
            }
            Ok(d) => Some(format_date(d)),
            Err(c) => {
                e.add("incident_date", c);
                None
            }
        }
    };
    // A public reporter who does not tick "anonymous" must leave a way to be reached.
    let anonymous = public && (i.anonymous.is_none() || ticked(&i.anonymous));
    let (reporter_name, reporter_phone) = if public && !anonymous {
        let n = e.check("reporter_name", required_text(&i.reporter_name, 120));
        let p = if i.reporter_phone.trim().is_empty() {
            e.add("reporter_phone", "err-required");
            None
        } else {
            e.check("reporter_phone", PhoneNumber::parse(&i.reporter_phone))
                .map(|p| p.as_str().to_string())
        };
        (n, p)
    } else {
        (None, None)
    };
    let people = parse_people(&i.people, &mut e);
    e.into_result()?;
    match (category, description, village) {
        (Some(category), Some(description), Some(village)) => Ok(NewReport {
            category,
            description,
            village,
            places,
            destination_country,
            incident_date,
            departure_soon: ticked(&i.departure_soon),
            anonymous,
            reporter_name,
            reporter_phone,
            people,
        }),
        _ => Err(Error::Invalid(FieldErrors::new())),
    }
}
