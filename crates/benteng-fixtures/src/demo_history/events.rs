//! Events: the office's first sosialisasi in Sitiarjo, then month by month events with
//! their participants.

use super::backdate::V;
use super::texts::person;
use super::{at, History, Month, DAY, SEPTEMBER_2024_TITLE, SITIARJO};
use benteng_app::events::{CheckinInput, EventInput};
use benteng_app::Ctx;
use benteng_db::Result;
use benteng_domain::quiz::{split_options, MAX_EVENT_QUESTIONS};
use benteng_domain::values::format_date;
use time::Date;

impl History<'_> {
    /// The office's first sosialisasi in Sitiarjo, with its four speakers and 40 participants.
    pub(super) async fn september_2024(&mut self) -> Result<()> {
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

    pub(super) async fn events(&mut self, m: &Month) -> Result<()> {
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
        self.tests(&officer, id, starts, seed).await
    }

    /// The event's tests through the participants' own links: two in three take the
    /// pre-test at the start (about half the answers right), nine in ten of those the
    /// post-test at the end (about four in five right), as a sosialisasi that teaches.
    async fn tests(&mut self, officer: &Ctx, id: i64, starts: i64, seed: usize) -> Result<()> {
        let pool = self.db.fixtures_pool();
        let code: String = sqlx::query_scalar("SELECT checkin_code FROM events WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
        let tokens: Vec<String> = sqlx::query_scalar(
            "SELECT token FROM event_attendees WHERE event_id = $1 AND token IS NOT NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        // The event's questions are the bank's first ones, in bank order.
        let bank: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT correct, options FROM quiz_questions WHERE active = 1 ORDER BY id LIMIT {MAX_EVENT_QUESTIONS}"
        )))
        .fetch_all(pool)
        .await?;
        if bank.is_empty() {
            return Ok(());
        }
        let answers = |person: usize, right_in_100: usize| -> Vec<Option<usize>> {
            bank.iter()
                .enumerate()
                .map(|(q, (correct, options))| {
                    let n = split_options(options).len().max(1);
                    let roll = (person * 2_654_435_761 + q * 40_503 + right_in_100) % 100;
                    let correct = usize::try_from(*correct).unwrap_or(0);
                    Some(if roll < right_in_100 {
                        correct
                    } else {
                        (correct + 1) % n
                    })
                })
                .collect()
        };
        let takers: Vec<(usize, &String)> = tokens
            .iter()
            .enumerate()
            .filter(|(j, _)| j % 3 != 2)
            .collect();
        for (j, token) in &takers {
            benteng_app::events::submit_quiz(
                self.db,
                &code,
                token,
                "pre",
                &answers(seed * 50 + j, 50),
            )
            .await?;
        }
        benteng_app::events::set_quiz_stage(self.db, officer, id, "post").await?;
        for (j, token) in takers.iter().filter(|(j, _)| j % 10 != 9) {
            benteng_app::events::submit_quiz(
                self.db,
                &code,
                token,
                "post",
                &answers(seed * 50 + j, 80),
            )
            .await?;
        }
        benteng_app::events::set_quiz_stage(self.db, officer, id, "closed").await?;
        self.fix(
            "UPDATE quiz_attempts SET submitted_at = CASE WHEN kind = 'pre' THEN $1 ELSE $2 END WHERE event_id = $3",
            vec![V::I(starts + 15 * 60), V::I(starts + 150 * 60), V::I(id)],
        );
        self.fix(
            "UPDATE events SET updated_at = $1 WHERE id = $2",
            vec![V::I(starts + 160 * 60), V::I(id)],
        );
        Ok(())
    }
}
