//! Request extractors: who is asking (from the session or an API token), in which language,
//! from which address, with which CSRF token.

use crate::error::{ApiError, WebError};
use crate::i18n::{from_accept_language, Tr};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use benteng_app::account::User;
use benteng_app::Ctx;
use std::net::SocketAddr;
use tower_sessions::Session;

pub const SESSION_USER: &str = "uid";
pub const SESSION_CSRF: &str = "csrf";
pub const SESSION_LANG: &str = "lang";
pub(crate) const SESSION_TOUCHED: &str = "touched";
/// A sign-in whose password was right and whose code is still to come (a half session: no
/// user is signed in until the code is right; see `pages::second_factor::Pending`).
pub const SESSION_PENDING: &str = "pending";
/// When the session's user signed in (unix seconds), the browser's short name and the
/// network, kept beside the session for the account page's list.
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
pub const SESSION_DEVICE: &str = "device";
pub const SESSION_NETWORK: &str = "network";

/// How often a signed-in user's activity pushes the idle expiry forward. Sessions are only
/// written when changed, so without this the idle limit would count from sign-in; touching
/// every five minutes keeps it an idle limit at one write per five minutes per session.
const TOUCH_EVERY_SECS: i64 = 300;

async fn touch(session: &Session) -> Result<(), WebError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let last: Option<i64> = session
        .get(SESSION_TOUCHED)
        .await
        .map_err(WebError::session)?;
    if last.is_none_or(|t| now - t >= TOUCH_EVERY_SECS) {
        session
            .insert(SESSION_TOUCHED, now)
            .await
            .map_err(WebError::session)?;
    }
    Ok(())
}

/// Anyone looking at a page, signed in or not.
pub struct Viewer {
    pub session: Session,
    pub ctx: Option<Ctx>,
    pub user: Option<User>,
    pub tr: Tr,
    pub csrf: String,
    pub path: String,
    /// Unread in-app notifications of the signed-in user (0 otherwise, and on POSTs, which
    /// render no menu worth counting for).
    pub unread: i64,
    /// The user must change the password or enrol a second factor before anything else:
    /// the layout shows no menu.
    pub locked: bool,
    /// Menu items whose page refuses this user although the role's permission allows it
    /// (the calon PMI register for partner agencies other than Disnaker and BP3MI, the NIK
    /// desk for everyone but Dukcapil).
    pub closed: Vec<&'static str>,
}

/// A signed-in user; anyone else is sent to the login page.
pub struct Auth(pub Viewer);

impl Auth {
    pub fn ctx(&self) -> &Ctx {
        self.0.ctx.as_ref().expect("Auth always carries a ctx")
    }
}

/// A caller of the JSON API with a valid bearer token.
pub struct ApiCaller(pub Ctx);

pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            // The last entry is the one our own proxy appended; earlier ones come from the
            // client and can be forged.
            .and_then(|v| v.rsplit(',').next())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        {
            return Some(ip);
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The request's `Idempotency-Key`, when it is a valid key (an invalid one was already
/// refused by `security::idempotency_header`).
pub fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get(crate::security::IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .filter(|k| benteng_app::idempotency::valid_key(k))
        .map(str::to_string)
}

/// The signed-in user's context, the account, and (with `unread`, for a page's menu) the
/// number of unread notifications, counted in the same statement.
async fn build_ctx(
    state: &AppState,
    parts: &Parts,
    uid: i64,
    unread: bool,
) -> Result<Option<(Ctx, User, i64)>, benteng_app::Error> {
    let found = if unread {
        benteng_app::account::actor_and_unread(&state.db, uid).await?
    } else {
        benteng_app::account::actor(&state.db, uid)
            .await?
            .map(|(a, u)| (a, u, 0))
    };
    let Some((actor, user, unread)) = found else {
        return Ok(None);
    };
    Ok(Some((caller_ctx(state, parts, actor), user, unread)))
}

/// The context of `actor` calling with this request (address, request id, idempotency key).
fn caller_ctx(state: &AppState, parts: &Parts, actor: benteng_domain::Actor) -> Ctx {
    tracing::Span::current().record("user_id", actor.user_id);
    Ctx {
        actor,
        ip: client_ip(parts, state.config.trust_proxy),
        request_id: request_id(&parts.headers),
        idempotency_key: idempotency_key(&parts.headers),
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| WebError::internal("session layer missing"))?;
        let is_get = parts.method == axum::http::Method::GET;
        // A page (GET) with a session reads the session and its user with their area in one
        // statement; the session store then takes the record read here instead of reading
        // it again (`session_store::Prefetched`). Without a live signed-in session, the
        // session is read as usual.
        let mut prefetched = None;
        if let (true, Some(sid)) = (is_get, session.id()) {
            let sid = sid.to_string();
            if let Some((actor, user, n, data)) =
                benteng_app::account::actor_for_session(&state.db, &sid).await?
            {
                state.prefetched.put(sid.clone(), data);
                prefetched = Some((sid, actor, user, n));
            }
        }
        let uid: Option<i64> = session.get(SESSION_USER).await.map_err(WebError::session)?;
        if let Some((sid, ..)) = &prefetched {
            // Not taken when the record had been loaded before: drop it.
            let _ = state.prefetched.take(sid);
        }
        let mut ctx = None;
        let mut user = None;
        let mut unread = 0;
        if let Some(uid) = uid {
            let found = match prefetched {
                // The session's user column and its record name the same user (both written
                // together by the store); the check keeps any other case on the usual path.
                Some((_, actor, u, n)) if actor.user_id == uid => {
                    Some((caller_ctx(state, parts, actor), u, n))
                }
                _ => build_ctx(state, parts, uid, is_get).await?,
            };
            match found {
                Some((c, u, n)) => {
                    ctx = Some(c);
                    user = Some(u);
                    unread = n;
                }
                // The account was deactivated or removed: end the session.
                None => session.flush().await.map_err(WebError::session)?,
            }
        }
        if ctx.is_some() {
            touch(&session).await?;
        }
        let session_lang: Option<String> =
            session.get(SESSION_LANG).await.map_err(WebError::session)?;
        let lang = user
            .as_ref()
            .and_then(|u| u.locale.clone())
            .or(session_lang)
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(from_accept_language)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "id".to_string());
        let visitor = parts.extensions.get::<crate::security::Visitor>().cloned();
        let csrf = match session
            .get::<String>(SESSION_CSRF)
            .await
            .map_err(WebError::session)?
        {
            Some(t) => t,
            // Anonymous: a token derived from the visitor cookie, so that showing a public
            // form writes no session row.
            None if ctx.is_none() && visitor.is_some() => crate::security::visitor_token(
                &state.csrf_key,
                &visitor.map(|v| v.0).unwrap_or_default(),
            ),
            None => {
                let t = benteng_app::account::random_token();
                session
                    .insert(SESSION_CSRF, &t)
                    .await
                    .map_err(WebError::session)?;
                t
            }
        };
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let locked = user.as_ref().is_some_and(|u| {
            u.must_change_password == 1
                || benteng_app::account::must_enrol(&state.config.second_factor, u)
        });
        // Counted with the user (on GETs); a locked account shows no menu.
        let unread = if locked { 0 } else { unread };
        let closed = match &ctx {
            Some(c) if parts.method == axum::http::Method::GET => {
                benteng_app::migrants::closed_pages(&state.db, c).await?
            }
            _ => Vec::new(),
        };
        Ok(Viewer {
            session,
            ctx,
            user,
            tr: Tr::new(&lang),
            csrf,
            path,
            unread,
            locked,
            closed,
        })
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let v = Viewer::from_request_parts(parts, state).await?;
        if v.ctx.is_none() {
            return Err(WebError::LoginRequired(v.path));
        }
        // Someone else chose this password: the account page (to change it) is all there is.
        if v.user.as_ref().is_some_and(|u| u.must_change_password == 1)
            && !v.path.starts_with("/akun")
        {
            return Err(WebError::PasswordChangeRequired);
        }
        // A role that requires a second factor without one: enrolment is all there is.
        if v.user
            .as_ref()
            .is_some_and(|u| benteng_app::account::must_enrol(&state.config.second_factor, u))
            && !v.path.starts_with(crate::pages::ENROL_PATH)
        {
            return Err(WebError::SecondFactorRequired);
        }
        Ok(Auth(v))
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        // The token's holder and their area in one statement (an unknown or expired token,
        // or a deactivated account, is refused alike).
        let (actor, user) = benteng_app::account::actor_for_token(&state.db, token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let ctx = caller_ctx(state, parts, actor);
        // A token issued before the role came to require a second factor stops working
        // until the user has enrolled on the web.
        if benteng_app::account::must_enrol(&state.config.second_factor, &user) {
            return Err(ApiError::SecondFactorRequired);
        }
        Ok(ApiCaller(ctx))
    }
}
