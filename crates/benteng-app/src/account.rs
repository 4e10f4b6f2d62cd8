//! Who is signed in: the actor of a user id, and the server-side session records behind the
//! web layer's session store (several instances share them).

use benteng_db::{Db, Result};
use benteng_domain::Actor;

pub use benteng_db::users::{random_token, User};

/// The actor (role, scope, office area in force) and the account of a signed-in user;
/// `None` when the account is gone or deactivated.
pub async fn actor(db: &Db, user_id: i64) -> Result<Option<(Actor, User)>> {
    db.actor(user_id).await
}

/// Keep a new session record; false when the id exists already (the store picks another).
pub async fn session_create(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    user_id: Option<i64>,
) -> Result<bool> {
    db.session_create(id, data, expires_at, user_id).await
}

/// Update a session record that exists (one ended meanwhile stays ended).
pub async fn session_save(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
    user_id: Option<i64>,
) -> Result<()> {
    db.session_save(id, data, expires_at, user_id).await
}

/// A session record that has not expired.
pub async fn session_load(db: &Db, id: &str) -> Result<Option<String>> {
    db.session_load(id).await
}

pub async fn session_delete(db: &Db, id: &str) -> Result<()> {
    db.session_delete(id).await
}
