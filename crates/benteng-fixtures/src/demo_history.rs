//! Twelve months of history for the Kabupaten Malang demo, so that the dashboard (`/dasbor`)
//! shows trends rather than one month: the office's first sosialisasi in Sitiarjo
//! (17 September 2024), then month by month events with their participants, reports and their
//! triage, referrals answered by the partner agencies, a few cases, the calon PMI register of
//! the villages with a village account, passport screenings and village visits.
//!
//! Everything is made through the same use cases as real input (`benteng_app`), by the demo's
//! users; the use cases stamp what they write with the current time, so the instants are
//! moved back afterwards with plain SQL (this crate may write SQL). Rows a use case adds to
//! other tables (report events, referral actions, register history, participants, in-app
//! notices, room messages) are found by their ids: after every call the highest id of each of
//! those tables is read, and the rows between two readings get the instant of that call. The
//! changes are kept and written in one transaction at the end.
//!
//! Counts rise over the year by simple arithmetic on the month's index (no randomness), so the
//! set is the same on every run, whatever day it is loaded. The current month gets a share of
//! its count in proportion to the days already passed; nothing is dated today or later.

use crate::demo::VILLAGES;
use benteng_app::cases::{CaseInput, CaseStatusInput};
use benteng_app::events::{CheckinInput, EventInput};
use benteng_app::migrants::MigrantInput;
use benteng_app::referrals::{ReferralAnswer, ReferralInput};
use benteng_app::reports::{PersonInput, ReportInput, StatusInput};
use benteng_app::rooms::alerts::AlertInput;
use benteng_app::screening::{DecisionInput, ScreeningInput, WatchCache};
use benteng_app::visits::VisitInput;
use benteng_db::storage::BlobStore;
use benteng_db::{Ctx, Db, Result};
use benteng_domain::figures::{months_ending, wib_date};
use benteng_domain::values::format_date;
use std::sync::Arc;
use time::macros::offset;
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

/// The title of the office's first sosialisasi; its presence means the history is loaded.
pub const SEPTEMBER_2024_TITLE: &str =
    "Sosialisasi Pencegahan TPPO dan Migrasi Aman – Desa Sitiarjo";

const SITIARJO: &str = "35.07.04.2007";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Load the history once; answers how many records it added (0 when it ran before or when
/// the demo set is missing).
pub async fn load_demo_history(db: &Db, store: &dyn BlobStore) -> Result<usize> {
    let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE title = $1")
        .bind(SEPTEMBER_2024_TITLE)
        .fetch_one(db.fixtures_pool())
        .await?;
    if done > 0 {
        return Ok(0);
    }
    let Some(mut h) = History::start(db, store).await? else {
        return Ok(0);
    };
    h.september_2024().await?;
    let months = months(h.today);
    for m in &months {
        h.events(m).await?;
    }
    for m in &months {
        h.reports(m).await?;
    }
    for m in &months {
        h.migrants(m).await?;
    }
    for m in &months {
        h.screenings(m).await?;
    }
    for m in &months {
        h.visits(m).await?;
    }
    h.alerts(&months).await?;
    h.finish().await
}

/// One month of the trend: its first day, the days that may hold records (before today) and
/// all its days.
struct Month {
    i: usize,
    first: Date,
    usable: i64,
    full: i64,
}

fn months(today: Date) -> Vec<Month> {
    let yesterday = today - Duration::days(1);
    months_ending(today, 12)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let last = p.last.min(yesterday);
            let usable = if last >= p.first {
                (last - p.first).whole_days() + 1
            } else {
                0
            };
            Month {
                i,
                first: p.first,
                usable,
                full: (p.last - p.first).whole_days() + 1,
            }
        })
        .collect()
}

impl Month {
    /// `n` for a whole month; for the current one its share of the days passed (rounded up).
    fn scaled(&self, n: usize) -> usize {
        if self.usable >= self.full {
            n
        } else {
            let (n, u, f) = (n as i64, self.usable, self.full);
            ((n * u + f - 1) / f) as usize
        }
    }

    /// The day of the `k`-th of `n` records, spread evenly over the usable days.
    fn day(&self, k: usize, n: usize) -> Date {
        let off = ((2 * k as i64 + 1) * self.usable) / (2 * n.max(1) as i64);
        self.first + Duration::days(off.min(self.usable - 1).max(0))
    }

    /// [`Month::day`] moved off the weekend (offices and balai desa work Monday to Friday).
    fn workday(&self, k: usize, n: usize) -> Date {
        let d = self.day(k, n);
        let last = self.first + Duration::days(self.usable - 1);
        let (fwd, back) = match d.weekday() {
            Weekday::Saturday => (2, 1),
            Weekday::Sunday => (1, 2),
            _ => return d,
        };
        let monday = d + Duration::days(fwd);
        let friday = d - Duration::days(back);
        if monday <= last {
            monday
        } else if friday >= self.first {
            friday
        } else {
            d
        }
    }
}

/// An instant at a WIB wall-clock time.
fn at(day: Date, hour: u8, minute: u8) -> i64 {
    PrimitiveDateTime::new(
        day,
        Time::from_hms(hour.min(23), minute.min(59), 0).unwrap_or(Time::MIDNIGHT),
    )
    .assume_offset(offset!(+7))
    .unix_timestamp()
}

/// A value bound to a deferred statement.
enum V {
    I(i64),
    O(Option<i64>),
    S(String),
}

struct Fix {
    sql: String,
    binds: Vec<V>,
}

/// Tables whose rows a use case adds beside its record, with the column that dates them.
const CHILDREN: [(&str, &str); 6] = [
    ("report_events", "at"),
    ("referral_actions", "at"),
    ("migrant_events", "at"),
    ("event_attendees", "checked_in_at"),
    ("outbox", "created_at"),
    ("room_messages", "created_at"),
];

#[derive(Debug, Default)]
struct Added {
    events: usize,
    attendees: usize,
    reports: usize,
    referrals: usize,
    cases: usize,
    migrants: usize,
    screenings: usize,
    visits: usize,
    alerts: usize,
}

struct Village {
    code: String,
    name: String,
    kecamatan: String,
    desa_binaan: i64,
    /// 0: pimpasa.malang, 1: pimpasa2.malang (as `load_demo` assigned them).
    officer: usize,
}

struct Partner {
    kind: &'static str,
    agency: i64,
    name: String,
    ctx: Option<Ctx>,
}

struct History<'a> {
    db: &'a Db,
    store: &'a dyn BlobStore,
    now: i64,
    today: Date,
    /// Nothing is dated at or after this instant.
    limit: i64,
    /// In-app notices older than this are marked read.
    read_before: i64,
    marks: [i64; 6],
    fixes: Vec<Fix>,
    officers: Vec<(i64, Ctx)>,
    pemeriksa: Ctx,
    desa: Vec<(String, Ctx)>,
    partners: Vec<Partner>,
    villages: Vec<Village>,
    p3mi: Option<i64>,
    watch: Arc<WatchCache>,
    /// Months whose referral is left unanswered past its due date.
    overdue_done: Vec<usize>,
    returned: usize,
    troubled: usize,
    added: Added,
}

async fn ctx_of(db: &Db, username: &str) -> Result<Option<(i64, Ctx)>> {
    let Some(uid) = db.users().user_id_by_name(username).await? else {
        return Ok(None);
    };
    let Some((actor, _)) = db.users().actor(uid).await? else {
        return Ok(None);
    };
    Ok(Some((
        uid,
        Ctx {
            actor,
            ip: None,
            request_id: Some("demo".into()),
        },
    )))
}

impl<'a> History<'a> {
    async fn start(db: &'a Db, store: &'a dyn BlobStore) -> Result<Option<History<'a>>> {
        let Some(pimpasa) = ctx_of(db, "pimpasa.malang").await? else {
            return Ok(None);
        };
        let Some((_, pemeriksa)) = ctx_of(db, "pemeriksa.malang").await? else {
            return Ok(None);
        };
        let office: Option<i64> = sqlx::query_scalar("SELECT id FROM offices WHERE name = $1")
            .bind(crate::demo::MALANG_OFFICE)
            .fetch_optional(db.fixtures_pool())
            .await?;
        let Some(office) = office else {
            return Ok(None);
        };
        let mut officers = vec![pimpasa];
        if let Some(second) = ctx_of(db, "pimpasa2.malang").await? {
            officers.push(second);
        }
        let mut desa = Vec::new();
        for (user, code) in [
            ("desa.sitiarjo", SITIARJO),
            ("desa.kalipare", "35.07.11.2002"),
        ] {
            if let Some((_, c)) = ctx_of(db, user).await? {
                desa.push((code.to_string(), c));
            }
        }
        let mut partners = Vec::new();
        for (kind, user) in [
            ("polri", "polres.malang"),
            ("disnaker", "disnaker.malang"),
            ("bp3mi", "bp3mi.jatim"),
            ("dukcapil", "dukcapil.malang"),
        ] {
            let row: Option<(i64, String)> =
                sqlx::query_as("SELECT id, name FROM agencies WHERE kind = $1 ORDER BY id LIMIT 1")
                    .bind(kind)
                    .fetch_optional(db.fixtures_pool())
                    .await?;
            if let Some((agency, name)) = row {
                partners.push(Partner {
                    kind,
                    agency,
                    name,
                    ctx: ctx_of(db, user).await?.map(|(_, c)| c),
                });
            }
        }
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT d.id, d.region_code, r.name, k.name FROM desa_binaan d \
             JOIN regions r ON r.code = d.region_code LEFT JOIN regions k ON k.code = r.parent_code \
             WHERE d.office_id = $1",
        )
        .bind(office)
        .fetch_all(db.fixtures_pool())
        .await?;
        let mut villages = Vec::new();
        for (n, (code, ..)) in VILLAGES.iter().enumerate() {
            if let Some((id, _, name, kec)) = rows.iter().find(|r| r.1 == *code) {
                villages.push(Village {
                    code: code.to_string(),
                    name: name.clone(),
                    kecamatan: kec.clone().unwrap_or_default(),
                    desa_binaan: *id,
                    officer: if officers.len() > 1 { n % 2 } else { 0 },
                });
            }
        }
        if villages.is_empty() {
            return Ok(None);
        }
        let p3mi: Option<i64> =
            sqlx::query_scalar("SELECT id FROM p3mi WHERE licence_no = 'DEMO.001/2023'")
                .fetch_optional(db.fixtures_pool())
                .await?;
        let now = benteng_db::now();
        let mut h = History {
            db,
            store,
            now,
            today: benteng_db::today(),
            limit: now - HOUR,
            read_before: now - 14 * DAY,
            marks: [0; 6],
            fixes: Vec::new(),
            officers,
            pemeriksa,
            desa,
            partners,
            villages,
            p3mi,
            watch: Arc::new(WatchCache::new()),
            overdue_done: Vec::new(),
            returned: 0,
            troubled: 0,
            added: Added::default(),
        };
        h.marks = h.highest().await?;
        Ok(Some(h))
    }

    fn officer(&self, v: &Village) -> &Ctx {
        &self.officers[v.officer.min(self.officers.len() - 1)].1
    }

    fn desa_ctx(&self, code: &str) -> Option<&Ctx> {
        self.desa.iter().find(|(c, _)| c == code).map(|(_, c)| c)
    }

    fn fits(&self, t: i64) -> bool {
        t < self.limit
    }

    async fn highest(&self) -> Result<[i64; 6]> {
        let sql = CHILDREN
            .iter()
            .map(|(t, _)| format!("(SELECT COALESCE(MAX(id), 0) FROM {t})"))
            .collect::<Vec<_>>()
            .join(", ");
        let row: (i64, i64, i64, i64, i64, i64) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {sql}")))
                .fetch_one(self.db.fixtures_pool())
                .await?;
        Ok([row.0, row.1, row.2, row.3, row.4, row.5])
    }

    /// Date what the last call added to the child tables at `t`.
    async fn stamp(&mut self, t: i64) -> Result<()> {
        let now = self.highest().await?;
        for (k, (table, col)) in CHILDREN.iter().enumerate() {
            let (lo, hi) = (self.marks[k], now[k]);
            if hi <= lo {
                continue;
            }
            if *table == "outbox" {
                let read = (t < self.read_before).then_some(t + 2 * HOUR);
                self.fixes.push(Fix {
                    sql: "UPDATE outbox SET created_at = $1, next_attempt_at = $1, read_at = $2 \
                          WHERE id > $3 AND id <= $4"
                        .into(),
                    binds: vec![V::I(t), V::O(read), V::I(lo), V::I(hi)],
                });
            } else {
                self.fixes.push(Fix {
                    sql: format!("UPDATE {table} SET {col} = $1 WHERE id > $2 AND id <= $3"),
                    binds: vec![V::I(t), V::I(lo), V::I(hi)],
                });
            }
        }
        self.marks = now;
        Ok(())
    }

    fn fix(&mut self, sql: &str, binds: Vec<V>) {
        self.fixes.push(Fix {
            sql: sql.into(),
            binds,
        });
    }

    async fn finish(self) -> Result<usize> {
        let mut tx = self.db.fixtures_pool().begin().await?;
        for f in self.fixes {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(f.sql));
            for b in f.binds {
                q = match b {
                    V::I(v) => q.bind(v),
                    V::O(v) => q.bind(v),
                    V::S(v) => q.bind(v),
                };
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        let a = &self.added;
        Ok(a.events
            + a.attendees
            + a.reports
            + a.referrals
            + a.cases
            + a.migrants
            + a.screenings
            + a.visits
            + a.alerts)
    }

    // --- Events -------------------------------------------------------------------------

    /// The office's first sosialisasi in Sitiarjo, with its four speakers and 40 participants.
    async fn september_2024(&mut self) -> Result<()> {
        let Some(vi) = self.villages.iter().position(|v| v.code == SITIARJO) else {
            return Ok(());
        };
        let day = time::macros::date!(2024 - 09 - 17);
        let speakers = [
            "Rina Wulandari; Kantor Imigrasi Kelas I TPI Malang; Paspor bagi calon PMI dan modus TPPO di perlintasan",
            "Tri Handayani; Dinas Tenaga Kerja Kabupaten Malang; Prosedur penempatan PMI melalui LTSA dan SIAPkerja",
            "Yusuf Hidayat; BP3MI Jawa Timur; Pelindungan PMI, orientasi pra pemberangkatan dan E-PMI",
            "Bripka Hendra Gunawan; Polres Malang; Penegakan hukum tindak pidana perdagangan orang",
        ]
        .join("\n");
        let agenda = "Pembukaan oleh Kepala Desa Sitiarjo; paparan Kantor Imigrasi Malang, Disnaker Kabupaten Malang, BP3MI Jawa Timur dan Polres Malang; tanya jawab tentang lowongan kerja di media sosial dan biaya penempatan; penandatanganan komitmen desa bebas TPPO.";
        self.event(
            vi,
            SEPTEMBER_2024_TITLE,
            day,
            "09:00",
            agenda,
            &speakers,
            40,
            7,
        )
        .await
    }

    async fn events(&mut self, m: &Month) -> Result<()> {
        let n = m.scaled(1 + usize::from(m.i >= 5 && m.i % 2 == 1));
        for k in 0..n {
            let vi = (m.i * 3 + k * 7 + 1) % self.villages.len();
            let name = self.villages[vi].name.clone();
            let title = match (m.i + k) % 5 {
                0 => format!("Sosialisasi Migrasi Aman dan Pencegahan TPPO – Desa {name}"),
                1 => format!("Sekolah Calon PMI: Bekerja ke Luar Negeri Sesuai Prosedur – Desa {name}"),
                2 => format!("Dialog Warga: Waspada Lowongan Kerja Palsu di Media Sosial – Desa {name}"),
                3 => format!("Pembinaan Perangkat Desa: Pendataan Calon PMI dan Surat Izin Keluarga – Desa {name}"),
                _ => format!("Sosialisasi Paspor dan Layanan Keimigrasian bagi PMI Purna – Desa {name}"),
            };
            let second = match (m.i + k) % 3 {
                0 => "Tri Handayani; Dinas Tenaga Kerja Kabupaten Malang; Pendaftaran calon PMI di LTSA",
                1 => "Yusuf Hidayat; BP3MI Jawa Timur; Hak dan pelindungan PMI",
                _ => "Bripka Hendra Gunawan; Polres Malang; Modus perekrutan ilegal",
            };
            let speakers = format!(
                "{}; Kantor Imigrasi Kelas I TPI Malang; Paspor dan pencegahan TPPO\n{second}",
                if self.villages[vi].officer == 0 {
                    "Rina Wulandari"
                } else {
                    "Bagus Prasetyo"
                }
            );
            let agenda = "Pembukaan oleh Kepala Desa; paparan narasumber; tanya jawab; pembagian leaflet migrasi aman dan nomor pengaduan.";
            let count = (15 + m.i * 2 + (m.i * 7 + k * 5) % 6).min(40);
            let day = m.workday(k, n);
            let time = if k.is_multiple_of(2) {
                "09:00"
            } else {
                "13:00"
            };
            self.event(
                vi,
                &title,
                day,
                time,
                agenda,
                &speakers,
                count,
                m.i * 10 + k,
            )
            .await?;
        }
        Ok(())
    }

    /// Plan an event in village `vi` (inviting the other demo villages of its kecamatan) and
    /// tick `count` participants at the door.
    #[allow(clippy::too_many_arguments)]
    async fn event(
        &mut self,
        vi: usize,
        title: &str,
        day: Date,
        time: &str,
        agenda: &str,
        speakers: &str,
        count: usize,
        seed: usize,
    ) -> Result<()> {
        let v = &self.villages[vi];
        let kec: String = v.code.chars().take(8).collect();
        let mut invited = vec![v.code.clone()];
        invited.extend(
            self.villages
                .iter()
                .filter(|o| o.code.starts_with(&kec) && o.code != v.code)
                .take(3)
                .map(|o| o.code.clone()),
        );
        let input = EventInput {
            title: title.into(),
            date: format_date(day),
            time: time.into(),
            zone: String::new(),
            venue: format!(
                "Balai Desa {}, Kecamatan {}, Kabupaten Malang",
                v.name, v.kecamatan
            ),
            region: v.code.clone(),
            agenda: agenda.into(),
            speakers: speakers.into(),
            villages: invited.join(","),
        };
        let officer = self.officer(v).clone();
        let id = benteng_app::events::plan(self.db, &officer, &input).await?;
        let (h, mi) = time.split_once(':').unwrap_or(("9", "0"));
        let starts = at(day, h.parse().unwrap_or(9), mi.parse().unwrap_or(0));
        self.stamp(starts - 12 * DAY).await?;
        self.fix(
            "UPDATE events SET created_at = $1, updated_at = $1 WHERE id = $2",
            vec![V::I(starts - 12 * DAY), V::I(id)],
        );
        self.added.events += 1;
        for j in 0..count {
            let s = seed * 50 + j;
            let (name, female) = person(s);
            let role = match j % 10 {
                0 | 1 | 3 | 7 => "warga",
                2 | 5 | 9 => "calon_pmi",
                4 => "pmi_purna",
                6 => "perangkat_desa",
                _ => "tokoh",
            };
            let village = if j % 5 == 4 && invited.len() > 1 {
                invited[1 + (j / 5) % (invited.len() - 1)].clone()
            } else {
                invited[0].clone()
            };
            let recorded = benteng_app::events::tick_attendee(
                self.db,
                &officer,
                id,
                &CheckinInput {
                    name,
                    village,
                    sex: if female { "p" } else { "l" }.into(),
                    role: role.into(),
                },
            )
            .await?;
            self.stamp(starts - 20 * 60 + j as i64 * 45).await?;
            if recorded {
                self.added.attendees += 1;
            }
        }
        Ok(())
    }

    // --- Reports, referrals and cases -----------------------------------------------------

    async fn reports(&mut self, m: &Month) -> Result<()> {
        let base = 3 + (6 * m.i + 5) / 11 - usize::from(m.i % 4 == 2);
        let n = m.scaled(base);
        for k in 0..n {
            self.report(m, k, n).await?;
        }
        Ok(())
    }

    async fn report(&mut self, m: &Month, k: usize, n: usize) -> Result<()> {
        let (i, db) = (m.i, self.db);
        let case_month = k == 0 && matches!(i, 2 | 6 | 9);
        let cat = if case_month {
            "korban"
        } else {
            CATEGORIES[(i * 5 + k * 7 + k / 2) % CATEGORIES.len()]
        };
        let vi = (i * 5 + k * 7) % self.villages.len();
        let (vcode, vname) = (
            self.villages[vi].code.clone(),
            self.villages[vi].name.clone(),
        );
        let countries = destinations(cat);
        let country = if countries.is_empty() {
            ""
        } else {
            countries[(i + k) % countries.len()]
        };
        let seed = 3000 + i * 20 + k;
        let calo = CALO[(i * 3 + k) % CALO.len()];
        let calo_phone = format!("0813 3412 7{:03}", (i * 3 + k) % CALO.len() * 7 + 11);
        let (victim, victim_female) = person(seed);
        let description = if case_month {
            match i {
                2 => format!("Kakak saya dari Desa {vname} berangkat ke Malaysia lewat sponsor {calo} tanpa pelatihan. Sudah lima bulan bekerja di kebun, gaji tidak dibayar, paspor ditahan mandor dan tidak boleh keluar barak."),
                6 => format!("Adik saya dari Desa {vname} diajak teman bekerja sebagai admin di Kamboja. Ternyata dipaksa menipu orang lewat internet, dipukul bila target tidak tercapai, dan diminta tebusan Rp 30 juta untuk pulang."),
                _ => format!("Anak saya dari Desa {vname} bekerja sebagai PRT di Arab Saudi lewat jalur umrah. Majikan tidak membolehkan keluar rumah, ponselnya disita, dan gajinya tidak pernah dikirim."),
            }
        } else {
            report_text(cat, (i + 2 * k) % 3, &vname, country_name(country), calo)
        };
        let mut people = Vec::new();
        match cat {
            "rekrutmen" | "iklan" => people.push(PersonInput {
                role: "perekrut".into(),
                name: calo.into(),
                phone: calo_phone.clone(),
                ..Default::default()
            }),
            _ => {}
        }
        if matches!(cat, "korban" | "nonprosedural" | "dokumen" | "rekrutmen") {
            people.push(PersonInput {
                role: "korban".into(),
                name: victim.clone(),
                sex: if victim_female { "P" } else { "L" }.into(),
                minor: (cat == "dokumen").then(|| "1".into()),
                village: format!("Desa {vname}"),
                ..Default::default()
            });
        }
        if case_month {
            people.push(PersonInput {
                role: "perekrut".into(),
                name: calo.into(),
                phone: calo_phone.clone(),
                ..Default::default()
            });
        }
        let day = m.day(k, n);
        let t0 = at(
            day,
            7 + ((i * 3 + k * 5) % 13) as u8,
            ((i * 17 + k * 29) % 60) as u8,
        );
        let named = k % 2 == 1;
        let (reporter, _) = person(seed + 7);
        let input = ReportInput {
            category: cat.into(),
            description,
            region_code: vcode.clone(),
            destination_country: country.into(),
            incident_date: format_date(day - Duration::days((k % 5) as i64 * 3)),
            departure_soon: (matches!(cat, "rekrutmen" | "nonprosedural") && k.is_multiple_of(2))
                .then(|| "1".into()),
            anonymous: named.then(String::new),
            reporter_name: if named { reporter } else { String::new() },
            reporter_phone: if named {
                format!(
                    "0857 {:04} {:04}",
                    3300 + seed % 700,
                    1000 + (seed * 37) % 9000
                )
            } else {
                String::new()
            },
            people,
            ..Default::default()
        };
        let officer = self.officer(&self.villages[vi]).clone();
        let id = match self.desa_ctx(&vcode).cloned() {
            Some(desa) if (i + k) % 3 != 2 => {
                benteng_app::reports::file(db, &desa, &input, &[], self.store)
                    .await?
                    .0
            }
            _ if (i * 3 + k) % 7 == 4 => {
                benteng_app::reports::file(db, &officer, &input, &[], self.store)
                    .await?
                    .0
            }
            _ => {
                benteng_app::reports::file_public(db, &input, &[], self.store)
                    .await?
                    .0
            }
        };
        self.stamp(t0).await?;
        self.added.reports += 1;
        let last = self
            .triage(
                m, k, id, t0, cat, &vname, country, calo, case_month, &officer,
            )
            .await?;
        self.fix(
            "UPDATE reports SET created_at = $1, updated_at = $2 WHERE id = $3",
            vec![V::I(t0), V::I(last), V::I(id)],
        );
        Ok(())
    }

    /// What officers and partners did with report `id` filed at `t0`; answers the instant of
    /// the last change.
    #[allow(clippy::too_many_arguments)]
    async fn triage(
        &mut self,
        m: &Month,
        k: usize,
        id: i64,
        t0: i64,
        cat: &str,
        vname: &str,
        country: &str,
        calo: &str,
        case_month: bool,
        officer: &Ctx,
    ) -> Result<i64> {
        let (i, db) = (m.i, self.db);
        let t1 = t0 + (2 + ((i * 3 + k * 5) % 26) as i64) * HOUR;
        if self.now - t0 < 3 * DAY || !self.fits(t1 + 10 * 60) {
            return Ok(t0);
        }
        benteng_app::reports::assign(db, officer, id, Some(officer.actor.user_id)).await?;
        self.stamp(t1).await?;
        if matches!(cat, "rekrutmen" | "korban" | "iklan") {
            let codes: Vec<String> = match cat {
                "korban" => vec!["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"],
                _ => vec!["proses_perekrutan", "cara_penipuan"],
            }
            .into_iter()
            .map(String::from)
            .collect();
            benteng_app::reports::set_indicators(db, officer, id, &codes).await?;
            self.stamp(t1 + 5 * 60).await?;
        }
        let note = match (i + k) % 4 {
            0 => format!("Dicek ke perangkat Desa {vname}; informasi awal sesuai."),
            1 => "Pelapor dihubungi untuk keterangan tambahan.".to_string(),
            2 => format!("Koordinasi dengan Bhabinkamtibmas dan Babinsa Desa {vname}."),
            _ => "Dicocokkan dengan data calon PMI di desa dan daftar P3MI berizin.".to_string(),
        };
        self.status(id, officer, "ditinjau", &note).await?;
        self.stamp(t1 + 10 * 60).await?;
        let mut last = t1 + 10 * 60;
        let open = self.now - t0 < 21 * DAY;
        let p = (i * 7 + k * 3) % 10;
        if !case_month && p == 0 {
            let t = t1 + (1 + (k % 3) as i64) * DAY;
            if self.fits(t) {
                self.status(id, officer, "ditolak", "Setelah dicek, lowongan berasal dari P3MI berizin dan prosesnya sesuai prosedur; bukan indikasi TPPO.").await?;
                self.stamp(t).await?;
                last = t;
            }
            return Ok(last);
        }
        if !case_month && p >= 5 {
            let t = t1 + (2 + ((i + k) % 10) as i64) * DAY;
            if !open && self.fits(t) {
                let note = match (i + k) % 4 {
                    0 => "Warga sudah diberi penjelasan prosedur penempatan resmi; calon PMI mendaftar di LTSA.",
                    1 => "Calo tidak lagi terlihat di desa; perangkat desa diminta terus memantau.",
                    2 => "Informasi diteruskan ke Seksi Intelijen dan Penindakan Keimigrasian untuk pemantauan.",
                    _ => "Keluarga sudah mendapat kabar; yang bersangkutan dalam keadaan baik.",
                };
                self.status(id, officer, "selesai", note).await?;
                self.stamp(t).await?;
                last = t;
            }
            return Ok(last);
        }
        // Referred to the agency that handles it.
        let (kind, purpose) = if case_month {
            ("bp3mi", "perlindungan")
        } else {
            agency_for(cat, p)
        };
        let Some(pi) = self.partners.iter().position(|x| x.kind == kind) else {
            return Ok(last);
        };
        let t2 = t1 + (20 + ((k * 7 + i) % 50) as i64) * HOUR;
        if !self.fits(t2) {
            return Ok(last);
        }
        let (agency, agency_name) = (self.partners[pi].agency, self.partners[pi].name.clone());
        let consent = cat == "korban";
        let message = match purpose {
            "penyidikan" => format!("Mohon penyelidikan terhadap terduga perekrut {calo} yang menawarkan kerja ke {} tanpa prosedur kepada warga Desa {vname}.", country_name(country)),
            "penempatan" => format!("Mohon pengecekan perekrutan dan pendataan calon PMI di Desa {vname}; ada dugaan penempatan tanpa prosedur ke {}.", country_name(country)),
            "perlindungan" => format!("Mohon pelindungan dan koordinasi dengan perwakilan RI untuk warga Desa {vname} yang diduga menjadi korban di {}.", country_name(country)),
            _ => format!("Mohon verifikasi data kependudukan terkait dugaan pemalsuan identitas calon PMI dari Desa {vname}."),
        };
        let referral = benteng_app::referrals::refer(
            db,
            officer,
            id,
            &ReferralInput {
                agency_id: agency.to_string(),
                purpose: purpose.into(),
                due_date: format_date(self.today + Duration::days(7)),
                message,
                consent: consent.then(|| "1".into()),
                consent_by: if consent {
                    "Keluarga korban (pelapor)".into()
                } else {
                    String::new()
                },
                override_reason: if consent {
                    String::new()
                } else {
                    "Pelapor tidak dapat dimintai persetujuan korban; perlu segera dicegah.".into()
                },
            },
        )
        .await?;
        self.stamp(t2).await?;
        self.added.referrals += 1;
        last = t2;
        let due = |days: i64| format_date(wib_date(t2) + Duration::days(days));
        let mut due_date = due(14);
        let partner = self.partners[pi].ctx.clone();
        let t3 = t2 + (18 + ((i * 11 + k * 13) % 96) as i64) * HOUR;
        // Two referrals stay unanswered past their due date: one not even accepted (September),
        // one accepted and then forgotten (October).
        let overdue = !case_month && matches!(i, 8 | 9) && !self.overdue_done.contains(&i);
        let mut case_at = None;
        match partner.filter(|_| self.fits(t3)) {
            Some(_) if overdue && i == 8 => {
                self.overdue_done.push(i);
                due_date = due(10);
            }
            Some(partner) if overdue => {
                self.answer(referral, &partner, "diterima", "").await?;
                self.stamp(t3).await?;
                last = t3;
                self.overdue_done.push(i);
                due_date = due(10);
            }
            Some(partner) if !case_month && p == 4 && i.is_multiple_of(3) && kind != "bp3mi" => {
                self.answer(referral, &partner, "ditolak", "Bukti awal belum cukup untuk kami tindak lanjuti; mohon dilengkapi keterangan saksi atau dirujuk ke instansi lain.").await?;
                self.stamp(t3).await?;
                last = t3;
                let t = t3 + 2 * DAY;
                if !open && self.fits(t) {
                    let note = format!("Rujukan ditolak {agency_name}; ditangani langsung bersama perangkat Desa {vname}.");
                    self.status(id, officer, "selesai", &note).await?;
                    self.stamp(t).await?;
                    last = t;
                }
            }
            Some(partner) => {
                self.answer(referral, &partner, "diterima", "").await?;
                self.stamp(t3).await?;
                last = t3;
                if case_month {
                    case_at = Some(t3 + 6 * HOUR);
                }
                let t4 = t3 + (2 + ((i + k) % 6) as i64) * DAY;
                if self.fits(t4) {
                    benteng_app::referrals::act(db, &partner, referral, action_text(kind)).await?;
                    self.stamp(t4).await?;
                    last = t4;
                }
                let t5 = t4 + (3 + ((i * k) % 9) as i64) * DAY;
                if !open && self.fits(t5) && !(case_month && i == 9) {
                    self.answer(referral, &partner, "selesai", "").await?;
                    self.stamp(t5).await?;
                    last = t5;
                    let t6 = t5 + DAY;
                    if !case_month && self.fits(t6) {
                        let note = format!("Rujukan ke {agency_name} selesai ditindaklanjuti.");
                        self.status(id, officer, "selesai", &note).await?;
                        self.stamp(t6).await?;
                        last = t6;
                    }
                } else {
                    // Still being worked on: due after today.
                    due_date = format_date(
                        (wib_date(t2) + Duration::days(21)).max(self.today + Duration::days(3)),
                    );
                }
            }
            None => {
                // Not answered yet (sent in the last days): due after today.
                due_date = format_date(
                    (wib_date(t2) + Duration::days(14)).max(self.today + Duration::days(3)),
                );
            }
        }
        self.fix(
            "UPDATE referrals SET created_at = $1, updated_at = $2, due_date = $3 WHERE id = $4",
            vec![V::I(t2), V::I(last.max(t2)), V::S(due_date), V::I(referral)],
        );
        if let Some(tc) = case_at.filter(|t| self.fits(*t)) {
            last = last.max(self.case(i, id, tc, officer).await?);
        }
        Ok(last)
    }

    async fn status(&mut self, id: i64, ctx: &Ctx, to: &str, note: &str) -> Result<()> {
        benteng_app::reports::change_status(
            self.db,
            ctx,
            id,
            &StatusInput {
                status: to.into(),
                note: note.into(),
            },
        )
        .await
    }

    async fn answer(&mut self, referral: i64, ctx: &Ctx, to: &str, note: &str) -> Result<()> {
        benteng_app::referrals::answer(
            self.db,
            ctx,
            referral,
            &ReferralAnswer {
                status: to.into(),
                note: note.into(),
            },
        )
        .await
    }

    /// A case opened at `t` from report `id`; answers the instant of its last change.
    async fn case(&mut self, i: usize, report: i64, t: i64, officer: &Ctx) -> Result<i64> {
        let db = self.db;
        let proven = i == 2;
        let id = benteng_app::cases::open(
            db,
            officer,
            report,
            if proven { "terbukti" } else { "dugaan" },
        )
        .await?;
        self.stamp(t).await?;
        self.added.cases += 1;
        let (exploitation, country, stage, reference, outcome) = match i {
            2 => (
                "ForcedLabour",
                "MY",
                "penuntutan",
                "LP/B/112/III/2026/SPKT/POLRES MALANG",
                "Korban dipulangkan melalui KJRI Kuching dan menerima sisa gaji; perekrut ditetapkan tersangka.",
            ),
            6 => (
                "ForcedCriminality",
                "KH",
                "penyidikan",
                "LP/B/305/VII/2026/SPKT/POLRES MALANG",
                "",
            ),
            _ => ("Servitude", "SA", "belum", "", ""),
        };
        let t_update = t + 2 * DAY;
        let mut last = t;
        if self.fits(t_update) {
            benteng_app::cases::update(
                db,
                officer,
                id,
                &CaseInput {
                    trafficking_status: if proven { "terbukti" } else { "dugaan" }.into(),
                    decision_org: if stage == "belum" { "" } else { "Police" }.into(),
                    exploitation: vec![exploitation.into()],
                    destination_country: country.into(),
                    legal_stage: stage.into(),
                    legal_reference: reference.into(),
                    outcome: outcome.into(),
                },
            )
            .await?;
            self.stamp(t_update).await?;
            last = t_update;
        }
        let (to, reason, after) = match i {
            2 => (
                "ditutup",
                "Korban sudah pulang dan mendapat layanan; perkara dilanjutkan kejaksaan.",
                70,
            ),
            6 => ("tindak_lanjut", "", 25),
            _ => ("", "", 0),
        };
        let t_status = t + after * DAY;
        let mut closed = None;
        if !to.is_empty() && self.fits(t_status) {
            benteng_app::cases::set_status(
                db,
                officer,
                id,
                &CaseStatusInput {
                    status: to.into(),
                    reason: reason.into(),
                },
            )
            .await?;
            self.stamp(t_status).await?;
            last = t_status;
            closed = (to == "ditutup").then_some(t_status);
        }
        self.fix(
            "UPDATE cases SET opened_at = $1, updated_at = $2, closed_at = $3, case_number = $4 WHERE id = $5",
            vec![
                V::I(t),
                V::I(last),
                V::O(closed),
                V::S(format!("TPPO-{}-{id:05}", wib_date(t).year())),
                V::I(id),
            ],
        );
        Ok(last)
    }

    // --- The calon PMI register -----------------------------------------------------------

    async fn migrants(&mut self, m: &Month) -> Result<()> {
        if self.desa.is_empty() {
            return Ok(());
        }
        let n = m.scaled(2 + (4 * m.i) / 11);
        for k in 0..n {
            self.migrant(m, k, n).await?;
        }
        Ok(())
    }

    async fn migrant(&mut self, m: &Month, k: usize, n: usize) -> Result<()> {
        use benteng_app::migrants::{change_status, checklist, record_step, StepInput};
        let (i, db) = (m.i, self.db);
        let (vcode, desa) = self.desa[(i + k) % self.desa.len()].clone();
        let vname = self
            .villages
            .iter()
            .find(|v| v.code == vcode)
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let s = 500 + i * 10 + k;
        let (name, female) = person(s);
        let birth = birth_date(s, self.today.year());
        let q = (i * 3 + k * 5) % 8;
        let procedural = q <= 2;
        let without = q == 3;
        let (dest, job, scheme) = if without {
            [
                ("MY", "Pekerja perkebunan sawit", "belum_tahu"),
                ("SA", "Penata laksana rumah tangga", "mandiri"),
            ][k % 2]
        } else {
            JOBS[(s * 3) % JOBS.len()]
        };
        let t0 = at(m.day(k, n), 9 + (k % 6) as u8, ((s * 13) % 60) as u8);
        let (id, _) = benteng_app::migrants::register(
            db,
            &desa,
            &MigrantInput {
                village: vcode.clone(),
                name,
                nik: nik(&vcode, birth, female, 3000 + s as u32),
                birth_place: "Malang".into(),
                birth_date: format_date(birth),
                sex: if female { "p" } else { "l" }.into(),
                phone: format!("0852 {:04} {:04}", 3300 + s % 700, 1000 + (s * 37) % 9000),
                address: format!(
                    "Dusun {}, RT {:02} RW {:02}, Desa {vname}",
                    DUSUN[s % DUSUN.len()],
                    1 + s % 7,
                    1 + s % 4
                ),
                destination: dest.into(),
                job: job.into(),
                scheme: scheme.into(),
                p3mi_id: match (scheme, self.p3mi) {
                    ("p3mi", Some(p)) => p.to_string(),
                    _ => String::new(),
                },
                note: String::new(),
            },
        )
        .await?;
        self.stamp(t0).await?;
        self.added.migrants += 1;
        let mut last = t0;
        let status = |to: &str, date: String, note: &str| benteng_app::migrants::StatusInput {
            status: to.into(),
            date,
            note: note.into(),
        };
        let step = |code: &str, done: Date| StepInput {
            step: code.into(),
            status: "selesai".into(),
            done_on: format_date(done),
            note: String::new(),
        };
        if procedural || q == 4 {
            // Steps, a few days apart, from a week after registering.
            let departure = wib_date(t0) + Duration::days(45 + (s % 30) as i64);
            let steps = checklist(db).await?;
            let required: Vec<String> = steps
                .iter()
                .filter(|x| x.required && x.in_force(departure))
                .map(|x| x.code.clone())
                .collect();
            let upto = if procedural { required.len() } else { 2 };
            let t_proses = t0 + 3 * DAY;
            if !self.fits(t_proses) {
                self.fix_migrant(id, t0, last);
                return Ok(());
            }
            change_status(db, &desa, id, &status("proses", String::new(), "")).await?;
            self.stamp(t_proses).await?;
            last = t_proses;
            let mut all_done = true;
            for (n_step, code) in required.iter().take(upto).enumerate() {
                let done = wib_date(t0) + Duration::days(7 + 3 * n_step as i64);
                let t = at(done, 10, 0);
                if !self.fits(t) || done >= departure {
                    all_done = false;
                    break;
                }
                record_step(db, &desa, id, &step(code, done), None).await?;
                self.stamp(t).await?;
                self.fix(
                    "UPDATE migrant_steps SET updated_at = $1 WHERE migrant_id = $2 AND step = $3",
                    vec![V::I(t), V::I(id), V::S(code.clone())],
                );
                last = t;
            }
            if procedural && all_done && departure < self.today {
                let t = at(departure, 6, 30);
                change_status(
                    db,
                    &desa,
                    id,
                    &status("berangkat", format_date(departure), ""),
                )
                .await?;
                self.stamp(t).await?;
                last = t;
                let abroad = departure + Duration::days(14);
                let back = departure + Duration::days(120);
                if q == 0 && self.returned < 2 && back < self.today {
                    let t = at(back, 15, 0);
                    change_status(db, &desa, id, &status("pulang", format_date(back), "")).await?;
                    self.stamp(t).await?;
                    self.returned += 1;
                    last = t;
                } else if abroad < self.today {
                    let t = at(abroad, 10, 0);
                    change_status(db, &desa, id, &status("luar_negeri", String::new(), "")).await?;
                    self.stamp(t).await?;
                    last = t;
                }
            }
        } else if without {
            // Left a few weeks later without the steps: the register flags it by itself.
            let departure = wib_date(t0) + Duration::days(10 + (s % 15) as i64);
            if departure < self.today {
                let t = at(departure, 5, 0);
                change_status(
                    db,
                    &desa,
                    id,
                    &status("berangkat", format_date(departure), ""),
                )
                .await?;
                self.stamp(t).await?;
                last = t;
                let trouble = departure + Duration::days(60);
                if self.troubled == 0 && i >= 2 && trouble < self.today {
                    let t = at(trouble, 11, 0);
                    change_status(
                        db,
                        &desa,
                        id,
                        &status(
                            "bermasalah",
                            String::new(),
                            "Keluarga melapor yang bersangkutan tidak bisa dihubungi dan paspornya ditahan majikan; sudah disampaikan ke petugas Kanim Malang.",
                        ),
                    )
                    .await?;
                    self.stamp(t).await?;
                    self.troubled += 1;
                    last = t;
                }
            }
        }
        self.fix_migrant(id, t0, last);
        Ok(())
    }

    fn fix_migrant(&mut self, id: i64, created: i64, last: i64) {
        self.fix(
            "UPDATE migrants SET created_at = $1, updated_at = $2 WHERE id = $3",
            vec![V::I(created), V::I(last), V::I(id)],
        );
    }

    // --- Passport screenings ----------------------------------------------------------------

    async fn screenings(&mut self, m: &Month) -> Result<()> {
        let n = m.scaled(10 + (14 * m.i) / 11 + m.i % 3);
        for k in 0..n {
            self.screening(m, k, n).await?;
        }
        Ok(())
    }

    async fn screening(&mut self, m: &Month, k: usize, n: usize) -> Result<()> {
        let (i, db) = (m.i, self.db);
        let s = 1000 + i * 40 + k;
        let v = &self.villages[(s * 3) % self.villages.len()];
        let (name, female) = person(s);
        let birth = birth_date(s, self.today.year());
        let refuse = (i * 7 + k) % 29 == 5;
        let postpone = !refuse && (i + k * 3) % 17 == 4;
        let docs = |d: &[&str]| d.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let mut input = ScreeningInput {
            name,
            nik: nik(&v.code, birth, female, 5000 + s as u32),
            birth_date: format_date(birth),
            sex: if female { "P" } else { "L" }.into(),
            region_code: v.code.clone(),
            ..Default::default()
        };
        if refuse {
            input.purpose = "wisata".into();
            input.destination = "KH".into();
            input.job = "Admin pemasaran (tawaran teman)".into();
            input.sponsor_name = CALO[s % CALO.len()].into();
            input.sponsor_phone = format!("0813 3412 8{:03}", s % 1000);
            input.documents = docs(&["ktp_el", "kk"]);
        } else if postpone {
            let (dest, job, _) = JOBS[s % JOBS.len()];
            input.purpose = "bekerja".into();
            input.destination = dest.into();
            input.job = job.into();
            input.domestic_work = job.contains("rumah tangga").then(|| "1".into());
            input.documents = docs(&["ktp_el", "kk", "akta_lahir"]);
        } else {
            match k % 10 {
                0..=5 => {
                    let (dest, job, _) = JOBS[s % JOBS.len()];
                    input.purpose = "bekerja".into();
                    input.destination = dest.into();
                    input.job = job.into();
                    input.domestic_work = job.contains("rumah tangga").then(|| "1".into());
                    input.documents = docs(&[
                        "ktp_el",
                        "kk",
                        "akta_lahir",
                        "rekomendasi_disnaker",
                        "e_pmi",
                        "perjanjian_kerja",
                        "surat_izin_keluarga",
                    ]);
                }
                6 | 7 => {
                    input.purpose = "wisata".into();
                    input.destination = ["SG", "MY", "TH"][s % 3].into();
                    input.documents = docs(&["ktp_el", "kk", "tiket_pulang"]);
                }
                8 => {
                    input.purpose = "umrah".into();
                    input.destination = "SA".into();
                    input.documents = docs(&["ktp_el", "kk", "akta_lahir"]);
                }
                _ => {
                    input.purpose = "kunjungan_keluarga".into();
                    input.destination = ["MY", "HK"][s % 2].into();
                    input.documents = docs(&["ktp_el", "kk", "surat_sponsor"]);
                }
            }
        }
        let pemeriksa = self.pemeriksa.clone();
        let id =
            benteng_app::screening::screen_applicant(db, &pemeriksa, &self.watch, &input).await?;
        let t = at(
            m.workday(k, n),
            8 + ((k * 23 + i * 11) % 420 / 60) as u8,
            ((k * 23 + i * 11) % 60) as u8,
        );
        self.stamp(t).await?;
        self.added.screenings += 1;
        let decided = t + (20 + ((s * 7) % 40) as i64) * 60;
        let mut when = None;
        if self.fits(decided) {
            let level: String = sqlx::query_scalar("SELECT level FROM screenings WHERE id = $1")
                .bind(id)
                .fetch_one(db.fixtures_pool())
                .await?;
            let (decision, reason) = if refuse {
                ("tolak", "Pemohon mengaku akan bekerja di Kamboja dengan visa kunjungan atas ajakan sponsor; indikasi penempatan nonprosedural. Diarahkan ke Disnaker.")
            } else if postpone {
                ("tunda", "Dokumen penempatan belum lengkap (rekomendasi Disnaker, E-PMI dan perjanjian kerja belum ada); diminta melengkapi melalui LTSA.")
            } else if level == "tinggi" || (i + k) % 13 == 7 {
                ("wawancara_lanjutan", "")
            } else {
                ("lanjut", "")
            };
            benteng_app::screening::decide(
                db,
                &pemeriksa,
                id,
                &DecisionInput {
                    decision: decision.into(),
                    reason: reason.into(),
                },
            )
            .await?;
            self.stamp(decided).await?;
            when = Some(decided);
        }
        self.fix(
            "UPDATE screenings SET created_at = $1, decided_at = $2 WHERE id = $3",
            vec![V::I(t), V::O(when), V::I(id)],
        );
        Ok(())
    }

    // --- Village visits and alerts ----------------------------------------------------------

    async fn visits(&mut self, m: &Month) -> Result<()> {
        let n = m.scaled(2 + (3 * m.i) / 11);
        for k in 0..n {
            let s = m.i * 10 + k;
            let v = &self.villages[(m.i * 4 + k * 5) % self.villages.len()];
            let (db_id, vname) = (v.desa_binaan, v.name.clone());
            let officer = self.officer(v).clone();
            let day = m.workday(k, n);
            let findings = match s % 5 {
                0 => format!("Pendataan warga yang akan bekerja ke luar negeri bersama perangkat Desa {vname}; {} calon PMI sedang mengurus dokumen di LTSA.", 2 + s % 5),
                1 => "Sosialisasi singkat prosedur paspor untuk calon PMI di kantor desa; warga menanyakan syarat rekomendasi Disnaker dan biaya penempatan.".to_string(),
                2 => "Pertemuan dengan kader Desa Migran Produktif; dibahas pemantauan warga yang berangkat tanpa melapor ke desa.".to_string(),
                3 => "Pengecekan papan informasi migrasi aman dan nomor pengaduan di balai desa; materi diperbarui.".to_string(),
                _ => "Kunjungan ke keluarga PMI purna untuk mendengar pengalaman bekerja di luar negeri dan masalah yang dihadapi.".to_string(),
            };
            let problems = match s % 4 {
                1 => "Ada informasi sponsor dari luar kecamatan mendatangi warga pada malam hari.",
                3 => {
                    "Beberapa warga berangkat lewat jalur umrah atau wisata tanpa melapor ke desa."
                }
                _ => "",
            };
            let follow_up = match s % 4 {
                0 => "Koordinasi dengan Disnaker Kabupaten Malang untuk verifikasi data calon PMI.",
                1 => "Informasi diteruskan ke Seksi Intelijen dan Penindakan Keimigrasian.",
                2 => "Jadwalkan sosialisasi bersama BP3MI Jawa Timur bulan depan.",
                _ => "Perangkat desa diminta mencatat setiap warga yang akan berangkat.",
            };
            let id = benteng_app::visits::record(
                self.db,
                &officer,
                db_id,
                &VisitInput {
                    visit_date: format_date(day),
                    departures_seen: (s % 6).to_string(),
                    returns_seen: (s % 3).to_string(),
                    foreigners_staying: usize::from(s % 11 == 7).to_string(),
                    findings,
                    problems: problems.into(),
                    follow_up: follow_up.into(),
                },
            )
            .await?;
            let t = at(day, 15, 30);
            self.stamp(t).await?;
            self.fix(
                "UPDATE village_visits SET created_at = $1 WHERE id = $2",
                vec![V::I(t), V::I(id)],
            );
            self.added.visits += 1;
        }
        Ok(())
    }

    async fn alerts(&mut self, months: &[Month]) -> Result<()> {
        let list = [
            (3, "siaga", "35.07.04", "Lowongan kerja ke Kamboja lewat media sosial", "Beredar tawaran kerja admin dan customer service di Kamboja dengan gaji Rp 12–15 juta, tiket ditanggung. Ini modus penipuan daring yang menjerat korban TPPO. Mohon perangkat desa mengingatkan warga dan melapor bila ada yang akan berangkat."),
            (7, "waspada", "35.07.11", "Calo keliling menawarkan kerja ke Malaysia tanpa prosedur", "Ada laporan calo mendatangi rumah warga menawarkan kerja di kebun sawit Malaysia tanpa pelatihan dan tanpa ke Disnaker. Mohon warga tidak menyerahkan KTP/KK dan segera melapor lewat Benteng."),
            (10, "siaga", "35.07", "Modus umrah untuk bekerja di Arab Saudi", "Beberapa warga berangkat dengan visa umrah lalu bekerja sebagai PRT di Arab Saudi. Penempatan PRT perseorangan ke Arab Saudi masih dihentikan; mohon desa mencatat warga yang berangkat umrah di luar biro perjalanan resmi."),
        ];
        let officer = self.officers[0].1.clone();
        for (mi, severity, area, title, body) in list {
            let Some(m) = months.get(mi).filter(|m| m.usable > 0) else {
                continue;
            };
            let t = at(m.workday(0, 2), 10, 0);
            if !self.fits(t) {
                continue;
            }
            let (id, _) = benteng_app::rooms::alerts::post(
                self.db,
                &officer,
                &AlertInput {
                    severity: severity.into(),
                    area_code: area.into(),
                    title: title.into(),
                    body: body.into(),
                },
            )
            .await?;
            self.stamp(t).await?;
            self.fix(
                "UPDATE alerts SET created_at = $1 WHERE id = $2",
                vec![V::I(t), V::I(id)],
            );
            self.added.alerts += 1;
        }
        Ok(())
    }
}

// --- Texts and people ---------------------------------------------------------------------

const CATEGORIES: [&str; 6] = [
    "rekrutmen",
    "nonprosedural",
    "korban",
    "dokumen",
    "iklan",
    "wna",
];

fn destinations(cat: &str) -> &'static [&'static str] {
    match cat {
        "rekrutmen" => &["MY", "SA", "HK", "TW"],
        "nonprosedural" => &["MY", "SA", "SG", "AE"],
        "korban" => &["MY", "SA", "HK", "KH", "TW"],
        "dokumen" => &["HK", "TW", "MY"],
        "iklan" => &["KH", "MM", "TH", "LA"],
        _ => &[],
    }
}

fn country_name(code: &str) -> &'static str {
    match code {
        "MY" => "Malaysia",
        "SA" => "Arab Saudi",
        "HK" => "Hong Kong",
        "TW" => "Taiwan",
        "SG" => "Singapura",
        "AE" => "Uni Emirat Arab",
        "KH" => "Kamboja",
        "MM" => "Myanmar",
        "TH" => "Thailand",
        "LA" => "Laos",
        "KR" => "Korea Selatan",
        "JP" => "Jepang",
        _ => "luar negeri",
    }
}

/// The agency kind and purpose of a referral about a report of `cat`.
fn agency_for(cat: &str, p: usize) -> (&'static str, &'static str) {
    match cat {
        "rekrutmen" if p % 2 == 1 => ("disnaker", "penempatan"),
        "nonprosedural" => ("disnaker", "penempatan"),
        "korban" => ("bp3mi", "perlindungan"),
        "dokumen" => ("dukcapil", "dokumen"),
        _ => ("polri", "penyidikan"),
    }
}

fn action_text(kind: &str) -> &'static str {
    match kind {
        "polri" => "Penyelidikan dimulai; terduga perekrut dan dua saksi dimintai keterangan di Satreskrim Polres Malang.",
        "disnaker" => "Petugas Disnaker mendatangi desa, mendata warga yang ditawari kerja dan menjelaskan pendaftaran lewat LTSA.",
        "bp3mi" => "Koordinasi dengan perwakilan RI di negara tujuan untuk memeriksa kondisi dan hak gaji PMI; keluarga sudah dihubungi.",
        _ => "Data kependudukan diperiksa; perubahan data di KK dibatalkan dan pemohon dipanggil untuk klarifikasi.",
    }
}

fn report_text(cat: &str, variant: usize, desa: &str, country: &str, calo: &str) -> String {
    match (cat, variant) {
        ("rekrutmen", 0) => format!("Ada orang luar desa bernama {calo} datang ke rumah-rumah di Desa {desa} menawarkan kerja di {country} dengan gaji besar. Katanya tidak perlu kursus, paspor diurus dia, biaya dipotong dari gaji nanti."),
        ("rekrutmen", 1) => format!("Sponsor bernama {calo} mengumpulkan KTP dan KK pemuda Desa {desa} untuk didaftarkan kerja ke {country}. Sudah lima orang menyerahkan dokumen, belum ada yang ke Disnaker."),
        ("rekrutmen", _) => format!("Tetangga kami di Desa {desa} ditawari kerja sebagai PRT ke {country} oleh {calo}. Diminta uang Rp 5 juta untuk biaya proses dan dijanjikan berangkat bulan depan."),
        ("nonprosedural", 0) => format!("Dua warga Desa {desa} berangkat ke {country} memakai visa kunjungan untuk bekerja. Keluarga bilang berangkat lewat Surabaya tanpa mengurus apa pun di Disnaker."),
        ("nonprosedural", 1) => format!("Seorang warga Desa {desa} pamit kerja ke {country} lewat Batam, tidak terdaftar di desa maupun Disnaker. Keluarga khawatir karena tidak ada kontrak kerja."),
        ("nonprosedural", _) => format!("Ada rombongan empat orang dari Desa {desa} yang akan berangkat dengan visa wisata, tetapi menurut keluarga tujuannya bekerja di {country}."),
        ("korban", 0) => format!("Anak saya dari Desa {desa} bekerja di {country} sejak tahun lalu. Gaji tidak dibayar tiga bulan dan paspornya dipegang agen. Hanya bisa dihubungi sesekali lewat WhatsApp."),
        ("korban", 1) => format!("Warga Desa {desa} yang bekerja di {country} mengabarkan tidak boleh keluar mess dan diancam denda bila ingin pulang sebelum kontrak habis."),
        ("korban", _) => format!("Istri saya dari Desa {desa} bekerja sebagai PRT di {country}, tidak diberi hari libur dan sering dimarahi. Agen di Malang tidak bisa dihubungi."),
        ("dokumen", 0) => format!("Tanggal lahir seorang remaja Desa {desa} diubah di KK agar umurnya cukup untuk berangkat kerja ke {country}. Yang mengurus seorang sponsor."),
        ("dokumen", 1) => format!("Ada yang menawarkan jasa membuat KTP dengan nama lain bagi warga Desa {desa} yang pernah gagal berangkat ke {country}."),
        ("dokumen", _) => format!("Surat izin keluarga seorang calon PMI dari Desa {desa} diduga ditandatangani orang lain, bukan suaminya. Tujuannya {country}."),
        ("iklan", 0) => format!("Di grup Facebook 'Info Loker Malang Selatan' ada iklan kerja admin di {country}, gaji Rp 12 juta, tiket ditanggung, cukup paspor. Beberapa pemuda Desa {desa} sudah menghubungi nomornya."),
        ("iklan", 1) => format!("Beredar brosur lowongan kerja pabrik di {country} di warung-warung Desa {desa}, tanpa nama perusahaan, hanya nomor WhatsApp atas nama {calo}."),
        ("iklan", _) => format!("Akun TikTok menawarkan kerja customer service di {country} untuk lulusan SMA tanpa biaya. Anak tetangga di Desa {desa} diajak berangkat minggu depan."),
        (_, 0) => format!("Dua orang asing tinggal di rumah kontrakan di Desa {desa} sejak sebulan, sering didatangi pemuda setempat dan tidak melapor ke RT."),
        (_, 1) => format!("Seorang warga negara asing yang mengaku pengusaha mencari perempuan muda di Desa {desa} untuk dinikahi dan dibawa ke luar negeri."),
        _ => format!("Beberapa WNA bekerja di tambak di pesisir Desa {desa}; tidak jelas izin tinggal dan izin kerjanya."),
    }
}

/// Suspected recruiters (fictional).
const CALO: [&str; 10] = [
    "Moch. Darto",
    "Suyono",
    "Bu Ningsih",
    "Hartono",
    "Mbak Wati",
    "Kusnan",
    "Abdul Rahman",
    "Sutikno",
    "Bu Yayuk",
    "Sarwono",
];

/// (destination, job, scheme) of calon PMI on the legal path.
const JOBS: [(&str, &str, &str); 7] = [
    ("HK", "Penata laksana rumah tangga", "p3mi"),
    ("TW", "Perawat lansia", "p3mi"),
    ("MY", "Operator produksi pabrik", "p3mi"),
    ("KR", "Pekerja manufaktur (EPS)", "g2g"),
    ("SG", "Penata laksana rumah tangga", "p3mi"),
    ("JP", "Perawat (careworker)", "g2g"),
    ("TW", "Operator pabrik elektronik", "p3mi"),
];

const DUSUN: [&str; 6] = [
    "Krajan",
    "Wonorejo",
    "Sumberejo",
    "Kebonsari",
    "Sidomulyo",
    "Tegalrejo",
];

const FEMALE: [&str; 30] = [
    "Siti", "Sri", "Dewi", "Nur", "Sulastri", "Suwarni", "Lilik", "Yuli", "Endang", "Wahyuni",
    "Ani", "Tutik", "Eni", "Sumiati", "Mardiyah", "Winarti", "Puji", "Kartini", "Umi", "Fitri",
    "Ratna", "Indah", "Yeni", "Lestari", "Sukarni", "Nanik", "Ika", "Rohmah", "Anik", "Susi",
];
const FEMALE_LAST: [&str; 20] = [
    "Rahayu",
    "Handayani",
    "Astuti",
    "Kurniawati",
    "Susanti",
    "Suryani",
    "Aminah",
    "Fatimah",
    "Hidayati",
    "Purwanti",
    "Setyowati",
    "Mulyani",
    "Anggraini",
    "Utami",
    "Rahmawati",
    "Pratiwi",
    "Safitri",
    "Ningsih",
    "Wijayanti",
    "Maesaroh",
];
const MALE: [&str; 30] = [
    "Agus",
    "Budi",
    "Eko",
    "Joko",
    "Slamet",
    "Bambang",
    "Hadi",
    "Wahyu",
    "Dedi",
    "Sugeng",
    "Heru",
    "Rudi",
    "Teguh",
    "Yudi",
    "Imam",
    "Arif",
    "Didik",
    "Supriyadi",
    "Dwi",
    "Hendra",
    "Iwan",
    "Nanang",
    "Samsul",
    "Edi",
    "Fajar",
    "Rahmat",
    "Sutrisno",
    "Suparno",
    "Gatot",
    "Mujiono",
];
const MALE_LAST: [&str; 20] = [
    "Santoso",
    "Susilo",
    "Wibowo",
    "Hidayat",
    "Purnomo",
    "Saputra",
    "Nugroho",
    "Kurniawan",
    "Haryanto",
    "Wijaya",
    "Pratama",
    "Firmansyah",
    "Siswanto",
    "Sugiarto",
    "Rohman",
    "Hariyanto",
    "Maulana",
    "Efendi",
    "Sholeh",
    "Mustofa",
];

/// A fictional name from a seed, and whether it is a woman's (three in five: most calon PMI
/// from Malang are women).
fn person(seed: usize) -> (String, bool) {
    let female = seed % 5 < 3;
    let (first, last) = if female {
        (&FEMALE[..], &FEMALE_LAST[..])
    } else {
        (&MALE[..], &MALE_LAST[..])
    };
    let name = format!(
        "{} {}",
        first[seed % first.len()],
        last[(seed * 7 + seed / 30) % last.len()]
    );
    (name, female)
}

/// A birth date 20 to 37 years before `year`.
fn birth_date(seed: usize, year: i32) -> Date {
    let y = year - 20 - (seed % 18) as i32;
    let month = time::Month::try_from(1 + (seed * 5 % 12) as u8).unwrap_or(time::Month::January);
    let day = 1 + (seed * 7 % 28) as u8;
    Date::from_calendar_date(y, month, day).unwrap_or(Date::MIN)
}

/// A NIK that fits the person: the village's kecamatan, the birth date (day + 40 for a
/// woman) and a serial number.
fn nik(village: &str, birth: Date, female: bool, serial: u32) -> String {
    let kec: String = village
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    let day = birth.day() + if female { 40 } else { 0 };
    format!(
        "{kec}{day:02}{:02}{:02}{:04}",
        u8::from(birth.month()),
        birth.year() % 100,
        serial % 9000 + 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_hold_only_days_before_today() {
        let today = Date::from_calendar_date(2026, time::Month::December, 6).unwrap();
        let ms = months(today);
        assert_eq!(ms.len(), 12);
        assert_eq!(ms[11].usable, 5);
        assert_eq!(ms[10].usable, 30);
        for m in &ms {
            let n = m.scaled(9);
            for k in 0..n {
                assert!(m.day(k, n) < today && m.day(k, n) >= m.first);
                assert!(m.workday(k, n) < today && m.workday(k, n) >= m.first);
            }
        }
        let first = Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
        assert_eq!(months(first)[11].scaled(9), 0);
    }

    #[test]
    fn niks_parse_and_fit_the_person() {
        let birth = Date::from_calendar_date(1998, time::Month::March, 8).unwrap();
        let n = nik("35.07.04.2007", birth, true, 3001);
        assert_eq!(&n[..12], "350704480398");
        let parsed = benteng_domain::Nik::parse(&n).unwrap();
        assert!(parsed
            .check(
                Some(birth),
                Some(benteng_domain::Sex::Female),
                birth.replace_year(2026).unwrap()
            )
            .is_empty());
    }

    #[test]
    fn names_in_one_event_differ() {
        let names: std::collections::HashSet<_> = (0..40).map(|j| person(350 + j).0).collect();
        assert_eq!(names.len(), 40);
    }
}
