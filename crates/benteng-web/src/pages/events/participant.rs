//! What participants do on their own phone, without an account: check in with the event's
//! code (`/hadir`), take the pre-test and post-test through their personal link
//! (`/hadir/{code}/kuis/{token}`), and download the speakers' materials. Every page is a plain
//! form; nothing needs JavaScript.

use super::roles;
use crate::ctx::{client_ip, Viewer};
use crate::error::WebError;
use crate::pages::Layout;
use crate::pages::{html_status, parse_id};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benteng_app::events::{self, CheckinInput, EventFile, ParticipantQuiz, PublicEvent, Submitted};
use benteng_domain::FieldErrors;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct StartQuery {
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    l: Layout,
    /// None: the page asks for the code.
    event: Option<PublicEvent>,
    i: CheckinInput,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// Some(true): recorded now; Some(false): was already recorded.
    done: Option<bool>,
    /// After a check-in: the participant's quiz link token.
    token: String,
    materials: Vec<EventFile>,
}

impl CheckinPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn checkin_render(
    v: &Viewer,
    event: Option<PublicEvent>,
    i: CheckinInput,
    e: &FieldErrors,
    done: Option<bool>,
    status: StatusCode,
) -> Result<Response, WebError> {
    checkin_page(v, event, i, e, done, status, String::new(), Vec::new()).await
}

#[allow(clippy::too_many_arguments)]
async fn checkin_page(
    v: &Viewer,
    event: Option<PublicEvent>,
    i: CheckinInput,
    e: &FieldErrors,
    done: Option<bool>,
    status: StatusCode,
    token: String,
    materials: Vec<EventFile>,
) -> Result<Response, WebError> {
    let tr = &v.tr;
    html_status(
        status,
        &CheckinPage {
            l: Layout::new(v, "checkin-title").await?,
            event,
            i,
            roles: roles(tr),
            errors: super::messages(tr, e),
            done,
            token,
            materials,
        },
    )
}

/// `/hadir`: type the code (or arrive with `?kode=`), then on to the event's form.
pub(super) async fn checkin_start(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Query(q): Query<StartQuery>,
) -> Result<Response, WebError> {
    let kode = q.kode.unwrap_or_default();
    if kode.trim().is_empty() {
        return checkin_render(
            &v,
            None,
            CheckinInput::default(),
            &FieldErrors::new(),
            None,
            StatusCode::OK,
        )
        .await;
    }
    let ip = client_ip(&parts, state.config.trust_proxy);
    match lookup(&state, ip.as_deref(), &kode).await? {
        Ok(event) => Ok(Redirect::to(&format!("/hadir/{}", event.code)).into_response()),
        Err((status, e)) => {
            checkin_render(&v, None, CheckinInput::default(), &e, None, status).await
        }
    }
}

/// The event behind a code. Only unknown codes count against the address's look-up allowance
/// (that is what guessing codes looks like); a known code never does, because a whole village
/// may reach the server from one address (the venue's Wi-Fi, a mobile carrier's NAT).
async fn lookup(
    state: &AppState,
    ip: Option<&str>,
    code: &str,
) -> Result<Result<PublicEvent, (StatusCode, FieldErrors)>, WebError> {
    match events::by_code(&state.db, code).await {
        Ok((_, event)) => Ok(Ok(event)),
        Err(err) => {
            let (status, e) = crate::pages::form_errors(err)?;
            if state.public_limiter.check_lookup(ip).await {
                Ok(Err((status, e)))
            } else {
                let mut e = FieldErrors::new();
                e.add("code", "err-rate-limited");
                Ok(Err((StatusCode::TOO_MANY_REQUESTS, e)))
            }
        }
    }
}

/// The cookie a phone keeps after registering ahead for an event: the event's id and what
/// was typed (name, village, sex, role), URL-encoded. Only on `/hadir` pages, for 60 days,
/// HttpOnly; the participant's own details on their own phone, read back only to fill in the
/// check-in form of that same event.
pub const REGISTERED_COOKIE: &str = "benteng_daftar";

pub(super) fn remember_cookie(
    state: &AppState,
    event_id: i64,
    i: &CheckinInput,
) -> Option<axum::http::HeaderValue> {
    let value = serde_urlencoded::to_string([
        ("e", event_id.to_string()),
        ("n", i.name.trim().chars().take(200).collect()),
        ("v", i.village.clone()),
        ("s", i.sex.clone()),
        ("r", i.role.clone()),
    ])
    .ok()?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    axum::http::HeaderValue::from_str(&format!(
        "{REGISTERED_COOKIE}={}; Path=/hadir; Max-Age=5184000; HttpOnly; SameSite=Lax{secure}",
        value.replace(';', "%3B")
    ))
    .ok()
}

/// What this phone typed when registering ahead for `event_id`, if it did.
fn registered_ahead(headers: &axum::http::HeaderMap, event_id: i64) -> Option<CheckinInput> {
    let raw = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == REGISTERED_COOKIE)
        .map(|(_, v)| v.to_string())?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&raw).ok()?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    (get("e").parse::<i64>().ok()? == event_id).then(|| CheckinInput {
        name: get("n"),
        village: get("v"),
        sex: get("s"),
        role: get("r"),
    })
}

pub(super) async fn checkin_form(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts, state.config.trust_proxy);
    match lookup(&state, ip.as_deref(), &code).await? {
        Ok(event) => {
            // Registered ahead on this phone: the form comes filled in.
            let typed = registered_ahead(&parts.headers, event.id).unwrap_or_default();
            checkin_render(
                &v,
                Some(event),
                typed,
                &FieldErrors::new(),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err((status, e)) => {
            let status = if status == StatusCode::TOO_MANY_REQUESTS {
                status
            } else {
                StatusCode::NOT_FOUND
            };
            checkin_render(&v, None, CheckinInput::default(), &e, None, status).await
        }
    }
}

pub(super) async fn checkin(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path(code): Path<String>,
    Form(i): Form<CheckinInput>,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts, state.config.trust_proxy);
    let event = match lookup(&state, ip.as_deref(), &code).await? {
        Ok(e) => e,
        Err((status, e)) => {
            let status = if status == StatusCode::TOO_MANY_REQUESTS {
                status
            } else {
                StatusCode::NOT_FOUND
            };
            return checkin_render(&v, None, i, &e, None, status).await;
        }
    };
    if !state
        .public_limiter
        .check_event(ip.as_deref(), &event.code)
        .await
    {
        let mut e = FieldErrors::new();
        e.add("name", "err-rate-limited");
        return checkin_render(&v, Some(event), i, &e, None, StatusCode::TOO_MANY_REQUESTS).await;
    }
    match events::check_in(&state.db, &code, &i).await {
        Ok(done) => {
            let materials = events::materials(&state.db, &code).await?;
            checkin_page(
                &v,
                Some(event),
                CheckinInput::default(),
                &FieldErrors::new(),
                Some(done.recorded_now),
                StatusCode::OK,
                done.token,
                materials,
            )
            .await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            checkin_render(&v, Some(event), i, &e, None, status).await
        }
    }
}

// ------------------------------------------------------------------ the quiz

#[derive(Template)]
#[template(path = "quiz.html")]
struct QuizPage {
    l: Layout,
    q: ParticipantQuiz,
    code: String,
    token: String,
    /// The choices sent with a refused submission, kept (question position, option index).
    chosen: Vec<(i64, usize)>,
    error: Option<String>,
    /// The test just submitted.
    submitted: Option<Submitted>,
    materials: Vec<EventFile>,
}

impl QuizPage {
    fn is_chosen(&self, position: &i64, option: &usize) -> bool {
        self.chosen.contains(&(*position, *option))
    }

    /// Whether the participant has already done the post-test (nothing more to wait for).
    fn took_post(&self) -> bool {
        self.q.taken.iter().any(|t| t.kind == "post")
    }

    fn kind_label(&self, kind: &str) -> String {
        self.l.tr.t(&format!("quiz-kind-{kind}"))
    }

    fn taken_text(&self, kind: &str, score: &i64, total: &i64) -> String {
        self.l.tr.t(&format!("quiz-kind-{kind}"))
            + ": "
            + &self.l.tr.t2("quiz-score", "score", *score, "total", *total)
    }
}

#[allow(clippy::too_many_arguments)]
async fn quiz_render(
    state: &AppState,
    v: &Viewer,
    code: String,
    token: String,
    chosen: Vec<(i64, usize)>,
    error: Option<&str>,
    submitted: Option<Submitted>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let q = events::participant_quiz(&state.db, &code, &token).await?;
    let materials = events::materials(&state.db, &code).await?;
    let mut l = Layout::new(v, "quiz-title").await?;
    l.title = q.event.title.clone();
    html_status(
        status,
        &QuizPage {
            error: error.map(|e| v.tr.t(e)),
            l,
            q,
            code,
            token,
            chosen,
            submitted,
            materials,
        },
    )
}

pub(super) async fn quiz(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, token)): Path<(String, String)>,
) -> Result<Response, WebError> {
    quiz_render(
        &state,
        &v,
        code,
        token,
        Vec::new(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// A submitted test: `kind` and one `q{position}` per question with the chosen option's
/// index. Every question must be answered; a test is taken once.
pub(super) async fn quiz_submit(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path((code, token)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts, state.config.trust_proxy);
    let key: String = code.chars().take(12).collect();
    if !state.public_limiter.check_event(ip.as_deref(), &key).await {
        return quiz_render(
            &state,
            &v,
            code,
            token,
            Vec::new(),
            Some("err-rate-limited"),
            None,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let kind = fields
        .iter()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let chosen: Vec<(i64, usize)> = fields
        .iter()
        .filter_map(|(k, val)| {
            let pos = k.strip_prefix('q')?.parse::<i64>().ok()?;
            let opt = val.trim().parse::<usize>().ok()?;
            (1..=64).contains(&pos).then_some((pos, opt))
        })
        .collect();
    let questions = chosen.iter().map(|(p, _)| *p).max().unwrap_or(0).max(
        events::participant_quiz(&state.db, &code, &token)
            .await?
            .items
            .len() as i64,
    );
    let choices: Vec<Option<usize>> = (1..=questions)
        .map(|p| chosen.iter().find(|(q, _)| *q == p).map(|(_, o)| *o))
        .collect();
    match events::submit_quiz(&state.db, &code, &token, &kind, &choices).await {
        Ok(s) => {
            quiz_render(
                &state,
                &v,
                code,
                token,
                Vec::new(),
                None,
                Some(s),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            let msg = e.0.first().map(|x| x.code).unwrap_or("err-invalid");
            quiz_render(&state, &v, code, token, chosen, Some(msg), None, status).await
        }
    }
}

/// A speaker's material, for anyone with the event's code.
pub(super) async fn material(
    State(state): State<AppState>,
    Path((code, fid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let fid = parse_id(&fid)?;
    let (name, ct, bytes) = events::download_material(&state.db, &code, fid, &*state.store).await?;
    Ok(crate::pages::file_response(&name, ct, bytes))
}
