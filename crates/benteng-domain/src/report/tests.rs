use super::*;

#[test]
fn every_report_transition() {
    use ReportStatus::*;
    let allowed = [
        (Baru, Ditinjau),
        (Baru, Ditangani),
        (Baru, Ditolak),
        (Ditinjau, Ditangani),
        (Ditinjau, Selesai),
        (Ditinjau, Ditolak),
        (Ditangani, Ditinjau),
        (Ditangani, Selesai),
        (Selesai, Ditangani),
        (Ditolak, Ditinjau),
    ];
    for from in ReportStatus::ALL {
        for to in ReportStatus::ALL {
            assert_eq!(
                from.can_move_to(*to),
                allowed.contains(&(*from, *to)),
                "{from} -> {to}"
            );
        }
    }
    // Merged is final and cannot be chosen as a status.
    assert!(ReportStatus::ALL.iter().all(|s| !s.can_move_to(Digabung)));
    assert!(!Digabung.can_merge());
    assert!(Selesai.can_merge());
}

#[test]
fn public_status_hides_internal_states() {
    use ReportStatus::*;
    assert_eq!(Baru.public(), PublicStatus::Diterima);
    assert_eq!(Ditinjau.public(), PublicStatus::Diproses);
    assert_eq!(Ditangani.public(), PublicStatus::Diproses);
    for s in [Selesai, Ditolak, Digabung] {
        assert_eq!(s.public(), PublicStatus::Selesai);
    }
}

#[test]
fn every_referral_transition() {
    use ReferralSide::*;
    use ReferralStatus::*;
    let allowed = [
        (Terkirim, Diterima, Receiver),
        (Terkirim, Ditolak, Receiver),
        (Diterima, Selesai, Receiver),
        (Terkirim, Dibatalkan, Sender),
        (Diterima, Dibatalkan, Sender),
    ];
    for from in ReferralStatus::ALL {
        for to in ReferralStatus::ALL {
            for side in [Sender, Receiver] {
                assert_eq!(
                    from.can_move_to(*to, side),
                    allowed.contains(&(*from, *to, side)),
                    "{from} -> {to} by {side:?}"
                );
            }
        }
    }
    assert!(Terkirim.is_pending() && Diterima.is_pending());
    assert!(!Selesai.is_pending() && !Ditolak.is_pending() && !Dibatalkan.is_pending());
}

#[test]
fn every_case_transition() {
    use CaseStatus::*;
    let allowed = [
        (Aktif, TindakLanjut),
        (Aktif, Ditutup),
        (Aktif, DitutupDirujuk),
        (TindakLanjut, Aktif),
        (TindakLanjut, Ditutup),
        (TindakLanjut, DitutupDirujuk),
        (Ditutup, Aktif),
        (DitutupDirujuk, Aktif),
    ];
    for from in CaseStatus::ALL {
        for to in CaseStatus::ALL {
            assert_eq!(
                from.can_move_to(*to),
                allowed.contains(&(*from, *to)),
                "{from} -> {to}"
            );
        }
    }
}

#[test]
fn codes_round_trip_and_refuse_unknown() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()), Ok(*c));
    }
    assert_eq!(Category::parse("narkoba"), Err("err-invalid-choice"));
    assert_eq!(ReportStatus::parse(""), Err("err-required"));
}

#[test]
fn priority_explains_every_point() {
    let w = PriorityWeights::default();
    let ind = [
        "proses_perekrutan",
        "cara_penipuan",
        "cara_jeratan_utang",
        "tujuan_eksploitasi",
        "ilo_penahanan_dokumen",
    ];
    let p = priority(
        &w,
        &PriorityInput {
            category: Some(Category::Korban),
            indicators: &ind,
            minor: false,
            departure_soon: false,
            recruiter_known: true,
            linked_reports: 2,
        },
    );
    let codes: Vec<(&str, i64)> = p
        .reasons
        .iter()
        .map(|r| (r.code.as_str(), r.weight))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("category_korban", 40),
            ("recruiter_known", 10),
            ("all_elements", 20),
            ("means", 10),
            ("ilo", 3),
            ("linked", 10),
        ]
    );
    // 93: the sum of the reasons.
    assert_eq!(p.score, 93);
    assert_eq!(Priority::level(p.score), "tinggi");
    assert_eq!(Priority::decode_reasons(&p.encode_reasons()), p.reasons);
}

#[test]
fn priority_is_capped_and_linked_counts_are_bounded() {
    let w = PriorityWeights::default();
    let all: Vec<&str> = INDICATORS.iter().map(|(c, _)| *c).collect();
    let p = priority(
        &w,
        &PriorityInput {
            category: Some(Category::Korban),
            indicators: &all,
            minor: true,
            departure_soon: true,
            recruiter_known: true,
            linked_reports: 50,
        },
    );
    assert_eq!(p.score, 100);
    let linked = p.reasons.iter().find(|r| r.code == "linked").unwrap();
    assert_eq!(linked.weight, w.linked_max * w.per_linked);
    let low = priority(
        &w,
        &PriorityInput {
            category: Some(Category::Iklan),
            ..Default::default()
        },
    );
    assert_eq!(low.score, 10);
    assert_eq!(Priority::level(low.score), "rendah");
    // Capped at 100 with or without its links: the linked part is what the links added.
    assert_eq!(p.without_links().score, 100);
    assert_eq!(p.linked_part(), 0);
}

#[test]
fn a_village_sees_the_priority_without_its_links() {
    let w = PriorityWeights::default();
    let p = priority(
        &w,
        &PriorityInput {
            category: Some(Category::Rekrutmen),
            linked_reports: 3,
            ..Default::default()
        },
    );
    let seen = p.without_links();
    assert!(seen.reasons.iter().all(|r| r.code != "linked"));
    assert_eq!(seen.score, w.category_rekrutmen);
    assert_eq!(p.linked_part(), 3 * w.per_linked);
    assert_eq!(seen.score + p.linked_part(), p.score);
}

#[test]
fn configured_weights_change_the_score() {
    let w = PriorityWeights {
        category_iklan: 45,
        ..Default::default()
    };
    let p = priority(
        &w,
        &PriorityInput {
            category: Some(Category::Iklan),
            ..Default::default()
        },
    );
    assert_eq!(p.score, 45);
}

#[test]
fn indicators_are_cleaned() {
    assert_eq!(
        clean_indicators(["ilo_isolasi", "bogus", "proses_perekrutan", "ilo_isolasi"]),
        vec!["proses_perekrutan", "ilo_isolasi"]
    );
}

#[test]
fn tracking_codes_round_trip_and_forgive_typing() {
    let c = tracking_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 200]);
    assert_eq!(c.len(), 14);
    assert_eq!(parse_tracking_code(&c), Ok(c.clone()));
    assert_eq!(
        parse_tracking_code(&c.to_lowercase().replace('-', " ")),
        Ok(c.clone())
    );
    assert_eq!(
        parse_tracking_code("LP-23456-789AB"),
        Ok("LP-23456-789AB".into())
    );
    // O for Q-like zero and I/L for J are folded; a short code is refused.
    assert_eq!(
        parse_tracking_code("lp 23456 789"),
        Err("err-tracking-code")
    );
    assert_eq!(parse_tracking_code(""), Err("err-required"));
    assert_eq!(parse_tracking_code("<script>"), Err("err-tracking-code"));
}

#[test]
fn name_keys_fold_indonesian_variants() {
    assert_eq!(name_key("Moch. Soekarno"), name_key("Muhammad Sukarno"));
    assert_eq!(
        name_key("M. Djoko Santoso"),
        name_key("Muhamad Joko Santoso")
    );
    assert_eq!(name_key("Hj. Siti Aminah, S.Pd."), "aminah siti");
    assert_eq!(name_key("Budi bin Slamet"), name_key("Slamet Budi"));
    assert_eq!(name_key("Tjahjo Noor"), "cahjo nur");
    assert_eq!(name_key("St. Aminah"), name_key("Siti Aminah"));
    assert_eq!(name_key("   "), "");
    assert!(!name_key_links(&name_key("Siti")));
    assert!(name_key_links(&name_key("Siti Aminah")));
}

#[test]
fn name_key_is_idempotent() {
    for n in [
        "Moch. Soekarno",
        "Hj. Siti Aminah, S.Pd.",
        "Nyoman Djaja",
        "M Ali",
    ] {
        let k = name_key(n);
        assert_eq!(name_key(&k), k, "{n}");
    }
}
