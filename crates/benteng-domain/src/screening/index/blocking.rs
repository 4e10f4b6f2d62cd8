//! Gathering candidates: the blocking keys of a query name (its own words, typo neighbours,
//! split and joined words, the completions of a cut-off word) and the shortlist of name records
//! that share the rarest of them.

use super::{deletions, Index, QTok, Scratch, NONE, PREFIX_WORDS, SHORTLIST};
use crate::screening::score::edit_cost;

/// A blocking key of a query: a phonetic id and how much sharing it counts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Key {
    pid: u32,
    weight: f32,
    /// Written so in the query (not a neighbour, completion or father's name): may seed
    /// candidates when common.
    seeds: bool,
    /// Always gather its records, however common the word: two query words the list knows
    /// as one ("Nur Hayati" for the many Nurhayati), or a word a cut-off last word may stand
    /// for ("AHMAD SET" for the Ahmad Setiawans).
    gather: bool,
}

impl Index {
    /// Phonetic ids of the canonical words within one edit of `key` (the typo neighbourhood).
    pub(super) fn neighbours(&self, key: &str, out: &mut Vec<u32>) {
        for k in std::iter::once(key.to_string()).chain(deletions(key)) {
            if let Some(ids) = self.deletes.get(k.as_str()) {
                for &c in ids {
                    let s = &self.canon[c as usize];
                    let p = self.canon_phon[c as usize];
                    if &**s != key
                        && !out.contains(&p)
                        && edit_cost(s.as_bytes(), key.as_bytes(), 1.0) <= 1.0
                    {
                        out.push(p);
                    }
                }
            }
        }
    }

    /// Blocking keys of a query name.
    pub(super) fn blocking_keys(&self, q: &[QTok]) -> Vec<Key> {
        let mut keys: Vec<Key> = Vec::new();
        let push = |keys: &mut Vec<Key>, pid: u32, w: f32| -> usize {
            match keys.iter().position(|k| k.pid == pid) {
                Some(i) => {
                    keys[i].weight = keys[i].weight.max(w);
                    i
                }
                None => {
                    keys.push(Key {
                        pid,
                        weight: w,
                        seeds: false,
                        gather: false,
                    });
                    keys.len() - 1
                }
            }
        };
        let mut near = Vec::new();
        for (i, t) in q.iter().enumerate() {
            if t.canon_str.len() < 2 {
                continue;
            }
            if t.phon != NONE {
                // A father's rare name must not keep the person's common one from finding
                // candidates ("Budi bin Sardimin" is mostly some Budi, not Sardimin): it
                // weighs less and does not seed.
                let w = self.idf(t.phon) * if t.patronym { 0.3 } else { 1.0 };
                let k = push(&mut keys, t.phon, w);
                keys[k].seeds |= !t.patronym;
            }
            // Typo neighbours only for words the list does not know or barely knows: the
            // neighbours of a common word are other common words, noise for blocking.
            // A three-letter word the list does not know may be a four-letter one with a
            // letter left out ("Raf" for Rauf).
            let long_enough = t.canon_str.len() >= 4 || (t.canon_str.len() == 3 && t.phon == NONE);
            if long_enough && (t.phon == NONE || self.df(t.phon) <= 20) {
                near.clear();
                self.neighbours(&t.canon_str, &mut near);
                for &p in near.iter().take(8) {
                    push(&mut keys, p, 0.7 * self.idf(p));
                }
            }
            // A word the list does not know may be two it knows, joined ("Kaginahkurniawan"):
            // split the phonetic key and the written word (the key of a joined word can differ
            // from the two keys put together, e.g. a silent h inside it).
            if t.phon == NONE && t.canon_str.len() >= 5 {
                let (s, c) = (t.phon_str.as_str(), t.canon_str.as_str());
                for k in 2..=s.len().saturating_sub(2) {
                    if let (Some(&a), Some(&b)) =
                        (self.phon_ids.get(&s[..k]), self.phon_ids.get(&s[k..]))
                    {
                        push(&mut keys, a, 0.8 * self.idf(a));
                        push(&mut keys, b, 0.8 * self.idf(b));
                    }
                }
                let mut found = 0;
                for k in 2..=c.len().saturating_sub(2) {
                    if let (Some(&a), Some(&b)) =
                        (self.canon_ids.get(&c[..k]), self.canon_ids.get(&c[k..]))
                    {
                        found += 1;
                        let (a, b) = (self.canon_phon[a as usize], self.canon_phon[b as usize]);
                        push(&mut keys, a, 0.8 * self.idf(a));
                        push(&mut keys, b, 0.8 * self.idf(b));
                    }
                }
                // Three words written as one ("Sitinurhalimah"), when no two words make it:
                // parts of three letters or more, and the first two ways of cutting only (a
                // long word has many, most of them through common short words). A Balinese
                // name may open with its one- or two-letter I or Ni ("Inyomansetiawan").
                let mut three = 0;
                let marker = ["ni", "i"]
                    .iter()
                    .find(|m| c.starts_with(**m))
                    .map(|m| m.len());
                for k in marker.into_iter().chain(3..=c.len().saturating_sub(6)) {
                    if found > 0 || three >= 2 {
                        break;
                    }
                    let Some(&a) = self.canon_ids.get(&c[..k]) else {
                        continue;
                    };
                    let rest = &c[k..];
                    for m in 3..=rest.len().saturating_sub(3) {
                        if let (Some(&b), Some(&d)) = (
                            self.canon_ids.get(&rest[..m]),
                            self.canon_ids.get(&rest[m..]),
                        ) {
                            for w in [a, b, d] {
                                let p = self.canon_phon[w as usize];
                                push(&mut keys, p, 0.8 * self.idf(p));
                            }
                            three += 1;
                            if three >= 2 {
                                break;
                            }
                        }
                    }
                }
            }
            // The last word of a long name cut short (passport line): words it begins.
            if i + 1 == q.len() && i > 0 && t.canon == NONE && t.canon_str.len() >= 3 {
                let pre = t.canon_str.as_str();
                let from = self
                    .canon_sorted
                    .partition_point(|c| &*self.canon[*c as usize] < pre);
                let words: Vec<u32> = self.canon_sorted[from..]
                    .iter()
                    .take(PREFIX_WORDS + 1)
                    .take_while(|&&c| self.canon[c as usize].starts_with(pre))
                    .copied()
                    .collect();
                // Every word it may stand for is a key of its own: they may seed candidates
                // (the cut word's own key does not exist). Too many words: only raise.
                let all = words.len() <= PREFIX_WORDS;
                for &c in words.iter().take(PREFIX_WORDS) {
                    let p = self.canon_phon[c as usize];
                    let k = push(&mut keys, p, 0.8 * self.idf(p));
                    keys[k].seeds |= all;
                    keys[k].gather |= all;
                }
            }
            // Two words the list knows as one ("Tuwi Yati"), by key and by writing; the one
            // word stands for both, so it weighs what both weigh.
            if let Some(n) = q.get(i + 1) {
                let by_key = self
                    .phon_ids
                    .get(format!("{}{}", t.phon_str, n.phon_str).as_str())
                    .copied();
                let by_writing = self
                    .canon_ids
                    .get(format!("{}{}", t.canon_str, n.canon_str).as_str())
                    .map(|&c| self.canon_phon[c as usize]);
                for p in by_key.into_iter().chain(by_writing) {
                    let k = push(&mut keys, p, t.weight + n.weight);
                    keys[k].gather = true;
                }
            }
        }
        keys
    }

    /// Name records sharing rare keys with the query, best first, at most `SHORTLIST`.
    /// `initials`: the query's one-letter words; among records found through the other words,
    /// those with a word of that initial come first ("Budi S." finds Budi Santoso before the
    /// many who are only Budi).
    pub(super) fn shortlist(
        &self,
        keys: &mut [Key],
        initials: &[u8],
        sc: &mut Scratch,
    ) -> Vec<u32> {
        let records = self.name_entry.len();
        if sc.acc.len() != records {
            sc.acc = vec![0.0; records];
            sc.stamp = vec![0; records];
            sc.epoch = 0;
        }
        sc.epoch = sc.epoch.wrapping_add(1);
        if sc.epoch == 0 {
            sc.stamp.iter_mut().for_each(|s| *s = 0);
            sc.epoch = 1;
        }
        sc.touched.clear();
        keys.sort_by_key(|k| self.df(k.pid));
        // Keys this common only raise candidates found through rarer keys the query itself
        // contains (candidates found through typo neighbours alone are not enough).
        let common = (records / 200).max(2000);
        let mut seeded = false;
        for &Key {
            pid: p,
            weight: w,
            seeds,
            gather,
        } in keys.iter()
        {
            let list = self.postings(p);
            if list.len() > common && seeded && !gather {
                if sc.touched.len() * 4 < list.len() {
                    for &r in &sc.touched {
                        let has = self
                            .record_toks(r as usize)
                            .iter()
                            .any(|&t| self.canon_phon[t as usize] == p);
                        if has {
                            sc.acc[r as usize] += w;
                        }
                    }
                } else {
                    for &r in list {
                        if sc.stamp[r as usize] == sc.epoch {
                            sc.acc[r as usize] += w;
                        }
                    }
                }
                continue;
            }
            seeded |= seeds;
            for &r in list {
                let ri = r as usize;
                if sc.stamp[ri] != sc.epoch {
                    sc.stamp[ri] = sc.epoch;
                    sc.acc[ri] = 0.0;
                    sc.touched.push(r);
                }
                sc.acc[ri] += w;
            }
        }
        if sc.touched.len() <= SHORTLIST {
            return sc.touched.clone();
        }
        // Among equal overlaps, shorter names are closer to the query. Keys are computed once:
        // comparing through the arrays would touch memory at random for every comparison.
        let off = &self.name_tok_off;
        let mut keyed: Vec<(f32, u32)> = sc
            .touched
            .iter()
            .map(|&r| {
                let (a, b) = (off[r as usize] as usize, off[r as usize + 1] as usize);
                let mut key = sc.acc[r as usize] - 0.01 * (b - a) as f32;
                for &l in initials {
                    if self.name_toks[a..b]
                        .iter()
                        .any(|&t| self.canon_first[t as usize] == l)
                    {
                        key += 0.5;
                    }
                }
                (key, r)
            })
            .collect();
        keyed.select_nth_unstable_by(SHORTLIST - 1, |a, b| b.0.total_cmp(&a.0));
        keyed.truncate(SHORTLIST);
        keyed.into_iter().map(|k| k.1).collect()
    }
}
