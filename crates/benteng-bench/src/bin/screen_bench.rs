//! `cargo run --release -p benteng-bench --bin screen-bench -- [ENTRIES] [POSITIVES] [DECOYS]`
//!
//! Builds the screening index over a synthetic watchlist of ENTRIES people (default 1,000,000;
//! see `benteng_bench::screen_gen`), runs labelled queries one at a time on one thread and
//! prints: build time, memory (RSS and peak from /proc/self/status), per-query p50/p99, and per
//! variant family the recall@1/@10, name-level recall for name-only queries and the alert
//! rate; for decoys the alert rate. Numbers, not assertions: they go to docs/performance.md.
//! `BENTENG_BENCH_SEED` changes the seed (default 20260101); `BENTENG_BENCH_POOL=lists` draws
//! every given name from the hand-compiled lists (the first measurements' population) instead
//! of adding composed Javanese names; `BENTENG_BENCH_BATCH=0` skips the 100,000-query batch.

use benteng_bench::screen_gen::{queries, Family, Labelled, Names, Pool};
use benteng_domain::screening::{canonical, AlertRule, Hit, Index};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn pct(d: &mut [Duration], p: f64) -> f64 {
    d.sort_unstable();
    let i = ((d.len() as f64 - 1.0) * p).round() as usize;
    d.get(i).map_or(0.0, |x| x.as_secs_f64() * 1000.0)
}

#[derive(Default)]
struct Tally {
    n: usize,
    r1: usize,
    r10: usize,
    with_ids: usize,
    with_ids_r10: usize,
    name_only: usize,
    name_only_name_r10: usize,
    /// Name-only queries of two or more words (one word is ambiguous by nature).
    name_only2: usize,
    name_only2_name_r10: usize,
    alerted: usize,
    /// The query and the entry share a birth date, NIK or phone field (values may differ).
    shared: usize,
    shared_alerted: usize,
    /// Of those, the true entry in the top 10: what a birth date, NIK or phone can do when
    /// the entry has something to compare it with.
    shared_r10: usize,
}

impl Tally {
    fn row(&self, label: &str) {
        let f = |a: usize, b: usize| {
            if b == 0 {
                "    –".to_string()
            } else {
                format!("{:5.3}", a as f64 / b as f64)
            }
        };
        println!(
            "| {label:<12} | {:>5} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.n,
            f(self.r1, self.n),
            f(self.r10, self.n),
            f(self.with_ids_r10, self.with_ids),
            f(self.shared_r10, self.shared),
            f(self.name_only_name_r10, self.name_only),
            f(self.name_only2_name_r10, self.name_only2),
            f(self.alerted, self.n),
            f(self.shared_alerted, self.shared),
        );
    }
    fn add(&mut self, o: &Tally) {
        self.n += o.n;
        self.r1 += o.r1;
        self.r10 += o.r10;
        self.with_ids += o.with_ids;
        self.with_ids_r10 += o.with_ids_r10;
        self.name_only += o.name_only;
        self.name_only_name_r10 += o.name_only_name_r10;
        self.name_only2 += o.name_only2;
        self.name_only2_name_r10 += o.name_only2_name_r10;
        self.alerted += o.alerted;
        self.shared += o.shared;
        self.shared_alerted += o.shared_alerted;
        self.shared_r10 += o.shared_r10;
    }
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let positives = args.get(1).copied().unwrap_or(9_000) as usize;
    let decoys = args.get(2).copied().unwrap_or(3_000) as usize;
    let seed: u64 = std::env::var("BENTENG_BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_260_101);
    let pool = match std::env::var("BENTENG_BENCH_POOL").as_deref() {
        Ok("lists") => Pool::Lists,
        _ => Pool::Javanese,
    };
    let names = Names::with_pool(pool);

    let t = Instant::now();
    let mut sink = 0usize;
    for i in 0..n {
        sink += names.entry(seed, i).names.len();
    }
    let gen_time = t.elapsed();
    let rss_before = status_kb("VmRSS:");
    let t = Instant::now();
    let mut index = Index::build((0..n).map(|i| names.entry(seed, i)));
    let build_time = t.elapsed();
    let rss = status_kb("VmRSS:");
    let hwm = status_kb("VmHWM:");
    println!("# Screening benchmark: {n} entries ({sink} names), seed {seed}, pool {pool:?}");
    println!(
        "generating the entries alone: {:.2} s; index build including generation: {:.2} s → build ≈ {:.2} s",
        gen_time.as_secs_f64(),
        build_time.as_secs_f64(),
        (build_time.saturating_sub(gen_time)).as_secs_f64()
    );
    println!(
        "memory: RSS {} MB after build ({} MB before), peak {} MB",
        rss / 1024,
        rss_before / 1024,
        hwm / 1024
    );

    let qs: Vec<Labelled> = queries(&names, seed, n, positives, decoys);
    for q in qs.iter().take(200) {
        std::hint::black_box(index.search(&q.query, 10));
    }
    let mut times = Vec::with_capacity(qs.len());
    let mut results: Vec<Vec<Hit>> = Vec::with_capacity(qs.len());
    for q in &qs {
        let t = Instant::now();
        let hits = index.search(&q.query, 10);
        times.push(t.elapsed());
        results.push(hits);
    }
    let mut slow: Vec<(Duration, &str)> = times
        .iter()
        .zip(&qs)
        .map(|(t, q)| (*t, q.query.name.as_str()))
        .collect();
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    let slow: Vec<String> = slow
        .iter()
        .take(5)
        .map(|(t, n)| format!("{n:?} {:.1} ms", t.as_secs_f64() * 1000.0))
        .collect();
    println!("slowest queries: {}", slow.join(", "));
    let mut all = times.clone();
    println!(
        "latency per query ({} queries, top 10, one thread): p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        qs.len(),
        pct(&mut all, 0.5),
        pct(&mut all, 0.9),
        pct(&mut all, 0.99),
        pct(&mut all, 1.0)
    );
    // Batch screening as `benteng screen` and the web's batch page run it: 100,000 queries
    // (the labelled ones, repeated) through `screening::batch::screen_all`, on every core.
    let batch_rows: Vec<benteng_app::screening::batch::PersonRow> = (0..100_000)
        .map(|i| {
            let q = &qs[i % qs.len()].query;
            benteng_app::screening::batch::PersonRow {
                id: format!("Q{i}"),
                name: q.name.clone(),
                birth_date: q.birth_date,
                nik: q.nik.clone(),
                phones: q.phones.clone(),
            }
        })
        .collect();
    let t = Instant::now();
    let batch = std::env::var("BENTENG_BENCH_BATCH").as_deref() != Ok("0");
    let out = benteng_app::screening::batch::screen_all(
        &index,
        &batch_rows[..if batch { batch_rows.len() } else { 0 }],
        10,
    );
    println!(
        "batch: {} queries in {:.1} s on {} threads ({} result rows, {} KB of CSV)",
        out.queries,
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        out.csv.iter().filter(|b| **b == b'\n').count() - 1,
        out.csv.len() / 1024
    );

    if std::env::var("BENTENG_BENCH_SWEEP").as_deref() == Ok("1") {
        sweep(&mut index, &names, seed, &qs);
    }

    let mut fams: BTreeMap<Family, Tally> = BTreeMap::new();
    // BENTENG_BENCH_SHOW=N prints the first N listed people with a birth date, NIK or phone
    // not found in the top 10, the first N sharing such a field with their entry but not
    // alerted, the first N name-only queries without the right name in the top 10, and the
    // first N alerted decoys.
    let mut show: usize = std::env::var("BENTENG_BENCH_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut show_decoys = show;
    let mut show_quiet = show;
    let mut show_names = show;
    let (mut dec, mut dec_alert, mut near, mut near_alert) = (0, 0, 0, 0);
    for (q, hits) in qs.iter().zip(&results) {
        let any_alert = hits.iter().any(|h| h.alert);
        let Some(truth) = q.truth else {
            if show_decoys > 0 && any_alert {
                show_decoys -= 1;
                let h = hits.iter().find(|h| h.alert).unwrap();
                let e = names.entry(seed, u64::from(h.entry));
                println!(
                    "DECOY {:?} {:?} nik={:?}\n  alerted {} {:?} {:?} nik={:?} {} {}",
                    q.query.name,
                    q.query.birth_date,
                    q.query.nik,
                    h.id,
                    e.names,
                    e.birth_date,
                    e.nik,
                    h.score,
                    h.codes()
                );
            }
            dec += 1;
            dec_alert += usize::from(any_alert);
            if q.near_miss {
                near += 1;
                near_alert += usize::from(any_alert);
            }
            continue;
        };
        let t = fams.entry(q.family.unwrap_or(Family::Exact)).or_default();
        let pos = hits.iter().position(|h| u64::from(h.entry) == truth);
        let has_ids =
            q.query.birth_date.is_some() || q.query.nik.is_some() || !q.query.phones.is_empty();
        if show > 0 && pos.is_none() && has_ids {
            show -= 1;
            let e = names.entry(seed, truth);
            println!(
                "MISS {:?} {:?} nik={:?} phones={:?}\n  truth {:?} {:?} nik={:?} phones={:?} at {pos:?}",
                q.query.name, q.query.birth_date, q.query.nik, q.query.phones,
                e.names, e.birth_date, e.nik, e.phones
            );
            for h in hits.iter().take(3) {
                println!("  hit {} {} {} {}", h.id, h.score, h.alert, h.codes());
            }
        }
        t.n += 1;
        t.r1 += usize::from(pos == Some(0));
        t.r10 += usize::from(pos.is_some());
        let alerted = pos.is_some_and(|p| hits[p].alert);
        t.alerted += usize::from(alerted);
        let e = names.entry(seed, truth);
        let (qd, qn, qp) = (
            q.query.birth_date.is_some(),
            q.query.nik.is_some(),
            !q.query.phones.is_empty(),
        );
        let (ed, en, ep) = (
            e.birth_date.is_some(),
            e.nik.is_some(),
            !e.phones.is_empty(),
        );
        if ((qd || qn) && (ed || en)) || (qp && ep) {
            t.shared += 1;
            t.shared_alerted += usize::from(alerted);
            t.shared_r10 += usize::from(pos.is_some());
            if !alerted && show_quiet > 0 {
                show_quiet -= 1;
                println!(
                    "QUIET {:?} {:?} nik={:?} phones={:?}\n  truth {:?} {:?} nik={:?} phones={:?} at {pos:?}",
                    q.query.name, q.query.birth_date, q.query.nik, q.query.phones,
                    e.names, e.birth_date, e.nik, e.phones
                );
                if let Some(h) = pos.map(|p| &hits[p]) {
                    println!("  hit {} {} {} {}", h.id, h.score, h.alert, h.codes());
                }
            }
        }
        let has_ids =
            q.query.birth_date.is_some() || q.query.nik.is_some() || !q.query.phones.is_empty();
        if has_ids {
            t.with_ids += 1;
            t.with_ids_r10 += usize::from(pos.is_some());
        } else {
            t.name_only += 1;
            let p = names.person(seed, truth);
            let want: Vec<String> = std::iter::once(&p.name)
                .chain(p.alias.as_ref())
                .map(|s| canonical(s))
                .collect();
            let right_name = pos.is_some()
                || hits.iter().any(|h| {
                    names
                        .entry(seed, u64::from(h.entry))
                        .names
                        .iter()
                        .any(|s| want.contains(&canonical(s)))
                });
            t.name_only_name_r10 += usize::from(right_name);
            if q.query.name.split_whitespace().count() >= 2 {
                t.name_only2 += 1;
                t.name_only2_name_r10 += usize::from(right_name);
            }
            if !right_name && show_names > 0 {
                show_names -= 1;
                println!("NAMEMISS {:?}: want {:?}", q.query.name, want);
                for h in hits.iter().take(4) {
                    let e = names.entry(seed, u64::from(h.entry));
                    println!("  hit {:?} {} {}", e.names, h.score, h.codes());
                }
            }
        }
    }
    println!();
    println!("| family       |     n |   R@1 |  R@10 | R@10 with DOB/NIK/phone | same, where the entry has one to compare | right name in top 10 (name only) | same, two or more words | true entry alerted | alerted where a date/NIK/phone agrees |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut total = Tally::default();
    for (f, t) in &fams {
        t.row(f.label());
        total.add(t);
    }
    total.row("all listed");
    // What identifiers cannot do: an entry with nothing to compare them with is one of its
    // namesakes for the matcher, ranked by name alone.
    let bare = total.with_ids - total.shared;
    println!(
        "\nqueries with a birth date, NIK or phone: {}; their entry has one to compare: {} (R@10 {:.3}); has none: {bare} (R@10 {:.3}, ranked by name among namesakes)",
        total.with_ids,
        total.shared,
        total.shared_r10 as f64 / total.shared.max(1) as f64,
        (total.with_ids_r10 - total.shared_r10) as f64 / bare.max(1) as f64,
    );
    let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    println!();
    println!(
        "decoys: {dec}, alerted {:.3} (near namesakes: {near}, alerted {:.3}; others alerted {:.3})",
        dec_alert as f64 / dec.max(1) as f64,
        near_alert as f64 / near.max(1) as f64,
        (dec_alert - near_alert) as f64 / (dec - near).max(1) as f64
    );
    let checks = [
        (
            "R@10 with DOB/NIK/phone",
            ratio(total.with_ids_r10, total.with_ids),
            0.98,
            true,
        ),
        (
            "right name in top 10, name only, 2+ words",
            ratio(total.name_only2_name_r10, total.name_only2),
            0.95,
            true,
        ),
        (
            "alerted where a date/NIK/phone agrees",
            ratio(total.shared_alerted, total.shared),
            0.95,
            true,
        ),
        ("decoys alerted", ratio(dec_alert, dec), 0.01, false),
    ];
    let line: Vec<String> = checks
        .iter()
        .map(|(what, v, target, at_least)| {
            let ok = if *at_least { v >= target } else { v <= target };
            format!(
                "{what} {v:.3} ({} {target}: {})",
                if *at_least { "≥" } else { "≤" },
                if ok { "met" } else { "MISSED" }
            )
        })
        .collect();
    println!("targets: {}", line.join("; "));
}

/// Whether the query and its true entry both carry a birth date (or NIK date), a NIK or a
/// phone: the query's values come from the true person, so they agree (carelessly at worst).
fn shares_a_field(names: &benteng_bench::screen_gen::Names, seed: u64, q: &Labelled) -> bool {
    let Some(truth) = q.truth else { return false };
    let e = names.entry(seed, truth);
    let (qd, qn, qp) = (
        q.query.birth_date.is_some(),
        q.query.nik.is_some(),
        !q.query.phones.is_empty(),
    );
    ((qd || qn) && (e.birth_date.is_some() || e.nik.is_some())) || (qp && !e.phones.is_empty())
}

/// `BENTENG_BENCH_SWEEP=1`: the alert rule's parameters over a grid, each with the share of
/// listed people alerted where a field agrees and the share of decoys alerted (the
/// calibration in docs/screening.md).
fn sweep(index: &mut Index, names: &benteng_bench::screen_gen::Names, seed: u64, qs: &[Labelled]) {
    let shared: Vec<bool> = qs.iter().map(|q| shares_a_field(names, seed, q)).collect();
    let base = index.rule();
    println!(
        "| min_name | max_chance | careless_days | conflict | agreeing alerted | decoys alerted |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    let grid = |var: &str, default: &[f32]| -> Vec<f32> {
        std::env::var(var)
            .ok()
            .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_else(|| default.to_vec())
    };
    for min_name in grid("SWEEP_MIN_NAME", &[0.5, 0.6]) {
        for max_chance in grid("SWEEP_MAX_CHANCE", &[0.01, 0.02, 0.05, 0.1, 0.2]) {
            for careless_days in grid("SWEEP_CARELESS", &[32.0]) {
                for conflict in grid("SWEEP_CONFLICT", &[1.0, 10.0, 30.0, 100.0]) {
                    index.set_rule(AlertRule {
                        min_name,
                        max_chance,
                        careless_days,
                        conflict,
                    });
                    let (mut sa, mut sn, mut da, mut dn) = (0usize, 0usize, 0usize, 0usize);
                    for (q, sh) in qs.iter().zip(&shared) {
                        let hits = index.search(&q.query, 10);
                        match q.truth {
                            None => {
                                dn += 1;
                                da += usize::from(hits.iter().any(|h| h.alert));
                            }
                            Some(t) if *sh => {
                                sn += 1;
                                sa += usize::from(
                                    hits.iter().any(|h| u64::from(h.entry) == t && h.alert),
                                );
                            }
                            _ => {}
                        }
                    }
                    println!(
                    "| {min_name} | {max_chance} | {careless_days} | {conflict} | {:.3} | {:.4} |",
                    sa as f64 / sn.max(1) as f64,
                    da as f64 / dn.max(1) as f64
                );
                }
            }
        }
    }
    index.set_rule(base);
    println!();
}
