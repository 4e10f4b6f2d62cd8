//! Who is signed in and their own account: signing in and out (audited), API tokens, the
//! language, changing one's password; the actor of a user id, and the server-side session
//! records behind the web layer's session store (several instances share them).

use benteng_db::{Ctx, Db, Result};
use benteng_domain::values::new_password;
use benteng_domain::{Actor, FieldErrors};
use serde::Deserialize;

pub use benteng_db::users::{random_token, User};

/// The actor (role, scope, office area in force) and the account of a signed-in user;
/// `None` when the account is gone or deactivated.
pub async fn actor(db: &Db, user_id: i64) -> Result<Option<(Actor, User)>> {
    db.users().actor(user_id).await
}

/// Where a sign-in comes from, for the audit log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

/// Check a username and password. Unknown users, wrong passwords and deactivated accounts
/// all answer `None` after the same work; the failure is audited as `failed_action`, under
/// the account's name only when the name is a real account's (a mistyped password never
/// lands in the log).
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
    origin: Origin<'_>,
    failed_action: &str,
) -> Result<Option<User>> {
    if let Some(user) = db.users().authenticate(username, password).await? {
        return Ok(Some(user));
    }
    let known = db.users().user_id_by_name(username).await?;
    let uname = username.trim().to_lowercase();
    db.audit()
        .audit_login(
            known.map(|id| (id, uname.as_str())),
            origin.ip,
            origin.request_id,
            failed_action,
        )
        .await?;
    Ok(None)
}

/// Audit a sign-in that succeeded (once its session or token exists).
pub async fn signed_in(db: &Db, user: &User, origin: Origin<'_>, action: &str) -> Result<()> {
    db.audit()
        .audit_login(
            Some((user.id, &user.username)),
            origin.ip,
            origin.request_id,
            action,
        )
        .await
}

/// Audit a user signing out (the web layer ends the session).
pub async fn sign_out(db: &Db, ctx: &Ctx) -> Result<()> {
    db.audit()
        .audit_login(
            Some((ctx.actor.user_id, &ctx.actor.username)),
            ctx.ip.as_deref(),
            ctx.request_id.as_deref(),
            "logout",
        )
        .await
}

/// What asking for an API token gave.
#[derive(Debug)]
pub enum TokenIssue {
    /// Wrong username or password, or a deactivated account (audited).
    Refused,
    /// The password was chosen by someone else: it opens the account page, nothing more.
    MustChangePassword,
    Issued {
        token: String,
        expires_at: i64,
    },
}

/// Exchange a username and password for a bearer token valid `ttl_secs`; only its hash is
/// stored.
pub async fn issue_token(
    db: &Db,
    username: &str,
    password: &str,
    origin: Origin<'_>,
    ttl_secs: i64,
) -> Result<TokenIssue> {
    let Some(user) = sign_in(db, username, password, origin, "api_login_failed").await? else {
        return Ok(TokenIssue::Refused);
    };
    if user.must_change_password == 1 {
        return Ok(TokenIssue::MustChangePassword);
    }
    let (token, expires_at) = db.users().issue_api_token(user.id, ttl_secs).await?;
    signed_in(db, &user, origin, "api_login").await?;
    Ok(TokenIssue::Issued { token, expires_at })
}

/// Revoke a bearer token (the caller's own).
pub async fn revoke_token(db: &Db, token: &str) -> Result<()> {
    db.users().revoke_api_token(token).await
}

/// The user behind a bearer token, if it is known and not expired.
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<i64>> {
    db.users().user_for_token(token).await
}

/// Keep the language a signed-in user chose (`id` or `en`, checked by the caller).
pub async fn set_locale(db: &Db, ctx: &Ctx, lang: &str) -> Result<()> {
    db.users().set_locale(ctx.actor.user_id, lang).await
}

/// The password form of the account page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password2: String,
}

/// A user changes their own password after proving the current one. Their other sessions and
/// API tokens end; `keep_session` (the one they are using) stays.
pub async fn change_password(
    db: &Db,
    ctx: &Ctx,
    f: &PasswordForm,
    keep_session: Option<&str>,
) -> Result<()> {
    let mut e = FieldErrors::new();
    if f.password != f.password2 {
        e.add("password2", "err-password-mismatch");
        return Err(e.into());
    }
    if !db.users().verify_own_password(ctx, &f.current).await? {
        e.add("current", "err-password-wrong");
    }
    let new = e.check("password", new_password(&f.password));
    e.into_result()?;
    db.users()
        .set_own_password(ctx, &new.unwrap_or_default(), keep_session)
        .await
}

/// Keep a new session record; false when the id exists already (the store picks another).
pub async fn session_create(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    user_id: Option<i64>,
) -> Result<bool> {
    db.sessions()
        .session_create(id, data, expires_at, user_id)
        .await
}

/// Update a session record that exists (one ended meanwhile stays ended).
pub async fn session_save(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    user_id: Option<i64>,
) -> Result<()> {
    db.sessions()
        .session_save(id, data, expires_at, user_id)
        .await
}

/// A session record that has not expired.
pub async fn session_load(db: &Db, id: &str) -> Result<Option<String>> {
    db.sessions().session_load(id).await
}

pub async fn session_delete(db: &Db, id: &str) -> Result<()> {
    db.sessions().session_delete(id).await
}
