//! The passport interview: the officer enters the applicant, Benteng searches the watchlist
//! for the applicant and the sponsor, the domain's rules ([`passport::assess`]) weigh what is
//! known, and the screening is kept with its hits and audited. Then the decision, the list of
//! screenings and the monthly figures; the storage (`benteng_db::screening`) keeps them and
//! checks who may see which.

use super::{invalid, WatchCache};
use crate::de::ticked;
use benteng_db::screening::{
    DecisionFilter, NewDecision, NewScreening, ScreeningDetail, ScreeningFilter, ScreeningRow,
    ScreeningStats, StoredHit,
};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::nik::{Nik, Sex};
use benteng_domain::passport::{self, Applicant, Decision, Document, Level, Purpose};
use benteng_domain::phone::PhoneNumber;
use benteng_domain::screening::Query;
use benteng_domain::values::{date, optional_country, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, RegionCode};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScreeningInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub birth_date: String,
    /// `L` (laki-laki) or `P` (perempuan), as in reports.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sex: String,
    /// The applicant's village (desa code).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    /// wisata, umrah, kunjungan_keluarga, bekerja, belajar, bisnis, berobat or lainnya.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub purpose: String,
    /// Destination country, ISO 3166 alpha-2.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub destination: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub job: String,
    /// Ticked when the job is domestic work for a household.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub domestic_work: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sponsor_name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sponsor_phone: String,
    /// Codes of the documents shown (ktp_el, kk, akta_lahir, rekomendasi_disnaker, e_pmi,
    /// perjanjian_kerja, tiket_pulang, surat_sponsor, surat_izin_keluarga).
    #[serde(default)]
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScreeningQuery {
    /// Month as YYYY-MM.
    pub month: Option<String>,
    pub decision: Option<String>,
    pub level: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// lanjut, wawancara_lanjutan, tunda or tolak.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub decision: String,
    /// Required for tunda and tolak.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub reason: String,
}

/// The applicant as read from the form.
struct Read {
    name: String,
    applicant: Applicant,
    village: Option<RegionCode>,
    job: Option<String>,
    sponsor_name: Option<String>,
    sponsor_phone: Option<String>,
}

/// Screen an applicant: read the input, search the watchlist, assess, keep, audit. Returns
/// the screening's id.
pub async fn screen_applicant(
    db: &Db,
    ctx: &Ctx,
    cache: &Arc<WatchCache>,
    i: &ScreeningInput,
) -> Result<i64> {
    ctx.require(Action::ScreeningRun, None)?;
    let r = read(db, i).await?;
    let built = cache.current(db).await?;
    let applicant = built.index.search_all(
        &Query {
            name: r.name.clone(),
            birth_date: r.applicant.birth_date,
            nik: r.applicant.nik.clone(),
            phones: Vec::new(),
            sex: r.applicant.sex,
        },
        5,
    );
    let applicant_hits = applicant.hits;
    let sponsor_hits = match (&r.sponsor_name, &r.sponsor_phone) {
        (None, None) => Vec::new(),
        _ => built.index.search(
            &Query {
                name: r.sponsor_name.clone().unwrap_or_default(),
                phones: r.sponsor_phone.iter().cloned().collect(),
                ..Default::default()
            },
            5,
        ),
    };
    let mut hits = Vec::new();
    for (who, list) in [("applicant", &applicant_hits), ("sponsor", &sponsor_hits)] {
        for h in list.iter().filter(|h| h.alert || h.score >= 60) {
            if let Some(s) = db.screening().describe_hit(ctx, who, h).await? {
                hits.push(s);
            }
        }
    }
    let (village_reports_90d, kantong_pmi) = match &r.village {
        Some(v) => db.screening().village_risk_facts(v).await?,
        None => (0, false),
    };
    let nik_region_known = match r.applicant.nik.as_deref().map(Nik::parse) {
        Some(Ok(n)) => Some(
            db.regions()
                .region_by_code(n.region_code().as_str())
                .await?
                .is_some(),
        ),
        _ => None,
    };
    let assessment = passport::assess(
        &r.applicant,
        &passport::Context {
            today: Some(benteng_db::today()),
            nik_region_known,
            applicant_hit: best(&hits, "applicant", |_| true),
            sponsor_name_hit: best(&hits, "sponsor", |h| {
                recruiter(h) && h.reasons.iter().any(|r| r.starts_with("name:"))
            }),
            sponsor_phone_hit: hits.iter().any(|h| {
                h.who == "sponsor"
                    && recruiter(h)
                    && h.reasons.iter().any(|r| r.starts_with("phone:"))
            }),
            village_reports_90d,
            kantong_pmi,
            rules: Some(db.rule_set()),
        },
    );
    db.screening()
        .insert_screening(
            ctx,
            &NewScreening {
                name: r.name,
                applicant: r.applicant,
                village: r.village,
                job: r.job,
                sponsor_name: r.sponsor_name,
                sponsor_phone: r.sponsor_phone,
                assessment,
                hits,
                namesakes_hidden: applicant.same_name_hidden as i64,
                common_name_only: applicant.common_only as i64,
            },
        )
        .await
}

/// Record (or change) the interviewer's decision; postponing and refusing need a reason. Who
/// may decide is asked first (a screening of another office answers 403 whatever was sent).
pub async fn decide(db: &Db, ctx: &Ctx, id: i64, i: &DecisionInput) -> Result<()> {
    db.screening().check_decidable(ctx, id).await?;
    let mut e = FieldErrors::new();
    let d = e.check("decision", Decision::parse(&i.decision));
    let reason = e.check("reason", optional_text(&i.reason, 1000)).flatten();
    if let Some(d) = d {
        if d.needs_reason() && reason.is_none() {
            e.add("reason", "err-reason-required");
        }
    }
    let (Some(decision), true) = (d, e.is_empty()) else {
        return Err(Error::Invalid(e));
    };
    db.screening()
        .decide_screening(ctx, id, &NewDecision { decision, reason })
        .await
}

/// Screenings I may follow (the office's own; the Kanwil's province), newest first, by month,
/// decision (`belum`: not decided yet) and level; NIKs and sponsor phones masked.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    q: &ScreeningQuery,
    per_page: i64,
) -> Result<Page<ScreeningRow>> {
    ctx.require(Action::ScreeningView, None)?;
    let created = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        None => None,
        Some(m) => Some(month_range(m).ok_or_else(|| invalid("month", "err-month"))?),
    };
    let decision = match q.decision.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("belum") => Some(DecisionFilter::Undecided),
        Some(d) => Some(DecisionFilter::Is(
            Decision::parse(d).map_err(|c| invalid("decision", c))?,
        )),
    };
    let level = match q.level.as_deref().filter(|l| !l.trim().is_empty()) {
        None => None,
        Some(l) => Some(Level::parse(l).map_err(|c| invalid("level", c))?),
    };
    let f = ScreeningFilter {
        created,
        decision,
        level,
        page: q.page,
    };
    db.screening().list_screenings(ctx, &f, per_page).await
}

/// One screening with its findings and hits. The office's interviewers see the NIK and the
/// sponsor's phone (the view is audited); everyone else sees them masked.
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<ScreeningDetail> {
    db.screening().get_screening(ctx, id).await
}

/// Screenings per month (the last twelve) and postponements and refusals per village.
pub async fn stats(db: &Db, ctx: &Ctx) -> Result<ScreeningStats> {
    db.screening().screening_stats(ctx).await
}

/// The instants where month `YYYY-MM` (WIB) starts and the next one starts.
fn month_range(m: &str) -> Option<(i64, i64)> {
    let (y, mo) = m.trim().split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let mo: u8 = mo.parse().ok()?;
    let start = time::Date::from_calendar_date(y, time::Month::try_from(mo).ok()?, 1).ok()?;
    let next = if mo == 12 {
        time::Date::from_calendar_date(y + 1, time::Month::January, 1).ok()?
    } else {
        time::Date::from_calendar_date(y, time::Month::try_from(mo + 1).ok()?, 1).ok()?
    };
    let wib = time::UtcOffset::from_hms(7, 0, 0).ok()?;
    Some((
        start.midnight().assume_offset(wib).unix_timestamp(),
        next.midnight().assume_offset(wib).unix_timestamp(),
    ))
}

/// A hit on a suspected recruiter (the sponsor findings count only those).
fn recruiter(h: &StoredHit) -> bool {
    h.category == "perekrut"
}

/// The strongest hit on `who` that passes `keep`: (score, alert).
fn best(hits: &[StoredHit], who: &str, keep: impl Fn(&StoredHit) -> bool) -> Option<(u8, bool)> {
    hits.iter()
        .filter(|h| h.who == who && keep(h))
        .map(|h| (h.score, h.alert))
        .max()
}

async fn read(db: &Db, i: &ScreeningInput) -> Result<Read> {
    let mut e = FieldErrors::new();
    let name = e.check("name", required_text(&i.name, 200));
    // A NIK that is not valid is kept as typed (digits only) and flagged, never refused:
    // the applicant's KTP is in front of the officer.
    let nik_digits: Option<String> = {
        let d: String = i.nik.chars().filter(char::is_ascii_digit).collect();
        if i.nik.trim().is_empty() {
            None
        } else if d.is_empty() || d.len() > 16 {
            e.add("nik", "err-nik-format");
            None
        } else {
            Some(d)
        }
    };
    let birth = match i.birth_date.trim() {
        "" => None,
        d => e.check("birth_date", date(d)),
    };
    let sex = match i.sex.trim() {
        "" => None,
        "l" | "L" => Some(Sex::Male),
        "p" | "P" => Some(Sex::Female),
        _ => {
            e.add("sex", "err-invalid-choice");
            None
        }
    };
    let purpose = e.check("purpose", Purpose::parse(&i.purpose));
    let destination = e
        .check("destination", optional_country(&i.destination))
        .flatten();
    let job = e.check("job", optional_text(&i.job, 200)).flatten();
    let sponsor_name = e
        .check("sponsor_name", optional_text(&i.sponsor_name, 200))
        .flatten();
    let sponsor_phone = match i.sponsor_phone.trim() {
        "" => None,
        p => e
            .check("sponsor_phone", PhoneNumber::parse(p))
            .map(|p| p.as_str().to_string()),
    };
    let mut documents = Vec::new();
    for d in &i.documents {
        match Document::parse(d) {
            Ok(d) if !documents.contains(&d) => documents.push(d),
            Ok(_) => {}
            Err(c) => e.add("documents", c),
        }
    }
    let village = match i.region_code.trim() {
        "" => None,
        r => db.regions().known_village(r, "region_code", &mut e).await?,
    };
    let (Some(name), Some(purpose), true) = (name, purpose, e.is_empty()) else {
        return Err(Error::Invalid(e));
    };
    Ok(Read {
        name,
        applicant: Applicant {
            nik: nik_digits,
            birth_date: birth,
            sex,
            purpose: Some(purpose),
            destination,
            domestic_work: ticked(&i.domestic_work),
            documents,
        },
        village,
        job,
        sponsor_name,
        sponsor_phone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_wib() {
        let (a, b) = month_range("2026-12").unwrap();
        // Midnight in WIB is 17:00 UTC of the day before.
        let utc = |y, m, d| {
            time::Date::from_calendar_date(y, m, d)
                .unwrap()
                .with_hms(17, 0, 0)
                .unwrap()
                .assume_utc()
                .unix_timestamp()
        };
        assert_eq!(a, utc(2026, time::Month::November, 30));
        assert_eq!(b, utc(2026, time::Month::December, 31));
        assert!(month_range("2026-13").is_none() && month_range("x").is_none());
    }
}
