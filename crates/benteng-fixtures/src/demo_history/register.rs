//! The calon PMI register of the villages with a village account.

use super::backdate::V;
use super::texts::{birth_date, nik, person, DUSUN, JOBS};
use super::{at, History, Month, DAY};
use benteng_app::migrants::MigrantInput;
use benteng_db::Result;
use benteng_domain::figures::wib_date;
use benteng_domain::values::format_date;
use time::{Date, Duration};

impl History<'_> {
    pub(super) async fn migrants(&mut self, m: &Month) -> Result<()> {
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
                steps_done: Vec::new(),
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
            seen: String::new(),
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
}
