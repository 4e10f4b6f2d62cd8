//! Synthetic Indonesian watchlists and labelled screening queries, deterministic from a seed.
//!
//! People are composed from the hand-compiled name lists in `data/` with rank-Zipf weights
//! (1/(rank+10)): Javanese, Sundanese, Malay, Arabic-derived, Balinese (I/Ni + birth order),
//! Batak and NTT family names, Sasak Lalu/Baiq, Muhammad/Siti/Sri/Nur prefixes, single names and
//! bin/binti patronyms; in the default [`Pool::Javanese`] two in five given names are composed
//! from Javanese syllables instead ([`composed`]). A watchlist entry carries a birth date (70 %), a NIK (40 %) and a phone
//! (50 %), sometimes an alias. Queries are variants of listed people in one *family* of
//! variation each; three in four are passport applicants carrying the true person's birth date
//! (95 %, one in ten written carelessly), NIK (85 %, one in seven with a one-digit typo) and
//! phone (30 %, in a local format), the rest are names only. Decoys are people not on the
//! list with the same mix of fields, a third of them namesakes or near namesakes of listed
//! people.

use benteng_domain::screening::{Query, WatchEntry};
use time::{Date, Duration, Month};

/// SplitMix64: small, fast, and the same on every platform and crate version.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// A name list with cumulative Zipf weights.
struct Zipf {
    names: Vec<&'static str>,
    cum: Vec<f64>,
}

impl Zipf {
    fn new(text: &'static str) -> Self {
        let names: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut cum = Vec::with_capacity(names.len());
        let mut s = 0.0;
        for r in 0..names.len() {
            s += 1.0 / (r as f64 + 10.0);
            cum.push(s);
        }
        Zipf { names, cum }
    }
    fn draw(&self, r: &mut Rng) -> &'static str {
        let x = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * self.cum[self.cum.len() - 1];
        self.names[self
            .cum
            .partition_point(|c| *c < x)
            .min(self.names.len() - 1)]
    }
}

/// Which given names the population draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// The hand-compiled lists only (461 given names): every name has hundreds or thousands
    /// of namesakes at a million entries. The pool of the first measurements.
    Lists,
    /// Two in five given names composed the way Javanese names are (see [`composed`]), the
    /// rest from the lists: a long tail of rarer names beside the very common ones, as in
    /// the villages of Jawa Timur.
    Javanese,
}

pub struct Names {
    male: Zipf,
    female: Zipf,
    family: Zipf,
    pool: Pool,
}

impl Default for Names {
    fn default() -> Self {
        Names::with_pool(Pool::Javanese)
    }
}

/// Javanese given names are built from a few syllables with a male or female ending
/// (Su-tris-no, Wa-gi-man, Tu-ki-yem, Su-mar-ni, Pa-i-jah, Kar-si-nah): 20 openings,
/// 19 middles and 19 endings each give about 7,000 male and 7,000 female forms, most of them
/// real names or close to one. Drawn with a mild skew (the first of each list more often).
const OPENINGS: &[&str] = &[
    "Su", "Pa", "Wa", "Ka", "Tu", "Mu", "Ju", "Ra", "Da", "Ma", "Sa", "Ngadi", "Har", "War", "Sar",
    "Par", "Kar", "Mar", "Pur", "Dar",
];
const MIDDLES: &[&str] = &[
    "", "ri", "gi", "di", "wi", "mi", "ni", "ki", "tri", "war", "dar", "mar", "kar", "har", "par",
    "ya", "pri", "si", "li",
];
const MALE_ENDINGS: &[&str] = &[
    "man", "min", "no", "to", "di", "jo", "yono", "yanto", "ono", "anto", "adi", "ari", "ito",
    "ijo", "sito", "ji", "mun", "dono", "ran",
];
const FEMALE_ENDINGS: &[&str] = &[
    "mi", "ni", "yem", "nah", "rah", "tun", "yati", "wati", "ningsih", "iyah", "inah", "asih",
    "ani", "ini", "sih", "rti", "jah", "tin", "yani",
];

/// A composed Javanese given name: an opening, a middle and an ending (see the lists above).
pub fn composed(female: bool, r: &mut Rng) -> String {
    let skewed = |v: &[&'static str], r: &mut Rng| -> &'static str {
        // min of two uniform draws: index k with weight ∝ (2(n−k)−1).
        let a = r.below(v.len() as u64).min(r.below(v.len() as u64));
        v[a as usize]
    };
    let open = skewed(OPENINGS, r);
    let mid = skewed(MIDDLES, r);
    let end = skewed(if female { FEMALE_ENDINGS } else { MALE_ENDINGS }, r);
    let mut s = format!("{open}{mid}{end}");
    // Vowel clusters the spelling would not write ("Suadi" stays, "Paiijah" does not).
    while let Some(at) = s.find("ii").or_else(|| s.find("aa")) {
        s.remove(at);
    }
    s
}

impl Names {
    pub fn with_pool(pool: Pool) -> Self {
        Names {
            male: Zipf::new(include_str!("../../data/names-male.txt")),
            female: Zipf::new(include_str!("../../data/names-female.txt")),
            family: Zipf::new(include_str!("../../data/names-family.txt")),
            pool,
        }
    }
}

/// A synthetic person with everything a query may know about them.
#[derive(Debug, Clone)]
pub struct Person {
    pub female: bool,
    pub name: String,
    pub alias: Option<String>,
    pub birth: Date,
    pub nik: String,
    pub phone: String,
}

const BALI_ORDER: &[&str] = &[
    "Wayan", "Putu", "Gede", "Made", "Kadek", "Nyoman", "Komang", "Ketut",
];

impl Names {
    fn given(&self, female: bool, r: &mut Rng) -> String {
        if self.pool == Pool::Javanese && r.chance(0.4) {
            composed(female, r)
        } else if female {
            self.female.draw(r).to_string()
        } else {
            self.male.draw(r).to_string()
        }
    }

    fn listed_given(&self, female: bool, r: &mut Rng) -> &'static str {
        if female {
            self.female.draw(r)
        } else {
            self.male.draw(r)
        }
    }

    pub fn person_name(&self, female: bool, r: &mut Rng) -> String {
        let mut t: Vec<String> = Vec::new();
        let roll = r.below(100);
        if roll < 8 {
            t.push(self.given(female, r));
        } else if roll < 13 {
            // Balinese and Sasak names come from the lists, not the Javanese composition.
            t.push((if female { "Ni" } else { "I" }).into());
            t.push(r.pick(BALI_ORDER).to_string());
            t.push(self.listed_given(female, r).into());
        } else if roll < 15 {
            t.push((if female { "Baiq" } else { "Lalu" }).into());
            t.push(self.listed_given(female, r).into());
        } else {
            if roll < 28 {
                let pre: &[&str] = if female {
                    &["Siti", "Sri", "Nur", "Dewi"]
                } else {
                    &["Muhammad", "Muhammad", "Ahmad", "Abdul"]
                };
                t.push(r.pick(pre).to_string());
            }
            t.push(self.given(female, r));
            if r.chance(0.45) {
                t.push(self.given(female, r));
            }
            if r.chance(0.45) {
                t.push(self.family.draw(r).into());
            }
        }
        if t.len() >= 2 && r.chance(0.05) {
            t.push((if female { "binti" } else { "bin" }).into());
            t.push(self.given(false, r));
        }
        t.join(" ")
    }

    /// Person `i` of the population with this seed (the same every time).
    pub fn person(&self, seed: u64, i: u64) -> Person {
        let mut r = Rng::new(seed ^ i.wrapping_mul(0xA076_1D64_78BD_642F));
        let female = r.chance(0.5);
        let name = self.person_name(female, &mut r);
        let alias = r.chance(0.15).then(|| {
            if r.chance(0.5) {
                variant(Family::Spelling, &name, female, &mut r, self)
            } else {
                self.person_name(female, &mut r)
            }
        });
        let birth = Date::from_calendar_date(1960, Month::January, 1).unwrap()
            + Duration::days(r.below(46 * 365) as i64);
        let kab = 1 + r.below(29);
        let kec = 1 + r.below(33);
        let day = birth.day() + if female { 40 } else { 0 };
        let nik = format!(
            "35{kab:02}{kec:02}{day:02}{:02}{:02}{:04}",
            u8::from(birth.month()),
            birth.year() % 100,
            1 + r.below(3000)
        );
        let phone = format!(
            "+628{}{:08}",
            r.pick(&["11", "12", "13", "21", "22", "52", "53", "57", "77", "78", "95", "96"]),
            r.below(100_000_000)
        );
        Person {
            female,
            name,
            alias,
            birth,
            nik,
            phone,
        }
    }

    /// Watchlist entry `i`: which fields it carries is drawn from its own stream.
    pub fn entry(&self, seed: u64, i: u64) -> WatchEntry {
        let p = self.person(seed, i);
        let mut r = Rng::new(seed ^ 0x5555 ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut names = vec![if r.chance(0.05) {
            variant(Family::Title, &p.name, p.female, &mut r, self)
        } else {
            p.name.clone()
        }];
        names.extend(p.alias.clone());
        WatchEntry {
            id: format!("W{i}"),
            names,
            birth_date: r.chance(0.7).then_some(p.birth),
            nik: r.chance(0.4).then(|| p.nik.clone()),
            phones: if r.chance(0.5) {
                vec![p.phone.clone()]
            } else {
                Vec::new()
            },
        }
    }
}

mod variants;
pub use variants::{variant, Family};

/// A labelled query: the true entry index for listed people, `None` for decoys.
pub struct Labelled {
    pub query: Query,
    pub truth: Option<u64>,
    pub family: Option<Family>,
    pub near_miss: bool,
}

/// A careless way of writing the same birth date.
fn careless_date(d: Date, r: &mut Rng) -> Date {
    let swapped = Month::try_from(d.day())
        .ok()
        .and_then(|m| Date::from_calendar_date(d.year(), m, u8::from(d.month())).ok());
    // One digit of the day slipped (the held-out data have these too).
    let slipped = {
        let day = d.day();
        let other = if day >= 10 { day - 10 } else { day + 10 };
        (1..=28)
            .contains(&other)
            .then(|| d.replace_day(other).ok())
            .flatten()
    };
    match (r.below(3), swapped, slipped) {
        (0, Some(s), _) => s,
        (1, _, Some(s)) => s,
        _ => d.replace_year(d.year() + 1).unwrap_or(d),
    }
}

fn nik_typo(nik: &str, r: &mut Rng) -> String {
    let mut b = nik.as_bytes().to_vec();
    let p = 6 + r.below(10) as usize;
    let old = b[p];
    while b[p] == old {
        b[p] = b'0' + r.below(10) as u8;
    }
    String::from_utf8(b).unwrap_or_default()
}

fn local_phone(e164: &str, r: &mut Rng) -> String {
    let national = &e164[3..];
    match r.below(4) {
        0 => format!("0{national}"),
        1 => format!("0{}-{}-{}", &national[..3], &national[3..7], &national[7..]),
        2 => format!("62{national}"),
        _ => format!("+62 {} {}", &national[..3], &national[3..]),
    }
}

/// `positives` variants of listed people (families in turn) and `decoys` people not listed,
/// for a watchlist of `n` entries generated with `seed`.
pub fn queries(names: &Names, seed: u64, n: u64, positives: usize, decoys: usize) -> Vec<Labelled> {
    let mut r = Rng::new(seed ^ 0xDEC0_DE5E_ED00_0001);
    let mut out = Vec::with_capacity(positives + decoys);
    // Three in four queries are passport applicants, who show a KTP: birth date and NIK
    // nearly always (sometimes mistyped), a phone sometimes. The rest are names only (a
    // sponsor or recruiter named in a tip, a batch list).
    let with_fields = |p: &Person, r: &mut Rng, name: String| {
        let applicant = r.chance(0.75);
        let birth = (applicant && r.chance(0.95)).then(|| {
            if r.chance(0.1) {
                careless_date(p.birth, r)
            } else {
                p.birth
            }
        });
        let nik = (applicant && r.chance(0.85)).then(|| {
            if r.chance(0.15) {
                nik_typo(&p.nik, r)
            } else {
                p.nik.clone()
            }
        });
        let phones = if applicant && r.chance(0.3) {
            vec![local_phone(&p.phone, r)]
        } else {
            Vec::new()
        };
        Query {
            name,
            birth_date: birth,
            nik,
            phones,
            sex: None,
        }
    };
    for k in 0..positives {
        let fam = Family::ALL[k % Family::ALL.len()];
        let i = r.below(n);
        let p = names.person(seed, i);
        let base = match (&fam, &p.alias) {
            (Family::Alias, Some(a)) => a.clone(),
            _ => p.name.clone(),
        };
        let name = variant(fam, &base, p.female, &mut r, names);
        out.push(Labelled {
            query: with_fields(&p, &mut r, name),
            truth: Some(i),
            family: Some(fam),
            near_miss: false,
        });
    }
    for k in 0..decoys {
        // People from a population the watchlist never drew from.
        let mut p = names.person(seed ^ 0xFFFF_0000_FFFF, k as u64);
        let near_miss = k % 3 == 0;
        if near_miss {
            let listed = names.person(seed, r.below(n));
            let fam = *r.pick(Family::ALL);
            p.name = variant(fam, &listed.name, listed.female, &mut r, names);
            p.female = listed.female;
        }
        let name = p.name.clone();
        out.push(Labelled {
            query: with_fields(&p, &mut r, name),
            truth: None,
            family: None,
            near_miss,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn composed_names_are_words_with_a_long_tail() {
        let mut r = Rng::new(7);
        let mut seen = HashSet::new();
        for k in 0..20_000 {
            let n = composed(k % 2 == 0, &mut r);
            assert!(n.len() >= 4, "{n}");
            assert!(n.chars().all(|c| c.is_ascii_alphabetic()), "{n}");
            assert!(!n.contains("ii") && !n.contains("aa"), "{n}");
            seen.insert(n);
        }
        // Thousands of distinct names, not a few hundred.
        assert!(seen.len() > 4_000, "{}", seen.len());
    }

    #[test]
    fn the_javanese_pool_has_more_distinct_names() {
        let lists = Names::with_pool(Pool::Lists);
        let java = Names::with_pool(Pool::Javanese);
        let distinct = |names: &Names| {
            (0..20_000)
                .map(|i| names.person(1, i).name)
                .collect::<HashSet<_>>()
                .len()
        };
        let (a, b) = (distinct(&lists), distinct(&java));
        assert!(b > a, "lists {a}, javanese {b}");
    }
}
