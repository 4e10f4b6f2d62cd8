//! Cek Tawaran Kerja (public, no account, works without JavaScript): a few questions about a job
//! offer, a green/yellow/red verdict with each reason, its legal source and the next step, and
//! one button that turns the check into a report on the public form, already filled in.

use super::{html_status, Layout};
use crate::ctx::Viewer;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::offer::{evaluate, OfferForm};
use benteng_app::p3mi::P3mi;
use benteng_app::reports::ReportInput;
use benteng_domain::offer::{check, Job, Recruiter, Verdict, Visa};
use benteng_domain::rules::{OfferRule, RuleSet};
use benteng_domain::FieldErrors;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cek-tawaran", get(form).post(run))
        .route("/cek-tawaran/laporkan", post(to_report))
        .route("/cek-tawaran/aturan", get(rules_page))
}

/// The outcome shown under the form.
pub struct Outcome {
    pub verdict: Verdict,
    pub rules: Vec<OfferRule>,
    /// The registered company the name matched, if any.
    pub company: Option<P3mi>,
}

#[derive(Template)]
#[template(path = "offer.html")]
struct Page {
    l: Layout,
    f: OfferForm,
    errors: Vec<(String, String)>,
    outcome: Option<Outcome>,
    destinations: Vec<(String, String)>,
    jobs: Vec<(String, String)>,
    visas: Vec<(String, String)>,
    recruiters: Vec<(String, String)>,
}

impl Page {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn training(&self) -> bool {
        self.f.training.is_some()
    }

    /// The answers again, for the "report this offer" button.
    fn hidden(&self) -> Vec<(&'static str, String)> {
        let f = &self.f;
        vec![
            ("company", f.company.clone()),
            ("destination", f.destination.clone()),
            ("job", f.job.clone()),
            ("visa", f.visa.clone()),
            ("fee", f.fee.clone()),
            ("contract", f.contract.clone()),
            ("age", f.age.clone()),
            ("recruiter", f.recruiter.clone()),
        ]
    }
}

fn options<T: Copy + std::fmt::Display>(tr: &Tr, prefix: &str, all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|c| (c.to_string(), tr.t(&format!("{prefix}-{c}"))))
        .collect()
}

async fn page(
    v: &Viewer,
    rules: &RuleSet,
    f: OfferForm,
    errors: &FieldErrors,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tr = &v.tr;
    html_status(
        status,
        &Page {
            l: Layout::new(v, "offer-title").await?,
            errors: errors
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            destinations: super::screening::destinations(tr, rules),
            jobs: options(tr, "offer-job", Job::ALL),
            visas: options(tr, "offer-visa", Visa::ALL),
            recruiters: options(tr, "offer-recruiter", Recruiter::ALL),
            f,
            outcome,
        },
    )
}

async fn form(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    page(
        &v,
        benteng_app::system::rules(&state.db),
        OfferForm::default(),
        &FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn run(
    State(state): State<AppState>,
    v: Viewer,
    Form(f): Form<OfferForm>,
) -> Result<Response, WebError> {
    match evaluate(&state.db, &f).await {
        Ok((answers, company)) => {
            let (verdict, rules) = check(
                &answers,
                benteng_app::system::rules(&state.db),
                benteng_app::today(),
            );
            let outcome = Outcome {
                verdict,
                rules,
                company,
            };
            page(
                &v,
                benteng_app::system::rules(&state.db),
                f,
                &FieldErrors::new(),
                Some(outcome),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            page(
                &v,
                benteng_app::system::rules(&state.db),
                f,
                &e,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The check as the description of a report, in the resident's language.
fn description(tr: &Tr, f: &OfferForm, verdict: Verdict, rules: &[OfferRule]) -> String {
    let mut lines = vec![tr.t("offer-report-intro")];
    let mut add = |key: &str, value: String| {
        if !value.trim().is_empty() {
            lines.push(format!("{}: {}", tr.t(key), value.trim()));
        }
    };
    add("offer-q-company", f.company.clone());
    add(
        "offer-q-destination",
        if f.destination.is_empty() {
            String::new()
        } else {
            tr.t(&format!("country-{}", f.destination.to_lowercase()))
        },
    );
    add(
        "offer-q-job",
        if f.job.is_empty() {
            String::new()
        } else {
            tr.t(&format!("offer-job-{}", f.job))
        },
    );
    add(
        "offer-q-visa",
        if f.visa.is_empty() {
            String::new()
        } else {
            tr.t(&format!("offer-visa-{}", f.visa))
        },
    );
    add("offer-q-fee", f.fee.clone());
    add(
        "offer-q-recruiter",
        if f.recruiter.is_empty() {
            String::new()
        } else {
            tr.t(&format!("offer-recruiter-{}", f.recruiter))
        },
    );
    lines.push(format!(
        "{}: {}",
        tr.t("offer-verdict"),
        tr.t(&format!("offer-verdict-{}", verdict.as_str()))
    ));
    for r in rules {
        lines.push(format!("- {}", tr.t(&format!("offer-rule-{}", r.code))));
    }
    lines.join("\n")
}

/// "Laporkan tawaran ini": the public report form, filled in from the check.
async fn to_report(
    State(state): State<AppState>,
    v: Viewer,
    Form(f): Form<OfferForm>,
) -> Result<Response, WebError> {
    let (verdict, rules) = match evaluate(&state.db, &f).await {
        Ok((answers, _)) => check(
            &answers,
            benteng_app::system::rules(&state.db),
            benteng_app::today(),
        ),
        Err(e) => {
            return page(
                &v,
                benteng_app::system::rules(&state.db),
                f,
                &e,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let input = ReportInput {
        category: "rekrutmen".into(),
        description: description(&v.tr, &f, verdict, &rules),
        destination_country: f.destination.clone(),
        anonymous: Some("1".into()),
        ..Default::default()
    };
    super::reports::prefilled_public_form(&state, &v, input).await
}

/// One line of the rules page: what, how strongly, on which source, from when to when.
pub struct RuleLine {
    pub text: String,
    pub level: &'static str,
    pub legal: String,
    pub from: String,
    pub until: Option<String>,
    pub in_force: bool,
}

#[derive(Template)]
#[template(path = "offer_rules.html")]
struct RulesPage {
    l: Layout,
    lines: Vec<RuleLine>,
}

/// The rule set behind the check, in force or not, with its sources (public): residents and
/// officers can see why the check says what it says.
async fn rules_page(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    let tr = &v.tr;
    let rules = benteng_app::system::rules(&state.db);
    let today = benteng_app::today();
    let date = benteng_domain::values::format_date;
    let line =
        |text: String, level: &'static str, val: &benteng_domain::rules::Validity| RuleLine {
            text,
            level,
            legal: val.legal.clone(),
            from: date(val.effective_from),
            until: val.effective_until.map(date),
            in_force: val.in_force(today),
        };
    let mut lines: Vec<RuleLine> = rules
        .offer
        .iter()
        .map(|r| {
            line(
                tr.t(&format!("offer-rule-{}", r.code)),
                r.level.as_str(),
                &r.validity,
            )
        })
        .collect();
    for m in &rules.moratorium {
        let names: Vec<String> = m
            .codes
            .iter()
            .map(|c| tr.t(&format!("country-{}", c.to_lowercase())))
            .collect();
        lines.push(line(
            tr.t1("rules-moratorium", "countries", names.join(", ")),
            "merah",
            &m.validity,
        ));
    }
    for z in &rules.zero_cost {
        let names: Vec<String> = z
            .codes
            .iter()
            .map(|c| tr.t(&format!("offer-job-{c}")))
            .collect();
        lines.push(line(
            tr.t1("rules-zero-cost", "jobs", names.join(", ")),
            "merah",
            &z.validity,
        ));
    }
    html_status(
        StatusCode::OK,
        &RulesPage {
            l: Layout::new(&v, "rules-title").await?,
            lines,
        },
    )
}
