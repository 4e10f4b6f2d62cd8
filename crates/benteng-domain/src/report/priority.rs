//! The explainable priority score of a report: configurable weights, and every factor that
//! applies kept as a reason so the officer sees why a report ranks where it does.

use super::{Category, IndicatorGroup, INDICATORS};
use serde::{Deserialize, Serialize};

/// The weights of the priority score. Each factor that applies adds its weight; the sum is
/// capped at 100. Set in configuration (`[priority]`); these defaults favour people in danger
/// now (a victim abroad, a minor, a departure within days) over background information.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWeights {
    pub category_korban: i64,
    pub category_nonprosedural: i64,
    pub category_rekrutmen: i64,
    pub category_dokumen: i64,
    pub category_iklan: i64,
    pub category_wna: i64,
    /// A minor is among the victims or people at risk.
    pub minor: i64,
    /// The reporter says someone is about to leave (within days).
    pub departure_soon: i64,
    /// A suspected recruiter is named or has a phone number.
    pub recruiter_known: i64,
    /// All three elements (act, means, purpose) of UU 21/2007 are ticked.
    pub all_elements: i64,
    /// Per ticked "means" indicator.
    pub per_means: i64,
    /// Per ticked ILO forced-labour indicator.
    pub per_ilo: i64,
    /// Per linked report (counted up to `linked_max`).
    pub per_linked: i64,
    pub linked_max: i64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            category_korban: 40,
            category_nonprosedural: 30,
            category_rekrutmen: 25,
            category_dokumen: 20,
            category_iklan: 10,
            category_wna: 10,
            minor: 25,
            departure_soon: 20,
            recruiter_known: 10,
            all_elements: 20,
            per_means: 5,
            per_ilo: 3,
            per_linked: 5,
            linked_max: 4,
        }
    }
}

/// What the priority is computed from.
#[derive(Debug, Clone, Default)]
pub struct PriorityInput<'a> {
    pub category: Option<Category>,
    pub indicators: &'a [&'a str],
    pub minor: bool,
    pub departure_soon: bool,
    pub recruiter_known: bool,
    pub linked_reports: i64,
}

/// One reason that raised the priority, with its weight (Fluent id `priority-reason-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityReason {
    pub code: String,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priority {
    pub score: i64,
    pub reasons: Vec<PriorityReason>,
}

impl Priority {
    /// tinggi (≥ 60), sedang (≥ 30) or rendah.
    pub fn level(score: i64) -> &'static str {
        if score >= 60 {
            "tinggi"
        } else if score >= 30 {
            "sedang"
        } else {
            "rendah"
        }
    }

    /// Reasons as stored: `code:weight;code:weight`.
    pub fn encode_reasons(&self) -> String {
        self.reasons
            .iter()
            .map(|r| format!("{}:{}", r.code, r.weight))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The priority as a village's users see it: without the reason that counts other reports
    /// sharing a phone or a name, which may lie outside their village.
    pub fn without_links(&self) -> Priority {
        let reasons: Vec<PriorityReason> = self
            .reasons
            .iter()
            .filter(|r| r.code != "linked")
            .cloned()
            .collect();
        let score = reasons.iter().map(|r| r.weight).sum::<i64>().clamp(0, 100);
        Priority { score, reasons }
    }

    /// How much of the score the linked reports make (stored as `priority_linked`).
    pub fn linked_part(&self) -> i64 {
        self.score - self.without_links().score
    }

    pub fn decode_reasons(s: &str) -> Vec<PriorityReason> {
        s.split(';')
            .filter_map(|p| {
                let (c, w) = p.split_once(':')?;
                Some(PriorityReason {
                    code: c.to_string(),
                    weight: w.parse().ok()?,
                })
            })
            .collect()
    }
}

/// The explainable priority score: every factor that applies is a reason with its weight.
pub fn priority(w: &PriorityWeights, i: &PriorityInput<'_>) -> Priority {
    let mut reasons = Vec::new();
    let mut add = |code: &str, weight: i64| {
        if weight != 0 {
            reasons.push(PriorityReason {
                code: code.to_string(),
                weight,
            });
        }
    };
    if let Some(c) = i.category {
        let weight = match c {
            Category::Korban => w.category_korban,
            Category::Nonprosedural => w.category_nonprosedural,
            Category::Rekrutmen => w.category_rekrutmen,
            Category::Dokumen => w.category_dokumen,
            Category::Iklan => w.category_iklan,
            Category::Wna => w.category_wna,
        };
        add(&format!("category_{}", c.as_str()), weight);
    }
    if i.minor {
        add("minor", w.minor);
    }
    if i.departure_soon {
        add("departure_soon", w.departure_soon);
    }
    if i.recruiter_known {
        add("recruiter_known", w.recruiter_known);
    }
    let group = |g: IndicatorGroup| {
        i.indicators
            .iter()
            .filter(|c| INDICATORS.iter().any(|(k, kg)| k == *c && *kg == g))
            .count() as i64
    };
    let (proses, cara, tujuan, ilo) = (
        group(IndicatorGroup::Proses),
        group(IndicatorGroup::Cara),
        group(IndicatorGroup::Tujuan),
        group(IndicatorGroup::Ilo),
    );
    if proses > 0 && cara > 0 && tujuan > 0 {
        add("all_elements", w.all_elements);
    }
    if cara > 0 {
        add("means", cara * w.per_means);
    }
    if ilo > 0 {
        add("ilo", ilo * w.per_ilo);
    }
    let linked = i.linked_reports.clamp(0, w.linked_max.max(0));
    if linked > 0 {
        add("linked", linked * w.per_linked);
    }
    let score = reasons.iter().map(|r| r.weight).sum::<i64>().clamp(0, 100);
    Priority { score, reasons }
}
