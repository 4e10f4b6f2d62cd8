//! The officer's report lists read their area one kabupaten/kota at a time on PostgreSQL and
//! merge the parts (`benteng_db::reports::Repo::list_reports`). Whatever the backend, paging through them must give
//! exactly what the province-wide list of the kanwil gives for the same kabupaten/kota, in
//! the same order, every report once.

use crate::harness::*;
use benteng_domain::Scope;
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;

/// Every item of a list, page after page, as the API returns it.
async fn all_pages(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1..=100 {
        let (status, v) = app
            .api(
                token,
                Method::GET,
                &format!("/api/v1/reports?{query}&page={page}"),
                None,
            )
            .await;
        assert!(status.is_success(), "{query} page {page}: {status} {v}");
        let rows = v["items"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            assert_eq!(
                v["total"].as_u64(),
                Some(items.len() as u64),
                "{query}: the count matches the rows paged through"
            );
            return items;
        }
        items.extend(rows);
    }
    panic!("{query}: more than 100 pages");
}

fn kab(item: &Value) -> String {
    let code = item["region_code"].as_str().unwrap_or_default();
    code.get(..5).unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_officers_lists_page_through_their_area_in_order() {
    let app = crate::reports_api::spawn_roomy().await;
    // Villages of Kota Malang and Kota Batu too, so the officer's area has reports in three
    // kabupaten/kota (the generator places reports in the villages that are loaded).
    let (rows, bad) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.starts_with("35.73.") || c.starts_with("35.79.")
    });
    assert!(bad.is_empty());
    app.db.regions().load_regions(&rows).await.unwrap();
    benteng_fixtures::generate::generate_reports(&app.db, 500, 11)
        .await
        .unwrap();

    let uid = app
        .db
        .users()
        .user_id_by_name("pimpasa.malang")
        .await
        .unwrap()
        .unwrap();
    let (actor, _) = app.db.users().actor(uid).await.unwrap().unwrap();
    let area: HashSet<String> = match &actor.scope {
        Scope::Regencies(list) => list.iter().map(|c| c.as_str().to_string()).collect(),
        other => panic!("the demo officer has an area of kabupaten/kota, not {other:?}"),
    };
    let officer = app.token("pimpasa.malang").await;
    let kanwil = app.token("kanwil.jatim").await;
    for (query, key) in [
        ("status=semua", &["created_at", "id"][..]),
        ("status=terbuka", &["priority", "created_at", "id"][..]),
    ] {
        let mine = all_pages(&app, &officer, query).await;
        let kabs: HashSet<String> = mine.iter().map(kab).collect();
        assert!(
            kabs.len() >= 3 && kabs.is_subset(&area),
            "{query}: reports from several kabupaten/kota of the area, got {kabs:?}"
        );
        // No report twice, newest (or most urgent) first across every page.
        let ids: HashSet<i64> = mine.iter().filter_map(|r| r["id"].as_i64()).collect();
        assert_eq!(ids.len(), mine.len(), "{query}: a report on two pages");
        for w in mine.windows(2) {
            let a: Vec<i64> = key.iter().filter_map(|k| w[0][k].as_i64()).collect();
            let b: Vec<i64> = key.iter().filter_map(|k| w[1][k].as_i64()).collect();
            assert_eq!(a.len(), key.len(), "{query}: {key:?} in every row");
            assert!(a > b, "{query}: {a:?} before {b:?}");
        }
        // The kanwil's list of the whole province, cut to the same kabupaten/kota, is the
        // same list: nothing of the area left out, nothing from outside it.
        let province = all_pages(&app, &kanwil, query).await;
        let reference: Vec<i64> = province
            .iter()
            .filter(|r| area.contains(&kab(r)))
            .filter_map(|r| r["id"].as_i64())
            .collect();
        let got: Vec<i64> = mine.iter().filter_map(|r| r["id"].as_i64()).collect();
        assert_eq!(got, reference, "{query}");
        assert!(
            province.len() > mine.len(),
            "{query}: the province has reports outside the officer's area"
        );
    }
}

/// Ids of every report a word search lists, page after page.
async fn search_ids(app: &TestApp, token: &str, words: &str) -> Vec<i64> {
    all_pages(app, token, &format!("status=semua&q={words}"))
        .await
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect()
}

/// A word search lists every match in scope once, newest first, whichever way the database
/// finds them: on PostgreSQL from the word table (`report_words`, migration 0039) merged over
/// the forms of a beginning, or from the GIN index when a beginning has too many forms; on
/// SQLite from FTS5. On PostgreSQL the word table also stays equal to the reports' words
/// through every write that changes them.
#[tokio::test]
async fn word_searches_list_every_match_once_newest_first() {
    let app = crate::reports_api::spawn_roomy().await;
    benteng_fixtures::generate::generate_reports(&app.db, 300, 5)
        .await
        .unwrap();
    let officer = app.token("pimpasa.malang").await;
    let kanwil = app.token("kanwil.jatim").await;
    let report = |description: String| {
        serde_json::json!({
            "category": "rekrutmen",
            "description": description,
            "region_code": "35.07.04.2007",
        })
    };
    let mut post = Vec::new();
    // Two forms of one beginning in one report; one form alone; neither.
    for text in [
        "Calo menahan paspor dan paspornya korban di Sitiarjo",
        "Pasporan palsu ditawarkan calo",
        "Tawaran kerja tanpa dokumen",
    ] {
        let (s, v) = app
            .api(
                &officer,
                Method::POST,
                "/api/v1/reports",
                Some(report(text.into())),
            )
            .await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{v}");
        post.push(v["id"].as_i64().unwrap());
    }
    // A beginning with 40 forms, more than the word table merges.
    let mut many = Vec::new();
    for i in 0..40 {
        let (s, v) = app
            .api(
                &officer,
                Method::POST,
                "/api/v1/reports",
                Some(report(format!("Agen zqform{i:02}x menjanjikan kerja"))),
            )
            .await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{v}");
        many.push(v["id"].as_i64().unwrap());
    }

    let found = search_ids(&app, &officer, "paspor").await;
    let mut newest_first = found.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(found, newest_first, "newest first, every report once");
    assert_eq!(found.iter().filter(|&&id| id == post[0]).count(), 1);
    assert!(found.contains(&post[1]), "a form of the beginning alone");
    assert!(!found.contains(&post[2]));
    assert!(
        found.len() > 2,
        "the generator's reports that mention a passport"
    );
    // The kanwil's search of the province, cut to the officer's reports: the same list.
    let province = search_ids(&app, &kanwil, "paspor").await;
    let province_ids: HashSet<i64> = province.iter().copied().collect();
    assert!(found.iter().all(|id| province_ids.contains(id)));
    // Two words: both must match.
    assert_eq!(
        search_ids(&app, &officer, "paspornya+sitiarjo").await,
        vec![post[0]]
    );
    // Forty forms: all of them, newest first.
    let mut expected = many.clone();
    expected.reverse();
    assert_eq!(search_ids(&app, &officer, "zqform").await, expected);
    assert_eq!(search_ids(&app, &officer, "zqform07").await, vec![many[7]]);
    // A beginning no report has.
    assert!(search_ids(&app, &officer, "zqxyzzy").await.is_empty());

    // New information makes a report findable by its words, at once.
    let (s, v) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{}/info", post[2]),
            Some(serde_json::json!({"body": "Korban diberangkatkan lewat Qwertyport"})),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::NO_CONTENT, "{v}");
    assert_eq!(search_ids(&app, &officer, "qwertyp").await, vec![post[2]]);

    if app.db.backend == benteng_db::Backend::Postgres {
        // The word table holds exactly the words of 3 letters or more of every report.
        for (label, sql) in [
            (
                "a row for a word the report does not have",
                "SELECT COUNT(*) FROM (SELECT word, report_id FROM report_words EXCEPT \
                 SELECT w, r.id FROM reports r, unnest(tsvector_to_array(r.search_tsv)) w \
                 WHERE char_length(w) >= 3) x",
            ),
            (
                "a word of a report missing from the table",
                "SELECT COUNT(*) FROM (SELECT w, r.id FROM reports r, \
                 unnest(tsvector_to_array(r.search_tsv)) w WHERE char_length(w) >= 3 EXCEPT \
                 SELECT word, report_id FROM report_words) x",
            ),
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(app.db.fixtures_pool())
                .await
                .unwrap();
            assert_eq!(n, 0, "{label}");
        }
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_words")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
        assert!(rows > 300 * 5, "the generator's reports are in it: {rows}");
        // No JIT on the app's sessions: it compiled longer than a word search ran.
        let jit: String = sqlx::query_scalar("SELECT current_setting('jit')")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
        assert_eq!(jit, "off");
    }
}
