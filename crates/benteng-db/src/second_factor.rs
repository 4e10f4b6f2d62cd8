//! The second factor's storage: each user's TOTP secret (RFC 6238 through `totp-rs`), the last
//! time step accepted (so no code is used twice), the recovery codes (hashed), and resets.
//!
//! Decisions:
//! - **Secrets are stored readable** (base32): checking a code needs the secret itself, and the
//!   product has no key store apart from its database; the database and its backups are the
//!   boundary (docs/security.md, docs/backup.md).
//! - **Recovery codes are stored as SHA-256 of a per-user salt and the code**, like API tokens:
//!   each code has 60 random bits, so a slow hash adds little, and ten Argon2 checks per sign-in
//!   would cost a second of CPU. Using one is one atomic `UPDATE … WHERE used_at IS NULL`.
//! - **Replay**: a TOTP code is accepted only for a time step later than the last accepted one,
//!   set in the same atomic `UPDATE`, so two requests racing with one code cannot both pass.

use crate::audit::{self, Event};
use crate::credentials::{random_token, token_hash};
use crate::{Ctx, Error, Result};
use benteng_domain::second_factor::{
    TypedCode, RECOVERY_ALPHABET, RECOVERY_CODES, RECOVERY_LEN, STEP_SECS,
};
use benteng_domain::Action;
use totp_rs::{Algorithm, Secret, Totp};

/// The issuer shown in authenticator apps.
const ISSUER: &str = "Benteng";

/// A secret being enrolled: the text to type and the `otpauth://` URL the QR code carries.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32, as authenticator apps accept it typed.
    pub secret: String,
    pub url: String,
}

/// Whether a user has a confirmed second factor, and how many recovery codes are left.
#[derive(Debug, Clone, Copy, Default)]
pub struct TotpStatus {
    pub enabled: bool,
    pub recovery_left: i64,
}

/// How a second factor was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Totp,
    Recovery,
}

fn totp(secret_b32: &str, account: &str) -> Result<Totp> {
    let bytes = Secret::try_from_base32(secret_b32)
        .map_err(|e| anyhow::anyhow!("stored TOTP secret unreadable: {e:?}"))?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECS)
        .with_secret(bytes)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "_"))
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("TOTP settings refused: {e:?}")))
}

fn unix_now() -> u64 {
    crate::now().max(0) as u64
}

/// The time step a six-digit code belongs to (the current one, or one step either side for a
/// clock that is a little off), if it is right.
fn step_of(secret_b32: &str, account: &str, code: &str) -> Result<Option<i64>> {
    Ok(totp(secret_b32, account)?
        .check(code, unix_now())
        .map(|s| s as i64))
}

fn recovery_hash(salt: &str, code: &str) -> String {
    token_hash(&format!("{salt}:{code}"))
}

/// Ten new recovery codes (normalised: lower case, no dashes).
fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            (0..RECOVERY_LEN)
                .map(|_| RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect()
        })
        .collect()
}

async fn store_recovery_codes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    salt: &str,
) -> Result<Vec<String>> {
    sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let codes = new_recovery_codes();
    for c in &codes {
        sqlx::query("INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_hash(salt, c))
            .execute(&mut **tx)
            .await?;
    }
    Ok(codes)
}

impl crate::users::Repo<'_> {
    pub async fn totp_status(&self, user_id: i64) -> Result<TotpStatus> {
        let enabled: Option<i64> =
            sqlx::query_scalar("SELECT enabled FROM user_totp WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.db.pool)
                .await?;
        let recovery_left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.db.pool)
        .await?;
        Ok(TotpStatus {
            enabled: enabled == Some(1),
            recovery_left,
        })
    }

    /// The secret the acting user is enrolling: the one already shown (a reload shows the same
    /// QR code), or a new one. Refused (conflict) when a second factor is already on.
    pub async fn totp_enrolment(&self, ctx: &Ctx) -> Result<Enrolment> {
        let uid = ctx.actor.user_id;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT secret, enabled FROM user_totp WHERE user_id = $1")
                .bind(uid)
                .fetch_optional(&self.db.pool)
                .await?;
        let secret = match row {
            Some((_, 1)) => return Err(Error::Conflict("code", "err-totp-already-on")),
            Some((s, _)) => s,
            None => {
                use rand::Rng;
                let bytes: [u8; 20] = rand::rng().random();
                let s = Secret::from(bytes.to_vec()).to_base32();
                sqlx::query(
                    "INSERT INTO user_totp (user_id, secret, enabled, recovery_salt, created_at) VALUES ($1, $2, 0, $3, $4) \
                     ON CONFLICT (user_id) DO NOTHING",
                )
                .bind(uid)
                .bind(s.clone())
                .bind(random_token())
                .bind(crate::now())
                .execute(&self.db.pool)
                .await?;
                // Two tabs starting at once: both show the one that was stored.
                sqlx::query_scalar("SELECT secret FROM user_totp WHERE user_id = $1")
                    .bind(uid)
                    .fetch_one(&self.db.pool)
                    .await?
            }
        };
        let url = totp(&secret, &ctx.actor.username)?
            .to_url()
            .map_err(|e| anyhow::anyhow!("otpauth URL: {e:?}"))?;
        Ok(Enrolment { secret, url })
    }

    /// Switch the second factor on when `code` is right for the secret being enrolled; returns
    /// the recovery codes (shown once) or `None` for a wrong code.
    pub async fn totp_confirm(&self, ctx: &Ctx, code: &str) -> Result<Option<Vec<String>>> {
        let uid = ctx.actor.user_id;
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT secret, recovery_salt FROM user_totp WHERE user_id = $1 AND enabled = 0",
        )
        .bind(uid)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((secret, salt)) = row else {
            return Err(Error::Conflict("code", "err-totp-already-on"));
        };
        let Some(step) = step_of(&secret, &ctx.actor.username, code)? else {
            return Ok(None);
        };
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE user_totp SET enabled = 1, last_step = $1, enabled_at = $2 WHERE user_id = $3 AND enabled = 0",
        )
        .bind(step)
        .bind(crate::now())
        .bind(uid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(Error::Conflict("code", "err-totp-already-on"));
        }
        sqlx::query("UPDATE users SET totp_enabled = 1 WHERE id = $1")
            .bind(uid)
            .execute(&mut *tx)
            .await?;
        let codes = store_recovery_codes(&mut tx, uid, &salt).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "totp_enable",
                entity: "user",
                entity_id: Some(uid.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(codes))
    }

    /// Check a second factor of user `user_id` (at sign-in, or to confirm a sensitive change)
    /// and use it up: a TOTP code's time step cannot be accepted again, a recovery code is
    /// spent. `None`: wrong, already used, or no second factor on.
    pub async fn totp_check(&self, user_id: i64, code: &TypedCode) -> Result<Option<Proof>> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT t.secret, t.recovery_salt, u.username FROM user_totp t JOIN users u ON u.id = t.user_id \
             WHERE t.user_id = $1 AND t.enabled = 1",
        )
        .bind(user_id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((secret, salt, username)) = row else {
            return Ok(None);
        };
        match code {
            TypedCode::Totp(c) => {
                let Some(step) = step_of(&secret, &username, c)? else {
                    return Ok(None);
                };
                let n = sqlx::query(
                    "UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND enabled = 1 AND (last_step IS NULL OR last_step < $1)",
                )
                .bind(step)
                .bind(user_id)
                .execute(&self.db.pool)
                .await?
                .rows_affected();
                Ok((n == 1).then_some(Proof::Totp))
            }
            TypedCode::Recovery(c) => {
                let n = sqlx::query(
                    "UPDATE totp_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(crate::now())
                .bind(user_id)
                .bind(recovery_hash(&salt, c))
                .execute(&self.db.pool)
                .await?
                .rows_affected();
                Ok((n == 1).then_some(Proof::Recovery))
            }
        }
    }

    /// New recovery codes for the acting user (the old ones stop working); the caller has
    /// checked their password and second factor.
    pub async fn recovery_regenerate(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let uid = ctx.actor.user_id;
        let salt: Option<String> = sqlx::query_scalar(
            "SELECT recovery_salt FROM user_totp WHERE user_id = $1 AND enabled = 1",
        )
        .bind(uid)
        .fetch_optional(&self.db.pool)
        .await?;
        let salt = salt.ok_or(Error::NotFound)?;
        let mut tx = self.db.begin().await?;
        let codes = store_recovery_codes(&mut tx, uid, &salt).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "totp_recovery_regenerate",
                entity: "user",
                entity_id: Some(uid.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// The acting user switches their own second factor off (after proving password and
    /// code, checked by the caller).
    pub async fn totp_disable(&self, ctx: &Ctx) -> Result<()> {
        self.remove_totp(Some(ctx), ctx.actor.user_id, "totp_disable", false)
            .await
    }

    /// An admin (or, with `ctx` `None`, the operator at the command line) removes user `id`'s
    /// second factor, e.g. after a lost phone. Audited as `totp_reset`; the user is signed out
    /// everywhere, so their next sign-in enrols again where it is required. Admins reset
    /// others only: their own goes through the account page, which asks for password and code.
    pub async fn totp_reset(&self, ctx: Option<&Ctx>, id: i64) -> Result<()> {
        if let Some(c) = ctx {
            c.require(Action::UserManage, None)?;
            if c.actor.user_id == id {
                return Err(Error::Forbidden);
            }
        }
        self.user_by_id(id).await?.ok_or(Error::NotFound)?;
        self.remove_totp(ctx, id, "totp_reset", true).await
    }

    async fn remove_totp(
        &self,
        ctx: Option<&Ctx>,
        id: i64,
        action: &str,
        sign_out: bool,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let had = sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE users SET totp_enabled = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if sign_out {
            crate::sessions::end_sessions_of(&mut tx, id, None).await?;
        }
        audit::write(
            &mut *tx,
            ctx,
            Event {
                action,
                entity: "user",
                entity_id: Some(id.to_string()),
                detail: Some(format!("had_totp={}", had > 0)),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits there; the last 6 are the 6-digit code).
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let t = totp(&secret, "uji").unwrap();
        for (time, code8) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(t.generate(time).to_string(), code8[2..], "at {time}");
        }
        assert!(t
            .to_url()
            .unwrap()
            .starts_with("otpauth://totp/Benteng:uji?secret="));
    }

    #[test]
    fn recovery_codes_are_random_base32() {
        let a = new_recovery_codes();
        assert_eq!(a.len(), RECOVERY_CODES);
        assert!(a.iter().all(|c| c.len() == RECOVERY_LEN
            && benteng_domain::second_factor::read_code(c)
                == Some(TypedCode::Recovery(c.clone()))));
        assert_ne!(a, new_recovery_codes());
        assert_ne!(recovery_hash("s1", &a[0]), recovery_hash("s2", &a[0]));
    }
}
