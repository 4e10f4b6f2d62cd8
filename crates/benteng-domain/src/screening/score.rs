//! Name similarity: one token against another (weighted edit distance with Indonesian
//! confusable letters), and a whole name against another (one-to-one token alignment weighted
//! by how rare each token is, with split and joined words, initials and truncation).

use super::reason::PartRule;

/// One token of a name, as the scorer sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    /// Canonical token id in the index dictionary, `u32::MAX` when unknown.
    pub canon: u32,
    /// Phonetic key id, `u32::MAX` when unknown.
    pub phon: u32,
    pub phon_str: &'a str,
    pub canon_str: &'a str,
    /// Weight (rarity, already lowered for patronyms and initials).
    pub weight: f32,
    /// A word people add or leave out freely (Muhammad, Siti, Nur …): missing it costs little.
    pub optional: bool,
    /// A father's name (after bin/binti).
    pub patronym: bool,
}

/// Words that are often added or left out of the same person's name.
pub(crate) const OPTIONAL_WORDS: &[&str] = &[
    "muhammad", "siti", "nur", "sri", "ahmad", "abdul", "i", "ni", "bin", "binti",
];

/// An aligned part: which query tokens (bit set) met which watch tokens, how well, by which rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair {
    pub q: u16,
    pub w: u16,
    pub sim: f32,
    pub rule: PartRule,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NameAlignment {
    pub score: f32,
    pub pairs: Vec<Pair>,
    pub reordered: bool,
    pub unmatched_q: u16,
    pub unmatched_w: u16,
}

/// Weight of a query token left without a partner, and of a watch token left without one.
/// Missing watch tokens cost little: passports cut names at 34 characters and people drop
/// middle names; extra query tokens cost more (logic-v2's 0.8 / 0.2).
const UNMATCHED_QUERY: f32 = 0.8;
const UNMATCHED_WATCH: f32 = 0.2;
/// Below this a token pair is not a match at all.
const MIN_PAIR: f32 = 0.6;
/// A father's name met as the person's own name (or the other way round) counts this much of
/// its similarity: "Budi bin Sardimin" is more likely "Budi" or "Budi Sardimin" than the
/// father "Sardimin" himself.
const PATRONYM_CROSS: f32 = 0.8;
/// A name whose only matched words are a father's name on one side or the other keeps this
/// much of its score.
const ONLY_FATHER: f32 = 0.6;

fn confusable(a: u8, b: u8) -> Option<f32> {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    Some(match (x, y) {
        (b'o', b'u') | (b'e', b'i') | (b'i', b'y') | (b'j', b'y') | (b'c', b'k') => 0.6,
        (b'f', b'p') | (b'f', b'v') | (b'p', b'v') | (b'a', b'e') => 0.7,
        (b'a', b'o') | (b'd', b't') | (b's', b'z') | (b'c', b's') | (b'b', b'p') => 0.8,
        _ => return None,
    })
}

fn indel_cost(s: &[u8], i: usize) -> f32 {
    let c = s[i];
    // A doubled letter, or a silent h, or a schwa (Slamet/Selamet) costs little.
    if (i > 0 && s[i - 1] == c) || s.get(i + 1) == Some(&c) {
        0.4
    } else if c == b'h' || c == b'e' {
        0.6
    } else {
        1.0
    }
}

/// Weighted optimal-string-alignment distance; stops early and returns `f32::MAX` once every
/// path costs more than `budget`. Three rolling rows on the stack: no allocation, no clearing.
pub(crate) fn edit_cost(a: &[u8], b: &[u8], budget: f32) -> f32 {
    let (n, m) = (a.len(), b.len());
    if n > 40 || m > 40 {
        return f32::MAX;
    }
    // Every edit costs at least 0.4 and changes the letter counts by at most one each way.
    let mut bag = [0i8; 26];
    for &c in a {
        bag[(c.wrapping_sub(b'a') % 26) as usize] += 1;
    }
    for &c in b {
        bag[(c.wrapping_sub(b'a') % 26) as usize] -= 1;
    }
    let (pos, neg) = bag.iter().fold((0i32, 0i32), |(p, q), &x| {
        (p + i32::from(x.max(0)), q - i32::from(x.min(0)))
    });
    if 0.4 * pos.max(neg) as f32 > budget {
        return f32::MAX;
    }
    let mut prev2 = [0f32; 41];
    let mut prev = [0f32; 41];
    let mut cur = [0f32; 41];
    for j in 1..=m {
        prev[j] = prev[j - 1] + indel_cost(b, j - 1);
    }
    for i in 1..=n {
        cur[0] = prev[0] + indel_cost(a, i - 1);
        let mut row_min = cur[0];
        for j in 1..=m {
            let sub = if a[i - 1] == b[j - 1] {
                0.0
            } else {
                confusable(a[i - 1], b[j - 1]).unwrap_or(1.0)
            };
            let mut v = (prev[j - 1] + sub)
                .min(prev[j] + indel_cost(a, i - 1))
                .min(cur[j - 1] + indel_cost(b, j - 1));
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1.0);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > budget {
            return f32::MAX;
        }
        prev2 = prev;
        prev = cur;
    }
    prev[m]
}

/// How many edits a token of this length may carry and still be the same name.
fn budget(len: usize) -> f32 {
    match len {
        0..=3 => 0.7,
        4..=5 => 1.0,
        6..=9 => 1.6,
        _ => 2.2,
    }
}

/// Similarity of two phonetic keys by weighted edit distance, 0 when beyond the budget.
pub(crate) fn typo_similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let min = a.len().min(b.len());
    if min < 2 {
        return 0.0;
    }
    // A four-letter word with a letter left out keeps the four-letter budget ("raf"/"rauf").
    let bud = if min == 3 && a.len().max(b.len()) == 4 {
        budget(4)
    } else {
        budget(min)
    };
    if (a.len() as f32 - b.len() as f32).abs() * 0.4 > bud {
        return 0.0;
    }
    let c = edit_cost(a, b, bud);
    if c > bud {
        return 0.0;
    }
    (1.0 - c / a.len().max(b.len()) as f32).max(0.0) * 0.95
}

/// Similarity and rule of a single query token against a single watch token.
/// `last_q`/`last_w`: the token ends its name (a truncated passport name ends in a prefix).
pub(crate) fn token_similarity(q: &Tok, w: &Tok, last_q: bool, last_w: bool) -> (f32, PartRule) {
    let (sim, rule) = plain_similarity(q, w, last_q, last_w);
    if q.patronym != w.patronym {
        (sim * PATRONYM_CROSS, rule)
    } else {
        (sim, rule)
    }
}

fn plain_similarity(q: &Tok, w: &Tok, last_q: bool, last_w: bool) -> (f32, PartRule) {
    if q.canon != u32::MAX && q.canon == w.canon {
        return (1.0, PartRule::Exact);
    }
    if q.phon != u32::MAX && q.phon == w.phon {
        return (0.95, PartRule::Phonetic);
    }
    let (ql, wl) = (q.canon_str.len(), w.canon_str.len());
    if ql == 1 || wl == 1 {
        let initial = q.canon_str.as_bytes()[0] == w.canon_str.as_bytes()[0];
        return if initial && ql != wl {
            (0.85, PartRule::Initial)
        } else {
            (0.0, PartRule::Typo)
        };
    }
    if (last_q && ql >= 3 && w.canon_str.starts_with(q.canon_str))
        || (last_w && wl >= 3 && q.canon_str.starts_with(w.canon_str))
    {
        return (0.9, PartRule::Truncated);
    }
    // Phonetic keys absorb spelling variants but can turn one slip into two edits
    // ("hidaat" keys as "hidat"), so the written forms get a second chance.
    let sim = typo_similarity(q.phon_str, w.phon_str);
    let sim = if sim > 0.0 {
        sim
    } else {
        typo_similarity(q.canon_str, w.canon_str)
    };
    (sim, PartRule::Typo)
}

/// Align a query name with a watch name. `sim(i, j)` gives the (cached) token similarity.
pub(crate) fn align(
    q: &[Tok],
    w: &[Tok],
    mut sim: impl FnMut(usize, usize) -> (f32, PartRule),
) -> NameAlignment {
    let (nq, nw) = (q.len().min(15), w.len().min(15));
    let mut opts: Vec<(f32, usize, usize, PartRule)> = Vec::with_capacity(nq * nw);
    for i in 0..nq {
        for j in 0..nw {
            let (s, r) = sim(i, j);
            if s >= MIN_PAIR {
                opts.push((s, i, j, r));
            }
        }
    }
    // Best pairs first; among equals keep name order (so "Siti Siti" pairs in order).
    opts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_q = 0u16;
    let mut used_w = 0u16;
    let mut pairs = Vec::with_capacity(nq.min(nw) + 1);
    // Words written as one, letter for letter, pair first: otherwise a Balinese "I" would be
    // taken for the initial of "Ikadekwagiman" and leave "Kadek Wagiman" over.
    if nq + nw >= 3 {
        one_against_two(
            q,
            w,
            nq,
            nw,
            &mut used_q,
            &mut used_w,
            &mut pairs,
            true,
            true,
        );
        one_against_two(
            w,
            q,
            nw,
            nq,
            &mut used_w,
            &mut used_q,
            &mut pairs,
            false,
            true,
        );
    }
    for (s, i, j, r) in opts {
        if used_q & (1 << i) == 0 && used_w & (1 << j) == 0 {
            used_q |= 1 << i;
            used_w |= 1 << j;
            pairs.push(Pair {
                q: 1 << i,
                w: 1 << j,
                sim: s,
                rule: r,
            });
        }
    }
    split_join(q, w, nq, nw, &mut used_q, &mut used_w, &mut pairs);
    weigh(q, w, nq, nw, pairs, used_q, used_w)
}

/// Residue step: an unmatched query word against two adjacent unmatched watch words
/// ("Nurhayati" ~ "Nur Hayati") and the other way round.
fn split_join(
    q: &[Tok],
    w: &[Tok],
    nq: usize,
    nw: usize,
    used_q: &mut u16,
    used_w: &mut u16,
    pairs: &mut Vec<Pair>,
) {
    let free_q = nq as u32 - used_q.count_ones();
    let free_w = nw as u32 - used_w.count_ones();
    if free_q + free_w < 3 || free_q == 0 || free_w == 0 {
        return;
    }
    one_against_two(q, w, nq, nw, used_q, used_w, pairs, true, false);
    one_against_two(w, q, nw, nq, used_w, used_q, pairs, false, false);
}

#[allow(clippy::too_many_arguments)]
fn one_against_two(
    one: &[Tok],
    two: &[Tok],
    n1: usize,
    n2: usize,
    u1: &mut u16,
    u2: &mut u16,
    pairs: &mut Vec<Pair>,
    one_is_q: bool,
    written_only: bool,
) {
    let mut joined = String::with_capacity(32);
    for (i, tok) in one.iter().enumerate().take(n1) {
        if *u1 & (1 << i) != 0 {
            continue;
        }
        // Three words written as one ("Sitinurhalimah") before two.
        'spans: for span in [3usize, 2] {
            let mask: u16 = (1 << span) - 1;
            for j in 0..(n2 + 1).saturating_sub(span) {
                if *u2 & (mask << j) != 0 {
                    continue;
                }
                let words = &two[j..j + span];
                joined.clear();
                for t in words {
                    joined.push_str(t.phon_str);
                }
                let mut rest = tok.canon_str;
                let written = words.iter().all(|t| match rest.strip_prefix(t.canon_str) {
                    Some(r) => {
                        rest = r;
                        true
                    }
                    None => false,
                }) && rest.is_empty();
                let s = if written || (joined == tok.phon_str && !written_only) {
                    0.95
                } else if written_only {
                    0.0
                } else if span == 2 {
                    typo_similarity(tok.phon_str, &joined)
                } else {
                    // Three words joined are taken as written or by sound only: comparing
                    // every window of three with typos costs more than the rare case is worth.
                    0.0
                };
                if s >= 0.8 {
                    *u1 |= 1 << i;
                    *u2 |= mask << j;
                    let (qm, wm) = if one_is_q {
                        (1 << i, mask << j)
                    } else {
                        (mask << j, 1 << i)
                    };
                    pairs.push(Pair {
                        q: qm,
                        w: wm,
                        sim: s,
                        rule: PartRule::SplitJoin,
                    });
                    break 'spans;
                }
            }
        }
    }
}

/// Weight of an aligned part: the rarity of its words on both sides. An initial knows one
/// letter of the word it stands for, so both sides weigh what the initial weighs: "Budi S."
/// is as close to "Budi Santoso" as to "Budi Susanto", and closer to either than to "Budi".
pub(crate) fn pair_weight(q: &[Tok], w: &[Tok], p: &Pair) -> f32 {
    let (a, b) = (side_weight(q, p.q), side_weight(w, p.w));
    if p.rule == PartRule::Initial {
        2.0 * a.min(b)
    } else {
        a + b
    }
}

/// The watch side's share of [`pair_weight`]: how rare the matched watch words are.
pub(crate) fn watch_weight(q: &[Tok], w: &[Tok], p: &Pair) -> f32 {
    let b = side_weight(w, p.w);
    if p.rule == PartRule::Initial {
        b.min(side_weight(q, p.q))
    } else {
        b
    }
}

fn side_weight(toks: &[Tok], m: u16) -> f32 {
    (0..toks.len().min(15))
        .filter(|i| m & (1 << i) != 0)
        .map(|i| toks[i].weight)
        .sum()
}

fn weigh(
    q: &[Tok],
    w: &[Tok],
    nq: usize,
    nw: usize,
    pairs: Vec<Pair>,
    used_q: u16,
    used_w: u16,
) -> NameAlignment {
    let missing_weight = |toks: &[Tok], m: u16| -> f32 {
        (0..toks.len().min(15))
            .filter(|i| m & (1 << i) != 0)
            .map(|i| toks[i].weight * if toks[i].optional { 0.3 } else { 1.0 })
            .sum()
    };
    let mut num = 0.0;
    let mut den = 0.0;
    for p in &pairs {
        let wt = pair_weight(q, w, p);
        num += p.sim * wt;
        den += wt;
    }
    let all_q = if nq >= 16 { u16::MAX } else { (1u16 << nq) - 1 };
    let all_w = if nw >= 16 { u16::MAX } else { (1u16 << nw) - 1 };
    let unmatched_q = all_q & !used_q;
    let unmatched_w = all_w & !used_w;
    den += UNMATCHED_QUERY * missing_weight(q, unmatched_q)
        + UNMATCHED_WATCH * missing_weight(w, unmatched_w);
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    // Only fathers' names met (the person's own words all unmatched): a relative at best.
    let own =
        |toks: &[Tok], m: u16| !toks[(m.trailing_zeros() as usize).min(toks.len() - 1)].patronym;
    if !pairs.is_empty() && !pairs.iter().any(|p| own(q, p.q) && own(w, p.w)) {
        score *= ONLY_FATHER;
    }
    // Reordered when the watch positions do not rise with the query positions.
    let mut order = [(0u16, 0u16); 16];
    let k = pairs.len().min(16);
    for (o, p) in order.iter_mut().zip(&pairs) {
        *o = (p.q.trailing_zeros() as u16, p.w.trailing_zeros() as u16);
    }
    order[..k].sort_unstable();
    let reordered = order[..k].windows(2).any(|x| x[1].1 < x[0].1);
    NameAlignment {
        score,
        pairs,
        reordered,
        unmatched_q,
        unmatched_w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::normalize::phonetic;

    fn sim(a: &str, b: &str) -> f32 {
        typo_similarity(&phonetic(a), &phonetic(b))
    }

    #[test]
    fn typo_similarity_follows_the_budget() {
        assert!(sim("suharto", "suharto") > 0.9);
        assert!(sim("suharto", "suhatro") > 0.8, "transposition");
        assert!(sim("suharto", "suharta") > 0.8, "final a/o");
        assert!(sim("pitri", "fitri") > 0.8, "Sundanese f/p");
        assert!(sim("slamet", "selamet") > 0.8, "schwa");
        assert!(sim("wahyuni", "wahyuno") > 0.8);
        assert_eq!(sim("budi", "joko"), 0.0);
        assert_eq!(
            sim("hartono", "hartini"),
            0.0,
            "two plain edits on 7 letters"
        );
        assert_eq!(sim("ani", "ina"), 0.0);
    }
}
