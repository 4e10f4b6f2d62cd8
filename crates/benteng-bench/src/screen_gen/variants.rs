//! How a listed name is written differently: one [`Family`] of variation per query, the
//! kinds interviewers meet (old spelling, titles and degrees, initials, typos, joined words …).

use super::{Names, Rng};

/// How a query's name differs from the listed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Exact,
    Spelling,
    Phonetic,
    Reorder,
    Title,
    Abbrev,
    SplitJoin,
    Typo,
    Truncation,
    DropToken,
    Patronym,
    Muhammad,
    Alias,
    /// Two variations in one name: an old spelling or a phonetic swap, then a typo.
    Combo,
    /// A title and a degree together (`dr. … S.Pd.`, `Hj. … S.Kom`), sometimes a word dropped.
    TitleDegree,
    /// The first or the last word cut to its initial (`R. Hartono`, `Slamet W.`).
    Initial,
    /// One or two letters doubled or two neighbours swapped in a word (`Rukmiinah`, `Sutrsino`).
    Doubled,
    /// The whole name written as one word (`Sitinurhalimah`).
    Joined,
}

impl Family {
    pub const ALL: &'static [Family] = &[
        Family::Exact,
        Family::Spelling,
        Family::Phonetic,
        Family::Reorder,
        Family::Title,
        Family::Abbrev,
        Family::SplitJoin,
        Family::Typo,
        Family::Truncation,
        Family::DropToken,
        Family::Patronym,
        Family::Muhammad,
        Family::Alias,
        Family::Combo,
        Family::TitleDegree,
        Family::Initial,
        Family::Doubled,
        Family::Joined,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Family::Exact => "exact",
            Family::Spelling => "spelling",
            Family::Phonetic => "phonetic",
            Family::Reorder => "reorder",
            Family::Title => "title",
            Family::Abbrev => "abbrev",
            Family::SplitJoin => "split_join",
            Family::Typo => "typo",
            Family::Truncation => "truncation",
            Family::DropToken => "drop_token",
            Family::Patronym => "bin",
            Family::Muhammad => "muhammad",
            Family::Alias => "alias",
            Family::Combo => "two_changes",
            Family::TitleDegree => "title_degree",
            Family::Initial => "initial",
            Family::Doubled => "doubled",
            Family::Joined => "joined",
        }
    }
}

fn replace_first(name: &str, pairs: &[(&str, &str)], r: &mut Rng) -> Option<String> {
    let lower = name.to_lowercase();
    let found: Vec<&(&str, &str)> = pairs.iter().filter(|(a, _)| lower.contains(a)).collect();
    if found.is_empty() {
        return None;
    }
    let (a, b) = **r.pick(&found);
    let at = lower.find(a)?;
    let mut out = String::with_capacity(name.len() + 2);
    out.push_str(&lower[..at]);
    out.push_str(b);
    out.push_str(&lower[at + a.len()..]);
    Some(title_case(&out))
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name written in another way of `family`; the name itself when the family does not apply.
pub fn variant(family: Family, name: &str, female: bool, r: &mut Rng, names: &Names) -> String {
    let toks: Vec<&str> = name.split(' ').collect();
    let n = toks.len();
    let out = match family {
        Family::Exact | Family::Alias => None,
        Family::Spelling => replace_first(
            name,
            &[
                ("u", "oe"),
                ("j", "dj"),
                ("c", "tj"),
                ("y", "j"),
                ("ny", "nj"),
                ("sy", "sj"),
                ("kh", "ch"),
            ],
            r,
        ),
        Family::Phonetic => replace_first(
            name,
            &[
                ("i ", "y "),
                ("ti", "ty"),
                ("f", "v"),
                ("f", "ph"),
                ("ah", "a"),
                ("ai", "ae"),
                ("iy", "i"),
                ("dy", "di"),
                ("rizki", "rizky"),
                ("rahmat", "rachmat"),
                ("ahmad", "achmad"),
                ("syam", "sam"),
                ("k", "q"),
                ("d", "dh"),
                ("r", "rr"),
            ],
            r,
        ),
        Family::Reorder if n >= 2 => {
            let k = 1 + r.below(n as u64 - 1) as usize;
            Some([&toks[k..], &toks[..k]].concat().join(" "))
        }
        Family::Title => {
            let pre = if female {
                r.pick(&["Hj.", "Dra.", "Ibu", "Hj", ""])
            } else {
                r.pick(&["H.", "Drs.", "Ir.", "Bpk.", "H", "KH."])
            };
            let suf = r.pick(&["", ", S.Pd.", ", S.E.", " S.H.", ", A.Md.", ", M.Si."]);
            Some(format!("{pre} {name}{suf}").trim().to_string())
        }
        Family::Abbrev => replace_first(
            name,
            &[
                ("muhammad ", "M. "),
                ("muhammad ", "Moh. "),
                ("muhammad ", "Muh "),
                ("siti ", "St. "),
                ("abdul ", "Abd. "),
                ("nur ", "Noor "),
            ],
            r,
        )
        .or_else(|| {
            (n >= 2).then(|| {
                let k = 1 + r.below(n as u64 - 1) as usize;
                let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
                t[k] = format!("{}.", &t[k][..1]);
                t.join(" ")
            })
        }),
        Family::SplitJoin => {
            if n >= 2 && r.chance(0.6) {
                let k = r.below(n as u64 - 1) as usize;
                let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
                let joined = format!("{}{}", t[k], t[k + 1].to_lowercase());
                t.splice(k..k + 2, [joined]);
                Some(t.join(" "))
            } else {
                toks.iter().position(|t| t.len() >= 7).map(|k| {
                    let w = toks[k];
                    let at = ["Nur", "Sri", "Dwi", "Tri", "Eka", "Puspita", "Kusuma"]
                        .iter()
                        .find(|p| w.starts_with(*p) && w.len() > p.len() + 2)
                        .map_or(w.len() / 2, |p| p.len());
                    let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
                    t[k] = format!("{} {}", &w[..at], title_case(&w[at..]));
                    t.join(" ")
                })
            }
        }
        Family::Typo => {
            let cands: Vec<usize> = (0..n).filter(|&k| toks[k].len() >= 4).collect();
            (!cands.is_empty()).then(|| {
                let k = *r.pick(&cands);
                let mut w: Vec<u8> = toks[k].as_bytes().to_vec();
                let p = 1 + r.below(w.len() as u64 - 1) as usize;
                match r.below(4) {
                    0 => w[p] = b'a' + r.below(26) as u8,
                    1 => {
                        w.remove(p);
                    }
                    2 => w.insert(p, b'a' + r.below(26) as u8),
                    _ => {
                        let last = w.len() - 1;
                        w.swap(p - 1, p.min(last));
                    }
                }
                let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
                t[k] = String::from_utf8(w).unwrap_or_default();
                t.join(" ")
            })
        }
        Family::Truncation => {
            // A passport line: capitals, no punctuation, the last word cut short.
            let up = name.to_uppercase();
            let last = toks[n - 1];
            (n >= 2 && last.len() >= 5).then(|| {
                let keep = 3 + r.below(last.len() as u64 - 4) as usize;
                up[..up.len() - last.len() + keep].to_string()
            })
        }
        Family::DropToken if n >= 3 => {
            let k = 1 + r.below(n as u64 - 1) as usize;
            let mut t = toks.clone();
            t.remove(k);
            Some(t.join(" "))
        }
        Family::Patronym => {
            if let Some(k) = toks.iter().position(|t| *t == "bin" || *t == "binti") {
                Some(toks[..k].join(" "))
            } else {
                let father = names.given(false, r);
                Some(format!(
                    "{name} {} {father}",
                    if female { "binti" } else { "bin" }
                ))
            }
        }
        Family::Muhammad => {
            if let Some(rest) = name.strip_prefix("Muhammad ") {
                Some(rest.to_string())
            } else if !female {
                Some(format!(
                    "{} {name}",
                    r.pick(&["Muhammad", "M.", "Moh.", "Mochammad"])
                ))
            } else {
                None
            }
        }
        Family::Combo => {
            let first = if r.chance(0.5) {
                Family::Spelling
            } else {
                Family::Phonetic
            };
            let changed = variant(first, name, female, r, names);
            Some(variant(Family::Typo, &changed, female, r, names))
        }
        Family::TitleDegree => {
            let pre = if female {
                r.pick(&["Hj.", "dr.", "Dra.", "Hj"])
            } else {
                r.pick(&["H.", "dr.", "Drs.", "Ir.", "KH."])
            };
            let suf = r.pick(&[
                ", S.Pd.",
                " S.Kom",
                ", S.Kep.",
                ", S.Pd.I",
                ", M.Pd.",
                " S.E., M.M.",
            ]);
            let mut t = toks.clone();
            if n >= 3 && r.chance(0.3) {
                t.remove(1 + r.below(n as u64 - 1) as usize);
            }
            Some(format!("{pre} {}{suf}", t.join(" ")))
        }
        Family::Initial if n >= 2 => {
            let k = if r.chance(0.5) { 0 } else { n - 1 };
            let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
            t[k] = format!("{}.", &t[k][..1]);
            Some(t.join(" "))
        }
        Family::Doubled => {
            let k = (0..n).max_by_key(|&k| toks[k].len()).unwrap_or(0);
            let w: Vec<char> = toks[k].chars().collect();
            (w.len() >= 4).then(|| {
                let mut w = w;
                if r.chance(0.5) {
                    let p = 1 + r.below(w.len() as u64 - 2) as usize;
                    w.swap(p, p + 1);
                } else {
                    for _ in 0..1 + r.below(2) {
                        let p = 1 + r.below(w.len() as u64 - 1) as usize;
                        w.insert(p, w[p]);
                    }
                }
                let mut t: Vec<String> = toks.iter().map(|s| s.to_string()).collect();
                t[k] = w.into_iter().collect();
                t.join(" ")
            })
        }
        Family::Joined if (2..=4).contains(&n) => {
            Some(title_case(&name.to_lowercase().replace(' ', "")))
        }
        _ => None,
    };
    out.unwrap_or_else(|| name.to_string())
}
