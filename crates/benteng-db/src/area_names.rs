//! Places typed by name. Nobody should have to know that Sitiarjo is `35.07.04.2007`: every
//! place field takes the code *or* the name, optionally followed by the names of the places
//! it lies in ("Sitiarjo", "Sitiarjo, Sumbermanjing Wetan", "Kab. Malang", "Malang, Jawa
//! Timur"). A name that fits one place is read as that place; one that fits several gives the
//! candidates with their full labels, for the form to offer as choices; the browser's
//! suggestions (`/wilayah/saran`) fill in the full label, which always fits one place.
//!
//! Matching, on the normalised names of the in-memory region list (see `region_index`):
//! 1. the first part is the place: an exact name at an accepted level wins; "Malang" at the
//!    kabupaten/kota level also matches "Kabupaten Malang" and "Kota Malang"; only when
//!    nothing is exact, names that begin with it, and then names that contain it;
//! 2. every further part must name one of the place's ancestors (exactly, with the same
//!    kabupaten/kota rule, or, failing that, as a part of the name).
//!
//! Words people put before a name are dropped: "Desa", "Kelurahan", "Kel.", "Kecamatan",
//! "Kec.", "Provinsi", "Prov."; "Kab." reads as "Kabupaten".

use crate::region_index::RegionIndex;
use crate::regions::{search_key, Region};
use crate::Result;
use benteng_domain::{RegionCode, RegionLevel};
use serde::Serialize;

/// At most this many candidates are offered (a name shared by more needs its kecamatan).
pub const MAX_CHOICES: usize = 12;

/// At most this many candidates are returned, for the caller to order by what lies near the
/// user before offering [`MAX_CHOICES`] of them.
pub const MAX_CANDIDATES: usize = 300;

/// A place as a form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaChoice {
    pub code: String,
    /// "Sitiarjo, Sumbermanjing Wetan, Kabupaten Malang, Jawa Timur".
    pub label: String,
}

/// What a typed place turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaMatch {
    One(RegionCode),
    /// Several places fit (at most [`MAX_CANDIDATES`], in code order); `more` when there
    /// were more.
    Several {
        choices: Vec<AreaChoice>,
        more: bool,
    },
    None,
}

/// How a region (with its normalised name) is tested against the typed name.
type NameTest<'a> = dyn Fn(&Region, &str) -> bool + 'a;

/// One part of a typed place: its normalised name and the level a word before it named
/// ("Desa", "Kec.", "Kab.", "Kota", "Prov.").
struct Part {
    key: String,
    level: Option<i64>,
}

/// The normalised parts of a typed place, level words read and dropped ("Kab." reads as
/// "Kabupaten", which stays: it is part of the kabupaten's name).
fn parts(text: &str) -> Vec<Part> {
    text.split(',')
        .map(|p| {
            let key = search_key(p);
            let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
            let mut level = None;
            while words.len() > 1 {
                let l = match words[0] {
                    "desa" | "kelurahan" | "kel" => 4,
                    "kecamatan" | "kec" => 3,
                    "provinsi" | "prov" => 1,
                    _ => break,
                };
                level = Some(l);
                words.remove(0);
            }
            if words.len() > 1 && words[0] == "kab" {
                words[0] = "kabupaten";
            }
            if words.len() > 1 && matches!(words[0], "kabupaten" | "kota") {
                level = Some(2);
            }
            Part {
                key: words.join(" "),
                level,
            }
        })
        .filter(|p| !p.key.is_empty())
        .collect()
}

/// A region's name with its level as people write it: "Desa Sitiarjo" (a kelurahan, whose
/// code's last part begins with 1, is "Kel."), "Kec. Kalipare", "Kab. Malang", "Kota Malang".
pub fn titled(r: &Region) -> String {
    match r.level {
        4 if r
            .code
            .rsplit('.')
            .next()
            .is_some_and(|s| s.starts_with('1')) =>
        {
            format!("Kel. {}", r.name)
        }
        4 => format!("Desa {}", r.name),
        3 => format!("Kec. {}", r.name),
        2 => match r.name.strip_prefix("Kabupaten ") {
            Some(n) => format!("Kab. {n}"),
            None => r.name.clone(),
        },
        _ => r.name.clone(),
    }
}

/// Whether a region's key names `part` exactly (with "Kabupaten"/"Kota" implied at that level).
fn names_exactly(r: &Region, key: &str, part: &str) -> bool {
    key == part
        || (r.level == 2
            && (key.strip_prefix("kabupaten ") == Some(part)
                || key.strip_prefix("kota ") == Some(part)))
}

impl RegionIndex {
    /// The region's ancestors with their keys, nearest first.
    fn ancestors(&self, r: &Region) -> Vec<(&Region, &str)> {
        let mut out = Vec::new();
        let mut p = r.parent_code.clone();
        while let Some(code) = p {
            match self.row(&code) {
                Some((a, k)) => {
                    p = a.parent_code.clone();
                    out.push((a, k));
                }
                None => break,
            }
        }
        out
    }

    /// "Desa Sitiarjo, Kec. Sumbermanjing Wetan, Kab. Malang, Jawa Timur": the level said
    /// where names repeat across levels (Kalipare is a kecamatan and a village in it).
    pub(crate) fn full_label(&self, r: &Region) -> String {
        let mut label = titled(r);
        for (a, _) in self.ancestors(r) {
            label.push_str(", ");
            label.push_str(&titled(a));
        }
        label
    }

    /// Regions at `levels` that a typed place fits: exact names when there are any, else
    /// names that begin with it, else names that contain it.
    pub(crate) fn by_name(&self, text: &str, levels: &[RegionLevel]) -> Vec<&Region> {
        self.find(text, levels, false)
    }

    /// Suggestions while typing: exact names first, then names that begin with the text,
    /// then names that contain it.
    pub(crate) fn suggest(&self, text: &str, levels: &[RegionLevel]) -> Vec<&Region> {
        self.find(text, levels, true)
    }

    fn find(&self, text: &str, levels: &[RegionLevel], all_kinds: bool) -> Vec<&Region> {
        let parts = parts(text);
        let Some(head) = parts.first() else {
            return Vec::new();
        };
        let at_level = |r: &Region| {
            levels.iter().any(|l| *l as i64 == r.level) && head.level.is_none_or(|l| l == r.level)
        };
        let mut found: Vec<&Region> = Vec::new();
        let kinds: [&NameTest; 3] = [
            &|r, k| names_exactly(r, k, &head.key),
            &|_, k| k.starts_with(head.key.as_str()),
            &|_, k| k.contains(head.key.as_str()),
        ];
        for kind in kinds {
            for (r, k) in &self.rows {
                if at_level(r) && kind(r, k) && !found.iter().any(|f| f.code == r.code) {
                    found.push(r);
                }
            }
            if !found.is_empty() && !all_kinds {
                break;
            }
        }
        for part in &parts[1..] {
            let fits = |a: &Region| part.level.is_none_or(|l| l == a.level);
            let exact: Vec<&Region> = found
                .iter()
                .copied()
                .filter(|r| {
                    self.ancestors(r)
                        .iter()
                        .any(|(a, k)| fits(a) && names_exactly(a, k, &part.key))
                })
                .collect();
            found = if exact.is_empty() {
                found
                    .into_iter()
                    .filter(|r| {
                        self.ancestors(r)
                            .iter()
                            .any(|(a, k)| fits(a) && k.contains(part.key.as_str()))
                    })
                    .collect()
            } else {
                exact
            };
        }
        found
    }
}

impl crate::regions::Repo<'_> {
    /// Read a place typed as a code or a name, at `levels` (see the module docs). A code is
    /// returned as it is typed (the caller checks it as before); only names are looked up.
    pub async fn area_by_name(&self, text: &str, levels: &[RegionLevel]) -> Result<AreaMatch> {
        let ix = self.region_index().await?;
        let found = ix.by_name(text, levels);
        Ok(match found.len() {
            0 => AreaMatch::None,
            1 => match RegionCode::parse(&found[0].code) {
                Ok(c) => AreaMatch::One(c),
                Err(_) => AreaMatch::None,
            },
            n => AreaMatch::Several {
                choices: found
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|r| AreaChoice {
                        code: r.code.clone(),
                        label: ix.full_label(r),
                    })
                    .collect(),
                more: n > MAX_CANDIDATES,
            },
        })
    }

    /// Places whose name begins like `text` (then contains it), at `levels`, with full
    /// labels: the browser's suggestions while typing.
    pub async fn area_suggestions(
        &self,
        text: &str,
        levels: &[RegionLevel],
        limit: usize,
    ) -> Result<Vec<AreaChoice>> {
        let ix = self.region_index().await?;
        Ok(ix
            .suggest(text, levels)
            .into_iter()
            .take(limit)
            .map(|r| AreaChoice {
                code: r.code.clone(),
                label: ix.full_label(r),
            })
            .collect())
    }

    /// The full label of a code ("Sitiarjo, Sumbermanjing Wetan, Kabupaten Malang, Jawa
    /// Timur"), `None` when the code is unknown.
    pub async fn area_label(&self, code: &str) -> Result<Option<String>> {
        let ix = self.region_index().await?;
        Ok(ix.get(code).map(|r| ix.full_label(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str) -> (Region, String) {
        let level = match code.len() {
            2 => 1,
            5 => 2,
            8 => 3,
            _ => 4,
        };
        let parent_code = code.rfind('.').map(|i| code[..i].to_string());
        (
            Region {
                code: code.into(),
                name: name.into(),
                level,
                parent_code,
            },
            search_key(name),
        )
    }

    fn index() -> RegionIndex {
        let mut rows = vec![
            region("35", "Jawa Timur"),
            region("33", "Jawa Tengah"),
            region("35.07", "Kabupaten Malang"),
            region("35.73", "Kota Malang"),
            region("35.05", "Kabupaten Blitar"),
            region("33.10", "Kabupaten Klaten"),
            region("35.07.04", "Sumbermanjing Wetan"),
            region("35.07.11", "Kalipare"),
            region("35.05.01", "Wonotirto"),
            region("33.10.01", "Jatinom"),
            region("35.07.04.2007", "Sitiarjo"),
            region("35.07.11.2002", "Kalipare"),
            region("35.07.11.2001", "Putukrejo"),
            region("35.05.01.2001", "Sumberejo"),
            region("35.07.04.2001", "Sumberejo"),
            region("33.10.01.2001", "Sumberejo"),
        ];
        rows.sort_by(|a, b| (a.0.level, &a.0.code).cmp(&(b.0.level, &b.0.code)));
        RegionIndex { rows }
    }

    fn codes(ix: &RegionIndex, text: &str, levels: &[RegionLevel]) -> Vec<String> {
        ix.by_name(text, levels)
            .into_iter()
            .map(|r| r.code.clone())
            .collect()
    }

    const DESA: &[RegionLevel] = &[RegionLevel::Desa];

    #[test]
    fn a_village_is_found_by_its_name_with_or_without_the_word_desa() {
        let ix = index();
        for text in [
            "Sitiarjo",
            "sitiarjo",
            "Desa Sitiarjo",
            " SITIARJO ",
            "Sitiar",
        ] {
            assert_eq!(codes(&ix, text, DESA), ["35.07.04.2007"], "{text}");
        }
        // Suggestions go on past the exact names.
        let s: Vec<&str> = ix
            .suggest("Sumber", &[RegionLevel::Kecamatan, RegionLevel::Desa])
            .iter()
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(
            s,
            [
                "35.07.04",
                "33.10.01.2001",
                "35.05.01.2001",
                "35.07.04.2001"
            ]
        );
        assert!(codes(&ix, "Sitiarjoo", DESA).is_empty());
    }

    #[test]
    fn a_shared_name_is_narrowed_by_the_places_it_lies_in() {
        let ix = index();
        assert_eq!(codes(&ix, "Sumberejo", DESA).len(), 3);
        assert_eq!(
            codes(&ix, "Sumberejo, Kab. Malang", DESA),
            ["35.07.04.2001"]
        );
        assert_eq!(
            codes(&ix, "Sumberejo, Jawa Tengah", DESA),
            ["33.10.01.2001"]
        );
        assert_eq!(
            codes(&ix, "Sumberejo, Kec. Wonotirto, Blitar", DESA),
            ["35.05.01.2001"]
        );
        // The full label a suggestion fills in always fits one place.
        for (r, _) in ix.rows.iter().filter(|(r, _)| r.level == 4) {
            let label = ix.full_label(r);
            assert_eq!(codes(&ix, &label, DESA), vec![r.code.as_str()], "{label}");
        }
    }

    #[test]
    fn a_kabupaten_and_a_kota_of_one_name_are_both_offered() {
        let ix = index();
        let kab = &[RegionLevel::KabupatenKota];
        assert_eq!(codes(&ix, "Malang", kab), ["35.07", "35.73"]);
        assert_eq!(codes(&ix, "Kab. Malang", kab), ["35.07"]);
        assert_eq!(codes(&ix, "Kota Malang", kab), ["35.73"]);
        // A kecamatan and a village share "Kalipare": the level decides.
        assert_eq!(
            codes(&ix, "Kalipare", &[RegionLevel::Kecamatan]),
            ["35.07.11"]
        );
        assert_eq!(codes(&ix, "Kalipare", DESA), ["35.07.11.2002"]);
        assert_eq!(
            codes(
                &ix,
                "Kalipare",
                &[RegionLevel::Kecamatan, RegionLevel::Desa]
            ),
            ["35.07.11", "35.07.11.2002"]
        );
        assert!(codes(&ix, ",, ", DESA).is_empty());
        // A level word chooses the level.
        let both = &[RegionLevel::Kecamatan, RegionLevel::Desa];
        assert_eq!(codes(&ix, "Kec. Kalipare", both), ["35.07.11"]);
        assert_eq!(codes(&ix, "Desa Kalipare", both), ["35.07.11.2002"]);
        assert_eq!(
            codes(&ix, "Desa Kalipare, Kec. Kalipare", both),
            ["35.07.11.2002"]
        );
    }
}
