//! The home page: what matters to the signed-in role, inside their scope.

use super::{html, Layout};
use crate::ctx::Viewer;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use benteng_app::visits::Visit;
use benteng_domain::{can, Action, Role};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct Link {
    pub href: &'static str,
    pub label: String,
}

/// A tile of the public home page: where it goes, what it is, one line on why.
pub struct Tile {
    pub href: &'static str,
    pub label: String,
    pub hint: String,
}

/// The front door for residents: what they came for, large, in the words they use, and the
/// numbers to call. Reads nothing from the database and writes nothing.
#[derive(Template)]
#[template(path = "public_home.html")]
struct PublicHome {
    l: Layout,
    tiles: Vec<Tile>,
}

async fn public_home(v: &Viewer) -> Result<Response, WebError> {
    let tr = &v.tr;
    let tile = |href, key: &str| Tile {
        href,
        label: tr.t(&format!("public-tile-{key}")),
        hint: tr.t(&format!("public-tile-{key}-hint")),
    };
    let tiles = vec![
        tile("/cek-tawaran", "offer"),
        tile("/cek-p3mi", "p3mi"),
        tile("/panduan", "guide"),
        tile("/kegiatan", "events"),
        tile("/lacak", "track"),
        tile("/hadir", "checkin"),
        tile("/faq", "faq"),
    ];
    html(&PublicHome {
        l: Layout::new(v, "public-home-tab").await?,
        tiles,
    })
}

/// One line of a work queue: what, where and when, with a badge (priority, status).
pub struct QueueItem {
    pub href: Option<String>,
    pub text: String,
    pub meta: String,
    pub badge: Option<(&'static str, String)>,
}

/// A block of the home page: the work of one kind waiting for the user, the most urgent
/// first, with a link to the whole list.
pub struct Queue {
    pub id: &'static str,
    pub title: String,
    pub items: Vec<QueueItem>,
    /// What the list says when there is nothing.
    pub empty: String,
    /// The whole list: (href, "Lihat semua (12)").
    pub more: Option<(String, String)>,
}

/// The Kanwil's offices side by side this month, the figures that lag marked.
pub struct OfficeLine {
    pub id: i64,
    pub href: String,
    pub name: String,
    /// (value, lagging)
    pub cells: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    intro: String,
    counts: Vec<(String, i64)>,
    total: i64,
    visits: Vec<Visit>,
    links: Vec<Link>,
    queues: Vec<Queue>,
    office_columns: Vec<String>,
    offices: Vec<OfficeLine>,
    month: String,
}

fn priority_badge(tr: &benteng_i18n::Tr, score: i64) -> (&'static str, String) {
    let level = benteng_domain::report::Priority::level(score);
    (level, tr.label("priority", level))
}

fn more(href: String, tr: &benteng_i18n::Tr, total: i64, shown: usize) -> Option<(String, String)> {
    (total > shown as i64).then(|| (href, tr.t1("home-see-all", "n", tr.number(&total))))
}

/// The administrator's view of the server's storage: free space on the database's and the
/// uploads' volumes, marked below `disk_warn_mb` (and `/healthz` fails below
/// `disk_min_free_mb`).
fn storage_queue(state: &AppState, tr: &benteng_i18n::Tr) -> Queue {
    let warn = state.config.disk_warn_mb.saturating_mul(1024 * 1024);
    let items = benteng_app::system::disk_free(&state.db, &state.config.upload_dir)
        .into_iter()
        .map(|(volume, free)| {
            let (meta, badge) = match free {
                Some(b) => {
                    let mb = (b / (1024 * 1024)) as i64;
                    let text = tr.t1("home-disk-free", "mb", tr.number(&mb));
                    let badge = (b < warn).then(|| ("warn", tr.t("home-disk-low")));
                    (text, badge)
                }
                None => (tr.t("home-disk-unknown"), None),
            };
            QueueItem {
                href: None,
                text: tr.t(&format!("home-disk-{volume}")),
                meta,
                badge,
            }
        })
        .collect();
    Queue {
        id: "q-storage",
        title: tr.t("home-storage"),
        items,
        empty: String::new(),
        more: None,
    }
}

/// An officer's queues: reports waiting for triage (highest priority first), referrals from
/// the office that are overdue or were declined, the next events, the villages not visited
/// for 90 days.
async fn officer_queues(
    state: &AppState,
    ctx: &benteng_app::Ctx,
    tr: &benteng_i18n::Tr,
) -> Result<Vec<Queue>, WebError> {
    let db = &state.db;
    let mut out = Vec::new();
    if ctx.allows(Action::ReportTriage, None) {
        let q = benteng_app::reports::ReportQuery {
            status: Some("baru".into()),
            ..Default::default()
        };
        let page = benteng_app::reports::list(db, ctx, &q, 5).await?;
        out.push(Queue {
            id: "q-reports",
            title: tr.t1("home-q-reports", "n", tr.number(&page.total)),
            more: more(
                "/laporan?status=baru".into(),
                tr,
                page.total,
                page.items.len(),
            ),
            items: page
                .items
                .iter()
                .map(|r| QueueItem {
                    href: Some(format!("/laporan/{}", r.id)),
                    text: format!("{} · {}", tr.label("category", &r.category), r.village_name),
                    meta: tr.datetime_short(&r.created_at),
                    badge: Some(priority_badge(tr, r.priority)),
                })
                .collect(),
            empty: tr.t("home-q-reports-none"),
        });
    }
    if ctx.allows(Action::ReferralCreate, None) {
        let list = |status: Option<&str>, overdue: bool| benteng_app::referrals::ReferralQuery {
            status: status.map(String::from),
            overdue: overdue.then(|| "1".into()),
            ..Default::default()
        };
        let late = benteng_app::referrals::list(db, ctx, &list(None, true), 5).await?;
        let declined =
            benteng_app::referrals::list(db, ctx, &list(Some("ditolak"), false), 5).await?;
        let mut items: Vec<QueueItem> = late
            .items
            .iter()
            .map(|r| QueueItem {
                href: Some(format!("/rujukan/{}", r.id)),
                text: format!(
                    "{} · {}",
                    r.agency_name,
                    tr.label("referral-purpose", &r.purpose)
                ),
                meta: tr.t1("home-due", "date", tr.date_short(&r.due_date)),
                badge: Some(("tinggi", tr.t("home-overdue"))),
            })
            .collect();
        items.extend(
            declined
                .items
                .iter()
                .take(5usize.saturating_sub(items.len()))
                .map(|r| QueueItem {
                    href: Some(format!("/rujukan/{}", r.id)),
                    text: format!(
                        "{} · {}",
                        r.agency_name,
                        tr.label("referral-purpose", &r.purpose)
                    ),
                    meta: tr.datetime_short(&r.created_at),
                    badge: Some(("sedang", tr.label("referral-status", "ditolak"))),
                }),
        );
        out.push(Queue {
            id: "q-referrals",
            title: tr.t1(
                "home-q-referrals",
                "n",
                tr.number(&(late.total + declined.total)),
            ),
            more: more(
                "/rujukan?overdue=1".into(),
                tr,
                late.total + declined.total,
                items.len(),
            ),
            items,
            empty: tr.t("home-q-referrals-none"),
        });
    }
    out.push(upcoming_events(state, ctx, tr, 3).await?);
    if ctx.allows(Action::VisitView, None) && ctx.actor.role == Role::Petugas {
        let (rows, total) = benteng_app::desa_binaan::unvisited(db, ctx, 90, 5).await?;
        out.push(Queue {
            id: "q-unvisited",
            title: tr.t1("home-q-unvisited", "n", tr.number(&total)),
            more: more("/desa-binaan".into(), tr, total, rows.len()),
            items: rows
                .into_iter()
                .map(|(id, name, last)| QueueItem {
                    href: Some(format!("/desa-binaan/{id}")),
                    text: name,
                    meta: match last {
                        Some(d) => tr.t1("home-last-visit", "date", tr.date_short(&d)),
                        None => tr.t("home-never-visited"),
                    },
                    badge: None,
                })
                .collect(),
            empty: tr.t("home-q-unvisited-none"),
        });
    }
    Ok(out)
}

/// The next events of the user's area (at most `n`).
async fn upcoming_events(
    state: &AppState,
    ctx: &benteng_app::Ctx,
    tr: &benteng_i18n::Tr,
    n: usize,
) -> Result<Queue, WebError> {
    let now = benteng_app::now();
    let page = benteng_app::events::list(&state.db, ctx, None).await?;
    let items: Vec<QueueItem> = page
        .items
        .iter()
        .filter(|e| e.starts_at >= now - 6 * 3600)
        .take(n)
        .map(|e| QueueItem {
            href: Some(format!("/sosialisasi/{}", e.id)),
            text: e.title.clone(),
            meta: format!("{} · {}", tr.zoned(&e.starts_at, &e.zone), e.venue),
            badge: None,
        })
        .collect();
    Ok(Queue {
        id: "q-events",
        title: tr.t("home-q-events"),
        more: Some(("/sosialisasi".into(), tr.t("home-all-events"))),
        items,
        empty: tr.t("home-q-events-none"),
    })
}

/// A partner agency's queues: referrals waiting for its answer, and its overdue ones.
async fn partner_queues(
    state: &AppState,
    ctx: &benteng_app::Ctx,
    tr: &benteng_i18n::Tr,
) -> Result<Vec<Queue>, WebError> {
    let db = &state.db;
    let mut out = Vec::new();
    for (id, status, overdue, title, none, href) in [
        (
            "q-waiting",
            Some("terkirim"),
            false,
            "home-q-waiting",
            "home-q-waiting-none",
            "/rujukan?status=terkirim",
        ),
        (
            "q-late",
            None,
            true,
            "home-q-late",
            "home-q-late-none",
            "/rujukan?overdue=1",
        ),
    ] {
        let q = benteng_app::referrals::ReferralQuery {
            status: status.map(String::from),
            overdue: overdue.then(|| "1".into()),
            ..Default::default()
        };
        let page = benteng_app::referrals::list(db, ctx, &q, 5).await?;
        out.push(Queue {
            id,
            title: tr.t1(title, "n", tr.number(&page.total)),
            more: more(href.into(), tr, page.total, page.items.len()),
            items: page
                .items
                .iter()
                .map(|r| QueueItem {
                    href: Some(format!("/rujukan/{}", r.id)),
                    text: format!(
                        "{} · {}",
                        tr.label("category", &r.category),
                        tr.label("referral-purpose", &r.purpose)
                    ),
                    meta: tr.t1("home-due", "date", tr.date_short(&r.due_date)),
                    badge: overdue.then(|| ("tinggi", tr.t("home-overdue"))),
                })
                .collect(),
            empty: tr.t(none),
        });
    }
    Ok(out)
}

/// A village's queues: its calon PMI by status, its reports and where they are, the next
/// event, the latest alert in its rooms.
async fn village_queues(
    state: &AppState,
    ctx: &benteng_app::Ctx,
    tr: &benteng_i18n::Tr,
) -> Result<Vec<Queue>, WebError> {
    let db = &state.db;
    let mut out = Vec::new();
    let f = benteng_app::migrants::figures(db, ctx).await?;
    out.push(Queue {
        id: "q-migrants",
        title: tr.t1(
            "home-q-migrants",
            "n",
            tr.number(&f.total.by_status.iter().sum()),
        ),
        more: Some(("/calon-pmi".into(), tr.t("home-open-register"))),
        items: benteng_domain::migrant::MigrantStatus::ALL
            .iter()
            .zip(&f.total.by_status)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| QueueItem {
                href: Some(format!("/calon-pmi?status={}", s.as_str())),
                text: tr.label("migrant-status", s.as_str()),
                meta: tr.number(n),
                badge: (*s == benteng_domain::migrant::MigrantStatus::Bermasalah)
                    .then(|| ("tinggi", tr.t("home-needs-attention"))),
            })
            .collect(),
        empty: tr.t("home-q-migrants-none"),
    });
    let page = benteng_app::reports::list(db, ctx, &Default::default(), 5).await?;
    out.push(Queue {
        id: "q-own-reports",
        title: tr.t1("home-q-own-reports", "n", tr.number(&page.total)),
        more: more("/laporan".into(), tr, page.total, page.items.len()),
        items: page
            .items
            .iter()
            .map(|r| QueueItem {
                href: Some(format!("/laporan/{}", r.id)),
                text: format!(
                    "{} · {}",
                    tr.label("category", &r.category),
                    tr.datetime_short(&r.created_at)
                ),
                meta: String::new(),
                badge: Some(("rendah", tr.label("report-status", &r.status))),
            })
            .collect(),
        empty: tr.t("home-q-own-reports-none"),
    });
    out.push(upcoming_events(state, ctx, tr, 1).await?);
    let alerts = benteng_app::rooms::alerts::list(db, ctx, None).await?;
    out.push(Queue {
        id: "q-alert",
        title: tr.t("home-q-alert"),
        more: Some(("/ruang".into(), tr.t("home-open-rooms"))),
        items: alerts
            .items
            .iter()
            .take(1)
            .map(|a| QueueItem {
                href: None,
                text: a.title.clone(),
                meta: format!("{} · {}", a.area_name, tr.datetime_short(&a.created_at)),
                badge: Some(("tinggi", tr.label("severity", &a.severity))),
            })
            .collect(),
        empty: tr.t("home-q-alert-none"),
    });
    Ok(out)
}

/// The Kanwil's offices in `period` (this month on the home page, the chosen period on the
/// dashboard), side by side: a zero in visits or events lags.
pub(crate) async fn office_table(
    state: &AppState,
    ctx: &benteng_app::Ctx,
    tr: &benteng_i18n::Tr,
    period: Option<&benteng_domain::figures::Period>,
) -> Result<(Vec<String>, Vec<OfficeLine>, String), WebError> {
    let month = match period {
        Some(p) => *p,
        None => benteng_domain::figures::Period::month_of(benteng_domain::figures::wib_date(
            benteng_app::now(),
        )),
    };
    let rows = benteng_app::figures::offices(&state.db, ctx, &month).await?;
    let measures = benteng_app::figures::Measure::visible(ctx);
    let columns = std::iter::once(tr.t("fig-col-desa"))
        .chain(measures.iter().map(|m| tr.t(&format!("fig-m-{}", m.key()))))
        .collect();
    let lagging = |m: &benteng_app::figures::Measure, n: i64| {
        use benteng_app::figures::Measure::*;
        n == 0 && matches!(m, Visits | Events | Participants)
    };
    // People measures are one column each for the "< 5" rule, with the province's total
    // (which the dashboard shows) as its last cell, so no office's count follows by
    // subtraction.
    let shown: Vec<Vec<benteng_app::figures::Shown>> = measures
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let mut column: Vec<i64> = rows.iter().map(|o| o.values[k]).collect();
            column.push(column.iter().sum());
            benteng_app::figures::shown_column(
                &column,
                benteng_app::figures::suppresses(ctx)
                    && m.unit() == benteng_app::figures::Unit::People,
            )
        })
        .collect();
    let lines = rows
        .iter()
        .enumerate()
        .map(|(i, o)| OfficeLine {
            id: o.id,
            href: format!("/kantor/{}", o.id),
            name: o.name.clone(),
            cells: std::iter::once((tr.number(&o.desa_binaan), false))
                .chain(measures.iter().enumerate().map(|(k, m)| {
                    let n = o.values[k];
                    let text = match shown[k][i] {
                        benteng_app::figures::Shown::Few => "< 5".to_string(),
                        benteng_app::figures::Shown::Exact(n) => tr.number(&n),
                    };
                    (text, o.desa_binaan > 0 && lagging(m, n))
                }))
                .collect(),
        })
        .collect();
    Ok((columns, lines, tr.period(&month)))
}

async fn home(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    let Some(ctx) = v.ctx.clone() else {
        return public_home(&v).await;
    };
    if v.user.as_ref().is_some_and(|u| u.must_change_password == 1) {
        return Ok(Redirect::to("/akun").into_response());
    }
    if v.user
        .as_ref()
        .is_some_and(|u| benteng_app::account::must_enrol(&state.config.second_factor, u))
    {
        return Ok(Redirect::to(super::ENROL_PATH).into_response());
    }
    let tr = &v.tr;
    // A user whose home has no places today (an office without a working area) sees an
    // explanation instead of a refusal.
    if !ctx.allows(Action::DesaBinaanView, None) {
        let l = Layout::new(&v, "home-title").await?;
        return html(&HomePage {
            l,
            intro: tr.t("scope-nothing"),
            counts: Vec::new(),
            total: 0,
            visits: Vec::new(),
            links: Vec::new(),
            queues: Vec::new(),
            office_columns: Vec::new(),
            offices: Vec::new(),
            month: String::new(),
        });
    }
    let queues = match ctx.actor.role {
        Role::Petugas => officer_queues(&state, &ctx, tr).await?,
        Role::Mitra => partner_queues(&state, &ctx, tr).await?,
        Role::Desa => village_queues(&state, &ctx, tr).await?,
        Role::Kanwil => vec![upcoming_events(&state, &ctx, tr, 3).await?],
        Role::Admin => vec![storage_queue(&state, tr)],
    };
    let (office_columns, offices, month) = if ctx.actor.role == Role::Kanwil {
        office_table(&state, &ctx, tr, None).await?
    } else {
        (Vec::new(), Vec::new(), String::new())
    };
    let counts: Vec<(String, i64)> = benteng_app::desa_binaan::counts(&state.db, &ctx)
        .await?
        .into_iter()
        .map(|(s, n)| (tr.t(&format!("status-{s}")), n))
        .collect();
    let total = counts.iter().map(|c| c.1).sum();
    let visits = benteng_app::visits::recent(&state.db, &ctx, 5).await?;
    let a = &ctx.actor;
    let intro = tr.t(match a.role {
        Role::Admin => "home-intro-admin",
        Role::Kanwil => "home-intro-kanwil",
        Role::Petugas => "home-intro-petugas",
        Role::Mitra => "home-intro-mitra",
        Role::Desa => "home-intro-desa",
    });
    let mut links = Vec::new();
    let mut link = |href: &'static str, key: &str, action: Action| {
        if can(a, action, None) {
            links.push(Link {
                href,
                label: tr.t(key),
            });
        }
    };
    link("/dasbor", "action-view-dashboard", Action::FiguresView);
    link(
        "/desa-binaan/baru",
        "action-enrol",
        Action::DesaBinaanManage,
    );
    link(
        "/desa-binaan",
        "action-view-registry",
        Action::DesaBinaanView,
    );
    link("/pengguna/baru", "action-add-user", Action::UserManage);
    link("/kantor", "action-view-offices", Action::OfficeView);
    link("/audit", "action-view-audit", Action::AuditView);
    let l = Layout::new(&v, "home-title").await?;
    html(&HomePage {
        l,
        intro,
        counts,
        total,
        visits,
        links,
        queues,
        office_columns,
        offices,
        month,
    })
}
