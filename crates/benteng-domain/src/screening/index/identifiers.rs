//! Candidates found by identifiers (birth date and its near misses, a NIK within one digit,
//! the same phone) and how two NIKs or two birth dates relate.

use super::Index;
use crate::nik::Nik;
use crate::phone::PhoneNumber;
use crate::screening::reason::{DateMatch, NikMatch};
use crate::screening::Query;
use time::Date;

/// A birth date shared by more entries than this is a placeholder (1 January …), not evidence.
const MAX_SAME_DATE: usize = 2000;

impl Index {
    /// Entries found by birth date, NIK or phone, whatever their name.
    pub(super) fn identifier_candidates(
        &self,
        q: &Query,
        qnik: Option<u64>,
        qphones: &[u64],
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let mut dates: Vec<Date> = Vec::new();
        if let Some(d) = q.birth_date {
            dates.push(d);
            dates.extend(swapped(d));
            dates.extend(d.replace_year(d.year() - 1).ok());
            dates.extend(d.replace_year(d.year() + 1).ok());
        } else if let Some(n) = q.nik.as_deref().and_then(|s| Nik::parse(s).ok()) {
            // Without a birth date, the NIK's date in either century.
            dates.extend([2099, 1999].iter().filter_map(|y| n.birth_date(*y)));
        }
        for d in dates {
            let j = d.to_julian_day();
            let range = range_of(&self.dob_idx, |k| k.cmp(&j));
            if range.len() <= MAX_SAME_DATE {
                out.extend(range.iter().map(|x| x.1));
            }
        }
        if let Some(n) = qnik {
            let (head, tail) = nik_halves(n);
            for (table, key) in [(&self.nik_head, head), (&self.nik_tail, tail)] {
                for &(_, e) in range_of(table, |k| k.cmp(&key)) {
                    if nik_match(n, self.nik[e as usize]).is_some_and(|m| m != NikMatch::Mismatch) {
                        out.push(e);
                    }
                }
            }
        }
        for &p in qphones {
            let key = (p % 1_000_000_000) as u32;
            out.extend(
                range_of(&self.phone_idx, |k| k.cmp(&key))
                    .iter()
                    .map(|x| x.1),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn range_of<K: Copy>(v: &[(K, u32)], cmp: impl Fn(&K) -> std::cmp::Ordering) -> &[(K, u32)] {
    let lo = v.partition_point(|x| cmp(&x.0) == std::cmp::Ordering::Less);
    let hi = lo + v[lo..].partition_point(|x| cmp(&x.0) != std::cmp::Ordering::Greater);
    &v[lo..hi]
}

/// The first and last eight digits: a single-digit typo leaves one of them intact.
pub(super) fn nik_halves(n: u64) -> (u32, u32) {
    ((n / 100_000_000) as u32, (n % 100_000_000) as u32)
}

pub(super) fn nik_match(a: u64, b: u64) -> Option<NikMatch> {
    if a == 0 || b == 0 {
        return None;
    }
    if a == b {
        return Some(NikMatch::Exact);
    }
    let digits = |mut n: u64| {
        let mut d = [0u8; 16];
        for x in d.iter_mut().rev() {
            *x = (n % 10) as u8;
            n /= 10;
        }
        d
    };
    let (da, db) = (digits(a), digits(b));
    let mut diff = [0usize; 3];
    let mut n = 0;
    for i in 0..16 {
        if da[i] != db[i] {
            if n == 3 {
                return Some(NikMatch::Mismatch);
            }
            diff[n] = i;
            n += 1;
        }
    }
    Some(match (n, diff[0], diff[1]) {
        (1, _, _) => NikMatch::OneDigit,
        (2, i, j) if j == i + 1 && da[i] == db[j] && da[j] == db[i] => NikMatch::Transposed,
        _ => NikMatch::Mismatch,
    })
}

/// A phone number as the digits of its E.164 form.
pub(super) fn phone_number(s: &str) -> Option<u64> {
    PhoneNumber::parse(s).ok()?.as_str()[1..].parse().ok()
}

fn swapped(d: Date) -> Option<Date> {
    let (m, day) = (u8::from(d.month()), d.day());
    if m == day || day > 12 {
        return None;
    }
    Date::from_calendar_date(d.year(), time::Month::try_from(day).ok()?, m).ok()
}

fn one_digit_apart(a: u32, b: u32, width: usize) -> bool {
    let (x, y) = (format!("{a:0width$}"), format!("{b:0width$}"));
    x.bytes().zip(y.bytes()).filter(|(p, q)| p != q).count() == 1
}

/// How two birth dates relate.
pub(crate) fn date_match(a: Date, b: Date) -> DateMatch {
    let (ay, am, ad) = (a.year(), u8::from(a.month()), a.day());
    let (by, bm, bd) = (b.year(), u8::from(b.month()), b.day());
    if a == b {
        DateMatch::Exact
    } else if ay == by && am == bd && ad == bm {
        DateMatch::DayMonthSwapped
    } else if am == bm && ad == bd && (ay - by).abs() == 1 {
        DateMatch::YearOff
    } else if (am == bm && ad == bd && one_digit_apart(ay as u32, by as u32, 4))
        || (ay == by && am == bm && one_digit_apart(u32::from(ad), u32::from(bd), 2))
        || (ay == by && ad == bd && one_digit_apart(u32::from(am), u32::from(bm), 2))
    {
        DateMatch::OneDigit
    } else {
        DateMatch::Mismatch
    }
}
