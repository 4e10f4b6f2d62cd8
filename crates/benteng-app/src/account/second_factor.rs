//! One's own second factor (TOTP): enrolment (the secret as a QR code and as text, confirmed
//! with a code, then ten recovery codes shown once), switching it off and making new recovery
//! codes (both only after the password and a code), and an admin's or the operator's reset.

use benteng_db::{Ctx, Db, Result};
use benteng_domain::second_factor::{format_recovery, read_code, TypedCode};
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub use benteng_db::second_factor::{Enrolment, Proof, TotpStatus};

/// Whether the signed-in user has a second factor, and how many recovery codes are left.
pub async fn status(db: &Db, ctx: &Ctx) -> Result<TotpStatus> {
    db.users().totp_status(ctx.actor.user_id).await
}

/// Recovery codes user `user_id` has left (told after signing in with one).
pub async fn recovery_left(db: &Db, user_id: i64) -> Result<i64> {
    Ok(db.users().totp_status(user_id).await?.recovery_left)
}

/// The secret to scan (the same one until it is confirmed). Conflict when one is on already.
pub async fn enrolment(db: &Db, ctx: &Ctx) -> Result<Enrolment> {
    db.users().totp_enrolment(ctx).await
}

/// The enrolment's confirmation: the code the app shows after scanning.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub code: String,
}

/// Switch the second factor on with a right code; returns the ten recovery codes, formatted
/// to be written down (`abcd-efgh-ijkl`). They are never shown again.
pub async fn confirm(db: &Db, ctx: &Ctx, f: &ConfirmForm) -> Result<Vec<String>> {
    let mut e = FieldErrors::new();
    let codes = match read_code(&f.code) {
        Some(TypedCode::Totp(c)) => db.users().totp_confirm(ctx, &c).await?,
        _ => None,
    };
    match codes {
        Some(codes) => Ok(codes.iter().map(|c| format_recovery(c)).collect()),
        None => {
            e.add(
                "code",
                if f.code.trim().is_empty() {
                    "err-required"
                } else {
                    "err-otp-wrong"
                },
            );
            Err(e.into())
        }
    }
}

/// What a sensitive change asks for: the current password, and a code when a second factor
/// is on.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReauthForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub code: String,
}

/// Check the acting user's password and, when they have a second factor, a code (which is
/// used up). Wrong parts are added to `e` (`current`, `code`). The code is only checked after
/// a right password, so a wrong password spends no recovery code.
pub(crate) async fn reauthenticate(
    db: &Db,
    ctx: &Ctx,
    current: &str,
    code: &str,
    e: &mut FieldErrors,
) -> Result<()> {
    let password_ok = db.users().verify_own_password(ctx, current).await?;
    if !password_ok {
        e.add("current", "err-password-wrong");
    }
    if !status(db, ctx).await?.enabled {
        return Ok(());
    }
    if code.trim().is_empty() {
        e.add("code", "err-required");
        return Ok(());
    }
    let proven = match read_code(code) {
        Some(c) if password_ok => db.users().totp_check(ctx.actor.user_id, &c).await?,
        _ => None,
    };
    if proven.is_none() && (password_ok || read_code(code).is_none()) {
        e.add("code", "err-otp-wrong");
    }
    Ok(())
}

/// Switch one's second factor off (after password and code). Where the role requires one,
/// the next page asks to enrol again: this is also how a user moves to a new phone.
pub async fn disable(db: &Db, ctx: &Ctx, f: &ReauthForm) -> Result<()> {
    let mut e = FieldErrors::new();
    reauthenticate(db, ctx, &f.current, &f.code, &mut e).await?;
    e.into_result()?;
    db.users().totp_disable(ctx).await
}

/// Ten new recovery codes (after password and code); the old ones stop working.
pub async fn regenerate(db: &Db, ctx: &Ctx, f: &ReauthForm) -> Result<Vec<String>> {
    let mut e = FieldErrors::new();
    reauthenticate(db, ctx, &f.current, &f.code, &mut e).await?;
    e.into_result()?;
    Ok(db
        .users()
        .recovery_regenerate(ctx)
        .await?
        .iter()
        .map(|c| format_recovery(c))
        .collect())
}

/// An admin removes user `id`'s second factor (a lost phone); audited as `totp_reset`, the
/// user is signed out everywhere. Refused for anyone but admins, and for one's own account.
pub async fn reset(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    db.users().totp_reset(Some(ctx), id).await
}

/// The operator's reset from the command line (`benteng user reset-2fa`), for an admin who
/// lost their phone and has no other admin.
pub async fn reset_cli(db: &Db, username: &str) -> Result<()> {
    let id = db
        .users()
        .user_id_by_name(username)
        .await?
        .ok_or(benteng_db::Error::NotFound)?;
    db.users().totp_reset(None, id).await
}
