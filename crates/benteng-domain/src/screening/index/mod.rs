//! The in-memory watchlist index: a token dictionary with phonetic keys, posting lists of name
//! records per phonetic key, a one-deletion neighbourhood of the keys for typos, and sorted
//! lookup tables for birth dates, NIK halves and phone numbers.
//!
//! A search gathers candidates (rarest name keys first, common ones only raise candidates
//! already found; plus everyone with the same birth date, a NIK within one digit, or the same
//! phone), scores the best few hundred fully and returns the top ones with their reasons.
//!
//! Building lives in `build`, candidate gathering by name in `blocking` and by identifiers in
//! `identifiers`, and the comparison of one candidate with the query in `evidence`.

use super::normalize::{normalize, phonetic, NameToken};
use super::reason::{NikMatch, PartRule, PhoneMatch};
use super::score::{align, token_similarity, watch_weight, NameAlignment, Tok, OPTIONAL_WORDS};
use super::{AlertRule, Evidence, Hit, Query, Search};
use crate::nik::{nik_digits, Nik};
use identifiers::phone_number;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

mod blocking;
mod build;
mod evidence;
mod identifiers;

const NONE: u32 = u32::MAX;

/// Multiply-shift hashing for the per-query cache of token similarities (keys are small
/// integers; SipHash's protection against crafted keys is not needed here).
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type SimCache = HashMap<u64, (f32, PartRule), BuildHasherDefault<IntHasher>>;
/// Name records scored fully per query (besides identifier and birth-date candidates).
const SHORTLIST: usize = 160;
/// Hits of one and the same name a name-only search shows before other names.
const SAME_NAME: usize = 3;
/// Words a cut-off last word (passport line) may stand for, at most.
const PREFIX_WORDS: usize = 40;

/// See the module documentation. Build once, search from many threads.
pub struct Index {
    // Dictionary of canonical tokens and their phonetic keys.
    canon: Vec<Box<str>>,
    canon_ids: HashMap<Box<str>, u32>,
    canon_phon: Vec<u32>,
    /// Canonical token ids sorted by their text (prefix lookup for cut-off names).
    canon_sorted: Vec<u32>,
    /// First letter of each canonical token (initials in the shortlist).
    canon_first: Vec<u8>,
    phon: Vec<Box<str>>,
    phon_ids: HashMap<Box<str>, u32>,
    /// Canonical token and each of its one-letter deletions → canonical ids.
    deletes: HashMap<Box<str>, Vec<u32>>,
    // Name records (a name or an alias of an entry).
    name_entry: Vec<u32>,
    name_tok_off: Vec<u32>,
    name_toks: Vec<u32>,
    name_patr: Vec<u8>,
    name_text_off: Vec<u32>,
    name_text: String,
    // Postings: phonetic id → name records, as offsets into one array.
    post_off: Vec<u32>,
    post: Vec<u32>,
    /// ln(N/df) per phonetic key.
    phon_idf: Vec<f32>,
    // Entries.
    id_off: Vec<u32>,
    id_text: String,
    entry_name_off: Vec<u32>,
    dob: Vec<i32>,
    nik: Vec<u64>,
    phone_off: Vec<u32>,
    phones: Vec<u64>,
    dob_idx: Vec<(i32, u32)>,
    nik_head: Vec<(u32, u32)>,
    nik_tail: Vec<(u32, u32)>,
    phone_idx: Vec<(u32, u32)>,
    /// ln of the number of name records.
    ln_n: f32,
    /// Entries with a birth date (their own or their NIK's).
    dated: u32,
    /// Per name record: how many records carry the same name (see `build::name_key`).
    name_same: Vec<u32>,
    /// Per canonical word: the rarity of its typo neighbourhood ([`Index::typo_reach`]).
    canon_reach: Vec<f32>,
    rule: AlertRule,
    scratch: Mutex<Vec<Scratch>>,
}

#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    stamp: Vec<u32>,
    epoch: u32,
    touched: Vec<u32>,
}

/// A query token with its strings owned by the query.
struct QTok {
    canon: u32,
    phon: u32,
    canon_str: String,
    phon_str: String,
    raw: String,
    weight: f32,
    patronym: bool,
}

struct Candidate {
    entry: u32,
    record: u32,
    name: f32,
    info: f32,
    /// Only very common given names matched, and the query has other words.
    common_only: bool,
    /// Words of the two names that met no partner on either side.
    conflicts: u8,
    /// The whole name met: how many names on the list are this same name.
    same_name: Option<u32>,
}

/// Given names so common that sharing one of them alone says nothing (canonical forms).
const COMMON_GIVEN: &[&str] = &[
    "muhammad", "ahmad", "abdul", "siti", "sri", "nur", "dewi", "dwi", "tri", "eka", "i", "ni",
    "putu", "made", "wayan", "gede", "kadek", "nyoman", "komang", "ketut", "lalu", "baiq",
];
/// A word carried by more than this share of a list's names is common on that list (for
/// lists of at least [`COMMON_MIN_LIST`] names).
const COMMON_SHARE: f32 = 0.02;
const COMMON_MIN_LIST: usize = 2_000;

impl Index {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.dob.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dob.is_empty()
    }

    /// The id of the entry at position `entry`.
    pub fn entry_id(&self, entry: u32) -> &str {
        let e = entry as usize;
        &self.id_text[self.id_off[e] as usize..self.id_off[e + 1] as usize]
    }

    /// The alert rule in force ([`AlertRule::default`] unless changed).
    pub fn rule(&self) -> AlertRule {
        self.rule
    }

    /// Use another alert rule (the benchmark sweeps its parameters to calibrate them).
    pub fn set_rule(&mut self, rule: AlertRule) {
        self.rule = rule;
    }

    /// The chance that a person drawn from the list at random, other than the one compared,
    /// has this birth date: the list's own count of the day, smoothed towards the spread of
    /// birth dates over some 46 years (so a short list does not make every day look rare, and
    /// a day many people were registered on, like the first of January, counts as common).
    pub(crate) fn date_share(&self, day: time::Date) -> f32 {
        let j = day.to_julian_day();
        let lo = self.dob_idx.partition_point(|x| x.0 < j);
        let hi = lo + self.dob_idx[lo..].partition_point(|x| x.0 == j);
        let others = (hi - lo).saturating_sub(1) as f32;
        let prior = AlertRule::PRIOR_WEIGHT;
        (others + prior * AlertRule::DAY_SHARE) / (self.dated as f32 + prior)
    }

    fn record_toks(&self, r: usize) -> &[u32] {
        &self.name_toks[self.name_tok_off[r] as usize..self.name_tok_off[r + 1] as usize]
    }

    fn record_text(&self, r: usize) -> &str {
        &self.name_text[self.name_text_off[r] as usize..self.name_text_off[r + 1] as usize]
    }

    fn df(&self, pid: u32) -> usize {
        (self.post_off[pid as usize + 1] - self.post_off[pid as usize]) as usize
    }

    fn postings(&self, pid: u32) -> &[u32] {
        &self.post[self.post_off[pid as usize] as usize..self.post_off[pid as usize + 1] as usize]
    }

    /// Rarity weight ln(N/df) of a phonetic key; unknown keys count as seen once.
    fn idf(&self, pid: u32) -> f32 {
        match self.phon_idf.get(pid as usize) {
            Some(w) => *w,
            None => (self.name_entry.len().max(1) as f32).ln().max(0.3),
        }
    }

    fn query_tokens(&self, toks: &[NameToken]) -> Vec<QTok> {
        toks.iter()
            .map(|t| {
                let canon = self
                    .canon_ids
                    .get(t.canon.as_str())
                    .copied()
                    .unwrap_or(NONE);
                let phon_str = phonetic(&t.canon);
                let phon = self
                    .phon_ids
                    .get(phon_str.as_str())
                    .copied()
                    .unwrap_or(NONE);
                let mut weight = if t.canon.len() == 1 {
                    1.0
                } else {
                    self.idf(phon)
                };
                if t.patronym {
                    weight *= 0.5;
                }
                QTok {
                    canon,
                    phon,
                    canon_str: t.canon.clone(),
                    phon_str,
                    raw: t.raw.clone(),
                    weight,
                    patronym: t.patronym,
                }
            })
            .collect()
    }

    fn record_tok<'a>(&'a self, t: u32, patronym: bool) -> Tok<'a> {
        let pid = self.canon_phon[t as usize];
        let canon_str = &*self.canon[t as usize];
        let mut weight = if canon_str.len() == 1 {
            1.0
        } else {
            self.idf(pid)
        };
        if patronym {
            weight *= 0.5;
        }
        Tok {
            canon: t,
            phon: pid,
            phon_str: &self.phon[pid as usize],
            canon_str,
            weight,
            // A father's name is often left out on one side.
            optional: patronym || OPTIONAL_WORDS.contains(&canon_str),
            patronym,
        }
    }

    fn record_tokens<'a>(&'a self, r: usize, out: &mut Vec<Tok<'a>>) {
        out.clear();
        let patr = self.name_patr[r] as usize;
        for (i, &t) in self.record_toks(r).iter().enumerate() {
            out.push(self.record_tok(t, i >= patr));
        }
    }

    /// Search the watchlist; at most `top` hits, best first.
    pub fn search(&self, q: &Query, top: usize) -> Vec<Hit> {
        self.search_all(q, top).hits
    }

    /// Rarity ln(N/n) of a query word's typo neighbourhood, n the names carrying the word or
    /// a word one edit from it: what a typo match of the word is worth as evidence.
    fn typo_reach(&self, t: &QTok) -> f32 {
        if let Some(r) = self.canon_reach.get(t.canon as usize) {
            return *r;
        }
        self.reach_of(&t.canon_str, t.phon)
    }

    /// See [`Index::typo_reach`]; worked out for every word of the list when it is built.
    fn reach_of(&self, word: &str, phon: u32) -> f32 {
        let n = self.name_entry.len().max(1) as f32;
        if word.len() < 3 {
            return n.ln();
        }
        let mut near = Vec::new();
        self.neighbours(word, &mut near);
        if phon != NONE && !near.contains(&phon) {
            near.push(phon);
        }
        let count: usize = near.iter().map(|&p| self.df(p)).sum();
        (n / count.max(1) as f32).ln().max(0.3)
    }

    /// A query word so common that sharing it alone says nothing.
    fn common_word(&self, t: &QTok) -> bool {
        let n = self.name_entry.len();
        COMMON_GIVEN.contains(&t.canon_str.as_str())
            || (n >= COMMON_MIN_LIST
                && t.phon != NONE
                && self.df(t.phon) as f32 > COMMON_SHARE * n as f32)
    }

    /// Search the watchlist: at most `top` hits, best first, and what was left out.
    pub fn search_all(&self, q: &Query, top: usize) -> Search {
        let qtoks = self.query_tokens(&normalize(&q.name));
        let qnik_digits = q.nik.as_deref().and_then(nik_digits);
        let qnik = qnik_digits.as_deref().and_then(|s| s.parse::<u64>().ok());
        let qnik_parsed = q.nik.as_deref().and_then(|s| Nik::parse(s).ok());
        let qphones: Vec<u64> = q.phones.iter().filter_map(|p| phone_number(p)).collect();
        let mut keys = self.blocking_keys(&qtoks);
        let mut sc = self
            .scratch
            .lock()
            .map(|mut v| v.pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        let initials: Vec<u8> = qtoks
            .iter()
            .filter(|t| t.canon_str.len() == 1 && !OPTIONAL_WORDS.contains(&t.canon_str.as_str()))
            .map(|t| t.canon_str.as_bytes()[0])
            .collect();
        let mut records = self.shortlist(&mut keys, &initials, &mut sc);
        if let Ok(mut pool) = self.scratch.lock() {
            pool.push(sc);
        }
        for e in self.identifier_candidates(q, qnik, &qphones) {
            let (a, b) = (
                self.entry_name_off[e as usize],
                self.entry_name_off[e as usize + 1],
            );
            records.extend(a..b);
        }
        records.sort_unstable();
        records.dedup();

        let qt: Vec<Tok> = qtoks
            .iter()
            .map(|t| Tok {
                canon: t.canon,
                phon: t.phon,
                phon_str: &t.phon_str,
                canon_str: &t.canon_str,
                weight: t.weight,
                optional: t.patronym || OPTIONAL_WORDS.contains(&t.canon_str.as_str()),
                patronym: t.patronym,
            })
            .collect();
        let mut cache = SimCache::with_capacity_and_hasher(512, Default::default());
        let mut wt: Vec<Tok> = Vec::with_capacity(8);
        let mut cands: Vec<Candidate> = Vec::with_capacity(records.len());
        let common: Vec<bool> = qtoks.iter().map(|t| self.common_word(t)).collect();
        let mut reach: Vec<Option<f32>> = vec![None; qtoks.len()];
        for &r in &records {
            let r = r as usize;
            self.record_tokens(r, &mut wt);
            let a = self.align_cached(&qt, &wt, &mut cache);
            // Rarity of the watch words met (an initial weighs what a letter weighs).
            // A word met only as a typo could be a typo of any word near it: it is as rare as
            // all of them together ("Wadiono" may be Wakiono, Wagiono, Waliono …).
            let mut info = 0.0;
            for p in &a.pairs {
                let mut w = watch_weight(&qt, &wt, p);
                if p.rule == PartRule::Typo && p.q.count_ones() == 1 {
                    let i = p.q.trailing_zeros() as usize;
                    // Worked out once per query word, and only for words met as typos.
                    let rw = *reach[i].get_or_insert_with(|| self.typo_reach(&qtoks[i]));
                    w = w.min(rw);
                }
                info += p.sim * w;
            }
            let matched = a.pairs.iter().fold(0u16, |m, p| m | p.q);
            let only_common = matched != 0
                && (0..qtoks.len().min(16))
                    .filter(|i| matched & (1 << i) != 0)
                    .all(|i| common[i]);
            let other_words = (0..qtoks.len().min(16)).any(|i| {
                matched & (1 << i) == 0
                    && !common[i]
                    && !qtoks[i].patronym
                    && qtoks[i].canon_str.len() > 1
            });
            // Words left over on both sides stand against each other ("Tukinem Wijaya" and
            // "Tukinem Ketut"): initials, optional words and fathers' names aside.
            let left = |mask: u16, toks: &[Tok]| {
                (0..toks.len().min(16))
                    .filter(|&i| {
                        mask & (1 << i) != 0 && !toks[i].optional && toks[i].canon_str.len() > 1
                    })
                    .count()
            };
            let conflicts = left(a.unmatched_q, &qt).min(left(a.unmatched_w, &wt)) as u8;
            // Every word of both names met, none by an initial or a cut: the candidate's very
            // name, whose own count on the list says how many share it.
            let whole = left(a.unmatched_q, &qt) == 0
                && left(a.unmatched_w, &wt) == 0
                && a.pairs.iter().all(|p| {
                    !matches!(
                        p.rule,
                        PartRule::Initial | PartRule::Truncated | PartRule::Typo
                    )
                });
            let same_name = whole.then(|| self.name_same.get(r).copied().unwrap_or(1));
            cands.push(Candidate {
                entry: self.name_entry[r],
                record: r as u32,
                name: a.score,
                info,
                common_only: only_common && other_words,
                conflicts,
                same_name,
            });
        }
        // Best name per entry; entries found only by identifiers come with their first name.
        cands.sort_by(|a, b| a.entry.cmp(&b.entry).then(b.name.total_cmp(&a.name)));
        cands.dedup_by_key(|c| c.entry);
        let qsex = q.sex.or(qnik_parsed.as_ref().map(Nik::sex));
        let mut common_only = 0;
        let mut scored: Vec<(u8, f32, Evidence, &Candidate)> = cands
            .iter()
            .filter_map(|c| {
                let ev = self.evidence(c, q, qnik, qnik_parsed.as_ref(), qsex, &qphones);
                let linked = matches!(ev.nik, Some(n) if n != NikMatch::Mismatch)
                    || ev.phone == Some(PhoneMatch::Exact);
                if c.common_only && !linked {
                    common_only += 1;
                    return None;
                }
                Some((ev.score(), c.name, ev, c))
            })
            .collect();
        // Rank by score plus the support of identifiers and dates: a near name with the same
        // birth date ranks above a namesake nobody can tell apart.
        type Scored<'c> = (u8, f32, Evidence, &'c Candidate);
        let rank = |x: &Scored| i32::from(x.0) + 2 * i32::from(x.2.support());
        let order = |a: &Scored, b: &Scored| {
            rank(b)
                .cmp(&rank(a))
                .then(b.0.cmp(&a.0))
                .then(b.1.total_cmp(&a.1))
                .then(a.3.entry.cmp(&b.3.entry))
        };
        scored.sort_by(order);
        // A name alone cannot tell namesakes apart: show at most a few of one name and let
        // the other names the query may mean have the rest of the places.
        let name_only = q.birth_date.is_none() && qnik.is_none() && qphones.is_empty();
        let mut same_name_hidden = 0;
        if name_only && scored.len() > top {
            let mut picked: Vec<Scored> = Vec::with_capacity(top);
            let mut rest = Vec::new();
            let mut unseen = Vec::new();
            for x in scored {
                if picked.len() == top {
                    unseen.push(x);
                    continue;
                }
                let toks = self.record_toks(x.3.record as usize);
                let same = picked
                    .iter()
                    .filter(|y| self.record_toks(y.3.record as usize) == toks)
                    .count();
                if same < SAME_NAME {
                    picked.push(x);
                } else {
                    rest.push(x);
                }
            }
            let missing = top - picked.len();
            let mut rest = rest.into_iter();
            picked.extend(rest.by_ref().take(missing));
            picked.sort_by(order);
            // Every gathered entry of a shown name that is not shown itself.
            let shown: Vec<&[u32]> = picked
                .iter()
                .map(|y| self.record_toks(y.3.record as usize))
                .collect();
            same_name_hidden = rest
                .chain(unseen)
                .filter(|x| shown.contains(&self.record_toks(x.3.record as usize)))
                .count();
            scored = picked;
        }
        scored.truncate(top);
        let hits = scored
            .into_iter()
            .map(|(score, _, ev, c)| Hit {
                entry: c.entry,
                id: self.entry_id(c.entry).to_string(),
                score,
                alert: ev.alert(self.ln_n, &self.rule),
                reasons: self.explain(c, &ev, &qtoks, &qt),
            })
            .collect();
        Search {
            hits,
            same_name_hidden,
            common_only,
        }
    }

    fn align_cached(&self, qt: &[Tok], wt: &[Tok], cache: &mut SimCache) -> NameAlignment {
        let (nq, nw) = (qt.len(), wt.len());
        align(qt, wt, |i, j| {
            let last_w = j + 1 == nw;
            let key = ((i as u64) << 34)
                | (u64::from(wt[j].patronym) << 33)
                | (u64::from(last_w) << 32)
                | u64::from(wt[j].canon);
            *cache
                .entry(key)
                .or_insert_with(|| token_similarity(&qt[i], &wt[j], i + 1 == nq, last_w))
        })
    }
}

/// Every string with one letter removed.
fn deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    (0..s.len()).map(move |i| {
        let mut t = String::with_capacity(s.len() - 1);
        t.push_str(&s[..i]);
        t.push_str(&s[i + 1..]);
        t
    })
}
