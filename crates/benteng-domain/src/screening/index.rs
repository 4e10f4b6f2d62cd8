//! The in-memory watchlist index: a token dictionary with phonetic keys, posting lists of name
//! records per phonetic key, a one-deletion neighbourhood of the keys for typos, and sorted
//! lookup tables for birth dates, NIK halves and phone numbers.
//!
//! A search gathers candidates (rarest name keys first, common ones only raise candidates
//! already found; plus everyone with the same birth date, a NIK within one digit, or the same
//! phone), scores the best few hundred fully and returns the top ones with their reasons.

use super::normalize::{normalize, phonetic, NameToken};
use super::reason::{DateMatch, NamePart, NikMatch, PartRule, PhoneMatch, Reason};
use super::score::{align, token_similarity, watch_weight, NameAlignment, Tok, OPTIONAL_WORDS};
use super::{Evidence, Hit, Query, WatchEntry};
use crate::nik::{nik_digits, Nik, Sex};
use crate::phone::PhoneNumber;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;
use time::Date;

mod blocking;

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
/// A birth date shared by more entries than this is a placeholder (1 January …), not evidence.
const MAX_SAME_DATE: usize = 2000;

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
}

impl Index {
    /// Build the index. Entries without a usable name are still found by NIK or phone.
    pub fn build(entries: impl IntoIterator<Item = WatchEntry>) -> Index {
        let mut ix = Index {
            canon: Vec::new(),
            canon_ids: HashMap::new(),
            canon_phon: Vec::new(),
            canon_sorted: Vec::new(),
            canon_first: Vec::new(),
            phon: Vec::new(),
            phon_ids: HashMap::new(),
            deletes: HashMap::new(),
            name_entry: Vec::new(),
            name_tok_off: vec![0],
            name_toks: Vec::new(),
            name_patr: Vec::new(),
            name_text_off: vec![0],
            name_text: String::new(),
            post_off: Vec::new(),
            post: Vec::new(),
            phon_idf: Vec::new(),
            id_off: vec![0],
            id_text: String::new(),
            entry_name_off: vec![0],
            dob: Vec::new(),
            nik: Vec::new(),
            phone_off: vec![0],
            phones: Vec::new(),
            dob_idx: Vec::new(),
            nik_head: Vec::new(),
            nik_tail: Vec::new(),
            phone_idx: Vec::new(),
            ln_n: 0.0,
            scratch: Mutex::new(Vec::new()),
        };
        for e in entries {
            ix.add(e);
        }
        ix.finish();
        ix
    }

    fn add(&mut self, e: WatchEntry) {
        let entry = self.dob.len() as u32;
        self.id_text.push_str(&e.id);
        self.id_off.push(self.id_text.len() as u32);
        for name in &e.names {
            let toks = normalize(name);
            if toks.is_empty() {
                continue;
            }
            let mut patr = u8::MAX;
            for (i, t) in toks.iter().enumerate() {
                if t.patronym && patr == u8::MAX {
                    patr = i.min(254) as u8;
                }
                let id = self.intern(&t.canon);
                self.name_toks.push(id);
            }
            self.name_entry.push(entry);
            self.name_patr.push(patr);
            self.name_tok_off.push(self.name_toks.len() as u32);
            self.name_text.push_str(name);
            self.name_text_off.push(self.name_text.len() as u32);
        }
        self.entry_name_off.push(self.name_entry.len() as u32);
        let dob = e.birth_date.map_or(i32::MIN, |d| d.to_julian_day());
        self.dob.push(dob);
        if dob != i32::MIN {
            self.dob_idx.push((dob, entry));
        }
        let nik = e
            .nik
            .as_deref()
            .and_then(nik_digits)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        self.nik.push(nik);
        if nik != 0 && dob == i32::MIN {
            // The NIK carries the birth date: found by date too, in either century.
            if let Ok(n) = Nik::parse(&format!("{nik:016}")) {
                for y in [1999, 2099] {
                    if let Some(d) = n.birth_date(y) {
                        self.dob_idx.push((d.to_julian_day(), entry));
                    }
                }
            }
        }
        if nik != 0 {
            let (head, tail) = nik_halves(nik);
            self.nik_head.push((head, entry));
            self.nik_tail.push((tail, entry));
        }
        for p in &e.phones {
            if let Some(n) = phone_number(p) {
                self.phones.push(n);
                self.phone_idx.push(((n % 1_000_000_000) as u32, entry));
            }
        }
        self.phone_off.push(self.phones.len() as u32);
    }

    fn intern(&mut self, canon: &str) -> u32 {
        if let Some(&id) = self.canon_ids.get(canon) {
            return id;
        }
        let id = self.canon.len() as u32;
        let key = phonetic(canon);
        let pid = match self.phon_ids.get(key.as_str()) {
            Some(&p) => p,
            None => {
                let p = self.phon.len() as u32;
                self.phon.push(key.clone().into());
                self.phon_ids.insert(key.into(), p);
                p
            }
        };
        self.canon.push(canon.into());
        self.canon_ids.insert(canon.into(), id);
        self.canon_phon.push(pid);
        id
    }

    fn finish(&mut self) {
        // Postings by phonetic key, each record listed once per key.
        let np = self.phon.len();
        let mut count = vec![0u32; np + 1];
        let mut seen: Vec<u32> = Vec::new();
        let records = self.name_entry.len();
        for r in 0..records {
            seen.clear();
            for &t in self.record_toks(r) {
                let p = self.canon_phon[t as usize];
                if !seen.contains(&p) {
                    seen.push(p);
                    count[p as usize + 1] += 1;
                }
            }
        }
        for i in 1..=np {
            count[i] += count[i - 1];
        }
        let mut fill = count.clone();
        let mut post = vec![0u32; count[np] as usize];
        for r in 0..records {
            seen.clear();
            for &t in self.record_toks(r) {
                let p = self.canon_phon[t as usize];
                if !seen.contains(&p) {
                    seen.push(p);
                    post[fill[p as usize] as usize] = r as u32;
                    fill[p as usize] += 1;
                }
            }
        }
        self.post_off = count;
        self.post = post;
        let n = records.max(1) as f32;
        self.phon_idf = (0..np as u32)
            .map(|p| (n / self.df(p).max(1) as f32).ln().max(0.3))
            .collect();
        for (cid, key) in self.canon.iter().enumerate() {
            if key.len() < 3 {
                continue;
            }
            for k in std::iter::once(key.to_string()).chain(deletions(key)) {
                let v = self.deletes.entry(k.into()).or_default();
                if !v.contains(&(cid as u32)) {
                    v.push(cid as u32);
                }
            }
        }
        let mut sorted: Vec<u32> = (0..self.canon.len() as u32).collect();
        sorted.sort_unstable_by(|a, b| self.canon[*a as usize].cmp(&self.canon[*b as usize]));
        self.canon_sorted = sorted;
        self.canon_first = self
            .canon
            .iter()
            .map(|c| c.as_bytes().first().copied().unwrap_or(0))
            .collect();
        self.dob_idx.sort_unstable();
        self.nik_head.sort_unstable();
        self.nik_tail.sort_unstable();
        self.phone_idx.sort_unstable();
        self.ln_n = (records.max(1) as f32).ln();
        for v in [
            &mut self.name_entry,
            &mut self.name_tok_off,
            &mut self.name_toks,
            &mut self.post,
        ] {
            v.shrink_to_fit();
        }
    }

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

    /// Entries found by birth date, NIK or phone, whatever their name.
    fn identifier_candidates(&self, q: &Query, qnik: Option<u64>, qphones: &[u64]) -> Vec<u32> {
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
        for &r in &records {
            let r = r as usize;
            self.record_tokens(r, &mut wt);
            let a = self.align_cached(&qt, &wt, &mut cache);
            // Rarity of the watch words met (an initial weighs what a letter weighs).
            let info = a
                .pairs
                .iter()
                .map(|p| p.sim * watch_weight(&qt, &wt, p))
                .sum();
            cands.push(Candidate {
                entry: self.name_entry[r],
                record: r as u32,
                name: a.score,
                info,
            });
        }
        // Best name per entry; entries found only by identifiers come with their first name.
        cands.sort_by(|a, b| a.entry.cmp(&b.entry).then(b.name.total_cmp(&a.name)));
        cands.dedup_by_key(|c| c.entry);
        let qsex = q.sex.or(qnik_parsed.as_ref().map(Nik::sex));
        let mut scored: Vec<(u8, f32, Evidence, &Candidate)> = cands
            .iter()
            .map(|c| {
                let ev = self.evidence(c, q, qnik, qnik_parsed.as_ref(), qsex, &qphones);
                (ev.score(), c.name, ev, c)
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
        if name_only && scored.len() > top {
            let mut picked: Vec<Scored> = Vec::with_capacity(top);
            let mut rest = Vec::new();
            for x in scored {
                if picked.len() == top {
                    break;
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
            picked.extend(rest.into_iter().take(missing));
            picked.sort_by(order);
            scored = picked;
        }
        scored.truncate(top);
        scored
            .into_iter()
            .map(|(score, _, ev, c)| Hit {
                entry: c.entry,
                id: self.entry_id(c.entry).to_string(),
                score,
                alert: ev.alert(self.ln_n),
                reasons: self.explain(c, &ev, &qtoks, &qt),
            })
            .collect()
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

    fn evidence(
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
            ..Evidence::default()
        };
        if let (Some(a), Some(b)) = (q.birth_date, dob) {
            ev.dob = Some(date_match(a, b));
        } else if let (Some(n), Some(b)) = (qnik_parsed, dob) {
            ev.nik_dob = n.birth_date(b.year() + 49).map(|d| date_match(d, b));
        } else if let (Some(a), Some(n)) = (q.birth_date, enik_parsed.as_ref()) {
            ev.nik_dob = n.birth_date(a.year() + 49).map(|d| date_match(a, d));
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

    fn explain(&self, c: &Candidate, ev: &Evidence, qtoks: &[QTok], qt: &[Tok]) -> Vec<Reason> {
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
                common: !ev.distinctive(self.ln_n),
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

fn range_of<K: Copy>(v: &[(K, u32)], cmp: impl Fn(&K) -> std::cmp::Ordering) -> &[(K, u32)] {
    let lo = v.partition_point(|x| cmp(&x.0) == std::cmp::Ordering::Less);
    let hi = lo + v[lo..].partition_point(|x| cmp(&x.0) != std::cmp::Ordering::Greater);
    &v[lo..hi]
}

/// The first and last eight digits: a single-digit typo leaves one of them intact.
fn nik_halves(n: u64) -> (u32, u32) {
    ((n / 100_000_000) as u32, (n % 100_000_000) as u32)
}

fn nik_match(a: u64, b: u64) -> Option<NikMatch> {
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
fn phone_number(s: &str) -> Option<u64> {
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

/// Every string with one letter removed.
fn deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    (0..s.len()).map(move |i| {
        let mut t = String::with_capacity(s.len() - 1);
        t.push_str(&s[..i]);
        t.push_str(&s[i + 1..]);
        t
    })
}
