//! Who is signed in and their own account: signing in and out (audited), API tokens, the
//! language, changing one's password; the actor of a user id, and the server-side session
//! records behind the web layer's session store (several instances share them).
//! The second factor is in [`second_factor`]; the lists of one's sessions and tokens and the
//! new-device notice in [`devices`].

pub mod devices;
pub mod second_factor;

use benteng_db::{Ctx, Db, Result};
use benteng_domain::second_factor::{read_code, TypedCode};
use benteng_domain::values::new_password;
use benteng_domain::{Actor, FieldErrors};
use serde::Deserialize;

pub use benteng_db::sessions::SessionMeta;
pub use benteng_db::users::{random_token, User};
pub use benteng_domain::second_factor::SecondFactorPolicy;

/// The context of an operator's command acting as `username` (`benteng export --as`,
/// `benteng import --as`): that user's role and scope in force today, so the command sees and
/// changes exactly what the user could on the web, and the audit log names them. The request
/// id `cli` marks the entries as made from the command line. `NotFound` when there is no
/// such active account.
pub async fn operator_ctx(db: &Db, username: &str) -> Result<Ctx> {
    let id = db
        .users()
        .user_id_by_name(username)
        .await?
        .ok_or(benteng_db::Error::NotFound)?;
    let (actor, _) = actor(db, id).await?.ok_or(benteng_db::Error::NotFound)?;
    Ok(Ctx {
        actor,
        ip: None,
        request_id: Some("cli".into()),
        idempotency_key: None,
    })
}

/// Whether `user` must enrol a second factor before anything else (their role requires one
/// under `policy` and they have none).
pub fn must_enrol(policy: &SecondFactorPolicy, user: &User) -> bool {
    user.totp_enabled != 1 && policy.requires(user.role(), user.pimpasa == 1, user.pemeriksa == 1)
}

/// Whether signing in as `user` asks for a code after the password.
pub fn asks_code(user: &User) -> bool {
    user.totp_enabled == 1
}

/// The actor (role, scope, office area in force) and the account of a signed-in user;
/// `None` when the account is gone or deactivated.
pub async fn actor(db: &Db, user_id: i64) -> Result<Option<(Actor, User)>> {
    db.users().actor(user_id).await
}

/// [`actor_and_unread`] for the user of a live session, with the session's stored data, in
/// one statement; `None` when the session has no active user (read it as usual then).
pub async fn actor_for_session(
    db: &Db,
    session_id: &str,
) -> Result<Option<(Actor, User, i64, String)>> {
    db.users().actor_for_session(session_id).await
}

/// [`actor`] with the user's unread notifications (a page's menu badge), in one statement.
pub async fn actor_and_unread(db: &Db, user_id: i64) -> Result<Option<(Actor, User, i64)>> {
    db.users().actor_and_unread(user_id).await
}

/// Where a sign-in comes from, for the audit log and the new-device notice.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub user_agent: Option<&'a str>,
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

/// The second step of a sign-in: the code from the authenticator app or a recovery code of
/// user `user_id`, whose password was right moments ago. A wrong code is audited as
/// `login_code_failed`, a recovery code used as `recovery_code_used`. Returns the account
/// (still active) and how the code was proven, or `None` when it is wrong or used.
pub async fn second_step(
    db: &Db,
    user_id: i64,
    code: &str,
    origin: Origin<'_>,
) -> Result<Option<(User, second_factor::Proof)>> {
    let Some((_, user)) = db.users().actor(user_id).await? else {
        return Ok(None);
    };
    let proof = match read_code(code) {
        Some(c) => db.users().totp_check(user_id, &c).await?,
        None => None,
    };
    let who = Some((user.id, user.username.as_str()));
    let action = match proof {
        None => "login_code_failed",
        Some(second_factor::Proof::Recovery) => "recovery_code_used",
        Some(second_factor::Proof::Totp) => return Ok(Some((user, second_factor::Proof::Totp))),
    };
    db.audit()
        .audit_login(who, origin.ip, origin.request_id, action)
        .await?;
    Ok(proof.map(|p| (user, p)))
}

/// Audit a sign-in that succeeded (once its session or token exists), and note its device:
/// a device not seen before for this user sends them a notice through their channels.
pub async fn signed_in(db: &Db, user: &User, origin: Origin<'_>, action: &str) -> Result<()> {
    db.audit()
        .audit_login(
            Some((user.id, &user.username)),
            origin.ip,
            origin.request_id,
            action,
        )
        .await?;
    devices::note_device(db, user.id, origin).await?;
    Ok(())
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
    /// The account has a second factor and the request carried no `otp`.
    OtpMissing,
    /// The `otp` was wrong or already used (audited as `api_login_code_failed`).
    OtpWrong,
    /// The account's role requires a second factor and none is enrolled: enrol on the web.
    MustEnrol,
    Issued {
        token: String,
        expires_at: i64,
    },
}

/// Exchange a username, password and (for accounts with a second factor) a current code from
/// the authenticator app for a bearer token valid `ttl_secs`; only its hash is stored.
/// Recovery codes are not taken here: they are for the web sign-in after a lost phone.
pub async fn issue_token(
    db: &Db,
    policy: &SecondFactorPolicy,
    req: TokenRequest<'_>,
    origin: Origin<'_>,
    ttl_secs: i64,
) -> Result<TokenIssue> {
    let Some(user) = sign_in(db, req.username, req.password, origin, "api_login_failed").await?
    else {
        return Ok(TokenIssue::Refused);
    };
    if user.must_change_password == 1 {
        return Ok(TokenIssue::MustChangePassword);
    }
    if must_enrol(policy, &user) {
        return Ok(TokenIssue::MustEnrol);
    }
    if asks_code(&user) {
        let Some(otp) = req.otp.filter(|o| !o.trim().is_empty()) else {
            return Ok(TokenIssue::OtpMissing);
        };
        let proof = match read_code(otp) {
            Some(c @ TypedCode::Totp(_)) => db.users().totp_check(user.id, &c).await?,
            _ => None,
        };
        if proof.is_none() {
            db.audit()
                .audit_login(
                    Some((user.id, &user.username)),
                    origin.ip,
                    origin.request_id,
                    "api_login_code_failed",
                )
                .await?;
            return Ok(TokenIssue::OtpWrong);
        }
    }
    let device = benteng_domain::second_factor::device_label(origin.user_agent);
    let network = benteng_domain::second_factor::ip_prefix(origin.ip);
    let (token, expires_at) = db
        .users()
        .issue_api_token(user.id, ttl_secs, &device, &network)
        .await?;
    signed_in(db, &user, origin, "api_login").await?;
    Ok(TokenIssue::Issued { token, expires_at })
}

/// What a token request carries.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The current code of the authenticator app (accounts with a second factor).
    pub otp: Option<&'a str>,
}

/// Revoke a bearer token (the caller's own).
pub async fn revoke_token(db: &Db, token: &str) -> Result<()> {
    db.users().revoke_api_token(token).await
}

/// [`actor`] for the holder of a valid API token, in one statement: the caller of every API
/// request.
pub async fn actor_for_token(db: &Db, token: &str) -> Result<Option<(Actor, User)>> {
    db.users().actor_for_token(token).await
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
    /// The authenticator's code (or a recovery code), asked when a second factor is on.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password2: String,
}

/// A user changes their own password after proving the current one (and their second factor,
/// when it is on). Their other sessions and API tokens end; `keep_session` (the one they are
/// using) stays.
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
    second_factor::reauthenticate(db, ctx, &f.current, &f.code, &mut e).await?;
    let new = e.check(
        "password",
        new_password(&f.password, &[ctx.actor.username.as_str()]),
    );
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
    meta: &SessionMeta,
) -> Result<bool> {
    db.sessions()
        .session_create(id, data, expires_at, meta)
        .await
}

/// Update a session record that exists (one ended meanwhile stays ended).
pub async fn session_save(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    meta: &SessionMeta,
) -> Result<()> {
    db.sessions().session_save(id, data, expires_at, meta).await
}

/// A session record that has not expired.
pub async fn session_load(db: &Db, id: &str) -> Result<Option<String>> {
    db.sessions().session_load(id).await
}

pub async fn session_delete(db: &Db, id: &str) -> Result<()> {
    db.sessions().session_delete(id).await
}
