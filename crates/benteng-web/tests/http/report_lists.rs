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
