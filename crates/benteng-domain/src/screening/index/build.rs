//! Building the index: interning name words and their phonetic keys, then the postings, typo
//! neighbourhoods and sorted identifier tables a search looks things up in.

use super::identifiers::{nik_halves, phone_number};
use super::{deletions, Index};
use crate::nik::{nik_digits, Nik};
use crate::screening::normalize::{normalize, phonetic};
use crate::screening::score::OPTIONAL_WORDS;
use crate::screening::{AlertRule, WatchEntry};
use std::collections::HashMap;
use std::sync::Mutex;

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
            dated: 0,
            name_same: Vec::new(),
            canon_reach: Vec::new(),
            rule: AlertRule::default(),
            scratch: Mutex::new(Vec::new()),
        };
        for e in entries {
            ix.add(e);
        }
        ix.finish();
        ix
    }

    /// A record's own words by sound, sorted (optional words and fathers' names left out).
    fn name_key(&self, r: usize) -> u64 {
        let patr = self.name_patr[r] as usize;
        let mut ids: Vec<u32> = self
            .record_toks(r)
            .iter()
            .enumerate()
            .filter(|(i, t)| *i < patr && !OPTIONAL_WORDS.contains(&&*self.canon[**t as usize]))
            .map(|(_, t)| self.canon_phon[*t as usize])
            .collect();
        ids.sort_unstable();
        // FNV-1a over the ids: a collision only merges two names' counts.
        ids.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, id| {
            (h ^ u64::from(*id)).wrapping_mul(0x0100_0000_01b3)
        })
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
            self.dated += 1;
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
                self.dated += 1;
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
        self.canon_reach = (0..self.canon.len())
            .map(|c| self.reach_of(&self.canon[c], self.canon_phon[c]))
            .collect();
        // How many names on the list are the same name as each (by sound, optional words and
        // fathers' names aside): "how rare is this very name" for the alert rule.
        let keys: Vec<u64> = (0..records).map(|r| self.name_key(r)).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        self.name_same = keys
            .iter()
            .map(|k| {
                let lo = sorted.partition_point(|x| x < k);
                let hi = sorted.partition_point(|x| x <= k);
                (hi - lo).min(u32::MAX as usize) as u32
            })
            .collect();
        for v in [
            &mut self.name_entry,
            &mut self.name_tok_off,
            &mut self.name_toks,
            &mut self.post,
        ] {
            v.shrink_to_fit();
        }
    }
}
