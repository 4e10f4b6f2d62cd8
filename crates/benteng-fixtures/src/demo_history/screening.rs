//! Passport screenings.

use super::backdate::V;
use super::texts::{birth_date, nik, person, CALO, JOBS};
use super::{at, History, Month};
use benteng_app::screening::{DecisionInput, ScreeningInput};
use benteng_db::Result;
use benteng_domain::values::format_date;

impl History<'_> {
    pub(super) async fn screenings(&mut self, m: &Month) -> Result<()> {
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
}
