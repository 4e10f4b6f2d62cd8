//! A form whose text is not UTF-8 is refused with a clear 400 (issue 23), as the API refuses
//! the same bytes, instead of being stored with replacement characters.

use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_form_that_is_not_utf8_is_refused_and_nothing_is_stored() {
    let app = crate::reports_api::spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (_, page) = app.get(&officer, "/sosialisasi/baru").await;
    let token = csrf_of(&page);
    let body = |title: &str| {
        format!(
            "_csrf={token}&title={title}&date=2026-12-17&time=08%3A30&venue=Balai+Desa&region={SITIARJO}"
        )
    };
    let post = |b: String| {
        officer
            .post(app.url("/sosialisasi"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b)
            .send()
    };
    // Latin-1 "Sosialisasi Desa Caf\xe9": a byte that is not UTF-8.
    let r = post(body("Sosialisasi+Desa+Caf%E9")).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap();
    assert!(text.contains("bukan UTF-8"), "{text}");
    let (_, list) = app.get(&officer, "/sosialisasi").await;
    assert!(!list.contains("Desa Caf"), "nothing was stored");

    // The same title in UTF-8 is taken.
    let r = post(body("Sosialisasi+Desa+Caf%C3%A9")).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.get(&officer, "/sosialisasi").await;
    assert!(list.contains("Sosialisasi Desa Café"), "{list}");
}
