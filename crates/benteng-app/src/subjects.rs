//! Data-subject requests (UU 27/2022): record a request with its deadline, find what is held
//! about the person, hand it over (PDF or JSON), correct it, erase it where allowed, close the
//! request with its outcome. Rules in `benteng_domain::subject`; the storage
//! (`benteng_db::subjects`) keeps the SQL, the office's scope and the audit log.

use benteng_db::subjects::{Correction, NewRequest, RequestFilter};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::subject::{due_date, search_name, Field, FoundAs, RequestKind, RequestStatus};
use benteng_domain::values::{date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, Nik, PhoneNumber};
use serde::Deserialize;

pub use benteng_db::subjects::{Finding, Findings, RequestEvent, RequestRow, SubjectRequest};

/// A request as the officer types it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    /// `akses`, `koreksi` or `penghapusan`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub requester_name: String,
    /// How to answer the person (phone, e-mail, address).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub requester_contact: String,
    /// Search by: at least one of NIK, phone and name.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    /// What the person asks, in their words.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub detail: String,
    /// `YYYY-MM-DD`; empty: today.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub received_on: String,
}

/// Closing a request.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseInput {
    /// `selesai` or `ditolak`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    /// What was done, or why it was refused (told to the person).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub outcome: String,
}

/// Correcting one field of one finding.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CorrectInput {
    /// The finding, as `found_as:row_id` (e.g. `orang_laporan:12`).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub finding: String,
    /// `name`, `nik` or `phone`.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub field: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub value: String,
}

/// Erasing findings.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EraseInput {
    /// The findings to erase, each as `found_as:row_id`.
    #[serde(default)]
    pub findings: Vec<String>,
}

/// A list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestQuery {
    pub status: Option<String>,
    /// `1`: only open requests past their deadline.
    pub terlambat: Option<String>,
    pub page: Option<i64>,
}

/// Record a request received today (or on the day given), due [`RESPONSE_DAYS`] later.
///
/// [`RESPONSE_DAYS`]: benteng_domain::subject::RESPONSE_DAYS
pub async fn create(db: &Db, ctx: &Ctx, i: &RequestInput) -> Result<i64> {
    ctx.require(Action::SubjectRequest, None)?;
    let mut e = FieldErrors::new();
    let kind = e.check("kind", RequestKind::parse(&i.kind));
    let requester_name = e.check("requester_name", required_text(&i.requester_name, 200));
    let requester_contact = e
        .check(
            "requester_contact",
            optional_text(&i.requester_contact, 300),
        )
        .flatten();
    let nik = if i.nik.trim().is_empty() {
        None
    } else {
        e.check("nik", Nik::parse(&i.nik))
    };
    let phone = if i.phone.trim().is_empty() {
        None
    } else {
        e.check("phone", PhoneNumber::parse(&i.phone))
    };
    let name = e.check("name", search_name(&i.name)).flatten();
    if i.nik.trim().is_empty() && i.phone.trim().is_empty() && i.name.trim().is_empty() {
        e.add("nik", "err-subject-identifier");
    }
    let detail = e.check("detail", optional_text(&i.detail, 4000)).flatten();
    let today = benteng_db::today();
    let received_on = if i.received_on.trim().is_empty() {
        Some(today)
    } else {
        e.check("received_on", date(&i.received_on))
    };
    if received_on.is_some_and(|d| d > today) {
        e.add("received_on", "err-date-future");
    }
    e.into_result()?;
    let (Some(kind), Some(requester_name), Some(received_on)) = (kind, requester_name, received_on)
    else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let r = NewRequest {
        kind,
        requester_name,
        requester_contact,
        nik,
        phone,
        name,
        detail,
        received_on,
        due_on: due_date(received_on),
    };
    db.subjects().create(ctx, &r).await
}

/// The office's requests: open ones first, by deadline.
pub async fn list(db: &Db, ctx: &Ctx, q: &RequestQuery, per_page: i64) -> Result<Page<RequestRow>> {
    ctx.require(Action::SubjectRequest, None)?;
    let mut f = RequestFilter::default();
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        f.status = Some(RequestStatus::parse(s).map_err(|c| crate::invalid("status", c))?);
    }
    if q.terlambat.as_deref() == Some("1") {
        f.overdue_on = Some(benteng_db::today());
    }
    db.subjects().list(ctx, &f, q.page, per_page).await
}

/// A request, its steps and what it finds now (an audited view of personal data).
pub async fn get(
    db: &Db,
    ctx: &Ctx,
    id: i64,
) -> Result<(SubjectRequest, Vec<RequestEvent>, Findings)> {
    let repo = db.subjects();
    let req = repo.get(ctx, id).await?;
    let events = repo.events(ctx, id).await?;
    let found = repo.find(ctx, id).await?;
    Ok((req, events, found))
}

/// The findings to hand to the person, recording the export in the request and the audit log.
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    format: &str,
) -> Result<(SubjectRequest, Findings)> {
    let repo = db.subjects();
    let req = repo.get(ctx, id).await?;
    let found = repo.find(ctx, id).await?;
    repo.exported(ctx, id, format, found.items.len()).await?;
    Ok((req, found))
}

/// `orang_laporan:12` → the finding's kind and row.
fn finding_key(s: &str) -> Option<(FoundAs, i64)> {
    let (kind, row) = s.trim().split_once(':')?;
    Some((
        FoundAs::parse(kind)?,
        row.parse().ok().filter(|r: &i64| *r > 0)?,
    ))
}

/// Correct one field of one finding (correction requests only).
pub async fn correct(db: &Db, ctx: &Ctx, id: i64, i: &CorrectInput) -> Result<()> {
    ctx.require(Action::SubjectRequest, None)?;
    let mut e = FieldErrors::new();
    let target = finding_key(&i.finding);
    if target.is_none() {
        e.add("finding", "err-subject-finding");
    }
    let field = e.check("field", Field::parse(&i.field));
    let value = match field {
        Some(Field::Name) => e.check("value", required_text(&i.value, 200)),
        Some(Field::Nik) => e
            .check("value", Nik::parse(&i.value))
            .map(|n| n.as_str().to_string()),
        Some(Field::Phone) => e
            .check("value", PhoneNumber::parse(&i.value))
            .map(|p| p.as_str().to_string()),
        None => None,
    };
    if let (Some((kind, _)), Some(field)) = (target, field) {
        if !kind.correctable(field) {
            e.add("field", "err-subject-field");
        }
    }
    e.into_result()?;
    let (Some((found_as, row_id)), Some(field), Some(value)) = (target, field, value) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.subjects()
        .correct(
            ctx,
            id,
            &Correction {
                found_as,
                row_id,
                field,
                value,
            },
        )
        .await
}

/// Erase the chosen findings (erasure requests only); returns how many were erased.
pub async fn erase(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    i: &EraseInput,
    store: &dyn crate::uploads::BlobStore,
) -> Result<usize> {
    ctx.require(Action::SubjectRequest, None)?;
    let mut chosen = Vec::new();
    for s in &i.findings {
        match finding_key(s) {
            Some(k) if !chosen.contains(&k) => chosen.push(k),
            Some(_) => {}
            None => return Err(crate::invalid("findings", "err-subject-finding")),
        }
    }
    if chosen.is_empty() || chosen.len() > 500 {
        return Err(crate::invalid("findings", "err-subject-choose"));
    }
    db.subjects().erase(ctx, id, &chosen, store).await
}

/// Close a request as done or refused, with its outcome.
pub async fn close(db: &Db, ctx: &Ctx, id: i64, i: &CloseInput) -> Result<()> {
    ctx.require(Action::SubjectRequest, None)?;
    let mut e = FieldErrors::new();
    let status = e.check("status", RequestStatus::closing(&i.status));
    let outcome = e.check("outcome", required_text(&i.outcome, 4000));
    e.into_result()?;
    let (Some(status), Some(outcome)) = (status, outcome) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    db.subjects().close(ctx, id, status, &outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_keys_name_a_kind_and_a_row() {
        assert_eq!(
            finding_key("orang_laporan:12"),
            Some((FoundAs::ReportPerson, 12))
        );
        assert_eq!(finding_key("orang_laporan:0"), None);
        assert_eq!(finding_key("laporan:12"), None);
        assert_eq!(finding_key("pelapor"), None);
    }
}
