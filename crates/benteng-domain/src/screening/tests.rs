//! Golden tests: one per matching rule, each against a small watchlist of look-alikes.

use super::*;
use proptest::prelude::*;
use time::macros::date;

fn entry(id: &str, names: &[&str]) -> WatchEntry {
    WatchEntry {
        id: id.into(),
        names: names.iter().map(|s| s.to_string()).collect(),
        ..WatchEntry::default()
    }
}

/// A watchlist where every target has namesakes and near namesakes around it.
fn watchlist() -> Vec<WatchEntry> {
    let mut v = vec![
        entry("sukarno", &["Sukarno Wiryo"]),
        entry("budi", &["Budi Santoso"]),
        entry("budi2", &["Budi Susanto"]),
        entry("ali", &["Muhammad Ali Imron"]),
        entry("nur", &["Nur Hayati Lestari"]),
        entry("dedi", &["Dedi Setiawan"]),
        entry("sugi", &["Sugiarto Wibowo"]),
        entry("siti-nj", &["Siti Nurjanah binti Abdul Rahman"]),
        entry("ahmad", &["Ahmad bin Yusuf Hasibuan"]),
        entry("lek", &["Maria Lekatompessy"]),
        entry("alias", &["Yohanes Bria", "Anis Bria"]),
        entry("widjaja", &["Tjahjo Widjaja"]),
    ];
    for (i, n) in [
        "Siti Aminah",
        "Siti Rahayu",
        "Siti Lestari",
        "Budi Hartono",
        "Muhammad Rizki",
        "Dewi Lestari",
        "Sri Wahyuni",
        "Agus Santoso",
        "Nur Aini",
        "Hayati Rahman",
    ]
    .iter()
    .enumerate()
    {
        for k in 0..5 {
            v.push(entry(&format!("f{i}-{k}"), &[n]));
        }
    }
    v
}

/// Search a name only.
fn by_name(ix: &Index, name: &str, top: usize) -> Vec<Hit> {
    ix.search(
        &Query {
            name: name.into(),
            ..Query::default()
        },
        top,
    )
}

fn top(ix: &Index, name: &str) -> Hit {
    by_name(ix, name, 5).into_iter().next().expect("a hit")
}

#[test]
fn every_name_rule_finds_its_person() {
    let ix = Index::build(watchlist());
    for (query, id, code) in [
        ("Soekarno Wirjo", "sukarno", "name:spelling"),
        ("Santoso Budi", "budi", "name:reordered"),
        ("H. Budi Santoso, S.Pd.", "budi", "name:exact"),
        ("Moh. Ali Imron", "ali", "name:abbreviation"),
        ("M Ali Imron", "ali", "name:abbreviation"),
        ("Budi S.", "budi", "name:initial"),
        ("Nurhayati Lestari", "nur", "name:split_join"),
        ("Dedy Setyawan", "dedi", "name:phonetic"),
        ("Sugiatro Wibowo", "sugi", "name:typo"),
        ("Sugiarto Wibowa", "sugi", "name:typo"),
        ("Sugiaarto Wibowo", "sugi", "name:phonetic"),
        ("Sugiatro Wibowoo", "sugi", "name:typo"),
        (
            "SITI NURJANAH BINTI ABDUL RAHM",
            "siti-nj",
            "name:truncated",
        ),
        ("Siti Nurjanah", "siti-nj", "name:exact"),
        ("Ahmad Yusuf Hasibuan", "ahmad", "name:exact"),
        ("Anis Bria", "alias", "name:exact"),
        ("Tjahjo Widjaya", "widjaja", "name:phonetic"),
    ] {
        let h = top(&ix, query);
        assert_eq!(h.id, id, "{query}: {:?}", h);
        assert!(h.codes().contains(code), "{query}: {}", h.codes());
        assert!(h.score >= 75, "{query}: {}", h.score);
    }
}

#[test]
fn rare_words_count_more_than_common_ones() {
    let ix = Index::build(watchlist());
    // "Siti" is everywhere, "Lekatompessy" once: the rare surname wins.
    assert_eq!(top(&ix, "Siti Lekatompessy").id, "lek");
    let hits = by_name(&ix, "Siti Aminah", 10);
    assert_eq!(hits[0].score, 100);
    // A common name alone never alerts.
    assert!(hits.iter().all(|h| !h.alert));
    assert!(hits[0].codes().contains("name:common"));
}

#[test]
fn identifiers_and_dates_alert() {
    let mut list = watchlist();
    list.push(WatchEntry {
        id: "calo".into(),
        names: vec!["Siti Aminah".into()],
        birth_date: Some(date!(1990 - 08 - 12)),
        nik: Some("3507115208900001".into()),
        phones: vec!["0812-3456-7890".into()],
    });
    let ix = Index::build(list);
    let q = |name: &str, dob, nik: Option<&str>, phone: Option<&str>| Query {
        name: name.into(),
        birth_date: dob,
        nik: nik.map(Into::into),
        phones: phone.into_iter().map(Into::into).collect(),
        sex: None,
    };
    let first = |q: Query| ix.search(&q, 3).into_iter().next().unwrap();

    let h = first(q("Siti Aminah", Some(date!(1990 - 08 - 12)), None, None));
    assert_eq!((h.id.as_str(), h.alert), ("calo", true));
    assert!(h.codes().contains("dob:exact"));

    let h = first(q("Siti Aminah", Some(date!(1990 - 12 - 08)), None, None));
    assert_eq!((h.id.as_str(), h.alert), ("calo", true), "{h:?}");
    assert!(h.codes().contains("dob:swapped"));

    // A namesake born another day: ranked, but no alert.
    let h = first(q("Siti Aminah", Some(date!(1975 - 03 - 02)), None, None));
    assert!(!h.alert, "{h:?}");

    // Any name, the same NIK; one digit off; two digits swapped.
    let h = first(q("Rina", None, Some("3507115208900001"), None));
    assert_eq!((h.id.as_str(), h.alert), ("calo", true));
    assert!(h.codes().contains("nik:exact"));
    let h = first(q("Siti Aminah", None, Some("3507115208900007"), None));
    assert_eq!((h.id.as_str(), h.alert), ("calo", true));
    assert!(h.codes().contains("nik:typo1"), "{}", h.codes());
    let h = first(q("Siti Aminah", None, Some("3507115208909001"), None));
    assert!(h.codes().contains("nik:typo1"), "{}", h.codes());
    let h = first(q("Siti Aminah", None, Some("3507115208900010"), None));
    assert!(h.codes().contains("nik:transposed"), "{}", h.codes());

    // The phone in another local form.
    let h = first(q("Pak Joko", None, None, Some("+62 812 3456 7890")));
    assert_eq!((h.id.as_str(), h.alert), ("calo", true));
    assert!(h.codes().contains("phone:exact"));

    // The query NIK's date against the entry's birth date; a man's NIK against hers.
    let hits = ix.search(&q("Siti Aminah", None, Some("3507111208900002"), None), 10);
    let h = hits.iter().find(|h| h.id == "calo").unwrap();
    assert!(
        h.score < hits[0].score,
        "contradictions rank it below namesakes"
    );
    assert!(h.codes().contains("nik_dob:exact"), "{}", h.codes());
    assert!(h.codes().contains("sex:mismatch"), "{}", h.codes());
    assert!(h.codes().contains("nik:mismatch"), "{}", h.codes());
    assert!(!h.alert);
}

/// A list where the person's own name is common and the other words are rare.
fn crowd(extra: &[(&str, &str)]) -> Index {
    let mut v: Vec<WatchEntry> = extra.iter().map(|(id, n)| entry(id, &[n])).collect();
    for k in 0..300 {
        v.push(entry(&format!("budi-{k}"), &["Budi"]));
        v.push(entry(&format!("sri-{k}"), &["Sri"]));
    }
    Index::build(v)
}

#[test]
fn an_initial_prefers_names_with_that_initial() {
    // Hundreds of plain "Budi": "Budi T." is one of the few with a word in T.
    let ix = crowd(&[("bt", "Budi Tambunan"), ("bs", "Budi Santoso")]);
    let hits = by_name(&ix, "Budi T.", 5);
    assert_eq!(hits[0].id, "bt", "{hits:?}");
    assert!(hits[0].codes().contains("name:initial"));
    // The initial says one letter: it does not make the name rare enough to alert alone.
    assert!(!hits[0].alert);
    assert!(hits.iter().all(|h| h.id != "bs"), "S is not T: {hits:?}");
}

#[test]
fn a_fathers_name_is_not_the_persons_name() {
    // "Sri binti Sarito" is a Sri; the man called Sarito is her father's namesake.
    let ix = crowd(&[("sarito", "Sarito"), ("sri-s", "Sri Sarito")]);
    let hits = by_name(&ix, "Sri binti Sarito", 10);
    let pos = |id: &str| hits.iter().position(|h| h.id == id);
    // A Sri is found although Sarito is the rare word; the father as surname ranks first,
    // plain Sri next, the man called Sarito last.
    assert_eq!(pos("sri-s"), Some(0), "{hits:?}");
    assert!(hits.iter().any(|h| h.id.starts_with("sri-")), "{hits:?}");
    assert!(pos("sarito").is_none_or(|p| p > 1), "{hits:?}");
}

#[test]
fn many_namesakes_of_the_father_do_not_crowd_out_the_person() {
    // More men called Sarito than the shortlist holds, and Sarito rarer than Sri: the
    // father's name must not fill the candidates.
    let mut v: Vec<WatchEntry> = (0..200)
        .map(|k| entry(&format!("sarito-{k}"), &["Sarito"]))
        .collect();
    v.extend((0..300).map(|k| entry(&format!("sri-{k}"), &["Sri"])));
    let ix = Index::build(v);
    let hits = by_name(&ix, "Sri binti Sarito", 5);
    assert!(hits[0].id.starts_with("sri-"), "{hits:?}");
}

#[test]
fn a_four_letter_word_with_a_letter_left_out() {
    let ix = crowd(&[("rauf", "Ahmad Rauf"), ("ahmad", "Ahmad")]);
    let h = top(&ix, "Ahmad Raf");
    assert_eq!(h.id, "rauf", "{h:?}");
    assert!(h.codes().contains("name:typo"), "{}", h.codes());
}

#[test]
fn joined_and_split_words_are_found_by_their_writing() {
    // A silent h inside the joined word changes its phonetic key ("kaginahkurniawan").
    let ix = crowd(&[("kk", "Kaginah Kurniawan"), ("tw", "Tuwiyati")]);
    assert_eq!(top(&ix, "Kaginahkurniawan").id, "kk");
    assert_eq!(top(&ix, "Tuwi Yati").id, "tw");
    // A Balinese name as one word, its one- or two-letter I or Ni included.
    let ix = crowd(&[
        ("ns", "I Nyoman Setiawan"),
        ("ks", "Ni Komang Sulastri"),
        ("kw", "Drs. I Kadek Wagiman, M.Si."),
    ]);
    assert_eq!(top(&ix, "Inyomansetiawan").id, "ns");
    assert_eq!(top(&ix, "Nikomangsulastri").id, "ks");
    assert_eq!(
        top(&ix, "Ikadekwagiman").id,
        "kw",
        "{:?}",
        by_name(&ix, "Ikadekwagiman", 3)
    );
}

#[test]
fn a_cut_word_finds_its_completions_beside_common_words() {
    // "SRI SUMA" on a passport line: "Sri" is everywhere, the cut word is no key of its own.
    let mut extra = vec![("sumarni", "Sri Sumarni".to_string())];
    let fillers: Vec<(String, String)> = (0..30)
        .map(|k| {
            (
                format!("x{k}"),
                format!("Sri Sumar{}", ["di", "to", "yo"][k % 3]),
            )
        })
        .collect();
    extra.extend(fillers.iter().map(|(a, b)| (a.as_str(), b.clone())));
    let pairs: Vec<(&str, &str)> = extra.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let ix = crowd(&pairs);
    let hits = by_name(&ix, "SRI SUMARN", 3);
    assert_eq!(hits[0].id, "sumarni", "{hits:?}");
    assert!(hits[0].codes().contains("name:truncated"));
}

#[test]
fn a_name_alone_shows_a_few_of_each_name() {
    let mut v: Vec<WatchEntry> = (0..20)
        .map(|k| entry(&format!("bs-{k}"), &["Budi Santoso"]))
        .collect();
    v.push(entry("bsa", &["Budi Santosa"]));
    v.push(entry("bsu", &["Budi Susanto Wibowo"]));
    let ix = Index::build(v);
    let mut q = Query {
        name: "Budi Santoso".into(),
        ..Query::default()
    };
    // Twenty namesakes would fill the list; the two other names get their places, and
    // namesakes fill the rest only because no other name is left.
    let hits = ix.search(&q, 10);
    assert!(hits.iter().any(|h| h.id == "bsa"), "{hits:?}");
    assert!(hits.iter().any(|h| h.id == "bsu"), "{hits:?}");
    let same = hits.iter().filter(|h| h.id.starts_with("bs-")).count();
    assert_eq!(same, 8, "{hits:?}");
    // Best first all the same.
    assert!(
        hits.windows(2).all(|w| w[0].score >= w[1].score),
        "{hits:?}"
    );
    assert_eq!(hits[0].score, 100);
    // The page says how many more of that name there are.
    assert_eq!(ix.search_all(&q, 10).same_name_hidden, 12);
    // With a birth date the namesakes are ranked by it, not thinned out.
    q.birth_date = Some(date!(1990 - 01 - 01));
    let hits = ix.search(&q, 10);
    assert_eq!(hits.iter().filter(|h| h.id.starts_with("bs-")).count(), 10);
}

/// The listed person with a birth date among 600 look-alikes and namesakes without one.
fn dated(name: &str, dob: Date) -> Index {
    let mut v = vec![WatchEntry {
        id: "target".into(),
        names: vec![name.into()],
        birth_date: Some(dob),
        ..WatchEntry::default()
    }];
    for (k, n) in [
        "Siti Aminah",
        "Slamet Riyadi",
        "Rudi Santoso",
        "Sri Wahyuni",
        "Muhammad Darto",
        "Hartini",
    ]
    .iter()
    .cycle()
    .take(600)
    .enumerate()
    {
        v.push(WatchEntry {
            id: format!("x{k}"),
            names: vec![n.to_string()],
            birth_date: Some(dob - time::Duration::days(400 + k as i64)),
            ..WatchEntry::default()
        });
    }
    Index::build(v)
}

#[test]
fn an_agreeing_birth_date_alerts_through_the_ways_names_are_written() {
    // The kinds of names the held-out data missed with the same birth date: old spelling
    // with a typo, title and degree, an initial for either name, doubled or swapped letters
    // in a single word, the whole name written as one word.
    let dob = date!(1988 - 04 - 17);
    for (listed, query) in [
        ("Cahyono Wijaya", "Tjahjomo Widjaja"),
        ("Suyatno Kusumo", "Soejatno Kusuma"),
        ("Rukmini Susanti", "dr. Hj. Rukmini Susanti, S.Pd."),
        ("Wagiman Prasetyo", "H. Wagiman Prasetyo S.Kom"),
        ("Rudi Hartono", "R. Hartono"),
        ("Slamet Widodo", "Slamet W."),
        ("Rukminah", "Rukmiinah"),
        ("Sutrisno", "Sutrsino"),
        ("Siti Nur Halimah", "Sitinurhalimah"),
    ] {
        let ix = dated(listed, dob);
        let q = Query {
            name: query.into(),
            birth_date: Some(dob),
            ..Query::default()
        };
        let hits = ix.search(&q, 5);
        assert_eq!(hits[0].id, "target", "{query} for {listed}: {hits:?}");
        assert!(hits[0].alert, "{query} for {listed}: {:?}", hits[0]);
        // One digit of the day slipped: still the listed person for a rare name.
        let q = Query {
            birth_date: Some(date!(1988 - 04 - 07)),
            ..q
        };
        let hits = ix.search(&q, 5);
        assert_eq!(hits[0].id, "target", "{query}: {hits:?}");
        assert!(
            hits[0].codes().contains("dob:one_digit"),
            "{query}: {:?}",
            hits[0]
        );
    }
}

#[test]
fn how_rare_the_name_is_decides_what_a_date_is_worth() {
    // Four hundred women called Siti Aminah without a birth date and one with it: the exact
    // date alerts, a careless one does not (one of 400 sharing a date a slip reaches is no
    // longer rare); a rare name alerts on the careless date too.
    let dob = date!(1990 - 08 - 12);
    let mut v: Vec<WatchEntry> = (0..400)
        .map(|k| entry(&format!("sa-{k}"), &["Siti Aminah"]))
        .collect();
    v.extend(
        (0..2000).map(|k| entry(&format!("o-{k}"), &[["Budi", "Sri", "Agus", "Dewi"][k % 4]])),
    );
    v.push(WatchEntry {
        id: "sa".into(),
        names: vec!["Siti Aminah".into()],
        birth_date: Some(dob),
        ..WatchEntry::default()
    });
    v.push(WatchEntry {
        id: "lk".into(),
        names: vec!["Maria Lekatompessy".into()],
        birth_date: Some(dob),
        ..WatchEntry::default()
    });
    let ix = Index::build(v);
    let first = |name: &str, d: Date| {
        ix.search(
            &Query {
                name: name.into(),
                birth_date: Some(d),
                ..Query::default()
            },
            3,
        )
        .remove(0)
    };
    let h = first("Siti Aminah", dob);
    assert_eq!((h.id.as_str(), h.alert), ("sa", true), "{h:?}");
    let h = first("Siti Aminah", date!(1991 - 08 - 12));
    assert_eq!((h.id.as_str(), h.alert), ("sa", false), "{h:?}");
    let h = first("Maria Lekatompessy", date!(1991 - 08 - 12));
    assert_eq!((h.id.as_str(), h.alert), ("lk", true), "{h:?}");
    // A name alone never alerts, however rare.
    let hits = by_name(&ix, "Maria Lekatompessy", 3);
    assert_eq!((hits[0].id.as_str(), hits[0].alert), ("lk", false));
}

#[test]
fn a_shared_common_first_name_alone_is_no_hit() {
    let mut v = watchlist();
    v.push(entry("darto", &["Muhammad Darto"]));
    v.push(entry("moch", &["Moch. Darto"]));
    v.push(entry("siti-w", &["Siti Wulandari"]));
    let ix = Index::build(v);
    let s = ix.search_all(
        &Query {
            name: "Muhammad Yusuf".into(),
            birth_date: Some(date!(1985 - 02 - 03)),
            ..Query::default()
        },
        10,
    );
    assert!(
        s.hits.iter().all(|h| h.id != "darto" && h.id != "moch"),
        "{:?}",
        s.hits
    );
    assert!(s.common_only >= 2, "{s:?}");
    let s = ix.search_all(
        &Query {
            name: "Siti Rukayah".into(),
            ..Query::default()
        },
        10,
    );
    assert!(
        s.hits.iter().all(|h| !h.id.starts_with("siti")),
        "{:?}",
        s.hits
    );
    // The same name is still a hit, and a NIK links whatever the name.
    assert_eq!(top(&ix, "M. Darto").id, "darto");
    // A common name with nothing else is still searched (one word is ambiguous by nature).
    assert!(by_name(&ix, "Muhammad", 10).iter().any(|h| h.id == "darto"));
}

#[test]
fn reasons_name_the_parts() {
    let ix = Index::build(watchlist());
    let h = top(&ix, "Moch. Soekarno Wirjo");
    let Reason::Name {
        parts,
        query_extra,
        watch_name,
        ..
    } = &h.reasons[0]
    else {
        panic!("name reason first")
    };
    assert_eq!(watch_name, "Sukarno Wiryo");
    assert_eq!(query_extra, &["moch".to_string()]);
    assert_eq!(parts[0].query, "soekarno");
    assert_eq!(parts[0].watch, "sukarno");
    assert_eq!(parts[0].rule, PartRule::Spelling);
    assert!(h.codes().contains("name:partial"));
}

#[test]
fn index_is_shareable_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Index>();
    let ix = std::sync::Arc::new(Index::build(watchlist()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let ix = ix.clone();
            std::thread::spawn(move || top(&ix, "Budi Santoso").id)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "budi");
    }
}

#[test]
fn empty_index_and_empty_query() {
    let ix = Index::build(Vec::new());
    assert!(ix.is_empty());
    assert!(ix.search(&Query::default(), 10).is_empty());
    let ix = Index::build(watchlist());
    assert!(ix.search(&Query::default(), 10).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_name_matches_itself_with_the_top_score(
        parts in proptest::collection::vec(
            "(Siti|Muhammad|Nur|Sri|Budi|Ayu|Joko|Rahman|Lestari|Wati|Hayati|Putu|Made|Soe|tjah|dj|a|o|i)+",
            1..4
        )
    ) {
        let name = parts.join(" ");
        // A name made only of initials ("Dj" is the old spelling of the letter J) is not
        // searched: single letters are never blocking keys (see `Index::blocking_keys`).
        prop_assume!(normalize::normalize(&name).iter().any(|t| t.canon.len() >= 2));
        let mut list = watchlist();
        list.push(entry("me", &[&name]));
        let ix = Index::build(list);
        let hits = ix.search(&Query { name: name.clone(), ..Query::default() }, 50);
        prop_assert!(!hits.is_empty());
        prop_assert_eq!(hits[0].score, 100, "{:?}", hits[0]);
        prop_assert!(hits.iter().any(|h| h.id == "me" && h.score == 100));
    }
}
