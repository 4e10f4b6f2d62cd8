//! Early-warning reports: intake (public form, village, officer), the triage queue, indicators
//! and the priority score, linked reports, assignment, status, merging, added information,
//! attachments, full-text search and the public status behind a tracking code.
//!
//! A report belongs to its village: `region_code` is a desa/kelurahan code and the scope columns
//! `kab_code` and `prov_code` are copied from it. Reporter contacts and people's phones and NIKs
//! are masked unless the actor may see them *and* asks to (`reveal`); every such view is
//! written to the audit log.

use crate::audit::{self, Event};
use crate::outbox::{self, Notice};
use crate::sql::{kab_and_prov, Filter};
use crate::storage::{new_key, BlobStore, CleanFile};
use crate::users::ticked;
use crate::{Backend, Ctx, Db, Error, Page, Result};
use benteng_domain::phone::mask_phone;
use benteng_domain::report::{
    clean_indicators, name_key, name_key_links, parse_tracking_code, priority, tracking_code,
    Category, PersonRole, Priority, PriorityInput, PriorityReason, ReportStatus, Source, COUNTRIES,
    TRACKING_CODE_LEN,
};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel, Role, Scope};
use serde::{Deserialize, Serialize};

/// At most this many people per report, and files per submission.
pub const MAX_PEOPLE: usize = 10;
pub const MAX_FILES: usize = 5;

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

/// A row of the queue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub source: String,
    pub priority: i64,
    pub region_code: String,
    pub village_name: String,
    pub description: String,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub created_at: i64,
}

impl ReportRow {
    /// The first words of the description, for lists.
    pub fn summary(&self) -> String {
        let mut s: String = self.description.chars().take(140).collect();
        if self.description.chars().count() > 140 {
            s.push('…');
        }
        s
    }

    pub fn level(&self) -> &'static str {
        Priority::level(self.priority)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub source: String,
    pub region_code: String,
    pub village_name: String,
    pub kecamatan_name: String,
    pub kab_code: String,
    pub kab_name: String,
    pub description: String,
    pub places: Option<String>,
    pub destination_country: Option<String>,
    pub incident_date: Option<String>,
    pub departure_soon: i64,
    pub anonymous: i64,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub reporter_user_name: Option<String>,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub indicators: String,
    pub priority: i64,
    pub priority_reasons: String,
    pub merged_into: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    pub role: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub sex: Option<String>,
    pub minor: i64,
    pub village: Option<String>,
    pub note: Option<String>,
    /// The folded name ([`name_key`]) that links reports; internal.
    #[serde(skip)]
    pub name_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReportEvent {
    pub id: i64,
    pub at: i64,
    pub user_name: Option<String>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub report_id: i64,
    pub content_type: String,
    pub size: i64,
    pub file_name: String,
    pub created_at: i64,
    #[serde(skip)]
    pub storage_key: String,
}

/// Another report that shares something with this one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkedReport {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub created_at: i64,
    /// Why it is linked: `phone`, `name` or `recruiter` (a suspected recruiter in both).
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportDetail {
    pub report: Report,
    /// Where the report came from (a room message, a WhatsApp message), for the page's link.
    #[serde(skip)]
    pub origin: Option<crate::rooms::links::Origin>,
    pub people: Vec<Person>,
    pub events: Vec<ReportEvent>,
    pub attachments: Vec<Attachment>,
    pub linked: Vec<LinkedReport>,
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<PriorityReason>,
    pub indicators: Vec<String>,
    /// False when reporter contacts, phones and NIKs were masked for this view.
    pub unmasked: bool,
    pub case_id: Option<i64>,
    /// For the page's forms ([`Db::get_report_page`]; empty elsewhere and when the actor may
    /// not use them): officers who may be assigned the report (petugas whose office's area
    /// covers it), by name.
    #[serde(skip)]
    pub officers: Vec<(i64, String)>,
    /// Agencies the report may be referred to (active, their region covering the report):
    /// id, name, kind.
    #[serde(skip)]
    pub agencies: Vec<(i64, String, String)>,
}

/// A query parameter with something in it.
fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// How many linked reports a report's page lists (the newest).
const LINKED_SHOWN: usize = 20;

/// What the report page reads with the report row besides the report itself.
#[derive(Debug, Clone, sqlx::FromRow)]
struct DetailExtra {
    case_id: Option<i64>,
    origin_kind: Option<String>,
    origin_id: Option<i64>,
    /// The lists below as JSON arrays of arrays ([`json_rows`]), in the order of their columns.
    people_json: String,
    events_json: String,
    attachments_json: String,
    officers_json: String,
    agencies_json: String,
}

/// A correlated subquery giving the rows of `from` as one JSON array of arrays (`cols` in
/// order), sorted by `order`. The report page's short lists ride on the report's row this way
/// instead of costing a statement each: on SQLite every statement is two hand-overs between
/// threads, on PostgreSQL a round trip (docs/performance.md, "One statement for the report
/// page's lists").
fn json_rows(backend: Backend, cols: &str, from: &str, order: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!("(SELECT json_group_array(json_array({cols}) ORDER BY {order}) {from})")
        }
        Backend::Postgres => format!(
            "(SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY {order}), '[]')::text {from})"
        ),
    }
}

/// Decode a [`json_rows`] column.
fn from_json_rows<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>> {
    serde_json::from_str(json).map_err(|e| Error::Other(anyhow::anyhow!("report page list: {e}")))
}

/// What a resident sees behind their tracking code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicReport {
    pub tracking_code: String,
    pub category: String,
    /// diterima, diproses or selesai.
    pub status: String,
    pub created_at: i64,
    /// (when, public status) each time the public status changed.
    pub history: Vec<(i64, String)>,
}

/// Filters of the report list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportQuery {
    /// Full-text search (words of the description, places and names), a phone number or a
    /// tracking code.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub q: Option<String>,
    /// A status code, or `terbuka` for every open status.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub category: Option<String>,
    /// A region code (kabupaten, kecamatan or desa) the report must lie in.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub region: Option<String>,
    /// Created on or after this date (YYYY-MM-DD, WIB).
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub from: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub to: Option<String>,
    /// tinggi or sedang: at least that priority level.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub priority: Option<String>,
    /// A user id, `saya` (me) or `belum` (nobody).
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub assigned: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// Changes an officer makes in triage.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StatusInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MergeInput {
    /// Tracking code or id of the report this one duplicates.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub into: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

const REPORT_COLUMNS: &str = "r.id, r.tracking_code, r.category, r.status, r.source, r.region_code, \
    COALESCE(v.name, '') AS village_name, COALESCE(kc.name, '') AS kecamatan_name, r.kab_code, COALESCE(kb.name, '') AS kab_name, \
    r.description, r.places, r.destination_country, r.incident_date, r.departure_soon, r.anonymous, r.reporter_name, r.reporter_phone, \
    r.reporter_user_id, ru.full_name AS reporter_user_name, r.assigned_to, au.full_name AS assigned_name, r.indicators, r.priority, \
    r.priority_reasons, r.merged_into, r.created_at, r.updated_at";
const REPORT_JOINS: &str = "FROM reports r LEFT JOIN regions v ON v.code = r.region_code LEFT JOIN regions kc ON kc.code = v.parent_code \
    LEFT JOIN regions kb ON kb.code = r.kab_code LEFT JOIN users ru ON ru.id = r.reporter_user_id LEFT JOIN users au ON au.id = r.assigned_to";

/// Validated people of a report.
pub(crate) struct ValidPerson {
    pub role: PersonRole,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub sex: Option<String>,
    pub minor: bool,
    pub village: Option<String>,
    pub note: Option<String>,
}

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

/// Show the region part of a NIK only.
pub fn mask_nik(s: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 6 { c } else { '•' })
        .collect()
}

fn parse_people(people: &[PersonInput], e: &mut FieldErrors) -> Vec<ValidPerson> {
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
            out.push(ValidPerson {
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

struct ValidReport {
    category: Category,
    description: String,
    village: RegionCode,
    places: Option<String>,
    destination_country: Option<String>,
    incident_date: Option<String>,
    departure_soon: bool,
    anonymous: bool,
    reporter_name: Option<String>,
    reporter_phone: Option<String>,
    people: Vec<ValidPerson>,
}

/// Words shorter than this match whole words only; longer ones also match words they begin
/// ("sendang" finds "Sendangbiru"). SQLite's full-text table keeps a prefix index for every
/// beginning of 3 to 12 letters (migration 0025), so such a search reads the matches newest
/// first and stops at the page; a one- or two-letter beginning would gather thousands of
/// words' matches before the first row ("pa": nearly every report) and finds little anyone
/// wants.
const PREFIX_FROM: usize = 3;

/// The full-text query for `words` (from [`search_words`]): every word must match.
fn text_query(backend: Backend, words: &[String]) -> String {
    let prefix = |w: &String| w.chars().count() >= PREFIX_FROM;
    match backend {
        Backend::Sqlite => words
            .iter()
            .map(|w| {
                if prefix(w) {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|w| {
                if prefix(w) {
                    format!("{w}:*")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// Words of a search, reduced to letters and digits (nothing reaches the query syntax).
fn search_words(q: &str) -> Vec<String> {
    q.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .take(8)
        .collect()
}

impl Db {
    async fn parse_report(
        &self,
        i: &ReportInput,
        public: bool,
        forced_village: Option<RegionCode>,
    ) -> Result<ValidReport> {
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
                self.known_village(&i.region_code, "region_code", &mut e)
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
                Ok(d) if d > crate::today() => {
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
            (Some(category), Some(description), Some(village)) => Ok(ValidReport {
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

    /// Store cleaned files before the rows that point at them.
    pub(crate) async fn store_files(
        &self,
        store: &dyn BlobStore,
        files: &[CleanFile],
    ) -> Result<Vec<String>> {
        let mut keys = Vec::new();
        for f in files {
            let key = new_key(f);
            store
                .put(&key, &f.bytes)
                .await
                .map_err(|e| Error::Other(anyhow::anyhow!("storing an upload failed: {e}")))?;
            keys.push(key);
        }
        Ok(keys)
    }

    /// A report from the public form. Committed (with its files stored) before the tracking
    /// code is returned, so an acknowledged report survives a crash.
    pub async fn submit_public_report(
        &self,
        i: &ReportInput,
        files: &[CleanFile],
        store: &dyn BlobStore,
    ) -> Result<(i64, String)> {
        let v = self.parse_report(i, true, None).await?;
        self.insert_report(None, v, Source::Publik, files, store, None)
            .await
    }

    /// A report by a signed-in user: a village user reports for their own village.
    pub async fn create_report(
        &self,
        ctx: &Ctx,
        i: &ReportInput,
        files: &[CleanFile],
        store: &dyn BlobStore,
    ) -> Result<(i64, String)> {
        self.create_report_from(ctx, i, files, store, None, None)
            .await
    }

    /// [`Db::create_report`] with where it came from: a WhatsApp message is filed with source
    /// `whatsapp`; `origin` (`pesan` or `whatsapp`, and the message id) is linked both ways in
    /// the same transaction, and a message already turned into a report is refused.
    pub(crate) async fn create_report_from(
        &self,
        ctx: &Ctx,
        i: &ReportInput,
        files: &[CleanFile],
        store: &dyn BlobStore,
        source: Option<Source>,
        origin: Option<(&'static str, i64)>,
    ) -> Result<(i64, String)> {
        ctx.require(Action::ReportCreate, None)?;
        let forced = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Desa, benteng_domain::Scope::Village(v)) => Some(v.clone()),
            _ => None,
        };
        let mut v = self.parse_report(i, false, forced).await?;
        if source == Some(Source::Whatsapp) {
            // The resident wrote from this number: it is how they can be reached.
            v.anonymous = false;
            v.reporter_phone = Some(i.reporter_phone.clone()).filter(|p| !p.is_empty());
            v.reporter_name = Some(i.reporter_name.trim().to_string()).filter(|n| !n.is_empty());
        }
        if !ctx.allows(Action::ReportCreate, Some(&v.village)) {
            return Err(Error::Invalid(FieldErrors(vec![
                benteng_domain::FieldError {
                    field: "region_code",
                    code: "err-region-out-of-scope",
                },
            ])));
        }
        let source = source.unwrap_or(if ctx.actor.role == Role::Desa {
            Source::Desa
        } else {
            Source::Petugas
        });
        self.insert_report(Some(ctx), v, source, files, store, origin)
            .await
    }

    async fn insert_report(
        &self,
        ctx: Option<&Ctx>,
        v: ValidReport,
        source: Source,
        files: &[CleanFile],
        store: &dyn BlobStore,
        origin: Option<(&'static str, i64)>,
    ) -> Result<(i64, String)> {
        if files.len() > MAX_FILES {
            return Err(Error::Invalid(FieldErrors(vec![
                benteng_domain::FieldError {
                    field: "files",
                    code: "err-too-many-files",
                },
            ])));
        }
        let keys = self.store_files(store, files).await?;
        let (kab, prov) = kab_and_prov(&v.village);
        let kab = kab.unwrap_or_default();
        let linked = self.count_links(&v.people, None).await?;
        let p = priority(
            &self.weights,
            &PriorityInput {
                category: Some(v.category),
                indicators: &[],
                // Only a victim or person at risk who is a child raises the priority.
                minor: v
                    .people
                    .iter()
                    .any(|p| p.minor && p.role == PersonRole::Korban),
                departure_soon: v.departure_soon,
                recruiter_known: v.people.iter().any(|p| {
                    p.role == PersonRole::Perekrut && (p.name.is_some() || p.phone.is_some())
                }),
                linked_reports: linked,
            },
        );
        let now = crate::now();
        let mut tx = self.begin().await?;
        let mut attempt = 0;
        let (id, code) = loop {
            let random: [u8; TRACKING_CODE_LEN] = rand::random();
            let code = tracking_code(&random);
            let r: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO reports (tracking_code, category, status, source, region_code, kab_code, prov_code, description, places, \
                 destination_country, incident_date, departure_soon, anonymous, reporter_name, reporter_phone, reporter_user_id, \
                 priority, priority_reasons, created_at, updated_at) \
                 VALUES ($1, $2, 'baru', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
            )
            .bind(code.clone())
            .bind(v.category.as_str())
            .bind(source.as_str())
            .bind(v.village.as_str().to_string())
            .bind(kab.clone())
            .bind(prov.clone())
            .bind(v.description.clone())
            .bind(v.places.clone())
            .bind(v.destination_country.clone())
            .bind(v.incident_date.clone())
            .bind(v.departure_soon as i64)
            .bind(v.anonymous as i64)
            .bind(v.reporter_name.clone())
            .bind(v.reporter_phone.clone())
            .bind(ctx.map(|c| c.actor.user_id))
            .bind(p.score)
            .bind(p.encode_reasons())
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            match r {
                Ok(id) => break (id, code),
                // A clash of random codes is astronomically rare; try another.
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() && attempt < 3 => {
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        };
        for person in &v.people {
            insert_person(&mut tx, id, person).await?;
        }
        for (f, key) in files.iter().zip(&keys) {
            sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(key.clone())
                .bind(f.content_type)
                .bind(f.bytes.len() as i64)
                .bind(f.file_name.clone())
                .bind(ctx.map(|c| c.actor.user_id))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((kind, message)) = origin {
            let table = if kind == "whatsapp" {
                "wa_messages"
            } else {
                "room_messages"
            };
            let linked = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET report_id = $1 WHERE id = $2 AND report_id IS NULL"
            )))
            .bind(id)
            .bind(message)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if linked != 1 {
                return Err(Error::Conflict("message", "err-message-has-report"));
            }
            sqlx::query("UPDATE reports SET origin_kind = $1, origin_id = $2 WHERE id = $3")
                .bind(kind)
                .bind(message)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        add_event(&mut tx, id, ctx, "created", None, Some("baru"), None).await?;
        self.index_report(&mut tx, id).await?;
        let recipients = outbox::area_officers(&mut tx, &kab).await?;
        outbox::notify(
            &mut tx,
            &recipients,
            &Notice {
                kind: "report_new",
                link: format!("/laporan/{id}"),
                subject: format!("{}|{}", v.category.as_str(), code),
            },
        )
        .await?;
        audit::write(
            &mut *tx,
            ctx,
            Event {
                action: "create",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                detail: Some(format!(
                    "source={} category={}",
                    source.as_str(),
                    v.category.as_str()
                )),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, code))
    }

    /// How many other reports share a phone or a distinctive name with these people.
    async fn count_links(&self, people: &[ValidPerson], except: Option<i64>) -> Result<i64> {
        let mut f = Filter::default();
        let mut ors = Vec::new();
        for p in people {
            if let Some(ph) = &p.phone {
                ors.push(format!("phone = {}", f.text(ph.clone())));
            }
            if let Some(n) = &p.name {
                let k = name_key(n);
                if name_key_links(&k) {
                    ors.push(format!("name_key = {}", f.text(k)));
                }
            }
        }
        if ors.is_empty() {
            return Ok(0);
        }
        let except = f.int(except.unwrap_or(0));
        // Capped: beyond a handful the priority does not change.
        let n = f
            .scalar(format!(
                "SELECT COUNT(*) FROM (SELECT DISTINCT report_id FROM report_people WHERE ({}) AND report_id <> {except} LIMIT 20) x",
                ors.join(" OR ")
            ))
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// (Re)write a report's full-text entry.
    async fn index_report(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
    ) -> Result<()> {
        let (desc, places, code): (String, Option<String>, String) =
            sqlx::query_as("SELECT description, places, tracking_code FROM reports WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        let names: Vec<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT name, village FROM report_people WHERE report_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        let infos: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT body FROM report_events WHERE report_id = $1 AND kind = 'info'")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        let mut text = format!("{code} {desc} {}", places.unwrap_or_default());
        for (n, v) in names {
            text.push(' ');
            text.push_str(&n.unwrap_or_default());
            text.push(' ');
            text.push_str(&v.unwrap_or_default());
        }
        for (b,) in infos {
            text.push(' ');
            text.push_str(&b.unwrap_or_default());
        }
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("DELETE FROM report_fts WHERE rowid = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO report_fts (rowid, body) VALUES ($1, $2)")
                    .bind(id)
                    .bind(text)
                    .execute(&mut **tx)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("UPDATE reports SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// The reports in the actor's scope, filtered and paged. The officer's queue is this list
    /// with `status = terbuka`, sorted by priority; other lists are newest first.
    pub async fn list_reports(
        &self,
        ctx: &Ctx,
        q: &ReportQuery,
        per_page: i64,
    ) -> Result<Page<ReportRow>> {
        ctx.require(Action::ReportView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "r.region_code",
            "r.kab_code",
            "r.prov_code",
        );
        let mut by_priority = false;
        match q.status.as_deref().map(str::trim) {
            None | Some("") | Some("semua") => {}
            Some("terbuka") => {
                by_priority = true;
                f.push("r.status IN ('baru', 'ditinjau', 'ditangani')".into());
            }
            Some(s) => {
                let s = ReportStatus::parse(s).map_err(|c| invalid("status", c))?;
                let ph = f.text(s.as_str());
                f.push(format!("r.status = {ph}"));
            }
        }
        if let Some(c) = q.category.as_deref().filter(|s| !s.trim().is_empty()) {
            let c = Category::parse(c).map_err(|c| invalid("category", c))?;
            let ph = f.text(c.as_str());
            f.push(format!("r.category = {ph}"));
        }
        if let Some(r) = q.region.as_deref().filter(|s| !s.trim().is_empty()) {
            let code = RegionCode::parse(r).map_err(|c| invalid("region", c))?;
            match code.level() {
                RegionLevel::Provinsi => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.prov_code = {ph}"));
                }
                RegionLevel::KabupatenKota => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.kab_code = {ph}"));
                }
                RegionLevel::Kecamatan => {
                    let ph = f.text(format!("{}.%", code.as_str()));
                    f.push(format!("r.region_code LIKE {ph}"));
                }
                RegionLevel::Desa => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.region_code = {ph}"));
                }
            }
        }
        let day_start = |d: time::Date| {
            d.midnight()
                .assume_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
                .unix_timestamp()
        };
        if let Some(d) = q.from.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = date(d).map_err(|c| invalid("from", c))?;
            let ph = f.int(day_start(d));
            f.push(format!("r.created_at >= {ph}"));
        }
        if let Some(d) = q.to.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = date(d).map_err(|c| invalid("to", c))?;
            let next = d.next_day().unwrap_or(d);
            let ph = f.int(day_start(next));
            f.push(format!("r.created_at < {ph}"));
        }
        match q.priority.as_deref().map(str::trim) {
            None | Some("") => {}
            Some("tinggi") => f.push("r.priority >= 60".into()),
            Some("sedang") => f.push("r.priority >= 30".into()),
            Some(_) => return Err(invalid("priority", "err-invalid-choice")),
        }
        match q.assigned.as_deref().map(str::trim) {
            None | Some("") => {}
            Some("saya") => {
                let ph = f.int(ctx.actor.user_id);
                f.push(format!("r.assigned_to = {ph}"));
            }
            Some("belum") => f.push("r.assigned_to IS NULL".into()),
            Some(n) => {
                let n: i64 = n
                    .parse()
                    .map_err(|_| invalid("assigned", "err-invalid-choice"))?;
                let ph = f.int(n);
                f.push(format!("r.assigned_to = {ph}"));
            }
        }
        // Where the ids come from: the reports table, or on SQLite the FTS5 table joined to it
        // so that a word search streams matches newest first (by rowid, which follows
        // creation) and stops at the page instead of reading and sorting every match.
        let mut from = "reports r".to_string();
        let mut text_search = false;
        if let Some(text) = q.q.as_deref().filter(|s| !s.trim().is_empty()) {
            let looks_like_code = text.trim().to_uppercase().starts_with("LP");
            if let Some(code) = looks_like_code
                .then(|| parse_tracking_code(text).ok())
                .flatten()
            {
                let ph = f.text(code);
                f.push(format!("r.tracking_code = {ph}"));
            } else if let Ok(phone) = PhoneNumber::parse(text) {
                let ph = f.text(phone.as_str());
                f.push(format!(
                    "r.id IN (SELECT report_id FROM report_people WHERE phone = {ph})"
                ));
            } else {
                let words = search_words(text);
                if words.is_empty() {
                    f.push("1 = 0".into());
                } else {
                    text_search = true;
                    let ph = f.text(text_query(self.backend, &words));
                    match self.backend {
                        Backend::Sqlite => {
                            from = "report_fts f JOIN reports r ON r.id = f.rowid".into();
                            f.push(format!("report_fts MATCH {ph}"));
                        }
                        Backend::Postgres => {
                            f.push(format!("r.search_tsv @@ to_tsquery('simple', {ph})"));
                        }
                    }
                }
            }
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        // A word search counts less far: each counted match is an FTS hit joined to its report
        // to check the area, so "more than 100" is what a search page shows.
        let cap = if text_search {
            (offset + 4 * per_page).max(100)
        } else {
            crate::count_cap(offset, per_page)
        };
        let where_sql = f.where_sql();
        let order = if by_priority {
            "r.priority DESC, r.created_at DESC, r.id DESC"
        } else if text_search && self.backend == Backend::Sqlite {
            "f.rowid DESC"
        } else {
            "r.created_at DESC, r.id DESC"
        };
        let outer_order = if by_priority {
            order
        } else if text_search && self.backend == Backend::Sqlite {
            "r.id DESC"
        } else {
            "r.created_at DESC, r.id DESC"
        };
        const ROW_SELECT: &str = "SELECT r.id, r.tracking_code, r.category, r.status, r.source, r.priority, r.region_code, \
             COALESCE(v.name, '') AS village_name, r.description, r.assigned_to, u.full_name AS assigned_name, r.created_at \
             FROM reports r LEFT JOIN regions v ON v.code = r.region_code LEFT JOIN users u ON u.id = r.assigned_to";
        if text_search {
            // A word search evaluates its match once: the ids up to the count's bound, in
            // order, from which the page is cut (a common word's match list is the costly
            // part, and counting and paging separately built it twice). On PostgreSQL the
            // planner chooses between the full-text index (rare words) and walking the date
            // index testing the stored vector (common words): "paspor" 1,591 → 9 ms against
            // the MATERIALIZED list of matches used before (docs/performance.md).
            let ids_sql = format!(
                "SELECT r.id FROM {from}{where_sql} ORDER BY {order} LIMIT {}",
                cap + 1
            );
            let ids: Vec<i64> = f.scalar(ids_sql).fetch_all(&self.pool).await?;
            let counted = ids.len() as i64;
            let shown: Vec<i64> = ids
                .into_iter()
                .skip(offset as usize)
                .take(per_page as usize)
                .collect();
            let items = if shown.is_empty() {
                Vec::new()
            } else {
                // Bound, not spliced: the statement's text depends only on the page's length.
                let mut g = Filter::default();
                let phs: Vec<String> = shown.iter().map(|id| g.int(*id)).collect();
                g.query_as::<ReportRow>(format!(
                    "{ROW_SELECT} WHERE r.id IN ({}) ORDER BY {outer_order}",
                    phs.join(", ")
                ))
                .fetch_all(&self.pool)
                .await?
            };
            return Ok(Page {
                items,
                total: counted.min(cap),
                page,
                per_page,
                more: counted > cap,
            });
        }
        let counted = f
            .scalar(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {from}{where_sql} LIMIT {}) x",
                cap + 1
            ))
            .fetch_one(&self.pool)
            .await?;
        // The page's ids come from the indexes alone; only those rows are joined.
        let mut g = f.clone();
        let ids = match (&ctx.actor.scope, self.backend) {
            // PostgreSQL does not merge the ranges of an IN list in index order: it read all
            // 12,496 open reports of an officer's eight kabupaten/kota and sorted them for
            // each page. One ordered, limited part per kabupaten/kota, merged (Merge Append),
            // reads only what the page needs. SQLite's plans are fast as they are. Not with
            // a search or a place: a phone's or a code's few reports are found from the
            // other side, and each part would walk its kabupaten/kota looking for them.
            (Scope::Regencies(list), Backend::Postgres)
                if list.len() > 1 && !filled(&q.q) && !filled(&q.region) =>
            {
                let parts: Vec<String> = list
                    .iter()
                    .map(|k| {
                        let ph = g.text(k.as_str());
                        format!(
                            "(SELECT r.id, r.priority, r.created_at FROM {from}{where_sql} AND r.kab_code = {ph} \
                             ORDER BY {order} LIMIT {})",
                            offset + per_page
                        )
                    })
                    .collect();
                format!(
                    "SELECT r.id FROM ({}) r ORDER BY {order} LIMIT {per_page} OFFSET {offset}",
                    parts.join(" UNION ALL ")
                )
            }
            _ => format!(
                "SELECT r.id FROM {from}{where_sql} ORDER BY {order} LIMIT {per_page} OFFSET {offset}"
            ),
        };
        let items = g
            .query_as::<ReportRow>(format!(
                "{ROW_SELECT} WHERE r.id IN ({ids}) ORDER BY {outer_order}"
            ))
            .fetch_all(&self.pool)
            .await?;
        Ok(Page {
            items,
            total: counted.min(cap),
            page,
            per_page,
            more: counted > cap,
        })
    }

    /// A report's place, after checking the actor may do `action` there.
    pub(crate) async fn report_place(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(RegionCode, ReportStatus)> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT region_code, status FROM reports WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let (code, status) = row.ok_or(Error::NotFound)?;
        let code = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        // A report outside the scope does not exist for this actor.
        if !ctx.allows(Action::ReportView, Some(&code)) && !ctx.allows(action, Some(&code)) {
            return Err(Error::NotFound);
        }
        ctx.require(action, Some(&code))?;
        let status = ReportStatus::parse(&status).map_err(|_| Error::NotFound)?;
        Ok((code, status))
    }

    pub(crate) async fn report_row(&self, id: i64) -> Result<Report> {
        sqlx::query_as::<_, Report>(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} {REPORT_JOINS} WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound)
    }

    /// The report with what only its page needs (its case, where it came from, its people,
    /// events and attachments and, with `choices`, the officers and agencies its forms offer),
    /// checked against the actor's scope like [`Db::report_place`]: one statement instead of
    /// eight.
    async fn report_detail_row(
        &self,
        ctx: &Ctx,
        id: i64,
        choices: bool,
    ) -> Result<(Report, RegionCode, DetailExtra)> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            report: Report,
            #[sqlx(flatten)]
            extra: DetailExtra,
        }
        let b = self.backend;
        let people = json_rows(
            b,
            "p.id, p.role, p.name, p.phone, p.nik, p.sex, p.minor, p.village, p.note, p.name_key",
            "FROM report_people p WHERE p.report_id = r.id",
            "p.id",
        );
        let events = json_rows(
            b,
            "e.id, e.at, u.full_name, e.kind, e.from_status, e.to_status, e.body",
            "FROM report_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.report_id = r.id",
            "e.at, e.id",
        );
        let attachments = json_rows(
            b,
            "t.id, t.report_id, t.content_type, t.size, t.file_name, t.created_at, t.storage_key",
            "FROM report_attachments t WHERE t.report_id = r.id",
            "t.id",
        );
        // Read for every actor and dropped below for those who may not assign or refer: the
        // permission needs the report's place, known only from this row.
        let (officers, agencies) = if choices {
            (
                json_rows(
                    b,
                    "u.id, u.full_name",
                    "FROM users u JOIN office_areas a ON a.office_id = u.office_id \
                     WHERE u.role = 'petugas' AND u.active = 1 AND a.region_code = r.kab_code \
                     AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to > $2)",
                    "u.full_name, u.id",
                ),
                json_rows(
                    b,
                    "g.id, g.name, g.kind, g.region_code",
                    "FROM agencies g WHERE g.active = 1",
                    "g.name, g.id",
                ),
            )
        } else {
            ("'[]'".to_string(), "'[]'".to_string())
        };
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS}, (SELECT c.id FROM cases c WHERE c.report_id = r.id) AS case_id, \
             r.origin_kind, r.origin_id, {people} AS people_json, {events} AS events_json, \
             {attachments} AS attachments_json, {officers} AS officers_json, {agencies} AS agencies_json \
             {REPORT_JOINS} WHERE r.id = $1"
        )))
        .bind(id);
        if choices {
            q = q.bind(format_date(crate::today()));
        }
        let row = q.fetch_optional(&self.pool).await?.ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&row.report.region_code).map_err(|_| Error::NotFound)?;
        // A report outside the scope does not exist for this actor.
        if !ctx.allows(Action::ReportView, Some(&place)) {
            return Err(Error::NotFound);
        }
        Ok((row.report, place, row.extra))
    }

    pub(crate) async fn report_people(&self, id: i64) -> Result<Vec<Person>> {
        Ok(sqlx::query_as::<_, Person>(
            "SELECT id, role, name, phone, nik, sex, minor, village, note, name_key FROM report_people WHERE report_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One report with everything the triage page shows. With `reveal`, and only for roles
    /// that may, reporter contacts and people's phones and NIKs are shown in full and the view
    /// is audited; otherwise they are masked.
    pub async fn get_report(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
        self.report_detail(ctx, id, reveal, false).await
    }

    /// [`Db::get_report`] with the choices the page's forms offer: the officers the report
    /// may be assigned to when the actor may triage it, the agencies it may be referred to
    /// when the actor may refer it.
    pub async fn get_report_page(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
        self.report_detail(ctx, id, reveal, true).await
    }

    async fn report_detail(
        &self,
        ctx: &Ctx,
        id: i64,
        reveal: bool,
        choices: bool,
    ) -> Result<ReportDetail> {
        let (mut report, place, extra) = self.report_detail_row(ctx, id, choices).await?;
        type PersonRow = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut people: Vec<Person> = from_json_rows::<PersonRow>(&extra.people_json)?
            .into_iter()
            .map(
                |(id, role, name, phone, nik, sex, minor, village, note, name_key)| Person {
                    id,
                    role,
                    name,
                    phone,
                    nik,
                    sex,
                    minor,
                    village,
                    note,
                    name_key,
                },
            )
            .collect();
        // Links are found by the real phones and names, before any masking.
        let linked = self.linked_reports(ctx, id, &people).await?;
        let unmasked = reveal && ctx.allows(Action::ReportSensitiveView, Some(&place));
        if unmasked {
            audit::write(
                &self.pool,
                Some(ctx),
                Event {
                    action: "view_sensitive",
                    entity: "report",
                    entity_id: Some(id.to_string()),
                    region: Some(&place),
                    sensitive: true,
                    detail: Some("fields=reporter,people.phone,people.nik".into()),
                },
            )
            .await?;
        } else {
            mask_report(&mut report, &mut people);
        }
        type EventRow = (
            i64,
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let events = from_json_rows::<EventRow>(&extra.events_json)?
            .into_iter()
            .map(
                |(id, at, user_name, kind, from_status, to_status, body)| ReportEvent {
                    id,
                    at,
                    user_name,
                    kind,
                    from_status,
                    to_status,
                    body,
                },
            )
            .collect();
        type AttachmentRow = (i64, i64, String, i64, String, i64, String);
        let attachments = from_json_rows::<AttachmentRow>(&extra.attachments_json)?
            .into_iter()
            .map(
                |(id, report_id, content_type, size, file_name, created_at, storage_key)| {
                    Attachment {
                        id,
                        report_id,
                        content_type,
                        size,
                        file_name,
                        created_at,
                        storage_key,
                    }
                },
            )
            .collect();
        let officers = if ctx.allows(Action::ReportTriage, Some(&place)) {
            from_json_rows(&extra.officers_json)?
        } else {
            Vec::new()
        };
        let agencies = if ctx.allows(Action::ReferralCreate, Some(&place)) {
            from_json_rows::<(i64, String, String, String)>(&extra.agencies_json)?
                .into_iter()
                .filter(|(_, _, _, r)| RegionCode::parse(r).is_ok_and(|r| place.is_within(&r)))
                .map(|(id, name, kind, _)| (id, name, kind))
                .collect()
        } else {
            Vec::new()
        };
        let origin = match (extra.origin_kind, extra.origin_id) {
            (Some(kind), Some(oid)) => self.origin_of(&kind, oid).await?,
            _ => None,
        };
        let reasons = Priority::decode_reasons(&report.priority_reasons);
        let indicators = report
            .indicators
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok(ReportDetail {
            report,
            origin,
            people,
            events,
            attachments,
            linked,
            reasons,
            indicators,
            unmasked,
            case_id: extra.case_id,
            officers,
            agencies,
        })
    }

    /// Other reports in the actor's scope that share a phone number or a distinctive name
    /// (Indonesian spelling variants folded by [`name_key`]) with this one's people (read
    /// unmasked by [`Db::get_report`], which checked the report against the scope).
    async fn linked_reports(
        &self,
        ctx: &Ctx,
        id: i64,
        people: &[Person],
    ) -> Result<Vec<LinkedReport>> {
        let people: Vec<(&str, &Option<String>, &Option<String>)> = people
            .iter()
            .map(|p| (p.role.as_str(), &p.phone, &p.name_key))
            .collect();
        // Each phone and name key brings at most its LINKS_PER_KEY most recent reports (ids
        // follow creation), read from the (phone, kab_code, report_id) and (name_key,
        // kab_code, report_id) indexes; only the newest of them are joined. A syndicate
        // number in thousands of reports costs little more than one in three. The page lists
        // the 20 newest linked reports, so no key can contribute more than its 20 newest.
        const LINKS_PER_KEY: i64 = LINKED_SHOWN as i64;
        let mut f = Filter::default();
        let me = f.int(id);
        // The actor's scope, applied inside each per-key subquery (so an officer of a small
        // area still gets the newest links *in the area*) and again outside.
        // An officer's area is checked on the people's own kab_code (0024), so their
        // candidates come from the (key, kab_code, report_id) indexes alone; a province or a
        // village is checked on the report.
        let join = match &ctx.actor.scope {
            Scope::All | Scope::Regencies(_) => "",
            _ => " JOIN reports s ON s.id = q.report_id",
        };
        let before = f.clauses.len();
        f.scope(
            &ctx.actor.scope,
            "s.region_code",
            "q.kab_code",
            "s.prov_code",
        );
        let sub_scope = if f.clauses.len() > before {
            f.clauses
                .pop()
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut parts = Vec::new();
        let mut matches = Vec::new();
        for &(_, phone, key) in &people {
            let mut per_key = |column: &str, value: &String, f: &mut Filter| {
                let ph = f.text(value.clone());
                matches.push(format!("p.{column} = {ph}"));
                parts.push(format!(
                    "SELECT * FROM (SELECT q.report_id FROM report_people q{join} \
                     WHERE q.{column} = {ph} AND q.report_id <> {me}{sub_scope} ORDER BY q.report_id DESC LIMIT {LINKS_PER_KEY}) x{}",
                    parts.len()
                ));
            };
            if let Some(p) = phone {
                per_key("phone", p, &mut f);
            }
            if let Some(k) = key.as_ref().filter(|k| name_key_links(k)) {
                per_key("name_key", k, &mut f);
            }
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        let mut f2 = f;
        // Only the newest of all candidates can be shown: no other report is read.
        f2.push(format!(
            "r.id IN (SELECT u.report_id FROM ({}) u ORDER BY u.report_id DESC LIMIT {LINKED_SHOWN})",
            parts.join(" UNION ")
        ));
        // Only the people who match; the others of a linked report would fill the limit.
        f2.push(format!("({})", matches.join(" OR ")));
        f2.scope(
            &ctx.actor.scope,
            "r.region_code",
            "r.kab_code",
            "r.prov_code",
        );
        #[derive(sqlx::FromRow)]
        struct Hit {
            id: i64,
            tracking_code: String,
            category: String,
            status: String,
            created_at: i64,
            role: String,
            phone: Option<String>,
            name_key: Option<String>,
        }
        let hits = f2
            .query_as::<Hit>(format!(
                "SELECT r.id, r.tracking_code, r.category, r.status, r.created_at, p.role, p.phone, p.name_key \
                 FROM report_people p JOIN reports r ON r.id = p.report_id{} ORDER BY r.created_at DESC LIMIT 200",
                f2.where_sql()
            ))
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<LinkedReport> = Vec::new();
        for h in hits {
            let mut reasons = Vec::new();
            for &(role, phone, key) in &people {
                let phone_hit = phone.is_some() && *phone == h.phone;
                let name_hit =
                    key.as_ref().is_some_and(|k| name_key_links(k)) && *key == h.name_key;
                if phone_hit {
                    reasons.push("phone");
                }
                if name_hit {
                    reasons.push("name");
                }
                if (phone_hit || name_hit) && role == "perekrut" && h.role == "perekrut" {
                    reasons.push("recruiter");
                }
            }
            // The other people of a linked report come along; only the matching ones count.
            if reasons.is_empty() {
                continue;
            }
            let entry = match out.iter_mut().find(|l| l.id == h.id) {
                Some(e) => e,
                None => {
                    if out.len() >= LINKED_SHOWN {
                        continue;
                    }
                    out.push(LinkedReport {
                        id: h.id,
                        tracking_code: h.tracking_code,
                        category: h.category,
                        status: h.status,
                        created_at: h.created_at,
                        reasons: Vec::new(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            for r in reasons {
                if !entry.reasons.iter().any(|x| x == r) {
                    entry.reasons.push(r.to_string());
                }
            }
        }
        Ok(out)
    }

    /// Recompute and store the priority from the current indicators, people and links.
    async fn refresh_priority(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
    ) -> Result<Priority> {
        let (category, indicators, departure_soon): (String, String, i64) = sqlx::query_as(
            "SELECT category, indicators, departure_soon FROM reports WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        let people: Vec<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT role, name, phone, minor FROM report_people WHERE report_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        let valid: Vec<ValidPerson> = people
            .iter()
            .map(|(role, name, phone, minor)| ValidPerson {
                role: PersonRole::parse(role).unwrap_or(PersonRole::Saksi),
                name: name.clone(),
                phone: phone.clone(),
                nik: None,
                sex: None,
                minor: *minor == 1,
                village: None,
                note: None,
            })
            .collect();
        let linked = self.count_links(&valid, Some(id)).await?;
        let ind: Vec<&str> = indicators.split(',').filter(|s| !s.is_empty()).collect();
        let p = priority(
            &self.weights,
            &PriorityInput {
                category: Category::parse(&category).ok(),
                indicators: &ind,
                minor: valid
                    .iter()
                    .any(|p| p.minor && p.role == PersonRole::Korban),
                departure_soon: departure_soon == 1,
                recruiter_known: valid.iter().any(|p| {
                    p.role == PersonRole::Perekrut && (p.name.is_some() || p.phone.is_some())
                }),
                linked_reports: linked,
            },
        );
        sqlx::query("UPDATE reports SET priority = $1, priority_reasons = $2, updated_at = $3 WHERE id = $4")
            .bind(p.score)
            .bind(p.encode_reasons())
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(p)
    }

    /// Tick the trafficking indicators of a report; the priority follows.
    pub async fn set_indicators(&self, ctx: &Ctx, id: i64, codes: &[String]) -> Result<Priority> {
        let (place, _) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let clean = clean_indicators(codes.iter().map(String::as_str));
        if clean.len() != codes.iter().filter(|c| !c.trim().is_empty()).count() {
            return Err(invalid("indicators", "err-invalid-choice"));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE reports SET indicators = $1 WHERE id = $2")
            .bind(clean.join(","))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let p = self.refresh_priority(&mut tx, id).await?;
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "indicators",
            None,
            None,
            Some(clean.join(", ")),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "indicators",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("priority={}", p.score)),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Assign a report to an officer whose area covers it (or to nobody).
    pub async fn assign_report(&self, ctx: &Ctx, id: i64, user_id: Option<i64>) -> Result<()> {
        let (place, _) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let name = match user_id {
            Some(uid) => {
                let ok = match self.actor(uid).await? {
                    Some((a, u)) => {
                        a.role == Role::Petugas
                            && benteng_domain::can(&a, Action::ReportTriage, Some(&place))
                            && u.active == 1
                    }
                    None => false,
                };
                if !ok {
                    return Err(invalid("assigned_to", "err-officer-not-eligible"));
                }
                self.actor(uid).await?.map(|(_, u)| u.full_name)
            }
            None => None,
        };
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE reports SET assigned_to = $1, updated_at = $2 WHERE id = $3")
            .bind(user_id)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        add_event(&mut tx, id, Some(ctx), "assigned", None, None, name).await?;
        if let Some(uid) = user_id.filter(|u| *u != ctx.actor.user_id) {
            outbox::notify(
                &mut tx,
                &[uid],
                &Notice {
                    kind: "report_assigned",
                    link: format!("/laporan/{id}"),
                    subject: id.to_string(),
                },
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "assign",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: user_id.map(|u| format!("user={u}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Move a report to another status with a note, as the state machine allows.
    pub async fn change_report_status(&self, ctx: &Ctx, id: i64, i: &StatusInput) -> Result<()> {
        let (place, from) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let mut e = FieldErrors::new();
        let to = e.check("status", ReportStatus::parse(&i.status));
        let note = e.check("note", required_text(&i.note, 2000));
        if let Some(to) = to {
            if !from.can_move_to(to) {
                e.add("status", "err-status-transition");
            }
        }
        e.into_result()?;
        let (Some(to), Some(note)) = (to, note) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(crate::now())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            // Someone else changed it meanwhile.
            return Err(Error::Conflict("status", "err-changed-meanwhile"));
        }
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "status",
            Some(from.as_str()),
            Some(to.as_str()),
            Some(note),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "status",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{}->{}", from.as_str(), to.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Mark a report as a duplicate of another (by id or tracking code); it closes as merged
    /// and its people then count as links of the other.
    pub async fn merge_report(&self, ctx: &Ctx, id: i64, i: &MergeInput) -> Result<i64> {
        let (place, from) = self.report_place(ctx, id, Action::ReportTriage).await?;
        let target: Option<i64> = match parse_tracking_code(&i.into) {
            Ok(code) => {
                sqlx::query_scalar("SELECT id FROM reports WHERE tracking_code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
            }
            Err(_) => i.into.trim().trim_start_matches('#').parse::<i64>().ok(),
        };
        let note = optional_text(&i.note, 2000).map_err(|c| invalid("note", c))?;
        let target = target.ok_or_else(|| invalid("into", "err-report-not-found"))?;
        if target == id {
            return Err(invalid("into", "err-merge-self"));
        }
        if !from.can_merge() {
            return Err(invalid("into", "err-status-transition"));
        }
        let (_, tstatus) = self
            .report_place(ctx, target, Action::ReportTriage)
            .await
            .map_err(|e| match e {
                Error::NotFound | Error::Forbidden => invalid("into", "err-report-not-found"),
                e => e,
            })?;
        if tstatus == ReportStatus::Digabung {
            return Err(invalid("into", "err-merge-into-merged"));
        }
        let mut tx = self.begin().await?;
        // Only if nobody changed its status meanwhile, as for every status change.
        let n = sqlx::query("UPDATE reports SET status = 'digabung', merged_into = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(target)
            .bind(crate::now())
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::Conflict("status", "err-changed-meanwhile"));
        }
        // The target must still be a live report: two merges at once (A into B, B into A)
        // would otherwise leave both merged into each other.
        let live = sqlx::query(
            "UPDATE reports SET updated_at = $1 WHERE id = $2 AND status <> 'digabung'",
        )
        .bind(crate::now())
        .bind(target)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if live == 0 {
            return Err(Error::Conflict("into", "err-merge-into-merged"));
        }
        add_event(
            &mut tx,
            id,
            Some(ctx),
            "merged",
            Some(from.as_str()),
            Some("digabung"),
            Some(format!("#{target} {}", note.clone().unwrap_or_default())),
        )
        .await?;
        add_event(
            &mut tx,
            target,
            Some(ctx),
            "merged_from",
            None,
            None,
            Some(format!("#{id}")),
        )
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "merge",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("into={target}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(target)
    }

    /// Add information (and files) to a report: village users and officers.
    pub async fn add_report_info(
        &self,
        ctx: &Ctx,
        id: i64,
        body: &str,
        files: &[CleanFile],
        store: &dyn BlobStore,
    ) -> Result<()> {
        let (place, status) = self.report_place(ctx, id, Action::ReportAddInfo).await?;
        let body = required_text(body, 5000).map_err(|c| invalid("body", c))?;
        if status == ReportStatus::Digabung {
            return Err(invalid("body", "err-report-merged"));
        }
        if files.len() > MAX_FILES {
            return Err(invalid("files", "err-too-many-files"));
        }
        let keys = self.store_files(store, files).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        for (f, key) in files.iter().zip(&keys) {
            sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(key.clone())
                .bind(f.content_type)
                .bind(f.bytes.len() as i64)
                .bind(f.file_name.clone())
                .bind(ctx.actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        add_event(&mut tx, id, Some(ctx), "info", None, None, Some(body)).await?;
        sqlx::query("UPDATE reports SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.index_report(&mut tx, id).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_info",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("files={}", files.len())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An attachment's bytes, for someone who may see the report (or a referral of it). Each
    /// download is a sensitive view in the audit log.
    pub async fn report_attachment(
        &self,
        ctx: &Ctx,
        report_id: i64,
        attachment_id: i64,
        store: &dyn BlobStore,
    ) -> Result<(Attachment, Vec<u8>)> {
        let place = match self.report_place(ctx, report_id, Action::ReportView).await {
            Ok((p, _)) => p,
            Err(Error::NotFound | Error::Forbidden) => {
                self.referral_report_place(ctx, report_id).await?
            }
            Err(e) => return Err(e),
        };
        let a = sqlx::query_as::<_, Attachment>(
            "SELECT id, report_id, content_type, size, file_name, created_at, storage_key FROM report_attachments WHERE id = $1 AND report_id = $2",
        )
        .bind(attachment_id)
        .bind(report_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound)?;
        let bytes = store
            .get(&a.storage_key)
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading an upload failed: {e}")))?
            .ok_or(Error::NotFound)?;
        audit::write(
            &self.pool,
            Some(ctx),
            Event {
                action: "view_sensitive",
                entity: "report",
                entity_id: Some(report_id.to_string()),
                region: Some(&place),
                sensitive: true,
                detail: Some(format!("attachment={attachment_id}")),
            },
        )
        .await?;
        Ok((a, bytes))
    }

    /// What a resident may see behind a tracking code: category, public status and when it
    /// changed. A merged report shows the status of the report it was merged into.
    pub async fn public_report(&self, code: &str) -> Result<PublicReport> {
        let code = parse_tracking_code(code).map_err(|c| invalid("kode", c))?;
        let row: Option<(i64, String, String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT id, category, status, merged_into, created_at FROM reports WHERE tracking_code = $1",
        )
        .bind(code.clone())
        .fetch_optional(&self.pool)
        .await?;
        let (id, category, status, merged, created_at) = row.ok_or(Error::NotFound)?;
        let mut status = ReportStatus::parse(&status).map_err(|_| Error::NotFound)?;
        if let Some(t) = merged {
            let s: Option<String> = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                .bind(t)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(s) = s.and_then(|s| ReportStatus::parse(&s).ok()) {
                status = s;
            }
        }
        let events: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT at, to_status FROM report_events WHERE report_id = $1 AND to_status IS NOT NULL ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut history: Vec<(i64, String)> = Vec::new();
        for (at, to) in events {
            let Some(s) = to.and_then(|s| ReportStatus::parse(&s).ok()) else {
                continue;
            };
            let p = if s == ReportStatus::Digabung {
                status.public()
            } else {
                s.public()
            };
            if history.last().map(|(_, l)| l.as_str()) != Some(p.as_str()) {
                history.push((at, p.as_str().to_string()));
            }
        }
        Ok(PublicReport {
            tracking_code: code,
            category,
            status: status.public().as_str().to_string(),
            created_at,
            history,
        })
    }

    /// Counts of open reports by status in the actor's scope, for the home page.
    pub async fn report_counts(&self, ctx: &Ctx) -> Result<Vec<(String, i64)>> {
        ctx.require(Action::ReportView, None)?;
        let mut f = Filter::default();
        f.scope(&ctx.actor.scope, "region_code", "kab_code", "prov_code");
        f.push("status IN ('baru', 'ditinjau', 'ditangani')".into());
        Ok(f.query_as(format!(
            "SELECT status, COUNT(*) AS n FROM reports{} GROUP BY status ORDER BY status",
            f.where_sql()
        ))
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Hide reporter contacts and people's phones and NIKs.
pub(crate) fn mask_report(report: &mut Report, people: &mut [Person]) {
    if report.reporter_name.is_some() {
        report.reporter_name = Some("•••".into());
    }
    report.reporter_phone = report.reporter_phone.as_deref().map(mask_phone);
    mask_people(people);
}

pub(crate) fn mask_people(people: &mut [Person]) {
    for p in people {
        p.phone = p.phone.as_deref().map(mask_phone);
        p.nik = p.nik.as_deref().map(mask_nik);
        if p.village.is_some() {
            p.village = Some("•••".into());
        }
    }
}

pub fn invalid(field: &'static str, code: &'static str) -> Error {
    Error::Invalid(FieldErrors(vec![benteng_domain::FieldError {
        field,
        code,
    }]))
}

async fn insert_person(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: i64,
    p: &ValidPerson,
) -> Result<()> {
    sqlx::query("INSERT INTO report_people (report_id, role, name, name_key, phone, nik, sex, minor, village, note, kab_code) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT kab_code FROM reports WHERE id = $1))")
        .bind(report_id)
        .bind(p.role.as_str())
        .bind(p.name.clone())
        .bind(p.name.as_deref().map(name_key).filter(|k| !k.is_empty()))
        .bind(p.phone.clone())
        .bind(p.nik.clone())
        .bind(p.sex.clone())
        .bind(p.minor as i64)
        .bind(p.village.clone())
        .bind(p.note.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn add_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: i64,
    ctx: Option<&Ctx>,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    body: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO report_events (report_id, at, user_id, kind, from_status, to_status, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(report_id)
        .bind(crate::now())
        .bind(ctx.map(|c| c.actor.user_id))
        .bind(kind.to_string())
        .bind(from.map(str::to_string))
        .bind(to.map(str::to_string))
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Move a report to `to` as a side effect (a referral or a case opened), when allowed.
pub(crate) async fn advance_report(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    id: i64,
    to: ReportStatus,
) -> Result<()> {
    let from: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if let Ok(from) = ReportStatus::parse(&from) {
        if from.can_move_to(to) {
            sqlx::query("UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(crate::now())
                .bind(id)
                .execute(&mut **tx)
                .await?;
            add_event(
                tx,
                id,
                Some(ctx),
                "status",
                Some(from.as_str()),
                Some(to.as_str()),
                None,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_match_whole_words_longer_ones_their_beginnings() {
        let words = search_words("Di  SENDANG, k-a 12 pt.");
        assert_eq!(words, ["di", "sendang", "ka", "12", "pt"]);
        assert_eq!(
            text_query(Backend::Sqlite, &words),
            r#""di" "sendang"* "ka" "12" "pt""#
        );
        assert_eq!(
            text_query(Backend::Postgres, &words),
            "di & sendang:* & ka & 12 & pt"
        );
        // Three letters, counted as characters (not bytes), begin to match as a prefix.
        let words = search_words("pas ÉÉ");
        assert_eq!(text_query(Backend::Sqlite, &words), r#""pas"* "éé""#);
        assert_eq!(text_query(Backend::Postgres, &words), "pas:* & éé");
    }
}
