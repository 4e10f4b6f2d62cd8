//! The figures of one period, section by section.

use super::{Cols, Count, Figures, Place, Unit, Window};
use crate::sql::Filter;
use crate::{Db, Result};
use benteng_domain::report::{Priority, EXPLOITATION_TYPES};
use benteng_domain::Action;
use serde::Serialize;

/// Referrals answered by one agency.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyResponse {
    pub agency: String,
    /// Sent in the period.
    pub sent: i64,
    /// Of those, answered (accepted or declined).
    pub answered: i64,
    /// Median minutes from sending to the first answer, over those answered.
    pub median_minutes: Option<i64>,
    /// Open and past their due date now (any period).
    pub overdue: i64,
}

pub(super) const DESA: Cols = Cols {
    village: "d.region_code",
    kab: "d.kab_code",
    prov: "d.prov_code",
};
pub(super) const EVENTS: Cols = Cols {
    village: "e.region_code",
    kab: "e.kab_code",
    prov: "e.prov_code",
};
pub(super) const MIGRANTS: Cols = Cols {
    village: "m.village_code",
    kab: "m.kab_code",
    prov: "m.prov_code",
};
pub(super) const REPORTS: Cols = Cols {
    village: "r.region_code",
    kab: "r.kab_code",
    prov: "r.prov_code",
};
pub(super) const REFERRALS: Cols = Cols {
    village: "x.region_code",
    kab: "x.kab_code",
    prov: "x.prov_code",
};
pub(super) const CASES: Cols = Cols {
    village: "c.region_code",
    kab: "c.kab_code",
    prov: "c.prov_code",
};
/// Alerts keep their area's code and province; the kabupaten/kota is the code's first five
/// characters (a province-wide alert has none and is counted only in the province's view).
pub(super) const ALERTS: Cols = Cols {
    village: "al.area_code",
    kab: "substr(al.area_code, 1, 5)",
    prov: "al.prov_code",
};

struct Out(Vec<Count>);

impl Out {
    fn add(&mut self, key: impl Into<String>, n: i64, unit: Unit, snapshot: bool) {
        self.0.push(Count {
            key: key.into(),
            n,
            unit,
            snapshot,
        });
    }

    /// Every value of `values` under `prefix`, zero when absent from `rows`.
    fn spread(
        &mut self,
        prefix: &str,
        values: &[&str],
        rows: &[(String, i64)],
        unit: Unit,
        snapshot: bool,
    ) {
        for v in values {
            let n = rows.iter().filter(|(k, _)| k == v).map(|r| r.1).sum();
            self.add(format!("{prefix}.{v}"), n, unit, snapshot);
        }
    }
}

fn between(f: &mut Filter, col: &str, w: &Window) {
    let a = f.int(w.start);
    let b = f.int(w.end);
    f.push(format!("{col} >= {a} AND {col} < {b}"));
}

fn between_days(f: &mut Filter, col: &str, w: &Window) {
    let a = f.text(w.first_day.clone());
    let b = f.text(w.end_day.clone());
    f.push(format!("{col} >= {a} AND {col} < {b}"));
}

async fn scalar(db: &Db, f: &Filter, sql: String) -> Result<i64> {
    Ok(f.scalar(sql).fetch_one(&db.pool).await?)
}

async fn grouped(db: &Db, f: &Filter, sql: String) -> Result<Vec<(String, i64)>> {
    Ok(f.query_as::<(String, i64)>(sql).fetch_all(&db.pool).await?)
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let m = v.len() / 2;
    Some(if !v.len().is_multiple_of(2) {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2
    })
}

/// Every section the viewer may see.
pub(super) async fn all(db: &Db, p: &Place<'_>, w: &Window) -> Result<Figures> {
    let mut out = Out(Vec::new());
    let can = |a: Action| p.ctx.allows(a, None);
    if can(Action::DesaBinaanView) {
        desa(db, p, w, &mut out).await?;
    }
    if can(Action::EventView) {
        events(db, p, w, &mut out).await?;
    }
    if can(Action::MigrantView) {
        migrants(db, p, w, &mut out).await?;
    }
    if can(Action::ReportView) {
        reports(db, p, w, &mut out).await?;
    }
    let mut agencies = Vec::new();
    if can(Action::ReferralView) {
        agencies = referrals(db, p, w, &mut out).await?;
    }
    if can(Action::CaseView) {
        cases(db, p, w, &mut out).await?;
    }
    if can(Action::ScreeningView) {
        screenings(db, p, w, &mut out).await?;
    }
    if can(Action::RoomView) {
        let mut f = p.filter(ALERTS);
        between(&mut f, "al.created_at", w);
        let n = scalar(
            db,
            &f,
            format!("SELECT COUNT(*) FROM alerts al{}", f.where_sql()),
        )
        .await?;
        out.add("alerts.sent", n, Unit::Count, false);
    }
    Ok(Figures {
        counts: out.0,
        agencies,
        counted_at: crate::now(),
    })
}

async fn desa(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let f = p.filter(DESA);
    let rows = grouped(
        db,
        &f,
        format!(
            "SELECT d.status, COUNT(*) FROM desa_binaan d{} GROUP BY d.status",
            f.where_sql()
        ),
    )
    .await?;
    out.add(
        "desa.total",
        rows.iter().map(|r| r.1).sum(),
        Unit::Count,
        true,
    );
    out.spread(
        "desa.status",
        &["persiapan", "aktif", "nonaktif"],
        &rows,
        Unit::Count,
        true,
    );
    let mut f = p.filter(DESA);
    between_days(&mut f, "d.sk_date", w);
    let n = scalar(
        db,
        &f,
        format!("SELECT COUNT(*) FROM desa_binaan d{}", f.where_sql()),
    )
    .await?;
    out.add("desa.enrolled", n, Unit::Count, false);
    let mut f = p.filter(DESA);
    between_days(&mut f, "v.visit_date", w);
    let n = scalar(
        db,
        &f,
        format!(
            "SELECT COUNT(*) FROM village_visits v JOIN desa_binaan d ON d.id = v.desa_binaan_id{}",
            f.where_sql()
        ),
    )
    .await?;
    out.add("desa.visits", n, Unit::Count, false);
    Ok(())
}

/// Events held in the area (a village's view: held there or inviting it), or, with
/// `attendees`, participants (a village's view: its own residents, at any event). Rows are
/// `events e` joined, for participants, with `event_attendees a`.
pub(super) fn event_place(p: &Place<'_>, attendees: bool) -> Filter {
    match p.village() {
        Some(v) => {
            let mut f = Filter::default();
            let ph = f.text(v.as_str());
            f.push(if attendees {
                format!("a.village_code = {ph}")
            } else {
                format!(
                    "(e.region_code = {ph} OR e.id IN (SELECT event_id FROM event_villages WHERE village_code = {ph}))"
                )
            });
            f
        }
        None => p.filter(EVENTS),
    }
}

fn event_filter(p: &Place<'_>, w: &Window) -> Filter {
    let mut f = event_place(p, false);
    between(&mut f, "e.starts_at", w);
    f
}

fn attendee_filter(p: &Place<'_>, w: &Window) -> Filter {
    let mut f = event_place(p, true);
    between(&mut f, "e.starts_at", w);
    f
}

async fn events(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let f = event_filter(p, w);
    let n = scalar(
        db,
        &f,
        format!("SELECT COUNT(*) FROM events e{}", f.where_sql()),
    )
    .await?;
    out.add("events.held", n, Unit::Count, false);
    let f = attendee_filter(p, w);
    let from = "FROM event_attendees a JOIN events e ON e.id = a.event_id";
    let by_sex = grouped(
        db,
        &f,
        format!(
            "SELECT COALESCE(a.sex, ''), COUNT(*) {from}{} GROUP BY COALESCE(a.sex, '')",
            f.where_sql()
        ),
    )
    .await?;
    out.add(
        "events.participants",
        by_sex.iter().map(|r| r.1).sum(),
        Unit::Count,
        false,
    );
    out.spread("events.sex", &["l", "p"], &by_sex, Unit::Count, false);
    let by_role = grouped(
        db,
        &f,
        format!(
            "SELECT a.role, COUNT(*) {from}{} GROUP BY a.role",
            f.where_sql()
        ),
    )
    .await?;
    out.spread(
        "events.role",
        &[
            "warga",
            "calon_pmi",
            "pmi_purna",
            "perangkat_desa",
            "tokoh",
            "petugas",
            "lainnya",
        ],
        &by_role,
        Unit::Count,
        false,
    );
    // Knowledge gain: participants who took both tests, post-test share minus pre-test share.
    let pairs = f
        .query_as::<(i64, i64, i64, i64)>(format!(
            "SELECT pr.score, pr.total, po.score, po.total {from} \
             JOIN quiz_attempts pr ON pr.attendee_id = a.id AND pr.kind = 'pre' \
             JOIN quiz_attempts po ON po.attendee_id = a.id AND po.kind = 'post'{}",
            f.where_sql()
        ))
        .fetch_all(&db.pool)
        .await?;
    let gains: Vec<f64> = pairs
        .iter()
        .filter(|(_, pt, _, qt)| *pt > 0 && *qt > 0)
        .map(|(ps, pt, qs, qt)| *qs as f64 / *qt as f64 - *ps as f64 / *pt as f64)
        .collect();
    out.add("events.tested", gains.len() as i64, Unit::Count, false);
    if !gains.is_empty() {
        let avg = gains.iter().sum::<f64>() / gains.len() as f64;
        out.add(
            "events.gain",
            (avg * 1000.0).round() as i64,
            Unit::Points,
            false,
        );
    }
    Ok(())
}

async fn migrants(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let mut f = p.filter(MIGRANTS);
    between(&mut f, "m.created_at", w);
    let n = scalar(
        db,
        &f,
        format!("SELECT COUNT(*) FROM migrants m{}", f.where_sql()),
    )
    .await?;
    out.add("migrants.registered", n, Unit::Count, false);
    let mut f = p.filter(MIGRANTS);
    between_days(&mut f, "m.departure_date", w);
    let rows = f
        .query_as::<(i64, i64)>(format!(
            "SELECT m.nonprocedural, COUNT(*) FROM migrants m{} GROUP BY m.nonprocedural",
            f.where_sql()
        ))
        .fetch_all(&db.pool)
        .await?;
    let with = rows.iter().filter(|r| r.0 == 0).map(|r| r.1).sum();
    let without = rows.iter().filter(|r| r.0 != 0).map(|r| r.1).sum();
    out.add("migrants.departed_procedural", with, Unit::Count, false);
    out.add(
        "migrants.departed_nonprocedural",
        without,
        Unit::People,
        false,
    );
    let mut f = p.filter(MIGRANTS);
    between_days(&mut f, "m.return_date", w);
    let n = scalar(
        db,
        &f,
        format!("SELECT COUNT(*) FROM migrants m{}", f.where_sql()),
    )
    .await?;
    out.add("migrants.returned", n, Unit::Count, false);
    let f = p.filter(MIGRANTS);
    let rows = grouped(
        db,
        &f,
        format!(
            "SELECT m.status, COUNT(*) FROM migrants m{} GROUP BY m.status",
            f.where_sql()
        ),
    )
    .await?;
    for s in ["rencana", "proses", "berangkat", "luar_negeri", "pulang"] {
        let n = rows.iter().filter(|r| r.0 == s).map(|r| r.1).sum();
        out.add(format!("migrants.status.{s}"), n, Unit::Count, true);
    }
    let n = rows
        .iter()
        .filter(|r| r.0 == "bermasalah")
        .map(|r| r.1)
        .sum();
    out.add("migrants.status.bermasalah", n, Unit::People, true);
    Ok(())
}

async fn reports(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let mut f = p.filter(REPORTS);
    between(&mut f, "r.created_at", w);
    let wh = f.where_sql();
    let by = |col: &str| format!("SELECT {col}, COUNT(*) FROM reports r{wh} GROUP BY {col}");
    let cats = grouped(db, &f, by("r.category")).await?;
    out.add(
        "reports.filed",
        cats.iter().map(|r| r.1).sum(),
        Unit::Count,
        false,
    );
    out.spread(
        "reports.category",
        &[
            "rekrutmen",
            "nonprosedural",
            "korban",
            "dokumen",
            "iklan",
            "wna",
        ],
        &cats,
        Unit::Count,
        false,
    );
    let src = grouped(db, &f, by("r.source")).await?;
    out.spread(
        "reports.source",
        &["publik", "desa", "petugas", "whatsapp"],
        &src,
        Unit::Count,
        false,
    );
    // Village users see the score without its linked part (see `priority_linked`); the
    // figure follows what their list shows.
    let score = if p.ctx.actor.role == benteng_domain::Role::Desa {
        "r.priority - r.priority_linked"
    } else {
        "r.priority"
    };
    let scores = f
        .query_as::<(i64, i64)>(format!(
            "SELECT {score}, COUNT(*) FROM reports r{wh} GROUP BY {score}"
        ))
        .fetch_all(&db.pool)
        .await?;
    let levels: Vec<(String, i64)> = scores
        .iter()
        .map(|(s, n)| (Priority::level(*s).to_string(), *n))
        .collect();
    out.spread(
        "reports.priority",
        &["tinggi", "sedang", "rendah"],
        &levels,
        Unit::Count,
        false,
    );
    let st = grouped(db, &f, by("r.status")).await?;
    out.spread(
        "reports.status",
        &[
            "baru",
            "ditinjau",
            "ditangani",
            "selesai",
            "ditolak",
            "digabung",
        ],
        &st,
        Unit::Count,
        false,
    );
    // Filing to triage: the first time the report left "baru".
    let pairs = f
        .query_as::<(i64, i64)>(format!(
            "SELECT r.created_at, MIN(ev.at) FROM reports r \
             JOIN report_events ev ON ev.report_id = r.id AND ev.from_status = 'baru'{wh} \
             GROUP BY r.id, r.created_at"
        ))
        .fetch_all(&db.pool)
        .await?;
    let waits: Vec<i64> = pairs.iter().map(|(a, b)| (b - a).max(0) / 60).collect();
    out.add("reports.triaged", waits.len() as i64, Unit::Count, false);
    if let Some(m) = median(waits) {
        out.add("reports.triage_minutes", m, Unit::Minutes, false);
    }
    Ok(())
}

async fn referrals(
    db: &Db,
    p: &Place<'_>,
    w: &Window,
    out: &mut Out,
) -> Result<Vec<AgencyResponse>> {
    // A partner agency sees its own referrals only (as in its list); officers and the
    // Kanwil those of their area.
    let base = |p: &Place<'_>| {
        if p.ctx.actor.role == benteng_domain::Role::Mitra {
            let mut f = Filter::default();
            let ph = f.int(p.ctx.actor.agency_id.unwrap_or(-1));
            f.push(format!("x.agency_id = {ph}"));
            f
        } else {
            p.filter(REFERRALS)
        }
    };
    let mut f = base(p);
    between(&mut f, "x.created_at", w);
    let wh = f.where_sql();
    let st = grouped(
        db,
        &f,
        format!("SELECT x.status, COUNT(*) FROM referrals x{wh} GROUP BY x.status"),
    )
    .await?;
    out.add(
        "referrals.sent",
        st.iter().map(|r| r.1).sum(),
        Unit::Count,
        false,
    );
    out.spread(
        "referrals.status",
        &["terkirim", "diterima", "ditolak", "selesai", "dibatalkan"],
        &st,
        Unit::Count,
        false,
    );
    let answers = f
        .query_as::<(String, i64, Option<i64>)>(format!(
            "SELECT ag.name, x.created_at, MIN(ac.at) FROM referrals x \
             JOIN agencies ag ON ag.id = x.agency_id \
             LEFT JOIN referral_actions ac ON ac.referral_id = x.id AND ac.kind IN ('diterima', 'ditolak'){wh} \
             GROUP BY x.id, ag.name, x.created_at"
        ))
        .fetch_all(&db.pool)
        .await?;
    let mut f = base(p);
    let today = f.text(benteng_domain::values::format_date(crate::today()));
    f.push(format!(
        "x.status IN ('terkirim', 'diterima') AND x.due_date < {today}"
    ));
    let overdue = grouped(
        db,
        &f,
        format!(
            "SELECT ag.name, COUNT(*) FROM referrals x JOIN agencies ag ON ag.id = x.agency_id{} GROUP BY ag.name",
            f.where_sql()
        ),
    )
    .await?;
    out.add(
        "referrals.overdue",
        overdue.iter().map(|r| r.1).sum(),
        Unit::Count,
        true,
    );
    let all: Vec<i64> = answers
        .iter()
        .filter_map(|(_, sent, ans)| ans.map(|a| (a - sent).max(0) / 60))
        .collect();
    out.add("referrals.answered", all.len() as i64, Unit::Count, false);
    if let Some(m) = median(all) {
        out.add("referrals.response_minutes", m, Unit::Minutes, false);
    }
    let mut names: Vec<&str> = answers
        .iter()
        .map(|r| r.0.as_str())
        .chain(overdue.iter().map(|r| r.0.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    Ok(names
        .into_iter()
        .map(|name| {
            let mine: Vec<_> = answers.iter().filter(|r| r.0 == name).collect();
            let times: Vec<i64> = mine
                .iter()
                .filter_map(|(_, sent, ans)| ans.map(|a| (a - sent).max(0) / 60))
                .collect();
            AgencyResponse {
                agency: name.to_string(),
                sent: mine.len() as i64,
                answered: times.len() as i64,
                median_minutes: median(times),
                overdue: overdue.iter().filter(|r| r.0 == name).map(|r| r.1).sum(),
            }
        })
        .collect())
}

async fn cases(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let mut f = p.filter(CASES);
    between(&mut f, "c.opened_at", w);
    let rows = f
        .query_as::<(String, String)>(format!(
            "SELECT c.status, c.exploitation FROM cases c{}",
            f.where_sql()
        ))
        .fetch_all(&db.pool)
        .await?;
    out.add("cases.opened", rows.len() as i64, Unit::People, false);
    for s in ["aktif", "tindak_lanjut", "ditutup", "ditutup_dirujuk"] {
        let n = rows.iter().filter(|r| r.0 == s).count() as i64;
        out.add(format!("cases.status.{s}"), n, Unit::People, false);
    }
    for e in EXPLOITATION_TYPES {
        let n = rows
            .iter()
            .filter(|r| r.1.split(',').any(|x| x.trim() == *e))
            .count() as i64;
        out.add(
            format!("cases.exploitation.{}", e.to_lowercase()),
            n,
            Unit::People,
            false,
        );
    }
    Ok(())
}

async fn screenings(db: &Db, p: &Place<'_>, w: &Window, out: &mut Out) -> Result<()> {
    let mut f = p.screening_filter();
    between(&mut f, "s.created_at", w);
    let row = f
        .query_as::<(i64, Option<i64>, Option<i64>, Option<i64>)>(format!(
            "SELECT COUNT(*), \
             SUM(CASE WHEN s.hits <> '[]' AND s.hits <> '' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN s.decision = 'tunda' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN s.decision = 'tolak' THEN 1 ELSE 0 END) \
             FROM screenings s{}",
            f.where_sql()
        ))
        .fetch_one(&db.pool)
        .await?;
    out.add("screenings.done", row.0, Unit::Count, false);
    out.add("screenings.hits", row.1.unwrap_or(0), Unit::Count, false);
    out.add(
        "screenings.postponed",
        row.2.unwrap_or(0),
        Unit::Count,
        false,
    );
    out.add("screenings.refused", row.3.unwrap_or(0), Unit::Count, false);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn medians() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![5, 1, 3]), Some(3));
        assert_eq!(super::median(vec![4, 1, 3, 10]), Some(3));
    }
}
