//! Comparing one candidate with the query: the [`Evidence`] its score and alert come from,
//! and the [`Reason`]s shown to the officer.

use super::identifiers::{date_match, nik_match};
use super::{Candidate, Index, QTok, SimCache};
use crate::nik::{Nik, Sex};
use crate::screening::normalize::normalize;
use crate::screening::reason::{DateMatch, NamePart, NikMatch, PartRule, PhoneMatch, Reason};
use crate::screening::score::Tok;
use crate::screening::{AlertRule, Evidence, Query};
use time::Date;

impl Index {
    pub(super) fn evidence(
        &self,
        c: &Candidate,
        q: &Query,
        qnik: Option<u64>,
        qnik_parsed: Option<&Nik>,
        qsex: Option<Sex>,
        qphones: &[u64],
    ) -> Evidence {
        let e = c.entry as usize;
        let dob = (self.dob[e] != i32::MIN)
            .then(|| Date::from_julian_day(self.dob[e]).ok())
            .flatten();
        let enik = (self.nik[e] != 0).then_some(self.nik[e]);
        let enik_parsed = enik.and_then(|n| Nik::parse(&format!("{n:016}")).ok());
        let mut ev = Evidence {
            name: c.name,
            name_info: c.info,
            conflicts: c.conflicts,
            same_name: c.same_name,
            ..Evidence::default()
        };
        if let (Some(a), Some(b)) = (q.birth_date, dob) {
            ev.dob = Some(date_match(a, b));
            ev.date_chance = self.date_chance(ev.dob, a);
        } else if let (Some(n), Some(b)) = (qnik_parsed, dob) {
            ev.nik_dob = n.birth_date(b.year() + 49).map(|d| date_match(d, b));
            ev.date_chance = self.date_chance(ev.nik_dob, b);
        } else if let (Some(a), Some(n)) = (q.birth_date, enik_parsed.as_ref()) {
            ev.nik_dob = n.birth_date(a.year() + 49).map(|d| date_match(a, d));
            ev.date_chance = self.date_chance(ev.nik_dob, a);
        }
        if let (Some(a), Some(b)) = (qnik, enik) {
            ev.nik = nik_match(a, b);
        }
        let ephones = &self.phones[self.phone_off[e] as usize..self.phone_off[e + 1] as usize];
        for &p in qphones {
            for &x in ephones {
                if p == x {
                    ev.phone = Some(PhoneMatch::Exact);
                } else if p % 1_000_000_000 == x % 1_000_000_000 && ev.phone.is_none() {
                    ev.phone = Some(PhoneMatch::LastNine);
                }
            }
        }
        // A NIK one digit off may have its typo in the day field: its sex proves nothing.
        let nik_typo = matches!(ev.nik, Some(NikMatch::OneDigit | NikMatch::Transposed));
        if let (Some(a), Some(b), false) = (qsex, enik_parsed.as_ref().map(Nik::sex), nik_typo) {
            ev.sex_mismatch = a != b;
        }
        ev
    }

    /// How likely a random person on the list agrees on the date this well: the day's own
    /// share when the dates are the same, the spread of a careless slip when they only fit.
    fn date_chance(&self, m: Option<DateMatch>, day: Date) -> Option<f32> {
        match m? {
            DateMatch::Exact => Some(self.date_share(day)),
            DateMatch::Mismatch => None,
            _ => Some(self.rule.careless_days * AlertRule::DAY_SHARE),
        }
    }

    pub(super) fn explain(
        &self,
        c: &Candidate,
        ev: &Evidence,
        qtoks: &[QTok],
        qt: &[Tok],
    ) -> Vec<Reason> {
        let mut out = Vec::new();
        let r = c.record as usize;
        let mut wt = Vec::new();
        self.record_tokens(r, &mut wt);
        let mut cache = SimCache::default();
        let a = self.align_cached(qt, &wt, &mut cache);
        let text = self.record_text(r);
        let wtoks = normalize(text);
        let join = |m: u16, raws: &mut dyn Iterator<Item = &str>| -> String {
            raws.enumerate()
                .filter(|(i, _)| *i < 16 && m & (1 << i) != 0)
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
                .join(" ")
        };
        if !a.pairs.is_empty() {
            let mut parts: Vec<(u32, NamePart)> = a
                .pairs
                .iter()
                .map(|p| {
                    let query = join(p.q, &mut qtoks.iter().map(|t| t.raw.as_str()));
                    let watch = join(p.w, &mut wtoks.iter().map(|t| t.raw.as_str()));
                    let rule = refine(p.rule, &query, &watch);
                    (p.q.trailing_zeros(), NamePart { query, watch, rule })
                })
                .collect();
            parts.sort_by_key(|p| p.0);
            let mut parts: Vec<NamePart> = parts.into_iter().map(|p| p.1).collect();
            parts.dedup();
            out.push(Reason::Name {
                score: (c.name * 100.0).round().clamp(0.0, 100.0) as u8,
                watch_name: text.to_string(),
                parts,
                reordered: a.reordered,
                query_extra: mask_raws(a.unmatched_q, qtoks.iter().map(|t| t.raw.as_str())),
                watch_extra: mask_raws(a.unmatched_w, wtoks.iter().map(|t| t.raw.as_str())),
                common: ev.namesakes(self.ln_n) >= 1.0,
            });
        }
        if let Some(d) = ev.dob {
            out.push(Reason::BirthDate(d));
        }
        if let Some(d) = ev.nik_dob {
            out.push(Reason::NikBirthDate(d));
        }
        if let Some(n) = ev.nik {
            out.push(Reason::Nik(n));
        }
        if let Some(p) = ev.phone {
            out.push(Reason::Phone(p));
        }
        if ev.sex_mismatch {
            out.push(Reason::SexMismatch);
        }
        out
    }
}

fn mask_raws<'a>(m: u16, raws: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = raws
        .enumerate()
        .filter(|(i, _)| *i < 16 && m & (1 << i) != 0)
        .map(|(_, s)| s.to_string())
        .collect();
    v.dedup();
    v
}

/// An exact canonical match written differently is a spelling or an abbreviation.
fn refine(rule: PartRule, query: &str, watch: &str) -> PartRule {
    if rule != PartRule::Exact || query == watch {
        return rule;
    }
    let (short, long) = if query.len() <= watch.len() {
        (query, watch)
    } else {
        (watch, query)
    };
    if short.len() <= 4 && long.len() >= short.len() + 2 {
        PartRule::Abbreviation
    } else {
        PartRule::Spelling
    }
}
