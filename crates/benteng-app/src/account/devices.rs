//! One's own sessions and API tokens, as the account page lists them, each revocable; and the
//! notice on a sign-in from a device not seen before.

use super::Origin;
use benteng_db::{Ctx, Db, Result};
use benteng_domain::second_factor::{device_key, device_label, ip_prefix};

pub use benteng_db::sessions::SessionRow;
pub use benteng_db::users::TokenRow;

/// The signed-in user's sessions; `current` is the id of the one asking (marked, so the page
/// can say "this device").
pub async fn sessions(db: &Db, ctx: &Ctx, current: Option<&str>) -> Result<Vec<SessionRow>> {
    db.sessions().sessions_of(ctx, current).await
}

/// End one of one's own sessions by its handle (16 hex digits); it is signed out at once.
pub async fn end_session(db: &Db, ctx: &Ctx, handle: &str) -> Result<()> {
    if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(benteng_db::Error::NotFound);
    }
    db.sessions().end_session(ctx, handle).await
}

/// The signed-in user's API tokens (never the tokens themselves).
pub async fn tokens(db: &Db, ctx: &Ctx) -> Result<Vec<TokenRow>> {
    db.users().tokens_of(ctx).await
}

/// Revoke one of one's own API tokens.
pub async fn revoke_token(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    db.users().revoke_own_token(ctx, id).await
}

/// What the session store keeps beside a signed-in session: the browser's short name and the
/// network, from the sign-in's origin.
pub fn describe(origin: Origin<'_>) -> (String, String) {
    (device_label(origin.user_agent), ip_prefix(origin.ip))
}

/// Note the device of a completed sign-in; a new one (for a user who signed in before) sends
/// them a notice through their channels with the browser's name and the network only.
pub(crate) async fn note_device(db: &Db, user_id: i64, origin: Origin<'_>) -> Result<()> {
    let (label, network) = describe(origin);
    db.sessions()
        .note_device(
            user_id,
            &device_key(origin.user_agent, origin.ip),
            &label,
            &network,
        )
        .await?;
    Ok(())
}
