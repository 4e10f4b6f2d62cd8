//! One generated report after another: its category, status, people (recurring recruiters,
//! second reports about the same victim), place, indicators and priority.

use super::describe::describe;
use super::pools::{
    mix, person_name, phone, variant, Rng, CALLS, DESTINATIONS, FEMALE_FIRST, MALE_FIRST, PLACES,
};
use super::{Gen, GenPerson, GenRow, SPAN_SECS};
use benteng_domain::report::{clean_indicators, priority, Category, PriorityInput, INDICATORS};
use benteng_domain::values::format_date;

/// Long-lived recruiter numbers used across the whole province and time span.
const SYNDICATES: u64 = 200;
/// Local recruiters: a new set of this many for every `WINDOW` reports.
const RECRUITERS_PER_WINDOW: u64 = 60;
const WINDOW: u64 = 3_000;

/// A recruiter who comes back: the same number, the name spelt one way or another.
struct Recruiter {
    names: [String; 2],
    phone: String,
    /// Index of the home kabupaten/kota in `Gen::kabs` (local recruiters only).
    kab: usize,
}

/// Tracking codes from a counter: an affine bijection of `0..31^10`, so distinct counters give
/// distinct codes that still look random.
pub(super) fn code_for(counter: u64, seed: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const SPACE: u128 = 819_628_286_980_801; // 31^10
    const MUL: u128 = 387_420_489_123_457; // not a multiple of 31
    let mut x = (counter as u128 * MUL + (seed as u128 % SPACE)) % SPACE;
    let mut body = [0u8; 10];
    for b in body.iter_mut().rev() {
        *b = ALPHABET[(x % 31) as usize];
        x /= 31;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    format!("LP-{}-{}", &body[..5], &body[5..])
}

/// Recruiter `id` of a run with `seed` (local ones, or the syndicate numbers).
fn recruiter(seed: u64, id: u64, syndicate: bool, kabs: usize) -> Recruiter {
    let mut r = Rng::new(mix(seed ^ if syndicate { 0x5157 } else { 0x4C4F }, id));
    let female = r.chance(0.25);
    // Recruiters are known by full names.
    let name = loop {
        let n = person_name(&mut r, female);
        if n.contains(' ') {
            break n;
        }
    };
    let alias = if r.chance(0.3) {
        variant(&name)
    } else {
        name.clone()
    };
    Recruiter {
        names: [name, alias],
        phone: phone(&mut r),
        kab: r.below(kabs.max(1) as u64) as usize,
    }
}

/// The phone numbers that recur across the province in reports generated with `seed` (each
/// in about 0.006 % of reports), for searches in benchmarks.
pub fn recurring_phones(seed: u64) -> Vec<String> {
    (0..SYNDICATES)
        .map(|k| recruiter(seed, k, true, 1).phone)
        .collect()
}

impl Gen {
    fn recruiter(&self, id: u64, syndicate: bool) -> Recruiter {
        recruiter(self.seed, id, syndicate, self.kabs.len())
    }

    fn village_in(&self, r: &mut Rng, kab: usize) -> usize {
        let range = &self.kabs[kab].1;
        range.start + r.below(range.len() as u64) as usize
    }

    pub(super) fn row(&mut self, i: usize, id: i64) -> GenRow {
        let mut r = Rng::new(mix(self.seed, i as u64));
        let n = self.n.max(1) as i64;
        let step = (SPAN_SECS / n).max(1);
        let created_at = self.start + (i as i64) * SPAN_SECS / n + r.range(0, step - 1);
        let now = self.start + SPAN_SECS;
        let category = r.weighted(&[
            (Category::Rekrutmen, 34),
            (Category::Nonprosedural, 24),
            (Category::Korban, 16),
            (Category::Dokumen, 9),
            (Category::Iklan, 11),
            (Category::Wna, 6),
        ]);
        let source = r.weighted(&[
            ("publik", 38),
            ("desa", 34),
            ("petugas", 22),
            ("whatsapp", 6),
        ]);
        // Most open reports are recent; a few old ones are still being handled.
        let recent = i as f64 >= self.n as f64 * 0.95;
        let open = r.chance(if recent { 0.55 } else { 0.045 });
        let status = if open {
            r.weighted(&[("baru", 35), ("ditinjau", 30), ("ditangani", 35)])
        } else {
            r.weighted(&[("selesai", 70), ("ditolak", 30)])
        };
        let mut region = r.below(self.villages.len() as u64) as usize;

        // People: a victim or person at risk (or a witness for adverts and foreigners), often
        // a recruiter, sometimes a witness.
        let mut people = Vec::new();
        let mut recruiter_name = None;
        let mut duplicate_of = None;
        if !self.recent.is_empty() && r.chance(0.02) {
            let (p, v) = self.recent[r.below(self.recent.len() as u64) as usize].clone();
            region = v;
            duplicate_of = Some(p.clone());
            people.push(p);
        } else {
            let first_role = match category {
                Category::Iklan | Category::Wna => "saksi",
                _ => "korban",
            };
            let female = r.chance(if first_role == "korban" { 0.62 } else { 0.5 });
            let minor = first_role == "korban" && r.chance(0.08);
            people.push(GenPerson {
                role: first_role,
                name: Some(person_name(&mut r, female)),
                phone: r.chance(0.55).then(|| phone(&mut r)),
                // An empty NIK is filled in below, once the village is known.
                nik: r.chance(0.3).then(String::new),
                sex: if female { "P" } else { "L" },
                minor,
                village: None,
            });
        }
        let want_recruiter = match category {
            Category::Rekrutmen => 0.85,
            Category::Iklan | Category::Wna => 0.3,
            _ => 0.55,
        };
        if r.chance(want_recruiter) {
            let kind = r.below(100);
            let (name, ph) = if kind < 2 {
                let rec = self.recruiter(r.below(SYNDICATES), true);
                (rec.names[r.below(2) as usize].clone(), Some(rec.phone))
            } else if kind < 37 {
                let mut window = i as u64 / WINDOW;
                if window > 0 && r.chance(0.3) {
                    window -= 1;
                }
                let rec = self.recruiter(
                    window * RECRUITERS_PER_WINDOW + r.below(RECRUITERS_PER_WINDOW),
                    false,
                );
                region = self.village_in(&mut r, rec.kab);
                (rec.names[r.below(2) as usize].clone(), Some(rec.phone))
            } else {
                let female = r.chance(0.25);
                let name = if r.chance(0.35) {
                    // Known only by a call name.
                    format!(
                        "{} {}",
                        r.pick(CALLS),
                        r.pick(if female { FEMALE_FIRST } else { MALE_FIRST })
                    )
                } else {
                    person_name(&mut r, female)
                };
                (name, r.chance(0.8).then(|| phone(&mut r)))
            };
            recruiter_name = Some(name.clone());
            people.push(GenPerson {
                role: "perekrut",
                name: Some(name),
                phone: ph,
                nik: None,
                sex: "L",
                minor: false,
                village: None,
            });
        }
        if people.len() < 3 && r.chance(0.25) {
            let female = r.chance(0.5);
            people.push(GenPerson {
                role: "saksi",
                name: Some(person_name(&mut r, female)),
                phone: r.chance(0.4).then(|| phone(&mut r)),
                nik: None,
                sex: if female { "P" } else { "L" },
                minor: false,
                village: None,
            });
        }
        let (code, village_name) = self.villages[region].clone();
        for p in people.iter_mut() {
            if p.nik.as_deref() == Some("") {
                // Region digits of the village's kabupaten, then birth date and a serial.
                let digits: String = code.chars().filter(char::is_ascii_digit).take(6).collect();
                p.nik = Some(format!("{digits}{:010}", r.below(10_000_000_000)));
            }
            if p.village.is_none() && p.role != "perekrut" && r.chance(0.5) {
                p.village = Some(format!("Desa {village_name}"));
            }
        }
        if duplicate_of.is_none() && people[0].role == "korban" {
            if self.recent.len() < 1_000 {
                self.recent.push((people[0].clone(), region));
            } else {
                let k = r.below(1_000) as usize;
                self.recent[k] = (people[0].clone(), region);
            }
        }

        let weights: Vec<(usize, u32)> = DESTINATIONS
            .iter()
            .enumerate()
            .map(|(k, d)| (k, d.4))
            .collect();
        let dest = DESTINATIONS[r.weighted(&weights)];
        let description = describe(
            &mut r,
            category,
            &village_name,
            dest,
            recruiter_name.as_deref(),
        );
        let places = r.chance(0.5).then(|| r.pick(PLACES).to_string());
        let country = (category != Category::Wna && r.chance(0.85)).then_some(dest.0);
        let incident_date = r.chance(0.6).then(|| {
            let t = created_at - r.range(0, 60) * 86_400 + 7 * 3_600;
            time::OffsetDateTime::from_unix_timestamp(t)
                .map(|d| format_date(d.date()))
                .unwrap_or_default()
        });
        let departure_soon =
            matches!(category, Category::Rekrutmen | Category::Nonprosedural) && r.chance(0.15);
        let anonymous = source == "publik" && r.chance(0.7);
        let (reporter_name, reporter_phone) = if source == "publik" && !anonymous {
            let female = r.chance(0.5);
            (Some(person_name(&mut r, female)), Some(phone(&mut r)))
        } else {
            (None, None)
        };
        let kab = &code[..5];
        let assigned_to = match self.officers.get(kab) {
            Some(ids) if status != "baru" && !ids.is_empty() => Some(*r.pick(ids)),
            _ => None,
        };
        let indicators: Vec<&str> = if status != "baru" && r.chance(0.6) {
            let k = r.range(1, 4);
            clean_indicators((0..k).map(|_| r.pick(INDICATORS).0))
        } else {
            Vec::new()
        };
        // Links as `count_links` would have found them when the report came in.
        let mut linked = 0;
        for p in &people {
            if let Some(ph) = &p.phone {
                if p.role == "perekrut" || duplicate_of.is_some() {
                    let seen = self.seen.entry(ph.clone()).or_insert(0);
                    linked += *seen;
                    *seen += 1;
                }
            }
        }
        let priority = priority(
            &self.weights,
            &PriorityInput {
                category: Some(category),
                indicators: &indicators,
                minor: people.iter().any(|p| p.minor),
                departure_soon,
                recruiter_known: people.iter().any(|p| p.role == "perekrut"),
                linked_reports: linked,
            },
        );
        let updated_at = if open && status == "baru" {
            created_at
        } else {
            (created_at + r.range(1, 90) * 86_400).min(now)
        };
        GenRow {
            id,
            code: code_for(id as u64, self.seed),
            category,
            status,
            source,
            region,
            description,
            places,
            country,
            incident_date,
            departure_soon,
            anonymous,
            reporter_name,
            reporter_phone,
            assigned_to,
            indicators: indicators.join(","),
            priority,
            created_at,
            updated_at,
            people,
        }
    }
}
